/* The JSON writer: output must be valid JSON for any string a registry can hold. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "json.h"
#include "jsonread.h"

struct esc_case {
    char in[40], out[64];
};

ParameterizedTestParameters(json, escape)
{
    static struct esc_case cases[] = {
        {"plain", "\"plain\""},
        {"say \"hi\"", "\"say \\\"hi\\\"\""},
        {"C:\\Program Files", "\"C:\\\\Program Files\""},
        {"a\tb\nc\rd", "\"a\\tb\\nc\\rd\""},
        {"\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\""},
        {"\x1b[2J", "\"\\u001b[2J\""},
        {"Matthias K\xc3\xb6"
         "fferlein",
         "\"Matthias K\xc3\xb6"
         "fferlein\""},
        {"\xd0\x9a\xd0\xb0\xd1\x81", "\"\xd0\x9a\xd0\xb0\xd1\x81\""},
        {"bad \xff byte", "\"bad \\ufffd byte\""},
        {"overlong \xc0\xaf", "\"overlong \\ufffd\\ufffd\""},
        {"cut \xe2\x82", "\"cut \\ufffd\\ufffd\""},
        {"", "\"\""},
    };
    return cr_make_param_array(struct esc_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct esc_case *c, json, escape)
{
    struct avs_buf b = AVS_BUF_INIT;
    avs_json_escape(&b, c->in);
    cr_expect_str_eq(b.data, c->out);
    /* And it must parse back. */
    struct avs_jv *v = NULL;
    cr_expect_eq(avs_jsonread_parse(&v, b.data, b.len, NULL), 0, "%s", b.data);
    avs_jv_free(v);
    avs_buf_free(&b);
}

Test(json, round_trips_every_control_character)
{
    char in[32];
    for (int i = 1; i < 32; i++)
        in[i - 1] = (char)i;
    in[31] = '\0';
    struct avs_buf b = AVS_BUF_INIT;
    avs_json_escape(&b, in);
    struct avs_jv *v = NULL;
    cr_assert_eq(avs_jsonread_parse(&v, b.data, b.len, NULL), 0);
    cr_expect_str_eq(avs_jv_str(v), in);
    avs_jv_free(v);
    avs_buf_free(&b);
}

Test(json, document_structure_and_commas)
{
    struct avs_buf b = AVS_BUF_INIT;
    struct avs_json j;
    avs_json_init(&j, &b);
    avs_json_object_begin(&j);
    avs_json_kv_string(&j, "a", "x");
    avs_json_kv_string(&j, "n", NULL);
    avs_json_kv_int(&j, "i", -1603);
    avs_json_kv_bool(&j, "t", 1);
    avs_json_key(&j, "arr");
    avs_json_array_begin(&j);
    avs_json_int(&j, 1);
    avs_json_object_begin(&j);
    avs_json_object_end(&j);
    avs_json_array_begin(&j);
    avs_json_array_end(&j);
    avs_json_array_end(&j);
    avs_json_object_end(&j);
    cr_expect_str_eq(b.data, "{\"a\":\"x\",\"n\":null,\"i\":-1603,\"t\":true,\"arr\":[1,{},[]]}");
    avs_buf_free(&b);
}

Test(json, nesting_beyond_the_bound_sets_an_error)
{
    struct avs_buf b = AVS_BUF_INIT;
    struct avs_json j;
    avs_json_init(&j, &b);
    for (int i = 0; i < AVS_JSON_MAX_DEPTH + 1; i++)
        avs_json_array_begin(&j);
    cr_expect_eq(b.err, AVS_ETOOBIG);
    avs_buf_free(&b);
}
