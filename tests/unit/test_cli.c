/* avswap's command line as a helpdesk engineer uses it: arguments, exit codes, text and JSON. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "avs_messages.h"
#include "cli.h"
#include "clicapture.h"
#include "exitcode.h"
#include "fake_fs.h"
#include "fake_os.h"
#include "jsonread.h"

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
    cr_expect_eq(fake_reg_open_handles(), 0, "registry handles leaked");
}

TestSuite(cli, .init = setup, .fini = teardown);

/* Runs avswap with up to 8 arguments; captures stdout and stderr. */
static int avswap(int argc, const char *a0, const char *a1, const char *a2, const char *a3)
{
    char *argv[6] = {(char *)"avswap", (char *)a0, (char *)a1, (char *)a2, (char *)a3, NULL};
    return cli_capture(&out_text, &out_len, &err_text, &err_len, argc + 1, argv);
}

static void kaspersky_free(void)
{
    fake_uninstall_add(AVS_VIEW_32, NULL, "Kaspersky Free 21.3", "Kaspersky Free", "21.3.10.391",
                       "AO Kaspersky Lab", 0);
    fake_reg_set_sz(AVS_HKLM, AVS_VIEW_32, FAKE_UNINSTALL "\\Kaspersky Free 21.3",
                    "UninstallString", "C:\\Program Files (x86)\\Kaspersky Lab\\avp.exe /x");
}

Test(cli, help_and_version)
{
    cr_expect_eq(avswap(1, "--help", NULL, NULL, NULL), 0);
    cr_expect(strstr(out_text, "avswap scan") != NULL);
    cr_expect(strstr(out_text, "3010") != NULL, "exit codes are documented in --help");
    cr_expect_eq(avswap(1, "--version", NULL, NULL, NULL), 0);
    cr_expect_str_eq(out_text, "avswap 0.1.0\n");
}

struct usage_case {
    char a0[24], a1[24], a2[24];
    char hint[48];
};

