/* The remediation run: journal, scan, plan, preflight, removals, replacement, outcome. */
#include "remediate.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "avs_messages.h"
#include "avs_version.h"
#include "exitcode.h"
#include "remediate_int.h"
#include "verdict.h"

/* ---------------------------------------------------------------- helpers */

int avs_rem_push(char ***list, size_t *n, const char *line)
{
    char *copy = avs_strdup(line);
    char **g = copy ? realloc(*list, (*n + 1) * sizeof **list) : NULL;
    if (!g) {
        free(copy);
        return AVS_ENOMEM;
    }
    g[(*n)++] = copy;
    *list = g;
    return 0;
}

static void free_list(char **list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(list[i]);
    free(list);
}

int avs_rem_stop(struct rctx *c, int code, const char *step, const char *reason)
{
    free(c->r->step);
    free(c->r->reason);
    c->r->step = avs_strdup(step);
    c->r->reason = avs_strdup(reason);
    c->r->exit_code = code;
    return code;
}

const char *avs_rem_key(const struct avs_finding *f)
{
    if (f->product_code[0])
        return f->product_code;
    if (strcmp(f->catalog_id, AVS_REMNANT_ID) == 0)
        return AVS_REMNANT_ID;
    /* An EXE product: its Uninstall key name, the last part of its key path. */
    const char *slash = f->key ? strrchr(f->key, '\\') : NULL;
    return slash ? slash + 1 : f->name;
}

void avs_rem_event(struct rctx *c, uint32_t event, const char *const *strs, size_t n)
{
    const char *all[16];
    if (n > 15)
        n = 15;
    all[0] = c->r->run_id ? c->r->run_id : "(none)";
    for (size_t i = 0; i < n; i++)
        all[i + 1] = strs[i] ? strs[i] : "";
    /* A failure to write an event does not stop the run: the journal is the record of truth,
     * and `avswap evidence export` carries it off the machine. */
    (void)avs_os_event_write(event, all, n + 1);
}

int avs_rem_record(struct rctx *c, const struct avs_journal_entry *e, uint32_t event,
                   const char *const *strs, size_t n)
{
    int rc = avs_journal_append(c->journal, e);
    if (rc) {
        char why[160];
        snprintf(why, sizeof why, "the journal %s could not be written: %s", c->journal_path,
                 avs_strerror(rc));
        const char *s[2] = {"journal", why};
        avs_os_event_write(AVS_EV_INTERNAL_ERROR, s, 2);
        avs_rem_stop(c, AVS_EXIT_FAILED, "journal", why);
        return rc;
    }
    if (!event)
        return 0;
    char ref[100];
    const char *all[16];
    if (n > 13)
        n = 13;
    snprintf(ref, sizeof ref, "seq %" PRId64 ", SHA-256 %s", avs_journal_seq(c->journal),
             avs_journal_hash(c->journal));
    for (size_t i = 0; i < n; i++)
        all[i] = strs[i] ? strs[i] : "";
    all[n] = ref;
    avs_rem_event(c, event, all, n + 1);
    return 0;
}

static int record_outcome(struct rctx *c, int code, uint32_t event, const char *const *strs,
                          size_t n)
{
    struct avs_journal_entry e = {AVS_JSTEP_OUTCOME, AVS_JPHASE_END, NULL, NULL, NULL, code,
                                  c->r->reason};
    c->r->exit_code = code;
    if (!c->journal) {
        avs_rem_event(c, event, strs, n);
        return code;
    }
    avs_rem_record(c, &e, event, strs, n);
    return c->r->exit_code;
}

/* ---------------------------------------------------------------- setup */

