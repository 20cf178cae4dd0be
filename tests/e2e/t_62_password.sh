# shellcheck shell=bash disable=SC2016 # jq filters use $variables in single quotes on purpose
# A password-protected KES (kes-pwd.msi: a type-19 custom action fails its removal with 1603
# unless KLPASSWD is right), with the wrong and then the right password; then the passwords are
# searched for in everything AvSwap could have written.

# watch_cmdlines PREFIX OUT STOP: until the file STOP exists, every few milliseconds, writes to OUT
# the command line of each process of PREFIX not seen before ("N<TAB>cmdline"; the first line
# says how many samples were taken). What another process of the machine could read.
watch_cmdlines() {
    perl -e '
        my ($prefix, $out, $stop) = @ARGV;
        my %seen; my $samples = 0;
        until (-e $stop) {
            $samples++;
            for my $d (glob "/proc/[0-9]*") {
                open(my $e, "<", "$d/environ") or next;
                local $/; my $env = <$e>; close $e;
                next unless defined $env && index("\0$env", "\0WINEPREFIX=$prefix\0") >= 0;
                open(my $c, "<", "$d/cmdline") or next;
                my $cl = <$c>; close $c;
                next unless defined $cl;
                $cl =~ tr/\0/ /;
                $seen{$cl}++;
            }
            select(undef, undef, undef, 0.005);
        }
        open(my $o, ">", $out) or die;
        print $o "samples\t$samples\n";
        print $o "$seen{$_}\t$_\n" for sort keys %seen;
    ' -- "$@"
}

