# shellcheck shell=bash disable=SC2016 # jq filters use $variables in single quotes on purpose
# AppLocker, "discontinue future use" (issue 9), under Wine. Wine does not enforce AppLocker: what
# these tests show is what avswap.exe reads (a policy written into the registry where Group
# Policy leaves it, the state of an Application Identity service, here fixturesvc.exe registered
# as AppIDSvc) and what it decides from it; the enforcement itself is docs/SECURITY.md's manual
# check on real Windows.
# Tests (applocker-...):
#   scan-reads-the-policy   enforced, with the services extension, audit, and absent once
#                           AppIDSvc stops; never a change of compliance or exit code
#   scan-without-appid      no AppIDSvc (plain Wine): source unavailable, absent
#   preflight-blocks-denied-uninstaller  remediate blocks the EXE removal AppLocker would deny
#                           (1602, event 3040); in audit mode the preflight passes
#   policy-file             `avswap policy applocker`: the shipped file, options, errors
e2e_independent

AL_EXE='HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Microsoft\Windows\SrpV2\Exe'
AL_KL='O=AO KASPERSKY LAB, L=MOSCOW, C=RU'

# _al_rule ID SID PUBLISHER: one rule key as Group Policy writes it (.reg text; quotes escaped).
_al_rule() {
    local xml
    xml="<FilePublisherRule Id=\"$1\" Name=\"Deny $3\" Description=\"\" UserOrGroupSid=\"$2\" Action=\"Deny\"><Conditions><FilePublisherCondition PublisherName=\"$3\" ProductName=\"*\" BinaryName=\"*\"><BinaryVersionRange LowSection=\"*\" HighSection=\"*\" /></FilePublisherCondition></Conditions></FilePublisherRule>"
    printf '[%s\\%s]\n"Value"="%s"\n\n' "$AL_EXE" "$1" "${xml//\"/\\\"}"
}

# _al_policy PREFIX NAME MODE SERVICES SID: the Exe collection with one deny rule for the
# vendor's current signer; MODE and SERVICES are the DWORDs EnforcementMode and
# ServiceEnforcementMode ("-" leaves the value out).
_al_policy() {
    local p=$1 name=$2 mode=$3 svc=$4 sid=$5 f
    f=$E2E_RES/$name.reg
    {
        printf 'Windows Registry Editor Version 5.00\n\n[-%s]\n\n[%s]\n' "$AL_EXE" "$AL_EXE"
        [[ $mode == - ]] || printf '"EnforcementMode"=dword:%08x\n' "$mode"
        [[ $svc == - ]] || printf '"ServiceEnforcementMode"=dword:%08x\n' "$svc"
        printf '\n'
        _al_rule 0f8e4c36-6a1b-4c55-9a3e-2b7d0c1e5f01 "$sid" "$AL_KL"
    } | { printf '\xff\xfe'; iconv -f UTF-8 -t UTF-16LE; } >"$f"
    avs_wine "$p" regedit /S "$(avs_winpath "$f")" >/dev/null 2>&1 || fail "regedit /S $f failed"
}

# _al_appid PREFIX: a stand-in Application Identity service (fixturesvc.exe), running.
_al_appid() {
    local p=$1 fx d
    fx=$(avs_fixtures_build)
    d="$p/drive_c/Program Files/AppIdStandIn"
    mkdir -p "$d"
    cp "$fx/fixturesvc.exe" "$d/appidsvc.exe"
    e2e_sc "$p" create AppIDSvc binPath= 'C:\Program Files\AppIdStandIn\appidsvc.exe' \
        DisplayName= 'Application Identity' >/dev/null || fail "sc create AppIDSvc failed"
    e2e_sc "$p" start AppIDSvc >/dev/null || fail "sc start AppIDSvc failed"
    [[ $(avs_fx_service_state "$p" AppIDSvc) == RUNNING ]] || fail "the stand-in AppIDSvc does not run"
}

