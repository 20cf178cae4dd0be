# shellcheck shell=bash disable=SC2016 # jq filters use $variables in single quotes on purpose
# `avswap remediate` by hand with no flags takes the replacement (path, SHA-256), the catalog
# (path, SHA-256) and the login from Group Policy, acts although Mode says audit, and records the
# result in HKLM\SOFTWARE\AvSwap\State for management tools (docs/DEPLOY.md).

t_policy_remediate_from_policy() {
    local p r fx pkg sha cat catsha
    p=$(e2e_prefix_copy remediable policy-remediate)
    fx=$(avs_remediation_fixtures_build)
    pkg=$(avs_winpath "$fx/contoso-av.msi")
    sha=$(sha256sum "$fx/contoso-av.msi" | cut -d' ' -f1)
    cat=$(avs_winpath "$AVS_REPO/tests/fixtures/catalog-approved-contoso-coexist.txt")
    catsha=$(sha256sum "$AVS_REPO/tests/fixtures/catalog-approved-contoso-coexist.txt" | cut -d' ' -f1)
    e2e_policy_reg "$p" policy-remediate "[$E2E_POLICY_REG]
\"Mode\"=\"audit\"
\"ReplacementPath\"=\"${pkg//\\/\\\\}\"
\"ReplacementSha256\"=\"$sha\"
\"CatalogPath\"=\"${cat//\\/\\\\}\"
\"CatalogSha256\"=\"$catsha\""
    e2e_session "$p"
    r=$E2E_RES/policy-remediate
    e2e_avswap "$r" "$p" remediate --json
    expect_code "$r" 0
    jqe "compliant with Contoso from policy, install-first (the policy's catalog says it coexists): $(head -c 500 "$r.out")" \
        "$r.out" '.outcome == "compliant" and .strategy == "install-first"
            and .replacement == {"name": "Contoso Antivirus", "installed": true, "running": true}
            and (.removed | length) == 3'
    jqe "2000: the policy's catalog, pinned: $(jq -c '[.[] | select(.id == 2000) | .strings[3]]' "$r.eventsa")" \
        "$r.eventsa" 'any(.[]; .id == 2000 and (.strings[3] | contains("catalog-approved-contoso-coexist.txt") and contains("pinned")))'
    jqe "5000: staged with the policy's hash" "$r.eventsa" 'any(.[]; .id == 5000 and .strings[3] == $h)' --arg h "$sha"
    jqe "no 11xx event: the policy is clean" "$r.eventsa" 'all(.[]; .id < 1100 or .id > 1149)'
    # The State key, as an SCCM configuration item would read it.
    eq "$(e2e_state_value "$p" Compliant)" 0x1 "State Compliant"
    eq "$(e2e_state_value "$p" LastOutcome)" compliant "State LastOutcome"
    eq "$(e2e_state_value "$p" Findings)" 0x3 "State Findings"
    eq "$(e2e_state_value "$p" RunId)" "$(jq -r .run_id "$r.out")" "State RunId"
    [[ $(e2e_state_value "$p" LastRunUtc) =~ ^20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z$ ]] ||
        fail "State LastRunUtc: $(e2e_state_value "$p" LastRunUtc)"
    avs_wine_stop "$p"
}
e2e_test policy-remediate-from-policy t_policy_remediate_from_policy

# enforce without a valid pin: the replacement named by policy is not trusted and nothing is
# removed (the safety invariant), whatever Mode says; the State key says blocked.
t_policy_remediate_unpinned_blocks() {
    local p r fx pkg
    p=$(e2e_prefix_copy remediable policy-unpinned)
    fx=$(avs_remediation_fixtures_build)
    pkg=$(avs_winpath "$fx/contoso-av.msi")
    e2e_policy_reg "$p" policy-unpinned "[$E2E_POLICY_REG]
\"Mode\"=\"enforce\"
\"ReplacementPath\"=\"${pkg//\\/\\\\}\"
\"ReplacementSha256\"=\"not-a-hash\""
    e2e_session "$p"
    r=$E2E_RES/policy-unpinned
    e2e_avswap "$r" "$p" remediate --json
    expect_code "$r" 1602
    jqe "blocked, nothing removed: $(head -c 400 "$r.out")" "$r.out" '.outcome == "blocked" and .removed == []'
    jqe "1100 for the bad hash, 1101 for the unpinned path: $(jq -c '[.[] | select(.id >= 1100 and .id < 1150) | [.id, .strings[0]]]' "$r.eventsa")" \
        "$r.eventsa" 'any(.[]; .id == 1100 and .strings[0] == "ReplacementSha256")
            and any(.[]; .id == 1101 and .strings[0] == "ReplacementPath")'
    jqe "no removal started" "$r.eventsa" 'all(.[]; .id != 4000)'
    eq "$(e2e_state_value "$p" LastOutcome)" blocked "State LastOutcome"
    eq "$(e2e_state_value "$p" Compliant)" 0x0 "State Compliant"
    avs_wine_stop "$p"
}
e2e_test policy-remediate-unpinned-blocks t_policy_remediate_unpinned_blocks

# Attack: the State key planted as a registry symbolic link to another key, so that AvSwap
# (SYSTEM) writes its values there. On Windows only an administrator can create keys under
# HKLM\SOFTWARE; the rule is that even then AvSwap does not write through a link: event 9100,
# the target untouched, the run's own result unchanged.
t_policy_state_not_through_link() {
    local p r tools
    p=$(e2e_prefix_copy clean policy-state-link)
    tools=$(avs_tools_dir)
    avs_wine "$p" reg add 'HKLM\SOFTWARE\AvSwapElsewhere' /f >/dev/null || fail "reg add failed"
    avs_wine "$p" "$(avs_winpath "$tools/reglink.exe")" 'SOFTWARE\AvSwap\State' \
        '\Registry\Machine\SOFTWARE\AvSwapElsewhere' || fail "reglink failed"
    # The attack's precondition: a value written through the link lands in the target.
    avs_wine "$p" reg add 'HKLM\SOFTWARE\AvSwap\State' /v Probe /d x /f >/dev/null 2>&1 || true
    avs_wine "$p" reg query 'HKLM\SOFTWARE\AvSwapElsewhere' /v Probe 2>/dev/null | grep -q Probe ||
        fail "the link does not redirect writes under Wine: the test would show nothing"
    avs_wine "$p" reg delete 'HKLM\SOFTWARE\AvSwapElsewhere' /v Probe /f >/dev/null 2>&1 || true
    e2e_session "$p"
    r=$E2E_RES/policy-state-link
    e2e_avswap "$r" "$p" remediate --json
    expect_code "$r" 0
    jqe "9100 names the key and says unsafe: $(jq -c '[.[] | select(.id == 9100) | .strings]' "$r.eventsa")" \
        "$r.eventsa" 'any(.[]; .id == 9100 and .strings[0] == "HKLM\\SOFTWARE\\AvSwap\\State"
            and (.strings[2] | test("unsafe")))'
    if avs_wine "$p" reg query 'HKLM\SOFTWARE\AvSwapElsewhere' 2>/dev/null | tr -d '\r' |
        grep -q -E 'Compliant|LastOutcome'; then
        fail "AvSwap wrote through the link: $(avs_wine "$p" reg query 'HKLM\SOFTWARE\AvSwapElsewhere' 2>&1 | tr -d '\r')"
    fi
    avs_wine_stop "$p"
}
e2e_test policy-state-not-through-link t_policy_state_not_through_link
