# shellcheck shell=bash disable=SC2016 # jq filters use $variables in single quotes on purpose
# A per-user MSI (Kaspersky Password Manager installed for the prefix's user, HKU\<SID>) whose
# catalog entry allows removal as its user (user-removal = yes, the policy's pinned catalog), with
# the service enforcing: the per-machine products are removed, and the per-user one is left and
# reported by event 1011 with the reason "no session token" — Wine's WTSQueryUserToken is a stub,
# so there is no user token to run msiexec with, and nothing is run for it with SYSTEM's rights:
# no 4000/4001 for its product code, no 1012, and Windows Installer still has it for that user.

t_service_peruser_msi_reported() {
    local p trace ev sid code cat catsha msi
    p=$(e2e_prefix_copy remediable svc-peruser-msi)
    trace=$E2E_RES/svc-peruser-msi.trace
    sid=$(avs_user_sid "$p")
    code=$(wxs_product_code kpm-user.wxs)
    msi=$E2E_RES/kpm-user.msi
    (cd "$AVS_REPO/tests/fixtures" && wixl -o "$msi" kpm-user.wxs) || fail "wixl kpm-user.wxs"
    # Installed by the user, not by SYSTEM: per-user context, registered under that user's SID.
    AVS_WINEDEBUG=-all avs_wine "$p" msiexec /i "$(avs_winpath "$msi")" /qn >/dev/null 2>&1 </dev/null ||
        fail "msiexec /i kpm-user.msi failed"
    cat=$(avs_winpath "$AVS_REPO/tests/fixtures/catalog-kpm-user.txt")
    catsha=$(sha256sum "$AVS_REPO/tests/fixtures/catalog-kpm-user.txt" | cut -d' ' -f1)
    e2e_svc_install "$p"
    e2e_policy_reg "$p" svc-peruser-msi "[$E2E_POLICY_REG]
\"Mode\"=\"enforce\"
\"CatalogPath\"=\"${cat//\\/\\\\}\"
\"CatalogSha256\"=\"$catsha\""
    e2e_svc_session "$p" "$trace"
    e2e_svc_wait "$p" RUNNING 30
    e2e_ev_wait "$trace" 1011 240
    ev=$E2E_RES/svc-peruser-msi.events
    e2e_svc_events "$trace" "$ev"
    jqe "1011 reports Kaspersky Password Manager for $sid ($code): no session token: $(jq -c '[.[] | select(.id == 1011) | .strings]' "$ev")" "$ev" \
        '[.[] | select(.id == 1011) | .strings] == [["Kaspersky Password Manager", $sid, $code,
            "no session token: the user has no logged-on session to run it in"]]' \
        --arg sid "$sid" --arg code "$code"
    jqe "nothing run for it: no 1012, no removal (4000/4001) naming $code; the per-machine products removed: $(jq -c '[.[].id]' "$ev")" "$ev" \
        'all(.[]; .id != 1012)
            and all(.[] | select(.id == 4000 or .id == 4001); all(.strings[]; . != $code))
            and ([.[] | select(.id == 4001)] | length) >= 1' --arg code "$code"
    # Windows Installer still has the product for that user (its packed code under HKCU).
    AVS_WINEDEBUG=-all avs_wine "$p" reg query 'HKCU\Software\Microsoft\Installer\Products' 2>/dev/null </dev/null |
        tr -d '\r' | grep -q 'D3C2B1A7F5E416042837495A6B7C8D10' || fail "the per-user product is gone"
    [[ $(e2e_svc_state "$p") == RUNNING ]] || fail "the service stopped"
    avs_wine_stop "$p"
}
e2e_test service-peruser-msi-reported t_service_peruser_msi_reported
