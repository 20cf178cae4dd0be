#include "textutil.h"

#include <limits.h>
#include <string.h>

#include "error.h"

static int lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

int avs_glob_match(const char *pattern, const char *text)
{
    const char *p = pattern, *t = text;
    const char *star = NULL, *resume = NULL;

    while (*t) {
        if (*p == '*') {
            star = p++;
            resume = t;
        } else if (*p && (*p == '?' || lower((unsigned char)*p) == lower((unsigned char)*t))) {
            p++;
            t++;
        } else if (star) {
            /* Backtrack: let the last '*' swallow one more byte. */
            p = star + 1;
            t = ++resume;
        } else {
            return 0;
        }
    }
    while (*p == '*')
        p++;
    return *p == '\0';
}

size_t avs_glob_literals(const char *pattern)
{
    size_t n = 0;
    for (; *pattern; pattern++)
        if (*pattern != '*' && *pattern != '?')
            n++;
    return n;
}

int avs_str_ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (lower((unsigned char)*a) != lower((unsigned char)*b))
            return 0;
    return *a == *b;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

char *avs_str_trim(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && is_space(s[n - 1]))
        s[--n] = '\0';
    size_t i = 0;
    while (is_space(s[i]))
        i++;
    if (i)
        memmove(s, s + i, n - i + 1);
    return s;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)lower((unsigned char)c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

int avs_guid_canonical(char out[39], const char *s)
{
    static const char shape[] = "{########-####-####-####-############}";
    if (strlen(s) != sizeof shape - 1)
        return AVS_EFORMAT;
    for (size_t i = 0; shape[i]; i++) {
        if (shape[i] == '#') {
            if (hexval(s[i]) < 0)
                return AVS_EFORMAT;
            out[i] = (s[i] >= 'a' && s[i] <= 'f') ? (char)(s[i] - 'a' + 'A') : s[i];
        } else {
            if (s[i] != shape[i])
                return AVS_EFORMAT;
            out[i] = s[i];
        }
    }
    out[38] = '\0';
    return 0;
}

int avs_version_parse(long out[4], int *out_count, const char *s)
{
    int n = 0;
    long fields[4] = {0, 0, 0, 0};
    const char *p = s;

    *out_count = 0;
    for (;;) {
        if (*p < '0' || *p > '9')
            return AVS_EFORMAT;
        if (n == 4)
            return AVS_EFORMAT;
        long v = 0;
        while (*p >= '0' && *p <= '9') {
            if (v > (LONG_MAX - 9) / 10 || v * 10 + (*p - '0') > INT_MAX)
                return AVS_EFORMAT;
            v = v * 10 + (*p - '0');
            p++;
        }
        fields[n++] = v;
        if (*p == '\0')
            break;
        if (*p != '.')
            return AVS_EFORMAT;
        p++;
    }
    memcpy(out, fields, sizeof fields);
    *out_count = n;
    return 0;
}

int avs_version_cmp(const long a[4], int na, const long b[4], int nb)
{
    for (int i = 0; i < 4; i++) {
        long x = i < na ? a[i] : 0, y = i < nb ? b[i] : 0;
        if (x != y)
            return x < y ? -1 : 1;
    }
    return 0;
}
