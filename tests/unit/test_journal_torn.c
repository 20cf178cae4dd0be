/* core/journal: torn last lines (a crash during an append) are reported, never trusted, and
 * repaired by the next writer; failed appends are sticky. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "fake_fs.h"
#include "fake_os.h"
#include "journal.h"
#include "journal_fold.h"
#include "sha256.h"

#define PATH "C:\\ProgramData\\AvSwap\\journal.jsonl"
#define T0 INT64_C(1714564800000)

static const struct avs_journal_ident ident = {"PC-042", "run-1", "S-1-5-21-1-2-3-1001",
                                               "CORP\\helpdesk"};

static void setup(void)
{
    fake_fs_reset();
    fake_now_set(T0);
}

TestSuite(journal_torn, .init = setup, .fini = fake_fs_reset);

static int append(avs_journal *j, enum avs_journal_step step, enum avs_journal_phase phase,
                  const char *code, int64_t outcome)
{
    struct avs_journal_entry e = {
        step, phase, code ? "Kaspersky Endpoint Security" : NULL, NULL, code, outcome, NULL};
    return avs_journal_append(j, &e);
}

/* plan begin/end, remove {A} begin/end: four records. */
static void write_four(void)
{
    avs_journal *j = NULL;
    cr_assert_eq(avs_journal_open(&j, PATH, &ident, NULL), 0);
    cr_assert_eq(append(j, AVS_JSTEP_PLAN, AVS_JPHASE_BEGIN, NULL, 0), 0);
    cr_assert_eq(append(j, AVS_JSTEP_PLAN, AVS_JPHASE_END, NULL, 0), 0);
    cr_assert_eq(append(j, AVS_JSTEP_REMOVE, AVS_JPHASE_BEGIN, "{A}", 0), 0);
    cr_assert_eq(append(j, AVS_JSTEP_REMOVE, AVS_JPHASE_END, "{A}", 0), 0);
    avs_journal_close(j);
}

static char *snapshot(size_t *len)
{
    const char *d = fake_fs_data(PATH, len);
    cr_assert_not_null(d);
    char *c = malloc(*len + 1);
    memcpy(c, d, *len);
    c[*len] = '\0';
    return c;
}

static struct avs_journal_check load(struct avs_journal_rec **recs, size_t *n)
{
    struct avs_journal_check c;
    cr_assert_eq(avs_journal_load(&c, recs, n, PATH), 0);
    return c;
}

/* Reopens (which repairs) and checks the result is intact with WANT records, the last of them
 * a "journal" note about DROPPED bytes with hash HEX when DROPPED > 0. */
static void reopen_and_check(size_t want, size_t dropped, const char *hex)
{
    avs_journal *j = NULL;
    struct avs_journal_check before;
    cr_assert_eq(avs_journal_open(&j, PATH, &ident, &before), 0);
    cr_assert_eq(before.status, dropped ? AVS_JOURNAL_TORN : AVS_JOURNAL_INTACT);
    /* The repaired journal goes on normally. */
    cr_assert_eq(append(j, AVS_JSTEP_OUTCOME, AVS_JPHASE_END, NULL, 0), 0);
    avs_journal_close(j);

    struct avs_journal_rec *r = NULL;
    size_t n = 0;
    struct avs_journal_check c = load(&r, &n);
    cr_assert_eq(c.status, AVS_JOURNAL_INTACT, "%s", c.why);
    cr_assert_eq(n, want + 1);
    cr_assert_eq(r[n - 1].step, AVS_JSTEP_OUTCOME);
    if (dropped) {
        const struct avs_journal_rec *note = &r[n - 2];
        cr_assert_eq(note->step, AVS_JSTEP_JOURNAL);
        cr_assert_eq(note->phase, AVS_JPHASE_END);
        char expect[160];
        snprintf(expect, sizeof expect, "discarded: %zu bytes with SHA-256 %s", dropped, hex);
        cr_assert_not_null(strstr(note->detail, expect), "%s", note->detail);
        cr_assert_str_eq(note->run_id, "run-1");
        cr_assert_str_eq(note->user_name, "CORP\\helpdesk");
    }
    avs_journal_recs_free(r, n);
}

