# shellcheck shell=bash disable=SC2016 # jq filters use $variables in single quotes on purpose
# The AvSwap service's lifecycle under Wine's Service Control Manager: registered with sc create
# and Start=2, it starts with the session (boot), reports RUNNING, runs once (audit by default: 6020 and nothing changed), stops
# cleanly on `sc stop` with exit code 0, and says so in events 1001, 1004, 1002. Started by
# hand, avswapsvc.exe refuses (2): it has no command line.

t_service_start_stop() {
    local p trace ev r
    p=$(e2e_prefix_copy clean svc-life)
    trace=$E2E_RES/svc-life.trace
    e2e_svc_install "$p"
    e2e_svc_session "$p" "$trace"
    # Start=2: the session's services.exe starts it, as Windows does at boot.
    e2e_svc_wait "$p" RUNNING 30
    e2e_ev_wait "$trace" 6020 60
    e2e_sc "$p" stop AvSwap >/dev/null || fail "sc stop AvSwap failed"
    e2e_svc_wait "$p" STOPPED 30
    e2e_sc "$p" query AvSwap >"$E2E_RES/svc-life.query"
    grep -q 'WIN32_EXIT_CODE *: 0 ' "$E2E_RES/svc-life.query" ||
        fail "a clean stop exits 0: $(tr -s ' ' <"$E2E_RES/svc-life.query")"
    e2e_ev_wait "$trace" 1002 10
    ev=$E2E_RES/svc-life.events
    e2e_svc_events "$trace" "$ev"
    jqe "events 1001 (version, audit, default), 1004 (service start, audit), 2000, 6020, 1002 (stop): $(jq -c '[.[].id]' "$ev")" "$ev" \
        '(map(.id) | index(1001)) < (map(.id) | index(1004)) and (map(.id) | index(1004)) < (map(.id) | index(2000))
            and (map(.id) | index(2000)) < (map(.id) | index(6020)) and .[-1].id == 1002
            and (.[] | select(.id == 1001) | .strings[1:]) == ["audit", "default"]
            and (.[] | select(.id == 1004) | .strings) == ["service start", "audit"]
            and (.[] | select(.id == 1002) | .strings[0]) == "stop"
            and all(.[]; .id < 4000 or .id >= 6000)'

    # By hand: not a console program.
    r=$E2E_RES/svc-by-hand
    E2E_EXE="$p/drive_c/Program Files/AvSwap/avswapsvc.exe" e2e_run "$r" "$p"
    expect_code "$r" 2
    grep -q 'Service Control Manager starts it' "$r.err" || fail "by hand: $(head -c 300 "$r.err")"
    avs_wine_stop "$p"
}
e2e_test service-start-stop t_service_start_stop
