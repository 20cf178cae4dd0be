/* avs_os_xml_stream, avs_os_xml_parse_file: an XML file (an Event Log export, an evidence file)
 * read with XmlLite, the system's XML reader, node by node into a consumer in core
 * (core/evxml.c), which knows what an event is.
 *
 * `wevtutil qe LOG /f:xml` writes events back to back with no root element, which is not a
 * document; XmlLite has a fragment mode on Windows but Wine's has none, so the reader reads the
 * file through win32/xmlsource.c, which adds a root element of ours (never reported), turns
 * UTF-16 into UTF-8 and reads in chunks: memory does not grow with the file. A file with a root
 * element of its own reads the same way (one element inside ours). xmllite.dll is loaded from
 * System32 only. */
#include "os.h"

#define COBJMACROS     /* the IXmlReader_* macros */
#include "xmlsource.h" /* <windows.h> first */

#include <objbase.h>
#include <stdlib.h>
#include <string.h>
#include <xmllite.h>

#define MAX_ATTRS 32

/* UTF-8 text of the node being reported, reused from node to node (no allocation per node). */
struct utf8 {
    char *p;
    size_t len, cap;
};

/* Appends the LEN UTF-16 units of W, and a terminator, to B; *AT receives where it starts. */
static int append(struct utf8 *b, size_t *at, const wchar_t *w, UINT len)
{
    if (len > INT_MAX / 4)
        return AVS_ETOOBIG;
    size_t need = b->len + (size_t)len * 3 + 1;
    if (need > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < need)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p)
            return AVS_ENOMEM;
        b->p = p;
        b->cap = cap;
    }
    /* Names and most values of an export are ASCII: copied unit by unit, which costs a
     * fraction of a WideCharToMultiByte call (millions of them in a fleet's export). */
    UINT i = 0;
    char *o = b->p + b->len;
    while (i < len && w[i] < 0x80) {
        o[i] = (char)w[i];
        i++;
    }
    int n = i == len ? (int)len
                     : WideCharToMultiByte(CP_UTF8, 0, w, (int)len, o, (int)(b->cap - b->len - 1),
                                           NULL, NULL);
    if (len && n <= 0)
        return AVS_EFORMAT;
    *at = b->len;
    b->p[b->len + (size_t)n] = '\0';
    b->len += (size_t)n + 1;
    return 0;
}

static int local_name(struct utf8 *b, size_t *at, IXmlReader *r)
{
    const wchar_t *w = NULL;
    UINT n = 0;
    if (FAILED(IXmlReader_GetLocalName(r, &w, &n)))
        return AVS_EFORMAT;
    return append(b, at, w, n);
}

static int value(struct utf8 *b, size_t *at, IXmlReader *r)
{
    const wchar_t *w = NULL;
    UINT n = 0;
    if (FAILED(IXmlReader_GetValue(r, &w, &n)))
        return AVS_EFORMAT;
    return append(b, at, w, n);
}

static int element(IXmlReader *r, struct utf8 *b, const struct avs_xml_handler *h, void *ctx)
{
    size_t name = 0, at[2 * MAX_ATTRS];
    const char *attrs[2 * MAX_ATTRS];
    size_t na = 0;
    b->len = 0;
    int rc = local_name(b, &name, r);
    BOOL empty = IXmlReader_IsEmptyElement(r);
    int wanted = !rc && (!h->wants || h->wants(ctx, b->p + name));
    HRESULT hr = !wanted ? S_FALSE : IXmlReader_MoveToFirstAttribute(r);
    while (hr == S_OK && !rc) {
        if (!IXmlReader_IsDefault(r) && na < MAX_ATTRS) {
            rc = local_name(b, &at[2 * na], r);
            if (!rc)
                rc = value(b, &at[2 * na + 1], r);
            na++;
        }
        if (!rc)
            hr = IXmlReader_MoveToNextAttribute(r);
    }
    if (!rc && FAILED(hr))
        rc = AVS_EFORMAT;
    if (wanted)
        IXmlReader_MoveToElement(r);
    if (rc)
        return rc;
    /* The buffer may have moved while it grew: pointers only now. */
    for (size_t i = 0; i < 2 * na; i++)
        attrs[i] = b->p + at[i];
    rc = h->start(ctx, b->p + name, attrs, na);
    if (!rc && empty)
        rc = h->end(ctx, b->p + name);
    return rc;
}

