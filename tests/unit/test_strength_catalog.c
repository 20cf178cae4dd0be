/* Test strength (docs/SECURITY.md): the catalog file's validation rules at their exact boundaries, and an
 * empty DisplayName. Each test was checked by removing or shifting the rule in core/ and seeing
 * it fail. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "error.h"
#include "fake_os.h"
#include "scan.h"

static struct avs_catalog cat;
static struct avs_buf err;

static void load(void)
{
    memset(&cat, 0, sizeof cat);
    memset(&err, 0, sizeof err);
    fake_os_reset();
    cr_assert_eq(avs_catalog_load_builtin(&cat, &err), 0);
}

static void unload(void)
{
    avs_catalog_free(&cat);
    avs_buf_free(&err);
}

TestSuite(strength_catalog, .init = load, .fini = unload);

static int parse(const char *text, size_t len)
{
    avs_buf_free(&err);
    return avs_catalog_parse(&cat, text, len, "admin.txt", &err);
}

/* ---- a registry root is a key path under SOFTWARE\, without a trailing or doubled \ -------- */

struct root_case {
    char root[64];
    int ok;
};

ParameterizedTestParameters(strength_catalog, registry_roots)
{
    static struct root_case cases[] = {
        {"SOFTWARE\\KasperskyLab", 1},
        {"SOFTWARE\\KasperskyLab\\protected", 1},
        {"SOFTWARE\\KasperskyLab\\", 0},
        {"SOFTWARE\\KasperskyLab\\protected\\", 0},
        {"SOFTWARE\\", 0},
        {"SOFTWARE\\\\KasperskyLab", 0},
        {"SOFTWARE\\Kaspersky\\\\Lab", 0},
        {"SYSTEM\\CurrentControlSet", 0},
        {"HKLM\\SOFTWARE\\KasperskyLab", 0},
    };
    return cr_make_param_array(struct root_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct root_case *c, strength_catalog, registry_roots)
{
    char text[128];
    size_t before = cat.n_registry_roots;
    snprintf(text, sizeof text, "[vendor]\nregistry = %s\n", c->root);
    int rc = parse(text, strlen(text));
    if (c->ok) {
        cr_expect_eq(rc, 0, "'%s' refused: %s", c->root, err.data ? err.data : "");
        cr_expect_eq(cat.n_registry_roots, before + 1);
        cr_expect_str_eq(cat.registry_roots[cat.n_registry_roots - 1], c->root);
    } else {
        cr_expect_eq(rc, AVS_EFORMAT, "'%s' accepted", c->root);
        cr_expect(err.data && strstr(err.data, "admin.txt:2: registry root") != NULL, "%s",
                  err.data ? err.data : "");
        cr_expect_eq(cat.n_registry_roots, before);
    }
}

/* ---- a password property name fits its 64-byte buffer: 63 characters, not 64 ------------- */

struct len_case {
    size_t len;
    int ok;
};

ParameterizedTestParameters(strength_catalog, password_property_name_length)
{
    static struct len_case cases[] = {{1, 1}, {62, 1}, {63, 1}, {64, 0}, {65, 0}, {200, 0}};
    return cr_make_param_array(struct len_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct len_case *c, strength_catalog, password_property_name_length)
{
    char name[256], text[512];
    memset(name, 'P', c->len);
    name[c->len] = '\0';
    snprintf(text, sizeof text,
             "[product x]\nname = X\nmatch = X*\nrole = utility\npriority = 5\n"
             "password-properties = KLPASSWD %s\n",
             name);
    int rc = parse(text, strlen(text));
    if (c->ok) {
        cr_assert_eq(rc, 0, "%zu bytes refused: %s", c->len, err.data ? err.data : "");
        const struct avs_cat_product *p = avs_catalog_match_name(&cat, "X");
        cr_assert_not_null(p);
        cr_assert_eq(p->n_password_properties, 2);
        cr_expect_str_eq(p->password_properties[1], name, "stored whole");
    } else {
        cr_expect_eq(rc, AVS_EFORMAT, "%zu bytes accepted", c->len);
        cr_expect(err.data && strstr(err.data, "property name longer than 63 bytes") != NULL, "%s",
                  err.data ? err.data : "");
    }
}

/* ---- a line fits its buffer: 1024 bytes (CR excluded), not 1025 -------------------------- */

ParameterizedTestParameters(strength_catalog, line_length)
{
    static struct len_case cases[] = {{1023, 1}, {1024, 1}, {1025, 0}, {1030, 0}};
    return cr_make_param_array(struct len_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct len_case *c, strength_catalog, line_length)
{
    /* "[vendor]\n" then one publisher line of exactly c->len bytes, ended by CR LF. */
    char *text = malloc(16 + c->len);
    cr_assert_not_null(text);
    size_t pos = (size_t)sprintf(text, "[vendor]\n");
    memcpy(text + pos, "publisher = ", 12);
    memset(text + pos + 12, 'a', c->len - 12);
    pos += c->len;
    memcpy(text + pos, "\r\n", 2);
    pos += 2;
    size_t before = cat.n_publishers;
    int rc = parse(text, pos);
    free(text);
    if (c->ok) {
        cr_expect_eq(rc, 0, "%zu bytes refused: %s", c->len, err.data ? err.data : "");
        cr_expect_eq(cat.n_publishers, before + 1);
        cr_expect_eq(strlen(cat.publishers[cat.n_publishers - 1]), c->len - 12);
    } else {
        cr_expect_eq(rc, AVS_EFORMAT, "%zu bytes accepted", c->len);
        cr_expect(err.data && strstr(err.data, "admin.txt:2: line longer than 1024") != NULL, "%s",
                  err.data ? err.data : "");
    }
}

/* ---- an empty DisplayName is no name: the finding is named by its key -------------------- */

TestSuite(strength_scan, .init = load, .fini = unload);

Test(strength_scan, empty_display_name_is_no_name)
{
    struct avs_scan scan;
    memset(&scan, 0, sizeof scan);
    fake_uninstall_add(AVS_VIEW_64, NULL, "KES.12.3", "", "12.3.0.493", "AO Kaspersky Lab", 0);
    fake_uninstall_add(AVS_VIEW_64, NULL, "Blank", "", "1.0", "Someone Else", 0);
    cr_assert_eq(avs_scan_run(&scan, &cat, "built-in"), 0);
    cr_assert_eq(scan.det.n_findings, 1, "only the vendor's entry is a finding");
    const struct avs_finding *f = &scan.det.findings[0];
    cr_assert_not_null(f->name);
    cr_expect_str_eq(f->name, "KES.12.3", "an empty name is replaced by the key's name");
    for (size_t i = 0; i < scan.inv.n_entries; i++)
        cr_expect(scan.inv.entries[i].display_name == NULL ||
                      scan.inv.entries[i].display_name[0] != '\0',
                  "entry %s kept an empty DisplayName", scan.inv.entries[i].key_name);
    avs_scan_free(&scan);
    cr_expect_eq(fake_reg_open_handles(), 0);
}
