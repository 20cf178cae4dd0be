/* Registry access for core/os.h: read-only keys in an explicit view, raw values; writes to
 * AvSwap's own keys under HKLM\SOFTWARE\AvSwap, refusing registry symbolic links.
 *
 * Values are returned exactly as stored (type + bytes) because registry data is untrusted:
 * core/regdata decodes it, reports anomalies and never guesses. Nothing here terminates,
 * converts or trims value data.
 *
 * The scan walks every Uninstall key in both views and every user hive, so the hot paths avoid
 * allocations they do not need: names are converted into stack buffers, and a value is read
 * into a 512-byte stack buffer first (almost every Uninstall value fits) and only then into a
 * heap buffer of the exact size. */
#include "os.h"

#include <stdlib.h>
#include <string.h>

#include "win32.h"

struct avs_os_key {
    HKEY h;
    REGSAM view; /* KEY_WOW64_64KEY or KEY_WOW64_32KEY: children are opened in the same view */
};

/* Key names are at most 255 characters; value names at most 16,383, but real ones are short. */
#define NAME_STACK 260
#define VALUE_STACK 512

/* How often a value that keeps growing between the size query and the read is retried before
 * giving up: a writer racing us that long is an I/O problem, not data. */
#define VALUE_RETRIES 8

static int open_key(avs_os_key **out, HKEY base, const char *path, REGSAM view)
{
    wchar_t stack[NAME_STACK];
    wchar_t *wpath = NULL;
    avs_os_key *key = NULL;
    HKEY h = NULL;
    int err = avs_utf8_to_wide_buf(&wpath, stack, NAME_STACK, path);
    if (err)
        goto done;
    key = malloc(sizeof *key);
    if (!key) {
        err = AVS_ENOMEM;
        goto done;
    }
    LSTATUS st = RegOpenKeyExW(base, wpath, 0, KEY_READ | view, &h);
    if (st != ERROR_SUCCESS) {
        err = avs_win32_error((DWORD)st);
        if (!err)
            err = AVS_EIO;
        goto done;
    }
    key->h = h;
    key->view = view;
    *out = key;
    key = NULL;
done:
    free(key);
    avs_wide_release(wpath, stack);
    return err;
}

int avs_os_reg_open(avs_os_key **out, enum avs_reg_root root, const char *path,
                    enum avs_reg_view view)
{
    *out = NULL;
    HKEY base;
    REGSAM sam;
    switch (root) {
    case AVS_HKLM: base = HKEY_LOCAL_MACHINE; break;
    case AVS_HKU: base = HKEY_USERS; break;
    default: return AVS_EINVAL;
    }
    switch (view) {
    case AVS_VIEW_64: sam = KEY_WOW64_64KEY; break;
    case AVS_VIEW_32: sam = KEY_WOW64_32KEY; break;
    default: return AVS_EINVAL;
    }
    if (!path)
        return AVS_EINVAL;
    return open_key(out, base, path, sam);
}

int avs_os_reg_open_child(avs_os_key **out, avs_os_key *parent, const char *name)
{
    *out = NULL;
    if (!parent || !name)
        return AVS_EINVAL;
    return open_key(out, parent->h, name, parent->view);
}

/* RegEnumKeyExW for both subkey calls; TIME may be NULL. */
static int subkey(char **out, uint64_t *time, avs_os_key *key, size_t index)
{
    *out = NULL;
    if (time)
        *time = 0;
    if (!key)
        return AVS_EINVAL;
    if (index > MAXDWORD)
        return AVS_ENOENT;
    wchar_t name[256]; /* key names are limited to 255 characters */
    DWORD len = (DWORD)(sizeof name / sizeof name[0]);
    FILETIME ft = {0, 0};
    LSTATUS st = RegEnumKeyExW(key->h, (DWORD)index, name, &len, NULL, NULL, NULL,
                               time ? &ft : NULL);
    if (st == ERROR_NO_MORE_ITEMS)
        return AVS_ENOENT;
    if (st == ERROR_MORE_DATA)
        return AVS_ETOOBIG;
    if (st != ERROR_SUCCESS) {
        int err = avs_win32_error((DWORD)st);
        return err ? err : AVS_EIO;
    }
    int err = avs_wide_to_utf8_n(out, name, len);
    /* A name holding an unpaired surrogate has no UTF-8 spelling, so core could neither show
     * nor reopen it: report malformed data for this index and let the caller go on. */
    if (err)
        return err == AVS_EINVAL ? AVS_EFORMAT : err;
    if (time)
        *time = (uint64_t)ft.dwHighDateTime << 32 | ft.dwLowDateTime;
    return 0;
}

