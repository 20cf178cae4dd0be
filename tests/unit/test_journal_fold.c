/* core/journal_fold: the run state after EVERY prefix of a sample journal (two runs, a retry,
 * an interrupted removal, a reboot), written and read back through the real journal, with and
 * without a torn record after the prefix; and the record sequences the fold refuses. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "fake_fs.h"
#include "fake_os.h"
#include "journal.h"
#include "journal_fold.h"

#define PATH "C:\\ProgramData\\AvSwap\\journal.jsonl"
#define T0 INT64_C(1714564800000)

enum { B = AVS_JPHASE_BEGIN, E = AVS_JPHASE_END };

/* One record of the sample, then the state expected after it. Decisions: R remove, S skip,
 * C re-check, F failed before. Step states: N not started, I interrupted, E ended. */
struct row {
    int run; /* 1 or 2 */
    enum avs_journal_step step;
    int phase;
    char product; /* 'A', 'B', 'C' or 0 */
    int64_t outcome;
    /* expected after this record */
    int want_run;
    char dec[4]; /* decisions for A, B, C */
    int reboot_pending;
    int has_outcome;
    int64_t last_outcome;
    int finished;
    char install; /* state of replacement-install */
};

#define PLAN AVS_JSTEP_PLAN
#define PREF AVS_JSTEP_PREFLIGHT
#define STAGE AVS_JSTEP_REPLACEMENT_STAGE
#define INST AVS_JSTEP_REPLACEMENT_INSTALL
#define VERI AVS_JSTEP_REPLACEMENT_VERIFY
#define REM AVS_JSTEP_REMOVE
#define BOOT AVS_JSTEP_REBOOT
#define OUT AVS_JSTEP_OUTCOME
#define NOTE AVS_JSTEP_JOURNAL

static const struct row sample[] = {
    /* run 1: blocked at preflight (1602), nothing removed */
    {1, PLAN, B, 0, 0, /**/ 1, "RRR", 0, 0, 0, 0, 'N'},
    {1, PLAN, E, 0, 0, /**/ 1, "RRR", 0, 0, 0, 0, 'N'},
    {1, PREF, B, 0, 0, /**/ 1, "RRR", 0, 0, 0, 0, 'N'},
    {1, PREF, E, 0, 1602, /**/ 1, "RRR", 0, 0, 0, 0, 'N'},
    {1, OUT, E, 0, 1602, /**/ 1, "RRR", 0, 1, 1602, 1, 'N'},
    /* run 2: remove-first with a staged replacement */
    {2, PLAN, B, 0, 0, /**/ 2, "RRR", 0, 0, 0, 0, 'N'},
    {2, PLAN, E, 0, 0, /**/ 2, "RRR", 0, 0, 0, 0, 'N'},
    {2, PREF, B, 0, 0, /**/ 2, "RRR", 0, 0, 0, 0, 'N'},
    {2, PREF, E, 0, 0, /**/ 2, "RRR", 0, 0, 0, 0, 'N'},
    {2, STAGE, B, 0, 0, /**/ 2, "RRR", 0, 0, 0, 0, 'N'},
    {2, STAGE, E, 0, 0, /**/ 2, "RRR", 0, 0, 0, 0, 'N'},
    {2, REM, B, 'A', 0, /**/ 2, "CRR", 0, 0, 0, 0, 'N'},
    {2, REM, E, 'A', 0, /**/ 2, "SRR", 0, 0, 0, 0, 'N'},
    {2, REM, B, 'B', 0, /**/ 2, "SCR", 0, 0, 0, 0, 'N'},
    {2, REM, E, 'B', 1618, /**/ 2, "SFR", 0, 0, 0, 0, 'N'},
    {2, REM, B, 'B', 0, /**/ 2, "SCR", 0, 0, 0, 0, 'N'}, /* retried */
    {2, REM, B, 'B', 0, /**/ 2, "SCR", 0, 0, 0, 0, 'N'}, /* re-begun after a crash */
    {2, REM, E, 'B', 3010, /**/ 2, "SSR", 1, 0, 0, 0, 'N'},
    {2, INST, B, 0, 0, /**/ 2, "SSR", 1, 0, 0, 0, 'I'},
    {2, INST, E, 0, 0, /**/ 2, "SSR", 1, 0, 0, 0, 'E'},
    {2, VERI, B, 0, 0, /**/ 2, "SSR", 1, 0, 0, 0, 'E'},
    {2, VERI, E, 0, 0, /**/ 2, "SSR", 1, 0, 0, 0, 'E'},
    {2, BOOT, B, 0, 0, /**/ 2, "SSR", 1, 0, 0, 0, 'E'},
    {2, OUT, E, 0, 3010, /**/ 2, "SSR", 1, 1, 3010, 0, 'E'},
    {2, NOTE, E, 0, 0, /**/ 2, "SSR", 1, 1, 3010, 0, 'E'}, /* a repaired torn tail */
    {2, BOOT, E, 0, 0, /**/ 2, "SSR", 0, 1, 3010, 0, 'E'},
    {2, REM, B, 'C', 0, /**/ 2, "SSC", 0, 1, 3010, 0, 'E'},
    {2, REM, E, 'C', 1605, /**/ 2, "SSS", 0, 1, 3010, 0, 'E'},
    {2, OUT, E, 0, 0, /**/ 2, "SSS", 0, 1, 0, 1, 'E'},
};
#define SAMPLE (sizeof sample / sizeof sample[0])

