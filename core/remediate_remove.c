/* Removing one prohibited product: through the MSI API, or through a validated EXE uninstaller,
 * never through a command line taken from the registry. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "avs_messages.h"
#include "backoff.h"
#include "exitcode.h"
#include "msiresult.h"
#include "remediate_int.h"
#include "secret.h"
#include "uninstall_cmd.h"

static const struct avs_cat_product *product_of(struct rctx *c, const struct avs_finding *f)
{
    for (size_t i = 0; i < c->o->catalog->n_products; i++)
        if (strcmp(c->o->catalog->products[i].id, f->catalog_id) == 0)
            return &c->o->catalog->products[i];
    return NULL;
}

int avs_rem_removable(struct rctx *c, const struct avs_finding *f, const char **why)
{
    const char *dummy;
    if (!why)
        why = &dummy;
    *why = NULL;
    char guard[300];
    if (avs_rem_guarded(c, f, guard, sizeof guard)) {
        *why = "it is an approved product or the replacement, which AvSwap never removes";
        return 0;
    }
    if (f->uninstall == AVS_UNINSTALL_MSI)
        return 1;
    if (f->uninstall == AVS_UNINSTALL_NONE) {
        *why = "no uninstaller is registered (services or drivers left behind); remove them by "
               "hand or reinstall and uninstall the product";
        return 0;
    }
    const struct avs_cat_product *p = product_of(c, f);
    struct avs_uninstall_cmd cmd;
    if (avs_uninstall_cmd_build(&cmd, why, f->quiet_uninstall_string, f->uninstall_string,
                                p ? p->quiet_args : NULL, &c->folders) != 0) {
        if (!*why)
            *why = "its uninstall command cannot be used";
        return 0;
    }
    struct avs_os_path_facts facts;
    int ok = 0;
    if (avs_os_path_facts(&facts, cmd.app) != 0 || !facts.exists || facts.is_dir)
        *why = "the uninstaller it names does not exist";
    else if (facts.reparse)
        *why = "the uninstaller's path goes through a reparse point (link or junction)";
    else
        ok = 1;
    avs_uninstall_cmd_free(&cmd);
    return ok;
}

/* Removes a secret from a log Windows Installer wrote (Wine's, for one, lists every property
 * with its value), replacing it with a fixed mask that does not even reveal its length. A log
 * that cannot be scrubbed is deleted rather than kept with a password in it. */
static void scrub(const char *log, const char *secret)
{
    char *data = NULL;
    size_t len = 0;
    int rc = avs_os_file_read_all(&data, &len, log, 64u * 1024u * 1024u);
    if (rc == AVS_ETOOBIG) {
        (void)avs_os_file_delete(log);
        return;
    }
    if (rc)
        return;
    char *masked = NULL;
    size_t masked_len = 0, found = 0;
    rc = avs_secret_mask(&masked, &masked_len, &found, (unsigned char *)data, len, secret);
    if (rc || (found && avs_os_file_write_atomic(log, masked, masked_len) != 0))
        (void)avs_os_file_delete(log); /* better no log than one holding the password */
    avs_os_secure_zero(data, len);
    free(data);
    free(masked);
}

static void safe_name(struct avs_buf *b, const char *s)
{
    for (; *s; s++) {
        char ch = *s;
        int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                 ch == '{' || ch == '}' || ch == '-' || ch == '.';
        avs_buf_putc(b, ok ? ch : '_');
    }
}

/* Windows Installer removal, retrying with backoff while another installation runs. */
static int remove_msi(struct rctx *c, const struct avs_finding *f, int *result, char **log_out)
{
    const struct avs_cat_product *p = product_of(c, f);
    struct avs_buf props = AVS_BUF_INIT, log = AVS_BUF_INIT;
    int secret_used = 0, rc;

    avs_buf_puts(&props, "REBOOT=ReallySuppress");
    if (c->o->password && p && p->n_password_properties) {
        rc = avs_secret_msi_properties(&props, (const char *const *)p->password_properties,
                                       p->n_password_properties, c->o->password);
        if (rc)
            goto done;
        secret_used = 1;
    }
    avs_buf_printf(&log, "%s\\%s-", c->logs_dir, c->r->run_id);
    safe_name(&log, avs_rem_key(f));
    avs_buf_puts(&log, ".log");
    if ((rc = props.err ? props.err : log.err) != 0)
        goto done;

    struct avs_backoff b;
    avs_backoff_init(&b, 1000, 15000, c->o->busy_timeout_ms);
    for (;;) {
        rc = avs_os_msi_uninstall(result, f->product_code, props.data, log.data);
        if (rc || avs_msiresult_action(*result) != AVS_MSI_RETRY_BUSY)
            break;
        uint32_t delay, rnd = 0;
        if (avs_os_random(&rnd, sizeof rnd) != 0 || avs_backoff_next(&delay, &b, rnd) != 0)
            break;
        avs_os_sleep_ms(delay);
    }
    if (secret_used)
        scrub(log.data, c->o->password);
    *log_out = avs_buf_detach(&log);
done:
    /* The properties held the password: wipe them before the memory is reused. */
    if (props.data)
        avs_os_secure_zero(props.data, props.cap);
    avs_buf_free(&props);
    avs_buf_free(&log);
    return rc;
}

