/* runexit.exe PROG [ARGS...] — runs PROG and reports its full 32-bit exit code.
 *
 * Under Wine the exit code that reaches the Linux shell is truncated to 8 bits (1603 -> 67), so
 * the e2e tests run avswap.exe through this helper: it starts the child with an explicit absolute
 * application name (no search-path surprises), lets it inherit stdin/stdout/stderr, waits, and
 * prints "exit=<code>" as the last line on stderr. It returns the child's code too (truncated by
 * Wine, but still non-zero when the child failed). Test tool only, never shipped. */
#include <windows.h>

#include <stdio.h>
#include <wchar.h>

/* The raw command line after our own argv[0], so the child's arguments keep the caller's
 * quoting exactly (re-quoting argv would be a second, possibly different, quoting). Uses the
 * same rule as the CRT for argv[0]: quoted up to the next quote, else up to whitespace. */
static const wchar_t *skip_argv0(const wchar_t *cl)
{
    if (*cl == L'"') {
        cl++;
        while (*cl && *cl != L'"')
            cl++;
        if (*cl == L'"')
            cl++;
    } else {
        while (*cl && *cl != L' ' && *cl != L'\t')
            cl++;
    }
    while (*cl == L' ' || *cl == L'\t')
        cl++;
    return cl;
}

static void inheritable(DWORD which)
{
    HANDLE h = GetStdHandle(which);
    if (h != NULL && h != INVALID_HANDLE_VALUE)
        SetHandleInformation(h, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
}

int wmain(int argc, wchar_t **argv)
{
    wchar_t app[MAX_PATH * 4];
    wchar_t *cmdline = NULL;
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;
    DWORD code = 1;
    DWORD n;

    SetDefaultDllDirectories(LOAD_LIBRARY_SEARCH_SYSTEM32);
    if (argc < 2) {
        fwprintf(stderr, L"usage: runexit.exe PROG.exe [ARGS...]\nexit=2\n");
        return 2;
    }
    if (wcschr(argv[1], L'\\') || wcschr(argv[1], L'/'))
        n = GetFullPathNameW(argv[1], (DWORD)(sizeof app / sizeof app[0]), app, NULL);
    else
        n = SearchPathW(NULL, argv[1], L".exe", (DWORD)(sizeof app / sizeof app[0]), app, NULL);
    if (n == 0 || n >= sizeof app / sizeof app[0]) {
        fwprintf(stderr, L"runexit: cannot resolve %ls (error %lu)\nexit=1\n", argv[1],
                 GetLastError());
        return 1;
    }

    /* CreateProcessW may write into the command line: give it a private copy. */
    cmdline = _wcsdup(skip_argv0(GetCommandLineW()));
    if (cmdline == NULL) {
        fwprintf(stderr, L"runexit: out of memory\nexit=1\n");
        return 1;
    }

    inheritable(STD_INPUT_HANDLE);
    inheritable(STD_OUTPUT_HANDLE);
    inheritable(STD_ERROR_HANDLE);
    ZeroMemory(&si, sizeof si);
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    si.hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE);
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    ZeroMemory(&pi, sizeof pi);

    fflush(stdout);
    fflush(stderr);
    if (!CreateProcessW(app, cmdline, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi)) {
        fwprintf(stderr, L"runexit: cannot start %ls (error %lu)\nexit=1\n", app, GetLastError());
        free(cmdline);
        return 1;
    }
    WaitForSingleObject(pi.hProcess, INFINITE);
    if (!GetExitCodeProcess(pi.hProcess, &code))
        code = 1;
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    free(cmdline);

    fwprintf(stderr, L"exit=%lu\n", code);
    fflush(stderr);
    return (int)code;
}
