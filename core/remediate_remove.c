/* Removing one prohibited product: through the MSI API, or through a validated EXE uninstaller,
 * never through a command line taken from the registry. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "avs_messages.h"
#include "backoff.h"
#include "exitcode.h"
#include "msiresult.h"
#include "remediate_int.h"
#include "secret.h"
#include "testhook.h"
#include "signer.h"
#include "uninstall_cmd.h"

static const struct avs_cat_product *product_of(struct rctx *c, const struct avs_finding *f)
{
    for (size_t i = 0; i < c->o->catalog->n_products; i++)
        if (strcmp(c->o->catalog->products[i].id, f->catalog_id) == 0)
            return &c->o->catalog->products[i];
    return NULL;
}

/* ---- EXE uninstallers: nothing from a per-user hive, only vendor-signed files, catalog args */

/* An EXE uninstaller checked against every rule, and held open when it is about to run. */
struct exe_check {
    struct avs_uninstall_cmd cmd;
    avs_os_held_file *held; /* open, denying writers, when the check passed and KEEP was 1 */
    const char *why;        /* the refusal: static or c->exe_why */
    int trust;              /* 1: refused by the trust rules (event 3020), 0: unusable (3005) */
};

static void exe_check_free(struct exe_check *x)
{
    avs_os_held_file_close(x->held);
    avs_uninstall_cmd_free(&x->cmd);
    memset(x, 0, sizeof *x);
}

/* A refusal under the trust rules (event 3020), its reason formatted into c->exe_why. */
#if defined(__MINGW32__)
__attribute__((format(gnu_printf, 3, 4)))
#elif defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int
refuse(struct rctx *c, struct exe_check *x, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->exe_why, sizeof c->exe_why, fmt, ap);
    va_end(ap);
    x->why = c->exe_why;
    x->trust = 1;
    return AVS_EUNSAFE;
}

/* Checks the Authenticode signature of X's program through a handle that denies writers;
 * keeps that handle in X when KEEP. */
static int check_signature(struct rctx *c, struct exe_check *x, int keep)
{
    const struct avs_catalog *cat = c->o->catalog;
    struct avs_os_signature sig;
    avs_os_held_file *held = NULL;
    int rc;

    memset(&sig, 0, sizeof sig);
    if (cat->n_signers == 0)
        return refuse(c, x, "the catalog names no signer for the vendor ([vendor] signer)");
    if ((rc = avs_os_file_open_signed(&held, &sig, x->cmd.app)) != 0) {
        if (rc == AVS_ENOMEM)
            return rc;
        return refuse(c, x, "its signature could not be checked: %s", avs_strerror(rc));
    }
    switch (sig.status) {
    case AVS_SIG_VALID: {
        struct avs_signer subject = {sig.o, sig.l, sig.s, sig.c};
        for (size_t i = 0; i < cat->n_signers; i++)
            if (avs_signer_matches(&cat->signers[i], &subject)) {
                rc = 0;
                goto done;
            }
        struct avs_buf who = AVS_BUF_INIT;
        avs_signer_format(&who, &subject);
        rc = refuse(c, x,
                    "it is signed by \"%s\", which is not a signer the catalog names for the "
                    "vendor",
                    who.err || !who.data ? "(no subject)" : who.data);
        avs_buf_free(&who);
        break;
    }
    case AVS_SIG_UNSIGNED:
        rc = refuse(c, x, "it is not Authenticode-signed (WinVerifyTrust 0x%08" PRIX32 ")",
                    sig.code);
        break;
    case AVS_SIG_MODIFIED:
        rc = refuse(c, x,
                    "its signature does not match its contents: it was changed after it was "
                    "signed (WinVerifyTrust 0x%08" PRIX32 ")",
                    sig.code);
        break;
    default:
        rc = refuse(c, x, "its signature is not valid (WinVerifyTrust 0x%08" PRIX32 ")", sig.code);
        break;
    }
done:
    avs_os_signature_free(&sig);
    if (rc == 0 && keep)
        x->held = held;
    else
        avs_os_held_file_close(held);
    return rc;
}

