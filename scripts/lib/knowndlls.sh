# shellcheck shell=bash
# scripts/lib/knowndlls.sh — the KnownDLLs every supported Windows has (7 SP1 to 11): the DLLs
# the loader maps from System32 whatever the search path, listed under
# HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\KnownDLLs. Windows 7 SP1 and 11 both
# list these; the ones only some versions list (combase, coml2, gdiplus, shcore on 8+; lpk,
# usp10, urlmon, wininet, iertutil on 7) are left out, so a DLL here is a KnownDLL everywhere.
# Plus ntdll (always mapped first, never searched) and the api-ms-win-* API sets (resolved by
# the loader through the API set schema, never searched as files).
#
# avswap.exe may import only these (scripts/build fails otherwise); every other DLL is loaded
# from System32 at run time, and the DLL canary test (tests/e2e/t_95_dll.sh) plants the rest.

AVS_KNOWN_DLLS=(advapi32 clbcatq comdlg32 difxapi gdi32 imagehlp imm32 kernel32 msctf msvcrt
    normaliz nsi ole32 oleaut32 psapi rpcrt4 sechost setupapi shell32 shlwapi user32 wldap32
    ws2_32)

# avs_is_known_dll NAME: true when NAME (e.g. KERNEL32.dll, any case) is in the list above, is
# ntdll, or is an API set.
avs_is_known_dll() {
    local n=${1,,} k
    n=${n%.dll}
    [[ $n == ntdll || $n =~ ^api-ms-win-[a-z0-9-]+$ ]] && return 0
    for k in "${AVS_KNOWN_DLLS[@]}"; do
        [[ $n == "$k" ]] && return 0
    done
    return 1
}

# avs_dll_imports FILE: the DLL names FILE imports statically, one per line, as written.
avs_dll_imports() {
    x86_64-w64-mingw32-objdump -p "$1" | awk '/DLL Name:/ {print $3}'
}

# avs_check_known_imports FILE: fails, naming them, when FILE imports DLLs that are not KnownDLLs.
avs_check_known_imports() {
    local dll bad=
    while read -r dll; do
        avs_is_known_dll "$dll" || bad+=" $dll"
    done < <(avs_dll_imports "$1")
    if [[ -n $bad ]]; then
        echo "error: $1 imports DLLs that are not KnownDLLs:$bad" >&2
        echo "       load them with avs_win32_load_system32() instead (see win32/bcryptapi.c)" >&2
        return 1
    fi
}
