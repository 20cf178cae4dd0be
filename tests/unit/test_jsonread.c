/* core/jsonread: what it accepts, what it rejects and why, agreement with the core/json
 * writer, and that no truncated, garbled or mutated input crashes it (ASan/UBSan watch). */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "json.h"
#include "jsonread.h"

static struct avs_jv *parse_ok(const char *text)
{
    struct avs_jv *v = NULL;
    struct avs_jsonread_error e;
    int rc = avs_jsonread_parse(&v, text, strlen(text), &e);
    cr_assert_eq(rc, 0, "parse of '%s' failed: %s at %zu", text, e.why ? e.why : "?", e.offset);
    cr_assert_not_null(v);
    return v;
}

Test(jsonread, object_of_every_type)
{
    struct avs_jv *v = parse_ok(" {\"s\":\"x\", \"i\": -42,\"t\":true,\"f\":false,\"n\":null,"
                                "\"a\":[1,[2,{}],[]],\"o\":{\"k\":\"v\"}}\r\n\t");
    cr_assert_eq(v->type, AVS_JV_OBJECT);
    cr_assert_eq(v->count, 7);
    cr_assert_str_eq(avs_jv_str(avs_jv_member(v, "s")), "x");
    cr_assert_eq(avs_jv_member(v, "i")->type, AVS_JV_INT);
    cr_assert_eq(avs_jv_member(v, "i")->i, -42);
    cr_assert_eq(avs_jv_member(v, "t")->b, 1);
    cr_assert_eq(avs_jv_member(v, "f")->type, AVS_JV_BOOL);
    cr_assert_eq(avs_jv_member(v, "f")->b, 0);
    cr_assert_eq(avs_jv_member(v, "n")->type, AVS_JV_NULL);
    const struct avs_jv *a = avs_jv_member(v, "a");
    cr_assert_eq(a->type, AVS_JV_ARRAY);
    cr_assert_eq(a->count, 3);
    cr_assert_eq(a->items[0].i, 1);
    cr_assert_eq(a->items[1].items[1].type, AVS_JV_OBJECT);
    cr_assert_eq(a->items[2].count, 0);
    cr_assert_str_eq(avs_jv_str(avs_jv_member(avs_jv_member(v, "o"), "k")), "v");
    cr_assert_null(avs_jv_member(v, "missing"));
    cr_assert_null(avs_jv_member(a, "s"), "arrays have no members");
    cr_assert_null(avs_jv_str(avs_jv_member(v, "i")), "an int is not a string");
    /* Document order is kept. */
    cr_assert_str_eq(v->members[0].key, "s");
    cr_assert_str_eq(v->members[6].key, "o");
    avs_jv_free(v);
}

Test(jsonread, scalars_at_top_level)
{
    struct avs_jv *v = parse_ok("\"top\"");
    cr_assert_str_eq(v->s, "top");
    avs_jv_free(v);
    v = parse_ok("0");
    cr_assert_eq(v->i, 0);
    avs_jv_free(v);
    v = parse_ok("null");
    cr_assert_eq(v->type, AVS_JV_NULL);
    avs_jv_free(v);
}

Test(jsonread, every_escape)
{
    struct avs_jv *v = parse_ok("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u0041\\u00e9\\u20AC\"");
    cr_assert_str_eq(v->s, "q\" b\\ s/ \b\f\n\r\t A\xc3\xa9\xe2\x82\xac");
    cr_assert_eq(v->len, strlen(v->s));
    avs_jv_free(v);
}

Test(jsonread, surrogate_pair_becomes_one_utf8_sequence)
{
    /* U+1F600 is D83D DE00; U+10FFFF is DBFF DFFF. */
    struct avs_jv *v = parse_ok("\"\\ud83d\\ude00|\\uDBFF\\uDFFF\"");
    cr_assert_str_eq(v->s, "\xf0\x9f\x98\x80|\xf4\x8f\xbf\xbf");
    avs_jv_free(v);
}

Test(jsonread, raw_utf8_passes_through)
{
    struct avs_jv *v = parse_ok("\"Касперский \xf0\x9f\x98\x80\"");
    cr_assert_str_eq(v->s, "Касперский \xf0\x9f\x98\x80");
    avs_jv_free(v);
}

