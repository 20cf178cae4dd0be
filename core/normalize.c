/* Normalisation of names and publishers for matching (see normalize.h and docs/CATALOG.md). */
#include "normalize.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "utf8.h"

/* Cyrillic and Greek letters that look like a Latin letter, by their lower-case form (case is
 * folded first, so each case pair maps to one Latin letter; where the two cases look like
 * different Latin letters, the one the upper case resembles wins for Greek and the lower case
 * for Cyrillic, as Unicode's confusables list pairs them). Sorted by code point. */
static const struct {
    uint16_t cp;
    char latin;
} lookalikes[] = {
    {0x03B1, 'a'}, /* α Α */
    {0x03B2, 'b'}, /* β Β */
    {0x03B3, 'y'}, /* γ */
    {0x03B5, 'e'}, /* ε Ε */
    {0x03B6, 'z'}, /* ζ Ζ */
    {0x03B7, 'h'}, /* η Η */
    {0x03B9, 'i'}, /* ι Ι */
    {0x03BA, 'k'}, /* κ Κ */
    {0x03BC, 'm'}, /* μ Μ */
    {0x03BD, 'n'}, /* ν Ν */
    {0x03BF, 'o'}, /* ο Ο */
    {0x03C1, 'p'}, /* ρ Ρ */
    {0x03C4, 't'}, /* τ Τ */
    {0x03C5, 'y'}, /* υ Υ */
    {0x03C7, 'x'}, /* χ Χ */
    {0x03F2, 'c'}, /* ϲ Ϲ (lunate sigma) */
    {0x03F3, 'j'}, /* ϳ Ϳ */
    {0x0430, 'a'}, /* а А */
    {0x0432, 'b'}, /* в В */
    {0x0433, 'r'}, /* г */
    {0x0435, 'e'}, /* е Е */
    {0x043A, 'k'}, /* к К */
    {0x043C, 'm'}, /* м М */
    {0x043D, 'h'}, /* н Н */
    {0x043E, 'o'}, /* о О */
    {0x0440, 'p'}, /* р Р */
    {0x0441, 'c'}, /* с С */
    {0x0442, 't'}, /* т Т */
    {0x0443, 'y'}, /* у У */
    {0x0445, 'x'}, /* х Х */
    {0x0455, 's'}, /* ѕ Ѕ */
    {0x0456, 'i'}, /* і І */
    {0x0458, 'j'}, /* ј Ј */
    {0x04AF, 'y'}, /* ү Ү */
    {0x04BB, 'h'}, /* һ Һ */
    {0x04CF, 'l'}, /* ӏ Ӏ (palochka) */
    {0x0501, 'd'}, /* ԁ Ԁ */
    {0x051B, 'q'}, /* ԛ Ԛ */
    {0x051D, 'w'}, /* ԝ Ԝ */
};

/* Lower-case Latin-1 letters with a diacritic, U+00E0..U+00FF, to their base letter (0: kept). */
static const char latin1_base[33] = "aaaaaa\0ceeeeiiii\0nooooo\0ouuuuy\0y";

static int is_space(uint32_t c)
{
    return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
           c == 0x205F || c == 0x3000 || c == 0x2800 /* braille blank: shows as a space */;
}

/* Characters that show nothing: Unicode's format (Cf) and default-ignorable characters, the
 * other controls, and the combining diacritical marks (an accent over a letter hides nothing). */
static int is_invisible(uint32_t c)
{
    return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0xAD || (c >= 0x0300 && c <= 0x036F) ||
           (c >= 0x0600 && c <= 0x0605) || c == 0x061C || c == 0x06DD || c == 0x070F ||
           c == 0x08E2 || c == 0x115F || c == 0x1160 || c == 0x17B4 || c == 0x17B5 ||
           (c >= 0x180B && c <= 0x180F) || (c >= 0x200B && c <= 0x200F) ||
           (c >= 0x202A && c <= 0x202E) || (c >= 0x2060 && c <= 0x206F) || c == 0x3164 ||
           (c >= 0xFE00 && c <= 0xFE0F) || c == 0xFEFF || c == 0xFFA0 ||
           (c >= 0xFFF0 && c <= 0xFFFB) || c == 0x110BD || c == 0x110CD ||
           (c >= 0x13430 && c <= 0x1343F) || (c >= 0x1BCA0 && c <= 0x1BCA3) ||
           (c >= 0x1D173 && c <= 0x1D17A) || (c >= 0xE0000 && c <= 0xE0FFF);
}