int avs_os_reg_subkey(char **out, avs_os_key *key, size_t index)
{
    return subkey(out, NULL, key, index);
}

int avs_os_reg_subkey_time(char **out, uint64_t *out_time, avs_os_key *key, size_t index)
{
    return subkey(out, out_time, key, index);
}

int avs_os_reg_value(struct avs_reg_value *out, avs_os_key *key, const char *name)
{
    out->type = 0;
    out->data = NULL;
    out->size = 0;
    if (!key)
        return AVS_EINVAL;

    wchar_t wstack[NAME_STACK];
    wchar_t *wname = NULL; /* NULL reads the default value */
    unsigned char stack[VALUE_STACK];
    unsigned char *heap = NULL;
    int err = 0;
    if (name && *name) {
        err = avs_utf8_to_wide_buf(&wname, wstack, NAME_STACK, name);
        if (err)
            goto done;
    }

    DWORD type = 0;
    DWORD size = sizeof stack;
    LSTATUS st = RegQueryValueExW(key->h, wname, NULL, &type, stack, &size);
    const unsigned char *src = stack;
    for (int tries = 0; st == ERROR_MORE_DATA; tries++) {
        /* SIZE now holds what the value needs. It may grow again before we read it. */
        if (size > AVS_REG_VALUE_MAX) {
            err = AVS_ETOOBIG;
            goto done;
        }
        if (tries == VALUE_RETRIES) {
            err = AVS_EIO;
            goto done;
        }
        free(heap);
        heap = malloc(size ? size : 1);
        if (!heap) {
            err = AVS_ENOMEM;
            goto done;
        }
        st = RegQueryValueExW(key->h, wname, NULL, &type, heap, &size);
        src = heap;
    }
    if (st != ERROR_SUCCESS) {
        err = avs_win32_error((DWORD)st);
        if (!err)
            err = AVS_EIO;
        goto done;
    }
    if (size > AVS_REG_VALUE_MAX) {
        err = AVS_ETOOBIG;
        goto done;
    }

    unsigned char *data = NULL;
    if (size > 0) {
        if (src == heap) {
            data = heap; /* sized for this value (or a larger earlier one): hand it over */
            heap = NULL;
        } else {
            data = malloc(size);
            if (!data) {
                err = AVS_ENOMEM;
                goto done;
            }
            memcpy(data, src, size);
        }
    }
    out->type = (uint32_t)type;
    out->data = data;
    out->size = size;
done:
    free(heap);
    avs_wide_release(wname, wstack);
    return err;
}

void avs_os_reg_close(avs_os_key *key)
{
    if (!key)
        return;
    RegCloseKey(key->h);
    free(key);
}

/* ---- writes: AvSwap's own keys under HKLM\SOFTWARE\AvSwap only (os.h) ---- */

#define OWN_ROOT "SOFTWARE\\AvSwap"

/* REG_LINK keys hold their target in this value; opened with REG_OPTION_OPEN_LINK the link key
 * itself is what the handle refers to, so checking it and writing through it are one object. */
static int is_link(HKEY h)
{
    DWORD type = 0;
    LSTATUS st = RegQueryValueExW(h, L"SymbolicLinkValue", NULL, &type, NULL, NULL);
    return (st == ERROR_SUCCESS || st == ERROR_MORE_DATA) && type == REG_LINK;
}

static int own_path(const char *path)
{
    size_t n = strlen(OWN_ROOT);
    return _strnicmp(path, OWN_ROOT, n) == 0 && (path[n] == '\0' || path[n] == '\\') &&
           !strstr(path, "\\\\") && path[strlen(path) - 1] != '\\';
}

