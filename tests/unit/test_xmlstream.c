/* avs_os_xml_stream as the host fake implements it (tests/fakes/fake_xml.c: libxml2's
 * xmlTextReader over core/xmlinput, the input XmlLite gets on Windows): the forms of an export
 * (UTF-8, UTF-16LE with and without a BOM, with and without a root element), chunk boundaries
 * inside characters, the file's size and SHA-256, and where and why a bad file stops. */
#define _POSIX_C_SOURCE 200809L /* mkstemp, fdopen, unlink */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "error.h"
#include "os.h"
#include "sha256.h"
#include "xmlinput.h"

static char path[64];

static void cleanup(void)
{
    if (path[0])
        unlink(path);
    path[0] = '\0';
}

TestSuite(xmlstream, .fini = cleanup);

static void write_file(const void *data, size_t len)
{
    strcpy(path, "/tmp/avs-xml-XXXXXX");
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    cr_assert(f);
    cr_assert_eq(fwrite(data, 1, len, f), len);
    fclose(f);
}

/* The nodes as one string: "<name a=v>", "text", "</name>"; adjacent texts joined. */
struct rec {
    struct avs_buf b;
    int fail_at; /* the start callback number that returns AVS_EFORMAT - 100, 0: never */
    int starts;
};

static int rec_start(void *ctx, const char *name, const char *const *attrs, size_t n)
{
    struct rec *r = ctx;
    if (++r->starts == r->fail_at)
        return AVS_ENOMEM;
    avs_buf_printf(&r->b, "<%s", name);
    for (size_t i = 0; i < n; i++)
        avs_buf_printf(&r->b, " %s=%s", attrs[2 * i], attrs[2 * i + 1]);
    avs_buf_putc(&r->b, '>');
    return 0;
}

static int rec_text(void *ctx, const char *text, size_t len)
{
    avs_buf_append(&((struct rec *)ctx)->b, text, len);
    return 0;
}

static int rec_end(void *ctx, const char *name)
{
    avs_buf_printf(&((struct rec *)ctx)->b, "</%s>", name);
    return 0;
}

static const struct avs_xml_handler rec_handler = {rec_start, rec_text, rec_end, NULL};

static int stream(struct rec *r, struct avs_xml_input *in)
{
    r->b = (struct avs_buf)AVS_BUF_INIT;
    return avs_os_xml_stream(in, path, &rec_handler, r);
}

static const char *text_of(struct rec *r)
{
    return r->b.data ? r->b.data : "";
}

#define EV1 "<Event xmlns='urn:e'><System><Computer>PC-1</Computer></System></Event>"
#define EV2                                                                                        \
    "<Event xmlns='urn:e'><EventData><Data>Kaspersky "                                             \
    "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80</Data></EventData></Event>"
#define NODES1 "<Event xmlns=urn:e><System><Computer>PC-1</Computer></System></Event>"
#define NODES2                                                                                     \
    "<Event xmlns=urn:e><EventData><Data>Kaspersky \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80</Data>"    \
    "</EventData></Event>"

/* UTF-8 to UTF-16LE (the test's own, independent of core/xmlinput). */
static size_t utf16(unsigned char *out, const char *s, int bom)
{
    size_t n = 0;
    const unsigned char *u = (const unsigned char *)s;
    if (bom) {
        out[n++] = 0xff;
        out[n++] = 0xfe;
    }
    while (*u) {
        unsigned c;
        if (*u < 0x80) {
            c = *u++;
        } else if (*u < 0xe0) {
            c = (u[0] & 0x1fu) << 6 | (u[1] & 0x3fu);
            u += 2;
        } else if (*u < 0xf0) {
            c = (u[0] & 0x0fu) << 12 | (u[1] & 0x3fu) << 6 | (u[2] & 0x3fu);
            u += 3;
        } else {
            c = (u[0] & 0x07u) << 18 | (u[1] & 0x3fu) << 12 | (u[2] & 0x3fu) << 6 | (u[3] & 0x3fu);
            u += 4;
        }
        if (c >= 0x10000) {
            unsigned hi = 0xd800 + ((c - 0x10000) >> 10), lo = 0xdc00 + ((c - 0x10000) & 0x3ff);
            out[n++] = (unsigned char)hi;
            out[n++] = (unsigned char)(hi >> 8);
            c = lo;
        }
        out[n++] = (unsigned char)c;
        out[n++] = (unsigned char)(c >> 8);
    }
    return n;
}

