# shellcheck shell=bash disable=SC2016 # jq filters use $variables in single quotes on purpose
# One engine at a time, both ways, with AvSwap's mutex (Global\AvSwap.Remediate):
#  - the service's run holds it (stopped in a slow fixture uninstaller behind a gate file):
#    `avswap remediate` by hand gets 1618, and the service's run then finishes;
#  - a hand run holds it (the TEST build of avswap.exe, stopped likewise): the service's run
#    finds it busy, says so (1006) and waits on the mutex itself — no polling; when the hand run
#    dies, the service takes over, resumes the journal's run and finishes compliant (6000).

t_service_busy_hand_run_gets_1618() {
    local p trace r gate
    p=$(e2e_prefix_copy remediable-slow svc-busy1)
    trace=$E2E_RES/svc-busy1.trace
    # The slow fixture's uninstaller holds while this file exists (fixturesleep.exe).
    gate=$p/drive_c/windows/fixturesleep.gate
    : >"$gate"
    e2e_svc_install "$p"
    AVS_WINEDEBUG=-all avs_wine "$p" reg add 'HKLM\SOFTWARE\Policies\AvSwap' /v Mode /d enforce /f \
        >/dev/null 2>&1 </dev/null || fail "cannot set the policy"
    e2e_svc_session "$p" "$trace"
    local start=$SECONDS
    until [[ -f $p/drive_c/windows/fixturesleep.started ]]; do
        ((SECONDS - start < 120)) || fail "the service's run never reached the slow removal"
        sleep 0.1
    done
    r=$E2E_RES/svc-busy1-hand
    e2e_avswap "$r" "$p" remediate --json
    expect_code "$r" 1618
    jqe "the hand run during the service's run: busy, nothing removed: $(head -c 300 "$r.out")" "$r.out" \
        '.exit_code == 1618 and .removed == []'
    rm -f -- "$gate"
    e2e_ev_wait "$trace" 6000 180
    avs_wine_stop "$p"
}
e2e_test service-busy-hand-run-gets-1618 t_service_busy_hand_run_gets_1618

t_service_busy_waits_for_hand_run() {
    local p trace marker base bg pids exe ev
    exe=$(e2e_test_exe)
    p=$(e2e_prefix_copy remediable svc-busy2)
    trace=$E2E_RES/svc-busy2.trace
    marker=$E2E_RES/svc-busy2.marker
    base=$E2E_RES/svc-busy2-hand
    rm -f -- "$marker"
    e2e_svc_install "$p"
    AVS_WINEDEBUG=-all avs_wine "$p" reg add 'HKLM\SOFTWARE\Policies\AvSwap' /v Mode /d enforce /f \
        >/dev/null 2>&1 </dev/null || fail "cannot set the policy"
    AVS_WINEDEBUG=-all avs_wine "$p" reg add 'HKLM\SYSTEM\CurrentControlSet\Services\AvSwap' /v Start \
        /t REG_DWORD /d 3 /f >/dev/null 2>&1 </dev/null || fail "cannot set Start"
    e2e_svc_session "$p" "$trace"
    (AVS_TEST_STOP_AT=1 AVS_TEST_STOP_MARKER=$(avs_winpath "$marker") E2E_EXE=$exe \
        e2e_avswap "$base" "$p" remediate --json) >/dev/null 2>&1 &
    bg=$!
    e2e_wait_marker "$marker" 120 || fail "the hand run never reached journal record 1"
    e2e_sc "$p" start AvSwap >/dev/null || fail "sc start AvSwap failed"
    e2e_ev_wait "$trace" 1006 60
    pids=$(e2e_wine_pids "$p" avswap.exe)
    [[ -n $pids ]] || fail "no avswap.exe to end"
    # shellcheck disable=SC2086 # one PID per word
    kill -9 $pids
    wait "$bg" || true
    e2e_ev_wait "$trace" 6000 180
    ev=$E2E_RES/svc-busy2.events
    e2e_svc_events "$trace" "$ev"
    jqe "service: 1004 start, 3002 busy?, 1006, then 1004 retry, 3000 resumed, 6000: $(jq -c '[.[].id]' "$ev")" "$ev" \
        '[.[] | select(.id == 1004) | .strings[0]] == ["service start", "retry after busy"]
            and (.[] | select(.id == 3000) | .strings[1]) == "resumed" and .[-1].id == 6000'
    avs_wine_stop "$p"
}
e2e_test service-busy-waits-for-hand-run t_service_busy_waits_for_hand_run
