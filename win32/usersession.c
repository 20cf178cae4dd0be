/* Per-user removal for core/os.h: a program run as the user of a logged-on session.
 *
 * wtsapi32.dll and userenv.dll are not KnownDLLs: they are loaded at run time from System32
 * only (avs_win32_load_system32), never through an import library, so a planted copy next to
 * the service cannot be loaded. */
#include "os.h"
#include "win32.h" /* <windows.h> first */

#include <sddl.h>
#include <stdlib.h>
#include <string.h>
#include <wtsapi32.h>

struct avs_os_user_token {
    HANDLE token;
};

typedef BOOL(WINAPI *enum_fn)(HANDLE, DWORD, DWORD, PWTS_SESSION_INFOW *, DWORD *);
typedef BOOL(WINAPI *query_fn)(ULONG, PHANDLE);
typedef void(WINAPI *free_fn)(PVOID);
typedef BOOL(WINAPI *envmake_fn)(LPVOID *, HANDLE, BOOL);
typedef BOOL(WINAPI *envfree_fn)(LPVOID);

/* 1 when TOKEN's user is SID (case-insensitive string compare of ConvertSidToStringSidW). */
static int token_is(HANDLE token, const wchar_t *sid)
{
    BYTE buf[256];
    DWORD len = 0;
    wchar_t *s = NULL;
    if (!GetTokenInformation(token, TokenUser, buf, sizeof buf, &len))
        return 0;
    if (!ConvertSidToStringSidW(((TOKEN_USER *)buf)->User.Sid, &s))
        return 0;
    int same = _wcsicmp(s, sid) == 0;
    LocalFree(s);
    return same;
}

int avs_os_user_token_get(avs_os_user_token **out, const char *sid)
{
    *out = NULL;
    wchar_t *wsid = NULL;
    PWTS_SESSION_INFOW list = NULL;
    DWORD n = 0;
    HANDLE found = NULL;
    int err = AVS_ENOENT;
    HMODULE wts = avs_win32_load_system32(L"wtsapi32.dll");
    if (!wts)
        return AVS_ENOENT;
    enum_fn enum_sessions = (enum_fn)(void (*)(void))GetProcAddress(wts, "WTSEnumerateSessionsW");
    query_fn query = (query_fn)(void (*)(void))GetProcAddress(wts, "WTSQueryUserToken");
    free_fn wts_free = (free_fn)(void (*)(void))GetProcAddress(wts, "WTSFreeMemory");
    if (!enum_sessions || !query || !wts_free)
        goto done;
    if ((err = avs_utf8_to_wide(&wsid, sid)))
        goto done;
    err = AVS_ENOENT;
    if (!enum_sessions(WTS_CURRENT_SERVER_HANDLE, 0, 1, &list, &n))
        goto done;
    for (DWORD i = 0; i < n && !found; i++) {
        HANDLE t = NULL;
        if (list[i].State != WTSActive || !query(list[i].SessionId, &t))
            continue; /* Wine: WTSQueryUserToken is a stub and always fails */
        if (token_is(t, wsid))
            found = t;
        else
            CloseHandle(t);
    }
    if (!found)
        goto done;
    /* A full token is an elevated administrator's: never run anything with it. */
    TOKEN_ELEVATION_TYPE type = TokenElevationTypeDefault;
    DWORD len = 0;
    if (!GetTokenInformation(found, TokenElevationType, &type, sizeof type, &len) ||
        type == TokenElevationTypeFull) {
        err = AVS_EUNSAFE;
        goto done;
    }
    avs_os_user_token *t = malloc(sizeof *t);
    if (!t) {
        err = AVS_ENOMEM;
        goto done;
    }
    t->token = found;
    found = NULL;
    *out = t;
    err = 0;
done:
    if (found)
        CloseHandle(found);
    if (list)
        wts_free(list);
    free(wsid);
    FreeLibrary(wts);
    return err;
}

void avs_os_user_token_free(avs_os_user_token *t)
{
    if (!t)
        return;
    CloseHandle(t->token);
    free(t);
}