/* Every rule an EXE uninstaller must pass before AvSwap runs it elevated. Returns 0 (X->held
 * open when KEEP), AVS_EUNSAFE with X->why, or AVS_ENOMEM. X->cmd.app names the program
 * whenever its path could be read. */
static int exe_prepare(struct rctx *c, const struct avs_finding *f, struct exe_check *x, int keep)
{
    const struct avs_cat_product *p = product_of(c, f);
    const char *why = NULL;
    int rc;

    memset(x, 0, sizeof *x);
    rc = avs_uninstall_cmd_build(&x->cmd, &why, f->quiet_uninstall_string, f->uninstall_string,
                                 p ? p->quiet_args : NULL, &c->folders);
    if (rc == AVS_ENOMEM)
        return rc;
    /* A per-user entry is written by that user: whatever it names never runs elevated. */
    if (f->user_sid || !f->key || strncmp(f->key, "HKLM\\", 5) != 0) {
        x->why = "it is registered in a per-user hive (HKU), which its user can write: AvSwap "
                 "never runs a per-user uninstaller elevated; remove it as that user";
        x->trust = 1;
        return AVS_EUNSAFE;
    }
    if (rc) {
        x->why = why ? why : "its uninstall command cannot be used";
        return AVS_EUNSAFE;
    }
    struct avs_os_path_facts facts;
    if (avs_os_path_facts(&facts, x->cmd.app) != 0 || !facts.exists || facts.is_dir) {
        x->why = "the uninstaller it names does not exist";
        return AVS_EUNSAFE;
    }
    if (facts.reparse) {
        x->why = "the uninstaller's path goes through a reparse point (link or junction)";
        return AVS_EUNSAFE;
    }
    if (x->cmd.package_cache) {
        char *unsafe = NULL;
        rc = avs_os_path_admin_only(&unsafe, x->cmd.app, c->folders.program_data);
        if (rc == AVS_ENOMEM)
            return rc;
        if (rc)
            return refuse(c, x,
                          "it is under ProgramData\\Package Cache, whose security could not be "
                          "read (%s)",
                          avs_strerror(rc));
        if (unsafe) {
            rc = refuse(c, x,
                        "it is under ProgramData\\Package Cache, where a non-administrator can "
                        "write: %s",
                        unsafe);
            free(unsafe);
            return rc;
        }
    }
    return check_signature(c, x, keep);
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
    /* Installed for one user: the elevated engine never acts on it; only the service may, as
     * that user, when the catalog allows it (core/peruser.h). */
    if (f->uninstall == AVS_UNINSTALL_MSI && f->user_sid) {
        *why = "it is installed for one user only: AvSwap never removes it elevated; the service "
               "removes it as that user when the catalog allows it (user-removal)";
        return 0;
    }
    if (f->uninstall == AVS_UNINSTALL_MSI)
        return 1;
    if (f->uninstall == AVS_UNINSTALL_NONE) {
        *why = "no uninstaller is registered (services or drivers left behind); remove them by "
               "hand or reinstall and uninstall the product";
        return 0;
    }
    struct exe_check x;
    int rc = exe_prepare(c, f, &x, 0);
    if (rc)
        *why = rc == AVS_EUNSAFE ? x.why : avs_strerror(rc);
    exe_check_free(&x);
    return rc == 0;
}

/* Removes the password from a log Windows Installer wrote (Wine's, for one, lists every
 * property with its value; Windows echoes the command line, MSI-quoted): every value of the
 * PROPS (the catalog's password properties), wherever the log names them, and SECRET (NULL
 * when unknown) wherever it appears, each replaced with a fixed mask that does not even reveal
 * its length. A log that cannot be scrubbed is deleted rather than kept with a password in it.
 * Returns how many occurrences were masked; *deleted says the log had to go. */
