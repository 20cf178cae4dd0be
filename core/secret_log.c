/* Scrubbing Windows Installer verbose logs: the values of the password properties wherever
 * the log names them, then those values and the known password wherever they appear.
 *
 * Windows Installer writes a property's value in several shapes: on the command line it echoes
 * (`KLPASSWD="Se""cret"`, MSI-quoted, doubled quotes), in the property dump at the end
 * (`Property(S): KLPASSWD = Se"cret`), in PROPERTY CHANGE lines (`Its value is 'Se"cret'.`),
 * and verbatim wherever a custom action or a condition printed it. Searching for the password
 * alone misses the quoted form; and a run that resumes after a crash may not have the password
 * at all, so the structure is what finds the value then. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "os.h"
#include "secret.h"

/* Distinct values learned from the structure; more would be a log built to exhaust us. */
#define LEARN_MAX 32

/* The log as units of W bytes (1: ANSI or UTF-8; 2: UTF-16LE) starting at byte OFF. */
struct view {
    const unsigned char *d;
    size_t off, w, n; /* n: whole units */
};

struct scrub {
    unsigned char *kind; /* per byte of the log: 0 kept, 1 byte-wise mask, 2 UTF-16LE mask */
    size_t count;
    char *learned[LEARN_MAX]; /* values found by structure, as UTF-8 (or ANSI) text */
    size_t n_learned;
    int oom;
};

static unsigned unit(const struct view *v, size_t i)
{
    size_t b = v->off + i * v->w;
    return v->w == 1 ? v->d[b] : (unsigned)(v->d[b] | (v->d[b + 1] << 8));
}

static int is_ident(unsigned c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.';
}

static int is_eol(unsigned c)
{
    return c == '\r' || c == '\n';
}

/* 1 when the ASCII text S is at unit I, ASCII letters case folded. */
static int at(const struct view *v, size_t i, const char *s)
{
    for (; *s; s++, i++) {
        if (i >= v->n)
            return 0;
        unsigned c = unit(v, i), e = (unsigned char)*s;
        if (c >= 'a' && c <= 'z')
            c -= 32;
        if (e >= 'a' && e <= 'z')
            e -= 32;
        if (c != e)
            return 0;
    }
    return 1;
}

static size_t line_end(const struct view *v, size_t i)
{
    while (i < v->n && !is_eol(unit(v, i)))
        i++;
    return i;
}

/* Units [A, B) as text: UTF-8 for a UTF-16 view, the bytes as they are otherwise; with
 * DOUBLED, each '""' taken as one '"' (an MSI-quoted value). Allocated once at its largest
 * size, so no freed block keeps a part of the value. NULL when out of memory. */
static char *text_of(const struct view *v, size_t a, size_t b, int doubled)
{
    char *t = malloc((b - a) * 4 + 1), *w = t;
    if (!t)
        return NULL;
    for (size_t i = a; i < b; i++) {
        uint32_t c = unit(v, i);
        if (doubled && c == '"' && i + 1 < b && unit(v, i + 1) == '"')
            i++;
        if (v->w == 2 && c >= 0xd800 && c < 0xdc00 && i + 1 < b && unit(v, i + 1) >= 0xdc00 &&
            unit(v, i + 1) < 0xe000) {
            c = 0x10000 + ((c - 0xd800) << 10) + (unit(v, i + 1) - 0xdc00);
            i++;
        }
        if (c == 0)
            break;
        if (v->w == 1 || c < 0x80) {
            *w++ = (char)c;
        } else if (c < 0x800) {
            *w++ = (char)(0xc0 | (c >> 6));
            *w++ = (char)(0x80 | (c & 0x3f));
        } else if (c < 0x10000) {
            *w++ = (char)(0xe0 | (c >> 12));
            *w++ = (char)(0x80 | ((c >> 6) & 0x3f));
            *w++ = (char)(0x80 | (c & 0x3f));
        } else {
            *w++ = (char)(0xf0 | (c >> 18));
            *w++ = (char)(0x80 | ((c >> 12) & 0x3f));
            *w++ = (char)(0x80 | ((c >> 6) & 0x3f));
            *w++ = (char)(0x80 | (c & 0x3f));
        }
    }
    *w = '\0';
    return t;
}

/* Masks the value at units [A, B) and remembers it, unless it is empty or already the mask. */
static void mark(struct scrub *s, const struct view *v, size_t a, size_t b, int doubled)
{
    if (b <= a)
        return;
    if (b - a == sizeof AVS_SECRET_MASK - 1 && at(v, a, AVS_SECRET_MASK))
        return;
    for (size_t i = v->off + a * v->w; i < v->off + b * v->w; i++)
        if (s->kind[i] < v->w)
            s->kind[i] = (unsigned char)v->w;
    s->count++;

    char *t = text_of(v, a, b, doubled);
    if (!t) {
        s->oom = 1;
        return;
    }
    for (size_t i = 0; i < s->n_learned; i++) {
        if (strcmp(s->learned[i], t) == 0) {
            avs_os_secure_zero(t, strlen(t));
            free(t);
            return;
        }
    }
    if (s->n_learned < LEARN_MAX && *t) {
        s->learned[s->n_learned++] = t;
        return;
    }
    avs_os_secure_zero(t, strlen(t));
    free(t);
}

