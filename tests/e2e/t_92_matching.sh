# shellcheck shell=bash disable=SC2016 # jq filters use $variables in single quotes on purpose
# Attack 6, "hide a product" (docs/CATALOG.md, "Matching"): machine Uninstall entries whose name
# or publisher differs from the catalog's only by white space, invisible characters, case or
# look-alike letters are still found; decoys that share letters are still not. And catalogs
# cannot hide the vendor: a --catalog file that would approve a built-in prohibited product is
# refused (exit 2, file:line), and --catalog-sha256 uses a file only when its SHA-256 matches.
# (The refusal rules one by one: tests/unit/test_catalog_guard.c and test_cli_catalog.c.)

# Key name, DisplayName, Publisher ("" for none), the catalog id it must be found as ("" for a
# decoy), one per line, '|'-separated. The invisible and look-alike characters are written as
# UTF-8 bytes so that this file stays ASCII (and reviewable); regedit imports them from a UTF-16
# .reg file, so the exact characters reach the registry.
_m_entries() {
    local nbsp=$'\xc2\xa0' zwsp=$'\xe2\x80\x8b' rlo=$'\xe2\x80\xae' pdf=$'\xe2\x80\xac'
    local cyr_a=$'\xd0\xb0' nbhyph=$'\xe2\x80\x91' o_uml=$'\xc3\xb6'
    # Kaspersky in Cyrillic look-alikes (Ka s p e g s k u)
    local kasp=$'\xd0\x9a\xd0\xb0\xd1\x95\xd1\x80\xd0\xb5\xd0\xb3\xd1\x95\xd0\xba\xd1\x83'
    # "AO Laboratoriya Kasperskogo" in Cyrillic: the vendor's Russian-locale publisher
    local ru_pub=$'\xd0\x90\xd0\x9e \xd0\x9b\xd0\xb0\xd0\xb1\xd0\xbe\xd1\x80\xd0\xb0\xd1\x82\xd0\xbe\xd1\x80\xd0\xb8\xd1\x8f \xd0\x9a\xd0\xb0\xd1\x81\xd0\xbf\xd0\xb5\xd1\x80\xd1\x81\xd0\xba\xd0\xbe\xd0\xb3\xd0\xbe'
    # "Antivirus Kasperskogo" in Cyrillic: Kaspersky Anti-Virus, Russian edition
    local ru_kav=$'\xd0\x90\xd0\xbd\xd1\x82\xd0\xb8\xd0\xb2\xd0\xb8\xd1\x80\xd1\x83\xd1\x81 \xd0\x9a\xd0\xb0\xd1\x81\xd0\xbf\xd0\xb5\xd1\x80\xd1\x81\xd0\xba\xd0\xbe\xd0\xb3\xd0\xbe'
    cat <<EOF
AvsHideLeadingSpace| Kaspersky Free||kfree
AvsHideNbsp|Kaspersky${nbsp}Free||kfree
AvsHideZwspInWord|Kasper${zwsp}sky Free||kfree
AvsHideZwspAsSpace|Kaspersky${zwsp}Free||kfree
AvsHideCyrillicA|K${cyr_a}spersky Free||kfree
AvsHideAllCyrillic|${kasp} Internet Security||kis
AvsHideBidi|${rlo}Kaspersky Total Security${pdf}||kts
AvsHidePublisherRu|Contoso Suite 1|${ru_pub}|other
AvsHidePublisherLabs|Contoso Suite 2|Kaspersky Labs|other
AvsHidePublisherDot|Contoso Suite 3|AO Kaspersky Lab.|other
AvsHideProductRu|${ru_kav}|${ru_pub}|kav
AvsDecoyKLite|K${nbhyph}Lite Codec Pack 18.0.0 Basic|KLCP|
AvsDecoyKLayout|KLayout 0.29.0|Matthias K${o_uml}fferlein|
AvsDecoyFanClub|Fan Club Tools|Kaspersky Fan Club|
EOF
}

# A clean prefix with the entries above under HKLM (64-bit view).
_m_prefix() {
    local p=$1 key name pub
    {
        printf 'Windows Registry Editor Version 5.00\n\n'
        while IFS='|' read -r key name pub _; do
            printf '[HKEY_LOCAL_MACHINE\\%s\\%s]\n"DisplayName"="%s"\n"DisplayVersion"="1.0"\n' \
                "$AVS_FX_UNINST" "$key" "$name"
            [[ -z $pub ]] || printf '"Publisher"="%s"\n' "$pub"
            printf '"UninstallString"="C:\\\\Program Files\\\\%s\\\\uninst.exe"\n\n' "$key"
        done < <(_m_entries)
    } | _avs_reg_import "$p" "$AVS_WORK/matching-hide.reg"
}

_m_hide_prefix() {
    local p=$AVS_WORK/own-matching-hide
    if [[ ! -f $p/.m-ready ]]; then
        p=$(e2e_prefix_copy clean matching-hide)
        _m_prefix "$p"
        avs_wine_stop "$p"
        touch "$p/.m-ready"
    fi
    printf '%s\n' "$p"
}

