/* The normal form names and publishers are compared in (core/normalize.h): what a reader
 * cannot see, or cannot tell apart, must not make a name different. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdlib.h>
#include <string.h>

#include "normalize.h"
#include "utf8.h"

struct norm_case {
    char in[64];
    char out[48];
};

ParameterizedTestParameters(normalize, table)
{
    static struct norm_case cases[] = {
        /* white space: trimmed, collapsed, every kind */
        {" Kaspersky Free", "kaspersky free"},
        {"Kaspersky Free \t\r\n", "kaspersky free"},
        {"Kaspersky   Free", "kaspersky free"},
        {"Kaspersky\u00A0Free", "kaspersky free"},       /* no-break space */
        {"Kaspersky\u3000Free", "kaspersky free"},       /* ideographic space */
        {"Kaspersky\u2007\u202FFree", "kaspersky free"}, /* figure, narrow no-break */
        {"Kaspersky\u2028Free", "kaspersky free"},       /* line separator */
        {"Kaspersky\x85"
         "Free",
         "kasperskyfree"}, /* a stray byte (NEL in Latin-1) is not UTF-8: dropped */
        {"Kaspersky\xC2\x85"
         "Free",
         "kaspersky free"},                        /* U+0085 NEL */
        {"Kaspersky\u2800Free", "kaspersky free"}, /* braille blank */
        {"\u3000\u00A0", ""},
        /* invisible: dropped */
        {"Kasper\u200Bsky Free", "kaspersky free"}, /* zero-width space */
        {"Kasper\u200Csky", "kaspersky"},           /* ZWNJ */
        {"Kasper\u200Dsky", "kaspersky"},           /* ZWJ */
        {"\uFEFFKaspersky", "kaspersky"},           /* BOM */
        {"Kasper\u00ADsky", "kaspersky"},           /* soft hyphen */
        {"\u202EKaspersky\u202C", "kaspersky"},     /* bidi override and pop */
        {"\u200EKaspersky\u200F", "kaspersky"},     /* LRM, RLM */
        {"Kasper\u2066sky\u2069", "kaspersky"},     /* isolates */
        {"Kasper\u2060sky", "kaspersky"},           /* word joiner */
        {"Kasper\u180Esky", "kaspersky"},           /* Mongolian vowel separator */
        {"Kasper\uFE0Fsky", "kaspersky"},           /* variation selector */
        {"Kasper\U000E0041sky", "kaspersky"},       /* tag character */
        {"Kasper\x01sky\x7F", "kaspersky"},         /* controls */
        {"Kaspe\u0301rsky", "kaspersky"},           /* combining acute */
        {"Kaspersky \u200B Free", "kaspersky free"},
        {"\u200B Kaspersky", "kaspersky"},
        /* case */
        {"KASPERSKY free", "kaspersky free"},
        /* look-alikes: Cyrillic, Greek, accented Latin, fullwidth, math, signs */
        {"K\u0430spersky", "kaspersky"},                     /* Cyrillic а */
        {"\u041A\u0410\u0405\u0420\u0415RSKY", "kaspersky"}, /* К А Ѕ Р Е */
        {"\u043A\u0430\u0455\u0440\u0435\u0433\u0455\u043A\u0443",
         "kaspersky"},                                             /* к а ѕ р е г ѕ к у */
        {"\u0421\u041E\u0425\u041C\u041D\u0422\u0412", "coxmhtb"}, /* С О Х М Н Т В */
        {"\u0456\u0458\u04CF\u0501\u051B\u051D\u04BB\u04AF", "ijldqwhy"},
        {"\u039A\u0391\u03A1\u0395\u03A5", "kapey"},               /* Greek upper */
        {"\u03BA\u03B1\u03C1\u03B5\u03C5\u03BF\u03C7", "kapeyox"}, /* Greek lower */
        {"\u0397\u039D\u0399\u03A4\u0396\u039C\u0392", "hnitzmb"},
        {"K\u00E5sp\u00C9rsk\u00FD", "kaspersky"},                               /* å É ý */
        {"\uFF2B\uFF41\uFF53\uFF50\uFF45\uFF52\uFF53\uFF4B\uFF59", "kaspersky"}, /* fullwidth */
        {"\U0001D40A\U0001D41A\U0001D42C\U0001D429\U0001D41E\U0001D42B\U0001D42C\U0001D424"
         "\U0001D432",
         "kaspersky"},                     /* mathematical bold */
        {"\u212Aaspersky", "kaspersky"},   /* Kelvin sign */
        {"Anti\u2011Virus", "anti-virus"}, /* non-breaking hyphen */
        {"Anti\u2013Virus", "anti-virus"}, /* en dash */
        /* the vendor's Russian name: folded the same way on both sides */
        {"\u0410\u041E \u041B\u0430\u0431\u043E\u0440\u0430\u0442\u043E\u0440\u0438\u044F",
         "ao \u043Ba\u0431opatop\u0438\u044F"},
        /* what must stay apart */
        {"K-Lite Codec Pack", "k-lite codec pack"},
        {"KLayout 0.28.12", "klayout 0.28.12"},
        {"Matthias K\u00F6fferlein", "matthias kofferlein"},
        {"\u5361\u5DF4\u65AF\u57FA", "\u5361\u5DF4\u65AF\u57FA"}, /* CJK: unchanged */
        {"\u0416\u0436", "\u0436\u0436"},                         /* Ж: folded, no look-alike */
        {"", ""},
    };
    return cr_make_param_array(struct norm_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct norm_case *c, normalize, table)
{
    char out[sizeof c->in];
    size_t n = avs_norm(out, c->in);
    cr_expect_str_eq(out, c->out, "normal form of '%s'", c->in);
    cr_expect_eq(n, strlen(out));
    cr_expect_leq(n, strlen(c->in), "never longer than the input");
}

