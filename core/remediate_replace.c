/* The approved replacement: chosen, staged and verified before anything is removed, installed
 * and verified running when the plan says so. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "avs_messages.h"
#include "cmdline.h"
#include "exitcode.h"
#include "msiresult.h"
#include "remediate_int.h"
#include "sha256.h"
#include "textutil.h"
#include "verdict.h"

static int ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && avs_str_ieq(s + n - m, suffix);
}

static int valid_hex64(const char *s)
{
    if (!s || strlen(s) != 64)
        return 0;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') || (*s >= 'A' && *s <= 'F')))
            return 0;
    return 1;
}

static int block(struct rctx *c, const char *reason)
{
    return avs_rem_stop(c, AVS_EXIT_BLOCKED, "replacement", reason);
}

/* Records a stage failure in the journal (when there is one) and blocks. */
static int stage_failed(struct rctx *c, uint32_t event, const char *const *s, size_t n,
                        const char *reason)
{
    if (!c->o->dry_run) {
        struct avs_journal_entry e = {AVS_JSTEP_REPLACEMENT_STAGE,
                                      AVS_JPHASE_END,
                                      NULL,
                                      NULL,
                                      NULL,
                                      AVS_EXIT_BLOCKED,
                                      reason};
        if (avs_rem_record(c, &e, event, s, n))
            return c->r->exit_code;
    } else {
        avs_rem_event(c, event, s, n);
    }
    return block(c, reason);
}

int avs_rem_replacement_stage(struct rctx *c)
{
    const char *src = c->o->replacement;
    uint8_t digest[32];
    char actual[AVS_SHA256_HEX_LEN + 1], expected[AVS_SHA256_HEX_LEN + 1];
    int rc;

    if (c->repl == REPL_SERVICE || c->repl == REPL_NONE)
        return 0;
    if (!valid_hex64(c->o->sha256_hex))
        return block(c, "--sha256 must be the replacement's SHA-256 as 64 hexadecimal digits");
    for (int i = 0; i < 64; i++) {
        char h = c->o->sha256_hex[i];
        expected[i] = (h >= 'A' && h <= 'F') ? (char)(h - 'A' + 'a') : h;
    }
    expected[64] = '\0';

    if (c->o->dry_run) {
        /* Hash the file where it is: a dry run copies nothing. */
        free(c->staged);
        c->staged = avs_strdup(src);
    } else {
        struct avs_journal_entry b = {
            AVS_JSTEP_REPLACEMENT_STAGE, AVS_JPHASE_BEGIN, NULL, NULL, NULL, 0, NULL};
        struct avs_buf dir = AVS_BUF_INIT, dst = AVS_BUF_INIT;
        if (avs_rem_record(c, &b, 0, NULL, 0))
            return c->r->exit_code;
        avs_buf_printf(&dir, "%s\\staging", c->data_dir);
        avs_buf_printf(&dst, "%s\\replacement%s", dir.data ? dir.data : "",
                       c->repl == REPL_MSI ? ".msi" : ".exe");
        if (dir.err || dst.err) {
            avs_buf_free(&dir);
            avs_buf_free(&dst);
            return AVS_ENOMEM;
        }
        rc = avs_os_mkdir_protected(dir.data);
        if (!rc)
            rc = avs_os_file_copy(dst.data, src);
        avs_buf_free(&dir);
        free(c->staged);
        c->staged = avs_buf_detach(&dst);
        if (rc) {
            char why[300];
            snprintf(why, sizeof why, "the replacement could not be staged: %s", avs_strerror(rc));
            const char *s[2] = {"replacement", why};
            return stage_failed(c, AVS_EV_PREFLIGHT_BLOCKED, s, 2, why);
        }
    }
    if (c->lock) {
        avs_os_file_unlock(c->lock);
        c->lock = NULL;
    }
    rc = avs_os_file_lock_hash(&c->lock, digest, c->staged);
    if (rc) {
        char why[300];
        snprintf(why, sizeof why, "the replacement could not be read for verification: %s",
                 avs_strerror(rc));
        const char *s[2] = {"replacement", why};
        return stage_failed(c, AVS_EV_PREFLIGHT_BLOCKED, s, 2, why);
    }
    avs_sha256_hex(actual, digest);
    if (strcmp(actual, expected) != 0) {
        const char *s[3] = {src, expected, actual};
        return stage_failed(c, AVS_EV_REPLACEMENT_HASH_MISMATCH, s, 3,
                            "the replacement's SHA-256 does not match --sha256");
    }
    if (!c->o->dry_run) {
        struct avs_journal_entry e = {
            AVS_JSTEP_REPLACEMENT_STAGE, AVS_JPHASE_END, NULL, NULL, NULL, 0, actual};
        const char *s[3] = {src, c->staged, actual};
        if (avs_rem_record(c, &e, AVS_EV_REPLACEMENT_STAGED, s, 3))
            return c->r->exit_code;
    }
    return 0;
}

