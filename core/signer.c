#include "signer.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "utf8.h"

static const char R_EMPTY[] = "it is empty";
static const char R_FIELD[] = "a field is not O=, L=, S= or C= (e.g. O=AO Kaspersky Lab, C=RU)";
static const char R_TWICE[] = "a field is given twice";
static const char R_VALUE[] = "a field has an empty value";
static const char R_QUOTE[] = "a quoted value has no closing quote, or text follows it";
static const char R_LONG[] = "a value is longer than 256 bytes";
static const char R_NO_O[] = "it names no organisation (O=)";
static const char R_UTF8[] = "it is not valid UTF-8";
static const char R_CTRL[] = "it contains a control character";

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

static int lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

/* Trimmed, ASCII-case-insensitive equality. */
static int field_eq(const char *a, const char *b)
{
    while (is_space(*a))
        a++;
    while (is_space(*b))
        b++;
    size_t na = strlen(a), nb = strlen(b);
    while (na > 0 && is_space(a[na - 1]))
        na--;
    while (nb > 0 && is_space(b[nb - 1]))
        nb--;
    if (na != nb)
        return 0;
    for (size_t i = 0; i < na; i++)
        if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
            return 0;
    return 1;
}

static char **slot(struct avs_signer *s, char name)
{
    switch (lower((unsigned char)name)) {
    case 'o': return &s->o;
    case 'l': return &s->l;
    case 's': return &s->s;
    case 'c': return &s->c;
    default: return NULL;
    }
}

/* Parses one "F=VALUE" item starting at *P; leaves *P after it (at ',' or the end). */
static const char *item(struct avs_signer *s, const char **p, int *nomem)
{
    const char *t = *p;
    while (is_space(*t))
        t++;
    char name = *t;
    char **field = slot(s, name);
    if (!field || !name)
        return R_FIELD;
    t++;
    while (is_space(*t))
        t++;
    if (*t != '=')
        return R_FIELD;
    if (*field)
        return R_TWICE;
    t++;
    while (is_space(*t))
        t++;
    const char *v, *end;
    if (*t == '"') {
        v = t + 1;
        end = strchr(v, '"');
        if (!end)
            return R_QUOTE;
        t = end + 1;
        while (is_space(*t))
            t++;
        if (*t && *t != ',')
            return R_QUOTE;
    } else {
        v = t;
        end = v + strcspn(v, ",\"");
        if (*end == '"')
            return R_QUOTE;
        t = end;
        while (end > v && is_space(end[-1]))
            end--;
    }
    size_t n = (size_t)(end - v);
    if (n == 0)
        return R_VALUE;
    if (n > AVS_SIGNER_FIELD_MAX)
        return R_LONG;
    char *copy = malloc(n + 1);
    if (!copy) {
        *nomem = 1;
        return NULL;
    }
    memcpy(copy, v, n);
    copy[n] = '\0';
    *field = copy;
    *p = t;
    return NULL;
}

int avs_signer_parse(struct avs_signer *out, const char **why, const char *text)
{
    struct avs_signer s = {NULL, NULL, NULL, NULL};
    const char *reason = NULL;
    int nomem = 0;

    memset(out, 0, sizeof *out);
    *why = NULL;
    if (!text || !avs_utf8_valid(text))
        reason = text ? R_UTF8 : R_EMPTY;
    for (const unsigned char *c = (const unsigned char *)text; !reason && *c; c++)
        if (*c < 0x20 && *c != '\t')
            reason = R_CTRL;
    if (!reason) {
        const char *p = text;
        while (is_space(*p))
            p++;
        if (!*p)
            reason = R_EMPTY;
        while (!reason && !nomem) {
            reason = item(&s, &p, &nomem);
            if (reason || nomem || *p == '\0')
                break;
            p++; /* the comma */
        }
    }
    if (!reason && !nomem && !s.o)
        reason = R_NO_O;
    if (reason || nomem) {
        avs_signer_free(&s);
        *why = reason;
        return nomem ? AVS_ENOMEM : AVS_EFORMAT;
    }
    *out = s;
    return 0;
}

void avs_signer_free(struct avs_signer *s)
{
    if (!s)
        return;
    free(s->o);
    free(s->l);
    free(s->s);
    free(s->c);
    memset(s, 0, sizeof *s);
}

int avs_signer_matches(const struct avs_signer *want, const struct avs_signer *subject)
{
    if (!want || !subject || !want->o)
        return 0;
    const char *w[4] = {want->o, want->l, want->s, want->c};
    const char *h[4] = {subject->o, subject->l, subject->s, subject->c};
    for (int i = 0; i < 4; i++)
        if (w[i] && (!h[i] || !field_eq(w[i], h[i])))
            return 0;
    return 1;
}

void avs_signer_format(struct avs_buf *b, const struct avs_signer *s)
{
    const char *names[4] = {"O", "L", "S", "C"};
    const char *v[4] = {s->o, s->l, s->s, s->c};
    int first = 1;
    for (int i = 0; i < 4; i++) {
        if (!v[i])
            continue;
        const char *q = strchr(v[i], ',') ? "\"" : "";
        avs_buf_printf(b, "%s%s=%s%s%s", first ? "" : ", ", names[i], q, v[i], q);
        first = 0;
    }
}
