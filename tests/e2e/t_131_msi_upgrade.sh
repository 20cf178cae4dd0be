# shellcheck shell=bash
# A newer MSI replaces an older one (MajorUpgrade): the same source packaged as 0.0.1 and
# 0.0.2 (msi/build.sh), then the built package. The journal and evidence in
# %ProgramData%\AvSwap and the State key belong to no component and must come through
# unchanged; the defaults the older install was given stay unless the newer one is given
# others; at the end one product is registered, the newest. Helpers: t_130_msi.sh.

# _msi_evidence_save PREFIX DIR: a copy of %ProgramData%\AvSwap in DIR. The running service may
# add to the evidence (a run after each start appends to the journal, writes the State key), so
# "kept" means: every file that was there is still there, unchanged, or (a journal, append-only)
# starts with what it held; and the State key still has the marker value no AvSwap code writes.
_msi_evidence_save() {
    rm -rf -- "$2"
    cp -a -- "$1/drive_c/ProgramData/AvSwap" "$2" || fail "no %ProgramData%\\AvSwap to keep"
}

_msi_expect_evidence_kept() {
    local p=$1 saved=$2 what=$3 f rel now
    while IFS= read -r -d '' f; do
        rel=${f#"$saved"/}
        now=$p/drive_c/ProgramData/AvSwap/$rel
        [[ -f $now ]] || fail "$what removed %ProgramData%\\AvSwap\\$rel"
        if [[ $rel == *.jsonl ]]; then
            cmp -s -n "$(stat -c %s "$f")" "$f" "$now" || fail "$what rewrote $rel (it no longer starts with what it held)"
        else
            cmp -s "$f" "$now" || fail "$what changed $rel"
        fi
    done < <(find "$saved" -type f -print0)
    eq "$(_msi_value "$p" "$_MSI_STATE" MsiTestMarker)" "REG_SZ kept" "$what: the State key's marker value"
}

# Evidence a machine holds after AvSwap ran: a real journal from an elevated `avswap scan`
# (the installed exe), and a State key as the engine writes it (core/state.h's values).
_msi_make_evidence() {
    local p=$1 r=$2
    E2E_EXE="$p/drive_c/$_MSI_DIR/avswap.exe" e2e_avswap "$r" "$p" remediate --dry-run
    mkdir -p "$p/drive_c/ProgramData/AvSwap"
    printf '{"seq":1,"note":"journal written before the upgrade"}\n' >>"$p/drive_c/ProgramData/AvSwap/journal.jsonl"
    avs_wine "$p" reg add "$_MSI_STATE" /v Compliant /t REG_DWORD /d 1 /f >/dev/null
    avs_wine "$p" reg add "$_MSI_STATE" /v LastOutcome /t REG_SZ /d compliant /f >/dev/null
    avs_wine "$p" reg add "$_MSI_STATE" /v LastRunUtc /t REG_SZ /d 2026-12-01T10:00:00Z /f >/dev/null
    avs_wine "$p" reg add "$_MSI_STATE" /v RunId /t REG_SZ /d upgrade-test /f >/dev/null
    avs_wine "$p" reg add "$_MSI_STATE" /v Findings /t REG_DWORD /d 0 /f >/dev/null
    avs_wine "$p" reg add "$_MSI_STATE" /v MsiTestMarker /t REG_SZ /d kept /f >/dev/null
}

t_msi_upgrade() {
    local p r msi old mid
    msi=$(_msi_dist)
    old=$(_msi_build_version 0.0.1)
    mid=$(_msi_build_version 0.0.2)
    p=$(e2e_prefix_copy clean msi-upgrade)
    e2e_session "$p"

    r=$E2E_RES/msi-upgrade-old
    _msi_exec "$r" "$p" /i "$(avs_winpath "$old")" MODE=audit 'REPLACEMENTPATH=\\fs1\avswap$\contoso-av.msi'
    _msi_expect_code "$r" 0 "/i 0.0.1"
    e2e_expect_service "$p" AvSwap RUNNING
    _msi_make_evidence "$p" "$E2E_RES/msi-upgrade-run"
    _msi_evidence_save "$p" "$AVS_WORK/msi-upgrade-evidence"
    [[ -s $AVS_WORK/msi-upgrade-evidence/journal.jsonl ]] || fail "no journal to keep"

    # 0.0.2 with MODE given: the command line wins, the other default is kept.
    r=$E2E_RES/msi-upgrade-mid
    _msi_exec "$r" "$p" /i "$(avs_winpath "$mid")" MODE=enforce
    _msi_expect_code "$r" 0 "/i 0.0.2 (upgrade)"
    _msi_expect_default "$p" Mode "enforce"
    _msi_expect_default "$p" ReplacementPath '\\fs1\avswap$\contoso-av.msi'
    eq "$(_msi_products "$p" | tr '\n' ' ')" "$(_msi_property "$mid" ProductCode) " "products after the upgrade to 0.0.2"
    # Kept by the package itself (AppSearch + AvsKeep*), not by chance: Wine's msi leaves an
    # old product's conditioned component in place where Windows may remove it.
    grep -a -q 'AvsKeepREPLACEMENTPATH. Return value 1' "$r.log" || fail "0.0.2 did not keep REPLACEMENTPATH through AvsKeepREPLACEMENTPATH"
    grep -a -q 'AvsKeepMODE. Return value' "$r.log" && fail "AvsKeepMODE ran although MODE was given"

    # The built package, with no property: everything kept.
    r=$E2E_RES/msi-upgrade-new
    _msi_exec "$r" "$p" /i "$(avs_winpath "$msi")"
    _msi_expect_code "$r" 0 "/i $(basename "$msi") (upgrade)"
    grep -a -q 'Action start .*RemoveExistingProducts' "$r.log" || fail "RemoveExistingProducts did not run"
    grep -a -q 'AvsKeepMODE. Return value 1' "$r.log" || fail "the upgrade did not keep MODE through AvsKeepMODE"
    _msi_expect_installed "$p" "$msi"
    _msi_expect_default "$p" Mode "enforce"
    _msi_expect_default "$p" ReplacementPath '\\fs1\avswap$\contoso-av.msi'
    _msi_expect_evidence_kept "$p" "$AVS_WORK/msi-upgrade-evidence" "the upgrades"

    # An older package over the newer one is refused (a launch condition: 1603), and changes nothing.
    r=$E2E_RES/msi-downgrade
    _msi_exec "$r" "$p" /i "$(avs_winpath "$old")"
    _msi_expect_code "$r" 1603 "/i 0.0.1 over $(basename "$msi") (downgrade)"
    _msi_expect_installed "$p" "$msi"
    avs_wine_stop "$p"
}
e2e_test msi-upgrade t_msi_upgrade
