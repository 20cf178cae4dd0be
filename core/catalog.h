/* The catalog: what AvSwap prohibits, how each product is recognised and removed, and which
 * products are approved. It is data (core/catalog.txt, embedded at build time) parsed by the same
 * code that reads an administrator's `--catalog FILE`; docs/CATALOG.md documents the format. */
#ifndef AVS_CATALOG_H
#define AVS_CATALOG_H

#include <stddef.h>

#include "buf.h"
#include "signer.h"

enum avs_role {
    AVS_ROLE_PROTECTION, /* anti-virus / endpoint protection: removed first */
    AVS_ROLE_UTILITY,    /* VPN, password manager, parental control... */
    AVS_ROLE_MANAGEMENT, /* the management agent and server: removed last */
};

const char *avs_role_name(enum avs_role role);

struct avs_cat_product {
    char *id;     /* section id, e.g. "kes" */
    char *name;   /* canonical product name */
    char **match; /* globs on DisplayName / ProductName */
    size_t n_match;
    enum avs_role role;
    int priority; /* removal order, 1..999, lower first */
    int fallback; /* 1: the entry used for a vendor-published product no pattern names */
    char **password_properties; /* MSI property names that carry an uninstall password */
    size_t n_password_properties;
    char *quiet_args; /* arguments for a non-MSI uninstaller; NULL when none */
    int line;         /* where it was defined, for messages */
    char *origin;
    char *login_property; /* MSI property that takes the login name (`--login`, not a secret)
                             along with the password; NULL when none */
    int builtin; /* 1: prohibited by the built-in catalog; no file can drop it (docs/CATALOG.md) */
    int user_removal; /* 1: the service may remove a per-user MSI install as its user (peruser.h) */
};

struct avs_cat_component {
    char *pattern; /* glob on the service or driver name */
    int is_driver;
    enum avs_role role;
    int builtin; /* 1: from the built-in catalog; no file can change its kind */
};

struct avs_cat_approved {
    char *id;
    char *name;
    char *service; /* the service whose state says the product is running; may be NULL */
    char **match;  /* globs on Security Center display names and replacement package names */
    size_t n_match;
    int coexist; /* 1: may be installed while the prohibited product still runs (install-first) */
};

struct avs_catalog {
    char **publishers; /* vendor publisher patterns, compared in normal form (normalize.h) */
    size_t n_publishers;
    char **registry_roots; /* vendor registry roots under HKLM, e.g. "SOFTWARE\\KasperskyLab" */
    size_t n_registry_roots;
    struct avs_cat_product *products;
    size_t n_products;
    struct avs_cat_component *components;
    size_t n_components;
    struct avs_cat_approved *approved;
    size_t n_approved;
    struct avs_signer *signers; /* [vendor] signer: who may sign an EXE uninstaller AvSwap runs */
    size_t n_signers;
};

/* Limits on a catalog file; larger inputs are refused with a message. */
#define AVS_CATALOG_MAX_BYTES (1024u * 1024u)
#define AVS_CATALOG_MAX_LINE 1024u
#define AVS_CATALOG_MAX_ENTRIES 4096u

/* Parses catalog TEXT (LEN bytes, need not be NUL-terminated) named ORIGIN (a path, or
 * "built-in") and merges it into CAT: a [product ID], [component PATTERN] or [approved ID] section
 * replaces an earlier one with the same ID or pattern; [vendor] lines add to the vendor lists.
 * What the built-in catalog prohibits (entries marked builtin) stays prohibited: a section for a
 * built-in product keeps that product's match patterns (the file's are added) and its fallback;
 * a built-in component keeps its kind; an [approved] entry whose service is a built-in component
 * or whose match pattern could match a name a built-in product's pattern matches is refused.
 * On AVS_EFORMAT, ERR receives one line "ORIGIN:LINE: what is wrong" and CAT is unchanged.
 * CAT must be zero-initialised or the result of earlier calls. */
int avs_catalog_parse(struct avs_catalog *cat, const char *text, size_t len, const char *origin,
                      struct avs_buf *err);

/* Loads the built-in catalog into a zero-initialised CAT and marks its products and components
 * builtin. */
int avs_catalog_load_builtin(struct avs_catalog *cat, struct avs_buf *err);

/* Whether a catalog file must come with a SHA-256 pin. A file given by hand may (--catalog-sha256);
 * one named by a policy must (the service), since its path and transport are not the admin's. */
enum avs_catalog_pin { AVS_CATALOG_PIN_OPTIONAL, AVS_CATALOG_PIN_REQUIRED };

/* Checks TEXT (LEN bytes: the whole file, as read once) against PIN_HEX (64 hex digits, either
 * case; NULL: no pin) and only then parses the same bytes over CAT (avs_catalog_parse), so what
 * was hashed is what is used. OUT_HEX receives the text's SHA-256 (lower-case hex) in every case.
 * Errors, with one line in ERR that a helpdesk can act on:
 *   AVS_EINVAL    PIN_HEX is not 64 hex digits
 *   AVS_EUNSAFE   no PIN_HEX but NEED is AVS_CATALOG_PIN_REQUIRED
 *   AVS_EMISMATCH the text's SHA-256 is not PIN_HEX (the message names both)
 *   AVS_EFORMAT   the text is not a valid catalog ("ORIGIN:LINE: ...")
 *   AVS_ENOMEM
 * CAT is unchanged on any error. */
int avs_catalog_parse_pinned(struct avs_catalog *cat, char out_hex[65], const char *text,
                             size_t len, const char *origin, const char *pin_hex,
                             enum avs_catalog_pin need, struct avs_buf *err);

/* Reads the catalog file at PATH into memory once (avs_os_file_read_all, at most
 * AVS_CATALOG_MAX_BYTES) and hands it to avs_catalog_parse_pinned. Read errors are those of
 * avs_os_file_read_all (AVS_ETOOBIG for a file over 1 MiB), with a message in ERR. */
int avs_catalog_load_file(struct avs_catalog *cat, char out_hex[65], const char *path,
                          const char *pin_hex, enum avs_catalog_pin need, struct avs_buf *err);

void avs_catalog_free(struct avs_catalog *cat);

/* The product whose match pattern fits NAME best (most literal characters), or NULL. */
const struct avs_cat_product *avs_catalog_match_name(const struct avs_catalog *cat,
                                                     const char *name);

/* 1 when PUBLISHER (trimmed, case-insensitive) is one of the vendor's publisher strings. */
int avs_catalog_is_vendor(const struct avs_catalog *cat, const char *publisher);

/* The fallback product (see avs_cat_product.fallback), or NULL. */
const struct avs_cat_product *avs_catalog_fallback(const struct avs_catalog *cat);

/* The component entry matching a service or driver NAME, or NULL. */
const struct avs_cat_component *avs_catalog_match_component(const struct avs_catalog *cat,
                                                            const char *name, int is_driver);

/* The approved entry whose service is NAME, or NULL. */
const struct avs_cat_approved *avs_catalog_approved_by_service(const struct avs_catalog *cat,
                                                               const char *name);

/* The approved entry whose match pattern fits a Security Center display NAME, or NULL. */
const struct avs_cat_approved *avs_catalog_approved_by_name(const struct avs_catalog *cat,
                                                            const char *name);

#endif
