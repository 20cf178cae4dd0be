/* avswap remediate, status and evidence as the helpdesk runs them. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "clicapture.h"
#include "exitcode.h"
#include "fake_fs.h"
#include "fake_os.h"
#include "fake_remediate.h"
#include "jsonread.h"

#define KES "{5A9E0F2C-1B3D-4E5F-8A7B-0C1D2E3F4A5B}"
#define JOURNAL "C:\\ProgramData\\AvSwap\\journal.jsonl"
#define SECRET "Tr0ub4dor&3"

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

TestSuite(cli_remediate, .init = setup, .fini = teardown);

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

struct usage_case {
    char args[6][40];
    char hint[72];
};

ParameterizedTestParameters(cli_remediate, usage_errors)
{
    static struct usage_case cases[] = {
        {{"remediate", "--replacement", "C:\\av.msi"}, "--replacement needs --sha256"},
        {{"remediate", "--sha256", "00"}, "--sha256 goes with --replacement"},
        {{"remediate", "--replacement-args", "/q"}, "--replacement-args goes with --replacement"},
        {{"remediate", "--password-file", "C:\\pw.txt", "--password-prompt"},
         "--password-file or --password-prompt, not both"},
        {{"remediate", "--reboot", "maybe"}, "--reboot takes 'never' or 'if-needed'"},
        {{"remediate", "--login", "KLAdmin"}, "--login goes with --password-file"},
        {{"remediate", "--password-prompt", "--login", "a\tb"}, "--login takes a user name"},
        {{"remediate", "--busy-timeout", "-1"}, "--busy-timeout takes whole seconds"},
        {{"remediate", "--busy-timeout", "3601"}, "--busy-timeout takes whole seconds"},
        {{"remediate", "--dryrun"}, "unknown option '--dryrun'"},
        {{"evidence"}, "expected 'verify' or 'export FILE'"},
        {{"evidence", "export"}, "expected 'verify' or 'export FILE'"},
        {{"status", "--verbose"}, "unknown option '--verbose'"},
    };
    return cr_make_param_array(struct usage_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct usage_case *c, cli_remediate, usage_errors)
{
    const char *args[7] = {0};
    for (int i = 0; i < 6 && c->args[i][0]; i++)
        args[i] = c->args[i];
    fake_os_reset();
    fake_fs_reset();
    cr_expect_eq(avswap(args), AVS_EXIT_USAGE);
    cr_expect(strstr(err_text, c->hint) != NULL, "stderr: %s", err_text);
    cr_expect_eq(fake_msi_uninstall_calls(), 0);
}

Test(cli_remediate, full_run_text_and_status_and_evidence)
{
    endpoint();
    const char *run[] = {"remediate", NULL};
    cr_assert_eq(avswap(run), AVS_EXIT_OK, "%s%s", out_text, err_text);
    cr_expect(strstr(out_text, "Removal order:\n  1. Kaspersky Endpoint Security for Windows") !=
                  NULL,
              "%s", out_text);
    cr_expect(strstr(out_text, "Replacement: Microsoft Defender Antivirus - installed: yes, "
                               "running: yes") != NULL,
              "%s", out_text);
    cr_expect(strstr(out_text, "Result: DONE") != NULL, "%s", out_text);

    const char *status[] = {"status", "--json", NULL};
    cr_assert_eq(avswap(status), AVS_EXIT_OK);
    struct avs_jv *doc = NULL;
    cr_assert_eq(avs_jsonread_parse(&doc, out_text, out_len, NULL), 0, "%s", out_text);
    cr_expect_str_eq(avs_jv_str(avs_jv_member(doc, "phase")), "finished");
    cr_expect(avs_jv_member(doc, "compliant")->b);
    cr_expect_eq(avs_jv_member(doc, "exit_code")->i, 0);
    const struct avs_jv *products = avs_jv_member(doc, "products");
    cr_assert_eq(products->count, 1);
    cr_expect_str_eq(avs_jv_str(avs_jv_member(&products->items[0], "state")), "done");
    cr_expect_str_eq(avs_jv_str(avs_jv_member(doc, "journal")), "intact");
    avs_jv_free(doc);

    const char *verify[] = {"evidence", "verify", NULL};
    cr_expect_eq(avswap(verify), AVS_EXIT_OK);
    cr_expect(strstr(out_text, "Journal intact") != NULL, "%s", out_text);
}

Test(cli_remediate, evidence_verify_names_the_first_bad_record)
{
    endpoint();
    const char *run[] = {"remediate", NULL};
    cr_assert_eq(avswap(run), AVS_EXIT_OK);
    size_t len;
    const char *d = fake_fs_data(JOURNAL, &len);
    char *copy = malloc(len);
    memcpy(copy, d, len);
    char *third = copy;
    for (int i = 0; i < 2; i++)
        third = strchr(third, '\n') + 1;
    char *p = strstr(third, "\"host\":\"");
    cr_assert_not_null(p);
    p[8] = 'X'; /* the host of record 3 rewritten */
    fake_fs_put(JOURNAL, copy, len);
    free(copy);
    const char *verify[] = {"evidence", "verify", NULL};
    cr_expect_eq(avswap(verify), AVS_EXIT_FAILED);
    /* The record's HMAC no longer matches: the edited record itself is named. */
    cr_expect(strstr(out_text, "Journal NOT intact: line 3 is the first bad record: HMAC "
                               "mismatch at record 3") != NULL,
              "the edited record is named: %s", out_text);
}

