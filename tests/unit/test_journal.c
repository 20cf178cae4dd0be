/* core/journal: the record format, the time format, writing through core/os.h, and verify
 * detecting every kind of damage (changed byte, deleted line, reordered lines, seq gaps, bad
 * records), including when the attacker recomputes the hash chain. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "fake_fs.h"
#include "fake_os.h"
#include "journal.h"
#include "sha256.h"

#define PATH "C:\\ProgramData\\AvSwap\\journal.jsonl"
#define T0 INT64_C(1714564800000) /* 2024-05-01T12:00:00.000Z */

static const struct avs_journal_ident ident = {"PC-042", "run-1", "S-1-5-18",
                                               "NT AUTHORITY\\SYSTEM"};

static void setup(void)
{
    fake_fs_reset();
    fake_now_set(T0);
}

TestSuite(journal, .init = setup, .fini = fake_fs_reset);

static void append(avs_journal *j, enum avs_journal_step step, enum avs_journal_phase phase,
                   const char *product, const char *code, int64_t outcome)
{
    struct avs_journal_entry e = {step, phase,   product, product ? "11.1.0" : NULL,
                                  code, outcome, NULL};
    cr_assert_eq(avs_journal_append(j, &e), 0);
}

/* A journal of N records (N <= 8) of one run, one second apart, in the file. */
static void write_sample(int n)
{
    avs_journal *j = NULL;
    cr_assert_eq(avs_journal_open(&j, PATH, &ident, NULL), 0);
    static const enum avs_journal_step steps[] = {
        AVS_JSTEP_PLAN,   AVS_JSTEP_PLAN,   AVS_JSTEP_REMOVE, AVS_JSTEP_REMOVE,
        AVS_JSTEP_REMOVE, AVS_JSTEP_REMOVE, AVS_JSTEP_REBOOT, AVS_JSTEP_OUTCOME};
    for (int i = 0; i < n; i++) {
        fake_now_set(T0 + 1000 * i);
        int remove = steps[i] == AVS_JSTEP_REMOVE;
        const char *product = remove ? (i < 4 ? "Kaspersky Endpoint Security" : "KSC Agent") : NULL;
        const char *code = remove ? (i < 4 ? "{AAAA}" : "{BBBB}") : NULL;
        enum avs_journal_phase ph =
            (i % 2 == 0 && steps[i] != AVS_JSTEP_OUTCOME) ? AVS_JPHASE_BEGIN : AVS_JPHASE_END;
        append(j, steps[i], ph, product, code, i == 5 ? 3010 : 0);
    }
    avs_journal_close(j);
}

static char *file_copy(size_t *len)
{
    const char *d = fake_fs_data(PATH, len);
    cr_assert_not_null(d);
    char *c = malloc(*len + 1);
    memcpy(c, d, *len);
    c[*len] = '\0';
    return c;
}

/* Start offsets of each line of S (LEN bytes); returns the count. */
static size_t lines_of(const char *s, size_t len, size_t starts[], size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < len && n < max; i++)
        if (i == 0 || s[i - 1] == '\n')
            starts[n++] = i;
    return n;
}

/* What an attacker with write access would do after editing: recompute every "prev" so the
 * chain is consistent again. (prev is the last key, so each line ends with "prev":"<64>"}.) */
static void rechain(char *s, size_t len)
{
    char prev[65];
    memset(prev, '0', 64);
    prev[64] = '\0';
    size_t at = 0;
    while (at < len) {
        char *nl = memchr(s + at, '\n', len - at);
        size_t n = (size_t)(nl - (s + at));
        memcpy(s + at + n - 66, prev, 64);
        avs_sha256_hex_of(prev, s + at, n);
        at += n + 1;
    }
}

static struct avs_journal_check verify(const char *s, size_t len)
{
    struct avs_journal_check c;
    cr_assert_eq(avs_journal_verify(&c, NULL, NULL, s, len), 0);
    return c;
}

