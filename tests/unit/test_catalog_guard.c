/* Hiding a product from the catalog: names and publishers that differ only in what a reader
 * cannot see or tell apart are still found, decoys are still not, and no catalog file can
 * approve or drop what the built-in catalog prohibits; a pinned file is used only when its
 * SHA-256 matches (core/catalog.c, catalog_guard.c, docs/CATALOG.md). */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include "catalog.h"
#include "error.h"
#include "fake_fs.h"
#include "sha256.h"

static struct avs_catalog cat;
static struct avs_buf err;

static void load(void)
{
    memset(&cat, 0, sizeof cat);
    memset(&err, 0, sizeof err);
    cr_assert_eq(avs_catalog_load_builtin(&cat, &err), 0, "built-in catalog: %s",
                 err.data ? err.data : "?");
}

static void unload(void)
{
    avs_catalog_free(&cat);
    avs_buf_free(&err);
}

TestSuite(hiding, .init = load, .fini = unload);

struct hide_case {
    char name[96];
    char publisher[64];
    char id[16]; /* the product it must be found as; "": must not be a finding */
};

/* What detect.c's identify() does: the name, else the vendor's publisher and the fallback. */
static const struct avs_cat_product *identify(const char *name, const char *publisher)
{
    const struct avs_cat_product *p = avs_catalog_match_name(&cat, name);
    if (!p && avs_catalog_is_vendor(&cat, publisher))
        p = avs_catalog_fallback(&cat);
    return p;
}

