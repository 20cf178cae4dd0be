/* Resume from every crash point: a miniature remediation engine (remove-first with a staged
 * replacement, three products) journals each step the way the real engine must, and is killed
 * at every append (nothing written, a torn half line, or the whole line written but the call
 * failing) and before every effect; then it runs again from the journal. Whatever the crash
 * point: each product is uninstalled exactly once, the replacement installed exactly once, the
 * safety invariant holds throughout, and the final journal is intact and folds to "compliant".
 *
 * The engine here is a model, not core's engine: it shows that the journal and the fold carry
 * enough to resume without repeating or losing a step. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "fake_fs.h"
#include "fake_os.h"
#include "journal.h"
#include "journal_fold.h"

#define PATH "C:\\ProgramData\\AvSwap\\journal.jsonl"

enum { NPROD = 3, AGENT = 2 };
static const char *const codes[NPROD] = {"{KES}", "{KSWS}", "{KLNAGENT}"};

struct machine {
    int present[NPROD];
    int removals[NPROD];
    int staged, installed, running;
    int installs;
    /* the crash */
    int events;     /* appends and effects so far in this engine run */
    int crash_at;   /* the event that kills the process; 0: none */
    size_t partial; /* bytes of the line a crashing append writes (SIZE_MAX: all) */
};

struct engine {
    struct machine *m;
    avs_journal *j;
    struct avs_run_state s;
};

/* 1 when this event is the crash. */
static int crash_here(struct machine *m)
{
    return ++m->events == m->crash_at;
}

/* Appends a record; on the crash event the append is torn and the process "dies" (returns 1). */
static int rec(struct engine *e, enum avs_journal_step step, enum avs_journal_phase phase,
               const char *code, int64_t outcome)
{
    int crash = crash_here(e->m);
    if (crash)
        fake_fs_fail_append(1, e->m->partial, AVS_EIO);
    struct avs_journal_entry en = {step,    phase, code ? "Kaspersky" : NULL, NULL, code,
                                   outcome, NULL};
    int rc = avs_journal_append(e->j, &en);
    cr_assert_eq(rc, crash ? AVS_EIO : 0);
    return crash;
}

#define REC(step, phase, code, outcome)                                                            \
    do {                                                                                           \
        if (rec(e, step, phase, code, outcome))                                                    \
            return 1;                                                                              \
    } while (0)
#define EFFECT()                                                                                   \
    do {                                                                                           \
        if (crash_here(e->m))                                                                      \
            return 1;                                                                              \
    } while (0)

static int remove_product(struct engine *e, int p)
{
    struct machine *m = e->m;
    switch (avs_run_remove_decision(&e->s, codes[p])) {
    case AVS_RESUME_SKIP: return 0;
    case AVS_RESUME_FAILED: cr_assert_fail("no removal fails in this model"); return 1;
    case AVS_RESUME_RECHECK:
        /* Interrupted: rescan. Gone means the uninstall ran before the crash. */
        if (!m->present[p]) {
            REC(AVS_JSTEP_REMOVE, AVS_JPHASE_END, codes[p], 1605);
            return 0;
        }
        break;
    case AVS_RESUME_REMOVE: break;
    }
    /* The safety invariant: protection goes only once the replacement is staged; the
     * management agent only once the replacement runs. */
    cr_assert(m->staged, "removing %s with nothing staged", codes[p]);
    if (p == AGENT)
        cr_assert(m->running, "removing the agent before the replacement runs");
    REC(AVS_JSTEP_REMOVE, AVS_JPHASE_BEGIN, codes[p], 0);
    EFFECT();
    cr_assert(m->present[p], "uninstalling %s, which is not there", codes[p]);
    m->present[p] = 0;
    m->removals[p]++;
    REC(AVS_JSTEP_REMOVE, AVS_JPHASE_END, codes[p], 0);
    return 0;
}

/* A simple step: skipped when ended, otherwise begun, its effect (idempotent via DONE), ended. */
static int simple_step(struct engine *e, enum avs_journal_step step, const struct avs_run_step *st,
                       int *done, int *counter)
{
    if (st->state == AVS_STEP_ENDED)
        return 0;
    /* An interrupted step is re-checked against the machine, not redone blindly. */
    REC(step, AVS_JPHASE_BEGIN, NULL, 0);
    if (done && !*done) {
        EFFECT();
        *done = 1;
        if (counter)
            (*counter)++;
    }
    REC(step, AVS_JPHASE_END, NULL, 0);
    return 0;
}