Test(journal, time_format_round_trips)
{
    static const struct {
        int64_t ms;
        const char *text;
    } v[] = {
        {0, "1970-01-01T00:00:00.000Z"},
        {951782400000, "2000-02-29T00:00:00.000Z"},
        {T0 + 123, "2024-05-01T12:00:00.123Z"},
        {1709251199999, "2024-02-29T23:59:59.999Z"},
        {4102444800000, "2100-01-01T00:00:00.000Z"},
        {INT64_C(253402300799999), "9999-12-31T23:59:59.999Z"},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        char out[25];
        int64_t back = -1;
        cr_assert_eq(avs_journal_format_time(out, v[i].ms), 0);
        cr_assert_str_eq(out, v[i].text);
        cr_assert_eq(avs_journal_parse_time(&back, v[i].text), 0);
        cr_assert_eq(back, v[i].ms, "%s", v[i].text);
    }
    /* Every day for 200 years, at an odd time of day, survives the round trip. */
    for (int64_t ms = 12345678; ms < INT64_C(6311433600000); ms += 86400000) {
        char out[25];
        int64_t back;
        cr_assert_eq(avs_journal_format_time(out, ms), 0);
        cr_assert_eq(avs_journal_parse_time(&back, out), 0, "%s", out);
        cr_assert_eq(back, ms, "%s", out);
    }
    char out[25];
    cr_assert_eq(avs_journal_format_time(out, -1), AVS_EINVAL);
    cr_assert_eq(avs_journal_format_time(out, INT64_C(253402300800000)), AVS_EINVAL);
}

Test(journal, time_parse_is_strict)
{
    static const char *bad[] = {
        "2023-02-29T00:00:00.000Z", "2024-13-01T00:00:00.000Z", "2024-00-10T00:00:00.000Z",
        "2024-04-31T00:00:00.000Z", "2024-05-01T24:00:00.000Z", "2024-05-01T12:60:00.000Z",
        "2024-05-01T12:00:60.000Z", "2024-05-01T12:00:00.000",  "2024-05-01t12:00:00.000Z",
        "2024-05-01T12:00:00Z",     "1969-12-31T23:59:59.999Z", "2024-05-01T12:00:00.000Z ",
        "2024-05-01 12:00:00.000Z", "+024-05-01T12:00:00.000Z", "",
        "2100-02-29T00:00:00.000Z",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t ms = 7;
        cr_assert_eq(avs_journal_parse_time(&ms, bad[i]), AVS_EFORMAT, "'%s'", bad[i]);
    }
}

Test(journal, step_names_round_trip)
{
    for (int i = 0; i < AVS_JSTEP_COUNT; i++) {
        enum avs_journal_step s;
        cr_assert_eq(avs_journal_step_parse(&s, avs_journal_step_name((enum avs_journal_step)i)),
                     0);
        cr_assert_eq((int)s, i);
    }
    enum avs_journal_step s;
    cr_assert_eq(avs_journal_step_parse(&s, "Remove"), AVS_EFORMAT);
    cr_assert_str_eq(avs_journal_step_name((enum avs_journal_step)99), "?");
}

Test(journal, first_line_has_the_documented_format)
{
    avs_journal *j = NULL;
    cr_assert_eq(avs_journal_open(&j, PATH, &ident, NULL), 0);
    cr_assert_null(fake_fs_data(PATH, &(size_t){0}), "opening alone creates nothing");
    cr_assert_eq(avs_journal_seq(j), 0);
    fake_now_set(T0 + 42);
    struct avs_journal_entry e = {AVS_JSTEP_REMOVE, AVS_JPHASE_BEGIN, "Kaspersky \"KES\"",
                                  "11.1.0",         "{AAAA}",         1603 /* ignored on begin */,
                                  "line1\nline2"};
    cr_assert_eq(avs_journal_append(j, &e), 0);
    size_t len;
    char *s = file_copy(&len);
    const char *want =
        "{\"seq\":1,\"time\":\"2024-05-01T12:00:00.042Z\",\"host\":\"PC-042\",\"run_id\":\"run-1\","
        "\"actor\":{\"sid\":\"S-1-5-18\",\"name\":\"NT AUTHORITY\\\\SYSTEM\"},\"step\":\"remove\","
        "\"phase\":\"begin\",\"product\":\"Kaspersky \\\"KES\\\"\",\"version\":\"11.1.0\","
        "\"product_code\":\"{AAAA}\",\"outcome\":null,\"detail\":\"line1\\nline2\","
        "\"prev\":\"0000000000000000000000000000000000000000000000000000000000000000\"}\n";
    cr_assert_str_eq(s, want);
    /* The writer's hash is the SHA-256 of the line without its newline. */
    char h[65];
    avs_sha256_hex_of(h, s, len - 1);
    cr_assert_str_eq(avs_journal_hash(j), h);
    cr_assert_eq(avs_journal_seq(j), 1);

    struct avs_journal_entry end = {AVS_JSTEP_REMOVE, AVS_JPHASE_END, NULL, NULL, NULL, -5, NULL};
    cr_assert_eq(avs_journal_append(j, &end), 0);
    free(s);
    s = file_copy(&len);
    const char *second = strchr(s, '\n') + 1;
    cr_assert(strstr(second, "\"seq\":2,") == second + 1);
    cr_assert_not_null(strstr(second, "\"product\":null,\"version\":null,\"product_code\":null,"
                                      "\"outcome\":-5,\"detail\":null,"));
    cr_assert_not_null(strstr(second, h), "the second line's prev is the first line's hash");
    free(s);
    avs_journal_close(j);
}

