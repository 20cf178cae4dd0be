/* SHA-256 (FIPS 180-4), portable, for the journal's hash chain.
 *
 * Small and dependency-free so the chain can be computed and verified the same way on Windows
 * and in the host tests. (Staged replacement installers are hashed by win32/ with BCrypt.) */
#ifndef AVS_SHA256_H
#define AVS_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define AVS_SHA256_LEN 32     /* digest bytes */
#define AVS_SHA256_HEX_LEN 64 /* lowercase hex characters, without the terminator */

struct avs_sha256 {
    uint32_t h[8];
    uint64_t total;          /* bytes hashed so far */
    unsigned char block[64]; /* pending input */
    size_t fill;             /* bytes in block */
};

void avs_sha256_init(struct avs_sha256 *c);

/* Hashes LEN more bytes of DATA (may be NULL when LEN is 0). */
void avs_sha256_update(struct avs_sha256 *c, const void *data, size_t len);

/* Writes the digest to OUT and wipes C; C must be initialised again before reuse. */
void avs_sha256_final(struct avs_sha256 *c, unsigned char out[AVS_SHA256_LEN]);

/* One shot: the digest of LEN bytes of DATA. */
void avs_sha256(unsigned char out[AVS_SHA256_LEN], const void *data, size_t len);

/* DIGEST as 64 lowercase hex characters plus a NUL in OUT. */
void avs_sha256_hex(char out[AVS_SHA256_HEX_LEN + 1], const unsigned char digest[AVS_SHA256_LEN]);

/* One shot to hex: the lowercase hex digest of LEN bytes of DATA. */
void avs_sha256_hex_of(char out[AVS_SHA256_HEX_LEN + 1], const void *data, size_t len);

/* ---------------------------------------------------------------------------------------------
 * HMAC-SHA-256 (RFC 2104, FIPS 198-1): the journal's keyed MAC under the machine's evidence key.
 * ------------------------------------------------------------------------------------------- */

struct avs_hmac_sha256 {
    struct avs_sha256 inner;
    unsigned char okey[64]; /* the key XOR opad, kept for the outer hash */
};

/* Starts a MAC under KEY (KEY_LEN bytes, any length: longer than 64 bytes it is hashed first). */
void avs_hmac_sha256_init(struct avs_hmac_sha256 *c, const void *key, size_t key_len);
void avs_hmac_sha256_update(struct avs_hmac_sha256 *c, const void *data, size_t len);

/* Writes the MAC to OUT and wipes C. */
void avs_hmac_sha256_final(struct avs_hmac_sha256 *c, unsigned char out[AVS_SHA256_LEN]);

/* One shot: the MAC of LEN bytes of DATA under KEY. */
void avs_hmac_sha256(unsigned char out[AVS_SHA256_LEN], const void *key, size_t key_len,
                     const void *data, size_t len);

/* 1 when the LEN bytes at A and B are equal, in time that does not depend on where they differ
 * (MACs are compared with it). */
int avs_ct_equal(const void *a, const void *b, size_t len);

#endif
