# shellcheck shell=bash disable=SC2016 # jq filters use $variables in single quotes on purpose
# A Kaspersky Uninstall entry whose UninstallString is a shell command and whose
# QuietUninstallString runs C:\Windows\System32\cmd.exe: nothing from it may run. It is reported
# (3005) and left in place; every other product is still removed, Defender runs, the run fails.

t_shell_uninstall_never_runs() {
    local p r pwned
    p=$(e2e_prefix_copy remediable shell-entry)
    e2e_session "$p"
    avs_fx_add_shell_entry "$p"
    pwned=$p/drive_c/pwned.txt
    rm -f -- "$pwned"
    r=$E2E_RES/shell-entry
    e2e_avswap "$r" "$p" remediate --json
    expect_code "$r" 1603
    [[ ! -e $pwned ]] || fail "the registry's shell command ran: C:\\pwned.txt exists ($(head -c 100 "$pwned"))"
    jqe "failed at remove, the three safe products removed, the shell entry remains: $(jq -c '{outcome, step, reason, removed: [.removed[].name], remaining}' "$r.out")" \
        "$r.out" '.outcome == "failed" and .step == "remove" and (.reason | test("3005"))
            and ([.removed[].name] == [$a, $b, $c]) and .remaining == ["Kaspersky Anti-Virus"]
            and .replacement.running == true' \
        --arg a "$E2E_KES" --arg b "$E2E_KFREE" --arg c "$E2E_AGENT"
    jqe "the plan marks it as not removable" "$r.out" \
        'any(.plan[]; test("Kaspersky Anti-Virus .*cannot be removed"))'
    jqe "3005 names the product, its key and why: $(jq -c '[.[] | select(.id == 3005) | .strings]' "$r.eventsa")" \
        "$r.eventsa" 'any(.[]; .id == 3005 and .strings[1] == "Kaspersky Anti-Virus"
            and (.strings[2] | test("WOW6432Node.*\\\\KasperskyShell$")) and (.strings[3] | length > 0))'
    jqe "no 4000 for it, 6003 last: $(jq -c '[.[].id]' "$r.eventsa")" "$r.eventsa" \
        'all(.[]; .id != 4000 or .strings[1] != "Kaspersky Anti-Virus") and .[-1].id == 6003'
    e2e_journal_json "$p" "$r.journal.json"
    jqe "journal: its removal ends 1603 with the reason, without a process having run" "$r.journal.json" \
        'any(.[]; .step == "remove" and .phase == "end" and .product_code == "KasperskyShell" and .outcome == 1603)'
    e2e_expect_service "$p" WinDefend RUNNING
    r=$E2E_RES/shell-entry-scan
    e2e_scan_now "$r" "$p"
    jqe "rescan: only the shell entry is left: $(jq -c '[.findings[].name]' "$r.out")" "$r.out" \
        '[.findings[].name] == ["Kaspersky Anti-Virus"]'
    AVS_WINEDEBUG=-all avs_wine "$p" reg query 'HKLM\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall\KasperskyShell' \
        >/dev/null 2>&1 || fail "the shell entry's key is gone: something acted on it"
    [[ ! -e $pwned ]] || fail "C:\\pwned.txt appeared after the run"
    avs_wine_stop "$p"
}
e2e_test shell-uninstall-never-runs t_shell_uninstall_never_runs
