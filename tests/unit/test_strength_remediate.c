/* Test strength (docs/SECURITY.md): one test per safety decision of the remediation engine that a
 * deliberate bug could remove without any other test noticing. Each test names the decision it
 * guards; each was checked by removing that decision from core/ and seeing the test fail. */
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

#define KES REMFIX_KES
#define CONTOSO "{C0C0C0C0-0000-4000-8000-00000000BBBB}"
#define JOURNAL "C:\\ProgramData\\AvSwap\\journal.jsonl"
#define KFREE_APP "C:\\Program Files (x86)\\Kaspersky Lab\\Free\\avpui.exe"

static char hex[65];

TestSuite(strength, .init = remfix_setup, .fini = remfix_teardown);

/* A replacement package NAME whose [approved] entry is SITE (catalog text). */
static void replacement(const char *name, const char *site)
{
    uint8_t d[32];
    const char *bytes = "replacement package bytes";
    fake_fs_put("C:\\pkg\\av.msi", bytes, strlen(bytes));
    avs_sha256(d, bytes, strlen(bytes));
    avs_sha256_hex(hex, d);
    fake_msi_package("C:\\ProgramData\\AvSwap\\staging\\replacement.msi", CONTOSO, name,
                     "ContosoAV");
    struct avs_buf err = AVS_BUF_INIT;
    cr_assert_eq(avs_catalog_parse(&cat, site, strlen(site), "site.txt", &err), 0, "%s",
                 err.data ? err.data : "");
    avs_buf_free(&err);
    opts.replacement = "C:\\pkg\\av.msi";
    opts.sha256_hex = hex;
}

/* ---- 1. An inventory source that cannot be read blocks before the first removal. ---------- */

struct source_case {
    int which; /* 0 services, 1 MSI, 2 Uninstall 64, 3 Uninstall 32 */
    char name[24];
};