ParameterizedTestParameters(hiding, names_and_publishers)
{
    static struct hide_case cases[] = {
        /* names the issue lists */
        {" Kaspersky Free", "", "kfree"},
        {"Kaspersky Free ", "", "kfree"},
        {"Kaspersky\u00A0Free", "", "kfree"},
        {"Kaspersky\u200BFree", "", "kfree"},
        {"Kasper\u200Bsky Free", "", "kfree"},
        {"K\u0430spersky Free", "", "kfree"},
        {"Kaspersky Endpoint Security f\u043Er Windows", "", "kes"},
        {"\u041A\u0430\u0455\u0440\u0435\u0433\u0455\u043A\u0443 Internet Security", "", "kis"},
        {"Kaspersky\u3000Total\u00A0\u00A0Security", "", "kts"},
        {"\uFEFFKaspersky Anti\u2011Virus", "", "kav"},
        {"\u202EKaspersky Security Cloud", "", "kscloud"},
        {"KASPERSKY PASSWORD MANAGER", "", "kpm"},
        {"Kaspersky\u00ADSecurity Center 14 Network Agent", "", ""}, /* see the next line */
        {"Kaspersky Security Center 14 Network\u00A0Agent", "", "klnagent"},
        {"\u0410\u043D\u0442\u0438\u0432\u0438\u0440\u0443\u0441 "
         "\u041A\u0430\u0441\u043F\u0435\u0440\u0441\u043A\u043E\u0433\u043E",
         "", "kav"}, /* Антивирус Касперского */
        {"\u0410\u0433\u0435\u043D\u0442 \u0430\u0434\u043C\u0438\u043D\u0438\u0441\u0442"
         "\u0440\u0438\u0440\u043E\u0432\u0430\u043D\u0438\u044F Kaspersky Security Center 14",
         "", "klnagent"}, /* Агент администрирования ..., the Russian Network Agent */
        /* publishers the issue lists: the name says nothing, the publisher says the vendor */
        {"Security Suite",
         "\u0410\u041E \u041B\u0430\u0431\u043E\u0440\u0430\u0442\u043E\u0440"
         "\u0438\u044F \u041A\u0430\u0441\u043F\u0435\u0440\u0441\u043A\u043E"
         "\u0433\u043E",
         "other"}, /* АО Лаборатория Касперского */
        {"Security Suite", "Kaspersky Labs", "other"},
        {"Security Suite", "AO Kaspersky Lab.", "other"},
        {"Security Suite", " AO\u00A0Kaspersky\u200B Lab", "other"},
        {"Security Suite", "\u0410\u041E Kaspersky Lab", "other"},
        {"Security Suite", "Kaspersky Lab, Inc.", "other"},
        {"Security Suite", "JSC Kaspersky Lab", "other"},
        {"Security Suite", "KASPERSKY", "other"},
        {"Security Suite", "K\u0430spersky", "other"},
        /* decoys: share letters, not the brand; folding must not make them findings */
        {"K-Lite Codec Pack 17.9.0 Basic", "KLCP", ""},
        {"KLayout 0.28.12", "Matthias K\u00F6fferlein", ""},
        {"K\u2011Lite Codec Pack", "KLCP", ""},
        {"\u041A-Lite Codec Pack", "KLCP", ""},
        {"Kasperskyish Tool", "Kasperskyish Ltd", ""},
        {"Kaspersky", "Kaspersky Fan Club", ""},
        {"Security Suite", "Kaspersky Fan Club", ""},
        {"Security Suite", "Kaspersky Labyrinth Games", "other"}, /* names "Kaspersky Lab": found */
        {"Notepad++", "Notepad++ Team", ""},
        {"\u0411\u0440\u0430\u0443\u0437\u0435\u0440", "\u042F\u043D\u0434\u0435\u043A\u0441",
         ""}, /* Браузер by Яндекс */
        {"\u200B\u00A0", "\u200B", ""},
    };
    return cr_make_param_array(struct hide_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct hide_case *c, hiding, names_and_publishers)
{
    const struct avs_cat_product *p = identify(c->name, c->publisher[0] ? c->publisher : NULL);
    if (c->id[0]) {
        cr_assert_not_null(p, "'%s' / '%s' is hidden (should be %s)", c->name, c->publisher, c->id);
        cr_expect_str_eq(p->id, c->id, "'%s' / '%s'", c->name, c->publisher);
    } else if (strstr(c->name, "\u00AD")) {
        /* A soft hyphen is dropped, not read as a space: "KasperskySecurity ..." is no
         * product's name, and the vendor's publisher would still find it. */
        cr_expect_null(p, "'%s'", c->name);
        cr_expect_not_null(identify(c->name, "AO Kaspersky Lab"));
    } else {
        cr_expect_null(p, "'%s' / '%s' must not be a finding (matched %s)", c->name, c->publisher,
                       p ? p->id : "");
    }
}

/* ---- catalog files cannot hide the vendor -------------------------------------------------- */

#define PARSE(text) avs_catalog_parse(&cat, text, strlen(text), "site.txt", &err)

struct refused_file {
    char text[200];
    char message[120]; /* start of the expected error */
};

ParameterizedTestParameters(hiding, files_that_would_hide_the_vendor)
{
    static struct refused_file cases[] = {
        {"[approved mine]\nname = Mine\nmatch = Kaspersky*\n",
         "site.txt:3: approved pattern 'Kaspersky*' would also match names of the built-in "
         "prohibited product"},
        {"[approved mine]\nname = Mine\nmatch = Kaspersky Free\n",
         "site.txt:3: approved pattern 'Kaspersky Free' would also match names of the built-in "
         "prohibited product 'kfree'"},
        {"[approved mine]\nname = Mine\nservice = Mine\n\nmatch = *\n",
         "site.txt:5: approved pattern '*' would"},
        {"[approved mine]\nname = Mine\nmatch = *Endpoint*\n", "site.txt:3: approved pattern"},
        {"[approved mine]\nname = Mine\nmatch = K?spersky Endpoint Security\n",
         "site.txt:3: approved pattern"},
        {"[approved mine]\nname = Mine\nmatch = \u041A\u0430spersky Total*\n",
         "site.txt:3: approved pattern"},
        {"[approved mine]\nname = Mine\nmatch = \u0410\u043D\u0442\u0438\u0432\u0438\u0440\u0443"
         "\u0441*\n",
         "site.txt:3: approved pattern"},
        {"[approved defender]\nname = Defender\nservice = WinDefend\nmatch = Microsoft*\n"
         "match = *Security*\n",
         "site.txt:5: approved pattern '*Security*'"},
        {"[approved mine]\nname = Mine\nservice = AVP\n",
         "site.txt:3: service 'AVP' is the built-in prohibited service 'AVP*'"},
        {"[approved mine]\nname = Mine\nservice = avp21.3\n",
         "site.txt:3: service 'avp21.3' is the built-in prohibited service 'AVP*'"},
        {"[approved mine]\nname = Mine\nservice = klnagent\n", "site.txt:3: service 'klnagent'"},
        {"[approved mine]\nname = Mine\nservice = klif\n",
         "site.txt:3: service 'klif' is the built-in prohibited driver 'klif'"},
        {"[product other]\nname = X\nmatch = X*\nrole = protection\npriority = 40\nfallback = no\n",
         "site.txt:6: [product other] is the built-in fallback"},
        {"[component klif]\nkind = service\nrole = protection\n",
         "site.txt:2: [component klif] is a built-in prohibited driver; a catalog file cannot "
         "change its kind"},
        {"[component AVP*]\nrole = protection\nkind = driver\n",
         "site.txt:3: [component AVP*] is a built-in prohibited service"},
    };
    return cr_make_param_array(struct refused_file, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct refused_file *c, hiding, files_that_would_hide_the_vendor)
{
    size_t np = cat.n_products, na = cat.n_approved, nc = cat.n_components;
    cr_assert_eq(PARSE(c->text), AVS_EFORMAT, "accepted: %s", c->text);
    cr_assert_not_null(err.data);
    cr_expect(strncmp(err.data, c->message, strlen(c->message)) == 0, "got '%s', want '%s...'",
              err.data, c->message);
    cr_expect_eq(cat.n_products + cat.n_approved + cat.n_components, np + na + nc,
                 "a refused file changes nothing");
    cr_expect_not_null(avs_catalog_match_name(&cat, "Kaspersky Free"));
    cr_expect_not_null(avs_catalog_match_component(&cat, "klif", 1));
    cr_expect_not_null(avs_catalog_match_component(&cat, "AVP21.3", 0));
    cr_expect_null(avs_catalog_approved_by_name(&cat, "Kaspersky Free"));
}

Test(hiding, a_built_in_product_keeps_its_patterns_and_fallback)
{
    const char *text = "[product kes]\n"
                       "name = KES (site)\n"
                       "match = Nothing Like It*\n"
                       "role = protection\n"
                       "priority = 9\n"
                       "[product other]\n"
                       "name = Other (site)\n"
                       "match = Zzz*\n"
                       "role = protection\n"
                       "priority = 41\n";
    cr_assert_eq(PARSE(text), 0, "%s", err.data ? err.data : "");
    const struct avs_cat_product *p =
        avs_catalog_match_name(&cat, "Kaspersky Endpoint Security for Windows");
    cr_assert_not_null(p, "the file's section dropped KES");
    cr_expect_str_eq(p->id, "kes");
    cr_expect_str_eq(p->name, "KES (site)", "the file's values are used");
    cr_expect_eq(p->priority, 9);
    cr_expect(p->builtin);
    cr_expect_str_eq(p->match[0], "Kaspersky Endpoint Security*", "built-in patterns first");
    p = avs_catalog_match_name(&cat, "Nothing Like It 2");
    cr_assert_not_null(p, "the file's pattern is added");
    cr_expect_str_eq(p->id, "kes");
    p = avs_catalog_match_name(&cat, "Kaspersky Rescue Tool");
    cr_assert_not_null(p);
    cr_expect_str_eq(p->id, "other");
    p = avs_catalog_fallback(&cat);
    cr_assert_not_null(p, "the file's [product other] turned the fallback off");
    cr_expect_str_eq(p->id, "other");
}

Test(hiding, a_built_in_component_may_change_role_not_kind)
{
    cr_assert_eq(PARSE("[component klif]\nkind = driver\nrole = utility\n"), 0, "%s",
                 err.data ? err.data : "");
    const struct avs_cat_component *c = avs_catalog_match_component(&cat, "klif", 1);
    cr_assert_not_null(c);
    cr_expect_eq(c->role, AVS_ROLE_UTILITY);
    cr_expect(c->builtin);
}

Test(hiding, a_file_may_add_products_and_approve_its_own)
{
    const char *text = "[product contoso]\n"
                       "name = Contoso AV\n"
                       "match = Contoso AV*\n"
                       "role = protection\n"
                       "priority = 15\n"
                       "[approved fabrikam]\n"
                       "name = Fabrikam EDR\n"
                       "service = FabrikamEDR\n"
                       "match = Fabrikam*\n"
                       "match = Microsoft Defender*\n"
                       "[approved defender]\n"
                       "name = Microsoft Defender Antivirus\n"
                       "service = WinDefend\n"
                       "match = Microsoft Defender*\n"
                       "coexist = yes\n";
    cr_assert_eq(PARSE(text), 0, "%s", err.data ? err.data : "");
    const struct avs_cat_product *p = avs_catalog_match_name(&cat, "Contoso AV 4.2");
    cr_assert_not_null(p);
    cr_expect_str_eq(p->id, "contoso");
    cr_expect_not(p->builtin, "a file's product is the file's");
    cr_expect_not_null(avs_catalog_approved_by_service(&cat, "FabrikamEDR"));
    cr_expect(avs_catalog_approved_by_service(&cat, "WinDefend")->coexist);
    /* Approving what a file (not the built-in catalog) prohibits is the administrator's call. */
    cr_expect_eq(PARSE("[approved contoso-ok]\nname = C\nmatch = Contoso AV*\n"), 0, "%s",
                 err.data ? err.data : "");
}

Test(hiding, a_second_file_cannot_approve_what_the_first_added_to_a_built_in_product)
{
    cr_assert_eq(PARSE("[product kes]\nname = KES\nmatch = Site Agent*\nrole = protection\n"
                       "priority = 10\n"),
                 0, "%s", err.data ? err.data : "");
    cr_expect_eq(PARSE("[approved x]\nname = X\nmatch = Site Agent*\n"), AVS_EFORMAT);
}

/* ---- --catalog-sha256 ---------------------------------------------------------------------- */

static const char site[] = "[approved fabrikam]\nname = Fabrikam EDR\nservice = FabrikamEDR\n";

static void site_hex(char hex[65])
{
    avs_sha256_hex_of(hex, site, strlen(site));
}

Test(hiding, pin_that_matches_is_accepted_either_case)
{
    char want[65], got[65], upper[65];
    site_hex(want);
    for (int i = 0; i < 65; i++)
        upper[i] = (want[i] >= 'a' && want[i] <= 'f') ? (char)(want[i] - 32) : want[i];
    cr_assert_eq(avs_catalog_parse_pinned(&cat, got, site, strlen(site), "site.txt", upper,
                                          AVS_CATALOG_PIN_REQUIRED, &err),
                 0, "%s", err.data ? err.data : "");
    cr_expect_str_eq(got, want);
    cr_expect_not_null(avs_catalog_approved_by_service(&cat, "FabrikamEDR"));
}

Test(hiding, pin_mismatch_names_both_hashes_and_changes_nothing)
{
    char want[65], got[65];
    const char *pin = "0000000000000000000000000000000000000000000000000000000000000000";
    site_hex(want);
    size_t na = cat.n_approved;
    cr_assert_eq(avs_catalog_parse_pinned(&cat, got, site, strlen(site), "site.txt", pin,
                                          AVS_CATALOG_PIN_OPTIONAL, &err),
                 AVS_EMISMATCH);
    cr_assert_not_null(err.data);
    cr_expect(strstr(err.data, want) != NULL, "the file's hash: %s", err.data);
    cr_expect(strstr(err.data, pin) != NULL, "the pin: %s", err.data);
    cr_expect(strstr(err.data, "site.txt") != NULL, "the file: %s", err.data);
    cr_expect_eq(cat.n_approved, na, "nothing from a mismatching file is used");
}

struct bad_pin {
    char pin[80];
};

ParameterizedTestParameters(hiding, bad_pins)
{
    static struct bad_pin cases[] = {
        {""},
        {"abc"},
        {"0000000000000000000000000000000000000000000000000000000000000000a"}, /* 65 */
        {"000000000000000000000000000000000000000000000000000000000000000"},   /* 63 */
        {"g000000000000000000000000000000000000000000000000000000000000000"},
        {" 000000000000000000000000000000000000000000000000000000000000000"},
        {"sha256:00000000000000000000000000000000000000000000000000000000"},
    };
    return cr_make_param_array(struct bad_pin, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct bad_pin *c, hiding, bad_pins)
{
    char got[65];
    size_t na = cat.n_approved;
    cr_assert_eq(avs_catalog_parse_pinned(&cat, got, site, strlen(site), "site.txt", c->pin,
                                          AVS_CATALOG_PIN_OPTIONAL, &err),
                 AVS_EINVAL, "'%s'", c->pin);
    cr_expect(strstr(err.data, "64 hexadecimal digits") != NULL, "%s", err.data);
    cr_expect_eq(cat.n_approved, na);
}

Test(hiding, pin_required_but_missing_is_refused)
{
    char got[65], want[65];
    site_hex(want);
    cr_assert_eq(avs_catalog_parse_pinned(&cat, got, site, strlen(site), "policy.txt", NULL,
                                          AVS_CATALOG_PIN_REQUIRED, &err),
                 AVS_EUNSAFE);
    cr_expect(strstr(err.data, want) != NULL, "says what the pin would be: %s", err.data);
    cr_expect_eq(avs_catalog_parse_pinned(&cat, got, site, strlen(site), "site.txt", NULL,
                                          AVS_CATALOG_PIN_OPTIONAL, &err),
                 0, "optional: no pin is fine");
}

Test(hiding, pinned_file_is_still_checked_for_hiding)
{
    const char *bad = "[approved x]\nname = X\nmatch = Kaspersky*\n";
    char hex[65], got[65];
    avs_sha256_hex_of(hex, bad, strlen(bad));
    cr_expect_eq(avs_catalog_parse_pinned(&cat, got, bad, strlen(bad), "site.txt", hex,
                                          AVS_CATALOG_PIN_REQUIRED, &err),
                 AVS_EFORMAT, "a pin proves which file, not that the file is allowed");
}

Test(hiding, load_file_reads_once_and_parses_what_it_hashed)
{
    char want[65], got[65];
    fake_fs_reset();
    site_hex(want);
    cr_assert_eq(fake_fs_put("C:\\site.txt", site, strlen(site)), 0);
    cr_assert_eq(
        avs_catalog_load_file(&cat, got, "C:\\site.txt", want, AVS_CATALOG_PIN_REQUIRED, &err), 0,
        "%s", err.data ? err.data : "");
    cr_expect_str_eq(got, want);
    avs_buf_free(&err);
    cr_expect_eq(
        avs_catalog_load_file(&cat, got, "C:\\none.txt", NULL, AVS_CATALOG_PIN_OPTIONAL, &err),
        AVS_ENOENT);
    cr_expect(strstr(err.data, "cannot read catalog file 'C:\\none.txt'") != NULL, "%s", err.data);
    fake_fs_reset();
}
