/* The elevated engine (avs_remediate, the CLI and the service's own run) never removes a
 * per-user MSI product, whatever the catalog's user-removal says: it is left and reported as
 * remaining, while the per-machine product beside it is removed. */
#include <criterion/criterion.h>
#include <string.h>

#include "fake_os.h"
#include "remfix.h"

#define SID "S-1-5-21-1000-2000-3000-1001"
#define KPM "{7A1B2C3D-4E5F-4061-8273-94A5B6C7D801}"

TestSuite(peruser_engine, .init = remfix_setup, .fini = remfix_teardown);

Test(peruser_engine, per_user_msi_is_never_removed_elevated)
{
    struct avs_buf err = AVS_BUF_INIT;
    const char *allow = "[product kpm]\nname = Kaspersky Password Manager\n"
                        "match = Kaspersky Password Manager*\nrole = utility\npriority = 50\n"
                        "user-removal = yes\n";
    cr_assert_eq(avs_catalog_parse(&cat, allow, strlen(allow), "admin.txt", &err), 0);
    avs_buf_free(&err);
    remfix_kes();
    remfix_defender();
    fake_msi_add(KPM, SID, AVS_MSI_USER_UNMANAGED, "Kaspersky Password Manager", "9.0",
                 "AO Kaspersky Lab");
    remfix_run();
    cr_expect_eq(remfix_uninstall_calls_for(REMFIX_KES), 1);
    cr_expect_eq(remfix_uninstall_calls_for(KPM), 0);
    int left = 0;
    for (size_t i = 0; i < res.n_remaining; i++)
        left |= strstr(res.remaining[i], "Kaspersky Password Manager") != NULL;
    cr_expect(left, "the per-user product is reported as remaining");
}
