#include "backoff.h"

#include "error.h"

void avs_backoff_init(struct avs_backoff *b, uint32_t base_ms, uint32_t cap_ms, uint32_t budget_ms)
{
    b->base_ms = base_ms ? base_ms : 1;
    b->cap_ms = cap_ms < b->base_ms ? b->base_ms : cap_ms;
    b->budget_ms = budget_ms;
    b->elapsed_ms = 0;
    b->attempt = 0;
}

int avs_backoff_next(uint32_t *out_delay_ms, struct avs_backoff *b, uint32_t random)
{
    *out_delay_ms = 0;
    if (b->elapsed_ms >= b->budget_ms)
        return AVS_ETIMEDOUT;

    /* e = min(cap, base * 2^attempt), doubling without overflow. */
    uint32_t e = b->base_ms;
    for (uint32_t i = 0; i < b->attempt && e < b->cap_ms; i++)
        e = e > b->cap_ms / 2 ? b->cap_ms : e * 2;
    if (e > b->cap_ms)
        e = b->cap_ms;

    uint32_t half = e / 2;
    uint32_t fixed = e - half; /* >= 1 since e >= 1 */
    uint64_t jitter = half ? (uint64_t)random % ((uint64_t)half + 1) : 0;
    uint32_t delay = fixed + (uint32_t)jitter;

    uint32_t left = b->budget_ms - b->elapsed_ms;
    if (delay > left)
        delay = left;
    b->elapsed_ms += delay;
    if (b->attempt < UINT32_MAX)
        b->attempt++;
    *out_delay_ms = delay;
    return 0;
}
