#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

static int reserve(struct avs_buf *b, size_t extra)
{
    if (b->err)
        return b->err;
    if (extra > (size_t)-1 / 2 - b->len) {
        b->err = AVS_ENOMEM;
        return b->err;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p) {
        b->err = AVS_ENOMEM;
        return b->err;
    }
    b->data = p;
    b->cap = cap;
    return 0;
}

void avs_buf_append(struct avs_buf *b, const void *data, size_t len)
{
    if (reserve(b, len))
        return;
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void avs_buf_puts(struct avs_buf *b, const char *s)
{
    avs_buf_append(b, s, strlen(s));
}

void avs_buf_putc(struct avs_buf *b, char c)
{
    avs_buf_append(b, &c, 1);
}

void avs_buf_vprintf(struct avs_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        if (!b->err)
            b->err = AVS_EINVAL;
        return;
    }
    if (reserve(b, (size_t)n))
        return;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void avs_buf_printf(struct avs_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    avs_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

char *avs_buf_detach(struct avs_buf *b)
{
    char *out = NULL;
    if (!b->err) {
        out = b->data ? b->data : calloc(1, 1);
        b->data = NULL;
    }
    avs_buf_free(b);
    return out;
}

void avs_buf_free(struct avs_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->err = 0;
}

char *avs_strdup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}
