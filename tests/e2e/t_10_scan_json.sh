# shellcheck shell=bash disable=SC2016 # jq filters use $variables in single quotes on purpose
# avswap scan --json on the full fixture endpoint (tests/fixtures, scripts/lib/endpoint.sh).

full_json() { e2e_scan full-json full scan --json; }

# finding NAME: the jq filter selecting the one finding with that exact name.
F='(.findings | map(select(.name == $n)))'

t_json_valid_exit_10() {
    local r
    r=$(full_json)
    expect_code "$r" 10
    jq -e . "$r.out" >/dev/null 2>&1 || fail "stdout is not valid JSON: $(head -c 200 "$r.out")"
    # Exactly one JSON value on stdout, and it is an object.
    eq "$(jq -s 'length' "$r.out")" 1 "number of JSON values on stdout"
    jqe "top level is not an object" "$r.out" 'type == "object"'
    iconv -f UTF-8 -t UTF-8 "$r.out" >/dev/null 2>&1 || fail "stdout is not valid UTF-8"
    eq "$(jq -r '.avswap_version' "$r.out")" "$(avs_project_version)" "avswap_version"
    jqe "compliant should be false" "$r.out" '.compliant == false'
    jqe "exit_code should be 10" "$r.out" '.exit_code == 10'
    jqe "host should be a non-empty string" "$r.out" '.host | type == "string" and length > 0'
    jqe "findings should be a non-empty array" "$r.out" '.findings | type == "array" and length > 0'
}
e2e_test json-valid-exit-10 t_json_valid_exit_10

t_finding_kes_msi_x64() {
    local r code
    r=$(full_json)
    code=$(wxs_product_code kes.wxs)
    [[ -n $code ]] || fail "no product code in kes.wxs"
    jqe "exactly one KES finding" "$r.out" "$F | length == 1" \
        --arg n "Kaspersky Endpoint Security for Windows"
    jqe "KES fields (version, publisher, product code $code, x64, machine, msi, kes, protection)" \
        "$r.out" "${F}[0] | .version == \"12.3.0.493\" and .publisher == \"AO Kaspersky Lab\"
            and .product_code == \$code and .arch == \"x64\" and .scope == \"machine\"
            and .user_sid == null and .uninstall == \"msi\" and .catalog_id == \"kes\"
            and .role == \"protection\" and (.priority | type == \"number\")" \
        --arg n "Kaspersky Endpoint Security for Windows" --arg code "$code"
    jqe "KES signals merged: uninstall-key, msi, service:AVP21.3 ($(jq -c "${F}[0].signals" --arg n "Kaspersky Endpoint Security for Windows" "$r.out"))" \
        "$r.out" "${F}[0].signals as \$s | [\"uninstall-key\", \"msi\", \"service:AVP21.3\"]
            | all(. as \$x | \$s | index(\$x))" --arg n "Kaspersky Endpoint Security for Windows"
    jqe "no other finding carries KES's product code" "$r.out" \
        '[.findings[] | select(.product_code == $code)] | length == 1' --arg code "$code"
}
e2e_test finding-kes-msi-x64 t_finding_kes_msi_x64

t_finding_klnagent_msi_x86() {
    local r code n="Kaspersky Security Center Network Agent"
    r=$(full_json)
    code=$(wxs_product_code klnagent.wxs)
    jqe "exactly one Network Agent finding" "$r.out" "$F | length == 1" --arg n "$n"
    jqe "Network Agent fields (14.0.0.10902, $code, x86, msi, management)" "$r.out" \
        "${F}[0] | .version == \"14.0.0.10902\" and .product_code == \$code and .arch == \"x86\"
            and .scope == \"machine\" and .uninstall == \"msi\" and .catalog_id == \"klnagent\"
            and .role == \"management\"" --arg n "$n" --arg code "$code"
    jqe "Network Agent signals: uninstall-key, msi, service:klnagent" "$r.out" \
        "${F}[0].signals as \$s | [\"uninstall-key\", \"msi\", \"service:klnagent\"]
            | all(. as \$x | \$s | index(\$x))" --arg n "$n"
    jqe "the management agent is removed after every protection product" "$r.out" \
        '([.findings[] | select(.role == "protection") | .priority] | max) <
         ([.findings[] | select(.role == "management") | .priority] | min)'
}
e2e_test finding-klnagent-msi-x86 t_finding_klnagent_msi_x86

