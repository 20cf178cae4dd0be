# shellcheck shell=bash disable=SC2016 # jq filters use $variables in single quotes on purpose
# `avswap report` as an auditor runs it, on Event Log exports made from REAL runs under Wine
# (scripts/lib/evxml.sh turns each run's Event Log trace into what `wevtutil qe AvSwap /f:xml`
# writes), on one machine with the password-protected KES:
#   1 scan (not compliant)   2 remediate, replacement changed (blocked, 1602)
#   3 remediate, no password (failed, 1603)   4 remediate with it (compliant)   5 scan (compliant)
# Each machine of the fleet is the events of runs 1..k under its own name, so its state is
# what its last run said and its evidence chain is the real one: the record seqs of runs 2-4
# with the records the engine writes without an event between them.

# The five runs, once for the file (cached in $E2E_RES/report-run-N.err).
report_runs() {
    [[ -f $E2E_RES/report-runs.done ]] && return 0
    local p r fx bad
    p=$(e2e_prefix_copy remediable-pwd report)
    e2e_session "$p"
    printf '%s\r\n' "$AVS_FX_KES_PASSWORD" >"$E2E_RES/report-pw.txt"
    fx=$(avs_remediation_fixtures_build)
    bad=$E2E_RES/report-contoso-changed.msi
    cp "$fx/contoso-av.msi" "$bad"
    printf 'appended' >>"$bad"

    r=$E2E_RES/report-run-1
    e2e_avswap "$r" "$p" scan --json
    expect_code "$r" 10
    r=$E2E_RES/report-run-2
    e2e_avswap "$r" "$p" remediate --replacement "$(avs_winpath "$bad")" \
        --sha256 "$(sha256sum "$fx/contoso-av.msi" | cut -d' ' -f1)" \
        --catalog "$(avs_winpath "$AVS_REPO/tests/fixtures/catalog-approved-contoso.txt")" --json
    expect_code "$r" 1602
    r=$E2E_RES/report-run-3
    e2e_avswap "$r" "$p" remediate --json
    expect_code "$r" 1603
    r=$E2E_RES/report-run-4
    e2e_avswap "$r" "$p" remediate --password-file "$(avs_winpath "$E2E_RES/report-pw.txt")" --json
    expect_code "$r" 0
    r=$E2E_RES/report-run-5
    e2e_avswap "$r" "$p" scan --json
    expect_code "$r" 0
    # The machine's own evidence export, for the report's second kind of input.
    r=$E2E_RES/report-export
    e2e_run "$r" "$p" evidence export "$(avs_winpath "$E2E_RES/report-evidence.jsonl.gz")"
    expect_code "$r" 0
    avs_wine_stop "$p"
    touch "$E2E_RES/report-runs.done"
}

# report_machine NAME K [EPOCH]: runs 1..K as machine NAME, run N at EPOCH + 600 N.
report_machine() {
    local name=$1 k=$2 epoch=${3:-1764583200} n
    for ((n = 1; n <= k; n++)); do
        e2e_events_xml "$E2E_RES/report-run-$n.err" "$name" $((epoch + 600 * n))
    done
}