Test(journal, write_then_load_gives_back_every_field)
{
    write_sample(8);
    struct avs_journal_check c;
    struct avs_journal_rec *r = NULL;
    size_t n = 0;
    cr_assert_eq(avs_journal_load(&c, &r, &n, PATH), 0);
    cr_assert_eq(c.status, AVS_JOURNAL_INTACT, "%s", c.why);
    cr_assert_eq(n, 8);
    cr_assert_eq(c.records, 8);
    cr_assert_eq(c.last_seq, 8);
    size_t len;
    fake_fs_data(PATH, &len);
    cr_assert_eq(c.good_bytes, len);
    for (size_t i = 0; i < n; i++) {
        cr_assert_eq(r[i].line, i + 1);
        cr_assert_eq(r[i].seq, (int64_t)i + 1);
        cr_assert_eq(r[i].time_ms, T0 + 1000 * (int64_t)i);
        cr_assert_str_eq(r[i].host, "PC-042");
        cr_assert_str_eq(r[i].run_id, "run-1");
        cr_assert_str_eq(r[i].user_sid, "S-1-5-18");
        cr_assert_str_eq(r[i].user_name, "NT AUTHORITY\\SYSTEM");
        if (i > 0)
            cr_assert_str_eq(r[i].prev, r[i - 1].hash);
    }
    cr_assert_str_eq(c.last_hash, r[7].hash);
    cr_assert_eq(r[2].step, AVS_JSTEP_REMOVE);
    cr_assert_eq(r[2].phase, AVS_JPHASE_BEGIN);
    cr_assert_str_eq(r[2].product, "Kaspersky Endpoint Security");
    cr_assert_str_eq(r[2].product_code, "{AAAA}");
    cr_assert_str_eq(r[2].version, "11.1.0");
    cr_assert_null(r[0].product);
    cr_assert_null(r[0].detail);
    cr_assert_eq(r[5].outcome, 3010);
    cr_assert_eq(r[7].step, AVS_JSTEP_OUTCOME);
    avs_journal_recs_free(r, n);
}

Test(journal, reopening_continues_the_chain)
{
    write_sample(3);
    avs_journal *j = NULL;
    struct avs_journal_check c;
    cr_assert_eq(avs_journal_open(&j, PATH, &ident, &c), 0);
    cr_assert_eq(c.status, AVS_JOURNAL_INTACT);
    cr_assert_eq(avs_journal_seq(j), 3);
    cr_assert_str_eq(avs_journal_hash(j), c.last_hash);
    append(j, AVS_JSTEP_REMOVE, AVS_JPHASE_END, "x", "{AAAA}", 0);
    avs_journal_close(j);
    size_t len;
    char *s = file_copy(&len);
    c = verify(s, len);
    cr_assert_eq(c.status, AVS_JOURNAL_INTACT, "%s", c.why);
    cr_assert_eq(c.records, 4);
    free(s);
}

