/* Staging the replacement for core/os.h: facts about paths, copy into AvSwap's protected folder,
 * delete, and the lock that hashes a file and keeps writers out while it is installed.
 *
 * A planted reparse point (symbolic link, junction, mount point) anywhere on a path could make
 * AvSwap copy, hash or run something other than what it checked, so every path here is walked
 * from its volume root and refused when any part of it is one. */
#include "os.h"

#include "win32.h" /* <windows.h> first */

#include <bcrypt.h>
#include <stdlib.h>
#include <string.h>

/* Hash in chunks this large: big enough to be fast, small enough for any heap. */
#define HASH_CHUNK (64u * 1024u)

#ifndef NT_SUCCESS
#define NT_SUCCESS(s) ((NTSTATUS)(s) >= 0)
#endif

struct avs_os_lock {
    HANDLE h;
};

static int is_sep(wchar_t c)
{
    return c == L'\\' || c == L'/';
}

/* Skips one path component starting at I; returns the index of the separator (or end). */
static size_t skip_component(const wchar_t *p, size_t i)
{
    while (p[i] && !is_sep(p[i]))
        i++;
    return i;
}

/* Length of the volume root of P ("C:\", "\\?\C:\", "\\server\share\", "\\?\UNC\s\sh\",
 * "\\?\Volume{...}\"): the part that is never a reparse point we could do anything about. */
static size_t root_len(const wchar_t *p)
{
    size_t i = 0;
    int unc = 0;
    if (wcsncmp(p, L"\\\\?\\UNC\\", 8) == 0) {
        i = 8;
        unc = 1;
    } else if (wcsncmp(p, L"\\\\?\\", 4) == 0 || wcsncmp(p, L"\\\\.\\", 4) == 0) {
        i = 4;
    } else if (is_sep(p[0]) && is_sep(p[1])) {
        i = 2;
        unc = 1;
    }
    if (unc) {
        i = skip_component(p, i); /* server */
        if (p[i])
            i = skip_component(p, i + 1); /* share */
    } else if (p[i] && p[i + 1] == L':') {
        i += 2;
    } else {
        i = skip_component(p, i); /* Volume{GUID} or a device name */
    }
    if (is_sep(p[i]))
        i++;
    return i;
}

/* 1 when BUF (a full path) names an existing reparse point, 0 when it is something else or
 * does not exist. */
static int check_one(int *out, const wchar_t *buf)
{
    *out = 0;
    DWORD attrs = GetFileAttributesW(buf);
    if (attrs == INVALID_FILE_ATTRIBUTES) {
        DWORD e = GetLastError();
        /* ERROR_DIRECTORY: a file stands where a folder on the way should be. */
        if (e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND || e == ERROR_DIRECTORY)
            return 0;
        return avs_win32_last_error();
    }
    *out = (attrs & FILE_ATTRIBUTE_REPARSE_POINT) != 0;
    return 0;
}

int avs_win32_reparse_on_path(int *out, const wchar_t *path)
{
    *out = 0;
    size_t len = wcslen(path);
    wchar_t *buf = malloc((len + 1) * sizeof *buf);
    if (!buf)
        return AVS_ENOMEM;
    memcpy(buf, path, (len + 1) * sizeof *buf);
    size_t i = root_len(buf);
    int err = 0, found = 0;
    /* From the root down: each folder on the way, then PATH itself. Attributes are read
     * without following the last component, so a link reports itself. */
    while (!found && !err && i < len) {
        size_t end = skip_component(buf, i);
        wchar_t saved = buf[end];
        buf[end] = L'\0';
        if (end > i)
            err = check_one(&found, buf);
        buf[end] = saved;
        i = end + 1;
    }
    free(buf);
    if (!err)
        *out = found;
    return err;
}

int avs_win32_path_safe(wchar_t **out, const char *path, size_t suffix_chars)
{
    *out = NULL;
    wchar_t *w = NULL;
    int reparse = 0;
    int err = avs_win32_path(&w, path, suffix_chars);
    if (err)
        return err;
    if ((err = avs_win32_reparse_on_path(&reparse, w)) == 0 && reparse)
        err = AVS_EUNSAFE;
    if (err) {
        free(w);
        return err;
    }
    *out = w;
    return 0;
}

