# shellcheck shell=bash disable=SC2016 # jq filters use $variables in single quotes on purpose
# avswap scan without --json: what a helpdesk engineer reads.

t_text_report_full() {
    local r j host name last
    r=$(e2e_scan full-text full scan)
    j=$(e2e_scan full-json full scan --json)
    expect_code "$r" 10
    iconv -f UTF-8 -t UTF-8 "$r.out" >/dev/null 2>&1 || fail "text output is not valid UTF-8"
    host=$(jq -r .host "$j.out")
    grep -q -F "AvSwap $(avs_project_version) scan of $host" "$r.out" ||
        fail "no header 'AvSwap $(avs_project_version) scan of $host': $(head -n 2 "$r.out")"
    for name in "Kaspersky Endpoint Security for Windows" "Kaspersky Security Center Network Agent" \
        "Kaspersky Free" "Kaspersky Password Manager" "Kaspersky Total Security"; do
        grep -q -F "$name" "$r.out" || fail "text report lacks '$name'"
    done
    grep -q -F "12.3.0.493" "$r.out" || fail "text report lacks KES's version"
    grep -q -F "service:AVP21.3" "$r.out" || fail "text report lacks the matched signals"
    grep -q -F "WinDefend" "$r.out" || grep -q -F "Defender" "$r.out" ||
        fail "text report lacks the approved product"
    grep -q -i "wsc" "$r.out" || fail "text report lacks the state of the wsc source"
    grep -q -E "K-Lite|KLayout|Contoso" "$r.out" && fail "text report lists a decoy"
    last=$(tail -n 1 "$r.out" | tr -d '\r')
    [[ $last == "Result: NOT COMPLIANT"* ]] || fail "last line is '$last', expected 'Result: NOT COMPLIANT...'"
}
e2e_test text-report-full t_text_report_full

t_text_report_clean() {
    local r last
    r=$(e2e_scan clean-text clean scan)
    expect_code "$r" 0
    last=$(tail -n 1 "$r.out" | tr -d '\r')
    [[ $last == "Result: COMPLIANT"* ]] || fail "last line is '$last', expected 'Result: COMPLIANT...'"
    grep -q -F "NOT COMPLIANT" "$r.out" && fail "clean report says NOT COMPLIANT somewhere"
    grep -q -F "$(avs_project_version)" "$r.out" || fail "clean report lacks the header"
    return 0
}
e2e_test text-report-clean t_text_report_clean
