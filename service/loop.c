/* The service thread (svc.h): sleeps on events only — the stop event, the registry change
 * notifications, and waitable timers (a burst of changes settling, the daily run, a retry after
 * Windows Installer was busy) — and runs the engine on a worker thread, one run at a time. */
#include "svc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "avs_messages.h"
#include "avs_version.h"
#include "buf.h"
#include "catalog.h"
#include "policy.h"
#include "remediate.h"
#include "rescan.h"
#include "run.h"
#include "schedule.h"
#include "state.h"
#include "watch.h"

/* Heartbeat while a stop waits for the engine: well inside the wait hint. */
#define STOP_BEAT_MS 2000u
/* A restart Windows refused as busy inside the window is asked for again after this. */
#define REBOOT_RETRY_MS (15u * 60u * 1000u)

struct loop {
    struct avs_svc *svc;
    struct avs_svc_watch watch;
    HANDLE settle_timer; /* a burst of Uninstall changes has settled */
    HANDLE daily_timer;
    HANDLE retry_timer;  /* Windows Installer was busy */
    HANDLE delay_timer;  /* the random delay before the first enforcing run */
    HANDLE reboot_timer; /* the maintenance window opens */
    HANDLE engine;       /* the worker thread while a run is under way */
    HANDLE engine_lock;  /* AvSwap's mutex while a hand run holds it: its release wakes us */
    struct avs_svc_run run;
    int pending; /* something happened during the run: run again after it */
    enum avs_svc_trigger pending_trigger;
    int64_t first_change, last_change; /* monotonic ms of an unsettled burst; 0 when none */
    unsigned retries;
    int delaying; /* a run waits for delay_timer */
    int recheck;  /* changes settled during a run: look at them when it ends */
    /* The policy last applied (the runs read it afresh; these steer the timing). */
    char *policy_fp; /* its values in one string: a GPO refresh that rewrites them is no change */
    int enforce;
    const char *mode_src; /* "default", "msi", "policy" */
    uint32_t delay_min;
    enum avs_policy_reboot reboot;
    struct avs_window window;
    /* The incremental rescan after a change (core/rescan.h); NULL: every change runs. */
    struct avs_catalog cat;
    int have_cat;
    struct avs_rescan *rescan;
};

static void event2(uint32_t id, const char *a, const char *b)
{
    const char *str[2] = {a, b};
    avs_os_event_write(id, str, b ? 2 : 1);
}

static void fault(uint32_t id, const char *what, int err)
{
    event2(id, what, avs_strerror(err));
}

/* Arms TIMER to fire once, MS from now. */
static void arm(HANDLE timer, uint64_t ms)
{
    LARGE_INTEGER due;
    due.QuadPart = -(LONGLONG)(ms * 10000u); /* relative, in 100 ns units */
    if (due.QuadPart == 0)
        due.QuadPart = -1;
    SetWaitableTimer(timer, &due, 0, NULL, NULL, FALSE);
}

static uint32_t state_dword(const char *name)
{
    uint32_t v = 0;
    return avs_state_get_dword(&v, name) == 0 ? v : 0;
}

static int launch(struct loop *l, enum avs_svc_trigger t)
{
    memset(&l->run, 0, sizeof l->run);
    l->run.trigger = t;
    l->run.resume = state_dword(AVS_STATE_RUN_PENDING) != 0;
    l->engine = CreateThread(NULL, 0, avs_svc_run_thread, &l->run, 0, NULL);
    if (!l->engine) {
        int err = avs_win32_last_error();
        fault(AVS_EV_SVC_FAULT, "engine thread", err);
        return err;
    }
    return 0;
}

