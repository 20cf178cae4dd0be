/* The catalog: the built-in data, name matching, and the file format's errors. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include "catalog.h"
#include "error.h"

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

TestSuite(catalog, .init = load, .fini = unload);

struct name_case {
    char name[64];
    char id[16]; /* "": no match */
};

ParameterizedTestParameters(catalog, names)
{
    static struct name_case cases[] = {
        {"Kaspersky Endpoint Security for Windows", "kes"},
        {"Kaspersky Endpoint Security 11 for Windows", "kes"},
        {"Kaspersky Anti-Virus", "kav"},
        {"Kaspersky Internet Security", "kis"},
        {"Kaspersky Total Security", "kts"},
        {"Kaspersky Free", "kfree"},
        {"Kaspersky Security Cloud - Free", "kscloud"},
        {"Kaspersky Small Office Security", "ksos"},
        {"Kaspersky Security Center 14 Network Agent", "klnagent"},
        {"Kaspersky Security Center Network Agent", "klnagent"},
        {"Kaspersky Security Center 14.2 Administration Server", "ksc-server"},
        {"Kaspersky Security 11.0 for Windows Server", "ksws"},
        {"Kaspersky Security for Windows Server", "ksws"},
        {"Kaspersky Endpoint Agent", "kea"},
        {"Kaspersky VPN Secure Connection", "ksde"},
        {"Kaspersky Password Manager", "kpm"},
        {"Kaspersky Safe Kids", "ksk"},
        {"Kaspersky Embedded Systems Security", "kess"},
        {"Kaspersky Anti Targeted Attack Platform", "kata"},
        {"Kaspersky Rescue Tool", "other"},
        {"Kaspersky Plus", "kstandard"},
        /* decoys: share letters, not the brand */
        {"K-Lite Codec Pack 17.9.5 Full", ""},
        {"KLayout 0.28.12", ""},
        {"Kasperskyish Tool", ""},
        {"Kaspersky", ""},
        {"AvSwap", ""},
        {"", ""},
    };
    return cr_make_param_array(struct name_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct name_case *c, catalog, names)
{
    const struct avs_cat_product *p = avs_catalog_match_name(&cat, c->name);
    if (c->id[0]) {
        cr_assert_not_null(p, "'%s' should match %s", c->name, c->id);
        cr_expect_str_eq(p->id, c->id, "'%s'", c->name);
    } else {
        cr_expect_null(p, "'%s' must not match (matched %s)", c->name, p ? p->id : "");
    }
}

Test(catalog, removal_order_protection_then_utility_then_management)
{
    const struct avs_cat_product *kes = avs_catalog_match_name(&cat, "Kaspersky Endpoint Security");
    const struct avs_cat_product *kpm = avs_catalog_match_name(&cat, "Kaspersky Password Manager");
    const struct avs_cat_product *agent =
        avs_catalog_match_name(&cat, "Kaspersky Security Center Network Agent");
    cr_assert(kes && kpm && agent);
    cr_expect_eq(kes->role, AVS_ROLE_PROTECTION);
    cr_expect_eq(agent->role, AVS_ROLE_MANAGEMENT);
    cr_expect_lt(kes->priority, kpm->priority);
    cr_expect_lt(kpm->priority, agent->priority);
    /* The login name goes to KLLOGIN, the password to KLPASSWD only. */
    cr_assert_eq(kes->n_password_properties, 1);
    cr_expect_str_eq(kes->password_properties[0], "KLPASSWD");
    cr_assert_not_null(kes->login_property);
    cr_expect_str_eq(kes->login_property, "KLLOGIN");
    for (size_t i = 0; i < cat.n_products; i++)
        for (size_t j = 0; j < cat.products[i].n_password_properties; j++)
            cr_expect_str_neq(cat.products[i].password_properties[j], "KLLOGIN",
                              "[product %s] passes the password as the login", cat.products[i].id);
}

Test(catalog, vendor_publishers_and_fallback)
{
    cr_expect(avs_catalog_is_vendor(&cat, "AO Kaspersky Lab"));
    cr_expect(avs_catalog_is_vendor(&cat, "  kaspersky lab zao "));
    cr_expect(avs_catalog_is_vendor(&cat, "Kaspersky"));
    cr_expect_not(avs_catalog_is_vendor(&cat, "KLCP"));
    cr_expect_not(avs_catalog_is_vendor(&cat, "Kaspersky Fan Club"));
    cr_expect_not(avs_catalog_is_vendor(&cat, NULL));
    const struct avs_cat_product *f = avs_catalog_fallback(&cat);
    cr_assert_not_null(f);
    cr_expect_str_eq(f->id, "other");
}

Test(catalog, components_by_kind)
{
    const struct avs_cat_component *c = avs_catalog_match_component(&cat, "AVP21.3", 0);
    cr_assert_not_null(c);
    cr_expect_eq(c->role, AVS_ROLE_PROTECTION);
    cr_expect_null(avs_catalog_match_component(&cat, "AVP21.3", 1),
                   "AVP* is a service, not a driver");
    cr_expect_not_null(avs_catalog_match_component(&cat, "klif", 1));
    cr_expect_null(avs_catalog_match_component(&cat, "klif", 0));
    c = avs_catalog_match_component(&cat, "klnagent", 0);
    cr_assert_not_null(c);
    cr_expect_eq(c->role, AVS_ROLE_MANAGEMENT);
    cr_expect_null(avs_catalog_match_component(&cat, "AvSwap", 0));
    cr_expect_null(avs_catalog_match_component(&cat, "klite", 1));
}

Test(catalog, approved_defender)
{
    const struct avs_cat_approved *a = avs_catalog_approved_by_service(&cat, "WinDefend");
    cr_assert_not_null(a);
    cr_expect_str_eq(a->id, "defender");
    cr_expect_eq(avs_catalog_approved_by_name(&cat, "Windows Defender"), a);
    cr_expect_null(avs_catalog_approved_by_name(&cat, "Kaspersky Endpoint Security"));
}

#define FILE_OK(text) avs_catalog_parse(&cat, text, strlen(text), "admin.txt", &err)

Test(catalog, file_adds_and_overrides)
{
    size_t before = cat.n_products;
    const char *text = "# site additions\r\n"
                       "[product kes]\r\n"
                       "name = KES (site)\r\n"
                       "match = Kaspersky Endpoint Security*\r\n"
                       "role = protection\r\n"
                       "priority = 5\r\n"
                       "\r\n"
                       "[product kfuture]\n"
                       "name = Kaspersky Future Product\n"
                       "match = Kaspersky Future*\n"
                       "role = utility\n"
                       "priority = 55\n"
                       "[vendor]\n"
                       "publisher = Kaspersky Labs Future Ltd\n"
                       "[approved sentinel]\n"
                       "name = Site EDR\n"
                       "service = SiteEDR\n"
                       "coexist = yes\n";
    cr_assert_eq(FILE_OK(text), 0, "%s", err.data ? err.data : "");
    cr_expect_eq(cat.n_products, before + 1, "kes replaced in place, kfuture added");
    const struct avs_cat_product *p = avs_catalog_match_name(&cat, "Kaspersky Endpoint Security");
    cr_assert_not_null(p);
    cr_expect_str_eq(p->name, "KES (site)");
    cr_expect_eq(p->priority, 5);
    cr_expect_eq(p->n_password_properties, 0, "an override replaces the whole entry");
    p = avs_catalog_match_name(&cat, "Kaspersky Future Product 1.0");
    cr_assert_not_null(p);
    cr_expect_str_eq(p->id, "kfuture");
    cr_expect(avs_catalog_is_vendor(&cat, "Kaspersky Labs Future Ltd"));
    const struct avs_cat_approved *a = avs_catalog_approved_by_service(&cat, "SiteEDR");
    cr_assert_not_null(a);
    cr_expect(a->coexist);
    cr_expect_not(avs_catalog_approved_by_service(&cat, "WinDefend")->coexist, "default: no");
}

Test(catalog, utf8_bom_is_accepted)
{
    cr_expect_eq(FILE_OK("\xEF\xBB\xBF[vendor]\npublisher = X\n"), 0);
}

struct bad_file {
    char text[160];
    char message[96]; /* expected error text, including "admin.txt:LINE:" */
};

ParameterizedTestParameters(catalog, bad_files)
{
    static struct bad_file cases[] = {
        {"publisher = X\n", "admin.txt:1: 'publisher' appears before any [section]"},
        {"[vendor]\nwho = X\n", "admin.txt:2: unknown key 'who' in [vendor]"},
        {"[vendor]\n\n\npublisher =\n", "admin.txt:4: 'publisher' has an empty value"},
        {"[gadget x]\n", "admin.txt:1: unknown section [gadget]"},
        {"[product]\n", "admin.txt:1: section [product] needs a name"},
        {"[product Bad Id]\n", "admin.txt:1: 'Bad Id' is not a valid id"},
        {"[product x\n", "admin.txt:1: section header does not end with ']'"},
        {"[vendor]\njust words\n", "admin.txt:2: expected 'key = value'"},
        {"[product x]\nname = X\nmatch = X*\nrole = boss\n", "admin.txt:4: role 'boss'"},
        {"[product x]\nname = X\nmatch = X*\nrole = utility\npriority = 0\n",
         "admin.txt:5: priority '0' is not a whole number from 1 to 999"},
        {"[product x]\nname = X\nmatch = X*\nrole = utility\npriority = 12abc\n",
         "admin.txt:5: priority '12abc'"},
        {"[product x]\nname = X\nname = Y\n", "admin.txt:3: 'name' is given twice"},
        {"[product x]\nname = X\nrole = utility\npriority = 3\n",
         "admin.txt:1: [product x] has no 'match' pattern"},
        {"[product x]\nmatch = X*\nrole = utility\npriority = 3\n\n[product y]\n",
         "admin.txt:1: [product x] has no 'name'"},
        {"[product x]\nname = X\nmatch = X*\npriority = 3\n",
         "admin.txt:1: [product x] has no 'role'"},
        {"[product x]\nname = X\nmatch = X*\nrole = utility\n",
         "admin.txt:1: [product x] has no 'priority'"},
        {"[product x]\nname=X\nmatch=X*\nrole=utility\npriority=1\n[product x]\n",
         "admin.txt:6: [x] is defined twice"},
        {"[product x]\npassword-properties = KLPASSWD klpasswd\n",
         "admin.txt:2: 'klpasswd' is not an MSI public property name"},
        {"[component AVP *]\n", "admin.txt:1: 'AVP *' is not a valid service or driver name"},
        {"[component foo]\nkind = thing\n", "admin.txt:2: kind 'thing' is not service or driver"},
        {"[component foo]\nrole = protection\n", "admin.txt:1: [component foo] has no 'kind'"},
        {"[approved a]\nname = A\n", "admin.txt:1: [approved a] needs a 'service' or a 'match'"},
        {"[approved a]\nname = A\nservice = Win*\n", "admin.txt:3: 'Win*' is not a service name"},
        {"[vendor]\nregistry = HKLM\\SOFTWARE\\X\n", "admin.txt:2: registry root"},
        {"[vendor]\npublisher = \xff\xfe\n", "admin.txt:2: line is not valid UTF-8"},
        {"[vendor name]\n", "admin.txt:1: [vendor] takes no name"},
        {"[approved a]\nname = A\nservice = A\ncoexist = maybe\n", "admin.txt:4: coexist 'maybe'"},
        {"[product x]\nlogin-property = KL LOGIN\n",
         "admin.txt:2: 'KL LOGIN' is not an MSI public property name"},
        {"[product x]\nlogin-property = KLLOGIN\nlogin-property = KLUSER\n",
         "admin.txt:3: 'login-property' is given twice"},
        {"[product x]\npassword-properties = KLLOGIN KLPASSWD\nlogin-property = KLLOGIN\n",
         "admin.txt:3: 'KLLOGIN' is both the login-property and a password-property"},
        {"[product x]\nlogin-property = KLLOGIN\npassword-properties = KLPASSWD KLLOGIN\n",
         "admin.txt:3: 'KLLOGIN' is both the login-property and a password-property"},
    };
    return cr_make_param_array(struct bad_file, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct bad_file *c, catalog, bad_files)
{
    size_t before = cat.n_products;
    cr_assert_eq(FILE_OK(c->text), AVS_EFORMAT, "accepted: %s", c->text);
    cr_assert_not_null(err.data);
    cr_expect(strncmp(err.data, c->message, strlen(c->message)) == 0, "got '%s', want '%s...'",
              err.data, c->message);
    cr_expect_eq(cat.n_products, before, "a bad file changes nothing");
}

Test(catalog, nul_byte_and_long_line_and_size)
{
    const char nul[] = "[vendor]\npublisher = a\0b\n";
    cr_expect_eq(avs_catalog_parse(&cat, nul, sizeof nul - 1, "admin.txt", &err), AVS_EFORMAT);
    cr_expect(strstr(err.data, "admin.txt:2: line contains a NUL byte") != NULL, "%s", err.data);
    avs_buf_free(&err);

    char longline[2100];
    memset(longline, 'a', sizeof longline);
    memcpy(longline, "[vendor]\npublisher = ", 21);
    cr_expect_eq(avs_catalog_parse(&cat, longline, sizeof longline, "admin.txt", &err),
                 AVS_EFORMAT);
    cr_expect(strstr(err.data, "admin.txt:2: line longer than 1024 bytes") != NULL, "%s", err.data);
    avs_buf_free(&err);

    cr_expect_eq(avs_catalog_parse(&cat, longline, AVS_CATALOG_MAX_BYTES + 1, "admin.txt", &err),
                 AVS_EFORMAT);
    cr_expect(strstr(err.data, "larger than") != NULL, "%s", err.data);
}
