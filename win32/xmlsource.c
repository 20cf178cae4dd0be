/* win32/xmlsource — core/xmlinput.h as an IStream over ReadFile, for XmlLite. */
#define COBJMACROS     /* the IStream_* macros */
#include "xmlsource.h" /* <windows.h> first */

#include "xmlinput.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Not in Debian's MinGW import libraries without libuuid: defined here, as xmlread.c does. */
static const GUID IID_Unknown = {0x00000000, 0x0000, 0x0000, {0xc0, 0, 0, 0, 0, 0, 0, 0x46}};
static const GUID IID_SeqStream = {
    0x0c733a30, 0x2a1c, 0x11ce, {0xad, 0xe5, 0x00, 0xaa, 0x00, 0x44, 0x77, 0x3a}};
static const GUID IID_Stream = {0x0000000c, 0x0000, 0x0000, {0xc0, 0, 0, 0, 0, 0, 0, 0x46}};

/* Debian's MinGW has the header but no import library and no IID symbol. */
static const GUID IID_XmlReader = {
    0x7279fc81, 0x709d, 0x4095, {0xb6, 0x3d, 0x69, 0xfe, 0x4b, 0x0d, 0x90, 0x30}};

typedef HRESULT(WINAPI *create_reader_fn)(REFIID riid, void **out, IMalloc *m);

struct avs_xml_source {
    IStream iface; /* first: the stream is the source */
    LONG refs;
    HANDLE file;
    struct avs_xmlin in;
};

static struct avs_xml_source *from_iface(IStream *iface)
{
    return (struct avs_xml_source *)(void *)iface;
}

static int read_file(void *file, void *buf, size_t len, size_t *got)
{
    DWORD n = 0;
    *got = 0;
    if (!ReadFile(file, buf, (DWORD)len, &n, NULL))
        return avs_win32_last_error();
    *got = n;
    return 0;
}

static HRESULT STDMETHODCALLTYPE src_read(IStream *iface, void *pv, ULONG cb, ULONG *pread)
{
    struct avs_xml_source *s = from_iface(iface);
    size_t got = 0;
    int rc = avs_xmlin_read(&s->in, pv, cb, &got);
    if (pread)
        *pread = (ULONG)got;
    if (rc)
        return E_FAIL;
    return got == 0 ? S_FALSE : S_OK;
}