static int make_run_id(char **out)
{
    unsigned char b[16];
    int rc = avs_os_random(b, sizeof b);
    if (rc)
        return rc;
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* a version-4 UUID, as auditors expect */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    struct avs_buf s = AVS_BUF_INIT;
    for (int i = 0; i < 16; i++)
        avs_buf_printf(&s, "%s%02x", (i == 4 || i == 6 || i == 8 || i == 10) ? "-" : "", b[i]);
    *out = avs_buf_detach(&s);
    return *out ? 0 : AVS_ENOMEM;
}

static char *join(const char *a, const char *b)
{
    struct avs_buf s = AVS_BUF_INIT;
    avs_buf_printf(&s, "%s\\%s", a, b);
    return avs_buf_detach(&s);
}

char *avs_remediate_data_dir(const struct avs_os_folders *f)
{
    return join(f->program_data, "AvSwap");
}

char *avs_remediate_journal_path(const struct avs_os_folders *f)
{
    char *dir = avs_remediate_data_dir(f);
    char *path = dir ? join(dir, "journal.jsonl") : NULL;
    free(dir);
    return path;
}

/* The journal: loaded, verified and folded; the run to continue or a new one. */
static int open_journal(struct rctx *c)
{
    struct avs_journal_check chk;
    struct avs_journal_rec *recs = NULL;
    unsigned char key[AVS_EVKEY_LEN];
    size_t n = 0;
    int rc = avs_rem_evidence_key(c, key);
    if (rc)
        return rc;
    rc = avs_journal_load_keyed(&chk, &recs, &n, c->journal_path, key);
    if (rc == AVS_ENOENT) {
        rc = 0;
        chk.status = AVS_JOURNAL_INTACT;
    }
    if (rc) {
        avs_rem_stop(c, AVS_EXIT_FAILED, "journal", avs_strerror(rc));
        goto done;
    }
    if (chk.status == AVS_JOURNAL_BROKEN) {
        char line[32];
        snprintf(line, sizeof line, "%zu", chk.bad_line);
        const char *s[3] = {c->journal_path, line, chk.why};
        avs_os_event_write(AVS_EV_JOURNAL_DAMAGED, s, 3);
        rc = AVS_EFORMAT;
        avs_rem_stop(c, AVS_EXIT_FAILED, "journal",
                     "the journal is damaged; export it (avswap evidence export) and move it "
                     "aside before remediating again");
        goto done;
    }
    struct avs_fold_error ferr = {0, NULL};
    rc = avs_journal_fold(&c->state, recs, n, &ferr);
    if (rc) {
        avs_rem_stop(c, AVS_EXIT_FAILED, "journal",
                     ferr.why ? ferr.why : "the journal does not describe a run AvSwap wrote");
        goto done;
    }
    if (c->state.run_id && !c->state.finished) {
        c->r->run_id = avs_strdup(c->state.run_id);
        c->r->resumed = 1;
    } else if ((rc = make_run_id(&c->r->run_id)) != 0) {
        goto done;
    }
    if (!c->r->run_id) {
        rc = AVS_ENOMEM;
        goto done;
    }
    /* Before anything else: a run killed mid-removal left its MSI log unscrubbed. */
    if (c->r->resumed && (rc = avs_rem_scrub_interrupted(c)) != 0)
        goto done;
    struct avs_journal_ident id = {c->who.host, c->r->run_id, c->who.user_sid, c->who.user};
    rc = avs_journal_open_keyed(&c->journal, c->journal_path, &id, key, NULL);
    if (rc)
        avs_rem_stop(c, AVS_EXIT_FAILED, "journal", avs_strerror(rc));
done:
    avs_os_secure_zero(key, sizeof key);
    avs_journal_recs_free(recs, n);
    return rc;
}

/* ---------------------------------------------------------------- plan */

static int has_protection(const struct avs_detection *d)
{
    for (size_t i = 0; i < d->n_findings; i++)
        if (d->findings[i].role == AVS_ROLE_PROTECTION &&
            strcmp(d->findings[i].catalog_id, AVS_REMNANT_ID) != 0)
            return 1;
    return 0;
}