t_finding_kfree_exe_x86() {
    local r n="Kaspersky Free"
    r=$(full_json)
    jqe "exactly one Kaspersky Free finding" "$r.out" "$F | length == 1" --arg n "$n"
    jqe "Kaspersky Free: exe uninstaller, 32-bit view, no product code" "$r.out" \
        "${F}[0] | .version == \"21.3.10.391\" and .publisher == \"Kaspersky\" and .arch == \"x86\"
            and .scope == \"machine\" and .uninstall == \"exe\" and .product_code == null
            and .catalog_id == \"kfree\" and (.signals | index(\"uninstall-key\"))
            and (.signals | index(\"msi\") | not)" --arg n "$n"
}
e2e_test finding-kfree-exe-x86 t_finding_kfree_exe_x86

t_finding_kpm_per_user() {
    local r sid n="Kaspersky Password Manager"
    r=$(full_json)
    sid=$(avs_user_sid "$(e2e_prefix full)")
    jqe "exactly one Password Manager finding" "$r.out" "$F | length == 1" --arg n "$n"
    jqe "Password Manager: scope user, user_sid $sid, exe, utility" "$r.out" \
        "${F}[0] | .scope == \"user\" and .user_sid == \$sid and .uninstall == \"exe\"
            and .catalog_id == \"kpm\" and .role == \"utility\" and .version == \"9.0.2.1186\"" \
        --arg n "$n" --arg sid "$sid"
    jqe "per-machine findings have user_sid null" "$r.out" \
        '[.findings[] | select(.scope == "machine") | .user_sid] | all(. == null)'
}
e2e_test finding-kpm-per-user t_finding_kpm_per_user

t_driver_and_vendor_key_merged() {
    local r
    r=$(full_json)
    jqe "exactly one finding carries driver:klif" "$r.out" \
        '[.findings[] | select(.signals | index("driver:klif"))] | length == 1'
    jqe "driver:klif belongs to a protection product" "$r.out" \
        '.findings[] | select(.signals | index("driver:klif")) | .role == "protection"'
    jqe "the vendor registry key is a signal (registry:SOFTWARE\\KasperskyLab)" "$r.out" \
        '[.findings[].signals[] | select(. == "registry:SOFTWARE\\KasperskyLab")] | length == 1'
    jqe "no remnant finding when every component has a product of its role" "$r.out" \
        'all(.findings[]; .name != "Kaspersky components without an uninstall entry"
            and .catalog_id != "remnant")'
}
e2e_test driver-and-vendor-key-merged t_driver_and_vendor_key_merged

t_one_finding_per_product() {
    local r
    r=$(full_json)
    jqe "finding names are unique: $(jq -c '[.findings[].name]' "$r.out")" "$r.out" \
        '[.findings[].name] | length == (unique | length)'
    jqe "product codes are unique" "$r.out" \
        '[.findings[].product_code | select(. != null)] | length == (unique | length)'
    jqe "every signal list is free of duplicates" "$r.out" \
        'all(.findings[]; .signals | length == (unique | length))'
    # The six named products, plus at most the vendor's empty-named entry (as "other").
    jqe "expected products missing or unexpected findings: $(jq -c '[.findings[].name]' "$r.out")" \
        "$r.out" '[.findings[] | select(.name | IN($ARGS.positional[]))] | length == 6' \
        --args "Kaspersky Endpoint Security for Windows" "Kaspersky Security Center Network Agent" \
        "Kaspersky Free" "Kaspersky Password Manager" "Kaspersky Total Security" \
        "$AVS_FX_TRICKY_NAME"
    jqe "a 7th finding may only be the vendor's unnamed entry" "$r.out" \
        '(.findings | length) == 6 or ((.findings | length) == 7 and
            ([.findings[] | select(.catalog_id == "other")] | length) == 1)'
}
e2e_test one-finding-per-product t_one_finding_per_product