Test(jsonread, escaped_nul_is_kept_but_not_a_c_string)
{
    struct avs_jv *v = parse_ok("\"a\\u0000b\"");
    cr_assert_eq(v->len, 3);
    cr_assert_eq(memcmp(v->s, "a\0b", 3), 0);
    cr_assert_null(avs_jv_str(v), "a string with NUL must not be handed out as a C string");
    avs_jv_free(v);
}

Test(jsonread, int64_limits)
{
    struct avs_jv *v = parse_ok("[9223372036854775807,-9223372036854775808,-0]");
    cr_assert_eq(v->items[0].i, INT64_MAX);
    cr_assert_eq(v->items[1].i, INT64_MIN);
    cr_assert_eq(v->items[2].i, 0);
    avs_jv_free(v);
}

Test(jsonread, input_need_not_be_terminated)
{
    /* Only LEN bytes are read: the "9" after them must not be taken as part of the number. */
    const char text[] = "[12]9";
    struct avs_jv *v = NULL;
    cr_assert_eq(avs_jsonread_parse(&v, text, 4, NULL), 0);
    cr_assert_eq(v->items[0].i, 12);
    avs_jv_free(v);
}

struct bad_case {
    char text[48];
    int rc;
    char why[40];
};

ParameterizedTestParameters(jsonread, rejects)
{
    static struct bad_case c[] = {
        {"", AVS_EFORMAT, "expected a value"},
        {"   ", AVS_EFORMAT, "expected a value"},
        {"{}x", AVS_EFORMAT, "trailing data after the value"},
        {"{} {}", AVS_EFORMAT, "trailing data after the value"},
        {"{\"a\":1,}", AVS_EFORMAT, "expected a string key"},
        {"[1,]", AVS_EFORMAT, "expected a value"},
        {"[1 2]", AVS_EFORMAT, "expected ',' or ']'"},
        {"{\"a\" 1}", AVS_EFORMAT, "expected ':'"},
        {"{\"a\":1 \"b\":2}", AVS_EFORMAT, "expected ',' or '}'"},
        {"{a:1}", AVS_EFORMAT, "expected a string key"},
        {"{\"a\":1,\"a\":2}", AVS_EFORMAT, "duplicate key"},
        {"[1.5]", AVS_EFORMAT, "only integers are accepted"},
        {"1e3", AVS_EFORMAT, "only integers are accepted"},
        {"012", AVS_EFORMAT, "leading zero"},
        {"-", AVS_EFORMAT, "expected a digit"},
        {"+1", AVS_EFORMAT, "expected a value"},
        {"9223372036854775808", AVS_EFORMAT, "integer out of range"},
        {"-9223372036854775809", AVS_EFORMAT, "integer out of range"},
        {"tru", AVS_EFORMAT, "invalid literal"},
        {"nul", AVS_EFORMAT, "invalid literal"},
        {"True", AVS_EFORMAT, "expected a value"},
        {"\"abc", AVS_EFORMAT, "unterminated string"},
        {"\"ab\\", AVS_EFORMAT, "unterminated string"},
        {"\"\\x\"", AVS_EFORMAT, "invalid escape"},
        {"\"\\u12xy\"", AVS_EFORMAT, "bad hex digit in \\u escape"},
        {"\"\\u12", AVS_EFORMAT, "truncated \\u escape"},
        {"\"\\ud83d\"", AVS_EFORMAT, "unpaired high surrogate"},
        {"\"\\ud83d\\u0041\"", AVS_EFORMAT, "unpaired high surrogate"},
        {"\"\\ude00\"", AVS_EFORMAT, "unpaired low surrogate"},
        {"\"a\tb\"", AVS_EFORMAT, "control character in string"},
        {"\"\xc3\"", AVS_EFORMAT, "invalid UTF-8 in string"},
        {"\"\xed\xa0\x80\"", AVS_EFORMAT, "invalid UTF-8 in string"},
        {"\"\xc0\xaf\"", AVS_EFORMAT, "invalid UTF-8 in string"},
        {"[", AVS_EFORMAT, "expected a value"},
        {"[1", AVS_EFORMAT, "unterminated array"},
        {"{\"a\":1", AVS_EFORMAT, "unterminated object"},
        {"'a'", AVS_EFORMAT, "expected a value"},
    };
    return cr_make_param_array(struct bad_case, c, sizeof c / sizeof c[0]);
}

