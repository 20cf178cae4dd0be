/* The one pair of UTF-8 <-> UTF-16 conversions of win32/. UTF-16 never leaves win32/.
 *
 * Both directions pass the exact length and MB_ERR_INVALID_CHARS / WC_ERR_INVALID_CHARS, so
 * malformed input is an error (AVS_EINVAL) rather than silently replaced: core/ hands us exact
 * UTF-8, and what we hand back to core/ is exact UTF-8 too. Untrusted registry value data does
 * not come through here; it travels raw to core/regdata. */
#include "win32.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

int avs_utf8_to_wide_buf(wchar_t **out, wchar_t *stack, size_t stack_len, const char *s)
{
    *out = NULL;
    if (!s)
        return AVS_EINVAL;
    size_t len = strlen(s);
    if (len > INT_MAX)
        return AVS_ETOOBIG;
    int n = 0;
    if (len > 0) {
        n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, (int)len, NULL, 0);
        if (n <= 0)
            return avs_win32_last_error();
    }
    wchar_t *w = stack;
    if (!stack || (size_t)n + 1 > stack_len) {
        w = malloc(((size_t)n + 1) * sizeof *w);
        if (!w)
            return AVS_ENOMEM;
    }
    if (n > 0 && MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, (int)len, w, n) != n) {
        int err = avs_win32_last_error();
        avs_wide_release(w, stack);
        return err;
    }
    w[n] = L'\0';
    *out = w;
    return 0;
}

void avs_wide_release(wchar_t *w, wchar_t *stack)
{
    if (w != stack)
        free(w);
}

int avs_utf8_to_wide(wchar_t **out, const char *s)
{
    return avs_utf8_to_wide_buf(out, NULL, 0, s);
}

int avs_wide_to_utf8_n(char **out, const wchar_t *w, size_t len)
{
    *out = NULL;
    if (!w && len)
        return AVS_EINVAL;
    if (len > INT_MAX / 4)
        return AVS_ETOOBIG;
    int n = 0;
    if (len > 0) {
        n = WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, w, (int)len, NULL, 0, NULL, NULL);
        if (n <= 0)
            return avs_win32_last_error();
    }
    char *s = malloc((size_t)n + 1);
    if (!s)
        return AVS_ENOMEM;
    if (n > 0 &&
        WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, w, (int)len, s, n, NULL, NULL) != n) {
        int err = avs_win32_last_error();
        free(s);
        return err;
    }
    s[n] = '\0';
    *out = s;
    return 0;
}

int avs_wide_to_utf8(char **out, const wchar_t *w)
{
    *out = NULL;
    if (!w)
        return AVS_EINVAL;
    return avs_wide_to_utf8_n(out, w, wcslen(w));
}
