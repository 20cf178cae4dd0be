/* The remediation engine on the fake machine: the safety invariant, the order of removals,
 * passwords, resume after a crash at any journal write, restarts, and every refusal. */
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
#include "journal.h"
#include "remediate.h"
#include "remfix.h"
#include "sha256.h"

#define KES REMFIX_KES
#define AGENT REMFIX_AGENT
#define JOURNAL "C:\\ProgramData\\AvSwap\\journal.jsonl"
#define SECRET "s3cr3t-Pa55"


TestSuite(remediate, .init = remfix_setup, .fini = remfix_teardown);

/* Index of the first event with ID at or after FROM, or (size_t)-1. */
static size_t event_index(uint32_t id, size_t from)
{
    for (size_t i = from; i < fake_events_count(); i++)
        if (fake_event(i)->id == id)
            return i;
    return (size_t)-1;
}

static int journal_has(const char *needle)
{
    size_t len;
    const char *d = fake_fs_data(JOURNAL, &len);
    return d && memmem(d, len, needle, strlen(needle)) != NULL;
}

static void expect_journal_intact(void)
{
    struct avs_journal_check chk;
    size_t len;
    const char *d = fake_fs_data(JOURNAL, &len);
    cr_assert_not_null(d, "no journal written");
    cr_assert_eq(avs_journal_verify(&chk, NULL, NULL, d, len), 0);
    cr_expect_eq(chk.status, AVS_JOURNAL_INTACT, "journal: line %zu: %s", chk.bad_line, chk.why);
}

Test(remediate, nothing_prohibited_is_compliant_without_touching_anything)
{
    remfix_defender();
    remfix_run();
    cr_expect_eq(res.exit_code, AVS_EXIT_OK);
    cr_expect_eq(fake_msi_uninstall_calls(), 0);
    cr_expect_eq(fake_events_with_id(AVS_EV_OUTCOME_COMPLIANT), 1);
    expect_journal_intact();
}

Test(remediate, protection_first_then_defender_then_the_agent)
{
    remfix_kes();
    remfix_agent();
    remfix_defender();
    remfix_run();
    cr_assert_eq(res.exit_code, AVS_EXIT_OK, "%s: %s", res.step ? res.step : "",
                 res.reason ? res.reason : "");
    cr_expect_str_eq(res.strategy, "remove-first");
    cr_assert_eq(res.n_removed, 2);
    cr_expect_str_eq(res.removed[0].code, KES);
    cr_expect_str_eq(res.removed[1].code, AGENT);
    cr_expect_eq(res.removed[0].result, 0);
    cr_expect_str_eq(res.replacement_name, "Microsoft Defender Antivirus");
    cr_expect(res.replacement_running);
    cr_expect_gt(res.unprotected_ms, 0, "remove-first has a measured window");
    cr_expect_eq(res.n_remaining, 0);

    /* Order in the Event Log: KES removed, Defender running, then the agent's removal starts. */
    size_t kes_done = event_index(AVS_EV_REMOVED, 0);
    size_t running = event_index(AVS_EV_REPLACEMENT_RUNNING, 0);
    size_t agent_start = event_index(AVS_EV_REMOVAL_STARTED, kes_done);
    cr_assert_neq(kes_done, (size_t)-1);
    cr_assert_neq(running, (size_t)-1);
    cr_assert_neq(agent_start, (size_t)-1);
    cr_expect_lt(kes_done, running);
    cr_expect_lt(running, agent_start, "replacement before anything else");
    cr_expect_str_eq(fake_event(agent_start)->strings[1],
                     "Kaspersky Security Center Network Agent");
    cr_expect_eq(fake_events_with_id(AVS_EV_OUTCOME_COMPLIANT), 1);

    /* Each removal went through the MSI API with the reboot suppressed. */
    cr_assert_eq(fake_msi_uninstall_calls(), 2);
    cr_expect(strstr(fake_msi_uninstall_call(0)->properties, "REBOOT=ReallySuppress") != NULL);
    cr_expect(strstr(fake_msi_uninstall_call(0)->log_path, "C:\\ProgramData\\AvSwap\\logs\\") ==
              fake_msi_uninstall_call(0)->log_path);
    expect_journal_intact();
    cr_expect_geq(fake_protected_dirs(), 2, "data and logs folders created protected");
    cr_expect_str_eq(fake_protected_dir(0), "C:\\ProgramData\\AvSwap");
}

