/* Per-user findings handled by the service (peruser.h): removed as their user, or reported. */
#include "peruser.h"

#include <stdio.h>
#include <string.h>

#include "avs_messages.h"
#include "buf.h"
#include "catalog.h"
#include "cmdline.h"
#include "detect.h"
#include "inventory.h"
#include "os.h"
#include "textutil.h"

static const struct avs_cat_product *product_of(const struct avs_catalog *cat,
                                                const struct avs_finding *f)
{
    for (size_t i = 0; f->catalog_id && i < cat->n_products; i++)
        if (strcmp(cat->products[i].id, f->catalog_id) == 0)
            return &cat->products[i];
    return NULL;
}

static void reported(const struct avs_finding *f, const char *why)
{
    const char *str[4] = {f->name, f->user_sid, f->product_code[0] ? f->product_code : "none", why};
    avs_os_event_write(AVS_EV_SVC_PERUSER_REPORTED, str, 4);
}

/* The session lookup as a decision input; *tok is set only for an active, filtered token. */
static enum avs_pu_session session_of(avs_os_user_token **tok, const char *sid)
{
    int rc = avs_os_user_token_get(tok, sid);
    if (rc == 0)
        return AVS_PU_SESSION_ACTIVE;
    return rc == AVS_EUNSAFE ? AVS_PU_SESSION_ELEVATED : AVS_PU_SESSION_NONE;
}

int avs_peruser_handle(int *out_removed, const struct avs_finding *f, const struct avs_catalog *cat,
                       uint32_t timeout_ms)
{
    const struct avs_cat_product *p = product_of(cat, f);
    struct avs_pu_facts facts = {p && p->user_removal, f->uninstall == AVS_UNINSTALL_MSI,
                                 f->product_code[0] ? f->product_code : NULL,
                                 p && p->n_password_properties > 0, AVS_PU_SESSION_UNKNOWN};
    avs_os_user_token *tok = NULL;
    struct avs_buf cmd = AVS_BUF_INIT;
    const char *why = NULL;
    char code[39], result[64];
    int rc = 0, exit_code = 0;
    *out_removed = 0;
    enum avs_pu_action a = avs_peruser_decide(&why, &facts);
    if (a == AVS_PU_NEED_SESSION) {
        facts.session = session_of(&tok, f->user_sid);
        a = avs_peruser_decide(&why, &facts);
    }
    if (a != AVS_PU_REMOVE_AS_USER) {
        reported(f, why);
        goto done;
    }
    (void)avs_guid_canonical(code, facts.code); /* the decision validated it */
    /* argv[0] as the program name, then fixed arguments: nothing the user wrote reaches it. */
    if ((rc = avs_cmdline_append_program(&cmd, "msiexec.exe")) != 0)
        goto done;
    avs_cmdline_append_arg(&cmd, "/x");
    avs_cmdline_append_arg(&cmd, code);
    avs_cmdline_append_arg(&cmd, "/qn");
    if (cmd.err) {
        rc = cmd.err;
        goto done;
    }
    int run = avs_os_user_run(&exit_code, tok, "msiexec.exe", cmd.data, timeout_ms);
    if (run == 0 && (exit_code == 0 || exit_code == 1641 || exit_code == 3010)) {
        const char *str[4] = {f->name, f->user_sid, code, result};
        snprintf(result, sizeof result, "%d", exit_code);
        avs_os_event_write(AVS_EV_SVC_PERUSER_REMOVED, str, 4);
        *out_removed = 1;
        goto done;
    }
    if (run)
        snprintf(result, sizeof result, "msiexec as the user did not run: %s", avs_strerror(run));
    else
        snprintf(result, sizeof result, "msiexec as the user returned %d", exit_code);
    reported(f, result);
done:
    avs_os_user_token_free(tok);
    avs_buf_free(&cmd);
    return rc;
}

int avs_peruser_pass(struct avs_pu_summary *out, const struct avs_catalog *cat, int protected_now,
                     uint32_t timeout_ms)
{
    struct avs_inventory inv;
    struct avs_detection det;
    memset(out, 0, sizeof *out);
    memset(&det, 0, sizeof det);
    int rc = avs_inventory_collect(&inv, cat);
    if (rc)
        return rc;
    if ((rc = avs_detect(&det, &inv, cat)) != 0)
        goto done;
    for (size_t i = 0; i < det.n_findings && !rc; i++) {
        const struct avs_finding *f = &det.findings[i];
        int removed = 0;
        if (!f->user_sid)
            continue;
        out->seen++;
        if (f->role == AVS_ROLE_PROTECTION && !protected_now) {
            /* The safety invariant: a protection product goes only once an approved antivirus
             * is verified running, per-user or not. */
            reported(f, AVS_PU_WHY_UNPROTECTED);
            out->reported++;
            continue;
        }
        rc = avs_peruser_handle(&removed, f, cat, timeout_ms);
        if (removed)
            out->removed++;
        else if (!rc)
            out->reported++;
    }
done:
    avs_detection_free(&det);
    avs_inventory_free(&inv);
    return rc;
}
