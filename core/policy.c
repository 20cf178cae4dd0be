/* Reading the policy: Group Policy over the MSI's defaults over the built-in defaults, each
 * value validated on its own (policy.h). Nothing here guesses: a value that does not validate is
 * reported and the next layer's value used. */
#include "policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "avs_messages.h"
#include "buf.h"
#include "os.h"
#include "policy_int.h"
#include "remediate.h"
#include "textutil.h"

#define KEY_POLICY "HKLM\\" AVS_POLICY_KEY
#define KEY_MSI "HKLM\\" AVS_POLICY_MSI_KEY

/* The one table of values: names, whether the MSI's key may set them too, and how each is
 * checked. The ADMX test (tests/docs/check_admx.py) reads the names and kinds from here. */
#define AVS_POLICY_VALUES(X)                                                                       \
    X(AVS_PV_MODE, 1, PK_MODE)                                                                     \
    X(AVS_PV_REPLACEMENT_PATH, 1, PK_PATH)                                                         \
    X(AVS_PV_REPLACEMENT_SHA256, 1, PK_SHA256)                                                     \
    X(AVS_PV_REPLACEMENT_ARGS, 0, PK_ARGS)                                                         \
    X(AVS_PV_RANDOM_DELAY, 0, PK_DELAY)                                                            \
    X(AVS_PV_REBOOT_POLICY, 0, PK_REBOOT)                                                          \
    X(AVS_PV_MAINTENANCE_WINDOW, 0, PK_WINDOW)                                                     \
    X(AVS_PV_CATALOG_PATH, 0, PK_PATH)                                                             \
    X(AVS_PV_CATALOG_SHA256, 0, PK_SHA256)                                                         \
    X(AVS_PV_PASSWORD_FILE, 0, PK_PATH)                                                            \
    X(AVS_PV_UNINSTALL_LOGIN, 0, PK_LOGIN)

#define SPEC(name, msi, kind) {name, msi, kind},
#define NAME(name, msi, kind) name,
static const struct avs_policy_spec SPECS[] = {AVS_POLICY_VALUES(SPEC)};
#define N_SPECS (sizeof SPECS / sizeof SPECS[0])

const char *const *avs_policy_value_names(size_t *out_count)
{
    static const char *const names[] = {AVS_POLICY_VALUES(NAME)};
    *out_count = N_SPECS;
    return names;
}

const char *avs_policy_source_name(enum avs_policy_source s)
{
    switch (s) {
    case AVS_PSRC_MSI: return "msi";
    case AVS_PSRC_POLICY: return "policy";
    case AVS_PSRC_FLAG: return "flag";
    default: return "default";
    }
}

const char *avs_policy_mode_name(enum avs_policy_mode m)
{
    return m == AVS_MODE_ENFORCE ? "enforce" : "audit";
}

const char *avs_policy_reboot_name(enum avs_policy_reboot r)
{
    return r == AVS_PREBOOT_MAINTENANCE_WINDOW ? "maintenance-window" : "never";
}

static int add_problem(struct avs_policy *p, uint32_t id, const char *value, const char *where,
                       const char *what, const char *used)
{
    struct avs_policy_problem *n = realloc(p->problems, (p->n_problems + 1) * sizeof *n);
    if (!n)
        return AVS_ENOMEM;
    p->problems = n;
    struct avs_policy_problem *x = &n[p->n_problems];
    x->event_id = id;
    x->value = avs_strdup(value);
    x->where = avs_strdup(where);
    x->what = avs_strdup(what);
    x->used = avs_strdup(used);
    p->n_problems++; /* counted even when incomplete so avs_policy_free frees what was taken */
    return x->value && x->where && x->what && x->used ? 0 : AVS_ENOMEM;
}

/* What a layer holds for one value: absent, a clean value, or a refused one (with why). */
struct layer_val {
    int state; /* 0 absent, 1 clean, -1 refused */
    struct avs_policy_val v;
    char why[160];
};

static int read_layer(struct layer_val *out, avs_os_key *key, const struct avs_policy_spec *spec)
{
    struct avs_reg_value raw;
    memset(out, 0, sizeof *out);
    if (!key)
        return 0;
    int rc = avs_os_reg_value(&raw, key, spec->name);
    if (rc == AVS_ENOENT)
        return 0;
    if (rc == AVS_ENOMEM)
        return rc;
    if (rc) {
        out->state = -1;
        snprintf(out->why, sizeof out->why, "%s",
                 rc == AVS_ETOOBIG ? "larger than 64 KiB" : avs_strerror(rc));
        return 0;
    }
    const char *why = NULL;
    rc = avs_policy_check(&out->v, &why, spec->kind, &raw);
    free(raw.data);
    if (rc == AVS_ENOMEM)
        return rc;
    if (rc == AVS_ENOENT)
        return 0; /* an empty string: Group Policy's way of saying "not configured" */
    if (rc) {
        out->state = -1;
        snprintf(out->why, sizeof out->why, "%s", why ? why : avs_strerror(rc));
        return 0;
    }
    out->state = 1;
    return 0;
}