static uint32_t fold_case(uint32_t c)
{
    if (c >= 'A' && c <= 'Z')
        return c + 0x20;
    if (c < 0xC0)
        return c;
    if (c <= 0xDE && c != 0xD7)
        return c + 0x20; /* Latin-1 */
    if (c >= 0x0391 && c <= 0x03AB && c != 0x03A2)
        return c + 0x20; /* Greek */
    if (c == 0x0386)
        return 0x03AC;
    if (c >= 0x0388 && c <= 0x038A)
        return c + 0x25;
    if (c == 0x038C)
        return 0x03CC;
    if (c == 0x038E || c == 0x038F)
        return c + 0x3F;
    if (c == 0x03C2)
        return 0x03C3; /* final sigma */
    if (c == 0x03F9)
        return 0x03F2;
    if (c == 0x037F)
        return 0x03F3;
    if (c >= 0x0400 && c <= 0x040F)
        return c + 0x50; /* Cyrillic */
    if (c >= 0x0410 && c <= 0x042F)
        return c + 0x20;
    if (c == 0x04C0)
        return 0x04CF;
    if (((c >= 0x0460 && c <= 0x0481) || (c >= 0x048A && c <= 0x04BF) ||
         (c >= 0x04D0 && c <= 0x052F)) &&
        c % 2 == 0)
        return c + 1;
    if (c >= 0x04C1 && c <= 0x04CE && c % 2 == 1)
        return c + 1;
    return c;
}

/* The Latin letter (or ASCII character) C, already case-folded, stands for; C when none. */
static uint32_t fold_lookalike(uint32_t c)
{
    if (c < 0x80)
        return c;
    if (c >= 0xE0 && c <= 0xFF)
        return latin1_base[c - 0xE0] ? (uint32_t)latin1_base[c - 0xE0] : c;
    if (c >= 0x0370 && c <= 0x052F) {
        size_t lo = 0, hi = sizeof lookalikes / sizeof lookalikes[0];
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (lookalikes[mid].cp == c)
                return (uint32_t)lookalikes[mid].latin;
            if (lookalikes[mid].cp < c)
                lo = mid + 1;
            else
                hi = mid;
        }
        return c;
    }
    if (c == 0x0131)
        return 'i'; /* dotless i */
    if ((c >= 0x2010 && c <= 0x2015) || c == 0x2212 || c == 0xFE58 || c == 0xFE63)
        return '-';
    if (c == 0x212A)
        return 'k'; /* Kelvin sign */
    if (c == 0x212B)
        return 'a';                 /* Angstrom sign */
    if (c >= 0xFF01 && c <= 0xFF5E) /* fullwidth ASCII */
        return fold_case(c - 0xFEE0);
    if (c >= 0x1D400 && c <= 0x1D6A3) { /* mathematical alphanumerics: 13 alphabets of 52 */
        uint32_t i = (c - 0x1D400) % 52;
        return i < 26 ? 'a' + i : 'a' + (i - 26);
    }
    if (c >= 0x1D7CE && c <= 0x1D7FF)
        return '0' + (c - 0x1D7CE) % 10;
    return c;
}

static uint32_t decode(const unsigned char *p, size_t len)
{
    if (len == 1)
        return p[0];
    uint32_t c = p[0] & (0x7F >> len);
    for (size_t i = 1; i < len; i++)
        c = (c << 6) | (p[i] & 0x3F);
    return c;
}