static const char *const codes[] = {"{A}", "{B}", "{C}"};
static const char *const names[] = {"Kaspersky Endpoint Security", "Kaspersky Security Server",
                                    "Kaspersky Security Center Network Agent"};

static void setup(void)
{
    fake_fs_reset();
    fake_now_set(T0);
}

TestSuite(journal_fold, .init = setup, .fini = fake_fs_reset);

/* Writes the first N records of the sample through the journal writer, as the engine would:
 * one writer per run, a second apart. */
static void write_prefix(size_t n)
{
    avs_journal *j = NULL;
    int run = 0;
    for (size_t i = 0; i < n; i++) {
        const struct row *r = &sample[i];
        if (r->run != run) {
            avs_journal_close(j);
            struct avs_journal_ident id = {"PC-042", r->run == 1 ? "run-1" : "run-2", "S-1-5-18",
                                           "NT AUTHORITY\\SYSTEM"};
            cr_assert_eq(avs_journal_open(&j, PATH, &id, NULL), 0);
            run = r->run;
        }
        fake_now_set(T0 + 1000 * (int64_t)i);
        int p = r->product ? r->product - 'A' : -1;
        struct avs_journal_entry e = {r->step,
                                      (enum avs_journal_phase)r->phase,
                                      p >= 0 ? names[p] : NULL,
                                      p >= 0 ? "11.0" : NULL,
                                      p >= 0 ? codes[p] : NULL,
                                      r->outcome,
                                      r->step == NOTE ? "torn last line discarded" : NULL};
        cr_assert_eq(avs_journal_append(j, &e), 0);
    }
    avs_journal_close(j);
}

static char decision_char(enum avs_resume d)
{
    switch (d) {
    case AVS_RESUME_REMOVE: return 'R';
    case AVS_RESUME_SKIP: return 'S';
    case AVS_RESUME_RECHECK: return 'C';
    case AVS_RESUME_FAILED: return 'F';
    }
    return '?';
}

static char state_char(enum avs_step_state s)
{
    return s == AVS_STEP_NOT_STARTED ? 'N' : s == AVS_STEP_INTERRUPTED ? 'I' : 'E';
}

/* Loads the journal, folds it, and compares with the expectation after N records. */
static void check_state_after(size_t n)
{
    struct avs_journal_check c;
    struct avs_journal_rec *recs = NULL;
    size_t count = 0;
    int rc = avs_journal_load(&c, &recs, &count, PATH);
    if (n == 0 && rc == AVS_ENOENT) {
        count = 0;
    } else {
        cr_assert_eq(rc, 0);
        cr_assert_neq(c.status, AVS_JOURNAL_BROKEN, "%s", c.why);
    }
    cr_assert_eq(count, n);

    struct avs_run_state s;
    struct avs_fold_error err;
    cr_assert_eq(avs_journal_fold(&s, recs, count, &err), 0, "prefix %zu: line %zu: %s", n,
                 err.line, err.why ? err.why : "");
    if (n == 0) {
        cr_assert_null(s.run_id);
        cr_assert_eq(s.product_count, 0);
        for (int p = 0; p < 3; p++)
            cr_assert_eq(avs_run_remove_decision(&s, codes[p]), AVS_RESUME_REMOVE);
        avs_run_state_free(&s);
        return;
    }
    const struct row *w = &sample[n - 1];
    cr_assert_str_eq(s.run_id, w->want_run == 1 ? "run-1" : "run-2", "prefix %zu", n);
    char dec[4] = {0};
    for (int p = 0; p < 3; p++)
        dec[p] = decision_char(avs_run_remove_decision(&s, codes[p]));
    cr_assert_str_eq(dec, w->dec, "prefix %zu", n);
    cr_assert_eq(s.reboot_pending, w->reboot_pending, "prefix %zu", n);
    cr_assert_eq(s.has_outcome, w->has_outcome, "prefix %zu", n);
    cr_assert_eq(s.outcome, w->last_outcome, "prefix %zu", n);
    cr_assert_eq(s.finished, w->finished, "prefix %zu", n);
    cr_assert_eq(state_char(s.install.state), w->install, "prefix %zu", n);
    avs_run_state_free(&s);
    avs_journal_recs_free(recs, count);
}