t_report_fleet_from_real_runs() {
    local fleet=$E2E_RES/report-fleet.xml r csv=$E2E_RES/report-fleet.csv
    report_runs
    {
        report_machine WS-NC 1
        report_machine WS-BLOCK 2
        report_machine WS-FAIL 3
        report_machine ws-ok.corp.example 4 # a collector shows FQDNs; --expected short names
        report_machine WS-ALL 5
    } >"$fleet"
    # One machine's export saved by PowerShell: UTF-16LE with a BOM, a root element.
    report_machine WS-U16 4 >"$E2E_RES/report-u16.xml.tmp"
    { printf '\xff\xfe'; { printf '<?xml version="1.0" encoding="UTF-16"?>\n<Events>'; cat "$E2E_RES/report-u16.xml.tmp"; printf '</Events>\n'; } |
        iconv -f UTF-8 -t UTF-16LE; } >"$E2E_RES/report-u16.xml"
    printf 'WS-NC\r\nWS-OK\nWS-SILENT\n# a comment\n\nWS-U16\n' >"$E2E_RES/report-expected.txt"

    r=$E2E_RES/report-fleet-json
    rm -f -- "$csv" "$E2E_RES/report-fleet.html"
    e2e_report "$r" "$(avs_winpath "$fleet")" "$(avs_winpath "$E2E_RES/report-u16.xml")" \
        --expected "$(avs_winpath "$E2E_RES/report-expected.txt")" --csv "$(avs_winpath "$csv")" \
        --html "$(avs_winpath "$E2E_RES/report-fleet.html")" --json
    expect_code "$r" 0
    grep -q 'WS-BLOCK' "$E2E_RES/report-fleet.html" || fail "the HTML page names no machine"
    grep -q -i 'Content-Security-Policy' "$E2E_RES/report-fleet.html" || fail "the HTML page has no CSP"
    jq -e . "$r.out" >/dev/null || fail "--json is not JSON: $(head -c 400 "$r.out") $(head -c 400 "$r.err")"
    state() { jq -r --arg m "$1" '.machines[] | select(.machine == $m) | .state' "$r.out"; }
    eq "$(state WS-NC)" not-compliant "WS-NC (a scan that found KES)"
    eq "$(state WS-BLOCK)" blocked "WS-BLOCK (replacement hash mismatch)"
    eq "$(state WS-FAIL)" failed "WS-FAIL (no password)"
    eq "$(state ws-ok.corp.example)" compliant "ws-ok (removed with the password)"
    eq "$(state WS-ALL)" compliant "WS-ALL (then a compliant scan)"
    eq "$(state WS-U16)" compliant "WS-U16 (read from UTF-16)"
    eq "$(state WS-SILENT)" silent "WS-SILENT (expected, never reported)"
    jqe "totals: $(jq -c .totals "$r.out")" "$r.out" \
        '.totals | .machines == 6 and .with_prohibited == 6 and .remediated == 3 and .remaining == 3
            and .failed == 2 and .silent == 1'
    jqe "ws-ok is the expected WS-OK" "$r.out" '.machines[] | select(.machine == "ws-ok.corp.example") | .expected'
    # What was removed, with versions, and the replacement, from the real events.
    jqe "WS-ALL's products: $(jq -c '.machines[] | select(.machine == "WS-ALL") | .products' "$r.out")" "$r.out" \
        '.machines[] | select(.machine == "WS-ALL") | (.products | length) == 3 and all(.products[]; .removed_utc != null and .version_removed != null and (.remaining | not))
            and .replacement == "Microsoft Defender Antivirus" and (.run_ids | length) == 3'
    jqe "WS-FAIL still has all three: $(jq -c '.machines[] | select(.machine == "WS-FAIL") | .products' "$r.out")" "$r.out" \
        '.machines[] | select(.machine == "WS-FAIL") | [.products[] | select(.remaining)] | length == 3'
    # The real record seqs of three runs, with the records no event mirrors, leave no gap.
    jqe "evidence chains: $(jq -c '[.machines[] | {machine, evidence}]' "$r.out")" "$r.out" \
        '[.machines[] | select(.machine != "WS-NC" and .machine != "WS-SILENT") | .evidence.chain] | all(. == "consistent")'
    jqe "the scan-only machine has no chain" "$r.out" '.machines[] | select(.machine == "WS-NC") | .evidence.chain == "none"'
    jqe "by product: $(jq -c .by_product "$r.out")" "$r.out" \
        '(.by_product | length) == 3 and all(.by_product[]; .found == 6 and .removed == 3 and .remaining == 3)'
    jqe "inputs named with SHA-256: $(jq -c .inputs "$r.out")" "$r.out" \
        '(.inputs | length) == 2 and .inputs[0].sha256 == $h and .inputs[0].bytes == $b' \
        --arg h "$(sha256sum "$fleet" | cut -d' ' -f1)" --argjson b "$(stat -c %s "$fleet")"
    [[ -s $csv ]] || fail "no CSV written"
    head -n 1 "$csv" | tr -d '\r' | grep -qx 'machine,state,found,removed,remaining,replacement,last_event_utc,run_id,evidence' ||
        fail "CSV header: $(head -n 1 "$csv")"
    eq "$(($(wc -l <"$csv") - 1))" 7 "CSV rows (one per machine, the silent one too)"
    grep -q '^WS-SILENT,silent,' "$csv" || fail "CSV: no silent row: $(cat "$csv")"

    # The text an auditor reads.
    r=$E2E_RES/report-fleet-text
    e2e_report "$r" "$(avs_winpath "$fleet")" --expected "$(avs_winpath "$E2E_RES/report-expected.txt")"
    expect_code "$r" 0
    tr -d '\r' <"$r.out" | grep -q 'Remediated: *2$' || fail "text totals: $(head -c 1200 "$r.out")"
    tr -d '\r' <"$r.out" | grep -q '^  WS-BLOCK: blocked' || fail "text: no WS-BLOCK line: $(head -c 1500 "$r.out")"
}
e2e_test report-fleet-from-real-runs t_report_fleet_from_real_runs

