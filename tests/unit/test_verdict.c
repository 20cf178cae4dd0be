/* The verdict is re-checked when it is given (docs/SECURITY.md): "compliant" means, at that moment, the
 * approved antivirus's service runs, Security Center (where it exists) shows it plainly enabled,
 * the replacement is still installed, and a fresh scan finds nothing prohibited. Nothing an
 * earlier step saw is trusted for it. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "avs_messages.h"
#include "exitcode.h"
#include "fake_fs.h"
#include "fake_os.h"
#include "fake_remediate.h"
#include "remediate.h"
#include "remfix.h"
#include "sha256.h"
#include "verdict.h"

#define KES REMFIX_KES
#define AGENT REMFIX_AGENT
#define CONTOSO "{C0C0C0C0-0000-4000-8000-00000000AAAA}"
#define JOURNAL "C:\\ProgramData\\AvSwap\\journal.jsonl"

static char hex[65];

TestSuite(verdict, .init = remfix_setup, .fini = remfix_teardown);

static void defender(enum avs_svc_state st)
{
    fake_service_add("WinDefend", "Microsoft Defender Antivirus Service", 0, st);
}

/* An approved MSI replacement, Contoso AV, that may coexist (install-first) or not. */
static void contoso(int coexist)
{
    uint8_t d[32];
    const char *bytes = "contoso package bytes";
    fake_fs_put("C:\\pkg\\contoso.msi", bytes, strlen(bytes));
    avs_sha256(d, bytes, strlen(bytes));
    avs_sha256_hex(hex, d);
    fake_msi_package("C:\\ProgramData\\AvSwap\\staging\\replacement.msi", CONTOSO, "Contoso AV",
                     "ContosoAV");
    char site[200];
    snprintf(site, sizeof site,
             "[approved contoso]\nname = Contoso AV\nservice = ContosoAV\nmatch = Contoso AV*\n"
             "coexist = %s\n",
             coexist ? "yes" : "no");
    struct avs_buf err = AVS_BUF_INIT;
    cr_assert_eq(avs_catalog_parse(&cat, site, strlen(site), "site.txt", &err), 0);
    avs_buf_free(&err);
    opts.replacement = "C:\\pkg\\contoso.msi";
    opts.sha256_hex = hex;
}

static int journal_has(const char *needle)
{
    size_t len;
    const char *d = fake_fs_data(JOURNAL, &len);
    return d && memmem(d, len, needle, strlen(needle)) != NULL;
}

/* The run ended 1603 at the verdict, event 6010 naming CHECK, and nothing said compliant. */
static void expect_not_compliant(const char *check)
{
    cr_expect_eq(res.exit_code, AVS_EXIT_FAILED, "%s: %s", res.step ? res.step : "",
                 res.reason ? res.reason : "");
    cr_expect_str_eq(res.step ? res.step : "", "verdict");
    const struct fake_event *e = fake_event_find(AVS_EV_VERDICT_CHECK_FAILED);
    cr_assert_not_null(e, "no event 6010");
    cr_expect_str_eq(e->strings[0], res.run_id);
    cr_expect_str_eq(e->strings[1], check);
    cr_expect_eq(fake_events_with_id(AVS_EV_OUTCOME_COMPLIANT), 0, "a 6000 was written");
    const struct fake_event *o = fake_event_find(AVS_EV_OUTCOME_FAILED);
    cr_assert_not_null(o);
    cr_expect_str_eq(o->strings[1], "verdict");
    cr_expect(journal_has("\"outcome\":1603"), "the journal's outcome is not 1603");
}

/* Attack 1's tail: the replacement goes in first and a later removal takes it out again. */
Test(verdict, install_first_replacement_removed_afterwards_is_not_compliant)
{
    remfix_kes();
    contoso(1);
    fake_msi_uninstall_also(KES, CONTOSO, "ContosoAV");
    remfix_run();
    expect_not_compliant("service");
    cr_expect_str_eq(res.strategy, "install-first");
    cr_expect_not(res.replacement_running, "reported running after it stopped");
    cr_expect(strstr(res.reason, "ContosoAV") != NULL, "%s", res.reason);
}

