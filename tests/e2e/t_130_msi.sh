# shellcheck shell=bash disable=SC2016 # jq filters use $variables in single quotes on purpose
# AvSwap's MSI installed as an administrator deploys it (docs/DEPLOY.md, "Installing the MSI"):
# `msiexec /i dist/avswap-<ver>-x64.msi /qn`, on a clean machine, under a persistent wineserver
# (WINE.md: a service lives only as long as its server). Helpers for t_130..t_139 are here,
# prefixed _msi_; t_96_eventlog.sh's _evl_expect_registered checks the log's registration.

_MSI_SVC_KEY='HKLM\SYSTEM\CurrentControlSet\Services\AvSwap'
_MSI_DEFAULTS='HKLM\SOFTWARE\AvSwap'
_MSI_STATE='HKLM\SOFTWARE\AvSwap\State'
_MSI_UNINSTALL='HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall'
_MSI_DIR='Program Files/AvSwap'

# The built package (exactly one in dist/).
_msi_dist() {
    local m
    m=$(ls "$AVS_DIST"/avswap-*-x64.msi 2>/dev/null)
    [[ -n $m && $(wc -l <<<"$m") -eq 1 ]] || fail "expected one avswap-*-x64.msi in $AVS_DIST, found: ${m:-none}"
    printf '%s\n' "$m"
}

# _msi_build_version VERSION: the same source packaged as VERSION (msi/build.sh), cached for the run.
_msi_build_version() {
    local out=$AVS_WORK/msi/avswap-$1-x64.msi
    if [[ ! -f $out ]]; then
        mkdir -p "$AVS_WORK/msi"
        "$AVS_REPO/msi/build.sh" "$1" "$AVS_DIST" "$out.tmp" >&2 || fail "msi/build.sh $1 failed"
        mv -f -- "$out.tmp" "$out"
    fi
    printf '%s\n' "$out"
}

_msi_property() { msiinfo export "$1" Property | tr -d '\r' | awk -F'\t' -v p="$2" '$1 == p { print $2 }'; }

# _msi_exec BASE PREFIX ARGS...: msiexec ARGS /qn with a verbose log (BASE.log, UTF-8); the full
# exit code (runexit.exe) in BASE.code.
_msi_exec() {
    local base=$1 prefix=$2 rc=0 last
    shift 2
    AVS_WINEDEBUG=-all avs_wine "$prefix" "$(avs_winpath "$E2E_TOOLS/runexit.exe")" \
        'C:\windows\system32\msiexec.exe' "$@" /qn /l*v "$(avs_winpath "$base.log16")" \
        >"$base.out" 2>"$base.raw" || rc=$?
    last=$(tail -n 1 "$base.raw" | tr -d '\r')
    if [[ $last =~ ^exit=([0-9]+)$ ]]; then
        printf '%s\n' "${BASH_REMATCH[1]}" >"$base.code"
    else
        printf 'none: wine exited with %s\n' "$rc" >"$base.code"
    fi
    # Wine writes the log in the ANSI code page; Windows Installer in UTF-16 with /l*v! only.
    if [[ $(head -c 2 "$base.log16" 2>/dev/null | od -An -tx1 | tr -d ' ') == fffe ]]; then
        iconv -f UTF-16LE -t UTF-8 "$base.log16" | tr -d '\r' >"$base.log"
    else
        tr -d '\r' <"$base.log16" >"$base.log" 2>/dev/null || : >"$base.log"
    fi
}

# _msi_expect_default PREFIX NAME WANT: HKLM\SOFTWARE\AvSwap\NAME is "REG_SZ WANT" ("" for
# absent). A mismatch is read again and reported with the whole key, so that a reg.exe that
# failed under load (it prints nothing then) is told apart from a value that is really wrong.
_msi_expect_default() {
    local p=$1 name=$2 want=$3 got
    got=$(_msi_value "$p" "$_MSI_DEFAULTS" "$name")
    [[ $got == "${want:+REG_SZ $want}" ]] && return 0
    sleep 1
    got=$(_msi_value "$p" "$_MSI_DEFAULTS" "$name")
    [[ $got == "${want:+REG_SZ $want}" ]] ||
        fail "HKLM\\SOFTWARE\\AvSwap\\$name: expected '${want:-absent}', got '${got:-absent}' (key: $(avs_wine "$p" reg query "$_MSI_DEFAULTS" 2>&1 | tr -d '\r' | tr -s ' ' | tr '\n' ';'))"
}

