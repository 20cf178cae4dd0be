#include "sha256.h"

#include <string.h>

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t ror(uint32_t x, unsigned n)
{
    return (x >> n) | (x << (32 - n));
}

static void compress(uint32_t h[8], const unsigned char p[64])
{
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 =
            k + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
        uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        k = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += k;
}

void avs_sha256_init(struct avs_sha256 *c)
{
    static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(c->h, iv, sizeof iv);
    c->total = 0;
    c->fill = 0;
}

void avs_sha256_update(struct avs_sha256 *c, const void *data, size_t len)
{
    const unsigned char *p = data;
    if (len == 0)
        return; /* DATA may be NULL: memcpy from NULL is undefined even for 0 bytes */
    c->total += len;
    if (c->fill > 0) {
        size_t take = 64 - c->fill < len ? 64 - c->fill : len;
        memcpy(c->block + c->fill, p, take);
        c->fill += take;
        p += take;
        len -= take;
        if (c->fill < 64)
            return;
        compress(c->h, c->block);
        c->fill = 0;
    }
    for (; len >= 64; p += 64, len -= 64)
        compress(c->h, p);
    if (len > 0) {
        memcpy(c->block, p, len);
        c->fill = len;
    }
}

void avs_sha256_final(struct avs_sha256 *c, unsigned char out[AVS_SHA256_LEN])
{
    uint64_t bits = c->total * 8;
    c->block[c->fill++] = 0x80;
    if (c->fill > 56) {
        memset(c->block + c->fill, 0, 64 - c->fill);
        compress(c->h, c->block);
        c->fill = 0;
    }
    memset(c->block + c->fill, 0, 56 - c->fill);
    for (int i = 0; i < 8; i++)
        c->block[56 + i] = (unsigned char)(bits >> (56 - 8 * i));
    compress(c->h, c->block);
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (unsigned char)(c->h[i] >> 24);
        out[4 * i + 1] = (unsigned char)(c->h[i] >> 16);
        out[4 * i + 2] = (unsigned char)(c->h[i] >> 8);
        out[4 * i + 3] = (unsigned char)c->h[i];
    }
    memset(c, 0, sizeof *c);
}

void avs_sha256(unsigned char out[AVS_SHA256_LEN], const void *data, size_t len)
{
    struct avs_sha256 c;
    avs_sha256_init(&c);
    avs_sha256_update(&c, data, len);
    avs_sha256_final(&c, out);
}

void avs_sha256_hex(char out[AVS_SHA256_HEX_LEN + 1], const unsigned char digest[AVS_SHA256_LEN])
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < AVS_SHA256_LEN; i++) {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 15];
    }
    out[AVS_SHA256_HEX_LEN] = '\0';
}

void avs_sha256_hex_of(char out[AVS_SHA256_HEX_LEN + 1], const void *data, size_t len)
{
    unsigned char d[AVS_SHA256_LEN];
    avs_sha256(d, data, len);
    avs_sha256_hex(out, d);
}

/* ---------------------------------------------------------------------------------------------
 * HMAC-SHA-256
 * ------------------------------------------------------------------------------------------- */

/* Overwrites LEN bytes at P in a way the optimiser keeps: key material must not linger. */
static void wipe(void *p, size_t len)
{
    volatile unsigned char *v = p;
    while (len--)
        *v++ = 0;
}

void avs_hmac_sha256_init(struct avs_hmac_sha256 *c, const void *key, size_t key_len)
{
    unsigned char k[64], ikey[64];
    memset(k, 0, sizeof k);
    if (key_len > sizeof k)
        avs_sha256(k, key, key_len);
    else if (key_len)
        memcpy(k, key, key_len);
    for (size_t i = 0; i < sizeof k; i++) {
        ikey[i] = (unsigned char)(k[i] ^ 0x36);
        c->okey[i] = (unsigned char)(k[i] ^ 0x5c);
    }
    avs_sha256_init(&c->inner);
    avs_sha256_update(&c->inner, ikey, sizeof ikey);
    wipe(k, sizeof k);
    wipe(ikey, sizeof ikey);
}

void avs_hmac_sha256_update(struct avs_hmac_sha256 *c, const void *data, size_t len)
{
    avs_sha256_update(&c->inner, data, len);
}

void avs_hmac_sha256_final(struct avs_hmac_sha256 *c, unsigned char out[AVS_SHA256_LEN])
{
    unsigned char ih[AVS_SHA256_LEN];
    struct avs_sha256 outer;
    avs_sha256_final(&c->inner, ih);
    avs_sha256_init(&outer);
    avs_sha256_update(&outer, c->okey, sizeof c->okey);
    avs_sha256_update(&outer, ih, sizeof ih);
    avs_sha256_final(&outer, out);
    wipe(ih, sizeof ih);
    wipe(c, sizeof *c);
}

void avs_hmac_sha256(unsigned char out[AVS_SHA256_LEN], const void *key, size_t key_len,
                     const void *data, size_t len)
{
    struct avs_hmac_sha256 c;
    avs_hmac_sha256_init(&c, key, key_len);
    avs_hmac_sha256_update(&c, data, len);
    avs_hmac_sha256_final(&c, out);
}

int avs_ct_equal(const void *a, const void *b, size_t len)
{
    const unsigned char *x = a, *y = b;
    unsigned char d = 0;
    for (size_t i = 0; i < len; i++)
        d |= (unsigned char)(x[i] ^ y[i]);
    return d == 0;
}
