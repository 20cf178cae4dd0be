# shellcheck shell=bash disable=SC2016 # jq filters use $variables in single quotes on purpose
# RebootPolicy maintenance-window: a removal returns 3010 (ksde-reboot.msi) outside the window,
# and the service waits for the window (1008, with the minutes until it opens) instead of
# restarting. The window is then moved to cover now (00:00-00:00 is the whole day): the policy
# change runs the engine again and the service asks Windows to restart at once. Wine does not
# implement InitiateShutdownW (it returns ERROR_CALL_NOT_IMPLEMENTED), so here the request ends
# in 9203 naming InitiateShutdown; on Windows it is 1009 and the restart warning
# (docs/SECURITY.md, checks that need real Windows).

t_service_window() {
    local p trace ev now start end mins
    p=$(e2e_prefix_copy remediable svc-window)
    trace=$E2E_RES/svc-window.trace
    e2e_session "$p"
    avs_fx_install "$p" ksde-reboot.msi
    e2e_svc_install "$p"
    # Wine's local time is this machine's: a window opening two hours from now.
    now=$((10#$(date +%H) * 60 + 10#$(date +%M)))
    start=$(((now + 120) % 1440))
    end=$(((now + 180) % 1440))
    printf -v win '%02d:%02d-%02d:%02d' $((start / 60)) $((start % 60)) $((end / 60)) $((end % 60))
    local k='HKLM\SOFTWARE\Policies\AvSwap'
    for v in "Mode enforce" "RebootPolicy maintenance-window" "MaintenanceWindow $win"; do
        # shellcheck disable=SC2086 # name and data, split on purpose
        set -- $v
        AVS_WINEDEBUG=-all avs_wine "$p" reg add "$k" /v "$1" /d "$2" /f >/dev/null 2>&1 </dev/null ||
            fail "cannot set the policy value $1"
    done
    e2e_svc_session "$p" "$trace"
    e2e_svc_wait "$p" RUNNING 30
    e2e_ev_wait "$trace" 6001 180
    e2e_ev_wait "$trace" 1008 10
    ev=$E2E_RES/svc-window.events
    e2e_svc_events "$trace" "$ev"
    mins=$(jq -r '[.[] | select(.id == 1008)][0].strings[1]' "$ev")
    eq "$(jq -r '[.[] | select(.id == 1008)][0].strings[0]' "$ev")" "$win" "1008's window"
    # Two hours ahead, less the minutes the run took (it started after the policy was set).
    ((mins >= 110 && mins <= 120)) || fail "1008 says $mins minutes until the window opens, expected 110-120"
    eq "$(e2e_ev_count "$trace" 1009)$(e2e_ev_count "$trace" 9203)" 00 "no restart asked outside the window"
    eq "$(e2e_state_value "$p" LastOutcome)" reboot-pending "State LastOutcome"

    # The window now covers the whole day: the service acts on the policy change and asks for
    # the restart at once.
    AVS_WINEDEBUG=-all avs_wine "$p" reg add "$k" /v MaintenanceWindow /d 00:00-00:00 /f \
        >/dev/null 2>&1 </dev/null || fail "cannot set the policy"
    e2e_ev_wait "$trace" 1003 30 2
    e2e_ev_wait "$trace" 9203 180
    e2e_svc_events "$trace" "$ev"
    jqe "the restart was asked for inside the window: $(jq -c '[.[] | select(.id == 9203)]' "$ev")" "$ev" \
        '[.[] | select(.id == 9203)][0].strings[0] == "InitiateShutdown"'
    eq "$(e2e_ev_count "$trace" 1008)" 1 "no second wait for the window once inside it"
    avs_wine_stop "$p"
}
e2e_test service-maintenance-window t_service_window