ParameterizedTest(struct bad_case *c, jsonread, rejects)
{
    struct avs_jv *v = (struct avs_jv *)1;
    struct avs_jsonread_error e = {0, NULL};
    int rc = avs_jsonread_parse(&v, c->text, strlen(c->text), &e);
    cr_assert_eq(rc, c->rc, "'%s': rc %d", c->text, rc);
    cr_assert_null(v, "*out must be NULL on failure");
    cr_assert_not_null(e.why);
    cr_assert_str_eq(e.why, c->why, "'%s'", c->text);
    cr_assert_leq(e.offset, strlen(c->text));
}

Test(jsonread, error_offset_points_at_the_problem)
{
    struct avs_jv *v = NULL;
    struct avs_jsonread_error e;
    const char *t = "{\"a\":1,\"b\":[1,2,x]}";
    cr_assert_eq(avs_jsonread_parse(&v, t, strlen(t), &e), AVS_EFORMAT);
    cr_assert_eq(e.offset, (size_t)(strchr(t, 'x') - t));
}

Test(jsonread, embedded_nul_byte_in_input_is_rejected)
{
    const char t[] = "{\"a\":\"x\0y\"}";
    struct avs_jv *v = NULL;
    cr_assert_eq(avs_jsonread_parse(&v, t, sizeof t - 1, NULL), AVS_EFORMAT);
    cr_assert_eq(avs_jsonread_parse(&v, t, sizeof t, NULL), AVS_EFORMAT, "trailing NUL");
}

static char *nested(int depth, char open, char close)
{
    char *s = malloc((size_t)depth * 2 + 1);
    for (int i = 0; i < depth; i++) {
        s[i] = open;
        s[2 * depth - 1 - i] = close;
    }
    s[2 * depth] = '\0';
    return s;
}

Test(jsonread, depth_is_bounded)
{
    char *ok = nested(AVS_JSONREAD_MAX_DEPTH, '[', ']');
    struct avs_jv *v = NULL;
    cr_assert_eq(avs_jsonread_parse(&v, ok, strlen(ok), NULL), 0);
    avs_jv_free(v);
    free(ok);

    struct avs_jsonread_error e;
    char *deep = nested(AVS_JSONREAD_MAX_DEPTH + 1, '[', ']');
    cr_assert_eq(avs_jsonread_parse(&v, deep, strlen(deep), &e), AVS_ETOOBIG);
    cr_assert_str_eq(e.why, "nested too deeply");
    free(deep);

    /* A hostile depth must fail quickly, not exhaust the stack. */
    char *huge = nested(200000, '[', ']');
    cr_assert_eq(avs_jsonread_parse(&v, huge, strlen(huge), NULL), AVS_ETOOBIG);
    free(huge);
}

Test(jsonread, agrees_with_the_writer)
{
    /* Every byte 1..255 in a string (invalid UTF-8 becomes U+FFFD in the writer) survives a
     * write/read round trip as the writer promised. */
    char in[256];
    for (int i = 1; i < 256; i++)
        in[i - 1] = (char)i;
    in[255] = '\0';
    struct avs_buf b = AVS_BUF_INIT;
    struct avs_json j;
    avs_json_init(&j, &b);
    avs_json_object_begin(&j);
    avs_json_kv_string(&j, "ascii", "tab\there \"quoted\" back\\slash \x7f");
    avs_json_kv_string(&j, "utf8", "Лаборатория Касперского \xf0\x9f\x98\x80");
    avs_json_kv_string(&j, "bytes", in);
    avs_json_kv_int(&j, "min", INT64_MIN);
    avs_json_key(&j, "arr");
    avs_json_array_begin(&j);
    avs_json_bool(&j, 1);
    avs_json_null(&j);
    avs_json_array_end(&j);
    avs_json_object_end(&j);
    cr_assert_eq(b.err, 0);

    struct avs_jv *v = parse_ok(b.data);
    cr_assert_str_eq(avs_jv_str(avs_jv_member(v, "ascii")),
                     "tab\there \"quoted\" back\\slash \x7f");
    cr_assert_str_eq(avs_jv_str(avs_jv_member(v, "utf8")),
                     "Лаборатория Касперского \xf0\x9f\x98\x80");
    const char *bytes = avs_jv_str(avs_jv_member(v, "bytes"));
    cr_assert_not_null(bytes);
    /* 0x80..0xFF in a row is never valid UTF-8: each byte becomes U+FFFD. */
    char want[127 + 128 * 3 + 1];
    memcpy(want, in, 127);
    for (int i = 0; i < 128; i++)
        memcpy(want + 127 + 3 * i, "\xef\xbf\xbd", 3);
    want[sizeof want - 1] = '\0';
    cr_assert_str_eq(bytes, want);
    avs_jv_free(v);
    avs_buf_free(&b);
}

