#include "json.h"

#include <inttypes.h>
#include <string.h>

#include "error.h"
#include "utf8.h"

void avs_json_init(struct avs_json *j, struct avs_buf *out)
{
    memset(j, 0, sizeof *j);
    j->out = out;
}

/* Called before every value: a comma between siblings, nothing after a key. */
static void value_prefix(struct avs_json *j)
{
    if (j->after_key) {
        j->after_key = 0;
        return;
    }
    if (j->depth > 0) {
        if (j->need_comma[j->depth - 1])
            avs_buf_putc(j->out, ',');
        j->need_comma[j->depth - 1] = 1;
    }
}

static void json_open(struct avs_json *j, char c)
{
    value_prefix(j);
    avs_buf_putc(j->out, c);
    if (j->depth >= AVS_JSON_MAX_DEPTH) {
        if (!j->out->err)
            j->out->err = AVS_ETOOBIG;
        return;
    }
    j->need_comma[j->depth++] = 0;
}

static void json_close(struct avs_json *j, char c)
{
    if (j->depth > 0)
        j->depth--;
    avs_buf_putc(j->out, c);
}

void avs_json_object_begin(struct avs_json *j)
{
    json_open(j, '{');
}

void avs_json_object_end(struct avs_json *j)
{
    json_close(j, '}');
}

void avs_json_array_begin(struct avs_json *j)
{
    json_open(j, '[');
}

void avs_json_array_end(struct avs_json *j)
{
    json_close(j, ']');
}

void avs_json_key(struct avs_json *j, const char *key)
{
    value_prefix(j);
    avs_json_escape(j->out, key);
    avs_buf_putc(j->out, ':');
    j->after_key = 1;
}

void avs_json_escape(struct avs_buf *out, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);

    avs_buf_putc(out, '"');
    while (n > 0) {
        unsigned char c = *p;
        if (c >= 0x80) {
            size_t len = avs_utf8_valid_prefix(p, n);
            if (len == 0) {
                avs_buf_puts(out, "\\ufffd");
                p++;
                n--;
            } else {
                avs_buf_append(out, p, len);
                p += len;
                n -= len;
            }
            continue;
        }
        switch (c) {
        case '"': avs_buf_puts(out, "\\\""); break;
        case '\\': avs_buf_puts(out, "\\\\"); break;
        case '\n': avs_buf_puts(out, "\\n"); break;
        case '\r': avs_buf_puts(out, "\\r"); break;
        case '\t': avs_buf_puts(out, "\\t"); break;
        case '\b': avs_buf_puts(out, "\\b"); break;
        case '\f': avs_buf_puts(out, "\\f"); break;
        default:
            if (c < 0x20 || c == 0x7f) {
                char esc[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
                avs_buf_puts(out, esc);
            } else {
                avs_buf_putc(out, (char)c);
            }
        }
        p++;
        n--;
    }
    avs_buf_putc(out, '"');
}

void avs_json_string(struct avs_json *j, const char *s)
{
    value_prefix(j);
    if (s)
        avs_json_escape(j->out, s);
    else
        avs_buf_puts(j->out, "null");
}

void avs_json_int(struct avs_json *j, int64_t v)
{
    value_prefix(j);
    avs_buf_printf(j->out, "%" PRId64, v);
}

void avs_json_bool(struct avs_json *j, int v)
{
    value_prefix(j);
    avs_buf_puts(j->out, v ? "true" : "false");
}

void avs_json_null(struct avs_json *j)
{
    value_prefix(j);
    avs_buf_puts(j->out, "null");
}

void avs_json_milli(struct avs_json *j, int64_t thousandths)
{
    value_prefix(j);
    if (thousandths < 0) {
        avs_buf_putc(j->out, '-');
        thousandths = -thousandths;
    }
    avs_buf_printf(j->out, "%" PRId64 ".%03d", thousandths / 1000, (int)(thousandths % 1000));
}

void avs_json_kv_string(struct avs_json *j, const char *key, const char *s)
{
    avs_json_key(j, key);
    avs_json_string(j, s);
}

void avs_json_kv_int(struct avs_json *j, const char *key, int64_t v)
{
    avs_json_key(j, key);
    avs_json_int(j, v);
}

void avs_json_kv_bool(struct avs_json *j, const char *key, int v)
{
    avs_json_key(j, key);
    avs_json_bool(j, v);
}