static int start_run(struct loop *l, enum avs_svc_trigger t)
{
    if (l->engine) {
        /* One engine at a time: remember it; a run that began before the change may have
         * missed it. */
        l->pending = 1;
        l->pending_trigger = t;
        return 0;
    }
    if (l->delaying)
        return 0; /* the delayed run is still to come and will see this change */
    struct avs_schedule_facts f = {l->enforce, state_dword(AVS_STATE_DELAY_DONE) != 0,
                                   state_dword(AVS_STATE_RUN_PENDING) != 0, l->delay_min};
    if (avs_schedule_needs_delay(&f)) {
        uint32_t r = 0;
        (void)avs_os_random(&r, sizeof r);
        uint64_t ms = avs_schedule_delay_ms(l->delay_min, r);
        char secs[24], mins[16];
        snprintf(secs, sizeof secs, "%llu", (unsigned long long)(ms / 1000u));
        snprintf(mins, sizeof mins, "%u", (unsigned)l->delay_min);
        event2(AVS_EV_SVC_DELAY, secs, mins);
        l->delaying = 1;
        arm(l->delay_timer, ms);
        return 0;
    }
    return launch(l, t);
}

static void delay_over(struct loop *l)
{
    l->delaying = 0;
    /* Recorded before the run: a restart during it resumes without a second delay. */
    (void)avs_state_set_dword(AVS_STATE_DELAY_DONE, 1);
    launch(l, AVS_SVC_TRIGGER_START);
}

static unsigned local_minute(void)
{
    SYSTEMTIME t;
    GetLocalTime(&t);
    return (unsigned)t.wHour * 60u + t.wMinute;
}

/* After a run that needs a restart: RebootPolicy decides (core/schedule.h). */
static void plan_reboot(struct loop *l)
{
    unsigned wait = 0;
    char win[12], mins[16];
    avs_window_format(win, &l->window);
    switch (
        avs_schedule_reboot(&wait, l->run.reboot_required, l->reboot, &l->window, local_minute())) {
    case AVS_REBOOT_ACTION_NONE: return;
    case AVS_REBOOT_ACTION_WAIT_NATURAL: event2(AVS_EV_SVC_REBOOT_NATURAL, "never", NULL); return;
    case AVS_REBOOT_ACTION_WAIT_WINDOW:
        snprintf(mins, sizeof mins, "%u", wait);
        event2(AVS_EV_SVC_WAITING_WINDOW, win, mins);
        arm(l->reboot_timer, (uint64_t)wait * 60000u);
        return;
    case AVS_REBOOT_ACTION_NOW: {
        char grace[16];
        snprintf(grace, sizeof grace, "%u", AVS_REBOOT_GRACE_S);
        int err = avs_os_reboot_request("AvSwap restarts this computer in 5 minutes to finish "
                                        "replacing a prohibited antivirus. Save your work.",
                                        AVS_REBOOT_GRACE_S);
        if (err)
            fault(AVS_EV_SVC_REBOOT_FAILED, "InitiateShutdown", err);
        /* Another shutdown under way, or users' sessions in the way: ask again later; the
         * timer re-reads the window, so a window that has closed meanwhile waits for the next. */
        if (err == AVS_EBUSY)
            arm(l->reboot_timer, REBOOT_RETRY_MS);
        else if (!err)
            event2(AVS_EV_SVC_REBOOT_SCHEDULED, grace, win);
        return;
    }
    }
}

/* Reads the policy on the service thread, for the timing it steers. A change (or the first
 * read) is announced in event 1003 with each bad value's event (11xx); returns 1 then. */
static int apply_policy(struct loop *l)
{
    struct avs_policy p;
    struct avs_buf fp = AVS_BUF_INIT;
    char win[12];
    if (avs_policy_read(&p) != 0) {
        fault(AVS_EV_SVC_RUN_FAILED, "policy", AVS_ENOMEM);
        return 0;
    }
    avs_window_format(win, &p.window);
#define S(x) ((x) ? (x) : "(not set)")
    avs_buf_printf(&fp, "%s (%s)\n%s\n%s\n%s\n%u\n%s\n%s\n%s (%s)\n%s\n%s",
                   avs_policy_mode_name(p.mode), avs_policy_source_name(p.mode_src),
                   S(p.replacement_path), S(p.replacement_sha256), S(p.replacement_args),
                   (unsigned)p.random_delay_min, avs_policy_reboot_name(p.reboot), win,
                   S(p.catalog_path), S(p.catalog_sha256), S(p.password_file), S(p.login));
    int changed = 0;
    if (fp.data && (!l->policy_fp || strcmp(fp.data, l->policy_fp) != 0)) {
        char delay[16];
        snprintf(delay, sizeof delay, "%u", (unsigned)p.random_delay_min);
        const char *str[7] = {avs_policy_mode_name(p.mode),
                              avs_policy_source_name(p.mode_src),
                              S(p.replacement_path),
                              delay,
                              avs_policy_reboot_name(p.reboot),
                              win,
                              S(p.catalog_path)};
        avs_os_event_write(AVS_EV_SVC_POLICY_APPLIED, str, 7);
        (void)avs_policy_report_problems(&p);
        free(l->policy_fp);
        l->policy_fp = avs_buf_detach(&fp);
        changed = 1;
    }
#undef S
    l->enforce = p.mode == AVS_MODE_ENFORCE;
    l->mode_src = avs_policy_source_name(p.mode_src);
    l->delay_min = p.random_delay_min;
    l->reboot = p.reboot;
    l->window = p.window;
    avs_buf_free(&fp);
    avs_policy_free(&p);
    return changed;
}