Test(remediate, every_event_carries_the_journal_record_hash)
{
    remfix_kes();
    remfix_defender();
    remfix_run();
    const struct fake_event *e = fake_event_find(AVS_EV_REMOVED);
    cr_assert_not_null(e);
    cr_expect(strncmp(e->strings[e->count - 1], "seq ", 4) == 0, "%s", e->strings[e->count - 1]);
    cr_expect(strstr(e->strings[e->count - 1], "SHA-256 ") != NULL);
    cr_expect_str_eq(e->strings[0], res.run_id);
}

Test(remediate, no_approved_antivirus_blocks_before_anything_is_removed)
{
    remfix_kes();
    remfix_run();
    cr_expect_eq(res.exit_code, AVS_EXIT_BLOCKED);
    cr_expect_eq(fake_msi_uninstall_calls(), 0);
    cr_expect(strstr(res.reason, "no approved antivirus") != NULL, "%s", res.reason);
    cr_expect_eq(fake_events_with_id(AVS_EV_OUTCOME_BLOCKED), 1);
}

Test(remediate, disabled_defender_is_not_available)
{
    remfix_kes();
    remfix_defender();
    fake_service_startable("WinDefend", 0);
    remfix_run();
    cr_expect_eq(res.exit_code, AVS_EXIT_BLOCKED);
    cr_expect_eq(fake_msi_uninstall_calls(), 0);
}

Test(remediate, password_reaches_msi_and_nothing_else)
{
    remfix_kes();
    remfix_defender();
    fake_msi_require_password(KES, "KLPASSWD", SECRET);
    opts.password = SECRET;
    remfix_run();
    cr_assert_eq(res.exit_code, AVS_EXIT_OK, "%s", res.reason ? res.reason : "");
    cr_assert_eq(fake_msi_uninstall_calls(), 1);
    cr_expect(strstr(fake_msi_uninstall_call(0)->properties, "KLPASSWD=\"" SECRET "\"") != NULL);

    /* Not in the journal, not in any event, not in the MSI log (which logged it: scrubbed). */
    cr_expect_not(journal_has(SECRET));
    for (size_t i = 0; i < fake_events_count(); i++)
        for (size_t j = 0; j < fake_event(i)->count; j++)
            cr_expect(strstr(fake_event(i)->strings[j], SECRET) == NULL, "event %u string %zu",
                      fake_event(i)->id & 0xffff, j);
    size_t len;
    const char *log = fake_fs_data(fake_msi_uninstall_call(0)->log_path, &len);
    cr_assert_not_null(log);
    cr_expect(memmem(log, len, SECRET, strlen(SECRET)) == NULL, "the MSI log was scrubbed");
    cr_expect(memmem(log, len, "KLPASSWD=\"********\"", strlen("KLPASSWD=\"********\"")) != NULL,
              "a fixed mask, not one star per character: %.*s", (int)len, log);
    cr_expect(memmem(log, len, "KLPASSWD=", 9) != NULL, "the rest of the log is kept");
}

Test(remediate, wrong_password_stops_and_keeps_the_protection)
{
    remfix_kes();
    remfix_agent();
    remfix_defender();
    fake_msi_require_password(KES, "KLPASSWD", SECRET);
    opts.password = "wrong";
    remfix_run();
    cr_expect_eq(res.exit_code, AVS_EXIT_FAILED);
    cr_expect_str_eq(res.step, "remove");
    cr_expect_eq(remfix_uninstall_calls_for(AGENT), 0, "stopped at the first failure");
    cr_expect_eq(res.n_removed, 0);
    cr_expect_not(res.replacement_running, "KES still protects: nothing to replace yet");
    const struct fake_event *e = fake_event_find(AVS_EV_REMOVAL_FAILED);
    cr_assert_not_null(e);
    cr_expect_str_eq(e->strings[4], "1603");
}

