#include "detect.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "avs_messages.h"
#include "textutil.h"

const char *avs_uninstall_name(enum avs_uninstall u)
{
    switch (u) {
    case AVS_UNINSTALL_MSI: return "msi";
    case AVS_UNINSTALL_EXE: return "exe";
    case AVS_UNINSTALL_NONE: break;
    }
    return "none";
}

const char *avs_arch_name(enum avs_arch a)
{
    switch (a) {
    case AVS_ARCH_X64: return "x64";
    case AVS_ARCH_X86: return "x86";
    case AVS_ARCH_UNKNOWN: break;
    }
    return NULL;
}

const char *avs_svc_state_name(enum avs_svc_state s)
{
    switch (s) {
    case AVS_SVC_STOPPED: return "stopped";
    case AVS_SVC_START_PENDING: return "starting";
    case AVS_SVC_STOP_PENDING: return "stopping";
    case AVS_SVC_RUNNING: return "running";
    case AVS_SVC_PAUSED: return "paused";
    case AVS_SVC_NOT_LOADED: return "not loaded";
    case AVS_SVC_UNKNOWN: break;
    }
    return "unknown";
}

const char *avs_wsc_state_name(uint32_t st)
{
    /* Bits 12-13: product state; bit 4: definitions out of date. Undocumented by Microsoft
     * but stable since Windows Vista and decoded the same way by every management tool. */
    int outdated = (st & 0x10u) != 0;
    switch ((st >> 12) & 0x3u) {
    case 1:
        return outdated ? "enabled, definitions out of date" : "enabled, definitions up to date";
    case 2:
        return outdated ? "snoozed, definitions out of date" : "snoozed, definitions up to date";
    case 3:
        return outdated ? "expired, definitions out of date" : "expired, definitions up to date";
    default:
        return outdated ? "disabled, definitions out of date" : "disabled, definitions up to date";
    }
}

static void free_finding(struct avs_finding *f)
{
    free(f->name);
    free(f->version);
    free(f->publisher);
    free(f->user_sid);
    for (size_t i = 0; i < f->n_signals; i++)
        free(f->signals[i]);
    free(f->signals);
    free(f->key);
    free(f->uninstall_string);
    free(f->quiet_uninstall_string);
}

void avs_detection_free(struct avs_detection *d)
{
    for (size_t i = 0; i < d->n_findings; i++)
        free_finding(&d->findings[i]);
    free(d->findings);
    for (size_t i = 0; i < d->n_approved; i++) {
        free(d->approved[i].name);
        free(d->approved[i].state);
        free(d->approved[i].source);
    }
    free(d->approved);
    memset(d, 0, sizeof *d);
}

static int add_signal(struct avs_finding *f, const char *prefix, const char *what)
{
    struct avs_buf b = AVS_BUF_INIT;
    avs_buf_puts(&b, prefix);
    if (what) {
        avs_buf_putc(&b, ':');
        avs_buf_puts(&b, what);
    }
    char *s = avs_buf_detach(&b);
    if (!s)
        return AVS_ENOMEM;
    for (size_t i = 0; i < f->n_signals; i++) {
        if (strcmp(f->signals[i], s) == 0) {
            free(s);
            return 0;
        }
    }
    char **g = realloc(f->signals, (f->n_signals + 1) * sizeof *g);
    if (!g) {
        free(s);
        return AVS_ENOMEM;
    }
    f->signals = g;
    g[f->n_signals++] = s;
    return 0;
}

/* Fills *FIELD from VALUE when it is still empty. */
static int fill(char **field, const char *value)
{
    if (*field || !value || !*value)
        return 0;
    *field = avs_strdup(value);
    return *field ? 0 : AVS_ENOMEM;
}

static struct avs_finding *new_finding(struct avs_detection *d)
{
    struct avs_finding *g = realloc(d->findings, (d->n_findings + 1) * sizeof *g);
    if (!g)
        return NULL;
    d->findings = g;
    memset(&g[d->n_findings], 0, sizeof *g);
    return &g[d->n_findings++];
}

static void set_product(struct avs_finding *f, const struct avs_cat_product *p)
{
    f->catalog_id = p->id;
    f->role = p->role;
    f->priority = p->priority;
}

