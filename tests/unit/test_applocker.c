/* `avswap policy applocker`: the policy XML (rules per collection, options, stable IDs,
 * escaping), the copy shipped in msi/, and the reader of one rule as Group Policy stores it. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applocker.h"
#include "catalog.h"

static struct avs_catalog cat;
static struct avs_buf xml;

static void setup(void)
{
    memset(&cat, 0, sizeof cat);
    memset(&xml, 0, sizeof xml);
}

static void teardown(void)
{
    avs_catalog_free(&cat);
    avs_buf_free(&xml);
}

TestSuite(applocker, .init = setup, .fini = teardown);

static void catalog_text(const char *text)
{
    struct avs_buf err = AVS_BUF_INIT;
    cr_assert_eq(avs_catalog_parse(&cat, text, strlen(text), "test.txt", &err), 0, "%s",
                 err.data ? err.data : "");
    avs_buf_free(&err);
}

static void builtin(void)
{
    struct avs_buf err = AVS_BUF_INIT;
    cr_assert_eq(avs_catalog_load_builtin(&cat, &err), 0);
    avs_buf_free(&err);
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* The text of collection TYPE (from its start tag to its end tag), malloc'd; NULL if absent. */
static char *collection(const char *type)
{
    char head[80];
    snprintf(head, sizeof head, "<RuleCollection Type=\"%s\"", type);
    const char *a = strstr(xml.data, head);
    if (!a)
        return NULL;
    const char *b = strstr(a, "</RuleCollection>");
    cr_assert_not_null(b);
    char *s = malloc((size_t)(b - a) + 1);
    memcpy(s, a, (size_t)(b - a));
    s[b - a] = 0;
    return s;
}

Test(applocker, two_signers_give_two_deny_rules_per_collection)
{
    catalog_text("[vendor]\nsigner = O=Vendor One, C=RU\nsigner = O=\"Vendor, Two\", L=Moscow\n");
    struct avs_applocker_opts o = {0, 0, 0, 1};
    cr_assert_eq(avs_applocker_policy_xml(&xml, &cat, &o), 0);
    const char *types[3] = {"Exe", "Msi", "Dll"};
    for (int i = 0; i < 3; i++) {
        char *c = collection(types[i]);
        cr_assert_not_null(c, "collection %s", types[i]);
        cr_expect_eq(count(c, "<FilePublisherRule "), 2, "%s", types[i]);
        cr_expect_eq(count(c, "Action=\"Deny\""), 2, "%s", types[i]);
        cr_expect_eq(count(c, "PublisherName=\"O=Vendor One, C=RU\""), 1, "%s", types[i]);
        cr_expect_eq(count(c, "PublisherName=\"O=&quot;Vendor, Two&quot;, L=Moscow\""), 1, "%s",
                     types[i]);
        /* By default the collection allows everything else, for Everyone. */
        cr_expect_eq(count(c, "<FilePathCondition Path=\"*\" />"), 1, "%s", types[i]);
        cr_expect_eq(count(c, "Action=\"Allow\""), 1, "%s", types[i]);
        cr_expect(strstr(c, "EnforcementMode=\"Enabled\"") != NULL);
        free(c);
    }
    cr_expect_eq(count(xml.data, "UserOrGroupSid=\"S-1-1-0\""), 9);
}

Test(applocker, builtin_catalog_denies_each_signer_in_exe_and_msi_only_by_default)
{
    builtin();
    struct avs_applocker_opts o = {0, 0, 0, 0};
    cr_assert_eq(avs_applocker_policy_xml(&xml, &cat, &o), 0);
    cr_expect_null(collection("Dll"), "no Dll collection without --dll");
    cr_expect_eq(count(xml.data, "<FilePublisherRule "), 2 * cat.n_signers);
    cr_expect_eq(count(xml.data, "PublisherName=\"O=AO Kaspersky Lab, C=RU\""), 2);
    cr_expect_eq(count(xml.data, "<RuleCollectionExtensions>"), 0);
    cr_expect(strncmp(xml.data,
                      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<AppLockerPolicy "
                      "Version=\"1\">\n",
                      61) == 0);
}

