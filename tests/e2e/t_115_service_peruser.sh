# shellcheck shell=bash disable=SC2016 # jq filters use $variables in single quotes on purpose
# A product installed for one user only (Kaspersky Password Manager under HKU\<SID>) is reported
# by the service, running as SYSTEM: event 2010 with scope user and the audit outcome 6021 naming
# it with its user's SID; nothing is run for it. (Removal as that user through WTSQueryUserToken
# needs a logged-on session, which Wine does not have: WTSQueryUserToken is a stub.)

t_service_peruser_reported() {
    local p trace ev sid
    p=$(e2e_prefix_copy full svc-peruser)
    trace=$E2E_RES/svc-peruser.trace
    sid=$(avs_user_sid "$p")
    e2e_svc_install "$p"
    e2e_svc_session "$p" "$trace"
    e2e_svc_wait "$p" RUNNING 30
    e2e_ev_wait "$trace" 6021 120
    ev=$E2E_RES/svc-peruser.events
    e2e_svc_events "$trace" "$ev"
    jqe "6021 names Kaspersky Password Manager installed for $sid: $(jq -c '[.[] | select(.id == 6021) | .strings]' "$ev")" "$ev" \
        '(.[] | select(.id == 6021) | .strings[1] | contains("Kaspersky Password Manager (installed for " + $sid + ")"))
            and all(.[]; .id < 3000 or .id >= 6000)' --arg sid "$sid"
    avs_wine_stop "$p"
}
e2e_test service-peruser-reported t_service_peruser_reported
