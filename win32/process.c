/* Running an uninstaller or installer for core/os.h: CreateProcessW with an explicit,
 * absolute application name (never the search path, never a shell), in a job object that
 * bounds the whole process tree in time.
 *
 * The process starts suspended and joins the job before its first instruction, so nothing it
 * starts can escape the job (breakaway is not allowed). We wait for the tree, not only for the
 * first process: many uninstallers copy themselves to %TEMP%, start the copy and exit at once
 * (NSIS's Au_.exe); ending the job when the first process ends would kill the real work
 * halfway. When TIMEOUT_MS runs out, every process of the job is terminated. */
#include "os.h"

#include "win32.h" /* <windows.h> first */

#include <stdlib.h>
#include <string.h>

/* How often the job is asked whether processes remain once the first one has exited. */
#define TREE_POLL_MS 50u

/* CreateProcessW's limit on the command line, terminator included. */
#define CMDLINE_MAX_CHARS 32767u

/* Exit code given to processes killed at the timeout. */
#define KILLED_EXIT_CODE ERROR_TIMEOUT

/* "X:\..." or "\\server\..." as written: a relative name ("setup.exe", "C:setup.exe",
 * "\setup.exe") would be resolved against the current directory or drive. */
static int is_absolute(const char *p)
{
    int letter = (p[0] >= 'A' && p[0] <= 'Z') || (p[0] >= 'a' && p[0] <= 'z');
    return (letter && p[1] == ':' && p[2] == '\\') || (p[0] == '\\' && p[1] == '\\');
}

/* The UTF-16 application name for APP, which must already be canonical: a name that
 * GetFullPathNameW would change ("..", ".", "/", trailing dots or spaces) could make the path
 * core/ validated differ from the file Windows starts. */
static int app_name(wchar_t **out, const char *app)
{
    *out = NULL;
    wchar_t *w = NULL, *full = NULL;
    int err = avs_utf8_to_wide(&w, app);
    if (err)
        return err;
    DWORD n = GetFullPathNameW(w, 0, NULL, NULL);
    if (n == 0) {
        err = avs_win32_last_error();
        goto done;
    }
    full = malloc((size_t)n * sizeof *full);
    if (!full) {
        err = AVS_ENOMEM;
        goto done;
    }
    DWORD len = GetFullPathNameW(w, n, full, NULL);
    if (len == 0 || len >= n) {
        err = len ? AVS_EIO : avs_win32_last_error();
        goto done;
    }
    if (wcscmp(full, w) != 0) {
        err = AVS_EINVAL;
        goto done;
    }
    *out = w;
    w = NULL;
done:
    free(w);
    free(full);
    return err;
}

/* The folder of APP, with its trailing backslash: the child's current directory, so it never
 * starts in AvSwap's (or System32) and finds its own files as when run by hand. */
static int app_dir(wchar_t **out, const wchar_t *app)
{
    *out = NULL;
    const wchar_t *slash = wcsrchr(app, L'\\');
    if (!slash)
        return AVS_EINVAL;
    size_t n = (size_t)(slash - app) + 1;
    wchar_t *d = malloc((n + 1) * sizeof *d);
    if (!d)
        return AVS_ENOMEM;
    memcpy(d, app, n * sizeof *d);
    d[n] = L'\0';
    *out = d;
    return 0;
}

int avs_win32_job_create(HANDLE *out)
{
    *out = NULL;
    HANDLE job = CreateJobObjectW(NULL, NULL);
    if (!job)
        return avs_win32_last_error();
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION li;
    memset(&li, 0, sizeof li);
    /* KILL_ON_JOB_CLOSE: if AvSwap itself dies, closing its last handle ends the tree too.
     * DIE_ON_UNHANDLED_EXCEPTION: a crash ends the process instead of waiting on an error
     * dialog nobody sees until the timeout. */
    li.BasicLimitInformation.LimitFlags =
        JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE | JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION;
    if (!SetInformationJobObject(job, JobObjectExtendedLimitInformation, &li, sizeof li)) {
        int err = avs_win32_last_error();
        CloseHandle(job);
        return err;
    }
    *out = job;
    return 0;
}

/* Milliseconds of TIMEOUT_MS left since START; INFINITE stays INFINITE. */
static DWORD remaining(uint32_t timeout_ms, ULONGLONG start)
{
    if (timeout_ms == INFINITE)
        return INFINITE;
    ULONGLONG spent = GetTickCount64() - start;
    return spent >= timeout_ms ? 0 : (DWORD)(timeout_ms - spent);
}