static int remove_exe(struct rctx *c, const struct avs_finding *f, int *result)
{
    const struct avs_cat_product *p = product_of(c, f);
    struct avs_uninstall_cmd cmd;
    const char *why = NULL;
    int rc = avs_uninstall_cmd_build(&cmd, &why, f->quiet_uninstall_string, f->uninstall_string,
                                     p ? p->quiet_args : NULL, &c->folders);
    if (rc)
        return rc;
    rc = avs_os_process_run(result, cmd.app, cmd.cmdline, AVS_EXE_TIMEOUT_MS);
    if (rc == AVS_ETIMEDOUT) {
        *result = 1460; /* ERROR_TIMEOUT: the job object ended the uninstaller */
        rc = 0;
    }
    avs_uninstall_cmd_free(&cmd);
    return rc;
}

int avs_rem_remove(struct rctx *c, const struct avs_finding *f)
{
    const char *key = avs_rem_key(f), *why = NULL;
    const char *version = f->version ? f->version : "";
    char code[16];
    int result = 0, rc;
    char *log = NULL;

    if (c->r->resumed && avs_run_remove_decision(&c->state, key) == AVS_RESUME_SKIP)
        return 0; /* removed earlier in this run: never twice (the final rescan judges) */

    struct avs_journal_entry b = {
        AVS_JSTEP_REMOVE, AVS_JPHASE_BEGIN, f->name, f->version, key, 0, NULL};
    struct avs_journal_entry e = {
        AVS_JSTEP_REMOVE, AVS_JPHASE_END, f->name, f->version, key, 0, NULL};
    char guard[300];
    if (avs_rem_guarded(c, f, guard, sizeof guard)) {
        /* The last check: never removed, whatever matched it (event 3010). */
        e.outcome = AVS_EXIT_FAILED;
        e.detail = guard;
        const char *s[3] = {f->name, f->key ? f->key : key, guard};
        if (avs_rem_record(c, &b, 0, NULL, 0) || avs_rem_record(c, &e, AVS_EV_APPROVED_KEPT, s, 3))
            return c->r->exit_code;
        c->n_unsafe++;
        return 0;
    }
    if (!avs_rem_removable(c, f, &why)) {
        e.outcome = AVS_EXIT_FAILED;
        e.detail = why;
        const char *s[3] = {f->name, f->key ? f->key : key, why};
        if (avs_rem_record(c, &b, 0, NULL, 0) ||
            avs_rem_record(c, &e, AVS_EV_UNSAFE_UNINSTALL, s, 3))
            return c->r->exit_code;
        c->n_unsafe++;
        return 0;
    }
    const char *s0[4] = {f->name, version, key, avs_uninstall_name(f->uninstall)};
    if (avs_rem_record(c, &b, AVS_EV_REMOVAL_STARTED, s0, 4))
        return c->r->exit_code;
    c->acted = 1;
    rc = f->uninstall == AVS_UNINSTALL_MSI ? remove_msi(c, f, &result, &log)
                                           : remove_exe(c, f, &result);
    if (rc == AVS_ENOMEM)
        return rc;
    if (rc) {
        result = 1603;
        e.detail = avs_strerror(rc);
    }
    snprintf(code, sizeof code, "%d", result);
    e.outcome = result;
    enum avs_msi_action act = avs_msiresult_action(result);
    if (f->uninstall == AVS_UNINSTALL_EXE && act == AVS_MSI_ALREADY_GONE)
        act = AVS_MSI_FAILED; /* 1605 means "unknown product" only for Windows Installer */
    const char *s[4] = {f->name, version, key, code};
    switch (act) {
    case AVS_MSI_DONE: rc = avs_rem_record(c, &e, AVS_EV_REMOVED, s, 4); break;
    case AVS_MSI_ALREADY_GONE: rc = avs_rem_record(c, &e, AVS_EV_ALREADY_REMOVED, s, 4); break;
    case AVS_MSI_REBOOT:
        c->reboot = 1;
        rc = avs_rem_record(c, &e, AVS_EV_REMOVED_REBOOT, s, 4);
        break;
    default: {
        const struct avs_cat_product *p = product_of(c, f);
        char why_text[600];
        const char *meaning = e.detail ? e.detail : avs_msiresult_text(result);
        snprintf(why_text, sizeof why_text, "removing %s failed: %s (code %d)%s", f->name, meaning,
                 result,
                 result == 1603 && p && p->n_password_properties && !c->o->password
                     ? "; the product may be password-protected: use --password-file or "
                       "--password-prompt"
                     : "");
        const char *sf[6] = {f->name, version, key, code, meaning, log ? log : "(none)"};
        if (!e.detail)
            e.detail = meaning;
        rc = avs_rem_record(c, &e, AVS_EV_REMOVAL_FAILED, sf, 6);
        free(log);
        if (rc)
            return c->r->exit_code;
        return avs_rem_stop(c, act == AVS_MSI_RETRY_BUSY ? AVS_EXIT_BUSY : AVS_EXIT_FAILED,
                            "remove", why_text);
    }
    }
    free(log);
    return rc ? c->r->exit_code : 0;
}
