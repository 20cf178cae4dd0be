# shellcheck shell=bash disable=SC2016 # jq filters use $variables in single quotes on purpose
# `avswap remediate --replacement contoso-av.msi --sha256 H`: the package is staged and verified
# before anything is removed; a changed or extended package blocks the plan (1602, event 3004
# with both hashes, nothing removed); the good one is installed first when the catalog says it
# may coexist, else right after the first protection product is gone; its service must run.

E2E_CONTOSO=Contoso\ Antivirus

# The replacement package and its SHA-256; the catalogs that approve it, as Windows paths.
e2e_contoso() {
    local fx
    fx=$(avs_remediation_fixtures_build)
    printf '%s\n' "$fx/contoso-av.msi"
}
e2e_contoso_sha() { sha256sum "$(e2e_contoso)" | cut -d' ' -f1; }
e2e_catalog_win() { avs_winpath "$AVS_REPO/tests/fixtures/$1"; }

# expect_nothing_removed BASE PREFIX WHAT: no removal happened in run BASE and the machine still
# has every product of the remediable endpoint.
expect_nothing_removed() {
    local base=$1 p=$2 what=$3 s
    jqe "$what: nothing removed: $(jq -c .removed "$base.out")" "$base.out" '.removed == []'
    jqe "$what: no 4000 event: $(jq -c '[.[].id]' "$base.eventsa")" "$base.eventsa" 'all(.[]; .id != 4000)'
    if [[ -f $(e2e_journal "$p") ]]; then
        e2e_journal_json "$p" "$base.journal.json"
        jqe "$what: no remove record in the journal" "$base.journal.json" 'all(.[]; .step != "remove")'
    fi
    s=$base-scan
    e2e_scan_now "$s" "$p"
    jqe "$what: the scan still finds KES, Kaspersky Free and the agent: $(jq -c '[.findings[].name]' "$s.out")" \
        "$s.out" '[.findings[].name] == [$a, $b, $c]' --arg a "$E2E_KES" --arg b "$E2E_KFREE" --arg c "$E2E_AGENT"
    eq "$(e2e_kfree_runs "$p")" 0 "$what: Kaspersky Free uninstaller runs"
    eq "$(avs_fx_service_state "$p" ContosoAV)" absent "$what: the ContosoAV service"
}

t_replacement_hash_mismatch_blocks() {
    local p r good bad what
    p=$(e2e_prefix_copy remediable hash-mismatch)
    e2e_session "$p"
    good=$(e2e_contoso_sha)
    for what in one-byte-changed data-appended truncated; do
        bad=$E2E_RES/contoso-$what.msi
        cp "$(e2e_contoso)" "$bad"
        case $what in
            one-byte-changed) printf '\x5a' | dd of="$bad" bs=1 seek=20000 conv=notrunc status=none ;;
            data-appended) printf 'appended' >>"$bad" ;;
            truncated) truncate -s -1 "$bad" ;;
        esac
        [[ $(sha256sum "$bad" | cut -d' ' -f1) != "$good" ]] || fail "$what: the file did not change"
        r=$E2E_RES/hash-$what
        e2e_avswap "$r" "$p" remediate --replacement "$(avs_winpath "$bad")" --sha256 "$good" \
            --catalog "$(e2e_catalog_win catalog-approved-contoso.txt)" --json
        expect_code "$r" 1602
        jqe "$what: outcome blocked at replacement: $(head -c 400 "$r.out")" "$r.out" \
            '.outcome == "blocked" and .step == "replacement" and (.reason | test("SHA-256"))'
        jqe "$what: 3004 names the file, the expected and the actual hash: $(jq -c '[.[] | select(.id == 3004) | .strings]' "$r.eventsa")" \
            "$r.eventsa" 'any(.[]; .id == 3004 and .strings[1] == $f and .strings[2] == $e and .strings[3] == $a)' \
            --arg f "$(avs_winpath "$bad")" --arg e "$good" --arg a "$(sha256sum "$bad" | cut -d' ' -f1)"
        jqe "$what: 6002 last" "$r.eventsa" '.[-1].id == 6002'
        expect_nothing_removed "$r" "$p" "$what"
    done
    avs_wine_stop "$p"
}
e2e_test replacement-hash-mismatch-blocks t_replacement_hash_mismatch_blocks