static const struct avs_cat_product *identify(const struct avs_catalog *cat, const char *name,
                                              const char *publisher)
{
    const struct avs_cat_product *p = avs_catalog_match_name(cat, name);
    if (!p && avs_catalog_is_vendor(cat, publisher))
        p = avs_catalog_fallback(cat);
    return p;
}

static struct avs_finding *by_code(struct avs_detection *d, const char *code)
{
    for (size_t i = 0; i < d->n_findings; i++)
        if (d->findings[i].product_code[0] && strcmp(d->findings[i].product_code, code) == 0)
            return &d->findings[i];
    return NULL;
}

/* 1 when product CODE (canonical) is AvSwap's own: Windows Installer lists it under AvSwap's
 * UpgradeCode (core/self.h) and records it per-machine, which only an administrator installs. */
static int is_self(const struct avs_inventory *inv, const char *code)
{
    char c[39];
    int related = 0;
    for (size_t i = 0; i < inv->n_self_codes && !related; i++)
        related = avs_guid_canonical(c, inv->self_codes[i]) == 0 && strcmp(c, code) == 0;
    for (size_t i = 0; i < inv->n_msi && related; i++)
        if (inv->msi[i].context == AVS_MSI_MACHINE && inv->msi[i].product_code &&
            avs_guid_canonical(c, inv->msi[i].product_code) == 0 && strcmp(c, code) == 0)
            return 1;
    return 0;
}

/* The Windows Installer record of product CODE that an Uninstall entry may designate: a machine
 * entry (SID NULL) designates a per-machine product, a per-user entry of HKU\SID a product
 * installed in SID's own per-user context, nothing else. *other is 1 when Windows Installer
 * knows CODE only in a context the entry may not designate. */
static const struct avs_os_msi_product *designated(const struct avs_inventory *inv,
                                                   const char *code, const char *sid, int *other)
{
    char c[39];
    *other = 0;
    for (size_t i = 0; i < inv->n_msi; i++) {
        const struct avs_os_msi_product *m = &inv->msi[i];
        if (!m->product_code || avs_guid_canonical(c, m->product_code) != 0 || strcmp(c, code))
            continue;
        int ok = sid ? m->context != AVS_MSI_MACHINE && m->user_sid && avs_str_ieq(m->user_sid, sid)
                     : m->context == AVS_MSI_MACHINE;
        if (ok)
            return m;
        *other = 1;
    }
    return NULL;
}

/* Reports an Uninstall entry or product that detection will not act on: a note that the scan
 * turns into EVENT, naming the key, the entry and why. */
#if defined(__MINGW32__)
__attribute__((format(gnu_printf, 5, 6)))
#elif defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
static int
refuse(struct avs_inventory *inv, uint32_t event, const char *key, const char *name,
       const char *fmt, ...);

static int refuse(struct avs_inventory *inv, uint32_t event, const char *key, const char *name,
                  const char *fmt, ...)
{
    struct avs_buf why = AVS_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    avs_buf_vprintf(&why, fmt, ap);
    va_end(ap);
    int rc = why.err ? why.err
                     : avs_inventory_note_event(inv, event, key ? key : "", name ? name : "(none)",
                                                why.data);
    avs_buf_free(&why);
    return rc;
}

static const char *or_none(const char *s)
{
    return s ? s : "(none)";
}

/* 1 when a catalog service or driver is on the machine (an approved product's excepted). */
static int catalog_service_present(const struct avs_inventory *inv, const struct avs_catalog *cat)
{
    for (size_t i = 0; i < inv->n_services; i++) {
        const struct avs_os_service *s = &inv->services[i];
        if (s->name && avs_catalog_match_component(cat, s->name, s->is_driver) &&
            !avs_catalog_approved_by_service(cat, s->name))
            return 1;
    }
    return 0;
}

/* An Uninstall entry named with a product code: a Windows Installer product only when Windows
 * Installer's own record of that code, in a context the entry may designate, matches the
 * catalog. *done is 1 when the entry was settled here (a finding or a refusal); 0 when Windows
 * Installer knows no such product, and the entry is then an ordinary program's. */
