/* core/xmlinput — an XML file as the system's XML reader gets it (core/xmlinput.h). */
#include "xmlinput.h"

#include <stdio.h>
#include <string.h>

#define WRAP_OPEN "<" AVS_XMLIN_WRAP ">"
#define WRAP_CLOSE "</" AVS_XMLIN_WRAP ">"
#define WRAP_OPEN_LEN (sizeof WRAP_OPEN - 1)

enum { ST_OPEN, ST_FIRST, ST_BODY, ST_CLOSE, ST_DONE };
enum { ENC_UTF8, ENC_UTF16 };

static int fail(struct avs_xmlin *s, int err, const char *what)
{
    s->err = err;
    snprintf(s->what, sizeof s->what, "%s", what);
    return err;
}

/* Counts the lines and columns of P (LEN bytes of UTF-8 handed on): a character outside the
 * Basic Multilingual Plane is two UTF-16 units for XmlLite. */
static void track(struct avs_xmlin *s, const char *p, size_t len)
{
    size_t tail = 0;
    for (size_t i = len; i > 0; i--) {
        if (p[i - 1] == '\n') {
            tail = i;
            break;
        }
    }
    if (tail) {
        for (const char *q = p; (q = memchr(q, '\n', (size_t)(p + tail - q))) != NULL; q++)
            s->line++;
        s->col = 0;
    }
    for (size_t i = tail; i < len; i++) {
        unsigned char b = (unsigned char)p[i];
        s->col += (b & 0xc0) != 0x80;
        s->col += b >= 0xf0;
    }
}

/* How many bytes at the end of P (LEN bytes of UTF-8) are a character cut short: 0 to 3. */
static size_t cut_tail(const char *p, size_t len)
{
    for (size_t k = 1; k <= 3 && k <= len; k++) {
        unsigned char b = (unsigned char)p[len - k];
        if ((b & 0xc0) == 0x80)
            continue;
        size_t need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
        return need > k ? k : 0;
    }
    return 0;
}

/* Non-ASCII bytes at the end of the LEN bytes at P (LEN when there is no ASCII). */
static size_t non_ascii_tail(const char *p, size_t len)
{
    size_t k = 0;
    while (k < len && (unsigned char)p[len - 1 - k] >= 0x80)
        k++;
    return k;
}

/* out ends after an ASCII byte (avs_xmlin_read says why): the non-ASCII bytes at its end wait
 * in carry for the next chunk; a longer run than carry holds, only a cut character. */
static void hold_tail(struct avs_xmlin *s)
{
    size_t k = non_ascii_tail(s->out, s->out_len);
    if (k == s->out_len || k > sizeof s->carry)
        k = cut_tail(s->out, s->out_len);
    s->out_len -= k;
    memcpy(s->carry, s->out + s->out_len, k);
    s->carry_len = k;
}

static int read_chunk(struct avs_xmlin *s, void *dst, size_t want, size_t *got)
{
    size_t n = 0;
    *got = 0;
    int rc = s->read(s->file, dst, want, &n);
    if (rc)
        return fail(s, rc, "the file could not be read");
    if (s->max && s->bytes + n > s->max)
        return fail(s, AVS_ETOOBIG, "the file is larger than allowed");
    avs_sha256_update(&s->sha, dst, n);
    s->bytes += n;
    *got = n;
    return 0;
}

