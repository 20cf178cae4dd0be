# shellcheck shell=bash disable=SC2016 # jq filters use $variables in single quotes on purpose
# The process killed at several moments of a run, then run again: the run continues (same run ID),
# every product is removed exactly once, Defender runs, and the journal verifies.
#
# Every moment is a state the test waits for, never a window it hopes to hit, so the tests pass
# on a loaded machine:
#   hook   the TEST build of avswap.exe (build/mingw-test, core/testhook.h) stops right after
#          appending journal record K (and checks it is the step:phase named) and writes a
#          marker; the test waits for the marker and kills it there
#   gate-msi  KES's removal (kes-slow.msi) runs fixturesleep.exe, which holds at a gate file the
#          test created until the test removes it: the test waits until it holds (the removal is
#          in progress, avswap.exe waits in Windows Installer) and kills then
#   gate-exe  the same with Kaspersky Free's EXE uninstaller (gate.flag next to it; it counts
#          its run in runs.log first)
#   busy   Windows Installer is kept busy (Global\_MSIExecute) so that the run waits in its
#          preflight, right after the plan, for as long as the mutex is held
# The journal, line by line: 1-2 plan, 3-4 preflight, 5-6 KES removal, 7-8 Defender "install",
# 9-10 Defender verified running, 11-12 Kaspersky Free, 13-14 the agent, 15 outcome.
#   kill   kill -9 of avswap.exe alone (a crash: Windows and its services go on)
#   power  wineserver -k: every process of the machine ends (a power cut), then a restart
# A waited-for state is bounded by E2E_KILL_WAIT seconds (default 240: Wine under load is slow).
# Each case works on its own copy of the endpoint and names its files after itself, so the cases
# may run at the same time (tests/e2e/run --jobs).
e2e_independent

# The Linux PIDs of PREFIX's Wine processes whose program (argv[0]) ends with NAME.
e2e_wine_pids() {
    local prefix=$1 name=$2 d exe
    for d in /proc/[0-9]*; do
        exe=$(tr '\0' '\n' 2>/dev/null <"$d/cmdline" | head -n 1) || continue
        [[ ${exe,,} == *"${name,,}" ]] || continue
        tr '\0' '\n' 2>/dev/null <"$d/environ" | grep -q -x -F "WINEPREFIX=$prefix" || continue
        printf '%s\n' "${d#/proc/}"
    done
}

# Complete lines (ending in a newline) of the journal, 0 when there is none.
journal_lines() {
    local j
    j=$(e2e_journal "$1")
    if [[ -f $j ]]; then wc -l <"$j"; else echo 0; fi
}

