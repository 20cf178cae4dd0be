/* Per-user findings handled as the service does (core/peruser.h) over the fakes: the catalog key
 * user-removal, the session fake, the exact command line run as the user, events 1011/1012,
 * and the elevated engine refusing the same product. */
#include <criterion/criterion.h>
#include <string.h>

#include "avs_messages.h"
#include "buf.h"
#include "catalog.h"
#include "fake_fs.h"
#include "fake_os.h"
#include "fake_session.h"
#include "peruser.h"

#define SID "S-1-5-21-1000-2000-3000-1001"
#define OTHER "S-1-5-21-1000-2000-3000-1002"
#define CODE "{7A1B2C3D-4E5F-4061-8273-94A5B6C7D801}"

static struct avs_catalog cat;
static struct avs_buf err = AVS_BUF_INIT;

static void setup(void)
{
    fake_os_reset();
    fake_fs_reset();
    memset(&cat, 0, sizeof cat);
    cr_assert_eq(avs_catalog_load_builtin(&cat, &err), 0);
}

static void teardown(void)
{
    avs_catalog_free(&cat);
    avs_buf_free(&err);
    fake_os_reset();
    fake_fs_reset();
}

TestSuite(peruser_run, .init = setup, .fini = teardown);

static void allow(const char *extra)
{
    struct avs_buf t = AVS_BUF_INIT;
    avs_buf_printf(&t,
                   "[product kpm]\nname = Kaspersky Password Manager\n"
                   "match = Kaspersky Password Manager*\nrole = utility\npriority = 50\n"
                   "user-removal = yes\n%s",
                   extra);
    cr_assert_eq(avs_catalog_parse(&cat, t.data, t.len, "admin.txt", &err), 0, "%s",
                 err.data ? err.data : "");
    avs_buf_free(&t);
}

/* A per-user MSI install of Kaspersky Password Manager for SID. */
static void kpm_for(const char *sid)
{
    fake_msi_add(CODE, sid, AVS_MSI_USER_UNMANAGED, "Kaspersky Password Manager", "9.0",
                 "AO Kaspersky Lab");
}

static const char *reason(void)
{
    const struct fake_event *e = fake_event_find(AVS_EV_SVC_PERUSER_REPORTED);
    cr_assert_not_null(e, "no event 1011");
    cr_assert_eq(e->count, 4);
    cr_expect_str_eq(e->strings[1], SID);
    return e->strings[3];
}

Test(peruser_run, removed_as_the_user_with_a_fixed_command_line)
{
    allow("");
    kpm_for(SID);
    fake_session_add(SID, 0, 0);
    struct avs_pu_summary s;
    cr_assert_eq(avs_peruser_pass(&s, &cat, 1, 1000), 0);
    cr_expect_eq(s.seen, 1);
    cr_expect_eq(s.removed, 1);
    cr_expect_eq(s.reported, 0);
    cr_assert_eq(fake_session_runs(), 1);
    cr_expect_str_eq(fake_session_last_sid(), SID);
    cr_expect_str_eq(fake_session_last_exe(), "msiexec.exe");
    cr_expect_str_eq(fake_session_last_cmdline(), "\"msiexec.exe\" /x " CODE " /qn");
    const struct fake_event *e = fake_event_find(AVS_EV_SVC_PERUSER_REMOVED);
    cr_assert_not_null(e);
    cr_expect_str_eq(e->strings[2], CODE);
    cr_expect_str_eq(e->strings[3], "0");
    cr_expect_eq(fake_events_with_id(AVS_EV_SVC_PERUSER_REPORTED), 0);
}

Test(peruser_run, default_catalog_reports_and_runs_nothing)
{
    kpm_for(SID);
    fake_session_add(SID, 0, 0);
    struct avs_pu_summary s;
    cr_assert_eq(avs_peruser_pass(&s, &cat, 1, 1000), 0);
    cr_expect_eq(s.reported, 1);
    cr_expect_eq(fake_session_runs(), 0);
    cr_expect(strstr(reason(), "user-removal"));
}

Test(peruser_run, no_session_is_reported_as_no_session_token)
{
    allow("");
    kpm_for(SID);
    fake_session_add(OTHER, 0, 0); /* someone else is logged on */
    struct avs_pu_summary s;
    cr_assert_eq(avs_peruser_pass(&s, &cat, 1, 1000), 0);
    cr_expect_eq(s.reported, 1);
    cr_expect_eq(fake_session_runs(), 0);
    cr_expect(strstr(reason(), "no session token"), "%s", reason());
}

Test(peruser_run, elevated_token_is_never_used)
{
    allow("");
    kpm_for(SID);
    fake_session_add(SID, 1, 0);
    struct avs_pu_summary s;
    cr_assert_eq(avs_peruser_pass(&s, &cat, 1, 1000), 0);
    cr_expect_eq(fake_session_runs(), 0);
    cr_expect(strstr(reason(), "elevated"), "%s", reason());
}

Test(peruser_run, password_protected_stays_reported)
{
    allow("password-properties = KLPASSWD\n");
    kpm_for(SID);
    fake_session_add(SID, 0, 0);
    struct avs_pu_summary s;
    cr_assert_eq(avs_peruser_pass(&s, &cat, 1, 1000), 0);
    cr_expect_eq(fake_session_runs(), 0);
    cr_expect(strstr(reason(), "password"), "%s", reason());
}