Test(cli_remediate, evidence_without_a_journal)
{
    const char *verify[] = {"evidence", "verify", NULL};
    cr_expect_eq(avswap(verify), AVS_EXIT_FAILED);
    cr_expect(strstr(err_text, "no journal at C:\\ProgramData\\AvSwap\\journal.jsonl") != NULL,
              "%s", err_text);
    const char *status[] = {"status", NULL};
    cr_expect_eq(avswap(status), AVS_EXIT_OK);
    cr_expect(strstr(out_text, "no remediation recorded") != NULL, "%s", out_text);
}

Test(cli_remediate, password_file_is_used_and_never_echoed)
{
    endpoint();
    fake_msi_require_password(KES, "KLPASSWD", SECRET);
    fake_fs_put("C:\\pw.txt", SECRET "\r\n", strlen(SECRET) + 2);
    const char *run[] = {"remediate", "--password-file", "C:\\pw.txt", "--json", NULL};
    cr_assert_eq(avswap(run), AVS_EXIT_OK, "%s%s", out_text, err_text);
    cr_expect(strstr(fake_msi_uninstall_call(0)->properties, "KLPASSWD=\"" SECRET "\"") != NULL,
              "the line ending is not part of the password");
    cr_expect(memmem(out_text, out_len, SECRET, strlen(SECRET)) == NULL);
    cr_expect(memmem(err_text, err_len, SECRET, strlen(SECRET)) == NULL);
}

Test(cli_remediate, login_option_reaches_kllogin_and_the_password_only_klpasswd)
{
    endpoint();
    fake_msi_require_password(KES, "KLPASSWD", SECRET);
    fake_fs_put("C:\\pw.txt", SECRET "\r\n", strlen(SECRET) + 2);
    const char *run[] = {"remediate", "--password-file", "C:\\pw.txt",
                         "--login",   "Ops Admin",       NULL};
    cr_assert_eq(avswap(run), AVS_EXIT_OK, "%s%s", out_text, err_text);
    const char *props = fake_msi_uninstall_call(0)->properties;
    cr_expect(strstr(props, " KLLOGIN=\"Ops Admin\"") != NULL, "%s", props);
    cr_expect(strstr(props, "KLLOGIN=\"" SECRET) == NULL, "%s", props);
}

Test(cli_remediate, bad_password_file_is_refused_without_quoting_it)
{
    endpoint();
    fake_fs_put("C:\\pw.txt", SECRET "\n" SECRET "\n", 2 * strlen(SECRET) + 2);
    const char *run[] = {"remediate", "--password-file", "C:\\pw.txt", NULL};
    cr_expect_eq(avswap(run), AVS_EXIT_USAGE);
    cr_expect(strstr(err_text, "the password file is not usable") != NULL, "%s", err_text);
    cr_expect(memmem(err_text, err_len, SECRET, strlen(SECRET)) == NULL);
    cr_expect_eq(fake_msi_uninstall_calls(), 0);
}

