/* EXE uninstallers under the trust rules (docs/SECURITY.md, attack 2): nothing from a per-user hive runs
 * elevated; only a program signed by a catalog signer runs, held open from the check to the
 * start; its arguments are the catalog's, never the registry's; the Package Cache only where
 * no non-administrator can write it. Every refusal is event 3020 and leaves the run failed. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <string.h>

#include "avs_messages.h"
#include "exitcode.h"
#include "fake_fs.h"
#include "fake_os.h"
#include "fake_remediate.h"
#include "remediate.h"
#include "remfix.h"

#define SID "S-1-5-21-1000-2000-3000-1001"
#define PF86 "C:\\Program Files (x86)\\Kaspersky Lab\\Kaspersky Free 21.3\\"
#define APP PF86 "avpuninst.exe"
#define CACHE "C:\\ProgramData\\Package Cache\\{0D1E2F3A-0000-4000-8000-00000000A5A5}"
#define CACHE_APP CACHE "\\kpm_setup.exe"


static void setup(void)
{
    remfix_setup();
    remfix_defender();
}

static void teardown(void)
{
    cr_expect_eq(fake_held_files_open(), 0, "a program stayed open after the run");
    remfix_teardown();
}

TestSuite(remediate_exe, .init = setup, .fini = teardown);

/* Kaspersky Free under HKLM (32-bit view), its QuietUninstallString naming PROGRAM with ARGS. */
static void kfree_entry(const char *program, const char *args)
{
    char q[600];
    snprintf(q, sizeof q, "\"%s\"%s%s", program, args ? " " : "", args ? args : "");
    fake_uninstall_add(AVS_VIEW_32, NULL, "KasperskyFree", "Kaspersky Free", "21.3.10.391",
                       "AO Kaspersky Lab", 0);
    fake_reg_set_sz(AVS_HKLM, AVS_VIEW_32, FAKE_UNINSTALL "\\KasperskyFree", "QuietUninstallString",
                    q);
    fake_exe_uninstaller(program, 0, "KasperskyFree", NULL);
}

/* The one 3020 event: its strings after the run ID are product, key, program, reason. */
static const struct fake_event *refusal(void)
{
    cr_assert_eq(fake_events_with_id(AVS_EV_EXE_REFUSED), 1, "one 3020 event");
    const struct fake_event *e = fake_event_find(AVS_EV_EXE_REFUSED);
    cr_assert_not_null(e);
    return e;
}

static void expect_refused(const char *reason_part)
{
    cr_expect_eq(fake_process_calls(), 0, "nothing ran");
    cr_expect_eq(res.exit_code, AVS_EXIT_FAILED, "the removal is reported as not done");
    cr_expect_eq(fake_events_with_id(AVS_EV_REMOVAL_STARTED), 0);
    const struct fake_event *e = refusal();
    cr_expect_str_eq(e->strings[1], "Kaspersky Free");
    cr_expect(strstr(e->strings[4], reason_part) != NULL, "reason '%s', expected '%s'",
              e->strings[4], reason_part);
    cr_expect(res.replacement_running, "the machine stays protected");
}

Test(remediate_exe, vendor_signed_program_runs_with_catalog_args_only)
{
    /* Arguments a user could have chosen ("start this other program") never reach it. */
    kfree_entry(APP, "/s --run \"C:\\Users\\Public\\evil.exe\"");
    fake_signed_by(APP, "AO Kaspersky Lab", "RU");
    remfix_run();
    cr_assert_eq(res.exit_code, AVS_EXIT_OK, "%s", res.reason ? res.reason : "");
    cr_assert_eq(fake_process_calls(), 1);
    cr_expect_str_eq(fake_process_call(0)->app, APP);
    cr_expect_str_eq(fake_process_call(0)->cmdline, "\"" APP "\" /s");
    cr_expect_eq(fake_events_with_id(AVS_EV_EXE_REFUSED), 0);
}

Test(remediate_exe, program_is_held_open_from_the_check_until_it_starts)
{
    kfree_entry(APP, NULL);
    fake_signed_by(APP, "AO Kaspersky Lab", "RU");
    remfix_run();
    cr_assert_eq(fake_held_runs(), 1, "the run went through avs_os_process_run_held");
    cr_expect_str_eq(fake_held_run_path(0), APP, "the file checked is the file that runs");
}

struct signer_case {
    char o[40];
    char c[8];
    int runs;
};

