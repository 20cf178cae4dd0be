# shellcheck shell=bash disable=SC2016 # jq filters use $variables in single quotes on purpose
# avswap scan --catalog FILE: an administrator's catalog adds to and overrides the built-in one
# (docs/CATALOG.md); a malformed file is a usage error that names the line.

t_catalog_adds_and_overrides() {
    local r full cat_file
    cat_file=$(avs_winpath "$AVS_REPO/tests/fixtures/catalog-contoso.txt")
    r=$(e2e_scan catalog-json full scan --json --catalog "$cat_file")
    full=$(e2e_scan full-json full scan --json)
    expect_code "$r" 10
    jqe "without --catalog, Contoso is not a finding" "$full.out" \
        'all(.findings[]; .name != "Contoso Legacy Antivirus")'
    jqe "with --catalog, Contoso is a finding (exe, x64, contoso-legacy, priority 15): $(jq -c '[.findings[] | [.name, .catalog_id]]' "$r.out")" \
        "$r.out" 'any(.findings[]; .name == "Contoso Legacy Antivirus" and .catalog_id == "contoso-legacy"
            and .uninstall == "exe" and .arch == "x64" and .priority == 15 and .version == "4.2.0")'
    jqe "the file overrides kfree's priority (25)" "$r.out" \
        'any(.findings[]; .catalog_id == "kfree" and .priority == 25)'
    jqe "the built-in kfree priority is not 25 (else the override proves nothing)" "$full.out" \
        'any(.findings[]; .catalog_id == "kfree" and .priority != 25)'
    jqe "the built-in products are still found with a catalog file" "$r.out" \
        'any(.findings[]; .catalog_id == "kes") and any(.findings[]; .catalog_id == "klnagent")'
    jqe "event 2000 names the catalog file" "$r.events" \
        'any(.[]; .id == 2000 and (.strings[3] | contains("catalog-contoso.txt")))' -s
}
e2e_test catalog-adds-and-overrides t_catalog_adds_and_overrides

t_catalog_malformed_exit_2() {
    local base line file
    file=$AVS_REPO/tests/fixtures/catalog-bad.txt
    line=$(grep -n '^role = overlord$' "$file" | cut -d: -f1)
    [[ -n $line ]] || fail "catalog-bad.txt lost its error line"
    base=$E2E_RES/catalog-bad
    e2e_run "$base" "$(e2e_prefix full)" scan --json --catalog "$(avs_winpath "$file")"
    expect_code "$base" 2
    [[ ! -s $base.out ]] || fail "a malformed catalog still produced a report: $(head -c 200 "$base.out")"
    grep -q -F "catalog-bad.txt:$line:" "$base.err" ||
        fail "stderr does not name catalog-bad.txt:$line: $(head -c 300 "$base.err")"
    grep -q -F "overlord" "$base.err" || fail "stderr does not quote the bad value"

    base=$E2E_RES/catalog-missing
    e2e_run "$base" "$(e2e_prefix clean)" scan --catalog 'C:\no\such\catalog.txt'
    expect_code "$base" 2
    grep -q -F 'catalog.txt' "$base.err" || fail "missing catalog file: stderr does not name it"
}
e2e_test catalog-malformed-exit-2 t_catalog_malformed_exit_2