int avs_os_path_facts(struct avs_os_path_facts *out, const char *path)
{
    memset(out, 0, sizeof *out);
    struct avs_os_path_facts f = {0};
    wchar_t *w = NULL;
    int err = avs_win32_path(&w, path, 0);
    if (err)
        return err;
    WIN32_FILE_ATTRIBUTE_DATA d;
    /* GetFileAttributesExW does not follow a final reparse point: a link reports itself. */
    if (GetFileAttributesExW(w, GetFileExInfoStandard, &d)) {
        f.exists = 1;
        f.is_dir = (d.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) != 0;
        if (!f.is_dir)
            f.size = ((uint64_t)d.nFileSizeHigh << 32) | d.nFileSizeLow;
    } else if (GetLastError() != ERROR_FILE_NOT_FOUND && GetLastError() != ERROR_PATH_NOT_FOUND &&
               GetLastError() != ERROR_DIRECTORY) {
        err = avs_win32_last_error();
        goto done;
    }
    if ((err = avs_win32_reparse_on_path(&f.reparse, w)))
        goto done;
    *out = f;
done:
    free(w);
    return err;
}

/* Removes the plain file W, clearing a read-only attribute that would make DeleteFileW fail.
 * ERROR_FILE_NOT_FOUND and friends are left to the caller. */
static BOOL delete_plain(const wchar_t *w)
{
    if (DeleteFileW(w))
        return TRUE;
    if (GetLastError() != ERROR_ACCESS_DENIED)
        return FALSE;
    DWORD attrs = GetFileAttributesW(w);
    if (attrs == INVALID_FILE_ATTRIBUTES || !(attrs & FILE_ATTRIBUTE_READONLY) ||
        (attrs & (FILE_ATTRIBUTE_DIRECTORY | FILE_ATTRIBUTE_REPARSE_POINT))) {
        SetLastError(ERROR_ACCESS_DENIED);
        return FALSE;
    }
    if (!SetFileAttributesW(w, attrs & ~(DWORD)FILE_ATTRIBUTE_READONLY))
        return FALSE;
    return DeleteFileW(w);
}

int avs_os_file_copy(const char *dst, const char *src)
{
    wchar_t *wsrc = NULL, *wdst = NULL;
    int err, reparse = 0;
    if ((err = avs_win32_path(&wsrc, src, 0)) || (err = avs_win32_path(&wdst, dst, 0)))
        goto done;
    /* The source must be a plain file. Its folders may be anything (a share, a redirected
     * Downloads): what matters is the copy, which is hashed before anything trusts it. */
    DWORD attrs = GetFileAttributesW(wsrc);
    if (attrs == INVALID_FILE_ATTRIBUTES) {
        err = avs_win32_last_error();
        goto done;
    }
    if (attrs & (FILE_ATTRIBUTE_REPARSE_POINT | FILE_ATTRIBUTE_DIRECTORY)) {
        err = attrs & FILE_ATTRIBUTE_REPARSE_POINT ? AVS_EUNSAFE : AVS_EINVAL;
        goto done;
    }
    /* The destination: no link anywhere on the way, and no link or folder in its place. */
    if ((err = avs_win32_reparse_on_path(&reparse, wdst)))
        goto done;
    if (reparse) {
        err = AVS_EUNSAFE;
        goto done;
    }
    attrs = GetFileAttributesW(wdst);
    if (attrs != INVALID_FILE_ATTRIBUTES) {
        if (attrs & FILE_ATTRIBUTE_DIRECTORY) {
            err = AVS_EINVAL;
            goto done;
        }
        /* A plain file (an earlier, interrupted staging) is replaced: deleted first, so the
         * copy below creates a new file with its folder's protected ACL. */
        if (!delete_plain(wdst) && GetLastError() != ERROR_FILE_NOT_FOUND) {
            err = avs_win32_last_error();
            goto done;
        }
    }
    /* Fail if it exists: anything that reappeared since the delete is not ours. The new file
     * takes its DACL from the folder by inheritance; CopyFileW does not copy the source's. */
    if (!CopyFileW(wsrc, wdst, TRUE)) {
        DWORD e = GetLastError();
        err = e == ERROR_FILE_EXISTS || e == ERROR_ALREADY_EXISTS ? AVS_EUNSAFE
                                                                  : avs_win32_last_error();
        goto done;
    }
done:
    free(wsrc);
    free(wdst);
    return err;
}

int avs_os_file_delete(const char *path)
{
    wchar_t *w = NULL;
    int err = avs_win32_path(&w, path, 0);
    if (err)
        return err;
    /* DeleteFileW on a symbolic link deletes the link, never its target. */
    if (!delete_plain(w)) {
        DWORD e = GetLastError();
        if (e != ERROR_FILE_NOT_FOUND && e != ERROR_PATH_NOT_FOUND)
            err = avs_win32_last_error();
    }
    free(w);
    return err;
}

