/* tests/fakes: avs_os_xml_stream and avs_os_xml_parse_file for the host unit tests, a real
 * reader: libxml2's xmlTextReader over core/xmlinput.h (the same chunked, UTF-8, root-wrapped
 * input XmlLite gets on Windows), reading real files, so core's consumers (core/evxml.c,
 * core/report) are tested on real exports. Same contract as win32/xmlread.c; DTDs are refused
 * (XmlLite's DtdProcessing_Prohibit), no network, nesting bounded. */
#include "os.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlreader.h>

#include "buf.h" /* avs_strdup */
#include "xmlinput.h"

#define MAX_ATTRS 32
#define MAX_DEPTH 64

struct fake_xml {
    FILE *f;
    struct avs_xmlin in;
    int err_line, err_col; /* libxml2's first error */
    char why[128];
};

static int read_file(void *file, void *buf, size_t len, size_t *got)
{
    *got = fread(buf, 1, len, file);
    return ferror((FILE *)file) ? AVS_EIO : 0;
}

static int io_read(void *ctx, char *buf, int len)
{
    struct fake_xml *x = ctx;
    size_t got = 0;
    if (len <= 0)
        return 0;
    return avs_xmlin_read(&x->in, buf, (size_t)len, &got) ? -1 : (int)got;
}

static int io_close(void *ctx)
{
    (void)ctx;
    return 0;
}

static void on_error(void *ctx, xmlErrorPtr e)
{
    struct fake_xml *x = ctx;
    if (x->why[0] || !e)
        return;
    x->err_line = e->line;
    x->err_col = e->int2;
    snprintf(x->why, sizeof x->why, "%s", e->message ? e->message : "not well-formed XML");
    x->why[strcspn(x->why, "\n")] = '\0';
}

static int all_space(const char *s)
{
    return s[strspn(s, " \t\r\n")] == '\0';
}

static int element(xmlTextReaderPtr r, const struct avs_xml_handler *h, void *ctx)
{
    const char *attrs[2 * MAX_ATTRS];
    size_t na = 0;
    const char *name = (const char *)xmlTextReaderConstLocalName(r);
    int empty = xmlTextReaderIsEmptyElement(r);
    /* Copies: libxml2's strings for one attribute may not outlive the move to the next. */
    char *copies[2 * MAX_ATTRS];
    int rc = 0;
    /* The consumer's wants honoured as the Windows reader does, so the host tests read what
     * it reads. */
    int wanted = !h->wants || h->wants(ctx, name ? name : "");
    while (wanted && na < MAX_ATTRS && xmlTextReaderMoveToNextAttribute(r) == 1) {
        const char *an = (const char *)xmlTextReaderConstLocalName(r);
        const char *av = (const char *)xmlTextReaderConstValue(r);
        copies[2 * na] = avs_strdup(an ? an : "");
        copies[2 * na + 1] = avs_strdup(av ? av : "");
        attrs[2 * na] = copies[2 * na];
        attrs[2 * na + 1] = copies[2 * na + 1];
        if (!copies[2 * na] || !copies[2 * na + 1])
            rc = AVS_ENOMEM;
        na++;
    }
    xmlTextReaderMoveToElement(r);
    char *n = avs_strdup(name ? name : "");
    if (!n)
        rc = AVS_ENOMEM;
    if (!rc)
        rc = h->start(ctx, n, attrs, na);
    if (!rc && empty)
        rc = h->end(ctx, n);
    free(n);
    for (size_t i = 0; i < 2 * na; i++)
        free(copies[i]);
    return rc;
}

/* 1 at the end, -1 on a reader error, or a callback's non-zero code as rc. */
static int read_all(int *rc, xmlTextReaderPtr r, struct fake_xml *x,
                    const struct avs_xml_handler *h, void *ctx)
{
    int ret;
    unsigned long open = 0; /* elements open, ours included */
    *rc = 0;
    while (!*rc && (ret = xmlTextReaderRead(r)) == 1 && !avs_xmlin_failed(&x->in)) {
        int t = xmlTextReaderNodeType(r);
        if (t == XML_READER_TYPE_DOCUMENT_TYPE) {
            snprintf(x->why, sizeof x->why, "DTD not allowed");
            return -1;
        }
        if (t == XML_READER_TYPE_ELEMENT) {
            if (xmlTextReaderDepth(r) > MAX_DEPTH) {
                snprintf(x->why, sizeof x->why, "elements nested too deep");
                return -1;
            }
            int empty = xmlTextReaderIsEmptyElement(r);
            if (open++ > 0)
                *rc = element(r, h, ctx);
            open -= (unsigned long)empty;
        } else if (t == XML_READER_TYPE_END_ELEMENT) {
            if (--open > 0)
                *rc = h->end(ctx, (const char *)xmlTextReaderConstLocalName(r));
        } else if (t == XML_READER_TYPE_TEXT || t == XML_READER_TYPE_CDATA ||
                   t == XML_READER_TYPE_WHITESPACE || t == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) {
            const char *v = (const char *)xmlTextReaderConstValue(r);
            if (!v)
                v = "";
            if (open > 1) {
                if (!h->wants || h->wants(ctx, NULL))
                    *rc = h->text(ctx, v, strlen(v));
            } else if (!all_space(v)) {
                /* libxml2's parser is ahead of the node by then: no position. */
                snprintf(x->why, sizeof x->why, "text outside any element");
                x->err_line = x->err_col = 0;
                return -1;
            }
        }
    }
    if (*rc)
        return 0;
    return avs_xmlin_failed(&x->in) ? -1 : ret;
}

static int stream_file(struct avs_xml_input *info, const char *path, uint64_t max,
                       const struct avs_xml_handler *h, void *ctx)
{
    if (info)
        memset(info, 0, sizeof *info);
    struct fake_xml *x = calloc(1, sizeof *x);
    if (!x)
        return AVS_ENOMEM;
    int rc = 0;
    xmlTextReaderPtr r = NULL;
    x->f = fopen(path, "rb");
    if (!x->f) {
        rc = errno == ENOENT ? AVS_ENOENT : errno == EACCES ? AVS_EACCES : AVS_EIO;
        goto done;
    }
    avs_xmlin_init(&x->in, max, read_file, x->f);
    r = xmlReaderForIO(io_read, io_close, x, NULL, "UTF-8", XML_PARSE_NONET);
    if (!r) {
        rc = AVS_ENOMEM;
        goto done;
    }
    xmlTextReaderSetStructuredErrorHandler(r, on_error, x);
    int ret = read_all(&rc, r, x, h, ctx);
    if (rc)
        goto done;
    if (ret == -1 && !x->why[0])
        snprintf(x->why, sizeof x->why, "not well-formed XML");
    rc = avs_xmlin_finish(info, &x->in, ret == -1, (unsigned long)x->err_line,
                          (unsigned long)x->err_col, x->why);
done:
    if (r)
        xmlFreeTextReader(r);
    if (x->f)
        fclose(x->f);
    free(x);
    return rc;
}

int avs_os_xml_stream(struct avs_xml_input *info, const char *path, const struct avs_xml_handler *h,
                      void *ctx)
{
    return stream_file(info, path, 0, h, ctx);
}

int avs_os_xml_parse_file(const char *path, size_t max, const struct avs_xml_handler *h, void *ctx)
{
    return stream_file(NULL, path, max, h, ctx);
}
