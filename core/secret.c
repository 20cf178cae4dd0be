#include "secret.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "os.h"
#include "utf8.h"

int avs_secret_parse(char **out, const char **why, const char *data, size_t len)
{
    const unsigned char *p = (const unsigned char *)data;
    *out = NULL;
    *why = NULL;

    if (len >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) {
        p += 3;
        len -= 3;
    }
    if (len >= 2 && p[len - 2] == '\r' && p[len - 1] == '\n')
        len -= 2;
    else if (len >= 1 && p[len - 1] == '\n')
        len -= 1;

    if (len == 0) {
        *why = "the password file is empty";
        return AVS_EFORMAT;
    }
    if (memchr(p, '\0', len)) {
        *why = "the password file contains NUL bytes (save it as UTF-8, not UTF-16)";
        return AVS_EFORMAT;
    }
    for (size_t i = 0; i < len; i++) {
        if (p[i] == '\r' || p[i] == '\n') {
            *why = "the password file holds more than one line";
            return AVS_EFORMAT;
        }
        if (p[i] < 0x20 || p[i] == 0x7f) {
            *why = "the password file contains a control character";
            return AVS_EFORMAT;
        }
    }
    if (len > AVS_SECRET_MAX) {
        *why = "the password is longer than 256 bytes";
        return AVS_EFORMAT;
    }
    for (size_t i = 0; i < len;) {
        size_t n = avs_utf8_valid_prefix(p + i, len - i);
        if (n == 0) {
            *why = "the password file is not valid UTF-8";
            return AVS_EFORMAT;
        }
        i += n;
    }

    char *s = malloc(len + 1);
    if (!s)
        return AVS_ENOMEM;
    memcpy(s, p, len);
    s[len] = '\0';
    *out = s;
    return 0;
}

int avs_secret_from_file_data(char **out, const char *data, size_t len)
{
    const char *why;
    return avs_secret_parse(out, &why, data, len);
}

void avs_secret_free(char *s)
{
    if (!s)
        return;
    avs_os_secure_zero(s, strlen(s));
    free(s);
}

/* ---- MSI properties ---- */

static int is_property_name(const char *s)
{
    if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
        return 0;
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              *s == '_' || *s == '.'))
            return 0;
    return 1;
}

#define SECRET_VALUE_MAX (64u * 1024u)
#define NAME_MAX_LEN 256u

int avs_secret_msi_properties(struct avs_buf *out, const char *const *names, size_t n_names,
                              const char *secret)
{
    if (out->err)
        return out->err;
    if (!secret)
        return AVS_EINVAL;
    size_t slen = strlen(secret);
    if (slen > SECRET_VALUE_MAX)
        return AVS_ETOOBIG;
    size_t quoted = slen;
    for (const char *q = secret; *q; q++)
        quoted += *q == '"';

    /* Sizes are bounded (names, value, count within memory), so the sum cannot overflow
     * before the count check below. */
    size_t total = 0;
    for (size_t i = 0; i < n_names; i++) {
        if (!names[i] || !is_property_name(names[i]) || strlen(names[i]) > NAME_MAX_LEN)
            return AVS_EINVAL;
        size_t one = 1 + strlen(names[i]) + 2 + quoted + 1; /* ` NAME="value"` */
        if (total > SIZE_MAX / 2 - one)
            return AVS_ETOOBIG;
        total += one;
    }
    if (total == 0)
        return 0;
    if (out->len > SIZE_MAX / 2 - total)
        return AVS_ETOOBIG;

    size_t need = out->len + total + 1;
    if (need > out->cap) {
        /* Grow by hand: realloc could leave an earlier secret in the freed block. */
        char *n = malloc(need);
        if (!n) {
            out->err = AVS_ENOMEM;
            return out->err;
        }
        if (out->data) {
            memcpy(n, out->data, out->len);
            avs_os_secure_zero(out->data, out->cap);
            free(out->data);
        }
        out->data = n;
        out->cap = need;
    }

    char *w = out->data + out->len;
    for (size_t i = 0; i < n_names; i++) {
        size_t nl = strlen(names[i]);
        *w++ = ' ';
        memcpy(w, names[i], nl);
        w += nl;
        *w++ = '=';
        *w++ = '"';
        for (const char *q = secret; *q; q++) {
            if (*q == '"')
                *w++ = '"';
            *w++ = *q;
        }
        *w++ = '"';
    }
    *w = '\0';
    out->len += total;
    return 0;
}

