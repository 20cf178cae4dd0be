# shellcheck shell=bash
# scripts/lib/cpu.sh — CPU time of Wine commands, for the benchmarks (scripts/bench-*).
#
# Source after scripts/lib/wine.sh. Provides:
#   avs_cpu_prefix_ms PREFIX     user+system CPU time (ms) used so far by the live processes of
#                                PREFIX: its wineserver, services, explorer.exe /desktop, ...
#                                (every process whose environment holds WINEPREFIX=PREFIX)
#   avs_cpu_pid_ms PID           user+system CPU time (ms) of one live process
#   avs_cpu_run PREFIX PROG ARGS...
#                                runs PROG ARGS with wine64 in PREFIX (as avs_wine; output to
#                                /dev/null) and prints "WALL_MS CPU_MS EXIT OWN_MS OTHERS_MS":
#                                WALL until PROG ends; CPU = OWN + OTHERS; OWN the command's
#                                process tree, processes it started that ended by themselves
#                                included (explorer.exe /desktop: reaped here as their
#                                subreaper); OTHERS what the prefix's live processes used
#                                meanwhile, the wineserver first — a registry read under Wine is
#                                a request the wineserver serves, so its CPU is the command's cost
#
# /proc counts in clock ticks (10 ms at USER_HZ 100): compare sums over several runs, not one.

avs_cpu_pid_ms() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return 0; }
    # Fields after the ")" that ends the command name: utime and stime are the 12th and 13th.
    stat=${stat##*) }
    # shellcheck disable=SC2086
    set -- $stat
    echo $(((${12} + ${13}) * 1000 / $(getconf CLK_TCK)))
}

avs_cpu_prefix_ms() {
    local prefix=$1 f total=0
    # grep -z reads each environment as NUL-separated lines: one process for the whole scan.
    while IFS= read -r f; do
        f=${f#/proc/}
        total=$((total + $(avs_cpu_pid_ms "${f%/environ}")))
    done < <(grep -l -z -x -F "WINEPREFIX=$prefix" /proc/[0-9]*/environ 2>/dev/null || true)
    echo "$total"
}

# _avs_reaped_ms CMD...: runs CMD as a child subreaper (prctl PR_SET_CHILD_SUBREAPER): a
# process CMD starts that outlives its parent (Wine starts explorer.exe /desktop that way, and
# it ends on its own) is reparented here and reaped, so its CPU time is counted too. Waits up to
# 2 s after CMD for such orphans; one still alive then is left to the /proc snapshot. Prints
# "CPU_MS EXIT WALL_MS" on fd 3 (WALL: until CMD itself ended).
_avs_reaped_ms() {
    perl -e '
        use POSIX ":sys_wait_h";
        use Time::HiRes qw(time);
        syscall(157, 36, 1, 0, 0, 0) == 0 or die "prctl(PR_SET_CHILD_SUBREAPER): $!\n";
        my $t0 = time;
        my $pid = fork // die "fork: $!\n";
        if (!$pid) { exec @ARGV or die "exec $ARGV[0]: $!\n" }
        waitpid($pid, 0);
        my $rc = $? >> 8;
        my $wall = (time - $t0) * 1000;
        my $end = time + 2;
        while (time <= $end) {
            my $r = waitpid(-1, WNOHANG);
            last if $r < 0;
            select(undef, undef, undef, 0.02) if $r == 0;
        }
        my @t = times;
        open(my $o, ">&=3") or die;
        printf $o "%d %d %d\n", ($t[2] + $t[3]) * 1000 + 0.5, $rc, $wall;
    ' -- "$@"
}

avs_cpu_run() {
    local prefix=$1 before after own rc wall
    shift
    before=$(avs_cpu_prefix_ms "$prefix")
    read -r own rc wall < <(
        LC_ALL=C.UTF-8 WINEPREFIX=$prefix WINEDEBUG=${AVS_WINEDEBUG:--all} \
            _avs_reaped_ms timeout -k 5 "$AVS_WINE_TIMEOUT" "$AVS_WINE64" "$@" 3>&1 >/dev/null 2>&1
    )
    after=$(avs_cpu_prefix_ms "$prefix")
    echo "$wall $((own + after - before)) $rc $own $((after - before))"
}