static int make_plan(struct rctx *c)
{
    struct avs_buf order = AVS_BUF_INIT;
    const struct avs_detection *d = &c->scan.det;
    int rc = 0;
    for (size_t i = 0; i < d->n_findings && !rc; i++) {
        const struct avs_finding *f = &d->findings[i];
        const char *why = NULL;
        struct avs_buf line = AVS_BUF_INIT;
        int ok = avs_rem_removable(c, f, &why);
        avs_buf_printf(&line, "%zu. %s %s (%s, %s)%s%s", i + 1, f->name,
                       f->version ? f->version : "", avs_uninstall_name(f->uninstall),
                       avs_role_name(f->role), ok ? "" : " - cannot be removed: ", ok ? "" : why);
        avs_buf_printf(&order, "%s%s", i ? "; " : "", f->name);
        rc = line.err ? line.err : avs_rem_push(&c->r->plan, &c->r->n_plan, line.data);
        avs_buf_free(&line);
    }
    if (!rc && order.err)
        rc = order.err;
    if (rc)
        goto done;
    c->r->strategy = c->repl == REPL_NONE ? "none"
                     : c->install_first   ? "install-first"
                                          : "remove-first";
    if (c->o->dry_run)
        goto done;
    struct avs_journal_entry b = {AVS_JSTEP_PLAN, AVS_JPHASE_BEGIN, NULL, NULL, NULL, 0, NULL};
    struct avs_journal_entry e = {AVS_JSTEP_PLAN, AVS_JPHASE_END, NULL, NULL, NULL, 0, NULL};
    struct avs_buf detail = AVS_BUF_INIT;
    avs_buf_printf(&detail, "strategy %s; replacement %s; %zu product(s)", c->r->strategy,
                   c->r->replacement_name ? c->r->replacement_name : "none", d->n_findings);
    e.detail = detail.data;
    const char *s[3] = {c->r->strategy,
                        c->r->replacement_name ? c->r->replacement_name : "(none needed)",
                        order.data ? order.data : "(nothing)"};
    if ((rc = avs_rem_record(c, &b, 0, NULL, 0)) == 0)
        rc = avs_rem_record(c, &e, AVS_EV_PLAN, s, 3);
    avs_buf_free(&detail);
done:
    avs_buf_free(&order);
    return rc;
}

/* ---------------------------------------------------------------- outcome */

/* The removed[] list and the unprotected window, from the journal: resumed parts included. */
static int summarise(struct rctx *c)
{
    struct avs_journal_rec *recs = NULL;
    struct avs_journal_check chk;
    struct avs_run_state st;
    size_t n = 0;
    int rc = avs_journal_load(&chk, &recs, &n, c->journal_path);
    if (rc)
        return rc;
    memset(&st, 0, sizeof st);
    rc = avs_journal_fold(&st, recs, n, NULL);
    avs_journal_recs_free(recs, n);
    if (rc)
        return rc;
    size_t count = 0;
    for (size_t i = 0; i < st.product_count; i++)
        count += st.products[i].removed;
    c->r->removed = calloc(count ? count : 1, sizeof *c->r->removed);
    if (!c->r->removed) {
        avs_run_state_free(&st);
        return AVS_ENOMEM;
    }
    for (size_t i = 0; i < st.product_count; i++) {
        const struct avs_run_product *p = &st.products[i];
        if (!p->removed || p->removed_rank == 0 || p->removed_rank > count)
            continue;
        struct avs_removed *x = &c->r->removed[p->removed_rank - 1];
        x->name = avs_strdup(p->product ? p->product : p->product_code);
        x->version = avs_strdup(p->version);
        x->code = avs_strdup(p->product_code);
        x->result = (int)p->remove.outcome;
    }
    c->r->n_removed = count;

    if (c->install_first || c->repl == REPL_NONE)
        c->r->unprotected_ms = 0;
    else if (st.verify.state == AVS_STEP_ENDED && st.verify.outcome == 0 && st.first_removal_ms)
        c->r->unprotected_ms =
            st.verify.end_ms > st.first_removal_ms ? st.verify.end_ms - st.first_removal_ms : 0;
    else if (!st.first_removal_ms)
        c->r->unprotected_ms = 0;
    avs_run_state_free(&st);
    return 0;
}

