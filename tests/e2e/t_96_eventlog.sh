# shellcheck shell=bash disable=SC2016 # jq filters use $variables in single quotes on purpose
# AvSwap's own event log (docs/SECURITY.md: "Events go where only administrators can write"). The
# Application log takes any source name from any process, so a standard user could forge
# AvSwap events there; the AvSwap log's CustomSD lets only SYSTEM and Administrators write it.
# Its texts come from %ProgramFiles%\AvSwap\avswapmsg.dll, never from the avswap.exe that ran.

_EVL_KEY='HKLM\SYSTEM\CurrentControlSet\Services\EventLog\AvSwap'
_EVL_SRC='HKLM\SYSTEM\CurrentControlSet\Services\EventLog\AvSwap\AvSwap'
_EVL_OLD='HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application\AvSwap'
_EVL_MSG='C:\Program Files\AvSwap\avswapmsg.dll'

# _evl_value PREFIX KEY NAME: "TYPE DATA" of a registry value as reg query prints it, or "".
_evl_value() {
    e2e_reg_query "$1" "$2" /v "$3" | tr -d '\r' |
        sed -n -E "s/^ +$3 +(REG_[A-Z_]+) +(.*)$/\1 \2/p"
}

# _evl_check_sddl SDDL: fails unless only SYSTEM and Administrators may write (0x2) or clear
# (0x4) the log, and Event Log Readers and NETWORK SERVICE may read it (0x1).
_evl_check_sddl() {
    local sddl=$1 ace mask sid
    [[ $sddl == *'D:'* ]] || fail "CustomSD has no DACL: $sddl"
    [[ $sddl == *'(A;;0x1;;;S-1-5-32-573)'* ]] || fail "Event Log Readers cannot read: $sddl"
    [[ $sddl == *'(A;;0x1;;;NS)'* ]] || fail "NETWORK SERVICE cannot read: $sddl"
    while read -r ace; do
        IFS=';' read -r _ _ mask _ _ sid <<<"$ace"
        if (((mask & 6) != 0)) && [[ $sid != SY && $sid != BA ]]; then
            fail "CustomSD lets $sid write or clear the log: $sddl"
        fi
    done < <(grep -o -E '\([^)]*\)' <<<"$sddl" | tr -d '()')
}

_evl_expect_registered() {
    local p=$1 v
    eq "$(_evl_value "$p" "$_EVL_KEY" MaxSize)" "REG_DWORD 0x4000000" "MaxSize (64 MiB)"
    eq "$(_evl_value "$p" "$_EVL_KEY" AutoBackupLogFiles)" "REG_DWORD 0x1" "AutoBackupLogFiles"
    eq "$(_evl_value "$p" "$_EVL_KEY" Retention)" "REG_DWORD 0xffffffff" "Retention (archive when full)"
    eq "$(_evl_value "$p" "$_EVL_KEY" File)" 'REG_EXPAND_SZ %SystemRoot%\System32\Winevt\Logs\AvSwap.evtx' "File"
    v=$(_evl_value "$p" "$_EVL_KEY" CustomSD)
    [[ $v == 'REG_SZ '* ]] || fail "CustomSD is not a REG_SZ: $v"
    _evl_check_sddl "${v#REG_SZ }"
    eq "$(_evl_value "$p" "$_EVL_SRC" EventMessageFile)" "REG_EXPAND_SZ $_EVL_MSG" "EventMessageFile"
    eq "$(_evl_value "$p" "$_EVL_SRC" TypesSupported)" "REG_DWORD 0x7" "TypesSupported"
    avs_wine "$p" reg query "$_EVL_OLD" >/dev/null 2>&1 && fail "the Application log registration is still there"
    cmp -s "$p/drive_c/Program Files/AvSwap/avswapmsg.dll" "$AVS_DIST/avswapmsg.dll" ||
        fail "C:\\Program Files\\AvSwap\\avswapmsg.dll is not dist/avswapmsg.dll"
}

