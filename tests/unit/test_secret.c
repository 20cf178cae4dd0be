/* Uninstall passwords: the password file's format, MSI property quoting, and redaction of logs
 * in every encoding Windows Installer may write. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "os.h"
#include "secret.h"

/* ---- password files ---- */

struct file_case {
    char data[300];
    size_t len;       /* 0: strlen(data) */
    char expect[300]; /* the password, when accepted */
    char why[40];     /* "": accepted; else a distinctive part of the reason */
};

#define A64 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define A256 A64 A64 A64 A64

ParameterizedTestParameters(secret, file_data)
{
    static struct file_case cases[] = {
        {"hunter2", 0, "hunter2", ""},
        {"hunter2\n", 0, "hunter2", ""},
        {"hunter2\r\n", 0, "hunter2", ""},
        {" pass word ", 0, " pass word ", ""}, /* spaces may be part of a password */
        {"p\xc3\xa4ssw\xc3\xb6rd\n", 0, "p\xc3\xa4ssw\xc3\xb6rd", ""},
        {"\xef\xbb\xbfpw\r\n", 0, "pw", ""}, /* Notepad's UTF-8 byte order mark */
        {"a\"b'c", 0, "a\"b'c", ""},
        {A256, 0, A256, ""},
        {A256 "\r\n", 0, A256, ""},
        {"", 0, "", "empty"},
        {"\n", 0, "", "empty"},
        {"\r\n", 0, "", "empty"},
        {"\xef\xbb\xbf", 0, "", "empty"},
        {"SECRETPW\n\n", 0, "", "more than one line"},
        {"SECRETPW\nother\n", 0, "", "more than one line"},
        {"SECRETPW\r", 0, "", "more than one line"},
        {"SECRETPW\n\r\n", 0, "", "more than one line"},
        {"SECRET\0PW", 9, "", "NUL bytes"},
        {"S\0E\0C\0R\0E\0T\0", 12, "", "NUL bytes"}, /* a UTF-16 file */
        {"SECRET\tPW", 0, "", "control character"},
        {"SECRET\x01PW", 0, "", "control character"},
        {"SECRET\x1bPW", 0, "", "control character"},
        {"SECRET\x7fPW", 0, "", "control character"},
        {A256 "a", 0, "", "longer than 256"},
        {"SECRET\xff", 0, "", "not valid UTF-8"},
        {"SECRET\xc3", 0, "", "not valid UTF-8"},
        {"SECRET\xc0\xaf", 0, "", "not valid UTF-8"},
        {"SECRET\xed\xa0\x80", 0, "", "not valid UTF-8"},
        {"SECRET\xf4\x90\x80\x80", 0, "", "not valid UTF-8"},
    };
    return cr_make_param_array(struct file_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct file_case *c, secret, file_data)
{
    size_t len = c->len ? c->len : strlen(c->data);
    char *s = (char *)"stale";
    const char *why = "stale";
    int rc = avs_secret_parse(&s, &why, c->data, len);
    if (c->why[0] == '\0') {
        cr_assert_eq(rc, 0, "refused: %s", why ? why : "?");
        cr_expect_null(why);
        cr_expect_str_eq(s, c->expect);
        avs_secret_free(s);

        cr_assert_eq(avs_secret_from_file_data(&s, c->data, len), 0);
        cr_expect_str_eq(s, c->expect);
        avs_secret_free(s);
    } else {
        cr_assert_eq(rc, AVS_EFORMAT, "accepted");
        cr_expect_null(s);
        cr_assert_not_null(why);
        cr_expect(strstr(why, c->why) != NULL, "reason '%s', expected '%s'", why, c->why);
        cr_expect(strstr(why, "SECRET") == NULL && strstr(why, "aaaa") == NULL,
                  "the reason must not quote the data: %s", why);
        cr_expect_eq(avs_secret_from_file_data(&s, c->data, len), AVS_EFORMAT);
        cr_expect_null(s);
    }
}

Test(secret, free_accepts_null)
{
    avs_secret_free(NULL);
}

/* ---- MSI properties ---- */

static void wipe(struct avs_buf *b)
{
    if (b->data)
        avs_os_secure_zero(b->data, b->cap);
    avs_buf_free(b);
}

Test(secret, msi_property)
{
    static const char *const names[] = {"KLPASSWD"};
    struct avs_buf b = AVS_BUF_INIT;
    cr_assert_eq(avs_secret_msi_properties(&b, names, 1, "hunter2"), 0);
    cr_expect_str_eq(b.data, " KLPASSWD=\"hunter2\"");
    cr_expect_eq(b.len, strlen(b.data));
    wipe(&b);
}

Test(secret, msi_quotes_are_doubled)
{
    static const char *const names[] = {"KLPASSWD", "UNLOCK_PASSWORD"};
    struct avs_buf b = AVS_BUF_INIT;
    avs_buf_puts(&b, "REBOOT=ReallySuppress");
    cr_assert_eq(avs_secret_msi_properties(&b, names, 2, "a\"b\"\" c"), 0);
    cr_expect_str_eq(b.data, "REBOOT=ReallySuppress KLPASSWD=\"a\"\"b\"\"\"\" c\" "
                             "UNLOCK_PASSWORD=\"a\"\"b\"\"\"\" c\"");
    cr_expect_eq(b.len, strlen(b.data));
    cr_expect(b.cap > b.len);
    wipe(&b);
}

Test(secret, msi_empty_secret_and_no_names)
{
    static const char *const names[] = {"KLPASSWD"};
    struct avs_buf b = AVS_BUF_INIT;
    cr_assert_eq(avs_secret_msi_properties(&b, names, 0, "x"), 0);
    cr_expect_eq(b.len, 0, "no names: nothing appended");
    cr_assert_eq(avs_secret_msi_properties(&b, names, 1, ""), 0);
    cr_expect_str_eq(b.data, " KLPASSWD=\"\"");
    wipe(&b);
}

Test(secret, msi_grows_a_buffer_without_realloc)
{
    static const char *const names[] = {"A", "B.c", "_d1"};
    struct avs_buf b = AVS_BUF_INIT;
    char big[201];
    memset(big, 'x', 200);
    big[200] = '\0';
    avs_buf_puts(&b, "P=1"); /* a small buffer, certain to be too small */
    size_t cap0 = b.cap;
    cr_assert_eq(avs_secret_msi_properties(&b, names, 3, big), 0);
    cr_expect(b.cap > cap0);
    cr_expect_eq(b.len, strlen("P=1") + 3 * (1 + 2 + 200 + 1) +
                            strlen("A"
                                   "B.c"
                                   "_d1"));
    cr_expect_eq(strncmp(b.data, "P=1 A=\"x", 8), 0);
    cr_expect(strstr(b.data, "\" B.c=\"xx") != NULL);
    cr_expect(strstr(b.data, "\" _d1=\"xx") != NULL);
    cr_expect_eq(b.data[b.len - 1], '"');
    cr_expect_eq(b.data[b.len], '\0');
    wipe(&b);
}

Test(secret, msi_bad_names_are_refused)
{
    static const char *const bad[][1] = {{"KL PASSWD"}, {""},   {"1X"}, {"A=B"},
                                         {"A\"B"},      {"-X"}, {"X;Y"}};
    struct avs_buf b = AVS_BUF_INIT;
    avs_buf_puts(&b, "REBOOT=ReallySuppress");
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_expect_eq(avs_secret_msi_properties(&b, bad[i], 1, "pw"), AVS_EINVAL, "'%s'", bad[i][0]);
        cr_expect_str_eq(b.data, "REBOOT=ReallySuppress", "unchanged after '%s'", bad[i][0]);
    }
    static const char *const good_then_bad[] = {"KLPASSWD", "BAD NAME"};
    cr_expect_eq(avs_secret_msi_properties(&b, good_then_bad, 2, "pw"), AVS_EINVAL);
    cr_expect_str_eq(b.data, "REBOOT=ReallySuppress", "nothing appended when any name is bad");
    cr_expect_eq(avs_secret_msi_properties(&b, good_then_bad, 1, NULL), AVS_EINVAL);
    b.err = AVS_ENOMEM;
    cr_expect_eq(avs_secret_msi_properties(&b, good_then_bad, 1, "pw"), AVS_ENOMEM);
    wipe(&b);
}

