# shellcheck shell=bash
# `msiexec /x {ProductCode} /qn` removes the service and the executables and keeps the evidence:
# %ProgramData%\AvSwap (journal), the State key, the AvSwap event log's registration and
# avswapmsg.dll (Permanent component: old events stay readable in Event Viewer). The defaults
# the MSI wrote (MODE, ...) go with it. Helpers: t_130_msi.sh, t_131_msi_upgrade.sh.

t_msi_uninstall() {
    local p r msi code f
    msi=$(_msi_dist)
    code=$(_msi_property "$msi" ProductCode)
    p=$(e2e_prefix_copy clean msi-uninstall)
    e2e_session "$p"
    r=$E2E_RES/msi-uninstall-i
    _msi_exec "$r" "$p" /i "$(avs_winpath "$msi")" MODE=audit
    _msi_expect_code "$r" 0 "/i"
    _msi_expect_installed "$p" "$msi"
    _msi_make_evidence "$p" "$E2E_RES/msi-uninstall-run"
    _msi_evidence_save "$p" "$AVS_WORK/msi-uninstall-evidence"

    r=$E2E_RES/msi-uninstall-x
    _msi_exec "$r" "$p" /x "$code"
    _msi_expect_code "$r" 0 "/x"
    eq "$(avs_fx_service_state "$p" AvSwap)" absent "the service after /x"
    avs_wine "$p" reg query "$_MSI_SVC_KEY" >/dev/null 2>&1 && fail "$_MSI_SVC_KEY is still there"
    for f in avswap.exe avswapsvc.exe; do
        [[ ! -e $p/drive_c/$_MSI_DIR/$f ]] || fail "C:\\$_MSI_DIR\\$f is still there"
    done
    [[ -z $(_msi_products "$p") ]] || fail "still registered: $(_msi_products "$p")"
    _msi_expect_absent "$p" "$_MSI_DEFAULTS" Mode "the default after /x"
    # Kept: the log's registration and its message file, the journal, the State key.
    _evl_expect_registered "$p"
    _msi_expect_evidence_kept "$p" "$AVS_WORK/msi-uninstall-evidence" "the uninstall"
    avs_wine_stop "$p"
}
e2e_test msi-uninstall t_msi_uninstall
