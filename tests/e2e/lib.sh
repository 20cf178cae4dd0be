# shellcheck shell=bash disable=SC2016 # jq filters use $variables in single quotes on purpose
# tests/e2e/lib.sh — helpers for the t_*.sh end-to-end tests (sourced by tests/e2e/run).
#
# A test is a function registered with `e2e_test NAME FUNCTION`. It runs in a subshell with
# `set -e`; `fail MESSAGE` ends it as failed with that reason. Prefixes and scan results are
# made on first use and kept on disk for the run, so read-only tests share them:
#   e2e_prefix KIND                 the shared prefix of that kind (do not mutate it): full,
#                                   clean, remnant (scan tests); remediable, remediable-pwd,
#                                   remediable-slow (copy them: scripts/lib/endpoint.sh)
#   e2e_prefix_copy KIND NAME       a private copy for a test that changes the machine
#
# Tests run concurrently (tests/e2e/run --jobs): the tests of one t_*.sh file run one after
# another, in order, unless the file calls `e2e_independent` (then each test may run beside any
# other). What files share is built under a lock (avs_locked): the prefixes of each KIND, the
# cached scans, the fixtures. A KIND is built once into pfx-KIND and never run in; the shared
# prefix tests run in is run-KIND, a copy of it, and private copies come from pfx-KIND too, so
# copying never has to stop a wineserver that another test is using. A test names its files
# after itself ($E2E_RES/NAME-..., $AVS_WORK/own-NAME) and waits for states, not for times.
#   e2e_scan NAME KIND ARGS...      avswap.exe ARGS in prefix KIND with the Event Log trace,
#                                   cached as $E2E_RES/NAME.{out,err,code,events}
#   e2e_run BASE PREFIX ARGS...     the same, uncached and without the trace

E2E_TESTS=()
E2E_TEST_FILE=()   # index of the file that registered each test (tests/e2e/run)
E2E_INDEPENDENT=() # per file: 1 when its tests may run concurrently with each other
E2E_FILE_NO=0

e2e_test() {
    E2E_TESTS+=("$1:$2")
    E2E_TEST_FILE+=("$E2E_FILE_NO")
}

# Called at the top of a t_*.sh file whose tests share nothing but what lib.sh shares safely
# (each makes its own prefix copy and names its files after itself): they may run at once.
e2e_independent() { E2E_INDEPENDENT[E2E_FILE_NO]=1; }

fail() {
    printf '%s\n' "$*" >"$E2E_REASON"
    exit 1
}

# jqe MESSAGE FILE FILTER [jq options...]: fails with MESSAGE unless FILTER is true on FILE.
# jq -e exits 0 on empty input, so an empty or non-JSON file is refused first: a test must never
# pass because the program printed nothing.
jqe() {
    local msg=$1 file=$2 filter=$3
    shift 3
    [[ -s $file ]] || fail "$msg (no output to check: $(basename "$file") is empty)"
    jq -e -n 'input' <"$file" >/dev/null 2>&1 || fail "$msg ($(basename "$file") is not JSON)"
    jq -e "$filter" "$@" <"$file" >/dev/null 2>&1 || fail "$msg"
}

eq() { [[ $1 == "$2" ]] || fail "$3: expected '$2', got '$1'"; }

# The product code a fixture's WiX source declares: the tests compare against the source.
wxs_product_code() {
    sed -n 's/.*<Product Id="\({[0-9A-Fa-f-]*}\)".*/\1/p' "$AVS_REPO/tests/fixtures/$1"
}

# The version the build declares (CMakeLists.txt project VERSION).
avs_project_version() {
    sed -n 's/^project(avswap VERSION \([0-9.]*\).*/\1/p' "$AVS_REPO/CMakeLists.txt"
}

_e2e_endpoint() {
    local ep=$AVS_WORK/endpoint
    if [[ ! -f $ep/.avs-endpoint ]]; then
        rm -rf -- "$ep.tmp"
        cp -a -- "$(avs_template)" "$ep.tmp"
        make_endpoint "$ep.tmp" >&2
        touch "$ep.tmp/.avs-endpoint"
        mv -T -- "$ep.tmp" "$ep"
    fi
    printf '%s\n' "$ep"
}

