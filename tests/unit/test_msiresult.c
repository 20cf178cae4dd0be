/* The Windows Installer result-code table the remediation engine follows. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include "msiresult.h"

#define GENERIC "Windows Installer error"

struct msi_case {
    int code;
    enum avs_msi_action action;
    char text[40]; /* a distinctive part of the text; "" = the generic text */
};

ParameterizedTestParameters(msiresult, table)
{
    static struct msi_case cases[] = {
        {0, AVS_MSI_DONE, "completed successfully"},
        {1605, AVS_MSI_ALREADY_GONE, "not installed"},
        {3010, AVS_MSI_REBOOT, "restart is required"},
        {1641, AVS_MSI_REBOOT, "started a restart"},
        {1618, AVS_MSI_RETRY_BUSY, "already in progress"},
        {1602, AVS_MSI_FAILED, "cancelled"},
        {1603, AVS_MSI_FAILED, "fatal error"},
        {1619, AVS_MSI_FAILED, "could not be opened"},
        {1620, AVS_MSI_FAILED, "not a valid package"},
        {1625, AVS_MSI_FAILED, "forbidden by system policy"},
        {1633, AVS_MSI_FAILED, "not supported on this platform"},
        {1638, AVS_MSI_FAILED, "another version"},
        {1639, AVS_MSI_FAILED, "invalid command line"},
        {1601, AVS_MSI_FAILED, "could not be accessed"},
        {1612, AVS_MSI_FAILED, "source"},
        /* not in the table: failed, generic text */
        {1, AVS_MSI_FAILED, ""},
        {5, AVS_MSI_FAILED, ""},
        {1606, AVS_MSI_FAILED, ""},
        {1614, AVS_MSI_FAILED, ""},
        {1617, AVS_MSI_FAILED, ""},
        {3011, AVS_MSI_FAILED, ""},
        {-1, AVS_MSI_FAILED, ""},
        {-1605, AVS_MSI_FAILED, ""},
        {2147483647, AVS_MSI_FAILED, ""},
        {-2147483647 - 1, AVS_MSI_FAILED, ""},
    };
    return cr_make_param_array(struct msi_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct msi_case *c, msiresult, table)
{
    cr_expect_eq(avs_msiresult_action(c->code), c->action, "code %d: action %d, expected %d",
                 c->code, avs_msiresult_action(c->code), c->action);
    const char *t = avs_msiresult_text(c->code);
    cr_assert_not_null(t);
    if (c->text[0]) {
        cr_expect(strstr(t, c->text) != NULL, "code %d: '%s' lacks '%s'", c->code, t, c->text);
        cr_expect_str_neq(t, GENERIC, "code %d has its own text", c->code);
    } else {
        cr_expect_str_eq(t, GENERIC, "code %d", c->code);
    }
}

Test(msiresult, action_names)
{
    cr_expect_str_eq(avs_msi_action_name(AVS_MSI_DONE), "done");
    cr_expect_str_eq(avs_msi_action_name(AVS_MSI_ALREADY_GONE), "already-gone");
    cr_expect_str_eq(avs_msi_action_name(AVS_MSI_REBOOT), "reboot");
    cr_expect_str_eq(avs_msi_action_name(AVS_MSI_RETRY_BUSY), "retry-busy");
    cr_expect_str_eq(avs_msi_action_name(AVS_MSI_FAILED), "failed");
}
