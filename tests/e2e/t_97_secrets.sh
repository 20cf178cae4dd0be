# shellcheck shell=bash disable=SC2016 # jq filters use $variables in single quotes on purpose
# Attack 5, "read the password": a password with a '"' (Windows Installer echoes it MSI-quoted,
# `KLPASSWD="Q7""e2e ..."`), a run killed after Windows Installer wrote its log and before
# AvSwap scrubbed it (the TEST build's stopping point "msi-logged", core/testhook.h), then the
# next run: it must scrub that log before it does anything else, and in the end the password
# is in no file under drive_c and in no output. KLLOGIN gets the login, not the password: the
# fixture's removal fails unless KLLOGIN="KLAdmin" and KLPASSWD is right.

# The password (no "'" : msibuild's SQL quotes with it). Regex-like characters and a space too.
E2E_SECRETS_PW='Q7"e2e s3cr.t*(97)'

# kes-pwdq.msi: kes.msi whose removal fails (type-19 custom actions, WINE.md) unless KLPASSWD
# equals the package's AVSFXPWD property (an MSI condition cannot quote a '"') and KLLOGIN is
# KLAdmin. Built next to the other remediation fixtures.
_secrets_fixture() {
    local fx q='`' t
    fx=$(avs_remediation_fixtures_build)
    [[ -f $fx/kes-pwdq.msi ]] && return 0
    t=$fx/kes-pwdq.tmp.msi
    cp "$fx/kes.msi" "$t"
    msibuild "$t" -q "INSERT INTO ${q}Property${q} (${q}Property${q},${q}Value${q}) VALUES ('AVSFXPWD','$E2E_SECRETS_PW')" &&
        msibuild "$t" -q "INSERT INTO ${q}CustomAction${q} (${q}Action${q},${q}Type${q},${q}Source${q},${q}Target${q}) VALUES ('NeedPwd',19,'','Wrong password')" &&
        msibuild "$t" -q "INSERT INTO ${q}CustomAction${q} (${q}Action${q},${q}Type${q},${q}Source${q},${q}Target${q}) VALUES ('NeedLogin',19,'','Wrong login')" &&
        msibuild "$t" -q "INSERT INTO ${q}InstallExecuteSequence${q} (${q}Action${q},${q}Condition${q},${q}Sequence${q}) VALUES ('NeedLogin','REMOVE=\"ALL\" AND KLLOGIN<>\"KLAdmin\"',1398)" &&
        msibuild "$t" -q "INSERT INTO ${q}InstallExecuteSequence${q} (${q}Action${q},${q}Condition${q},${q}Sequence${q}) VALUES ('NeedPwd','REMOVE=\"ALL\" AND KLPASSWD<>AVSFXPWD',1399)" ||
        fail "msibuild kes-pwdq.msi failed"
    mv -f -- "$t" "$fx/kes-pwdq.msi"
}

