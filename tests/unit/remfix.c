#include "remfix.h"

#include <criterion/criterion.h>
#include <string.h>

#include "buf.h"
#include "fake_fs.h"
#include "fake_os.h"
#include "fake_remediate.h"

struct avs_catalog cat;
struct avs_remediate_result res;
struct avs_remediate_opts opts;

void remfix_setup(void)
{
    struct avs_buf err = AVS_BUF_INIT;
    fake_os_reset();
    fake_fs_reset();
    memset(&cat, 0, sizeof cat);
    memset(&res, 0, sizeof res);
    cr_assert_eq(avs_catalog_load_builtin(&cat, &err), 0);
    avs_buf_free(&err);
    memset(&opts, 0, sizeof opts);
    opts.catalog = &cat;
    opts.catalog_desc = "built-in";
    opts.busy_timeout_ms = 5000;
}

void remfix_teardown(void)
{
    avs_remediate_result_free(&res);
    avs_catalog_free(&cat);
    cr_expect_eq(fake_reg_open_handles(), 0, "registry handles leaked");
}

void remfix_run(void)
{
    avs_remediate_result_free(&res);
    cr_assert_eq(avs_remediate(&res, &opts), 0);
}

void remfix_kes(void)
{
    fake_uninstall_add(AVS_VIEW_64, NULL, REMFIX_KES, "Kaspersky Endpoint Security for Windows",
                       "12.3.0.493", "AO Kaspersky Lab", 1);
    fake_msi_add(REMFIX_KES, NULL, AVS_MSI_MACHINE, "Kaspersky Endpoint Security for Windows",
                 "12.3.0.493", "AO Kaspersky Lab");
}

void remfix_agent(void)
{
    fake_uninstall_add(AVS_VIEW_32, NULL, REMFIX_AGENT, "Kaspersky Security Center Network Agent",
                       "14.0.0.10902", "AO Kaspersky Lab", 1);
    fake_msi_add(REMFIX_AGENT, NULL, AVS_MSI_MACHINE, "Kaspersky Security Center Network Agent",
                 "14.0.0.10902", "AO Kaspersky Lab");
}

void remfix_defender(void)
{
    fake_service_add("WinDefend", "Microsoft Defender Antivirus Service", 0, AVS_SVC_STOPPED);
}

size_t remfix_uninstall_calls_for(const char *code)
{
    size_t n = 0;
    for (size_t i = 0; i < fake_msi_uninstall_calls(); i++)
        n += strcmp(fake_msi_uninstall_call(i)->code, code) == 0;
    return n;
}
