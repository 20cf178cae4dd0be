/* UTF-8 file paths from core/ to the UTF-16 paths Windows wants, long ones included. */
#include "win32.h"

#include <stdlib.h>
#include <string.h>

/* The longest path Windows handles at all, in characters. */
#define PATH_MAX_CHARS 32767

/* CreateDirectoryW's limit (MAX_PATH - 12) is the tightest of the classic ones: below it every
 * API accepts the path without the prefix. */
#define CLASSIC_LIMIT (MAX_PATH - 12)

int avs_win32_path(wchar_t **out, const char *path, size_t suffix_chars)
{
    *out = NULL;
    wchar_t *w = NULL, *full = NULL, *res = NULL;
    int err = 0;
    if (!path || !*path)
        return AVS_EINVAL;
    if ((err = avs_utf8_to_wide(&w, path)))
        goto done;
    /* Already verbatim (\\?\...): the caller chose the exact path; do not touch it. */
    if (wcsncmp(w, L"\\\\?\\", 4) == 0) {
        *out = w;
        return 0;
    }
    DWORD n = GetFullPathNameW(w, 0, NULL, NULL);
    if (n == 0) {
        err = avs_win32_last_error();
        goto done;
    }
    if (n > PATH_MAX_CHARS) {
        err = AVS_ETOOBIG;
        goto done;
    }
    full = malloc((size_t)n * sizeof *full);
    if (!full) {
        err = AVS_ENOMEM;
        goto done;
    }
    DWORD len = GetFullPathNameW(w, n, full, NULL);
    if (len == 0 || len >= n) {
        err = len ? AVS_EIO : avs_win32_last_error();
        goto done;
    }
    if ((size_t)len + suffix_chars < CLASSIC_LIMIT) {
        res = full;
        full = NULL;
    } else {
        /* \\server\share\x becomes \\?\UNC\server\share\x; C:\x becomes \\?\C:\x. */
        int unc = full[0] == L'\\' && full[1] == L'\\';
        const wchar_t *prefix = unc ? L"\\\\?\\UNC" : L"\\\\?\\";
        const wchar_t *rest = unc ? full + 1 : full;
        size_t plen = wcslen(prefix), rlen = wcslen(rest);
        res = malloc((plen + rlen + 1) * sizeof *res);
        if (!res) {
            err = AVS_ENOMEM;
            goto done;
        }
        memcpy(res, prefix, plen * sizeof *res);
        memcpy(res + plen, rest, (rlen + 1) * sizeof *res);
    }
    *out = res;
done:
    free(w);
    free(full);
    return err;
}
