/* avs_os_xml_parse_file: an Event Log export read with XmlLite, the system's XML reader, node
 * by node into a consumer in core (core/evxml.c), which knows what an event is.
 *
 * `wevtutil qe LOG /f:xml` writes events back to back with no root element, which is not a
 * document; XmlLite has a fragment mode on Windows but Wine's has none, so the file is wrapped
 * in a root element of ours (after any BOM and XML declaration are taken off and UTF-16 is
 * turned into UTF-8) and read from memory. xmllite.dll and shlwapi.dll are loaded from
 * System32 only. */
#include "os.h"

#define COBJMACROS /* the IXmlReader_* macros */
#include "win32.h" /* <windows.h> first */

#include <objbase.h>
#include <stdlib.h>
#include <string.h>
#include <xmllite.h>

/* Debian's MinGW has the header but no import library and no IID symbol. */
static const GUID IID_XmlReader = {
    0x7279fc81, 0x709d, 0x4095, {0xb6, 0x3d, 0x69, 0xfe, 0x4b, 0x0d, 0x90, 0x30}};

typedef HRESULT(WINAPI *create_reader_fn)(REFIID riid, void **out, IMalloc *m);
typedef IStream *(WINAPI *mem_stream_fn)(const BYTE *data, UINT len);

#define WRAP_OPEN "<avswap-export>"
#define WRAP_CLOSE "</avswap-export>"
#define MAX_ATTRS 32

/* DATA (LEN bytes as read) as UTF-8 without BOM or XML declaration, wrapped in a root
 * element, malloc'd in *out. */
static int wrap(char **out, size_t *out_len, const char *data, size_t len)
{
    char *utf8 = NULL;
    const char *body = data;
    size_t blen = len;
    *out = NULL;
    const unsigned char *u = (const unsigned char *)data;
    if ((len >= 2 && u[0] == 0xff && u[1] == 0xfe) || (len >= 2 && u[0] == '<' && u[1] == 0)) {
        size_t skip = u[0] == 0xff ? 2 : 0;
        size_t wn = (len - skip) / 2;
        if (wn > INT_MAX)
            return AVS_ETOOBIG;
        const wchar_t *w = (const wchar_t *)(const void *)(data + skip);
        int n = wn ? WideCharToMultiByte(CP_UTF8, 0, w, (int)wn, NULL, 0, NULL, NULL) : 0;
        if (wn && n <= 0)
            return AVS_EFORMAT;
        utf8 = malloc((size_t)n + 1);
        if (!utf8)
            return AVS_ENOMEM;
        if (n)
            WideCharToMultiByte(CP_UTF8, 0, w, (int)wn, utf8, n, NULL, NULL);
        body = utf8;
        blen = (size_t)n;
    } else if (len >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf) {
        body += 3;
        blen -= 3;
    }
    while (blen && (*body == ' ' || *body == '\r' || *body == '\n' || *body == '\t')) {
        body++;
        blen--;
    }
    if (blen >= 5 && memcmp(body, "<?xml", 5) == 0) {
        const char *end = NULL;
        for (size_t i = 5; i + 1 < blen && !end; i++)
            if (body[i] == '?' && body[i + 1] == '>')
                end = body + i + 2;
        if (!end) {
            free(utf8);
            return AVS_EFORMAT;
        }
        blen -= (size_t)(end - body);
        body = end;
    }
    size_t total = sizeof WRAP_OPEN - 1 + blen + sizeof WRAP_CLOSE - 1;
    char *w = malloc(total + 1);
    if (!w) {
        free(utf8);
        return AVS_ENOMEM;
    }
    memcpy(w, WRAP_OPEN, sizeof WRAP_OPEN - 1);
    memcpy(w + sizeof WRAP_OPEN - 1, body, blen);
    memcpy(w + sizeof WRAP_OPEN - 1 + blen, WRAP_CLOSE, sizeof WRAP_CLOSE);
    free(utf8);
    *out = w;
    *out_len = total;
    return 0;
}

