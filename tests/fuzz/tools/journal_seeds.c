/* Writes the journal seeds of tests/fuzz/corpus/journal and corpus/jsonread with core's own
 * journal writer (through tests/fakes), so the seeds are records exactly as AvSwap writes them:
 *   build/fuzz/journal_seeds OUTDIR
 * Run by hand when the record format changes (scripts/fuzz --seeds); the files are committed. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_fs.h"
#include "fake_os.h"
#include "journal.h"

#define PATH "C:\\ProgramData\\AvSwap\\journal.jsonl"
#define T0 INT64_C(1714564800000) /* 2024-05-01T12:00:00.000Z */

static const char *outdir;
static int64_t now = T0;

static void put(const char *sub, const char *name, unsigned char mode, const char *data, size_t len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s/%s", outdir, sub, name);
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        exit(1);
    }
    if (mode != 0xff)
        fputc(mode, f);
    fwrite(data, 1, len, f);
    fclose(f);
}

static void add(avs_journal *j, enum avs_journal_step step, enum avs_journal_phase phase,
                const char *product, const char *version, const char *code, int64_t outcome,
                const char *detail)
{
    struct avs_journal_entry e = {step, phase, product, version, code, outcome, detail};
    now += 1234;
    fake_now_set(now);
    if (avs_journal_append(j, &e) != 0) {
        fprintf(stderr, "append failed\n");
        exit(1);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s OUTDIR\n", argv[0]);
        return 2;
    }
    outdir = argv[1];
    static const struct avs_journal_ident id = {"PC-042", "2f9c1d7e-run", "S-1-5-18",
                                                "NT AUTHORITY\\SYSTEM"};
    const char *kes = "Kaspersky Endpoint Security for Windows";
    const char *kes_code = "{7A4192A1-84C4-4E90-A31B-B4847CA8E23A}";
    const char *ksc = "Kaspersky Security Center Network Agent";
    const char *ksc_code = "{2924BEDA-E0D7-4DAF-A224-50D2E0B12F5B}";

    fake_fs_reset();
    fake_now_set(T0);
    avs_journal *j = NULL;
    if (avs_journal_open(&j, PATH, &id, NULL) != 0)
        return 1;
    add(j, AVS_JSTEP_PLAN, AVS_JPHASE_BEGIN, NULL, NULL, NULL, 0, "remove-first: kes, klnagent");
    add(j, AVS_JSTEP_PLAN, AVS_JPHASE_END, NULL, NULL, NULL, 0, NULL);
    add(j, AVS_JSTEP_PREFLIGHT, AVS_JPHASE_BEGIN, NULL, NULL, NULL, 0, NULL);
    add(j, AVS_JSTEP_PREFLIGHT, AVS_JPHASE_END, NULL, NULL, NULL, 0, "no restart pending");
    add(j, AVS_JSTEP_REMOVE, AVS_JPHASE_BEGIN, kes, "11.11.0.452", kes_code, 0, "msiexec /x");
    add(j, AVS_JSTEP_REMOVE, AVS_JPHASE_END, kes, "11.11.0.452", kes_code, 3010, NULL);
    add(j, AVS_JSTEP_REMOVE, AVS_JPHASE_BEGIN, ksc, "14.2.0.26967", ksc_code, 0, NULL);
    add(j, AVS_JSTEP_REMOVE, AVS_JPHASE_END, ksc, "14.2.0.26967", ksc_code, 1605,
        "already removed");
    add(j, AVS_JSTEP_REPLACEMENT_STAGE, AVS_JPHASE_BEGIN, "Contoso AV", "5.0", NULL, 0, NULL);
    add(j, AVS_JSTEP_REPLACEMENT_STAGE, AVS_JPHASE_END, "Contoso AV", "5.0", NULL, 0,
        "sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
    add(j, AVS_JSTEP_REPLACEMENT_INSTALL, AVS_JPHASE_BEGIN, "Contoso AV", "5.0", NULL, 0, NULL);
    add(j, AVS_JSTEP_REPLACEMENT_INSTALL, AVS_JPHASE_END, "Contoso AV", "5.0", NULL, 0, NULL);
    add(j, AVS_JSTEP_REPLACEMENT_VERIFY, AVS_JPHASE_BEGIN, "Contoso AV", NULL, NULL, 0, NULL);
    add(j, AVS_JSTEP_REPLACEMENT_VERIFY, AVS_JPHASE_END, "Contoso AV", NULL, NULL, 0,
        "service ContosoAV running");
    add(j, AVS_JSTEP_REBOOT, AVS_JPHASE_BEGIN, NULL, NULL, NULL, 0, "3010 from kes");
    add(j, AVS_JSTEP_OUTCOME, AVS_JPHASE_END, NULL, NULL, NULL, 3, "restart required");
    avs_journal_close(j);

    size_t len;
    const char *d = fake_fs_data(PATH, &len);
    if (!d)
        return 1;
    char *full = malloc(len);
    memcpy(full, d, len);

    /* The whole run, read raw (mode 0) and with the chain repaired (mode 1). */
    put("journal", "run-complete", 0, full, len);
    put("journal", "run-complete-repaired", 1, full, len);
    /* Torn: the last append cut half-way, as a crash leaves it. */
    put("journal", "torn-tail", 0, full, len - 40);
    /* Edited: the first removal's outcome changed (chain breaks at the next line); with the
     * chain recomputed by the harness it verifies, as an unkeyed chain does for an attacker. */
    char *edit = malloc(len);
    memcpy(edit, full, len);
    char *o = strstr(edit, "\"outcome\":3010");
    if (o)
        memcpy(o, "\"outcome\":0   ", 14);
    put("journal", "edited-outcome", 0, edit, len);
    put("journal", "edited-outcome-repaired", 1, edit, len);
    /* The first three records only, and one record alone. */
    size_t cut = 0;
    for (int n = 0; n < 3; cut++)
        if (full[cut] == '\n')
            n++;
    put("journal", "three-records", 0, full, cut);
    const char *nl = memchr(full, '\n', len);
    put("journal", "one-record", 0, full, (size_t)(nl - full) + 1);

    /* Single records as JSON documents for the JSON reader. */
    const char *p = full;
    for (int n = 0; n < 16 && p < full + len; n++) {
        const char *e = memchr(p, '\n', (size_t)(full + len - p));
        if (!e)
            break;
        if (n == 0 || n == 5 || n == 7 || n == 9 || n == 15) {
            char name[32];
            snprintf(name, sizeof name, "journal-record-%02d", n + 1);
            put("jsonread", name, 0xff, p, (size_t)(e - p));
        }
        p = e + 1;
    }
    free(full);
    free(edit);
    fake_fs_reset();
    return 0;
}
