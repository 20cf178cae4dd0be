/* Internals shared by catalog_parse.c and catalog_guard.c: the rules that keep what the built-in
 * catalog prohibits prohibited, whatever a catalog file says (docs/CATALOG.md). */
#ifndef AVS_CATALOG_INT_H
#define AVS_CATALOG_INT_H

#include "catalog.h"

/* The built-in product of CAT one of whose match patterns could match a name that PATTERN (an
 * [approved] match pattern) also matches, both in normal form; NULL when none. *WHICH gets the
 * overlapping built-in pattern. */
const struct avs_cat_product *avs_catalog_builtin_overlap(const struct avs_catalog *cat,
                                                          const char *pattern, const char **which);

/* The built-in component of CAT (service or driver) whose pattern matches the service NAME in
 * normal form; NULL when none. */
const struct avs_cat_component *avs_catalog_builtin_component(const struct avs_catalog *cat,
                                                              const char *name);

/* The built-in product of CAT with this ID, or NULL. */
const struct avs_cat_product *avs_catalog_builtin_product(const struct avs_catalog *cat,
                                                          const char *id);

/* The built-in component of CAT with this PATTERN (ASCII case-insensitive), or NULL. */
const struct avs_cat_component *avs_catalog_builtin_pattern(const struct avs_catalog *cat,
                                                            const char *pattern);

/* Before ADD (a parsed file) is merged over CAT: each product of ADD that redefines a built-in
 * one gets the built-in match patterns ahead of its own, the built-in fallback flag and the
 * builtin mark; each component that redefines a built-in one gets the builtin mark. CAT is not
 * changed; AVS_ENOMEM leaves ADD to be freed by the caller. */
int avs_catalog_keep_builtin(const struct avs_catalog *cat, struct avs_catalog *add);

#endif