/* The approved product whose service exists and may run, preferring Microsoft Defender. */
static const struct avs_cat_approved *builtin_approved(struct rctx *c, int *running)
{
    const struct avs_catalog *cat = c->o->catalog;
    const struct avs_cat_approved *best = NULL;
    *running = 0;
    for (size_t i = 0; i < cat->n_approved; i++) {
        const struct avs_cat_approved *a = &cat->approved[i];
        enum avs_svc_state st;
        int startable = 0;
        if (!a->service || avs_os_service_query(&st, &startable, a->service) != 0 || !startable)
            continue;
        if (!best || strcmp(a->id, "defender") == 0) {
            best = a;
            *running = st == AVS_SVC_RUNNING;
        }
    }
    return best;
}

int avs_rem_replacement_choose(struct rctx *c)
{
    int rc;
    if (c->repl == REPL_NONE)
        return 0;
    if (!c->o->replacement) {
        int running = 0;
        c->approved = builtin_approved(c, &running);
        if (!c->approved) {
            const char *reason = "no approved antivirus is available: Microsoft Defender "
                                 "Antivirus (service WinDefend) is missing or disabled, and no "
                                 "--replacement was given";
            avs_rem_push(&c->r->checks, &c->r->n_checks, "approved antivirus: none available");
            return block(c, reason);
        }
        c->repl = REPL_SERVICE;
        /* Already running: the machine is protected throughout, as with install-first. */
        c->install_first = running;
        c->r->replacement_name = avs_strdup(c->approved->name);
        return c->r->replacement_name ? 0 : AVS_ENOMEM;
    }
    if (ends_with_ci(c->o->replacement, ".msi"))
        c->repl = REPL_MSI;
    else if (ends_with_ci(c->o->replacement, ".exe"))
        c->repl = REPL_EXE;
    else
        return block(c, "the replacement must be a Windows Installer package (.msi) or a "
                        "setup program (.exe)");
    /* Stage and verify before reading anything out of the package. */
    if ((rc = avs_rem_replacement_stage(c)) != 0)
        return rc;
    /* What it is decides everything after: an MSI by its ProductName, a setup program by its
     * file name, matched against the catalog's [approved] entries. */
    const char *base = strrchr(c->o->replacement, '\\');
    base = base ? base + 1 : c->o->replacement;
    if (c->repl == REPL_EXE) {
        c->r->replacement_name = avs_strdup(base);
    } else {
        char *name = NULL;
        rc = avs_os_msi_package_info(&c->repl_code, &name, c->staged);
        if (rc == AVS_ENOMEM)
            return rc;
        if (rc || !c->repl_code) {
            free(name);
            return block(c, "the replacement is not a readable Windows Installer package");
        }
        c->r->replacement_name = name ? name : avs_strdup(c->repl_code);
    }
    if (!c->r->replacement_name)
        return AVS_ENOMEM;
    c->approved = avs_catalog_approved_by_name(c->o->catalog, c->r->replacement_name);
    /* Nothing is removed for a replacement AvSwap could not prove is running afterwards: that
     * takes an [approved] entry naming it, with the service that runs when it protects. */
    if (!c->approved || !c->approved->service) {
        char why[400];
        snprintf(why, sizeof why,
                 "the replacement '%s' is not an approved product: add an [approved] entry to "
                 "the catalog whose 'match' names it (%s) and whose 'service' runs when it "
                 "protects",
                 c->r->replacement_name,
                 c->repl == REPL_MSI ? "its ProductName" : "the setup program's file name");
        avs_rem_push(&c->r->checks, &c->r->n_checks, "replacement: not an approved product");
        return block(c, why);
    }
    c->install_first = c->approved->coexist;
    return 0;
}

