# scripts/lib/wine.sh — Wine prefixes for AvSwap's demo, benchmark and end-to-end tests.
#
# Source it (bash, set -euo pipefail). It provides:
#   avs_ensure_packages          install what the scripts need (scripts/lib/deps.sh; apt-get)
#   avs_workdir_init [NAME]      a private scratch dir in $AVS_WORK, removed by avs_cleanup
#   avs_cleanup                  stop every prefix we made, remove the scratch dir (use in a trap)
#   avs_template                 path of a booted, pristine prefix (built once, cached)
#   avs_prefix_new DEST [SRC]    DEST := copy of SRC (default: the template)
#   avs_wine PREFIX PROG ARGS... run PROG with wine64 in PREFIX, bounded by a timeout
#   avs_wine_stop PREFIX         end the prefix's wineserver and every process in it
#   avs_prefix_remove PREFIX     stop, then delete
#   avs_tools_dir                directory with runexit.exe, fmtmsg.exe, regraw.exe
#   avs_winpath PATH             the Windows (Z:) path of a Linux path
#   avs_locked NAME FN ARGS...   FN ARGS under the exclusive lock NAME of the scratch dir
#
# Environment (all optional):
#   AVS_WINE_TEMPLATE  where the booted template prefix is cached (default build/wine-template)
#   AVS_TOOLS          directory with the test tool .exe files (else they are compiled here)
#   AVS_WINE_TIMEOUT   seconds any single Wine command may take (default 180)
#   AVS_WINEDEBUG      WINEDEBUG for avs_wine (default -all)
#
# Every wait is bounded with timeout(1): a wedged wineserver must fail a test, never hang it.