/* One invocation of the engine: 1 when it "died", 0 when the run completed. */
static int engine_run(struct machine *m)
{
    struct engine eng = {m, NULL, {0}};
    struct engine *e = &eng;
    struct avs_journal_rec *recs = NULL;
    size_t n = 0;
    struct avs_journal_check c;
    int rc = avs_journal_load(&c, &recs, &n, PATH);
    cr_assert(rc == 0 || rc == AVS_ENOENT);
    cr_assert_neq(c.status, AVS_JOURNAL_BROKEN, "%s", c.why);
    struct avs_fold_error ferr;
    cr_assert_eq(avs_journal_fold(&e->s, recs, n, &ferr), 0, "line %zu: %s", ferr.line,
                 ferr.why ? ferr.why : "");
    avs_journal_recs_free(recs, n);
    int result = 0;
    if (e->s.finished)
        goto out;
    struct avs_journal_ident id = {"PC-042", e->s.run_id ? e->s.run_id : "run-1", "S-1-5-18",
                                   "NT AUTHORITY\\SYSTEM"};
    cr_assert_eq(avs_journal_open(&e->j, PATH, &id, NULL), 0);
    m->events = 0;

    result =
        simple_step(e, AVS_JSTEP_PLAN, &e->s.plan, NULL, NULL) ||
        simple_step(e, AVS_JSTEP_PREFLIGHT, &e->s.preflight, NULL, NULL) ||
        simple_step(e, AVS_JSTEP_REPLACEMENT_STAGE, &e->s.stage, &m->staged, NULL) ||
        remove_product(e, 0) || remove_product(e, 1) ||
        simple_step(e, AVS_JSTEP_REPLACEMENT_INSTALL, &e->s.install, &m->installed, &m->installs) ||
        simple_step(e, AVS_JSTEP_REPLACEMENT_VERIFY, &e->s.verify, &m->running, NULL) ||
        remove_product(e, AGENT) || rec(e, AVS_JSTEP_OUTCOME, AVS_JPHASE_END, NULL, 0);
out:
    avs_journal_close(e->j);
    avs_run_state_free(&e->s);
    return result;
}

static void machine_init(struct machine *m)
{
    memset(m, 0, sizeof *m);
    for (int p = 0; p < NPROD; p++)
        m->present[p] = 1;
}

/* Everything that must hold once the run completed, whatever happened on the way. */
static void check_compliant(const struct machine *m, const char *what)
{
    for (int p = 0; p < NPROD; p++) {
        cr_assert_not(m->present[p], "%s: %s still there", what, codes[p]);
        cr_assert_eq(m->removals[p], 1, "%s: %s uninstalled %d times", what, codes[p],
                     m->removals[p]);
    }
    cr_assert_eq(m->installs, 1, "%s: replacement installed %d times", what, m->installs);
    cr_assert(m->running);
    struct avs_journal_check c;
    struct avs_journal_rec *recs = NULL;
    size_t n = 0;
    cr_assert_eq(avs_journal_load(&c, &recs, &n, PATH), 0);
    cr_assert_eq(c.status, AVS_JOURNAL_INTACT, "%s: %s", what, c.why);
    struct avs_run_state s;
    cr_assert_eq(avs_journal_fold(&s, recs, n, NULL), 0);
    cr_assert(s.finished, "%s", what);
    cr_assert_eq(s.outcome, 0);
    for (int p = 0; p < NPROD; p++)
        cr_assert_eq(avs_run_remove_decision(&s, codes[p]), AVS_RESUME_SKIP, "%s", what);
    avs_run_state_free(&s);
    avs_journal_recs_free(recs, n);
}

static void setup(void)
{
    fake_fs_reset();
    fake_now_set(INT64_C(1714564800000));
}

TestSuite(journal_resume, .init = setup, .fini = fake_fs_reset);

/* Events in an uninterrupted run: 17 appends and 6 effects. */
#define EVENTS 23

Test(journal_resume, uninterrupted_run)
{
    struct machine m;
    machine_init(&m);
    cr_assert_eq(engine_run(&m), 0);
    cr_assert_eq(m.events, EVENTS);
    check_compliant(&m, "no crash");
    /* Running again after completion does nothing. */
    unsigned calls = fake_fs_append_calls();
    cr_assert_eq(engine_run(&m), 0);
    cr_assert_eq(fake_fs_append_calls(), calls);
}

Test(journal_resume, one_crash)
{
    /* Killed once at every point, with nothing, 50 bytes or all of the line being written
     * reaching the disk (one sweep in one test, like two_crashes below: a process per case
     * would cost the suite more than the cases themselves). */
    static const size_t partial[3] = {0, 50, SIZE_MAX};
    for (int at = 1; at <= EVENTS; at++) {
        for (int k = 0; k < 3; k++) {
            fake_fs_reset();
            struct machine m;
            machine_init(&m);
            m.crash_at = at;
            m.partial = partial[k];
            cr_assert_eq(engine_run(&m), 1, "the crash at event %d happened", at);
            m.crash_at = 0;
            cr_assert_eq(engine_run(&m), 0);
            char what[64];
            snprintf(what, sizeof what, "crash at %d (partial %zu)", at, partial[k]);
            check_compliant(&m, what);
        }
    }
}

Test(journal_resume, two_crashes, .timeout = 120)
{
    /* Killed once, then killed again while resuming, at every pair of points. */
    for (int a = 1; a <= EVENTS; a++) {
        for (int b = 1; b <= EVENTS; b++) {
            fake_fs_reset();
            struct machine m;
            machine_init(&m);
            m.crash_at = a;
            m.partial = 50;
            cr_assert_eq(engine_run(&m), 1);
            m.crash_at = b;
            m.partial = (size_t)(a + b) % 3 == 0 ? 0 : 120;
            int died = engine_run(&m);
            m.crash_at = 0;
            if (died)
                cr_assert_eq(engine_run(&m), 0);
            char what[64];
            snprintf(what, sizeof what, "crashes at %d then %d", a, b);
            check_compliant(&m, what);
        }
    }
}
