# scripts/lib/build.sh — get a built avswap.exe for the demo and the benchmark.
#
#   avs_build_dist LOG   prints the directory holding avswap.exe:
#                        $AVS_DIST when it is set and holds avswap.exe (nothing is built);
#                        else scripts/build when it exists (the release build, into dist/);
#                        else a cmake mingw-release build whose avswap.exe is copied to dist/.
#                        Build output goes to LOG.

avs_build_dist() {
    local log=$1 bdir
    if [[ -n ${AVS_DIST:-} ]]; then
        [[ -f $AVS_DIST/avswap.exe ]] || avs_die "AVS_DIST=$AVS_DIST has no avswap.exe"
        (cd "$AVS_DIST" && pwd)
        return 0
    fi
    if [[ -x $AVS_REPO/scripts/build ]]; then
        timeout 900 "$AVS_REPO/scripts/build" >"$log" 2>&1 ||
            avs_die "scripts/build failed; see $log"
        [[ -f $AVS_REPO/dist/avswap.exe ]] || avs_die "scripts/build left no dist/avswap.exe"
        printf '%s\n' "$AVS_REPO/dist"
        return 0
    fi
    bdir=${AVS_BUILD_DIR:-$AVS_REPO/build/mingw}
    {
        (cd "$AVS_REPO" && timeout 300 cmake --preset mingw-release -B "$bdir") &&
            timeout 900 cmake --build "$bdir"
    } >"$log" 2>&1 || avs_die "the MinGW build failed; see $log"
    mkdir -p "$AVS_REPO/dist"
    cp "$bdir/avswap.exe" "$bdir/avswapmsg.dll" "$AVS_REPO/dist/"
    printf '%s\n' "$AVS_REPO/dist"
}