Test(normalize, the_lowercase_a_is_not_cyrillic_in_the_source)
{
    /* Guard against an editor "fixing" the table above: the Cyrillic а is two bytes. */
    cr_assert_eq(strlen("\u0430"), 2);
    char out[8];
    avs_norm(out, "\xD0\xB0");
    cr_expect_str_eq(out, "a");
}

Test(normalize, hostile_bytes_never_crash_and_give_valid_utf8)
{
    /* Every 1- and 2-byte sequence, and truncated, overlong and surrogate encodings. */
    static const char *odd[] = {
        "\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xF8\x88\x80\x80\x80",
        "\xE2\x80", "\xF0\x9F\x98", "\xC2",         "\xFF\xFE\xFD",     "K\xE2\x80\x8B\xE2",
    };
    char in[4], out[4];
    for (int a = 1; a < 256; a++) {
        for (int b = 0; b < 256; b++) {
            in[0] = (char)a;
            in[1] = (char)b;
            in[2] = '\0';
            size_t n = avs_norm(out, in);
            cr_assert_leq(n, strlen(in));
            cr_assert(avs_utf8_valid(out), "invalid output for %02x %02x", a, b);
        }
    }
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        char buf[16];
        size_t n = avs_norm(buf, odd[i]);
        cr_expect_leq(n, strlen(odd[i]));
        cr_expect(avs_utf8_valid(buf));
    }
}

Test(normalize, long_input_fits_and_dup_matches)
{
    size_t len = 100000;
    char *in = malloc(len + 1), *dup = NULL;
    cr_assert_not_null(in);
    for (size_t i = 0; i < len; i++)
        in[i] = "K\xC2\xA0x "[i % 5];
    in[len] = '\0';
    cr_assert_eq(avs_norm_dup(&dup, in), 0);
    cr_expect_leq(strlen(dup), len);
    cr_expect(avs_utf8_valid(dup));
    cr_expect_eq(strncmp(dup, "k x k x", 7), 0, "%.10s", dup);
    free(dup);
    free(in);
}

struct glob_case {
    char pattern[32], text[40];
    int match;
};

