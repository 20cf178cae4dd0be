/* Windows command-line quoting and splitting, checked against Microsoft's documented examples
 * ("Parsing C++ command-line arguments", CommandLineToArgvW) and by a round-trip property. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "error.h"

/* ---- splitting ---- */

struct split_case {
    char cmdline[64];
    size_t argc;
    char argv[5][32];
};

ParameterizedTestParameters(cmdline, split)
{
    static struct split_case cases[] = {
        /* Microsoft's table (after the program name). */
        {"p \"abc\" d e", 4, {"p", "abc", "d", "e"}},
        {"p a\\\\b d\"e f\"g h", 4, {"p", "a\\\\b", "de fg", "h"}},
        {"p a\\\\\\\"b c d", 4, {"p", "a\\\"b", "c", "d"}},
        {"p a\\\\\\\\\"b c\" d e", 4, {"p", "a\\\\b c", "d", "e"}},
        {"p a\"b\"\" c d", 2, {"p", "ab\" c d"}},
        /* Backslashes only matter before a quote. */
        {"p a\\b\\ c\\\\", 3, {"p", "a\\b\\", "c\\\\"}},
        {"p \"a\\\\\" b", 3, {"p", "a\\", "b"}},
        {"p \\\"", 2, {"p", "\""}},
        /* Empty arguments, white space, unterminated quotes. */
        {"p \"\" \"\"", 3, {"p", "", ""}},
        {"p  \t a\t\tb  ", 3, {"p", "a", "b"}},
        {"p \"a b", 2, {"p", "a b"}},
        {"p a\"\"b", 2, {"p", "ab"}},
        /* The program name: quoted up to the next quote, no escapes; else up to white space. */
        {"\"C:\\Program Files\\x.exe\" /s", 2, {"C:\\Program Files\\x.exe", "/s"}},
        {"\"C:\\dir\\\" a", 2, {"C:\\dir\\", "a"}},
        {"\"a b\"c d", 3, {"a b", "c", "d"}},
        {"C:\\x\\y.exe\"z a", 2, {"C:\\x\\y.exe\"z", "a"}},
        {"C:\\dir\\ a", 2, {"C:\\dir\\", "a"}},
        {"\"unterminated name", 1, {"unterminated name"}},
        {"\"\" a", 2, {"", "a"}},
        {" a b", 3, {"", "a", "b"}},
        {"prog", 1, {"prog"}},
        {"", 0, {""}},
    };
    return cr_make_param_array(struct split_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct split_case *c, cmdline, split)
{
    char **argv = NULL;
    size_t argc = 99;
    cr_assert_eq(avs_cmdline_split(&argv, &argc, c->cmdline), 0, "[%s]", c->cmdline);
    cr_assert_not_null(argv);
    cr_assert_eq(argc, c->argc, "[%s]: argc %zu, expected %zu", c->cmdline, argc, c->argc);
    for (size_t i = 0; i < argc; i++)
        cr_expect_str_eq(argv[i], c->argv[i], "[%s] argv[%zu]", c->cmdline, i);
    cr_expect_null(argv[argc], "argv must be NULL-terminated");
    avs_cmdline_free(argv, argc);
}

/* ---- quoting ---- */

struct quote_case {
    char arg[32];
    char quoted[40];
};

ParameterizedTestParameters(cmdline, quote)
{
    static struct quote_case cases[] = {
        {"abc", "abc"},           {"", "\"\""},
        {"a b", "\"a b\""},       {"a\tb", "\"a\tb\""},
        {"a\\b", "a\\b"},         {"a\\", "a\\"}, /* no quote follows: backslashes stay literal */
        {"a\\\\b", "a\\\\b"},     {"a b\\", "\"a b\\\\\""}, /* before the closing quote: doubled */
        {"a\"b", "\"a\\\"b\""},   {"a\\\"b", "\"a\\\\\\\"b\""},
        {"\"", "\"\\\"\""},       {"\\\\server\\share dir\\", "\"\\\\server\\share dir\\\\\""},
        {"/x{1234}", "/x{1234}"}, {"KEY=\"v w\"", "\"KEY=\\\"v w\\\"\""},
    };
    return cr_make_param_array(struct quote_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct quote_case *c, cmdline, quote)
{
    struct avs_buf b = AVS_BUF_INIT;
    avs_cmdline_append_arg(&b, c->arg);
    cr_assert_eq(b.err, 0);
    cr_expect_str_eq(b.data, c->quoted, "[%s] quoted as [%s]", c->arg, b.data);
    avs_buf_free(&b);

    /* And it comes back exactly after a program name. */
    cr_assert_eq(avs_cmdline_append_program(&b, "p"), 0);
    avs_cmdline_append_arg(&b, c->arg);
    char **argv;
    size_t argc;
    cr_assert_eq(avs_cmdline_split(&argv, &argc, b.data), 0);
    cr_assert_eq(argc, 2, "[%s] split into %zu", b.data, argc);
    cr_expect_str_eq(argv[1], c->arg);
    avs_cmdline_free(argv, argc);
    avs_buf_free(&b);
}

Test(cmdline, separates_with_one_space)
{
    struct avs_buf b = AVS_BUF_INIT;
    avs_cmdline_append_arg(&b, "a");
    avs_cmdline_append_arg(&b, "");
    avs_cmdline_append_arg(&b, "b c");
    cr_expect_str_eq(b.data, "a \"\" \"b c\"");
    avs_buf_free(&b);
}

Test(cmdline, program_is_always_quoted)
{
    struct avs_buf b = AVS_BUF_INIT;
    cr_assert_eq(avs_cmdline_append_program(&b, "C:\\Program Files\\K\\avp.exe"), 0);
    avs_cmdline_append_arg(&b, "/x");
    cr_expect_str_eq(b.data, "\"C:\\Program Files\\K\\avp.exe\" /x");
    avs_buf_free(&b);
}

Test(cmdline, program_with_quote_is_refused)
{
    struct avs_buf b = AVS_BUF_INIT;
    cr_expect_eq(avs_cmdline_append_program(&b, "C:\\a\"b.exe"), AVS_EINVAL);
    cr_expect_eq(b.len, 0, "nothing appended");
    avs_buf_puts(&b, "x");
    cr_expect_eq(avs_cmdline_append_program(&b, "C:\\a.exe"), AVS_EINVAL,
                 "the program name must come first");
    avs_buf_free(&b);
}

/* ---- round trip: many pseudo-random vectors, characters rich in \ " space tab ---- */

static uint32_t rng;

static uint32_t next_rand(void)
{
    rng = rng * 1103515245u + 12345u; /* fixed seed: the same vectors every run */
    return (rng >> 16) & 0x7fff;
}

static void random_string(char *out, size_t max, const char *alphabet)
{
    size_t n = next_rand() % max, k = strlen(alphabet);
    for (size_t i = 0; i < n; i++)
        out[i] = alphabet[next_rand() % k];
    out[n] = '\0';
}

Test(cmdline, round_trip_property)
{
    static const char arg_chars[] = "\\\\\\\"\"\"  \t\tab\xc3\xa9=/{}'";
    static const char prog_chars[] = "\\\\  \tab.:"; /* a program name never holds a quote */
    rng = 20240611u;
    for (int iter = 0; iter < 5000; iter++) {
        char prog[16], args[8][24];
        size_t n = next_rand() % 8;
        random_string(prog, sizeof prog, prog_chars);
        for (size_t i = 0; i < n; i++)
            random_string(args[i], sizeof args[i], arg_chars);

        struct avs_buf b = AVS_BUF_INIT;
        cr_assert_eq(avs_cmdline_append_program(&b, prog), 0);
        for (size_t i = 0; i < n; i++)
            avs_cmdline_append_arg(&b, args[i]);
        cr_assert_eq(b.err, 0);

        char **argv;
        size_t argc;
        cr_assert_eq(avs_cmdline_split(&argv, &argc, b.data), 0);
        cr_assert_eq(argc, n + 1, "iteration %d: [%s] gave %zu arguments, expected %zu", iter,
                     b.data, argc, n + 1);
        cr_assert_str_eq(argv[0], prog, "iteration %d: [%s] program", iter, b.data);
        for (size_t i = 0; i < n; i++)
            cr_assert_str_eq(argv[i + 1], args[i], "iteration %d: [%s] argv[%zu]", iter, b.data,
                             i + 1);
        avs_cmdline_free(argv, argc);
        avs_buf_free(&b);
    }
}