Test(journal, missing_journal_and_bad_arguments)
{
    struct avs_journal_check c;
    struct avs_journal_rec *r = (struct avs_journal_rec *)1;
    size_t n = 9;
    cr_assert_eq(avs_journal_load(&c, &r, &n, PATH), AVS_ENOENT);
    cr_assert_null(r);
    cr_assert_eq(n, 0);

    avs_journal *j = (avs_journal *)1;
    struct avs_journal_ident no_host = ident;
    no_host.host = "";
    cr_assert_eq(avs_journal_open(&j, PATH, &no_host, NULL), AVS_EINVAL);
    cr_assert_null(j);
    struct avs_journal_ident no_sid = ident;
    no_sid.user_sid = NULL;
    cr_assert_eq(avs_journal_open(&j, PATH, &no_sid, NULL), AVS_EINVAL);

    cr_assert_eq(avs_journal_open(&j, PATH, &ident, NULL), 0);
    struct avs_journal_entry e = {
        (enum avs_journal_step)AVS_JSTEP_COUNT, AVS_JPHASE_END, NULL, NULL, NULL, 0, NULL};
    cr_assert_eq(avs_journal_append(j, &e), AVS_EINVAL);
    e.step = AVS_JSTEP_PLAN;
    e.phase = (enum avs_journal_phase)2;
    cr_assert_eq(avs_journal_append(j, &e), AVS_EINVAL);
    cr_assert_eq(fake_fs_append_calls(), 0, "nothing written for a bad entry");
    avs_journal_close(j);
}

Test(journal, oversized_record_is_refused_whole)
{
    avs_journal *j = NULL;
    cr_assert_eq(avs_journal_open(&j, PATH, &ident, NULL), 0);
    char *big = malloc(AVS_JOURNAL_LINE_MAX + 1);
    memset(big, 'x', AVS_JOURNAL_LINE_MAX);
    big[AVS_JOURNAL_LINE_MAX] = '\0';
    struct avs_journal_entry e = {AVS_JSTEP_PLAN, AVS_JPHASE_END, NULL, NULL, NULL, 0, big};
    cr_assert_eq(avs_journal_append(j, &e), AVS_ETOOBIG);
    cr_assert_eq(fake_fs_append_calls(), 0);
    /* Not sticky: nothing reached the file. */
    append(j, AVS_JSTEP_PLAN, AVS_JPHASE_BEGIN, NULL, NULL, 0);
    cr_assert_eq(avs_journal_seq(j), 1);
    free(big);
    avs_journal_close(j);
}

Test(journal, every_changed_byte_is_detected)
{
    write_sample(8);
    size_t len;
    char *orig = file_copy(&len);
    struct avs_journal_check oc = verify(orig, len);
    size_t starts[16];
    size_t nlines = lines_of(orig, len, starts, 16);
    cr_assert_eq(nlines, 8);
    for (size_t i = 0; i < len; i++) {
        char *s = malloc(len);
        memcpy(s, orig, len);
        s[i] = (char)(s[i] == 'Z' ? 'Y' : s[i] == '\n' ? ' ' : 'Z');
        struct avs_journal_check c = verify(s, len);
        size_t line = 1; /* the line holding byte i (its newline included) */
        while (line < nlines && starts[line] <= i)
            line++;
        if (line == nlines - 1 && orig[i] == '\n') {
            /* Joining the last two lines leaves unparseable bytes at the end, which is also
             * what a crash can leave: reported as torn there, never trusted, and the repair
             * note keeps their hash. (The Event Log still holds both records' events.) */
            cr_assert_eq(c.status, AVS_JOURNAL_TORN, "byte %zu", i);
            cr_assert_eq(c.bad_line, nlines - 1);
        } else if (line < nlines) {
            /* A change before the last line breaks the record itself or the next prev. */
            cr_assert_eq(c.status, AVS_JOURNAL_BROKEN, "byte %zu: %s", i, c.why);
            cr_assert(c.bad_line == line || c.bad_line == line + 1, "byte %zu: line %zu", i,
                      c.bad_line);
            cr_assert_eq(c.records, c.bad_line - 1);
        } else if (c.status == AVS_JOURNAL_INTACT) {
            /* Nothing follows the last line to chain it: only its hash, which the Event Log
             * keeps (avs_journal_hash), anchors it. That hash differs. */
            cr_assert_str_neq(c.last_hash, oc.last_hash, "byte %zu", i);
        } else {
            cr_assert_eq(c.bad_line, nlines, "byte %zu", i);
            cr_assert_eq(c.records, nlines - 1);
        }
        free(s);
    }
    free(orig);
}

/* S without line K (1-based). */
static char *without_line(const char *s, size_t len, size_t k, size_t *out_len)
{
    size_t starts[16];
    size_t n = lines_of(s, len, starts, 16);
    size_t from = starts[k - 1], to = k < n ? starts[k] : len;
    char *o = malloc(len);
    memcpy(o, s, from);
    memcpy(o + from, s + to, len - to);
    *out_len = len - (to - from);
    return o;
}

