/* What AppLocker enforces on the (fake) machine: the effective policy under
 * HKLM\SOFTWARE\Policies\Microsoft\Windows\SrpV2\Exe and the Application Identity service; the
 * scan's `applocker` source and event 2030, which never change compliance; and the preflight's
 * block (1602, event 3040) of an EXE removal AppLocker would deny where AvSwap runs. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "applocker.h"
#include "avs_messages.h"
#include "exitcode.h"
#include "fake_fs.h"
#include "fake_os.h"
#include "fake_remediate.h"
#include "remfix.h"
#include "scan.h"

#define EXE AVS_APPLOCKER_KEY "\\Exe"
#define KFREE "C:\\Program Files (x86)\\Kaspersky Lab\\Kaspersky Free 21.3\\avpuninst.exe"

static struct avs_applocker_state st;

static void setup(void)
{
    remfix_setup();
    memset(&st, 0, sizeof st);
}

static void teardown(void)
{
    avs_applocker_state_free(&st);
    remfix_teardown();
}

TestSuite(applocker_read, .init = setup, .fini = teardown);

/* Rule ID under the Exe collection, denying (or allowing) PUBLISHER for SID. */
static void rule(const char *id, const char *action, const char *sid, const char *publisher)
{
    char key[200], xml[1024];
    snprintf(key, sizeof key, EXE "\\%s", id);
    snprintf(xml, sizeof xml,
             "<FilePublisherRule Id=\"%s\" Name=\"r\" Description=\"\" UserOrGroupSid=\"%s\" "
             "Action=\"%s\"><Conditions><FilePublisherCondition PublisherName=\"%s\" "
             "ProductName=\"*\" BinaryName=\"*\"><BinaryVersionRange LowSection=\"*\" "
             "HighSection=\"*\"/></FilePublisherCondition></Conditions></FilePublisherRule>",
             id, sid, action, publisher);
    fake_reg_set_sz(AVS_HKLM, AVS_VIEW_64, key, "Value", xml);
}

static void kl_deny(const char *sid)
{
    rule("a1b2c3d4-0000-4000-8000-000000000001", "Deny", sid, "O=AO KASPERSKY LAB, L=MOSCOW, C=RU");
}

static void appid(enum avs_svc_state s)
{
    fake_service_add(AVS_APPLOCKER_SERVICE, "Application Identity", 0, s);
}

static void read_state(void)
{
    avs_applocker_state_free(&st);
    cr_assert_eq(avs_applocker_read(&st, &cat, NULL, NULL), 0);
    cr_assert_not_null(st.detail);
}

Test(applocker_read, no_policy_no_service)
{
    read_state();
    cr_expect_eq(st.err, AVS_EUNAVAIL, "no Application Identity service: unavailable");
    cr_expect_eq(st.level, AVS_APPLOCKER_ABSENT);
    appid(AVS_SVC_RUNNING);
    read_state();
    cr_expect_eq(st.err, 0);
    cr_expect_eq(st.level, AVS_APPLOCKER_ABSENT);
    cr_expect_eq(st.n_rules, 0);
}

Test(applocker_read, enforced_audit_and_services_follow_the_registry)
{
    appid(AVS_SVC_RUNNING);
    kl_deny("S-1-1-0");
    /* No EnforcementMode value: Windows enforces a collection that has rules. */
    read_state();
    cr_expect_eq(st.level, AVS_APPLOCKER_ENFORCED, "%s", st.detail);
    cr_expect_eq(st.covering, 1);
    cr_expect(st.deny_admin);
    cr_expect(!st.deny_system, "SYSTEM is covered only with the services extension");

    fake_reg_set_dword(AVS_HKLM, AVS_VIEW_64, EXE, "EnforcementMode", 0);
    read_state();
    cr_expect_eq(st.level, AVS_APPLOCKER_AUDIT);
    cr_expect(!st.deny_admin, "audit only denies nothing");

    fake_reg_set_dword(AVS_HKLM, AVS_VIEW_64, EXE, "EnforcementMode", 1);
    fake_reg_set_dword(AVS_HKLM, AVS_VIEW_64, EXE, "ServiceEnforcementMode", 1);
    read_state();
    cr_expect_eq(st.level, AVS_APPLOCKER_ENFORCED_SERVICES);
    cr_expect(st.deny_admin && st.deny_system);
    cr_expect_str_eq(avs_applocker_level_name(st.level), "enforced-including-services");
}

Test(applocker_read, a_stopped_application_identity_service_enforces_nothing)
{
    appid(AVS_SVC_STOPPED);
    kl_deny("S-1-1-0");
    read_state();
    cr_expect_eq(st.err, 0);
    cr_expect_eq(st.covering, 1);
    cr_expect_eq(st.level, AVS_APPLOCKER_ABSENT);
    cr_expect(!st.deny_admin);
    cr_expect(strstr(st.detail, "not running") != NULL, "%s", st.detail);
}

