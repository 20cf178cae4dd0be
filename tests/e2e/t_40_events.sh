# shellcheck shell=bash disable=SC2016 # jq filters use $variables in single quotes on purpose
# The Event Log trail (Wine's ReportEventW trace, scripts/lib/events.sh) and the message table
# in avswapmsg.dll (what Event Viewer shows an auditor). The log's registration: t_96_eventlog.sh.

t_events_full_scan() {
    local r j ev host nf
    r=$(e2e_scan full-json full scan --json)
    j=$r.out
    ev=$E2E_RES/full-events.json
    jq -s . "$r.events" >"$ev"
    [[ $(jq length "$ev") -gt 0 ]] || fail "no ReportEventW calls traced (stderr: $(head -c 300 "$r.err"))"
    host=$(jq -r .host "$j")
    nf=$(jq '.findings | length' "$j")
    jqe "first event is 2000 (version, computer, user, catalog): $(jq -c '.[0]' "$ev")" "$ev" \
        '.[0] | .id == 2000 and (.strings | length == 4) and .strings[0] == $v
            and .strings[1] == $h and (.strings[2] | length > 0) and (.strings[3] | length > 0)' \
        --arg v "$(avs_project_version)" --arg h "$host"
    jqe "last event is 2091 with the count of findings: $(jq -c '.[-1]' "$ev")" "$ev" \
        '.[-1] | .id == 2091 and .strings[0] == $n' --arg n "$nf"
    jqe "no 2090 in a non-compliant scan" "$ev" 'all(.[]; .id != 2090)'
    jqe "one 2010 per finding ($nf)" "$ev" "[.[] | select(.id == 2010)] | length == $nf"
    # Each finding's name, version, product code, removal method and signals (%8 is the list,
    # comma-separated), as the JSON reports them; no product code: any placeholder but a GUID.
    jq -c '.findings[] | [.name, (.version // ""), (.product_code // ""), .uninstall,
            .signals]' "$j" >"$E2E_RES/full-findings.lines"
    while IFS= read -r f; do
        jqe "no 2010 event for finding $f: $(jq -c '[.[] | select(.id == 2010) | .strings]' "$ev" | head -c 600)" \
            "$ev" 'any(.[]; .id == 2010 and (.strings | length == 8) and .strings[0] == $f[0]
                and ($f[1] == "" or .strings[1] == $f[1]) and .strings[6] == $f[3]
                and (if $f[2] == "" then .strings[3] | startswith("{") | not
                     else .strings[3] == $f[2] end)
                and (.cut[7] or (.strings[7] | split(",") | map(ltrimstr(" "))) == $f[4]))' \
            --argjson f "$f"
    done <"$E2E_RES/full-findings.lines"
    jqe "2091 names every finding" "$ev" \
        '.[-1] | .cut[1] or (.strings[1] as $s | $names | all(. as $x | $s | contains($x)))' \
        --argjson names "$(jq -c '[.findings[].name]' "$j")"
    jqe "a 2001 says the wsc source is unavailable" "$ev" \
        'any(.[]; .id == 2001 and .strings[0] == "wsc" and (.strings[1] | length > 0))'
    jqe "each note is a 2002 event (key, value, problem)" "$ev" \
        '. as $ev | $notes | all(. as $n | $ev | any(.[]; .id == 2002 and .strings[0] == $n.key
            and .strings[1] == $n.value and .strings[2] == $n.problem))' \
        --argjson notes "$(jq -c .notes "$j")"
    jqe "an approved product gives a 2011" "$ev" \
        'any(.[]; .id == 2011 and (.strings | index("service:WinDefend")))'
}
e2e_test events-full-scan t_events_full_scan

t_events_clean_scan() {
    local r ev
    r=$(e2e_scan clean-json clean scan --json)
    ev=$E2E_RES/clean-events.json
    jq -s . "$r.events" >"$ev"
    jqe "clean scan: 2000 first, 2090 last: $(jq -c '[.[].id]' "$ev")" "$ev" \
        'length >= 2 and .[0].id == 2000 and .[-1].id == 2090'
    jqe "clean scan: no 2010 or 2091" "$ev" 'all(.[]; .id != 2010 and .id != 2091)'
}
e2e_test events-clean-scan t_events_clean_scan

t_events_severity_matches_mc() {
    # Every traced event carries the full ID of its .mc entry (severity bits included) and the
    # ReportEvent type of that severity (Error 1, Warning 2, Informational 4).
    local r mc
    r=$(e2e_scan full-json full scan --json)
    mc=$E2E_RES/mc.json
    [[ -s $r.events ]] || fail "no ReportEventW calls traced"
    mc_messages | jq -s . >"$mc"
    jqe "an event's ID or type disagrees with avs_messages.mc: $(jq -c -s '[.[] | [.id, .full, .type]] | unique' "$r.events")" \
        "$mc" '. as $mc | $ev | all(.[]; . as $e | $mc | any(.[]; .id == $e.id and .full == $e.full
            and ({"Error": 1, "Warning": 2, "Informational": 4, "Success": 4}[.severity]) == $e.type))' \
        --slurpfile ev "$r.events"
}
e2e_test events-severity-matches-mc t_events_severity_matches_mc

