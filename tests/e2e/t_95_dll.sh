# shellcheck shell=bash
# Planting a DLL (docs/SECURITY.md, attack 4): a helpdesk runs avswap.exe from Downloads or a share, where
# a standard user can drop bcrypt.dll, msi.dll, ... A static import that is not a KnownDLL is
# looked up next to the exe first and loaded before wmain; anything loaded later without
# LOAD_LIBRARY_SEARCH_SYSTEM32 is looked up there and in the working directory. A canary DLL of
# each such name sits in both places (WINEDLLOVERRIDES=name=n,b makes Wine search for a native
# DLL as Windows does for a non-KnownDLL, WINE.md) and must never load. The canaries are built
# here, from tests/e2e/canary/canary.c.

# shellcheck source=../../scripts/lib/knowndlls.sh
source "$AVS_REPO/scripts/lib/knowndlls.sh"

# Every DLL that is not a KnownDLL and that AvSwap loads, or that Wine's DLLs load on its behalf
# after start-up (msi.dll's and WMI's own dependencies), seen with WINEDEBUG=+loaddll during the
# runs below; the test fails, naming it, when a DLL outside this list is loaded after start-up.
_DLL_CANDIDATES=(bcrypt msi crypt32 wintrust xmllite wevtapi wtsapi32 userenv cabinet comctl32 rsaenh
    compstui dbghelp dnsapi dxgi iphlpapi mpr mspatcha odbccp32 opengl32 shcore sxs urlmon
    uxtheme wbemprox wined3d wininet)

# _dll_loaded TRACE: the file names (lower case) the avswap.exe process of a +loaddll TRACE
# loaded, with the folder: "c:\windows\system32\msi.dll".
_dll_loaded() {
    local pid
    pid=$(grep -a -m1 -E 'loaddll:.*Loaded L".*\\\\avswap\.exe"' "$1" | cut -d: -f1)
    [[ -n $pid ]] || return 0
    grep -a -E "^$pid:trace:loaddll:build_module Loaded L\"" "$1" |
        sed -E 's/.*Loaded L"([^"]*)".*/\1/; s/\\\\/\\/g' | tr '[:upper:]' '[:lower:]' | sort -u
}

# _dll_canary OUT EXE: canary.dll exporting every function EXE imports from DLLs that are not
# KnownDLLs, so that a planted copy satisfies a static import and reaches DllMain.
_dll_canary() {
    local out=$1 exe=$2 def=$1.def
    {
        echo EXPORTS
        echo canary_stub
        x86_64-w64-mingw32-objdump -p "$exe" | awk '
            /DLL Name:/ { dll = tolower($3); next }
            /^$/ { dll = "" }
            dll != "" && $1 ~ /^[0-9a-f]+$/ && $2 ~ /^[0-9]+$/ && NF == 3 { print dll, $3 }' |
            while read -r dll fn; do
                avs_is_known_dll "$dll" || echo "$fn=canary_stub"
            done | sort -u
    } >"$def"
    x86_64-w64-mingw32-gcc -shared -O1 -s -o "$out" "$AVS_REPO/tests/e2e/canary/canary.c" "$def" \
        -nostdlib -Wl,--entry,DllMain -lkernel32 -lgcc 2>"$out.log" ||
        fail "cannot build the canary DLL: $(head -c 300 "$out.log")"
}

