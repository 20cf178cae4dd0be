# shellcheck shell=bash disable=SC2016 # jq filters use $variables in single quotes on purpose
# The service with Mode=enforce (Group Policy) on an endpoint with three Kaspersky products: it
# removes them and starts Microsoft Defender by itself (6000), writes the State key; then a
# Kaspersky product installed again is found through the Uninstall key's change notification and
# removed without restarting the service — the seconds from install to removal are measured.

t_service_enforce_reinstall() {
    local p trace ev s t0 t1 secs kes
    p=$(e2e_prefix_copy remediable svc-enforce)
    trace=$E2E_RES/svc-enforce.trace
    kes=$(wxs_product_code kes.wxs)
    e2e_svc_install "$p"
    AVS_WINEDEBUG=-all avs_wine "$p" reg add 'HKLM\SOFTWARE\Policies\AvSwap' /v Mode /d enforce /f \
        >/dev/null 2>&1 </dev/null || fail "cannot set the policy"
    e2e_svc_session "$p" "$trace"
    e2e_svc_wait "$p" RUNNING 30
    e2e_ev_wait "$trace" 6000 180
    ev=$E2E_RES/svc-enforce.events
    e2e_svc_events "$trace" "$ev"
    jqe "1003 says enforce from policy; one run (1004, enforce): its own removals start no second one; three removals; 6000: $(jq -c '[.[].id]' "$ev")" "$ev" \
        '(.[] | select(.id == 1003) | .strings[0:2]) == ["enforce", "policy"]
            and [.[] | select(.id == 1004) | .strings] == [["service start", "enforce"]]
            and ([.[] | select(.id == 4001)] | length) == 3'
    eq "$(e2e_state_value "$p" LastOutcome)" compliant "State LastOutcome"
    eq "$(e2e_state_value "$p" Compliant)" 0x1 "State Compliant"
    eq "$(e2e_state_value "$p" LastMode)" enforce "State LastMode"
    e2e_expect_service "$p" WinDefend RUNNING

    # Installed again while the service runs: found and removed, the service not restarted.
    t0=$(date +%s%N)
    avs_fx_install "$p" kes.msi
    t1=$(date +%s%N)
    e2e_ev_wait "$trace" 4000 60 4
    secs=$(((($(date +%s%N) - t1) / 1000000)))
    e2e_ev_wait "$trace" 4001 60 4
    e2e_ev_wait "$trace" 6000 60 2
    e2e_svc_events "$trace" "$ev"
    jqe "the second run: started by the change, removed KES ($kes): $(jq -c '[.[].id]' "$ev")" "$ev" \
        '[.[] | select(.id == 1004) | .strings[0]] == ["service start", "installed programs changed"]
            and ([.[] | select(.id == 1001)] | length) == 1
            and any([.[] | select(.id == 4001)][-1].strings[]; . == $k)' --arg k "$kes"
    echo "service: msiexec /i kes.msi ended -> removal began (4000): ${secs} ms; install began -> removal began: $(((t1 - t0) / 1000000 + secs)) ms" >&2
    ((secs <= 5000)) || fail "removal began ${secs} ms after the install ended (target <= 5 s)"
    s=$E2E_RES/svc-enforce-scan
    e2e_scan_now "$s" "$p"
    expect_code "$s" 0
    e2e_svc_state "$p" >/dev/null
    [[ $(e2e_svc_state "$p") == RUNNING ]] || fail "the service stopped"
    avs_wine_stop "$p"
}
e2e_test service-enforce-reinstall t_service_enforce_reinstall