int avs_os_reg_create(avs_os_key **out, const char *path)
{
    *out = NULL;
    if (!path || !own_path(path))
        return AVS_EINVAL;
    wchar_t *wpath = NULL;
    avs_os_key *key = NULL;
    HKEY cur = NULL;
    int err = avs_utf8_to_wide(&wpath, path + strlen("SOFTWARE\\"));
    if (err)
        goto done;
    LSTATUS st =
        RegOpenKeyExW(HKEY_LOCAL_MACHINE, L"SOFTWARE", 0, KEY_READ | KEY_WOW64_64KEY, &cur);
    if (st != ERROR_SUCCESS) {
        err = avs_win32_error((DWORD)st);
        goto done;
    }
    /* One component at a time, each opened as itself (not followed) and checked. */
    for (wchar_t *part = wpath, *next; part; part = next) {
        next = wcschr(part, L'\\');
        if (next)
            *next++ = L'\0';
        HKEY h = NULL;
        DWORD disp = 0;
        st = RegCreateKeyExW(cur, part, 0, NULL, REG_OPTION_NON_VOLATILE | REG_OPTION_OPEN_LINK,
                             KEY_READ | KEY_WRITE | KEY_WOW64_64KEY, NULL, &h, &disp);
        RegCloseKey(cur);
        cur = NULL;
        if (st != ERROR_SUCCESS) {
            err = avs_win32_error((DWORD)st);
            if (!err)
                err = AVS_EIO;
            goto done;
        }
        cur = h;
        if (is_link(cur)) {
            err = AVS_EUNSAFE;
            goto done;
        }
    }
    key = malloc(sizeof *key);
    if (!key) {
        err = AVS_ENOMEM;
        goto done;
    }
    key->h = cur;
    key->view = KEY_WOW64_64KEY;
    cur = NULL;
    *out = key;
done:
    if (cur)
        RegCloseKey(cur);
    free(wpath);
    return err;
}

static int set_value(avs_os_key *key, const char *name, DWORD type, const void *data, DWORD size)
{
    wchar_t stack[NAME_STACK];
    wchar_t *wname = NULL;
    if (!key || !name)
        return AVS_EINVAL;
    int err = avs_utf8_to_wide_buf(&wname, stack, NAME_STACK, name);
    if (err)
        return err;
    LSTATUS st = RegSetValueExW(key->h, wname, 0, type, (const BYTE *)data, size);
    avs_wide_release(wname, stack);
    if (st != ERROR_SUCCESS) {
        err = avs_win32_error((DWORD)st);
        return err ? err : AVS_EIO;
    }
    return 0;
}

int avs_os_reg_set_string(avs_os_key *key, const char *name, const char *value)
{
    wchar_t *w = NULL;
    if (!value)
        return AVS_EINVAL;
    int err = avs_utf8_to_wide(&w, value);
    if (err)
        return err;
    size_t bytes = (wcslen(w) + 1) * sizeof(wchar_t);
    err = bytes > AVS_REG_VALUE_MAX ? AVS_ETOOBIG : set_value(key, name, REG_SZ, w, (DWORD)bytes);
    free(w);
    return err;
}

int avs_os_reg_set_dword(avs_os_key *key, const char *name, uint32_t value)
{
    DWORD v = value;
    return set_value(key, name, REG_DWORD, &v, sizeof v);
}

int avs_os_reg_delete_value(avs_os_key *key, const char *name)
{
    wchar_t stack[NAME_STACK];
    wchar_t *wname = NULL;
    if (!key || !name)
        return AVS_EINVAL;
    int err = avs_utf8_to_wide_buf(&wname, stack, NAME_STACK, name);
    if (err)
        return err;
    LSTATUS st = RegDeleteValueW(key->h, wname);
    avs_wide_release(wname, stack);
    if (st == ERROR_SUCCESS || st == ERROR_FILE_NOT_FOUND)
        return 0;
    err = avs_win32_error((DWORD)st);
    return err ? err : AVS_EIO;
}
