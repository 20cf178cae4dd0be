# shellcheck shell=bash disable=SC2016 # jq filters use $variables in single quotes on purpose
# Policy values are hostile input (docs/SECURITY.md, "Policy values"): each bad value in
# HKLM\SOFTWARE\Policies\AvSwap or HKLM\SOFTWARE\AvSwap gets an event (1100-1102) naming the value,
# the key, what was wrong and what was used instead; nothing is guessed; `avswap status` shows the
# effective values with their sources; a standard user's HKCU\Software\Policies\AvSwap is ignored.

E2E_POLICY_KEY='HKLM\SOFTWARE\Policies\AvSwap'
E2E_MSI_KEY='HKLM\SOFTWARE\AvSwap'
# The same keys as a .reg file names them.
E2E_POLICY_REG='HKEY_LOCAL_MACHINE\SOFTWARE\Policies\AvSwap'
E2E_MSI_REG='HKEY_LOCAL_MACHINE\SOFTWARE\AvSwap'

# e2e_policy_reg PREFIX NAME LINES: imports .reg LINES (without the header) into PREFIX.
e2e_policy_reg() {
    local prefix=$1 name=$2
    shift 2
    _avs_reg_import "$prefix" "$E2E_RES/$name.reg" <<EOF
Windows Registry Editor Version 5.00

$*
EOF
}

# A value longer than AvSwap takes (1024 bytes), as .reg text.
_e2e_long_value() { printf 'A%.0s' {1..3000}; }

t_policy_bad_values_events() {
    local p r s
    p=$(e2e_prefix_copy clean policy-bad)
    # Wrong type (DWORD for a word, a string for a DWORD), unknown word, window out of range, a
    # bad hash, an embedded NUL, an unpaired surrogate, a value over 1024 bytes, a relative path;
    # and in the MSI key, a Mode of the wrong type. hex(1) is REG_SZ written byte by byte.
    e2e_policy_reg "$p" policy-bad "[$E2E_POLICY_REG]
\"Mode\"=\"enforced\"
\"RandomDelayMinutes\"=\"30\"
\"RebootPolicy\"=hex(1):6e,00,00,00,65,00,76,00,65,00,72,00,00,00
\"MaintenanceWindow\"=\"25:00-04:00\"
\"ReplacementSha256\"=\"abc\"
\"UninstallLogin\"=hex(1):00,d8,41,00,00,00
\"ReplacementArgs\"=\"$(_e2e_long_value)\"
\"PasswordFile\"=\"pw.txt\"

[$E2E_MSI_REG]
\"Mode\"=dword:00000001"
    e2e_session "$p"
    r=$E2E_RES/policy-bad
    e2e_avswap "$r" "$p" remediate --dry-run --json
    expect_code "$r" 0
    local v what used key
    while IFS='|' read -r v key what used; do
        jqe "1100 for $v ($key): '$what', used '$used': $(jq -c '[.[] | select(.id == 1100) | .strings]' "$r.eventsa")" \
            "$r.eventsa" 'any(.[]; .id == 1100 and .strings[0] == $v and .strings[1] == $k
                and (.strings[2] | contains($w)) and .strings[3] == $u)' \
            --arg v "$v" --arg k "$key" --arg w "$what" --arg u "$used"
    done <<EOF
Mode|$E2E_POLICY_KEY|unknown mode|audit (default)
Mode|$E2E_MSI_KEY|wrong registry type|audit (default)
RandomDelayMinutes|$E2E_POLICY_KEY|wrong registry type|0 (default)
RebootPolicy|$E2E_POLICY_KEY|embedded NUL|never (default)
MaintenanceWindow|$E2E_POLICY_KEY|out of range|02:00-04:00 (default)
ReplacementSha256|$E2E_POLICY_KEY|not a SHA-256|(not set)
UninstallLogin|$E2E_POLICY_KEY|unpaired surrogate|KLAdmin (default)
ReplacementArgs|$E2E_POLICY_KEY|longer than|(not set)
PasswordFile|$E2E_POLICY_KEY|not an absolute path|(not set)
EOF
    jqe "exactly nine 1100 events: $(jq -c '[.[].id]' "$r.eventsa")" "$r.eventsa" '[.[] | select(.id == 1100)] | length == 9'
    jqe "1100 is a warning" "$r.eventsa" 'all(.[] | select(.id == 1100); .type == 2)'
    # status shows the same problems and the defaults in force, and writes no event.
    s=$E2E_RES/policy-bad-status
    e2e_avswap "$s" "$p" status --json
    expect_code "$s" 0
    jqe "status: mode audit from default, nine problems: $(jq -c .policy "$s.out" | head -c 600)" "$s.out" \
        '.policy.effective_mode == "audit" and .policy.values.Mode.source == "default"
            and (.policy.problems | length) == 9 and .policy.values.UninstallLogin.value == "KLAdmin"'
    jqe "status writes no 11xx event: $(jq -c '[.[].id]' "$s.eventsa")" "$s.eventsa" 'all(.[]; .id < 1100 or .id > 1149)'
    avs_wine_stop "$p"
}
e2e_test policy-bad-values-events t_policy_bad_values_events