Test(remediate, missing_password_hint)
{
    remfix_kes();
    remfix_defender();
    fake_msi_require_password(KES, "KLPASSWD", SECRET);
    remfix_run();
    cr_expect_eq(res.exit_code, AVS_EXIT_FAILED);
    cr_expect(strstr(res.reason, "--password-file") != NULL, "%s", res.reason);
}

static void replacement_file(const char *path, const char *bytes, char hex[65])
{
    uint8_t d[32];
    fake_fs_put(path, bytes, strlen(bytes));
    avs_sha256(d, bytes, strlen(bytes));
    avs_sha256_hex(hex, d);
}

Test(remediate, replacement_hash_mismatch_blocks_and_names_both_hashes)
{
    char hex[65];
    remfix_kes();
    replacement_file("C:\\pkg\\av.msi", "the real package", hex);
    fake_msi_package("C:\\ProgramData\\AvSwap\\staging\\replacement.msi",
                     "{AAAAAAAA-0000-0000-0000-000000000001}", "Contoso AV", "ContosoAV");
    fake_fs_put("C:\\pkg\\av.msi", "the real package!", 17); /* one byte appended */
    opts.replacement = "C:\\pkg\\av.msi";
    opts.sha256_hex = hex;
    remfix_run();
    cr_expect_eq(res.exit_code, AVS_EXIT_BLOCKED);
    cr_expect_eq(fake_msi_uninstall_calls(), 0);
    cr_expect_eq(fake_msi_install_calls(), 0);
    const struct fake_event *e = fake_event_find(AVS_EV_REPLACEMENT_HASH_MISMATCH);
    cr_assert_not_null(e);
    cr_expect_str_eq(e->strings[2], hex, "expected");
    cr_expect_str_neq(e->strings[3], hex, "actual");
    cr_expect_eq(strlen(e->strings[3]), 64);
}

Test(remediate, msi_replacement_remove_first_is_staged_then_installed_after_kes)
{
    char hex[65];
    remfix_kes();
    remfix_agent();
    replacement_file("C:\\pkg\\av.msi", "package bytes", hex);
    fake_msi_package("C:\\ProgramData\\AvSwap\\staging\\replacement.msi",
                     "{AAAAAAAA-0000-0000-0000-000000000001}", "Contoso AV", "ContosoAV");
    const char *site =
        "[approved contoso]\nname = Contoso AV\nservice = ContosoAV\nmatch = Contoso AV*\n";
    struct avs_buf err = AVS_BUF_INIT;
    cr_assert_eq(avs_catalog_parse(&cat, site, strlen(site), "site.txt", &err), 0);
    avs_buf_free(&err);
    opts.replacement = "C:\\pkg\\av.msi";
    opts.sha256_hex = hex;
    remfix_run();
    cr_assert_eq(res.exit_code, AVS_EXIT_OK, "%s", res.reason ? res.reason : "");
    cr_expect_str_eq(res.strategy, "remove-first");
    cr_expect_str_eq(res.replacement_name, "Contoso AV");
    cr_expect(res.replacement_installed);
    cr_expect_eq(fake_msi_install_calls(), 1);
    size_t staged = event_index(AVS_EV_REPLACEMENT_STAGED, 0);
    size_t first_removal = event_index(AVS_EV_REMOVAL_STARTED, 0);
    size_t installed = event_index(AVS_EV_REPLACEMENT_INSTALLED, 0);
    cr_expect_lt(staged, first_removal, "staged and verified before the first removal");
    cr_expect_lt(first_removal, installed);
}