/* ---- redaction ---- */

/* Decodes the code point at S (NUL-terminated); 0 when it is not valid UTF-8. */
static size_t next_cp(uint32_t *cp, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t avail = 0;
    while (avail < 4 && p[avail])
        avail++;
    size_t n = avs_utf8_valid_prefix(p, avail);
    if (n == 0)
        return 0;
    if (n == 1)
        *cp = p[0];
    else if (n == 2)
        *cp = ((uint32_t)(p[0] & 0x1f) << 6) | (p[1] & 0x3f);
    else if (n == 3)
        *cp = ((uint32_t)(p[0] & 0x0f) << 12) | ((uint32_t)(p[1] & 0x3f) << 6) | (p[2] & 0x3f);
    else
        *cp = ((uint32_t)(p[0] & 0x07) << 18) | ((uint32_t)(p[1] & 0x3f) << 12) |
              ((uint32_t)(p[2] & 0x3f) << 6) | (p[3] & 0x3f);
    return n;
}

/* Windows-1252 bytes 0x80..0x9F (0: unused); 0xA0..0xFF are Latin-1. */
static const uint16_t CP1252_HIGH[32] = {
    0x20ac, 0,      0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017d, 0,      0,      0x2018, 0x2019, 0x201c, 0x201d, 0x2022,
    0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0,      0x017e, 0x0178};

/* The byte of CP in code page PAGE (1252, or 1251 for its letters), or -1. */
static int ansi_byte(uint32_t cp, int page)
{
    if (cp < 0x80)
        return (int)cp;
    if (page == 1252) {
        if (cp >= 0xa0 && cp <= 0xff)
            return (int)cp;
        for (int i = 0; i < 32; i++)
            if (CP1252_HIGH[i] && CP1252_HIGH[i] == cp)
                return 0x80 + i;
        return -1;
    }
    if (cp >= 0x410 && cp <= 0x44f) /* А..я */
        return (int)(cp - 0x410 + 0xc0);
    if (cp == 0x401) /* Ё */
        return 0xa8;
    if (cp == 0x451) /* ё */
        return 0xb8;
    return -1;
}

/* Length of the encoding of SECRET at D (N bytes) in ENC, or 0 when it does not match there.
 * ENC: 8 for UTF-8, 16 for UTF-16LE, 1252 / 1251 for those code pages. */
static size_t match_at(const unsigned char *d, size_t n, const char *secret, int enc)
{
    size_t k = 0;
    if (enc == 8) {
        size_t sl = strlen(secret);
        return (sl <= n && memcmp(d, secret, sl) == 0) ? sl : 0;
    }
    for (const char *s = secret; *s;) {
        uint32_t cp;
        size_t used = next_cp(&cp, s);
        if (used == 0)
            return 0;
        s += used;
        if (enc == 16) {
            uint16_t u[2];
            size_t units = 1;
            if (cp >= 0x10000) {
                u[0] = (uint16_t)(0xd800 + ((cp - 0x10000) >> 10));
                u[1] = (uint16_t)(0xdc00 + ((cp - 0x10000) & 0x3ff));
                units = 2;
            } else {
                u[0] = (uint16_t)cp;
            }
            for (size_t j = 0; j < units; j++) {
                if (k + 2 > n || d[k] != (u[j] & 0xff) || d[k + 1] != (u[j] >> 8))
                    return 0;
                k += 2;
            }
        } else {
            int b = ansi_byte(cp, enc);
            if (b < 0 || k >= n || d[k] != (unsigned char)b)
                return 0;
            k++;
        }
    }
    return k;
}

static int has_non_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return 1;
    return 0;
}

size_t avs_secret_redact(unsigned char *data, size_t len, const char *secret)
{
    if (!secret || !*secret || !data)
        return 0;
    int ansi = has_non_ascii(secret) && avs_utf8_valid(secret);
    size_t count = 0;
    size_t star_end = 0;                 /* bytes before this (from a byte-wise match) become '*' */
    size_t wide_start = 0, wide_end = 0; /* a UTF-16 match: "*\0" per code unit */

    /* Each position is tested before it is overwritten and a match only reads bytes at or
     * after its start, so every match is found in the original data, overlapping or not. */
    for (size_t i = 0; i < len; i++) {
        size_t m;
        if ((m = match_at(data + i, len - i, secret, 8)) != 0) {
            count++;
            if (i + m > star_end)
                star_end = i + m;
        }
        if (ansi) {
            static const int pages[] = {1252, 1251};
            for (size_t p = 0; p < 2; p++) {
                if ((m = match_at(data + i, len - i, secret, pages[p])) != 0) {
                    count++;
                    if (i + m > star_end)
                        star_end = i + m;
                }
            }
        }
        if ((m = match_at(data + i, len - i, secret, 16)) != 0) {
            count++;
            if (i >= wide_end)
                wide_start = i;
            if (i + m > wide_end)
                wide_end = i + m;
        }
        if (i < wide_end && i >= wide_start)
            data[i] = ((i - wide_start) % 2 == 0) ? '*' : 0;
        else if (i < star_end)
            data[i] = '*';
    }
    return count;
}