static int entry_with_code(struct avs_detection *d, struct avs_inventory *inv,
                           const struct avs_catalog *cat, const struct avs_inv_entry *e,
                           const char *code, int *done)
{
    int other = 0, rc;
    *done = 1;
    if (!e->user_sid && is_self(inv, code))
        return 0; /* AvSwap's own product: never a finding, whatever a catalog matches */
    const struct avs_os_msi_product *m = designated(inv, code, e->user_sid, &other);
    if (!m && other)
        return refuse(inv, AVS_EV_ENTRY_NOT_TRUSTED, e->key, e->display_name,
                      e->user_sid ? "a per-user entry designates only its own user's products: "
                                    "Windows Installer records %s per-machine or for another "
                                    "user, not for %s; not acted on"
                                  : "a machine entry designates only per-machine products: "
                                    "Windows Installer records %s only per-user%s; not acted on",
                      code, e->user_sid ? e->user_sid : "");
    if (!m) {
        *done = 0;
        return 0;
    }
    const struct avs_cat_product *p = avs_catalog_match_name(cat, m->name);
    if (!p && avs_catalog_is_vendor(cat, m->publisher))
        p = avs_catalog_fallback(cat);
    if (!p)
        return refuse(inv, AVS_EV_ENTRY_NOT_TRUSTED, e->key, e->display_name,
                      "Windows Installer records product %s as '%s' published by '%s', which "
                      "the catalog does not prohibit; an entry's name does not vouch for a "
                      "product code: not acted on",
                      code, or_none(m->name), or_none(m->publisher));
    if (m->name && avs_catalog_approved_by_name(cat, m->name))
        return refuse(inv, AVS_EV_APPROVED_NOT_FINDING, e->key, e->display_name,
                      "Windows Installer product %s '%s' is an approved product; approved "
                      "products are never removed",
                      code, m->name);
    struct avs_finding *f = by_code(d, code);
    if (!f) {
        if (!(f = new_finding(d)))
            return AVS_ENOMEM;
        set_product(f, p);
        memcpy(f->product_code, code, 39);
        f->arch =
            e->user_sid ? AVS_ARCH_UNKNOWN : (e->view == AVS_VIEW_32 ? AVS_ARCH_X86 : AVS_ARCH_X64);
    }
    f->uninstall = AVS_UNINSTALL_MSI;
    /* Windows Installer's own name, version and publisher first; the entry's fill the gaps. */
    if ((rc = fill(&f->name, m->name)) || (rc = fill(&f->version, m->version)) ||
        (rc = fill(&f->publisher, m->publisher)) || (rc = fill(&f->user_sid, m->user_sid)) ||
        (rc = fill(&f->name, e->display_name)) || (rc = fill(&f->version, e->display_version)) ||
        (rc = fill(&f->key, e->key)) || (rc = add_signal(f, "uninstall-key", NULL)))
        return rc;
    return 0;
}

static int from_entries(struct avs_detection *d, struct avs_inventory *inv,
                        const struct avs_catalog *cat)
{
    int services = catalog_service_present(inv, cat);
    for (size_t i = 0; i < inv->n_entries; i++) {
        const struct avs_inv_entry *e = &inv->entries[i];
        const struct avs_cat_product *p = identify(cat, e->display_name, e->publisher);
        char code[39];
        int rc = 0, done = 0;
        if (!p)
            continue;
        if (avs_guid_canonical(code, e->key_name) == 0 &&
            ((rc = entry_with_code(d, inv, cat, e, code, &done)) != 0 || done)) {
            if (rc)
                return rc;
            continue;
        }
        /* An ordinary program's entry: no product code (its key name vouches for none). */
        if (e->display_name && avs_catalog_approved_by_name(cat, e->display_name)) {
            if ((rc = refuse(inv, AVS_EV_APPROVED_NOT_FINDING, e->key, e->display_name,
                             "the entry matches a prohibited pattern but names an approved "
                             "product; approved products are never removed")))
                return rc;
            continue;
        }
        if (e->user_sid && !e->program_file && !services) {
            if ((rc = refuse(inv, AVS_EV_USER_ENTRY_EMPTY, e->key, e->display_name,
                             "nothing is installed behind this per-user entry of %s: no program "
                             "file, no Windows Installer record, no service; reported, not a "
                             "finding",
                             e->user_sid)))
                return rc;
            continue;
        }
        struct avs_finding *f = new_finding(d);
        if (!f)
            return AVS_ENOMEM;
        set_product(f, p);
        f->arch =
            e->user_sid ? AVS_ARCH_UNKNOWN : (e->view == AVS_VIEW_32 ? AVS_ARCH_X86 : AVS_ARCH_X64);
        if ((rc = fill(&f->name, e->display_name ? e->display_name : e->key_name)) ||
            (rc = fill(&f->version, e->display_version)) ||
            (rc = fill(&f->publisher, e->publisher)) || (rc = fill(&f->user_sid, e->user_sid)) ||
            (rc = fill(&f->key, e->key)) ||
            (rc = fill(&f->uninstall_string, e->uninstall_string)) ||
            (rc = fill(&f->quiet_uninstall_string, e->quiet_uninstall_string)) ||
            (rc = add_signal(f, "uninstall-key", NULL)))
            return rc;
        if (e->uninstall_string || e->quiet_uninstall_string)
            f->uninstall = AVS_UNINSTALL_EXE;
    }
    return 0;
}

