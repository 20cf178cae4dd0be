# shellcheck shell=bash disable=SC2016 # jq and perl programs use $variables in single quotes
# Evidence is keyed and anchored (docs/SECURITY.md, attack 3), as a standard user, then an administrator,
# would attack it:
#   - a record deleted from the journal and the public SHA-256 chain recomputed: verify fails
#     with the HMAC of the first record rewritten (it passed before journals were keyed);
#   - `evidence verify --events` against an Event Log export made from the run's real events
#     (scripts/lib/evxml.sh; UTF-8 without a root element as wevtutil writes it, and UTF-16LE
#     with a BOM and a root element) passes, and fails naming the record after an
#     administrator's rewrite that the HMACs cannot catch (the key read with tools/evkey.exe);
#   - journal.jsonl unkeyed while the machine has a key (the MACs stripped) is not trusted.
# The check of AvSwap's folder (a ProgramData\AvSwap planted by a user, moved aside with event
# 3030) cannot be shown under Wine, which stores no security descriptors here and reports every
# file as owned by the Unix user: the unit tests (tests/unit/test_evidence.c) show it with the
# fakes, and docs/SECURITY.md has the procedure on Windows.


# e2e_rechain IN OUT DEL STRIP [KEYHEX]: IN without line DEL (0: none), every seq renumbered
# and every prev recomputed, as anyone can do with the public chain; STRIP=1 also removes the
# MACs; with KEYHEX (an administrator who read the key) every MAC is recomputed as AvSwap
# computes it. Text edits only: the rest of each record stays as AvSwap wrote it.
e2e_rechain() {
    perl -ne '
        BEGIN { use Digest::SHA qw(sha256_hex hmac_sha256_hex); $prev = "0" x 64; $n = 0;
                ($del, $strip, $key) = splice @ARGV, 1, 3; $key = pack("H*", $key) if $key; }
        chomp;
        next if $. == $del;
        $n++;
        s/^\{"seq":\d+,/{"seq":$n,/;
        s/"prev":"[0-9a-f]{64}"/"prev":"$prev"/;
        if ($strip || $key) {
            s/,"hmac":"[0-9a-f]{64}"\}$/}/;
            if ($key) { my $m = hmac_sha256_hex($_, $key); s/\}$/,"hmac":"$m"}/; }
        }
        print "$_\n";
        $prev = sha256_hex($_);
    ' "$1" "$3" "$4" "${5:-}" >"$2"
}

