/* rescanbench.exe — drives core/rescan.h in one long-lived process, as the service does, for
 * scripts/bench-rescan (never shipped).
 *
 * At start it opens the rescan (full read of both Uninstall views and the MSI list) and prints
 * "open <stats>"; then for each line "update" on stdin it runs one avs_rescan_update and prints
 * "update <stats>", and for "detect" the number of findings. <stats> ends with this process's
 * CPU time for the step (GetProcessTimes, ms); the wineserver's share is measured outside. */
#include <windows.h>

#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "catalog.h"
#include "rescan.h"

static double cpu_ms(void)
{
    FILETIME c, e, k, u;
    if (!GetProcessTimes(GetCurrentProcess(), &c, &e, &k, &u))
        return 0;
    ULONGLONG t = ((ULONGLONG)k.dwHighDateTime << 32 | k.dwLowDateTime) +
                  ((ULONGLONG)u.dwHighDateTime << 32 | u.dwLowDateTime);
    return (double)t / 10000.0;
}

static void print(const char *what, const struct avs_rescan_stats *st, double ms)
{
    printf("%s listed %zu read %zu added %zu changed %zu removed %zu relevant %zu msi %d err %d "
           "cpu_ms %.1f\n",
           what, st->listed, st->read, st->added, st->changed, st->removed, st->relevant,
           st->msi_reread, st->err, ms);
    fflush(stdout);
}

int wmain(void)
{
    struct avs_catalog cat;
    struct avs_buf err = AVS_BUF_INIT;
    struct avs_rescan *rs = NULL;
    struct avs_rescan_stats st;
    char line[64];

    SetDefaultDllDirectories(LOAD_LIBRARY_SEARCH_SYSTEM32);
    memset(&cat, 0, sizeof cat);
    if (avs_catalog_load_builtin(&cat, &err) != 0) {
        fprintf(stderr, "rescanbench: catalog: %s\n", err.data ? err.data : "?");
        return 1;
    }
    double t0 = cpu_ms();
    if (avs_rescan_open(&rs, &cat) != 0) {
        fprintf(stderr, "rescanbench: out of memory\n");
        return 1;
    }
    memset(&st, 0, sizeof st);
    st.listed = 0;
    print("open", &st, cpu_ms() - t0);
    while (fgets(line, sizeof line, stdin)) {
        if (strncmp(line, "update", 6) == 0) {
            t0 = cpu_ms();
            if (avs_rescan_update(rs, &st) != 0)
                return 1;
            print("update", &st, cpu_ms() - t0);
        } else if (strncmp(line, "detect", 6) == 0) {
            struct avs_detection d;
            t0 = cpu_ms();
            if (avs_rescan_detect(&d, rs) != 0)
                return 1;
            printf("detect findings %zu cpu_ms %.1f\n", d.n_findings, cpu_ms() - t0);
            fflush(stdout);
            avs_detection_free(&d);
        }
    }
    avs_rescan_free(rs);
    avs_catalog_free(&cat);
    avs_buf_free(&err);
    return 0;
}
