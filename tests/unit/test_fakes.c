/* The fake machine is a test oracle: it must behave like the registry and SCM it stands for. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "fake_os.h"

static void setup(void)
{
    fake_os_reset();
}

TestSuite(fake_os, .init = setup, .fini = setup);

Test(fake_os, views_are_separate_and_parents_exist)
{
    avs_os_key *k = NULL;
    fake_reg_key(AVS_HKLM, AVS_VIEW_32, "SOFTWARE\\A\\B");
    cr_expect_eq(avs_os_reg_open(&k, AVS_HKLM, "SOFTWARE\\A\\B", AVS_VIEW_64), AVS_ENOENT);
    cr_expect_null(k);
    cr_assert_eq(avs_os_reg_open(&k, AVS_HKLM, "software\\a", AVS_VIEW_32), 0,
                 "parents exist and names are case-insensitive");
    avs_os_reg_close(k);
    cr_expect_eq(fake_reg_open_handles(), 0);
}

Test(fake_os, subkeys_enumerate_children_only)
{
    avs_os_key *k = NULL;
    char *name = NULL;
    fake_reg_key(AVS_HKLM, AVS_VIEW_64, "R\\one");
    fake_reg_key(AVS_HKLM, AVS_VIEW_64, "R\\two\\grandchild");
    fake_reg_key(AVS_HKLM, AVS_VIEW_64, "Rx\\not-a-child");
    cr_assert_eq(avs_os_reg_open(&k, AVS_HKLM, "R", AVS_VIEW_64), 0);
    cr_assert_eq(avs_os_reg_subkey(&name, k, 0), 0);
    cr_expect_str_eq(name, "one");
    free(name);
    cr_assert_eq(avs_os_reg_subkey(&name, k, 1), 0);
    cr_expect_str_eq(name, "two");
    free(name);
    cr_expect_eq(avs_os_reg_subkey(&name, k, 2), AVS_ENOENT);
    avs_os_key *child = NULL;
    cr_assert_eq(avs_os_reg_open_child(&child, k, "two"), 0);
    cr_assert_eq(avs_os_reg_subkey(&name, child, 0), 0);
    cr_expect_str_eq(name, "grandchild");
    free(name);
    avs_os_reg_close(child);
    avs_os_reg_close(k);
}

Test(fake_os, values_are_raw_and_sz_is_terminated_utf16)
{
    avs_os_key *k = NULL;
    struct avs_reg_value v;
    fake_reg_set_sz(AVS_HKLM, AVS_VIEW_64, "K", "Name", "A\xc3\xa9");
    fake_reg_set_raw(AVS_HKLM, AVS_VIEW_64, "K", "Raw", 77, "\1\2\3", 3);
    cr_assert_eq(avs_os_reg_open(&k, AVS_HKLM, "K", AVS_VIEW_64), 0);
    cr_assert_eq(avs_os_reg_value(&v, k, "name"), 0);
    cr_expect_eq(v.type, AVS_REG_SZ);
    cr_assert_eq(v.size, 6);
    cr_expect(memcmp(v.data, "A\0\xe9\0\0\0", 6) == 0);
    free(v.data);
    cr_assert_eq(avs_os_reg_value(&v, k, "Raw"), 0);
    cr_expect_eq(v.type, 77);
    cr_expect_eq(v.size, 3);
    free(v.data);
    cr_expect_eq(avs_os_reg_value(&v, k, "Missing"), AVS_ENOENT);
    avs_os_reg_close(k);
}

Test(fake_os, failures_and_deletion)
{
    avs_os_key *k = NULL;
    fake_reg_fail_open(AVS_HKLM, AVS_VIEW_64, "Locked", AVS_EACCES);
    cr_expect_eq(avs_os_reg_open(&k, AVS_HKLM, "Locked", AVS_VIEW_64), AVS_EACCES);
    fake_reg_key(AVS_HKLM, AVS_VIEW_64, "Gone\\Child");
    fake_reg_delete(AVS_HKLM, AVS_VIEW_64, "Gone");
    cr_expect_eq(avs_os_reg_open(&k, AVS_HKLM, "Gone\\Child", AVS_VIEW_64), AVS_ENOENT);
    cr_expect_eq(fake_reg_open_handles(), 0);
}

Test(fake_os, sources_events_and_identity)
{
    struct avs_os_wsc_product *w = NULL;
    size_t n = 9;
    cr_expect_eq(avs_os_wsc_antivirus(&w, &n), AVS_EUNAVAIL,
                 "Security Center is absent by default");
    cr_expect_eq(n, 0);
    fake_wsc_add("Windows Defender", 0x61000);
    cr_assert_eq(avs_os_wsc_antivirus(&w, &n), 0);
    cr_expect_eq(n, 1);
    avs_os_wsc_free(w, n);

    const char *s[2] = {"a", "b"};
    cr_assert_eq(avs_os_event_write(0x400007d0u, s, 2), 0);
    cr_expect_eq(fake_events_with_id(0x400007d0u), 1);
    cr_expect_str_eq(fake_event(0)->strings[1], "b");
    fake_events_fail(AVS_EIO);
    cr_expect_eq(avs_os_event_write(1, s, 2), AVS_EIO);
    cr_expect_eq(fake_events_count(), 1);

    struct avs_os_identity id;
    fake_identity_set("H", "D\\u", "S-1-5-18", 1);
    cr_assert_eq(avs_os_identity(&id), 0);
    cr_expect_str_eq(id.user_sid, "S-1-5-18");
    avs_os_identity_free(&id);

    fake_msi_fail(AVS_EIO);
    struct avs_os_msi_product *m = NULL;
    cr_expect_eq(avs_os_msi_products(&m, &n), AVS_EIO);
}
