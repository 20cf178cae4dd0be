# shellcheck shell=bash disable=SC2016 # jq filters use $variables in single quotes on purpose
# The verdict is re-checked when it is given (docs/SECURITY.md, attack 1). A standard user writes a
# per-user Uninstall entry whose key name is the replacement's MSI product code and whose
# DisplayName is a Kaspersky name. With an install-first replacement, the old build installed
# Contoso Antivirus, then removed it through that entry, and still reported it running (a flag set
# when it was verified). Whatever a run removes, AvSwap must never report the replacement running,
# nor the machine compliant, unless at that moment it is: when Contoso is gone, the result says so,
# event 6010 names the failed check, and `avswap status` does not say compliant.

t_verdict_replacement_removed_after_install() {
    local p r code k
    p=$(e2e_prefix_copy remediable verdict-attack1)
    e2e_session "$p"
    code=$(wxs_product_code contoso-av.wxs)
    k="HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\$code"
    # What a standard user can write: their own hive.
    AVS_WINEDEBUG=-all avs_wine "$p" reg add "$k" /v DisplayName /d 'Kaspersky Anti-Virus' /f >/dev/null &&
        AVS_WINEDEBUG=-all avs_wine "$p" reg add "$k" /v Publisher /d 'AO Kaspersky Lab' /f >/dev/null &&
        AVS_WINEDEBUG=-all avs_wine "$p" reg add "$k" /v DisplayVersion /d '21.3.10.391' /f >/dev/null &&
        AVS_WINEDEBUG=-all avs_wine "$p" reg add "$k" /v WindowsInstaller /t REG_DWORD /d 1 /f >/dev/null ||
        fail "cannot write the per-user entry"
    r=$E2E_RES/verdict-attack1
    e2e_avswap "$r" "$p" remediate --replacement "$(avs_winpath "$(e2e_contoso)")" --sha256 "$(e2e_contoso_sha)" \
        --catalog "$(e2e_catalog_win catalog-approved-contoso-coexist.txt)" --json
    local svc installed
    svc=$(avs_fx_service_state "$p" ContosoAV)
    # Windows Installer's own answer: is the product still registered?
    if AVS_WINEDEBUG=-all avs_wine "$p" reg query \
        "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\$code" >/dev/null 2>&1; then
        installed=true
    else
        installed=false
    fi
    echo "after the run: ContosoAV $svc, installed $installed, exit $(cat "$r.code"): $(jq -c '{outcome, step, replacement}' "$r.out")"
    if [[ $svc == RUNNING && $installed == true ]]; then
        # The entry was not obeyed (identity from Windows Installer): the replacement stayed.
        jqe "Contoso stayed: reported running and installed" "$r.out" \
            '.replacement.running == true and .replacement.installed == true'
    else
        expect_code "$r" 1603
        jqe "Contoso is gone: not compliant, not reported running or installed: $(head -c 600 "$r.out")" "$r.out" \
            '.outcome == "failed" and .replacement.running == false and .replacement.installed == false'
        jqe "6010 names the failed check: $(jq -c '[.[] | select(.id == 6010) | .strings]' "$r.eventsa")" \
            "$r.eventsa" 'any(.[]; .id == 6010 and (.strings[1] == "service" or .strings[1] == "installed")
                and (.strings[2] | length > 0))'
        jqe "no 6000, 6003 last: $(jq -c '[.[].id]' "$r.eventsa")" "$r.eventsa" \
            'all(.[]; .id != 6000) and .[-1].id == 6003'
    fi
    r=$E2E_RES/verdict-attack1-status
    e2e_run "$r" "$p" status --json
    expect_code "$r" 0
    if [[ $svc != RUNNING || $installed != true ]]; then
        jqe "status is not compliant: $(head -c 400 "$r.out")" "$r.out" '.compliant == false'
    fi
    avs_wine_stop "$p"
}
e2e_test verdict-replacement-removed-after-install t_verdict_replacement_removed_after_install

# A run that ended compliant, and the approved antivirus stopped since: `avswap status` checks the
# machine again and does not say compliant; the journal's record is unchanged.
t_verdict_status_rechecks() {
    local p r
    p=$(e2e_prefix_copy remediable verdict-status)
    e2e_session "$p"
    r=$E2E_RES/verdict-status-run
    e2e_avswap "$r" "$p" remediate --json
    expect_code "$r" 0
    r=$E2E_RES/verdict-status-1
    e2e_run "$r" "$p" status --json
    expect_code "$r" 0
    jqe "status right after: compliant, checked now: $(head -c 400 "$r.out")" "$r.out" \
        '.compliant == true and .exit_code == 0 and .verdict_now.compliant == true'
    AVS_WINEDEBUG=-all avs_wine "$p" sc stop WinDefend >/dev/null 2>&1 || true
    local i st
    for i in $(seq 1 50); do
        st=$(avs_fx_service_state "$p" WinDefend)
        [[ $st == STOPPED ]] && break
        sleep 0.2
    done
    [[ $st == STOPPED ]] || fail "WinDefend did not stop ($st)"
    r=$E2E_RES/verdict-status-2
    e2e_run "$r" "$p" status --json
    expect_code "$r" 0
    jqe "status after Defender stopped: not compliant, the service check named: $(head -c 500 "$r.out")" "$r.out" \
        '.compliant == false and .exit_code == 0 and .verdict_now.compliant == false
            and .verdict_now.failed_check == "service" and (.verdict_now.detail | test("WinDefend"))'
    r=$E2E_RES/verdict-status-3
    e2e_run "$r" "$p" status
    expect_code "$r" 0
    grep -q 'NOT compliant now' "$r.out" || fail "status text: $(head -c 400 "$r.out")"
    avs_wine_stop "$p"
}
e2e_test verdict-status-rechecks t_verdict_status_rechecks
