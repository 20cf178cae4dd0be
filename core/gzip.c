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

#else

int avs_gzip(unsigned char **out, size_t *out_len, const void *data, size_t len)
{
    (void)data;
    (void)len;
    *out = NULL;
    *out_len = 0;
    return AVS_EUNAVAIL;
}

#endif
