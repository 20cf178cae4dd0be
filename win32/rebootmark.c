/* The reboot marker: a volatile registry key, which Windows keeps in memory only, so it is gone
 * after the next restart. Its absence on the next run proves the restart happened, whatever the
 * clock or uptime say (Wine, like a VM restored from a snapshot, does not reset uptime). */
#include <stdio.h>
#include <stdlib.h>
#include <windows.h>

#include "os.h"
#include "win32.h"

#define MARKER_ROOT L"SOFTWARE\\AvSwap\\RebootPending"

static int marker_path(wchar_t **out, const char *run_id)
{
    wchar_t *id = NULL;
    int rc = avs_utf8_to_wide(&id, run_id);
    if (rc)
        return rc;
    size_t n = wcslen(MARKER_ROOT) + 1 + wcslen(id) + 1;
    *out = malloc(n * sizeof **out);
    if (!*out) {
        free(id);
        return AVS_ENOMEM;
    }
    swprintf(*out, n, L"%ls\\%ls", MARKER_ROOT, id);
    free(id);
    return 0;
}

int avs_os_reboot_marker_set(const char *run_id)
{
    wchar_t *path = NULL;
    HKEY parent = NULL, key = NULL;
    int rc = marker_path(&path, run_id);
    if (rc)
        return rc;
    /* The parent is an ordinary key (a volatile key cannot hold non-volatile children, and
     * the parent must outlive restarts); the marker itself is volatile. */
    LSTATUS st = RegCreateKeyExW(HKEY_LOCAL_MACHINE, MARKER_ROOT, 0, NULL, REG_OPTION_NON_VOLATILE,
                                 KEY_CREATE_SUB_KEY | KEY_WOW64_64KEY, NULL, &parent, NULL);
    if (st == ERROR_SUCCESS)
        st = RegCreateKeyExW(HKEY_LOCAL_MACHINE, path, 0, NULL, REG_OPTION_VOLATILE,
                             KEY_READ | KEY_WOW64_64KEY, NULL, &key, NULL);
    rc = st == ERROR_SUCCESS ? 0 : avs_win32_error((DWORD)st);
    if (key)
        RegCloseKey(key);
    if (parent)
        RegCloseKey(parent);
    free(path);
    return rc;
}

int avs_os_reboot_marker_present(int *out, const char *run_id)
{
    wchar_t *path = NULL;
    HKEY key = NULL;
    *out = 0;
    int rc = marker_path(&path, run_id);
    if (rc)
        return rc;
    LSTATUS st = RegOpenKeyExW(HKEY_LOCAL_MACHINE, path, 0, KEY_READ | KEY_WOW64_64KEY, &key);
    if (st == ERROR_SUCCESS) {
        *out = 1;
        RegCloseKey(key);
    } else if (st != ERROR_FILE_NOT_FOUND) {
        rc = avs_win32_error((DWORD)st);
    }
    free(path);
    return rc;
}
