/* HMAC-SHA-256 against the RFC 4231 test cases (all seven; case 5's output is truncated to 128
 * bits by the RFC), incremental MACs split at every position, and the constant-time compare. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <string.h>

#include "sha256.h"

/* Arrays, not pointers: Criterion runs each parameter in a new process, where the addresses
 * of string literals may differ. */
struct vec {
    char key_hex[400];
    char data_hex[600];
    char mac_hex[65];
    size_t mac_len; /* bytes compared */
};

static size_t unhex(unsigned char *out, const char *hex)
{
    size_t n = strlen(hex) / 2;
    for (size_t i = 0; i < n; i++) {
        unsigned v = 0;
        sscanf(hex + 2 * i, "%2x", &v);
        out[i] = (unsigned char)v;
    }
    return n;
}

#define AA20 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
/* 131 bytes of 0xaa (test cases 6 and 7). */
#define AA131                                                                                      \
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"     \
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"     \
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

/* RFC 4231 section 4. */
static struct vec vectors[] = {
    {"0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
     "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7", 32},
    {"4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", 32},
    {AA20,
     "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
     "dddddddddd",
     "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe", 32},
    {"0102030405060708090a0b0c0d0e0f10111213141516171819",
     "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"
     "cdcdcdcdcdcdcdcdcdcd",
     "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b", 32},
    {"0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c", "546573742057697468205472756e636174696f6e",
     "a3b6167473100ee06e0c796c2955552b", 16},
    {AA131,
     "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368"
     "204b6579204669727374",
     "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54", 32},
    {AA131,
     "5468697320697320612074657374207573696e672061206c6172676572207468616e20626c6f636b2d73697a"
     "65206b657920616e642061206c6172676572207468616e20626c6f636b2d73697a6520646174612e20546865"
     "206b6579206e6565647320746f20626520686173686564206265666f7265206265696e672075736564206279"
     "2074686520484d414320616c676f726974686d2e",
     "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2", 32},
};

ParameterizedTestParameters(hmac, rfc4231)
{
    return cr_make_param_array(struct vec, vectors, sizeof vectors / sizeof vectors[0]);
}

ParameterizedTest(struct vec *v, hmac, rfc4231)
{
    unsigned char key[256], data[256], want[32], got[32];
    size_t kl = unhex(key, v->key_hex), dl = unhex(data, v->data_hex);
    unhex(want, v->mac_hex);
    cr_assert_eq(kl, strlen(v->key_hex) / 2);
    avs_hmac_sha256(got, key, kl, data, dl);
    cr_assert(memcmp(got, want, v->mac_len) == 0, "one-shot MAC differs");
    /* Split at every position: the streaming API gives the same MAC. */
    for (size_t cut = 0; cut <= dl; cut++) {
        struct avs_hmac_sha256 c;
        avs_hmac_sha256_init(&c, key, kl);
        avs_hmac_sha256_update(&c, data, cut);
        avs_hmac_sha256_update(&c, data + cut, dl - cut);
        avs_hmac_sha256_final(&c, got);
        cr_assert(memcmp(got, want, v->mac_len) == 0, "split at %zu differs", cut);
    }
}

Test(hmac, key_matters)
{
    unsigned char a[32], b[32];
    avs_hmac_sha256(a, "k1", 2, "same", 4);
    avs_hmac_sha256(b, "k2", 2, "same", 4);
    cr_assert(!avs_ct_equal(a, b, 32));
}

Test(hmac, ct_equal)
{
    cr_assert(avs_ct_equal("abcd", "abcd", 4));
    cr_assert(!avs_ct_equal("abcd", "abce", 4));
    cr_assert(!avs_ct_equal("xbcd", "abcd", 4));
    cr_assert(avs_ct_equal("", "", 0));
}
