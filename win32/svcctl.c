/* Querying and starting one service for core/os.h: is the approved antivirus's service there,
 * may it run, and start it (Microsoft Defender's WinDefend, or the replacement's own).
 *
 * Each call asks the SCM only for the rights it needs, so the query also works unelevated
 * (`avswap remediate --dry-run` by a helpdesk engineer). */
#include "os.h"

#include "win32.h" /* <windows.h> first */

#include <stdlib.h>

/* QueryServiceConfigW needs at most 8 KiB (documented limit). */
#define CONFIG_MAX 8192u

/* Poll no faster than this, and no slower, whatever the service's wait hint says. */
#define POLL_MIN_MS 50u
#define POLL_MAX_MS 1000u

static enum avs_svc_state map_state(DWORD s)
{
    switch (s) {
    case SERVICE_STOPPED: return AVS_SVC_STOPPED;
    case SERVICE_START_PENDING:
    case SERVICE_CONTINUE_PENDING: return AVS_SVC_START_PENDING;
    case SERVICE_STOP_PENDING: return AVS_SVC_STOP_PENDING;
    case SERVICE_RUNNING: return AVS_SVC_RUNNING;
    case SERVICE_PAUSED:
    case SERVICE_PAUSE_PENDING: return AVS_SVC_PAUSED;
    default: return AVS_SVC_UNKNOWN;
    }
}

/* Opens service NAME with ACCESS; *out_scm and *out_svc are closed with close_both(). */
static int open_service(SC_HANDLE *out_scm, SC_HANDLE *out_svc, const char *name, DWORD access)
{
    *out_scm = NULL;
    *out_svc = NULL;
    wchar_t *w = NULL;
    if (!name || !*name)
        return AVS_EINVAL;
    int err = avs_utf8_to_wide(&w, name);
    if (err)
        return err;
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
    if (!scm) {
        err = avs_win32_last_error();
        goto done;
    }
    SC_HANDLE svc = OpenServiceW(scm, w, access);
    if (!svc) {
        /* ERROR_SERVICE_DOES_NOT_EXIST -> AVS_ENOENT; ERROR_INVALID_NAME -> AVS_EINVAL. */
        err = avs_win32_last_error();
        CloseServiceHandle(scm);
        goto done;
    }
    *out_scm = scm;
    *out_svc = svc;
done:
    free(w);
    return err;
}

static void close_both(SC_HANDLE scm, SC_HANDLE svc)
{
    if (svc)
        CloseServiceHandle(svc);
    if (scm)
        CloseServiceHandle(scm);
}

static int query_status(SERVICE_STATUS_PROCESS *out, SC_HANDLE svc)
{
    DWORD needed = 0;
    if (!QueryServiceStatusEx(svc, SC_STATUS_PROCESS_INFO, (BYTE *)out, sizeof *out, &needed))
        return avs_win32_last_error();
    return 0;
}

/* 1 in *out unless the service's start type is SERVICE_DISABLED. */
static int query_startable(int *out, SC_HANDLE svc)
{
    *out = 0;
    DWORD needed = 0;
    if (QueryServiceConfigW(svc, NULL, 0, &needed) || GetLastError() != ERROR_INSUFFICIENT_BUFFER)
        return avs_win32_last_error();
    if (needed == 0 || needed > CONFIG_MAX)
        return AVS_EIO;
    QUERY_SERVICE_CONFIGW *cfg = malloc(needed);
    if (!cfg)
        return AVS_ENOMEM;
    int err = 0;
    if (!QueryServiceConfigW(svc, cfg, needed, &needed))
        err = avs_win32_last_error();
    else
        *out = cfg->dwStartType != SERVICE_DISABLED;
    free(cfg);
    return err;
}

int avs_os_service_query(enum avs_svc_state *out_state, int *out_startable, const char *name)
{
    *out_state = AVS_SVC_UNKNOWN;
    *out_startable = 0;
    SC_HANDLE scm, svc;
    SERVICE_STATUS_PROCESS st;
    int startable = 0;
    int err = open_service(&scm, &svc, name, SERVICE_QUERY_STATUS | SERVICE_QUERY_CONFIG);
    if (err)
        return err;
    if ((err = query_startable(&startable, svc)) || (err = query_status(&st, svc)))
        goto done;
    *out_state = map_state(st.dwCurrentState);
    *out_startable = startable;
done:
    close_both(scm, svc);
    return err;
}

/* The contract's errors for a start: what is not "gone", "denied" or "too slow" is a service
 * that was asked to run and did not (disabled, dependency failed, logon failed, crashed). */
static int start_error(int err)
{
    switch (err) {
    case AVS_ENOENT:
    case AVS_EACCES:
    case AVS_ETIMEDOUT:
    case AVS_ENOMEM:
    case AVS_EINVAL: return err;
    default: return AVS_EFAILED;
    }
}

int avs_os_service_start(const char *name, uint32_t timeout_ms)
{
    SC_HANDLE scm, svc;
    SERVICE_STATUS_PROCESS st;
    int err = open_service(&scm, &svc, name, SERVICE_QUERY_STATUS | SERVICE_START);
    if (err)
        return start_error(err);
    ULONGLONG start = GetTickCount64();
    if (!StartServiceW(svc, 0, NULL) && GetLastError() != ERROR_SERVICE_ALREADY_RUNNING) {
        err = start_error(avs_win32_last_error());
        goto done;
    }
    for (;;) {
        if ((err = query_status(&st, svc))) {
            err = start_error(err);
            goto done;
        }
        if (st.dwCurrentState == SERVICE_RUNNING)
            break;
        /* Once started, STOPPED means it ran and gave up (its exit code is in the SCM's
         * event, not ours to guess); PAUSED or STOP_PENDING will not become RUNNING here. */
        if (st.dwCurrentState != SERVICE_START_PENDING &&
            st.dwCurrentState != SERVICE_CONTINUE_PENDING) {
            err = AVS_EFAILED;
            goto done;
        }
        ULONGLONG spent = GetTickCount64() - start;
        if (spent >= timeout_ms) {
            err = AVS_ETIMEDOUT;
            goto done;
        }
        /* As Microsoft's sample does: a tenth of the wait hint, within sane bounds, and
         * never past our own deadline. */
        DWORD wait = st.dwWaitHint / 10;
        wait = wait < POLL_MIN_MS ? POLL_MIN_MS : wait > POLL_MAX_MS ? POLL_MAX_MS : wait;
        if (wait > timeout_ms - spent)
            wait = (DWORD)(timeout_ms - spent);
        Sleep(wait);
    }
done:
    close_both(scm, svc);
    return err;
}