Test(remediate, coexisting_replacement_is_installed_first_and_nothing_is_unprotected)
{
    char hex[65];
    remfix_kes();
    replacement_file("C:\\pkg\\av.msi", "package bytes", hex);
    fake_msi_package("C:\\ProgramData\\AvSwap\\staging\\replacement.msi",
                     "{AAAAAAAA-0000-0000-0000-000000000001}", "Contoso AV", "ContosoAV");
    const char *site = "[approved contoso]\nname = Contoso AV\nservice = ContosoAV\n"
                       "match = Contoso AV*\ncoexist = yes\n";
    struct avs_buf err = AVS_BUF_INIT;
    cr_assert_eq(avs_catalog_parse(&cat, site, strlen(site), "site.txt", &err), 0);
    avs_buf_free(&err);
    opts.replacement = "C:\\pkg\\av.msi";
    opts.sha256_hex = hex;
    remfix_run();
    cr_assert_eq(res.exit_code, AVS_EXIT_OK, "%s", res.reason ? res.reason : "");
    cr_expect_str_eq(res.strategy, "install-first");
    cr_expect_eq(res.unprotected_ms, 0);
    cr_expect_lt(event_index(AVS_EV_REPLACEMENT_RUNNING, 0),
                 event_index(AVS_EV_REMOVAL_STARTED, 0));
}

Test(remediate, reboot_needed_then_restart_then_resume)
{
    remfix_kes();
    remfix_agent();
    remfix_defender();
    fake_msi_uninstall_result(KES, 3010);
    remfix_run();
    cr_expect_eq(res.exit_code, AVS_EXIT_REBOOT);
    cr_expect(res.reboot_required);
    char *run_id = strdup(res.run_id);
    cr_expect_eq(remfix_uninstall_calls_for(AGENT), 1, "the other removals go on");
    cr_expect_eq(fake_reboot_requests(), 0, "--reboot never: AvSwap does not restart Windows");

    /* Run again before the restart: nothing happens, still 3010. */
    remfix_run();
    cr_expect_eq(res.exit_code, AVS_EXIT_REBOOT);
    cr_expect_str_eq(res.run_id, run_id);
    cr_expect_eq(fake_msi_uninstall_calls(), 2);

    fake_reboot();
    remfix_run();
    cr_expect_eq(res.exit_code, AVS_EXIT_OK, "%s", res.reason ? res.reason : "");
    cr_expect_str_eq(res.run_id, run_id, "the same run continued");
    cr_expect(res.resumed);
    cr_expect_eq(remfix_uninstall_calls_for(KES), 1, "never removed twice");
    cr_expect_eq(remfix_uninstall_calls_for(AGENT), 1);
    cr_expect_eq(res.n_removed, 2);
    expect_journal_intact();
    free(run_id);
}

Test(remediate, reboot_if_needed_asks_windows_to_restart)
{
    remfix_kes();
    remfix_defender();
    fake_msi_uninstall_result(KES, 3010);
    opts.reboot = AVS_REBOOT_IF_NEEDED;
    remfix_run();
    cr_expect_eq(res.exit_code, AVS_EXIT_REBOOT);
    cr_expect_eq(fake_reboot_requests(), 1);
    cr_expect(strstr(res.reason, "restarts in 300 seconds") != NULL, "%s", res.reason);
}

Test(remediate, a_refused_restart_request_is_reported)
{
    remfix_kes();
    remfix_defender();
    fake_msi_uninstall_result(KES, 3010);
    fake_reboot_request_fails(AVS_EUNAVAIL);
    opts.reboot = AVS_REBOOT_IF_NEEDED;
    remfix_run();
    cr_expect_eq(res.exit_code, AVS_EXIT_REBOOT);
    cr_expect(strstr(res.reason, "could not be asked to restart") != NULL, "%s", res.reason);
    const struct fake_event *e = fake_event_find(AVS_EV_OUTCOME_REBOOT);
    cr_assert_not_null(e);
    cr_expect(strstr(e->strings[1], "could not be asked to restart") != NULL, "%s", e->strings[1]);
}