t_secrets_quoted_password_killed_mid_removal() {
    local p r1 r2 kes logs log pw=$E2E_SECRETS_PW dbl marker exe base_counts after_counts leaked
    dbl=${pw//\"/\"\"}
    _secrets_fixture
    p=$AVS_WORK/own-secrets
    avs_prefix_remove "$p" 2>/dev/null || rm -rf -- "$p"
    cp -a -- "$(avs_template)" "$p"
    make_remediable_endpoint "$p" kes-pwdq.msi >&2
    kes=$(wxs_product_code kes.wxs)
    logs=$p/drive_c/ProgramData/AvSwap/logs
    printf '%s\r\n' "$pw" >"$E2E_RES/secrets-pw.txt"
    export E2E_SECRETS="$pw"$'\n'"$dbl"
    base_counts=$E2E_RES/secrets-before
    e2e_secret_counts "$base_counts" "$p/drive_c" # the package itself holds it (AVSFXPWD)
    e2e_session "$p"

    # 1. The TEST build stops right after KES's Windows Installer removal returned, before the
    #    scrub; the test kills it there: what a crash at that moment leaves.
    exe=$(e2e_test_exe)
    marker=$E2E_RES/secrets.marker
    rm -f -- "$marker"
    r1=$E2E_RES/secrets-1
    (AVS_TEST_STOP_AT=msi-logged AVS_TEST_STOP_MARKER=$(avs_winpath "$marker") E2E_EXE=$exe \
        e2e_avswap "$r1" "$p" remediate --password-file "$(avs_winpath "$E2E_RES/secrets-pw.txt")" --json) \
        >/dev/null 2>&1 &
    local bg=$!
    e2e_wait_marker "$marker" "${E2E_KILL_WAIT:-240}" || fail "the test build never reached msi-logged"
    grep -q 'stopped at point msi-logged' "$marker" || fail "marker: $(head -c 200 "$marker")"
    local pids
    pids=$(e2e_wine_pids "$p" avswap.exe)
    [[ -n $pids ]] || fail "no avswap.exe to kill"
    # shellcheck disable=SC2086 # one PID per word
    kill -9 $pids
    wait "$bg" || true
    log=$(compgen -G "$logs/*$kes.log" | head -n 1) || true
    [[ -n $log && -f $log ]] || fail "no KES log in $logs: $(ls "$logs" 2>&1)"
    # The attack's precondition: that log holds the password (Wine lists every property).
    grep -a -q -F -e "$pw" -e "$dbl" "$log" ||
        fail "the killed run's log does not hold the password: the test shows nothing"
    echo "killed at msi-logged; the KES log holds the password $(grep -a -c -F -e "$pw" -e "$dbl" "$log") time(s):"
    local l
    grep -a -E 'KLPASSWD|KLLOGIN|AVSFXPWD' "$log" | head -n 8 | while IFS= read -r l; do
        l=${l//"$dbl"/<PW-MSI-QUOTED>}
        printf '  %s\n' "${l//"$pw"/<PW>}"
    done
    # 2. Run again (the shipped build), with the password: the first thing it does is scrub.
    r2=$E2E_RES/secrets-2
    e2e_avswap "$r2" "$p" remediate --password-file "$(avs_winpath "$E2E_RES/secrets-pw.txt")" --json
    expect_code "$r2" 0
    jqe "the rerun continued the run to compliance, KES removed: $(head -c 400 "$r2.out")" "$r2.out" \
        '.outcome == "compliant" and .resumed == true and (.removed | any(.product_code == $k))' --arg k "$kes"
    local p4030 p3000
    p4030=$(e2e_ev_pos "$r2" 4030)
    p3000=$(e2e_ev_pos "$r2" 3000)
    [[ $p4030 -ge 0 ]] || fail "no 4030 (log scrubbed) event: $(jq -c '[.[].id]' "$r2.eventsa")"
    [[ $p4030 -eq 0 && $p4030 -lt $p3000 ]] ||
        fail "the scrub was not the first thing the rerun did: events $(jq -c '[.[].id]' "$r2.eventsa")"
    jqe "4030 names the KES log" "$r2.eventsa" '.[0].strings[1] | test("logs\\\\")'
    grep -a -q -E 'KLPASSWD = \*{8}\r?$' "$log" ||
        fail "no masked property dump line: $(grep -a KLPASSWD "$log" | head -c 300)"
    grep -a -q -E 'KLLOGIN = KLAdmin\r?$' "$log" ||
        fail "KLLOGIN did not receive the login: $(grep -a KLLOGIN "$log" | head -c 300)"

    # 3. Nowhere: every file under drive_c (the registry too), the outputs of both runs.
    avs_wine_stop "$p"
    local f
    for f in "$r1".{out,err} "$r2".{out,err}; do
        grep -a -q -F -e "$pw" -e "$dbl" "$f" && fail "the password is in $(basename "$f")"
    done
    after_counts=$E2E_RES/secrets-after
    e2e_secret_counts "$after_counts" "$p/drive_c" "$p"/*.reg
    leaked=$(awk -F'\t' 'NR == FNR { before[$2] = $1; next } ($1 + 0) > (before[$2] + 0) { print $2 " (" $1 " times)" }' \
        "$base_counts" "$after_counts")
    [[ -z $leaked ]] || fail "the password was written to: ${leaked//$'\n'/; }"
    e2e_secret_counts "$E2E_RES/secrets-selftest" "$E2E_RES/secrets-pw.txt"
    [[ -s $E2E_RES/secrets-selftest ]] || fail "the secret search does not find the password in its own file"
}
e2e_test secrets-quoted-password-killed-mid-removal t_secrets_quoted_password_killed_mid_removal

# The hooks live only in the test build: the shipped exe has none of their names.
t_secrets_test_hooks_not_shipped() {
    local exe
    exe=$(e2e_test_exe)
    grep -a -q AVS_TEST_STOP "$exe" || fail "the check would not see the hooks: none in $exe"
    grep -a -q AVS_TEST_STOP "$AVS_DIST/avswap.exe" && fail "dist/avswap.exe contains the test hooks"
    grep -a -q -P 'A\x00V\x00S\x00_\x00T\x00E\x00S\x00T\x00_\x00' "$AVS_DIST/avswap.exe" &&
        fail "dist/avswap.exe contains the test hooks (UTF-16)"
    return 0
}
e2e_test secrets-test-hooks-not-shipped t_secrets_test_hooks_not_shipped
