/* holdmutex.exe NAME RELEASE-FILE [TIMEOUT-SECONDS] — holds a named mutex for another test step.
 *
 * Creates (or opens) the mutex NAME and owns it, prints "held" on stdout, then keeps it until the
 * file RELEASE-FILE exists or TIMEOUT-SECONDS (default 60) have passed, and exits 0 (2 on a usage
 * error, 1 when the mutex could not be taken). The e2e tests use it to stand in for another
 * installation (Global\_MSIExecute, which Windows Installer holds while it runs) and for a
 * second AvSwap remediation (Global\AvSwap.Remediate). Test tool only, never shipped. */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

int wmain(int argc, wchar_t **argv)
{
    DWORD timeout_ms = 60u * 1000u, waited = 0;
    HANDLE h;

    SetDefaultDllDirectories(LOAD_LIBRARY_SEARCH_SYSTEM32);
    if (argc < 3 || argc > 4) {
        fwprintf(stderr, L"usage: holdmutex.exe NAME RELEASE-FILE [TIMEOUT-SECONDS]\n");
        return 2;
    }
    if (argc == 4) {
        long s = wcstol(argv[3], NULL, 10);
        if (s <= 0 || s > 3600) {
            fwprintf(stderr, L"holdmutex: TIMEOUT-SECONDS must be 1..3600\n");
            return 2;
        }
        timeout_ms = (DWORD)s * 1000u;
    }
    /* Owned at creation when we create it; when it already exists, take it by waiting. */
    h = CreateMutexW(NULL, TRUE, argv[1]);
    if (h == NULL) {
        fwprintf(stderr, L"holdmutex: CreateMutex %ls failed (error %lu)\n", argv[1], GetLastError());
        return 1;
    }
    if (GetLastError() == ERROR_ALREADY_EXISTS) {
        DWORD w = WaitForSingleObject(h, 5000);
        if (w != WAIT_OBJECT_0 && w != WAIT_ABANDONED) {
            fwprintf(stderr, L"holdmutex: %ls is held by someone else\n", argv[1]);
            return 1;
        }
    }
    wprintf(L"held\n");
    fflush(stdout);
    while (GetFileAttributesW(argv[2]) == INVALID_FILE_ATTRIBUTES && waited < timeout_ms) {
        Sleep(50);
        waited += 50;
    }
    ReleaseMutex(h);
    CloseHandle(h);
    wprintf(L"released\n");
    fflush(stdout);
    return 0;
}