Test(jsonread, every_prefix_of_an_object_is_rejected)
{
    const char *t =
        "{\"seq\":12,\"s\":\"a\\u00e9\\ud83d\\ude00\",\"a\":[true,false,null,{}],\"n\":-7}";
    size_t n = strlen(t);
    for (size_t i = 0; i < n; i++) {
        struct avs_jv *v = NULL;
        int rc = avs_jsonread_parse(&v, t, i, NULL);
        cr_assert_eq(rc, AVS_EFORMAT, "prefix of %zu bytes: rc %d", i, rc);
        cr_assert_null(v);
    }
    struct avs_jv *v = NULL;
    cr_assert_eq(avs_jsonread_parse(&v, t, n, NULL), 0);
    avs_jv_free(v);
}

static uint64_t rng_next(uint64_t *s)
{
    /* xorshift64*: deterministic, so a failure is reproducible from the iteration number. */
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1DULL;
}

Test(jsonread, random_mutations_never_crash, .timeout = 120)
{
    static const char *seeds[] = {
        "{\"seq\":1,\"time\":\"2024-01-02T03:04:05.678Z\",\"actor\":{\"sid\":\"S-1-5-18\"},"
        "\"outcome\":null,\"detail\":\"a\\\"b\\u00e9\\ud83d\\ude00\",\"prev\":\"00\"}",
        "[[[[1,2,[3,{\"a\":[true,false,null]}]]]],-9223372036854775808,\"\\/\\b\\f\\n\\r\\t\"]",
        "\"Касперский\"",
    };
    static const char alphabet[] = "{}[]\":,\\u0123456789abcdefABCDEF-+.eEtrunlsf \t\r\n\x01\x7f"
                                   "\xc3\xa9\xed\xa0\x80\xf0\x9f\xff";
    uint64_t rng = 0x9e3779b97f4a7c15ULL;
    char buf[512];
    size_t accepted = 0;
    for (int iter = 0; iter < 60000; iter++) {
        const char *seed = seeds[iter % 3];
        size_t n = strlen(seed);
        memcpy(buf, seed, n);
        int edits = 1 + (int)(rng_next(&rng) % 4);
        for (int k = 0; k < edits; k++) {
            size_t at = n ? rng_next(&rng) % n : 0;
            switch (rng_next(&rng) % 4) {
            case 0: /* replace a byte */
                if (n)
                    buf[at] = alphabet[rng_next(&rng) % (sizeof alphabet - 1)];
                break;
            case 1: /* insert a byte */
                if (n < sizeof buf - 1) {
                    memmove(buf + at + 1, buf + at, n - at);
                    buf[at] = alphabet[rng_next(&rng) % (sizeof alphabet - 1)];
                    n++;
                }
                break;
            case 2: /* delete a byte */
                if (n) {
                    memmove(buf + at, buf + at + 1, n - at - 1);
                    n--;
                }
                break;
            default: /* truncate */ n = at; break;
            }
        }
        /* Parse from an exactly-sized heap copy so ASan catches any read past LEN. */
        char *exact = malloc(n ? n : 1);
        memcpy(exact, buf, n);
        struct avs_jv *v = NULL;
        struct avs_jsonread_error e = {0, NULL};
        int rc = avs_jsonread_parse(&v, exact, n, &e);
        if (rc == 0) {
            accepted++;
            cr_assert_not_null(v);
            avs_jv_free(v);
        } else {
            cr_assert(rc == AVS_EFORMAT || rc == AVS_ETOOBIG, "iteration %d: rc %d", iter, rc);
            cr_assert_null(v);
            cr_assert_not_null(e.why, "iteration %d", iter);
            cr_assert_leq(e.offset, n, "iteration %d", iter);
        }
        free(exact);
    }
    /* Sanity: the mutator is not so destructive that only the error paths ran. */
    cr_assert_gt(accepted, 100, "only %zu mutants parsed", accepted);
}
