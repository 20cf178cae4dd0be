/* Services and drivers for core/os.h, as the Service Control Manager lists them.
 *
 * SC_MANAGER_ENUMERATE_SERVICE is all we ask for, so a non-elevated helpdesk run can list them
 * too. EnumServicesStatusExW returns at most 256 KiB per call and says ERROR_MORE_DATA while
 * entries remain, continuing from the resume handle. */
#include "os.h"

#include <stdlib.h>
#include <string.h>

#include "win32.h"

/* The documented ceiling of one EnumServicesStatusExW buffer. */
#define ENUM_BUF_MAX (256u * 1024u)

static int to_utf8(char **out, const wchar_t *w)
{
    /* Names are untrusted: one with an unpaired surrogate is malformed, not guessable. */
    int err = avs_wide_to_utf8(out, w);
    return err == AVS_EINVAL ? AVS_EFORMAT : err;
}

static enum avs_svc_state map_state(DWORD s)
{
    switch (s) {
    case SERVICE_STOPPED: return AVS_SVC_STOPPED;
    case SERVICE_START_PENDING:
    case SERVICE_CONTINUE_PENDING: /* on its way back to running */ return AVS_SVC_START_PENDING;
    case SERVICE_STOP_PENDING: return AVS_SVC_STOP_PENDING;
    case SERVICE_RUNNING: return AVS_SVC_RUNNING;
    case SERVICE_PAUSED:
    case SERVICE_PAUSE_PENDING: /* on its way to paused: no longer doing its work */
        return AVS_SVC_PAUSED;
    default: return AVS_SVC_UNKNOWN;
    }
}

static int append(struct avs_os_service **list, size_t *count, size_t *cap,
                  const ENUM_SERVICE_STATUS_PROCESSW *e)
{
    if (*count == *cap) {
        size_t ncap = *cap ? *cap * 2 : 256;
        struct avs_os_service *n = realloc(*list, ncap * sizeof *n);
        if (!n)
            return AVS_ENOMEM;
        *list = n;
        *cap = ncap;
    }
    struct avs_os_service *s = &(*list)[*count];
    memset(s, 0, sizeof *s);
    int err = to_utf8(&s->name, e->lpServiceName ? e->lpServiceName : L"");
    if (!err && e->lpDisplayName && e->lpDisplayName[0])
        err = to_utf8(&s->display_name, e->lpDisplayName);
    if (err) {
        free(s->name);
        free(s->display_name);
        return err;
    }
    s->is_driver = (e->ServiceStatusProcess.dwServiceType & SERVICE_DRIVER) != 0;
    s->state = map_state(e->ServiceStatusProcess.dwCurrentState);
    (*count)++;
    return 0;
}

int avs_os_services(struct avs_os_service **out, size_t *out_count)
{
    *out = NULL;
    *out_count = 0;
    struct avs_os_service *list = NULL;
    size_t count = 0, cap = 0;
    unsigned char *buf = NULL;
    DWORD buf_size = 64u * 1024u;
    DWORD resume = 0;
    int err = 0;

    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_ENUMERATE_SERVICE);
    if (!scm) {
        err = avs_win32_last_error();
        goto done;
    }
    buf = malloc(buf_size);
    if (!buf) {
        err = AVS_ENOMEM;
        goto done;
    }
    for (;;) {
        DWORD needed = 0, returned = 0;
        BOOL ok = EnumServicesStatusExW(scm, SC_ENUM_PROCESS_INFO, SERVICE_WIN32 | SERVICE_DRIVER,
                                        SERVICE_STATE_ALL, buf, buf_size, &needed, &returned,
                                        &resume, NULL);
        DWORD last = ok ? ERROR_SUCCESS : GetLastError();
        if (!ok && last != ERROR_MORE_DATA) {
            err = avs_win32_error(last);
            if (!err)
                err = AVS_EIO;
            goto done;
        }
        const ENUM_SERVICE_STATUS_PROCESSW *e = (const ENUM_SERVICE_STATUS_PROCESSW *)buf;
        for (DWORD i = 0; i < returned; i++)
            if ((err = append(&list, &count, &cap, &e[i])))
                goto done;
        if (ok)
            break;
        if (returned == 0) {
            /* Not even one entry fitted: grow to what the SCM asked for, within its ceiling. */
            if (needed <= buf_size || buf_size >= ENUM_BUF_MAX) {
                err = AVS_EIO;
                goto done;
            }
            buf_size = needed < ENUM_BUF_MAX ? needed : ENUM_BUF_MAX;
            unsigned char *n = realloc(buf, buf_size);
            if (!n) {
                err = AVS_ENOMEM;
                goto done;
            }
            buf = n;
        }
    }
    *out = list;
    *out_count = count;
    list = NULL;
    count = 0;
done:
    free(buf);
    if (scm)
        CloseServiceHandle(scm);
    avs_os_services_free(list, count);
    return err;
}

void avs_os_services_free(struct avs_os_service *list, size_t count)
{
    if (!list)
        return;
    for (size_t i = 0; i < count; i++) {
        free(list[i].name);
        free(list[i].display_name);
    }
    free(list);
}
