/* The policy as the helpdesk meets it: `avswap status` shows each value and its source,
 * `avswap remediate` by hand takes what its flags leave open from the policy, `avswap secret`
 * keeps the uninstall password out of every GPO value, output, event and log
 * (docs/DEPLOY.md; docs/SECURITY.md, "Policy values"). */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "avs_messages.h"
#include "cli.h"
#include "clicapture.h"
#include "exitcode.h"
#include "fake_fs.h"
#include "fake_os.h"
#include "fake_remediate.h"
#include "jsonread.h"
#include "policy.h"
#include "regdata.h"
#include "sha256.h"
#include "state.h"

#define KES "{5A9E0F2C-1B3D-4E5F-8A7B-0C1D2E3F4A5B}"
#define SECRET "Tr0ub4dor&3"
#define POL AVS_POLICY_KEY
#define MSI AVS_POLICY_MSI_KEY
#define SECRET_FILE "C:\\ProgramData\\AvSwap\\uninstall-password.bin"

static char *out_text, *err_text;
static size_t out_len, err_len;

static void setup(void)
{
    fake_os_reset();
    fake_fs_reset();
    out_text = err_text = NULL;
}

static void teardown(void)
{
    free(out_text);
    free(err_text);
}

TestSuite(cli_policy, .init = setup, .fini = teardown);

static int avswap(const char *const *args)
{
    char *argv[16] = {(char *)"avswap"};
    int argc = 1;
    for (; args[argc - 1]; argc++)
        argv[argc] = (char *)args[argc - 1];
    return cli_capture(&out_text, &out_len, &err_text, &err_len, argc, argv);
}

static void endpoint(void)
{
    fake_uninstall_add(AVS_VIEW_64, NULL, KES, "Kaspersky Endpoint Security for Windows",
                       "12.3.0.493", "AO Kaspersky Lab", 1);
    fake_msi_add(KES, NULL, AVS_MSI_MACHINE, "Kaspersky Endpoint Security for Windows",
                 "12.3.0.493", "AO Kaspersky Lab");
    fake_service_add("WinDefend", "Microsoft Defender Antivirus Service", 0, AVS_SVC_STOPPED);
}

static void sz(const char *key, const char *name, const char *value)
{
    fake_reg_set_sz(AVS_HKLM, AVS_VIEW_64, key, name, value);
}

/* No event, and nothing written by AvSwap, holds the secret. */
static void secret_nowhere(void)
{
    cr_expect(memmem(out_text, out_len, SECRET, strlen(SECRET)) == NULL, "stdout: %s", out_text);
    cr_expect(memmem(err_text, err_len, SECRET, strlen(SECRET)) == NULL, "stderr: %s", err_text);
    for (size_t i = 0; i < fake_events_count(); i++)
        for (size_t j = 0; j < fake_event(i)->count; j++)
            cr_expect(strstr(fake_event(i)->strings[j], SECRET) == NULL, "event %u",
                      fake_event(i)->id & 0xffff);
    size_t n = 0;
    const char *journal = fake_fs_data("C:\\ProgramData\\AvSwap\\journal.jsonl", &n);
    cr_expect(!journal || memmem(journal, n, SECRET, strlen(SECRET)) == NULL);
    const char *blob = fake_fs_data(SECRET_FILE, &n);
    cr_expect(!blob || memmem(blob, n, SECRET, strlen(SECRET)) == NULL, "stored in clear");
}

static char *state_sz(const char *name)
{
    avs_os_key *k = NULL;
    struct avs_reg_value v;
    char *s = NULL;
    const char *why;
    cr_assert_eq(avs_os_reg_open(&k, AVS_HKLM, AVS_STATE_KEY, AVS_VIEW_64), 0, "no State key");
    cr_assert_eq(avs_os_reg_value(&v, k, name), 0);
    cr_assert_eq(avs_regdata_string(&s, &why, &v), 0);
    free(v.data);
    avs_os_reg_close(k);
    return s;
}