/* A crash at the Nth journal write (1-based): the append fails after writing part of the line,
 * exactly like a process killed mid-write, and the run stops. Running again must finish the job
 * with every product removed exactly once. */
ParameterizedTestParameters(remediate, crash_at_every_journal_write)
{
    static unsigned points[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18};
    return cr_make_param_array(unsigned, points, sizeof points / sizeof points[0]);
}

ParameterizedTest(unsigned *nth, remediate, crash_at_every_journal_write)
{
    remfix_kes();
    remfix_agent();
    remfix_defender();
    fake_fs_fail_append(*nth, 17, AVS_EIO);
    remfix_run();
    int first = res.exit_code;
    fake_fs_fail_append(0, 0, 0);
    fake_reboot(); /* the process died: its mutex is gone too */
    remfix_run();
    cr_expect_eq(res.exit_code, AVS_EXIT_OK, "crash at write %u (first run ended %d): %s: %s", *nth,
                 first, res.step ? res.step : "", res.reason ? res.reason : "");
    cr_expect_leq(remfix_uninstall_calls_for(KES), 1, "crash at write %u: KES removed twice", *nth);
    cr_expect_leq(remfix_uninstall_calls_for(AGENT), 1, "crash at write %u: agent removed twice", *nth);
    cr_expect_eq(fake_msi_uninstall_calls(), 2);
    enum avs_svc_state st;
    int startable;
    cr_assert_eq(avs_os_service_query(&st, &startable, "WinDefend"), 0);
    cr_expect_eq(st, AVS_SVC_RUNNING, "crash at write %u: the machine was left unprotected", *nth);
    expect_journal_intact();
}

Test(remediate, installer_busy_waits_with_bounded_backoff_then_1618)
{
    remfix_kes();
    remfix_defender();
    fake_installer_busy(-1);
    remfix_run();
    cr_expect_eq(res.exit_code, AVS_EXIT_BUSY);
    cr_expect_eq(fake_msi_uninstall_calls(), 0);
    cr_expect_gt(fake_slept_ms(), 0, "it waited");
    cr_expect_leq(fake_slept_ms(), 5000, "within --busy-timeout");
    cr_expect_eq(fake_events_with_id(AVS_EV_INSTALLER_BUSY), 1);
}

Test(remediate, installer_busy_for_a_while_then_free)
{
    remfix_kes();
    remfix_defender();
    fake_installer_busy(2);
    remfix_run();
    cr_expect_eq(res.exit_code, AVS_EXIT_OK);
    cr_expect_gt(fake_slept_ms(), 0);
}

Test(remediate, second_instance_gets_1618)
{
    remfix_kes();
    remfix_defender();
    fake_mutex_held(AVS_REMEDIATE_MUTEX);
    remfix_run();
    cr_expect_eq(res.exit_code, AVS_EXIT_BUSY);
    cr_expect_eq(fake_msi_uninstall_calls(), 0);
    cr_expect_eq(fake_events_with_id(AVS_EV_ALREADY_RUNNING), 1);
}

Test(remediate, not_elevated_is_blocked)
{
    remfix_kes();
    remfix_defender();
    fake_identity_set("PC", "PC\\user", "S-1-5-21-1-2-3-1001", 0);
    remfix_run();
    cr_expect_eq(res.exit_code, AVS_EXIT_BLOCKED);
    cr_expect_eq(fake_msi_uninstall_calls(), 0);
    cr_expect(strstr(res.reason, "elevated") != NULL);
}

Test(remediate, pending_restart_blocks_a_new_run)
{
    remfix_kes();
    remfix_defender();
    fake_reg_key(
        AVS_HKLM, AVS_VIEW_64,
        "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootPending");
    remfix_run();
    cr_expect_eq(res.exit_code, AVS_EXIT_BLOCKED);
    cr_expect_eq(fake_msi_uninstall_calls(), 0);
}

