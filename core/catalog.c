/* Catalog look-ups. The data lives in core/catalog.txt; the parser in catalog_parse.c. */
#include "catalog.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "textutil.h"

extern const char avs_catalog_builtin[];
extern const size_t avs_catalog_builtin_len;

const char *avs_role_name(enum avs_role role)
{
    switch (role) {
    case AVS_ROLE_PROTECTION: return "protection";
    case AVS_ROLE_UTILITY: return "utility";
    case AVS_ROLE_MANAGEMENT: return "management";
    }
    return "unknown";
}

int avs_catalog_load_builtin(struct avs_catalog *cat, struct avs_buf *err)
{
    return avs_catalog_parse(cat, avs_catalog_builtin, avs_catalog_builtin_len, "built-in", err);
}

const struct avs_cat_product *avs_catalog_match_name(const struct avs_catalog *cat,
                                                     const char *name)
{
    const struct avs_cat_product *best = NULL;
    size_t best_len = 0;
    if (!name || !*name)
        return NULL;
    for (size_t i = 0; i < cat->n_products; i++) {
        const struct avs_cat_product *p = &cat->products[i];
        for (size_t j = 0; j < p->n_match; j++) {
            size_t lit = avs_glob_literals(p->match[j]);
            if (lit > best_len && avs_glob_match(p->match[j], name)) {
                best = p;
                best_len = lit;
            }
        }
    }
    return best;
}

int avs_catalog_is_vendor(const struct avs_catalog *cat, const char *publisher)
{
    if (!publisher)
        return 0;
    char *t = avs_strdup(publisher);
    int hit = 0;
    if (!t)
        return 0;
    avs_str_trim(t);
    for (size_t i = 0; i < cat->n_publishers && !hit; i++)
        hit = avs_str_ieq(cat->publishers[i], t);
    free(t);
    return hit;
}

const struct avs_cat_product *avs_catalog_fallback(const struct avs_catalog *cat)
{
    for (size_t i = 0; i < cat->n_products; i++)
        if (cat->products[i].fallback)
            return &cat->products[i];
    return NULL;
}

const struct avs_cat_component *avs_catalog_match_component(const struct avs_catalog *cat,
                                                            const char *name, int is_driver)
{
    const struct avs_cat_component *best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; i < cat->n_components; i++) {
        const struct avs_cat_component *c = &cat->components[i];
        size_t lit = avs_glob_literals(c->pattern);
        if (c->is_driver == is_driver && lit >= best_len && avs_glob_match(c->pattern, name)) {
            best = c;
            best_len = lit;
        }
    }
    return best;
}

const struct avs_cat_approved *avs_catalog_approved_by_service(const struct avs_catalog *cat,
                                                               const char *name)
{
    for (size_t i = 0; i < cat->n_approved; i++)
        if (cat->approved[i].service && avs_str_ieq(cat->approved[i].service, name))
            return &cat->approved[i];
    return NULL;
}

const struct avs_cat_approved *avs_catalog_approved_by_name(const struct avs_catalog *cat,
                                                            const char *name)
{
    for (size_t i = 0; i < cat->n_approved; i++)
        for (size_t j = 0; j < cat->approved[i].n_match; j++)
            if (avs_glob_match(cat->approved[i].match[j], name))
                return &cat->approved[i];
    return NULL;
}
