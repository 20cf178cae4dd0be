#include "utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

size_t avs_utf8_valid_prefix(const unsigned char *p, size_t n)
{
    if (n == 0)
        return 0;
    unsigned char c = p[0];
    if (c < 0x80)
        return 1;
    size_t len;
    uint32_t cp, min;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        cp = c & 0x1f;
        min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        cp = c & 0x0f;
        min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        cp = c & 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

int avs_utf8_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    while (n > 0) {
        size_t len = avs_utf8_valid_prefix(p, n);
        if (len == 0)
            return 0;
        p += len;
        n -= len;
    }
    return 1;
}

size_t avs_utf8_encode(char *o, uint32_t cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xc0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xe0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (char)(0xf0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    o[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

int avs_utf16le_decode(char **out, unsigned *out_flags, const unsigned char *data, size_t size,
                       size_t max_units)
{
    unsigned flags = 0;
    *out = NULL;
    if (out_flags)
        *out_flags = 0;

    if (size % 2) {
        flags |= AVS_UTF16_ODD_SIZE;
        size--;
    }
    size_t units = size / 2;
    size_t end = units;
    for (size_t i = 0; i < units; i++) {
        if (data[2 * i] == 0 && data[2 * i + 1] == 0) {
            end = i;
            break;
        }
    }
    if (end == units)
        flags |= AVS_UTF16_NO_TERMINATOR;
    if (end > max_units) {
        end = max_units;
        flags |= AVS_UTF16_TRUNCATED;
    }

    /* Each code unit becomes at most 3 UTF-8 bytes (a surrogate pair: 2 units, 4 bytes). */
    char *s = malloc(end * 3 + 1);
    if (!s)
        return AVS_ENOMEM;
    size_t o = 0;
    for (size_t i = 0; i < end; i++) {
        uint32_t u = (uint32_t)data[2 * i] | ((uint32_t)data[2 * i + 1] << 8);
        if (u >= 0xd800 && u <= 0xdbff && i + 1 < end) {
            uint32_t lo = (uint32_t)data[2 * i + 2] | ((uint32_t)data[2 * i + 3] << 8);
            if (lo >= 0xdc00 && lo <= 0xdfff) {
                o += avs_utf8_encode(s + o, 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00));
                i++;
                continue;
            }
        }
        if (u >= 0xd800 && u <= 0xdfff) {
            flags |= AVS_UTF16_BAD_SURROGATE;
            u = 0xfffd;
        }
        o += avs_utf8_encode(s + o, u);
    }
    s[o] = '\0';
    *out = s;
    if (out_flags)
        *out_flags = flags;
    return 0;
}
