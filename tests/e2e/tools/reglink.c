/* reglink.exe — makes a registry symbolic link, the way an attacker would plant one.
 *
 *   reglink.exe KEY TARGET
 *
 * KEY is a path under HKLM (e.g. SOFTWARE\AvSwap\State), created as a link
 * (REG_OPTION_CREATE_LINK); TARGET the kernel path it points to
 * (\Registry\Machine\SOFTWARE\Elsewhere), stored as SymbolicLinkValue, REG_LINK, without a
 * terminator. Exit 0 on success, 1 on failure, 2 on usage. Test tool only, never shipped. */
#include <windows.h>

#include <stdio.h>
#include <wchar.h>

int wmain(int argc, wchar_t **argv)
{
    HKEY h = NULL;
    DWORD disp = 0;
    if (argc != 3) {
        fwprintf(stderr, L"usage: reglink.exe KEY TARGET\n");
        return 2;
    }
    LSTATUS st =
        RegCreateKeyExW(HKEY_LOCAL_MACHINE, argv[1], 0, NULL, REG_OPTION_CREATE_LINK,
                        KEY_ALL_ACCESS | KEY_CREATE_LINK | KEY_WOW64_64KEY, NULL, &h, &disp);
    if (st != ERROR_SUCCESS) {
        fwprintf(stderr, L"reglink: RegCreateKeyExW %ls: %ld\n", argv[1], (long)st);
        return 1;
    }
    st = RegSetValueExW(h, L"SymbolicLinkValue", 0, REG_LINK, (const BYTE *)argv[2],
                        (DWORD)(wcslen(argv[2]) * sizeof(wchar_t)));
    RegCloseKey(h);
    if (st != ERROR_SUCCESS) {
        fwprintf(stderr, L"reglink: RegSetValueExW: %ld\n", (long)st);
        return 1;
    }
    return 0;
}
