# shellcheck shell=bash disable=SC2016 # jq filters use $variables in single quotes on purpose
# The whole deployment as a Group Policy admin runs it: policy already in the registry (enforce,
# the Contoso replacement and its catalog, both pinned by SHA-256, no random delay), the
# remediable endpoint's Kaspersky products present, then `msiexec /i avswap-<ver>-x64.msi /qn`.
# Nobody runs avswap.exe: the service the MSI installed and started removes the products and
# installs the replacement by itself, and leaves the State key compliant.
# Helpers: t_130_msi.sh (_msi_*), t_70_replacement.sh (e2e_contoso*), t_60_remediate.sh (names).

_MSI_POLICY='HKLM\SOFTWARE\Policies\AvSwap'

t_msi_service_remediates() {
    local p r msi s cat i found=0
    msi=$(_msi_dist)
    p=$(e2e_prefix_copy remediable msi-service)
    e2e_session "$p"
    s=$E2E_RES/msi-service-before
    e2e_scan_now "$s" "$p"
    jqe "before: KES, Kaspersky Free and the agent are found: $(jq -c '[.findings[].name]' "$s.out")" \
        "$s.out" '[.findings[].name] == [$a, $b, $c]' --arg a "$E2E_KES" --arg b "$E2E_KFREE" --arg c "$E2E_AGENT"

    cat=$AVS_REPO/tests/fixtures/catalog-approved-contoso.txt
    avs_wine "$p" reg add "$_MSI_POLICY" /v Mode /t REG_SZ /d enforce /f >/dev/null
    avs_wine "$p" reg add "$_MSI_POLICY" /v ReplacementPath /t REG_SZ /d "$(avs_winpath "$(e2e_contoso)")" /f >/dev/null
    avs_wine "$p" reg add "$_MSI_POLICY" /v ReplacementSha256 /t REG_SZ /d "$(e2e_contoso_sha)" /f >/dev/null
    avs_wine "$p" reg add "$_MSI_POLICY" /v CatalogPath /t REG_SZ /d "$(avs_winpath "$cat")" /f >/dev/null
    avs_wine "$p" reg add "$_MSI_POLICY" /v CatalogSha256 /t REG_SZ /d "$(sha256sum "$cat" | cut -d' ' -f1)" /f >/dev/null
    avs_wine "$p" reg add "$_MSI_POLICY" /v RandomDelayMinutes /t REG_DWORD /d 0 /f >/dev/null

    r=$E2E_RES/msi-service-i
    _msi_exec "$r" "$p" /i "$(avs_winpath "$msi")"
    _msi_expect_code "$r" 0 "/i"
    # The service runs the engine on its own; wait for the State key to say compliant.
    for ((i = 0; i < 120; i++)); do
        if [[ $(_msi_value "$p" "$_MSI_STATE" Compliant) == 'REG_DWORD 0x1' ]]; then
            found=1
            break
        fi
        sleep 1
    done
    ((found)) || fail "State never said compliant within 120 s: $(avs_wine "$p" reg query "$_MSI_STATE" 2>&1 | tr -d '\r' | tr -s ' ' | head -c 400)"
    eq "$(_msi_value "$p" "$_MSI_STATE" LastOutcome)" "REG_SZ compliant" "State LastOutcome"
    s=$E2E_RES/msi-service-after
    e2e_scan_now "$s" "$p"
    jqe "after: nothing prohibited remains: $(jq -c '[.findings[].name]' "$s.out")" "$s.out" '.findings == []'
    e2e_expect_service "$p" ContosoAV RUNNING
    e2e_expect_service "$p" AvSwap RUNNING
    e2e_journal_json "$p" "$r.journal.json"
    jqe "the journal shows the service's removals: $(jq -c '[.[].step] | unique' "$r.journal.json")" \
        "$r.journal.json" 'any(.[]; .step == "remove")'
    e2e_expect_chain "$p"
    avs_wine_stop "$p"
}
e2e_test msi-service-remediates t_msi_service_remediates