AVS_REPO=${AVS_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
AVS_WINE64=${AVS_WINE64:-/usr/lib/wine/wine64}
AVS_WINE_TIMEOUT=${AVS_WINE_TIMEOUT:-180}
AVS_WINE_TEMPLATE=${AVS_WINE_TEMPLATE:-$AVS_REPO/build/wine-template}
# mono and gecko are not needed and would ask to be downloaded on first boot.
export WINEDLLOVERRIDES=${WINEDLLOVERRIDES:-mscoree,mshtml=}
AVS_PREFIXES=()

avs_log() { printf '%s\n' "$*" >&2; }
avs_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# avs_ensure_packages: one package list for every script (scripts/lib/deps.sh). Beyond it the
# scripts use perl, iconv, od and timeout, which Debian always has (perl-base, libc-bin, coreutils).
# shellcheck source=deps.sh
source "$AVS_REPO/scripts/lib/deps.sh"

_avs_wineserver() {
    local c
    for c in /usr/lib/wine/wineserver64 /usr/lib/wine/wineserver /usr/bin/wineserver; do
        [[ -x $c ]] && { printf '%s\n' "$c"; return 0; }
    done
    command -v wineserver || avs_die "no wineserver found (is wine64 installed?)"
}

avs_workdir_init() {
    local name=${1:-avswap}
    if [[ -z ${AVS_WORK:-} ]]; then
        AVS_WORK=$(mktemp -d "${TMPDIR:-/tmp}/$name.XXXXXX")
        AVS_WORK_OWNED=1
    fi
    mkdir -p "$AVS_WORK"
}

# avs_locked NAME FN ARGS...: runs FN ARGS in a subshell holding the exclusive lock
# $AVS_WORK/.lock-NAME, so concurrent tests (tests/e2e/run --jobs) build a shared fixture once
# and the others wait for it. FN runs with the lock's descriptor closed (bash keeps its own copy,
# close-on-exec): a wineserver started inside must not inherit the lock and hold it for its life.
# FN's variables do not reach the caller; it reports through stdout and its exit status.
avs_locked() {
    local name=$1
    shift
    [[ -n ${AVS_WORK:-} ]] || avs_die "avs_locked: call avs_workdir_init first"
    (
        flock 9 || avs_die "cannot take the lock $AVS_WORK/.lock-$name"
        "$@" 9>&-
    ) 9>"$AVS_WORK/.lock-$name"
}

avs_winpath() {
    local p
    p=$(readlink -f -- "$1")
    printf 'Z:%s\n' "${p//\//\\}"
}

avs_wine() {
    local prefix=$1
    shift
    # A UTF-8 locale: Wine converts the Unix command line to UTF-16 with it.
    LC_ALL=C.UTF-8 WINEPREFIX=$prefix WINEDEBUG=${AVS_WINEDEBUG:--all} \
        timeout -k 5 "$AVS_WINE_TIMEOUT" "$AVS_WINE64" "$@"
}

avs_wine_stop() {
    local prefix=$1 ws
    [[ -d $prefix ]] || return 0
    ws=$(_avs_wineserver)
    # -k kills every process of the prefix; -w then waits for the server itself to exit.
    WINEPREFIX=$prefix timeout -k 5 20 "$ws" -k >/dev/null 2>&1 || true
    WINEPREFIX=$prefix timeout -k 5 20 "$ws" -w >/dev/null 2>&1 || true
    _avs_server_dir_remove "$prefix"
}

# Debian's Wine keeps each prefix's server socket dir in $TMPDIR/<name in PREFIX/wineserver>/
# server-<dev>-<inode>; it outlives the server (a lock file). Remove it so runs leave no litter.
_avs_server_dir_remove() {
    local prefix=$1 name base dir
    [[ -r $prefix/wineserver ]] || return 0
    name=$(<"$prefix/wineserver")
    [[ $name =~ ^wine-[A-Za-z0-9]+$ ]] || return 0
    base=${TMPDIR:-/tmp}/$name
    # shellcheck disable=SC2046,SC2183
    dir=$base/$(printf 'server-%x-%x' $(stat -c '%d %i' "$prefix"))
    [[ -d $dir && ! -S $dir/socket ]] || return 0
    rm -f -- "$dir/lock"
    rmdir -- "$dir" 2>/dev/null || true
    rmdir -- "$base" 2>/dev/null || true
}

avs_prefix_remove() {
    local prefix=$1
    avs_wine_stop "$prefix"
    rm -rf -- "$prefix"
}

_avs_wine_stamp() { "$AVS_WINE64" --version 2>/dev/null || echo unknown; }

# Boots the template prefix once and caches it; concurrent runs each boot into a private dir
# and the first to finish publishes it with an atomic rename.
avs_template() {
    local stamp tmp
    stamp=$(_avs_wine_stamp)
    if [[ -f $AVS_WINE_TEMPLATE/.avs-template && $(<"$AVS_WINE_TEMPLATE/.avs-template") == "$stamp" ]]; then
        printf '%s\n' "$AVS_WINE_TEMPLATE"
        return 0
    fi
    mkdir -p "$(dirname "$AVS_WINE_TEMPLATE")"
    tmp=$(mktemp -d "$AVS_WINE_TEMPLATE.boot.XXXXXX")
    avs_log "booting a Wine template prefix (once; cached in $AVS_WINE_TEMPLATE)"
    if ! avs_wine "$tmp" wineboot -i >/dev/null 2>&1; then
        avs_prefix_remove "$tmp"
        avs_die "wineboot -i failed in $tmp"
    fi
    avs_wine_stop "$tmp"
    printf '%s\n' "$stamp" >"$tmp/.avs-template"
    if [[ -e $AVS_WINE_TEMPLATE ]]; then
        rm -rf -- "$AVS_WINE_TEMPLATE.old.$$"
        mv -- "$AVS_WINE_TEMPLATE" "$AVS_WINE_TEMPLATE.old.$$" 2>/dev/null || true
        rm -rf -- "$AVS_WINE_TEMPLATE.old.$$"
    fi
    if ! mv -T -- "$tmp" "$AVS_WINE_TEMPLATE" 2>/dev/null; then
        rm -rf -- "$tmp" # another run won the race: use its template
    fi
    [[ -f $AVS_WINE_TEMPLATE/.avs-template ]] || avs_die "template prefix missing after boot"
    printf '%s\n' "$AVS_WINE_TEMPLATE"
}

# avs_prefix_new DEST [SRC]: a private prefix, copied from SRC (a stopped prefix).
avs_prefix_new() {
    local dest=$1 src=${2:-}
    [[ -n $src ]] || src=$(avs_template)
    rm -rf -- "$dest"
    cp -a -- "$src" "$dest"
    AVS_PREFIXES+=("$dest")
}

# The test tools: $AVS_TOOLS when it has them all, else compiled from tests/e2e/tools/ into the
# scratch dir (a few seconds), so the demo and the benchmark work from a release build too.
avs_tools_dir() {
    local t missing=0 out
    if [[ -n ${AVS_TOOLS:-} ]]; then
        for t in "$AVS_REPO"/tests/e2e/tools/*.c; do
            [[ -f $AVS_TOOLS/$(basename "${t%.c}").exe ]] || missing=1
        done
        if [[ $missing -eq 0 ]]; then
            printf '%s\n' "$AVS_TOOLS"
            return 0
        fi
        avs_log "AVS_TOOLS=$AVS_TOOLS lacks some tools; compiling them"
    fi
    [[ -n ${AVS_WORK:-} ]] || avs_die "avs_tools_dir: call avs_workdir_init first"
    out=$AVS_WORK/tools
    mkdir -p "$out"
    for t in "$AVS_REPO"/tests/e2e/tools/*.c; do
        [[ -f $out/$(basename "${t%.c}").exe ]] && continue
        x86_64-w64-mingw32-gcc -O2 -Wall -Wextra -DUNICODE -D_UNICODE -DWIN32_LEAN_AND_MEAN \
            -municode -static -o "$out/$(basename "${t%.c}").exe" "$t" -ladvapi32 >&2 ||
            avs_die "cannot compile $t"
    done
    printf '%s\n' "$out"
}

avs_cleanup() {
    local p
    for p in "${AVS_PREFIXES[@]}"; do
        avs_prefix_remove "$p"
    done
    AVS_PREFIXES=()
    # Prefixes made in subshells are not in the list: stop every prefix in the scratch dir.
    if [[ -n ${AVS_WORK:-} && -d $AVS_WORK ]]; then
        for p in "$AVS_WORK"/*/; do
            [[ -f $p/system.reg ]] && avs_wine_stop "${p%/}"
        done
    fi
    if [[ ${AVS_WORK_OWNED:-0} -eq 1 && -n ${AVS_WORK:-} && ${AVS_KEEP:-0} != 1 ]]; then
        rm -rf -- "$AVS_WORK"
    fi
}