# _al_scan BASE PREFIX EXPECT: scan --json; AppLocker EXPECT, compliance and exit code untouched.
_al_scan() {
    local r=$1 p=$2 want=$3
    e2e_avswap "$r" "$p" scan --json
    expect_code "$r" 0
    jqe "applocker '$want', source ok, still compliant: $(jq -c '{applocker, applocker_detail, s: .sources.applocker, compliant}' "$r.out")" \
        "$r.out" '.applocker == $w and .sources.applocker == "ok" and .compliant == true and .exit_code == 0' --arg w "$want"
    jqe "event 2030 says '$want': $(jq -c '[.[] | select(.id == 2030) | .strings]' "$r.eventsa")" "$r.eventsa" \
        '[.[] | select(.id == 2030)] | length == 1 and .[0].strings[0] == $w and .[0].strings[1] == "ok"' --arg w "$want"
}

t_applocker_scan_reads_the_policy() {
    local p r
    p=$(e2e_prefix_copy clean applocker-scan)
    e2e_session "$p"
    _al_appid "$p"
    # As Group Policy leaves an enforced policy: no EnforcementMode value means enforced.
    _al_policy "$p" al-enforced - - S-1-1-0
    r=$E2E_RES/al-enforced
    _al_scan "$r" "$p" enforced
    jqe "detail counts the rule and says users only: $(jq -r .applocker_detail "$r.out")" "$r.out" \
        '.applocker_detail | test("^1 deny rule") and test("not for services or SYSTEM")'

    _al_policy "$p" al-services 1 1 S-1-1-0
    _al_scan "$E2E_RES/al-services" "$p" enforced-including-services

    _al_policy "$p" al-audit 0 - S-1-1-0
    _al_scan "$E2E_RES/al-audit" "$p" audit

    # The text a helpdesk reads.
    r=$E2E_RES/al-text
    e2e_avswap "$r" "$p" scan
    expect_code "$r" 0
    tr -d '\r' <"$r.out" >"$r.txt"
    grep -q "^AppLocker (future use of the vendor's code): audit$" "$r.txt" ||
        fail "no AppLocker line in the text: $(grep -n -i applocker "$r.txt" | head -c 400)"
    grep -qE '^  applocker +ok \(1 read\)$' "$r.txt" || fail "no applocker source line: $(grep -i 'applocker ' "$r.txt")"

    # The Application Identity service stopped: nothing is enforced, whatever the policy says.
    _al_policy "$p" al-stopped 1 - S-1-1-0
    e2e_sc "$p" stop AppIDSvc >/dev/null || fail "sc stop AppIDSvc failed"
    r=$E2E_RES/al-stopped
    _al_scan "$r" "$p" absent
    jqe "detail: configured but AppIDSvc not running: $(jq -r .applocker_detail "$r.out")" "$r.out" \
        '.applocker_detail | test("configured") and test("not running")'
    avs_wine_stop "$p"
}
e2e_test applocker-scan-reads-the-policy t_applocker_scan_reads_the_policy

t_applocker_scan_without_appid() {
    local r
    r=$(e2e_scan applocker-no-appid clean scan --json)
    expect_code "$r" 0
    jqe "no AppIDSvc under Wine: source unavailable, applocker absent, still compliant: $(jq -c '{applocker, s: .sources.applocker, compliant}' "$r.out")" \
        "$r.out" '.applocker == "absent" and (.sources.applocker | startswith("unavailable: the Application Identity service"))
            and .compliant == true'
}
e2e_test applocker-scan-without-appid t_applocker_scan_without_appid

t_applocker_preflight_blocks_denied_uninstaller() {
    local p r
    p=$(e2e_prefix_copy remediable applocker-preflight)
    e2e_session "$p"
    _al_appid "$p"
    # A rule for Administrators, enforced: an elevated hand run is covered.
    _al_policy "$p" al-pf 1 - S-1-5-32-544
    r=$E2E_RES/al-pf
    e2e_avswap "$r" "$p" remediate --json
    expect_code "$r" 1602
    jqe "blocked at preflight: applocker, naming Kaspersky Free: $(jq -c '{outcome, step, reason, removed}' "$r.out")" "$r.out" \
        '.outcome == "blocked" and (.step | test("applocker")) and (.reason | test("Kaspersky Free"))
            and (.reason | test("administrator")) and (.removed | length == 0)'
    jqe "event 3040 (check applocker), no 3003, no removal: $(jq -c '[.[].id]' "$r.eventsa")" "$r.eventsa" \
        'any(.[]; .id == 3040 and .strings[1] == "applocker" and (.strings[2] | test("Kaspersky Free")))
            and all(.[]; .id != 3003 and .id != 4000)'
    eq "$(e2e_kfree_runs "$p")" 0 "Kaspersky Free's uninstaller runs"
    # The same policy in audit mode denies nothing: the dry run's preflight passes.
    _al_policy "$p" al-pf-audit 0 - S-1-5-32-544
    r=$E2E_RES/al-pf-audit
    e2e_avswap "$r" "$p" remediate --dry-run
    expect_code "$r" 0
    tr -d '\r' <"$r.out" | sed -n '/^Preflight:/,/^$/p' | grep -q '^  applocker: audit, does not deny it here$' ||
        fail "dry run's preflight lacks the applocker line: $(tr -d '\r' <"$r.out" | sed -n '/^Preflight:/,/^$/p')"
    avs_wine_stop "$p"
}
e2e_test applocker-preflight-blocks-denied-uninstaller t_applocker_preflight_blocks_denied_uninstaller

