/* Registry change notifications for the service: both views of the machine's Uninstall key (a
 * product installed again) and the policy key. Each notification is one-shot: re-armed by
 * avs_svc_watch_rearm() before the change is acted on, so a change made meanwhile is not lost. */
#include "watch.h"

#define UNINSTALL_KEY L"SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall"
/* The parent of HKLM\SOFTWARE\Policies\AvSwap: Group Policy deletes and rewrites its keys on
 * each refresh, and a handle to a deleted key never signals again; Policies itself stays. */
#define POLICIES_KEY L"SOFTWARE\\Policies"

static const struct {
    const wchar_t *path;
    REGSAM view;
} WATCHED[AVS_SVC_WATCHES] = {
    [AVS_SVC_WATCH_UNINSTALL_64] = {UNINSTALL_KEY, KEY_WOW64_64KEY},
    [AVS_SVC_WATCH_UNINSTALL_32] = {UNINSTALL_KEY, KEY_WOW64_32KEY},
    [AVS_SVC_WATCH_POLICY] = {POLICIES_KEY, KEY_WOW64_64KEY},
};

int avs_svc_watch_rearm(struct avs_svc_watch *w, int which)
{
    /* Subkeys (one per product) and values both: an installer writes the key, then its values. */
    LONG rc = RegNotifyChangeKeyValue(w->key[which], TRUE,
                                      REG_NOTIFY_CHANGE_NAME | REG_NOTIFY_CHANGE_LAST_SET,
                                      w->event[which], TRUE);
    return rc == ERROR_SUCCESS ? 0 : avs_win32_error((DWORD)rc);
}

int avs_svc_watch_open(struct avs_svc_watch *w, const char **out_failed)
{
    *out_failed = NULL;
    ZeroMemory(w, sizeof *w);
    for (int i = 0; i < AVS_SVC_WATCHES; i++) {
        /* Created when absent (a machine that never had a 32-bit program has no
         * WOW6432Node Uninstall key): the first 32-bit installer creates it under our watch. Its
         * ACL is inherited from HKLM\SOFTWARE, as when an installer creates it. */
        LONG rc = RegCreateKeyExW(HKEY_LOCAL_MACHINE, WATCHED[i].path, 0, NULL, 0,
                                  KEY_NOTIFY | WATCHED[i].view, NULL, &w->key[i], NULL);
        int err = rc == ERROR_SUCCESS ? 0 : avs_win32_error((DWORD)rc);
        if (!err) {
            /* Auto-reset: one wake per batch of changes, re-armed before acting on it. */
            w->event[i] = CreateEventW(NULL, FALSE, FALSE, NULL);
            err = w->event[i] ? avs_svc_watch_rearm(w, i) : avs_win32_last_error();
        }
        if (err) {
            *out_failed = i == AVS_SVC_WATCH_UNINSTALL_64   ? "uninstall-64"
                          : i == AVS_SVC_WATCH_UNINSTALL_32 ? "uninstall-32"
                                                            : "policy";
            avs_svc_watch_close(w);
            return err;
        }
    }
    return 0;
}

void avs_svc_watch_close(struct avs_svc_watch *w)
{
    for (int i = 0; i < AVS_SVC_WATCHES; i++) {
        if (w->key[i])
            RegCloseKey(w->key[i]);
        if (w->event[i])
            CloseHandle(w->event[i]);
        w->key[i] = NULL;
        w->event[i] = NULL;
    }
}
