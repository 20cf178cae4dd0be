# shellcheck shell=bash disable=SC2016 # jq filters use $variables in single quotes on purpose
# The service through a restart: a removal returns 3010 (ksde-reboot.msi), RebootPolicy is never,
# so the run ends waiting for a restart (6001, 1010) and the State key says reboot-pending. Mode
# is then turned to audit: the run already past its first removal still finishes, audit applies
# from the next run. After a simulated restart (wineserver -k, wineboot) the service starts by
# itself, resumes the journal's run and ends compliant.

t_service_reboot_resume() {
    local p trace trace2 ev run_id
    p=$(e2e_prefix_copy remediable svc-reboot)
    trace=$E2E_RES/svc-reboot.trace
    trace2=$E2E_RES/svc-reboot-2.trace
    # The fixture first: the service, once Start=2, starts with any new session.
    e2e_session "$p"
    avs_fx_install "$p" ksde-reboot.msi
    e2e_svc_install "$p"
    AVS_WINEDEBUG=-all avs_wine "$p" reg add 'HKLM\SOFTWARE\Policies\AvSwap' /v Mode /d enforce /f \
        >/dev/null 2>&1 </dev/null || fail "cannot set the policy"
    e2e_svc_session "$p" "$trace"
    e2e_svc_wait "$p" RUNNING 30
    e2e_ev_wait "$trace" 6001 180
    e2e_ev_wait "$trace" 1010 10
    eq "$(e2e_state_value "$p" LastOutcome)" reboot-pending "State LastOutcome before the restart"
    eq "$(e2e_state_value "$p" RunPending)" 0x1 "State RunPending before the restart"
    run_id=$(e2e_state_value "$p" RunId)

    # Mode turns to audit before the restart: the run past its first removal finishes anyway.
    AVS_WINEDEBUG=-all avs_wine "$p" reg add 'HKLM\SOFTWARE\Policies\AvSwap' /v Mode /d audit /f \
        >/dev/null 2>&1 </dev/null || fail "cannot set the policy"
    e2e_ev_wait "$trace" 1003 30 2

    e2e_session "$p"
    AVS_WINEDEBUG=$AVS_EVENT_WINEDEBUG avs_wine "$p" wineboot >/dev/null 2>"$trace2" </dev/null ||
        fail "wineboot failed"
    e2e_svc_wait "$p" RUNNING 30
    e2e_ev_wait "$trace2" 6000 180
    ev=$E2E_RES/svc-reboot.events
    e2e_svc_events "$trace2" "$ev"
    jqe "after the restart: 1003 audit, 1004 enforce (the resume), 3000 resumed, 6000: $(jq -c '[.[].id]' "$ev")" "$ev" \
        '(.[] | select(.id == 1003) | .strings[0]) == "audit"
            and [.[] | select(.id == 1004) | .strings][0] == ["service start", "enforce"]
            and (.[] | select(.id == 3000) | .strings[1]) == "resumed"
            and any(.[]; .id == 6000)'
    eq "$(e2e_state_value "$p" LastOutcome)" compliant "State LastOutcome after the restart"
    eq "$(e2e_state_value "$p" RunId)" "$run_id" "State RunId (the same run)"
    eq "$(e2e_state_value "$p" RunPending)" 0x0 "State RunPending after the restart"
    avs_wine_stop "$p"
}
e2e_test service-reboot-resume t_service_reboot_resume
