/* The uninstall password in remediation: which MSI properties get the password and which the
 * login, and the scrubbing of a log left by a run killed during a removal, on resume, before
 * anything else. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "avs_messages.h"
#include "exitcode.h"
#include "fake_fs.h"
#include "fake_os.h"
#include "fake_remediate.h"
#include "remediate.h"
#include "remfix.h"

#define KES REMFIX_KES
#define SECRET "Se\"cret Pa55"
#define SECRET_MSI "Se\"\"cret Pa55" /* as Windows Installer echoes it */

static size_t ev0; /* the first event of the run under test */

static void setup(void)
{
    ev0 = 0;
    remfix_setup();
    remfix_kes();
    remfix_defender();
    fake_msi_require_password(KES, "KLPASSWD", SECRET_MSI);
}

TestSuite(remediate_secrets, .init = setup, .fini = remfix_teardown);

static size_t event_index(uint32_t id)
{
    for (size_t i = ev0; i < fake_events_count(); i++)
        if (fake_event(i)->id == id)
            return i;
    return (size_t)-1;
}

static int has(const char *d, size_t n, const char *needle)
{
    return d && memmem(d, n, needle, strlen(needle)) != NULL;
}

Test(remediate_secrets, the_login_goes_to_kllogin_and_the_password_to_klpasswd_only)
{
    opts.password = SECRET;
    remfix_run();
    cr_assert_eq(res.exit_code, AVS_EXIT_OK, "%s", res.reason ? res.reason : "");
    const char *props = fake_msi_uninstall_call(0)->properties;
    cr_expect(strstr(props, " KLLOGIN=\"KLAdmin\"") != NULL, "%s", props);
    cr_expect(strstr(props, " KLPASSWD=\"" SECRET_MSI "\"") != NULL, "quoted as MSI wants");
    cr_expect(strstr(props, "KLLOGIN=\"Se") == NULL, "the password passed as the login");
    const char *first = strstr(props, "Se\"\"cret");
    cr_expect(first && !strstr(first + 1, "Se\"\"cret"), "the password given once: %s", props);
}

Test(remediate_secrets, login_option_and_msi_quoting)
{
    opts.password = SECRET;
    opts.login = "Domain Admin \"ops\"";
    remfix_run();
    cr_assert_eq(res.exit_code, AVS_EXIT_OK, "%s", res.reason ? res.reason : "");
    const char *props = fake_msi_uninstall_call(0)->properties;
    cr_expect(strstr(props, " KLLOGIN=\"Domain Admin \"\"ops\"\"\"") != NULL, "%s", props);
}

Test(remediate_secrets, no_password_no_login)
{
    fake_msi_require_password(KES, "KLPASSWD", "x"); /* fails: no password given */
    remfix_run();
    cr_assert_eq(fake_msi_uninstall_calls(), 1);
    const char *props = fake_msi_uninstall_call(0)->properties;
    cr_expect(strstr(props, "KLLOGIN") == NULL && strstr(props, "KLPASSWD") == NULL, "%s", props);
}

Test(remediate_secrets, the_log_of_a_removal_is_scrubbed_in_its_msi_form)
{
    opts.password = SECRET;
    remfix_run();
    cr_assert_eq(res.exit_code, AVS_EXIT_OK, "%s", res.reason ? res.reason : "");
    size_t n;
    const char *log = fake_fs_data(fake_msi_uninstall_call(0)->log_path, &n);
    cr_assert_not_null(log);
    cr_expect_not(has(log, n, "Se\"cret") || has(log, n, "Se\"\"cret") || has(log, n, "Pa55"),
                  "%.*s", (int)n, log);
    cr_expect(has(log, n, "KLPASSWD=\"********\""), "%.*s", (int)n, log);
    cr_expect(has(log, n, "KLLOGIN=\"KLAdmin\""), "the login is no secret: %.*s", (int)n, log);
}