static void check_forms(const char *doc, const char *want)
{
    static unsigned char w[4096];
    const char *bom8 = "\xef\xbb\xbf";
    char with_bom[2048];
    snprintf(with_bom, sizeof with_bom, "%s%s", bom8, doc);
    struct {
        const void *data;
        size_t len;
        const char *form;
    } forms[4];
    size_t n16 = utf16(w, doc, 1), n16b = utf16(w + n16, doc, 0);
    forms[0].data = doc, forms[0].len = strlen(doc), forms[0].form = "UTF-8";
    forms[1].data = with_bom, forms[1].len = strlen(with_bom), forms[1].form = "UTF-8 BOM";
    forms[2].data = w, forms[2].len = n16, forms[2].form = "UTF-16LE BOM";
    forms[3].data = w + n16, forms[3].len = n16b, forms[3].form = "UTF-16LE no BOM";
    for (int i = 0; i < 4; i++) {
        struct rec r = {0};
        struct avs_xml_input in;
        unsigned char sha[32];
        write_file(forms[i].data, forms[i].len);
        cr_assert_eq(stream(&r, &in), 0, "%s: %s at %lu:%lu", forms[i].form, in.what, in.line,
                     in.column);
        cr_assert_str_eq(text_of(&r), want, "%s", forms[i].form);
        cr_assert_eq(in.bytes, forms[i].len, "%s", forms[i].form);
        avs_sha256(sha, forms[i].data, forms[i].len);
        cr_assert_arr_eq(in.sha256, sha, 32, "%s: SHA-256 of the file as read", forms[i].form);
        avs_buf_free(&r.b);
        cleanup();
    }
}

Test(xmlstream, events_without_root_in_every_encoding)
{
    check_forms(EV1 "\r\n" EV2 "\r\n", NODES1 NODES2);
}

Test(xmlstream, one_root_element_with_declaration_in_every_encoding)
{
    check_forms("<?xml version=\"1.0\" encoding=\"UTF-16\"?>\r\n<Events>" EV1 EV2 "</Events>\r\n",
                "<Events>" NODES1 NODES2 "</Events>");
}

Test(xmlstream, empty_export_is_zero_events)
{
    check_forms("", "");
}

static void expect_error(const void *data, size_t len, unsigned long line, unsigned long col,
                         const char *what)
{
    struct rec r = {0};
    struct avs_xml_input in;
    write_file(data, len);
    cr_assert_eq(stream(&r, &in), AVS_EFORMAT);
    cr_assert_eq(in.line, line, "line %lu, want %lu (%s)", in.line, line, in.what);
    if (col)
        cr_assert_eq(in.column, col, "column %lu, want %lu (%s)", in.column, col, in.what);
    cr_assert(strstr(in.what, what), "why: '%s', want '%s'", in.what, what);
    avs_buf_free(&r.b);
}

Test(xmlstream, truncated_export_stops_at_its_end)
{
    const char *doc = EV1 "\n<Event><System><Comp";
    expect_error(doc, strlen(doc), 2, 21, "unexpected end of file");
}

Test(xmlstream, truncated_inside_text_stops_at_its_end)
{
    const char *doc = "<?xml version='1.0'?>\n" EV1 "\n<Event><Data>abc";
    expect_error(doc, strlen(doc), 3, 17, "unexpected end of file");
}

Test(xmlstream, text_between_events_is_not_xml)
{
    const char *doc = EV1 "garbage" EV1;
    expect_error(doc, strlen(doc), 1, 0, "text outside any element");
}

Test(xmlstream, mismatched_tag_is_reported_on_its_line)
{
    const char *doc = EV1 "\n" EV1 "\n<Event><a></b></Event>\n" EV1;
    expect_error(doc, strlen(doc), 3, 0, "");
}

Test(xmlstream, doctype_is_refused)
{
    const char *doc = "<!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>";
    struct rec r = {0};
    struct avs_xml_input in;
    write_file(doc, strlen(doc));
    cr_assert_eq(stream(&r, &in), AVS_EFORMAT);
    avs_buf_free(&r.b);
}

Test(xmlstream, big_endian_utf16_is_refused_in_words)
{
    static const unsigned char doc[] = {0xfe, 0xff, 0, '<', 0, 'a', 0, '/', 0, '>'};
    expect_error(doc, sizeof doc, 1, 0, "big-endian");
}

Test(xmlstream, utf16_cut_short_and_lone_surrogates)
{
    unsigned char w[256];
    size_t n = utf16(w, "<a>x</a>", 1);
    expect_error(w, n - 1, 1, 0, "half a UTF-16 character");
    cleanup();
    n = utf16(w, "<a>x", 1);
    w[n++] = 0x3d, w[n++] = 0xd8; /* a high surrogate, then the end of the file */
    expect_error(w, n, 1, 0, "surrogate");
    cleanup();
    n = utf16(w, "<a>", 1);
    w[n++] = 0x00, w[n++] = 0xdc; /* a low surrogate alone */
    n += utf16(w + n, "</a>", 0);
    expect_error(w, n, 1, 0, "low surrogate");
}

