# shellcheck shell=bash disable=SC2016 # jq filters use $variables in single quotes on purpose
# Exit codes read in full through runexit.exe (Wine truncates them to 8 bits), clean and
# remnant endpoints, usage errors, --help and --version.

t_clean_prefix_compliant() {
    local r
    r=$(e2e_scan clean-json clean scan --json)
    expect_code "$r" 0
    jqe "clean prefix: compliant true, no findings, exit_code 0: $(head -c 300 "$r.out")" \
        "$r.out" '.compliant == true and .findings == [] and .exit_code == 0'
    # Security Center and AppLocker's Application Identity service are not in a clean Wine
    # prefix: those two sources say "unavailable" (and why), never "error".
    jqe "clean prefix: every source but wsc and applocker ok, those two unavailable: $(jq -c .sources "$r.out")" "$r.out" \
        '.sources | to_entries | all(if .key == "wsc" or .key == "applocker"
            then (.value | startswith("unavailable: ")) else .value == "ok" end)'
    jqe "clean prefix: AppLocker absent: $(jq -c .applocker "$r.out")" "$r.out" '.applocker == "absent"'
}
e2e_test clean-prefix-compliant t_clean_prefix_compliant

t_remnant_driver_finding() {
    local r n="Kaspersky components without an uninstall entry"
    r=$(e2e_scan remnant-json remnant scan --json)
    expect_code "$r" 10
    jqe "one remnant finding: $(jq -c .findings "$r.out" | head -c 400)" "$r.out" \
        '.findings | length == 1 and .[0].name == $n' --arg n "$n"
    jqe "remnant: uninstall none, no product code, protection, signal driver:klif" "$r.out" \
        '.findings[0] | .uninstall == "none" and .product_code == null
            and .role == "protection" and (.signals | index("driver:klif"))
            and (.signals | index("uninstall-key") | not)'
}
e2e_test remnant-driver-finding t_remnant_driver_finding

# usage_case NAME EXPECTED-SUBSTRING ARGS...: exit 2, nothing on stdout, a short hint on stderr
# that names the problem.
usage_case() {
    local name=$1 want=$2 base lines
    shift 2
    base=$E2E_RES/usage-$name
    e2e_run "$base" "$(e2e_prefix clean)" "$@"
    expect_code "$base" 2
    [[ ! -s $base.out ]] || fail "avswap $*: stdout not empty: $(head -c 200 "$base.out")"
    [[ -s $base.err ]] || fail "avswap $*: no hint on stderr"
    grep -q -F -- "$want" "$base.err" || fail "avswap $*: stderr does not mention '$want': $(head -c 300 "$base.err")"
    lines=$(wc -l <"$base.err")
    [[ $lines -le 2 ]] || fail "avswap $*: hint is $lines lines, expected a short one: $(head -c 300 "$base.err")"
}

t_usage_errors_exit_2() {
    usage_case unknown-flag --bogus scan --bogus
    usage_case missing-value --catalog scan --catalog
    usage_case unknown-command frobnicate frobnicate
    usage_case repeated-flag --json scan --json --json
}
e2e_test usage-errors-exit-2 t_usage_errors_exit_2

t_help_and_version() {
    local base=$E2E_RES/help
    e2e_run "$base" "$(e2e_prefix clean)" --help
    expect_code "$base" 0
    grep -q 'scan' "$base.out" || fail "--help does not describe scan: $(head -c 300 "$base.out")"
    grep -q -e '--json' "$base.out" || fail "--help does not mention --json"
    base=$E2E_RES/version
    e2e_run "$base" "$(e2e_prefix clean)" --version
    expect_code "$base" 0
    grep -q -F "$(avs_project_version)" "$base.out" ||
        fail "--version does not print $(avs_project_version): $(head -c 200 "$base.out")"
}
e2e_test help-and-version t_help_and_version