static HRESULT STDMETHODCALLTYPE src_query(IStream *iface, REFIID riid, void **ppv)
{
    if (IsEqualGUID(riid, &IID_Unknown) || IsEqualGUID(riid, &IID_SeqStream) ||
        IsEqualGUID(riid, &IID_Stream)) {
        *ppv = iface;
        IStream_AddRef(iface);
        return S_OK;
    }
    *ppv = NULL;
    return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE src_addref(IStream *iface)
{
    return (ULONG)InterlockedIncrement(&from_iface(iface)->refs);
}

static ULONG STDMETHODCALLTYPE src_release(IStream *iface)
{
    struct avs_xml_source *s = from_iface(iface);
    LONG n = InterlockedDecrement(&s->refs);
    if (n == 0) {
        CloseHandle(s->file);
        free(s);
    }
    return (ULONG)n;
}

/* A read-only, forward-only stream: XmlLite only reads. */
static HRESULT STDMETHODCALLTYPE src_write(IStream *i, const void *pv, ULONG cb, ULONG *w)
{
    (void)i, (void)pv, (void)cb, (void)w;
    return STG_E_ACCESSDENIED;
}
static HRESULT STDMETHODCALLTYPE src_seek(IStream *i, LARGE_INTEGER m, DWORD o, ULARGE_INTEGER *p)
{
    (void)i, (void)m, (void)o, (void)p;
    return E_NOTIMPL;
}
static HRESULT STDMETHODCALLTYPE src_set_size(IStream *i, ULARGE_INTEGER n)
{
    (void)i, (void)n;
    return E_NOTIMPL;
}
static HRESULT STDMETHODCALLTYPE src_copy_to(IStream *i, IStream *t, ULARGE_INTEGER n,
                                             ULARGE_INTEGER *r, ULARGE_INTEGER *w)
{
    (void)i, (void)t, (void)n, (void)r, (void)w;
    return E_NOTIMPL;
}
static HRESULT STDMETHODCALLTYPE src_commit(IStream *i, DWORD f)
{
    (void)i, (void)f;
    return E_NOTIMPL;
}
static HRESULT STDMETHODCALLTYPE src_revert(IStream *i)
{
    (void)i;
    return E_NOTIMPL;
}
static HRESULT STDMETHODCALLTYPE src_lock(IStream *i, ULARGE_INTEGER o, ULARGE_INTEGER n, DWORD t)
{
    (void)i, (void)o, (void)n, (void)t;
    return E_NOTIMPL;
}
static HRESULT STDMETHODCALLTYPE src_stat(IStream *i, STATSTG *st, DWORD f)
{
    (void)i, (void)st, (void)f;
    return E_NOTIMPL;
}
static HRESULT STDMETHODCALLTYPE src_clone(IStream *i, IStream **c)
{
    (void)i;
    *c = NULL;
    return E_NOTIMPL;
}

static IStreamVtbl src_vtbl = {src_query, src_addref,   src_release, src_read,   src_write,
                               src_seek,  src_set_size, src_copy_to, src_commit, src_revert,
                               src_lock,  src_lock,     src_stat,    src_clone};

int avs_xml_source_open(struct avs_xml_source **out, const char *path, uint64_t max)
{
    *out = NULL;
    wchar_t *wpath = NULL;
    int rc = avs_win32_path(&wpath, path, 0);
    if (rc)
        return rc;
    HANDLE h = CreateFileW(wpath, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, FILE_FLAG_SEQUENTIAL_SCAN, NULL);
    free(wpath);
    if (h == INVALID_HANDLE_VALUE)
        return avs_win32_last_error();
    struct avs_xml_source *s = calloc(1, sizeof *s);
    if (!s) {
        CloseHandle(h);
        return AVS_ENOMEM;
    }
    s->iface.lpVtbl = &src_vtbl;
    s->refs = 1;
    s->file = h;
    avs_xmlin_init(&s->in, max, read_file, h);
    *out = s;
    return 0;
}

IStream *avs_xml_source_stream(struct avs_xml_source *s)
{
    return &s->iface;
}

static const char *reader_words(HRESULT hr)
{
    switch ((unsigned long)hr) {
    case 0xc00cee01: return "unexpected end of file";
    case 0xc00cee02: return "invalid character encoding";
    case 0xc00cee21: return "white space expected";
    case 0xc00cee22: return "';' expected";
    case 0xc00cee23: return "'>' expected";
    case 0xc00cee24: return "quote expected";
    case 0xc00cee25: return "'=' expected";
    case 0xc00cee26: return "'<' not allowed here";
    case 0xc00cee2b: return "invalid character";
    case 0xc00cee2c:
    case 0xc00cee39: return "invalid name";
    case 0xc00cee2d: return "syntax error";
    case 0xc00cee3b: return "end tag does not match the start tag";
    case 0xc00cee3c: return "duplicate attribute";
    case 0xc00cee3a: return "text outside any element";
    case 0xc00cee3e:
    case 0xc00cee40: return "misplaced XML declaration";
    case 0xc00cee47: return "undeclared entity";
    case 0xc00cee4f: return "DTD not allowed";
    case 0xc00cee65: return "undeclared namespace prefix";
    case 0xc00cee82: return "elements nested too deep";
    }
    return NULL;
}

int avs_xml_source_failed(const struct avs_xml_source *s)
{
    return avs_xmlin_failed(&s->in);
}

int avs_xml_source_finish(struct avs_xml_input *info, struct avs_xml_source *s, HRESULT hr,
                          UINT line, UINT column)
{
    char words[64];
    const char *why = reader_words(hr);
    if (!why) {
        snprintf(words, sizeof words, "not well-formed XML (XmlLite 0x%08lx)", (unsigned long)hr);
        why = words;
    }
    return avs_xmlin_finish(info, &s->in, FAILED(hr), line, column, why);
}

void avs_xml_source_release(struct avs_xml_source *s)
{
    if (s)
        IStream_Release(&s->iface);
}

int avs_xml_reader_new(IXmlReader **out)
{
    *out = NULL;
    HMODULE xl = avs_win32_load_system32(L"xmllite.dll");
    create_reader_fn create =
        xl ? (create_reader_fn)(void (*)(void))GetProcAddress(xl, "CreateXmlReader") : NULL;
    if (!create || FAILED(create(&IID_XmlReader, (void **)out, NULL))) {
        *out = NULL;
        return AVS_EUNAVAIL;
    }
    IXmlReader_SetProperty(*out, XmlReaderProperty_DtdProcessing, DtdProcessing_Prohibit);
    IXmlReader_SetProperty(*out, XmlReaderProperty_MaxElementDepth, 64);
    return 0;
}
