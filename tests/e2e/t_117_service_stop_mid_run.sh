# shellcheck shell=bash disable=SC2016 # jq filters use $variables in single quotes on purpose
# STOP while the service's run is held inside a removal (the slow fixture uninstaller behind a
# gate file, as t_113): the service answers with STOP_PENDING, advancing its checkpoint within
# every wait hint, and reaches STOPPED (polled, never a fixed sleep); the journal is left so that
# the next start resumes the same run (one RunId throughout), no removal is started twice once it
# ended, and the machine ends compliant (6000).

t_service_stop_mid_run_resumes() {
    local p trace gate jr ev run_id kes start line st cp hint last_cp=-1 last_t=$SECONDS gap=0 maxgap=0 secs
    p=$(e2e_prefix_copy remediable-slow svc-stop)
    kes=$(wxs_product_code kes.wxs)
    trace=$E2E_RES/svc-stop.trace
    gate=$p/drive_c/windows/fixturesleep.gate
    : >"$gate"
    e2e_svc_install "$p"
    AVS_WINEDEBUG=-all avs_wine "$p" reg add 'HKLM\SOFTWARE\Policies\AvSwap' /v Mode /d enforce /f \
        >/dev/null 2>&1 </dev/null || fail "cannot set the policy"
    e2e_svc_session "$p" "$trace"
    start=$SECONDS
    until [[ -f $p/drive_c/windows/fixturesleep.started ]]; do
        ((SECONDS - start < 120)) || fail "the service's run never reached the slow removal"
        sleep 0.1
    done
    jr=$E2E_RES/svc-stop.journal1
    e2e_journal_json "$p" "$jr"
    run_id=$(jq -r '.[0].run_id' "$jr")
    [[ -n $run_id && $run_id != null ]] || fail "no run in the journal"

    e2e_sc "$p" stop AvSwap >/dev/null || fail "sc stop AvSwap failed"
    start=$SECONDS
    # STOP_PENDING until STOPPED: the checkpoint must move before each wait hint runs out.
    while :; do
        line=$(e2e_sc "$p" query AvSwap | tr -d '\r')
        st=$(awk '/STATE/ {print $4; exit}' <<<"$line")
        [[ $st == STOPPED ]] && break
        [[ $st == STOP_PENDING ]] || fail "after sc stop: state '$st'"
        cp=$(awk '/CHECKPOINT/ {print $3; exit}' <<<"$line")
        hint=$(awk '/WAIT_HINT/ {print $3; exit}' <<<"$line")
        if [[ $cp != "$last_cp" ]]; then
            last_cp=$cp
            last_t=$SECONDS
        fi
        gap=$((SECONDS - last_t))
        ((gap > maxgap)) && maxgap=$gap
        ((gap * 1000 <= ${hint:-0} + 1000)) ||
            fail "checkpoint $cp unchanged for ${gap}s, beyond the wait hint ($hint)"
        ((SECONDS - start < 90)) || fail "no STOPPED within 90 s of sc stop"
        sleep 0.5
    done
    secs=$((SECONDS - start))
    echo "service: sc stop during a held removal -> STOPPED in ${secs} s (longest checkpoint gap ${maxgap} s)" >&2
    e2e_ev_wait "$trace" 1002 10
    jr=$E2E_RES/svc-stop.journal1
    e2e_journal_json "$p" "$jr"
    jqe "at STOPPED the held removal of KES ($kes) has begun and not ended" "$jr" \
        '[.[] | select(.product_code == $k) | .phase] == ["begin"]' --arg k "$kes"

    # The held uninstaller is let go; the next start resumes the journal's run.
    rm -f -- "$gate"
    e2e_sc "$p" start AvSwap >/dev/null || fail "sc start AvSwap failed"
    e2e_ev_wait "$trace" 6000 180
    ev=$E2E_RES/svc-stop.events
    e2e_svc_events "$trace" "$ev"
    jqe "1002: the run was left to the journal; the second start resumed it (3000 resumed, same RunId) and ended compliant: $(jq -c '[.[].id]' "$ev")" "$ev" \
        '(.[] | select(.id == 1002) | .strings[1]) == "the run under way is left in the journal; the next start resumes it"
            and [.[] | select(.id == 3000) | .strings[0:2]] == [[$r, "new"], [$r, "resumed"]]' --arg r "$run_id"
    jr=$E2E_RES/svc-stop.journal2
    e2e_journal_json "$p" "$jr"
    jqe "one RunId ($run_id) throughout; no removal ended twice or began again after it ended; the held KES removal ($kes) finished once on resume: $(jq -c '[.[] | [.seq, .step, .phase, .product_code, .outcome]]' "$jr")" "$jr" \
        '. as $j | all($j[]; .run_id == $r)
            and ([$j[] | select(.step == "remove" and .phase == "end") | .product_code] | length == (unique | length))
            and all($j[] | select(.step == "remove" and .phase == "end"); . as $e
                | [$j[] | select(.step == "remove" and .phase == "begin" and .product_code == $e.product_code and .seq > $e.seq)] | length == 0)
            and ([$j[] | select(.step == "remove" and .phase == "end" and .product_code == $k and .outcome == 0)] | length == 1)
            and $j[-1].step == "outcome"' \
        --arg r "$run_id" --arg k "$kes"
    eq "$(e2e_state_value "$p" LastOutcome)" compliant "State LastOutcome"
    eq "$(e2e_state_value "$p" RunId)" "$run_id" "State RunId"
    avs_wine_stop "$p"
}
e2e_test service-stop-mid-run-resumes t_service_stop_mid_run_resumes