Test(remediate, low_disk_space_blocks)
{
    remfix_kes();
    remfix_defender();
    fake_disk_free(10u << 20);
    remfix_run();
    cr_expect_eq(res.exit_code, AVS_EXIT_BLOCKED);
    cr_expect_str_eq(res.step, "disk");
}

Test(remediate, shell_uninstall_string_never_runs)
{
    remfix_kes();
    remfix_defender();
    fake_uninstall_add(AVS_VIEW_32, NULL, "KasperskyEvil", "Kaspersky Free", "21.3",
                       "AO Kaspersky Lab", 0);
    fake_reg_set_sz(AVS_HKLM, AVS_VIEW_32, FAKE_UNINSTALL "\\KasperskyEvil", "UninstallString",
                    "cmd.exe /c del /q C:\\Windows\\*");
    fake_reg_set_sz(AVS_HKLM, AVS_VIEW_32, FAKE_UNINSTALL "\\KasperskyEvil", "QuietUninstallString",
                    "C:\\Windows\\System32\\cmd.exe /c echo owned");
    remfix_run();
    cr_expect_eq(fake_process_calls(), 0, "nothing from the registry ran");
    cr_expect_eq(res.exit_code, AVS_EXIT_FAILED);
    cr_expect_eq(remfix_uninstall_calls_for(KES), 1, "the products that can be removed still are");
    const struct fake_event *e = fake_event_find(AVS_EV_UNSAFE_UNINSTALL);
    cr_assert_not_null(e);
    cr_expect_str_eq(e->strings[1], "Kaspersky Free");
    cr_expect(res.replacement_running, "the machine stays protected");
}

Test(remediate, exe_product_uses_its_validated_quiet_uninstaller)
{
    const char *app = "C:\\Program Files (x86)\\Kaspersky Lab\\Free\\avpui.exe";
    remfix_defender();
    fake_uninstall_add(AVS_VIEW_32, NULL, "KFree", "Kaspersky Free", "21.3", "AO Kaspersky Lab", 0);
    fake_reg_set_sz(AVS_HKLM, AVS_VIEW_32, FAKE_UNINSTALL "\\KFree", "QuietUninstallString",
                    "\"C:\\Program Files (x86)\\Kaspersky Lab\\Free\\avpui.exe\" /uninstall /s");
    fake_exe_uninstaller(app, 0, "KFree", NULL);
    fake_signed_by(app, "AO Kaspersky Lab", "RU");
    remfix_run();
    cr_assert_eq(res.exit_code, AVS_EXIT_OK, "%s", res.reason ? res.reason : "");
    cr_assert_eq(fake_process_calls(), 1);
    cr_expect_str_eq(fake_process_call(0)->app, app);
    /* The registry's arguments are dropped: the catalog's quiet-args for kfree are used. */
    cr_expect_str_eq(fake_process_call(0)->cmdline,
                     "\"C:\\Program Files (x86)\\Kaspersky Lab\\Free\\avpui.exe\" /s");
    cr_expect_eq(fake_process_call(0)->timeout_ms, AVS_EXE_TIMEOUT_MS);
}

Test(remediate, exe_uninstaller_through_a_reparse_point_is_refused)
{
    const char *app = "C:\\Program Files (x86)\\Kaspersky Lab\\Free\\avpui.exe";
    remfix_defender();
    fake_uninstall_add(AVS_VIEW_32, NULL, "KFree", "Kaspersky Free", "21.3", "AO Kaspersky Lab", 0);
    fake_reg_set_sz(AVS_HKLM, AVS_VIEW_32, FAKE_UNINSTALL "\\KFree", "QuietUninstallString",
                    "\"C:\\Program Files (x86)\\Kaspersky Lab\\Free\\avpui.exe\" /s");
    fake_exe_uninstaller(app, 0, "KFree", NULL);
    fake_path_reparse("C:\\Program Files (x86)\\Kaspersky Lab");
    remfix_run();
    cr_expect_eq(fake_process_calls(), 0);
    cr_expect_eq(res.exit_code, AVS_EXIT_FAILED);
}

