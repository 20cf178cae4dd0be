/* fmtmsg.exe MODULE ID [STRINGS...] — prints message ID of MODULE's message table as UTF-8.
 * fmtmsg.exe MODULE --batch FILE  — the same for each line "ID<TAB>STRING<TAB>..." of FILE
 *                                   (UTF-8), each result preceded by a line "<RS>ID" (RS is
 *                                   U+001E): one Wine process for a whole message table.
 *
 * What Event Viewer does for an auditor: load the module as a datafile and FormatMessageW the
 * event's text with the insertion strings. ID is the full 32-bit message ID (severity bits
 * included), decimal or 0x-hex. Missing insertion strings are filled with "{missing}" so a test
 * can see them instead of FormatMessage reading past the array. Exit 0 on success, 1 when the
 * module cannot be loaded or an ID is not in its table (in batch mode the others are still
 * printed), 2 on usage errors. Test tool only. */
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

#define MAX_LINE 65536

/* Formats message ID of MOD with the N strings in STRS and writes it to stdout. */
static int format_one(HMODULE mod, const wchar_t *idtext, wchar_t **strs, int n)
{
    static const wchar_t missing[] = L"{missing}";
    DWORD_PTR args[MAX_INSERTS];
    wchar_t *text = NULL;
    wchar_t *end = NULL;
    unsigned long id;
    int i, rc = 0;

    id = wcstoul(idtext, &end, 0);
    if (end == idtext || *end != L'\0') {
        fwprintf(stderr, L"fmtmsg: bad message id %ls\n", idtext);
        return 2;
    }
    for (i = 0; i < MAX_INSERTS; i++)
        args[i] = (DWORD_PTR)(i < n ? strs[i] : missing);
    if (FormatMessageW(FORMAT_MESSAGE_FROM_HMODULE | FORMAT_MESSAGE_ARGUMENT_ARRAY |
                           FORMAT_MESSAGE_ALLOCATE_BUFFER,
                       mod, (DWORD)id, MAKELANGID(LANG_NEUTRAL, SUBLANG_NEUTRAL),
                       (LPWSTR)&text, 0, (va_list *)args) == 0) {
        fwprintf(stderr, L"fmtmsg: no message 0x%08lx (error %lu)\n", id, GetLastError());
        return 1;
    }
    if (write_utf8(GetStdHandle(STD_OUTPUT_HANDLE), text) != 0)
        rc = 1;
    LocalFree(text);
    return rc;
}

/* Each line of FILE: "ID<TAB>STRING<TAB>...", UTF-8. */
static int batch(HMODULE mod, const wchar_t *file)
{
    static char line[MAX_LINE];
    static wchar_t wline[MAX_LINE];
    wchar_t *fields[MAX_INSERTS + 1];
    FILE *f = _wfopen(file, L"rb");
    int rc = 0;

    if (f == NULL) {
        fwprintf(stderr, L"fmtmsg: cannot open %ls\n", file);
        return 2;
    }
    while (fgets(line, sizeof line, f) != NULL) {
        size_t len = strlen(line);
        int n = 0, r;
        wchar_t *p;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0)
            continue;
        if (MultiByteToWideChar(CP_UTF8, 0, line, -1, wline, MAX_LINE) == 0) {
            rc = 2;
            break;
        }
        fields[n++] = wline;
        for (p = wline; *p && n <= MAX_INSERTS; p++) {
            if (*p == L'\t') {
                *p = L'\0';
                fields[n++] = p + 1;
            }
        }
        write_utf8(GetStdHandle(STD_OUTPUT_HANDLE), L"\x1e");
        write_utf8(GetStdHandle(STD_OUTPUT_HANDLE), fields[0]);
        write_utf8(GetStdHandle(STD_OUTPUT_HANDLE), L"\n");
        r = format_one(mod, fields[0], fields + 1, n - 1);
        if (r > rc)
            rc = r;
    }
    fclose(f);
    return rc;
}

int wmain(int argc, wchar_t **argv)
{
    HMODULE mod;
    int rc;

    SetDefaultDllDirectories(LOAD_LIBRARY_SEARCH_SYSTEM32);
    if (argc < 3 || argc - 3 > MAX_INSERTS || (wcscmp(argv[2], L"--batch") == 0 && argc != 4)) {
        fwprintf(stderr, L"usage: fmtmsg.exe MODULE ID [STRINGS...] | MODULE --batch FILE\n");
        return 2;
    }
    mod = LoadLibraryExW(argv[1], NULL, LOAD_LIBRARY_AS_DATAFILE);
    if (mod == NULL) {
        fwprintf(stderr, L"fmtmsg: cannot load %ls (error %lu)\n", argv[1], GetLastError());
        return 1;
    }
    if (wcscmp(argv[2], L"--batch") == 0)
        rc = batch(mod, argv[3]);
    else
        rc = format_one(mod, argv[2], argv + 3, argc - 3);
    FreeLibrary(mod);
    return rc;
}