/* The process is killed between the MSI removal (which wrote the log) and the scrub: the fake
 * makes the first run stop at the journal write after the removal, then the log is put back as
 * Windows Installer had left it. The next run must scrub it before it does anything else. */
static void killed_mid_removal(void)
{
    opts.password = SECRET;
    /* Appends: 1-4 plan and preflight, 5 remove begin (KES), 6-7 the fake MSI log, 8 its end. */
    fake_fs_fail_append(8, 10, AVS_EIO);
    remfix_run();
    cr_assert_neq(res.exit_code, AVS_EXIT_OK);
    fake_fs_fail_append(0, 0, 0);
    cr_assert_eq(fake_msi_uninstall_calls(), 1);
    const char *path = fake_msi_uninstall_call(0)->log_path;
    static const char log[] =
        "=== Verbose logging started\r\n"
        "Command Line: REBOOT=ReallySuppress KLLOGIN=\"KLAdmin\" KLPASSWD=\"" SECRET_MSI "\"\r\n"
        "PROPERTY CHANGE: Adding KLPASSWD property. Its value is '" SECRET "'.\r\n"
        "Property(S): KLPASSWD = " SECRET "\r\n"
        "Property(S): KLLOGIN = KLAdmin\r\n";
    cr_assert_eq(fake_fs_put(path, log, sizeof log - 1), 0);
    fake_reboot(); /* the process died: its mutex is gone too */
    ev0 = fake_events_count();
}

static void expect_scrubbed_first(void)
{
    const char *path = fake_msi_uninstall_call(0)->log_path;
    size_t n;
    const char *d = fake_fs_data(path, &n);
    cr_assert_not_null(d);
    cr_expect_not(has(d, n, "Se\"cret") || has(d, n, "Se\"\"cret") || has(d, n, "Pa55"), "%.*s",
                  (int)n, d);
    cr_expect(has(d, n, "Property(S): KLPASSWD = ********\r\n"), "%.*s", (int)n, d);
    cr_expect(has(d, n, "KLLOGIN = KLAdmin"), "%.*s", (int)n, d);
    size_t scrubbed = event_index(AVS_EV_LOG_SCRUBBED);
    cr_assert_neq(scrubbed, (size_t)-1, "no 4030 event");
    cr_expect_eq(scrubbed, ev0, "the scrub is the first thing the resumed run does");
    cr_expect_lt(scrubbed, event_index(AVS_EV_RUN_STARTED));
    const struct fake_event *e = fake_event(scrubbed);
    cr_expect_eq(e->count, 3);
    cr_expect_str_eq(e->strings[1], path);
    for (size_t i = 0; i < fake_events_count(); i++)
        for (size_t j = 0; j < fake_event(i)->count; j++)
            cr_expect(strstr(fake_event(i)->strings[j], "Pa55") == NULL, "event %u",
                      fake_event(i)->id & 0xffff);
}

Test(remediate_secrets, resume_scrubs_the_killed_runs_log_with_the_password_given_again)
{
    killed_mid_removal();
    remfix_run();
    cr_expect(res.resumed);
    expect_scrubbed_first();
}

Test(remediate_secrets, resume_scrubs_the_killed_runs_log_without_the_password)
{
    killed_mid_removal();
    opts.password = NULL; /* the helpdesk did not give it again: the structure finds it */
    remfix_run();
    cr_expect(res.resumed);
    expect_scrubbed_first();
}

Test(remediate_secrets, a_log_that_cannot_be_rewritten_is_deleted)
{
    killed_mid_removal();
    fake_fs_fail_next(FAKE_FS_WRITE_ATOMIC, AVS_EIO);
    remfix_run();
    const char *path = fake_msi_uninstall_call(0)->log_path;
    size_t n;
    const char *d = fake_fs_data(path, &n);
    cr_expect(!d || !has(d, n, "Pa55"), "%.*s", (int)n, d);
    cr_expect_neq(event_index(AVS_EV_LOG_SCRUB_DELETED), (size_t)-1, "no 4031 event");
}
