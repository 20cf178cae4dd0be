#include "jsonread.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "utf8.h"

struct parser {
    const unsigned char *p;
    size_t len;
    size_t pos;
    struct avs_jsonread_error *err;
};

static int fail(struct parser *ps, int code, const char *why)
{
    if (ps->err) {
        ps->err->offset = ps->pos;
        ps->err->why = why;
    }
    return code;
}

static void skip_ws(struct parser *ps)
{
    while (ps->pos < ps->len) {
        unsigned char c = ps->p[ps->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
        ps->pos++;
    }
}

static int literal(struct parser *ps, const char *word)
{
    size_t n = strlen(word);
    if (ps->len - ps->pos < n || memcmp(ps->p + ps->pos, word, n) != 0)
        return fail(ps, AVS_EFORMAT, "invalid literal");
    ps->pos += n;
    return 0;
}

static int parse_int(struct parser *ps, int64_t *out)
{
    int neg = 0;
    if (ps->pos < ps->len && ps->p[ps->pos] == '-') {
        neg = 1;
        ps->pos++;
    }
    if (ps->pos >= ps->len || ps->p[ps->pos] < '0' || ps->p[ps->pos] > '9')
        return fail(ps, AVS_EFORMAT, "expected a digit");
    /* Accumulate as a negative number so INT64_MIN fits. */
    int64_t v = 0;
    if (ps->p[ps->pos] == '0') {
        ps->pos++;
    } else {
        while (ps->pos < ps->len && ps->p[ps->pos] >= '0' && ps->p[ps->pos] <= '9') {
            int d = ps->p[ps->pos] - '0';
            if (v < (INT64_MIN + d) / 10)
                return fail(ps, AVS_EFORMAT, "integer out of range");
            v = v * 10 - d;
            ps->pos++;
        }
    }
    if (ps->pos < ps->len) {
        unsigned char c = ps->p[ps->pos];
        if (c >= '0' && c <= '9')
            return fail(ps, AVS_EFORMAT, "leading zero");
        if (c == '.' || c == 'e' || c == 'E')
            return fail(ps, AVS_EFORMAT, "only integers are accepted");
    }
    if (!neg) {
        if (v == INT64_MIN)
            return fail(ps, AVS_EFORMAT, "integer out of range");
        v = -v;
    }
    *out = v;
    return 0;
}

static int hex4(struct parser *ps, unsigned *out)
{
    if (ps->len - ps->pos < 4)
        return fail(ps, AVS_EFORMAT, "truncated \\u escape");
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned char c = ps->p[ps->pos + (size_t)i];
        unsigned d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10u;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10u;
        else
            return fail(ps, AVS_EFORMAT, "bad hex digit in \\u escape");
        v = v * 16 + d;
    }
    ps->pos += 4;
    *out = v;
    return 0;
}

