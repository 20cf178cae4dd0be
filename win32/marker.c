/* The reboot marker for core/os.h: a volatile registry key, which Windows keeps in memory only
 * and drops at the next restart. Its absence on the next run proves the restart happened.
 *
 * HKLM\SOFTWARE\AvSwap stays an ordinary key (policy and other settings may live under it: a
 * volatile key may not have non-volatile children). Only RebootPending and the run's key below
 * it are volatile. Writing needs an elevated token; reading does not. */
#include "os.h"

#include "win32.h" /* <windows.h> first */

#include <stdlib.h>
#include <string.h>

#define AVSWAP_KEY L"SOFTWARE\\AvSwap"
#define MARKER_KEY L"SOFTWARE\\AvSwap\\RebootPending"

/* A registry key name is at most 255 characters. */
#define RUN_ID_MAX 255u

/* RUN_ID as the name of one key: not empty, no backslash (it would make a path). */
static int run_key(wchar_t **out, const char *run_id)
{
    *out = NULL;
    if (!run_id || !*run_id || strchr(run_id, '\\') || strlen(run_id) > RUN_ID_MAX)
        return AVS_EINVAL;
    return avs_utf8_to_wide(out, run_id);
}

static int reg_error(LSTATUS st)
{
    int err = avs_win32_error((DWORD)st);
    return err ? err : AVS_EIO;
}

/* Creates SUB under PARENT with OPTIONS (REG_OPTION_*); the new key in *out. */
static int create(HKEY *out, HKEY parent, const wchar_t *sub, DWORD options)
{
    *out = NULL;
    LSTATUS st = RegCreateKeyExW(parent, sub, 0, NULL, options,
                                 KEY_CREATE_SUB_KEY | KEY_WOW64_64KEY, NULL, out, NULL);
    return st == ERROR_SUCCESS ? 0 : reg_error(st);
}

int avs_os_reboot_marker_set(const char *run_id)
{
    wchar_t *name = NULL;
    HKEY avswap = NULL, pending = NULL, run = NULL;
    int err = run_key(&name, run_id);
    if (err)
        return err;
    /* An existing key keeps the option it was created with: RebootPending, once volatile,
     * stays so, and an AvSwap key made by the installer stays non-volatile. */
    if ((err = create(&avswap, HKEY_LOCAL_MACHINE, AVSWAP_KEY, REG_OPTION_NON_VOLATILE)) ||
        (err = create(&pending, avswap, L"RebootPending", REG_OPTION_VOLATILE)) ||
        (err = create(&run, pending, name, REG_OPTION_VOLATILE)))
        goto done;
    /* Volatile keys are never written to the hive file: no flush to wait for. */
done:
    if (run)
        RegCloseKey(run);
    if (pending)
        RegCloseKey(pending);
    if (avswap)
        RegCloseKey(avswap);
    free(name);
    return err;
}

int avs_os_reboot_marker_present(int *out, const char *run_id)
{
    *out = 0;
    wchar_t *name = NULL;
    HKEY pending = NULL, run = NULL;
    int err = run_key(&name, run_id);
    if (err)
        return err;
    LSTATUS st = RegOpenKeyExW(HKEY_LOCAL_MACHINE, MARKER_KEY, 0,
                               KEY_ENUMERATE_SUB_KEYS | KEY_WOW64_64KEY, &pending);
    if (st == ERROR_SUCCESS)
        st = RegOpenKeyExW(pending, name, 0, KEY_QUERY_VALUE | KEY_WOW64_64KEY, &run);
    if (st == ERROR_SUCCESS)
        *out = 1;
    else if (st != ERROR_FILE_NOT_FOUND)
        err = reg_error(st);
    if (run)
        RegCloseKey(run);
    if (pending)
        RegCloseKey(pending);
    free(name);
    return err;
}
