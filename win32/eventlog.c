/* The Event Log for core/os.h: every step of AvSwap, written to the Application log under the
 * source "AvSwap" with the full message-table ID and the process user's SID.
 *
 * Once per process (InitOnceExecuteOnce) we make sure the source is registered, open the source
 * handle and read the token user; the handle stays open for the life of the process, because a
 * register/deregister pair per event would cost more than the event. Registration points
 * EventMessageFile at the running module, which carries the message table; it needs
 * administrator rights, and when they are missing the event is still written (Event Viewer
 * then shows it without its text until an elevated run or the MSI registers the source). */
#include "os.h"

#include "win32.h" /* <windows.h> first */

#include <stdlib.h>
#include <string.h>

#define SOURCE_NAME L"AvSwap"
#define SOURCE_KEY L"SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\AvSwap"

/* FormatMessage numbers insertions %1..%99. */
#define MAX_STRINGS 99
/* ReportEventW rejects an insertion string longer than this many characters. */
#define MAX_STRING_CHARS 31839
#define TRUNCATED_MARK L" [truncated]"

/* Filled once by init(), read-only afterwards: safe to share between threads. */
static struct {
    HANDLE source;
    int err;          /* why source is NULL */
    TOKEN_USER *user; /* NULL when the token could not be read: events go without a SID */
} g_log;
static INIT_ONCE g_once = INIT_ONCE_STATIC_INIT;

/* The running module's full path, malloc'd. Paths may exceed MAX_PATH: grow until it fits. */
static int module_path(wchar_t **out)
{
    *out = NULL;
    for (DWORD cap = MAX_PATH; cap <= 32768; cap *= 2) {
        wchar_t *buf = malloc((size_t)cap * sizeof *buf);
        if (!buf)
            return AVS_ENOMEM;
        DWORD n = GetModuleFileNameW(NULL, buf, cap);
        if (n == 0) {
            int err = avs_win32_last_error();
            free(buf);
            return err;
        }
        if (n < cap) {
            *out = buf;
            return 0;
        }
        free(buf);
    }
    return AVS_ETOOBIG;
}

/* 1 when every file named in LIST (';'-separated, environment already expanded) exists. */
static int files_exist(wchar_t *list)
{
    int any = 0;
    for (wchar_t *f = list; f && *f;) {
        wchar_t *semi = wcschr(f, L';');
        if (semi)
            *semi = L'\0';
        while (*f == L' ')
            f++;
        if (*f) {
            if (GetFileAttributesW(f) == INVALID_FILE_ATTRIBUTES)
                return 0;
            any = 1;
        }
        f = semi ? semi + 1 : NULL;
    }
    return any;
}

/* 1 when the source key exists and its EventMessageFile names files that all exist. */
static int source_ok(void)
{
    HKEY key = NULL;
    wchar_t *files = NULL;
    int ok = 0;
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, SOURCE_KEY, 0, KEY_QUERY_VALUE, &key) != ERROR_SUCCESS)
        goto done;
    DWORD size = 0;
    /* RRF_RT_REG_SZ also accepts REG_EXPAND_SZ and expands it; the result is terminated. */
    LSTATUS st = RegGetValueW(key, NULL, L"EventMessageFile", RRF_RT_REG_SZ, NULL, NULL, &size);
    for (int tries = 0; st == ERROR_SUCCESS || st == ERROR_MORE_DATA; tries++) {
        if (size == 0 || size > 65536 || tries == 4)
            goto done;
        free(files);
        files = malloc(size);
        if (!files)
            goto done;
        st = RegGetValueW(key, NULL, L"EventMessageFile", RRF_RT_REG_SZ, NULL, files, &size);
        if (st == ERROR_SUCCESS) {
            ok = files_exist(files);
            break;
        }
    }
done:
    free(files);
    if (key)
        RegCloseKey(key);
    return ok;
}

/* Creates or repairs the source key. Not elevated: nothing happens, by design. */
static void register_source(void)
{
    wchar_t *path = NULL;
    HKEY key = NULL;
    if (source_ok())
        return;
    if (module_path(&path))
        goto done;
    if (RegCreateKeyExW(HKEY_LOCAL_MACHINE, SOURCE_KEY, 0, NULL, REG_OPTION_NON_VOLATILE,
                        KEY_SET_VALUE, NULL, &key, NULL) != ERROR_SUCCESS)
        goto done;
    DWORD bytes = (DWORD)((wcslen(path) + 1) * sizeof *path);
    DWORD types = EVENTLOG_ERROR_TYPE | EVENTLOG_WARNING_TYPE | EVENTLOG_INFORMATION_TYPE;
    RegSetValueExW(key, L"EventMessageFile", 0, REG_EXPAND_SZ, (const BYTE *)path, bytes);
    RegSetValueExW(key, L"TypesSupported", 0, REG_DWORD, (const BYTE *)&types, sizeof types);
done:
    if (key)
        RegCloseKey(key);
    free(path);
}

static BOOL CALLBACK init(PINIT_ONCE once, void *param, void **ctx)
{
    (void)once;
    (void)param;
    (void)ctx;
    register_source();
    if (avs_win32_token_user(&g_log.user))
        g_log.user = NULL;
    g_log.source = RegisterEventSourceW(NULL, SOURCE_NAME);
    if (!g_log.source)
        g_log.err = avs_win32_last_error();
    return TRUE;
}

/* The event type the message compiler encoded in the top two bits of ID. */
static WORD event_type(uint32_t id)
{
    switch (id >> 30) {
    case 0: return EVENTLOG_SUCCESS;
    case 1: return EVENTLOG_INFORMATION_TYPE;
    case 2: return EVENTLOG_WARNING_TYPE;
    default: return EVENTLOG_ERROR_TYPE;
    }
}

/* Converts one insertion string; NULL becomes "" and an overlong one is cut, marked, at a
 * character boundary, so the event is written rather than rejected. */
static int convert(wchar_t **out, const char *s)
{
    int err = avs_utf8_to_wide(out, s ? s : "");
    if (err)
        return err;
    size_t len = wcslen(*out);
    if (len > MAX_STRING_CHARS) {
        size_t mark = sizeof TRUNCATED_MARK / sizeof(wchar_t) - 1;
        size_t cut = MAX_STRING_CHARS - mark;
        if ((*out)[cut - 1] >= 0xD800 && (*out)[cut - 1] <= 0xDBFF)
            cut--; /* do not split a surrogate pair */
        memcpy(*out + cut, TRUNCATED_MARK, (mark + 1) * sizeof(wchar_t));
    }
    return 0;
}

int avs_os_event_write(uint32_t id, const char *const *strings, size_t count)
{
    if (count > MAX_STRINGS || (count && !strings))
        return AVS_EINVAL;
    InitOnceExecuteOnce(&g_once, init, NULL, NULL);
    if (!g_log.source)
        return g_log.err ? g_log.err : AVS_EIO;

    wchar_t *w[MAX_STRINGS] = {0};
    int err = 0;
    for (size_t i = 0; i < count; i++)
        if ((err = convert(&w[i], strings[i])))
            goto done;
    if (!ReportEventW(g_log.source, event_type(id), 0, id, g_log.user ? g_log.user->User.Sid : NULL,
                      (WORD)count, 0, (LPCWSTR *)w, NULL))
        err = avs_win32_last_error();
done:
    for (size_t i = 0; i < count; i++)
        free(w[i]);
    return err;
}
