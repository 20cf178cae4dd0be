/* One engine run of the service (run.c), on a worker thread so the service thread keeps
 * answering the SCM: an audit run (core/audit.h) or an enforcing run (avs_remediate, the same
 * entry point, journal and mutex as `avswap remediate`), then the State key. */
#ifndef AVS_SVC_RUN_H
#define AVS_SVC_RUN_H

#include "win32.h" /* <windows.h> first */

#include <stddef.h>

enum avs_svc_trigger {
    AVS_SVC_TRIGGER_START,  /* the service started (or a reboot: the journal may resume) */
    AVS_SVC_TRIGGER_CHANGE, /* the Uninstall keys changed */
    AVS_SVC_TRIGGER_POLICY, /* the policy changed */
    AVS_SVC_TRIGGER_DAILY,  /* the daily timer */
    AVS_SVC_TRIGGER_RETRY,  /* the engine or Windows Installer was busy before */
};

const char *avs_svc_trigger_name(enum avs_svc_trigger t);

struct avs_svc_run {
    /* in */
    enum avs_svc_trigger trigger;
    int enforce;             /* Mode is enforce (an unfinished journal run resumes anyway) */
    /* out */
    int exit_code;           /* AVS_EXIT_*; an audit run: 0, or 1603 when the scan failed */
    int engine_busy;         /* 1618: another AvSwap engine (a hand run) holds the mutex */
    int installer_busy;      /* 1618: Windows Installer stayed busy */
    int reboot_required;     /* 3010 */
    int enforced;            /* the run was an enforcing one (a resumed run counts) */
};

/* The worker thread: ARG is a struct avs_svc_run, filled on return. */
DWORD WINAPI avs_svc_run_thread(void *arg);

#endif