/* A run that fails for another reason does not report a replacement that is gone either. */
Test(verdict, failed_run_does_not_report_a_replacement_that_is_gone)
{
    remfix_kes();
    contoso(1);
    fake_msi_uninstall_also(KES, CONTOSO, "ContosoAV");
    fake_uninstall_add(AVS_VIEW_32, NULL, "KasperskyEvil", "Kaspersky Free", "21.3",
                       "AO Kaspersky Lab", 0);
    fake_reg_set_sz(AVS_HKLM, AVS_VIEW_32, FAKE_UNINSTALL "\\KasperskyEvil", "UninstallString",
                    "cmd.exe /c echo owned");
    remfix_run();
    cr_expect_eq(res.exit_code, AVS_EXIT_FAILED);
    cr_expect_str_eq(res.step ? res.step : "", "remove", "the first reason stays the reason");
    const struct fake_event *e = fake_event_find(AVS_EV_VERDICT_CHECK_FAILED);
    cr_assert_not_null(e, "no event 6010");
    cr_expect_str_eq(e->strings[1], "service");
    cr_expect_not(res.replacement_running, "reported running after it was removed");
    cr_expect_not(res.replacement_installed, "reported installed after it was removed");
}

Test(verdict, replacement_uninstalled_with_its_service_left_running_is_not_compliant)
{
    remfix_kes();
    contoso(1);
    fake_msi_uninstall_also(KES, CONTOSO, NULL);
    remfix_run();
    expect_not_compliant("installed");
    cr_expect(strstr(res.reason, "Windows Installer") != NULL, "%s", res.reason);
}

Test(verdict, defender_stopped_by_a_later_removal_is_not_compliant)
{
    remfix_kes();
    remfix_agent();
    defender(AVS_SVC_STOPPED);
    fake_msi_uninstall_also(AGENT, NULL, "WinDefend"); /* after Defender was verified running */
    remfix_run();
    expect_not_compliant("service");
    cr_expect_eq(fake_msi_uninstall_calls(), 2);
}

Test(verdict, still_protected_at_the_end_is_compliant_and_says_what_was_checked)
{
    remfix_kes();
    contoso(1);
    remfix_run();
    cr_expect_eq(res.exit_code, AVS_EXIT_OK, "%s", res.reason ? res.reason : "");
    cr_expect_eq(fake_events_with_id(AVS_EV_VERDICT_CHECK_FAILED), 0);
    cr_expect_eq(fake_events_with_id(AVS_EV_OUTCOME_COMPLIANT), 1);
}

/* Security Center changed between the replacement's verification and the outcome. */
Test(verdict, security_center_present_without_the_approved_product_is_not_compliant)
{
    remfix_kes();
    defender(AVS_SVC_STOPPED);
    /* Another (unapproved) product shows enabled: the verification step accepts that, the
     * verdict asks for the approved antivirus itself. */
    fake_wsc_add("Some Other Antivirus", 0x61100);
    remfix_run();
    expect_not_compliant("security-center");
}

/* ---------------------------------------------------------------- avs_verdict_protection */

struct wsc_case {
    uint32_t state;
    int enabled;
    char what[32];
};

