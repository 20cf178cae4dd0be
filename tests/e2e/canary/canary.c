/* canary.dll — a DLL-planting canary for tests/e2e/t_95_dll.sh (test tool, never shipped).
 *
 * Copied under the name of a DLL avswap.exe imports or loads (bcrypt.dll, msi.dll, ...) into
 * the folder holding avswap.exe and into its working directory. If Windows (or Wine, with
 * WINEDLLOVERRIDES=name=n,b) ever loads it, DllMain leaves the marker
 * %AVS_CANARY_DIR%\<its file name>.loaded holding its full path, and fails the load, so none of
 * its code runs beyond this. Its exports (canary.def, made by the test from avswap.exe's import
 * table) exist only so that a static import of it resolves and the loader reaches DllMain. */
#include <windows.h>

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved)
{
    wchar_t dir[1024], self[1024], path[2200];
    DWORD n, m, i, k = 0;
    const wchar_t *base;
    HANDLE h;

    (void)reserved;
    if (reason != DLL_PROCESS_ATTACH)
        return TRUE;
    n = GetEnvironmentVariableW(L"AVS_CANARY_DIR", dir, 1024);
    m = GetModuleFileNameW(inst, self, 1024);
    if (n == 0 || n >= 1024 || m == 0 || m >= 1024)
        return FALSE;
    base = self;
    for (i = 0; i < m; i++)
        if (self[i] == L'\\' || self[i] == L'/')
            base = self + i + 1;
    for (i = 0; i < n; i++)
        path[k++] = dir[i];
    path[k++] = L'\\';
    for (i = 0; base[i]; i++)
        path[k++] = base[i];
    for (i = 0; L".loaded"[i]; i++)
        path[k++] = L".loaded"[i];
    path[k] = L'\0';
    h = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    if (h != INVALID_HANDLE_VALUE) {
        DWORD w;
        WriteFile(h, self, m * sizeof(wchar_t), &w, NULL);
        CloseHandle(h);
    }
    return FALSE;
}

/* Every export of canary.def points here. */
int canary_stub(void)
{
    return 0;
}