Test(journal, every_deleted_line_is_detected)
{
    write_sample(8);
    size_t len;
    char *orig = file_copy(&len);
    for (size_t k = 1; k <= 7; k++) {
        size_t n;
        char *s = without_line(orig, len, k, &n);
        struct avs_journal_check c = verify(s, n);
        cr_assert_eq(c.status, AVS_JOURNAL_BROKEN, "line %zu deleted", k);
        cr_assert_eq(c.bad_line, k);
        cr_assert_not_null(strstr(c.why, "seq"), "%s", c.why);
        /* Even with the chain recomputed, the sequence gives it away. */
        rechain(s, n);
        c = verify(s, n);
        cr_assert_eq(c.status, AVS_JOURNAL_BROKEN, "line %zu deleted, rechained", k);
        cr_assert_eq(c.bad_line, k);
        free(s);
    }
    /* The last line gone leaves a shorter intact journal whose last hash is not the one the
     * Event Log recorded for seq 8. */
    size_t n;
    char *s = without_line(orig, len, 8, &n);
    struct avs_journal_check c = verify(s, n);
    cr_assert_eq(c.status, AVS_JOURNAL_INTACT);
    cr_assert_eq(c.last_seq, 7);
    free(s);
    free(orig);
}

Test(journal, reordered_lines_are_detected)
{
    write_sample(8);
    size_t len;
    char *orig = file_copy(&len);
    size_t starts[16];
    lines_of(orig, len, starts, 16);
    for (size_t k = 1; k <= 7; k++) {
        /* Swap lines k and k+1. */
        size_t a = starts[k - 1], b = starts[k], e = k + 1 < 8 ? starts[k + 1] : len;
        char *s = malloc(len);
        memcpy(s, orig, a);
        memcpy(s + a, orig + b, e - b);
        memcpy(s + a + (e - b), orig + a, b - a);
        memcpy(s + e, orig + e, len - e);
        struct avs_journal_check c = verify(s, len);
        cr_assert_eq(c.status, AVS_JOURNAL_BROKEN, "lines %zu and %zu swapped", k, k + 1);
        cr_assert_eq(c.bad_line, k);
        rechain(s, len);
        c = verify(s, len);
        cr_assert_eq(c.status, AVS_JOURNAL_BROKEN);
        cr_assert_eq(c.bad_line, k);
        free(s);
    }
    free(orig);
}

/* The sample with the first occurrence of FROM on line K replaced by TO, rechained, and
 * verified. */
static struct avs_journal_check edited(size_t k, const char *from, const char *to)
{
    size_t len;
    char *orig = file_copy(&len);
    size_t starts[16];
    lines_of(orig, len, starts, 16);
    char *at = strstr(orig + starts[k - 1], from);
    cr_assert_not_null(at, "'%s' not on line %zu", from, k);
    size_t off = (size_t)(at - orig), fl = strlen(from), tl = strlen(to);
    size_t n = len - fl + tl;
    char *s = malloc(n);
    memcpy(s, orig, off);
    memcpy(s + off, to, tl);
    memcpy(s + off + tl, orig + off + fl, len - off - fl);
    rechain(s, n);
    struct avs_journal_check c = verify(s, n);
    free(s);
    free(orig);
    return c;
}

Test(journal, seq_gap_and_repeat_are_detected)
{
    write_sample(5);
    struct avs_journal_check c = edited(3, "\"seq\":3,", "\"seq\":4,");
    cr_assert_eq(c.status, AVS_JOURNAL_BROKEN);
    cr_assert_eq(c.bad_line, 3);
    cr_assert_str_eq(c.why, "seq 4 follows seq 2 (a record is missing or moved)");
    c = edited(3, "\"seq\":3,", "\"seq\":2,");
    cr_assert_eq(c.bad_line, 3);
    c = edited(1, "\"seq\":1,", "\"seq\":0,");
    cr_assert_eq(c.bad_line, 1);
    cr_assert_str_eq(c.why, "bad \"seq\"");
    c = edited(1, "\"seq\":1,", "\"seq\":2,");
    cr_assert_str_eq(c.why, "first record's seq is 2, not 1");
    /* The control: the editing helper itself keeps an unedited journal intact. */
    c = edited(2, "\"seq\":2,", "\"seq\":2,");
    cr_assert_eq(c.status, AVS_JOURNAL_INTACT, "%s", c.why);
}

