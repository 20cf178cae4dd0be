# shellcheck shell=bash disable=SC2016 # jq filters use $variables in single quotes on purpose
# `avswap secret set` / `clear`: the uninstall password as a DPAPI machine-scope blob in AvSwap's
# protected folder, used by a remediation without password flags, and found in no output, event,
# log or file in the clear (docs/DEPLOY.md: why it never goes into a Group Policy value).

t_secret_set_remediate_clear() {
    local p r pw=$AVS_FX_KES_PASSWORD blob base_counts after_counts leaked f
    p=$(e2e_prefix_copy remediable-pwd secret)
    printf '%s\r\n' "$pw" >"$E2E_RES/secret-in.txt"
    export E2E_SECRETS="$pw"
    base_counts=$E2E_RES/secret-before
    e2e_secret_counts "$base_counts" "$p/drive_c" "$p"/*.reg # the kes-pwd package holds it
    e2e_session "$p"

    r=$E2E_RES/secret-set
    e2e_avswap "$r" "$p" secret set --from-file "$(avs_winpath "$E2E_RES/secret-in.txt")"
    expect_code "$r" 0
    grep -q -a 'The uninstall password is set' "$r.out" || fail "secret set: $(cat "$r.out" "$r.stderr")"
    blob=$p/drive_c/ProgramData/AvSwap/uninstall-password.bin
    [[ -s $blob ]] || fail "no blob at $blob"
    jqe "1110 names the file and the protection: $(jq -c '[.[] | select(.id == 1110) | .strings]' "$r.eventsa")" \
        "$r.eventsa" 'any(.[]; .id == 1110 and .strings[0] == "C:\\ProgramData\\AvSwap\\uninstall-password.bin"
            and (.strings[1] | test("DPAPI machine scope")))'

    # status says where the password would come from, never what it is.
    r=$E2E_RES/secret-status
    e2e_avswap "$r" "$p" status --json
    jqe "status: machine secret: $(jq -c .policy.uninstall_password "$r.out")" "$r.out" \
        '.policy.uninstall_password | startswith("machine secret")'

    # A run without password flags uses it: kes-pwd.msi's removal fails unless KLPASSWD is right.
    r=$E2E_RES/secret-remediate
    e2e_avswap "$r" "$p" remediate --json
    expect_code "$r" 0
    jqe "compliant, KES removed with the machine secret: $(head -c 400 "$r.out")" "$r.out" \
        '.outcome == "compliant" and (.removed | length) == 3'

    r=$E2E_RES/secret-clear
    e2e_avswap "$r" "$p" secret clear
    expect_code "$r" 0
    [[ ! -e $blob ]] || fail "secret clear left $blob"
    jqe "1111 says it was set" "$r.eventsa" 'any(.[]; .id == 1111 and .strings[1] == "yes")'
    r=$E2E_RES/secret-clear-again
    e2e_avswap "$r" "$p" secret clear
    expect_code "$r" 0
    grep -q -a 'No uninstall password was set' "$r.out" || fail "second clear: $(cat "$r.out")"

    # Nowhere: the outputs and event traces of every command, every file under drive_c and the
    # registry files (the blob is DPAPI-protected, so not even it holds the password).
    avs_wine_stop "$p"
    for f in "$E2E_RES"/secret-*.out "$E2E_RES"/secret-*.err; do
        grep -a -q -F -e "$pw" "$f" && fail "the password is in $(basename "$f")"
    done
    after_counts=$E2E_RES/secret-after
    e2e_secret_counts "$after_counts" "$p/drive_c" "$p"/*.reg
    leaked=$(awk -F'\t' 'NR == FNR { before[$2] = $1; next } ($1 + 0) > (before[$2] + 0) { print $2 " (" $1 " times)" }' \
        "$base_counts" "$after_counts")
    [[ -z $leaked ]] || fail "the password was written to: ${leaked//$'\n'/; }"
    e2e_secret_counts "$E2E_RES/secret-selftest" "$E2E_RES/secret-in.txt"
    [[ -s $E2E_RES/secret-selftest ]] || fail "the secret search does not find the password in its own file"
}
e2e_test secret-set-remediate-clear t_secret_set_remediate_clear

# A password on the command line (visible in process lists) is refused without being repeated.
t_secret_not_on_command_line() {
    local p r pw=Cmdline-e2e-Pw-31
    p=$(e2e_prefix clean)
    r=$E2E_RES/secret-cmdline
    e2e_avswap "$r" "$p" secret set "$pw"
    expect_code "$r" 2
    grep -q -a 'never taken on the command line' "$r.stderr" || fail "stderr: $(cat "$r.stderr")"
    grep -a -q -F "$pw" "$r.out" "$r.err" && fail "the refused password was echoed"
    [[ ! -e $p/drive_c/ProgramData/AvSwap/uninstall-password.bin ]] || fail "a blob was written"
    return 0
}
e2e_test secret-not-on-command-line t_secret_not_on_command_line