t_eventlog_own_log() {
    local p r
    p=$(e2e_prefix_copy clean evlog)
    # A machine where AvSwap 0.1 registered its source in the Application log, naming the exe
    # the helpdesk ran from Downloads: other tests scan the shared prefix first, so undo theirs.
    avs_wine "$p" reg delete "$_EVL_KEY" /f >/dev/null 2>&1 || true
    rm -rf -- "$p/drive_c/Program Files/AvSwap"
    avs_wine "$p" reg add "$_EVL_OLD" /v EventMessageFile /t REG_EXPAND_SZ \
        /d 'C:\Users\Public\Downloads\avswap.exe' /f >/dev/null
    r=$E2E_RES/evlog-1
    e2e_avswap "$r" "$p" scan
    expect_code "$r" 0
    _evl_expect_registered "$p"
    jqe "2000 first, then 1000 (log created, old source removed, message file installed): $(jq -c '.[:3]' "$r.eventsa")" \
        "$r.eventsa" '.[0].id == 2000 and .[1].id == 1000 and .[1].strings[0] == "AvSwap"
            and (.[1].strings[1] | test("log created") and test("Application log source removed")
                 and test("message file installed") and test("CustomSD"))
            and .[1].strings[2] == $m' --arg m "$_EVL_MSG"

    # Nothing to do the second time, and an administrator's larger log is kept: no 1000.
    avs_wine "$p" reg add "$_EVL_KEY" /v MaxSize /t REG_DWORD /d 268435456 /f >/dev/null
    r=$E2E_RES/evlog-2
    e2e_avswap "$r" "$p" scan
    expect_code "$r" 0
    eq "$(_evl_value "$p" "$_EVL_KEY" MaxSize)" "REG_DWORD 0x10000000" "a larger MaxSize"
    jqe "a second run changed something: $(jq -c '[.[] | select(.id == 1000)]' "$r.eventsa")" \
        "$r.eventsa" '.[0].id == 2000 and all(.[]; .id != 1000)'

    # An administrator's mistakes, or a message file rewritten to change what auditors read:
    # a CustomSD that lets Users write, a small log that overwrites, the texts taken from an exe
    # in Downloads, and a different avswapmsg.dll. All put back.
    avs_wine "$p" reg add "$_EVL_KEY" /v CustomSD /t REG_SZ /d 'O:BAG:SYD:(A;;0x7;;;BA)(A;;0x3;;;BU)' /f >/dev/null
    avs_wine "$p" reg add "$_EVL_KEY" /v MaxSize /t REG_DWORD /d 524288 /f >/dev/null
    avs_wine "$p" reg add "$_EVL_KEY" /v AutoBackupLogFiles /t REG_DWORD /d 0 /f >/dev/null
    avs_wine "$p" reg add "$_EVL_SRC" /v EventMessageFile /t REG_EXPAND_SZ \
        /d 'C:\Users\Public\Downloads\avswap.exe' /f >/dev/null
    printf 'rewritten' >>"$p/drive_c/Program Files/AvSwap/avswapmsg.dll"
    r=$E2E_RES/evlog-3
    e2e_avswap "$r" "$p" scan
    expect_code "$r" 0
    _evl_expect_registered "$p"
    jqe "1000 names each repair: $(jq -c '[.[] | select(.id == 1000)]' "$r.eventsa")" "$r.eventsa" \
        'any(.[]; .id == 1000 and (.strings[1] | test("MaxSize") and test("AutoBackupLogFiles")
            and test("CustomSD") and test("EventMessageFile") and test("message file installed")))'

    # The installed copy is what Event Viewer formats: 2010's text from it.
    r=$E2E_RES/evlog-fmt
    AVS_WINEDEBUG=-all avs_wine "$p" "$(avs_winpath "$E2E_TOOLS/fmtmsg.exe")" "$_EVL_MSG" \
        "$(mc_messages | jq -r 'select(.id == 2010) | .full')" KES 12.3 AO '{X}' machine x64 msi name \
        >"$r.out" 2>&1 || fail "fmtmsg on the installed message file failed: $(head -c 300 "$r.out")"
    grep -q -F 'Prohibited software found.' "$r.out" || fail "2010 does not format from $_EVL_MSG: $(head -c 300 "$r.out")"
    avs_wine_stop "$p"
}
e2e_test eventlog-own-log t_eventlog_own_log

t_eventlog_msgdll_not_through_link() {
    # A %ProgramFiles%\AvSwap that is a link into a folder users write: nothing is written
    # through it, and 9020 says why.
    local p r evil
    p=$(e2e_prefix_copy clean evlog-link)
    avs_wine "$p" reg delete "$_EVL_KEY" /f >/dev/null 2>&1 || true
    rm -rf -- "$p/drive_c/Program Files/AvSwap"
    evil=$p/drive_c/users/Public/evil
    mkdir -p "$evil"
    ln -s ../users/Public/evil "$p/drive_c/Program Files/AvSwap"
    r=$E2E_RES/evlog-link
    e2e_avswap "$r" "$p" scan
    expect_code "$r" 0
    [[ -z $(ls -A "$evil") ]] || fail "files were written through the link: $(ls -A "$evil")"
    jqe "no 9020 naming the message file: $(jq -c '[.[] | select(.id >= 1000 and .id < 2000 or .id >= 9000)]' "$r.eventsa")" \
        "$r.eventsa" 'any(.[]; .id == 9020 and .strings[0] == $m and (.strings[1] | length > 0))' --arg m "$_EVL_MSG"
    [[ -z $(_evl_value "$p" "$_EVL_SRC" EventMessageFile) ]] || fail "EventMessageFile was set: $(_evl_value "$p" "$_EVL_SRC" EventMessageFile)"
    avs_wine_stop "$p"
}
e2e_test eventlog-msgdll-not-through-link t_eventlog_msgdll_not_through_link