static char *put_utf8(char *o, unsigned c)
{
    if (c < 0x80) {
        *o++ = (char)c;
    } else if (c < 0x800) {
        *o++ = (char)(0xc0 | c >> 6);
        *o++ = (char)(0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
        *o++ = (char)(0xe0 | c >> 12);
        *o++ = (char)(0x80 | (c >> 6 & 0x3f));
        *o++ = (char)(0x80 | (c & 0x3f));
    } else {
        *o++ = (char)(0xf0 | c >> 18);
        *o++ = (char)(0x80 | (c >> 12 & 0x3f));
        *o++ = (char)(0x80 | (c >> 6 & 0x3f));
        *o++ = (char)(0x80 | (c & 0x3f));
    }
    return o;
}

/* The whole UTF-16LE characters of raw[FROM..] to UTF-8 at the end of out. An odd byte, or a
 * high surrogate whose low half is in the next chunk, waits in raw for it unless AT_EOF. */
static int utf16_convert(struct avs_xmlin *s, size_t from, int at_eof)
{
    const unsigned char *r = s->raw;
    size_t i = from, n = s->raw_len;
    char *o = s->out + s->out_len;
    const char *bad = NULL;
    while (i + 1 < n && !bad) {
        unsigned c = r[i] | (unsigned)r[i + 1] << 8;
        if (c >= 0xdc00 && c <= 0xdfff) {
            bad = "invalid UTF-16 (a low surrogate without its high half)";
        } else if (c >= 0xd800 && c <= 0xdbff) {
            if (i + 3 >= n) {
                if (at_eof)
                    bad = "unexpected end of file (inside a UTF-16 surrogate pair)";
                break;
            }
            unsigned d = r[i + 2] | (unsigned)r[i + 3] << 8;
            if (d < 0xdc00 || d > 0xdfff) {
                bad = "invalid UTF-16 (a high surrogate without its low half)";
            } else {
                o = put_utf8(o, 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00));
                i += 4;
            }
        } else {
            o = put_utf8(o, c);
            i += 2;
        }
    }
    if (!bad && at_eof && i < n)
        bad = "unexpected end of file (half a UTF-16 character)";
    s->out_len = (size_t)(o - s->out);
    memmove(s->raw, r + i, n - i);
    s->raw_len = n - i;
    if (!bad)
        return 0;
    track(s, s->out, s->out_len); /* the error is where the good characters end */
    return fail(s, AVS_EFORMAT, bad);
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* An XML declaration at the start of out becomes spaces (line breaks kept): it may only come
 * first in a document, and the document now starts with our root element. */
static int blank_declaration(struct avs_xmlin *s)
{
    char *p = s->out, *end = s->out + s->out_len;
    while (p < end && is_space(*p))
        p++;
    if (end - p < 6 || memcmp(p, "<?xml", 5) != 0 || !is_space(p[5]))
        return 0;
    for (char *q = p; q + 1 < end; q++) {
        if ((unsigned char)*q >= 0x80)
            return fail(s, AVS_EFORMAT, "invalid XML declaration");
        if (q[0] == '?' && q[1] == '>') {
            for (char *b = p; b <= q + 1; b++)
                if (*b != '\r' && *b != '\n')
                    *b = ' ';
            return 0;
        }
    }
    return fail(s, AVS_EFORMAT, "XML declaration not closed");
}

/* The first chunk: which encoding, without its BOM, and the declaration blanked. */
static int first_chunk(struct avs_xmlin *s)
{
    size_t got = 0, skip = 0;
    int rc = read_chunk(s, s->raw, AVS_XMLIN_CHUNK, &got);
    if (rc)
        return rc;
    const unsigned char *u = s->raw;
    s->enc = ENC_UTF8;
    if (got >= 2 && u[0] == 0xfe && u[1] == 0xff)
        return fail(s, AVS_EFORMAT, "big-endian UTF-16 is not read (UTF-8 or UTF-16LE only)");
    if (got >= 2 && u[0] == 0xff && u[1] == 0xfe) {
        s->enc = ENC_UTF16;
        skip = 2;
    } else if (got >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf) {
        skip = 3;
    } else if (got >= 2 && u[0] != 0 && u[1] == 0) {
        s->enc = ENC_UTF16; /* no BOM: what starts with an ASCII character and a zero byte */
    }
    if (s->enc == ENC_UTF16) {
        s->raw_len = got;
        rc = utf16_convert(s, skip, got == 0);
    } else {
        memcpy(s->out, s->raw + skip, got - skip);
        s->out_len = got - skip;
    }
    if (!rc)
        rc = blank_declaration(s);
    if (!rc) {
        hold_tail(s);
        track(s, s->out, s->out_len);
    }
    if (!rc && got == 0)
        s->stage = ST_CLOSE;
    return rc;
}

static int next_chunk(struct avs_xmlin *s)
{
    size_t got = 0;
    int rc;
    memcpy(s->out, s->carry, s->carry_len);
    s->out_len = s->carry_len;
    s->carry_len = 0;
    if (s->enc == ENC_UTF8) {
        rc = read_chunk(s, s->out + s->out_len, AVS_XMLIN_CHUNK, &got);
        s->out_len += got;
    } else {
        rc = read_chunk(s, s->raw + s->raw_len, AVS_XMLIN_CHUNK, &got);
        s->raw_len += got;
        if (!rc)
            rc = utf16_convert(s, 0, got == 0);
    }
    if (rc)
        return rc;
    if (got)
        hold_tail(s); /* at the end, a cut character goes to the reader, which says so */
    else
        s->stage = ST_CLOSE;
    track(s, s->out, s->out_len);
    return 0;
}

/* Refills out with what comes next. */
static int refill(struct avs_xmlin *s)
{
    s->out_len = s->out_pos = 0;
    switch (s->stage) {
    case ST_OPEN:
        memcpy(s->out, WRAP_OPEN, WRAP_OPEN_LEN);
        s->out_len = WRAP_OPEN_LEN;
        s->stage = ST_FIRST;
        return 0;
    case ST_FIRST: s->stage = ST_BODY; return first_chunk(s);
    case ST_BODY: return next_chunk(s);
    case ST_CLOSE:
        memcpy(s->out, WRAP_CLOSE, sizeof WRAP_CLOSE - 1);
        s->out_len = sizeof WRAP_CLOSE - 1;
        s->stage = ST_DONE;
        return 0;
    case ST_DONE: return 0;
    }
    return 0;
}

int avs_xmlin_read(struct avs_xmlin *s, char *buf, size_t len, size_t *got)
{
    size_t done = 0;
    while (done < len && !s->err) {
        size_t avail = s->out_len - s->out_pos, n = len - done;
        if (avail == 0) {
            if (s->stage == ST_DONE || refill(s) != 0)
                break;
            continue;
        }
        int last = n < avail;
        /* A read ends after an ASCII byte: Wine's XmlLite (8.0) takes a read's last byte for
         * the start of a character cut in two whenever it is not ASCII, and garbles the
         * character it ends (seen on a 4 MB export: "é" read as U+FFFD). out ends after one
         * (hold_tail); a read that ends inside it ends after its last ASCII byte, or before it
         * when there is none (or, nothing read yet, after its last whole character). */
        if (last) {
            size_t k = non_ascii_tail(s->out + s->out_pos, n);
            if (k == n && done > 0)
                break;
            if (k == n)
                k = cut_tail(s->out + s->out_pos, n);
            if (k < n)
                n -= k;
        } else {
            n = avail;
        }
        memcpy(buf + done, s->out + s->out_pos, n);
        s->out_pos += n;
        done += n;
        if (last)
            break;
    }
    *got = done;
    return done == 0 ? s->err : 0;
}

void avs_xmlin_init(struct avs_xmlin *s, uint64_t max, avs_xmlin_read_fn read, void *file)
{
    memset(s, 0, sizeof *s);
    s->read = read;
    s->file = file;
    s->max = max;
    s->line = 1;
    s->col = WRAP_OPEN_LEN;
    avs_sha256_init(&s->sha);
}

int avs_xmlin_failed(const struct avs_xmlin *s)
{
    return s->err != 0;
}

int avs_xmlin_finish(struct avs_xml_input *info, struct avs_xmlin *s, int reader_failed,
                     unsigned long line, unsigned long column, const char *why)
{
    struct avs_xml_input dummy;
    if (!info)
        info = &dummy;
    memset(info, 0, sizeof *info);
    int rc = s->err;
    unsigned long at_line = s->line, at_col = s->col + 1; /* the end of what was handed on */
    const char *what = s->what;
    if (!rc && reader_failed) {
        rc = AVS_EFORMAT;
        /* Past the file's last character is in our closing tag: the file ended too soon.
         * LINE 0: the reader cannot say where (the error is WHY, at the end of what it read). */
        if (line == 0) {
            what = why;
        } else if (line < at_line || (line == at_line && column < at_col)) {
            at_line = line;
            at_col = column;
            what = why;
        } else {
            what = "unexpected end of file";
        }
    }
    info->bytes = s->bytes;
    if (rc == AVS_EFORMAT) {
        info->line = at_line;
        info->column = at_line == 1 && at_col > WRAP_OPEN_LEN ? at_col - WRAP_OPEN_LEN : at_col;
        snprintf(info->what, sizeof info->what, "%s", what);
    } else if (!rc) {
        avs_sha256_final(&s->sha, info->sha256);
    }
    return rc;
}
