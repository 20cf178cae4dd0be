/* Globs, GUIDs and versions: the small parsers every match depends on. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include "textutil.h"

struct glob_case {
    char pattern[48], text[48];
    int match;
};

ParameterizedTestParameters(glob, table)
{
    static struct glob_case cases[] = {
        {"Kaspersky Endpoint Security*", "Kaspersky Endpoint Security for Windows", 1},
        {"Kaspersky Endpoint Security*", "kaspersky endpoint security 11", 1},
        {"Kaspersky Endpoint Security*", "Kaspersky Endpoint", 0},
        {"Kaspersky *", "Kaspersky", 0},
        {"Kaspersky *", "Kaspersky Rescue Tool", 1},
        {"Kaspersky *", "K-Lite Codec Pack", 0},
        {"Kaspersky *", "KLayout", 0},
        {"Kaspersky Security Center*Network Agent*", "Kaspersky Security Center 14 Network Agent",
         1},
        {"Kaspersky Security Center*Network Agent*", "Kaspersky Security Center Network Agent", 1},
        {"Kaspersky Security Center*Network Agent*", "Kaspersky Security Center Web Console", 0},
        {"AVP*", "AVP21.3", 1},
        {"AVP*", "avp", 1},
        {"AVP*", "AvSwap", 0},
        {"kl1", "kl1", 1},
        {"kl1", "kl10", 0},
        {"klupd_*", "klupd_klif_arkmon", 1},
        {"?", "", 0},
        {"?", "x", 1},
        {"*", "", 1},
        {"a*b*c", "axxbyyc", 1},
        {"a*b*c", "axxbyy", 0},
        {"**a", "bba", 1},
        {"", "", 1},
        {"", "x", 0},
    };
    return cr_make_param_array(struct glob_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct glob_case *c, glob, table)
{
    cr_expect_eq(avs_glob_match(c->pattern, c->text), c->match, "'%s' ~ '%s'", c->pattern, c->text);
}

Test(glob, long_text_with_many_stars_is_fast_and_correct)
{
    /* The iterative matcher must not explode on adversarial input from the registry. */
    char text[4097];
    memset(text, 'a', 4096);
    text[4096] = '\0';
    cr_expect_not(avs_glob_match("*a*a*a*a*a*a*a*a*b", text));
    cr_expect(avs_glob_match("*a*a*a*a*a*a*a*a*", text));
}

Test(glob, literals_measure_specificity)
{
    cr_expect_eq(avs_glob_literals("Kaspersky *"), 10);
    cr_expect_eq(avs_glob_literals("*?*"), 0);
}

struct guid_case {
    char in[48];
    char canonical[40]; /* "": invalid */
};

ParameterizedTestParameters(guid, table)
{
    static struct guid_case cases[] = {
        {"{5a9e0f2c-1b3d-4e5f-8a7b-0c1d2e3f4a5b}", "{5A9E0F2C-1B3D-4E5F-8A7B-0C1D2E3F4A5B}"},
        {"{5A9E0F2C-1B3D-4E5F-8A7B-0C1D2E3F4A5B}", "{5A9E0F2C-1B3D-4E5F-8A7B-0C1D2E3F4A5B}"},
        {"5A9E0F2C-1B3D-4E5F-8A7B-0C1D2E3F4A5B", ""},
        {"{5A9E0F2C-1B3D-4E5F-8A7B-0C1D2E3F4A5}", ""},
        {"{5A9E0F2C-1B3D-4E5F-8A7B-0C1D2E3F4A5BB}", ""},
        {"{5A9E0F2C 1B3D-4E5F-8A7B-0C1D2E3F4A5B}", ""},
        {"{5A9E0F2C-1B3D-4E5F-8A7B-0C1D2E3F4A5G}", ""},
        {"{5A9E0F2C-1B3D-4E5F-8A7B-0C1D2E3F4A5B}_is1", ""},
        {"KasperskyLab_Free", ""},
        {"", ""},
    };
    return cr_make_param_array(struct guid_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct guid_case *c, guid, table)
{
    char out[39];
    int rc = avs_guid_canonical(out, c->in);
    if (c->canonical[0]) {
        cr_assert_eq(rc, 0, "%s", c->in);
        cr_expect_str_eq(out, c->canonical);
    } else {
        cr_expect_eq(rc, AVS_EFORMAT, "%s should be refused", c->in);
    }
}

struct version_case {
    char in[32];
    int count; /* 0: invalid */
    long f[4];
};

ParameterizedTestParameters(version, table)
{
    static struct version_case cases[] = {
        {"21.3.10.391", 4, {21, 3, 10, 391}},
        {"12.3.0.493", 4, {12, 3, 0, 493}},
        {"14", 1, {14, 0, 0, 0}},
        {"1.2", 2, {1, 2, 0, 0}},
        {"2147483647", 1, {2147483647, 0, 0, 0}},
        {"2147483648", 0, {0}},
        {"99999999999999999999999", 0, {0}},
        {"1.2.3.4.5", 0, {0}},
        {"1..2", 0, {0}},
        {".1", 0, {0}},
        {"1.", 0, {0}},
        {"", 0, {0}},
        {"12.3 (mr2)", 0, {0}},
        {"-1", 0, {0}},
        {"v1", 0, {0}},
    };
    return cr_make_param_array(struct version_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct version_case *c, version, table)
{
    long f[4];
    int n = -1;
    int rc = avs_version_parse(f, &n, c->in);
    if (!c->count) {
        cr_expect_eq(rc, AVS_EFORMAT, "'%s' should be refused", c->in);
        cr_expect_eq(n, 0);
        return;
    }
    cr_assert_eq(rc, 0, "'%s'", c->in);
    cr_assert_eq(n, c->count);
    for (int i = 0; i < n; i++)
        cr_expect_eq(f[i], c->f[i], "'%s' field %d", c->in, i);
}

Test(version, compare_treats_missing_fields_as_zero)
{
    long a[4], b[4];
    int na, nb;
    cr_assert_eq(avs_version_parse(a, &na, "21.3"), 0);
    cr_assert_eq(avs_version_parse(b, &nb, "21.3.0.0"), 0);
    cr_expect_eq(avs_version_cmp(a, na, b, nb), 0);
    cr_assert_eq(avs_version_parse(b, &nb, "21.10"), 0);
    cr_expect_lt(avs_version_cmp(a, na, b, nb), 0);
    cr_expect_gt(avs_version_cmp(b, nb, a, na), 0);
}

Test(str, trim_and_ieq)
{
    char s[] = " \t AO Kaspersky Lab \r\n";
    cr_expect_str_eq(avs_str_trim(s), "AO Kaspersky Lab");
    cr_expect(avs_str_ieq("AO KASPERSKY LAB", "ao kaspersky lab"));
    cr_expect_not(avs_str_ieq("Kaspersky", "Kaspersky Lab"));
}