t_replacement_install_first() {
    local p r ev staged
    p=$(e2e_prefix_copy remediable install-first)
    e2e_session "$p"
    r=$E2E_RES/install-first
    e2e_avswap "$r" "$p" remediate --replacement "$(avs_winpath "$(e2e_contoso)")" --sha256 "$(e2e_contoso_sha)" \
        --catalog "$(e2e_catalog_win catalog-approved-contoso-coexist.txt)" --json
    expect_code "$r" 0
    jqe "install-first: compliant, unprotected 0, Contoso installed and running: $(head -c 500 "$r.out")" "$r.out" \
        '.outcome == "compliant" and .strategy == "install-first" and .unprotected_seconds == 0
            and .replacement == {"name": $n, "installed": true, "running": true}
            and ([.removed[].name] == [$a, $b, $c])' \
        --arg n "$E2E_CONTOSO" --arg a "$E2E_KES" --arg b "$E2E_KFREE" --arg c "$E2E_AGENT"
    ev=$r.eventsa
    local p5000 p5003 p4000
    p5000=$(e2e_ev_pos "$r" 5000)
    p5003=$(e2e_ev_pos "$r" 5003)
    p4000=$(e2e_ev_pos "$r" 4000)
    [[ $p5000 -ge 0 && $p5003 -gt $p5000 && $p4000 -gt $p5003 ]] ||
        fail "install-first: expected 5000 < 5003 < first 4000: $(jq -c '[.[].id]' "$ev")"
    jqe "5000: staged copy under ProgramData\\AvSwap\\staging with the package's hash: $(jq -c ".[$p5000].strings" "$ev")" \
        "$ev" '.[$i].strings[2] == "C:\\ProgramData\\AvSwap\\staging\\replacement.msi" and .[$i].strings[3] == $h' \
        --argjson i "$p5000" --arg h "$(e2e_contoso_sha)"
    jqe "5003: Contoso Antivirus, service ContosoAV" "$ev" '.[$i].strings[1:3] == [$n, "ContosoAV"]' \
        --argjson i "$p5003" --arg n "$E2E_CONTOSO"
    jqe "3001: strategy install-first, replacement Contoso" "$ev" \
        'any(.[]; .id == 3001 and .strings[1] == "install-first" and .strings[2] == $n)' --arg n "$E2E_CONTOSO"
    staged=$p/drive_c/ProgramData/AvSwap/staging/replacement.msi
    cmp -s "$staged" "$(e2e_contoso)" || fail "the staged copy differs from the package"
    e2e_expect_service "$p" ContosoAV RUNNING
    # Defender was not needed: the approved replacement ran throughout.
    e2e_expect_service "$p" WinDefend STOPPED
    r=$E2E_RES/install-first-scan
    e2e_scan_now "$r" "$p"
    expect_code "$r" 0
    avs_wine_stop "$p"
}
e2e_test replacement-install-first t_replacement_install_first

