/* Bounded, jittered exponential backoff: bounds hold for every random value, waits grow, the
 * budget is never exceeded and the schedule always ends. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdint.h>

#include "backoff.h"
#include "error.h"

/* The delay bound for attempt K, computed independently of the module in 64-bit. */
static uint64_t ceiling(uint32_t base, uint32_t cap, uint32_t k)
{
    uint64_t b = base ? base : 1, c = cap < b ? b : cap, e = b;
    for (uint32_t i = 0; i < k && e < c; i++)
        e *= 2;
    return e < c ? e : c;
}

struct cfg {
    uint32_t base, cap, budget;
};

ParameterizedTestParameters(backoff, bounds)
{
    static struct cfg cases[] = {
        {100, 5000, 60000},
        {250, 8000, 120000},
        {1, 1, 10},
        {0, 0, 5},
        {1000, 500, 3000},
        {3, 7, 1000},
        {1, 2, 1},
        {5000, 5000, 4999},
        {100, 1000, 0},
        {2, UINT32_MAX, 100000},
        {UINT32_MAX / 2, UINT32_MAX, UINT32_MAX},
    };
    return cr_make_param_array(struct cfg, cases, sizeof cases / sizeof cases[0]);
}

enum { R_CONST, R_LCG };

/* Runs a whole schedule with random values from MODE and checks every invariant. */
static void run(const struct cfg *c, int mode, uint32_t r)
{
    struct avs_backoff b;
    uint32_t d = 0, attempts = 0, lcg = r;
    uint64_t total = 0, prev_fixed = 0;
    avs_backoff_init(&b, c->base, c->cap, c->budget);
    uint64_t cap = ceiling(c->base, c->cap, 64);
    /* Delays are >= ceil(e/2): doubling reaches the cap within 32 steps, then each is >= cap/2. */
    uint64_t max_attempts = 33 + (uint64_t)c->budget / ((cap + 1) / 2) + 1;

    for (;;) {
        uint32_t rnd = r;
        if (mode == R_LCG) {
            lcg = lcg * 1664525u + 1013904223u;
            rnd = lcg;
        }
        int rc = avs_backoff_next(&d, &b, rnd);
        if (rc == AVS_ETIMEDOUT) {
            cr_assert_eq(d, 0);
            break;
        }
        cr_assert_eq(rc, 0);
        uint64_t e = ceiling(c->base, c->cap, attempts), fixed = e - e / 2;
        cr_assert(d >= 1, "delay 0 at attempt %u", attempts);
        cr_assert(d <= e, "attempt %u: delay %u above %llu", attempts, d, (unsigned long long)e);
        cr_assert(fixed >= prev_fixed, "the fixed half shrank at attempt %u", attempts);
        total += d;
        cr_assert(total <= c->budget, "total %llu beyond budget %u", (unsigned long long)total,
                  c->budget);
        if (total < c->budget)
            cr_assert(d >= fixed, "attempt %u: delay %u below its fixed half %llu", attempts, d,
                      (unsigned long long)fixed);
        prev_fixed = fixed;
        attempts++;
        cr_assert(attempts <= max_attempts, "no end after %u attempts", attempts);
    }
    cr_expect_eq(total, c->budget, "the whole budget is used, no more");
    cr_expect_eq(avs_backoff_next(&d, &b, r), AVS_ETIMEDOUT, "stays timed out");
}

ParameterizedTest(struct cfg *c, backoff, bounds)
{
    static const uint32_t fixed_values[] = {
        0, 1, 2, 3, 0x7fffffffu, 0x80000000u, UINT32_MAX - 1, UINT32_MAX};
    for (size_t i = 0; i < sizeof fixed_values / sizeof fixed_values[0]; i++)
        run(c, R_CONST, fixed_values[i]);
    for (uint32_t seed = 1; seed <= 200; seed++)
        run(c, R_LCG, seed * 2654435761u);
}

Test(backoff, exact_schedule_without_jitter)
{
    /* random 0: every delay is its fixed half, e/2 of 100, 200, 400, 800, 1000, 1000... */
    static const uint32_t expect[] = {50, 100, 200, 400, 500, 500, 500, 500, 250};
    struct avs_backoff b;
    uint32_t d;
    avs_backoff_init(&b, 100, 1000, 3000);
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++) {
        cr_assert_eq(avs_backoff_next(&d, &b, 0), 0, "step %zu", i);
        cr_expect_eq(d, expect[i], "step %zu: %u, expected %u", i, d, expect[i]);
    }
    cr_expect_eq(avs_backoff_next(&d, &b, 0), AVS_ETIMEDOUT);
}

Test(backoff, exact_schedule_with_full_jitter)
{
    /* random = e/2 gives the largest delay, e itself. */
    static const uint32_t expect[] = {100, 200, 400, 800, 1000, 500};
    static const uint32_t rnd[] = {50, 100, 200, 400, 500, 500};
    struct avs_backoff b;
    uint32_t d;
    avs_backoff_init(&b, 100, 1000, 3000);
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++) {
        cr_assert_eq(avs_backoff_next(&d, &b, rnd[i]), 0, "step %zu", i);
        cr_expect_eq(d, expect[i], "step %zu: %u, expected %u", i, d, expect[i]);
    }
    cr_expect_eq(avs_backoff_next(&d, &b, 0), AVS_ETIMEDOUT);
    cr_expect_eq(b.elapsed_ms, 3000);
    cr_expect_eq(b.attempt, 6);
}

Test(backoff, jitter_spreads_delays)
{
    /* Different random values must give different delays: the jitter is real. */
    struct avs_backoff a, b;
    uint32_t da, db;
    avs_backoff_init(&a, 1000, 60000, 600000);
    avs_backoff_init(&b, 1000, 60000, 600000);
    cr_assert_eq(avs_backoff_next(&da, &a, 0), 0);
    cr_assert_eq(avs_backoff_next(&db, &b, 321), 0);
    cr_expect_eq(da, 500);
    cr_expect_eq(db, 821);
}
