#include "fake_fs.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "os.h"

struct file {
    char *path;
    char *data;
    size_t len;
};

static struct file *files;
static size_t nfiles;

static unsigned append_calls;
static unsigned append_fail_at; /* 0: none; otherwise the append_calls value that fails */
static size_t append_fail_partial;
static int append_fail_err;
static int fail_next[3];

static struct file *find(const char *path)
{
    for (size_t i = 0; i < nfiles; i++)
        if (strcmp(files[i].path, path) == 0)
            return &files[i];
    return NULL;
}

static struct file *find_or_add(const char *path)
{
    struct file *f = find(path);
    if (f)
        return f;
    struct file *grown = realloc(files, (nfiles + 1) * sizeof *files);
    if (!grown)
        return NULL;
    files = grown;
    f = &files[nfiles];
    f->path = malloc(strlen(path) + 1);
    if (!f->path)
        return NULL;
    memcpy(f->path, path, strlen(path) + 1);
    f->data = NULL;
    f->len = 0;
    nfiles++;
    return f;
}

static int replace(struct file *f, const void *data, size_t len)
{
    char *copy = malloc(len ? len : 1);
    if (!copy)
        return AVS_ENOMEM;
    if (len)
        memcpy(copy, data, len);
    free(f->data);
    f->data = copy;
    f->len = len;
    return 0;
}

static int take_fail(enum fake_fs_op op)
{
    int err = fail_next[op];
    fail_next[op] = 0;
    return err;
}

void fake_fs_reset(void)
{
    for (size_t i = 0; i < nfiles; i++) {
        free(files[i].path);
        free(files[i].data);
    }
    free(files);
    files = NULL;
    nfiles = 0;
    append_calls = 0;
    append_fail_at = 0;
    append_fail_partial = 0;
    append_fail_err = 0;
    memset(fail_next, 0, sizeof fail_next);
}

int fake_fs_put(const char *path, const void *data, size_t len)
{
    struct file *f = find_or_add(path);
    return f ? replace(f, data, len) : AVS_ENOMEM;
}

const char *fake_fs_data(const char *path, size_t *out_len)
{
    struct file *f = find(path);
    *out_len = f ? f->len : 0;
    if (!f)
        return NULL;
    return f->data ? f->data : "";
}

int fake_fs_set_size(const char *path, size_t size)
{
    struct file *f = find(path);
    if (!f)
        return AVS_ENOENT;
    if (size > f->len)
        return AVS_EINVAL;
    f->len = size;
    return 0;
}

void fake_fs_remove(const char *path)
{
    struct file *f = find(path);
    if (!f)
        return;
    free(f->path);
    free(f->data);
    *f = files[--nfiles];
}

void fake_fs_fail_append(unsigned nth, size_t partial, int err)
{
    append_fail_at = nth ? append_calls + nth : 0;
    append_fail_partial = partial;
    append_fail_err = err;
}

void fake_fs_fail_next(enum fake_fs_op op, int err)
{
    fail_next[op] = err;
}

unsigned fake_fs_append_calls(void)
{
    return append_calls;
}

/* --- core/os.h ------------------------------------------------------------------------------ */

int avs_os_file_read_all(char **out, size_t *out_len, const char *path, size_t max)
{
    *out = NULL;
    *out_len = 0;
    int err = take_fail(FAKE_FS_READ);
    if (err)
        return err;
    struct file *f = find(path);
    if (!f)
        return AVS_ENOENT;
    if (f->len > max)
        return AVS_ETOOBIG;
    char *p = malloc(f->len + 1);
    if (!p)
        return AVS_ENOMEM;
    if (f->len)
        memcpy(p, f->data, f->len);
    p[f->len] = '\0';
    *out = p;
    *out_len = f->len;
    return 0;
}

int avs_os_file_read_head(void *buf, size_t len, size_t *got, const char *path)
{
    *got = 0;
    int err = take_fail(FAKE_FS_READ);
    if (err)
        return err;
    struct file *f = find(path);
    if (!f)
        return AVS_ENOENT;
    *got = f->len < len ? f->len : len;
    if (*got)
        memcpy(buf, f->data, *got);
    return 0;
}

int avs_os_file_append_durable(const char *path, const void *data, size_t len)
{
    append_calls++;
    int fail = append_fail_at != 0 && append_calls == append_fail_at;
    if (fail) {
        append_fail_at = 0;
        if (append_fail_partial < len)
            len = append_fail_partial;
    }
    struct file *f = find_or_add(path);
    if (!f)
        return AVS_ENOMEM;
    char *grown = realloc(f->data, f->len + len + 1);
    if (!grown)
        return AVS_ENOMEM;
    f->data = grown;
    if (len)
        memcpy(f->data + f->len, data, len);
    f->len += len;
    return fail ? append_fail_err : 0;
}

int avs_os_file_truncate(const char *path, uint64_t size)
{
    int err = take_fail(FAKE_FS_TRUNCATE);
    if (err)
        return err;
    struct file *f = find(path);
    if (!f)
        return AVS_ENOENT;
    if (size > f->len)
        return AVS_EINVAL;
    f->len = (size_t)size;
    return 0;
}

int avs_os_file_write_atomic(const char *path, const void *data, size_t len)
{
    int err = take_fail(FAKE_FS_WRITE_ATOMIC);
    if (err)
        return err;
    struct file *f = find_or_add(path);
    return f ? replace(f, data, len) : AVS_ENOMEM;
}

const char *fake_fs_path_at(size_t i)
{
    return i < nfiles ? files[i].path : NULL;
}

int fake_fs_rename(const char *from, const char *to)
{
    size_t fl = strlen(from), tl = strlen(to);
    int moved = 0;
    for (size_t i = 0; i < nfiles; i++) {
        const char *p = files[i].path;
        if (strncmp(p, from, fl) != 0 || (p[fl] != '\0' && p[fl] != '\\'))
            continue;
        char *np = malloc(tl + strlen(p + fl) + 1);
        if (!np)
            return AVS_ENOMEM;
        memcpy(np, to, tl);
        memcpy(np + tl, p + fl, strlen(p + fl) + 1);
        free(files[i].path);
        files[i].path = np;
        moved = 1;
    }
    return moved ? 0 : AVS_ENOENT;
}