static int final_check(struct rctx *c)
{
    /* Rescan: the machine, not the journal, says whether anything prohibited remains. */
    avs_scan_free(&c->scan);
    int rc = avs_scan_run(&c->scan, c->o->catalog, c->o->catalog_desc);
    if (rc)
        return avs_rem_stop(c, AVS_EXIT_FAILED, "verify", avs_strerror(rc));
    for (size_t i = 0; i < c->scan.det.n_findings; i++)
        if (avs_rem_push(&c->r->remaining, &c->r->n_remaining, c->scan.det.findings[i].name))
            return AVS_ENOMEM;
    return 0;
}

/* The protection half of the verdict, asked of the machine now (core/verdict.h): the flags set
 * when the replacement was verified say what was true then, not at the outcome. It is asked
 * whenever the run would say "compliant", and whenever the replacement was verified earlier in
 * this invocation (so a failed run does not report a replacement running that is gone). A failed
 * check writes event 6010 and turns CODE 0 into 1603; returns the code the run ends with. */
static int verdict(struct rctx *c, int code)
{
    struct avs_verdict v;
    int installed = 0;
    memset(&v, 0, sizeof v);
    if (c->repl == REPL_NONE || code == AVS_EXIT_REBOOT || (code != 0 && !c->replaced))
        return code;
    /* No service to ask about: nothing can show the replacement protects (choose refuses this;
     * the verdict does not rely on it). */
    int rc = c->approved ? avs_verdict_protection(&v, c->o->catalog, c->approved,
                                                  c->repl == REPL_MSI ? c->repl_code : NULL)
                         : AVS_EINVAL;
    if (c->repl == REPL_MSI && c->repl_code && avs_os_msi_installed(&installed, c->repl_code) == 0)
        c->r->replacement_installed = installed;
    if (rc == 0 && v.failed == AVS_VERDICT_OK)
        return code;
    const char *check = rc ? "service" : avs_verdict_check_name(v.failed);
    const char *seen = rc ? "no service of the approved antivirus is known" : v.detail;
    const char *s[2] = {check, seen};
    avs_rem_event(c, AVS_EV_VERDICT_CHECK_FAILED, s, 2);
    if (rc || v.failed == AVS_VERDICT_SERVICE)
        c->r->replacement_running = 0;
    if (code != 0)
        return code; /* already failed: the first reason stays the run's reason */
    char why[500];
    snprintf(why, sizeof why, "not compliant: %s (event 6010)", seen);
    return avs_rem_stop(c, AVS_EXIT_FAILED, "verdict", why);
}