t_report_bad_input_leaves_nothing() {
    local r csv=$E2E_RES/report-bad.csv cut=$E2E_RES/report-cut.xml
    report_runs
    report_machine WS-ALL 5 >"$E2E_RES/report-whole.xml"
    head -c 3000 "$E2E_RES/report-whole.xml" >"$cut" # cut inside an event, as a copy that failed
    rm -f -- "$csv"
    r=$E2E_RES/report-bad
    rm -f -- "$E2E_RES/report-bad.html"
    e2e_report "$r" "$(avs_winpath "$E2E_RES/report-whole.xml")" "$(avs_winpath "$cut")" --csv "$(avs_winpath "$csv")" \
        --html "$(avs_winpath "$E2E_RES/report-bad.html")"
    expect_code "$r" 1603
    grep -q -E 'report-cut\.xml:[0-9]+:[0-9]+: ' "$r.err" || fail "the error does not name the file and line:column: $(head -c 500 "$r.err")"
    [[ ! -s $r.out ]] || fail "totals were printed for a bad input: $(head -c 300 "$r.out")"
    [[ ! -e $csv ]] || fail "a CSV was left behind"
    [[ ! -e $E2E_RES/report-bad.html ]] || fail "an HTML page was left behind"
    [[ -z $(find "$E2E_RES" -maxdepth 1 -name 'report-bad.csv*') ]] || fail "a temporary CSV was left behind"
    # Not XML at all, and no such file: the same exit, no totals.
    printf 'hello\n' >"$E2E_RES/report-text.xml"
    r=$E2E_RES/report-notxml
    e2e_report "$r" "$(avs_winpath "$E2E_RES/report-text.xml")"
    expect_code "$r" 1603
    r=$E2E_RES/report-missing
    e2e_report "$r" "$(avs_winpath "$E2E_RES/report-no-such.xml")"
    expect_code "$r" 1603
    r=$E2E_RES/report-usage
    e2e_report "$r" --csv
    expect_code "$r" 2
    r=$E2E_RES/report-none
    e2e_report "$r" --json
    expect_code "$r" 2
}
e2e_test report-bad-input-leaves-nothing t_report_bad_input_leaves_nothing

t_report_hostile_names_and_evidence_export() {
    local r csv=$E2E_RES/report-hostile.csv x=$E2E_RES/report-hostile.xml
    report_runs
    # Names a user on a machine controls (the computer name, a product's DisplayName).
    {
        report_machine "=cmd|' /C calc'!A0" 1
        e2e_events_xml "$E2E_RES/report-run-1.err" "@WS-AT" 1764590000 |
            sed 's/Kaspersky Endpoint Security/+SUM(A1)\&lt;script\&gt;alert(1)\&lt;\/script\&gt;/'
    } >"$x"
    r=$E2E_RES/report-hostile
    rm -f -- "$csv"
    e2e_report "$r" "$(avs_winpath "$x")" --csv "$(avs_winpath "$csv")"
    expect_code "$r" 0
    grep -q "^\"'=cmd|' /C calc'!A0\",not-compliant," "$csv" || fail "CSV: =cmd not neutralised: $(cat "$csv")"
    grep -q "^\"'@WS-AT\",not-compliant,\"'+SUM(A1)<script>alert(1)</script> " "$csv" ||
        fail "CSV: @ or + not neutralised: $(cat "$csv")"
    if tr -d '\r' <"$csv" | grep -q -E '^[=+@-]|,[=+@-]'; then
        fail "a CSV cell starts with a formula character: $(cat "$csv")"
    fi

    # The machine's `avswap evidence export`, read as an input beside its events.
    r=$E2E_RES/report-evidence
    e2e_report "$r" "$(avs_winpath "$E2E_RES/report-evidence.jsonl.gz")" --json
    expect_code "$r" 0
    jqe "evidence export: $(head -c 800 "$r.out")" "$r.out" \
        '.inputs[0].kind == "evidence-export" and (.machines | length) == 1
            and .machines[0].state == "compliant" and .machines[0].evidence.chain == "consistent"
            and .machines[0].remediated and (.machines[0].run_ids | length) == 3'
    # A damaged export is a bad input.
    head -c 200 "$E2E_RES/report-evidence.jsonl.gz" >"$E2E_RES/report-evidence-cut.gz"
    r=$E2E_RES/report-evidence-cut
    e2e_report "$r" "$(avs_winpath "$E2E_RES/report-evidence-cut.gz")"
    expect_code "$r" 1603
    grep -q 'cut short' "$r.err" || fail "damaged export: $(head -c 300 "$r.err")"
}
e2e_test report-hostile-names-and-evidence-export t_report_hostile_names_and_evidence_export