t_replacement_remove_first() {
    local p r ev
    p=$(e2e_prefix_copy remediable remove-first)
    e2e_session "$p"
    r=$E2E_RES/remove-first
    e2e_avswap "$r" "$p" remediate --replacement "$(avs_winpath "$(e2e_contoso)")" --sha256 "$(e2e_contoso_sha)" \
        --catalog "$(e2e_catalog_win catalog-approved-contoso.txt)" --json
    expect_code "$r" 0
    jqe "remove-first: compliant, Contoso installed and running, a measured window: $(head -c 500 "$r.out")" "$r.out" \
        '.outcome == "compliant" and .strategy == "remove-first"
            and .replacement == {"name": $n, "installed": true, "running": true}
            and (.unprotected_seconds | type == "number" and . > 0)
            and ([.removed[].name] == [$a, $b, $c])' \
        --arg n "$E2E_CONTOSO" --arg a "$E2E_KES" --arg b "$E2E_KFREE" --arg c "$E2E_AGENT"
    ev=$r.eventsa
    local p5000 p4000 p4001 p5001 p5002 p5003 p4000b
    p5000=$(e2e_ev_pos "$r" 5000)
    p4000=$(e2e_ev_pos "$r" 4000)
    p4001=$(e2e_ev_pos "$r" 4001)
    p5001=$(e2e_ev_pos "$r" 5001)
    p5002=$(e2e_ev_pos "$r" 5002)
    p5003=$(e2e_ev_pos "$r" 5003)
    p4000b=$(e2e_ev_pos "$r" 4000 $((p4000 + 1)))
    echo "positions: 5000=$p5000 4000=$p4000 4001=$p4001 5001=$p5001 5002=$p5002 5003=$p5003 next-4000=$p4000b"
    [[ $p5000 -ge 0 && $p5000 -lt $p4000 && $p4000 -lt $p4001 && $p4001 -lt $p5001 && $p5001 -lt $p5002 &&
        $p5002 -lt $p5003 && $p5003 -lt $p4000b ]] ||
        fail "remove-first: expected 5000 < KES 4000 < 4001 < 5001 < 5002 < 5003 < next 4000: $(jq -c '[.[].id]' "$ev")"
    jqe "the first removal is KES" "$ev" '.[$i].strings[1] == $a' --argjson i "$p4000" --arg a "$E2E_KES"
    jqe "5002: Contoso installed with result 0" "$ev" '.[$i].strings[1:3] == [$n, "0"]' --argjson i "$p5002" --arg n "$E2E_CONTOSO"
    # The installation has its own verbose log.
    local log
    log=$p/drive_c/ProgramData/AvSwap/logs/$(jq -r .run_id "$r.out")-replacement.log
    [[ -s $log ]] || fail "no replacement install log $log"
    e2e_expect_service "$p" ContosoAV RUNNING
    r=$E2E_RES/remove-first-scan
    e2e_scan_now "$r" "$p"
    expect_code "$r" 0
    jqe "the rescan is compliant" "$r.out" '.compliant == true and .findings == []'
    avs_wine_stop "$p"
}
e2e_test replacement-remove-first t_replacement_remove_first

t_replacement_not_approved_blocks() {
    # A package whose ProductName no [approved] catalog entry matches is not an approved
    # antivirus: the plan must be blocked before anything is removed (1602). Without Microsoft
    # Defender to fall back on, going ahead would leave the machine with no approved antivirus
    # running: the safety invariant.
    local p r
    p=$(e2e_prefix_copy remediable not-approved)
    e2e_session "$p"
    AVS_WINEDEBUG=-all avs_wine "$p" sc delete WinDefend >/dev/null || fail "sc delete WinDefend failed"
    r=$E2E_RES/not-approved
    e2e_avswap "$r" "$p" remediate --replacement "$(avs_winpath "$(e2e_contoso)")" --sha256 "$(e2e_contoso_sha)" --json
    jqe "an unapproved replacement ($E2E_CONTOSO, no --catalog approving it) was not refused before removals: $(jq -c '{outcome, step, reason, removed: [.removed[].name], replacement}' "$r.out")" \
        "$r.out" '.removed == []'
    expect_code "$r" 1602
    jqe "not approved: blocked at replacement: $(head -c 400 "$r.out")" "$r.out" \
        '.outcome == "blocked" and .step == "replacement"'
    expect_nothing_removed "$r" "$p" "not approved"
    avs_wine_stop "$p"
}
e2e_test replacement-not-approved-blocks t_replacement_not_approved_blocks
