# shellcheck shell=bash disable=SC2016 # jq filters use $variables in single quotes on purpose
# tests/e2e/lib.sh — helpers for the t_*.sh end-to-end tests (sourced by tests/e2e/run).
#
# A test is a function registered with `e2e_test NAME FUNCTION`. It runs in a subshell with
# `set -e`; `fail MESSAGE` ends it as failed with that reason. Prefixes and scan results are
# made on first use and kept on disk for the run, so read-only tests share them:
#   e2e_prefix full|clean|remnant   the shared prefix of that kind (do not mutate it)
#   e2e_prefix_copy KIND NAME       a private copy for a test that changes the machine
#   e2e_scan NAME KIND ARGS...      avswap.exe ARGS in prefix KIND with the Event Log trace,
#                                   cached as $E2E_RES/NAME.{out,err,code,events}
#   e2e_run BASE PREFIX ARGS...     the same, uncached and without the trace

E2E_TESTS=()

e2e_test() { E2E_TESTS+=("$1:$2"); }

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
        *) avs_die "unknown prefix kind $kind" ;;
    esac
    touch "$dest.tmp/.avs-ready"
    mv -T -- "$dest.tmp" "$dest"
}

e2e_prefix() {
    local dest=$AVS_WORK/pfx-$1
    [[ -f $dest/.avs-ready ]] || _e2e_make "$1" "$dest"
    printf '%s\n' "$dest"
}

e2e_prefix_copy() {
    local dest=$AVS_WORK/own-$2
    avs_wine_stop "$(e2e_prefix "$1")"
    rm -rf -- "$dest"
    cp -a -- "$(e2e_prefix "$1")" "$dest"
    printf '%s\n' "$dest"
}

# e2e_run BASE PREFIX ARGS...: runs avswap.exe through runexit.exe; writes BASE.out (stdout),
# BASE.err (stderr without runexit's last line) and BASE.code (the full exit code, or
# "none: ..." when runexit did not report one, e.g. on a timeout).
e2e_run() {
    local base=$1 prefix=$2 rc=0 last
    shift 2
    AVS_WINEDEBUG=${E2E_WINEDEBUG:--all} avs_wine "$prefix" \
        "$(avs_winpath "$E2E_TOOLS/runexit.exe")" "$(avs_winpath "$AVS_DIST/avswap.exe")" "$@" \
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
        E2E_WINEDEBUG=$AVS_EVENT_WINEDEBUG e2e_run "$base.tmp" "$(e2e_prefix "$kind")" "$@"
        avs_events_json "$base.tmp.err" >"$base.tmp.events"
        # The program's own stderr, without Wine's trace lines.
        grep -a -v -E '^([0-9a-f]+:)?(fixme|warn|trace|err):' "$base.tmp.err" >"$base.tmp.stderr" || true
        for ext in out err stderr events code; do mv -f -- "$base.tmp.$ext" "$base.$ext"; done
        rm -f -- "$base.tmp.raw"
    fi
    printf '%s\n' "$base"
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