static size_t encode(char *o, uint32_t c)
{
    if (c < 0x80) {
        o[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        o[0] = (char)(0xC0 | (c >> 6));
        o[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        o[0] = (char)(0xE0 | (c >> 12));
        o[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        o[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (c >> 18));
    o[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((c >> 6) & 0x3F));
    o[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

size_t avs_norm(char *out, const char *in)
{
    return avs_norm_ex(out, in, 0);
}

int avs_norm_has_zwsp(const char *in)
{
    return strstr(in, "\xE2\x80\x8B") != NULL;
}

size_t avs_norm_ex(char *out, const char *in, unsigned flags)
{
    const unsigned char *p = (const unsigned char *)in;
    size_t n = strlen(in), o = 0;
    int space = 0;

    /* Every step maps a character to one of at most its own encoded length (case folding stays
     * within its two-byte block; look-alikes become ASCII) and a run of white space to one byte,
     * so O never passes the input's position: the output fits, and OUT may even be IN. */
    while (n > 0) {
        size_t len = avs_utf8_valid_prefix(p, n);
        uint32_t c;
        if (len == 0) {
            p++; /* not UTF-8: dropped, as an invisible character is */
            n--;
            continue;
        }
        c = decode(p, len);
        p += len;
        n -= len;
        if (is_space(c) || (c == 0x200B && (flags & AVS_NORM_ZWSP_AS_SPACE))) {
            space = o > 0;
            continue;
        }
        if (is_invisible(c))
            continue;
        c = fold_lookalike(fold_case(c));
        if (space) {
            out[o++] = ' ';
            space = 0;
        }
        o += encode(out + o, c);
    }
    out[o] = '\0';
    return o;
}

int avs_norm_dup(char **out, const char *in)
{
    *out = NULL;
    char *s = malloc(strlen(in) + 1);
    if (!s)
        return AVS_ENOMEM;
    avs_norm(s, in);
    *out = s;
    return 0;
}

/* Length of the UTF-8 character at S (normalised text is valid UTF-8; 1 for a stray byte). */
static size_t char_len(const char *s)
{
    unsigned char c = (unsigned char)*s;
    size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    for (size_t i = 1; i < len; i++)
        if (s[i] == '\0')
            return i;
    return len;
}

int avs_norm_glob(const char *pattern, const char *text)
{
    const char *p = pattern, *t = text;
    const char *star = NULL, *resume = NULL;

    while (*t) {
        size_t tl = char_len(t);
        if (*p == '*') {
            star = p++;
            resume = t;
        } else if (*p == '?') {
            p++;
            t += tl;
        } else if (*p && char_len(p) == tl && memcmp(p, t, tl) == 0) {
            p += tl;
            t += tl;
        } else if (star) {
            /* Backtrack: let the last '*' swallow one more character. */
            p = star + 1;
            resume += char_len(resume);
            t = resume;
        } else {
            return 0;
        }
    }
    while (*p == '*')
        p++;
    return *p == '\0';
}

enum { TOK_STAR = 0xFFFFFFFFu, TOK_ANY = 0xFFFFFFFEu };

/* Splits a normalised pattern into tokens (code points, TOK_STAR, TOK_ANY); -1 when longer
 * than AVS_NORM_OVERLAP_MAX. */
static long tokens(uint32_t *tok, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), k = 0;
    while (n > 0) {
        size_t len = avs_utf8_valid_prefix(p, n);
        if (k == AVS_NORM_OVERLAP_MAX)
            return -1;
        if (len == 0)
            len = 1;
        tok[k++] = *p == '*' ? TOK_STAR : *p == '?' ? TOK_ANY : decode(p, len);
        p += len;
        n -= len;
    }
    return (long)k;
}

int avs_norm_glob_overlap(const char *a, const char *b)
{
    uint32_t ta[AVS_NORM_OVERLAP_MAX], tb[AVS_NORM_OVERLAP_MAX];
    unsigned char row[2][AVS_NORM_OVERLAP_MAX + 1];
    long na = tokens(ta, a), nb = tokens(tb, b);
    if (na < 0 || nb < 0)
        return 1;

    /* ok(i, j): some text matches both a[i..] and b[j..]. Computed from the ends backwards,
     * keeping two rows of i: O(na * nb) time, O(nb) memory.
     *   ok(na, nb) = 1
     *   a[i] is '*': ok(i+1, j) or (j < nb and ok(i, j+1))  -- the star takes b's next token
     *   b[j] is '*': ok(i, j+1) or (i < na and ok(i+1, j))
     *   else both single characters that can be equal: ok(i+1, j+1) */
    for (long i = na; i >= 0; i--) {
        unsigned char *cur = row[i % 2], *next = row[(i + 1) % 2];
        for (long j = nb; j >= 0; j--) {
            int ok;
            if (i == na && j == nb)
                ok = 1;
            else if (i < na && ta[i] == TOK_STAR)
                ok = next[j] || (j < nb && cur[j + 1]);
            else if (j < nb && tb[j] == TOK_STAR)
                ok = cur[j + 1] || (i < na && next[j]);
            else if (i == na || j == nb)
                ok = 0;
            else
                ok = (ta[i] == TOK_ANY || tb[j] == TOK_ANY || ta[i] == tb[j]) && next[j + 1];
            cur[j] = (unsigned char)ok;
        }
    }
    return row[0][0];
}
