/* The in-memory machine behind tests/fakes/fake_os.h. Plain arrays and linear searches: the
 * machines tests build are small, and simple code is easier to trust as a test oracle. */
#include "fake_internal.h"
#include "fake_os.h"
#include "fake_session.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"

struct fvalue {
    char *name;
    uint32_t type;
    unsigned char *data;
    size_t size;
};

struct fkey {
    enum avs_reg_root root;
    enum avs_reg_view view;
    char *path;
    int fail; /* AVS_E* returned by open, or 0 */
    int deleted;
    int link; /* a registry symbolic link (REG_LINK): avs_os_reg_create refuses it */
    uint64_t written; /* last-write time: the fake clock's tick of the last change */
    size_t reads;     /* avs_os_reg_value calls on this key (fake_reg_value_reads) */
    struct fvalue *values;
    size_t n_values;
};

struct avs_os_key {
    enum avs_reg_root root;
    enum avs_reg_view view;
    char *path;
};

static struct {
    struct fkey *keys;
    size_t n_keys;
    int open_handles;
    int write_fail; /* AVS_E* returned by avs_os_reg_create, or 0 */
    size_t writes;  /* successful value writes, for tests */
    uint64_t clock; /* ticks once per registry change: last-write times are distinct and ordered */
} M;

/* fake_inventory.c: everything that is not the registry. */
void fake_inventory_reset(void);

void *fake_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        abort(); /* a test double may abort on OOM; core code under test never gets here */
    return q;
}

char *fake_xstrdup(const char *s)
{
    if (!s)
        return NULL;
    char *p = avs_strdup(s);
    if (!p)
        abort();
    return p;
}

void fake_os_reset(void)
{
    fake_session_reset();
    for (size_t i = 0; i < M.n_keys; i++) {
        for (size_t j = 0; j < M.keys[i].n_values; j++) {
            free(M.keys[i].values[j].name);
            free(M.keys[i].values[j].data);
        }
        free(M.keys[i].values);
        free(M.keys[i].path);
    }
    free(M.keys);
    memset(&M, 0, sizeof M);
    fake_inventory_reset();
}

/* ---------------------------------------------------------------- registry */

static struct fkey *find_key(enum avs_reg_root root, enum avs_reg_view view, const char *path)
{
    for (size_t i = 0; i < M.n_keys; i++)
        if (M.keys[i].root == root && M.keys[i].view == view && !M.keys[i].deleted &&
            strcasecmp(M.keys[i].path, path) == 0)
            return &M.keys[i];
    return NULL;
}

/* A change to PATH's subkeys moves PATH's last-write time, as Windows does. */
static void touch_parent(enum avs_reg_root root, enum avs_reg_view view, const char *path)
{
    const char *slash = strrchr(path, '\\');
    if (!slash)
        return;
    char *parent = fake_xstrdup(path);
    parent[slash - path] = '\0';
    struct fkey *p = find_key(root, view, parent);
    if (p)
        p->written = ++M.clock;
    free(parent);
}

static struct fkey *make_key(enum avs_reg_root root, enum avs_reg_view view, const char *path)
{
    struct fkey *k = find_key(root, view, path);
    if (k)
        return k;
    /* Parents exist implicitly, as in a real hive. */
    const char *slash = strrchr(path, '\\');
    if (slash) {
        char *parent = fake_xstrdup(path);
        parent[slash - path] = '\0';
        make_key(root, view, parent);
        free(parent);
    }
    M.keys = fake_xrealloc(M.keys, (M.n_keys + 1) * sizeof *M.keys);
    k = &M.keys[M.n_keys++];
    memset(k, 0, sizeof *k);
    k->root = root;
    k->view = view;
    k->path = fake_xstrdup(path);
    k->written = ++M.clock;
    touch_parent(root, view, path);
    return k;
}

void fake_reg_key(enum avs_reg_root root, enum avs_reg_view view, const char *path)
{
    make_key(root, view, path);
}

void fake_reg_set_raw(enum avs_reg_root root, enum avs_reg_view view, const char *path,
                      const char *name, uint32_t type, const void *data, size_t size)
{
    struct fkey *k = make_key(root, view, path);
    struct fvalue *v = NULL;
    for (size_t i = 0; i < k->n_values; i++)
        if (strcasecmp(k->values[i].name, name) == 0)
            v = &k->values[i];
    if (!v) {
        k->values = fake_xrealloc(k->values, (k->n_values + 1) * sizeof *k->values);
        v = &k->values[k->n_values++];
        v->name = fake_xstrdup(name);
    } else {
        free(v->data);
    }
    k->written = ++M.clock;
    v->type = type;
    v->size = size;
    v->data = fake_xrealloc(NULL, size);
    if (size)
        memcpy(v->data, data, size);
}