Test(peruser_run, exe_from_the_hive_is_never_started)
{
    allow("");
    fake_uninstall_add(AVS_VIEW_64, SID, "KasperskyPasswordManager", "Kaspersky Password Manager",
                       "9.0", "AO Kaspersky Lab", 0);
    fake_reg_set_sz(AVS_HKU, AVS_VIEW_64, SID "\\" FAKE_UNINSTALL "\\KasperskyPasswordManager",
                    "UninstallString", "\"C:\\Users\\u\\AppData\\Local\\KPM\\uninst.exe\" /s");
    cr_assert_eq(fake_fs_put("C:\\Users\\u\\AppData\\Local\\KPM\\uninst.exe", "MZ", 2), 0);
    fake_session_add(SID, 0, 0);
    struct avs_pu_summary s;
    cr_assert_eq(avs_peruser_pass(&s, &cat, 1, 1000), 0);
    cr_expect_eq(s.seen, 1);
    cr_expect_eq(fake_session_runs(), 0);
    cr_expect(strstr(reason(), "not a Windows Installer"), "%s", reason());
}

Test(peruser_run, failed_msiexec_is_reported_with_its_code)
{
    allow("");
    kpm_for(SID);
    fake_session_add(SID, 0, 1603);
    struct avs_pu_summary s;
    cr_assert_eq(avs_peruser_pass(&s, &cat, 1, 1000), 0);
    cr_expect_eq(s.removed, 0);
    cr_expect_eq(fake_session_runs(), 1);
    cr_expect(strstr(reason(), "1603"), "%s", reason());
}

Test(peruser_run, machine_products_are_not_touched)
{
    allow("");
    fake_msi_add(CODE, NULL, AVS_MSI_MACHINE, "Kaspersky Password Manager", "9.0",
                 "AO Kaspersky Lab");
    fake_session_add(SID, 0, 0);
    struct avs_pu_summary s;
    cr_assert_eq(avs_peruser_pass(&s, &cat, 1, 1000), 0);
    cr_expect_eq(s.seen, 0);
    cr_expect_eq(fake_session_runs(), 0);
    cr_expect_eq(fake_events_with_id(AVS_EV_SVC_PERUSER_REPORTED), 0);
}

Test(peruser_run, catalog_key_is_yes_or_no_once)
{
    const char *bad = "[product kpm]\nname = K\nmatch = K*\nrole = utility\npriority = 50\n"
                      "user-removal = maybe\n";
    cr_expect_eq(avs_catalog_parse(&cat, bad, strlen(bad), "admin.txt", &err), AVS_EFORMAT);
    cr_expect(err.data && strstr(err.data, "user-removal"));
    const char *twice = "[product kpm]\nname = K\nmatch = K*\nrole = utility\npriority = 50\n"
                        "user-removal = yes\nuser-removal = yes\n";
    cr_expect_eq(avs_catalog_parse(&cat, twice, strlen(twice), "admin.txt", &err), AVS_EFORMAT);
}

Test(peruser_run, builtin_default_is_report_only)
{
    for (size_t i = 0; i < cat.n_products; i++)
        cr_expect_eq(cat.products[i].user_removal, 0, "%s", cat.products[i].id);
}

/* The fake itself: only the added SID gets a token, an elevated one never, runs are recorded. */
Test(peruser_run, fake_session)
{
    avs_os_user_token *t = NULL;
    int code = -1;
    cr_expect_eq(avs_os_user_token_get(&t, SID), AVS_ENOENT);
    fake_session_add(SID, 1, 0);
    cr_expect_eq(avs_os_user_token_get(&t, SID), AVS_EUNSAFE);
    cr_expect_null(t);
    fake_session_add(SID, 0, 7);
    cr_assert_eq(avs_os_user_token_get(&t, "s-1-5-21-1000-2000-3000-1001"), 0);
    cr_expect_eq(avs_os_user_run(&code, t, "C:\\x\\msiexec.exe", "x", 10), AVS_EINVAL);
    cr_expect_eq(avs_os_user_run(&code, t, "msiexec.exe", "\"msiexec.exe\"", 10), 0);
    cr_expect_eq(code, 7);
    cr_expect_eq(fake_session_runs(), 1);
    avs_os_user_token_free(t);
    fake_session_reset();
    cr_expect_eq(fake_session_runs(), 0);
    cr_expect_eq(avs_os_user_token_get(&t, SID), AVS_ENOENT);
}

/* The safety invariant holds for per-user products too: a protection product is not removed,
 * even as its user with the catalog's consent, until an approved antivirus runs. */
Test(peruser_run, protection_product_waits_for_an_approved_antivirus)
{
    struct avs_buf t = AVS_BUF_INIT;
    avs_buf_printf(&t, "[product kpm]\nname = Kaspersky Password Manager\n"
                       "match = Kaspersky Password Manager*\nrole = protection\npriority = 50\n"
                       "user-removal = yes\n");
    cr_assert_eq(avs_catalog_parse(&cat, t.data, t.len, "admin.txt", &err), 0, "%s",
                 err.data ? err.data : "");
    avs_buf_free(&t);
    kpm_for(SID);
    fake_session_add(SID, 0, 0);
    struct avs_pu_summary s;
    cr_assert_eq(avs_peruser_pass(&s, &cat, 0, 1000), 0);
    cr_expect_eq(s.reported, 1);
    cr_expect_eq(s.removed, 0);
    cr_expect_eq(fake_session_runs(), 0, "nothing may run before the approved antivirus does");
    cr_expect_str_eq(reason(), AVS_PU_WHY_UNPROTECTED);
    /* Once it runs, the same product goes. */
    cr_assert_eq(avs_peruser_pass(&s, &cat, 1, 1000), 0);
    cr_expect_eq(s.removed, 1);
    cr_expect_eq(fake_session_runs(), 1);
}