ParameterizedTestParameters(verdict, security_center_states)
{
    static struct wsc_case cases[] = {
        {0x061100, 1, "enabled, up to date"}, {0x061110, 1, "enabled, out of date"},
        {0x001000, 1, "enabled (bare)"},      {0x060100, 0, "disabled"},
        {0x000000, 0, "disabled (bare)"},     {0x062100, 0, "snoozed"},
        {0x002000, 0, "snoozed (bare)"},      {0x063100, 0, "expired"},
        {0x003000, 0, "expired (bare)"},      {0x005000, 0, "unknown state 5"},
        {0x009000, 0, "unknown state 9"},
    };
    return cr_make_param_array(struct wsc_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct wsc_case *c, verdict, security_center_states)
{
    struct avs_verdict v;
    const struct avs_cat_approved *def = avs_catalog_approved_by_name(&cat, "Windows Defender");
    cr_assert_not_null(def);
    defender(AVS_SVC_RUNNING);
    fake_wsc_enable();
    fake_wsc_add("Windows Defender", c->state);
    cr_expect_eq(avs_wsc_state_enabled(c->state), c->enabled, "%s", c->what);
    cr_assert_eq(avs_verdict_protection(&v, &cat, def, NULL), 0);
    cr_expect_eq(v.failed, c->enabled ? AVS_VERDICT_OK : AVS_VERDICT_WSC, "%s: %s", c->what,
                 v.detail);
}

/* The whole run: Defender snoozed or expired in Security Center is not protecting. */
ParameterizedTestParameters(verdict, run_with_security_center_state)
{
    static struct wsc_case cases[] = {
        {0x061100, 1, "enabled"}, {0x060100, 0, "disabled"},       {0x062100, 0, "snoozed"},
        {0x063100, 0, "expired"}, {0x001000, 1, "enabled (bare)"},
    };
    return cr_make_param_array(struct wsc_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct wsc_case *c, verdict, run_with_security_center_state)
{
    remfix_kes();
    defender(AVS_SVC_STOPPED);
    fake_wsc_enable();
    fake_wsc_add("Windows Defender", c->state);
    remfix_run();
    cr_expect_eq(res.exit_code, c->enabled ? AVS_EXIT_OK : AVS_EXIT_FAILED, "%s: %s", c->what,
                 res.reason ? res.reason : "");
    cr_expect_eq(fake_events_with_id(AVS_EV_OUTCOME_COMPLIANT), (size_t)c->enabled, "%s", c->what);
}

Test(verdict, security_center_absent_is_not_applicable)
{
    struct avs_verdict v;
    const struct avs_cat_approved *def = avs_catalog_approved_by_name(&cat, "Windows Defender");
    defender(AVS_SVC_RUNNING);
    cr_assert_eq(avs_verdict_protection(&v, &cat, def, NULL), 0);
    cr_expect_eq(v.failed, AVS_VERDICT_OK, "%s", v.detail);
    cr_expect(strstr(v.detail, "Security Center not present") != NULL, "%s", v.detail);
}

Test(verdict, security_center_entry_of_another_product_does_not_count)
{
    struct avs_verdict v;
    const struct avs_cat_approved *def = avs_catalog_approved_by_name(&cat, "Windows Defender");
    defender(AVS_SVC_RUNNING);
    fake_wsc_enable();
    fake_wsc_add("Contoso AV", 0x61100);
    fake_wsc_add("Windows Defender", 0x62100);
    cr_assert_eq(avs_verdict_protection(&v, &cat, def, NULL), 0);
    cr_expect_eq(v.failed, AVS_VERDICT_WSC, "%s", v.detail);
}

struct svc_case {
    int present;
    enum avs_svc_state state;
    enum avs_verdict_check want;
};

ParameterizedTestParameters(verdict, service_states)
{
    static struct svc_case cases[] = {
        {1, AVS_SVC_RUNNING, AVS_VERDICT_OK},
        {1, AVS_SVC_STOPPED, AVS_VERDICT_SERVICE},
        {1, AVS_SVC_START_PENDING, AVS_VERDICT_SERVICE},
        {1, AVS_SVC_PAUSED, AVS_VERDICT_SERVICE},
        {0, AVS_SVC_RUNNING, AVS_VERDICT_SERVICE},
    };
    return cr_make_param_array(struct svc_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct svc_case *c, verdict, service_states)
{
    struct avs_verdict v;
    const struct avs_cat_approved *def = avs_catalog_approved_by_name(&cat, "Windows Defender");
    if (c->present)
        defender(c->state);
    cr_assert_eq(avs_verdict_protection(&v, &cat, def, NULL), 0);
    cr_expect_eq(v.failed, c->want, "state %d present %d: %s", c->state, c->present, v.detail);
}

Test(verdict, msi_replacement_must_still_be_installed)
{
    struct avs_verdict v;
    contoso(0);
    const struct avs_cat_approved *a = avs_catalog_approved_by_name(&cat, "Contoso AV");
    cr_assert_not_null(a);
    fake_service_add("ContosoAV", "Contoso AV", 0, AVS_SVC_RUNNING);
    cr_assert_eq(avs_verdict_protection(&v, &cat, a, CONTOSO), 0);
    cr_expect_eq(v.failed, AVS_VERDICT_INSTALLED, "%s", v.detail);
    fake_msi_add(CONTOSO, NULL, AVS_MSI_MACHINE, "Contoso AV", "5.2", "Contoso");
    cr_assert_eq(avs_verdict_protection(&v, &cat, a, CONTOSO), 0);
    cr_expect_eq(v.failed, AVS_VERDICT_OK, "%s", v.detail);
}

Test(verdict, approved_without_service_is_an_error)
{
    struct avs_verdict v;
    struct avs_cat_approved a;
    memset(&a, 0, sizeof a);
    a.name = (char *)"No Service AV";
    cr_expect_eq(avs_verdict_protection(&v, &cat, &a, NULL), AVS_EINVAL);
    cr_expect_eq(avs_verdict_protection(&v, &cat, NULL, NULL), AVS_EINVAL);
}
