/* SHA-256 against the FIPS 180-2 / NIST example vectors, padding edge lengths, and incremental
 * hashing split at every position. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdlib.h>
#include <string.h>

#include "sha256.h"

static void hex_of(char out[65], const void *data, size_t len)
{
    unsigned char d[AVS_SHA256_LEN];
    avs_sha256(d, data, len);
    avs_sha256_hex(out, d);
}

Test(sha256, nist_empty)
{
    char hex[65];
    hex_of(hex, "", 0);
    cr_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    /* NULL with length 0 is allowed and is the empty message. */
    avs_sha256_hex_of(hex, NULL, 0);
    cr_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

Test(sha256, nist_abc)
{
    char hex[65];
    hex_of(hex, "abc", 3);
    cr_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

Test(sha256, nist_448_bits)
{
    const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    cr_assert_eq(strlen(m) * 8, 448);
    char hex[65];
    hex_of(hex, m, strlen(m));
    cr_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

Test(sha256, nist_896_bits)
{
    const char *m =
        "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopq"
        "klmnopqrlmnopqrsmnopqrstnopqrstu";
    char hex[65];
    hex_of(hex, m, strlen(m));
    cr_assert_str_eq(hex, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

Test(sha256, nist_million_a)
{
    /* Fed in uneven chunks to exercise the partial-block path as well. */
    char chunk[997];
    memset(chunk, 'a', sizeof chunk);
    struct avs_sha256 c;
    avs_sha256_init(&c);
    size_t left = 1000000;
    while (left > 0) {
        size_t n = left < sizeof chunk ? left : sizeof chunk;
        avs_sha256_update(&c, chunk, n);
        left -= n;
    }
    unsigned char d[AVS_SHA256_LEN];
    avs_sha256_final(&c, d);
    char hex[65];
    avs_sha256_hex(hex, d);
    cr_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* Criterion runs each parameter in a fresh process (different address layout): parameters must
 * not hold pointers, so the expected digest is stored inline. */
struct len_vector {
    size_t len;
    char hex[65];
};

/* Lengths around the 56-byte padding boundary and the 64-byte block, message byte i being
 * (i * 7 + 3) & 255; expected digests from Python's hashlib. */
ParameterizedTestParameters(sha256, padding_edges)
{
    static struct len_vector v[] = {
        {55, "e7313d333c272e639f790978283f9eb392e843d0f29b7016828bb1daa4aac70b"},
        {56, "4324d65f3c103567f5589c710bc08f8523f929a9272e3af36fc968e52abc6c27"},
        {63, "81c80242132f230c3bd41b3e63bbcff16107339549214a99614ff26664625055"},
        {64, "39e3d7b6b5d075d37d053ad89b24b41bef4f3c29760c84447cab3f3be1882241"},
        {65, "aacca6ff74fdbb296d165a45cecfa04e5127bc008770fbbdd48006f2d2fae95e"},
        {119, "9ce7368e4daf32341631b492e80359dc9f594b48453cd0dd5bf0b19279cc177e"},
        {120, "7836b787757e95e58b3ca5aec90b1b004e8deba1e50e9675af9cabf1a13a04b5"},
    };
    return cr_make_param_array(struct len_vector, v, sizeof v / sizeof v[0]);
}

ParameterizedTest(struct len_vector *v, sha256, padding_edges)
{
    unsigned char m[128];
    for (size_t i = 0; i < v->len; i++)
        m[i] = (unsigned char)((i * 7 + 3) & 255);
    char hex[65];
    hex_of(hex, m, v->len);
    cr_assert_str_eq(hex, v->hex, "length %zu", v->len);
}

Test(sha256, incremental_equals_one_shot_at_every_split)
{
    unsigned char m[200];
    for (size_t i = 0; i < sizeof m; i++)
        m[i] = (unsigned char)(i * 31 + 1);
    unsigned char want[AVS_SHA256_LEN];
    avs_sha256(want, m, sizeof m);
    for (size_t a = 0; a <= sizeof m; a++) {
        for (size_t b = a; b <= sizeof m; b += 13) {
            struct avs_sha256 c;
            unsigned char got[AVS_SHA256_LEN];
            avs_sha256_init(&c);
            avs_sha256_update(&c, m, a);
            avs_sha256_update(&c, m + a, b - a);
            avs_sha256_update(&c, m + b, sizeof m - b);
            avs_sha256_final(&c, got);
            cr_assert_arr_eq(got, want, sizeof want, "split at %zu and %zu", a, b);
        }
    }
}

Test(sha256, one_bit_changes_digest)
{
    char a[65], b[65];
    hex_of(a, "abc", 3);
    hex_of(b, "abd", 3);
    cr_assert_str_neq(a, b);
}
