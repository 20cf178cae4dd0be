/* The service's one status reporter: every SetServiceStatus goes through here, so checkpoints
 * only grow within a pending state and the accepted controls always match the state. */
#include "svc.h"

int avs_svc_status_open(struct avs_svc_status *s, LPHANDLER_FUNCTION_EX handler, void *ctx)
{
    ZeroMemory(&s->st, sizeof s->st);
    /* Its own process (the SCM started us with one service). */
    s->st.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
    InitializeCriticalSection(&s->lock);
    s->handle = RegisterServiceCtrlHandlerExW(AVS_SVC_NAME, handler, ctx);
    if (!s->handle)
        return avs_win32_last_error();
    avs_svc_status_set(s, SERVICE_START_PENDING, AVS_SVC_START_HINT_MS);
    return 0;
}

static DWORD accepted(DWORD state)
{
    /* While starting or stopping, a control would race the state change: accept none. */
    if (state != SERVICE_RUNNING)
        return 0;
    return SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN | SERVICE_ACCEPT_PRESHUTDOWN;
}

void avs_svc_status_set(struct avs_svc_status *s, DWORD state, DWORD wait_hint_ms)
{
    EnterCriticalSection(&s->lock);
    int pending = state == SERVICE_START_PENDING || state == SERVICE_STOP_PENDING;
    if (!pending || s->st.dwCurrentState != state)
        s->st.dwCheckPoint = 0;
    if (pending)
        s->st.dwCheckPoint++;
    s->st.dwCurrentState = state;
    s->st.dwWaitHint = pending ? wait_hint_ms : 0;
    s->st.dwControlsAccepted = accepted(state);
    s->st.dwWin32ExitCode = NO_ERROR;
    s->st.dwServiceSpecificExitCode = 0;
    SetServiceStatus(s->handle, &s->st);
    LeaveCriticalSection(&s->lock);
}

void avs_svc_status_stopped(struct avs_svc_status *s, DWORD specific)
{
    EnterCriticalSection(&s->lock);
    s->st.dwCurrentState = SERVICE_STOPPED;
    s->st.dwCheckPoint = 0;
    s->st.dwWaitHint = 0;
    s->st.dwControlsAccepted = 0;
    s->st.dwWin32ExitCode = specific ? ERROR_SERVICE_SPECIFIC_ERROR : NO_ERROR;
    s->st.dwServiceSpecificExitCode = specific;
    /* After STOPPED the SCM may end the process at any moment: nothing may follow but
     * returning from ServiceMain. */
    SetServiceStatus(s->handle, &s->st);
    LeaveCriticalSection(&s->lock);
}