t_evidence_keyed_and_anchored() {
    local p r j host xml
    p=$(e2e_prefix_copy remediable evidence)
    e2e_session "$p"
    r=$E2E_RES/evidence-run
    e2e_avswap "$r" "$p" remediate --json
    expect_code "$r" 0
    j=$(e2e_journal "$p")
    [[ -s $p/drive_c/ProgramData/AvSwap/evidence.key ]] || fail "no evidence key next to the journal"
    jqe "event 3032 names the new key" "$r.eventsa" 'any(.[]; .id == 3032)'
    jq -e -s 'length > 3 and all(.[]; .hmac | test("^[0-9a-f]{64}$"))' "$j" >/dev/null ||
        fail "journal records carry no HMAC: $(head -c 300 "$j")"
    # The key is DPAPI-protected: its 32 bytes are not in the file as written.
    grep -q 'AVSKEY1' "$p/drive_c/ProgramData/AvSwap/evidence.key" && fail "the key file is not DPAPI-protected"

    r=$E2E_RES/evidence-verify
    e2e_run "$r" "$p" evidence verify
    expect_code "$r" 0
    grep -q 'chain and HMACs verified (keyed)' "$r.out" || fail "verify: $(head -c 300 "$r.out")"

    # The export auditors would take from this machine or a collector, from the real events.
    host=$(head -n 1 "$j" | jq -r .host)
    xml=$E2E_RES/evidence-events.xml
    avs_events_xml "$E2E_RES/evidence-run.err" "$host" >"$xml"
    grep -q "<Computer>$host</Computer>" "$xml" || fail "export without the computer: $(head -c 300 "$xml")"
    r=$E2E_RES/evidence-events
    e2e_run "$r" "$p" evidence verify --events "$(avs_winpath "$xml")"
    expect_code "$r" 0
    grep -q 'Journal matches the events: every record is anchored' "$r.out" ||
        fail "verify --events: $(cat "$r.out" "$r.err" | head -c 600)"
    grep -q 'edited records: 0' "$r.out" || fail "verify --events: $(head -c 600 "$r.out")"
    # UTF-16LE with a BOM and a root element, as saved by other tools.
    { printf '\xff\xfe'; { printf '<?xml version="1.0" encoding="UTF-16"?>\n<Events>'; cat "$xml"; printf '</Events>\n'; } |
        iconv -f UTF-8 -t UTF-16LE; } >"$xml.utf16"
    r=$E2E_RES/evidence-events16
    e2e_run "$r" "$p" evidence verify --events "$(avs_winpath "$xml.utf16")"
    expect_code "$r" 0
    grep -q 'every record is anchored' "$r.out" || fail "verify --events (UTF-16): $(cat "$r.out" "$r.err" | head -c 600)"

    # The attack: record 3 deleted, the chain recomputed. The public chain is intact again...
    cp "$j" "$E2E_RES/evidence-journal.orig"
    e2e_rechain "$E2E_RES/evidence-journal.orig" "$j" 3 0
    [[ $(wc -l <"$j") -eq $(($(wc -l <"$E2E_RES/evidence-journal.orig") - 1)) ]] || fail "rechain did not delete a line"
    # ... but not the HMACs.
    r=$E2E_RES/evidence-tampered
    e2e_run "$r" "$p" evidence verify
    expect_code "$r" 1603
    grep -q 'HMAC mismatch at record 3' "$r.out" || fail "verify after the deletion: $(head -c 400 "$r.out")"

    # An administrator holds the key (DPAPI opens for them): a record deleted and every MAC
    # recomputed passes verify on the machine. The events, forwarded before, still name it.
    local keyhex k
    keyhex=$(AVS_WINEDEBUG=-all avs_wine "$p" "$(avs_winpath "$E2E_TOOLS/evkey.exe")" \
        'C:\ProgramData\AvSwap\evidence.key' | tr -d '\r')
    [[ $keyhex =~ ^[0-9a-f]{64}$ ]] || fail "evkey could not open the key: '$keyhex'"
    # The first record after 2 whose event carries its hash: delete that one.
    k=$(jq '.strings[-1] // "" | capture("^seq (?<n>[0-9]+), SHA-256 ") | .n | tonumber
            | select(. > 2)' "$E2E_RES/evidence-run.events" | jq -s -r 'min')
    [[ $k =~ ^[0-9]+$ ]] || fail "no event names a record after 2"
    e2e_rechain "$E2E_RES/evidence-journal.orig" "$j" "$k" 0 "$keyhex"
    r=$E2E_RES/evidence-admin
    e2e_run "$r" "$p" evidence verify
    expect_code "$r" 0
    grep -q 'chain and HMACs verified (keyed)' "$r.out" || fail "the administrator's rewrite: $(head -c 400 "$r.out")"
    e2e_run "$r" "$p" evidence verify --events "$(avs_winpath "$xml")"
    expect_code "$r" 1603
    grep -q "Record $k is not what its event recorded" "$r.out" || fail "verify --events after the rewrite (record $k): $(head -c 900 "$r.out")"
    grep -q 'Journal does NOT match the events' "$r.out" || fail "verify --events after the rewrite: $(head -c 800 "$r.out")"

    # A journal moved aside in the older, unkeyed format verifies as such.
    e2e_rechain "$E2E_RES/evidence-journal.orig" "$E2E_RES/evidence-stripped.jsonl" 0 1
    cp "$E2E_RES/evidence-stripped.jsonl" "$p/drive_c/ProgramData/AvSwap/old.jsonl"
    r=$E2E_RES/evidence-stripped
    e2e_run "$r" "$p" evidence verify --journal 'C:\ProgramData\AvSwap\old.jsonl'
    expect_code "$r" 0
    grep -q 'unkeyed (older format)' "$r.out" || fail "stripped journal: $(head -c 400 "$r.out")"
    # And journal.jsonl itself unkeyed while the key exists: the keyed journal was replaced.
    cp "$E2E_RES/evidence-stripped.jsonl" "$j"
    r=$E2E_RES/evidence-downgrade
    e2e_run "$r" "$p" evidence verify
    expect_code "$r" 1603
    grep -q 'the keyed journal was replaced' "$r.out" || fail "downgrade: $(head -c 400 "$r.out")"
    avs_wine_stop "$p"
}
e2e_test evidence-keyed-and-anchored t_evidence_keyed_and_anchored
