/* The Event Log for core/os.h: every step of AvSwap, written to AvSwap's own classic log,
 * "AvSwap", under the source "AvSwap", with the full message-table ID and the process user's SID.
 *
 * Why a log of its own: the Application log accepts any source name from any process, so a
 * standard user could write events that look like AvSwap's there. The AvSwap log's CustomSD lets
 * only SYSTEM and Administrators write and clear it (Event Log Readers and NETWORK SERVICE, which
 * Windows Event Forwarding uses, may read it). It is created on the first elevated use, as
 * New-EventLog creates one: EventLog\AvSwap (the log) and EventLog\AvSwap\AvSwap (the source),
 * and every elevated run puts back what differs, removes the registration older versions made
 * in the Application log, and installs the message file (msgdll.c). Event 1000 says what was
 * changed; 9020 and 9021 say what could not be done.
 *
 * Once per process (InitOnceExecuteOnce) we register, open the source handle and read the token
 * user; the handle stays open for the life of the process, because a register/deregister pair
 * per event would cost more than the event. A run that is not elevated changes nothing. */
#include "eventlog.h" /* <windows.h> first */

#include <stdlib.h>
#include <string.h>

#include "avs_messages.h"
#include "buf.h"
#include "eventlog_def.h"

/* The values come from eventlog_def.h, which the MSI's registry rows are generated from too. */
#define LOG_NAME L"" AVS_EVLOG_NAME
#define SOURCE_NAME L"" AVS_EVLOG_SOURCE
#define EVENTLOG_KEY L"" AVS_EVLOG_EVENTLOG_KEY
#define LOG_KEY L"" AVS_EVLOG_LOG_KEY
#define SOURCE_KEY L"" AVS_EVLOG_SOURCE_KEY
/* Where AvSwap 0.1 registered its source: removed, so "AvSwap" names one source only. */
#define OLD_SOURCE_KEY EVENTLOG_KEY L"\\Application\\AvSwap"

#define LOG_MAX_SIZE AVS_EVLOG_MAX_SIZE
#define LOG_RETENTION AVS_EVLOG_RETENTION
#define LOG_AUTO_BACKUP AVS_EVLOG_AUTO_BACKUP
#define LOG_FILE L"" AVS_EVLOG_FILE
#define LOG_SDDL L"" AVS_EVLOG_SDDL
#define SOURCE_TYPES AVS_EVLOG_TYPES
_Static_assert(AVS_EVLOG_TYPES ==
                   (EVENTLOG_ERROR_TYPE | EVENTLOG_WARNING_TYPE | EVENTLOG_INFORMATION_TYPE),
               "eventlog_def.h: TypesSupported is errors, warnings and information");

/* FormatMessage numbers insertions %1..%99. */
#define MAX_STRINGS 99
/* ReportEventW rejects an insertion string longer than this many characters. */
#define MAX_STRING_CHARS 31839
#define TRUNCATED_MARK L" [truncated]"

/* What the registration did, reported once the log is open (an event cannot be written from
 * inside the initialisation that opens the log). */
#define MAX_PENDING 3
struct pending {
    uint32_t id;
    size_t count;
    char *strings[3];
};

/* Filled once by init(), read-only afterwards except `announced`: safe to share between
 * threads. */
static struct {
    HANDLE source;
    int err;          /* why source is NULL */
    TOKEN_USER *user; /* NULL when the token could not be read: events go without a SID */
    struct pending pending[MAX_PENDING];
    size_t npending;
    volatile LONG announced; /* 1 once the pending events were written */
} g_log;
static INIT_ONCE g_once = INIT_ONCE_STATIC_INIT;

/* Queues event ID with up to three strings (copied; a failed copy becomes ""). */
static void queue(uint32_t id, const char *a, const char *b, const char *c)
{
    if (g_log.npending == MAX_PENDING)
        return;
    struct pending *p = &g_log.pending[g_log.npending++];
    const char *in[3] = {a, b, c};
    p->id = id;
    for (p->count = 0; p->count < 3 && in[p->count]; p->count++)
        p->strings[p->count] = avs_strdup(in[p->count]);
}