static int from_msi(struct avs_detection *d, struct avs_inventory *inv,
                    const struct avs_catalog *cat)
{
    for (size_t i = 0; i < inv->n_msi; i++) {
        const struct avs_os_msi_product *m = &inv->msi[i];
        char code[39];
        const struct avs_cat_product *p = identify(cat, m->name, m->publisher);
        if (!p)
            continue;
        if (!m->product_code || avs_guid_canonical(code, m->product_code) != 0) {
            int rc = avs_inventory_note(inv, "Windows Installer product",
                                        m->product_code ? m->product_code : "(none)",
                                        "product code is not a GUID; product ignored");
            if (rc)
                return rc;
            continue;
        }
        if (m->context == AVS_MSI_MACHINE && is_self(inv, code))
            continue; /* no catalog, however broad its patterns, makes AvSwap remove itself */
        if (m->name && avs_catalog_approved_by_name(cat, m->name)) {
            int rc = refuse(inv, AVS_EV_APPROVED_NOT_FINDING, "Windows Installer product", m->name,
                            "product %s matches a prohibited pattern but is an approved "
                            "product; approved products are never removed",
                            code);
            if (rc)
                return rc;
            continue;
        }
        struct avs_finding *f = by_code(d, code);
        if (!f) {
            if (!(f = new_finding(d)))
                return AVS_ENOMEM;
            set_product(f, p);
            memcpy(f->product_code, code, sizeof code);
        }
        f->uninstall = AVS_UNINSTALL_MSI;
        int rc;
        if ((rc = fill(&f->name, m->name)) || (rc = fill(&f->version, m->version)) ||
            (rc = fill(&f->publisher, m->publisher)) || (rc = fill(&f->user_sid, m->user_sid)) ||
            (rc = add_signal(f, "msi", NULL)))
            return rc;
    }
    return 0;
}

/* The finding a component of ROLE belongs to: the first of that role in removal order, else
 * the remnant finding (created on demand). */
static struct avs_finding *owner(struct avs_detection *d, enum avs_role role, size_t n_products)
{
    struct avs_finding *best = NULL;
    for (size_t i = 0; i < n_products; i++) {
        struct avs_finding *f = &d->findings[i];
        if (f->role == role && (!best || f->priority < best->priority))
            best = f;
    }
    if (best)
        return best;
    for (size_t i = n_products; i < d->n_findings; i++)
        if (strcmp(d->findings[i].catalog_id, AVS_REMNANT_ID) == 0)
            return &d->findings[i];
    struct avs_finding *f = new_finding(d);
    if (!f)
        return NULL;
    f->name = avs_strdup(AVS_REMNANT_NAME);
    if (!f->name)
        return NULL;
    f->catalog_id = AVS_REMNANT_ID;
    f->role = role;
    f->priority = 45; /* after the products that would have owned it, before management */
    f->uninstall = AVS_UNINSTALL_NONE;
    return f;
}

static int add_approved(struct avs_detection *d, const char *name, const char *state,
                        const char *source)
{
    struct avs_approved *g = realloc(d->approved, (d->n_approved + 1) * sizeof *g);
    if (!g)
        return AVS_ENOMEM;
    d->approved = g;
    struct avs_approved *a = &g[d->n_approved];
    a->name = avs_strdup(name);
    a->state = avs_strdup(state);
    a->source = avs_strdup(source);
    if (!a->name || !a->state || !a->source) {
        free(a->name);
        free(a->state);
        free(a->source);
        return AVS_ENOMEM;
    }
    d->n_approved++;
    return 0;
}