static int all_space(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return 0;
    return 1;
}

/* Reports the nodes inside our root element. White space between the file's top-level
 * elements is not reported (nor is it in a document outside its root element); other text
 * there is not XML. *HR receives the reader's last result. */
static int read_all(HRESULT *hr, IXmlReader *r, struct avs_xml_source *src,
                    const struct avs_xml_handler *h, void *ctx)
{
    struct utf8 b = {NULL, 0, 0};
    XmlNodeType t;
    unsigned long open = 0; /* elements open, ours included (Wine's end-element depth is off) */
    int rc = 0;
    /* After a failed read of the stream, Wine's reader may go on with nodes of its own making
     * (it reports our root element again and again): the source's failure ends the reading. */
    while (!rc && (*hr = IXmlReader_Read(r, &t)) == S_OK && !avs_xml_source_failed(src)) {
        size_t at = 0;
        if (t == XmlNodeType_Element) {
            int empty = IXmlReader_IsEmptyElement(r);
            if (open++ > 0)
                rc = element(r, &b, h, ctx);
            open -= empty;
        } else if (t == XmlNodeType_EndElement) {
            b.len = 0;
            if (--open > 0 && (rc = local_name(&b, &at, r)) == 0)
                rc = h->end(ctx, b.p + at);
        } else if ((t == XmlNodeType_Text || t == XmlNodeType_CDATA ||
                    t == XmlNodeType_Whitespace) &&
                   open > 1 && h->wants && !h->wants(ctx, NULL)) {
            continue; /* inside the file's elements, and of no use to the consumer */
        } else if (t == XmlNodeType_Text || t == XmlNodeType_CDATA || t == XmlNodeType_Whitespace) {
            const wchar_t *w = NULL;
            UINT n = 0;
            b.len = 0;
            if (FAILED(IXmlReader_GetValue(r, &w, &n)))
                rc = AVS_EFORMAT;
            else if ((rc = append(&b, &at, w, n)) != 0)
                break;
            else if (open > 1)
                rc = h->text(ctx, b.p + at, b.len - 1);
            else if (!all_space(b.p + at, b.len - 1))
                *hr = (HRESULT)WC_E_ROOTELEMENT; /* text outside any element of the file */
            if (*hr == (HRESULT)WC_E_ROOTELEMENT)
                break;
        }
    }
    free(b.p);
    return rc;
}

static int stream_file(struct avs_xml_input *info, const char *path, uint64_t max,
                       const struct avs_xml_handler *h, void *ctx)
{
    struct avs_xml_source *src = NULL;
    IXmlReader *reader = NULL;
    HRESULT hr = E_FAIL;
    if (info)
        memset(info, 0, sizeof *info);
    int rc = avs_xml_reader_new(&reader);
    if (rc)
        return rc;
    if ((rc = avs_xml_source_open(&src, path, max)) != 0)
        goto done;
    hr = IXmlReader_SetInput(reader, (IUnknown *)avs_xml_source_stream(src));
    if (SUCCEEDED(hr))
        rc = read_all(&hr, reader, src, h, ctx);
    if (rc) /* a callback's: the file was not read to its end, no hash */
        goto done;
    UINT line = 0, column = 0;
    IXmlReader_GetLineNumber(reader, &line);
    IXmlReader_GetLinePosition(reader, &column);
    rc = avs_xml_source_finish(info, src, hr, line, column);
done:
    if (reader)
        IXmlReader_Release(reader);
    avs_xml_source_release(src);
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