void fake_reg_set_sz(enum avs_reg_root root, enum avs_reg_view view, const char *path,
                     const char *name, const char *utf8)
{
    /* Encode UTF-8 to UTF-16LE, with the terminating NUL a well-behaved installer writes. */
    size_t n = strlen(utf8);
    unsigned char *w = fake_xrealloc(NULL, (n + 1) * 4);
    size_t o = 0;
    const unsigned char *p = (const unsigned char *)utf8;
    while (*p) {
        uint32_t cp;
        if (*p < 0x80)
            cp = *p++;
        else if ((*p & 0xe0) == 0xc0)
            cp = (uint32_t)(*p & 0x1f) << 6 | (p[1] & 0x3f), p += 2;
        else if ((*p & 0xf0) == 0xe0)
            cp = (uint32_t)(*p & 0x0f) << 12 | (uint32_t)(p[1] & 0x3f) << 6 | (p[2] & 0x3f), p += 3;
        else
            cp = (uint32_t)(*p & 0x07) << 18 | (uint32_t)(p[1] & 0x3f) << 12 |
                 (uint32_t)(p[2] & 0x3f) << 6 | (p[3] & 0x3f),
            p += 4;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            uint32_t hi = 0xd800 + (cp >> 10), lo = 0xdc00 + (cp & 0x3ff);
            w[o++] = hi & 0xff, w[o++] = hi >> 8, w[o++] = lo & 0xff, w[o++] = lo >> 8;
        } else {
            w[o++] = cp & 0xff, w[o++] = cp >> 8;
        }
    }
    w[o++] = 0, w[o++] = 0;
    fake_reg_set_raw(root, view, path, name, AVS_REG_SZ, w, o);
    free(w);
}

void fake_reg_set_dword(enum avs_reg_root root, enum avs_reg_view view, const char *path,
                        const char *name, uint32_t value)
{
    unsigned char b[4] = {value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff, value >> 24};
    fake_reg_set_raw(root, view, path, name, AVS_REG_DWORD, b, 4);
}

void fake_reg_fail_open(enum avs_reg_root root, enum avs_reg_view view, const char *path, int err)
{
    make_key(root, view, path)->fail = err;
}

void fake_reg_delete(enum avs_reg_root root, enum avs_reg_view view, const char *path)
{
    size_t n = strlen(path);
    for (size_t i = 0; i < M.n_keys; i++)
        if (M.keys[i].root == root && M.keys[i].view == view &&
            strncasecmp(M.keys[i].path, path, n) == 0 &&
            (M.keys[i].path[n] == '\0' || M.keys[i].path[n] == '\\'))
            M.keys[i].deleted = 1;
    touch_parent(root, view, path);
}

void fake_reg_touch(enum avs_reg_root root, enum avs_reg_view view, const char *path)
{
    struct fkey *k = find_key(root, view, path);
    if (k)
        k->written = ++M.clock;
}

size_t fake_reg_value_reads(enum avs_reg_root root, enum avs_reg_view view, const char *path)
{
    struct fkey *k = find_key(root, view, path);
    return k ? k->reads : 0;
}

int fake_reg_open_handles(void)
{
    return M.open_handles;
}

static int open_path(avs_os_key **out, enum avs_reg_root root, const char *path,
                     enum avs_reg_view view)
{
    *out = NULL;
    struct fkey *k = find_key(root, view, path);
    if (!k && *path)
        return AVS_ENOENT;
    if (k && k->fail)
        return k->fail;
    avs_os_key *h = fake_xrealloc(NULL, sizeof *h);
    h->root = root;
    h->view = view;
    h->path = fake_xstrdup(path);
    M.open_handles++;
    *out = h;
    return 0;
}

int avs_os_reg_open(avs_os_key **out, enum avs_reg_root root, const char *path,
                    enum avs_reg_view view)
{
    return open_path(out, root, path, view);
}

int avs_os_reg_open_child(avs_os_key **out, avs_os_key *parent, const char *name)
{
    struct avs_buf b = AVS_BUF_INIT;
    if (*parent->path)
        avs_buf_printf(&b, "%s\\%s", parent->path, name);
    else
        avs_buf_puts(&b, name);
    int rc = open_path(out, parent->root, b.data, parent->view);
    avs_buf_free(&b);
    return rc;
}

int avs_os_reg_subkey_time(char **out, uint64_t *out_time, avs_os_key *key, size_t index)
{
    *out_time = 0;
    size_t plen = strlen(key->path), seen = 0;
    *out = NULL;
    for (size_t i = 0; i < M.n_keys; i++) {
        struct fkey *k = &M.keys[i];
        if (k->deleted || k->root != key->root || k->view != key->view)
            continue;
        const char *rest;
        if (plen == 0)
            rest = k->path;
        else if (strncasecmp(k->path, key->path, plen) == 0 && k->path[plen] == '\\')
            rest = k->path + plen + 1;
        else
            continue;
        if (!*rest || strchr(rest, '\\'))
            continue; /* the key itself, or a grandchild */
        if (seen++ == index) {
            *out = fake_xstrdup(rest);
            *out_time = k->written;
            return 0;
        }
    }
    return AVS_ENOENT;
}