Test(remediate, hanging_uninstaller_is_ended_at_the_timeout)
{
    const char *app = "C:\\Program Files\\Kaspersky Lab\\Tool\\uninst.exe";
    remfix_defender();
    fake_uninstall_add(AVS_VIEW_64, NULL, "KTool", "Kaspersky Password Manager", "1",
                       "AO Kaspersky Lab", 0);
    fake_reg_set_sz(AVS_HKLM, AVS_VIEW_64, FAKE_UNINSTALL "\\KTool", "QuietUninstallString",
                    "\"C:\\Program Files\\Kaspersky Lab\\Tool\\uninst.exe\" /quiet");
    fake_exe_hangs(app);
    fake_signed_by(app, "AO Kaspersky Lab", "RU");
    remfix_run();
    cr_expect_eq(res.exit_code, AVS_EXIT_FAILED);
    const struct fake_event *e = fake_event_find(AVS_EV_REMOVAL_FAILED);
    cr_assert_not_null(e);
    cr_expect_str_eq(e->strings[4], "1460");
}

Test(remediate, dry_run_changes_nothing)
{
    remfix_kes();
    remfix_agent();
    remfix_defender();
    opts.dry_run = 1;
    remfix_run();
    cr_expect_eq(res.exit_code, AVS_EXIT_OK);
    cr_expect_eq(fake_msi_uninstall_calls(), 0);
    size_t len;
    cr_expect_null(fake_fs_data(JOURNAL, &len), "no journal");
    cr_expect_eq(fake_protected_dirs(), 0, "no folder created");
    cr_expect_eq(res.n_plan, 2);
    cr_expect(strstr(res.plan[0], "Kaspersky Endpoint Security") != NULL, "%s", res.plan[0]);
    cr_expect(strstr(res.plan[1], "Network Agent") != NULL, "%s", res.plan[1]);
    cr_expect_gt(res.n_checks, 3);
    cr_expect_eq(fake_events_with_id(AVS_EV_DRY_RUN), 1);
    cr_expect_eq(fake_events_with_id(AVS_EV_OUTCOME_COMPLIANT), 0);
}

Test(remediate, dry_run_reports_what_would_block)
{
    remfix_kes();
    opts.dry_run = 1;
    remfix_run();
    cr_expect_eq(res.exit_code, AVS_EXIT_BLOCKED);
    cr_expect_eq(fake_msi_uninstall_calls(), 0);
}

Test(remediate, damaged_journal_is_refused)
{
    remfix_kes();
    remfix_defender();
    remfix_run();
    cr_assert_eq(res.exit_code, AVS_EXIT_OK);
    size_t len;
    const char *d = fake_fs_data(JOURNAL, &len);
    cr_assert_not_null(d);
    char *copy = malloc(len);
    memcpy(copy, d, len);
    copy[40] ^= 1; /* one bit of the first record */
    fake_fs_put(JOURNAL, copy, len);
    free(copy);
    remfix_agent();
    remfix_run();
    cr_expect_eq(res.exit_code, AVS_EXIT_FAILED);
    cr_expect_str_eq(res.step, "journal");
    cr_expect_eq(remfix_uninstall_calls_for(AGENT), 0);
    cr_expect_eq(fake_events_with_id(AVS_EV_JOURNAL_DAMAGED), 1);
}

Test(remediate, remnant_driver_alone_fails_honestly)
{
    remfix_defender();
    fake_service_add("klif", NULL, 1, AVS_SVC_RUNNING);
    remfix_run();
    cr_expect_eq(res.exit_code, AVS_EXIT_FAILED);
    cr_expect_eq(fake_process_calls(), 0);
    cr_expect_eq(fake_msi_uninstall_calls(), 0);
    cr_expect_eq(fake_events_with_id(AVS_EV_UNSAFE_UNINSTALL), 1);
}

