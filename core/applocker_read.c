/* What AppLocker enforces on this machine against the vendor's signers: the Exe collection of
 * the effective policy (where Group Policy leaves it in the registry) and the Application
 * Identity service, without which AppLocker enforces and logs nothing. */
#include <stdlib.h>
#include <string.h>

#include "applocker.h"
#include "regdata.h"
#include "textutil.h"

#define EXE_KEY AVS_APPLOCKER_KEY "\\Exe"

const char *avs_applocker_level_name(enum avs_applocker_level l)
{
    switch (l) {
    case AVS_APPLOCKER_AUDIT: return "audit";
    case AVS_APPLOCKER_ENFORCED: return "enforced";
    case AVS_APPLOCKER_ENFORCED_SERVICES: return "enforced-including-services";
    default: return "absent";
    }
}

static int sid_in(const char *sid, const char *const *set, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (avs_str_ieq(sid, set[i]))
            return 1;
    return 0;
}

/* Groups every administrator's token holds: Everyone, Authenticated Users, Interactive, Users,
 * Administrators. A rule for any other group (a domain group) is not counted for the preflight:
 * AvSwap does not resolve group membership. */
static int applies_admin(const char *sid)
{
    static const char *const set[] = {"S-1-1-0", "S-1-5-11", "S-1-5-4", "S-1-5-32-545",
                                      "S-1-5-32-544"};
    return sid_in(sid, set, sizeof set / sizeof set[0]);
}

/* Groups the SYSTEM token holds: Everyone, Authenticated Users, Administrators, SYSTEM. */
static int applies_system(const char *sid)
{
    static const char *const set[] = {"S-1-1-0", "S-1-5-11", "S-1-5-32-544", "S-1-5-18"};
    return sid_in(sid, set, sizeof set / sizeof set[0]);
}

struct reader {
    struct avs_applocker_state *st;
    const struct avs_catalog *cat;
    int (*note)(void *ctx, const char *key, const char *value, const char *problem);
    void *ctx;
    int any_admin, any_system;
};

static int note(struct reader *r, const char *key, const char *value, const char *problem)
{
    return r->note ? r->note(r->ctx, key, value, problem) : 0;
}

/* A DWORD mode value: *OUT -1 when absent; a malformed one is noted and read as absent. */
static int read_mode(struct reader *r, int *out, avs_os_key *key, const char *name)
{
    struct avs_reg_value v;
    const char *problem = NULL;
    uint32_t d = 0;
    *out = -1;
    int err = avs_os_reg_value(&v, key, name);
    if (err == AVS_ENOMEM)
        return err;
    if (err)
        return 0;
    err = avs_regdata_dword(&d, &problem, &v);
    free(v.data);
    if (err)
        return note(r, "HKLM\\" EXE_KEY, name, problem);
    *out = d > 0x7fffffff ? 0x7fffffff : (int)d;
    return 0;
}

static int read_rule(struct reader *r, avs_os_key *parent, const char *name)
{
    avs_os_key *k = NULL;
    struct avs_reg_value v;
    struct avs_applocker_rule rule;
    struct avs_buf path = AVS_BUF_INIT;
    const char *why = NULL;
    char *xml = NULL;
    int rc = 0;

    memset(&v, 0, sizeof v);
    avs_buf_printf(&path, "HKLM\\" EXE_KEY "\\%s", name);
    if (path.err)
        return AVS_ENOMEM;
    int err = avs_os_reg_open_child(&k, parent, name);
    if (!err)
        err = avs_os_reg_value(&v, k, "Value");
    if (err == AVS_ENOMEM) {
        rc = err;
        goto done;
    }
    if (err) {
        rc = note(r, path.data, "Value", "the rule could not be read; it is not counted");
        goto done;
    }
    err = avs_regdata_string(&xml, &why, &v);
    if (!err)
        err = avs_applocker_rule_parse(&rule, &why, xml);
    if (err == AVS_ENOMEM) {
        rc = err;
        goto done;
    }
    if (err) {
        rc = note(r, path.data, "Value", why ? why : "not an AppLocker rule");
        goto done;
    }
    r->st->n_rules++;
    for (size_t i = 0; i < r->cat->n_signers; i++)
        if (avs_applocker_rule_covers(&rule, &r->cat->signers[i])) {
            r->st->covering++;
            r->any_admin |= applies_admin(rule.sid);
            r->any_system |= applies_system(rule.sid);
            break;
        }
    avs_applocker_rule_free(&rule);
done:
    free(xml);
    free(v.data);
    if (k)
        avs_os_reg_close(k);
    avs_buf_free(&path);
    return rc;
}

