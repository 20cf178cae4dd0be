/* One engine run of the service (run.h): policy read afresh, then an audit run or an enforcing
 * run with the policy's replacement, catalog, password and login, then the State key. */
#include "run.h"

#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "avs_messages.h"
#include "buf.h"
#include "catalog.h"
#include "exitcode.h"
#include "machine_secret.h"
#include "peruser.h"
#include "policy.h"
#include "remediate.h"
#include "secret.h"
#include "state.h"

const char *avs_svc_trigger_name(enum avs_svc_trigger t)
{
    switch (t) {
    case AVS_SVC_TRIGGER_START: return "service start";
    case AVS_SVC_TRIGGER_CHANGE: return "installed programs changed";
    case AVS_SVC_TRIGGER_POLICY: return "policy changed";
    case AVS_SVC_TRIGGER_DAILY: return "daily run";
    case AVS_SVC_TRIGGER_RETRY: return "retry after busy";
    }
    return "?";
}

static void fault(const char *step, const char *why)
{
    const char *str[2] = {step, why};
    avs_os_event_write(AVS_EV_SVC_RUN_FAILED, str, 2);
}

/* policy.c sets catalog_path only together with a valid CatalogSha256: the pin is required. */
int avs_svc_load_catalog(struct avs_catalog *cat, char **desc, const struct avs_policy *pol)
{
    struct avs_buf msg = AVS_BUF_INIT, d = AVS_BUF_INIT;
    char hex[65];
    *desc = NULL;
    int rc = avs_catalog_load_builtin(cat, &msg);
    if (rc) {
        fault("built-in catalog", msg.data ? msg.data : avs_strerror(rc));
        goto done;
    }
    avs_buf_puts(&d, "built-in");
    if (pol->catalog_path) {
        rc = avs_catalog_load_file(cat, hex, pol->catalog_path, pol->catalog_sha256,
                                   AVS_CATALOG_PIN_REQUIRED, &msg);
        if (rc) {
            fault("catalog", msg.data ? msg.data : avs_strerror(rc));
            goto done;
        }
        avs_buf_printf(&d, " + %s (SHA-256 %s, pinned)", pol->catalog_path, hex);
    }
    *desc = avs_buf_detach(&d);
    rc = *desc ? 0 : AVS_ENOMEM;
done:
    avs_buf_free(&msg);
    avs_buf_free(&d);
    return rc;
}

/* The uninstall password: the policy's PasswordFile (read now, never copied), else the machine
 * secret (`avswap secret set`). None is not an error: a protected product then fails to
 * uninstall and is reported, as by hand. */
static void read_password(char **out, const struct avs_policy *pol)
{
    *out = NULL;
    if (pol->password_file) {
        char *data = NULL;
        size_t len = 0;
        const char *why = NULL;
        int rc = avs_os_file_read_all(&data, &len, pol->password_file, 4096);
        if (rc == 0) {
            rc = avs_secret_parse(out, &why, data, len);
            avs_os_secure_zero(data, len);
            free(data);
        }
        if (rc)
            fault("password file", why ? why : avs_strerror(rc)); /* never its contents */
        if (*out)
            return;
    }
    if (avs_machine_secret_get(out) != 0)
        *out = NULL;
}

static void audit(struct avs_svc_run *r, const struct avs_policy *pol,
                  const struct avs_catalog *cat, const char *desc)
{
    struct avs_audit_result a;
    int64_t now = 0;
    int rc = avs_audit_run(&a, cat, desc, avs_policy_source_name(pol->mode_src));
    r->exit_code = rc ? AVS_EXIT_FAILED : 0;
    r->findings = a.n_findings;
    (void)avs_os_now(&now);
    struct avs_state s = {rc || a.incomplete ? AVS_OUTCOME_FAILED : AVS_OUTCOME_AUDIT, now, NULL,
                          (uint32_t)a.n_findings};
    (void)avs_state_write(&s);
    /* Audit now: the next switch to enforce is a new start for the random delay. */
    (void)avs_state_set_string(AVS_STATE_LAST_MODE, "audit");
    (void)avs_state_set_dword(AVS_STATE_DELAY_DONE, 0);
}