static int finish(struct rctx *c)
{
    char unprot[32] = "unknown", count[16];
    int code = c->r->exit_code;

    /* Anything past the first clean scan ends with a fresh one: a resumed run whose journal
     * says a product was removed is judged by the machine, not by the journal. */
    if (code == 0 && (c->acted || c->n_unsafe || c->r->resumed || c->repl != REPL_NONE)) {
        int rc = final_check(c);
        if (rc == AVS_ENOMEM)
            return rc;
        code = c->r->exit_code;
        if (code == 0 && c->n_unsafe)
            code = avs_rem_stop(c, AVS_EXIT_FAILED, "remove",
                                "a prohibited product could not be removed safely (event 3005)");
        else if (code == 0 && c->scan.incomplete)
            code = avs_rem_stop(c, AVS_EXIT_FAILED, "verify",
                                "an inventory source could not be read after the removals");
        else if (code == 0 && c->r->n_remaining && !c->reboot) {
            struct avs_buf why = AVS_BUF_INIT;
            avs_buf_puts(&why, "still present after removal: ");
            for (size_t i = 0; i < c->r->n_remaining; i++)
                avs_buf_printf(&why, "%s%s", i ? "; " : "", c->r->remaining[i]);
            code = avs_rem_stop(c, AVS_EXIT_FAILED, "verify", why.data ? why.data : "");
            avs_buf_free(&why);
        } else if (code == 0 && c->reboot) {
            code = AVS_EXIT_REBOOT;
        }
    }
    code = verdict(c, code);
    if (c->journal && summarise(c) == AVS_ENOMEM)
        return AVS_ENOMEM;
    c->r->reboot_required = code == AVS_EXIT_REBOOT;
    if (c->r->unprotected_ms >= 0)
        snprintf(unprot, sizeof unprot, "%" PRId64 ".%03d", c->r->unprotected_ms / 1000,
                 (int)(c->r->unprotected_ms % 1000));
    snprintf(count, sizeof count, "%zu", c->r->n_removed);

    const char *reason = c->r->reason ? c->r->reason : "";
    switch (code) {
    case AVS_EXIT_OK: {
        const char *s[3] = {count, c->r->replacement_name ? c->r->replacement_name : "(unchanged)",
                            unprot};
        record_outcome(c, code, AVS_EV_OUTCOME_COMPLIANT, s, 3);
        break;
    }
    case AVS_EXIT_REBOOT: {
        const char *s[1] = {"a removal finishes at the restart"};
        char why[200];
        if (!c->r->reason)
            avs_rem_stop(c, code, "reboot", "restart Windows to finish; AvSwap continues after it");
        if (c->journal && !c->o->dry_run) {
            struct avs_journal_entry b = {AVS_JSTEP_REBOOT,  AVS_JPHASE_BEGIN, NULL, NULL, NULL, 0,
                                          "restart required"};
            if (!(c->state.reboot.state == AVS_STEP_INTERRUPTED && c->r->resumed))
                avs_rem_record(c, &b, 0, NULL, 0);
            avs_os_reboot_marker_set(c->r->run_id);
        }
        if (c->o->reboot == AVS_REBOOT_IF_NEEDED && !c->o->dry_run) {
            int err = avs_os_reboot_request("AvSwap: restarting to finish replacing prohibited "
                                            "antivirus software",
                                            AVS_REBOOT_GRACE_S);
            if (err)
                snprintf(why, sizeof why,
                         "Windows could not be asked to restart (%s); restart it, "
                         "then run AvSwap again",
                         avs_strerror(err));
            else
                snprintf(why, sizeof why,
                         "Windows restarts in %u seconds; AvSwap continues after "
                         "it",
                         AVS_REBOOT_GRACE_S);
            avs_rem_stop(c, code, "reboot", why);
            s[0] = why;
        }
        record_outcome(c, code, AVS_EV_OUTCOME_REBOOT, s, 1);
        break;
    }
    case AVS_EXIT_BLOCKED: {
        const char *s[1] = {reason};
        record_outcome(c, code, AVS_EV_OUTCOME_BLOCKED, s, 1);
        break;
    }
    case AVS_EXIT_BUSY: {
        const char *s[1] = {reason};
        record_outcome(c, code, AVS_EV_OUTCOME_BUSY, s, 1);
        break;
    }
    default: {
        const char *s[2] = {c->r->step ? c->r->step : "remediate", reason};
        record_outcome(c, code, AVS_EV_OUTCOME_FAILED, s, 2);
        break;
    }
    }
    return 0;
}

