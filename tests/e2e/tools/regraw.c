/* regraw.exe — writes registry values byte for byte, as no well-behaved tool would.
 *
 *   regraw.exe [/32] KEY NAME TYPE HEX [NAME TYPE HEX ...]
 *
 * KEY is HKLM\..., HKU\... or HKCU\... (created when missing); /32 selects the 32-bit view
 * (WOW6432Node). TYPE is the numeric registry type (1 REG_SZ, 3 REG_BINARY, ...), HEX the exact
 * data bytes ("-" for none). The fixtures need values that regedit and reg.exe cannot produce:
 * Wine's regedit appends a terminator to hex(1): data, and Wine's RegSetValueExW adds one to an
 * even-sized unterminated string, so the values are written with ntdll's NtSetValueKey, which
 * stores the bytes as given. Exit 0 on success, 1 on failure, 2 on usage.
 * Test tool only, never shipped. */
#include <windows.h>

#include <winternl.h>

#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

typedef NTSTATUS(NTAPI *set_value_fn)(HANDLE key, UNICODE_STRING *name, ULONG title_index,
                                      ULONG type, void *data, ULONG size);

static int hexval(wchar_t c)
{
    if (c >= L'0' && c <= L'9')
        return c - L'0';
    if (c >= L'a' && c <= L'f')
        return c - L'a' + 10;
    if (c >= L'A' && c <= L'F')
        return c - L'A' + 10;
    return -1;
}

/* Parses HEX into *out (malloc'd; NULL for "-"). Returns the byte count or -1. */
static long parse_hex(BYTE **out, const wchar_t *hex)
{
    size_t len = wcslen(hex);
    size_t i;
    BYTE *buf;

    *out = NULL;
    if (wcscmp(hex, L"-") == 0)
        return 0;
    if (len == 0 || len % 2 != 0)
        return -1;
    buf = malloc(len / 2);
    if (buf == NULL)
        return -1;
    for (i = 0; i < len / 2; i++) {
        int hi = hexval(hex[2 * i]);
        int lo = hexval(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            free(buf);
            return -1;
        }
        buf[i] = (BYTE)(hi * 16 + lo);
    }
    *out = buf;
    return (long)(len / 2);
}

static HKEY root_of(const wchar_t *key, const wchar_t **rest)
{
    static const struct {
        const wchar_t *prefix;
        HKEY root;
    } roots[] = {{L"HKLM\\", HKEY_LOCAL_MACHINE},
                 {L"HKEY_LOCAL_MACHINE\\", HKEY_LOCAL_MACHINE},
                 {L"HKU\\", HKEY_USERS},
                 {L"HKEY_USERS\\", HKEY_USERS},
                 {L"HKCU\\", HKEY_CURRENT_USER},
                 {L"HKEY_CURRENT_USER\\", HKEY_CURRENT_USER}};
    size_t i;

    for (i = 0; i < sizeof roots / sizeof roots[0]; i++) {
        size_t n = wcslen(roots[i].prefix);
        if (_wcsnicmp(key, roots[i].prefix, n) == 0) {
            *rest = key + n;
            return roots[i].root;
        }
    }
    return NULL;
}

int wmain(int argc, wchar_t **argv)
{
    REGSAM view = KEY_WOW64_64KEY;
    set_value_fn set_value;
    const wchar_t *path;
    HKEY root;
    HKEY key;
    LSTATUS rc;
    int i = 1;

    SetDefaultDllDirectories(LOAD_LIBRARY_SEARCH_SYSTEM32);
    if (i < argc && _wcsicmp(argv[i], L"/32") == 0) {
        view = KEY_WOW64_32KEY;
        i++;
    }
    if (argc - i < 4 || (argc - i - 1) % 3 != 0) {
        fwprintf(stderr, L"usage: regraw.exe [/32] KEY NAME TYPE HEX [NAME TYPE HEX ...]\n");
        return 2;
    }
    set_value = (set_value_fn)(void (*)(void))GetProcAddress(GetModuleHandleW(L"ntdll.dll"),
                                                              "NtSetValueKey");
    if (set_value == NULL) {
        fwprintf(stderr, L"regraw: NtSetValueKey not found\n");
        return 1;
    }
    root = root_of(argv[i], &path);
    if (root == NULL) {
        fwprintf(stderr, L"regraw: unknown root in %ls\n", argv[i]);
        return 2;
    }
    rc = RegCreateKeyExW(root, path, 0, NULL, 0, KEY_SET_VALUE | view, NULL, &key, NULL);
    if (rc != ERROR_SUCCESS) {
        fwprintf(stderr, L"regraw: cannot create %ls (error %ld)\n", argv[i], (long)rc);
        return 1;
    }
    for (i++; i + 2 < argc; i += 3) {
        wchar_t *end = NULL;
        unsigned long type = wcstoul(argv[i + 1], &end, 0);
        BYTE *data = NULL;
        UNICODE_STRING name;
        NTSTATUS st;
        long size;

        if (end == argv[i + 1] || *end != L'\0') {
            fwprintf(stderr, L"regraw: bad type %ls\n", argv[i + 1]);
            RegCloseKey(key);
            return 2;
        }
        size = parse_hex(&data, argv[i + 2]);
        if (size < 0) {
            fwprintf(stderr, L"regraw: bad hex data for %ls\n", argv[i]);
            RegCloseKey(key);
            return 2;
        }
        name.Buffer = argv[i];
        name.Length = (USHORT)(wcslen(argv[i]) * sizeof(wchar_t));
        name.MaximumLength = name.Length;
        st = set_value(key, &name, 0, (ULONG)type, data, (ULONG)size);
        free(data);
        if (st != 0) {
            fwprintf(stderr, L"regraw: cannot set %ls (status 0x%08lx)\n", argv[i],
                     (unsigned long)st);
            RegCloseKey(key);
            return 1;
        }
    }
    RegCloseKey(key);
    return 0;
}