/* Waits for a hand run holding AvSwap's mutex to end: the mutex itself is the event. */
static void wait_for_hand_run(struct loop *l)
{
    wchar_t *name = NULL;
    if (avs_utf8_to_wide(&name, AVS_REMEDIATE_MUTEX) == 0)
        l->engine_lock = OpenMutexW(SYNCHRONIZE, FALSE, name);
    free(name);
    if (l->engine_lock) {
        event2(AVS_EV_SVC_WAITING_ENGINE, AVS_REMEDIATE_MUTEX, NULL);
        return;
    }
    /* Released already between its 1618 and now: try again at once. */
    arm(l->retry_timer, 0);
}

static void rescan(struct loop *l);

static void run_finished(struct loop *l)
{
    WaitForSingleObject(l->engine, INFINITE);
    CloseHandle(l->engine);
    l->engine = NULL;
    arm(l->daily_timer, AVS_DAY_MS);
    if (l->run.engine_busy) {
        wait_for_hand_run(l);
        return;
    }
    if (l->rescan) {
        /* The run changed the machine: the next rescan compares with what is there now, not
         * with the listing from before the run (products the run removed would still be in
         * its Windows Installer list). */
        avs_rescan_free(l->rescan);
        if (avs_rescan_open(&l->rescan, &l->cat) != 0)
            l->rescan = NULL;
    }
    plan_reboot(l);
    if (l->run.installer_busy) {
        char mins[16], n[16];
        l->retries++;
        uint64_t ms = avs_schedule_retry_ms(l->retries);
        snprintf(mins, sizeof mins, "%llu", (unsigned long long)(ms / 60000u));
        snprintf(n, sizeof n, "%u", l->retries);
        event2(AVS_EV_SVC_INSTALLER_BUSY, mins, n);
        arm(l->retry_timer, ms);
    } else {
        l->retries = 0;
    }
    if (l->pending) {
        l->pending = 0;
        l->recheck = 0; /* the new run scans everything */
        start_run(l, l->pending_trigger);
    } else if (l->recheck) {
        l->recheck = 0;
        rescan(l);
    }
}

static void changed(struct loop *l)
{
    int64_t now = avs_os_monotonic_ms();
    if (!l->first_change)
        l->first_change = now;
    l->last_change = now;
    arm(l->settle_timer, avs_schedule_settle_ms(l->first_change, l->last_change, now));
}

/* The Uninstall keys changed: the engine runs when a prohibited product is listed now. Only
 * what changed is read again (core/rescan.h); a removal by the engine itself changes the keys
 * too, and needs no run. */
static void rescan(struct loop *l)
{
    if (l->engine) {
        l->recheck = 1; /* mid-run the keys show the run's own work: look once it is done */
        return;
    }
    if (l->rescan) {
        struct avs_rescan_stats st;
        struct avs_detection d;
        if (avs_rescan_update(l->rescan, &st) == 0 && !st.err && st.relevant == 0)
            return;
        if (!st.err && avs_rescan_detect(&d, l->rescan) == 0) {
            size_t n = d.n_findings;
            avs_detection_free(&d);
            if (n == 0)
                return;
        }
    }
    start_run(l, AVS_SVC_TRIGGER_CHANGE);
}