_e2e_make() {
    local kind=$1 dest=$2
    rm -rf -- "$dest.tmp"
    case $kind in
        full) cp -a -- "$(_e2e_endpoint)" "$dest.tmp" ;;
        clean) cp -a -- "$(avs_template)" "$dest.tmp" ;;
        remnant)
            cp -a -- "$(avs_template)" "$dest.tmp"
            make_remnant_endpoint "$dest.tmp" >&2
            ;;
        remediable)
            cp -a -- "$(avs_template)" "$dest.tmp"
            make_remediable_endpoint "$dest.tmp" >&2
            ;;
        remediable-pwd)
            cp -a -- "$(avs_template)" "$dest.tmp"
            make_remediable_endpoint "$dest.tmp" kes-pwd.msi >&2
            ;;
        remediable-slow)
            cp -a -- "$(avs_template)" "$dest.tmp"
            make_remediable_endpoint "$dest.tmp" kes-slow.msi >&2
            : >"$dest.tmp/drive_c/Program Files (x86)/Kaspersky Lab/Kaspersky Free 21.3/slow.flag"
            : >"$dest.tmp/drive_c/Program Files/Windows Defender/slowstart.flag"
            ;;
        *) avs_die "unknown prefix kind $kind" ;;
    esac
    touch "$dest.tmp/.avs-ready"
    mv -T -- "$dest.tmp" "$dest"
}

# The pristine prefix of KIND (built once, stopped, never run in).
_e2e_pristine() {
    local dest=$AVS_WORK/pfx-$1
    [[ -f $dest/.avs-ready ]] || avs_locked "pfx-$1" _e2e_make_once "$1" "$dest" ||
        fail "cannot make the $1 prefix"
    printf '%s\n' "$dest"
}

_e2e_make_once() { [[ -f $2/.avs-ready ]] || _e2e_make "$1" "$2"; }

_e2e_copy_once() {
    local src=$1 dest=$2
    [[ ! -f $dest/.avs-ready ]] || return 0
    rm -rf -- "$dest.tmp"
    cp -a -- "$src" "$dest.tmp"
    mv -T -- "$dest.tmp" "$dest"
}

e2e_prefix() {
    local src dest=$AVS_WORK/run-$1
    if [[ ! -f $dest/.avs-ready ]]; then
        src=$(_e2e_pristine "$1")
        avs_locked "run-$1" _e2e_copy_once "$src" "$dest" || fail "cannot copy the $1 prefix"
    fi
    printf '%s\n' "$dest"
}

e2e_prefix_copy() {
    local src dest=$AVS_WORK/own-$2
    src=$(_e2e_pristine "$1")
    rm -rf -- "$dest"
    cp -a -- "$src" "$dest"
    # The runner deletes it when the unit that made it ends (unless --keep): ~700 MB each,
    # deleted while other tests run rather than all at the end.
    [[ -z ${E2E_UNIT_PREFIXES:-} ]] || printf '%s\n' "$dest" >>"$E2E_UNIT_PREFIXES"
    printf '%s\n' "$dest"
}

# e2e_run BASE PREFIX ARGS...: runs avswap.exe through runexit.exe; writes BASE.out (stdout),
# BASE.err (stderr without runexit's last line) and BASE.code (the full exit code, or
# "none: ..." when runexit did not report one, e.g. on a timeout).
e2e_run() {
    local base=$1 prefix=$2 rc=0 last
    shift 2
    AVS_WINEDEBUG=${E2E_WINEDEBUG:--all} avs_wine "$prefix" \
        "$(avs_winpath "$E2E_TOOLS/runexit.exe")" "$(avs_winpath "${E2E_EXE:-$AVS_DIST/avswap.exe}")" "$@" \
        >"$base.out" 2>"$base.raw" || rc=$?
    last=$(tail -n 1 "$base.raw" | tr -d '\r')
    if [[ $last =~ ^exit=([0-9]+)$ ]]; then
        printf '%s\n' "${BASH_REMATCH[1]}" >"$base.code"
        sed '$d' "$base.raw" >"$base.err"
    else
        printf 'none: wine exited with %s\n' "$rc" >"$base.code"
        cp "$base.raw" "$base.err"
    fi
}

