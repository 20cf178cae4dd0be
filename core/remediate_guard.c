/* The last check before a removal: an approved product, and the replacement, are never removed,
 * whatever put them in the plan (product code, name or service). Detection already refuses them
 * (core/detect.c); this holds even when a catalog or the machine's records contradict it. */
#include <stdio.h>
#include <string.h>

#include "remediate_int.h"
#include "textutil.h"

/* The name Windows Installer records for product CODE, or NULL. */
static const char *msi_name(const struct rctx *c, const char *code)
{
    char k[39];
    if (!c->have_scan || !code[0])
        return NULL;
    for (size_t i = 0; i < c->scan.inv.n_msi; i++) {
        const struct avs_os_msi_product *m = &c->scan.inv.msi[i];
        if (m->product_code && avs_guid_canonical(k, m->product_code) == 0 &&
            strcmp(k, code) == 0 && m->name)
            return m->name;
    }
    return NULL;
}

int avs_rem_guarded(struct rctx *c, const struct avs_finding *f, char *why, size_t why_len)
{
    const struct avs_catalog *cat = c->o->catalog;
    char repl[39];
    why[0] = '\0';
    if (c->repl_code && f->product_code[0] && avs_guid_canonical(repl, c->repl_code) == 0 &&
        strcmp(repl, f->product_code) == 0) {
        snprintf(why, why_len, "it is the replacement (product code %s)", f->product_code);
        return 1;
    }
    const char *names[2] = {msi_name(c, f->product_code), f->name};
    for (int i = 0; i < 2; i++) {
        const struct avs_cat_approved *a =
            names[i] ? avs_catalog_approved_by_name(cat, names[i]) : NULL;
        if (a) {
            snprintf(why, why_len, "%s '%s' is the approved product %s",
                     i == 0 ? "Windows Installer's name for it," : "its name,", names[i], a->name);
            return 1;
        }
        if (names[i] && c->r->replacement_name && avs_str_ieq(names[i], c->r->replacement_name)) {
            snprintf(why, why_len, "'%s' is the replacement's name", names[i]);
            return 1;
        }
    }
    for (size_t i = 0; i < f->n_signals; i++) {
        const char *s = f->signals[i];
        const char *colon = strchr(s, ':');
        if (!colon || (strncmp(s, "service:", 8) != 0 && strncmp(s, "driver:", 7) != 0))
            continue;
        const struct avs_cat_approved *a = avs_catalog_approved_by_service(cat, colon + 1);
        if (a) {
            snprintf(why, why_len, "its service %s is the approved product %s's", colon + 1,
                     a->name);
            return 1;
        }
    }
    return 0;
}
