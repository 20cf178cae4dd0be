/* `avswap status` and `avswap evidence`: what the journal says, for the helpdesk and auditors. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "commands.h"
#include "exitcode.h"
#include "journal.h"
#include "journal_fold.h"
#include "json.h"
#include "verdict.h"
#include "buf.h"

char *avs_cli_journal_path(void)
{
    struct avs_os_folders f;
    if (avs_os_folders(&f) != 0)
        return NULL;
    char *path = avs_remediate_journal_path(&f);
    avs_os_folders_free(&f);
    return path;
}

static const char *step_state(const struct avs_run_step *s)
{
    switch (s->state) {
    case AVS_STEP_NOT_STARTED: return "not started";
    case AVS_STEP_INTERRUPTED: return "interrupted";
    case AVS_STEP_ENDED: break;
    }
    return avs_journal_code_ok(s->outcome) ? "done" : "failed";
}

static const char *phase(const struct avs_run_state *st, int running)
{
    if (!st->run_id)
        return "no remediation recorded";
    if (running)
        return "running";
    if (st->has_outcome && st->outcome == AVS_EXIT_REBOOT)
        return "waiting for restart";
    if (st->finished)
        return "finished";
    return "interrupted (run avswap remediate to continue)";
}

/* "compliant" is said only when the journal says the run ended compliant AND the machine says
 * so now (core/verdict.h): what the run saw at its end may have changed since. */
static int compliant(const struct avs_run_state *st, const struct avs_verdict_now *now)
{
    return st->has_outcome && st->outcome == 0 && now->compliant;
}

static void status_json(FILE *out, const struct avs_run_state *st,
                        const struct avs_journal_check *chk, int running,
                        const struct avs_verdict_now *now, const struct avs_policy *pol)
{
    struct avs_buf b = AVS_BUF_INIT;
    struct avs_json j;
    avs_json_init(&j, &b);
    avs_json_object_begin(&j);
    avs_json_kv_string(&j, "run_id", st->run_id);
    avs_json_kv_string(&j, "phase", phase(st, running));
    avs_json_key(&j, "exit_code");
    if (st->has_outcome)
        avs_json_int(&j, st->outcome);
    else
        avs_json_null(&j);
    avs_json_kv_bool(&j, "compliant", compliant(st, now));
    avs_json_key(&j, "verdict_now");
    if (st->has_outcome && st->outcome == 0) {
        avs_json_object_begin(&j);
        avs_json_kv_bool(&j, "compliant", now->compliant);
        avs_json_kv_string(&j, "failed_check", now->check);
        avs_json_kv_string(&j, "detail", now->compliant ? NULL : now->detail);
        avs_json_object_end(&j);
    } else {
        avs_json_null(&j);
    }
    avs_json_kv_bool(&j, "reboot_pending", st->reboot_pending);
    avs_json_key(&j, "products");
    avs_json_array_begin(&j);
    for (size_t i = 0; i < st->product_count; i++) {
        const struct avs_run_product *p = &st->products[i];
        avs_json_object_begin(&j);
        avs_json_kv_string(&j, "name", p->product);
        avs_json_kv_string(&j, "version", p->version);
        avs_json_kv_string(&j, "product_code", p->product_code);
        avs_json_kv_string(&j, "state", step_state(&p->remove));
        avs_json_key(&j, "result");
        if (p->remove.state == AVS_STEP_ENDED)
            avs_json_int(&j, p->remove.outcome);
        else
            avs_json_null(&j);
        avs_json_object_end(&j);
    }
    avs_json_array_end(&j);
    avs_json_key(&j, "replacement");
    avs_json_object_begin(&j);
    avs_json_kv_string(&j, "staged", step_state(&st->stage));
    avs_json_kv_string(&j, "installed", step_state(&st->install));
    avs_json_kv_string(&j, "running", step_state(&st->verify));
    avs_json_object_end(&j);
    avs_json_kv_string(&j, "journal",
                       chk->status == AVS_JOURNAL_INTACT ? "intact"
                       : chk->status == AVS_JOURNAL_TORN ? "torn last line"
                                                         : "damaged");
    avs_report_policy_json(&j, pol, avs_cli_password_source(pol));
    avs_json_object_end(&j);
    avs_buf_putc(&b, '\n');
    if (!b.err)
        fwrite(b.data, 1, b.len, out);
    avs_buf_free(&b);
}