static int from_services(struct avs_detection *d, struct avs_inventory *inv,
                         const struct avs_catalog *cat, size_t n_products)
{
    for (size_t i = 0; i < inv->n_services; i++) {
        const struct avs_os_service *s = &inv->services[i];
        int rc;
        if (!s->name)
            continue;
        const struct avs_cat_component *c = avs_catalog_match_component(cat, s->name, s->is_driver);
        const struct avs_cat_approved *a = avs_catalog_approved_by_service(cat, s->name);
        if (c && a) {
            /* An approved product's service is never a prohibited component's. */
            if ((rc = refuse(inv, AVS_EV_APPROVED_NOT_FINDING, "service", s->name,
                             "the service matches a prohibited component pattern but runs the "
                             "approved product %s; approved products are never removed",
                             a->name)))
                return rc;
            c = NULL;
        }
        if (c) {
            struct avs_finding *f = owner(d, c->role, n_products);
            if (!f || (rc = add_signal(f, s->is_driver ? "driver" : "service", s->name)))
                return AVS_ENOMEM;
            if (f->catalog_id && strcmp(f->catalog_id, AVS_REMNANT_ID) == 0 && c->role < f->role) {
                f->role = c->role;
            }
            continue;
        }
        if (a) {
            struct avs_buf src = AVS_BUF_INIT;
            avs_buf_printf(&src, "service:%s", s->name);
            rc = src.err ? src.err
                         : add_approved(d, a->name, avs_svc_state_name(s->state), src.data);
            avs_buf_free(&src);
            if (rc)
                return rc;
        }
    }
    return 0;
}

static int from_wsc(struct avs_detection *d, const struct avs_inventory *inv,
                    const struct avs_catalog *cat, size_t n_products)
{
    for (size_t i = 0; i < inv->n_wsc; i++) {
        const struct avs_os_wsc_product *w = &inv->wsc[i];
        if (!w->display_name)
            continue;
        const struct avs_cat_product *p = avs_catalog_match_name(cat, w->display_name);
        if (p) {
            struct avs_finding *f = NULL;
            for (size_t j = 0; j < n_products && !f; j++)
                if (d->findings[j].catalog_id == p->id)
                    f = &d->findings[j];
            if (!f)
                f = owner(d, p->role, n_products);
            if (!f || add_signal(f, "wsc", NULL))
                return AVS_ENOMEM;
            continue;
        }
        if (add_approved(d, w->display_name, avs_wsc_state_name(w->product_state), "wsc"))
            return AVS_ENOMEM;
    }
    return 0;
}

static int from_regroots(struct avs_detection *d, struct avs_inventory *inv)
{
    for (size_t i = 0; i < inv->n_regroots; i++) {
        struct avs_finding *f = NULL;
        for (size_t j = 0; j < d->n_findings; j++) {
            struct avs_finding *c = &d->findings[j];
            if (!f || (c->role == AVS_ROLE_PROTECTION && f->role != AVS_ROLE_PROTECTION) ||
                (c->role == f->role && c->priority < f->priority))
                f = c;
        }
        int rc = f ? add_signal(f, "registry", inv->regroots[i])
                   : avs_inventory_note(inv, inv->regroots[i], "",
                                        "vendor registry key left behind; no Kaspersky software "
                                        "is installed (settings only, not a finding)");
        if (rc)
            return rc;
    }
    return 0;
}

static int cmp_finding(const void *a, const void *b)
{
    const struct avs_finding *x = a, *y = b;
    if (x->priority != y->priority)
        return x->priority < y->priority ? -1 : 1;
    int c = strcmp(x->name ? x->name : "", y->name ? y->name : "");
    return c ? c : strcmp(x->product_code, y->product_code);
}

int avs_detect(struct avs_detection *out, struct avs_inventory *inv, const struct avs_catalog *cat)
{
    int rc;
    memset(out, 0, sizeof *out);
    if ((rc = from_entries(out, inv, cat)) || (rc = from_msi(out, inv, cat)))
        goto done;
    /* Products are now fixed; services and Security Center attach to them or to the remnant. */
    size_t n_products = out->n_findings;
    if ((rc = from_services(out, inv, cat, n_products)) ||
        (rc = from_wsc(out, inv, cat, n_products)) || (rc = from_regroots(out, inv)))
        goto done;
    if (out->n_findings > 1)
        qsort(out->findings, out->n_findings, sizeof *out->findings, cmp_finding);
done:
    if (rc)
        avs_detection_free(out);
    return rc;
}