# kill_case NAME K KMAX HOW [torn] [busy|gate-msi|gate-exe|hook:SPEC]
#   K..KMAX   complete journal lines expected when the kill lands
#   SPEC      AVS_TEST_STOP_AT for the test build: K, or K:STEP:PHASE
kill_case() {
    local name=$1 k=$2 kmax=$3 how=$4 torn=${5:-} wait=${6:-} p j base bg n pids run_id last
    local limit=${E2E_KILL_WAIT:-240} start gate='' marker='' exe=''
    p=$(e2e_prefix_copy remediable-slow "kill-$name")
    e2e_session "$p"
    j=$(e2e_journal "$p")
    base=$E2E_RES/kill-$name
    local kfree="$p/drive_c/Program Files (x86)/Kaspersky Lab/Kaspersky Free 21.3"
    case $wait in
        busy) hold_mutex "$p" 'Global\_MSIExecute' "kill-$name" ;;
        gate-msi) gate=$p/drive_c/windows/fixturesleep.gate ;;
        gate-exe) gate=$kfree/gate.flag ;;
        hook:*)
            exe=$(e2e_test_exe)
            marker=$E2E_RES/kill-$name.marker
            rm -f -- "$marker"
            ;;
        '') ;;
        *) fail "unknown wait mode $wait" ;;
    esac
    [[ -z $gate ]] || : >"$gate"

    if [[ -n $exe ]]; then
        (AVS_TEST_STOP_AT=${wait#hook:} AVS_TEST_STOP_MARKER=$(avs_winpath "$marker") E2E_EXE=$exe \
            e2e_avswap "$base-1" "$p" remediate --busy-timeout 60 --json) >/dev/null 2>&1 &
    else
        (e2e_avswap "$base-1" "$p" remediate --busy-timeout 60 --json) >/dev/null 2>&1 &
    fi
    bg=$!
    start=$SECONDS
    # The state: the hook's marker, or the gated program holding, or K journal lines (busy).
    while :; do
        case $wait in
            hook:*) [[ -s $marker ]] && break ;;
            gate-msi) [[ -f $p/drive_c/windows/fixturesleep.started ]] && break ;;
            gate-exe) [[ $(e2e_kfree_runs "$p") -ge 1 ]] && break ;;
            *) [[ $(journal_lines "$p") -ge $k ]] && break ;;
        esac
        kill -0 "$bg" 2>/dev/null || fail "avswap ended before the moment $name (journal: $(journal_lines "$p") lines)"
        ((SECONDS - start < limit)) || fail "the moment $name never came in $limit s (journal: $(journal_lines "$p") lines)"
        sleep 0.05
    done
    echo "moment $name: reached after $((SECONDS - start)) s${marker:+: $(head -n 1 "$marker")}"
    if [[ -n $marker ]] && grep -q 'NOT the step' "$marker"; then
        fail "$name: the hook stopped at a record other than the one named: $(head -n 1 "$marker")"
    fi
    case $how in
        kill)
            pids=$(e2e_wine_pids "$p" avswap.exe)
            [[ -n $pids ]] || fail "no avswap.exe process to kill in $p"
            # shellcheck disable=SC2086 # one PID per word
            kill -9 $pids
            ;;
        power) WINEPREFIX=$p timeout -k 5 20 "$(_avs_wineserver)" -k ;;
        *) fail "unknown kill method $how" ;;
    esac
    wait "$bg" || true
    # The gated program may go on now (or is gone with the machine).
    [[ -z $gate ]] || rm -f -- "$gate"
    n=$(journal_lines "$p")
    last=$(sed -n "${n}p" "$j" | jq -r '"\(.step) \(.phase) \(.product // "")"' 2>/dev/null || echo '?')
    echo "moment $name: wanted K=$k..$kmax, killed ($how) with $n complete journal lines; the last: $last"
    [[ $n -ge $k ]] || fail "$name: the kill landed before line $k (at $n; the last record: $last)"
    [[ $n -le $kmax ]] || fail "$name: the kill landed after line $n, past the moment (K=$k..$kmax; the last record: $last)"
    [[ $wait != busy || $how == power ]] || release_mutex "kill-$name"
    run_id=$(head -n 1 "$j" | jq -r .run_id)
    if [[ -n $torn ]]; then
        # A record torn by the kill, half written: no newline.
        printf '{"seq":%d,"time":"2026-01-01T00:00:00.000Z","host":"' $((n + 1)) >>"$j"
        echo "moment $name: appended a torn half line after line $n"
    fi
    if [[ $how == power ]]; then
        e2e_reboot "$p"
    fi

    # Run again (once more after a restart if it asks for one).
    e2e_avswap "$base-2" "$p" remediate --json
    if [[ $(<"$base-2.code") == 3010 ]]; then
        e2e_reboot "$p"
        e2e_avswap "$base-2" "$p" remediate --json
    fi
    expect_code "$base-2" 0
    jqe "$name: the rerun continued the killed run ($run_id) to compliance: $(head -c 500 "$base-2.out")" "$base-2.out" \
        '.outcome == "compliant" and .resumed == true and .run_id == $id and .remaining == []
            and .replacement.running == true and ([.removed[].name] == [$a, $b, $c])' \
        --arg id "$run_id" --arg a "$E2E_KES" --arg b "$E2E_KFREE" --arg c "$E2E_AGENT"

    # Exactly once: per product, every "begin" is closed by one "end" in the end: one final
    # record, success (0), or 1605 when the re-check after the interruption found it gone;
    # at most one extra "begin" (the attempt the kill interrupted).
    local jj=$base.journal.json line code begins ends ok
    e2e_journal_json "$p" "$jj"
    while IFS='|' read -r line code; do
        begins=$(jq --arg k "$code" '[.[] | select(.step == "remove" and .phase == "begin" and .product_code == $k)] | length' "$jj")
        ends=$(jq --arg k "$code" '[.[] | select(.step == "remove" and .phase == "end" and .product_code == $k)] | length' "$jj")
        ok=$(jq --arg k "$code" '[.[] | select(.step == "remove" and .phase == "end" and .product_code == $k)]
            | length == 1 and (.[0].outcome == 0 or (.[0].outcome == 1605 and (.[0].detail | test("interruption"))))' "$jj")
        echo "moment $name: $line: $begins begin, $ends end"
        [[ $ends -eq 1 && $ok == true ]] || fail "$name: $line has $ends end record(s): $(jq -c --arg k "$code" '[.[] | select(.step == "remove" and .product_code == $k) | [.phase, .outcome, .detail]]' "$jj")"
        [[ $begins -ge 1 && $begins -le 2 ]] || fail "$name: $line has $begins begin records"
    done < <(e2e_remediable_products)
    # The EXE uninstaller ran once per journaled attempt, never without a record.
    local kb
    kb=$(jq '[.[] | select(.step == "remove" and .phase == "begin" and .product_code == "KasperskyFree")] | length' "$jj")
    eq "$(e2e_kfree_runs "$p")" "$kb" "$name: Kaspersky Free uninstaller runs versus its journaled attempts"
    jqe "$name: one run ID throughout" "$jj" '[.[].run_id] | unique == [$id]' --arg id "$run_id"
    if [[ -n $torn ]]; then
        jqe "$name: the torn line was dropped and noted in a journal record" "$jj" \
            'any(.[]; .step == "journal")'
    fi

    e2e_expect_service "$p" WinDefend RUNNING
    local s=$base-scan
    e2e_scan_now "$s" "$p"
    expect_code "$s" 0
    e2e_expect_chain "$p"
    e2e_run "$base-verify" "$p" evidence verify
    expect_code "$base-verify" 0
    avs_wine_stop "$p"
}