ParameterizedTestParameters(strength, unreadable_inventory_source_blocks_before_any_removal)
{
    static struct source_case cases[] = {
        {0, "services"}, {1, "msi"}, {2, "uninstall-64"}, {3, "uninstall-32"}};
    return cr_make_param_array(struct source_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct source_case *c, strength,
                  unreadable_inventory_source_blocks_before_any_removal)
{
    remfix_kes();
    remfix_defender();
    /* KES stays visible through the sources that still work: there is something to remove. */
    switch (c->which) {
    case 0: fake_services_fail(AVS_EACCES); break;
    case 1: fake_msi_fail(AVS_EIO); break;
    case 2: fake_reg_fail_open(AVS_HKLM, AVS_VIEW_64, FAKE_UNINSTALL, AVS_EACCES); break;
    default: fake_reg_fail_open(AVS_HKLM, AVS_VIEW_32, FAKE_UNINSTALL, AVS_EACCES); break;
    }
    remfix_run();
    cr_expect_eq(res.exit_code, AVS_EXIT_FAILED, "%s", c->name);
    cr_expect_str_eq(res.step ? res.step : "", "scan", "%s", c->name);
    cr_expect_eq(fake_msi_uninstall_calls(), 0, "%s: removed with a blind spot", c->name);
    cr_expect_eq(fake_process_calls(), 0, "%s", c->name);
    cr_expect_eq(fake_events_with_id(AVS_EV_REMOVAL_STARTED), 0, "%s", c->name);
    cr_expect_eq(fake_events_with_id(AVS_EV_PLAN), 0, "%s: planned with a blind spot", c->name);
}

/* ---- 2. An approved replacement without a service is refused. ----------------------------- */

Test(strength, approved_replacement_without_a_service_is_refused)
{
    remfix_kes();
    replacement("NoService AV", "[approved nosvc]\nname = NoService AV\nmatch = NoService AV*\n");
    remfix_run();
    cr_expect_eq(res.exit_code, AVS_EXIT_BLOCKED, "%s", res.reason ? res.reason : "");
    cr_expect(res.reason && strstr(res.reason, "'service'") != NULL, "%s",
              res.reason ? res.reason : "");
    cr_expect_eq(fake_msi_uninstall_calls(), 0, "removed for an unverifiable replacement");
    cr_expect_eq(fake_msi_install_calls(), 0);
    cr_expect_eq(fake_events_with_id(AVS_EV_OUTCOME_BLOCKED), 1);
}

/* ---- 3. The replacement's own install returning 3010 asks for a restart. ------------------- */

struct reboot_case {
    int coexist;
    int result;
};

ParameterizedTestParameters(strength, replacement_install_needing_a_restart_asks_for_it)
{
    static struct reboot_case cases[] = {{0, 3010}, {1, 3010}};
    return cr_make_param_array(struct reboot_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct reboot_case *c, strength,
                  replacement_install_needing_a_restart_asks_for_it)
{
    remfix_kes();
    replacement("Contoso AV", c->coexist ? "[approved contoso]\nname = Contoso AV\nservice = "
                                           "ContosoAV\nmatch = Contoso AV*\ncoexist = yes\n"
                                         : "[approved contoso]\nname = Contoso AV\nservice = "
                                           "ContosoAV\nmatch = Contoso AV*\n");
    fake_msi_install_result(c->result);
    remfix_run();
    cr_expect_eq(res.exit_code, AVS_EXIT_REBOOT, "coexist %d, install %d: %d %s", c->coexist,
                 c->result, res.exit_code, res.reason ? res.reason : "");
    cr_expect(res.reboot_required);
    cr_expect_eq(fake_events_with_id(AVS_EV_OUTCOME_REBOOT), 1);
    cr_expect_eq(fake_events_with_id(AVS_EV_OUTCOME_COMPLIANT), 0);
}

/* ---- 4. An EXE uninstaller's 1605 is a failure, not "already removed". -------------------- */

Test(strength, exe_uninstaller_exit_1605_is_not_taken_as_removed)
{
    remfix_defender();
    fake_uninstall_add(AVS_VIEW_32, NULL, "KFree", "Kaspersky Free", "21.3", "AO Kaspersky Lab", 0);
    fake_reg_set_sz(AVS_HKLM, AVS_VIEW_32, FAKE_UNINSTALL "\\KFree", "QuietUninstallString",
                    "\"" KFREE_APP "\" /uninstall /s");
    fake_exe_uninstaller(KFREE_APP, 1605, "KFree", NULL);
    fake_signed_by(KFREE_APP, "AO Kaspersky Lab", "RU"); /* so that it runs (docs/SECURITY.md) */
    remfix_run();
    cr_assert_eq(fake_process_calls(), 1);
    cr_expect_eq(res.exit_code, AVS_EXIT_FAILED);
    cr_expect_str_eq(res.step ? res.step : "", "remove", "judged at the removal, not later");
    cr_expect_eq(fake_events_with_id(AVS_EV_ALREADY_REMOVED), 0, "1605 taken as gone");
    cr_expect_eq(fake_events_with_id(AVS_EV_REMOVAL_FAILED), 1);
    cr_expect_eq(res.n_removed, 0, "listed as removed");
}

/* ---- 5. A resumed run meeting a product the journal says was removed. --------------------- */

Test(strength, resumed_run_with_a_removed_product_still_present_is_not_compliant)
{
    remfix_kes();
    remfix_defender();
    fake_msi_uninstall_result(KES, 3010);
    remfix_run();
    cr_assert_eq(res.exit_code, AVS_EXIT_REBOOT);
    fake_reboot();
    remfix_kes(); /* the removal did not survive the restart: KES is back */
    remfix_run();
    cr_expect(res.resumed);
    cr_expect_eq(remfix_uninstall_calls_for(KES), 1, "never removed twice in one run");
    cr_expect_eq(res.exit_code, AVS_EXIT_FAILED, "%s", res.reason ? res.reason : "");
    cr_expect(res.reason && strstr(res.reason, "still present") != NULL, "%s",
              res.reason ? res.reason : "");
    cr_assert_eq(res.n_remaining, 1);
    cr_expect_str_eq(res.remaining[0], "Kaspersky Endpoint Security for Windows");
    cr_expect_eq(fake_events_with_id(AVS_EV_OUTCOME_COMPLIANT), 0);
}

/* ---- 6. Security Center: only plain "enabled" protects (see also test_verdict.c). ---------- */

struct wsc_case {
    uint32_t state;
    char what[16];
};

ParameterizedTestParameters(strength, security_center_snoozed_or_expired_is_not_protecting)
{
    static struct wsc_case cases[] = {{0x062100, "snoozed"},
                                      {0x063100, "expired"},
                                      {0x060100, "disabled"},
                                      {0x065100, "state 5"}};
    return cr_make_param_array(struct wsc_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct wsc_case *c, strength,
                  security_center_snoozed_or_expired_is_not_protecting)
{
    remfix_kes();
    remfix_defender();
    fake_wsc_enable();
    fake_wsc_add("Windows Defender", c->state);
    remfix_run();
    cr_expect_eq(res.exit_code, AVS_EXIT_FAILED, "%s", c->what);
    /* The replacement's verification itself refuses it (and waited for Security Center). */
    cr_expect_str_eq(res.step ? res.step : "", "replacement-verify", "%s: %s", c->what,
                     res.reason ? res.reason : "");
    cr_expect_geq(fake_slept_ms(), 90000, "%s", c->what);
    cr_expect_eq(fake_events_with_id(AVS_EV_OUTCOME_COMPLIANT), 0, "%s", c->what);
}