ParameterizedTestParameters(cli, usage_errors)
{
    static struct usage_case cases[] = {
        {"", "", "", "missing command"},
        {"frobnicate", "", "", "unknown command 'frobnicate'"},
        {"scan", "--jsn", "", "unknown option '--jsn'"},
        {"scan", "--catalog", "", "missing value for '--catalog'"},
        {"scan", "--catalog=", "", "missing value for '--catalog'"},
        {"scan", "--catalog", "--json", "missing value for '--catalog'"},
        {"scan", "--json", "--json", "option given twice: '--json'"},
        {"scan", "--json=yes", "", "option takes no value: '--json'"},
        {"scan", "extra", "", "unexpected argument 'extra'"},
    };
    return cr_make_param_array(struct usage_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct usage_case *c, cli, usage_errors)
{
    fake_os_reset();
    int argc = !c->a0[0] ? 0 : !c->a1[0] ? 1 : !c->a2[0] ? 2 : 3;
    char *argv[5] = {(char *)"avswap", c->a0, c->a1, c->a2, NULL};
    int code = cli_capture(&out_text, &out_len, &err_text, &err_len, argc + 1, argv);
    cr_expect_eq(code, AVS_EXIT_USAGE);
    cr_expect(strstr(err_text, c->hint) != NULL, "stderr: %s", err_text);
    cr_expect(strstr(err_text, "avswap --help") != NULL, "a hint follows: %s", err_text);
    cr_expect_eq(out_len, 0, "nothing on stdout for a usage error");
    cr_expect_eq(fake_events_count(), 0, "no scan ran");
}

Test(cli, scan_clean_machine_exits_0)
{
    cr_expect_eq(avswap(1, "scan", NULL, NULL, NULL), AVS_EXIT_OK);
    cr_expect(strstr(out_text, "Result: COMPLIANT") != NULL, "%s", out_text);
    cr_expect(strstr(out_text, "wsc              unavailable:") != NULL, "%s", out_text);
}

Test(cli, scan_finding_exits_10_with_a_readable_table)
{
    kaspersky_free();
    cr_expect_eq(avswap(1, "scan", NULL, NULL, NULL), AVS_EXIT_FOUND);
    cr_expect(strstr(out_text, "AvSwap 0.1.0 scan of TESTHOST") != NULL, "%s", out_text);
    cr_expect(strstr(out_text, "Kaspersky Free") != NULL);
    cr_expect(strstr(out_text, "21.3.10.391") != NULL);
    cr_expect(strstr(out_text, "matched: uninstall-key") != NULL);
    cr_expect(strstr(out_text, "Result: NOT COMPLIANT - 1 prohibited product(s) present (exit "
                               "code 10)") != NULL,
              "%s", out_text);
}

Test(cli, scan_text_neutralises_terminal_escapes)
{
    fake_uninstall_add(AVS_VIEW_64, NULL, "X", "Kaspersky Free\x1b[2J\x1b]0;owned\x07", "1",
                       "AO Kaspersky Lab", 0);
    cr_expect_eq(avswap(1, "scan", NULL, NULL, NULL), AVS_EXIT_FOUND);
    cr_expect(strchr(out_text, '\x1b') == NULL, "no raw ESC reaches the console");
    cr_expect(strstr(out_text, "Kaspersky Free\\x1b[2J") != NULL, "%s", out_text);
}

Test(cli, scan_json_contract)
{
    kaspersky_free();
    fake_uninstall_add(AVS_VIEW_64, NULL, "Tricky", "Kaspersky \"Quoted\"\tName \xd0\x9a\x01", NULL,
                       "AO Kaspersky Lab", 0);
    cr_expect_eq(avswap(2, "scan", "--json", NULL, NULL), AVS_EXIT_FOUND);
    struct avs_jv *doc = NULL;
    struct avs_jsonread_error e = {0, NULL};
    cr_assert_eq(avs_jsonread_parse(&doc, out_text, out_len, &e), 0, "invalid JSON at %zu: %s",
                 e.offset, e.why ? e.why : "");
    cr_expect_eq(avs_jv_member(doc, "compliant")->type, AVS_JV_BOOL);
    cr_expect_eq(avs_jv_member(doc, "compliant")->b, 0);
    cr_expect_eq(avs_jv_member(doc, "exit_code")->i, 10);
    cr_expect_str_eq(avs_jv_str(avs_jv_member(doc, "host")), "TESTHOST");
    const struct avs_jv *findings = avs_jv_member(doc, "findings");
    cr_assert_eq(findings->type, AVS_JV_ARRAY);
    cr_assert_eq(findings->count, 2);
    const struct avs_jv *f = NULL;
    for (size_t i = 0; i < findings->count; i++)
        if (strcmp(avs_jv_str(avs_jv_member(&findings->items[i], "name")), "Kaspersky Free") == 0)
            f = &findings->items[i];
    cr_assert_not_null(f);
    cr_expect_str_eq(avs_jv_str(avs_jv_member(f, "version")), "21.3.10.391");
    cr_expect_str_eq(avs_jv_str(avs_jv_member(f, "publisher")), "AO Kaspersky Lab");
    cr_expect_eq(avs_jv_member(f, "product_code")->type, AVS_JV_NULL);
    cr_expect_str_eq(avs_jv_str(avs_jv_member(f, "arch")), "x86");
    cr_expect_str_eq(avs_jv_str(avs_jv_member(f, "scope")), "machine");
    cr_expect_str_eq(avs_jv_str(avs_jv_member(f, "uninstall")), "exe");
    cr_expect_str_eq(avs_jv_str(avs_jv_member(f, "catalog_id")), "kfree");
    const struct avs_jv *signals = avs_jv_member(f, "signals");
    cr_assert_eq(signals->count, 1);
    cr_expect_str_eq(avs_jv_str(&signals->items[0]), "uninstall-key");

    /* The tricky name survives the round trip exactly. */
    int tricky = 0;
    for (size_t i = 0; i < findings->count; i++)
        tricky |= strcmp(avs_jv_str(avs_jv_member(&findings->items[i], "name")),
                         "Kaspersky \"Quoted\"\tName \xd0\x9a\x01") == 0;
    cr_expect(tricky);

    const struct avs_jv *sources = avs_jv_member(doc, "sources");
    cr_expect_str_eq(avs_jv_str(avs_jv_member(sources, "uninstall-64")), "ok");
    cr_expect(strncmp(avs_jv_str(avs_jv_member(sources, "wsc")), "unavailable: ", 13) == 0);
    cr_expect_eq(avs_jv_member(doc, "approved")->type, AVS_JV_ARRAY);
    cr_expect_eq(avs_jv_member(doc, "notes")->type, AVS_JV_ARRAY);
    avs_jv_free(doc);
}

Test(cli, unreadable_source_exits_1603)
{
    fake_reg_fail_open(AVS_HKLM, AVS_VIEW_32, FAKE_UNINSTALL, AVS_EACCES);
    cr_expect_eq(avswap(1, "scan", NULL, NULL, NULL), AVS_EXIT_FAILED);
    cr_expect(strstr(out_text, "Result: INCOMPLETE") != NULL, "%s", out_text);
    cr_expect(strstr(out_text, "uninstall-32     error: access denied") != NULL, "%s", out_text);
}

Test(cli, catalog_file_adds_a_product)
{
    const char *file = "[product kfuture]\nname = Kaspersky Future\nmatch = Kaspersky Future*\n"
                       "role = utility\npriority = 55\n";
    fake_fs_put("C:\\site\\catalog.txt", file, strlen(file));
    fake_uninstall_add(AVS_VIEW_64, NULL, "KF", "Kaspersky Future 1.0", "1.0", "Someone", 0);
    cr_expect_eq(avswap(3, "scan", "--catalog", "C:\\site\\catalog.txt", NULL), AVS_EXIT_FOUND);
    cr_expect(strstr(out_text, "Kaspersky Future 1.0") != NULL, "%s", out_text);
    const struct fake_event *start = fake_event_find(AVS_EV_SCAN_STARTED);
    cr_assert_not_null(start);
    const char *want = "built-in + C:\\site\\catalog.txt (SHA-256 "; /* the file's hash follows */
    cr_expect(strncmp(start->strings[3], want, strlen(want)) == 0, "%s", start->strings[3]);
}

Test(cli, malformed_catalog_file_exits_2_naming_the_line)
{
    const char *file = "[vendor]\npublisher = X\n\n[product x]\nprority = 3\n";
    fake_fs_put("C:\\site\\bad.txt", file, strlen(file));
    cr_expect_eq(avswap(3, "scan", "--catalog", "C:\\site\\bad.txt", NULL), AVS_EXIT_USAGE);
    cr_expect(strstr(err_text, "C:\\site\\bad.txt:5: unknown key 'prority'") != NULL, "%s",
              err_text);
    cr_expect_eq(fake_events_count(), 0, "nothing is scanned with a bad catalog");
}

Test(cli, missing_catalog_file_exits_2)
{
    cr_expect_eq(avswap(2, "scan", "--catalog=C:\\nope.txt", NULL, NULL), AVS_EXIT_USAGE);
    cr_expect(strstr(err_text, "cannot read catalog file 'C:\\nope.txt': not found") != NULL, "%s",
              err_text);
}

Test(cli, event_log_failure_is_a_warning_not_a_failure)
{
    kaspersky_free();
    fake_events_fail(AVS_EACCES);
    cr_expect_eq(avswap(1, "scan", NULL, NULL, NULL), AVS_EXIT_FOUND);
    cr_expect(strstr(err_text, "could not be written to the Event Log: access denied") != NULL,
              "%s", err_text);
}