# _msi_expect_absent PREFIX KEY NAME WHAT: reg.exe itself says the value does not exist (exit 1),
# so that a reg.exe that failed or timed out is never read as "absent".
_msi_expect_absent() {
    local rc=0
    avs_wine "$1" reg query "$2" /v "$3" >/dev/null 2>&1 || rc=$?
    [[ $rc == 1 ]] || fail "$4: $2\\$3 $([[ $rc == 0 ]] && echo "is there: $(_msi_value "$1" "$2" "$3")" || echo "could not be read (reg exit $rc)")"
}

_msi_expect_code() {
    local got
    got=$(<"$1.code")
    [[ $got == "$2" ]] || fail "msiexec $3: exit code $got, expected $2 (log: $(grep -a -i -E 'error|return value 3' "$1.log" | head -5))"
}

# _msi_value PREFIX KEY NAME: "TYPE DATA" of a value, or "" (t_96's _evl_value).
_msi_value() { _evl_value "$@"; }

# The products registered with AvSwap's UpgradeCode: their Uninstall keys' DisplayName AvSwap.
_msi_products() {
    local k
    e2e_reg_query "$1" "$_MSI_UNINSTALL" 2>/dev/null | tr -d '\r' | grep -o -E '\{[0-9A-Fa-f-]{36}\}$' |
        while read -r k; do
            [[ $(_msi_value "$1" "$_MSI_UNINSTALL\\$k" DisplayName) == 'REG_SZ AvSwap' ]] && printf '%s\n' "$k"
        done | sort -u
}

# _msi_expect_installed PREFIX MSI: the files, the service (registered as the package says,
# running), the event log's registration, one product registered: MSI's ProductCode.
_msi_expect_installed() {
    local p=$1 msi=$2 f code
    for f in avswap.exe avswapsvc.exe avswapmsg.dll; do
        cmp -s "$p/drive_c/$_MSI_DIR/$f" "$AVS_DIST/$f" || fail "C:\\$_MSI_DIR\\$f is not dist/$f"
    done
    eq "$(_msi_value "$p" "$_MSI_SVC_KEY" Start)" "REG_DWORD 0x2" "service Start (auto)"
    eq "$(_msi_value "$p" "$_MSI_SVC_KEY" Type)" "REG_DWORD 0x10" "service Type (own process)"
    eq "$(_msi_value "$p" "$_MSI_SVC_KEY" ErrorControl)" "REG_DWORD 0x1" "service ErrorControl (normal)"
    eq "$(_msi_value "$p" "$_MSI_SVC_KEY" ObjectName)" "REG_SZ LocalSystem" "service account"
    # Wine's msi writes ImagePath unquoted (WINE.md); Windows Installer's own form cannot be
    # seen here. What must hold either way: it names the installed binary.
    [[ $(_msi_value "$p" "$_MSI_SVC_KEY" ImagePath | tr -d '"') == 'REG_EXPAND_SZ C:\Program Files\AvSwap\avswapsvc.exe' ||
       $(_msi_value "$p" "$_MSI_SVC_KEY" ImagePath | tr -d '"') == 'REG_SZ C:\Program Files\AvSwap\avswapsvc.exe' ]] ||
        fail "service ImagePath: $(_msi_value "$p" "$_MSI_SVC_KEY" ImagePath)"
    e2e_expect_service "$p" AvSwap RUNNING
    _evl_expect_registered "$p"
    code=$(_msi_property "$msi" ProductCode)
    eq "$(_msi_products "$p" | tr '\n' ' ')" "$code " "products registered with DisplayName AvSwap"
    eq "$(_msi_value "$p" "$_MSI_UNINSTALL\\$code" DisplayVersion)" "REG_SZ $(_msi_property "$msi" ProductVersion)" "DisplayVersion"
}