/* A file whose bytes at offset AT (a chunk's end) cut CH, an UTF-8 character, after CUT bytes
 * of it (UTF16: the file is UTF-16LE with a BOM, CH's code units cut after CUT bytes). */
static void check_cut(const char *ch, size_t cut, int utf16_file)
{
    size_t at = AVS_XMLIN_CHUNK;
    char *doc = malloc(2 * at + 64), *want = malloc(2 * at + 64);
    unsigned char *w = malloc(4 * at + 256);
    cr_assert(doc && want && w);
    size_t head = strlen("<a>"), unit = utf16_file ? 2 : 1, bom = utf16_file ? 2 : 0;
    unsigned char chw[8];
    size_t chlen = utf16_file ? utf16(chw, ch, 0) : strlen(ch);
    cr_assert(cut < chlen);
    size_t pad = (at - bom - cut) / unit - head; /* x's before CH */
    strcpy(doc, "<a>");
    memset(doc + head, 'x', pad);
    sprintf(doc + head + pad, "%s</a>", ch);
    size_t len = strlen(doc);
    if (utf16_file) {
        len = utf16(w, doc, 1);
        cr_assert_eq(memcmp(w + at - cut, chw, chlen), 0, "the cut is where it should be");
        write_file(w, len);
    } else {
        cr_assert_eq(memcmp(doc + at - cut, ch, chlen), 0, "the cut is where it should be");
        write_file(doc, len);
    }
    struct rec r = {0};
    struct avs_xml_input in;
    cr_assert_eq(stream(&r, &in), 0, "%s at %lu:%lu", in.what, in.line, in.column);
    cr_assert_str_eq(text_of(&r), doc);
    avs_buf_free(&r.b);
    free(doc), free(want), free(w);
}

Test(xmlstream, chunk_end_inside_utf8_characters)
{
    check_cut("\xc3\xa9", 1, 0);
    cleanup();
    check_cut("\xe2\x82\xac", 1, 0);
    cleanup();
    check_cut("\xe2\x82\xac", 2, 0);
    cleanup();
    check_cut("\xf0\x9f\x98\x80", 3, 0);
}

Test(xmlstream, chunk_end_inside_a_surrogate_pair)
{
    check_cut("\xf0\x9f\x98\x80", 2, 1); /* between the halves */
    cleanup();
    check_cut("\xf0\x9d\x84\x9e", 2, 1);
}

Test(xmlstream, many_chunks_read_whole)
{
    struct avs_buf doc;
    doc = (struct avs_buf)AVS_BUF_INIT;
    avs_buf_printf(&doc, "<Events>");
    size_t n = 0;
    while (doc.len < 20 * AVS_XMLIN_CHUNK) {
        avs_buf_printf(&doc,
                       "<Event><Data>%zu \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80</Data></Event>\n", n);
        n++;
    }
    avs_buf_printf(&doc, "</Events>");
    write_file(doc.data, doc.len);
    struct rec r = {0};
    struct avs_xml_input in;
    cr_assert_eq(stream(&r, &in), 0, "%s", in.what);
    cr_assert_eq(r.starts, 1 + 2 * (int)n);
    cr_assert_eq(in.bytes, doc.len);
    const char *t = text_of(&r);
    char last[64];
    snprintf(last, sizeof last, "<Data>%zu \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80</Data>", n - 1);
    cr_assert(strstr(t, last));
    avs_buf_free(&r.b);
    avs_buf_free(&doc);
}

Test(xmlstream, callback_error_stops_the_reading)
{
    const char *doc = EV1 EV1 EV1;
    struct rec r = {0};
    r.fail_at = 4;
    struct avs_xml_input in;
    write_file(doc, strlen(doc));
    cr_assert_eq(stream(&r, &in), AVS_ENOMEM);
    cr_assert_eq(r.starts, 4);
    avs_buf_free(&r.b);
}

Test(xmlstream, missing_file)
{
    struct rec r = {0};
    strcpy(path, "/tmp/avs-xml-does-not-exist");
    cr_assert_eq(stream(&r, NULL), AVS_ENOENT);
    path[0] = '\0';
    avs_buf_free(&r.b);
}

Test(xmlstream, parse_file_keeps_its_size_bound)
{
    const char *doc = EV1 EV1;
    struct rec r = {0};
    write_file(doc, strlen(doc));
    r.b = (struct avs_buf)AVS_BUF_INIT;
    cr_assert_eq(avs_os_xml_parse_file(path, strlen(doc) - 1, &rec_handler, &r), AVS_ETOOBIG);
    avs_buf_free(&r.b);
    r.b = (struct avs_buf)AVS_BUF_INIT;
    cr_assert_eq(avs_os_xml_parse_file(path, strlen(doc), &rec_handler, &r), 0);
    avs_buf_free(&r.b);
}

