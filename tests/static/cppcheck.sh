#!/usr/bin/env bash
# cppcheck on AvSwap's C code; fails on any finding. Used by scripts/test.
#   tests/static/cppcheck.sh
# Checks: warning, portability, performance (not style: clang-format and review cover it).
# core/ and uninstaller/ are portable C, checked in every configuration their #ifs give;
# win32/ is checked as MinGW-w64 compiles it (x64, UNICODE, Windows 7 API level), against
# cppcheck's windows library instead of the MinGW headers (much faster, same findings on our
# code). A false positive is suppressed on its line with `// cppcheck-suppress ID` and a comment
# saying why. Results are cached in build/cppcheck/ so a re-run checks only changed files.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
. "$repo/scripts/lib/deps.sh"
AVS_DEBIAN_PACKAGES=(cppcheck)
avs_ensure_packages || exit 1
cd "$repo"
cache=build/cppcheck
mkdir -p "$cache/portable" "$cache/win32"

common=(-q --enable=warning,portability,performance --inline-suppr --std=c11 --error-exitcode=1
        -j "$(nproc)" --suppress=missingIncludeSystem)
# The whole-program (CTU) pass that the build dir enables reports through neither the exit code
# nor inline suppressions in cppcheck 2.10: any output at all counts as a finding, and its false
# positives are suppressed here, each with the reason.
#  - ctuuninitvar in jsonread.c: avs_jsonread_parse stores the ERR pointer and only writes
#    through it; journal_read.c passing an uninitialised struct to be filled is correct.
common+=(--suppress=ctuuninitvar:core/jsonread.c)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
rc=0
portable=(core uninstaller)
[ -d service ] && portable+=(service)
cppcheck "${common[@]}" --cppcheck-build-dir="$cache/portable" --platform=unix64 \
    --library=posix -Icore -Iuninstaller "${portable[@]}" >>"$out" 2>&1 || rc=1
cppcheck "${common[@]}" --cppcheck-build-dir="$cache/win32" --platform=win64 --library=windows \
    -D_WIN32 -D_WIN64 -D__MINGW32__ -D__MINGW64__ -DUNICODE -D_UNICODE -DWIN32_LEAN_AND_MEAN \
    -D_WIN32_WINNT=0x0601 -Icore -Iwin32 win32 >>"$out" 2>&1 || rc=1
[ -s "$out" ] && rc=1
cat "$out"
[ $rc -eq 0 ] && echo "cppcheck: no findings in ${portable[*]} win32"
exit $rc