/* SHA-256 of everything H reads from its current position to the end, with BCrypt. */
static int hash_handle(uint8_t digest[32], HANDLE h)
{
    BCRYPT_ALG_HANDLE alg = NULL;
    BCRYPT_HASH_HANDLE hh = NULL;
    unsigned char *obj = NULL, *buf = NULL;
    DWORD obj_len = 0, got = 0;
    int err = AVS_EIO;
    if (!NT_SUCCESS(BCryptOpenAlgorithmProvider(&alg, BCRYPT_SHA256_ALGORITHM, NULL, 0)))
        goto done;
    /* The hash object is ours to allocate: Vista's BCrypt does not allocate it itself. */
    if (!NT_SUCCESS(BCryptGetProperty(alg, BCRYPT_OBJECT_LENGTH, (PUCHAR)&obj_len, sizeof obj_len,
                                      &got, 0)) ||
        got != sizeof obj_len || obj_len == 0)
        goto done;
    obj = malloc(obj_len);
    buf = malloc(HASH_CHUNK);
    if (!obj || !buf) {
        err = AVS_ENOMEM;
        goto done;
    }
    if (!NT_SUCCESS(BCryptCreateHash(alg, &hh, obj, obj_len, NULL, 0, 0)))
        goto done;
    for (;;) {
        DWORD n = 0;
        if (!ReadFile(h, buf, HASH_CHUNK, &n, NULL)) {
            err = avs_win32_last_error();
            goto done;
        }
        if (n == 0)
            break;
        if (!NT_SUCCESS(BCryptHashData(hh, buf, n, 0)))
            goto done;
    }
    if (!NT_SUCCESS(BCryptFinishHash(hh, digest, 32, 0)))
        goto done;
    err = 0;
done:
    if (hh)
        BCryptDestroyHash(hh);
    if (alg)
        BCryptCloseAlgorithmProvider(alg, 0);
    free(obj);
    free(buf);
    return err;
}

int avs_os_file_lock_hash(avs_os_lock **out, uint8_t sha256[32], const char *path)
{
    *out = NULL;
    wchar_t *w = NULL;
    HANDLE h = INVALID_HANDLE_VALUE;
    uint8_t digest[32];
    int err = avs_win32_path_safe(&w, path, 0);
    if (err)
        return err;
    /* FILE_SHARE_READ only: from here until unlock nobody may write, truncate, rename or
     * delete the file, so what an installer reads later is what was hashed now. */
    h = CreateFileW(w, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                    FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_SEQUENTIAL_SCAN, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        err = avs_win32_last_error();
        /* Opening a folder as a file is "access denied": say what it is. */
        DWORD attrs = GetFileAttributesW(w);
        if (err == AVS_EACCES && attrs != INVALID_FILE_ATTRIBUTES &&
            (attrs & FILE_ATTRIBUTE_DIRECTORY))
            err = AVS_EINVAL;
        goto done;
    }
    DWORD attrs;
    if ((err = avs_win32_handle_attributes(&attrs, h)) != 0)
        goto done;
    if ((attrs & FILE_ATTRIBUTE_DIRECTORY) || GetFileType(h) != FILE_TYPE_DISK) {
        err = AVS_EINVAL; /* a folder, a device or a pipe is not a package */
        goto done;
    }
    if ((err = hash_handle(digest, h)))
        goto done;
    avs_os_lock *lock = malloc(sizeof *lock);
    if (!lock) {
        err = AVS_ENOMEM;
        goto done;
    }
    lock->h = h;
    h = INVALID_HANDLE_VALUE;
    memcpy(sha256, digest, sizeof digest);
    *out = lock;
done:
    if (h != INVALID_HANDLE_VALUE)
        CloseHandle(h);
    free(w);
    return err;
}

void avs_os_file_unlock(avs_os_lock *lock)
{
    if (!lock)
        return;
    CloseHandle(lock->h);
    free(lock);
}

int avs_win32_handle_attributes(DWORD *out, HANDLE h)
{
    FILE_ATTRIBUTE_TAG_INFO tag;
    *out = 0;
    if (!GetFileInformationByHandleEx(h, FileAttributeTagInfo, &tag, sizeof tag))
        return avs_win32_last_error();
    if (tag.FileAttributes & FILE_ATTRIBUTE_REPARSE_POINT)
        return AVS_EUNSAFE;
    *out = tag.FileAttributes;
    return 0;
}
