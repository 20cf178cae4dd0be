/* The service's timing decisions, as pure functions of what the service knows (policy, the
 * State key, clocks given as numbers), so every rule is tested on the host with tables:
 * whether to wait the random delay, when the maintenance window opens, when the daily run is
 * due, how long a burst of registry changes is let settle, how long to wait before a retry. */
#ifndef AVS_SCHEDULE_H
#define AVS_SCHEDULE_H

#include <stdint.h>

#define AVS_DAY_MS (24u * 60u * 60u * 1000u)

/* Installers touch the Uninstall keys many times in a row: rescan once the changes stopped for
 * SETTLE_MS, yet never later than SETTLE_MAX_MS after the first, so an endless trickle of changes
 * cannot postpone the rescan for ever. */
#define AVS_SCHEDULE_SETTLE_MS 1000u
#define AVS_SCHEDULE_SETTLE_MAX_MS 10000u

/* What the random-delay rule looks at. */
struct avs_schedule_facts {
    int enforce;            /* the effective Mode is enforce */
    int delay_done;         /* State DelayDone: the delay was waited since Mode last became
                               enforce (the service clears it in audit mode) */
    int resume_pending;     /* the journal holds an unfinished run (resume after a reboot) */
    uint32_t delay_minutes; /* RandomDelayMinutes */
};

/* 1 when the run must first wait a random delay: only before the first enforcing run after
 * install or after Mode changed to enforce, never for a resume and never in audit mode (an
 * audit run changes nothing, so the fleet may do it at once). */
int avs_schedule_needs_delay(const struct avs_schedule_facts *f);

/* The delay in milliseconds, uniform in [0, minutes) given a random 32-bit number R. */
uint64_t avs_schedule_delay_ms(uint32_t delay_minutes, uint32_t r);

/* Milliseconds until the daily run, due DAY_MS after the last run started (LAST_MS and NOW_MS
 * on the same monotonic or UTC clock); 0 when it is overdue, DAY_MS when LAST_MS is unknown
 * (negative). */
uint64_t avs_schedule_daily_ms(int64_t last_ms, int64_t now_ms);

/* Milliseconds to wait before rescanning after registry changes that began at FIRST_MS, the
 * latest at LAST_MS (monotonic, LAST_MS >= FIRST_MS); 0 when due. */
uint32_t avs_schedule_settle_ms(int64_t first_ms, int64_t last_ms, int64_t now_ms);

/* Milliseconds before retrying a run that found Windows Installer busy, for the ATTEMPT-th
 * retry (1, 2, ...): 1, 2, 4, 8, 16, then 30 minutes. */
uint64_t avs_schedule_retry_ms(unsigned attempt);

#endif
