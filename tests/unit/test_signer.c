/* Catalog signers (AppLocker-style "O=..., L=..., S=..., C=...") and how they match the subject
 * of a signing certificate: who may sign a program AvSwap runs elevated. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include "catalog.h"
#include "error.h"
#include "signer.h"

struct parse_case {
    char text[120];
    char why[48];                   /* "": valid; else part of the reason */
    char o[48], l[24], s[24], c[8]; /* expected fields ("-": absent) */
};

ParameterizedTestParameters(signer, parse)
{
    static struct parse_case cases[] = {
        {"O=AO Kaspersky Lab, C=RU", "", "AO Kaspersky Lab", "-", "-", "RU"},
        {"O=AO Kaspersky Lab", "", "AO Kaspersky Lab", "-", "-", "-"},
        {"  o = Kaspersky Lab ZAO ,c=RU  ", "", "Kaspersky Lab ZAO", "-", "-", "RU"},
        {"C=RU, S=Moscow, L=Moscow, O=Kaspersky Lab", "", "Kaspersky Lab", "Moscow", "Moscow",
         "RU"},
        {"O=\"Example, Inc.\", C=US", "", "Example, Inc.", "-", "-", "US"},
        {"O=\xd0\x90\xd0\x9e \xd0\x9b\xd0\xb0\xd0\xb1", "",
         "\xd0\x90\xd0\x9e \xd0\x9b\xd0\xb0\xd0\xb1", "-", "-", "-"},
        {"", "empty", "", "", "", ""},
        {"   ", "empty", "", "", "", ""},
        {"C=RU", "no organisation", "", "", "", ""},
        {"L=Moscow, C=RU", "no organisation", "", "", "", ""},
        {"CN=AO Kaspersky Lab", "not O=", "", "", "", ""},
        {"OU=Dev, O=X", "not O=", "", "", "", ""},
        {"X=1, O=Y", "not O=", "", "", "", ""},
        {"AO Kaspersky Lab", "not O=", "", "", "", ""},
        {"O=A, O=B", "twice", "", "", "", ""},
        {"O=A, c=RU, C=US", "twice", "", "", "", ""},
        {"O=, C=RU", "empty value", "", "", "", ""},
        {"O=A,", "not O=", "", "", "", ""},
        {"O=\"A, C=RU", "closing quote", "", "", "", ""},
        {"O=\"A\" B, C=RU", "closing quote", "", "", "", ""},
        {"O=A\"B", "closing quote", "", "", "", ""},
        {"O=A\x01", "control character", "", "", "", ""},
        {"O=\xff", "UTF-8", "", "", "", ""},
    };
    return cr_make_param_array(struct parse_case, cases, sizeof cases / sizeof cases[0]);
}

static void expect_field(const char *got, const char *want, const char *name)
{
    if (strcmp(want, "-") == 0)
        cr_expect_null(got, "%s should be absent, got '%s'", name, got ? got : "");
    else {
        cr_assert_not_null(got, "%s missing", name);
        cr_expect_str_eq(got, want, "%s", name);
    }
}

ParameterizedTest(struct parse_case *t, signer, parse)
{
    struct avs_signer s;
    const char *why = "stale";
    int rc = avs_signer_parse(&s, &why, t->text);
    if (!t->why[0]) {
        cr_assert_eq(rc, 0, "'%s' refused: %s", t->text, why ? why : "?");
        cr_expect_null(why);
        expect_field(s.o, t->o, "O");
        expect_field(s.l, t->l, "L");
        expect_field(s.s, t->s, "S");
        expect_field(s.c, t->c, "C");
        avs_signer_free(&s);
    } else {
        cr_assert_eq(rc, AVS_EFORMAT, "'%s' accepted", t->text);
        cr_assert_not_null(why);
        cr_expect(strstr(why, t->why) != NULL, "'%s': reason '%s', expected '%s'", t->text, why,
                  t->why);
        cr_expect_null(s.o);
    }
}

struct match_case {
    char want[80];
    char o[40], l[16], s[16], c[8]; /* the certificate subject ("-": absent) */
    int match;
};

