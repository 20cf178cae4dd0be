# shellcheck shell=bash disable=SC2016 # jq filters use $variables in single quotes on purpose
# Busy: another AvSwap remediation (Global\AvSwap.Remediate held) and another installation
# (Global\_MSIExecute held, as Windows Installer does while it runs) each end the run with 1618 and
# nothing removed; with both released, the same command goes through.

# hold_mutex PREFIX NAME TAG: holdmutex.exe holds NAME in PREFIX until release_mutex TAG.
hold_mutex() {
    local prefix=$1 name=$2 tag=$3 i
    rm -f -- "$E2E_RES/hold-$tag.release"
    AVS_WINEDEBUG=-all avs_wine "$prefix" "$(avs_winpath "$E2E_TOOLS/holdmutex.exe")" "$name" \
        "$(avs_winpath "$E2E_RES")\\hold-$tag.release" 120 >"$E2E_RES/hold-$tag.out" 2>&1 &
    echo $! >"$E2E_RES/hold-$tag.pid"
    for ((i = 0; i < 300; i++)); do
        grep -q '^held' "$E2E_RES/hold-$tag.out" 2>/dev/null && return 0
        sleep 0.1
    done
    fail "holdmutex did not take $name: $(head -c 300 "$E2E_RES/hold-$tag.out")"
}

release_mutex() {
    local pid
    touch "$E2E_RES/hold-$1.release"
    pid=$(<"$E2E_RES/hold-$1.pid")
    wait "$pid" || fail "holdmutex ($1) ended with an error: $(head -c 300 "$E2E_RES/hold-$1.out")"
    grep -q '^released' "$E2E_RES/hold-$1.out" || fail "holdmutex ($1) did not release: $(head -c 300 "$E2E_RES/hold-$1.out")"
}

t_busy_second_instance_and_installer() {
    local p r t0 ms
    p=$(e2e_prefix_copy remediable busy)
    e2e_session "$p"

    # A second instance: the first holds Global\AvSwap.Remediate.
    hold_mutex "$p" 'Global\AvSwap.Remediate' avswap
    r=$E2E_RES/busy-second
    e2e_avswap "$r" "$p" remediate --json
    release_mutex avswap
    expect_code "$r" 1618
    jqe "second instance: outcome busy, nothing removed: $(head -c 400 "$r.out")" "$r.out" \
        '.outcome == "busy" and .exit_code == 1618 and .removed == [] and (.reason | test("another AvSwap remediation"))'
    jqe "second instance: event 3007 naming the account, and no removal: $(jq -c '[.[] | [.id, .strings]]' "$r.eventsa" | head -c 300)" \
        "$r.eventsa" 'any(.[]; .id == 3007 and (.strings[0] | length > 0)) and all(.[]; .id != 4000 and .id != 3001)'
    [[ ! -e $(e2e_journal "$p") ]] || fail "the second instance wrote a journal"
    expect_nothing_removed "$r" "$p" "second instance"

    # Windows Installer busy: bounded, jittered backoff for --busy-timeout 3 s, then 1618.
    hold_mutex "$p" 'Global\_MSIExecute' msi
    r=$E2E_RES/busy-installer
    t0=$(date +%s%N)
    e2e_avswap "$r" "$p" remediate --busy-timeout 3 --json
    ms=$((($(date +%s%N) - t0) / 1000000))
    release_mutex msi
    echo "installer busy: avswap returned after $ms ms"
    expect_code "$r" 1618
    jqe "installer busy: outcome busy at preflight, nothing removed: $(head -c 400 "$r.out")" "$r.out" \
        '.outcome == "busy" and .removed == [] and .step == "installer" and (.reason | test("Windows Installer is busy"))'
    jqe "installer busy: 3006 with the seconds waited (1-3), then 6004 last: $(jq -c '[.[] | select(.id >= 3000) | [.id, .strings[1]]]' "$r.eventsa")" \
        "$r.eventsa" 'any(.[]; .id == 3006 and (.strings[1] | tonumber) >= 1 and (.strings[1] | tonumber) <= 3)
            and .[-1].id == 6004 and all(.[]; .id != 4000)'
    [[ $ms -ge 2000 ]] || fail "avswap returned after $ms ms: it did not wait for the installer"
    [[ $ms -le 20000 ]] || fail "avswap waited $ms ms with --busy-timeout 3"
    expect_nothing_removed "$r" "$p" "installer busy"

    # Both released: the same command removes everything.
    r=$E2E_RES/busy-after
    e2e_avswap "$r" "$p" remediate --busy-timeout 3 --json
    expect_code "$r" 0
    jqe "after the release: compliant, three removed" "$r.out" '.outcome == "compliant" and (.removed | length == 3)'
    avs_wine_stop "$p"
}
e2e_test busy-second-instance-and-installer t_busy_second_instance_and_installer