Test(applocker, options_audit_merge_services)
{
    builtin();
    struct avs_applocker_opts audit = {1, 0, 0, 0};
    cr_assert_eq(avs_applocker_policy_xml(&xml, &cat, &audit), 0);
    cr_expect_eq(count(xml.data, "EnforcementMode=\"AuditOnly\""), 2);
    cr_expect_eq(count(xml.data, "EnforcementMode=\"Enabled\""), 0);
    avs_buf_free(&xml);

    /* --merge: deny rules only, and the estate's own enforcement mode is kept. */
    struct avs_applocker_opts merge = {0, 1, 0, 1};
    cr_assert_eq(avs_applocker_policy_xml(&xml, &cat, &merge), 0);
    cr_expect_eq(count(xml.data, "Action=\"Allow\""), 0);
    cr_expect_eq(count(xml.data, "<FilePathRule"), 0);
    cr_expect_eq(count(xml.data, "EnforcementMode=\"NotConfigured\""), 3);
    cr_expect_eq(count(xml.data, "Action=\"Deny\""), 3 * cat.n_signers);
    avs_buf_free(&xml);

    struct avs_applocker_opts merge_audit = {1, 1, 0, 0};
    cr_assert_eq(avs_applocker_policy_xml(&xml, &cat, &merge_audit), 0);
    cr_expect_eq(count(xml.data, "EnforcementMode=\"AuditOnly\""), 2);
    avs_buf_free(&xml);

    /* --services: the extension in Exe and Dll (the only collections that take it), with
     * both blocks Microsoft requires together. */
    struct avs_applocker_opts svc = {0, 0, 1, 1};
    cr_assert_eq(avs_applocker_policy_xml(&xml, &cat, &svc), 0);
    cr_expect_eq(count(xml.data, "<Services EnforcementMode=\"Enabled\" />"), 2);
    cr_expect_eq(count(xml.data, "<SystemApps Allow=\"Enabled\" />"), 2);
    char *msi = collection("Msi");
    cr_expect(strstr(msi, "RuleCollectionExtensions") == NULL);
    free(msi);
    char *exe = collection("Exe");
    cr_expect(strstr(exe, "<Services EnforcementMode=\"Enabled\" />") != NULL);
    free(exe);
}

Test(applocker, regenerating_gives_the_same_bytes_and_ids_follow_the_content)
{
    builtin();
    struct avs_applocker_opts o = {0, 0, 1, 1};
    struct avs_buf again = AVS_BUF_INIT;
    cr_assert_eq(avs_applocker_policy_xml(&xml, &cat, &o), 0);
    cr_assert_eq(avs_applocker_policy_xml(&again, &cat, &o), 0);
    cr_expect_str_eq(xml.data, again.data);
    avs_buf_free(&again);

    /* Every rule ID distinct, and a version 8 / RFC 9562 variant UUID. */
    char ids[32][37];
    size_t n = 0;
    for (const char *p = strstr(xml.data, " Id=\""); p; p = strstr(p + 1, " Id=\"")) {
        cr_assert_lt(n, 32u);
        memcpy(ids[n], p + 5, 36);
        ids[n][36] = 0;
        cr_expect_eq(ids[n][14], '8', "version nibble of %s", ids[n]);
        cr_expect(strchr("89ab", ids[n][19]) != NULL, "variant of %s", ids[n]);
        cr_expect_eq(p[41], '"');
        for (size_t j = 0; j < n; j++)
            cr_expect_str_neq(ids[j], ids[n]);
        n++;
    }
    cr_expect_eq(n, 3 * cat.n_signers + 3);

    /* The same rule content gives the same ID; any field changed gives another. */
    const char *a[3] = {"Exe", "Deny", "O=A"}, *b[3] = {"Exe", "Deny", "O=B"};
    const char *c1[2] = {"ab", "c"}, *c2[2] = {"a", "bc"};
    char x[37], y[37];
    avs_applocker_rule_id(x, a, 3);
    avs_applocker_rule_id(y, a, 3);
    cr_expect_str_eq(x, y);
    avs_applocker_rule_id(y, b, 3);
    cr_expect_str_neq(x, y);
    avs_applocker_rule_id(x, c1, 2);
    avs_applocker_rule_id(y, c2, 2);
    cr_expect_str_neq(x, y, "field boundaries count");
}

Test(applocker, audit_and_enforced_rules_share_ids)
{
    /* A pilot's AuditOnly rules and the enforced ones are the same rules: merging the enforced
     * file over the pilot replaces them instead of adding copies. */
    builtin();
    struct avs_applocker_opts audit = {1, 0, 0, 0}, on = {0, 0, 0, 0};
    struct avs_buf b = AVS_BUF_INIT;
    cr_assert_eq(avs_applocker_policy_xml(&xml, &cat, &audit), 0);
    cr_assert_eq(avs_applocker_policy_xml(&b, &cat, &on), 0);
    const char *p = strstr(xml.data, " Id=\""), *q = strstr(b.data, " Id=\"");
    cr_assert(p && q);
    cr_expect(strncmp(p, q, 41) == 0);
    avs_buf_free(&b);
}

Test(applocker, hostile_signer_text_is_escaped)
{
    catalog_text("[vendor]\nsigner = O=Evil <Rule> & 'Co'\n");
    struct avs_applocker_opts o = {0, 0, 0, 0};
    cr_assert_eq(avs_applocker_policy_xml(&xml, &cat, &o), 0);
    cr_expect(strstr(xml.data, "PublisherName=\"O=Evil &lt;Rule&gt; &amp; &apos;Co&apos;\"") !=
                  NULL,
              "%s", xml.data);
    cr_expect(strstr(xml.data, "<Rule>") == NULL);
}