ParameterizedTestParameters(signer, match)
{
    static struct match_case cases[] = {
        {"O=AO Kaspersky Lab, C=RU", "AO Kaspersky Lab", "Moscow", "Moscow", "RU", 1},
        {"O=AO Kaspersky Lab, C=RU", "ao kaspersky lab", "-", "-", "ru", 1},
        {"O=AO Kaspersky Lab, C=RU", "  AO Kaspersky Lab ", "-", "-", "RU", 1},
        {"O=AO Kaspersky Lab", "AO Kaspersky Lab", "-", "-", "US", 1},
        {"O=Kaspersky Lab, L=Moscow, C=RU", "Kaspersky Lab", "Moscow", "-", "RU", 1},
        /* every named field must be present and equal */
        {"O=AO Kaspersky Lab, C=RU", "AO Kaspersky Lab", "-", "-", "US", 0},
        {"O=AO Kaspersky Lab, C=RU", "AO Kaspersky Lab", "-", "-", "-", 0},
        {"O=Kaspersky Lab, L=Moscow, C=RU", "Kaspersky Lab", "-", "-", "RU", 0},
        {"O=Kaspersky Lab, S=Moscow", "Kaspersky Lab", "Moscow", "-", "RU", 0},
        /* equality, not containment or prefix */
        {"O=Kaspersky Lab, C=RU", "AO Kaspersky Lab", "-", "-", "RU", 0},
        {"O=Kaspersky Lab, C=RU", "Kaspersky Lab Evil", "-", "-", "RU", 0},
        {"O=Kaspersky Lab, C=RU", "Kaspersky Labs", "-", "-", "RU", 0},
        {"O=Kaspersky Lab, C=RU", "Kaspersky  Lab", "-", "-", "RU", 0},
        {"O=AO Kaspersky Lab, C=RU", "-", "-", "-", "RU", 0},
        {"O=AO Kaspersky Lab, C=RU", "Microsoft Corporation", "Redmond", "Washington", "US", 0},
    };
    return cr_make_param_array(struct match_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct match_case *t, signer, match)
{
    struct avs_signer want;
    const char *why;
    cr_assert_eq(avs_signer_parse(&want, &why, t->want), 0);
    char *f[4] = {t->o, t->l, t->s, t->c};
    for (int i = 0; i < 4; i++)
        if (strcmp(f[i], "-") == 0)
            f[i] = NULL;
    struct avs_signer subject = {f[0], f[1], f[2], f[3]};
    cr_expect_eq(avs_signer_matches(&want, &subject), t->match, "%s vs O=%s C=%s", t->want, t->o,
                 t->c);
    avs_signer_free(&want);
}

Test(signer, format_round_trips)
{
    struct avs_signer s, back;
    const char *why;
    struct avs_buf b = AVS_BUF_INIT;
    cr_assert_eq(avs_signer_parse(&s, &why, "C=US, O=\"Example, Inc.\", L=Redmond"), 0);
    avs_signer_format(&b, &s);
    cr_assert_str_eq(b.data, "O=\"Example, Inc.\", L=Redmond, C=US");
    cr_assert_eq(avs_signer_parse(&back, &why, b.data), 0);
    cr_expect_str_eq(back.o, "Example, Inc.");
    avs_signer_free(&s);
    avs_signer_free(&back);
    avs_buf_free(&b);
}

Test(signer, builtin_catalog_names_current_and_older_vendor_signers)
{
    struct avs_catalog cat;
    struct avs_buf err = AVS_BUF_INIT;
    memset(&cat, 0, sizeof cat);
    cr_assert_eq(avs_catalog_load_builtin(&cat, &err), 0, "%s", err.data ? err.data : "");
    const char *names[] = {"AO Kaspersky Lab", "Kaspersky Lab ZAO", "Kaspersky Lab"};
    for (size_t k = 0; k < 3; k++) {
        struct avs_signer cert = {(char *)names[k], (char *)"Moscow", NULL, (char *)"RU"};
        int found = 0;
        for (size_t i = 0; i < cat.n_signers; i++)
            found |= avs_signer_matches(&cat.signers[i], &cert);
        cr_expect(found, "no built-in signer matches O=%s, C=RU", names[k]);
    }
    struct avs_signer other = {(char *)"Microsoft Corporation", NULL, NULL, (char *)"US"};
    for (size_t i = 0; i < cat.n_signers; i++)
        cr_expect_not(avs_signer_matches(&cat.signers[i], &other));
    avs_catalog_free(&cat);
    avs_buf_free(&err);
}

struct cat_case {
    char text[160];
    char err[96]; /* "": valid */
};

ParameterizedTestParameters(signer, catalog_key)
{
    static struct cat_case cases[] = {
        {"[vendor]\nsigner = O=Contoso Ltd, C=US\n", ""},
        {"[vendor]\nsigner = O=A\nsigner = O=B, L=X\n", ""},
        {"[vendor]\nsigner = C=US\n",
         "site.txt:2: signer 'C=US' is not valid: it names no organisation"},
        {"[vendor]\npublisher = X\nsigner = CN=Contoso\n",
         "site.txt:3: signer 'CN=Contoso' is not valid"},
        {"[vendor]\nsigner = O=A, O=B\n",
         "site.txt:2: signer 'O=A, O=B' is not valid: a field is given twice"},
        {"[product x]\nsigner = O=A\n", "site.txt:2: unknown key 'signer' in a [product] section"},
    };
    return cr_make_param_array(struct cat_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct cat_case *t, signer, catalog_key)
{
    struct avs_catalog cat;
    struct avs_buf err = AVS_BUF_INIT;
    memset(&cat, 0, sizeof cat);
    int rc = avs_catalog_parse(&cat, t->text, strlen(t->text), "site.txt", &err);
    if (!t->err[0]) {
        cr_expect_eq(rc, 0, "%s", err.data ? err.data : "");
        cr_expect_gt(cat.n_signers, 0);
    } else {
        cr_expect_eq(rc, AVS_EFORMAT);
        cr_assert_not_null(err.data);
        cr_expect(strncmp(err.data, t->err, strlen(t->err)) == 0, "got '%s', want '%s'", err.data,
                  t->err);
        cr_expect_eq(cat.n_signers, 0, "a refused file adds no signer");
    }
    avs_catalog_free(&cat);
    avs_buf_free(&err);
}

/* An administrator's file adds signers to the built-in ones; it does not replace them. */
Test(signer, catalog_files_add_signers)
{
    struct avs_catalog cat;
    struct avs_buf err = AVS_BUF_INIT;
    memset(&cat, 0, sizeof cat);
    cr_assert_eq(avs_catalog_load_builtin(&cat, &err), 0);
    size_t n = cat.n_signers;
    const char *site = "[vendor]\nsigner = O=Contoso Ltd, C=US\n";
    cr_assert_eq(avs_catalog_parse(&cat, site, strlen(site), "site.txt", &err), 0);
    cr_expect_eq(cat.n_signers, n + 1);
    cr_expect_str_eq(cat.signers[n].o, "Contoso Ltd");
    avs_catalog_free(&cat);
    avs_buf_free(&err);
}
