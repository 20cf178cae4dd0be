/* Locks for core/os.h: AvSwap's own single-instance mutex, and whether Windows Installer is
 * busy with another installation (its Global\_MSIExecute mutex).
 *
 * A mutex is owned by a thread: avs_os_mutex_release() must run on the thread that acquired
 * it (AvSwap's remediation runs on one thread). */
#include "os.h"

#include "win32.h" /* <windows.h> first */

#include <sddl.h>
#include <stdlib.h>

/* Protected DACL: SYSTEM (the service) and Administrators (avswap.exe run elevated) may both
 * open it. Without it, a mutex created by the service would carry SYSTEM's default DACL, which
 * gives Administrators read access only: a helpdesk run would get "access denied" where it
 * should get "busy". */
#define MUTEX_SDDL L"D:P(A;;GA;;;SY)(A;;GA;;;BA)"

struct avs_os_mutex {
    HANDLE h;
};

int avs_os_mutex_acquire(avs_os_mutex **out, const char *name)
{
    *out = NULL;
    wchar_t *w = NULL;
    PSECURITY_DESCRIPTOR sd = NULL;
    HANDLE h = NULL;
    if (!name || !*name)
        return AVS_EINVAL;
    int err = avs_utf8_to_wide(&w, name);
    if (err)
        return err;
    if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(MUTEX_SDDL, SDDL_REVISION_1, &sd,
                                                              NULL)) {
        err = avs_win32_last_error();
        goto done;
    }
    SECURITY_ATTRIBUTES sa = {sizeof sa, sd, FALSE};
    /* Not owned at creation: ownership is taken by the wait below in both cases (we created
     * it, or it already existed), so there is one path to reason about. A "Global\" name
     * needs SeCreateGlobalPrivilege to create, which elevated administrators and services
     * have; otherwise this fails with ERROR_ACCESS_DENIED -> AVS_EACCES. */
    h = CreateMutexW(&sa, FALSE, w);
    if (!h) {
        err = avs_win32_last_error();
        goto done;
    }
    switch (WaitForSingleObject(h, 0)) {
    case WAIT_OBJECT_0:
    case WAIT_ABANDONED: /* the holder died without releasing it: the resume case */ break;
    case WAIT_TIMEOUT: err = AVS_EBUSY; goto done;
    default: err = avs_win32_last_error(); goto done;
    }
    avs_os_mutex *m = malloc(sizeof *m);
    if (!m) {
        ReleaseMutex(h);
        err = AVS_ENOMEM;
        goto done;
    }
    m->h = h;
    h = NULL;
    *out = m;
done:
    if (h)
        CloseHandle(h);
    LocalFree(sd);
    free(w);
    return err;
}

void avs_os_mutex_release(avs_os_mutex *m)
{
    if (!m)
        return;
    ReleaseMutex(m->h);
    CloseHandle(m->h);
    free(m);
}

int avs_os_installer_busy(int *out)
{
    *out = 0;
    /* Windows Installer holds this mutex while an installation runs its execute sequence. Its
     * existence is the documented signal; it is never taken, only looked at. */
    HANDLE h = OpenMutexW(SYNCHRONIZE, FALSE, L"Global\\_MSIExecute");
    if (h) {
        CloseHandle(h);
        *out = 1;
        return 0;
    }
    switch (GetLastError()) {
    case ERROR_FILE_NOT_FOUND: return 0;
    case ERROR_ACCESS_DENIED: /* it exists; we may not open it */ *out = 1; return 0;
    default: return avs_win32_last_error();
    }
}