e2e_scan() {
    local name=$1 kind=$2 base
    shift 2
    base=$E2E_RES/$name
    if [[ ! -f $base.code ]]; then
        avs_locked "scan-$name" _e2e_scan_once "$base" "$(e2e_prefix "$kind")" "$@" ||
            fail "scan $name failed to run"
    fi
    printf '%s\n' "$base"
}

_e2e_scan_once() {
    local base=$1 prefix=$2
    shift 2
    if [[ ! -f $base.code ]]; then
        E2E_WINEDEBUG=$AVS_EVENT_WINEDEBUG e2e_run "$base.tmp" "$prefix" "$@"
        avs_events_json "$base.tmp.err" >"$base.tmp.events"
        # The program's own stderr, without Wine's trace lines.
        grep -a -v -E '^([0-9a-f]+:)?(fixme|warn|trace|err):' "$base.tmp.err" >"$base.tmp.stderr" || true
        # .code last: its presence says the result is complete.
        for ext in out err stderr events code; do mv -f -- "$base.tmp.$ext" "$base.$ext"; done
        rm -f -- "$base.tmp.raw"
    fi
}

# Fails unless scan result BASE exited with CODE.
expect_code() {
    local got
    got=$(<"$1.code")
    [[ $got == "$2" ]] || fail "exit code: expected $2, got $got (stderr: $(head -c 300 "$1.stderr" 2>/dev/null || head -c 300 "$1.err"))"
}

