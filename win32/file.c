/* AvSwap's own files for core/os.h: the journal (append, flush, truncate a torn tail), catalog
 * files and evidence exports (read whole, replace atomically).
 *
 * Every open passes FILE_FLAG_OPEN_REPARSE_POINT and then refuses a reparse point (symbolic
 * link, junction, mount point) with AVS_EUNSAFE: opening the link itself means a planted link
 * is detected before a single byte goes through it. */
#include "os.h"

#include "win32.h" /* <windows.h> first */

#include <stdlib.h>
#include <string.h>

#define TMP_SUFFIX L".tmp"
#define TMP_SUFFIX_CHARS 4

/* The largest single ReadFile/WriteFile, in bytes. */
#define IO_CHUNK (1u << 30)

/* AVS_EUNSAFE when H is a reparse point, AVS_EINVAL when it is a directory, 0 for a file. */
static int check_plain_file(HANDLE h)
{
    BY_HANDLE_FILE_INFORMATION info;
    if (!GetFileInformationByHandle(h, &info))
        return avs_win32_last_error();
    if (info.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT)
        return AVS_EUNSAFE;
    if (info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
        return AVS_EINVAL;
    return 0;
}

/* Opens PATH with CreateFileW's ACCESS, SHARE and DISPOSITION and checks it is a plain file. */
static int open_file(HANDLE *out, const char *path, DWORD access, DWORD share, DWORD disposition,
                     DWORD flags)
{
    *out = INVALID_HANDLE_VALUE;
    wchar_t *wpath = NULL;
    int err = avs_win32_path(&wpath, path, 0);
    if (err)
        return err;
    HANDLE h = CreateFileW(wpath, access, share, NULL, disposition,
                           flags | FILE_FLAG_OPEN_REPARSE_POINT, NULL);
    free(wpath);
    if (h == INVALID_HANDLE_VALUE)
        return avs_win32_last_error();
    if ((err = check_plain_file(h))) {
        CloseHandle(h);
        return err;
    }
    *out = h;
    return 0;
}

static int write_all(HANDLE h, const void *data, size_t len)
{
    const unsigned char *p = data;
    while (len > 0) {
        DWORD chunk = len > IO_CHUNK ? IO_CHUNK : (DWORD)len;
        DWORD done = 0;
        if (!WriteFile(h, p, chunk, &done, NULL))
            return avs_win32_last_error();
        if (done == 0)
            return AVS_EIO;
        p += done;
        len -= done;
    }
    return 0;
}

int avs_os_file_read_all(char **out, size_t *out_len, const char *path, size_t max)
{
    *out = NULL;
    *out_len = 0;
    HANDLE h;
    char *buf = NULL;
    /* FILE_SHARE_DELETE as well: avs_os_file_write_atomic() may rename a new version over the
     * file while we read; we keep reading the old one, whole. */
    int err =
        open_file(&h, path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                  OPEN_EXISTING, FILE_FLAG_SEQUENTIAL_SCAN);
    if (err)
        return err;
    LARGE_INTEGER size;
    if (!GetFileSizeEx(h, &size)) {
        err = avs_win32_last_error();
        goto done;
    }
    if (size.QuadPart < 0 || (unsigned long long)size.QuadPart > max ||
        (unsigned long long)size.QuadPart >= (size_t)-1) {
        err = AVS_ETOOBIG;
        goto done;
    }
    size_t want = (size_t)size.QuadPart, got = 0;
    buf = malloc(want + 1);
    if (!buf) {
        err = AVS_ENOMEM;
        goto done;
    }
    /* Read what the size promised: a concurrent appender may add more (we return a prefix),
     * a truncation may leave less (we stop at the end). */
    while (got < want) {
        DWORD chunk = want - got > IO_CHUNK ? IO_CHUNK : (DWORD)(want - got);
        DWORD n = 0;
        if (!ReadFile(h, buf + got, chunk, &n, NULL)) {
            err = avs_win32_last_error();
            goto done;
        }
        if (n == 0)
            break;
        got += n;
    }
    buf[got] = '\0';
    *out = buf;
    *out_len = got;
    buf = NULL;
done:
    free(buf);
    CloseHandle(h);
    return err;
}

int avs_os_file_read_head(void *buf, size_t len, size_t *got, const char *path)
{
    HANDLE h;
    *got = 0;
    int err =
        open_file(&h, path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                  OPEN_EXISTING, FILE_FLAG_SEQUENTIAL_SCAN);
    if (err)
        return err;
    while (*got < len) {
        DWORD want = len - *got > IO_CHUNK ? IO_CHUNK : (DWORD)(len - *got), n = 0;
        if (!ReadFile(h, (char *)buf + *got, want, &n, NULL)) {
            err = avs_win32_last_error();
            break;
        }
        if (n == 0)
            break;
        *got += n;
    }
    CloseHandle(h);
    return err;
}

int avs_os_file_append_durable(const char *path, const void *data, size_t len)
{
    HANDLE h;
    if (len && !data)
        return AVS_EINVAL;
    /* FILE_APPEND_DATA without FILE_WRITE_DATA: every write lands at the end of the file,
     * whatever the file pointer says. FILE_READ_ATTRIBUTES only for the reparse check. */
    int err = open_file(&h, path, FILE_APPEND_DATA | FILE_READ_ATTRIBUTES | SYNCHRONIZE,
                        FILE_SHARE_READ, OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL);
    if (err)
        return err;
    err = write_all(h, data, len);
    if (!err && !FlushFileBuffers(h))
        err = avs_win32_last_error();
    CloseHandle(h);
    return err;
}

int avs_os_file_truncate(const char *path, uint64_t size)
{
    HANDLE h;
    if (size > (uint64_t)INT64_MAX)
        return AVS_EINVAL;
    int err = open_file(&h, path, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ, OPEN_EXISTING,
                        FILE_ATTRIBUTE_NORMAL);
    if (err)
        return err;
    LARGE_INTEGER cur, pos;
    if (!GetFileSizeEx(h, &cur)) {
        err = avs_win32_last_error();
        goto done;
    }
    if ((uint64_t)cur.QuadPart < size) { /* never grow a file */
        err = AVS_EINVAL;
        goto done;
    }
    pos.QuadPart = (LONGLONG)size;
    if ((uint64_t)cur.QuadPart > size &&
        (!SetFilePointerEx(h, pos, NULL, FILE_BEGIN) || !SetEndOfFile(h))) {
        err = avs_win32_last_error();
        goto done;
    }
    if (!FlushFileBuffers(h))
        err = avs_win32_last_error();
done:
    CloseHandle(h);
    return err;
}

/* PATH + ".tmp", as a Windows path with room for the suffix. */
static int tmp_path(wchar_t **out, wchar_t **out_target, const char *path)
{
    *out = NULL;
    *out_target = NULL;
    wchar_t *target = NULL;
    int err = avs_win32_path(&target, path, TMP_SUFFIX_CHARS);
    if (err)
        return err;
    size_t n = wcslen(target);
    wchar_t *tmp = malloc((n + TMP_SUFFIX_CHARS + 1) * sizeof *tmp);
    if (!tmp) {
        free(target);
        return AVS_ENOMEM;
    }
    memcpy(tmp, target, n * sizeof *tmp);
    memcpy(tmp + n, TMP_SUFFIX, (TMP_SUFFIX_CHARS + 1) * sizeof *tmp);
    *out = tmp;
    *out_target = target;
    return 0;
}

int avs_os_file_write_atomic(const char *path, const void *data, size_t len)
{
    wchar_t *tmp = NULL, *target = NULL;
    HANDLE h = INVALID_HANDLE_VALUE;
    int created = 0;
    if (len && !data)
        return AVS_EINVAL;
    int err = tmp_path(&tmp, &target, path);
    if (err)
        return err;
    /* The target, when it exists, must be a plain file: replacing a planted link is refused
     * like writing through one. */
    DWORD attrs = GetFileAttributesW(target);
    if (attrs != INVALID_FILE_ATTRIBUTES &&
        (attrs & (FILE_ATTRIBUTE_REPARSE_POINT | FILE_ATTRIBUTE_DIRECTORY))) {
        err = attrs & FILE_ATTRIBUTE_REPARSE_POINT ? AVS_EUNSAFE : AVS_EINVAL;
        goto done;
    }
    /* A leftover PATH.tmp (a crash, or something planted) is deleted, never opened: deleting a
     * link removes the link, and CREATE_NEW then refuses anything that reappears meanwhile. */
    if (!DeleteFileW(tmp) && GetLastError() != ERROR_FILE_NOT_FOUND) {
        err = avs_win32_last_error();
        goto done;
    }
    h = CreateFileW(tmp, GENERIC_WRITE, 0, NULL, CREATE_NEW,
                    FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OPEN_REPARSE_POINT, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        err = GetLastError() == ERROR_FILE_EXISTS ? AVS_EUNSAFE : avs_win32_last_error();
        goto done;
    }
    created = 1;
    if ((err = write_all(h, data, len)))
        goto done;
    if (!FlushFileBuffers(h)) {
        err = avs_win32_last_error();
        goto done;
    }
    CloseHandle(h);
    h = INVALID_HANDLE_VALUE;
    if (!MoveFileExW(tmp, target, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
        err = avs_win32_last_error();
        goto done;
    }
    created = 0;
done:
    if (h != INVALID_HANDLE_VALUE)
        CloseHandle(h);
    if (created)
        DeleteFileW(tmp);
    free(tmp);
    free(target);
    return err;
}