t_dll_canaries_never_load() {
    local p dl wd marks exe names n ov dll r loaded extra
    p=$(e2e_prefix_copy clean dll-canary)
    dl=$p/drive_c/users/Public/Downloads
    wd=$p/drive_c/users/Public/Documents/work
    marks=$AVS_WORK/dll-marks
    mkdir -p "$dl" "$wd" "$marks"
    rm -f -- "$marks"/*
    cp -- "$AVS_DIST/avswap.exe" "$dl/avswap.exe"
    exe='C:\users\Public\Downloads\avswap.exe'

    # What loads at start-up, before wmain can restrict the search (the exe's imports and what
    # Wine's own DLLs import): what is not a KnownDLL there must be planted too.
    r=$E2E_RES/dll-startup
    (cd "$wd" && AVS_WINEDEBUG=+loaddll avs_wine "$p" "$exe" --version >"$r.out" 2>"$r.err") || true
    _dll_loaded "$r.err" >"$r.loaded"
    grep -q 'system32\\kernel32.dll$' "$r.loaded" || fail "no +loaddll trace of avswap.exe --version: $(head -c 300 "$r.err")"

    names=("${_DLL_CANDIDATES[@]}")
    while read -r dll; do
        avs_is_known_dll "$dll" || names+=("$(tr '[:upper:]' '[:lower:]' <<<"${dll%.[dD][lL][lL]}")")
    done < <(avs_dll_imports "$AVS_DIST/avswap.exe")
    _dll_canary "$AVS_WORK/canary.dll" "$AVS_DIST/avswap.exe"
    ov=${WINEDLLOVERRIDES:-mscoree,mshtml=}
    for n in "${names[@]}"; do
        cp -- "$AVS_WORK/canary.dll" "$dl/$n.dll"
        cp -- "$AVS_WORK/canary.dll" "$wd/$n.dll"
        ov+=";$n=n,b"
    done

    # A remediation, from the planted folder, in the planted working directory: its scan reads
    # MSI, WMI, the registry and the services; then a run ID (BCrypt), the journal, the verdict.
    r=$E2E_RES/dll-remediate
    (cd "$wd" && AVS_CANARY_DIR=$(avs_winpath "$marks") WINEDLLOVERRIDES=$ov \
        AVS_WINEDEBUG=+loaddll avs_wine "$p" "$exe" remediate >"$r.out" 2>"$r.err") || true
    if compgen -G "$marks/*.loaded" >/dev/null; then
        fail "remediate: planted DLLs were loaded: $(cd "$marks" && ls) ($(tr -d '\0' <"$(compgen -G "$marks/*.loaded" | head -n 1)"))"
    fi
    _dll_loaded "$r.err" >"$r.loaded"
    # Nothing at all from the planted folders, canary or not.
    # shellcheck disable=SC1003 # backslashes in Windows paths, not escapes
    loaded=$(grep -v -E '^c:\\windows\\' "$r.loaded" | grep -v -F -x 'c:\users\public\downloads\avswap.exe' || true)
    [[ -z $loaded ]] || fail "remediate: modules loaded from outside C:\\Windows: $loaded"
    # The paths were exercised: msi.dll, bcrypt.dll and WMI came from System32.
    for dll in msi.dll bcrypt.dll wbem\\wbemprox.dll; do
        grep -q -x -F "c:\\windows\\system32\\$dll" "$r.loaded" ||
            fail "remediate: $dll was not loaded from System32 (was the path exercised?): $(tr '\n' ' ' <"$r.loaded" | head -c 400)"
    done
    # Every other DLL loaded after start-up is a KnownDLL or was planted.
    extra=
    while read -r dll; do
        dll=${dll##*\\}
        [[ $dll == *.dll ]] || continue
        avs_is_known_dll "$dll" && continue
        grep -q -F -x "c:\\windows\\system32\\$dll" "$E2E_RES/dll-startup.loaded" && continue
        [[ " ${names[*]} " == *" ${dll%.dll} "* ]] || extra+=" $dll"
    done <"$r.loaded"
    [[ -z $extra ]] || fail "remediate: DLLs loaded that no canary stands in for (add them to _DLL_CANDIDATES):$extra"
    grep -q '^Result: ' "$E2E_RES/dll-remediate.out" ||
        fail "the remediation did not complete: $(head -c 300 "$E2E_RES/dll-remediate.out")"
    avs_wine_stop "$p"
}
e2e_test dll-canaries-never-load t_dll_canaries_never_load

t_dll_build_refuses_imports() {
    # scripts/build's check: the shipped exe imports KnownDLLs only, and an exe that imports
    # bcrypt.dll (as avswap.exe did) is refused.
    local d=$AVS_WORK/dll-import
    mkdir -p "$d"
    avs_check_known_imports "$AVS_DIST/avswap.exe" 2>"$d/ok.err" ||
        fail "dist/avswap.exe imports DLLs that are not KnownDLLs: $(cat "$d/ok.err")"
    printf '%s\n' '#include <windows.h>' '#include <bcrypt.h>' \
        'int main(void) { unsigned char b[4]; return BCryptGenRandom(NULL, b, 4, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0; }' \
        >"$d/imp.c"
    x86_64-w64-mingw32-gcc -o "$d/imp.exe" "$d/imp.c" -lbcrypt 2>"$d/cc.err" || fail "cannot build: $(head -c 300 "$d/cc.err")"
    avs_check_known_imports "$d/imp.exe" 2>"$d/bad.err" && fail "an exe importing bcrypt.dll passed the check"
    grep -q 'bcrypt.dll' "$d/bad.err" || fail "the refusal does not name bcrypt.dll: $(cat "$d/bad.err")"
}
e2e_test dll-build-refuses-imports t_dll_build_refuses_imports