int avs_os_reg_subkey(char **out, avs_os_key *key, size_t index)
{
    uint64_t t;
    return avs_os_reg_subkey_time(out, &t, key, index);
}

int avs_os_reg_value(struct avs_reg_value *out, avs_os_key *key, const char *name)
{
    memset(out, 0, sizeof *out);
    struct fkey *k = find_key(key->root, key->view, key->path);
    if (!k)
        return AVS_ENOENT;
    k->reads++;
    for (size_t i = 0; i < k->n_values; i++) {
        struct fvalue *v = &k->values[i];
        if (strcasecmp(v->name, name ? name : "") != 0)
            continue;
        if (v->size > AVS_REG_VALUE_MAX)
            return AVS_ETOOBIG;
        out->type = v->type;
        out->size = v->size;
        out->data = v->size ? fake_xrealloc(NULL, v->size) : NULL;
        if (v->size)
            memcpy(out->data, v->data, v->size);
        return 0;
    }
    return AVS_ENOENT;
}

void avs_os_reg_close(avs_os_key *key)
{
    if (!key)
        return;
    M.open_handles--;
    free(key->path);
    free(key);
}

/* ---------------------------------------------------------------- registry writes */

void fake_reg_link(const char *path)
{
    make_key(AVS_HKLM, AVS_VIEW_64, path)->link = 1;
}

void fake_reg_fail_write(int err)
{
    M.write_fail = err;
}

size_t fake_reg_writes(void)
{
    return M.writes;
}

int avs_os_reg_create(avs_os_key **out, const char *path)
{
    static const char root[] = "SOFTWARE\\AvSwap";
    size_t n = sizeof root - 1;
    *out = NULL;
    if (!path || strncasecmp(path, root, n) != 0 || (path[n] && path[n] != '\\'))
        return AVS_EINVAL;
    if (M.write_fail)
        return M.write_fail;
    /* As win32/reg.c: every component from SOFTWARE\AvSwap down is checked before use. */
    char *p = fake_xstrdup(path);
    int rc = 0;
    for (size_t i = n; rc == 0; i++) {
        if (p[i] != '\\' && p[i] != '\0')
            continue;
        char c = p[i];
        p[i] = '\0';
        struct fkey *k = find_key(AVS_HKLM, AVS_VIEW_64, p);
        if (k && k->link)
            rc = AVS_EUNSAFE;
        p[i] = c;
        if (!c)
            break;
    }
    free(p);
    if (rc)
        return rc;
    make_key(AVS_HKLM, AVS_VIEW_64, path);
    return open_path(out, AVS_HKLM, path, AVS_VIEW_64);
}

int avs_os_reg_set_string(avs_os_key *key, const char *name, const char *value)
{
    if (!key || !name || !value)
        return AVS_EINVAL;
    fake_reg_set_sz(key->root, key->view, key->path, name, value);
    M.writes++;
    return 0;
}

int avs_os_reg_set_dword(avs_os_key *key, const char *name, uint32_t value)
{
    if (!key || !name)
        return AVS_EINVAL;
    fake_reg_set_dword(key->root, key->view, key->path, name, value);
    M.writes++;
    return 0;
}

int avs_os_reg_delete_value(avs_os_key *key, const char *name)
{
    struct fkey *k = key ? find_key(key->root, key->view, key->path) : NULL;
    if (!k || !name)
        return AVS_EINVAL;
    for (size_t i = 0; i < k->n_values; i++) {
        if (strcasecmp(k->values[i].name, name) != 0)
            continue;
        free(k->values[i].name);
        free(k->values[i].data);
        k->values[i] = k->values[--k->n_values];
        return 0;
    }
    return 0;
}

void fake_uninstall_add(enum avs_reg_view view, const char *sid, const char *key_name,
                        const char *display_name, const char *version, const char *publisher,
                        int windows_installer)
{
    struct avs_buf p = AVS_BUF_INIT;
    enum avs_reg_root root = sid ? AVS_HKU : AVS_HKLM;
    if (sid)
        avs_buf_printf(&p, "%s\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\%s", sid,
                       key_name);
    else
        avs_buf_printf(&p, "%s\\%s", FAKE_UNINSTALL, key_name);
    fake_reg_key(root, view, p.data);
    if (display_name)
        fake_reg_set_sz(root, view, p.data, "DisplayName", display_name);
    if (version)
        fake_reg_set_sz(root, view, p.data, "DisplayVersion", version);
    if (publisher)
        fake_reg_set_sz(root, view, p.data, "Publisher", publisher);
    if (windows_installer)
        fake_reg_set_dword(root, view, p.data, "WindowsInstaller", 1);
    avs_buf_free(&p);
}