Test(applocker, a_catalog_without_signers_is_refused)
{
    catalog_text("[vendor]\npublisher = Someone\n");
    struct avs_applocker_opts o = {0, 0, 0, 0};
    cr_expect_eq(avs_applocker_policy_xml(&xml, &cat, &o), AVS_EINVAL);
}

/* msi/ ships the default policy for admins who do not run the tool: it must be the tool's
 * output byte for byte, or the two have drifted. On a difference the tool's output is left in
 * the build folder; copy it over msi/avswap-applocker.xml after checking the change. */
Test(applocker, shipped_file_is_the_tools_output)
{
    builtin();
    struct avs_applocker_opts o = {0, 0, 0, 0};
    cr_assert_eq(avs_applocker_policy_xml(&xml, &cat, &o), 0);
    FILE *f = fopen(AVS_SOURCE_DIR "/msi/avswap-applocker.xml", "rb");
    char *shipped = calloc(1, 1 << 20);
    size_t n = f ? fread(shipped, 1, (1 << 20) - 1, f) : 0;
    if (f)
        fclose(f);
    int same = f && n == xml.len && memcmp(shipped, xml.data, n) == 0;
    if (!same) {
        FILE *o2 = fopen("avswap-applocker.xml", "wb");
        if (o2) {
            fwrite(xml.data, 1, xml.len, o2);
            fclose(o2);
        }
    }
    free(shipped);
    cr_expect(same, "msi/avswap-applocker.xml differs from `avswap policy applocker` (the "
                    "current output is in the unit tests' working folder)");
}

/* ---- one rule as Group Policy stores it ------------------------------------------------- */

#define KL_RULE                                                                                    \
    "<FilePublisherRule Id=\"0b1c\" Name=\"KL\" Description=\"\" UserOrGroupSid=\"S-1-1-0\" "      \
    "Action=\"Deny\"><Conditions><FilePublisherCondition PublisherName=\"O=AO KASPERSKY LAB, "     \
    "L=MOSCOW, C=RU\" ProductName=\"*\" BinaryName=\"*\"><BinaryVersionRange LowSection=\"*\" "    \
    "HighSection=\"*\"/></FilePublisherCondition></Conditions></FilePublisherRule>"

static struct avs_signer signer(const char *text)
{
    struct avs_signer s;
    const char *why;
    cr_assert_eq(avs_signer_parse(&s, &why, text), 0);
    return s;
}

static int covers(const char *rule_xml, const char *signer_text)
{
    struct avs_applocker_rule r;
    const char *why = NULL;
    cr_assert_eq(avs_applocker_rule_parse(&r, &why, rule_xml), 0, "%s", why ? why : "");
    struct avs_signer s = signer(signer_text);
    int c = avs_applocker_rule_covers(&r, &s);
    avs_signer_free(&s);
    avs_applocker_rule_free(&r);
    return c;
}

Test(applocker, rule_reads_what_windows_writes)
{
    struct avs_applocker_rule r;
    const char *why = NULL;
    cr_assert_eq(avs_applocker_rule_parse(&r, &why, KL_RULE), 0);
    cr_expect(r.publisher_rule);
    cr_expect(r.deny);
    cr_expect_str_eq(r.sid, "S-1-1-0");
    cr_expect_str_eq(r.publisher, "O=AO KASPERSKY LAB, L=MOSCOW, C=RU");
    cr_expect_str_eq(r.product, "*");
    cr_expect_str_eq(r.low, "*");
    avs_applocker_rule_free(&r);

    /* Entities, single quotes, a comment and white space around '='. */
    const char *x = "<!-- c --><FilePublisherRule Action = 'Deny' UserOrGroupSid='S-1-5-32-544'>"
                    "<FilePublisherCondition PublisherName='O=&quot;A &amp; B&quot;&#44; C=&#x52;U'"
                    " ProductName='*' BinaryName='*' /></FilePublisherRule>";
    cr_assert_eq(avs_applocker_rule_parse(&r, &why, x), 0, "%s", why ? why : "");
    cr_expect_str_eq(r.publisher, "O=\"A & B\", C=RU");
    cr_expect_null(r.low, "no version range: any version");
    avs_applocker_rule_free(&r);

    cr_assert_eq(
        avs_applocker_rule_parse(&r, &why,
                                 "<FilePathRule Action=\"Allow\" UserOrGroupSid=\"S-1-1-0\">"
                                 "<Conditions><FilePathCondition Path=\"*\"/></Conditions>"
                                 "</FilePathRule>"),
        0);
    cr_expect(!r.publisher_rule);
    cr_expect(!r.deny);
    avs_applocker_rule_free(&r);
}