ParameterizedTestParameters(normalize, glob)
{
    static struct glob_case cases[] = {
        {"kaspersky *", "kaspersky free", 1},
        {"kaspersky *", "kaspersky", 0},
        {"k?spersky", "k\u0436spersky", 1}, /* '?' is one character, not one byte */
        {"k??spersky", "k\u0436spersky", 0},
        {"*\u043Aab", "x\u043Aab", 1},
        {"*kaspersky lab*", "ao kaspersky lab.", 1},
        {"*kaspersky lab*", "kaspersky labs", 1},
        {"*kaspersky lab*", "kaspersky fan club", 0},
        {"a*b*c", "axxbyyc", 1},
        {"a*b*c", "axxbyy", 0},
        {"", "", 1},
        {"*", "", 1},
    };
    return cr_make_param_array(struct glob_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct glob_case *c, normalize, glob)
{
    cr_expect_eq(avs_norm_glob(c->pattern, c->text), c->match, "'%s' ~ '%s'", c->pattern, c->text);
}

ParameterizedTestParameters(normalize, overlap)
{
    static struct glob_case cases[] = {
        {"kaspersky *", "kaspersky free*", 1},
        {"contoso*", "kaspersky *", 0},
        {"*", "kaspersky *", 1},
        {"k*", "kaspersky *", 1},
        {"*defender*", "kaspersky *", 1}, /* "kaspersky defender" */
        {"microsoft defender*", "kaspersky *", 0},
        {"windows defender*", "kaspersky endpoint security*", 0},
        {"contoso*", "*av", 1},
        {"?aspersky free", "kaspersky *", 1},
        {"kaspersky", "kaspersky *", 0},
        {"kaspersky ", "kaspersky *", 1}, /* not a normal form, but the rule still holds */
        {"a?c", "ab*", 1},
        {"a?c", "ab", 0},
        {"*x*", "*y*", 1},
        {"abc", "abc", 1},
        {"abc", "abd", 0},
        {"", "*", 1},
        {"", "?", 0},
        {"* \u043A\u0430c*", "*\u043A\u0430c*", 1},
    };
    return cr_make_param_array(struct glob_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct glob_case *c, normalize, overlap)
{
    cr_expect_eq(avs_norm_glob_overlap(c->pattern, c->text), c->match, "'%s' & '%s'", c->pattern,
                 c->text);
    cr_expect_eq(avs_norm_glob_overlap(c->text, c->pattern), c->match, "'%s' & '%s' (swapped)",
                 c->text, c->pattern);
}

Test(normalize, overlap_is_bounded)
{
    static char a[AVS_NORM_OVERLAP_MAX + 2], b[AVS_NORM_OVERLAP_MAX + 1];
    memset(a, 'x', AVS_NORM_OVERLAP_MAX + 1);
    memset(b, 'y', AVS_NORM_OVERLAP_MAX);
    cr_expect_eq(avs_norm_glob_overlap(a, "y"), 1, "too long to check: counts as overlapping");
    cr_expect_eq(avs_norm_glob_overlap(b, "x*"), 0, "the longest checked pattern");
    cr_expect_eq(avs_norm_glob_overlap(b, "*x*"), 0);
    b[AVS_NORM_OVERLAP_MAX - 1] = '*';
    cr_expect_eq(avs_norm_glob_overlap(b, "*x*"), 1);
}

Test(normalize, zero_width_space_has_two_readings)
{
    char out[32];
    avs_norm(out, "Kaspersky\u200BFree");
    cr_expect_str_eq(out, "kasperskyfree", "first reading: nothing");
    avs_norm_ex(out, "Kaspersky\u200BFree", AVS_NORM_ZWSP_AS_SPACE);
    cr_expect_str_eq(out, "kaspersky free", "second reading: a space");
    avs_norm_ex(out, "Kasper\u200Csky", AVS_NORM_ZWSP_AS_SPACE);
    cr_expect_str_eq(out, "kaspersky", "only U+200B is read as a space");
    cr_expect(avs_norm_has_zwsp("a\u200Bb"));
    cr_expect_not(avs_norm_has_zwsp("a\u200Cb"));
}
