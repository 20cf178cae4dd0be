/* Registry data as written by anyone: UTF-16 decoding and value interpretation. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdlib.h>
#include <string.h>

#include "regdata.h"
#include "utf8.h"

struct utf16_case {
    char label[24];
    unsigned char data[16];
    size_t size;
    char expect[16];
    unsigned flags;
};

ParameterizedTestParameters(utf16, decode)
{
    static struct utf16_case cases[] = {
        {"terminated", {'A', 0, 'B', 0, 0, 0}, 6, "AB", 0},
        {"no terminator", {'A', 0, 'B', 0}, 4, "AB", AVS_UTF16_NO_TERMINATOR},
        {"odd size", {'A', 0, 'B', 0, 0, 0, 'x'}, 7, "AB", AVS_UTF16_ODD_SIZE},
        {"stops at first NUL", {'A', 0, 0, 0, 'B', 0, 0, 0}, 8, "A", 0},
        {"empty", {0, 0}, 2, "", 0},
        {"zero bytes", {0}, 0, "", AVS_UTF16_NO_TERMINATOR},
        {"e acute", {0xe9, 0, 0, 0}, 4, "\xc3\xa9", 0},
        {"cyrillic K", {0x1a, 0x04, 0, 0}, 4, "\xd0\x9a", 0},
        {"pair U+1F600", {0x3d, 0xd8, 0x00, 0xde, 0, 0}, 6, "\xf0\x9f\x98\x80", 0},
        {"lone high",
         {0x3d, 0xd8, 'A', 0, 0, 0},
         6,
         "\xef\xbf\xbd"
         "A",
         AVS_UTF16_BAD_SURROGATE},
        {"lone low", {0x00, 0xde, 0, 0}, 4, "\xef\xbf\xbd", AVS_UTF16_BAD_SURROGATE},
        {"high at end",
         {'A', 0, 0x3d, 0xd8},
         4,
         "A\xef\xbf\xbd",
         AVS_UTF16_BAD_SURROGATE | AVS_UTF16_NO_TERMINATOR},
    };
    return cr_make_param_array(struct utf16_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct utf16_case *c, utf16, decode)
{
    char *s = NULL;
    unsigned flags = 99;
    cr_assert_eq(avs_utf16le_decode(&s, &flags, c->data, c->size, 100), 0, "%s", c->label);
    cr_expect_str_eq(s, c->expect, "%s", c->label);
    cr_expect_eq(flags, c->flags, "%s: flags %u", c->label, flags);
    cr_expect(avs_utf8_valid(s), "%s: output must be valid UTF-8", c->label);
    free(s);
}

Test(utf16, truncates_at_max_units)
{
    unsigned char d[] = {'a', 0, 'b', 0, 'c', 0, 0, 0};
    char *s = NULL;
    unsigned flags = 0;
    cr_assert_eq(avs_utf16le_decode(&s, &flags, d, sizeof d, 2), 0);
    cr_expect_str_eq(s, "ab");
    cr_expect(flags & AVS_UTF16_TRUNCATED);
    free(s);
}

static struct avs_reg_value val(uint32_t type, const void *data, size_t size)
{
    struct avs_reg_value v = {type, (unsigned char *)data, size};
    return v;
}

Test(regdata, clean_string)
{
    unsigned char d[] = {'K', 0, 'L', 0, 0, 0};
    struct avs_reg_value v = val(AVS_REG_SZ, d, sizeof d);
    char *s;
    const char *problem = "x";
    cr_assert_eq(avs_regdata_string(&s, &problem, &v), 0);
    cr_expect_str_eq(s, "KL");
    cr_expect_null(problem);
    free(s);
}

Test(regdata, expand_sz_is_a_string)
{
    unsigned char d[] = {'%', 0, 0, 0};
    struct avs_reg_value v = val(AVS_REG_EXPAND_SZ, d, sizeof d);
    char *s;
    const char *problem;
    cr_assert_eq(avs_regdata_string(&s, &problem, &v), 0);
    cr_expect_str_eq(s, "%");
    free(s);
}

Test(regdata, missing_terminator_is_used_and_noted)
{
    unsigned char d[] = {'K', 0, 'L', 0};
    struct avs_reg_value v = val(AVS_REG_SZ, d, sizeof d);
    char *s;
    const char *problem = NULL;
    cr_assert_eq(avs_regdata_string(&s, &problem, &v), 0);
    cr_expect_str_eq(s, "KL");
    cr_assert_not_null(problem);
    cr_expect(strstr(problem, "terminat") != NULL, "%s", problem);
    free(s);
}

struct bad_case {
    uint32_t type;
    unsigned char data[8];
    size_t size;
    char problem_has[32];
};

ParameterizedTestParameters(regdata, refused_strings)
{
    static struct bad_case cases[] = {
        {AVS_REG_BINARY, {'K', 0, 0, 0}, 4, "wrong registry type"},
        {AVS_REG_DWORD, {1, 0, 0, 0}, 4, "wrong registry type"},
        {AVS_REG_MULTI_SZ, {'K', 0, 0, 0, 0, 0}, 6, "wrong registry type"},
        {0x12345678u, {'K', 0}, 2, "wrong registry type"},
        {AVS_REG_SZ, {0x00, 0xdc, 0, 0}, 4, "surrogate"},
    };
    return cr_make_param_array(struct bad_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct bad_case *c, regdata, refused_strings)
{
    struct avs_reg_value v = val(c->type, c->data, c->size);
    char *s = (char *)"untouched";
    const char *problem = NULL;
    cr_expect_eq(avs_regdata_string(&s, &problem, &v), AVS_EFORMAT);
    cr_expect_null(s);
    cr_assert_not_null(problem);
    cr_expect(strstr(problem, c->problem_has) != NULL, "%s", problem);
}

Test(regdata, oversize_string_is_refused)
{
    size_t size = (AVS_REG_STRING_MAX + 10) * 2;
    unsigned char *d = malloc(size);
    for (size_t i = 0; i < size; i += 2)
        d[i] = 'A', d[i + 1] = 0;
    struct avs_reg_value v = val(AVS_REG_SZ, d, size);
    char *s;
    const char *problem = NULL;
    cr_expect_eq(avs_regdata_string(&s, &problem, &v), AVS_EFORMAT);
    cr_expect_null(s);
    cr_expect_not_null(problem);
    free(d);
}

Test(regdata, dword)
{
    unsigned char d[] = {1, 2, 3, 4};
    uint32_t x;
    const char *problem;
    struct avs_reg_value v = val(AVS_REG_DWORD, d, 4);
    cr_assert_eq(avs_regdata_dword(&x, &problem, &v), 0);
    cr_expect_eq(x, 0x04030201u);
    v = val(AVS_REG_DWORD, d, 3);
    cr_expect_eq(avs_regdata_dword(&x, &problem, &v), AVS_EFORMAT);
    cr_expect_eq(x, 0);
    v = val(AVS_REG_SZ, d, 4);
    cr_expect_eq(avs_regdata_dword(&x, &problem, &v), AVS_EFORMAT);
}
