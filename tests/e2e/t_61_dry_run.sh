# shellcheck shell=bash disable=SC2016 # jq filters use $variables in single quotes on purpose
# `avswap remediate --dry-run`: the plan and the preflight, and nothing changed on the machine.

t_dry_run_changes_nothing() {
    local p r s before
    p=$(e2e_prefix_copy remediable dry-run)
    e2e_session "$p"
    before=$E2E_RES/dry-run-before
    e2e_scan_now "$before" "$p"
    r=$E2E_RES/dry-run
    e2e_avswap "$r" "$p" remediate --dry-run
    expect_code "$r" 0
    tr -d '\r' <"$r.out" >"$r.txt"
    # The text: the plan in removal order, the preflight, and what a real run would do.
    grep -q 'dry run: nothing will be changed' "$r.txt" || fail "no dry-run banner: $(head -c 300 "$r.txt")"
    grep -q '^Plan: strategy remove-first, replacement Microsoft Defender Antivirus' "$r.txt" ||
        fail "no plan line: $(head -c 400 "$r.txt")"
    local order
    order=$(sed -n '/^Removal order:/,/^Preflight:/p' "$r.txt" | grep -E '^  [0-9]+\. ')
    [[ $(wc -l <<<"$order") -eq 3 ]] || fail "removal order has not 3 lines: $order"
    grep -q "^  1\. $E2E_KES 12\.3\.0\.493 (msi, protection)$" <<<"$order" || fail "1. is not KES: $order"
    grep -q "^  2\. $E2E_KFREE 21\.3\.10\.391 (exe, protection)$" <<<"$order" || fail "2. is not Kaspersky Free: $order"
    grep -q "^  3\. $E2E_AGENT 14\.0\.0\.10902 (msi, management)$" <<<"$order" || fail "3. is not the agent: $order"
    for check in 'elevated: yes' 'restart: none pending' 'disk: ' 'replacement: Microsoft Defender Antivirus' 'installer: not busy'; do
        sed -n '/^Preflight:/,/^$/p' "$r.txt" | grep -q "^  $check" || fail "preflight lacks '$check': $(sed -n '/^Preflight:/,/^$/p' "$r.txt")"
    done
    grep -q 'Result: DRY RUN - nothing was changed; a real run would end with exit code 0' "$r.txt" ||
        fail "no dry-run result line: $(tail -n 3 "$r.txt")"
    # The trail: 3000 (mode dry run), the scan, then 3009 with strategy, replacement, order and
    # preflight; no plan, removal, replacement or outcome event.
    jqe "events: 3000 'dry run' first, 3009 last, nothing else of 3001-6004: $(jq -c '[.[].id]' "$r.eventsa")" \
        "$r.eventsa" '.[0].id == 3000 and .[0].strings[1] == "dry run" and .[-1].id == 3009
            and all(.[]; .id < 3001 or .id == 3009)'
    jqe "3009: remove-first, Defender, the order, the preflight: $(jq -c '.[-1].strings' "$r.eventsa")" "$r.eventsa" \
        '.[-1].strings[1:3] == ["remove-first", "Microsoft Defender Antivirus"]
            and (.[-1].strings[3] | test("^1\\. Kaspersky Endpoint Security.*; 2\\. Kaspersky Free.*; 3\\. Kaspersky Security Center Network Agent"))
            and (.[-1].strings[4] | test("elevated: yes") and test("installer: not busy"))'
    # Nothing changed.
    [[ ! -e $p/drive_c/ProgramData/AvSwap ]] || fail "a dry run created C:\\ProgramData\\AvSwap: $(find "$p/drive_c/ProgramData/AvSwap" | head -c 300)"
    e2e_expect_service "$p" WinDefend STOPPED
    eq "$(e2e_kfree_runs "$p")" 0 "Kaspersky Free uninstaller runs"
    s=$E2E_RES/dry-run-after
    e2e_scan_now "$s" "$p"
    expect_code "$s" 10
    [[ $(jq -c '[.findings[] | [.name, .product_code]]' "$s.out") == "$(jq -c '[.findings[] | [.name, .product_code]]' "$before.out")" ]] ||
        fail "the findings changed: $(jq -c '[.findings[].name]' "$s.out")"
    jqe "3 findings still" "$s.out" '.findings | length == 3'

    # --json: outcome dry-run, the same plan, no unprotected time, nothing removed.
    r=$E2E_RES/dry-run-json
    e2e_avswap "$r" "$p" remediate --dry-run --json
    expect_code "$r" 0
    jqe "dry run JSON: $(head -c 500 "$r.out")" "$r.out" \
        '.outcome == "dry-run" and .dry_run == true and .exit_code == 0 and .removed == []
            and .strategy == "remove-first" and .unprotected_seconds == null
            and (.plan | length == 3) and (.plan[0] | startswith("1. Kaspersky Endpoint Security"))
            and (.plan[2] | startswith("3. Kaspersky Security Center Network Agent"))
            and (.preflight | length >= 5) and .replacement.running == false'
    [[ ! -e $p/drive_c/ProgramData/AvSwap ]] || fail "a dry run (--json) created C:\\ProgramData\\AvSwap"
    avs_wine_stop "$p"
}
e2e_test dry-run-changes-nothing t_dry_run_changes_nothing

t_dry_run_predicts_the_real_exit_code() {
    # The full endpoint has products that cannot be removed safely (no uninstaller, a per-user
    # uninstaller outside Program Files): the plan says so, and a real run ends 1603. The dry
    # run's exit code (and its "a real run would end with exit code N") must say the same.
    local p r d
    p=$(e2e_prefix_copy full dry-run-full)
    e2e_session "$p"
    d=$E2E_RES/dry-run-full
    e2e_avswap "$d" "$p" remediate --dry-run --json
    jqe "the dry run's plan marks products that cannot be removed: $(jq -c .plan "$d.out" | head -c 300)" "$d.out" \
        'any(.plan[]; test("cannot be removed"))'
    r=$E2E_RES/dry-run-full-real
    e2e_avswap "$r" "$p" remediate --json
    expect_code "$r" 1603
    eq "$(<"$d.code")" "$(<"$r.code")" "dry-run exit code versus the real run's (plan: $(jq -r '.plan | map(select(test("cannot"))) | length' "$d.out") product(s) cannot be removed)"
    avs_wine_stop "$p"
}
e2e_test dry-run-predicts-the-real-exit-code t_dry_run_predicts_the_real_exit_code