size_t avs_rem_scrub_log(const char *log, const char *secret, const char *const *props,
                         size_t n_props, int *deleted)
{
    char *data = NULL, *masked = NULL;
    size_t len = 0, masked_len = 0, found = 0;
    *deleted = 0;
    int rc = avs_os_file_read_all(&data, &len, log, 64u * 1024u * 1024u);
    if (rc == AVS_ETOOBIG) {
        *deleted = avs_os_file_delete(log) == 0;
        return 0;
    }
    if (rc)
        return 0; /* no log (nothing was written), or unreadable: nothing to read either */
    rc = avs_secret_scrub_log(&masked, &masked_len, &found, (unsigned char *)data, len, secret,
                              props, n_props);
    if (rc || (found && avs_os_file_write_atomic(log, masked, masked_len) != 0))
        *deleted = avs_os_file_delete(log) == 0; /* better no log than one with the password */
    avs_os_secure_zero(data, len);
    free(data);
    free(masked);
    return found;
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

void avs_rem_log_path(struct avs_buf *b, const char *logs_dir, const char *run_id, const char *key)
{
    avs_buf_printf(b, "%s\\%s-", logs_dir, run_id);
    safe_name(b, key);
    avs_buf_puts(b, ".log");
}

int avs_rem_scrub_interrupted(struct rctx *c)
{
    const struct avs_catalog *cat = c->o->catalog;
    size_t n = 0;
    for (size_t i = 0; i < cat->n_products; i++)
        n += cat->products[i].n_password_properties;
    /* Which product a log belongs to is not needed: every password property of the catalog. */
    const char **props = calloc(n ? n : 1, sizeof *props);
    if (!props)
        return AVS_ENOMEM;
    n = 0;
    for (size_t i = 0; i < cat->n_products; i++) {
        for (size_t j = 0; j < cat->products[i].n_password_properties; j++) {
            const char *name = cat->products[i].password_properties[j];
            size_t k = 0;
            while (k < n && strcmp(props[k], name) != 0)
                k++;
            if (k == n)
                props[n++] = name; /* each name once: every name is a pass over the log */
        }
    }
    int rc = 0;
    for (size_t i = 0; i < c->state.product_count && !rc; i++) {
        const struct avs_run_product *rp = &c->state.products[i];
        struct avs_buf log = AVS_BUF_INIT;
        if (!rp->remove.begins || !rp->product_code)
            continue;
        avs_rem_log_path(&log, c->logs_dir, c->state.run_id, rp->product_code);
        if ((rc = log.err) == 0) {
            int deleted = 0;
            size_t found = avs_rem_scrub_log(log.data, c->o->password, props, n, &deleted);
            char count[24];
            snprintf(count, sizeof count, "%zu", found);
            const char *s[2] = {log.data, count};
            if (deleted)
                avs_rem_event(c, AVS_EV_LOG_SCRUB_DELETED, s, 1);
            else if (found)
                avs_rem_event(c, AVS_EV_LOG_SCRUBBED, s, 2);
        }
        avs_buf_free(&log);
    }
    free(props);
    return rc;
}

/* Appends ` NAME="LOGIN"` (MSI quoting) for a product that takes a login with its password. */
static void login_property(struct avs_buf *props, const struct avs_cat_product *p,
                           const char *login)
{
    if (!p || !p->login_property)
        return;
    avs_buf_printf(props, " %s=\"", p->login_property);
    for (const char *q = login ? login : AVS_LOGIN_DEFAULT; *q; q++) {
        if (*q == '"')
            avs_buf_putc(props, '"');
        avs_buf_putc(props, *q);
    }
    avs_buf_putc(props, '"');
}

/* Windows Installer removal, retrying with backoff while another installation runs. */
static int remove_msi(struct rctx *c, const struct avs_finding *f, int *result, char **log_out)
{
    const struct avs_cat_product *p = product_of(c, f);
    struct avs_buf props = AVS_BUF_INIT, log = AVS_BUF_INIT;
    int secret_used = 0, rc;

    avs_buf_puts(&props, "REBOOT=ReallySuppress");
    if (c->o->password && p && p->n_password_properties) {
        /* Before the password: avs_secret_msi_properties must be the last to grow PROPS. */
        login_property(&props, p, c->o->login);
        if ((rc = props.err) != 0)
            goto done;
        rc = avs_secret_msi_properties(&props, (const char *const *)p->password_properties,
                                       p->n_password_properties, c->o->password);
        if (rc)
            goto done;
        secret_used = 1;
    }
    avs_rem_log_path(&log, c->logs_dir, c->r->run_id, avs_rem_key(f));
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
    AVS_TESTHOOK_POINT("msi-logged"); /* test builds only: killed before the scrub */
    if (secret_used) {
        int deleted;
        (void)avs_rem_scrub_log(log.data, c->o->password,
                                (const char *const *)p->password_properties,
                                p->n_password_properties, &deleted);
    }
    *log_out = avs_buf_detach(&log);
done:
    /* The properties held the password: wipe them before the memory is reused. */
    if (props.data)
        avs_os_secure_zero(props.data, props.cap);
    avs_buf_free(&props);
    avs_buf_free(&log);
    return rc;
}

/* Runs X's program, held open since its signature was checked, with the catalog's args. */
static int remove_exe(struct exe_check *x, int *result)
{
    int rc =
        avs_os_process_run_held(result, x->cmd.app, x->cmd.cmdline, AVS_EXE_TIMEOUT_MS, x->held);
    x->held = NULL; /* closed by avs_os_process_run_held once the process started */
    if (rc == AVS_ETIMEDOUT) {
        *result = 1460; /* ERROR_TIMEOUT: the job object ended the uninstaller */
        rc = 0;
    }
    return rc;
}

int avs_rem_remove(struct rctx *c, const struct avs_finding *f)
{
    const char *key = avs_rem_key(f), *why = NULL;
    const char *version = f->version ? f->version : "";
    char code[16];
    int result = 0, rc;
    char *log = NULL;
    struct exe_check x;

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
    /* An EXE uninstaller is checked now, and its file held open from the signature check until
     * its process has started: what was verified is what runs. */
    memset(&x, 0, sizeof x);
    if (f->uninstall == AVS_UNINSTALL_EXE) {
        rc = exe_prepare(c, f, &x, 1);
        if (rc == AVS_ENOMEM) {
            exe_check_free(&x);
            return rc;
        }
        why = rc ? (x.why ? x.why : avs_strerror(rc)) : NULL;
    } else if (!avs_rem_removable(c, f, &why) && !why) {
        why = "it cannot be removed";
    }
    if (why) {
        e.outcome = AVS_EXIT_FAILED;
        e.detail = why;
        const char *where = f->key ? f->key : key;
        const char *s3[4] = {f->name, where, why};
        const char *s4[4] = {f->name, where, x.cmd.app ? x.cmd.app : "(none)", why};
        rc = avs_rem_record(c, &b, 0, NULL, 0) ||
             (x.trust ? avs_rem_record(c, &e, AVS_EV_EXE_REFUSED, s4, 4)
                      : avs_rem_record(c, &e, AVS_EV_UNSAFE_UNINSTALL, s3, 3));
        exe_check_free(&x);
        if (rc)
            return c->r->exit_code;
        c->n_unsafe++;
        return 0;
    }
    const char *s0[4] = {f->name, version, key, avs_uninstall_name(f->uninstall)};
    if (avs_rem_record(c, &b, AVS_EV_REMOVAL_STARTED, s0, 4)) {
        exe_check_free(&x);
        return c->r->exit_code;
    }
    c->acted = 1;
    rc = f->uninstall == AVS_UNINSTALL_MSI ? remove_msi(c, f, &result, &log)
                                           : remove_exe(&x, &result);
    exe_check_free(&x);
    if (rc == AVS_ENOMEM)
        return rc;
    if (rc) {
        result = 1603;
        e.detail = avs_strerror(rc);
    }
    snprintf(code, sizeof code, "%d", result);
    e.outcome = result;
    enum avs_msi_action act = avs_msiresult_action(result);
    if (f->uninstall == AVS_UNINSTALL_EXE && act == AVS_MSI_ALREADY_GONE) {
        act = AVS_MSI_FAILED; /* 1605 means "unknown product" only for Windows Installer */
        /* The journal reads 1605 as "gone" (resume would skip it, status would say done):
         * record the failure, the exit code stays in the event and the detail. */
        e.outcome = AVS_EXIT_FAILED;
        e.detail = "the uninstaller exited with 1605, which means removed only for Windows "
                   "Installer";
    }
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
