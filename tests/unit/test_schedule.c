/* The service's timing rules (core/schedule.h) as tables: random delay, settle of bursts, daily
 * run, retry backoff, and the restart decision with maintenance windows crossing midnight. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdint.h>

#include "schedule.h"

struct delay_case {
    struct avs_schedule_facts f;
    int want;
};

ParameterizedTestParameters(schedule, needs_delay)
{
    static struct delay_case cases[] = {
        {{1, 0, 0, 30}, 1}, /* first enforcing run after install */
        {{1, 1, 0, 30}, 0}, /* already waited since Mode became enforce */
        {{1, 0, 1, 30}, 0}, /* a resume after a restart */
        {{0, 0, 0, 30}, 0}, /* audit never waits */
        {{1, 0, 0, 0}, 0},  /* no delay configured */
        {{0, 1, 1, 0}, 0},
    };
    return cr_make_param_array(struct delay_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct delay_case *c, schedule, needs_delay)
{
    cr_expect_eq(avs_schedule_needs_delay(&c->f), c->want, "enforce=%d done=%d resume=%d min=%u",
                 c->f.enforce, c->f.delay_done, c->f.resume_pending, c->f.delay_minutes);
}

Test(schedule, delay_is_below_the_bound)
{
    uint32_t rs[] = {0, 1, 59999, 60000, 1799999, 1800000, UINT32_MAX};
    for (size_t i = 0; i < sizeof rs / sizeof rs[0]; i++)
        cr_expect_lt(avs_schedule_delay_ms(30, rs[i]), 30u * 60000u);
    cr_expect_eq(avs_schedule_delay_ms(30, 1800001), 1);
    cr_expect_eq(avs_schedule_delay_ms(0, 12345), 0);
}

struct settle_case {
    int64_t first, last, now;
    uint32_t want;
};

ParameterizedTestParameters(schedule, settle)
{
    static struct settle_case cases[] = {
        {1000, 1000, 1000, 1000},  /* one change: wait a quiet second */
        {1000, 1500, 1500, 1000},  /* another change pushes it out */
        {1000, 1500, 2400, 100},   /* quiet for 900 ms */
        {1000, 1500, 2500, 0},     /* quiet for a second: due */
        {1000, 10500, 10500, 500}, /* a trickle: capped 10 s after the first */
        {1000, 10900, 11000, 0},   /* the cap reached */
        {1000, 1000, 50000, 0},    /* long overdue */
    };
    return cr_make_param_array(struct settle_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct settle_case *c, schedule, settle)
{
    cr_expect_eq(avs_schedule_settle_ms(c->first, c->last, c->now), c->want,
                 "first %lld last %lld now %lld", (long long)c->first, (long long)c->last,
                 (long long)c->now);
}

Test(schedule, daily)
{
    cr_expect_eq(avs_schedule_daily_ms(-1, 5), AVS_DAY_MS);
    cr_expect_eq(avs_schedule_daily_ms(0, 0), AVS_DAY_MS);
    cr_expect_eq(avs_schedule_daily_ms(0, 1000), AVS_DAY_MS - 1000u);
    cr_expect_eq(avs_schedule_daily_ms(0, AVS_DAY_MS), 0);
    cr_expect_eq(avs_schedule_daily_ms(0, 2LL * AVS_DAY_MS), 0);
    cr_expect_eq(avs_schedule_daily_ms(10000, 0), AVS_DAY_MS); /* clock went back: a day at most */
}

Test(schedule, retry_backoff)
{
    uint64_t want[] = {1, 1, 2, 4, 8, 16, 30, 30, 30};
    for (unsigned a = 0; a < sizeof want / sizeof want[0]; a++)
        cr_expect_eq(avs_schedule_retry_ms(a), want[a] * 60000u, "attempt %u", a);
}

struct reboot_case {
    int required;
    enum avs_policy_reboot policy;
    uint16_t start, end;
    unsigned now;
    enum avs_reboot_action want;
    unsigned want_min;
};

#define HM(h, m) ((h)*60 + (m))

ParameterizedTestParameters(schedule, reboot)
{
    static struct reboot_case cases[] = {
        {0, AVS_PREBOOT_MAINTENANCE_WINDOW, HM(2, 0), HM(4, 0), HM(3, 0), AVS_REBOOT_ACTION_NONE,
         0},
        {1, AVS_PREBOOT_NEVER, HM(2, 0), HM(4, 0), HM(3, 0), AVS_REBOOT_ACTION_WAIT_NATURAL, 0},
        {1, AVS_PREBOOT_MAINTENANCE_WINDOW, HM(2, 0), HM(4, 0), HM(3, 0), AVS_REBOOT_ACTION_NOW, 0},
        {1, AVS_PREBOOT_MAINTENANCE_WINDOW, HM(2, 0), HM(4, 0), HM(2, 0), AVS_REBOOT_ACTION_NOW, 0},
        /* the end is exclusive: 04:00 waits for tomorrow's 02:00 */
        {1, AVS_PREBOOT_MAINTENANCE_WINDOW, HM(2, 0), HM(4, 0), HM(4, 0),
         AVS_REBOOT_ACTION_WAIT_WINDOW, 22 * 60},
        {1, AVS_PREBOOT_MAINTENANCE_WINDOW, HM(2, 0), HM(4, 0), HM(1, 59),
         AVS_REBOOT_ACTION_WAIT_WINDOW, 1},
        /* crossing midnight: 22:00-04:00 */
        {1, AVS_PREBOOT_MAINTENANCE_WINDOW, HM(22, 0), HM(4, 0), HM(23, 30), AVS_REBOOT_ACTION_NOW,
         0},
        {1, AVS_PREBOOT_MAINTENANCE_WINDOW, HM(22, 0), HM(4, 0), HM(0, 15), AVS_REBOOT_ACTION_NOW,
         0},
        {1, AVS_PREBOOT_MAINTENANCE_WINDOW, HM(22, 0), HM(4, 0), HM(4, 0),
         AVS_REBOOT_ACTION_WAIT_WINDOW, 18 * 60},
        {1, AVS_PREBOOT_MAINTENANCE_WINDOW, HM(22, 0), HM(4, 0), HM(21, 59),
         AVS_REBOOT_ACTION_WAIT_WINDOW, 1},
        /* start == end: the whole day */
        {1, AVS_PREBOOT_MAINTENANCE_WINDOW, HM(5, 0), HM(5, 0), HM(17, 0), AVS_REBOOT_ACTION_NOW,
         0},
    };
    return cr_make_param_array(struct reboot_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct reboot_case *c, schedule, reboot)
{
    struct avs_window w = {c->start, c->end};
    unsigned min = 99;
    enum avs_reboot_action a = avs_schedule_reboot(&min, c->required, c->policy, &w, c->now);
    cr_expect_eq(a, c->want, "window %u-%u now %u: action %d", c->start, c->end, c->now, a);
    cr_expect_eq(min, c->want_min, "window %u-%u now %u: minutes", c->start, c->end, c->now);
}