/* 1 when the chosen approved product's service runs; *service receives its name. */
static int approved_running(struct rctx *c, const char **service)
{
    const struct avs_catalog *cat = c->o->catalog;
    for (size_t i = 0; i < cat->n_approved; i++) {
        const struct avs_cat_approved *a = &cat->approved[i];
        enum avs_svc_state st;
        int startable;
        if (!a->service || a != c->approved)
            continue;
        if (avs_os_service_query(&st, &startable, a->service) == 0 && st == AVS_SVC_RUNNING) {
            *service = a->service;
            return 1;
        }
    }
    return 0;
}

/* Where Security Center exists, an approved product must also show there as enabled: Windows'
 * own view of whether the machine is protected. Polled, since registration follows the service
 * start by a few seconds. 1: yes, or Security Center is absent (Windows Server); 0: not within
 * the bound. */
#define AVS_WSC_WAIT_MS (90u * 1000u)
#define AVS_WSC_POLL_MS 3000u

static int wsc_protected(struct rctx *c, const char **state)
{
    for (uint32_t waited = 0;; waited += AVS_WSC_POLL_MS) {
        struct avs_os_wsc_product *list = NULL;
        size_t n = 0;
        int rc = avs_os_wsc_antivirus(&list, &n);
        if (rc) {
            *state = "Security Center not present";
            return 1;
        }
        int ok = 0;
        for (size_t i = 0; i < n && !ok; i++) {
            if (!list[i].display_name ||
                avs_catalog_match_name(c->o->catalog, list[i].display_name))
                continue;
            ok = avs_wsc_state_enabled(list[i].product_state);
        }
        avs_os_wsc_free(list, n);
        if (ok) {
            *state = "Security Center: enabled";
            return 1;
        }
        if (waited >= AVS_WSC_WAIT_MS) {
            *state = "Security Center shows no enabled approved antivirus";
            return 0;
        }
        avs_os_sleep_ms(AVS_WSC_POLL_MS);
    }
}

static int install(struct rctx *c, int *result, const char **what)
{
    struct avs_buf log = AVS_BUF_INIT, cmd = AVS_BUF_INIT;
    int rc = 0, installed = 0;
    *result = 0;
    *what = "installed";
    if (c->repl == REPL_SERVICE) {
        *what = "built into Windows; nothing to install";
        return 0;
    }
    if (c->repl == REPL_MSI) {
        if ((rc = avs_os_msi_installed(&installed, c->repl_code)) != 0)
            return rc;
        if (installed) {
            *what = "already installed";
            return 0;
        }
        avs_buf_printf(&log, "%s\\%s-replacement.log", c->logs_dir, c->r->run_id);
        avs_buf_printf(&cmd, "REBOOT=ReallySuppress%s%s", c->o->replacement_args ? " " : "",
                       c->o->replacement_args ? c->o->replacement_args : "");
        rc = log.err ? log.err : cmd.err;
        if (!rc)
            rc = avs_os_msi_install(result, c->staged, cmd.data, log.data);
    } else {
        rc = avs_cmdline_append_program(&cmd, c->staged);
        if (!rc && c->o->replacement_args) {
            avs_buf_putc(&cmd, ' ');
            avs_buf_puts(&cmd, c->o->replacement_args);
        }
        if (!rc && cmd.err)
            rc = cmd.err;
        if (!rc) {
            rc = avs_os_process_run(result, c->staged, cmd.data, AVS_EXE_TIMEOUT_MS);
            if (rc == AVS_ETIMEDOUT) {
                *result = 1460; /* ERROR_TIMEOUT */
                *what = "timed out";
                rc = 0;
            }
        }
    }
    c->acted = 1;
    avs_buf_free(&log);
    avs_buf_free(&cmd);
    return rc;
}