t_message_table_formats() {
    # fmtmsg.exe formats every ID of the .mc from avswapmsg.dll's message table: each insertion
    # string lands where the .mc puts it, no %N is left, and the text is the .mc's text. One
    # fmtmsg --batch run formats them all (a Wine process per message took minutes).
    local pfx exe fmt msg n args i out expected id batch rc=0
    pfx=$(e2e_prefix clean)
    exe=$(avs_winpath "$AVS_DIST/avswapmsg.dll")
    fmt=$(avs_winpath "$E2E_TOOLS/fmtmsg.exe")
    mc_messages >"$E2E_RES/mc.lines"
    [[ -s $E2E_RES/mc.lines ]] || fail "no messages parsed from win32/avs_messages.mc"
    batch=$E2E_RES/fmt-batch.txt
    : >"$batch"
    while IFS= read -r msg; do
        n=$(jq -r '[.text | scan("%([1-9][0-9]?)") | .[0] | tonumber] | max // 0' <<<"$msg")
        args=("$(jq -r .full <<<"$msg")")
        for ((i = 1; i <= n; i++)); do args+=("arg$i-Ünï"); done
        (IFS=$'\t'; printf '%s\n' "${args[*]}") >>"$batch"
    done <"$E2E_RES/mc.lines"
    AVS_WINEDEBUG=-all avs_wine "$pfx" "$fmt" "$exe" --batch "$(avs_winpath "$batch")" \
        >"$E2E_RES/fmt-batch.out" 2>"$E2E_RES/fmt-batch.err" || rc=$?
    [[ $rc -eq 0 ]] || fail "fmtmsg --batch failed ($rc): $(head -c 300 "$E2E_RES/fmt-batch.err")"
    # One file per message, named by its .mc ID, from the records "<RS>FULL-ID\n TEXT".
    perl -e '
        my ($dir, $in, $map) = @ARGV;
        my %id; open(my $m, "<", $map) or die; while (<$m>) { /"id":(\d+),"full":(\d+)/ and $id{$2} = $1 } close $m;
        local $/; open(my $f, "<", $in) or die; my $all = <$f>; close $f;
        for my $rec (split /\x1e/, $all) {
            next unless length $rec;
            my ($full, $text) = $rec =~ /\A(\d+)\n(.*)\z/s or die "bad record\n";
            open(my $o, ">", "$dir/fmt-$id{$full}") or die; print $o $text; close $o;
        }
    ' "$E2E_RES" "$E2E_RES/fmt-batch.out" "$E2E_RES/mc.lines" || fail "fmtmsg --batch output is not one record per message"
    while IFS= read -r msg; do
        id=$(jq -r .id <<<"$msg")
        n=$(jq -r '[.text | scan("%([1-9][0-9]?)") | .[0] | tonumber] | max // 0' <<<"$msg")
        out=$E2E_RES/fmt-$id
        [[ -s $out ]] || fail "message $id formats empty"
        grep -q -E '%[0-9]' "$out" && fail "message $id has an unsubstituted %N"
        grep -q -F '{missing}' "$out" && fail "message $id wants more strings than the .mc shows"
        for ((i = 1; i <= n; i++)); do
            grep -q -F "arg$i-Ünï" "$out" || fail "message $id lacks insertion string $i"
        done
        # The .mc text with %n as line breaks and %N substituted; compare ignoring CR and the
        # line breaks windmc keeps at the end of each source line.
        expected=$(jq -r '.text' <<<"$msg" | perl -pe 's/%([1-9][0-9]?)/arg$1-Ünï/g; s/%n/\n/g' |
            tr -d '\r\n')
        [[ $(tr -d '\r\n' <"$out") == "$expected" ]] ||
            fail "message $id text differs from the .mc: $(tr -d '\r' <"$out" | head -c 300)"
    done <"$E2E_RES/mc.lines"
    return 0
}
e2e_test message-table-formats t_message_table_formats

t_auditor_view_of_2010() {
    # What Event Viewer shows for the KES event: the traced strings through the message table.
    local r kes out
    r=$(e2e_scan full-json full scan --json)
    kes=$(jq -c -s 'map(select(.id == 2010 and .strings[0] == "Kaspersky Endpoint Security for Windows"))
        | .[0] // empty | [.full, .strings[]]' "$r.events")
    [[ -n $kes ]] || fail "no 2010 event for KES"
    mapfile -t argv < <(jq -r '.[] | tostring' <<<"$kes")
    out=$E2E_RES/auditor-2010.txt
    AVS_WINEDEBUG=-all avs_wine "$(e2e_prefix clean)" "$(avs_winpath "$E2E_TOOLS/fmtmsg.exe")" \
        "$(avs_winpath "$AVS_DIST/avswapmsg.dll")" "${argv[@]}" >"$out" 2>&1 || fail "fmtmsg failed: $(head -c 300 "$out")"
    grep -q -F "Product: Kaspersky Endpoint Security for Windows" "$out" || fail "no product line: $(head -c 300 "$out")"
    grep -q -F "Product code: $(wxs_product_code kes.wxs)" "$out" || fail "no product code line"
    grep -q -F "Removal method: msi" "$out" || fail "no removal method line"
}
e2e_test auditor-view-of-2010 t_auditor_view_of_2010