static void settled(struct loop *l)
{
    int64_t now = avs_os_monotonic_ms();
    if (!l->first_change)
        return;
    uint32_t left = avs_schedule_settle_ms(l->first_change, l->last_change, now);
    if (left) {
        arm(l->settle_timer, left);
        return;
    }
    l->first_change = l->last_change = 0;
    rescan(l);
}

enum {
    W_STOP,
    W_ENGINE,
    W_LOCK,
    W_SETTLE,
    W_DAILY,
    W_RETRY,
    W_DELAY,
    W_REBOOT,
    W_WATCH,
    W_MAX = W_WATCH + AVS_SVC_WATCHES
};

/* Waits for the next event; returns its W_* or -1 on a failed wait. */
static int wait_next(struct loop *l)
{
    HANDLE h[W_MAX];
    int which[W_MAX];
    DWORD n = 0;
#define ADD(handle, w)                                                                             \
    do {                                                                                           \
        if (handle) {                                                                              \
            h[n] = (handle);                                                                       \
            which[n++] = (w);                                                                      \
        }                                                                                          \
    } while (0)
    ADD(l->svc->stop_event, W_STOP);
    ADD(l->engine, W_ENGINE);
    ADD(l->engine_lock, W_LOCK);
    ADD(l->settle_timer, W_SETTLE);
    ADD(l->daily_timer, W_DAILY);
    ADD(l->retry_timer, W_RETRY);
    ADD(l->delay_timer, W_DELAY);
    ADD(l->reboot_timer, W_REBOOT);
    for (int i = 0; i < AVS_SVC_WATCHES; i++)
        ADD(l->watch.event[i], W_WATCH + i);
#undef ADD
    DWORD rc = WaitForMultipleObjects(n, h, FALSE, INFINITE);
    if (rc < WAIT_OBJECT_0 + n) /* WAIT_OBJECT_0 is 0 */
        return which[rc - WAIT_OBJECT_0];
    if (rc >= WAIT_ABANDONED_0 && rc < WAIT_ABANDONED_0 + n)
        return which[rc - WAIT_ABANDONED_0]; /* the hand run died holding the mutex */
    return -1;
}

static const char *control_name(LONG c)
{
    switch (c) {
    case SERVICE_CONTROL_STOP: return "stop";
    case SERVICE_CONTROL_SHUTDOWN: return "shutdown";
    case SERVICE_CONTROL_PRESHUTDOWN: return "preshutdown";
    default: return "stop";
    }
}

/* STOP, SHUTDOWN, PRESHUTDOWN: let the current step finish for a while, showing progress to the
 * SCM; a run still going after that is left to the journal, which the next start resumes. */
static void stop(struct loop *l)
{
    avs_svc_status_set(&l->svc->status, SERVICE_STOP_PENDING, AVS_SVC_STOP_HINT_MS);
    const char *left = "no run was under way";
    if (l->engine) {
        left = "the run under way finished";
        int64_t until = avs_os_monotonic_ms() + AVS_SVC_STOP_GRACE_MS;
        while (WaitForSingleObject(l->engine, STOP_BEAT_MS) == WAIT_TIMEOUT) {
            avs_svc_status_set(&l->svc->status, SERVICE_STOP_PENDING, AVS_SVC_STOP_HINT_MS);
            if (avs_os_monotonic_ms() >= until) {
                left = "the run under way is left in the journal; the next start resumes it";
                break;
            }
        }
    }
    event2(AVS_EV_SVC_STOPPED, control_name(l->svc->control), left);
}

static void close_all(struct loop *l)
{
    avs_svc_watch_close(&l->watch);
    HANDLE hs[] = {l->settle_timer, l->daily_timer,  l->retry_timer,
                   l->delay_timer,  l->reboot_timer, l->engine_lock};
    for (size_t i = 0; i < sizeof hs / sizeof hs[0]; i++)
        if (hs[i])
            CloseHandle(hs[i]);
    /* l->engine is not closed: a run left running keeps its thread until the process ends,
     * and so are the catalog and the rescan it does not use. */
    if (!l->engine) {
        avs_rescan_free(l->rescan);
        if (l->have_cat)
            avs_catalog_free(&l->cat);
    }
    free(l->policy_fp);
}

