/* Catalogs cannot hide the vendor: a catalog file may add products and approvals, but what the
 * built-in catalog prohibits stays prohibited (catalog_int.h, docs/CATALOG.md). */
#include "catalog_int.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "normalize.h"
#include "textutil.h"

/* Patterns and names checked here come from catalog lines (at most AVS_CATALOG_MAX_LINE bytes),
 * so their normal forms fit in a buffer of this size. */
#define CAP (AVS_CATALOG_MAX_LINE + 1)

static int fits(const char *s)
{
    return strlen(s) < CAP;
}

const struct avs_cat_product *avs_catalog_builtin_overlap(const struct avs_catalog *cat,
                                                          const char *pattern, const char **which)
{
    char a[CAP], b[CAP];
    *which = NULL;
    if (!fits(pattern))
        return cat->n_products ? &cat->products[0] : NULL; /* cannot be checked: refused */
    avs_norm(a, pattern);
    for (size_t i = 0; i < cat->n_products; i++) {
        const struct avs_cat_product *p = &cat->products[i];
        if (!p->builtin)
            continue;
        for (size_t j = 0; j < p->n_match; j++) {
            if (!fits(p->match[j]))
                continue; /* never: built-in patterns are catalog lines */
            avs_norm(b, p->match[j]);
            if (avs_norm_glob_overlap(a, b)) {
                *which = p->match[j];
                return p;
            }
        }
    }
    return NULL;
}

const struct avs_cat_component *avs_catalog_builtin_component(const struct avs_catalog *cat,
                                                              const char *name)
{
    char n[CAP], c[CAP];
    if (!fits(name))
        return NULL;
    avs_norm(n, name);
    for (size_t i = 0; i < cat->n_components; i++) {
        const struct avs_cat_component *x = &cat->components[i];
        if (!x->builtin || !fits(x->pattern))
            continue;
        avs_norm(c, x->pattern);
        if (avs_norm_glob(c, n))
            return x;
    }
    return NULL;
}

const struct avs_cat_product *avs_catalog_builtin_product(const struct avs_catalog *cat,
                                                          const char *id)
{
    for (size_t i = 0; i < cat->n_products; i++)
        if (cat->products[i].builtin && strcmp(cat->products[i].id, id) == 0)
            return &cat->products[i];
    return NULL;
}

const struct avs_cat_component *avs_catalog_builtin_pattern(const struct avs_catalog *cat,
                                                            const char *pattern)
{
    for (size_t i = 0; i < cat->n_components; i++)
        if (cat->components[i].builtin && avs_str_ieq(cat->components[i].pattern, pattern))
            return &cat->components[i];
    return NULL;
}

int avs_catalog_keep_builtin(const struct avs_catalog *cat, struct avs_catalog *add)
{
    for (size_t i = 0; i < add->n_products; i++) {
        struct avs_cat_product *x = &add->products[i];
        const struct avs_cat_product *b = avs_catalog_builtin_product(cat, x->id);
        if (!b)
            continue;
        /* The built-in patterns first, then the file's: a file amends, it never narrows. */
        size_t n = b->n_match + x->n_match;
        char **m = calloc(n ? n : 1, sizeof *m);
        if (!m)
            return AVS_ENOMEM;
        for (size_t j = 0; j < b->n_match; j++) {
            if (!(m[j] = avs_strdup(b->match[j]))) {
                while (j > 0)
                    free(m[--j]);
                free(m);
                return AVS_ENOMEM;
            }
        }
        memcpy(m + b->n_match, x->match, x->n_match * sizeof *m);
        free(x->match);
        x->match = m;
        x->n_match = n;
        x->fallback |= b->fallback;
        x->builtin = 1;
    }
    for (size_t i = 0; i < add->n_components; i++)
        if (avs_catalog_builtin_pattern(cat, add->components[i].pattern))
            add->components[i].builtin = 1;
    return 0;
}
