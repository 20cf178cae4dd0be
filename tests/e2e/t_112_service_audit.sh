# shellcheck shell=bash disable=SC2016 # jq filters use $variables in single quotes on purpose
# The service in audit mode, reached through bad policy values: Mode "enforced" (unknown word)
# and RandomDelayMinutes as text each get their event (1100) from the service naming the value
# and what was used instead (audit, the default delay). The audit run reports the three products
# (2010 each, 6021) and changes nothing: a scan afterwards finds them all, the State key says
# audit with Findings 3 and Compliant 0.

t_service_audit_bad_policy() {
    local p trace ev s
    p=$(e2e_prefix_copy remediable svc-audit)
    trace=$E2E_RES/svc-audit.trace
    e2e_svc_install "$p"
    AVS_WINEDEBUG=-all avs_wine "$p" reg add 'HKLM\SOFTWARE\Policies\AvSwap' /v Mode /d enforced /f \
        >/dev/null 2>&1 </dev/null || fail "cannot set Mode"
    AVS_WINEDEBUG=-all avs_wine "$p" reg add 'HKLM\SOFTWARE\Policies\AvSwap' /v RandomDelayMinutes \
        /d ten /f >/dev/null 2>&1 </dev/null || fail "cannot set RandomDelayMinutes"
    e2e_svc_session "$p" "$trace"
    e2e_svc_wait "$p" RUNNING 30
    e2e_ev_wait "$trace" 6021 120
    ev=$E2E_RES/svc-audit.events
    e2e_svc_events "$trace" "$ev"
    jqe "1100 for Mode and RandomDelayMinutes, 1003 audit/default, 6021 with 3 products, no removal: $(jq -c '[.[] | [.id, .strings[0]]]' "$ev")" "$ev" \
        '([.[] | select(.id == 1100) | .strings[0]] | sort) == ["Mode", "RandomDelayMinutes"]
            and (.[] | select(.id == 1003) | .strings[0:2]) == ["audit", "default"]
            and (.[] | select(.id == 6021) | .strings[0]) == "3"
            and ([.[] | select(.id == 2010)] | length) == 3
            and all(.[]; .id < 3000 or .id >= 6000)'
    # The auditor's report of the service's events: audit, the three products remaining.
    e2e_events_xml "$trace" WS-AUDIT 1764583200 >"$E2E_RES/svc-audit.xml"
    eq "$(e2e_report_state "$E2E_RES/svc-audit-report" "$E2E_RES/svc-audit.xml" WS-AUDIT)" audit \
        "the report's state of the audit run"
    jqe "audit: three products remaining: $(jq -c .by_product "$E2E_RES/svc-audit-report.out")" \
        "$E2E_RES/svc-audit-report.out" \
        '.totals.remaining == 1 and (.by_product | length) == 3 and all(.by_product[]; .remaining == 1)'
    eq "$(e2e_state_value "$p" LastOutcome)" audit "State LastOutcome"
    eq "$(e2e_state_value "$p" Findings)" 0x3 "State Findings"
    eq "$(e2e_state_value "$p" Compliant)" 0x0 "State Compliant"
    s=$E2E_RES/svc-audit-scan
    e2e_scan_now "$s" "$p"
    jqe "audit changed nothing: the three products are still there" "$s.out" '(.findings | length) == 3'
    avs_wine_stop "$p"
}
e2e_test service-audit-bad-policy t_service_audit_bad_policy
