# shellcheck shell=bash
# The page `avswap report --html` writes under Wine, opened in headless Chromium as an auditor
# opens it (tests/report/check_page.py --page). The export is made from REAL scans under Wine
# (scripts/lib/evxml.sh turns each scan's Event Log trace into what `wevtutil qe /f:xml`
# writes): a machine whose scan found the simulated Kaspersky products, one scanned again
# clean a day later (remediated), and one whose computer name and a product name carry markup
# a user of that machine could have set.

e2e_independent

t_report_html_page_in_chromium() {
    local full clean x=$E2E_RES/report-html.xml page=$E2E_RES/report-html.html r
    (
        . "$AVS_REPO/scripts/lib/deps.sh"
        AVS_DEBIAN_PACKAGES=("${AVS_REPORT_PACKAGES[@]}")
        avs_ensure_packages
    ) || fail "chromium and poppler-utils are needed (scripts/lib/deps.sh AVS_REPORT_PACKAGES)"
    full=$(e2e_scan full-json full scan --json)
    clean=$(e2e_scan clean-json clean scan --json)
    expect_code "$full" 10
    expect_code "$clean" 0
    {
        e2e_events_xml "$full.err" WS-FOUND 1764583200
        e2e_events_xml "$full.err" WS-FIXED 1764583200
        e2e_events_xml "$clean.err" WS-FIXED 1764669600
        # Escaped in the XML as wevtutil escapes it; the report reads it back as markup.
        e2e_events_xml "$full.err" "<script>document.title='pwned'</script>" 1764590000 |
            sed 's/<Data>Kaspersky/<Data>\&lt;img src=x onerror="document.title=1"\&gt;Kaspersky/'
    } >"$x"
    grep -q 'onerror=' "$x" || fail "no product name to make hostile in the full scan's events"
    rm -f -- "$page"
    r=$E2E_RES/report-html
    e2e_run "$r" "$(e2e_prefix clean)" report "$(avs_winpath "$x")" --html "$(avs_winpath "$page")" --json
    expect_code "$r" 0
    [[ -s $page ]] || fail "no page written: $(head -c 400 "$r.err")"
    jqe "the report: $(jq -c .totals "$r.out" 2>/dev/null)" "$r.out" \
        '.totals | .machines == 3 and .with_prohibited == 3 and .remediated == 1 and .remaining == 2'
    python3 "$AVS_REPO/tests/report/check_page.py" --page "$page" --expect "$r.out" \
        --out "$E2E_RES/report-html-checks" --text-out "$E2E_RES/report-html.txt" >"$r.check" 2>&1 ||
        fail "Chromium: $(tr '\n' ' ' <"$r.check")"
    # The rendered text shows the hostile names as written, the totals and a row.
    grep -qF "<script>document.title='pwned'</script>" "$E2E_RES/report-html.txt" ||
        fail "the hostile machine name is not shown as text"
    grep -qF '<img src=x onerror="document.title=1">Kaspersky' "$E2E_RES/report-html.txt" ||
        fail "the hostile product name is not shown as text"
    grep -q '^Machines seen' "$E2E_RES/report-html.txt" || fail "no totals in the rendered text"
    grep -q '^WS-FIXED' "$E2E_RES/report-html.txt" || fail "no row of WS-FIXED in the rendered text"
}
e2e_test report-html-page-in-chromium t_report_html_page_in_chromium
