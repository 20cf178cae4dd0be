/* Bounded, jittered exponential backoff, for waiting while another installation runs
 * (Global\_MSIExecute held, result 1618).
 *
 * Delay n is "equal jitter": with e = min(cap, base * 2^n), half of e is fixed and the other
 * half random, so the delay lies in [e - e/2, e]. Retries from many machines spread out, yet
 * every wait still grows. The sum of all delays never exceeds the budget: the last delay is cut
 * to what is left, and after it avs_backoff_next says AVS_ETIMEDOUT. The caller supplies the
 * randomness (avs_os_random), so the schedule is deterministic under test. */
#ifndef AVS_BACKOFF_H
#define AVS_BACKOFF_H

#include <stdint.h>

struct avs_backoff {
    uint32_t base_ms;    /* first delay's upper bound (>= 1) */
    uint32_t cap_ms;     /* no delay is longer (>= base_ms) */
    uint32_t budget_ms;  /* total of all delays */
    uint32_t elapsed_ms; /* sum of the delays handed out so far */
    uint32_t attempt;    /* delays handed out so far */
};

/* BASE_MS 0 is taken as 1 and a CAP_MS below BASE_MS as BASE_MS, so every delay is at least
 * 1 ms and the schedule always ends. BUDGET_MS 0: the first call times out. */
void avs_backoff_init(struct avs_backoff *b, uint32_t base_ms, uint32_t cap_ms, uint32_t budget_ms);

/* The next delay in *out_delay_ms (1..cap_ms), from RANDOM (any 32-bit value). AVS_ETIMEDOUT
 * with *out_delay_ms 0 once the budget is spent. */
int avs_backoff_next(uint32_t *out_delay_ms, struct avs_backoff *b, uint32_t random);

#endif
