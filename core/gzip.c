#include "gzip.h"

#include <stdint.h>
#include <stdlib.h>

#include "error.h"

#ifdef AVS_HAVE_ZLIB

#include <zlib.h>

/* Far beyond any journal (AVS_JOURNAL_MAX_BYTES), and within zlib's uInt/uLong on Windows. */
#define GZIP_INPUT_MAX (1024u * 1024u * 1024u)

int avs_gzip(unsigned char **out, size_t *out_len, const void *data, size_t len)
{
    z_stream z = {0};
    unsigned char *buf = NULL;
    int rc;

    *out = NULL;
    *out_len = 0;
    if (len > GZIP_INPUT_MAX)
        return AVS_ETOOBIG;
    /* windowBits 15 + 16: a gzip wrapper rather than zlib's. deflateInit2 writes a header
     * with no name and time 0, which keeps exports reproducible. */
    if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return AVS_ENOMEM;
    uLong bound = deflateBound(&z, (uLong)len);
    buf = malloc(bound ? bound : 1);
    if (!buf) {
        rc = AVS_ENOMEM;
        goto done;
    }
    z.next_in = (Bytef *)(uintptr_t)data; /* zlib's API is not const-correct; it never writes */
    z.avail_in = (uInt)len;
    z.next_out = buf;
    z.avail_out = (uInt)bound;
    /* deflateBound guarantees one Z_FINISH call completes. */
    if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
        rc = AVS_EIO;
        goto done;
    }
    *out_len = (size_t)z.total_out;
    *out = buf;
    buf = NULL;
    rc = 0;
done:
    deflateEnd(&z);
    free(buf);
    return rc;
}

int avs_gunzip(unsigned char **out, size_t *out_len, const void *data, size_t len, size_t max)
{
    z_stream z = {0};
    unsigned char *buf = NULL;
    size_t cap = 0;
    int rc, zr = Z_OK;

    *out = NULL;
    *out_len = 0;
    if (len > GZIP_INPUT_MAX || max > GZIP_INPUT_MAX)
        return AVS_ETOOBIG;
    if (len < 2 || ((const unsigned char *)data)[0] != 0x1f ||
        ((const unsigned char *)data)[1] != 0x8b)
        return AVS_EFORMAT;
    if (inflateInit2(&z, 15 + 16) != Z_OK)
        return AVS_ENOMEM;
    z.next_in = (Bytef *)(uintptr_t)data;
    z.avail_in = (uInt)len;
    while (zr != Z_STREAM_END) {
        if (z.total_out == cap) {
            /* Grows by what is there, up to MAX (+1 to tell "exactly MAX" from "more"). */
            size_t ncap = cap ? cap * 2 : 64 * 1024;
            if (ncap > max + 1)
                ncap = max + 1;
            if (ncap <= cap) {
                rc = AVS_ETOOBIG;
                goto done;
            }
            unsigned char *g = realloc(buf, ncap + 1);
            if (!g) {
                rc = AVS_ENOMEM;
                goto done;
            }
            buf = g;
            cap = ncap;
        }
        z.next_out = buf + z.total_out;
        z.avail_out = (uInt)(cap - z.total_out);
        zr = inflate(&z, Z_NO_FLUSH);
        if (zr == Z_MEM_ERROR) {
            rc = AVS_ENOMEM;
            goto done;
        }
        /* Z_BUF_ERROR: no progress possible, the input ended before the stream (cut short);
         * Z_DATA_ERROR: damaged. */
        if (zr != Z_OK && zr != Z_STREAM_END) {
            rc = AVS_EFORMAT;
            goto done;
        }
    }
    if (z.total_out > max) {
        rc = AVS_ETOOBIG;
        goto done;
    }
    buf[z.total_out] = '\0';
    *out_len = (size_t)z.total_out;
    *out = buf;
    buf = NULL;
    rc = 0;
done:
    inflateEnd(&z);
    free(buf);
    return rc;
}

#else

int avs_gunzip(unsigned char **out, size_t *out_len, const void *data, size_t len, size_t max)
{
    (void)data;
    (void)len;
    (void)max;
    *out = NULL;
    *out_len = 0;
    return AVS_EUNAVAIL;
}

int avs_gzip(unsigned char **out, size_t *out_len, const void *data, size_t len)
{
    (void)data;
    (void)len;
    *out = NULL;
    *out_len = 0;
    return AVS_EUNAVAIL;
}

#endif