Test(remediate, security_center_must_show_the_replacement_enabled_where_it_exists)
{
    remfix_kes();
    remfix_defender();
    fake_wsc_add("Kaspersky Endpoint Security for Windows", 0x61000);
    fake_wsc_add("Windows Defender", 0x60100); /* disabled: Windows does not see it protecting */
    remfix_run();
    cr_expect_eq(res.exit_code, AVS_EXIT_FAILED);
    cr_expect_str_eq(res.step, "replacement-verify");
    cr_expect(strstr(res.reason, "Security Center") != NULL, "%s", res.reason);
    cr_expect_geq(fake_slept_ms(), 90000, "it waited for Security Center to catch up");
}

Test(remediate, security_center_showing_it_enabled_verifies)
{
    remfix_kes();
    remfix_defender();
    fake_wsc_add("Windows Defender", 0x61100);
    remfix_run();
    cr_expect_eq(res.exit_code, AVS_EXIT_OK, "%s", res.reason ? res.reason : "");
    cr_expect(journal_has("Security Center: enabled"));
}

Test(remediate, unapproved_replacement_blocks_before_anything_is_removed)
{
    char hex[65];
    remfix_kes();
    remfix_defender();
    replacement_file("C:\\pkg\\other.msi", "unknown package", hex);
    fake_msi_package("C:\\ProgramData\\AvSwap\\staging\\replacement.msi",
                     "{AAAAAAAA-0000-0000-0000-000000000002}", "Unknown Antivirus", "UnknownAV");
    opts.replacement = "C:\\pkg\\other.msi";
    opts.sha256_hex = hex;
    remfix_run();
    cr_expect_eq(res.exit_code, AVS_EXIT_BLOCKED);
    cr_expect(strstr(res.reason, "not an approved product") != NULL, "%s", res.reason);
    cr_expect_eq(fake_msi_uninstall_calls(), 0);
    cr_expect_eq(fake_msi_install_calls(), 0);
}

Test(remediate, exe_replacement_is_identified_by_its_file_name)
{
    char hex[65];
    const char *staged = "C:\\ProgramData\\AvSwap\\staging\\replacement.exe";
    remfix_kes();
    replacement_file("C:\\pkg\\ContosoSetup-5.2.exe", "setup bytes", hex);
    fake_exe_installer(staged, 0, "ContosoAV");
    const char *site = "[approved contoso]\nname = Contoso AV\nservice = ContosoAV\n"
                       "match = ContosoSetup*.exe\n";
    struct avs_buf err = AVS_BUF_INIT;
    cr_assert_eq(avs_catalog_parse(&cat, site, strlen(site), "site.txt", &err), 0);
    avs_buf_free(&err);
    opts.replacement = "C:\\pkg\\ContosoSetup-5.2.exe";
    opts.sha256_hex = hex;
    opts.replacement_args = "/quiet /norestart";
    remfix_run();
    cr_assert_eq(res.exit_code, AVS_EXIT_OK, "%s", res.reason ? res.reason : "");
    cr_assert_eq(fake_process_calls(), 1);
    cr_expect_str_eq(fake_process_call(0)->app, staged, "installed from the verified copy");
    cr_expect_str_eq(fake_process_call(0)->cmdline,
                     "\"C:\\ProgramData\\AvSwap\\staging\\replacement.exe\" /quiet /norestart");
    cr_expect(res.replacement_running);
}

Test(remediate, dry_run_predicts_a_failure_for_an_unremovable_product)
{
    remfix_kes();
    remfix_defender();
    fake_service_add("klnagent", NULL, 0, AVS_SVC_RUNNING); /* no product of its role: remnant */
    opts.dry_run = 1;
    remfix_run();
    cr_expect_eq(res.exit_code, AVS_EXIT_FAILED, "the real run would end 1603");
    cr_expect_eq(fake_msi_uninstall_calls(), 0);
}
