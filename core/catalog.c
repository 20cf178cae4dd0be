/* Catalog look-ups. The data lives in core/catalog.txt; the parser in catalog_parse.c. */
#include "catalog.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "normalize.h"
#include "os.h"
#include "sha256.h"
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
    int rc = avs_catalog_parse(cat, avs_catalog_builtin, avs_catalog_builtin_len, "built-in", err);
    if (rc)
        return rc;
    /* What the built-in catalog prohibits, no file may drop (catalog_parse.c enforces it). */
    for (size_t i = 0; i < cat->n_products; i++)
        cat->products[i].builtin = 1;
    for (size_t i = 0; i < cat->n_components; i++)
        cat->components[i].builtin = 1;
    return 0;
}

static int hex_digit(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int avs_catalog_parse_pinned(struct avs_catalog *cat, char out_hex[65], const char *text,
                             size_t len, const char *origin, const char *pin_hex,
                             enum avs_catalog_pin need, struct avs_buf *err)
{
    /* Hashed and parsed from the same bytes in memory: the file is never read twice, so it
     * cannot be swapped between the check and the use. */
    avs_sha256_hex_of(out_hex, text, len);
    if (!pin_hex) {
        if (need == AVS_CATALOG_PIN_REQUIRED) {
            avs_buf_printf(err,
                           "catalog file '%s' has no SHA-256 pin, and one is required here; its "
                           "SHA-256 is %s",
                           origin, out_hex);
            return AVS_EUNSAFE;
        }
    } else {
        size_t n = strlen(pin_hex);
        int ok = n == AVS_SHA256_HEX_LEN;
        for (size_t i = 0; ok && i < n; i++)
            ok = hex_digit(pin_hex[i]);
        if (!ok) {
            avs_buf_printf(err,
                           "the catalog pin must be a SHA-256 as 64 hexadecimal digits "
                           "(e.g. from PowerShell: Get-FileHash FILE), not '%.80s'",
                           pin_hex);
            return AVS_EINVAL;
        }
        for (size_t i = 0; ok && i < n; i++) {
            char c = pin_hex[i] >= 'A' && pin_hex[i] <= 'F' ? (char)(pin_hex[i] + 32) : pin_hex[i];
            ok = c == out_hex[i];
        }
        if (!ok) {
            avs_buf_printf(err,
                           "catalog file '%s' is not the pinned file: its SHA-256 is %s, the pin "
                           "says %s. The file was changed or replaced after it was pinned; "
                           "nothing from it was used",
                           origin, out_hex, pin_hex);
            return AVS_EMISMATCH;
        }
    }
    return avs_catalog_parse(cat, text, len, origin, err);
}

int avs_catalog_load_file(struct avs_catalog *cat, char out_hex[65], const char *path,
                          const char *pin_hex, enum avs_catalog_pin need, struct avs_buf *err)
{
    char *text = NULL;
    size_t len = 0;
    out_hex[0] = '\0';
    int rc = avs_os_file_read_all(&text, &len, path, AVS_CATALOG_MAX_BYTES);
    if (rc) {
        avs_buf_printf(err, "cannot read catalog file '%s': %s", path,
                       rc == AVS_ETOOBIG ? "larger than 1 MiB" : avs_strerror(rc));
        return rc;
    }
    rc = avs_catalog_parse_pinned(cat, out_hex, text, len, path, pin_hex, need, err);
    free(text);
    return rc;
}

/* Room for the normal form of a catalog pattern (a catalog line is at most this long). */
#define NORM_CAP (AVS_CATALOG_MAX_LINE + 1)

/* The normal form of S (avs_norm_ex with FLAGS): in BUF when it fits (NORM_CAP bytes), else in a
 * malloc'd *HEAP. NULL only when out of memory. */
static const char *norm_tmp(char buf[NORM_CAP], char **heap, const char *s, unsigned flags)
{
    *heap = NULL;
    if (strlen(s) < NORM_CAP) {
        avs_norm_ex(buf, s, flags);
        return buf;
    }
    if (!(*heap = malloc(strlen(s) + 1)))
        return NULL;
    avs_norm_ex(*heap, s, flags);
    return *heap;
}

/* 1 when normalised TEXT matches PATTERN (as written in the catalog) once it is normalised too;
 * *LITERALS (may be NULL) gets the number of characters the normalised pattern names literally. */
static int pattern_matches(const char *pattern, const char *text, size_t *literals)
{
    char buf[NORM_CAP], *heap;
    const char *p = norm_tmp(buf, &heap, pattern, 0);
    int hit = p ? avs_norm_glob(p, text) : 0;
    if (hit && literals) {
        *literals = 0;
        for (const char *c = p; *c; c++) /* count characters: skip UTF-8 continuation bytes */
            if (*c != '*' && *c != '?' && ((unsigned char)*c & 0xC0) != 0x80)
                (*literals)++;
    }
    free(heap);
    return hit;
}

/* The product whose pattern matches NAME read with FLAGS best, if better than *BEST_LEN. */
static const struct avs_cat_product *best_product(const struct avs_catalog *cat, const char *name,
                                                  unsigned flags, size_t *best_len)
{
    const struct avs_cat_product *best = NULL;
    char buf[NORM_CAP], *heap;
    const char *n = norm_tmp(buf, &heap, name, flags);
    if (!n || !*n)
        goto done; /* an empty (or all-invisible) name names nothing */
    for (size_t i = 0; i < cat->n_products; i++) {
        const struct avs_cat_product *p = &cat->products[i];
        for (size_t j = 0; j < p->n_match; j++) {
            size_t lit;
            if (pattern_matches(p->match[j], n, &lit) && lit > *best_len) {
                best = p;
                *best_len = lit;
            }
        }
    }
done:
    free(heap);
    return best;
}

const struct avs_cat_product *avs_catalog_match_name(const struct avs_catalog *cat,
                                                     const char *name)
{
    size_t best_len = 0;
    if (!name)
        return NULL;
    const struct avs_cat_product *best = best_product(cat, name, 0, &best_len);
    if (avs_norm_has_zwsp(name)) {
        const struct avs_cat_product *p =
            best_product(cat, name, AVS_NORM_ZWSP_AS_SPACE, &best_len);
        if (p)
            best = p;
    }
    return best;
}

static int is_vendor_as(const struct avs_catalog *cat, const char *publisher, unsigned flags)
{
    char buf[NORM_CAP], *heap;
    int hit = 0;
    const char *n = norm_tmp(buf, &heap, publisher, flags);
    if (n && *n)
        for (size_t i = 0; i < cat->n_publishers && !hit; i++)
            hit = pattern_matches(cat->publishers[i], n, NULL);
    free(heap);
    return hit;
}

int avs_catalog_is_vendor(const struct avs_catalog *cat, const char *publisher)
{
    if (!publisher)
        return 0;
    return is_vendor_as(cat, publisher, 0) ||
           (avs_norm_has_zwsp(publisher) && is_vendor_as(cat, publisher, AVS_NORM_ZWSP_AS_SPACE));
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