static int dry_run_event(struct rctx *c)
{
    struct avs_buf order = AVS_BUF_INIT, checks = AVS_BUF_INIT;
    for (size_t i = 0; i < c->r->n_plan; i++)
        avs_buf_printf(&order, "%s%s", i ? "; " : "", c->r->plan[i]);
    for (size_t i = 0; i < c->r->n_checks; i++)
        avs_buf_printf(&checks, "%s%s", i ? "; " : "", c->r->checks[i]);
    int rc = order.err ? order.err : checks.err;
    if (!rc) {
        const char *s[4] = {
            c->r->strategy, c->r->replacement_name ? c->r->replacement_name : "(none needed)",
            order.data ? order.data : "(nothing to remove)", checks.data ? checks.data : ""};
        avs_rem_event(c, AVS_EV_DRY_RUN, s, 4);
    }
    avs_buf_free(&order);
    avs_buf_free(&checks);
    return rc;
}

/* ---------------------------------------------------------------- the run */

static int removals(struct rctx *c)
{
    const struct avs_detection *d = &c->scan.det;

    /* A step begun before a crash whose product is gone now: close it truthfully. */
    for (size_t i = 0; i < c->state.product_count; i++) {
        const struct avs_run_product *p = &c->state.products[i];
        if (p->remove.state != AVS_STEP_INTERRUPTED)
            continue;
        int present = 0;
        for (size_t j = 0; j < d->n_findings; j++)
            present |= strcmp(avs_rem_key(&d->findings[j]), p->product_code) == 0;
        if (present)
            continue;
        struct avs_journal_entry e = {AVS_JSTEP_REMOVE,
                                      AVS_JPHASE_END,
                                      p->product,
                                      p->version,
                                      p->product_code,
                                      1605,
                                      "gone when checked after an interruption"};
        const char *s[4] = {p->product ? p->product : p->product_code, p->version ? p->version : "",
                            p->product_code, "1605"};
        if (avs_rem_record(c, &e, AVS_EV_ALREADY_REMOVED, s, 4))
            return c->r->exit_code;
    }

    if (c->install_first && !c->replaced) {
        int code = avs_rem_replacement_install(c);
        if (code)
            return code;
    }
    for (size_t i = 0; i < d->n_findings; i++) {
        const struct avs_finding *f = &d->findings[i];
        int code = avs_rem_remove(c, f);
        if (code)
            return code;
        /* After a protection product is gone, the replacement comes before anything else. */
        if (f->role == AVS_ROLE_PROTECTION && c->repl != REPL_NONE && !c->replaced &&
            avs_rem_removable(c, f, NULL)) {
            code = avs_rem_replacement_install(c);
            if (code)
                return code;
        }
    }
    /* Resumed after the protection products were already removed: make sure it runs. */
    if (c->repl != REPL_NONE && !c->replaced)
        return avs_rem_replacement_install(c);
    return 0;
}

static int run(struct rctx *c)
{
    int rc;
    const char *mode = c->o->dry_run ? "dry run" : c->r->resumed ? "resumed" : "new";
    {
        const char *s[4] = {mode, AVS_VERSION, c->who.host, c->who.user};
        avs_rem_event(c, AVS_EV_RUN_STARTED, s, 4);
    }
    avs_rem_evidence_events(c);
    if ((rc = avs_scan_run(&c->scan, c->o->catalog, c->o->catalog_desc)) != 0)
        return avs_rem_stop(c, AVS_EXIT_FAILED, "scan", avs_strerror(rc));
    c->have_scan = 1;
    if (c->scan.incomplete)
        return avs_rem_stop(c, AVS_EXIT_FAILED, "scan",
                            "an inventory source could not be read (event 2003); nothing was "
                            "removed");
    if (c->scan.det.n_findings == 0 && !c->r->resumed && !c->o->dry_run)
        return 0; /* compliant already: nothing to plan */

    /* A resumed run whose earlier part began removing anything may have taken the protection
     * away before it could start the replacement (a crash in between): make sure of it. */
    c->repl = has_protection(&c->scan.det) || (c->r->resumed && c->state.product_count)
                  ? (c->o->replacement ? REPL_MSI : REPL_SERVICE)
                  : REPL_NONE;
    if ((rc = avs_rem_replacement_choose(c)) != 0)
        return rc == AVS_ENOMEM ? rc : 0;
    if ((rc = make_plan(c)) != 0)
        return rc == AVS_ENOMEM ? rc : 0;
    if ((rc = avs_rem_preflight(c)) != 0)
        return rc == AVS_ENOMEM ? rc : 0;
    if (c->o->dry_run)
        return 0;
    if ((rc = removals(c)) != 0)
        return rc == AVS_ENOMEM ? rc : 0;
    return 0;
}