/* "audit (default)", "\\srv\x.msi (msi)", "(not set)": what a problem's "used instead" says. */
static void describe(char *buf, size_t cap, const struct avs_policy_spec *spec,
                     const struct avs_policy_val *v, int set, enum avs_policy_source src)
{
    char text[64];
    const char *t = NULL;
    if (!set) {
        switch (spec->kind) {
        case PK_MODE: t = "audit"; break;
        case PK_REBOOT: t = "never"; break;
        case PK_DELAY: t = "0"; break;
        case PK_LOGIN: t = AVS_LOGIN_DEFAULT; break;
        case PK_WINDOW: t = "02:00-04:00"; break;
        default: snprintf(buf, cap, "(not set)"); return;
        }
        snprintf(buf, cap, "%s (default)", t);
        return;
    }
    switch (spec->kind) {
    case PK_MODE: t = avs_policy_mode_name((enum avs_policy_mode)v->u); break;
    case PK_REBOOT: t = avs_policy_reboot_name((enum avs_policy_reboot)v->u); break;
    case PK_DELAY: snprintf(text, sizeof text, "%u", (unsigned)v->u), t = text; break;
    case PK_WINDOW: avs_window_format(text, &v->w), t = text; break;
    default: t = v->s; break;
    }
    snprintf(buf, cap, "%s (%s)", t, avs_policy_source_name(src));
}

/* Resolves one value over the layers into P, recording a problem for each refused layer. */
static int resolve(struct avs_policy *p, const struct avs_policy_spec *spec, avs_os_key *pol,
                   avs_os_key *msi)
{
    struct layer_val L[2];
    const char *where[2] = {KEY_POLICY, KEY_MSI};
    const enum avs_policy_source srcs[2] = {AVS_PSRC_POLICY, AVS_PSRC_MSI};
    int rc = read_layer(&L[0], pol, spec);
    if (!rc)
        rc = read_layer(&L[1], spec->msi ? msi : NULL, spec);
    int win = -1;
    for (int i = 0; i < 2 && win < 0; i++)
        if (L[i].state == 1)
            win = i;
    char used[640];
    describe(used, sizeof used, spec, win >= 0 ? &L[win].v : NULL, win >= 0,
             win >= 0 ? srcs[win] : AVS_PSRC_DEFAULT);
    for (int i = 0; i < 2 && !rc; i++)
        if (L[i].state == -1)
            rc = add_problem(p, AVS_EV_POLICY_VALUE_BAD, spec->name, where[i], L[i].why, used);
    if (!rc && win >= 0) {
        avs_policy_apply(p, spec, &L[win].v, srcs[win]); /* takes L[win].v.s */
        L[win].v.s = NULL;
    }
    for (int i = 0; i < 2; i++)
        free(L[i].v.s);
    return rc;
}

/* Opens one layer's key. A missing key is an unset layer; a key that exists but cannot be read
 * is a problem of its own (1102), and its values are not used. */
static int open_layer(avs_os_key **out, struct avs_policy *p, const char *path, const char *where)
{
    int rc = avs_os_reg_open(out, AVS_HKLM, path, AVS_VIEW_64);
    if (rc == 0 || rc == AVS_ENOENT) {
        return 0;
    }
    if (rc == AVS_ENOMEM)
        return rc;
    return add_problem(p, AVS_EV_POLICY_KEY_UNREADABLE, "(all values)", where, avs_strerror(rc),
                       "the next source's values and the built-in defaults");
}

int avs_policy_read(struct avs_policy *out)
{
    avs_os_key *pol = NULL, *msi = NULL;
    memset(out, 0, sizeof *out);
    out->window.start = AVS_WINDOW_DEFAULT_START;
    out->window.end = AVS_WINDOW_DEFAULT_END;
    out->random_delay_min = AVS_POLICY_DELAY_DEFAULT;
    int rc = open_layer(&pol, out, AVS_POLICY_KEY, KEY_POLICY);
    if (!rc)
        rc = open_layer(&msi, out, AVS_POLICY_MSI_KEY, KEY_MSI);
    for (size_t i = 0; i < N_SPECS && !rc; i++)
        rc = resolve(out, &SPECS[i], pol, msi);
    if (!rc)
        rc = avs_policy_pair_pins(out, KEY_POLICY, KEY_MSI);
    if (!rc && !out->login && !(out->login = avs_strdup(AVS_LOGIN_DEFAULT)))
        rc = AVS_ENOMEM;
    avs_os_reg_close(pol);
    avs_os_reg_close(msi);
    if (rc)
        avs_policy_free(out);
    return rc;
}

int avs_policy_add_problem(struct avs_policy *p, uint32_t id, const char *value, const char *where,
                           const char *what, const char *used)
{
    return add_problem(p, id, value, where, what, used);
}

void avs_policy_free(struct avs_policy *p)
{
    if (!p)
        return;
    free(p->replacement_path);
    free(p->replacement_sha256);
    free(p->replacement_args);
    free(p->catalog_path);
    free(p->catalog_sha256);
    free(p->password_file);
    free(p->login);
    for (size_t i = 0; i < p->n_problems; i++) {
        free(p->problems[i].value);
        free(p->problems[i].where);
        free(p->problems[i].what);
        free(p->problems[i].used);
    }
    free(p->problems);
    memset(p, 0, sizeof *p);
}

int avs_policy_report_problems(const struct avs_policy *p)
{
    int first = 0;
    for (size_t i = 0; i < p->n_problems; i++) {
        const struct avs_policy_problem *x = &p->problems[i];
        const char *s[4] = {x->value, x->where, x->what, x->used};
        int rc = avs_os_event_write(x->event_id, s, 4);
        if (rc && !first)
            first = rc;
    }
    return first;
}