ParameterizedTestParameters(journal_fold, every_prefix)
{
    static size_t n[SAMPLE + 1];
    for (size_t i = 0; i <= SAMPLE; i++)
        n[i] = i;
    return cr_make_param_array(size_t, n, SAMPLE + 1);
}

ParameterizedTest(size_t *n, journal_fold, every_prefix)
{
    write_prefix(*n);
    check_state_after(*n);
}

ParameterizedTestParameters(journal_fold, every_prefix_with_a_torn_next_record)
{
    static size_t n[SAMPLE];
    for (size_t i = 0; i < SAMPLE; i++)
        n[i] = i;
    return cr_make_param_array(size_t, n, SAMPLE);
}

/* The process died while appending record N+1: the state is the state after N. */
ParameterizedTest(size_t *n, journal_fold, every_prefix_with_a_torn_next_record)
{
    write_prefix(*n + 1);
    size_t len;
    const char *d = fake_fs_data(PATH, &len);
    size_t start = len - 1;
    while (start > 0 && d[start - 1] != '\n')
        start--;
    cr_assert_eq(fake_fs_set_size(PATH, start + (len - start) / 2), 0);
    check_state_after(*n);
}

Test(journal_fold, the_finished_sample_in_detail)
{
    write_prefix(SAMPLE);
    struct avs_journal_check c;
    struct avs_journal_rec *recs = NULL;
    size_t count = 0;
    cr_assert_eq(avs_journal_load(&c, &recs, &count, PATH), 0);
    struct avs_run_state s;
    cr_assert_eq(avs_journal_fold(&s, recs, count, NULL), 0);
    cr_assert_eq(s.records, SAMPLE - 5 - 1, "run 2's records, without run 1 and the note");
    cr_assert_eq(s.product_count, 3);
    for (int p = 0; p < 3; p++) {
        const struct avs_run_product *rp = &s.products[p];
        cr_assert_str_eq(rp->product_code, codes[p], "first-appearance order");
        cr_assert_str_eq(rp->product, names[p]);
        cr_assert_str_eq(rp->version, "11.0");
        cr_assert(rp->removed);
        cr_assert_eq(rp->removed_rank, (size_t)p + 1);
        cr_assert_eq(rp->remove.state, AVS_STEP_ENDED);
    }
    cr_assert_eq(s.products[1].remove.begins, 3, "B: tried, retried, resumed");
    cr_assert_eq(s.products[1].remove.outcome, 3010);
    cr_assert_eq(s.products[2].remove.outcome, 1605);
    cr_assert_eq(s.first_removal_ms, T0 + 1000 * 12, "A's end, record 13");
    cr_assert_eq(s.products[0].removed_ms, T0 + 1000 * 12);
    cr_assert_eq(s.verify.state, AVS_STEP_ENDED);
    cr_assert_eq(s.verify.end_ms, T0 + 1000 * 21);
    cr_assert_eq(s.reboot.state, AVS_STEP_ENDED);
    cr_assert_eq(s.plan.begins, 1, "run 1's plan is not counted in run 2");
    cr_assert_eq(s.preflight.outcome, 0, "run 2's preflight, not run 1's 1602");
    cr_assert_null(avs_run_product_find(&s, "{Z}"));
    avs_run_state_free(&s);
    avs_journal_recs_free(recs, count);
}

/* Records built in memory for the refusals. */
static struct avs_journal_rec rec(enum avs_journal_step step, int phase, const char *code,
                                  int64_t outcome)
{
    struct avs_journal_rec r;
    memset(&r, 0, sizeof r);
    r.run_id = (char *)"run-x";
    r.step = step;
    r.phase = (enum avs_journal_phase)phase;
    r.product_code = (char *)code;
    r.outcome = outcome;
    return r;
}

