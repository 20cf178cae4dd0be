# scripts/lib/events.sh — the Event Log trail of a program run under Wine.
#
# Wine's ReportEventW stores nothing, but with WINEDEBUG=fixme+advapi,+eventlog it traces each
# call on stderr: a "fixme:advapi:ReportEventW (handle,TYPE,CATEGORY,ID,SID,COUNT,...)" line, then
# COUNT "<class>:eventlog:ReportEventW L"..."" lines, one per insertion string (class err for
# error events, warn for warnings, trace for the rest), escaped the way
# wine_dbgstr_w does it (\" \\ \n \r \t, \XXXX for anything outside printable ASCII) and cut at
# about 300 characters (then followed by "...").
#
#   AVS_EVENT_WINEDEBUG         the WINEDEBUG value that produces the trace
#   avs_events_json FILE        one JSON object per event, in order:
#                               {"id":2010,"full":2147485658,"type":2,"strings":[...],"cut":[...]}
#                               id = low 16 bits, full = the whole message ID, type = EVENTLOG_*
#                               (1 error, 2 warning, 4 information), cut[i] = string i was truncated
#   avs_events_summary FILE     "event 2010 (warning): string | string | ..." per event, for people
#   avs_events_brief FILE [MAX] "event 4001: string | ..." per event, shorter still (the demo): the
#                               run ID that starts every remediation event is left out (print it
#                               once), "seq N, SHA-256 H" becomes "journal #N", line breaks
#                               become " / ", and a string longer than MAX (default 90)
#                               characters is cut with "..."

# shellcheck disable=SC2034 # used by the scripts that source this file
AVS_EVENT_WINEDEBUG=-all,fixme+advapi,+eventlog

avs_events_json() {
    perl -CO -ne '
        BEGIN { %pending = (); @order = (); }
        sub dec {
            my ($s) = @_;
            my @u;
            while (length $s) {
                if ($s =~ s/^\\([0-9a-fA-F]{4})//) { push @u, hex $1; }
                elsif ($s =~ s/^\\n//) { push @u, 10; }
                elsif ($s =~ s/^\\r//) { push @u, 13; }
                elsif ($s =~ s/^\\t//) { push @u, 9; }
                elsif ($s =~ s/^\\(.)//s) { push @u, ord $1; }
                else { $s =~ s/^(.)//s; push @u, ord $1; }
            }
            my $out = "";
            for (my $i = 0; $i < @u; $i++) {
                my $c = $u[$i];
                if ($c >= 0xD800 && $c <= 0xDBFF && $i + 1 < @u && $u[$i+1] >= 0xDC00 && $u[$i+1] <= 0xDFFF) {
                    $c = 0x10000 + (($c - 0xD800) << 10) + ($u[++$i] - 0xDC00);
                } elsif ($c >= 0xD800 && $c <= 0xDFFF) {
                    $c = 0xFFFD;
                }
                $out .= chr $c;
            }
            return $out;
        }
        sub js {
            my ($s) = @_;
            $s =~ s/(["\\])/\\$1/g;
            $s =~ s/([\x00-\x1f])/sprintf("\\u%04x", ord $1)/ge;
            return "\"$s\"";
        }
        sub flush_ev {
            my ($t) = @_;
            my $e = delete $pending{$t};
            return unless $e;
            printf "{\"id\":%d,\"full\":%d,\"type\":%d,\"strings\":[%s],\"cut\":[%s]}\n",
                $e->{full} & 0xFFFF, $e->{full}, $e->{type},
                join(",", map { js($_) } @{$e->{strings}}),
                join(",", map { $_ ? "true" : "false" } @{$e->{cut}});
        }
        chomp;
        s/\r$//;
        if (/^(?:([0-9a-f]+):)?fixme:advapi:ReportEventW \([^,]*,0x([0-9a-f]+),0x[0-9a-f]+,0x([0-9a-f]+),[^,]*,0x([0-9a-f]+),/) {
            my $t = $1 // "";
            flush_ev($t);
            $pending{$t} = { type => hex $2, full => hex $3, want => hex $4, strings => [], cut => [] };
            flush_ev($t) if hex($4) == 0;
        } elsif (/^(?:([0-9a-f]+):)?(?:trace|warn|err):eventlog:ReportEventW (.*)$/) {
            my $t = $1 // "";
            my $v = $2;
            my $e = $pending{$t} or next;
            my $cut = 0;
            if ($v =~ /^L"(.*)"(\.\.\.)?$/s) { $v = dec($1); $cut = defined $2 ? 1 : 0; }
            elsif ($v eq "(null)") { $v = ""; }
            push @{$e->{strings}}, $v;
            push @{$e->{cut}}, $cut;
            flush_ev($t) if @{$e->{strings}} >= $e->{want};
        }
        END { flush_ev($_) for sort keys %pending; }
    ' -- "$1"
}

avs_events_summary() {
    avs_events_json "$1" | jq -r '
        "event \(.id) (\({"1": "error", "2": "warning", "4": "information", "8": "audit success",
                          "16": "audit failure"}[.type | tostring] // "type \(.type)")): " +
        ([.strings[] | gsub("\r?\n"; " / ")] | join(" | "))'
}

avs_events_brief() {
    avs_events_json "$1" | jq -r --argjson max "${2:-90}" '
        def cut: if length > $max then .[0:$max] + "..." else . end;
        .id as $id
        | .strings
        | (if $id >= 3000 and $id < 7000 and $id != 3007 and length > 0
              and (.[0] | test("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"))
           then .[1:] else . end)
        | map(sub("^seq (?<n>[0-9]+), SHA-256 [0-9a-f]{64}$"; "journal #\(.n)") | gsub("\r?\n"; " / ") | cut)
        | "event \($id): " + join(" | ")'
}