int avs_remediate(struct avs_remediate_result *out, const struct avs_remediate_opts *o)
{
    struct rctx c;
    int rc;
    memset(out, 0, sizeof *out);
    memset(&c, 0, sizeof c);
    c.o = o;
    c.r = out;
    out->unprotected_ms = -1;
    out->strategy = "none";

    if ((rc = avs_os_identity(&c.who)) != 0 || (rc = avs_os_folders(&c.folders)) != 0) {
        avs_rem_stop(&c, AVS_EXIT_FAILED, "start", avs_strerror(rc));
        goto done;
    }
    c.data_dir = avs_remediate_data_dir(&c.folders);
    c.journal_path = avs_remediate_journal_path(&c.folders);
    c.logs_dir = c.data_dir ? join(c.data_dir, "logs") : NULL;
    if (!c.logs_dir || !c.journal_path) {
        rc = AVS_ENOMEM;
        goto done;
    }

    if (!o->dry_run) {
        rc = avs_os_mutex_acquire(&c.mutex, AVS_REMEDIATE_MUTEX);
        if (rc == AVS_EBUSY) {
            const char *s[1] = {c.who.user};
            avs_os_event_write(AVS_EV_ALREADY_RUNNING, s, 1);
            avs_rem_stop(&c, AVS_EXIT_BUSY, "start",
                         "another AvSwap remediation is running on this computer");
            rc = 0;
            goto done;
        }
        if (rc || (rc = avs_os_mkdir_protected(c.data_dir)) != 0 ||
            (rc = avs_os_mkdir_protected(c.logs_dir)) != 0) {
            avs_rem_stop(&c, AVS_EXIT_FAILED, "start", avs_strerror(rc));
            rc = 0;
            goto done;
        }
        if (open_journal(&c) != 0) {
            rc = 0;
            goto done;
        }
    }
    rc = run(&c);
    if (rc == 0 && o->dry_run)
        rc = dry_run_event(&c);
    else if (rc == 0)
        rc = finish(&c);
done:
    if (c.lock)
        avs_os_file_unlock(c.lock);
    if (c.journal)
        avs_journal_close(c.journal);
    if (c.mutex)
        avs_os_mutex_release(c.mutex);
    if (c.have_scan)
        avs_scan_free(&c.scan);
    avs_run_state_free(&c.state);
    avs_os_identity_free(&c.who);
    avs_os_folders_free(&c.folders);
    free(c.evidence_moved);
    free(c.data_dir);
    free(c.journal_path);
    free(c.logs_dir);
    free(c.staged);
    free(c.repl_code);
    if (rc == AVS_ENOMEM)
        out->exit_code = AVS_EXIT_FAILED;
    return rc == AVS_ENOMEM ? rc : 0;
}

void avs_remediate_result_free(struct avs_remediate_result *r)
{
    for (size_t i = 0; i < r->n_removed; i++) {
        free(r->removed[i].name);
        free(r->removed[i].version);
        free(r->removed[i].code);
    }
    free(r->removed);
    free(r->run_id);
    free(r->replacement_name);
    free(r->step);
    free(r->reason);
    free_list(r->plan, r->n_plan);
    free_list(r->checks, r->n_checks);
    free_list(r->remaining, r->n_remaining);
    memset(r, 0, sizeof *r);
}
