/* tests/fakes/fake_fs: the in-memory file system the journal tests rely on behaves as
 * core/os.h documents, and its failure controls do what they say. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "fake_fs.h"
#include "os.h"

TestSuite(journal_fakefs, .init = fake_fs_reset, .fini = fake_fs_reset);

Test(journal_fakefs, read_all)
{
    char *d = (char *)1;
    size_t n = 7;
    cr_assert_eq(avs_os_file_read_all(&d, &n, "a", 100), AVS_ENOENT);
    cr_assert_null(d);
    cr_assert_eq(n, 0);
    cr_assert_eq(fake_fs_put("a", "x\0yz", 4), 0);
    cr_assert_eq(avs_os_file_read_all(&d, &n, "a", 4), 0);
    cr_assert_eq(n, 4);
    cr_assert_eq(memcmp(d, "x\0yz", 4), 0);
    cr_assert_eq(d[4], '\0', "a NUL after the data");
    free(d);
    cr_assert_eq(avs_os_file_read_all(&d, &n, "a", 3), AVS_ETOOBIG);
    cr_assert_null(d);
    fake_fs_fail_next(FAKE_FS_READ, AVS_EACCES);
    cr_assert_eq(avs_os_file_read_all(&d, &n, "a", 100), AVS_EACCES);
    cr_assert_eq(avs_os_file_read_all(&d, &n, "a", 100), 0, "the failure is one-shot");
    free(d);
}

Test(journal_fakefs, append_creates_and_extends)
{
    cr_assert_eq(avs_os_file_append_durable("j", "ab", 2), 0);
    cr_assert_eq(avs_os_file_append_durable("j", "cd", 2), 0);
    cr_assert_eq(avs_os_file_append_durable("j", NULL, 0), 0);
    size_t n;
    const char *d = fake_fs_data("j", &n);
    cr_assert_eq(n, 4);
    cr_assert_eq(memcmp(d, "abcd", 4), 0);
    cr_assert_eq(fake_fs_append_calls(), 3);
    cr_assert_null(fake_fs_data("other", &n));
}

Test(journal_fakefs, nth_append_fails_after_a_partial_write)
{
    fake_fs_fail_append(2, 3, AVS_EIO);
    cr_assert_eq(avs_os_file_append_durable("j", "11111", 5), 0);
    cr_assert_eq(avs_os_file_append_durable("j", "22222", 5), AVS_EIO);
    cr_assert_eq(avs_os_file_append_durable("j", "33333", 5), 0, "one failure only");
    size_t n;
    const char *d = fake_fs_data("j", &n);
    cr_assert_eq(n, 13);
    cr_assert_eq(memcmp(d,
                        "11111222"
                        "33333",
                        13),
                 0);

    fake_fs_fail_append(1, SIZE_MAX, AVS_EIO);
    cr_assert_eq(avs_os_file_append_durable("j", "44", 2), AVS_EIO);
    fake_fs_data("j", &n);
    cr_assert_eq(n, 15, "everything written, yet reported failed");

    fake_fs_fail_append(1, 0, AVS_EIO);
    fake_fs_fail_append(0, 0, 0); /* cancelled */
    cr_assert_eq(avs_os_file_append_durable("j", "5", 1), 0);
}

Test(journal_fakefs, truncate_and_set_size_only_shrink)
{
    cr_assert_eq(avs_os_file_truncate("j", 0), AVS_ENOENT);
    cr_assert_eq(fake_fs_put("j", "abcdef", 6), 0);
    cr_assert_eq(avs_os_file_truncate("j", 7), AVS_EINVAL);
    cr_assert_eq(avs_os_file_truncate("j", 4), 0);
    size_t n;
    const char *d = fake_fs_data("j", &n);
    cr_assert_eq(n, 4);
    cr_assert_eq(memcmp(d, "abcd", 4), 0);
    fake_fs_fail_next(FAKE_FS_TRUNCATE, AVS_EACCES);
    cr_assert_eq(avs_os_file_truncate("j", 1), AVS_EACCES);
    fake_fs_data("j", &n);
    cr_assert_eq(n, 4, "a failed truncate changes nothing");
    cr_assert_eq(fake_fs_set_size("j", 5), AVS_EINVAL);
    cr_assert_eq(fake_fs_set_size("j", 2), 0);
    cr_assert_eq(fake_fs_set_size("none", 0), AVS_ENOENT);
    /* Appending after a cut continues at the new end. */
    cr_assert_eq(avs_os_file_append_durable("j", "Z", 1), 0);
    d = fake_fs_data("j", &n);
    cr_assert_eq(n, 3);
    cr_assert_eq(memcmp(d, "abZ", 3), 0);
}

Test(journal_fakefs, write_atomic_replaces_or_changes_nothing)
{
    cr_assert_eq(avs_os_file_write_atomic("e", "old", 3), 0);
    fake_fs_fail_next(FAKE_FS_WRITE_ATOMIC, AVS_EIO);
    cr_assert_eq(avs_os_file_write_atomic("e", "newer", 5), AVS_EIO);
    size_t n;
    const char *d = fake_fs_data("e", &n);
    cr_assert_eq(n, 3);
    cr_assert_eq(memcmp(d, "old", 3), 0);
    cr_assert_eq(avs_os_file_write_atomic("e", "newer", 5), 0);
    d = fake_fs_data("e", &n);
    cr_assert_eq(n, 5);
    cr_assert_eq(memcmp(d, "newer", 5), 0);
    fake_fs_remove("e");
    cr_assert_null(fake_fs_data("e", &n));
    fake_fs_remove("e"); /* absent: nothing happens */
}