Test(journal, records_that_are_not_records_are_detected)
{
    write_sample(4);
    static const struct {
        const char *from, *to, *why;
    } v[] = {
        {"\"step\":\"remove\"", "\"step\":\"uninstall\"", "unknown \"step\""},
        {"\"phase\":\"begin\"", "\"phase\":\"start\"", "bad \"phase\""},
        {"\"outcome\":null", "\"outcome\":0", "bad \"outcome\" (null on begin, an integer on end)"},
        {"\"time\":\"2024-05-01T12:00:02.000Z\"", "\"time\":\"2024-05-01 12:00:02\"",
         "bad \"time\""},
        {"\"host\":\"PC-042\"", "\"host\":\"\"", "bad \"host\""},
        {"\"host\":\"PC-042\"", "\"host\":7", "bad \"host\""},
        {"\"product\":\"Kaspersky", "\"product\":\"K\\u0000", "bad \"product\""},
        {"\"actor\":{\"sid\"", "\"actor\":{\"uid\"", "bad \"actor\""},
        {"\"run_id\"", "\"run\"", "not a record: wrong set of keys"},
        {"\"detail\":null,", "", "not a record: wrong set of keys"},
        {"\"detail\":null,", "\"detail\":null,\"password\":null,",
         "not a record: wrong set of keys"},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        struct avs_journal_check c = edited(3, v[i].from, v[i].to);
        cr_assert_eq(c.status, AVS_JOURNAL_BROKEN, "%s", v[i].to);
        cr_assert_eq(c.bad_line, 3, "%s", v[i].to);
        cr_assert_str_eq(c.why, v[i].why);
    }
    /* The same keys in another order are not what the writer writes either. */
    struct avs_journal_check c = edited(2, "\"seq\":2,\"time\":\"2024-05-01T12:00:01.000Z\"",
                                        "\"time\":\"2024-05-01T12:00:01.000Z\",\"seq\":2");
    cr_assert_eq(c.status, AVS_JOURNAL_BROKEN);
    cr_assert_str_eq(c.why, "not a record: wrong set of keys");
}

Test(journal, junk_in_the_middle_is_broken_not_torn)
{
    write_sample(3);
    size_t len;
    char *orig = file_copy(&len);
    static const char *junk[] = {"\n", "garbage\n", "{}\n", "\0\0\0\n"};
    for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
        size_t jl = i == 3 ? 4 : strlen(junk[i]);
        size_t starts[8];
        lines_of(orig, len, starts, 8);
        char *s = malloc(len + jl);
        memcpy(s, orig, starts[2]);
        memcpy(s + starts[2], junk[i], jl);
        memcpy(s + starts[2] + jl, orig + starts[2], len - starts[2]);
        struct avs_journal_check c = verify(s, len + jl);
        cr_assert_eq(c.status, AVS_JOURNAL_BROKEN, "junk %zu", i);
        cr_assert_eq(c.bad_line, 3);
        cr_assert_eq(c.records, 2);
        cr_assert_eq(c.good_bytes, starts[2]);
        free(s);
    }
    free(orig);
}

Test(journal, broken_journal_is_not_extended)
{
    write_sample(4);
    size_t len;
    char *orig = file_copy(&len);
    strstr(orig, "PC-042")[5] = '3'; /* line 1's host, still valid: breaks line 2's prev */
    fake_fs_put(PATH, orig, len);
    avs_journal *j = (avs_journal *)1;
    struct avs_journal_check c;
    cr_assert_eq(avs_journal_open(&j, PATH, &ident, &c), AVS_EFORMAT);
    cr_assert_null(j);
    cr_assert_eq(c.status, AVS_JOURNAL_BROKEN);
    cr_assert_eq(c.bad_line, 2, "%s", c.why);
    size_t after;
    const char *d = fake_fs_data(PATH, &after);
    cr_assert_eq(after, len);
    cr_assert_eq(memcmp(d, orig, len), 0, "the file is left exactly as found");
    free(orig);
}

Test(journal, read_errors_are_passed_on)
{
    write_sample(2);
    fake_fs_fail_next(FAKE_FS_READ, AVS_EACCES);
    struct avs_journal_check c;
    cr_assert_eq(avs_journal_load(&c, NULL, NULL, PATH), AVS_EACCES);
    avs_journal *j = NULL;
    fake_fs_fail_next(FAKE_FS_READ, AVS_EIO);
    cr_assert_eq(avs_journal_open(&j, PATH, &ident, NULL), AVS_EIO);
    cr_assert_null(j);
}