/* `NAME=value` (a command line): MSI-quoted, or up to the next space. */
static void command_line_value(struct scrub *s, const struct view *v, size_t a)
{
    if (a < v->n && unit(v, a) == '"') {
        size_t q = a + 1;
        while (q < v->n && !is_eol(unit(v, q))) {
            if (unit(v, q) == '"') {
                if (q + 1 < v->n && unit(v, q + 1) == '"') {
                    q += 2;
                    continue;
                }
                break;
            }
            q++;
        }
        mark(s, v, a + 1, q, 1);
        return;
    }
    size_t b = a;
    while (b < v->n && unit(v, b) != ' ' && !is_eol(unit(v, b)))
        b++;
    mark(s, v, a, b, 0);
}

/* `NAME property. Its value is '...'.` and `... Its current value is '...'. Its new value:
 * '...'.`: everything between the line's first and last quote, the two values apart. */
static void property_change_value(struct scrub *s, const struct view *v, size_t j)
{
    static const char sep[] = "'. Its new value: '";
    size_t e = line_end(v, j), a = j;
    while (a < e && unit(v, a) != '\'')
        a++;
    if (a >= e)
        return;
    size_t last = e - 1;
    while (last > a && unit(v, last) != '\'')
        last--;
    if (last == a) {
        mark(s, v, a + 1, e, 0); /* no closing quote: the rest of the line */
        return;
    }
    for (size_t p = a + 1; p + sizeof sep - 1 <= last + 1; p++) {
        if (at(v, p, sep)) {
            mark(s, v, a + 1, p, 0);
            mark(s, v, p + sizeof sep - 1, last, 0);
            return;
        }
    }
    mark(s, v, a + 1, last, 0);
}

static void scan(struct scrub *s, const struct view *v, const char *name)
{
    size_t nl = strlen(name);
    for (size_t i = 0; i + nl <= v->n; i++) {
        if (!at(v, i, name) || (i > 0 && is_ident(unit(v, i - 1))))
            continue;
        size_t j = i + nl, k = j;
        while (k < v->n && unit(v, k) == ' ')
            k++;
        if (k < v->n && unit(v, k) == '=') {
            if (k == j) {
                command_line_value(s, v, k + 1);
            } else {
                /* A property dump line, `NAME = value`: the value runs to the end of the
                 * line, spaces and quotes included; one space follows the '='. */
                size_t a = k + 1;
                if (a < v->n && unit(v, a) == ' ')
                    a++;
                mark(s, v, a, line_end(v, a), 0);
            }
        } else if (at(v, j, " property")) {
            property_change_value(s, v, j);
        }
    }
}

int avs_secret_scrub_log(char **out, size_t *out_len, size_t *out_count, const unsigned char *data,
                         size_t len, const char *secret, const char *const *props, size_t n_props)
{
    struct scrub s;
    int rc = 0;
    *out = NULL;
    *out_len = 0;
    *out_count = 0;
    memset(&s, 0, sizeof s);
    s.kind = calloc(len ? len : 1, 1);
    if (!s.kind)
        return AVS_ENOMEM;

    /* Every shape Windows Installer may use: ANSI/UTF-8, and UTF-16LE at either alignment
     * (a log need not start with its byte order mark). A name never matches in the wrong
     * view: its letters would have to sit next to zero bytes. */
    for (size_t p = 0; p < n_props; p++) {
        if (!props[p] || !*props[p])
            continue;
        struct view v1 = {data, 0, 1, len};
        scan(&s, &v1, props[p]);
        for (size_t off = 0; off < 2 && len > off; off++) {
            struct view v2 = {data, off, 2, (len - off) / 2};
            scan(&s, &v2, props[p]);
        }
    }
    for (size_t i = 0; i < s.n_learned && !s.oom; i++) {
        size_t n = avs_secret_mark(s.kind, data, len, s.learned[i]);
        if (n == (size_t)-1)
            s.oom = 1;
        else
            s.count += n;
    }
    if (!s.oom && secret && *secret) {
        size_t n = avs_secret_mark(s.kind, data, len, secret);
        if (n == (size_t)-1)
            s.oom = 1;
        else
            s.count += n;
    }
    if (s.oom)
        rc = AVS_ENOMEM;
    else if ((rc = avs_secret_emit_masked(out, out_len, data, len, s.kind)) == 0)
        *out_count = s.count;
    for (size_t i = 0; i < s.n_learned; i++) {
        avs_os_secure_zero(s.learned[i], strlen(s.learned[i]));
        free(s.learned[i]);
    }
    free(s.kind);
    return rc;
}