Test(cli_remediate, password_prompt_needs_a_console)
{
    endpoint();
    const char *run[] = {"remediate", "--password-prompt", NULL};
    cr_expect_eq(avswap(run), AVS_EXIT_USAGE);
    cr_expect(strstr(err_text, "--password-prompt needs a console") != NULL, "%s", err_text);
    fake_console_password(SECRET);
    fake_msi_require_password(KES, "KLPASSWD", SECRET);
    cr_expect_eq(avswap(run), AVS_EXIT_OK, "%s%s", out_text, err_text);
}

Test(cli_remediate, dry_run_json)
{
    endpoint();
    const char *run[] = {"remediate", "--dry-run", "--json", NULL};
    cr_assert_eq(avswap(run), AVS_EXIT_OK);
    struct avs_jv *doc = NULL;
    cr_assert_eq(avs_jsonread_parse(&doc, out_text, out_len, NULL), 0, "%s", out_text);
    cr_expect_str_eq(avs_jv_str(avs_jv_member(doc, "outcome")), "dry-run");
    cr_expect(avs_jv_member(doc, "dry_run")->b);
    cr_expect_eq(avs_jv_member(doc, "plan")->count, 1);
    cr_expect_eq(avs_jv_member(doc, "removed")->count, 0);
    cr_expect_eq(avs_jv_member(doc, "unprotected_seconds")->type, AVS_JV_NULL);
    avs_jv_free(doc);
    cr_expect_eq(fake_msi_uninstall_calls(), 0);
}

/* The strict reader takes integers only (as journal records need); unprotected_seconds is a
 * decimal with three places: check its form, then turn it into milliseconds for the parse. */
static long long take_seconds(char *json)
{
    char *p = strstr(json, "\"unprotected_seconds\":");
    cr_assert_not_null(p, "%s", json);
    p += strlen("\"unprotected_seconds\":");
    long long whole = 0;
    int frac = 0, n = 0;
    cr_assert_eq(sscanf(p, "%lld.%3d%n", &whole, &frac, &n), 2, "not a decimal: %.20s", p);
    cr_assert_eq(p[n - 4], '.', "three decimal places: %.20s", p);
    long long ms = whole * 1000 + frac;
    char digits[32];
    int k = snprintf(digits, sizeof digits, "%lld", ms);
    cr_assert_leq(k, n, "the integer is never longer than the decimal");
    memmove(p + k, p + n, strlen(p + n) + 1);
    memcpy(p, digits, (size_t)k);
    return ms;
}

Test(cli_remediate, json_contract_of_a_real_run)
{
    endpoint();
    const char *run[] = {"remediate", "--json", NULL};
    cr_assert_eq(avswap(run), AVS_EXIT_OK);
    long long ms = take_seconds(out_text);
    cr_expect_gt(ms, 0, "remove-first with Defender has a measured window");
    struct avs_jv *doc = NULL;
    cr_assert_eq(avs_jsonread_parse(&doc, out_text, strlen(out_text), NULL), 0, "%s", out_text);
    cr_expect_str_eq(avs_jv_str(avs_jv_member(doc, "outcome")), "compliant");
    cr_expect_eq(avs_jv_member(doc, "exit_code")->i, 0);
    cr_expect_str_eq(avs_jv_str(avs_jv_member(doc, "strategy")), "remove-first");
    cr_expect_eq(strlen(avs_jv_str(avs_jv_member(doc, "run_id"))), 36, "a UUID");
    cr_expect_eq(avs_jv_member(doc, "unprotected_seconds")->i, ms);
    const struct avs_jv *removed = avs_jv_member(doc, "removed");
    cr_assert_eq(removed->count, 1);
    cr_expect_str_eq(avs_jv_str(avs_jv_member(&removed->items[0], "product_code")), KES);
    cr_expect_eq(avs_jv_member(&removed->items[0], "result")->i, 0);
    const struct avs_jv *repl = avs_jv_member(doc, "replacement");
    cr_expect_str_eq(avs_jv_str(avs_jv_member(repl, "name")), "Microsoft Defender Antivirus");
    cr_expect(avs_jv_member(repl, "running")->b);
    cr_expect_eq(avs_jv_member(doc, "reboot_required")->b, 0);
    cr_expect_eq(avs_jv_member(doc, "remaining")->count, 0);
    avs_jv_free(doc);
}
