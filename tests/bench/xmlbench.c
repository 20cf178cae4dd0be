/* xmlbench.exe — the Wine XML reader (win32/xmlread.c, win32/xmlsource.c) driven from the
 * command line, for the end-to-end tests of the reader (t_170..t_174) and scripts/bench-report
 * (never shipped).
 *
 *   xmlbench dump FILE       every node avs_os_xml_stream reports, one a line ("start NAME
 *                            a=v ...", "text ...", "end NAME"; adjacent texts joined, \ and
 *                            control characters escaped as \n \r \t \\ \xHH), then "ok bytes N
 *                            sha256 H" (exit 0) or "error RC line L column C: WHAT" (exit 1)
 *   xmlbench floor FILE...   the parse floor: a bare IXmlReader_Read loop over the same stream
 *                            (xmlsource.h), no node looked at; one line per file
 *   xmlbench stream FILE...  avs_os_xml_stream with handlers that only count; one line per file
 *
 * floor and stream print "MODE nodes N bytes B cpu_ms C wall_ms W peak_kib K" (this process's
 * CPU, GetProcessTimes, the wineserver's share measured outside; its peak working set so far). */
#include "os.h"

#define COBJMACROS
#include "xmlsource.h" /* <windows.h> first */

#include <psapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xmllite.h>

#include "sha256.h"

static double cpu_ms(void)
{
    FILETIME c, e, k, u;
    if (!GetProcessTimes(GetCurrentProcess(), &c, &e, &k, &u))
        return 0;
    ULONGLONG t = ((ULONGLONG)k.dwHighDateTime << 32 | k.dwLowDateTime) +
                  ((ULONGLONG)u.dwHighDateTime << 32 | u.dwLowDateTime);
    return (double)t / 10000.0;
}

/* This process's peak working set, KiB (K32GetProcessMemoryInfo: kernel32, no psapi.dll). */
static unsigned long peak_kib(void)
{
    PROCESS_MEMORY_COUNTERS pmc;
    if (!K32GetProcessMemoryInfo(GetCurrentProcess(), &pmc, sizeof pmc))
        return 0;
    return (unsigned long)(pmc.PeakWorkingSetSize / 1024);
}

/* --- dump ------------------------------------------------------------------------------------ */

struct dump {
    int in_text; /* a "text " line is open: adjacent texts are one */
};

static void put_escaped(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n')
            fputs("\\n", stdout);
        else if (c == '\r')
            fputs("\\r", stdout);
        else if (c == '\t')
            fputs("\\t", stdout);
        else if (c == '\\')
            fputs("\\\\", stdout);
        else if (c < 0x20)
            printf("\\x%02x", c);
        else
            putchar(c);
    }
}

static void close_text(struct dump *d)
{
    if (d->in_text)
        putchar('\n');
    d->in_text = 0;
}

static int dump_start(void *ctx, const char *name, const char *const *attrs, size_t n)
{
    close_text(ctx);
    printf("start %s", name);
    for (size_t i = 0; i < n; i++) {
        printf(" %s=", attrs[2 * i]);
        put_escaped(attrs[2 * i + 1], strlen(attrs[2 * i + 1]));
    }
    putchar('\n');
    return 0;
}

static int dump_text(void *ctx, const char *text, size_t len)
{
    struct dump *d = ctx;
    if (!d->in_text)
        fputs("text ", stdout);
    d->in_text = 1;
    put_escaped(text, len);
    return 0;
}

static int dump_end(void *ctx, const char *name)
{
    close_text(ctx);
    printf("end %s\n", name);
    return 0;
}

static int dump(const char *path)
{
    static const struct avs_xml_handler h = {dump_start, dump_text, dump_end, NULL};
    struct dump d = {0};
    struct avs_xml_input in;
    int rc = avs_os_xml_stream(&in, path, &h, &d);
    close_text(&d);
    if (rc) {
        printf("error %s line %lu column %lu: %s\n", avs_errname(rc), in.line, in.column, in.what);
        return 1;
    }
    char hex[AVS_SHA256_HEX_LEN + 1];
    avs_sha256_hex(hex, in.sha256);
    printf("ok bytes %llu sha256 %s\n", (unsigned long long)in.bytes, hex);
    return 0;
}

/* --- floor and stream ------------------------------------------------------------------------ */

static int floor_read(unsigned long long *nodes, unsigned long long *bytes, const char *path)
{
    struct avs_xml_source *src = NULL;
    IXmlReader *reader = NULL;
    XmlNodeType t;
    HRESULT hr = E_FAIL;
    int rc = avs_xml_reader_new(&reader);
    if (rc)
        return rc;
    if ((rc = avs_xml_source_open(&src, path, 0)) != 0) {
        IXmlReader_Release(reader);
        return rc;
    }
    hr = IXmlReader_SetInput(reader, (IUnknown *)avs_xml_source_stream(src));
    while (SUCCEEDED(hr) && (hr = IXmlReader_Read(reader, &t)) == S_OK)
        (*nodes)++;
    struct avs_xml_input in;
    rc = avs_xml_source_finish(&in, src, hr, 0, 0);
    *bytes = in.bytes;
    IXmlReader_Release(reader);
    avs_xml_source_release(src);
    return rc;
}

static int count_start(void *ctx, const char *name, const char *const *attrs, size_t n)
{
    (void)name, (void)attrs, (void)n;
    ++*(unsigned long long *)ctx;
    return 0;
}
static int count_text(void *ctx, const char *text, size_t len)
{
    (void)text, (void)len;
    ++*(unsigned long long *)ctx;
    return 0;
}
static int count_end(void *ctx, const char *name)
{
    (void)name;
    ++*(unsigned long long *)ctx;
    return 0;
}

static int timed(const char *mode, const char *path)
{
    static const struct avs_xml_handler h = {count_start, count_text, count_end, NULL};
    unsigned long long nodes = 0, bytes = 0;
    struct avs_xml_input in;
    double c0 = cpu_ms();
    ULONGLONG w0 = GetTickCount64();
    int rc;
    if (strcmp(mode, "floor") == 0) {
        rc = floor_read(&nodes, &bytes, path);
    } else {
        rc = avs_os_xml_stream(&in, path, &h, &nodes);
        bytes = in.bytes;
    }
    if (rc) {
        fprintf(stderr, "xmlbench: %s: %s\n", path, avs_strerror(rc));
        return 1;
    }
    printf("%s nodes %llu bytes %llu cpu_ms %.1f wall_ms %llu peak_kib %lu\n", mode, nodes, bytes,
           cpu_ms() - c0, GetTickCount64() - w0, peak_kib());
    return 0;
}

int wmain(int argc, wchar_t **argv)
{
    avs_win32_harden_dll_search();
    if (argc < 3)
        return 2;
    char *mode = NULL;
    int rc = 0;
    if (avs_wide_to_utf8(&mode, argv[1]))
        return 2;
    for (int i = 2; i < argc; i++) {
        char *path = NULL;
        if (avs_wide_to_utf8(&path, argv[i]))
            return 2;
        if (strcmp(mode, "dump") == 0)
            rc |= dump(path);
        else if (strcmp(mode, "floor") == 0 || strcmp(mode, "stream") == 0)
            rc |= timed(mode, path);
        else
            rc = 2;
        free(path);
    }
    free(mode);
    fflush(stdout);
    return rc;
}