/* ---- redaction ---- */

/* 1 when NEEDLE (N bytes) occurs in HAY (LEN bytes): an independent search. */
static int contains(const unsigned char *hay, size_t len, const void *needle, size_t n)
{
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(hay + i, needle, n) == 0)
            return 1;
    return 0;
}

struct redact_case {
    char label[32];
    unsigned char data[64];
    size_t len;
    char secret[16];
    unsigned char expect[64];
    size_t count;
};

ParameterizedTestParameters(secret, redact)
{
    static struct redact_case cases[] = {
        {"ascii", "user=hunter2;", 13, "hunter2", "user=*******;", 1},
        {"several", "pw pw pw", 8, "pw", "** ** **", 3},
        {"adjacent", "abab", 4, "ab", "****", 2},
        {"overlapping", "aaaa", 4, "aa", "****", 3},
        {"overlapping odd", "aaa", 3, "aa", "***", 2},
        {"overlapping 3", "xabababay", 9, "aba", "x*******y", 3},
        {"partial only", "hunter hunter", 13, "hunter2", "hunter hunter", 0},
        {"case matters", "HUNTER2", 7, "hunter2", "HUNTER2", 0},
        {"empty secret", "abc", 3, "", "abc", 0},
        {"utf16",
         "P\0=\0h\0u\0n\0t\0e\0r\0"
         "2\0;\0",
         20, "hunter2", "P\0=\0*\0*\0*\0*\0*\0*\0*\0;\0", 1},
        {"utf16 odd offset", "xh\0i\0!", 6, "hi", "x*\0*\0!", 1},
        {"utf16 adjacent", "a\0b\0a\0b\0", 8, "ab", "*\0*\0*\0*\0", 2},
        {"utf16 overlapping", "a\0a\0a\0", 6, "aa", "*\0*\0*\0", 2},
        {"both encodings", "ab|a\0b\0", 8, "ab", "**|*\0*\0", 2},
        /* a byte-wise match ending inside a UTF-16 one: both found on the original data */
        {"straddling", "aba\0b\0a\0", 8, "aba", "***\0*\0*\0", 2},
        {"at the end", "xyzpw", 5, "pw", "xyz**", 1},
        {"whole", "pw", 2, "pw", "**", 1},
        {"shorter data", "p", 1, "pw", "p", 0},
    };
    return cr_make_param_array(struct redact_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct redact_case *c, secret, redact)
{
    unsigned char buf[64];
    memcpy(buf, c->data, c->len);
    size_t n = avs_secret_redact(buf, c->len, c->secret);
    cr_expect_eq(n, c->count, "%s: %zu occurrences, expected %zu", c->label, n, c->count);
    cr_expect_eq(memcmp(buf, c->expect, c->len), 0, "%s: wrong result", c->label);
}

Test(secret, redact_cyrillic_in_every_encoding)
{
    /* "пароль" in UTF-8, UTF-16LE and Windows-1251, each between markers. */
    static const char secret[] = "\xd0\xbf\xd0\xb0\xd1\x80\xd0\xbe\xd0\xbb\xd1\x8c";
    static const unsigned char u16[] = {0x3f, 4, 0x30, 4, 0x40, 4, 0x3e, 4, 0x3b, 4, 0x4c, 4};
    static const unsigned char cp1251[] = {0xef, 0xe0, 0xf0, 0xee, 0xeb, 0xfc};
    unsigned char buf[64];
    size_t len = 0;
    buf[len++] = '<';
    memcpy(buf + len, secret, 12);
    len += 12;
    buf[len++] = '|';
    memcpy(buf + len, u16, sizeof u16);
    len += sizeof u16;
    buf[len++] = '|';
    memcpy(buf + len, cp1251, sizeof cp1251);
    len += sizeof cp1251;
    buf[len++] = '>';

    cr_expect_eq(avs_secret_redact(buf, len, secret), 3);
    cr_expect(!contains(buf, len, secret, 12));
    cr_expect(!contains(buf, len, u16, sizeof u16));
    cr_expect(!contains(buf, len, cp1251, sizeof cp1251));
    cr_expect_eq(buf[0], '<');
    cr_expect_eq(buf[13], '|');
    cr_expect_eq(buf[14], '*');
    cr_expect_eq(buf[15], 0, "UTF-16 becomes \"*\\0\" per unit");
    cr_expect_eq(buf[26], '|');
    cr_expect_eq(memcmp(buf + 27, "******>", 7), 0);
}

Test(secret, redact_latin1_in_cp1252)
{
    static const char secret[] = "p\xc3\xa4ss\xe2\x82\xac"; /* "päss€" */
    unsigned char buf[] = {'=', 'p', 0xe4, 's', 's', 0x80, ';'};
    cr_expect_eq(avs_secret_redact(buf, sizeof buf, secret), 1);
    cr_expect_eq(memcmp(buf, "=*****;", sizeof buf), 0);
}

Test(secret, redact_surrogate_pair)
{
    static const char secret[] = "x\xf0\x9f\x98\x80"; /* "x😀" */
    unsigned char buf[] = {'x', 0, 0x3d, 0xd8, 0x00, 0xde, '.', 0};
    cr_expect_eq(avs_secret_redact(buf, sizeof buf, secret), 1);
    static const unsigned char expect[] = {'*', 0, '*', 0, '*', 0, '.', 0};
    cr_expect_eq(memcmp(buf, expect, sizeof buf), 0);
}

Test(secret, redact_a_large_log)
{
    /* A log-sized buffer with the secret at many offsets, aligned or not, in both forms. */
    size_t len = 64 * 1024;
    unsigned char *buf = malloc(len);
    cr_assert_not_null(buf);
    for (size_t i = 0; i < len; i++)
        buf[i] = (unsigned char)('A' + i % 23);
    size_t planted = 0;
    for (size_t off = 5; off + 32 < len; off += 997) {
        if (planted % 2 == 0)
            memcpy(buf + off, "Kl!Pw", 5);
        else
            memcpy(buf + off, "K\0l\0!\0P\0w\0", 10);
        planted++;
    }
    cr_expect_eq(avs_secret_redact(buf, len, "Kl!Pw"), planted);
    cr_expect(!contains(buf, len, "Kl!Pw", 5));
    cr_expect(!contains(buf, len, "K\0l\0!\0P\0w\0", 10));
    cr_expect(!contains(buf, len, "l!P", 3), "no fragment survives");
    free(buf);
}

Test(secret, redact_null_and_empty)
{
    unsigned char b[] = "abc";
    cr_expect_eq(avs_secret_redact(b, 3, NULL), 0);
    cr_expect_eq(avs_secret_redact(NULL, 0, "x"), 0);
    cr_expect_eq(avs_secret_redact(b, 0, "a"), 0);
    cr_expect_str_eq((char *)b, "abc");
}

Test(secret_mask, hides_the_length_in_every_encoding)
{
    const char log8[] = "a KLPASSWD = hunter2 b hunter2";
    char *out = NULL;
    size_t n = 0, count = 0;
    cr_assert_eq(
        avs_secret_mask(&out, &n, &count, (const unsigned char *)log8, sizeof log8 - 1, "hunter2"),
        0);
    cr_expect_eq(count, 2);
    cr_expect_eq(n, strlen("a KLPASSWD = ******** b ********"));
    cr_expect(memcmp(out, "a KLPASSWD = ******** b ********", n) == 0, "%.*s", (int)n, out);
    free(out);

    /* A longer secret masks to the same length: the length does not leak. */
    const char logl[] = "a KLPASSWD = correct-horse-battery b";
    cr_assert_eq(avs_secret_mask(&out, &n, &count, (const unsigned char *)logl, sizeof logl - 1,
                                 "correct-horse-battery"),
                 0);
    cr_expect_eq(n, strlen("a KLPASSWD = ******** b"));
    free(out);

    /* UTF-16LE, and overlapping occurrences kept whole. */
    const unsigned char wide[] = {'x', 0, 'a', 0, 'b', 0, 'a', 0, 'b', 0, 'a', 0, 'y', 0};
    cr_assert_eq(avs_secret_mask(&out, &n, &count, wide, sizeof wide, "aba"), 0);
    cr_expect_eq(count, 2);
    cr_expect_eq(n, 2 + 16 + 2);
    cr_expect(memcmp(out + 2, "*\0*\0*\0*\0*\0*\0*\0*\0", 16) == 0);
    cr_expect_eq(out[18], 'y');
    free(out);

    const char none[] = "nothing secret here";
    cr_assert_eq(
        avs_secret_mask(&out, &n, &count, (const unsigned char *)none, sizeof none - 1, "hunter2"),
        0);
    cr_expect_eq(count, 0);
    cr_expect_eq(n, sizeof none - 1);
    cr_expect(memcmp(out, none, n) == 0);
    free(out);
}

/* ---- MSI verbose logs: every form Windows Installer writes a password in ---- */

/* 1 when the password, raw or MSI-quoted, in UTF-8 or UTF-16LE, is anywhere in D. */
static int leaks(const char *d, size_t n, const char *pw)
{
    char dbl[128], w[256];
    size_t k = 0;
    for (const char *p = pw; *p && k + 2 < sizeof dbl; p++) {
        if (*p == '"')
            dbl[k++] = '"';
        dbl[k++] = *p;
    }
    dbl[k] = '\0';
    size_t m = 0;
    for (const char *p = pw; *p && m + 2 < sizeof w; p++) {
        w[m++] = *p;
        w[m++] = '\0';
    }
    return contains((const unsigned char *)d, n, pw, strlen(pw)) ||
           contains((const unsigned char *)d, n, dbl, k) ||
           ((unsigned char)pw[0] < 0x80 && contains((const unsigned char *)d, n, w, m));
}

struct log_case {
    char label[40];
    char log[400];
    char pw[40]; /* the password in the log */
    int known;   /* 1: the scrubber is given the password; 0: structure only (a resume) */
    char expect[400];
};

#define PD "Property(S): "

ParameterizedTestParameters(secret_log, forms)
{
    static struct log_case cases[] = {
        /* command lines, as core builds the property string and MSI echoes it */
        {"cmdline quoted", "Command Line: REBOOT=ReallySuppress KLPASSWD=\"hunter2\" X=1\n",
         "hunter2", 0, "Command Line: REBOOT=ReallySuppress KLPASSWD=\"********\" X=1\n"},
        {"cmdline doubled quotes", "Command Line: KLPASSWD=\"Se\"\"cret\" CURRENTDIRECTORY=C:\\\n",
         "Se\"cret", 0, "Command Line: KLPASSWD=\"********\" CURRENTDIRECTORY=C:\\\n"},
        {"cmdline doubled, known", "Command Line: KLPASSWD=\"Se\"\"cret\" A=1\n", "Se\"cret", 1,
         "Command Line: KLPASSWD=\"********\" A=1\n"},
        {"cmdline unquoted", "Command Line: KLPASSWD=hunter2 KLLOGIN=KLAdmin\n", "hunter2", 0,
         "Command Line: KLPASSWD=******** KLLOGIN=KLAdmin\n"},
        {"cmdline spaces", "Command Line: KLPASSWD=\"pass word \" A=1\n", "pass word ", 0,
         "Command Line: KLPASSWD=\"********\" A=1\n"},
        {"cmdline no closing quote", "Command Line: KLPASSWD=\"abc def\nnext\n", "abc def", 0,
         "Command Line: KLPASSWD=\"********\nnext\n"},
        {"cmdline lower case name", "Command Line: klpasswd=\"hunter2\"\n", "hunter2", 0,
         "Command Line: klpasswd=\"********\"\n"},
        /* property dumps */
        {"dump", PD "KLPASSWD = hunter2\r\n" PD "KLLOGIN = KLAdmin\r\n", "hunter2", 0,
         PD "KLPASSWD = ********\r\n" PD "KLLOGIN = KLAdmin\r\n"},
        {"dump quotes and spaces", PD "KLPASSWD = Se\"cr et'\n", "Se\"cr et'", 0,
         PD "KLPASSWD = ********\n"},
        {"dump leading space kept exact", PD "KLPASSWD =  lead\n", " lead", 0,
         PD "KLPASSWD = ********\n"},
        {"dump at end of file", PD "KLPASSWD = hunter2", "hunter2", 0, PD "KLPASSWD = ********"},
        /* PROPERTY CHANGE lines */
        {"adding", "PROPERTY CHANGE: Adding KLPASSWD property. Its value is 'it''s \"x\"'.\n",
         "it''s \"x\"", 0, "PROPERTY CHANGE: Adding KLPASSWD property. Its value is '********'.\n"},
        {"modifying",
         "PROPERTY CHANGE: Modifying KLPASSWD property. Its current value is 'old-pw'. Its new "
         "value: 'new-pw'.\n",
         "new-pw", 0,
         "PROPERTY CHANGE: Modifying KLPASSWD property. Its current value is '********'. Its new "
         "value: '********'.\n"},
        /* the value found by structure is masked wherever else it appears */
        {"learned elsewhere", "Command Line: KLPASSWD=\"Zq-7\"\nAction: check Zq-7 done\n", "Zq-7",
         0, "Command Line: KLPASSWD=\"********\"\nAction: check ******** done\n"},
        {"learned, quoted form elsewhere", PD "KLPASSWD = a\"b\nother: KLX=\"a\"\"b\"\n", "a\"b", 0,
         PD "KLPASSWD = ********\nother: KLX=\"********\"\n"},
        /* known password, wherever it is */
        {"regex-like chars", "x .*[a]+?(b)|$^\\ y\n", ".*[a]+?(b)|$^\\", 1, "x ******** y\n"},
        {"substring of other text", "Action start: InstallFinalize.\n", "Final", 1,
         "Action start: Install********ize.\n"},
        {"non-ASCII", PD "KLPASSWD = p\xc3\xa4ss\xe2\x82\xac\nagain p\xc3\xa4ss\xe2\x82\xac\n",
         "p\xc3\xa4ss\xe2\x82\xac", 0, PD "KLPASSWD = ********\nagain ********\n"},
        {"cyrillic, known", "\xd0\xbf\xd0\xb0\xd1\x80\xd0\xbe\xd0\xbb\xd1\x8c!\n",
         "\xd0\xbf\xd0\xb0\xd1\x80\xd0\xbe\xd0\xbb\xd1\x8c", 1, "********!\n"},
        /* what must stay */
        {"other properties kept",
         "Command Line: KLPASSWD_SITE=\"site\" XKLPASSWD=\"x\" KLLOGIN=\"KLAdmin\"\n", "", 0,
         "Command Line: KLPASSWD_SITE=\"site\" XKLPASSWD=\"x\" KLLOGIN=\"KLAdmin\"\n"},
        {"already masked", PD "KLPASSWD = ********\nCommand Line: KLPASSWD=\"********\"\n", "", 0,
         PD "KLPASSWD = ********\nCommand Line: KLPASSWD=\"********\"\n"},
        {"name without a value", "KLPASSWD is required\n", "", 0, "KLPASSWD is required\n"},
    };
    return cr_make_param_array(struct log_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct log_case *c, secret_log, forms)
{
    static const char *const props[] = {"KLPASSWD", "UNLOCK_PASSWORD"};
    char *out = NULL;
    size_t n = 0, count = 0;
    cr_assert_eq(avs_secret_scrub_log(&out, &n, &count, (const unsigned char *)c->log,
                                      strlen(c->log), c->known ? c->pw : NULL, props, 2),
                 0);
    cr_expect(n == strlen(c->expect) && memcmp(out, c->expect, n) == 0,
              "%s:\n got  [%.*s]\n want [%s]", c->label, (int)n, out, c->expect);
    if (c->pw[0])
        cr_expect_not(leaks(out, n, c->pw), "%s: the password is still in the log", c->label);
    cr_expect_eq(count == 0, strcmp(c->log, c->expect) == 0, "%s: count %zu", c->label, count);

    /* Scrubbing again changes nothing: a resume may scrub a log twice. */
    char *again = NULL;
    size_t n2 = 0, count2 = 0;
    cr_assert_eq(
        avs_secret_scrub_log(&again, &n2, &count2, (const unsigned char *)out, n, NULL, props, 2),
        0);
    cr_expect(n2 == n && memcmp(again, out, n) == 0 && count2 == 0, "%s: not idempotent", c->label);
    free(again);
    free(out);
}

/* The same forms in a UTF-16LE log (with or without its byte order mark, at either alignment). */
Test(secret_log, utf16_log)
{
    static const char *const props[] = {"KLPASSWD"};
    const char *text = PD "KLPASSWD = Se\"cret\r\nCommand Line: KLPASSWD=\"Se\"\"cret\"\r\n"
                          "echo Se\"cret\r\n";
    unsigned char buf[512];
    for (size_t lead = 0; lead < 3; lead++) { /* 0: none, 1: one stray byte, 2: a BOM */
        size_t n = 0;
        if (lead == 1)
            buf[n++] = 'x';
        if (lead == 2) {
            buf[n++] = 0xff;
            buf[n++] = 0xfe;
        }
        for (const char *p = text; *p; p++) {
            buf[n++] = (unsigned char)*p;
            buf[n++] = 0;
        }
        char *out = NULL;
        size_t on = 0, count = 0;
        cr_assert_eq(avs_secret_scrub_log(&out, &on, &count, buf, n, NULL, props, 1), 0);
        cr_expect_geq(count, 3, "lead %zu: %zu", lead, count);
        cr_expect_not(contains((unsigned char *)out, on, "S\0e\0\"\0c\0", 8), "lead %zu", lead);
        cr_expect_not(contains((unsigned char *)out, on, "S\0e\0\"\0\"\0c\0", 10), "lead %zu",
                      lead);
        cr_expect(contains((unsigned char *)out, on, "=\0 \0*\0*\0*\0*\0*\0*\0*\0*\0\r\0", 22),
                  "lead %zu: the dump line keeps its shape with a UTF-16 mask", lead);
        free(out);
    }
}

/* The known password is masked even where the structure says nothing, in every encoding. */
Test(secret_log, known_password_in_every_encoding)
{
    static const char *const props[] = {"KLPASSWD"};
    const unsigned char log[] = "a=Se\"cret; b=Se\"\"cret; c=S\0e\0\"\0c\0r\0e\0t\0;";
    char *out = NULL;
    size_t n = 0, count = 0;
    cr_assert_eq(avs_secret_scrub_log(&out, &n, &count, log, sizeof log - 1, "Se\"cret", props, 1),
                 0);
    cr_expect_eq(count, 3);
    cr_expect_not(leaks(out, n, "Se\"cret"));
    cr_expect(contains((unsigned char *)out, n, "a=********; b=********; c=*\0*\0", 30));
    free(out);
}

/* A fixed mask: two passwords of different lengths leave logs of the same length. */
Test(secret_log, the_mask_hides_the_length)
{
    static const char *const props[] = {"KLPASSWD"};
    const char *a = PD "KLPASSWD = x\nCommand Line: KLPASSWD=\"x\"\n";
    const char *b = PD "KLPASSWD = a-much-longer-password\nCommand Line: "
                       "KLPASSWD=\"a-much-longer-password\"\n";
    char *oa = NULL, *ob = NULL;
    size_t na = 0, nb = 0, ca = 0, cb = 0;
    cr_assert_eq(
        avs_secret_scrub_log(&oa, &na, &ca, (const unsigned char *)a, strlen(a), NULL, props, 1),
        0);
    cr_assert_eq(
        avs_secret_scrub_log(&ob, &nb, &cb, (const unsigned char *)b, strlen(b), NULL, props, 1),
        0);
    cr_expect_eq(na, nb);
    cr_expect(na == nb && memcmp(oa, ob, na) == 0, "[%.*s] vs [%.*s]", (int)na, oa, (int)nb, ob);
    free(oa);
    free(ob);
}

Test(secret_mask, doubled_quote_form)
{
    const char log[] = "Command Line: KLPASSWD=\"Se\"\"cret\" and raw Se\"cret";
    char *out = NULL;
    size_t n = 0, count = 0;
    cr_assert_eq(
        avs_secret_mask(&out, &n, &count, (const unsigned char *)log, sizeof log - 1, "Se\"cret"),
        0);
    cr_expect_eq(count, 2);
    const char want[] = "Command Line: KLPASSWD=\"********\" and raw ********";
    cr_expect(n == sizeof want - 1 && memcmp(out, want, n) == 0, "%.*s", (int)n, out);
    free(out);
}