/* One cut: KEEP bytes of the fourth line (START its offset, FULL the whole journal) survive. */
static void check_cut(const char *full, size_t start, size_t keep)
{
    fake_fs_reset();
    write_four();
    cr_assert_eq(fake_fs_set_size(PATH, start + keep), 0);

    struct avs_journal_rec *r = NULL;
    size_t n = 0;
    struct avs_journal_check c = load(&r, &n);
    cr_assert_eq(c.status, AVS_JOURNAL_TORN, "keep %zu", keep);
    cr_assert_eq(c.bad_line, 4, "keep %zu", keep);
    cr_assert_eq(c.records, 3, "keep %zu", keep);
    cr_assert_eq(c.good_bytes, start, "keep %zu", keep);
    cr_assert_eq(c.last_seq, 3, "keep %zu", keep);
    cr_assert_not_null(strstr(c.why, "without a newline"), "keep %zu: %s", keep, c.why);
    /* The torn "end" is not trusted: the removal reads as interrupted, to be re-checked. */
    cr_assert_eq(n, 3, "keep %zu", keep);
    struct avs_run_state s;
    cr_assert_eq(avs_journal_fold(&s, r, n, NULL), 0);
    cr_assert_eq(avs_run_remove_decision(&s, "{A}"), AVS_RESUME_RECHECK, "keep %zu", keep);
    avs_run_state_free(&s);
    avs_journal_recs_free(r, n);

    char hex[65];
    avs_sha256_hex_of(hex, full + start, keep);
    reopen_and_check(4, keep, hex);
}

/* Every length of the fourth line that a crash can leave, 1 byte to all of it but its newline,
 * in one test: an exhaustive sweep of ~330 cuts, not ~330 cases (a process each would cost
 * the suite a minute). A failure names the cut. */
Test(journal_torn, every_cut_of_the_last_line)
{
    write_four();
    size_t len;
    char *full = snapshot(&len);
    size_t start = (size_t)(strrchr(full, '{') - full);
    while (start > 0 && full[start - 1] != '\n')
        start--;
    size_t line_len = len - start; /* with its newline */
    cr_assert_gt(line_len, 100, "the fourth line is a whole record");
    for (size_t keep = 1; keep < line_len; keep++)
        check_cut(full, start, keep);
    free(full);
}

Test(journal_torn, clean_cut_at_a_line_end_is_intact)
{
    write_four();
    size_t len;
    char *full = snapshot(&len);
    size_t third_end = (size_t)(strstr(strstr(strstr(full, "\n") + 1, "\n") + 1, "\n") - full) + 1;
    cr_assert_eq(fake_fs_set_size(PATH, third_end), 0);
    struct avs_journal_check c = load(NULL, NULL);
    cr_assert_eq(c.status, AVS_JOURNAL_INTACT);
    cr_assert_eq(c.records, 3);
    reopen_and_check(3, 0, NULL);
    free(full);
}

Test(journal_torn, unparseable_last_line_with_newline_is_torn)
{
    /* A crash can leave the file extended with sectors never written (zeros or stale data),
     * the newline's sector included. */
    static const char *tails[] = {"\0\0\0\0\0\0\n", "{\"seq\":5,\"ti\n", "\n", "\0\0\0\0"};
    static const size_t tail_len[] = {7, 13, 1, 4};
    for (size_t i = 0; i < 4; i++) {
        fake_fs_reset();
        write_four();
        size_t len;
        char *before = snapshot(&len);
        cr_assert_eq(avs_os_file_append_durable(PATH, tails[i], tail_len[i]), 0);
        struct avs_journal_check c = load(NULL, NULL);
        cr_assert_eq(c.status, AVS_JOURNAL_TORN, "tail %zu", i);
        cr_assert_eq(c.bad_line, 5);
        cr_assert_eq(c.good_bytes, len);
        char hex[65];
        avs_sha256_hex_of(hex, tails[i], tail_len[i]);
        reopen_and_check(5, tail_len[i], hex);
        free(before);
    }
}

Test(journal_torn, whole_file_torn)
{
    cr_assert_eq(fake_fs_put(PATH, "{\"seq\":1,", 9), 0);
    struct avs_journal_check c = load(NULL, NULL);
    cr_assert_eq(c.status, AVS_JOURNAL_TORN);
    cr_assert_eq(c.bad_line, 1);
    cr_assert_eq(c.good_bytes, 0);
    char hex[65];
    avs_sha256_hex_of(hex, "{\"seq\":1,", 9);
    reopen_and_check(1, 9, hex);
}

