/* The service thread (svc.h): sleeps on events only — the stop event, the registry change
 * notifications, and waitable timers (a burst of changes settling, the daily run, a retry after
 * Windows Installer was busy) — and runs the engine on a worker thread, one run at a time. */
#include "svc.h"

#include <stdlib.h>
#include <string.h>

#include "avs_messages.h"
#include "avs_version.h"
#include "remediate.h"
#include "run.h"
#include "schedule.h"
#include "watch.h"

/* Heartbeat while a stop waits for the engine: well inside the wait hint. */
#define STOP_BEAT_MS 2000u

struct loop {
    struct avs_svc *svc;
    struct avs_svc_watch watch;
    HANDLE settle_timer; /* a burst of Uninstall changes has settled */
    HANDLE daily_timer;
    HANDLE retry_timer; /* Windows Installer was busy */
    HANDLE engine;      /* the worker thread while a run is under way */
    HANDLE engine_lock; /* AvSwap's mutex while a hand run holds it: its release wakes us */
    struct avs_svc_run run;
    int pending; /* something happened during the run: run again after it */
    enum avs_svc_trigger pending_trigger;
    int64_t first_change, last_change; /* monotonic ms of an unsettled burst; 0 when none */
    unsigned retries;
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

static int start_run(struct loop *l, enum avs_svc_trigger t)
{
    if (l->engine) {
        /* One engine at a time: remember it; a run that began before the change may have
         * missed it. */
        l->pending = 1;
        l->pending_trigger = t;
        return 0;
    }
    memset(&l->run, 0, sizeof l->run);
    l->run.trigger = t;
    l->run.enforce = 0; /* Mode's default: audit (policy: below) */
    l->engine = CreateThread(NULL, 0, avs_svc_run_thread, &l->run, 0, NULL);
    if (!l->engine) {
        int err = avs_win32_last_error();
        fault(AVS_EV_SVC_FAULT, "engine thread", err);
        return err;
    }
    return 0;
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
    if (l->run.installer_busy) {
        l->retries++;
        arm(l->retry_timer, avs_schedule_retry_ms(l->retries));
    } else {
        l->retries = 0;
    }
    if (l->pending) {
        l->pending = 0;
        start_run(l, l->pending_trigger);
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
    start_run(l, AVS_SVC_TRIGGER_CHANGE);
}

enum { W_STOP, W_ENGINE, W_LOCK, W_SETTLE, W_DAILY, W_RETRY, W_WATCH, W_MAX = W_WATCH + AVS_SVC_WATCHES };

/* Waits for the next event; returns its W_* or -1 on a failed wait. */
static int wait_next(struct loop *l)
{
    HANDLE h[W_MAX];
    int which[W_MAX];
    DWORD n = 0;
#define ADD(handle, w)                                                                          \
    do {                                                                                        \
        if (handle) {                                                                           \
            h[n] = (handle);                                                                    \
            which[n++] = (w);                                                                   \
        }                                                                                       \
    } while (0)
    ADD(l->svc->stop_event, W_STOP);
    ADD(l->engine, W_ENGINE);
    ADD(l->engine_lock, W_LOCK);
    ADD(l->settle_timer, W_SETTLE);
    ADD(l->daily_timer, W_DAILY);
    ADD(l->retry_timer, W_RETRY);
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
    HANDLE hs[] = {l->settle_timer, l->daily_timer, l->retry_timer, l->engine_lock};
    for (size_t i = 0; i < sizeof hs / sizeof hs[0]; i++)
        if (hs[i])
            CloseHandle(hs[i]);
    /* l->engine is not closed: a run left running keeps its thread until the process ends. */
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
    if (!l.settle_timer || !l.daily_timer || !l.retry_timer) {
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
    avs_svc_status_set(&svc->status, SERVICE_RUNNING, 0);
    {
        const char *str[3] = {AVS_VERSION, "audit", "default"};
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
            if (i == AVS_SVC_WATCH_POLICY)
                start_run(&l, AVS_SVC_TRIGGER_POLICY);
            else
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