DWORD avs_svc_loop(struct avs_svc *svc)
{
    struct loop l;
    memset(&l, 0, sizeof l);
    l.svc = svc;
    DWORD code = 0;
    const char *which = NULL;

    l.settle_timer = CreateWaitableTimerW(NULL, FALSE, NULL);
    l.daily_timer = CreateWaitableTimerW(NULL, FALSE, NULL);
    l.retry_timer = CreateWaitableTimerW(NULL, FALSE, NULL);
    l.delay_timer = CreateWaitableTimerW(NULL, FALSE, NULL);
    l.reboot_timer = CreateWaitableTimerW(NULL, FALSE, NULL);
    if (!l.settle_timer || !l.daily_timer || !l.retry_timer || !l.delay_timer || !l.reboot_timer) {
        fault(AVS_EV_SVC_FAULT, "timers", avs_win32_last_error());
        code = AVS_SVC_EXIT_INIT;
        goto done;
    }
    int err = avs_svc_watch_open(&l.watch, &which);
    if (err) {
        fault(AVS_EV_SVC_WATCH_FAILED, which, err);
        code = AVS_SVC_EXIT_WATCH;
        goto done;
    }
    apply_policy(&l);
    {
        /* The listing the rescans compare with. Without it (out of memory, a bad catalog
         * file) every settled change runs the engine: slower, never blind. */
        struct avs_policy p;
        char *desc = NULL;
        if (avs_policy_read(&p) == 0) {
            l.have_cat = avs_svc_load_catalog(&l.cat, &desc, &p) == 0;
            avs_policy_free(&p);
        }
        free(desc);
        if (l.have_cat && avs_rescan_open(&l.rescan, &l.cat) != 0)
            l.rescan = NULL;
    }
    avs_svc_status_set(&svc->status, SERVICE_RUNNING, 0);
    {
        const char *str[3] = {AVS_VERSION, l.enforce ? "enforce" : "audit",
                              l.mode_src ? l.mode_src : "default"};
        avs_os_event_write(AVS_EV_SVC_STARTED, str, 3);
    }
    if (start_run(&l, AVS_SVC_TRIGGER_START) != 0) {
        code = AVS_SVC_EXIT_ENGINE;
        goto stopping;
    }

    for (;;) {
        int w = wait_next(&l);
        if (w == W_STOP)
            break;
        switch (w) {
        case W_ENGINE: run_finished(&l); break;
        case W_LOCK:
            /* We hold it now (released or abandoned by the hand run): give it to the engine. */
            ReleaseMutex(l.engine_lock);
            CloseHandle(l.engine_lock);
            l.engine_lock = NULL;
            start_run(&l, AVS_SVC_TRIGGER_RETRY);
            break;
        case W_SETTLE: settled(&l); break;
        case W_DAILY: start_run(&l, AVS_SVC_TRIGGER_DAILY); break;
        case W_RETRY: start_run(&l, AVS_SVC_TRIGGER_RETRY); break;
        case W_DELAY: delay_over(&l); break;
        case W_REBOOT: plan_reboot(&l); break;
        case -1:
            fault(AVS_EV_SVC_FAULT, "wait", avs_win32_last_error());
            code = AVS_SVC_EXIT_INIT;
            goto stopping;
        default: {
            int i = w - W_WATCH;
            err = avs_svc_watch_rearm(&l.watch, i);
            if (err) {
                fault(AVS_EV_SVC_WATCH_FAILED, i == AVS_SVC_WATCH_POLICY ? "policy" : "uninstall",
                      err);
                code = AVS_SVC_EXIT_WATCH;
                goto stopping;
            }
            if (i == AVS_SVC_WATCH_POLICY) {
                /* A new Mode (or replacement...) is acted on at once; a refresh that changed
                 * nothing is not a reason to run. */
                if (apply_policy(&l))
                    start_run(&l, AVS_SVC_TRIGGER_POLICY);
            } else
                changed(&l);
        }
        }
    }
stopping:
    stop(&l);
done:
    close_all(&l);
    return code;
}
