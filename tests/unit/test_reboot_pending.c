/* Pending-restart detection against the fake registry, including malformed and hostile values
 * (which must count as pending: fail safe). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "fake_os.h"
#include "reboot_pending.h"

static void setup(void)
{
    fake_os_reset();
    /* A normal machine has Session Manager, with no pending renames. */
    fake_reg_key(AVS_HKLM, AVS_VIEW_64, AVS_REBOOT_SM_KEY);
}

static void teardown(void)
{
    cr_expect_eq(fake_reg_open_handles(), 0, "registry handles leaked");
}

TestSuite(reboot_pending, .init = setup, .fini = teardown);

static void pfro(uint32_t type, const void *data, size_t size)
{
    fake_reg_set_raw(AVS_HKLM, AVS_VIEW_64, AVS_REBOOT_SM_KEY, AVS_REBOOT_PFRO_VALUE, type, data,
                     size);
}

/* Runs the check; returns the reason (caller frees) and asserts the verdict. */
static char *check(int expect_pending)
{
    int pending = -1;
    char *why = (char *)"stale";
    cr_assert_eq(avs_reboot_pending(&pending, &why), 0);
    cr_assert_eq(pending, expect_pending, "pending %d, why: %s", pending, why ? why : "(null)");
    if (expect_pending)
        cr_assert_not_null(why);
    else
        cr_assert_null(why);
    return why;
}

static void expect_why(int pending_expected, const char *part)
{
    char *why = check(pending_expected);
    cr_expect(strstr(why, part) != NULL, "'%s' lacks '%s'", why, part);
    free(why);
}

/* "\??\C:\x.tmp" then an empty destination (a delete) and the list terminator, UTF-16LE. */
static const unsigned char RENAME[] = {'\\', 0, '?',  0, '?', 0, '\\', 0, 'C', 0,
                                       ':',  0, '\\', 0, 'x', 0, '.',  0, 't', 0,
                                       'm',  0, 'p',  0, 0,   0, 0,    0, 0,   0};

Test(reboot_pending, clean_machine)
{
    check(0);
}

Test(reboot_pending, no_session_manager_key)
{
    fake_reg_delete(AVS_HKLM, AVS_VIEW_64, AVS_REBOOT_SM_KEY);
    check(0);
}

Test(reboot_pending, cbs_reboot_pending)
{
    fake_reg_key(AVS_HKLM, AVS_VIEW_64, AVS_REBOOT_CBS_KEY);
    expect_why(1, "CBS RebootPending");
}

Test(reboot_pending, windows_update_reboot_required)
{
    fake_reg_key(AVS_HKLM, AVS_VIEW_64, AVS_REBOOT_WU_KEY);
    expect_why(1, "WindowsUpdate RebootRequired");
}

Test(reboot_pending, only_the_64_bit_view_counts)
{
    fake_reg_key(AVS_HKLM, AVS_VIEW_32, AVS_REBOOT_CBS_KEY);
    fake_reg_key(AVS_HKLM, AVS_VIEW_32, AVS_REBOOT_WU_KEY);
    check(0);
}

Test(reboot_pending, pending_renames)
{
    pfro(AVS_REG_MULTI_SZ, RENAME, sizeof RENAME);
    char *why = check(1);
    cr_expect(strstr(why, "PendingFileRenameOperations") != NULL, "%s", why);
    cr_expect(strstr(why, "counted as pending") == NULL, "a clean value is not malformed: %s", why);
    cr_expect(strstr(why, "x.tmp") == NULL, "the value's content is never quoted: %s", why);
    free(why);
}

Test(reboot_pending, empty_renames_are_not_pending)
{
    static const unsigned char one[] = {0, 0}, two[] = {0, 0, 0, 0};
    pfro(AVS_REG_MULTI_SZ, one, sizeof one);
    check(0);
    pfro(AVS_REG_MULTI_SZ, two, sizeof two);
    check(0);
    pfro(AVS_REG_MULTI_SZ, NULL, 0);
    check(0);
}

Test(reboot_pending, wrong_type_counts_as_pending)
{
    pfro(AVS_REG_SZ, RENAME, sizeof RENAME);
    expect_why(1, "not a REG_MULTI_SZ; counted as pending");
    pfro(AVS_REG_BINARY, NULL, 0);
    expect_why(1, "not a REG_MULTI_SZ");
}

Test(reboot_pending, odd_size_counts_as_pending)
{
    pfro(AVS_REG_MULTI_SZ, RENAME, sizeof RENAME - 1);
    expect_why(1, "odd byte count");
    static const unsigned char z[] = {0, 0, 0};
    pfro(AVS_REG_MULTI_SZ, z, sizeof z);
    expect_why(1, "odd byte count");
    static const unsigned char one[] = {'x'};
    pfro(AVS_REG_MULTI_SZ, one, sizeof one);
    expect_why(1, "odd byte count");
}

Test(reboot_pending, missing_terminator_counts_as_pending)
{
    pfro(AVS_REG_MULTI_SZ, RENAME, 8); /* "\??\" with nothing after */
    expect_why(1, "no terminating NUL");
}

Test(reboot_pending, huge_value_counts_as_pending)
{
    size_t n = AVS_REG_VALUE_MAX + 2;
    unsigned char *big = calloc(1, n);
    cr_assert_not_null(big);
    big[0] = 'x';
    pfro(AVS_REG_MULTI_SZ, big, n);
    free(big);
    expect_why(1, "too large");
}

Test(reboot_pending, unreadable_keys_count_as_pending)
{
    fake_reg_fail_open(AVS_HKLM, AVS_VIEW_64, AVS_REBOOT_CBS_KEY, AVS_EACCES);
    expect_why(1, "exists but may not be read");
}

Test(reboot_pending, failing_check_counts_as_pending)
{
    fake_reg_fail_open(AVS_HKLM, AVS_VIEW_64, AVS_REBOOT_WU_KEY, AVS_EIO);
    expect_why(1, "could not be checked");
}

Test(reboot_pending, unreadable_session_manager_counts_as_pending)
{
    fake_reg_fail_open(AVS_HKLM, AVS_VIEW_64, AVS_REBOOT_SM_KEY, AVS_EACCES);
    expect_why(1, "Session Manager could not be read");
}

Test(reboot_pending, every_reason_is_named)
{
    fake_reg_key(AVS_HKLM, AVS_VIEW_64, AVS_REBOOT_CBS_KEY);
    fake_reg_key(AVS_HKLM, AVS_VIEW_64, AVS_REBOOT_WU_KEY);
    pfro(AVS_REG_MULTI_SZ, RENAME, sizeof RENAME);
    char *why = check(1);
    const char *a = strstr(why, "CBS RebootPending"), *b = strstr(why, "RebootRequired"),
               *c = strstr(why, "PendingFileRenameOperations");
    cr_expect(a && b && c, "%s", why);
    cr_expect(strstr(why, "; ") != NULL, "reasons are separated: %s", why);
    free(why);
}
