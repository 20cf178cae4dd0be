/* fmtmsg.exe MODULE ID [STRINGS...] — prints message ID of MODULE's message table as UTF-8.
 *
 * What Event Viewer does for an auditor: load the module as a datafile and FormatMessageW the
 * event's text with the insertion strings. ID is the full 32-bit message ID (severity bits
 * included), decimal or 0x-hex. Missing insertion strings are filled with "{missing}" so a test
 * can see them instead of FormatMessage reading past the array. Exit 0 on success, 1 when the
 * module cannot be loaded or the ID is not in its table, 2 on usage errors. Test tool only. */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#define MAX_INSERTS 99

static int write_utf8(HANDLE h, const wchar_t *s)
{
    int len = WideCharToMultiByte(CP_UTF8, 0, s, -1, NULL, 0, NULL, NULL);
    char *buf;
    DWORD written = 0;
    int ok;

    if (len <= 0)
        return -1;
    buf = malloc((size_t)len);
    if (buf == NULL)
        return -1;
    WideCharToMultiByte(CP_UTF8, 0, s, -1, buf, len, NULL, NULL);
    ok = WriteFile(h, buf, (DWORD)(len - 1), &written, NULL);
    free(buf);
    return ok ? 0 : -1;
}

int wmain(int argc, wchar_t **argv)
{
    static const wchar_t missing[] = L"{missing}";
    DWORD_PTR args[MAX_INSERTS];
    wchar_t *text = NULL;
    wchar_t *end = NULL;
    HMODULE mod;
    unsigned long id;
    int i;

    SetDefaultDllDirectories(LOAD_LIBRARY_SEARCH_SYSTEM32);
    if (argc < 3 || argc - 3 > MAX_INSERTS) {
        fwprintf(stderr, L"usage: fmtmsg.exe MODULE ID [STRINGS...]\n");
        return 2;
    }
    id = wcstoul(argv[2], &end, 0);
    if (end == argv[2] || *end != L'\0') {
        fwprintf(stderr, L"fmtmsg: bad message id %ls\n", argv[2]);
        return 2;
    }
    for (i = 0; i < MAX_INSERTS; i++)
        args[i] = (DWORD_PTR)(i + 3 < argc ? argv[i + 3] : missing);

    mod = LoadLibraryExW(argv[1], NULL, LOAD_LIBRARY_AS_DATAFILE);
    if (mod == NULL) {
        fwprintf(stderr, L"fmtmsg: cannot load %ls (error %lu)\n", argv[1], GetLastError());
        return 1;
    }
    if (FormatMessageW(FORMAT_MESSAGE_FROM_HMODULE | FORMAT_MESSAGE_ARGUMENT_ARRAY |
                           FORMAT_MESSAGE_ALLOCATE_BUFFER,
                       mod, (DWORD)id, MAKELANGID(LANG_NEUTRAL, SUBLANG_NEUTRAL),
                       (LPWSTR)&text, 0, (va_list *)args) == 0) {
        fwprintf(stderr, L"fmtmsg: no message 0x%08lx in %ls (error %lu)\n", id, argv[1],
                 GetLastError());
        FreeLibrary(mod);
        return 1;
    }
    if (write_utf8(GetStdHandle(STD_OUTPUT_HANDLE), text) != 0) {
        LocalFree(text);
        FreeLibrary(mod);
        return 1;
    }
    LocalFree(text);
    FreeLibrary(mod);
    return 0;
}