# The messages of win32/avs_messages.mc as JSON lines:
#   {"id":2010,"full":2147485658,"severity":"Warning","symbol":"AVS_EV_...","text":"..."}
# full = severity bits (Success 0, Informational 1, Warning 2, Error 3) << 30 | id, as windmc
# computes it with no Facility and no Customer bit; text = the lines between Language= and ".",
# joined with "\n".
mc_messages() {
    perl -ne '
        BEGIN { %sev = (Success => 0, Informational => 1, Warning => 2, Error => 3); }
        sub js { my ($s) = @_; $s =~ s/(["\\])/\\$1/g; $s =~ s/\n/\\n/g; "\"$s\"" }
        chomp; s/\r$//;
        if ($in) {
            if ($_ eq ".") {
                printf "{\"id\":%d,\"full\":%d,\"severity\":%s,\"symbol\":%s,\"text\":%s}\n",
                    $id, ($sev{$s} << 30) | $id, js($s), js($sym), js(join("\n", @t));
                $in = 0; @t = ();
            } else { push @t, $_; }
            next;
        }
        next if /^;/;
        $id = /^MessageId=(0x[0-9a-fA-F]+|\d+)/ ? ($1 =~ /^0x/ ? hex $1 : $1) : $id;
        $s = $1 if /^Severity=(\w+)/;
        $sym = $1 if /^SymbolicName=(\w+)/;
        $in = 1 if /^Language=/;
    ' "$AVS_REPO/win32/avs_messages.mc"
}

# ---- remediation (t_6x..t_9x) -------------------------------------------------------------------
#   e2e_session PREFIX            stop PREFIX's wineserver and start a persistent one: services
#                                 started by one command (WinDefend, by avswap) keep running for
#                                 the next (sc query), and volatile registry keys (AvSwap's
#                                 reboot marker) live until e2e_reboot, as on a Windows machine
#                                 that is not restarted between commands
#   e2e_reboot PREFIX             a simulated restart (WINE.md): every process ends, wineboot
#   e2e_avswap BASE PREFIX ARGS   e2e_run with the Event Log trace: BASE.{out,err,stderr,code},
#                                 BASE.events (JSON lines) and BASE.eventsa (one JSON array)
#   e2e_ev_pos BASE ID [FROM]     position of the first event ID in BASE.eventsa (-1: none)
#   e2e_journal PREFIX            the Linux path of C:\ProgramData\AvSwap\journal.jsonl
#   e2e_journal_json PREFIX OUT   its complete lines as one JSON array in OUT
#   e2e_scan_now BASE PREFIX      avswap scan --json, now (uncached)
#   e2e_kfree_runs PREFIX         how many times the Kaspersky Free uninstaller ran
#   e2e_expect_service PREFIX NAME STATE
#   e2e_expect_chain PREFIX       recomputes the journal's hash chain in the shell
#   e2e_expect_events_anchor BASE PREFIX   each event's "seq N, SHA-256 H" matches journal line N
#   e2e_secret_counts OUT ROOT... where secrets ($E2E_SECRETS) occur, UTF-8 or UTF-16LE

e2e_session() {
    local prefix=$1
    avs_wine_stop "$prefix"
    WINEPREFIX=$prefix timeout -k 5 20 "$(_avs_wineserver)" -p ||
        fail "cannot start a persistent wineserver for $prefix"
}

e2e_reboot() {
    local prefix=$1
    e2e_session "$prefix"
    AVS_WINEDEBUG=-all avs_wine "$prefix" wineboot >/dev/null 2>&1 || fail "wineboot failed in $prefix"
}

e2e_avswap() {
    local base=$1
    E2E_WINEDEBUG=$AVS_EVENT_WINEDEBUG e2e_run "$@"
    avs_events_json "$base.err" >"$base.events"
    jq -s . "$base.events" >"$base.eventsa"
    grep -a -v -E '^([0-9a-f]+:)?(fixme|warn|trace|err):' "$base.err" >"$base.stderr" || true
}

e2e_journal() { printf '%s\n' "$1/drive_c/ProgramData/AvSwap/journal.jsonl"; }

e2e_journal_json() {
    local j
    j=$(e2e_journal "$1")
    [[ -f $j ]] || fail "no journal at $j"
    # Complete lines only: a torn last line (no newline) is not a record.
    sed -n '/^{.*}$/p' "$j" | jq -s . >"$2" || fail "journal lines are not JSON: $(head -c 300 "$j")"
}

e2e_scan_now() {
    e2e_run "$1" "$2" scan --json
    jq -e -n 'input' <"$1.out" >/dev/null 2>&1 || fail "scan --json printed no JSON: $(head -c 300 "$1.err")"
}

e2e_kfree_runs() {
    local f="$1/drive_c/Program Files (x86)/Kaspersky Lab/Kaspersky Free 21.3/runs.log"
    if [[ -f $f ]]; then grep -c '^run' "$f"; else echo 0; fi
}

e2e_expect_service() {
    local st
    st=$(avs_fx_service_state "$1" "$2")
    [[ $st == "$3" ]] || fail "service $2: expected $3, sc query says $st"
}

# Each line's "prev" is the SHA-256 of the line before it (64 zeros for the first), and seq
# counts from 1: the chain, checked independently of avswap's own verifier.
e2e_expect_chain() {
    local j prev n=0 line want seq
    j=$(e2e_journal "$1")
    prev=$(printf '0%.0s' {1..64})
    while IFS= read -r line || [[ -n $line ]]; do
        n=$((n + 1))
        want=$(jq -r .prev <<<"$line")
        seq=$(jq -r .seq <<<"$line")
        [[ $want == "$prev" ]] || fail "journal line $n: prev $want, but line $((n - 1)) hashes to $prev"
        [[ $seq == "$n" ]] || fail "journal line $n has seq $seq"
        prev=$(printf '%s' "$line" | sha256sum | cut -d' ' -f1)
    done <"$j"
    [[ $n -gt 0 ]] || fail "empty journal"
}

# Every event that mirrors a journal record ends with "seq N, SHA-256 H": H must be the SHA-256
# of journal line N, so the Event Log anchors the journal (docs/EVENTS.md).
e2e_expect_events_anchor() {
    local base=$1 j refs n h line got
    j=$(e2e_journal "$2")
    refs=$(jq -r '.strings[-1] // "" | select(test("^seq [0-9]+, SHA-256 [0-9a-f]{64}$"))' "$base.events")
    [[ -n $refs ]] || fail "no event carries a journal record reference"
    while read -r _ n _ h; do
        n=${n%,}
        line=$(sed -n "${n}p" "$j")
        [[ -n $line ]] || fail "an event names journal seq $n, which the journal does not have"
        got=$(printf '%s' "$line" | sha256sum | cut -d' ' -f1)
        [[ $got == "$h" ]] || fail "an event says journal seq $n has SHA-256 $h; the line hashes to $got"
    done <<<"$refs"
}

# Position of the first event ID at or after FROM in BASE.eventsa (-1 when none).
e2e_ev_pos() {
    jq -r --argjson id "$2" --argjson from "${3:-0}" \
        '[to_entries[] | select(.key >= $from and .value.id == $id) | .key] | first // -1' "$1.eventsa"
}

# e2e_secret_counts OUT ROOT...: "COUNT<TAB>FILE" in OUT for every regular file under the ROOTs
# (symbolic links are not followed: a prefix links Z: to /) that holds any of the newline-separated
# strings in $E2E_SECRETS, as UTF-8/ASCII or as UTF-16LE; COUNT is the number of occurrences.
e2e_secret_counts() {
    local out=$1
    shift
    perl -e '
        use strict; use warnings; use File::Find;
        my @pats;
        for my $s (grep { length } split /\n/, $ENV{E2E_SECRETS}) {
            push @pats, $s;
            (my $u = $s) =~ s/(.)/$1\x00/gs;
            push @pats, $u;
        }
        die "no secrets given\n" unless @pats;
        find({ no_chdir => 1, wanted => sub {
            return if -l $_ || !-f _;
            open(my $fh, "<:raw", $_) or return;
            local $/;
            my $d = <$fh>;
            close $fh;
            return unless defined $d;
            my $n = 0;
            for my $p (@pats) {
                my $pos = 0;
                while (($pos = index($d, $p, $pos)) >= 0) { $n++; $pos++; }
            }
            print "$n\t$_\n" if $n;
        } }, @ARGV);
    ' -- "$@" | sort -k2 >"$out"
}

# ---- the TEST build with kill-test hooks (core/testhook.h) --------------------------------------
#   e2e_test_exe    the path of the test build's avswap.exe: $AVS_TEST_DIST/avswap.exe (default
#                   build/mingw-test), built with the mingw-test preset when it is not there.
#                   Run it with E2E_EXE=$(e2e_test_exe) e2e_avswap ..., and AVS_TEST_STOP_AT /
#                   AVS_TEST_STOP_MARKER in the environment (WINE passes it through).
#   e2e_wait_marker FILE SECONDS   waits until FILE exists (the hook stopped), or fails
e2e_test_exe() {
    local dir=${AVS_TEST_DIST:-$AVS_REPO/build/mingw-test}
    if [[ ! -f $dir/avswap.exe ]]; then
        [[ $dir == "$AVS_REPO/build/mingw-test" ]] || fail "no avswap.exe in AVS_TEST_DIST=$dir"
        avs_locked test-build _e2e_build_test_exe "$dir" ||
            fail "cannot build the test build (cmake --preset mingw-test)"
    fi
    grep -a -q AVS_TEST_STOP "$dir/avswap.exe" || fail "$dir/avswap.exe has no test hooks"
    printf '%s\n' "$dir/avswap.exe"
}

_e2e_build_test_exe() {
    [[ ! -f $1/avswap.exe ]] || return 0
    (cd "$AVS_REPO" && cmake --preset mingw-test >/dev/null &&
        cmake --build build/mingw-test --target avswap >/dev/null) >&2
}

e2e_wait_marker() {
    local file=$1 limit=$2 start=$SECONDS
    while [[ ! -s $file ]]; do
        ((SECONDS - start < limit)) || return 1
        sleep 0.05
    done
}

# ---- the AvSwap service (t_110..t_129) ----------------------------------------------------------
#   e2e_svc_install PREFIX [DIR]  avswap.exe, avswapsvc.exe, avswapmsg.dll (from DIR, default
#                                 $AVS_DIST) into C:\Program Files\AvSwap, `sc create AvSwap` with the
#                                 quoted path, Start=2 set directly (Wine's sc config does not)
#   e2e_svc_session PREFIX TRACE  a persistent wineserver (WINE.md: a service lives only as long as
#                                 its server) whose services.exe — and so the service — writes the
#                                 Event Log trace to TRACE: the first Wine process of a session
#                                 starts services.exe, which inherits its stderr and WINEDEBUG
#   e2e_sc PREFIX ARGS...         sc.exe ARGS, output on stdout (never a pipe services.exe could
#                                 inherit: a file)
#   e2e_svc_state PREFIX          the service's state word (RUNNING, STOPPED, ...)
#   e2e_svc_wait PREFIX STATE S   waits up to S seconds for STATE, or fails
#   e2e_ev_count TRACE ID         how many events ID the trace holds so far
#   e2e_ev_wait TRACE ID S [N]    waits up to S seconds until the trace holds N (default 1) events
#                                 ID, or fails
#   e2e_svc_events TRACE OUT      the trace's events as one JSON array in OUT
#   e2e_state_value PREFIX NAME   a value of HKLM\SOFTWARE\AvSwap\State as reg query prints it
#   e2e_reg_query PREFIX ARGS...  reg query ARGS (a missing /v value is read again, briefly)
E2E_SVC_DIR='C:\Program Files\AvSwap'

e2e_svc_install() {
    local prefix=$1 dir=${2:-$AVS_DIST} d
    d="$prefix/drive_c/Program Files/AvSwap"
    mkdir -p "$d"
    cp "$AVS_DIST/avswap.exe" "$AVS_DIST/avswapmsg.dll" "$d/"
    cp "$dir/avswapsvc.exe" "$d/"
    e2e_sc "$prefix" create AvSwap binPath= "\"$E2E_SVC_DIR\\avswapsvc.exe\"" >/dev/null ||
        fail "sc create AvSwap failed"
    AVS_WINEDEBUG=-all avs_wine "$prefix" reg add 'HKLM\SYSTEM\CurrentControlSet\Services\AvSwap' \
        /v Start /t REG_DWORD /d 2 /f >/dev/null 2>&1 </dev/null || fail "cannot set AvSwap's Start"
}

e2e_svc_session() {
    local prefix=$1 trace=$2
    e2e_session "$prefix"
    AVS_WINEDEBUG=$AVS_EVENT_WINEDEBUG avs_wine "$prefix" sc query AvSwap >/dev/null 2>"$trace" </dev/null || true
}

e2e_sc() {
    local prefix=$1 out
    shift
    out=$(mktemp "$AVS_WORK/sc.XXXXXX")
    AVS_WINEDEBUG=-all avs_wine "$prefix" sc "$@" >"$out" 2>&1 </dev/null || { echo "exit $?"; cat "$out"; rm -f "$out"; return 1; }
    cat "$out"
    rm -f "$out"
}

e2e_svc_state() {
    e2e_sc "$1" query AvSwap | tr -d '\r' | awk '/STATE/ {print $4; exit}'
}

e2e_svc_wait() {
    local prefix=$1 want=$2 limit=$3 start=$SECONDS st=
    while :; do
        st=$(e2e_svc_state "$prefix" || true)
        [[ $st == "$want" ]] && return 0
        ((SECONDS - start < limit)) || fail "service AvSwap: $want expected within ${limit}s, sc query says '${st:-nothing}'"
        sleep 0.2
    done
}

e2e_ev_count() {
    grep -a -c -E "ReportEventW \([0-9A-Fa-f]+,0x[0-9a-f]{4},0x[0-9a-f]{4},0x[0-9a-f]{4}$(printf %04x "$2")," "$1" || true
}

e2e_ev_wait() {
    local trace=$1 id=$2 limit=$3 n=${4:-1} start=$SECONDS
    while (($(e2e_ev_count "$trace" "$id") < n)); do
        ((SECONDS - start < limit)) || fail "event $id (x$n) expected within ${limit}s; the service wrote: $(avs_events_json "$trace" | jq -s -c '[.[].id]')"
        sleep 0.2
    done
}

e2e_svc_events() {
    avs_events_json "$1" | jq -s . >"$2"
}

e2e_state_value() {
    e2e_reg_query "$1" 'HKLM\SOFTWARE\AvSwap\State' /v "$2" |
        tr -d '\r' | awk -v n="$2" '$1 == n { $1 = ""; $2 = ""; sub(/^  /, ""); print; exit }'
}

# e2e_reg_query PREFIX ARGS...: `reg query ARGS` in PREFIX, what it printed on stdout (reg.exe
# prints "Unable to find ..." there too). A value (/v) that is not there is read again, up to
# three times 0.5 s apart, each miss noted in the test's log: four times on the loaded 2-core
# machine a value read right after msiexec or avswap.exe returned was missing once and there
# in every other run (the service keys while services.exe applies an install or an upgrade, the
# State key), so a read waits briefly for the value instead of taking one moment's answer. A
# value that stays missing is reported missing.
e2e_reg_query() {
    local prefix=$1 out n rc=0 value=0 a
    shift
    for a in "$@"; do [[ $a != /v ]] || value=1; done
    out=$(mktemp "$AVS_WORK/reg.XXXXXX")
    for n in 1 2 3; do
        rc=0
        AVS_WINEDEBUG=-all avs_wine "$prefix" reg query "$@" >"$out" 2>"$out.err" </dev/null || rc=$?
        if { ((value)) && grep -q 'REG_' "$out"; } || { ((!value)) && [[ -s $out ]]; }; then
            break
        fi
        echo "reg query $*: read $n of 3 without the value (exit $rc), it printed:" \
            "'$(cat "$out" "$out.err" | tr -d '\r' | tr '\n' '|' | head -c 300)'" >&2
        ((n == 3)) || sleep 0.5
    done
    cat "$out.err" >&2
    cat "$out"
    rm -f -- "$out" "$out.err"
    return "$rc"
}

# ---- the fleet report (t_150, t_160, and the runs whose state it must read) -------------------
#   e2e_events_xml TRACE COMPUTER EPOCH  one run's events as `wevtutil qe /f:xml` writes them
#                                        (scripts/lib/evxml.sh), as COMPUTER, stamped from EPOCH
#                                        (seconds) on, a millisecond apart
#   e2e_report BASE ARGS...              `avswap report ARGS` in the shared clean prefix (it
#                                        reads only the files named); BASE.out, .err, .code
#   e2e_report_state BASE XML MACHINE    the state `avswap report --json` gives MACHINE in XML
# shellcheck source=../../scripts/lib/evxml.sh
. "$AVS_REPO/scripts/lib/evxml.sh"

e2e_events_xml() {
    local trace=$1 computer=$2 epoch=$3
    date() { printf '%s\n' "$epoch"; } # (evxml.sh reads the time with date)
    avs_events_xml "$trace" "$computer"
    unset -f date
}

e2e_report() {
    local base=$1
    shift
    e2e_run "$base" "$(e2e_prefix clean)" report "$@"
}

e2e_report_state() {
    local base=$1 xml=$2 machine=$3
    e2e_report "$base" "$(avs_winpath "$xml")" --json
    expect_code "$base" 0
    jq -r --arg m "$machine" '.machines[] | select(.machine == $m) | .state' "$base.out"
}