t_password_wrong_then_right_and_never_written() {
    local p r s kes wrong=Wrong-e2e-Secret-77 right=$AVS_FX_KES_PASSWORD base_counts after_counts
    p=$(e2e_prefix_copy remediable-pwd password)
    kes=$(wxs_product_code kes.wxs)
    # The password files live on Z: (the test's results dir), outside drive_c.
    printf '%s\n' "$wrong" >"$E2E_RES/pw-wrong.txt"
    printf '%s\r\n' "$right" >"$E2E_RES/pw-right.txt"
    # Where the secrets already are before AvSwap runs (the cached kes-pwd package holds the
    # right one in its condition): AvSwap may add them nowhere.
    export E2E_SECRETS="$wrong"$'\n'"$right"
    base_counts=$E2E_RES/pw-secrets-before
    e2e_secret_counts "$base_counts" "$p/drive_c" "$p"/*.reg
    e2e_session "$p"

    # Wrong password: 1603 at KES, the first product; nothing after it is touched, KES still
    # protects (Defender is not started: there is nothing to replace yet).
    r=$E2E_RES/pw-wrong
    e2e_avswap "$r" "$p" remediate --password-file "$(avs_winpath "$E2E_RES/pw-wrong.txt")" --json
    expect_code "$r" 1603
    jqe "wrong password: failed at remove, nothing removed, Defender not running: $(head -c 500 "$r.out")" "$r.out" \
        '.outcome == "failed" and .step == "remove" and .removed == [] and .replacement.running == false
            and (.reason | test("Kaspersky Endpoint Security") and test("1603"))'
    jqe "wrong password: 4004 for KES with result 1603 and its MSI log: $(jq -c '[.[] | select(.id == 4004) | .strings]' "$r.eventsa")" \
        "$r.eventsa" 'any(.[]; .id == 4004 and .strings[1] == $a and .strings[3] == $k and .strings[4] == "1603"
            and (.strings[6] | test("\\\\ProgramData\\\\AvSwap\\\\logs\\\\")))' --arg a "$E2E_KES" --arg k "$kes"
    jqe "wrong password: one 4000 (KES only), 6003 last" "$r.eventsa" \
        '([.[] | select(.id == 4000)] | length == 1) and .[-1].id == 6003'
    s=$E2E_RES/pw-wrong-scan
    e2e_scan_now "$s" "$p"
    jqe "after the wrong password KES, Kaspersky Free and the agent are all still there: $(jq -c '[.findings[].name]' "$s.out")" \
        "$s.out" '[.findings[].name] == [$a, $b, $c]' --arg a "$E2E_KES" --arg b "$E2E_KFREE" --arg c "$E2E_AGENT"
    eq "$(e2e_kfree_runs "$p")" 0 "Kaspersky Free uninstaller runs after the failure"
    e2e_expect_service "$p" WinDefend STOPPED

    # Right password (the file ends in CRLF, as Notepad writes it): everything removed. Meanwhile
    # the command lines of the machine's processes are watched.
    r=$E2E_RES/pw-right
    rm -f -- "$E2E_RES/pw-watch.stop"
    watch_cmdlines "$p" "$E2E_RES/pw-watch.txt" "$E2E_RES/pw-watch.stop" &
    local watcher=$!
    e2e_avswap "$r" "$p" remediate --password-file "$(avs_winpath "$E2E_RES/pw-right.txt")" --json
    touch "$E2E_RES/pw-watch.stop"
    wait "$watcher" || fail "the command-line watcher failed"
    expect_code "$r" 0
    echo "command lines seen during the run: $(head -n 1 "$E2E_RES/pw-watch.txt"); $(sed 1d "$E2E_RES/pw-watch.txt" | cut -f2 | tr '\n' ';' | head -c 600)"
    grep -q 'avswap\.exe.*remediate' "$E2E_RES/pw-watch.txt" ||
        fail "the watcher never saw avswap.exe's command line: it did not watch the run"
    grep -a -q -F -e "$right" "$E2E_RES/pw-watch.txt" &&
        fail "the password was on a process command line: $(grep -a -F -e "$right" "$E2E_RES/pw-watch.txt" | head -c 300)"
    jqe "right password: compliant, KES removed first: $(head -c 500 "$r.out")" "$r.out" \
        '.outcome == "compliant" and ([.removed[].name] == [$a, $b, $c]) and .removed[0].result == 0' \
        --arg a "$E2E_KES" --arg b "$E2E_KFREE" --arg c "$E2E_AGENT"
    s=$E2E_RES/pw-right-scan
    e2e_scan_now "$s" "$p"
    expect_code "$s" 0
    e2e_expect_service "$p" WinDefend RUNNING

    # The MSI logs were written (so the search below covers them) and name the property.
    local logs=$p/drive_c/ProgramData/AvSwap/logs
    compgen -G "$logs/*$kes.log" >/dev/null || fail "no MSI log for KES in $logs: $(ls "$logs")"
    # Wine's verbose log lists every property with its value: the scrub leaves the line with a
    # fixed mask, which does not even tell the password's length.
    grep -a -q -E 'KLPASSWD = \*{8}\r?$' "$logs"/*"$kes".log ||
        fail "the KES MSI log has no masked KLPASSWD line: $(grep -a KLPASSWD "$logs"/*"$kes".log | head -c 300)"

    # The search: stdout, stderr and the Event Log trace of both runs; every file under drive_c;
    # the registry (*.reg). Nothing may hold a password that was not there before.
    avs_wine_stop "$p" # the registry reaches the .reg files when the wineserver exits
    local f
    for f in "$E2E_RES"/pw-wrong.{out,err} "$E2E_RES"/pw-right.{out,err}; do
        grep -a -q -F -e "$wrong" -e "$right" "$f" && fail "a password is in $(basename "$f"): $(grep -a -F -e "$wrong" -e "$right" "$f" | head -c 200)"
    done
    after_counts=$E2E_RES/pw-secrets-after
    e2e_secret_counts "$after_counts" "$p/drive_c" "$p"/*.reg
    local leaked
    leaked=$(awk -F'\t' 'NR == FNR { before[$2] = $1; next } ($1 + 0) > (before[$2] + 0) { print $2 " (" $1 " times)" }' \
        "$base_counts" "$after_counts")
    [[ -z $leaked ]] || fail "a password was written to: ${leaked//$'\n'/; }"
    echo "secret occurrences before: $(wc -l <"$base_counts") file(s); after: $(wc -l <"$after_counts") file(s)"
    # The search itself works: the password file it is given is found by the same code.
    e2e_secret_counts "$E2E_RES/pw-selftest" "$E2E_RES/pw-right.txt"
    [[ -s $E2E_RES/pw-selftest ]] || fail "the secret search does not find the password in its own file"
}
e2e_test password-wrong-then-right-never-written t_password_wrong_then_right_and_never_written
