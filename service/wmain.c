/* avswapsvc.exe's entry point: harden the process, connect to the Service Control Manager, and
 * run the service (svc.h). Started by hand, it says what it is and exits 2: it has no command
 * line of its own (avswap.exe is the helpdesk's tool). */
#include "svc.h"

#include <stdio.h>

enum { EXIT_USAGE = 2 };

/* The control handler only records what was asked and wakes the service thread; the service
 * thread reports STOP_PENDING and does the work (a handler must return at once). */
static DWORD WINAPI handler(DWORD control, DWORD type, void *data, void *ctx)
{
    (void)type;
    (void)data;
    struct avs_svc *svc = ctx;
    switch (control) {
    case SERVICE_CONTROL_STOP:
    case SERVICE_CONTROL_SHUTDOWN:
    case SERVICE_CONTROL_PRESHUTDOWN:
        InterlockedCompareExchange(&svc->control, (LONG)control, 0);
        SetEvent(svc->stop_event);
        return NO_ERROR;
    case SERVICE_CONTROL_INTERROGATE: return NO_ERROR;
    default: return ERROR_CALL_NOT_IMPLEMENTED;
    }
}

/* Asks the SCM to send PRESHUTDOWN with time to finish the current step, so a shutdown does not
 * cut an uninstaller off after the default 20 seconds of SHUTDOWN. Best effort: without it the
 * journal still lets the next start resume. */
static void ask_preshutdown_time(void)
{
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
    SC_HANDLE me = scm ? OpenServiceW(scm, AVS_SVC_NAME, SERVICE_CHANGE_CONFIG) : NULL;
    if (me) {
        SERVICE_PRESHUTDOWN_INFO info = {AVS_SVC_PRESHUTDOWN_MS};
        ChangeServiceConfig2W(me, SERVICE_CONFIG_PRESHUTDOWN_INFO, &info);
        CloseServiceHandle(me);
    }
    if (scm)
        CloseServiceHandle(scm);
}

static void WINAPI service_main(DWORD argc, wchar_t **argv)
{
    (void)argc;
    (void)argv;
    struct avs_svc svc;
    ZeroMemory(&svc, sizeof svc);
    svc.stop_event = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (avs_svc_status_open(&svc.status, handler, &svc) != 0)
        return; /* no handle: the SCM times the start out and runs the recovery actions */
    DWORD code = AVS_SVC_EXIT_INIT;
    if (svc.stop_event) {
        ask_preshutdown_time();
        code = avs_svc_loop(&svc);
    }
    avs_svc_status_stopped(&svc.status, code);
}

int wmain(void)
{
    avs_win32_harden_dll_search();
    HeapSetInformation(NULL, HeapEnableTerminationOnCorruption, NULL, 0);

    SERVICE_TABLE_ENTRYW table[] = {{(wchar_t *)AVS_SVC_NAME, service_main}, {NULL, NULL}};
    if (StartServiceCtrlDispatcherW(table))
        return 0;
    if (GetLastError() == ERROR_FAILED_SERVICE_CONTROLLER_CONNECT) {
        fputs("avswapsvc.exe is the AvSwap service; the Service Control Manager starts it.\n"
              "For a run by hand use avswap.exe.\n",
              stderr);
        return EXIT_USAGE;
    }
    fprintf(stderr, "avswapsvc: cannot connect to the Service Control Manager (error %lu)\n",
            (unsigned long)GetLastError());
    return 1;
}
