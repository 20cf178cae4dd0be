/* The machine for core/os.h: free disk space, a planned restart, the helpdesk password prompt,
 * wiping secrets, a monotonic clock, sleeping and random bytes. */
#include "os.h"

#include "win32.h" /* <windows.h> first */

#include <bcrypt.h>
#include <limits.h>
#include <reason.h>
#include <stdlib.h>
#include <string.h>

#ifndef NT_SUCCESS
#define NT_SUCCESS(s) ((NTSTATUS)(s) >= 0)
#endif
#ifndef ERROR_SHUTDOWN_IS_SCHEDULED
#define ERROR_SHUTDOWN_IS_SCHEDULED 1190L
#endif
#ifndef ERROR_SHUTDOWN_USERS_LOGGED_ON
#define ERROR_SHUTDOWN_USERS_LOGGED_ON 1191L
#endif

/* The longest password accepted at the prompt, in UTF-16 code units. */
#define PASSWORD_MAX 256u

int avs_os_disk_free(uint64_t *out, const char *path)
{
    *out = 0;
    wchar_t *w = NULL, *root = NULL;
    int err = avs_win32_path(&w, path, 0);
    if (err)
        return err;
    /* The volume that holds PATH, mount points included ("C:\ProgramData\" may be another
     * volume than "C:\"); PATH itself need not exist yet. */
    size_t n = wcslen(w) + 2;
    root = malloc(n * sizeof *root);
    if (!root) {
        err = AVS_ENOMEM;
        goto done;
    }
    if (n > UINT_MAX || !GetVolumePathNameW(w, root, (DWORD)n)) {
        err = n > UINT_MAX ? AVS_ETOOBIG : avs_win32_last_error();
        goto done;
    }
    ULARGE_INTEGER avail;
    /* Available to the caller: quotas count, as they will for the installer. */
    if (!GetDiskFreeSpaceExW(root, &avail, NULL, NULL)) {
        err = avs_win32_last_error();
        goto done;
    }
    *out = avail.QuadPart;
done:
    free(w);
    free(root);
    return err;
}

int avs_win32_privilege_enable(HANDLE *out_token, TOKEN_PRIVILEGES *out_prev, const wchar_t *name)
{
    *out_token = NULL;
    memset(out_prev, 0, sizeof *out_prev);
    HANDLE tok = NULL;
    TOKEN_PRIVILEGES tp;
    DWORD prev_len = 0;
    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_ADJUST_PRIVILEGES | TOKEN_QUERY, &tok))
        return avs_win32_last_error();
    memset(&tp, 0, sizeof tp);
    tp.PrivilegeCount = 1;
    tp.Privileges[0].Attributes = SE_PRIVILEGE_ENABLED;
    if (!LookupPrivilegeValueW(NULL, name, &tp.Privileges[0].Luid) ||
        !AdjustTokenPrivileges(tok, FALSE, &tp, sizeof *out_prev, out_prev, &prev_len)) {
        int err = avs_win32_last_error();
        CloseHandle(tok);
        return err;
    }
    /* AdjustTokenPrivileges "succeeds" when the token lacks the privilege altogether. */
    if (GetLastError() == ERROR_NOT_ALL_ASSIGNED) {
        CloseHandle(tok);
        return AVS_EACCES;
    }
    *out_token = tok;
    return 0;
}

void avs_win32_privilege_restore(HANDLE token, const TOKEN_PRIVILEGES *prev)
{
    if (!token)
        return;
    /* PrivilegeCount is 0 when the privilege was enabled already: nothing to put back. */
    if (prev->PrivilegeCount)
        AdjustTokenPrivileges(token, FALSE, (TOKEN_PRIVILEGES *)prev, 0, NULL, NULL);
    CloseHandle(token);
}

int avs_os_reboot_request(const char *reason, uint32_t grace_s)
{
    HANDLE tok = NULL;
    TOKEN_PRIVILEGES prev;
    wchar_t *w = NULL;
    int err = avs_utf8_to_wide(&w, reason ? reason : "");
    if (err)
        return err;
    if ((err = avs_win32_privilege_enable(&tok, &prev, SE_SHUTDOWN_NAME)))
        goto done;
    /* A planned restart for application maintenance: that is what the shutdown event (1074)
     * records and what a logged-on user is told, with REASON, during the grace period. */
    DWORD r = InitiateShutdownW(NULL, w, grace_s, SHUTDOWN_RESTART,
                                SHTDN_REASON_MAJOR_APPLICATION | SHTDN_REASON_MINOR_MAINTENANCE |
                                    SHTDN_REASON_FLAG_PLANNED);
    switch (r) {
    case ERROR_SUCCESS: break;
    /* Another shutdown is under way or scheduled, or other users' sessions stand in the way
     * (no SHUTDOWN_FORCE_OTHERS: AvSwap does not throw people out): try again later. */
    case ERROR_SHUTDOWN_IN_PROGRESS:
    case ERROR_SHUTDOWN_IS_SCHEDULED:
    case ERROR_SHUTDOWN_USERS_LOGGED_ON: err = AVS_EBUSY; break;
    default:
        err = avs_win32_error(r);
        if (!err)
            err = AVS_EIO;
        break;
    }
    avs_win32_privilege_restore(tok, &prev);
done:
    free(w);
    return err;
}