Test(applocker_read, rules_that_do_not_stop_the_vendor_are_not_counted)
{
    appid(AVS_SVC_RUNNING);
    rule("r1", "Allow", "S-1-1-0", "O=AO KASPERSKY LAB, C=RU");
    rule("r2", "Deny", "S-1-1-0", "O=CONTOSO LTD, C=US");
    rule("r3", "Deny", "S-1-1-0", "O=AO KASPERSKY LAB, C=US");
    read_state();
    cr_expect_eq(st.n_rules, 3);
    cr_expect_eq(st.covering, 0);
    cr_expect_eq(st.level, AVS_APPLOCKER_ABSENT);

    /* A rule for a group AvSwap cannot resolve is in effect, but not counted for admins. */
    rule("r4", "Deny", "S-1-5-21-1-2-3-513", "O=KASPERSKY LAB ZAO, C=RU");
    read_state();
    cr_expect_eq(st.level, AVS_APPLOCKER_ENFORCED);
    cr_expect(!st.deny_admin);
    /* SYSTEM's own SID, with the extension: the service is covered, a user session is not. */
    fake_reg_set_dword(AVS_HKLM, AVS_VIEW_64, EXE, "ServiceEnforcementMode", 2);
    rule("r5", "Deny", "S-1-5-18", "O=Kaspersky Lab, C=RU");
    read_state();
    cr_expect(st.deny_system);
    cr_expect(!st.deny_admin);
}

static int notes, mode_notes;
static int count_note(void *ctx, const char *key, const char *value, const char *problem)
{
    (void)ctx;
    cr_expect_not_null(problem);
    if (strcmp(value, "EnforcementMode") == 0) {
        cr_expect_str_eq(key, "HKLM\\" EXE);
        mode_notes++;
        return 0;
    }
    cr_expect(strstr(key, "SrpV2\\Exe\\bad") != NULL, "%s", key);
    cr_expect_str_eq(value, "Value");
    notes++;
    return 0;
}

Test(applocker_read, malformed_registry_data_is_noted_never_guessed)
{
    appid(AVS_SVC_RUNNING);
    kl_deny("S-1-1-0");
    fake_reg_set_sz(AVS_HKLM, AVS_VIEW_64, EXE "\\bad1", "Value", "<FilePublisherRule Action=");
    fake_reg_set_dword(AVS_HKLM, AVS_VIEW_64, EXE "\\bad2", "Value", 7);
    fake_reg_key(AVS_HKLM, AVS_VIEW_64, EXE "\\bad3");
    fake_reg_set_raw(AVS_HKLM, AVS_VIEW_64, EXE, "EnforcementMode", AVS_REG_SZ, "\0\0", 2);
    notes = mode_notes = 0;
    avs_applocker_state_free(&st);
    cr_assert_eq(avs_applocker_read(&st, &cat, count_note, NULL), 0);
    cr_expect_eq(notes, 3, "one note per unreadable rule");
    cr_expect_eq(mode_notes, 1, "and one for the malformed mode");
    cr_expect_eq(st.n_rules, 1);
    cr_expect_eq(st.level, AVS_APPLOCKER_ENFORCED, "a malformed mode is read as absent");
}

Test(applocker_read, an_unreadable_policy_is_an_error_of_the_source_only)
{
    appid(AVS_SVC_RUNNING);
    kl_deny("S-1-1-0");
    fake_reg_fail_open(AVS_HKLM, AVS_VIEW_64, EXE, AVS_EACCES);
    read_state();
    cr_expect_eq(st.err, AVS_EACCES);
    cr_expect_eq(st.level, AVS_APPLOCKER_ABSENT);
}

/* ---- the scan ------------------------------------------------------------------------------ */

Test(applocker_read, scan_reports_it_and_compliance_does_not_change)
{
    struct avs_scan s;
    appid(AVS_SVC_RUNNING);
    kl_deny("S-1-1-0");
    cr_assert_eq(avs_scan_run(&s, &cat, "built-in"), 0);
    cr_expect_eq(s.inv.sources[AVS_SRC_APPLOCKER].err, 0);
    cr_expect_eq(s.inv.applocker.level, AVS_APPLOCKER_ENFORCED);
    cr_expect(avs_scan_compliant(&s));
    const struct fake_event *e = fake_event_find(AVS_EV_APPLOCKER_STATE);
    cr_assert_not_null(e, "event 2030");
    cr_expect_str_eq(e->strings[0], "enforced");
    cr_expect_str_eq(e->strings[1], "ok");
    avs_scan_free(&s);

    /* A policy that cannot be read is reported, not a gap in the inventory: still compliant. */
    fake_reg_fail_open(AVS_HKLM, AVS_VIEW_64, EXE, AVS_EACCES);
    cr_assert_eq(avs_scan_run(&s, &cat, "built-in"), 0);
    cr_expect_eq(s.inv.sources[AVS_SRC_APPLOCKER].err, AVS_EACCES);
    cr_expect(!s.incomplete);
    cr_expect(avs_scan_compliant(&s));
    cr_expect_eq(fake_events_with_id(AVS_EV_SOURCE_FAILED), 0);
    char *src = avs_scan_source_state(&s, AVS_SRC_APPLOCKER);
    cr_expect(strncmp(src, "error: ", 7) == 0, "%s", src);
    free(src);
    avs_scan_free(&s);
}

