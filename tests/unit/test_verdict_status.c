/* `avswap status` re-checks the verdict: a run the journal says ended compliant is shown
 * compliant only while the machine still is (docs/SECURITY.md). */
#define _GNU_SOURCE
#include <criterion/criterion.h>
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
#include "sha256.h"

#define KES "{5A9E0F2C-1B3D-4E5F-8A7B-0C1D2E3F4A5B}"
#define CONTOSO "{C0C0C0C0-0000-4000-8000-00000000CCCC}"

static char *out_text, *err_text;
static size_t out_len, err_len;
static struct avs_jv *doc;

static void setup(void)
{
    fake_os_reset();
    fake_fs_reset();
    out_text = err_text = NULL;
    doc = NULL;
}

static void teardown(void)
{
    free(out_text);
    free(err_text);
    avs_jv_free(doc);
}

TestSuite(verdict_status, .init = setup, .fini = teardown);

static int avswap(const char *const *args)
{
    char *argv[16] = {(char *)"avswap"};
    int argc = 1;
    for (; args[argc - 1]; argc++)
        argv[argc] = (char *)args[argc - 1];
    return cli_capture(&out_text, &out_len, &err_text, &err_len, argc, argv);
}

static void kes(void)
{
    fake_uninstall_add(AVS_VIEW_64, NULL, KES, "Kaspersky Endpoint Security for Windows",
                       "12.3.0.493", "AO Kaspersky Lab", 1);
    fake_msi_add(KES, NULL, AVS_MSI_MACHINE, "Kaspersky Endpoint Security for Windows",
                 "12.3.0.493", "AO Kaspersky Lab");
}

/* Remediates with Defender, then returns the parsed `status --json`. */
static void remediate_with_defender(void)
{
    kes();
    fake_service_add("WinDefend", "Microsoft Defender Antivirus Service", 0, AVS_SVC_STOPPED);
    const char *run[] = {"remediate", NULL};
    cr_assert_eq(avswap(run), AVS_EXIT_OK, "%s%s", out_text, err_text);
}

static const struct avs_jv *status_json(void)
{
    const char *status[] = {"status", "--json", NULL};
    cr_assert_eq(avswap(status), AVS_EXIT_OK, "%s", err_text);
    avs_jv_free(doc);
    doc = NULL;
    cr_assert_eq(avs_jsonread_parse(&doc, out_text, out_len, NULL), 0, "%s", out_text);
    return doc;
}

static void expect_not_compliant_now(const char *check, const char *detail_part)
{
    const struct avs_jv *d = status_json();
    cr_expect_eq(avs_jv_member(d, "exit_code")->i, 0, "the journal's record is unchanged");
    cr_expect_not(avs_jv_member(d, "compliant")->b, "status still says compliant: %s", out_text);
    const struct avs_jv *v = avs_jv_member(d, "verdict_now");
    cr_assert_not_null(v);
    cr_expect_not(avs_jv_member(v, "compliant")->b);
    cr_expect_str_eq(avs_jv_str(avs_jv_member(v, "failed_check")), check, "%s", out_text);
    cr_expect(strstr(avs_jv_str(avs_jv_member(v, "detail")), detail_part) != NULL, "%s", out_text);

    const char *text[] = {"status", NULL};
    cr_assert_eq(avswap(text), AVS_EXIT_OK);
    cr_expect(strstr(out_text, "Exit code: 0 (compliant)") == NULL, "%s", out_text);
    cr_expect(strstr(out_text, "NOT compliant now") != NULL, "%s", out_text);
    cr_expect(strstr(out_text, "Checked now: ") != NULL, "%s", out_text);
}

Test(verdict_status, compliant_while_the_machine_still_is)
{
    remediate_with_defender();
    const struct avs_jv *d = status_json();
    cr_expect(avs_jv_member(d, "compliant")->b, "%s", out_text);
    cr_expect(avs_jv_member(avs_jv_member(d, "verdict_now"), "compliant")->b, "%s", out_text);
    const char *text[] = {"status", NULL};
    cr_assert_eq(avswap(text), AVS_EXIT_OK);
    cr_expect(strstr(out_text, "Exit code: 0 (compliant)\n") != NULL, "%s", out_text);
}

Test(verdict_status, replacement_stopped_since_is_not_compliant)
{
    remediate_with_defender();
    fake_service_set_state("WinDefend", AVS_SVC_STOPPED);
    expect_not_compliant_now("service", "WinDefend");
}

Test(verdict_status, prohibited_product_back_since_is_not_compliant)
{
    remediate_with_defender();
    kes();
    expect_not_compliant_now("scan", "Kaspersky Endpoint Security for Windows");
}

Test(verdict_status, security_center_snoozed_since_is_not_compliant)
{
    remediate_with_defender();
    fake_wsc_enable();
    fake_wsc_add("Windows Defender", 0x62100);
    expect_not_compliant_now("security-center", "Microsoft Defender Antivirus");
}

Test(verdict_status, msi_replacement_uninstalled_since_is_not_compliant)
{
    uint8_t d[32];
    char hex[65];
    const char *bytes = "contoso status package";
    kes();
    fake_fs_put("C:\\pkg\\contoso.msi", bytes, strlen(bytes));
    avs_sha256(d, bytes, strlen(bytes));
    avs_sha256_hex(hex, d);
    fake_msi_package("C:\\ProgramData\\AvSwap\\staging\\replacement.msi", CONTOSO, "Contoso AV",
                     "ContosoAV");
    const char *site = "[approved contoso]\nname = Contoso AV\nservice = ContosoAV\n"
                       "match = Contoso AV*\ncoexist = yes\n";
    fake_fs_put("C:\\pkg\\site.txt", site, strlen(site));
    const char *run[] = {"remediate", "--replacement", "C:\\pkg\\contoso.msi", "--sha256",
                         hex,         "--catalog",     "C:\\pkg\\site.txt",    NULL};
    cr_assert_eq(avswap(run), AVS_EXIT_OK, "%s%s", out_text, err_text);
    cr_expect(avs_jv_member(status_json(), "compliant")->b, "%s", out_text);

    /* Later, something else's uninstall takes the replacement's Windows Installer record with
     * it and leaves its service running. */
    fake_msi_uninstall_also(KES, CONTOSO, NULL);
    kes();
    int result = 0;
    cr_assert_eq(avs_os_msi_uninstall(&result, KES, "", NULL), 0);
    cr_assert_eq(result, 0);
    expect_not_compliant_now("installed", CONTOSO);
}