/* %SystemRoot%\System32\EXE, with EXE a bare file name. */
static int system32_path(wchar_t **out, const char *exe)
{
    *out = NULL;
    wchar_t dir[MAX_PATH], *wexe = NULL;
    if (strpbrk(exe, "\\/:") || !*exe)
        return AVS_EINVAL;
    UINT n = GetSystemDirectoryW(dir, MAX_PATH);
    if (n == 0 || n >= MAX_PATH)
        return AVS_EIO;
    int err = avs_utf8_to_wide(&wexe, exe);
    if (err)
        return err;
    size_t len = n + 1 + wcslen(wexe) + 1;
    wchar_t *p = malloc(len * sizeof *p);
    if (!p) {
        free(wexe);
        return AVS_ENOMEM;
    }
    memcpy(p, dir, n * sizeof *p);
    p[n] = L'\\';
    memcpy(p + n + 1, wexe, (wcslen(wexe) + 1) * sizeof *p);
    free(wexe);
    *out = p;
    return 0;
}

int avs_os_user_run(int *out_exit, avs_os_user_token *t, const char *exe, const char *cmdline,
                    uint32_t timeout_ms)
{
    *out_exit = 0;
    wchar_t *wapp = NULL, *wcmd = NULL, *wdir = NULL;
    void *env = NULL;
    HANDLE job = NULL;
    PROCESS_INFORMATION pi = {0};
    envfree_fn env_free = NULL;
    int err;
    HMODULE ue = avs_win32_load_system32(L"userenv.dll");
    if (!ue)
        return avs_win32_last_error();
    envmake_fn env_make = (envmake_fn)(void (*)(void))GetProcAddress(ue, "CreateEnvironmentBlock");
    env_free = (envfree_fn)(void (*)(void))GetProcAddress(ue, "DestroyEnvironmentBlock");
    if (!env_make || !env_free) {
        err = AVS_EUNAVAIL;
        goto done;
    }
    if ((err = system32_path(&wapp, exe)) || (err = avs_utf8_to_wide(&wcmd, cmdline)))
        goto done;
    /* The user's own variables, not SYSTEM's (which name SYSTEM's profile and temp folder). */
    if (!env_make(&env, t->token, FALSE)) {
        err = avs_win32_last_error();
        env = NULL;
        goto done;
    }
    if ((err = avs_win32_job_create(&job)))
        goto done;
    STARTUPINFOW si;
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    si.lpDesktop = L"winsta0\\default";
    wdir = _wcsdup(wapp);
    if (!wdir) {
        err = AVS_ENOMEM;
        goto done;
    }
    *wcsrchr(wdir, L'\\') = L'\0';
    if (!CreateProcessAsUserW(t->token, wapp, wcmd, NULL, NULL, FALSE,
                              CREATE_SUSPENDED | CREATE_UNICODE_ENVIRONMENT, env, wdir, &si, &pi)) {
        err = avs_win32_last_error();
        memset(&pi, 0, sizeof pi);
        goto done;
    }
    if (!AssignProcessToJobObject(job, pi.hProcess)) {
        err = avs_win32_last_error();
        TerminateProcess(pi.hProcess, 1);
        goto done;
    }
    ULONGLONG start = GetTickCount64();
    ResumeThread(pi.hThread);
    DWORD w = WaitForSingleObject(pi.hProcess, timeout_ms);
    if (w == WAIT_OBJECT_0)
        err = avs_win32_job_wait(job, timeout_ms, start);
    else
        err = w == WAIT_TIMEOUT ? AVS_ETIMEDOUT : avs_win32_last_error();
    DWORD code = 0;
    if (!err && !GetExitCodeProcess(pi.hProcess, &code))
        err = avs_win32_last_error();
    if (!err)
        *out_exit = (int)code;
done:
    if (pi.hThread)
        CloseHandle(pi.hThread);
    if (pi.hProcess)
        CloseHandle(pi.hProcess);
    if (job)
        CloseHandle(job); /* kills whatever is left (KILL_ON_JOB_CLOSE) */
    if (env)
        env_free(env);
    free(wapp);
    free(wcmd);
    free(wdir);
    FreeLibrary(ue);
    return err;
}
