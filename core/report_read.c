/* The inputs of `avswap report`: Event Log exports, streamed; `avswap evidence export` files;
 * the --expected list. Each input is named in the report with its SHA-256. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "gzip.h"
#include "report_int.h"
#include "utf8.h"

/* The largest evidence export and --expected file read whole (a journal is at most
 * AVS_JOURNAL_MAX_BYTES uncompressed). */
#define GZ_MAX (AVS_JOURNAL_MAX_BYTES + 0u)
#define EXPECTED_MAX (16u * 1024u * 1024u)
#define EXPECTED_LINE_MAX 255

int avs_report_input_begin(avs_report_builder *b, const char *path, int journal)
{
    struct avs_report_input *g = realloc(b->inputs, (b->n_inputs + 1) * sizeof *g);
    if (!g)
        return AVS_ENOMEM;
    b->inputs = g;
    b->cur = &g[b->n_inputs];
    memset(b->cur, 0, sizeof *b->cur);
    if (!(b->cur->path = avs_strdup(path)))
        return AVS_ENOMEM;
    b->cur->journal = journal;
    b->n_inputs++;
    return 0;
}

static void error_set(struct avs_report_error *err, int rc, const char *what)
{
    memset(err, 0, sizeof *err);
    err->rc = rc;
    snprintf(err->what, sizeof err->what, "%s", what ? what : avs_strerror(rc));
}

static int on_event(void *ctx, const struct avs_evxml_event *e)
{
    return avs_report_add_event(ctx, e);
}

/* An `avswap evidence export`: the journal gzip-compressed. */
static int read_journal(avs_report_builder *b, struct avs_report_error *err, const char *path)
{
    char *raw = NULL;
    unsigned char *data = NULL;
    size_t raw_len = 0, len = 0, n = 0;
    struct avs_journal_rec *recs = NULL;
    struct avs_journal_check chk;
    int rc = avs_os_file_read_all(&raw, &raw_len, path, GZ_MAX);
    if (rc) {
        error_set(err, rc,
                  rc == AVS_ETOOBIG ? "a gzip file larger than any avswap evidence export" : NULL);
        return rc;
    }
    if ((rc = avs_gunzip(&data, &len, raw, raw_len, AVS_JOURNAL_MAX_BYTES)) != 0) {
        error_set(err, rc,
                  rc == AVS_EFORMAT ? "a gzip file that is damaged or cut short (not a complete "
                                      "avswap evidence export)"
                                    : NULL);
        goto done;
    }
    if ((rc = avs_journal_verify(&chk, &recs, &n, (const char *)data, len)) != 0) {
        error_set(err, rc, NULL);
        goto done;
    }
    if (n == 0 && chk.status != AVS_JOURNAL_INTACT) {
        /* Not one record verified: this is no AvSwap journal at all. */
        rc = AVS_EFORMAT;
        error_set(err, rc, NULL);
        err->line = chk.bad_line;
        snprintf(err->what, sizeof err->what, "not an AvSwap journal: line %zu: %s", chk.bad_line,
                 chk.why);
        goto done;
    }
    if ((rc = avs_report_input_begin(b, path, 1)) != 0)
        goto done;
    b->cur->bytes = raw_len;
    avs_sha256_hex_of(b->cur->sha256, raw, raw_len);
    if ((rc = avs_report_add_journal(b, recs, n, &chk)) != 0)
        error_set(err, rc, NULL);
done:
    avs_journal_recs_free(recs, n);
    free(data);
    free(raw);
    return rc;
}

int avs_report_read_file(avs_report_builder *b, struct avs_report_error *err, const char *path)
{
    struct avs_xml_input info;
    struct avs_evxml p;
    memset(err, 0, sizeof *err);
    memset(&info, 0, sizeof info);
    /* A gzip file is never handed to the XML reader: binary bytes are not its input. (A head
     * that cannot be read is the stream's to report, which names the file's problem.) */
    unsigned char head[2];
    size_t got = 0;
    if (avs_os_file_read_head(head, sizeof head, &got, path) == 0 && got == 2 && head[0] == 0x1f &&
        head[1] == 0x8b)
        return read_journal(b, err, path);
    int rc = avs_report_input_begin(b, path, 0);
    if (rc) {
        error_set(err, rc, NULL);
        return rc;
    }
    struct avs_report_input *in = b->cur;
    size_t at = b->n_inputs - 1;
    avs_evxml_init_stream(&p, on_event, b);
    rc = avs_os_xml_stream(&info, path, &avs_evxml_handler, &p);
    avs_evxml_free(&p);
    in = &b->inputs[at]; /* (the array does not move while one file is read) */
    if (rc == 0) {
        in->bytes = info.bytes;
        avs_sha256_hex(in->sha256, info.sha256);
        b->cur = NULL;
        return 0;
    }
    b->cur = NULL;
    error_set(err, rc, rc == AVS_EFORMAT && info.what[0] ? info.what : NULL);
    if (rc == AVS_EFORMAT) {
        err->line = info.line;
        err->column = info.column;
    }
    return rc;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

int avs_report_expect_file(avs_report_builder *b, struct avs_report_error *err, const char *path)
{
    char *data = NULL;
    size_t len = 0;
    memset(err, 0, sizeof *err);
    int rc = avs_os_file_read_all(&data, &len, path, EXPECTED_MAX);
    if (rc) {
        error_set(err, rc, NULL);
        return rc;
    }
    if (len >= 2 && memcmp(data, "\xFF\xFE", 2) == 0) {
        /* UTF-16LE with its BOM: what `Get-ADComputer ... > machines.txt` writes in Windows
         * PowerShell. Decoded whole (a NUL code unit inside would end it: refused below). */
        char *u = NULL;
        unsigned flags = 0;
        if ((rc = avs_utf16le_decode(&u, &flags, (const unsigned char *)data + 2, len - 2,
                                     EXPECTED_MAX)) != 0) {
            error_set(err, rc, NULL);
            goto done;
        }
        if (!(flags & AVS_UTF16_NO_TERMINATOR) || (flags & ~AVS_UTF16_NO_TERMINATOR)) {
            free(u);
            rc = AVS_EFORMAT;
            error_set(err, rc, "not a text file of machine names: its UTF-16 is not valid");
            goto done;
        }
        free(data);
        data = u;
        len = strlen(u);
    }
    char *s = data;
    if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        s += 3;
    if (memchr(data, '\0', len)) {
        rc = AVS_EFORMAT;
        error_set(err, rc,
                  "not a text file of machine names (UTF-8, one a line): it holds NUL "
                  "bytes (UTF-16 without its byte order mark? save it as UTF-8)");
        goto done;
    }
    for (unsigned long line = 1; s && *s; line++) {
        char *nl = strchr(s, '\n');
        if (nl)
            *nl = '\0';
        char *name = trim(s);
        if (strlen(name) > EXPECTED_LINE_MAX) {
            rc = AVS_EFORMAT;
            error_set(err, rc, "a machine name longer than 255 bytes");
            err->line = line;
            goto done;
        }
        if (*name && *name != '#' && *name != '.' && (rc = avs_report_expect(b, name)) != 0) {
            error_set(err, rc, NULL);
            goto done;
        }
        s = nl ? nl + 1 : NULL;
    }
done:
    free(data);
    return rc;
}