/* Waits until no process of JOB is left, or TIMEOUT_MS since START has passed. */
int avs_win32_job_wait(HANDLE job, DWORD timeout_ms, ULONGLONG start)
{
    for (;;) {
        JOBOBJECT_BASIC_ACCOUNTING_INFORMATION acct;
        if (!QueryInformationJobObject(job, JobObjectBasicAccountingInformation, &acct, sizeof acct,
                                       NULL))
            return avs_win32_last_error();
        if (acct.ActiveProcesses == 0)
            return 0;
        DWORD left = remaining(timeout_ms, start);
        if (left == 0)
            return AVS_ETIMEDOUT;
        Sleep(left < TREE_POLL_MS ? left : TREE_POLL_MS);
    }
}

/* HELD (may be NULL) is the program, opened denying writers when its signature was checked: it
 * stays open until the process has been created and resumed, then is closed (in every case),
 * so that an uninstaller that deletes its own file when done (NSIS does) still can. */
static int run(int *out_exit, const char *app, const char *cmdline, uint32_t timeout_ms,
               avs_os_held_file *held)
{
    *out_exit = 0;
    wchar_t *wapp = NULL, *wcmd = NULL, *wdir = NULL;
    HANDLE job = NULL;
    PROCESS_INFORMATION pi = {0};
    int err = 0;
    if (!app || !cmdline || !is_absolute(app)) {
        avs_os_held_file_close(held);
        return AVS_EINVAL;
    }
    if ((err = app_name(&wapp, app)) || (err = app_dir(&wdir, wapp)))
        goto done;
    /* CreateProcessW may write into the command line: it gets our own malloc'd copy. */
    if ((err = avs_utf8_to_wide(&wcmd, cmdline)))
        goto done;
    if (wcslen(wcmd) >= CMDLINE_MAX_CHARS) {
        err = AVS_ETOOBIG;
        goto done;
    }
    if ((err = avs_win32_job_create(&job)))
        goto done;

    STARTUPINFOW si;
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    /* No inherited handles: the child gets none of AvSwap's files, journal or mutex. */
    if (!CreateProcessW(wapp, wcmd, NULL, NULL, FALSE,
                        CREATE_SUSPENDED | CREATE_NO_WINDOW | CREATE_UNICODE_ENVIRONMENT, NULL,
                        wdir, &si, &pi)) {
        DWORD e = GetLastError();
        memset(&pi, 0, sizeof pi);
        /* Not a program for this machine (a script, a data file, another architecture). */
        if (e == ERROR_BAD_EXE_FORMAT || e == ERROR_EXE_MACHINE_TYPE_MISMATCH ||
            e == ERROR_INVALID_EXE_SIGNATURE)
            err = AVS_EFORMAT;
        else
            err = avs_win32_error(e) ? avs_win32_error(e) : AVS_EIO;
        goto done;
    }
    if (!AssignProcessToJobObject(job, pi.hProcess)) {
        err = avs_win32_last_error();
        TerminateProcess(pi.hProcess, KILLED_EXIT_CODE); /* never ran a single instruction */
        goto done;
    }
    ULONGLONG start = GetTickCount64();
    if (ResumeThread(pi.hThread) == (DWORD)-1) {
        err = avs_win32_last_error();
        TerminateJobObject(job, KILLED_EXIT_CODE);
        goto done;
    }
    /* The image is mapped and running: the file may be released now. */
    avs_os_held_file_close(held);
    held = NULL;
    DWORD w = WaitForSingleObject(pi.hProcess, timeout_ms);
    if (w == WAIT_OBJECT_0)
        err = avs_win32_job_wait(job, timeout_ms, start);
    else
        err = w == WAIT_TIMEOUT ? AVS_ETIMEDOUT : avs_win32_last_error();
    if (err) {
        TerminateJobObject(job, KILLED_EXIT_CODE);
        goto done;
    }
    DWORD code = 0;
    if (!GetExitCodeProcess(pi.hProcess, &code)) {
        err = avs_win32_last_error();
        goto done;
    }
    *out_exit = (int)code;
done:
    avs_os_held_file_close(held);
    if (pi.hThread)
        CloseHandle(pi.hThread);
    if (pi.hProcess)
        CloseHandle(pi.hProcess);
    if (job)
        CloseHandle(job); /* kills whatever is left (KILL_ON_JOB_CLOSE) */
    free(wapp);
    free(wcmd);
    free(wdir);
    return err;
}

int avs_os_process_run(int *out_exit, const char *app, const char *cmdline, uint32_t timeout_ms)
{
    return run(out_exit, app, cmdline, timeout_ms, NULL);
}

int avs_os_process_run_held(int *out_exit, const char *app, const char *cmdline,
                            uint32_t timeout_ms, avs_os_held_file *held)
{
    return run(out_exit, app, cmdline, timeout_ms, held);
}