static int read_policy(struct reader *r)
{
    avs_os_key *key = NULL;
    int rc = 0, err = avs_os_reg_open(&key, AVS_HKLM, EXE_KEY, AVS_VIEW_64);
    r->st->mode = -1;
    if (err == AVS_ENOENT)
        return 0; /* no Exe collection: nothing is denied */
    if (err) {
        r->st->err = err;
        return err == AVS_ENOMEM ? err : 0;
    }
    int svc = -1;
    if ((rc = read_mode(r, &r->st->mode, key, "EnforcementMode")) != 0 ||
        (rc = read_mode(r, &svc, key, "ServiceEnforcementMode")) != 0)
        goto done;
    r->st->services_ext = svc > 0;
    for (size_t i = 0;; i++) {
        char *name = NULL;
        err = avs_os_reg_subkey(&name, key, i);
        if (err == AVS_ENOENT)
            break;
        if (err) {
            if (err == AVS_ENOMEM)
                rc = err;
            else
                r->st->err = err;
            break;
        }
        rc = read_rule(r, key, name);
        free(name);
        if (rc)
            break;
    }
done:
    avs_os_reg_close(key);
    return rc;
}

static int decide(struct reader *r)
{
    struct avs_applocker_state *st = r->st;
    struct avs_buf d = AVS_BUF_INIT;
    enum avs_svc_state state = AVS_SVC_UNKNOWN;
    int startable = 0;
    int err = avs_os_service_query(&state, &startable, AVS_APPLOCKER_SERVICE);
    if (err == AVS_ENOMEM)
        return err;
    st->appid_running = !err && state == AVS_SVC_RUNNING;
    if (err && !st->err)
        st->err = err == AVS_ENOENT ? AVS_EUNAVAIL : err;

    if (st->err && st->err != AVS_EUNAVAIL) {
        avs_buf_printf(&d, "the AppLocker policy could not be read: %s", avs_strerror(st->err));
    } else if (!st->covering) {
        avs_buf_puts(&d, "no AppLocker rule denies the vendor's signers (Exe collection of the "
                         "effective policy)");
    } else if (!st->appid_running) {
        avs_buf_printf(&d,
                       "%d deny rule(s) for the vendor's signers are configured, but the "
                       "Application Identity service (AppIDSvc) %s: AppLocker enforces nothing",
                       st->covering, err ? "does not exist" : "is not running");
    } else if (st->mode == 0) {
        st->level = AVS_APPLOCKER_AUDIT;
        avs_buf_printf(&d,
                       "%d deny rule(s) for the vendor's signers, audit only: the vendor's "
                       "programs still run, and AppLocker logs each one (event 8003)",
                       st->covering);
    } else {
        st->level = st->services_ext ? AVS_APPLOCKER_ENFORCED_SERVICES : AVS_APPLOCKER_ENFORCED;
        st->deny_admin = r->any_admin;
        st->deny_system = st->services_ext && r->any_system;
        avs_buf_printf(&d, "%d deny rule(s) for the vendor's signers, enforced%s", st->covering,
                       st->services_ext ? " for users, services and SYSTEM"
                                        : " for users (not for services or SYSTEM: no services "
                                          "extension)");
        if (!r->any_admin)
            avs_buf_puts(&d, "; no rule names a group every administrator belongs to");
    }
    st->detail = avs_buf_detach(&d);
    return st->detail ? 0 : AVS_ENOMEM;
}

int avs_applocker_read(struct avs_applocker_state *out, const struct avs_catalog *cat,
                       int (*note_fn)(void *ctx, const char *key, const char *value,
                                      const char *problem),
                       void *ctx)
{
    struct reader r = {out, cat, note_fn, ctx, 0, 0};
    memset(out, 0, sizeof *out);
    int rc = read_policy(&r);
    if (!rc)
        rc = decide(&r);
    if (rc)
        avs_applocker_state_free(out);
    return rc;
}

void avs_applocker_state_free(struct avs_applocker_state *s)
{
    free(s->detail);
    memset(s, 0, sizeof *s);
    s->mode = -1;
}
