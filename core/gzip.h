/* gzip (RFC 1952) compression of an in-memory buffer, with zlib, for `avswap evidence export`.
 *
 * zlib is linked only when the build defines AVS_HAVE_ZLIB (CMake: link zlib into avs_core and
 * define it); without it the function reports AVS_EUNAVAIL, so core still builds and the CLI
 * can say that export is not available. */
#ifndef AVS_GZIP_H
#define AVS_GZIP_H

#include <stddef.h>

/* Compresses LEN bytes of DATA into one gzip member in *out (malloc'd; free() it), *out_len
 * bytes. The header carries no file name and a zero timestamp, so the same input always gives
 * the same bytes. AVS_ENOMEM, AVS_ETOOBIG (LEN beyond 1 GiB), AVS_EUNAVAIL (built without
 * zlib). */
int avs_gzip(unsigned char **out, size_t *out_len, const void *data, size_t len);

/* Decompresses the gzip member in LEN bytes of DATA into *out (malloc'd, free() it; one NUL
 * after the data, not counted), *out_len bytes. AVS_EFORMAT when DATA is not gzip or is
 * damaged or cut short, AVS_ETOOBIG when it holds more than MAX bytes, AVS_ENOMEM,
 * AVS_EUNAVAIL (built without zlib). */
int avs_gunzip(unsigned char **out, size_t *out_len, const void *data, size_t len, size_t max);

#endif
