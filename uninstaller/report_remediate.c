/* `avswap remediate` output: text for the helpdesk, JSON for tools. */
#include <inttypes.h>
#include <stdlib.h>

#include "commands.h"
#include "exitcode.h"
#include "json.h"

static const char *outcome_word(int code, int dry_run)
{
    if (dry_run)
        return "dry-run";
    switch (code) {
    case AVS_EXIT_OK: return "compliant";
    case AVS_EXIT_REBOOT: return "reboot-required";
    case AVS_EXIT_BLOCKED: return "blocked";
    case AVS_EXIT_BUSY: return "busy";
    default: return "failed";
    }
}

static void list(FILE *out, const char *title, char **items, size_t n)
{
    if (!n)
        return;
    fprintf(out, "%s\n", title);
    for (size_t i = 0; i < n; i++) {
        fputs("  ", out);
        avs_report_put_safe(out, items[i]);
        fputc('\n', out);
    }
}

void avs_report_remediate_text(FILE *out, const struct avs_remediate_result *r, int dry_run)
{
    fprintf(out, "AvSwap remediation%s", dry_run ? " (dry run: nothing will be changed)" : "");
    if (r->run_id)
        fprintf(out, ", run %s%s", r->run_id, r->resumed ? " (resumed)" : "");
    fputs("\n\n", out);
    if (r->n_plan) {
        fprintf(out, "Plan: strategy %s, replacement ", r->strategy);
        avs_report_put_safe(out, r->replacement_name ? r->replacement_name : "none needed");
        fputc('\n', out);
        list(out, "Removal order:", r->plan, r->n_plan);
    }
    list(out, "Preflight:", r->checks, r->n_checks);
    if (r->n_removed) {
        fputs("Removed:\n", out);
        for (size_t i = 0; i < r->n_removed; i++) {
            fprintf(out, "  %zu. ", i + 1);
            avs_report_put_safe(out, r->removed[i].name);
            fputc(' ', out);
            avs_report_put_safe(out, r->removed[i].version ? r->removed[i].version : "");
            fputs(" [", out);
            avs_report_put_safe(out, r->removed[i].code);
            fprintf(out, "] result %d\n", r->removed[i].result);
        }
    }
    if (r->replacement_name && !dry_run) {
        fputs("Replacement: ", out);
        avs_report_put_safe(out, r->replacement_name);
        fprintf(out, " - installed: %s, running: %s\n", r->replacement_installed ? "yes" : "no",
                r->replacement_running ? "yes" : "no");
    }
    if (!dry_run && r->unprotected_ms >= 0)
        fprintf(out, "Unprotected: %" PRId64 ".%03d s\n", r->unprotected_ms / 1000,
                (int)(r->unprotected_ms % 1000));
    list(out, "Still present:", r->remaining, r->n_remaining);
    fputc('\n', out);

    const char *reason = r->reason ? r->reason : "";
    if (dry_run) {
        fprintf(out,
                "Result: DRY RUN - nothing was changed; a real run would end with exit code %d%s",
                r->exit_code, r->exit_code ? ": " : "\n");
        if (r->exit_code) {
            avs_report_put_safe(out, reason);
            fputc('\n', out);
        }
        return;
    }
    switch (r->exit_code) {
    case AVS_EXIT_OK:
        fputs("Result: DONE - no prohibited software remains and an approved antivirus is "
              "running (exit code 0)\n",
              out);
        return;
    case AVS_EXIT_REBOOT:
        fputs("Result: RESTART REQUIRED - restart Windows, then run avswap remediate again to "
              "finish (exit code 3010)\n",
              out);
        return;
    case AVS_EXIT_BLOCKED: fputs("Result: BLOCKED - nothing was removed: ", out); break;
    case AVS_EXIT_BUSY: fputs("Result: BUSY - retry later: ", out); break;
    default: fprintf(out, "Result: FAILED at %s - ", r->step ? r->step : "remediate"); break;
    }
    avs_report_put_safe(out, reason);
    fprintf(out, " (exit code %d)\n", r->exit_code);
}

static void strings(struct avs_json *j, const char *key, char **items, size_t n)
{
    avs_json_key(j, key);
    avs_json_array_begin(j);
    for (size_t i = 0; i < n; i++)
        avs_json_string(j, items[i]);
    avs_json_array_end(j);
}

int avs_report_remediate_json(FILE *out, const struct avs_remediate_result *r, int dry_run)
{
    struct avs_buf b = AVS_BUF_INIT;
    struct avs_json j;
    avs_json_init(&j, &b);
    avs_json_object_begin(&j);
    avs_json_kv_string(&j, "outcome", outcome_word(r->exit_code, dry_run));
    avs_json_kv_int(&j, "exit_code", r->exit_code);
    avs_json_kv_bool(&j, "dry_run", dry_run);
    avs_json_kv_string(&j, "run_id", r->run_id);
    avs_json_kv_bool(&j, "resumed", r->resumed);
    avs_json_kv_string(&j, "strategy", r->strategy);
    avs_json_key(&j, "removed");
    avs_json_array_begin(&j);
    for (size_t i = 0; i < r->n_removed; i++) {
        avs_json_object_begin(&j);
        avs_json_kv_string(&j, "name", r->removed[i].name);
        avs_json_kv_string(&j, "version", r->removed[i].version);
        avs_json_kv_string(&j, "product_code", r->removed[i].code);
        avs_json_kv_int(&j, "result", r->removed[i].result);
        avs_json_object_end(&j);
    }
    avs_json_array_end(&j);
    avs_json_key(&j, "replacement");
    avs_json_object_begin(&j);
    avs_json_kv_string(&j, "name", r->replacement_name);
    avs_json_kv_bool(&j, "installed", r->replacement_installed);
    avs_json_kv_bool(&j, "running", r->replacement_running);
    avs_json_object_end(&j);
    avs_json_kv_bool(&j, "reboot_required", r->reboot_required);
    avs_json_key(&j, "unprotected_seconds");
    if (r->unprotected_ms >= 0 && !dry_run)
        avs_json_milli(&j, r->unprotected_ms);
    else
        avs_json_null(&j);
    avs_json_kv_string(&j, "step", r->step);
    avs_json_kv_string(&j, "reason", r->reason);
    strings(&j, "plan", r->plan, r->n_plan);
    strings(&j, "preflight", r->checks, r->n_checks);
    strings(&j, "remaining", r->remaining, r->n_remaining);
    avs_json_object_end(&j);
    avs_buf_putc(&b, '\n');
    int rc = b.err;
    if (!rc)
        fwrite(b.data, 1, b.len, out);
    avs_buf_free(&b);
    return rc;
}
