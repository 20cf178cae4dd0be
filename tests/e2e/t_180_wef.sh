# shellcheck shell=bash disable=SC2016 # jq filters use $variables in single quotes on purpose
# The Windows Event Forwarding kit against real runs (docs/AUDIT.md): one machine's AvSwap log
# after a blocked run (the replacement's SHA-256 does not match: 1602, 6002) and then a
# remediation (KES, Kaspersky Free and the agent removed, Contoso installed: 6000), exported as
# `wevtutil qe /f:xml` writes it (scripts/lib/evxml.sh), with another provider's events beside
# them as on a collector. The subscription's query and every query of scripts/wef/queries.txt,
# evaluated over that export (tests/docs/check_wef.py --select), select exactly the events
# docs/AUDIT.md says they do, and the newest outcome is the remediation's.


t_wef_queries_select_real_runs() {
    local p r fx good bad host xml sel ev n
    p=$(e2e_prefix_copy remediable wef)
    e2e_session "$p"
    fx=$(avs_remediation_fixtures_build)
    good=$(sha256sum "$fx/contoso-av.msi" | cut -d' ' -f1)
    bad=$E2E_RES/wef-contoso-changed.msi
    cp "$fx/contoso-av.msi" "$bad"
    printf 'appended' >>"$bad"

    r=$E2E_RES/wef-blocked
    e2e_avswap "$r" "$p" remediate --replacement "$(avs_winpath "$bad")" --sha256 "$good" \
        --catalog "$(avs_winpath "$AVS_REPO/tests/fixtures/catalog-approved-contoso.txt")" --json
    expect_code "$r" 1602
    r=$E2E_RES/wef-remediated
    e2e_avswap "$r" "$p" remediate --replacement "$(avs_winpath "$fx/contoso-av.msi")" --sha256 "$good" \
        --catalog "$(avs_winpath "$AVS_REPO/tests/fixtures/catalog-approved-contoso.txt")" --json
    expect_code "$r" 0

    # One machine's log: both runs' events in order, as the collector holds them.
    host=$(head -n 1 "$(e2e_journal "$p")" | jq -r .host)
    cat "$E2E_RES/wef-blocked.err" "$E2E_RES/wef-remediated.err" >"$E2E_RES/wef.trace"
    ev=$E2E_RES/wef.events
    avs_events_json "$E2E_RES/wef.trace" | jq -s . >"$ev"
    n=$(jq length "$ev")
    xml=$E2E_RES/wef-export.xml
    avs_events_xml "$E2E_RES/wef.trace" "$host" ForwardedEvents >"$xml"
    # Another provider's events, with IDs and levels that AvSwap's queries look for: a query that
    # forgot the provider would pick them up from a collector.
    local id
    for id in 6000 6002 4001 2010 5003; do
        printf "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Security-Auditing'/><EventID>%s</EventID><Level>2</Level><TimeCreated SystemTime='2026-12-01T10:00:00.0000000Z'/><EventRecordID>%s</EventRecordID><Channel>ForwardedEvents</Channel><Computer>%s</Computer></System><EventData><Data>not AvSwap</Data></EventData></Event>" \
            "$id" "$((n + id))" "$host" >>"$xml"
    done
    grep -c '<Event ' "$xml" >/dev/null || fail "empty export"

    sel=$E2E_RES/wef-selected.json
    python3 "$AVS_REPO/tests/docs/check_wef.py" --select "$xml" "$AVS_REPO" >"$sel" 2>"$sel.err" ||
        fail "check_wef.py --select: $(head -c 600 "$sel.err")"

    # What each query must select: the record numbers (1-based, in log order) of the run's events
    # whose IDs (or level) docs/AUDIT.md gives for it, and nothing of the other provider.
    local -A want=(
        [subscription]='true'
        [all]='true'
        [outcomes]='.id == 2090 or .id == 2091 or (.id >= 6000 and .id <= 6004) or .id == 6010 or (.id >= 6020 and .id <= 6022) or .id == 9001'
        [findings]='.id == 2010'
        [removals]='.id >= 4001 and .id <= 4003'
        [replacements]='.id == 5002 or .id == 5003'
        [failed-or-blocked]='.id == 6002 or .id == 6003 or .id == 6010 or .id == 6022 or .id == 9001'
        [problems]='.type == 1'
    )
    local q expect got
    for q in "${!want[@]}"; do
        expect=$(jq -c "[to_entries[] | select(.value | ${want[$q]}) | .key + 1]" "$ev")
        got=$(jq -c --arg q "$q" '.[$q]' "$sel")
        eq "$got" "$expect" "query $q selects"
    done
    [[ $(jq -c 'keys' "$sel") == "$(printf '%s\n' "${!want[@]}" | jq -R . | jq -sc 'sort')" ]] ||
        fail "queries.txt has queries this test does not know: $(jq -c keys "$sel")"

    # What the auditor reads from them: three removals, one replacement running, the blocked run,
    # and the newest outcome (the first in `wevtutil /rd:true`) is the remediation's 6000.
    jqe "removals: KES, Kaspersky Free and the agent (4001): $(jq -c '[.[] | select(.id >= 4001 and .id <= 4003) | .strings[1]]' "$ev")" \
        "$ev" '[.[] | select(.id == 4001)] | length == 3'
    jqe "the replacement verified running (5003)" "$ev" 'any(.[]; .id == 5003)'
    jqe "failed-or-blocked holds the blocked run's 6002 and nothing of the remediation" "$sel" \
        '[.["failed-or-blocked"][] as $i | $ev[0][$i - 1].id] == [6002]' --slurpfile ev "$ev"
    jqe "the newest outcome is the remediation's 6000" "$sel" \
        '$ev[0][.outcomes[-1] - 1].id == 6000' --slurpfile ev "$ev"
    avs_wine_stop "$p"
}
e2e_test wef-queries-select-real-runs t_wef_queries_select_real_runs
