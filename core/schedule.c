/* The service's timing rules (schedule.h): arithmetic only, no clock and no OS calls. */
#include "schedule.h"

int avs_schedule_needs_delay(const struct avs_schedule_facts *f)
{
    return f->enforce && !f->resume_pending && !f->delay_done && f->delay_minutes > 0;
}

uint64_t avs_schedule_delay_ms(uint32_t delay_minutes, uint32_t r)
{
    uint64_t span = (uint64_t)delay_minutes * 60000u;
    return span ? (uint64_t)r % span : 0;
}

uint64_t avs_schedule_daily_ms(int64_t last_ms, int64_t now_ms)
{
    if (last_ms < 0)
        return AVS_DAY_MS;
    int64_t due = last_ms + (int64_t)AVS_DAY_MS;
    if (now_ms >= due)
        return 0;
    /* A clock that went backwards still waits no more than a day. */
    uint64_t left = (uint64_t)(due - now_ms);
    return left > AVS_DAY_MS ? AVS_DAY_MS : left;
}

uint32_t avs_schedule_settle_ms(int64_t first_ms, int64_t last_ms, int64_t now_ms)
{
    int64_t quiet_due = last_ms + AVS_SCHEDULE_SETTLE_MS;
    int64_t cap_due = first_ms + AVS_SCHEDULE_SETTLE_MAX_MS;
    int64_t due = quiet_due < cap_due ? quiet_due : cap_due;
    if (now_ms >= due)
        return 0;
    int64_t left = due - now_ms;
    return left > AVS_SCHEDULE_SETTLE_MAX_MS ? AVS_SCHEDULE_SETTLE_MAX_MS : (uint32_t)left;
}

uint64_t avs_schedule_retry_ms(unsigned attempt)
{
    if (attempt == 0)
        attempt = 1;
    uint64_t minutes = attempt > 5 ? 30u : 1u << (attempt - 1);
    return minutes * 60000u;
}