struct fail_case {
    size_t partial; /* bytes of the failing line that reach the file; SIZE_MAX: all */
    int torn;       /* 1 when the reopen must find a torn line */
    size_t records; /* records after reopening, the repair note included */
};

ParameterizedTestParameters(journal_torn, failed_append)
{
    static struct fail_case c[] = {
        {0, 0, 2},        /* disk full: nothing written */
        {1, 1, 3},        /* one byte */
        {100, 1, 3},      /* part of the line */
        {SIZE_MAX, 0, 3}, /* all written, but the flush reported an error */
    };
    return cr_make_param_array(struct fail_case, c, sizeof c / sizeof c[0]);
}

ParameterizedTest(struct fail_case *fc, journal_torn, failed_append)
{
    avs_journal *j = NULL;
    cr_assert_eq(avs_journal_open(&j, PATH, &ident, NULL), 0);
    cr_assert_eq(append(j, AVS_JSTEP_PLAN, AVS_JPHASE_BEGIN, NULL, 0), 0);
    cr_assert_eq(append(j, AVS_JSTEP_PLAN, AVS_JPHASE_END, NULL, 0), 0);
    fake_fs_fail_append(1, fc->partial, AVS_EIO);
    cr_assert_eq(append(j, AVS_JSTEP_REMOVE, AVS_JPHASE_BEGIN, "{A}", 0), AVS_EIO);
    cr_assert_eq(avs_journal_seq(j), 2, "a failed append is not counted");
    unsigned calls = fake_fs_append_calls();
    /* Sticky: nothing more is written after a failure that may have torn the file. */
    cr_assert_eq(append(j, AVS_JSTEP_REMOVE, AVS_JPHASE_BEGIN, "{A}", 0), AVS_EIO);
    cr_assert_eq(fake_fs_append_calls(), calls);
    avs_journal_close(j);

    size_t len;
    const char *d = fake_fs_data(PATH, &len);
    struct avs_journal_check c;
    cr_assert_eq(avs_journal_verify(&c, NULL, NULL, d, len), 0);
    cr_assert_eq(c.status, fc->torn ? AVS_JOURNAL_TORN : AVS_JOURNAL_INTACT);
    if (fc->torn) {
        char hex[65];
        avs_sha256_hex_of(hex, d + c.good_bytes, fc->partial);
        reopen_and_check(fc->records, fc->partial, hex);
    } else {
        reopen_and_check(fc->records, 0, NULL);
    }
}

Test(journal_torn, failed_truncate_leaves_the_file_and_fails_the_open)
{
    write_four();
    size_t len;
    char *full = snapshot(&len);
    cr_assert_eq(fake_fs_set_size(PATH, len - 7), 0);
    fake_fs_fail_next(FAKE_FS_TRUNCATE, AVS_EACCES);
    avs_journal *j = (avs_journal *)1;
    cr_assert_eq(avs_journal_open(&j, PATH, &ident, NULL), AVS_EACCES);
    cr_assert_null(j);
    size_t now;
    const char *d = fake_fs_data(PATH, &now);
    cr_assert_eq(now, len - 7);
    cr_assert_eq(memcmp(d, full, now), 0);
    /* The next attempt repairs it. */
    char hex[65];
    size_t start = len - 1;
    while (full[start - 1] != '\n')
        start--;
    avs_sha256_hex_of(hex, full + start, len - 7 - start);
    reopen_and_check(4, len - 7 - start, hex);
    free(full);
}

Test(journal_torn, failed_repair_note_fails_the_open_and_the_next_open_is_clean)
{
    write_four();
    size_t len;
    fake_fs_data(PATH, &len);
    cr_assert_eq(fake_fs_set_size(PATH, len - 7), 0);
    fake_fs_fail_append(1, 0, AVS_EIO);
    avs_journal *j = (avs_journal *)1;
    cr_assert_eq(avs_journal_open(&j, PATH, &ident, NULL), AVS_EIO);
    cr_assert_null(j);
    /* The torn bytes are gone (they were never trusted); the note did not make it. */
    struct avs_journal_check c = load(NULL, NULL);
    cr_assert_eq(c.status, AVS_JOURNAL_INTACT);
    cr_assert_eq(c.records, 3);
}