/* 1 when the token is elevated or is SYSTEM (as identity.c decides it). */
static int is_elevated(void)
{
    HANDLE token = NULL;
    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token))
        return 0;
    TOKEN_ELEVATION elev = {0};
    DWORD size = 0;
    BOOL ok = GetTokenInformation(token, TokenElevation, &elev, sizeof elev, &size);
    CloseHandle(token);
    return (ok && elev.TokenIsElevated) ||
           (g_log.user && IsWellKnownSid(g_log.user->User.Sid, WinLocalSystemSid));
}

/* Appends NAME to the comma-separated list CHANGES. */
static void note(struct avs_buf *changes, const char *name)
{
    avs_buf_printf(changes, "%s%s", changes->len ? ", " : "", name);
}

/* Sets DWORD value NAME of KEY to WANT when it is absent, of another type, or differs (below
 * WANT when AT_LEAST: an administrator may give the log more room, never less). */
static LSTATUS ensure_dword(HKEY key, const wchar_t *name, DWORD want, int at_least,
                            struct avs_buf *changes, const char *label)
{
    DWORD type = 0, cur = 0, size = sizeof cur;
    LSTATUS st = RegQueryValueExW(key, name, NULL, &type, (BYTE *)&cur, &size);
    if (st == ERROR_SUCCESS && type == REG_DWORD && size == sizeof cur &&
        (at_least ? cur >= want : cur == want))
        return ERROR_SUCCESS;
    st = RegSetValueExW(key, name, 0, REG_DWORD, (const BYTE *)&want, sizeof want);
    if (st == ERROR_SUCCESS)
        note(changes, label);
    return st;
}

/* Sets string value NAME of KEY to WANT, of TYPE (REG_SZ or REG_EXPAND_SZ, compared unexpanded),
 * when it differs. */
static LSTATUS ensure_string(HKEY key, const wchar_t *name, DWORD type, const wchar_t *want,
                             struct avs_buf *changes, const char *label)
{
    DWORD bytes = (DWORD)((wcslen(want) + 1) * sizeof *want);
    DWORD cur_type = 0, size = 0;
    LSTATUS st = RegQueryValueExW(key, name, NULL, &cur_type, NULL, &size);
    if (st == ERROR_SUCCESS && cur_type == type && size == bytes) {
        wchar_t *cur = malloc(size);
        if (cur &&
            RegQueryValueExW(key, name, NULL, &cur_type, (BYTE *)cur, &size) == ERROR_SUCCESS &&
            size == bytes && memcmp(cur, want, bytes) == 0) {
            free(cur);
            return ERROR_SUCCESS;
        }
        free(cur);
    }
    st = RegSetValueExW(key, name, 0, type, (const BYTE *)want, bytes);
    if (st == ERROR_SUCCESS)
        note(changes, label);
    return st;
}

/* Why a registration step failed, for event 9021. */
static void setup_failed(const char *step, LSTATUS st)
{
    queue(AVS_EV_EVENTLOG_SETUP_FAILED, step, avs_strerror(avs_win32_error(st)), NULL);
}

/* Creates or repairs the AvSwap log and its source, pointing EventMessageFile at MSGFILE (NULL:
 * the message file could not be installed; the value is left as it is). */