/* Marks in KIND (one byte per byte of DATA: 1 byte-wise, 2 UTF-16LE) every occurrence of
 * NEEDLE (UTF-8) in every encoding; returns how many there were. */
static size_t mark_needle(unsigned char *kind, const unsigned char *data, size_t len,
                          const char *needle)
{
    static const int encs[] = {8, 1252, 1251, 16};
    size_t count = 0;
    int ansi = has_non_ascii(needle) && avs_utf8_valid(needle);
    for (size_t i = 0; *needle && i < len; i++) {
        for (size_t e = 0; e < 4; e++) {
            if ((encs[e] == 1252 || encs[e] == 1251) && !ansi)
                continue;
            size_t m = match_at(data + i, len - i, needle, encs[e]);
            if (!m)
                continue;
            count++;
            unsigned char k = encs[e] == 16 ? 2 : 1;
            for (size_t j = i; j < i + m; j++)
                if (kind[j] < k)
                    kind[j] = k;
        }
    }
    return count;
}

size_t avs_secret_mark(unsigned char *kind, const unsigned char *data, size_t len,
                       const char *secret)
{
    if (!secret || !*secret || !data)
        return 0;
    size_t count = mark_needle(kind, data, len, secret);
    if (!strchr(secret, '"'))
        return count;
    /* The form Windows Installer echoes back from a property string: each '"' doubled. */
    size_t sl = strlen(secret), q = 0;
    for (const char *p = secret; *p; p++)
        q += *p == '"';
    char *dbl = malloc(sl + q + 1);
    if (!dbl)
        return (size_t)-1;
    char *w = dbl;
    for (const char *p = secret; *p; p++) {
        if (*p == '"')
            *w++ = '"';
        *w++ = *p;
    }
    *w = '\0';
    count += mark_needle(kind, data, len, dbl);
    avs_os_secure_zero(dbl, sl + q);
    free(dbl);
    return count;
}

int avs_secret_emit_masked(char **out, size_t *out_len, const unsigned char *data, size_t len,
                           const unsigned char *kind)
{
    static const char wide_mask[] = "*\0*\0*\0*\0*\0*\0*\0*\0";
    struct avs_buf b = AVS_BUF_INIT;
    *out = NULL;
    *out_len = 0;
    for (size_t i = 0; i < len;) {
        if (!kind[i]) {
            size_t j = i;
            while (j < len && !kind[j])
                j++;
            avs_buf_append(&b, data + i, j - i);
            i = j;
            continue;
        }
        unsigned char k = kind[i];
        while (i < len && kind[i] == k)
            i++;
        if (k == 2)
            avs_buf_append(&b, wide_mask, sizeof wide_mask - 1);
        else
            avs_buf_puts(&b, AVS_SECRET_MASK);
    }
    if (b.err) {
        int err = b.err;
        avs_buf_free(&b);
        return err;
    }
    *out_len = b.len;
    *out = avs_buf_detach(&b);
    return *out ? 0 : AVS_ENOMEM;
}

int avs_secret_mask(char **out, size_t *out_len, size_t *out_count, const unsigned char *data,
                    size_t len, const char *secret)
{
    *out = NULL;
    *out_len = 0;
    *out_count = 0;
    /* Which bytes any occurrence covers, in any encoding: 1 byte-wise, 2 UTF-16LE. Marking
     * first and emitting after keeps overlapping occurrences whole. */
    unsigned char *kind = calloc(len ? len : 1, 1);
    if (!kind)
        return AVS_ENOMEM;
    size_t count = avs_secret_mark(kind, data, len, secret);
    int rc =
        count == (size_t)-1 ? AVS_ENOMEM : avs_secret_emit_masked(out, out_len, data, len, kind);
    free(kind);
    if (rc == 0)
        *out_count = count;
    return rc;
}
