# shellcheck shell=bash disable=SC2016 # jq filters use $variables in single quotes on purpose
# `avswap remediate` with Microsoft Defender as the replacement, on an endpoint it can make fully
# compliant (make_remediable_endpoint): the order of removals, the Event Log trail, the machine
# afterwards, `avswap status` and `avswap evidence`.
#
# Not tested here: "not elevated" (blocked, 1602). Wine runs every program as an administrator with
# an elevated token, so there is no unelevated run to make; the unit tests cover it with fakes.

E2E_KES=Kaspersky\ Endpoint\ Security\ for\ Windows
E2E_AGENT=Kaspersky\ Security\ Center\ Network\ Agent
E2E_KFREE=Kaspersky\ Free

# The findings of the remediable endpoint, in removal order, as "name|product code or key".
e2e_remediable_products() {
    printf '%s\n' "$E2E_KES|$(wxs_product_code kes.wxs)" "$E2E_KFREE|KasperskyFree" \
        "$E2E_AGENT|$(wxs_product_code klnagent.wxs)"
}

t_remediate_defender_compliant() {
    local p r j ev s t0 wall kes agent
    p=$(e2e_prefix_copy remediable defender)
    e2e_session "$p"
    kes=$(wxs_product_code kes.wxs)
    agent=$(wxs_product_code klnagent.wxs)
    s=$E2E_RES/defender-before
    e2e_scan_now "$s" "$p"
    jqe "before: KES, Kaspersky Free and the agent are found: $(jq -c '[.findings[].name]' "$s.out")" \
        "$s.out" '[.findings[].name] == [$a, $b, $c]' --arg a "$E2E_KES" --arg b "$E2E_KFREE" --arg c "$E2E_AGENT"
    e2e_expect_service "$p" WinDefend STOPPED

    r=$E2E_RES/defender
    t0=$(date +%s%N)
    e2e_avswap "$r" "$p" remediate --json
    wall=$((($(date +%s%N) - t0) / 1000000))
    j=$r.out
    expect_code "$r" 0
    jqe "outcome compliant, exit 0, not dry, not resumed, remove-first: $(head -c 400 "$j")" "$j" \
        '.outcome == "compliant" and .exit_code == 0 and .dry_run == false and .resumed == false
            and .strategy == "remove-first" and .reboot_required == false and .remaining == []
            and (.run_id | test("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"))'
    jqe "removed in order KES, Kaspersky Free, then the 32-bit agent last, each result 0: $(jq -c .removed "$j")" \
        "$j" '[.removed[] | [.name, .product_code, .result]] == [[$a, $ka, 0], [$b, "KasperskyFree", 0], [$c, $kc, 0]]' \
        --arg a "$E2E_KES" --arg ka "$kes" --arg b "$E2E_KFREE" --arg c "$E2E_AGENT" --arg kc "$agent"
    jqe "replacement Defender installed and running: $(jq -c .replacement "$j")" "$j" \
        '.replacement == {"name": "Microsoft Defender Antivirus", "installed": true, "running": true}'
    jqe "unprotected_seconds is a number between 0 and the run's wall time ($wall ms): $(jq .unprotected_seconds "$j")" \
        "$j" '.unprotected_seconds | type == "number" and . >= 0 and . * 1000 <= $w' --argjson w "$wall"
    echo "time to compliance: $wall ms; unprotected_seconds $(jq .unprotected_seconds "$j")"

    # The Event Log trail, in order.
    ev=$r.eventsa
    local p3000 p3001 p3002 p4000 p4001 p5003 pagent p6000 n
    p3000=$(e2e_ev_pos "$r" 3000)
    p3001=$(e2e_ev_pos "$r" 3001)
    p3002=$(e2e_ev_pos "$r" 3002)
    p4000=$(e2e_ev_pos "$r" 4000)
    p4001=$(e2e_ev_pos "$r" 4001)
    p5003=$(e2e_ev_pos "$r" 5003)
    pagent=$(jq -r --arg a "$E2E_AGENT" '[to_entries[] | select(.value.id == 4000 and .value.strings[1] == $a) | .key] | first // -1' "$ev")
    p6000=$(e2e_ev_pos "$r" 6000)
    n=$(jq length "$ev")
    echo "event positions: 3000=$p3000 3001=$p3001 3002=$p3002 4000=$p4000 4001=$p4001 5003=$p5003 agent-4000=$pagent 6000=$p6000 of $n"
    [[ $p3000 -eq 0 ]] || fail "3000 is not the first event: $(jq -c '[.[].id]' "$ev")"
    for pair in "$p3000:$p3001:3000<3001" "$p3001:$p3002:3001<3002" "$p3002:$p4000:3002<first 4000" \
        "$p4000:$p4001:first 4000<4001" "$p4001:$p5003:KES removed (4001)<5003" \
        "$p5003:$pagent:5003 (Defender running)<agent's 4000"; do
        IFS=: read -r a b what <<<"$pair"
        [[ $a -ge 0 && $b -ge 0 && $a -lt $b ]] || fail "event order: $what expected; ids in order: $(jq -c '[.[].id]' "$ev")"
    done
    [[ $p6000 -eq $((n - 1)) ]] || fail "6000 is not the last event: $(jq -c '[.[].id]' "$ev")"
    jqe "first 4000 is KES, by MSI: $(jq -c ".[$p4000].strings" "$ev")" "$ev" \
        '.[$i].strings[1:5] == [$a, "12.3.0.493", $k, "msi"]' --argjson i "$p4000" --arg a "$E2E_KES" --arg k "$kes"
    jqe "5003 names Defender and WinDefend: $(jq -c ".[$p5003].strings" "$ev")" "$ev" \
        '.[$i].strings[1:3] == ["Microsoft Defender Antivirus", "WinDefend"]' --argjson i "$p5003"
    jqe "Kaspersky Free removed through its uninstaller (exe) between Defender and the agent" "$ev" \
        'any(to_entries[]; .key > $d and .key < $g and .value.id == 4000
            and .value.strings[1] == $b and .value.strings[4] == "exe")' \
        --argjson d "$p5003" --argjson g "$pagent" --arg b "$E2E_KFREE"
    jqe "exactly three 4001 and no failure events (3003-3008, 4002-4004, 5004, 6001-6004, 9xxx): $(jq -c '[.[].id]' "$ev")" \
        "$ev" '([.[] | select(.id == 4001)] | length == 3)
            and all(.[]; .id as $i | [3003,3004,3005,3006,3007,3008,4002,4003,4004,5004,6001,6002,6003,6004,9001,9002] | index($i) | not)'
    jqe "every event carries the run ID: $(jq -c '[.[] | select(.id >= 3000) | .strings[0]] | unique' "$ev")" "$ev" \
        '[.[] | select(.id >= 3000 and .id != 3007) | .strings[0]] | unique == [$id]' --arg id "$(jq -r .run_id "$j")"
    jqe "6000 says 3 products removed, Defender, and the unprotected time of the JSON: $(jq -c '.[-1].strings' "$ev")" \
        "$ev" '.[-1].strings[1:3] == ["3", "Microsoft Defender Antivirus"]
            and (.[-1].strings[3] | tonumber) == $u' --argjson u "$(jq .unprotected_seconds "$j")"
    e2e_expect_events_anchor "$r" "$p"

    # The machine afterwards.
    e2e_expect_service "$p" WinDefend RUNNING
    s=$E2E_RES/defender-after
    e2e_scan_now "$s" "$p"
    expect_code "$s" 0
    jqe "rescan: compliant, no findings: $(jq -c '[.compliant, [.findings[].name]]' "$s.out")" "$s.out" \
        '.compliant == true and .findings == []'
    jqe "rescan: Defender reported as approved and running" "$s.out" \
        'any(.approved[]; .source == "service:WinDefend" and .state == "running")'
    AVS_WINEDEBUG=-all avs_wine "$p" reg query 'HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\KLiteCodecPack_is1' \
        >/dev/null 2>&1 || fail "the decoy K-Lite Codec Pack was removed"
    AVS_WINEDEBUG=-all avs_wine "$p" reg query 'HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\KLayout' \
        >/dev/null 2>&1 || fail "the decoy KLayout was removed"
    eq "$(e2e_kfree_runs "$p")" 1 "Kaspersky Free uninstaller runs"
    # A verbose Windows Installer log per MSI product, next to the journal.
    local log code
    for code in "$kes" "$agent"; do
        log=$p/drive_c/ProgramData/AvSwap/logs/$(jq -r .run_id "$j")-$code.log
        [[ -s $log ]] || fail "no MSI log $log: $(ls "$p/drive_c/ProgramData/AvSwap/logs" 2>&1)"
        grep -a -q 'RemoveFiles\|InstallValidate' "$log" || fail "MSI log $log has no actions"
    done

    # The journal: chain and contents.
    e2e_expect_chain "$p"
    e2e_journal_json "$p" "$E2E_RES/defender-journal.json"
    jqe "journal: one run ID, begin/end pairs for plan, preflight, 3 removals, Defender install and verify, outcome 0" \
        "$E2E_RES/defender-journal.json" \
        '([.[].run_id] | unique | length == 1)
            and ([.[] | select(.step == "remove" and .phase == "begin")] | length == 3)
            and ([.[] | select(.step == "remove" and .phase == "end" and .outcome == 0)] | length == 3)
            and ([.[] | select(.step == "replacement-verify" and .phase == "end" and .outcome == 0)] | length == 1)
            and (.[-1] | .step == "outcome" and .outcome == 0)
            and (.[0] | .step == "plan" and .phase == "begin")'

    # avswap status
    r=$E2E_RES/defender-status
    e2e_run "$r" "$p" status --json
    expect_code "$r" 0
    jqe "status: finished, compliant, exit 0, same run, 3 products done, Defender running: $(head -c 600 "$r.out")" \
        "$r.out" '.run_id == $id and .phase == "finished" and .compliant == true and .exit_code == 0
            and .reboot_pending == false and .journal == "intact"
            and ([.products[] | [.product_code, .state, .result]] | sort) == ([[$k1, "done", 0], [$k2, "done", 0], ["KasperskyFree", "done", 0]] | sort)
            and .replacement.running == "done"' \
        --arg id "$(jq -r .run_id "$j")" --arg k1 "$kes" --arg k2 "$agent"
    r=$E2E_RES/defender-status-text
    e2e_run "$r" "$p" status
    expect_code "$r" 0
    grep -q '^Remediation: finished' "$r.out" || fail "status text: $(head -c 300 "$r.out")"
    grep -q 'Exit code: 0 (compliant)' "$r.out" || fail "status text lacks the exit code: $(head -c 400 "$r.out")"

    # avswap evidence verify / export
    r=$E2E_RES/defender-verify
    e2e_run "$r" "$p" evidence verify
    expect_code "$r" 0
    local nlines
    nlines=$(wc -l <"$(e2e_journal "$p")")
    grep -q "Journal intact: $nlines record(s)" "$r.out" || fail "evidence verify: $(head -c 300 "$r.out")"
    grep -q -F "SHA-256 $(tail -n 1 "$(e2e_journal "$p")" | tr -d '\n' | sha256sum | cut -d' ' -f1)" "$r.out" ||
        fail "evidence verify does not name the last record's hash: $(head -c 300 "$r.out")"
    r=$E2E_RES/defender-export
    e2e_run "$r" "$p" evidence export "$(avs_winpath "$E2E_RES")\\defender-export.gz"
    expect_code "$r" 0
    gzip -t "$E2E_RES/defender-export.gz" 2>/dev/null || fail "evidence export did not write a valid gzip file"
    gzip -dc "$E2E_RES/defender-export.gz" | cmp -s - "$(e2e_journal "$p")" ||
        fail "the exported lines differ from the journal"

    # A record changed after the fact (KES's removal, line 6, now says it failed): its HMAC no
    # longer matches, and verify names it, exiting 1603.
    local jp
    jp=$(e2e_journal "$p")
    jq -e -s '.[5] | .seq == 6 and .step == "remove" and .phase == "end" and .outcome == 0' "$jp" >/dev/null ||
        fail "journal line 6 is not KES's removal end: $(sed -n 6p "$jp")"
    sed -i '6s/"outcome":0,/"outcome":1603,/' "$jp"
    r=$E2E_RES/defender-tampered
    e2e_run "$r" "$p" evidence verify
    expect_code "$r" 1603
    grep -q 'line 6 is the first bad record: HMAC mismatch at record 6' "$r.out" || fail "evidence verify does not name line 6: $(head -c 300 "$r.out")"
    avs_wine_stop "$p"
}
e2e_test remediate-defender-compliant t_remediate_defender_compliant
