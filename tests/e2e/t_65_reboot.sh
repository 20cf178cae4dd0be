# shellcheck shell=bash disable=SC2016 # jq filters use $variables in single quotes on purpose
# A product whose removal returns 3010 (ksde-reboot.msi: ScheduleReboot under REMOVE="ALL"):
# the run ends "restart required"; running again before the restart changes nothing; after a
# simulated restart (wineserver -k, wineboot) the same run continues and finishes compliant, and
# no product was removed twice.

E2E_KSDE=Kaspersky\ VPN\ Secure\ Connection

# remove_records JOURNAL-JSON CODE PHASE: how many "remove" records of that phase name CODE.
remove_records() {
    jq --arg k "$2" --arg ph "$3" '[.[] | select(.step == "remove" and .phase == $ph and .product_code == $k)] | length' "$1"
}

t_reboot_3010_then_resume() {
    local p r run_id ksde jj n_before
    p=$(e2e_prefix_copy remediable reboot)
    ksde=$(wxs_product_code ksde.wxs)
    e2e_session "$p"
    avs_fx_install "$p" ksde-reboot.msi

    r=$E2E_RES/reboot-1
    e2e_avswap "$r" "$p" remediate --json
    expect_code "$r" 3010
    run_id=$(jq -r .run_id "$r.out")
    jqe "first run: reboot-required, every product removed (ksde with 3010), Defender running: $(head -c 600 "$r.out")" \
        "$r.out" '.outcome == "reboot-required" and .reboot_required == true and .resumed == false
            and ([.removed[] | [.name, .result]] == [[$a, 0], [$b, 0], [$v, 3010], [$c, 0]])
            and .replacement.running == true' \
        --arg a "$E2E_KES" --arg b "$E2E_KFREE" --arg v "$E2E_KSDE" --arg c "$E2E_AGENT"
    jqe "first run: 4003 for ksde (3010), 6001 last: $(jq -c '[.[].id]' "$r.eventsa")" "$r.eventsa" \
        'any(.[]; .id == 4003 and .strings[1] == $v and .strings[4] == "3010") and .[-1].id == 6001' \
        --arg v "$E2E_KSDE"
    # The auditor's report of this run's events: reboot pending, KSDE removed but not gone yet.
    e2e_events_xml "$E2E_RES/reboot-1.err" WS-REBOOT 1764583200 >"$E2E_RES/reboot-1.xml"
    eq "$(e2e_report_state "$E2E_RES/reboot-report-1" "$E2E_RES/reboot-1.xml" WS-REBOOT)" \
        reboot-pending "the report's state after the 3010 run"
    jqe "the report counts WS-REBOOT as remaining: $(jq -c .totals "$E2E_RES/reboot-report-1.out")" \
        "$E2E_RES/reboot-report-1.out" '.totals.remaining == 1 and .totals.remediated == 0'
    r=$E2E_RES/reboot-status
    e2e_run "$r" "$p" status --json
    expect_code "$r" 0
    jqe "status before the restart: waiting for restart, reboot pending: $(head -c 300 "$r.out")" "$r.out" \
        '.phase == "waiting for restart" and .reboot_pending == true and .exit_code == 3010 and .compliant == false
            and .run_id == $id' --arg id "$run_id"

    # Again, before restarting: still 3010, the same run, and nothing is removed.
    jj=$E2E_RES/reboot-journal-1.json
    e2e_journal_json "$p" "$jj"
    n_before=$(jq '[.[] | select(.step == "remove" and .phase == "begin")] | length' "$jj")
    r=$E2E_RES/reboot-2
    e2e_avswap "$r" "$p" remediate --json
    expect_code "$r" 3010
    jqe "second run before the restart: 3010, same run ID: $(head -c 300 "$r.out")" "$r.out" \
        '.outcome == "reboot-required" and .run_id == $id' --arg id "$run_id"
    jqe "second run: no 4000 (no removal begun): $(jq -c '[.[].id]' "$r.eventsa")" "$r.eventsa" \
        'all(.[]; .id != 4000) and .[-1].id == 6001'
    e2e_journal_json "$p" "$jj"
    eq "$(jq '[.[] | select(.step == "remove" and .phase == "begin")] | length' "$jj")" "$n_before" \
        "journal remove-begin records after the second run"

    # The restart, then the run continues and finishes.
    e2e_reboot "$p"
    r=$E2E_RES/reboot-3
    e2e_avswap "$r" "$p" remediate --json
    expect_code "$r" 0
    jqe "after the restart: compliant, resumed, same run, all four removed once: $(head -c 600 "$r.out")" "$r.out" \
        '.outcome == "compliant" and .resumed == true and .run_id == $id and .remaining == []
            and ([.removed[].name] == [$a, $b, $v, $c]) and .replacement.running == true' \
        --arg id "$run_id" --arg a "$E2E_KES" --arg b "$E2E_KFREE" --arg v "$E2E_KSDE" --arg c "$E2E_AGENT"
    jqe "after the restart: 3000 says resumed, no 4000, 6000 last: $(jq -c '[.[].id]' "$r.eventsa")" "$r.eventsa" \
        '.[0].id == 3000 and .[0].strings[1] == "resumed" and all(.[]; .id != 4000) and .[-1].id == 6000'
    e2e_journal_json "$p" "$jj"
    eq "$(remove_records "$jj" "$ksde" begin)" 1 "ksde remove-begin records"
    eq "$(remove_records "$jj" "$ksde" end)" 1 "ksde remove-end records"
    jqe "one run ID in the whole journal, reboot begin and end recorded" "$jj" \
        '([.[].run_id] | unique == [$id]) and any(.[]; .step == "reboot" and .phase == "begin")
            and any(.[]; .step == "reboot" and .phase == "end")' --arg id "$run_id"
    eq "$(e2e_kfree_runs "$p")" 1 "Kaspersky Free uninstaller runs"
    # The report of all three runs: compliant, one run, its evidence chain whole across the
    # restart.
    {
        cat "$E2E_RES/reboot-1.xml"
        e2e_events_xml "$E2E_RES/reboot-2.err" WS-REBOOT 1764583800
        e2e_events_xml "$E2E_RES/reboot-3.err" WS-REBOOT 1764587400
    } >"$E2E_RES/reboot-all.xml"
    eq "$(e2e_report_state "$E2E_RES/reboot-report-all" "$E2E_RES/reboot-all.xml" WS-REBOOT)" \
        compliant "the report's state after the restart"
    jqe "one run, chain consistent, remediated: $(jq -c '.machines[0] | {run_ids, evidence}' "$E2E_RES/reboot-report-all.out")" \
        "$E2E_RES/reboot-report-all.out" \
        '.totals.remediated == 1 and (.machines[0].run_ids == [$id]) and .machines[0].evidence.chain == "consistent"' \
        --arg id "$run_id"
    e2e_expect_service "$p" WinDefend RUNNING
    r=$E2E_RES/reboot-scan
    e2e_scan_now "$r" "$p"
    expect_code "$r" 0
    r=$E2E_RES/reboot-verify
    e2e_run "$r" "$p" evidence verify
    expect_code "$r" 0
    r=$E2E_RES/reboot-status-after
    e2e_run "$r" "$p" status --json
    jqe "status after: finished, compliant, no restart pending: $(head -c 300 "$r.out")" "$r.out" \
        '.phase == "finished" and .compliant == true and .reboot_pending == false'
    avs_wine_stop "$p"
}
e2e_test reboot-3010-then-resume t_reboot_3010_then_resume