static void refused(struct avs_journal_rec *r, size_t n, const char *why)
{
    for (size_t i = 0; i < n; i++)
        r[i].line = i + 1;
    struct avs_run_state s;
    struct avs_fold_error err;
    cr_assert_eq(avs_journal_fold(&s, r, n, &err), AVS_EFORMAT, "%s", why);
    cr_assert_eq(err.line, n, "%s: the last record is the offending one", why);
    cr_assert_str_eq(err.why, why);
    cr_assert_null(s.run_id, "no partial state is returned");
    cr_assert_null(s.products);
}

Test(journal_fold, refuses_sequences_the_engine_never_writes)
{
    struct avs_journal_rec a[] = {rec(REM, E, "{A}", 0)};
    refused(a, 1, "\"end\" without a \"begin\"");
    struct avs_journal_rec b[] = {rec(PLAN, B, NULL, 0), rec(PLAN, E, NULL, 0),
                                  rec(PLAN, E, NULL, 0)};
    refused(b, 3, "\"end\" without a \"begin\"");
    struct avs_journal_rec c[] = {rec(OUT, B, NULL, 0)};
    refused(c, 1, "\"outcome\" has no \"begin\"");
    struct avs_journal_rec d[] = {rec(REM, B, NULL, 0)};
    refused(d, 1, "\"remove\" names no product");
    struct avs_journal_rec e[] = {rec(REM, B, "{A}", 0), rec(REM, E, "{A}", 0),
                                  rec(REM, B, "{A}", 0)};
    refused(e, 3, "\"remove\" begun again after it succeeded");
    struct avs_journal_rec f[] = {rec(OUT, E, NULL, 1603), rec(PLAN, B, NULL, 0)};
    refused(f, 2, "record after the run's final outcome");
    struct avs_journal_rec g[] = {rec(BOOT, E, NULL, 0)};
    refused(g, 1, "reboot \"end\" with no reboot pending");
    struct avs_journal_rec h[] = {rec(REM, B, "{A}", 0), rec(REM, E, "{B}", 0)};
    refused(h, 2, "\"end\" without a \"begin\"");
}

Test(journal_fold, reboot_asked_by_a_removal_can_end_without_its_own_begin)
{
    struct avs_journal_rec r[] = {rec(REM, B, "{A}", 0), rec(REM, E, "{A}", 1641),
                                  rec(OUT, E, NULL, 3010), rec(BOOT, E, NULL, 0)};
    struct avs_run_state s;
    cr_assert_eq(avs_journal_fold(&s, r, 2, NULL), 0);
    cr_assert(s.reboot_pending);
    avs_run_state_free(&s);
    cr_assert_eq(avs_journal_fold(&s, r, 4, NULL), 0);
    cr_assert_not(s.reboot_pending);
    cr_assert_not(s.finished, "3010 is not final: the run resumes after the reboot");
    avs_run_state_free(&s);
}

Test(journal_fold, product_without_code_is_keyed_by_name)
{
    struct avs_journal_rec r[] = {rec(REM, B, NULL, 0), rec(REM, E, NULL, 0)};
    r[0].product = r[1].product = (char *)"Kaspersky Free";
    struct avs_run_state s;
    cr_assert_eq(avs_journal_fold(&s, r, 2, NULL), 0);
    cr_assert_eq(avs_run_remove_decision(&s, "Kaspersky Free"), AVS_RESUME_SKIP);
    avs_run_state_free(&s);
}

Test(journal_fold, result_codes)
{
    static const int64_t ok[] = {0, 1605, 3010, 1641};
    static const int64_t not_ok[] = {1603, 1618, 1602, 1, -1, 1604, 3011};
    for (size_t i = 0; i < 4; i++)
        cr_assert(avs_journal_code_ok(ok[i]), "%lld", (long long)ok[i]);
    for (size_t i = 0; i < sizeof not_ok / sizeof not_ok[0]; i++)
        cr_assert_not(avs_journal_code_ok(not_ok[i]), "%lld", (long long)not_ok[i]);
    cr_assert(avs_journal_code_reboot(3010));
    cr_assert(avs_journal_code_reboot(1641));
    cr_assert_not(avs_journal_code_reboot(0));
    cr_assert_not(avs_journal_code_reboot(1605));
}