static void status_text(FILE *out, const struct avs_run_state *st,
                        const struct avs_journal_check *chk, int running,
                        const struct avs_verdict_now *now)
{
    fprintf(out, "Remediation: %s\n", phase(st, running));
    if (!st->run_id)
        return;
    fprintf(out, "Run: %s\n", st->run_id);
    if (st->has_outcome)
        fprintf(out, "Exit code: %" PRId64 "%s\n", st->outcome,
                compliant(st, now) ? " (compliant)"
                : st->outcome == 0 ? " (compliant when the run ended; NOT compliant now)"
                                   : "");
    if (st->has_outcome && st->outcome == 0 && !now->compliant) {
        fprintf(out, "Checked now: %s failed - ", now->check ? now->check : "?");
        avs_report_put_safe(out, now->detail);
        fputs("\nRun avswap remediate again.\n", out);
    }
    fprintf(out, "Restart pending: %s\n", st->reboot_pending ? "yes" : "no");
    fputs("Products:\n", out);
    for (size_t i = 0; i < st->product_count; i++) {
        const struct avs_run_product *p = &st->products[i];
        fputs("  - ", out);
        avs_report_put_safe(out, p->product ? p->product : p->product_code);
        fprintf(out, ": %s", step_state(&p->remove));
        if (p->remove.state == AVS_STEP_ENDED)
            fprintf(out, " (result %" PRId64 ")", p->remove.outcome);
        fputc('\n', out);
    }
    /* A built-in replacement (Defender) has nothing to stage: say only what applies. */
    fputs("Replacement: ", out);
    if (st->stage.state != AVS_STEP_NOT_STARTED)
        fprintf(out, "staged %s, ", step_state(&st->stage));
    fprintf(out, "installed %s, running %s\n", step_state(&st->install), step_state(&st->verify));
    fprintf(out, "Journal: %s (%zu records)\n",
            chk->status == AVS_JOURNAL_INTACT ? "intact"
            : chk->status == AVS_JOURNAL_TORN ? "torn last line (an interrupted write)"
                                              : "DAMAGED - run avswap evidence verify",
            chk->records);
}

/* --catalog/--catalog-sha256 given to status replace the policy's pair, shown as "flag". */
static int flag_catalog(struct avs_policy *pol, const char *path, const char *pin)
{
    if (!path && !pin)
        return 0;
    free(pol->catalog_path);
    free(pol->catalog_sha256);
    pol->catalog_path = path ? avs_strdup(path) : NULL;
    pol->catalog_sha256 = pin ? avs_strdup(pin) : NULL;
    if ((path && !pol->catalog_path) || (pin && !pol->catalog_sha256))
        return AVS_EXIT_FAILED;
    pol->catalog_path_src = path ? AVS_PSRC_FLAG : AVS_PSRC_DEFAULT;
    pol->catalog_sha256_src = pin ? AVS_PSRC_FLAG : AVS_PSRC_DEFAULT;
    return 0;
}

int avs_cmd_status(int argc, char **argv, FILE *out, FILE *err)
{
    int json = 0;
    const char *catalog_path = NULL, *catalog_pin = NULL;
    const struct avs_opt opts[] = {{"--json", 0, NULL, &json},
                                   {"--catalog", 1, &catalog_path, NULL},
                                   {"--catalog-sha256", 1, &catalog_pin, NULL},
                                   {NULL, 0, NULL, NULL}};
    struct avs_catalog cat;
    struct avs_policy pol;
    char *cat_desc = NULL;
    struct avs_verdict_now now;
    struct avs_journal_check chk;
    struct avs_journal_rec *recs = NULL;
    struct avs_run_state st;
    size_t n = 0;
    int code = AVS_EXIT_OK, running = 0;
    char *path;

    memset(&now, 0, sizeof now);
    if (avs_args_parse(opts, argc, argv, "status", err) != 0)
        return AVS_EXIT_USAGE;
    /* The policy is shown, not reported: status changes nothing and writes no event. */
    if ((code = avs_cli_policy_read(&pol, 0, "status", err)) != 0)
        return code;
    if ((code = flag_catalog(&pol, catalog_path, catalog_pin)) != 0 ||
        (code = avs_cli_load_catalog(&cat, &cat_desc, pol.catalog_path, pol.catalog_sha256,
                                     "status", err)) != 0) {
        avs_policy_free(&pol);
        return code;
    }
    if (!(path = avs_cli_journal_path())) {
        avs_catalog_free(&cat);
        avs_policy_free(&pol);
        free(cat_desc);
        return AVS_EXIT_FAILED;
    }
    memset(&st, 0, sizeof st);
    memset(&chk, 0, sizeof chk);
    int rc = avs_cli_journal_load(&chk, &recs, &n, path);
    if (rc && rc != AVS_ENOENT) {
        fprintf(err, "avswap status: cannot read the journal %s: %s\n", path, avs_strerror(rc));
        code = AVS_EXIT_FAILED;
        goto done;
    }
    struct avs_fold_error ferr = {0, NULL};
    if (avs_journal_fold(&st, recs, n, &ferr) != 0) {
        fprintf(err, "avswap status: the journal does not describe a run (line %zu: %s)\n",
                ferr.line, ferr.why ? ferr.why : "?");
        code = AVS_EXIT_FAILED;
        goto done;
    }
    avs_os_mutex *m = NULL;
    running = avs_os_mutex_acquire(&m, AVS_REMEDIATE_MUTEX) == AVS_EBUSY;
    avs_os_mutex_release(m);
    /* A run that ended compliant is judged again now; a running one is not (it is mid-change). */
    now.check = "running";
    snprintf(now.detail, sizeof now.detail, "a remediation is running");
    if (!running && st.has_outcome && st.outcome == 0 &&
        avs_verdict_now(&now, &cat, cat_desc, recs, n, st.run_id) != 0) {
        code = AVS_EXIT_FAILED;
        goto done;
    }
    if (json) {
        status_json(out, &st, &chk, running, &now, &pol);
    } else {
        status_text(out, &st, &chk, running, &now);
        avs_report_policy_text(out, &pol, avs_cli_password_source(&pol));
    }
done:
    avs_policy_free(&pol);
    avs_catalog_free(&cat);
    free(cat_desc);
    avs_run_state_free(&st);
    avs_journal_recs_free(recs, n);
    free(path);
    return code;
}
