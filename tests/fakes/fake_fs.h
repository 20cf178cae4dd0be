/* tests/fakes/fake_fs — an in-memory file system behind the "Files (journal, evidence)" section
 * of core/os.h, with controls to make it misbehave the way a real disk and a killed process do.
 *
 * Files are keyed by their exact path string; there are no folders (every folder exists).
 * State is global to the test process: Criterion runs each test in its own process, and a test
 * calls fake_fs_reset() in its .init fixture. */
#ifndef AVS_FAKE_FS_H
#define AVS_FAKE_FS_H

#include <stddef.h>

/* Forgets every file and every injected failure. */
void fake_fs_reset(void);

/* Creates or replaces PATH with LEN bytes of DATA. 0 or AVS_ENOMEM. */
int fake_fs_put(const char *path, const void *data, size_t len);

/* The content of PATH (not NUL-terminated; valid until the next change) and its size in
 * *out_len; NULL when PATH does not exist. */
const char *fake_fs_data(const char *path, size_t *out_len);

/* Cuts PATH to SIZE bytes, as a crash in the middle of a write leaves it. AVS_ENOENT, or
 * AVS_EINVAL when SIZE is larger than the file. */
int fake_fs_set_size(const char *path, size_t size);

/* Deletes PATH; nothing happens when it does not exist. */
void fake_fs_remove(const char *path);

/* The Nth call of avs_os_file_append_durable from now (1 = the next one) writes only the first
 * PARTIAL bytes of its data (all of them when PARTIAL is larger) and then fails with ERR: a torn
 * write, or a full disk when PARTIAL is 0. N = 0 cancels. */
void fake_fs_fail_append(unsigned nth, size_t partial, int err);

enum fake_fs_op {
    FAKE_FS_READ,
    FAKE_FS_TRUNCATE,
    FAKE_FS_WRITE_ATOMIC,
};

/* The next call of OP fails with ERR (0 cancels) and changes nothing. */
void fake_fs_fail_next(enum fake_fs_op op, int err);

/* How many times avs_os_file_append_durable was called since the last reset. */
unsigned fake_fs_append_calls(void);

/* The path of file number I (0-based, in no particular order), NULL past the last one. */
const char *fake_fs_path_at(size_t i);

/* Renames the file FROM, or every file under the folder FROM, to TO. AVS_ENOENT when none. */
int fake_fs_rename(const char *from, const char *to);

#endif