t_decoys_not_findings() {
    local r
    r=$(full_json)
    jqe "a decoy is a finding: $(jq -c '[.findings[].name]' "$r.out")" "$r.out" \
        '[.findings[] | select((.name | test("K-Lite|KLayout|AvSwap|Contoso"; "i"))
            or ((.publisher // "") | test("KLCP|Köfferlein|AvSwap|Contoso")))] | length == 0'
}
e2e_test decoys-not-findings t_decoys_not_findings

t_malformed_values_noted() {
    local r
    r=$(full_json)
    jqe "notes is an array of {key, value, problem}" "$r.out" \
        '.notes | type == "array" and all(.[]; (.key | type == "string") and
            (.value | type == "string") and (.problem | type == "string" and length > 0))'
    jqe "REG_BINARY DisplayName noted: $(jq -c .notes "$r.out" | head -c 300)" "$r.out" \
        'any(.notes[]; (.key | endswith("\\KasperskyBinaryName")) and .value == "DisplayName")'
    jqe "a REG_BINARY name is never used" "$r.out" \
        '[.findings[] | select(.name == "Kaspersky Internet Security")] | length == 0'
    jqe "unterminated REG_SZ noted" "$r.out" \
        'any(.notes[]; (.key | endswith("\\KasperskyUnterminated")) and .value == "DisplayName")'
    jqe "unterminated REG_SZ used after repair (Kaspersky Total Security, x86)" "$r.out" \
        'any(.findings[]; .name == "Kaspersky Total Security" and .arch == "x86"
            and .catalog_id == "kts")'
    jqe "unpaired surrogate noted" "$r.out" \
        'any(.notes[]; (.key | endswith("\\KasperskySurrogate")) and .value == "DisplayName")'
    jqe "a name with an unpaired surrogate is never used" "$r.out" \
        '[.findings[] | select(.name | startswith("Kaspersky Small Office"))] | length == 0'
    jqe "no finding has an empty name" "$r.out" 'all(.findings[]; .name | length > 0)'
}
e2e_test malformed-values-noted t_malformed_values_noted

t_tricky_name_round_trip() {
    local r
    r=$(full_json)
    jqe "the name with quotes, tab, backslash and non-ASCII is not reproduced exactly: $(jq -c '[.findings[].name]' "$r.out")" \
        "$r.out" "$F | length == 1" --arg n "$AVS_FX_TRICKY_NAME"
    jqe "tricky-name finding matched as kav" "$r.out" "${F}[0].catalog_id == \"kav\"" \
        --arg n "$AVS_FX_TRICKY_NAME"
    # The raw bytes: the tab is escaped (JSON forbids raw control characters in strings).
    LC_ALL=C grep -q $'\t' "$r.out" && fail "raw tab in JSON output"
    grep -q '\\t' "$r.out" || fail "tab not written as \\t"
    return 0
}
e2e_test tricky-name-round-trip t_tricky_name_round_trip

t_sources_and_approved() {
    local r
    r=$(full_json)
    jqe "sources ok: $(jq -c .sources "$r.out")" "$r.out" \
        '.sources | .["uninstall-64"] == "ok" and .["uninstall-32"] == "ok"
            and .["uninstall-users"] == "ok" and .msi == "ok" and .services == "ok"
            and .registry == "ok"'
    jqe "wsc unavailable under Wine, with a reason: $(jq -c .sources.wsc "$r.out")" "$r.out" \
        '.sources.wsc | startswith("unavailable: ") and length > 14'
    jqe "approved Defender from service:WinDefend, stopped: $(jq -c .approved "$r.out")" \
        "$r.out" 'any(.approved[]; .source == "service:WinDefend" and .state == "stopped"
            and (.name | length > 0))'
}
e2e_test sources-and-approved t_sources_and_approved