Test(cli_policy, status_shows_defaults_with_their_source)
{
    const char *status[] = {"status", NULL};
    cr_assert_eq(avswap(status), AVS_EXIT_OK, "%s", err_text);
    cr_expect(strstr(out_text, "Policy: mode audit - the service only reports") != NULL, "%s",
              out_text);
    cr_expect(strstr(out_text, "  Mode                audit  [default]\n") != NULL, "%s", out_text);
    cr_expect(strstr(out_text, "  UninstallLogin      KLAdmin  [default]\n") != NULL, "%s",
              out_text);
    cr_expect(strstr(out_text, "  Uninstall password  none\n") != NULL, "%s", out_text);
    cr_expect_eq(fake_events_count(), 0, "status writes no event");
}

Test(cli_policy, status_json_names_each_source_and_problem)
{
    sz(MSI, "Mode", "enforce");
    sz(MSI, "ReplacementPath", "C:\\pkg\\av.msi");
    sz(MSI, "ReplacementSha256",
       "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    sz(POL, "RebootPolicy", "reboot-now");
    fake_reg_set_dword(AVS_HKLM, AVS_VIEW_64, POL, "RandomDelayMinutes", 45);
    const char *status[] = {"status", "--json", NULL};
    cr_assert_eq(avswap(status), AVS_EXIT_OK, "%s", err_text);
    struct avs_jv *doc = NULL;
    cr_assert_eq(avs_jsonread_parse(&doc, out_text, out_len, NULL), 0, "%s", out_text);
    const struct avs_jv *pol = avs_jv_member(doc, "policy");
    cr_assert_not_null(pol);
    cr_expect_str_eq(avs_jv_member(pol, "effective_mode")->s, "enforce");
    const struct avs_jv *vals = avs_jv_member(pol, "values");
    const struct avs_jv *mode = avs_jv_member(vals, "Mode");
    cr_expect_str_eq(avs_jv_member(mode, "source")->s, "msi");
    const struct avs_jv *delay = avs_jv_member(vals, "RandomDelayMinutes");
    cr_expect_str_eq(avs_jv_member(delay, "value")->s, "45");
    cr_expect_str_eq(avs_jv_member(delay, "source")->s, "policy");
    const struct avs_jv *reboot = avs_jv_member(vals, "RebootPolicy");
    cr_expect_str_eq(avs_jv_member(reboot, "value")->s, "never");
    cr_expect_str_eq(avs_jv_member(reboot, "source")->s, "default");
    const struct avs_jv *probs = avs_jv_member(pol, "problems");
    cr_assert_eq(probs->count, 1);
    const struct avs_jv *p0 = &probs->items[0];
    cr_expect_str_eq(avs_jv_member(p0, "value")->s, "RebootPolicy");
    cr_expect_str_eq(avs_jv_member(p0, "used_instead")->s, "never (default)");
    cr_expect_eq(avs_jv_member(p0, "event_id")->i, 1100);
    avs_jv_free(doc);
}

Test(cli_policy, status_catalog_flag_is_shown_as_flag)
{
    fake_fs_put("C:\\site.txt", "[vendor]\npublisher = X\n", 23);
    const char *status[] = {"status", "--catalog", "C:\\site.txt", NULL};
    cr_assert_eq(avswap(status), AVS_EXIT_OK, "%s", err_text);
    cr_expect(strstr(out_text, "  CatalogPath         C:\\site.txt  [flag]\n") != NULL, "%s",
              out_text);
}

Test(cli_policy, remediate_reports_bad_values_as_events)
{
    endpoint();
    sz(POL, "Mode", "enforced");
    const char *run[] = {"remediate", "--dry-run", NULL};
    cr_assert_eq(avswap(run), AVS_EXIT_OK, "%s%s", out_text, err_text);
    const struct fake_event *e = fake_event_find(AVS_EV_POLICY_VALUE_BAD);
    cr_assert_not_null(e);
    cr_expect_str_eq(e->strings[0], "Mode");
    cr_expect_str_eq(e->strings[3], "audit (default)");
}

Test(cli_policy, remediate_takes_the_replacement_and_its_pin_from_policy)
{
    endpoint();
    fake_fs_put("C:\\pkg\\av.msi", "the package", 11);
    sz(POL, "ReplacementPath", "C:\\pkg\\av.msi");
    sz(POL, "ReplacementSha256",
       "0000000000000000000000000000000000000000000000000000000000000000");
    const char *run[] = {"remediate", NULL};
    cr_expect_eq(avswap(run), AVS_EXIT_BLOCKED, "%s%s", out_text, err_text);
    const struct fake_event *e = fake_event_find(AVS_EV_REPLACEMENT_HASH_MISMATCH);
    cr_assert_not_null(e, "the policy's replacement was not hashed against its pin");
    cr_expect_str_eq(e->strings[1], "C:\\pkg\\av.msi");
    cr_expect_eq(fake_msi_uninstall_calls(), 0);
    char *o = state_sz(AVS_STATE_LAST_OUTCOME);
    cr_expect_str_eq(o, "blocked");
    free(o);
}

Test(cli_policy, an_unpinned_policy_replacement_blocks)
{
    endpoint();
    fake_fs_put("C:\\pkg\\av.msi", "the package", 11);
    sz(POL, "Mode", "enforce");
    sz(POL, "ReplacementPath", "C:\\pkg\\av.msi");
    const char *run[] = {"remediate", NULL};
    cr_expect_eq(avswap(run), AVS_EXIT_BLOCKED, "%s%s", out_text, err_text);
    cr_expect_eq(fake_msi_uninstall_calls(), 0);
    cr_expect_not_null(fake_event_find(AVS_EV_POLICY_PIN_MISSING));
}

Test(cli_policy, remediate_flags_win_over_policy)
{
    endpoint();
    sz(POL, "ReplacementPath", "C:\\pkg\\av.msi");
    sz(POL, "UninstallLogin", "PolicyAdmin");
    fake_msi_require_password(KES, "KLPASSWD", SECRET);
    fake_fs_put("C:\\pw.txt", SECRET "\n", strlen(SECRET) + 1);
    const char *run[] = {"remediate", "--password-file", "C:\\pw.txt",
                         "--login",   "FlagAdmin",       NULL};
    /* No --replacement: the policy's (unpinned) one blocks; with the flags the login is the
     * flag's. */
    cr_expect_eq(avswap(run), AVS_EXIT_BLOCKED, "%s%s", out_text, err_text);
    fake_os_reset();
    fake_fs_reset();
    endpoint();
    sz(POL, "UninstallLogin", "PolicyAdmin");
    fake_msi_require_password(KES, "KLPASSWD", SECRET);
    fake_fs_put("C:\\pw.txt", SECRET "\n", strlen(SECRET) + 1);
    cr_assert_eq(avswap(run), AVS_EXIT_OK, "%s%s", out_text, err_text);
    const char *props = fake_msi_uninstall_call(0)->properties;
    cr_expect(strstr(props, " KLLOGIN=\"FlagAdmin\"") != NULL, "%s", props);
}

Test(cli_policy, remediate_reads_the_policy_password_file_and_login)
{
    endpoint();
    fake_msi_require_password(KES, "KLPASSWD", SECRET);
    fake_fs_put("\\\\fs01\\avpw$\\kes.txt", SECRET "\r\n", strlen(SECRET) + 2);
    sz(POL, "PasswordFile", "\\\\fs01\\avpw$\\kes.txt");
    sz(POL, "UninstallLogin", "SecOps");
    const char *run[] = {"remediate", NULL};
    cr_assert_eq(avswap(run), AVS_EXIT_OK, "%s%s", out_text, err_text);
    const char *props = fake_msi_uninstall_call(0)->properties;
    cr_expect(strstr(props, "KLPASSWD=\"" SECRET "\"") != NULL);
    cr_expect(strstr(props, " KLLOGIN=\"SecOps\"") != NULL, "%s", props);
    secret_nowhere();
    char *o = state_sz(AVS_STATE_LAST_OUTCOME);
    cr_expect_str_eq(o, "compliant");
    free(o);
}

Test(cli_policy, unreadable_policy_password_file_is_event_9101_never_the_data)
{
    endpoint();
    fake_fs_put("C:\\pw.txt", SECRET "\n" SECRET "\n", 2 * strlen(SECRET) + 2);
    sz(POL, "PasswordFile", "C:\\pw.txt");
    const char *run[] = {"remediate", NULL};
    cr_expect_eq(avswap(run), AVS_EXIT_OK, "%s%s", out_text, err_text);
    const struct fake_event *e = fake_event_find(AVS_EV_SECRET_UNUSABLE);
    cr_assert_not_null(e);
    cr_expect_str_eq(e->strings[0], "C:\\pw.txt");
    secret_nowhere();
}

Test(cli_policy, secret_set_then_remediate_then_clear)
{
    endpoint();
    fake_fs_put("C:\\in.txt", SECRET "\r\n", strlen(SECRET) + 2);
    const char *set[] = {"secret", "set", "--from-file", "C:\\in.txt", NULL};
    cr_assert_eq(avswap(set), AVS_EXIT_OK, "%s", err_text);
    cr_expect(strstr(out_text, "The uninstall password is set") != NULL, "%s", out_text);
    cr_expect_not_null(fake_event_find(AVS_EV_SECRET_SET));
    size_t n = 0;
    cr_assert_not_null(fake_fs_data(SECRET_FILE, &n), "no secret file");
    secret_nowhere();

    const char *status[] = {"status", NULL};
    cr_assert_eq(avswap(status), AVS_EXIT_OK);
    cr_expect(strstr(out_text, "Uninstall password  machine secret") != NULL, "%s", out_text);

    fake_msi_require_password(KES, "KLPASSWD", SECRET);
    const char *run[] = {"remediate", NULL};
    cr_assert_eq(avswap(run), AVS_EXIT_OK, "%s%s", out_text, err_text);
    cr_expect(strstr(fake_msi_uninstall_call(0)->properties, "KLPASSWD=\"" SECRET "\"") != NULL);
    secret_nowhere();

    const char *clear[] = {"secret", "clear", NULL};
    cr_assert_eq(avswap(clear), AVS_EXIT_OK);
    cr_expect(strstr(out_text, "cleared") != NULL, "%s", out_text);
    cr_expect_null(fake_fs_data(SECRET_FILE, &n));
    const struct fake_event *e = fake_event_find(AVS_EV_SECRET_CLEARED);
    cr_assert_not_null(e);
    cr_expect_str_eq(e->strings[1], "yes");
    cr_assert_eq(avswap(clear), AVS_EXIT_OK);
    cr_expect(strstr(out_text, "No uninstall password was set") != NULL, "%s", out_text);
}

Test(cli_policy, secret_from_another_machine_is_9101)
{
    endpoint();
    fake_fs_put(SECRET_FILE, "not a dpapi blob", 16);
    const char *run[] = {"remediate", NULL};
    cr_expect_eq(avswap(run), AVS_EXIT_OK, "%s%s", out_text, err_text);
    cr_expect_not_null(fake_event_find(AVS_EV_SECRET_UNUSABLE));
}

Test(cli_policy, secret_usage)
{
    const char *none[] = {"secret", NULL};
    cr_expect_eq(avswap(none), AVS_EXIT_USAGE);
    const char *bad[] = {"secret", "show", NULL};
    cr_expect_eq(avswap(bad), AVS_EXIT_USAGE);
    const char *arg[] = {"secret", "set", SECRET, NULL};
    cr_expect_eq(avswap(arg), AVS_EXIT_USAGE, "a password on the command line is refused");
    cr_expect(memmem(err_text, err_len, SECRET, strlen(SECRET)) == NULL, "%s", err_text);
    const char *prompt[] = {"secret", "set", NULL};
    cr_expect_eq(avswap(prompt), AVS_EXIT_USAGE);
    cr_expect(strstr(err_text, "needs a console") != NULL, "%s", err_text);
    fake_console_password(SECRET);
    cr_expect_eq(avswap(prompt), AVS_EXIT_OK, "%s", err_text);
    secret_nowhere();
}

Test(cli_policy, state_write_failure_is_event_9100_and_the_result_stands)
{
    endpoint();
    fake_reg_fail_write(AVS_EACCES);
    const char *run[] = {"remediate", NULL};
    cr_expect_eq(avswap(run), AVS_EXIT_OK, "%s%s", out_text, err_text);
    const struct fake_event *e = fake_event_find(AVS_EV_STATE_WRITE_FAILED);
    cr_assert_not_null(e);
    cr_expect_str_eq(e->strings[1], "compliant");
}
