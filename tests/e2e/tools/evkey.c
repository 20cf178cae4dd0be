/* evkey KEYFILE: prints AvSwap's evidence key (hex) from its DPAPI-protected file, as an
 * administrator of the machine can: the e2e tests use it to play an administrator who rewrites
 * the journal with valid HMACs, which only the Event Log anchor can then catch. */
#include <windows.h>
#include <wincrypt.h>
#include <stdio.h>

typedef BOOL(WINAPI *unprotect_fn)(DATA_BLOB *, LPWSTR *, DATA_BLOB *, PVOID,
                                   CRYPTPROTECT_PROMPTSTRUCT *, DWORD, DATA_BLOB *);

int wmain(int argc, wchar_t **argv)
{
    static BYTE buf[65536];
    DWORD n = 0;
    if (argc != 2)
        return 2;
    HANDLE h = CreateFileW(argv[1], GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE || !ReadFile(h, buf, sizeof buf, &n, NULL))
        return 3;
    CloseHandle(h);
    HMODULE m = LoadLibraryExW(L"crypt32.dll", NULL, LOAD_LIBRARY_SEARCH_SYSTEM32);
    unprotect_fn f = m ? (unprotect_fn)(void (*)(void))GetProcAddress(m, "CryptUnprotectData") : NULL;
    static const char ent[] = "AvSwap evidence key v1";
    DATA_BLOB in = {n, buf}, e = {sizeof ent - 1, (BYTE *)ent}, out = {0, NULL};
    if (!f || !f(&in, NULL, &e, NULL, NULL, CRYPTPROTECT_UI_FORBIDDEN, &out) || out.cbData != 40)
        return 4;
    for (DWORD i = 8; i < out.cbData; i++)
        printf("%02x", out.pbData[i]);
    printf("\n");
    return 0;
}
