/* avswapsvc.exe, the AvSwap service: the pieces of its Windows side and how they meet.
 *
 * One status reporter (status.c) owns SERVICE_STATUS, its checkpoints and wait hints; the control
 * handler (wmain.c) only records the control and signals the stop event; the service thread
 * (loop.c) waits on events and starts one engine run at a time on a worker thread (run.c), so a
 * stop request is answered while an uninstaller runs. Model: OpenVPN's openvpnserv and NSSM. */
#ifndef AVS_SVC_H
#define AVS_SVC_H

#include "win32.h" /* <windows.h> first */

#define AVS_SVC_NAME L"AvSwap"

/* Service-specific exit codes (the SCM reports ERROR_SERVICE_SPECIFIC_ERROR with one of these;
 * each is also event 92xx). Any of them makes the SCM run the recovery actions. */
enum avs_svc_exit {
    AVS_SVC_EXIT_INIT = 1,    /* events, timers or the stop event could not be created */
    AVS_SVC_EXIT_WATCH = 2,   /* a registry change notification could not be armed */
    AVS_SVC_EXIT_ENGINE = 3,  /* the engine's worker thread could not run */
};

/* Wait hints, in milliseconds. */
#define AVS_SVC_START_HINT_MS 10000u
#define AVS_SVC_STOP_HINT_MS 10000u
/* How long a stop waits for the engine's current step before leaving the rest to the journal
 * (the next start resumes it). Below the preshutdown timeout the service asks for. */
#define AVS_SVC_STOP_GRACE_MS 60000u
#define AVS_SVC_PRESHUTDOWN_MS 90000u

/* ---- status.c: the one status reporter ---------------------------------------------------- */
struct avs_svc_status {
    SERVICE_STATUS_HANDLE handle;
    CRITICAL_SECTION lock;
    SERVICE_STATUS st;
};

/* Registers HANDLER for the service and reports START_PENDING. 0 or AVS_E*. */
int avs_svc_status_open(struct avs_svc_status *s, LPHANDLER_FUNCTION_EX handler, void *ctx);

/* Reports STATE. A pending state advances the checkpoint each call (call it again within
 * WAIT_HINT_MS to show progress); RUNNING accepts STOP, SHUTDOWN and PRESHUTDOWN. */
void avs_svc_status_set(struct avs_svc_status *s, DWORD state, DWORD wait_hint_ms);

/* Reports STOPPED with SPECIFIC as the service-specific exit code (0: a clean stop). The
 * handle must not be used afterwards. */
void avs_svc_status_stopped(struct avs_svc_status *s, DWORD specific);

/* ---- loop.c: the service thread ------------------------------------------------------------ */
struct avs_svc {
    struct avs_svc_status status;
    HANDLE stop_event;     /* set by the control handler */
    volatile LONG control; /* the SERVICE_CONTROL_* that asked us to stop, 0 before */
};

/* Runs the service until a stop control; returns the service-specific exit code (0: clean). */
DWORD avs_svc_loop(struct avs_svc *svc);

#endif
