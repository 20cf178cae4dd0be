/* Fuzzes the catalog parser (core/catalog_parse.c) and the look-ups on what it produced
 * (core/catalog.c). A catalog file is chosen by an administrator, but the parser must still never
 * crash or leak on any bytes, and its documented contract must hold:
 *   - success gives only complete entries (a product has a name, a match pattern, a role and a
 *     priority 1..999; an approved entry a name and a service or pattern);
 *   - failure (AVS_EFORMAT) leaves the catalog unchanged and gives exactly one message line;
 *   - merged over the built-in catalog, a refused file changes nothing either.
 * Each input line is then used as a name to look up, so the glob matcher meets fuzzed patterns
 * and fuzzed names together. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "error.h"
#include "fuzz.h"

#define CHECK FUZZ_CHECK

static void check_complete(const struct avs_catalog *cat)
{
    for (size_t i = 0; i < cat->n_products; i++) {
        const struct avs_cat_product *p = &cat->products[i];
        CHECK(p->id && *p->id && p->name && *p->name && p->n_match > 0);
        CHECK(p->priority >= 1 && p->priority <= 999);
        CHECK(p->role == AVS_ROLE_PROTECTION || p->role == AVS_ROLE_UTILITY ||
              p->role == AVS_ROLE_MANAGEMENT);
        for (size_t j = 0; j < p->n_match; j++)
            CHECK(p->match[j] && *p->match[j]);
        for (size_t j = i + 1; j < cat->n_products; j++)
            CHECK(strcmp(p->id, cat->products[j].id) != 0);
    }
    for (size_t i = 0; i < cat->n_components; i++)
        CHECK(cat->components[i].pattern && *cat->components[i].pattern);
    for (size_t i = 0; i < cat->n_approved; i++) {
        const struct avs_cat_approved *a = &cat->approved[i];
        CHECK(a->id && a->name && (a->service || a->n_match > 0));
    }
}

/* Looks the first lines of TEXT up as a product, publisher, service, driver and Security Center
 * name. */
static void lookups(const struct avs_catalog *cat, const char *text, size_t len)
{
    size_t pos = 0;
    for (int n = 0; pos < len && n < 8; n++) {
        size_t end = pos;
        while (end < len && text[end] != '\n')
            end++;
        char *name = malloc(end - pos + 1);
        if (!name)
            return;
        memcpy(name, text + pos, end - pos);
        name[end - pos] = '\0';
        const struct avs_cat_product *p = avs_catalog_match_name(cat, name);
        CHECK(p == NULL || (p >= cat->products && p < cat->products + cat->n_products));
        (void)avs_catalog_is_vendor(cat, name);
        (void)avs_catalog_match_component(cat, name, 0);
        (void)avs_catalog_match_component(cat, name, 1);
        (void)avs_catalog_approved_by_service(cat, name);
        (void)avs_catalog_approved_by_name(cat, name);
        free(name);
        pos = end + 1;
    }
    (void)avs_catalog_fallback(cat);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;

    /* Alone, into an empty catalog. */
    struct avs_catalog cat;
    struct avs_buf err = AVS_BUF_INIT;
    memset(&cat, 0, sizeof cat);
    int rc = avs_catalog_parse(&cat, text, size, "fuzz.txt", &err);
    if (rc == 0) {
        CHECK(err.len == 0);
        check_complete(&cat);
        lookups(&cat, text, size);
    } else {
        CHECK(rc == AVS_EFORMAT || rc == AVS_ENOMEM);
        CHECK(cat.n_products == 0 && cat.n_components == 0 && cat.n_approved == 0 &&
              cat.n_publishers == 0 && cat.n_registry_roots == 0);
        if (rc == AVS_EFORMAT)
            CHECK(err.len > 0 && err.data && strchr(err.data, '\n') == NULL);
    }
    avs_catalog_free(&cat);
    avs_buf_free(&err);

    /* Over the built-in catalog, as `--catalog FILE` does (only for a file valid alone: the
     * failure path is the one above, and a fresh built-in catalog per input is slow). */
    if (rc != 0)
        return 0;
    struct avs_buf err2 = AVS_BUF_INIT;
    memset(&cat, 0, sizeof cat);
    CHECK(avs_catalog_load_builtin(&cat, &err2) == 0);
    size_t np = cat.n_products, na = cat.n_approved, nc = cat.n_components;
    int rc2 = avs_catalog_parse(&cat, text, size, "fuzz.txt", &err2);
    /* Not rc2 == rc: a file may be refused over the built-in catalog only (one that would drop
     * or approve a product the built-in catalog prohibits). */
    CHECK(rc2 == 0 || rc2 == AVS_EFORMAT || rc2 == AVS_ENOMEM);
    if (rc2 == 0)
        check_complete(&cat);
    else
        CHECK(cat.n_products == np && cat.n_approved == na && cat.n_components == nc);
    avs_catalog_free(&cat);
    avs_buf_free(&err2);
    return 0;
}