static void put_utf8(struct avs_buf *b, unsigned cp)
{
    char o[4];
    size_t n;
    if (cp < 0x80) {
        o[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        o[0] = (char)(0xc0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        o[0] = (char)(0xe0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        o[0] = (char)(0xf0 | (cp >> 18));
        o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        o[3] = (char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    avs_buf_append(b, o, n);
}

/* A \uXXXX escape (the "\u" already consumed), pairing surrogates. */
static int unicode_escape(struct parser *ps, struct avs_buf *b)
{
    unsigned hi;
    int rc = hex4(ps, &hi);
    if (rc)
        return rc;
    if (hi >= 0xdc00 && hi <= 0xdfff)
        return fail(ps, AVS_EFORMAT, "unpaired low surrogate");
    if (hi < 0xd800 || hi > 0xdbff) {
        put_utf8(b, hi);
        return 0;
    }
    if (ps->len - ps->pos < 2 || ps->p[ps->pos] != '\\' || ps->p[ps->pos + 1] != 'u')
        return fail(ps, AVS_EFORMAT, "unpaired high surrogate");
    ps->pos += 2;
    unsigned lo;
    rc = hex4(ps, &lo);
    if (rc)
        return rc;
    if (lo < 0xdc00 || lo > 0xdfff)
        return fail(ps, AVS_EFORMAT, "unpaired high surrogate");
    put_utf8(b, 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00));
    return 0;
}

/* A string (at the opening quote) into *out / *out_len, malloc'd and NUL-terminated. */
static int parse_string(struct parser *ps, char **out, size_t *out_len)
{
    struct avs_buf b = AVS_BUF_INIT;
    int rc;
    ps->pos++; /* the opening quote */
    for (;;) {
        if (ps->pos >= ps->len) {
            rc = fail(ps, AVS_EFORMAT, "unterminated string");
            goto done;
        }
        unsigned char c = ps->p[ps->pos];
        if (c == '"') {
            ps->pos++;
            break;
        }
        if (c < 0x20) {
            rc = fail(ps, AVS_EFORMAT, "control character in string");
            goto done;
        }
        if (c >= 0x80) {
            size_t n = avs_utf8_valid_prefix(ps->p + ps->pos, ps->len - ps->pos);
            if (n == 0) {
                rc = fail(ps, AVS_EFORMAT, "invalid UTF-8 in string");
                goto done;
            }
            avs_buf_append(&b, ps->p + ps->pos, n);
            ps->pos += n;
            continue;
        }
        if (c != '\\') {
            avs_buf_putc(&b, (char)c);
            ps->pos++;
            continue;
        }
        if (ps->pos + 1 >= ps->len) {
            rc = fail(ps, AVS_EFORMAT, "unterminated string");
            goto done;
        }
        char e = (char)ps->p[ps->pos + 1];
        ps->pos += 2;
        switch (e) {
        case '"': avs_buf_putc(&b, '"'); break;
        case '\\': avs_buf_putc(&b, '\\'); break;
        case '/': avs_buf_putc(&b, '/'); break;
        case 'b': avs_buf_putc(&b, '\b'); break;
        case 'f': avs_buf_putc(&b, '\f'); break;
        case 'n': avs_buf_putc(&b, '\n'); break;
        case 'r': avs_buf_putc(&b, '\r'); break;
        case 't': avs_buf_putc(&b, '\t'); break;
        case 'u':
            rc = unicode_escape(ps, &b);
            if (rc)
                goto done;
            break;
        default:
            ps->pos -= 1;
            rc = fail(ps, AVS_EFORMAT, "invalid escape");
            goto done;
        }
    }
    if (b.err) {
        rc = fail(ps, b.err, "out of memory");
        goto done;
    }
    *out_len = b.len;
    *out = avs_buf_detach(&b);
    rc = *out ? 0 : fail(ps, AVS_ENOMEM, "out of memory");
done:
    avs_buf_free(&b);
    return rc;
}

static void value_clear(struct avs_jv *v);
static int parse_value(struct parser *ps, struct avs_jv *v, int depth);

/* Grows *items (of SIZE-byte elements, *cap of them) to hold at least COUNT + 1. */
static int grow(void **items, size_t *cap, size_t count, size_t size)
{
    if (count < *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 4;
    if (ncap > (size_t)-1 / size)
        return AVS_ENOMEM;
    void *p = realloc(*items, ncap * size);
    if (!p)
        return AVS_ENOMEM;
    *items = p;
    *cap = ncap;
    return 0;
}

static int parse_array(struct parser *ps, struct avs_jv *v, int depth)
{
    size_t cap = 0;
    v->type = AVS_JV_ARRAY;
    ps->pos++; /* [ */
    skip_ws(ps);
    if (ps->pos < ps->len && ps->p[ps->pos] == ']') {
        ps->pos++;
        return 0;
    }
    for (;;) {
        void *items = v->items;
        if (grow(&items, &cap, v->count, sizeof *v->items))
            return fail(ps, AVS_ENOMEM, "out of memory");
        v->items = items;
        struct avs_jv *item = &v->items[v->count];
        memset(item, 0, sizeof *item);
        v->count++; /* counted at once so a failure below frees what the item holds */
        int rc = parse_value(ps, item, depth + 1);
        if (rc)
            return rc;
        skip_ws(ps);
        if (ps->pos >= ps->len)
            return fail(ps, AVS_EFORMAT, "unterminated array");
        if (ps->p[ps->pos] == ']') {
            ps->pos++;
            return 0;
        }
        if (ps->p[ps->pos] != ',')
            return fail(ps, AVS_EFORMAT, "expected ',' or ']'");
        ps->pos++;
    }
}

static int parse_object(struct parser *ps, struct avs_jv *v, int depth)
{
    size_t cap = 0;
    v->type = AVS_JV_OBJECT;
    ps->pos++; /* { */
    skip_ws(ps);
    if (ps->pos < ps->len && ps->p[ps->pos] == '}') {
        ps->pos++;
        return 0;
    }
    for (;;) {
        skip_ws(ps);
        if (ps->pos >= ps->len || ps->p[ps->pos] != '"')
            return fail(ps, AVS_EFORMAT, "expected a string key");
        size_t key_at = ps->pos;
        char *key = NULL;
        size_t key_len = 0;
        int rc = parse_string(ps, &key, &key_len);
        if (rc)
            return rc;
        /* Linear search: objects here are small (journal records have a dozen keys). */
        for (size_t i = 0; i < v->count; i++) {
            if (v->members[i].key_len == key_len && memcmp(v->members[i].key, key, key_len) == 0) {
                free(key);
                ps->pos = key_at;
                return fail(ps, AVS_EFORMAT, "duplicate key");
            }
        }
        void *members = v->members;
        if (grow(&members, &cap, v->count, sizeof *v->members)) {
            free(key);
            return fail(ps, AVS_ENOMEM, "out of memory");
        }
        v->members = members;
        struct avs_jmember *m = &v->members[v->count];
        memset(m, 0, sizeof *m);
        m->key = key;
        m->key_len = key_len;
        v->count++;
        skip_ws(ps);
        if (ps->pos >= ps->len || ps->p[ps->pos] != ':')
            return fail(ps, AVS_EFORMAT, "expected ':'");
        ps->pos++;
        rc = parse_value(ps, &m->value, depth + 1);
        if (rc)
            return rc;
        skip_ws(ps);
        if (ps->pos >= ps->len)
            return fail(ps, AVS_EFORMAT, "unterminated object");
        if (ps->p[ps->pos] == '}') {
            ps->pos++;
            return 0;
        }
        if (ps->p[ps->pos] != ',')
            return fail(ps, AVS_EFORMAT, "expected ',' or '}'");
        ps->pos++;
    }
}

/* Parses one value into V (zeroed by the caller). On failure V may hold partial children:
 * the caller frees them with value_clear(). */
static int parse_value(struct parser *ps, struct avs_jv *v, int depth)
{
    skip_ws(ps);
    if (ps->pos >= ps->len)
        return fail(ps, AVS_EFORMAT, "expected a value");
    unsigned char c = ps->p[ps->pos];
    /* DEPTH counts enclosing containers; the bound keeps the recursion (and stack) small. */
    if ((c == '{' || c == '[') && depth >= AVS_JSONREAD_MAX_DEPTH)
        return fail(ps, AVS_ETOOBIG, "nested too deeply");
    switch (c) {
    case '{': return parse_object(ps, v, depth);
    case '[': return parse_array(ps, v, depth);
    case '"': v->type = AVS_JV_STRING; return parse_string(ps, &v->s, &v->len);
    case 't':
        v->type = AVS_JV_BOOL;
        v->b = 1;
        return literal(ps, "true");
    case 'f': v->type = AVS_JV_BOOL; return literal(ps, "false");
    case 'n': v->type = AVS_JV_NULL; return literal(ps, "null");
    default:
        if (c != '-' && (c < '0' || c > '9'))
            return fail(ps, AVS_EFORMAT, "expected a value");
        v->type = AVS_JV_INT;
        return parse_int(ps, &v->i);
    }
}

static void value_clear(struct avs_jv *v)
{
    switch (v->type) {
    case AVS_JV_STRING: free(v->s); break;
    case AVS_JV_ARRAY:
        for (size_t i = 0; i < v->count; i++)
            value_clear(&v->items[i]);
        free(v->items);
        break;
    case AVS_JV_OBJECT:
        for (size_t i = 0; i < v->count; i++) {
            free(v->members[i].key);
            value_clear(&v->members[i].value);
        }
        free(v->members);
        break;
    default: break;
    }
    memset(v, 0, sizeof *v);
}

int avs_jsonread_parse(struct avs_jv **out, const char *text, size_t len,
                       struct avs_jsonread_error *err)
{
    struct parser ps = {(const unsigned char *)text, len, 0, err};
    struct avs_jv *v = NULL;
    int rc;

    *out = NULL;
    if (err) {
        err->offset = 0;
        err->why = NULL;
    }
    if (!text && len > 0)
        return fail(&ps, AVS_EINVAL, "no input");
    v = calloc(1, sizeof *v);
    if (!v)
        return fail(&ps, AVS_ENOMEM, "out of memory");
    rc = parse_value(&ps, v, 0);
    if (rc)
        goto done;
    skip_ws(&ps);
    if (ps.pos != ps.len) {
        rc = fail(&ps, AVS_EFORMAT, "trailing data after the value");
        goto done;
    }
    *out = v;
    v = NULL;
done:
    avs_jv_free(v);
    return rc;
}

void avs_jv_free(struct avs_jv *v)
{
    if (!v)
        return;
    value_clear(v);
    free(v);
}

const struct avs_jv *avs_jv_member(const struct avs_jv *obj, const char *key)
{
    if (!obj || obj->type != AVS_JV_OBJECT || !key)
        return NULL;
    size_t n = strlen(key);
    for (size_t i = 0; i < obj->count; i++)
        if (obj->members[i].key_len == n && memcmp(obj->members[i].key, key, n) == 0)
            return &obj->members[i].value;
    return NULL;
}

const char *avs_jv_str(const struct avs_jv *v)
{
    if (!v || v->type != AVS_JV_STRING || strlen(v->s) != v->len)
        return NULL;
    return v->s;
}