t_applocker_policy_file() {
    local p r f check=$AVS_REPO/tests/docs/check_applocker.sh
    p=$(e2e_prefix clean)
    # The default, to a file: the file shipped in msi/, byte for byte.
    r=$E2E_RES/al-file
    f=$E2E_RES/al-default.xml
    rm -f "$f"
    e2e_run "$r" "$p" policy applocker --out "$(avs_winpath "$f")"
    expect_code "$r" 0
    cmp -s "$f" "$AVS_REPO/msi/avswap-applocker.xml" || fail "--out differs from msi/avswap-applocker.xml: $(diff "$f" "$AVS_REPO/msi/avswap-applocker.xml" | head -c 400)"
    "$check" "$f" 3 >/dev/null || fail "default file: $("$check" "$f" 3 2>&1)"
    # Every option, to standard output; a site catalog with two more signers.
    printf '[vendor]\nsigner = O=Example Vendor One, C=RU\nsigner = O="Example, Two", L=Moscow, C=RU\n' >"$E2E_RES/al-site.txt"
    r=$E2E_RES/al-all
    e2e_run "$r" "$p" policy applocker --audit --services --dll --catalog "$(avs_winpath "$E2E_RES/al-site.txt")"
    expect_code "$r" 0
    tr -d '\r' <"$r.out" >"$r.xml"
    "$check" "$r.xml" 5 >/dev/null || fail "all options: $("$check" "$r.xml" 5 2>&1)"
    [[ $(xmllint --xpath 'count(//RuleCollection[@EnforcementMode="AuditOnly"])' "$r.xml") == 3 ]] || fail "not AuditOnly x3"
    [[ $(xmllint --xpath 'count(//RuleCollection[@Type="Exe" or @Type="Dll"]/RuleCollectionExtensions/ThresholdExtensions/Services[@EnforcementMode="Enabled"])' "$r.xml") == 2 ]] ||
        fail "no services extension in Exe and Dll"
    [[ $(xmllint --xpath "count(//FilePublisherCondition[@PublisherName='O=\"Example, Two\", L=Moscow, C=RU'])" "$r.xml") == 3 ]] ||
        fail "the site signer is not in each collection"
    # --merge: deny rules only, the estate's mode kept.
    r=$E2E_RES/al-merge
    e2e_run "$r" "$p" policy applocker --merge
    expect_code "$r" 0
    tr -d '\r' <"$r.out" >"$r.xml"
    "$check" "$r.xml" 3 >/dev/null || fail "merge: $("$check" "$r.xml" 3 2>&1)"
    [[ $(xmllint --xpath 'count(//FilePathRule)' "$r.xml") == 0 ]] || fail "--merge kept an allow rule"
    [[ $(xmllint --xpath 'count(//RuleCollection[@EnforcementMode="NotConfigured"])' "$r.xml") == 2 ]] || fail "--merge set a mode"
    # Usage errors and a file that cannot be written leave nothing behind.
    r=$E2E_RES/al-usage
    e2e_run "$r" "$p" policy applocker --bogus
    expect_code "$r" 2
    e2e_run "$r" "$p" policy
    expect_code "$r" 2
    e2e_run "$r" "$p" policy applocker --out 'C:\no\such\folder\p.xml'
    expect_code "$r" 1603
    grep -q 'cannot write' "$r.err" || fail "no message for an unwritable --out: $(head -c 300 "$r.err")"
}
e2e_test applocker-policy-file t_applocker_policy_file