t_msi_install() {
    local p r msi sha
    msi=$(_msi_dist)
    p=$(e2e_prefix_copy clean msi-install)
    e2e_session "$p"
    sha=$(printf '%064d' 0 | tr 0 a)
    r=$E2E_RES/msi-install
    _msi_exec "$r" "$p" /i "$(avs_winpath "$msi")" MODE=audit 'REPLACEMENTPATH=\\fs1\avswap$\contoso-av.msi' \
        "REPLACEMENTSHA256=$sha"
    _msi_expect_code "$r" 0 "/i"
    _msi_expect_installed "$p" "$msi"
    _msi_expect_default "$p" Mode "audit"
    _msi_expect_default "$p" ReplacementPath '\\fs1\avswap$\contoso-av.msi'
    _msi_expect_default "$p" ReplacementSha256 "$sha"
    grep -a -q 'Action start .*MsiConfigureServices' "$r.log" || fail "MsiConfigureServices did not run (log)"

    # The installed avswap.exe, elevated, finds the registration exactly as it would make it:
    # no 1000 "repaired" (the MSI's values and the code's are one), and it does not find itself.
    r=$E2E_RES/msi-install-scan
    E2E_EXE="$p/drive_c/$_MSI_DIR/avswap.exe" e2e_avswap "$r" "$p" scan
    expect_code "$r" 0
    jqe "the installed avswap.exe changed the MSI's event log registration: $(jq -c '[.[] | select(.id == 1000)]' "$r.eventsa")" \
        "$r.eventsa" 'length > 0 and all(.[]; .id != 1000)'
    avs_wine_stop "$p"
}
e2e_test msi-install t_msi_install

t_msi_install_no_properties() {
    # Without the properties nothing is written under HKLM\SOFTWARE\AvSwap: policy and the
    # built-in defaults decide. A repair (REINSTALL=ALL, as a standard user's auto-repair runs
    # it) writes back what is there, nothing else.
    local p r msi
    msi=$(_msi_dist)
    p=$(e2e_prefix_copy clean msi-noprops)
    e2e_session "$p"
    r=$E2E_RES/msi-noprops
    _msi_exec "$r" "$p" /i "$(avs_winpath "$msi")"
    _msi_expect_code "$r" 0 "/i"
    e2e_expect_service "$p" AvSwap RUNNING
    for v in Mode ReplacementPath ReplacementSha256; do
        _msi_expect_absent "$p" "$_MSI_DEFAULTS" "$v" "written without its property"
    done
    r=$E2E_RES/msi-repair
    _msi_exec "$r" "$p" /i "$(avs_winpath "$msi")" REINSTALL=ALL REINSTALLMODE=vomus
    _msi_expect_code "$r" 0 "repair"
    for v in Mode ReplacementPath ReplacementSha256; do
        _msi_expect_absent "$p" "$_MSI_DEFAULTS" "$v" "written by the repair"
    done
    # An administrator sets a default by hand (or an earlier install did); a repair keeps it.
    avs_wine "$p" reg add "$_MSI_DEFAULTS" /v Mode /t REG_SZ /d enforce /f >/dev/null
    r=$E2E_RES/msi-repair-2
    _msi_exec "$r" "$p" /i "$(avs_winpath "$msi")" REINSTALL=ALL REINSTALLMODE=vomus
    _msi_expect_code "$r" 0 "repair"
    _msi_expect_default "$p" Mode "enforce"
    grep -a -q 'AvsKeepMODE. Return value 1' "$r.log" || fail "the repair did not keep MODE through AvsKeepMODE"
    _msi_expect_installed "$p" "$msi"
    avs_wine_stop "$p"
}
e2e_test msi-install-no-properties t_msi_install_no_properties