t_kill_after_plan() { kill_case after-plan 3 3 kill '' busy; }
e2e_test kill-after-plan t_kill_after_plan

t_kill_during_kes_msi() { kill_case during-kes-msi 5 5 kill '' gate-msi; }
e2e_test kill-during-kes-msi t_kill_during_kes_msi

t_kill_power_while_defender_starts() { kill_case power-while-defender-starts 9 9 power '' hook:9:replacement-verify:begin; }
e2e_test kill-power-while-defender-starts t_kill_power_while_defender_starts

t_kill_during_exe_uninstaller() { kill_case during-exe-uninstaller 11 11 kill '' gate-exe; }
e2e_test kill-during-exe-uninstaller t_kill_during_exe_uninstaller

# A power cut while the EXE uninstaller works (it dies before removing anything), with the
# journal's next record torn in half. (Not during an MSI removal: Wine's Windows Installer has no
# rollback after a power cut and may leave the product half removed, a service without its
# product, which AvSwap then rightly reports as a remnant it cannot remove: 1603.)
t_kill_power_torn_line() { kill_case power-torn-line 11 11 power torn gate-exe; }
e2e_test kill-power-torn-line t_kill_power_torn_line

# Right after the journal says KES's removal began, before Windows Installer is called: the
# test build stops there (a point no timing could hit reliably).
t_kill_after_kes_begin() { kill_case after-kes-begin 5 5 kill '' hook:5:remove:begin; }
e2e_test kill-after-kes-begin t_kill_after_kes_begin