t_policy_status_sources() {
    local p r h
    p=$(e2e_prefix_copy clean policy-sources)
    h=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
    e2e_policy_reg "$p" policy-sources "[$E2E_MSI_REG]
\"Mode\"=\"enforce\"
\"ReplacementPath\"=\"C:\\\\pkg\\\\msi-default.msi\"
\"ReplacementSha256\"=\"$h\"

[$E2E_POLICY_REG]
\"RebootPolicy\"=\"maintenance-window\"
\"MaintenanceWindow\"=\"22:00-04:00\"
\"RandomDelayMinutes\"=dword:0000002d
\"UninstallLogin\"=\"SecOps\""
    r=$E2E_RES/policy-sources
    e2e_avswap "$r" "$p" status --json
    expect_code "$r" 0
    jqe "sources: $(jq -c .policy.values "$r.out" | head -c 900)" "$r.out" '.policy.values as $v
        | .policy.effective_mode == "enforce"
        and $v.Mode == {"value": "enforce", "source": "msi"}
        and $v.ReplacementPath == {"value": "C:\\pkg\\msi-default.msi", "source": "msi"}
        and $v.ReplacementSha256.source == "msi"
        and $v.RebootPolicy == {"value": "maintenance-window", "source": "policy"}
        and $v.MaintenanceWindow == {"value": "22:00-04:00", "source": "policy"}
        and $v.RandomDelayMinutes == {"value": "45", "source": "policy"}
        and $v.UninstallLogin == {"value": "SecOps", "source": "policy"}
        and $v.CatalogPath == {"value": null, "source": "default"}
        and .policy.problems == []'
    r=$E2E_RES/policy-sources-text
    e2e_avswap "$r" "$p" status
    expect_code "$r" 0
    grep -q -a '^Policy: mode enforce - the service removes' "$r.out" || fail "text: $(head -c 600 "$r.out")"
    grep -q -a -E '^  Mode +enforce  \[msi\]' "$r.out" || fail "text Mode line: $(cat "$r.out")"
    grep -q -a -E '^  MaintenanceWindow +22:00-04:00  \[policy\]' "$r.out" || fail "text window line: $(cat "$r.out")"
    avs_wine_stop "$p"
}
e2e_test policy-status-sources t_policy_status_sources

# Attack: a standard user writes HKCU\Software\Policies\AvSwap (any user may) hoping to switch
# the service to enforce with a replacement of their own, or to drop the catalog. Policy is
# HKLM only: nothing of it is used.
t_policy_hkcu_ignored() {
    local p r
    p=$(e2e_prefix_copy clean policy-hkcu)
    e2e_policy_reg "$p" policy-hkcu "[HKEY_CURRENT_USER\\Software\\Policies\\AvSwap]
\"Mode\"=\"enforce\"
\"ReplacementPath\"=\"C:\\\\Users\\\\Public\\\\evil.msi\"
\"ReplacementSha256\"=\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"
\"PasswordFile\"=\"C:\\\\Users\\\\Public\\\\pw.txt\""
    avs_wine "$p" reg query 'HKCU\Software\Policies\AvSwap' /v Mode 2>/dev/null | grep -q enforce ||
        fail "the attack's precondition: the HKCU value was not written"
    r=$E2E_RES/policy-hkcu
    e2e_avswap "$r" "$p" status --json
    expect_code "$r" 0
    jqe "HKCU values ignored: $(jq -c .policy "$r.out" | head -c 600)" "$r.out" '.policy.values as $v
        | .policy.effective_mode == "audit" and $v.Mode.source == "default"
        and $v.ReplacementPath.value == null and $v.PasswordFile.value == null'
    avs_wine_stop "$p"
}
e2e_test policy-hkcu-ignored t_policy_hkcu_ignored