static void enforce(struct avs_svc_run *r, const struct avs_policy *pol,
                    const struct avs_catalog *cat, const char *desc)
{
    struct avs_remediate_opts o;
    struct avs_remediate_result res;
    char *password = NULL;
    memset(&o, 0, sizeof o);
    read_password(&password, pol);
    o.busy_timeout_ms = AVS_BUSY_TIMEOUT_DEFAULT_MS;
    o.catalog = cat;
    o.catalog_desc = desc;
    o.replacement = pol->replacement_path;
    o.sha256_hex = pol->replacement_sha256; /* NULL when unpinned: the engine blocks */
    o.replacement_args = pol->replacement_args;
    o.password = password;
    o.login = pol->login;
    o.reboot = AVS_REBOOT_NEVER; /* the service restarts by its own RebootPolicy (loop.c) */
    int rc = avs_remediate(&res, &o);
    avs_secret_free(password);
    if (rc != 0) {
        fault("remediate", avs_strerror(rc));
        r->exit_code = AVS_EXIT_FAILED;
        return;
    }
    r->enforced = 1;
    r->exit_code = res.exit_code;
    r->findings = res.n_removed + res.n_remaining;
    r->reboot_required = res.exit_code == AVS_EXIT_REBOOT;
    if (res.exit_code == AVS_EXIT_BUSY) {
        /* AvSwap's own mutex stops the run at "start", before the journal; Windows
         * Installer's busy signal comes later (preflight, a removal). */
        if (res.step && strcmp(res.step, "start") == 0)
            r->engine_busy = 1;
        else
            r->installer_busy = 1;
    }
    if (!r->engine_busy) {
        /* After the per-machine work: per-user installs, as their user or reported (1011/1012).
         * They stay counted in Findings as the engine reported them. */
        struct avs_pu_summary pu;
        /* A per-user protection product goes only once an approved antivirus runs (the
         * safety invariant): the run ended compliant, only a restart is left, or it verified
         * the replacement running; otherwise the pass reports it. */
        int protected_now = res.exit_code == AVS_EXIT_OK || res.exit_code == AVS_EXIT_REBOOT ||
                            res.replacement_running;
        if (avs_peruser_pass(&pu, cat, protected_now, AVS_PU_TIMEOUT_MS) != 0)
            fault("per-user products", avs_strerror(AVS_ENOMEM));
        (void)avs_state_record_run(&res);
        (void)avs_state_set_string(AVS_STATE_LAST_MODE, "enforce");
        (void)avs_state_set_dword(AVS_STATE_RUN_PENDING, r->reboot_required);
    }
    avs_remediate_result_free(&res);
}

DWORD WINAPI avs_svc_run_thread(void *arg)
{
    struct avs_svc_run *r = arg;
    struct avs_policy pol;
    struct avs_catalog cat;
    char *desc = NULL;
    r->exit_code = AVS_EXIT_FAILED;
    memset(&cat, 0, sizeof cat);
    if (avs_policy_read(&pol) != 0) {
        fault("policy", avs_strerror(AVS_ENOMEM));
        return 0;
    }
    int enforcing = pol.mode == AVS_MODE_ENFORCE || r->resume;
    {
        const char *str[2] = {avs_svc_trigger_name(r->trigger), enforcing ? "enforce" : "audit"};
        avs_os_event_write(AVS_EV_SVC_RUN_STARTED, str, 2);
    }
    if (avs_svc_load_catalog(&cat, &desc, &pol) == 0) {
        if (enforcing)
            enforce(r, &pol, &cat, desc);
        else
            audit(r, &pol, &cat, desc);
    }
    free(desc);
    avs_catalog_free(&cat);
    avs_policy_free(&pol);
    return 0;
}