/* ---- the preflight ------------------------------------------------------------------------- */

static void kfree_exe(void)
{
    fake_uninstall_add(AVS_VIEW_32, NULL, "KasperskyFree", "Kaspersky Free", "21.3.10.391",
                       "AO Kaspersky Lab", 0);
    fake_reg_set_sz(AVS_HKLM, AVS_VIEW_32, FAKE_UNINSTALL "\\KasperskyFree", "QuietUninstallString",
                    "\"" KFREE "\" /s");
    fake_exe_uninstaller(KFREE, 0, "KasperskyFree", NULL);
    fake_signed_by(KFREE, "AO Kaspersky Lab", "RU");
    remfix_defender();
}

static void expect_blocked(void)
{
    cr_expect_eq(res.exit_code, AVS_EXIT_BLOCKED, "%s", res.reason ? res.reason : "");
    cr_expect_eq(fake_process_calls(), 0, "the uninstaller never started");
    cr_expect_eq(fake_events_with_id(AVS_EV_REMOVAL_STARTED), 0, "nothing was removed");
    const struct fake_event *e = fake_event_find(AVS_EV_APPLOCKER_BLOCKED);
    cr_assert_not_null(e, "event 3040");
    cr_expect_str_eq(e->strings[1], "applocker");
    cr_expect(strstr(e->strings[2], "Kaspersky Free") != NULL, "%s", e->strings[2]);
    cr_expect_eq(fake_events_with_id(AVS_EV_PREFLIGHT_BLOCKED), 0);
}

Test(applocker_read, preflight_blocks_an_exe_removal_applocker_denies_for_an_admin)
{
    kfree_exe();
    appid(AVS_SVC_RUNNING);
    kl_deny("S-1-5-32-544");
    remfix_run();
    expect_blocked();
    cr_expect(strstr(res.reason, "an administrator's session") != NULL, "%s", res.reason);
}

Test(applocker_read, preflight_lets_it_run_where_applocker_does_not_deny)
{
    kfree_exe();
    appid(AVS_SVC_RUNNING);
    kl_deny("S-1-1-0");
    fake_reg_set_dword(AVS_HKLM, AVS_VIEW_64, EXE, "EnforcementMode", 0);
    remfix_run();
    cr_expect_eq(res.exit_code, AVS_EXIT_OK, "audit only: %s", res.reason ? res.reason : "");
    cr_expect_eq(fake_process_calls(), 1);
    cr_expect_eq(fake_events_with_id(AVS_EV_APPLOCKER_BLOCKED), 0);
}

Test(applocker_read, preflight_as_system_needs_the_services_extension)
{
    kfree_exe();
    appid(AVS_SVC_RUNNING);
    kl_deny("S-1-1-0");
    fake_identity_set("PC1", "NT AUTHORITY\\SYSTEM", "S-1-5-18", 1);
    remfix_run();
    cr_expect_eq(res.exit_code, AVS_EXIT_OK, "%s", res.reason ? res.reason : "");
    cr_expect_eq(fake_process_calls(), 1, "without the extension SYSTEM is not covered");
}

Test(applocker_read, preflight_as_system_blocks_with_the_services_extension)
{
    kfree_exe();
    appid(AVS_SVC_RUNNING);
    kl_deny("S-1-1-0");
    fake_reg_set_dword(AVS_HKLM, AVS_VIEW_64, EXE, "ServiceEnforcementMode", 1);
    fake_identity_set("PC1", "NT AUTHORITY\\SYSTEM", "S-1-5-18", 1);
    remfix_run();
    expect_blocked();
    cr_expect(strstr(res.reason, "SYSTEM") != NULL, "%s", res.reason);
}

Test(applocker_read, preflight_ignores_applocker_for_msi_removals)
{
    remfix_kes();
    remfix_defender();
    appid(AVS_SVC_RUNNING);
    kl_deny("S-1-1-0");
    remfix_run();
    cr_expect_eq(res.exit_code, AVS_EXIT_OK, "%s", res.reason ? res.reason : "");
    cr_expect_eq(fake_events_with_id(AVS_EV_APPLOCKER_BLOCKED), 0);
}