/* core/xmlinput itself: what a reader gets, read by read, from memory. */
struct mem {
    const char *p;
    size_t len, pos;
};

static int mem_read(void *file, void *buf, size_t len, size_t *got)
{
    struct mem *m = file;
    *got = m->len - m->pos < len ? m->len - m->pos : len;
    memcpy(buf, m->p + m->pos, *got);
    m->pos += *got;
    return 0;
}

Test(xmlstream, each_read_ends_after_an_ascii_byte)
{
    /* Wine's XmlLite garbles a character whose last byte ends a Read. */
    const char *doc = "<a>\xc3\xa9\xc3\xa9\xe2\x82\xac x \xf0\x9f\x98\x80\xf0\x9f\x98\x80 y</a>";
    for (size_t step = 5; step < 12; step++) {
        struct mem m = {doc, strlen(doc), 0};
        struct avs_xmlin *x = malloc(sizeof *x);
        char buf[16], all[256];
        size_t got, total = 0;
        cr_assert(x);
        avs_xmlin_init(x, 0, mem_read, &m);
        do {
            cr_assert_eq(avs_xmlin_read(x, buf, step, &got), 0);
            cr_assert(got > 0 || total > 0);
            /* A read without any ASCII byte cannot end after one; it ends after a whole
             * character (the next byte is no continuation byte). */
            int ascii = 0;
            for (size_t i = 0; i < got; i++)
                ascii |= (unsigned char)buf[i] < 0x80;
            if (got)
                cr_assert((unsigned char)buf[got - 1] < 0x80 ||
                              (!ascii && (x->out[x->out_pos] & 0xc0) != 0x80),
                          "step %zu: a read ends with byte 0x%02x", step,
                          (unsigned char)buf[got - 1]);
            memcpy(all + total, buf, got);
            total += got;
        } while (got);
        all[total] = '\0';
        cr_assert_str_eq(all, "<avswap-export><a>\xc3\xa9\xc3\xa9\xe2\x82\xac x "
                              "\xf0\x9f\x98\x80\xf0\x9f\x98\x80 y</a></avswap-export>");
        free(x);
    }
}

/* Reads of every length around a chunk's end that falls among non-ASCII characters: each read
 * still ends after an ASCII byte (the chunk's non-ASCII end waits for the next chunk), and
 * nothing is lost or doubled. */
Test(xmlstream, reads_across_a_chunk_end_end_after_ascii)
{
    for (size_t chunks = 1; chunks <= 2; chunks++) { /* the first chunk's end, then a later one */
        size_t at = chunks * AVS_XMLIN_CHUNK, pad = at - 3 - 4;
        char *doc = malloc(at + 64), *all = malloc(at + 128), *want = malloc(at + 128);
        struct avs_xmlin *x = malloc(sizeof *x);
        cr_assert(doc && all && want && x);
        strcpy(doc, "<a>");
        memset(doc + 3, 'x', pad);
        strcpy(doc + 3 + pad, "\xc3\xa9\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 y</a>"); /* é é | € */
        snprintf(want, at + 128, "<avswap-export>%s</avswap-export>", doc);
        for (size_t first = 15 + at - 8; first < 15 + at + 12; first++) {
            struct mem m = {doc, strlen(doc), 0};
            size_t got, total = 0, len = first;
            avs_xmlin_init(x, 0, mem_read, &m);
            do {
                cr_assert_eq(avs_xmlin_read(x, all + total, len, &got), 0);
                if (got)
                    cr_assert((unsigned char)all[total + got - 1] < 0x80,
                              "%zu chunks, first read %zu: a read ends with byte 0x%02x", chunks,
                              first, (unsigned char)all[total + got - 1]);
                total += got;
                len = total < 15 + at - 8 ? first - total : 4096; /* XmlLite asks for ~8 KB */
            } while (got);
            all[total] = '\0';
            cr_assert_str_eq(all, want, "first read %zu", first);
        }
        free(doc), free(all), free(want), free(x);
    }
}

/* A binary file (a gzip export given as events) is refused at once: Wine's XmlLite would read
 * it forever. */
Test(xmlstream, binary_file_is_refused)
{
    static const unsigned char gz[] = {0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                       0x03, 0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0xe7, 0x02, 0x00};
    expect_error(gz, sizeof gz, 1, 1, "not XML text");
    cleanup();
    const char *late = EV1 "\n<Event>\x01</Event>";
    expect_error(late, strlen(late), 2, 8, "not XML text");
}