ParameterizedTestParameters(remediate_exe, signers)
{
    static struct signer_case cases[] = {
        {"AO Kaspersky Lab", "RU", 1}, {"Kaspersky Lab ZAO", "RU", 1},
        {"Kaspersky Lab", "RU", 1},    {"ao kaspersky lab", "ru", 1},
        {"AO Kaspersky Lab", "US", 0}, {"Kaspersky Labs", "RU", 0},
        {"Contoso Ltd", "US", 0},      {"AO Kaspersky Lab Evil", "RU", 0},
    };
    return cr_make_param_array(struct signer_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct signer_case *t, remediate_exe, signers)
{
    kfree_entry(APP, NULL);
    fake_signed_by(APP, t->o, t->c);
    remfix_run();
    if (t->runs) {
        cr_expect_eq(res.exit_code, AVS_EXIT_OK, "O=%s, C=%s: %s", t->o, t->c,
                     res.reason ? res.reason : "");
        cr_expect_eq(fake_process_calls(), 1);
    } else {
        expect_refused("not a signer the catalog names");
        cr_expect(strstr(refusal()->strings[4], t->o) != NULL, "the reason names the signer");
    }
}

struct verdict_case {
    int status;
    unsigned code;
    char reason[64];
};

ParameterizedTestParameters(remediate_exe, bad_signatures)
{
    static struct verdict_case cases[] = {
        {AVS_SIG_UNSIGNED, 0x800B0100u, "not Authenticode-signed (WinVerifyTrust 0x800B0100)"},
        {AVS_SIG_MODIFIED, 0x80096010u, "changed after it was signed"},
        {AVS_SIG_INVALID, 0x800B0109u, "not valid (WinVerifyTrust 0x800B0109)"},
    };
    return cr_make_param_array(struct verdict_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct verdict_case *t, remediate_exe, bad_signatures)
{
    kfree_entry(APP, NULL);
    /* The subject is a vendor signer: the verdict alone must refuse it. */
    fake_signature(APP, (enum avs_sig_status)t->status, t->code, "AO Kaspersky Lab", NULL, NULL,
                   "RU");
    remfix_run();
    expect_refused(t->reason);
    const struct fake_event *e = refusal();
    cr_expect_str_eq(e->strings[2], "HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\"
                                    "CurrentVersion\\Uninstall\\KasperskyFree");
    cr_expect_str_eq(e->strings[3], APP);
}

Test(remediate_exe, never_described_program_is_unsigned)
{
    kfree_entry(APP, NULL);
    remfix_run();
    expect_refused("0x800B0100");
}

Test(remediate_exe, per_user_entry_never_runs_even_when_vendor_signed)
{
    /* A standard user's own hive: the program and the folder are the user's choice. */
    fake_uninstall_add(AVS_VIEW_64, SID, "KasperskyFree", "Kaspersky Free", "21.3",
                       "AO Kaspersky Lab", 0);
    fake_reg_set_sz(AVS_HKU, AVS_VIEW_64,
                    SID "\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\KasperskyFree",
                    "QuietUninstallString", "\"" CACHE_APP "\" /s");
    fake_exe_uninstaller(CACHE_APP, 0, "KasperskyFree", NULL);
    fake_signed_by(CACHE_APP, "AO Kaspersky Lab", "RU");
    remfix_run();
    expect_refused("per-user");
    const struct fake_event *e = refusal();
    cr_expect(strncmp(e->strings[2], "HKU\\" SID "\\", strlen("HKU\\" SID "\\")) == 0, "key %s",
              e->strings[2]);
    cr_expect_str_eq(e->strings[3], CACHE_APP);
}

Test(remediate_exe, per_user_entry_is_reported_in_the_plan)
{
    fake_uninstall_add(AVS_VIEW_64, SID, "KasperskyFree", "Kaspersky Free", "21.3",
                       "AO Kaspersky Lab", 0);
    fake_reg_set_sz(AVS_HKU, AVS_VIEW_64,
                    SID "\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\KasperskyFree",
                    "QuietUninstallString", "\"" APP "\" /s");
    fake_exe_uninstaller(APP, 0, "KasperskyFree", NULL);
    fake_signed_by(APP, "AO Kaspersky Lab", "RU");
    opts.dry_run = 1;
    remfix_run();
    int found = 0;
    for (size_t i = 0; i < res.n_plan; i++)
        found |= strstr(res.plan[i], "Kaspersky Free") && strstr(res.plan[i], "per-user");
    cr_expect(found, "the plan says the per-user product cannot be removed");
    cr_expect_eq(fake_process_calls(), 0);
}

Test(remediate_exe, package_cache_writable_by_a_user_is_refused)
{
    kfree_entry(CACHE_APP, NULL);
    fake_signed_by(CACHE_APP, "AO Kaspersky Lab", "RU");
    fake_path_user_writable("C:\\ProgramData\\Package Cache");
    remfix_run();
    expect_refused("where a non-administrator can write: C:\\ProgramData\\Package Cache");
}

Test(remediate_exe, package_cache_subfolder_writable_by_a_user_is_refused)
{
    kfree_entry(CACHE_APP, NULL);
    fake_signed_by(CACHE_APP, "AO Kaspersky Lab", "RU");
    fake_path_user_writable(CACHE);
    /* ProgramData itself lets users add folders: that is why its children are checked. */
    fake_path_user_writable("C:\\ProgramData");
    remfix_run();
    expect_refused(CACHE);
}

Test(remediate_exe, package_cache_whose_security_cannot_be_read_is_refused)
{
    kfree_entry(CACHE_APP, NULL);
    fake_signed_by(CACHE_APP, "AO Kaspersky Lab", "RU");
    fake_path_security_fails(AVS_EACCES);
    remfix_run();
    expect_refused("security could not be read");
}

Test(remediate_exe, package_cache_only_administrators_can_write_runs)
{
    kfree_entry(CACHE_APP, NULL);
    fake_signed_by(CACHE_APP, "AO Kaspersky Lab", "RU");
    fake_path_user_writable("C:\\ProgramData"); /* as on every Windows: not on the checked chain */
    remfix_run();
    cr_expect_eq(res.exit_code, AVS_EXIT_OK, "%s", res.reason ? res.reason : "");
    cr_assert_eq(fake_process_calls(), 1);
    cr_expect_str_eq(fake_process_call(0)->cmdline, "\"" CACHE_APP "\" /s");
}

Test(remediate_exe, program_files_is_not_subject_to_the_package_cache_check)
{
    kfree_entry(APP, NULL);
    fake_signed_by(APP, "AO Kaspersky Lab", "RU");
    fake_path_security_fails(AVS_EACCES);
    remfix_run();
    cr_expect_eq(res.exit_code, AVS_EXIT_OK, "%s", res.reason ? res.reason : "");
}

Test(remediate_exe, product_without_catalog_quiet_args_is_not_run)
{
    /* "Other Kaspersky product" (the fallback) has no documented silent arguments. */
    fake_uninstall_add(AVS_VIEW_64, NULL, "KTool", "Kaspersky Rescue Tool", "1", "AO Kaspersky Lab",
                       0);
    fake_reg_set_sz(AVS_HKLM, AVS_VIEW_64, FAKE_UNINSTALL "\\KTool", "QuietUninstallString",
                    "\"C:\\Program Files\\Kaspersky Lab\\Tool\\uninst.exe\" /quiet");
    fake_exe_uninstaller("C:\\Program Files\\Kaspersky Lab\\Tool\\uninst.exe", 0, "KTool", NULL);
    fake_signed_by("C:\\Program Files\\Kaspersky Lab\\Tool\\uninst.exe", "AO Kaspersky Lab", "RU");
    remfix_run();
    cr_expect_eq(fake_process_calls(), 0);
    cr_expect_eq(res.exit_code, AVS_EXIT_FAILED);
    const struct fake_event *e = fake_event_find(AVS_EV_UNSAFE_UNINSTALL);
    cr_assert_not_null(e);
    cr_expect(strstr(e->strings[3], "quiet-args") != NULL, "%s", e->strings[3]);
}

Test(remediate_exe, catalog_without_signers_runs_nothing)
{
    struct avs_catalog own;
    struct avs_buf err = AVS_BUF_INIT;
    const char *text = "[product kfree]\nname = Kaspersky Free\nmatch = Kaspersky Free*\n"
                       "role = protection\npriority = 20\nquiet-args = /s\n"
                       "[approved defender]\nname = Microsoft Defender Antivirus\n"
                       "service = WinDefend\n";
    memset(&own, 0, sizeof own);
    cr_assert_eq(avs_catalog_parse(&own, text, strlen(text), "own.txt", &err), 0, "%s",
                 err.data ? err.data : "");
    opts.catalog = &own;
    kfree_entry(APP, NULL);
    fake_signed_by(APP, "AO Kaspersky Lab", "RU");
    remfix_run();
    expect_refused("names no signer");
    avs_catalog_free(&own);
    avs_buf_free(&err);
}

Test(remediate_exe, refusal_is_journalled_as_not_done)
{
    kfree_entry(APP, NULL);
    fake_signed_by(APP, "Contoso Ltd", "US");
    remfix_run();
    cr_expect_eq(res.exit_code, AVS_EXIT_FAILED);
    int listed = 0;
    for (size_t i = 0; i < res.n_remaining; i++)
        listed |= strcmp(res.remaining[i], "Kaspersky Free") == 0;
    cr_expect(listed, "Kaspersky Free is still reported as remaining");
    const struct fake_event *e = refusal();
    cr_expect(strstr(e->strings[5], "seq ") == e->strings[5], "anchored in the journal: %s",
              e->strings[5]);
}