t_matching_hidden_names_are_found() {
    local p r key name pub id missing=() wrong=()
    p=$(_m_hide_prefix)
    r=$E2E_RES/matching-hide
    e2e_run "$r" "$p" scan --json
    expect_code "$r" 10
    jqe "scan --json printed no report" "$r.out" '.findings | type == "array"'
    while IFS='|' read -r key name pub id; do
        if [[ -n $id ]]; then
            jq -e --arg k "\\$key" --arg id "$id" \
                'any(.findings[]; (.key // "" | endswith($k)) and .catalog_id == $id)' \
                "$r.out" >/dev/null || missing+=("$key ('$name' / '$pub' as $id)")
        else
            jq -e --arg k "\\$key" 'all(.findings[]; (.key // "" | endswith($k)) | not)' \
                "$r.out" >/dev/null || wrong+=("$key ('$name' / '$pub')")
        fi
    done < <(_m_entries)
    [[ ${#missing[@]} -eq 0 ]] || fail "hidden from the scan: ${missing[*]} -- found: $(jq -c '[.findings[] | [.key, .catalog_id]]' "$r.out")"
    [[ ${#wrong[@]} -eq 0 ]] || fail "decoys reported as findings: ${wrong[*]}"
}
e2e_test matching-hidden-names-are-found t_matching_hidden_names_are_found

# An administrator's (or an attacker's) catalog file that approves a Kaspersky product.
_m_catalog() {
    local f=$AVS_WORK/$1
    cat >"$f"
    printf '%s\n' "$f"
}

t_matching_catalog_cannot_approve_the_vendor() {
    local p r f line
    p=$(e2e_prefix clean)
    f=$(_m_catalog approve-kaspersky.txt <<'EOF'
# Looks like an approval of a site EDR; its second pattern covers Kaspersky Free.
[approved site-edr]
name = Site EDR
service = SiteEDR
match = Site EDR*
match = K*Free*
EOF
)
    line=$(grep -n '^match = K\*Free\*$' "$f" | cut -d: -f1)
    r=$E2E_RES/matching-approve
    e2e_run "$r" "$p" scan --json --catalog "$(avs_winpath "$f")"
    expect_code "$r" 2
    [[ ! -s $r.out ]] || fail "a refused catalog still produced a report: $(head -c 200 "$r.out")"
    grep -q -F "approve-kaspersky.txt:$line:" "$r.err" ||
        fail "stderr does not name approve-kaspersky.txt:$line: $(head -c 400 "$r.err")"
    grep -q -F "cannot approve what the built-in catalog prohibits" "$r.err" ||
        fail "stderr does not say why: $(head -c 400 "$r.err")"

    # A file's section for a built-in product cannot drop its patterns.
    f=$(_m_catalog narrow-kfree.txt <<'EOF'
[product kfree]
name = Kaspersky Free
match = Nothing Matches This*
role = protection
priority = 20
EOF
)
    r=$E2E_RES/matching-narrow
    e2e_run "$r" "$(_m_hide_prefix)" scan --json --catalog "$(avs_winpath "$f")"
    expect_code "$r" 10
    jqe "a file narrowing kfree hid it: $(jq -c '[.findings[] | [.key, .catalog_id]]' "$r.out")" \
        "$r.out" 'any(.findings[]; (.key // "" | endswith("\\AvsHideNbsp")) and .catalog_id == "kfree")'
}
e2e_test matching-catalog-cannot-approve-the-vendor t_matching_catalog_cannot_approve_the_vendor

t_matching_catalog_sha256_pin() {
    local p r f good bad
    p=$(e2e_prefix clean)
    f=$(_m_catalog pinned.txt <<'EOF'
[approved site-edr]
name = Site EDR
service = SiteEDR
EOF
)
    good=$(sha256sum "$f" | cut -d' ' -f1)
    bad=$(printf 'not the file' | sha256sum | cut -d' ' -f1)

    r=$E2E_RES/matching-pin-bad
    e2e_run "$r" "$p" scan --json --catalog "$(avs_winpath "$f")" --catalog-sha256 "$bad"
    expect_code "$r" 2
    [[ ! -s $r.out ]] || fail "a mismatching catalog still produced a report"
    grep -q -F "$good" "$r.err" || fail "mismatch: stderr does not give the file's SHA-256 $good: $(head -c 400 "$r.err")"
    grep -q -F "$bad" "$r.err" || fail "mismatch: stderr does not give the pin $bad"
    grep -q -F "pinned.txt" "$r.err" || fail "mismatch: stderr does not name the file"

    # Malformed pins and a pin without a file: tests/unit/test_cli_catalog.c.
    r=$E2E_RES/matching-pin-good
    e2e_run "$r" "$p" scan --json --catalog "$(avs_winpath "$f")" --catalog-sha256 "${good^^}"
    expect_code "$r" 0
    jqe "the pinned file's approval is used" "$r.out" '.compliant == true'
}
e2e_test matching-catalog-sha256-pin t_matching_catalog_sha256_pin