static void register_log(const wchar_t *msgfile, struct avs_buf *changes)
{
    HKEY log = NULL, src = NULL;
    DWORD disp = 0;
    LSTATUS st = RegCreateKeyExW(HKEY_LOCAL_MACHINE, LOG_KEY, 0, NULL, REG_OPTION_NON_VOLATILE,
                                 KEY_QUERY_VALUE | KEY_SET_VALUE, NULL, &log, &disp);
    if (st != ERROR_SUCCESS) {
        setup_failed("create the log key", st);
        goto done;
    }
    if (disp == REG_CREATED_NEW_KEY)
        note(changes, "log created");
    if ((st = ensure_dword(log, L"MaxSize", LOG_MAX_SIZE, 1, changes, "MaxSize")) ||
        (st = ensure_dword(log, L"Retention", LOG_RETENTION, 0, changes, "Retention")) ||
        (st = ensure_dword(log, L"AutoBackupLogFiles", LOG_AUTO_BACKUP, 0, changes,
                           "AutoBackupLogFiles")) ||
        (st = ensure_string(log, L"File", REG_EXPAND_SZ, LOG_FILE, changes, "File")) ||
        (st = ensure_string(log, L"CustomSD", REG_SZ, LOG_SDDL, changes, "CustomSD"))) {
        setup_failed("set the log's values", st);
        goto done;
    }
    st = RegCreateKeyExW(HKEY_LOCAL_MACHINE, SOURCE_KEY, 0, NULL, REG_OPTION_NON_VOLATILE,
                         KEY_QUERY_VALUE | KEY_SET_VALUE, NULL, &src, &disp);
    if (st != ERROR_SUCCESS) {
        setup_failed("create the source key", st);
        goto done;
    }
    if (disp == REG_CREATED_NEW_KEY)
        note(changes, "source created");
    if ((st = ensure_dword(src, L"TypesSupported", SOURCE_TYPES, 0, changes, "TypesSupported")) ||
        (msgfile && (st = ensure_string(src, L"EventMessageFile", REG_EXPAND_SZ, msgfile, changes,
                                        "EventMessageFile")))) {
        setup_failed("set the source's values", st);
        goto done;
    }
    st = RegDeleteKeyW(HKEY_LOCAL_MACHINE, OLD_SOURCE_KEY);
    if (st == ERROR_SUCCESS)
        note(changes, "Application log source removed");
    else if (st != ERROR_FILE_NOT_FOUND)
        setup_failed("remove the source from the Application log", st);
done:
    if (src)
        RegCloseKey(src);
    if (log)
        RegCloseKey(log);
}

/* Installs the message file and registers the log, queueing what happened. Elevated only. */
static void setup(void)
{
    struct avs_buf changes = AVS_BUF_INIT;
    wchar_t *msgfile = NULL;
    char *msg8 = NULL, *list = NULL;
    int changed = 0;
    int err = avs_win32_msgdll_install(&msgfile, &changed);
    if (err) {
        wchar_t *where = NULL;
        if (avs_win32_msgdll_path(&where) || avs_wide_to_utf8(&msg8, where))
            msg8 = NULL;
        free(where);
        queue(AVS_EV_MSGFILE_FAILED, msg8 ? msg8 : "avswapmsg.dll", avs_strerror(err), NULL);
    } else {
        if (changed)
            note(&changes, "message file installed");
        if (avs_wide_to_utf8(&msg8, msgfile))
            msg8 = NULL;
    }
    register_log(msgfile, &changes);
    list = avs_buf_detach(&changes);
    if (list && *list)
        queue(AVS_EV_EVENTLOG_REPAIRED, "AvSwap", list, msg8 ? msg8 : "(not installed)");
    free(list);
    free(msg8);
    free(msgfile);
}

static BOOL CALLBACK init(PINIT_ONCE once, void *param, void **ctx)
{
    (void)once;
    (void)param;
    (void)ctx;
    if (avs_win32_token_user(&g_log.user))
        g_log.user = NULL;
    if (is_elevated())
        setup();
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

/* Writes one event through the open source. */
static int report(uint32_t id, const char *const *strings, size_t count)
{
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

int avs_os_event_write(uint32_t id, const char *const *strings, size_t count)
{
    if (count > MAX_STRINGS || (count && !strings))
        return AVS_EINVAL;
    InitOnceExecuteOnce(&g_once, init, NULL, NULL);
    if (!g_log.source)
        return g_log.err ? g_log.err : AVS_EIO;
    int err = report(id, strings, count);
    /* After the caller's first event (a run's first event stays its "started" event), what the
     * registration did, once per process. */
    if (InterlockedExchange(&g_log.announced, 1) == 0)
        for (size_t i = 0; i < g_log.npending; i++) {
            struct pending *p = &g_log.pending[i];
            const char *strs[3];
            for (size_t k = 0; k < p->count; k++)
                strs[k] = p->strings[k] ? p->strings[k] : "";
            (void)report(p->id, strs, p->count);
        }
    return err;
}