/* Last resort after a failed replacement: start Microsoft Defender if it can run. */
static void fall_back(struct rctx *c)
{
    int running = 0;
    const struct avs_cat_approved *a = builtin_approved(c, &running);
    if (a && !running && avs_os_service_start(a->service, AVS_SERVICE_START_TIMEOUT_MS) == 0) {
        const char *s[3] = {a->name, a->service, "(fallback, not journaled)"};
        avs_rem_event(c, AVS_EV_REPLACEMENT_RUNNING, s, 3);
    }
}

int avs_rem_replacement_install(struct rctx *c)
{
    int result = 0, rc;
    const char *what = NULL, *service = NULL;
    const char *name = c->r->replacement_name;
    char code[16], why[300];

    struct avs_journal_entry b = {
        AVS_JSTEP_REPLACEMENT_INSTALL, AVS_JPHASE_BEGIN, name, NULL, c->repl_code, 0, NULL};
    const char *s1[1] = {name};
    if (avs_rem_record(c, &b, AVS_EV_REPLACEMENT_INSTALLING, s1, 1))
        return c->r->exit_code;
    rc = install(c, &result, &what);
    if (rc == AVS_ENOMEM)
        return rc;
    if (rc) {
        result = 1603;
        what = avs_strerror(rc);
    }
    snprintf(code, sizeof code, "%d", result);
    enum avs_msi_action act = avs_msiresult_action(result);
    int ok = act == AVS_MSI_DONE || act == AVS_MSI_REBOOT;
    struct avs_journal_entry e = {
        AVS_JSTEP_REPLACEMENT_INSTALL, AVS_JPHASE_END, name, NULL, c->repl_code, result, what};
    if (ok) {
        const char *s[2] = {name, code};
        if (avs_rem_record(c, &e, AVS_EV_REPLACEMENT_INSTALLED, s, 2))
            return c->r->exit_code;
        c->r->replacement_installed = 1;
        if (act == AVS_MSI_REBOOT)
            c->reboot = 1;
    } else {
        snprintf(why, sizeof why, "installing %s failed: %s (code %d)", name,
                 rc ? what : avs_msiresult_text(result), result);
        const char *s[2] = {name, why};
        avs_rem_record(c, &e, AVS_EV_REPLACEMENT_FAILED, s, 2);
        fall_back(c);
        return avs_rem_stop(c, AVS_EXIT_FAILED, "replacement-install", why);
    }

    /* Verified means running, not merely installed. */
    struct avs_journal_entry vb = {
        AVS_JSTEP_REPLACEMENT_VERIFY, AVS_JPHASE_BEGIN, name, NULL, c->repl_code, 0, NULL};
    if (avs_rem_record(c, &vb, 0, NULL, 0))
        return c->r->exit_code;
    if (c->approved && c->approved->service)
        (void)avs_os_service_start(c->approved->service, AVS_SERVICE_START_TIMEOUT_MS);
    const char *wsc = "";
    int running = approved_running(c, &service);
    int protected_ = running && wsc_protected(c, &wsc);
    char detail[200];
    snprintf(detail, sizeof detail, "%s%s%s",
             running ? service
                     : "no approved antivirus service "
                       "is running",
             running ? "; " : "", wsc);
    struct avs_journal_entry ve = {
        AVS_JSTEP_REPLACEMENT_VERIFY, AVS_JPHASE_END, name, NULL, c->repl_code,
        protected_ ? 0 : 1603,        detail};
    if (!protected_) {
        snprintf(why, sizeof why, "%s was installed but %s", name,
                 running ? "Security Center shows no enabled approved antivirus"
                         : "no approved antivirus is running");
        const char *s[2] = {name, why};
        avs_rem_record(c, &ve, AVS_EV_REPLACEMENT_FAILED, s, 2);
        fall_back(c);
        return avs_rem_stop(c, AVS_EXIT_FAILED, "replacement-verify", why);
    }
    const char *s[2] = {name, service};
    if (avs_rem_record(c, &ve, AVS_EV_REPLACEMENT_RUNNING, s, 2))
        return c->r->exit_code;
    c->replaced = 1;
    c->r->replacement_running = 1;
    return 0;
}
