#include "html.h"

#include <stdint.h>

#include "utf8.h"

#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */

/* Code point of the valid sequence of N bytes at P. */
static uint32_t decode(const unsigned char *p, size_t n)
{
    if (n == 1)
        return p[0];
    if (n == 2)
        return ((uint32_t)(p[0] & 0x1f) << 6) | (p[1] & 0x3f);
    if (n == 3)
        return ((uint32_t)(p[0] & 0x0f) << 12) | ((uint32_t)(p[1] & 0x3f) << 6) | (p[2] & 0x3f);
    return ((uint32_t)(p[0] & 0x07) << 18) | ((uint32_t)(p[1] & 0x3f) << 12) |
           ((uint32_t)(p[2] & 0x3f) << 6) | (p[3] & 0x3f);
}

/* Characters shown as U+FFFD: controls, and the bidirectional controls that reorder what a
 * reader sees (a machine name "exe.live-WS" written backwards by U+202E). */
static int hidden(uint32_t c)
{
    return c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) ||
           (c >= 0x2066 && c <= 0x2069) || c == 0x200e || c == 0x200f || c == 0x061c;
}

static void escape(struct avs_buf *out, const char *s, int attr)
{
    if (!s)
        return;
    const unsigned char *p = (const unsigned char *)s;
    size_t n = 0;
    while (p[n])
        n++;
    size_t i = 0;
    while (i < n) {
        /* Runs of plain characters are copied at once: names are mostly plain. */
        size_t run = i;
        while (run < n && p[run] >= 0x20 && p[run] < 0x7f && p[run] != '&' && p[run] != '<' &&
               p[run] != '>' && p[run] != '"' && p[run] != '\'')
            run++;
        if (run > i) {
            avs_buf_append(out, p + i, run - i);
            i = run;
            continue;
        }
        size_t len = avs_utf8_valid_prefix(p + i, n - i);
        if (len == 0) {
            avs_buf_puts(out, REPLACEMENT);
            i++;
            continue;
        }
        uint32_t c = decode(p + i, len);
        switch (c) {
        case '&': avs_buf_puts(out, "&amp;"); break;
        case '<': avs_buf_puts(out, "&lt;"); break;
        case '>': avs_buf_puts(out, "&gt;"); break;
        case '"': avs_buf_puts(out, "&quot;"); break;
        case '\'': avs_buf_puts(out, "&#39;"); break;
        case '\t': avs_buf_puts(out, attr ? "&#9;" : "\t"); break;
        case '\n': avs_buf_puts(out, attr ? "&#10;" : "\n"); break;
        default:
            if (hidden(c))
                avs_buf_puts(out, REPLACEMENT);
            else
                avs_buf_append(out, p + i, len);
        }
        i += len;
    }
}

void avs_html_text(struct avs_buf *out, const char *s)
{
    escape(out, s, 0);
}

void avs_html_attr(struct avs_buf *out, const char *s)
{
    escape(out, s, 1);
}

void avs_base64(struct avs_buf *out, const void *data, size_t len)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        if (i + 1 < len)
            v |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < len)
            v |= p[i + 2];
        char q[4] = {abc[(v >> 18) & 63], abc[(v >> 12) & 63], abc[(v >> 6) & 63], abc[v & 63]};
        if (i + 1 >= len)
            q[2] = '=';
        if (i + 2 >= len)
            q[3] = '=';
        avs_buf_append(out, q, 4);
    }
}