static int element(IXmlReader *r, const struct avs_xml_handler *h, void *ctx, int depth)
{
    const wchar_t *wname = NULL, *wv = NULL;
    char *name = NULL, *attrs[2 * MAX_ATTRS];
    size_t na = 0;
    int rc = 0;
    if (FAILED(IXmlReader_GetLocalName(r, &wname, NULL)) ||
        (rc = avs_wide_to_utf8(&name, wname)) != 0)
        return rc ? rc : AVS_EFORMAT;
    BOOL empty = IXmlReader_IsEmptyElement(r);
    HRESULT hr = IXmlReader_MoveToFirstAttribute(r);
    while (hr == S_OK && !rc) {
        if (IXmlReader_IsDefault(r) || na == MAX_ATTRS) {
            hr = IXmlReader_MoveToNextAttribute(r);
            continue;
        }
        if (FAILED(IXmlReader_GetLocalName(r, &wv, NULL)) ||
            (rc = avs_wide_to_utf8(&attrs[2 * na], wv)) != 0) {
            rc = rc ? rc : AVS_EFORMAT;
            break;
        }
        if (FAILED(IXmlReader_GetValue(r, &wv, NULL)) ||
            (rc = avs_wide_to_utf8(&attrs[2 * na + 1], wv)) != 0) {
            free(attrs[2 * na]);
            rc = rc ? rc : AVS_EFORMAT;
            break;
        }
        na++;
        hr = IXmlReader_MoveToNextAttribute(r);
    }
    if (!rc && FAILED(hr))
        rc = AVS_EFORMAT;
    IXmlReader_MoveToElement(r);
    /* Our wrapper is not part of the file: it is neither reported nor counted. */
    if (!rc && depth > 0)
        rc = h->start(ctx, name, (const char *const *)attrs, na);
    if (!rc && empty && depth > 0)
        rc = h->end(ctx, name);
    for (size_t i = 0; i < 2 * na; i++)
        free(attrs[i]);
    free(name);
    return rc;
}

static int read_all(IXmlReader *r, const struct avs_xml_handler *h, void *ctx)
{
    XmlNodeType t;
    HRESULT hr;
    int rc = 0;
    while (!rc && (hr = IXmlReader_Read(r, &t)) == S_OK) {
        UINT depth = 0;
        IXmlReader_GetDepth(r, &depth);
        if (t == XmlNodeType_Element) {
            rc = element(r, h, ctx, (int)depth);
        } else if (t == XmlNodeType_EndElement && depth > 0) {
            const wchar_t *wname = NULL;
            char *name = NULL;
            if (FAILED(IXmlReader_GetLocalName(r, &wname, NULL)))
                return AVS_EFORMAT;
            if ((rc = avs_wide_to_utf8(&name, wname)) == 0)
                rc = h->end(ctx, name);
            free(name);
        } else if (t == XmlNodeType_Text || t == XmlNodeType_CDATA || t == XmlNodeType_Whitespace) {
            const wchar_t *wv = NULL;
            UINT n = 0;
            char *text = NULL;
            if (FAILED(IXmlReader_GetValue(r, &wv, &n)))
                return AVS_EFORMAT;
            if ((rc = avs_wide_to_utf8_n(&text, wv, n)) == 0)
                rc = h->text(ctx, text, strlen(text));
            free(text);
        }
    }
    if (!rc && FAILED(hr))
        rc = AVS_EFORMAT;
    return rc;
}

int avs_os_xml_parse_file(const char *path, size_t max, const struct avs_xml_handler *h, void *ctx)
{
    char *data = NULL, *doc = NULL;
    size_t len = 0, dlen = 0;
    IStream *stream = NULL;
    IXmlReader *reader = NULL;
    int rc = avs_os_file_read_all(&data, &len, path, max);
    if (rc)
        return rc;
    if ((rc = wrap(&doc, &dlen, data, len)) != 0)
        goto done;
    if (dlen > UINT_MAX) {
        rc = AVS_ETOOBIG;
        goto done;
    }
    HMODULE xl = avs_win32_load_system32(L"xmllite.dll");
    HMODULE sh = avs_win32_load_system32(L"shlwapi.dll");
    create_reader_fn create =
        xl ? (create_reader_fn)(void (*)(void))GetProcAddress(xl, "CreateXmlReader") : NULL;
    mem_stream_fn mem =
        sh ? (mem_stream_fn)(void (*)(void))GetProcAddress(sh, "SHCreateMemStream") : NULL;
    if (!create || !mem) {
        rc = AVS_EUNAVAIL;
        goto done;
    }
    stream = mem((const BYTE *)doc, (UINT)dlen);
    if (!stream) {
        rc = AVS_ENOMEM;
        goto done;
    }
    HRESULT hr = create(&IID_XmlReader, (void **)&reader, NULL);
    if (FAILED(hr)) {
        rc = AVS_EUNAVAIL;
        goto done;
    }
    /* No DTDs (no entity expansion bombs, no external fetches) and a bounded depth. */
    IXmlReader_SetProperty(reader, XmlReaderProperty_DtdProcessing, DtdProcessing_Prohibit);
    IXmlReader_SetProperty(reader, XmlReaderProperty_MaxElementDepth, 64);
    hr = IXmlReader_SetInput(reader, (IUnknown *)stream);
    rc = FAILED(hr) ? AVS_EFORMAT : read_all(reader, h, ctx);
done:
    if (reader)
        IXmlReader_Release(reader);
    if (stream)
        IStream_Release(stream);
    free(doc);
    free(data);
    return rc;
}