Test(applocker, unreadable_rules_are_refused_with_a_reason)
{
    static const char *const bad[] = {
        "",
        "not xml at all",
        "<Something Action=\"Deny\" UserOrGroupSid=\"S-1-1-0\"/>",
        "<FilePublisherRule Action=\"Deny\" UserOrGroupSid=\"S-1-1-0\">",
        "<FilePublisherRule Action=\"Deny\" UserOrGroupSid=S-1-1-0>",
        "<FilePublisherRule Action=\"Deny\" UserOrGroupSid=\"S-1-1-0",
        "<FilePublisherRule Action=\"Maybe\" UserOrGroupSid=\"S-1-1-0\"><FilePublisherCondition "
        "PublisherName=\"*\" ProductName=\"*\" BinaryName=\"*\"/></FilePublisherRule>",
        "<FilePublisherRule Action=\"Deny\"><FilePublisherCondition PublisherName=\"*\" "
        "ProductName=\"*\" BinaryName=\"*\"/></FilePublisherRule>",
        "<FilePublisherRule Action=\"Deny\" UserOrGroupSid=\"S-1-1-0\"><FilePublisherCondition "
        "PublisherName=\"O=&bogus;\" ProductName=\"*\" BinaryName=\"*\"/></FilePublisherRule>",
        "<FilePublisherRule Action=\"Deny\" UserOrGroupSid=\"S-1-1-0\"><FilePublisherCondition "
        "PublisherName=\"O=&#xD800;\" ProductName=\"*\" BinaryName=\"*\"/></FilePublisherRule>",
        "<FilePublisherRule Action=\"Deny\" UserOrGroupSid=\"S-1-1-0\"><FilePublisherCondition "
        "PublisherName=\"O=A\"/></FilePublisherRule>",
        "<FilePublisherRule Action=\"Deny\"UserOrGroupSid=\"S-1-1-0\"/>",
        "<!-- never closed <FilePublisherRule Action=\"Deny\" UserOrGroupSid=\"S-1-1-0\"/>",
        "<FilePublisherRule Action=\"Deny\" UserOrGroupSid=\"S-1-1-0\"><FilePublisherCondition "
        "PublisherName=\"O=\xff\xfe\" ProductName=\"*\" BinaryName=\"*\"/></FilePublisherRule>",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct avs_applocker_rule r;
        const char *why = NULL;
        cr_expect_eq(avs_applocker_rule_parse(&r, &why, bad[i]), AVS_EFORMAT, "case %zu", i);
        cr_expect_not_null(why, "case %zu has a reason", i);
        cr_expect_null(r.sid, "case %zu leaves nothing behind", i);
    }
}

Test(applocker, a_rule_covers_a_signer_only_when_it_denies_all_of_its_code)
{
    /* AppLocker writes every field of the certificate, the catalog only those it needs. */
    cr_expect(covers(KL_RULE, "O=AO Kaspersky Lab, C=RU"));
    cr_expect(covers(KL_RULE, "O=ao kaspersky lab"));
    cr_expect(!covers(KL_RULE, "O=Kaspersky Lab ZAO, C=RU"));
    cr_expect(!covers(KL_RULE, "O=AO Kaspersky Lab, C=US"), "a field both name differs");
    cr_expect(!covers(KL_RULE, "O=AO Kaspersky Lab Evil, C=RU"));

    char x[1024];
    /* Any publisher: denies the vendor as well. */
    cr_expect(covers("<FilePublisherRule Action=\"Deny\" UserOrGroupSid=\"S-1-1-0\">"
                     "<FilePublisherCondition PublisherName=\"*\" ProductName=\"*\" "
                     "BinaryName=\"*\"/></FilePublisherRule>",
                     "O=AO Kaspersky Lab, C=RU"));

    /* One product, one file, some versions, or an allow rule: not the vendor as a whole. */
    const char *narrow[4][2] = {{"ProductName=\"*\"", "ProductName=\"KES\""},
                                {"BinaryName=\"*\"", "BinaryName=\"AVP.EXE\""},
                                {"HighSection=\"*\"", "HighSection=\"11.0.0.0\""},
                                {"Action=\"Deny\"", "Action=\"Allow\""}};
    for (int i = 0; i < 4; i++) {
        char *p;
        snprintf(x, sizeof x, "%s", KL_RULE);
        p = strstr(x, narrow[i][0]);
        cr_assert_not_null(p);
        size_t old = strlen(narrow[i][0]), nw = strlen(narrow[i][1]);
        memmove(p + nw, p + old, strlen(p + old) + 1);
        memcpy(p, narrow[i][1], nw);
        cr_expect(!covers(x, "O=AO Kaspersky Lab, C=RU"), "%s", x);
    }
}