/* Writes UTF-8 S to the process's standard error, wide through the console when it is one. */
static void write_err(const char *s)
{
    HANDLE h = GetStdHandle(STD_ERROR_HANDLE);
    DWORD mode, n;
    if (!s || !*s || h == NULL || h == INVALID_HANDLE_VALUE)
        return;
    if (GetConsoleMode(h, &mode)) {
        wchar_t *w = NULL;
        if (avs_utf8_to_wide(&w, s) == 0) {
            WriteConsoleW(h, w, (DWORD)wcslen(w), &n, NULL);
            free(w);
        }
        return;
    }
    size_t len = strlen(s);
    WriteFile(h, s, len > UINT_MAX ? UINT_MAX : (DWORD)len, &n, NULL);
}

/* Reads one line from console IN into BUF (at most PASSWORD_MAX units); the rest of an
 * over-long line is read and thrown away so it cannot become the next command's input. */
static int read_line(wchar_t *buf, size_t *out_len, HANDLE in)
{
    wchar_t chunk[64];
    size_t len = 0;
    int err = 0, too_long = 0;
    for (;;) {
        DWORD n = 0;
        if (!ReadConsoleW(in, chunk, (DWORD)(sizeof chunk / sizeof chunk[0]), &n, NULL)) {
            err = avs_win32_last_error();
            break;
        }
        if (n == 0) /* end of input without a new line: what came so far is the line */
            break;
        int eol = 0;
        for (DWORD i = 0; i < n && !eol; i++) {
            if (chunk[i] == L'\n')
                eol = 1;
            else if (chunk[i] == L'\r')
                continue;
            else if (len < PASSWORD_MAX)
                buf[len++] = chunk[i];
            else
                too_long = 1;
        }
        if (eol)
            break;
    }
    SecureZeroMemory(chunk, sizeof chunk);
    *out_len = len;
    return err ? err : too_long ? AVS_ETOOBIG : 0;
}

int avs_os_read_password(char **out, const char *prompt)
{
    *out = NULL;
    wchar_t buf[PASSWORD_MAX];
    size_t len = 0;
    DWORD mode;
    HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
    /* Only a console: a password piped in would sit in a file or another process. */
    if (in == NULL || in == INVALID_HANDLE_VALUE || !GetConsoleMode(in, &mode))
        return AVS_EUNAVAIL;
    write_err(prompt);
    DWORD quiet = (mode & ~(DWORD)ENABLE_ECHO_INPUT) | ENABLE_LINE_INPUT | ENABLE_PROCESSED_INPUT;
    if (!SetConsoleMode(in, quiet))
        return avs_win32_last_error();
    int err = read_line(buf, &len, in);
    SetConsoleMode(in, mode);
    write_err("\n"); /* the Enter key was not echoed either */
    if (!err)
        err = avs_wide_to_utf8_n(out, buf, len);
    SecureZeroMemory(buf, sizeof buf);
    return err;
}

void avs_os_secure_zero(void *p, size_t len)
{
    if (p && len)
        SecureZeroMemory(p, len);
}

int64_t avs_os_monotonic_ms(void)
{
    LARGE_INTEGER c, f;
    /* Never fails on Windows XP and later; the split avoids overflowing c * 1000. */
    if (!QueryPerformanceFrequency(&f) || f.QuadPart <= 0 || !QueryPerformanceCounter(&c))
        return (int64_t)GetTickCount64();
    return (int64_t)(c.QuadPart / f.QuadPart * 1000 + c.QuadPart % f.QuadPart * 1000 / f.QuadPart);
}

void avs_os_sleep_ms(uint32_t ms)
{
    /* INFINITE (0xFFFFFFFF) would never return: a bounded sleep stays bounded. */
    Sleep(ms == INFINITE ? INFINITE - 1 : ms);
}

int avs_os_random(void *buf, size_t len)
{
    unsigned char *p = buf;
    if (len && !buf)
        return AVS_EINVAL;
    while (len > 0) {
        ULONG chunk = len > ULONG_MAX ? ULONG_MAX : (ULONG)len;
        if (!NT_SUCCESS(BCryptGenRandom(NULL, p, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG)))
            return AVS_EIO;
        p += chunk;
        len -= chunk;
    }
    return 0;
}
