/* HTML escaping (core/html.h): hostile names must come out as text in every context. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"

struct esc_case {
    char in[48], text[96], attr[96];
};

ParameterizedTestParameters(html, escape)
{
    static struct esc_case cases[] = {
        {"WS-0142", "WS-0142", "WS-0142"},
        {"<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;",
         "&lt;script&gt;alert(1)&lt;/script&gt;"},
        {"a\" onmouseover=\"x", "a&quot; onmouseover=&quot;x", "a&quot; onmouseover=&quot;x"},
        {"it's", "it&#39;s", "it&#39;s"},
        {"AT&T", "AT&amp;T", "AT&amp;T"},
        {"&lt;", "&amp;lt;", "&amp;lt;"},
        {"a\tb\nc", "a\tb\nc", "a&#9;b&#10;c"},
        {"cr\rx", "cr\xef\xbf\xbdx", "cr\xef\xbf\xbdx"},
        {"esc\x1b[2J", "esc\xef\xbf\xbd[2J", "esc\xef\xbf\xbd[2J"},
        {"del\x7f", "del\xef\xbf\xbd", "del\xef\xbf\xbd"},
        {"c1\xc2\x85", "c1\xef\xbf\xbd", "c1\xef\xbf\xbd"},
        {"bad \xff byte", "bad \xef\xbf\xbd byte", "bad \xef\xbf\xbd byte"},
        {"cut \xe2\x82", "cut \xef\xbf\xbd\xef\xbf\xbd", "cut \xef\xbf\xbd\xef\xbf\xbd"},
        {"rlo\xe2\x80\xaegpj.exe", "rlo\xef\xbf\xbdgpj.exe", "rlo\xef\xbf\xbdgpj.exe"},
        {"iso\xe2\x81\xa6x", "iso\xef\xbf\xbdx", "iso\xef\xbf\xbdx"},
        {"lrm\xe2\x80\x8e", "lrm\xef\xbf\xbd", "lrm\xef\xbf\xbd"},
        {"alm\xd8\x9c", "alm\xef\xbf\xbd", "alm\xef\xbf\xbd"},
        {"\xd0\x9a\xd0\xb0\xd1\x81", "\xd0\x9a\xd0\xb0\xd1\x81", "\xd0\x9a\xd0\xb0\xd1\x81"},
        {"\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80"},
        {"", "", ""},
    };
    return cr_make_param_array(struct esc_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct esc_case *c, html, escape)
{
    struct avs_buf t = AVS_BUF_INIT, a = AVS_BUF_INIT;
    avs_html_text(&t, c->in);
    avs_html_attr(&a, c->in);
    cr_expect_str_eq(t.data ? t.data : "", c->text);
    cr_expect_str_eq(a.data ? a.data : "", c->attr);
    avs_buf_free(&t);
    avs_buf_free(&a);
}

/* Whatever the input, no byte that could end a text or attribute context survives, and the
 * output is valid UTF-8 (checked here for every single byte and every byte pair). */
Test(html, no_markup_character_survives_any_byte)
{
    char in[3] = {0};
    for (int x = 1; x < 256; x++) {
        for (int y = 0; y < 256; y++) {
            in[0] = (char)x;
            in[1] = (char)y;
            struct avs_buf b = AVS_BUF_INIT;
            avs_html_attr(&b, in);
            cr_assert_eq(b.err, 0);
            for (size_t i = 0; i < b.len; i++)
                cr_assert(strchr("<>\"'\t\n\r", b.data[i]) == NULL, "byte %02x %02x -> %s", x, y,
                          b.data);
            avs_buf_free(&b);
        }
    }
}

Test(html, null_appends_nothing)
{
    struct avs_buf b = AVS_BUF_INIT;
    avs_buf_puts(&b, "x");
    avs_html_text(&b, NULL);
    avs_html_attr(&b, NULL);
    cr_expect_str_eq(b.data, "x");
    avs_buf_free(&b);
}

struct b64_case {
    char in[8], out[16];
};

ParameterizedTestParameters(html, base64)
{
    /* RFC 4648, section 10. */
    static struct b64_case cases[] = {
        {"", ""},
        {"f", "Zg=="},
        {"fo", "Zm8="},
        {"foo", "Zm9v"},
        {"foob", "Zm9vYg=="},
        {"fooba", "Zm9vYmE="},
        {"foobar", "Zm9vYmFy"},
    };
    return cr_make_param_array(struct b64_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct b64_case *c, html, base64)
{
    struct avs_buf b = AVS_BUF_INIT;
    avs_base64(&b, c->in, strlen(c->in));
    cr_expect_str_eq(b.data ? b.data : "", c->out);
    avs_buf_free(&b);
}

Test(html, base64_of_high_bytes)
{
    const unsigned char in[] = {0xfb, 0xff, 0xbf};
    struct avs_buf b = AVS_BUF_INIT;
    avs_base64(&b, in, sizeof in);
    cr_expect_str_eq(b.data, "+/+/");
    avs_buf_free(&b);
}
