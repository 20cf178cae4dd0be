/* win32/xmlsource — the IStream XmlLite reads an XML file through (win32/xmlread.c, and the
 * benchmark's bare read loop, tests/bench/xmlbench.c, so both read the same bytes the same
 * way): core/xmlinput.h over ReadFile, which says what is done to the bytes and why. */
#ifndef AVS_XMLSOURCE_H
#define AVS_XMLSOURCE_H

#include "os.h"
#include "win32.h" /* <windows.h> first */

#include <objidl.h>
#include <xmllite.h>

struct avs_xml_source;

/* Opens PATH; MAX bytes at most (0: no limit; past it reading fails with AVS_ETOOBIG). */
int avs_xml_source_open(struct avs_xml_source **out, const char *path, uint64_t max);

/* The stream to give IXmlReader_SetInput (the source keeps its own reference). */
IStream *avs_xml_source_stream(struct avs_xml_source *s);

/* Non-zero once reading the file failed (I/O, bad UTF-16, too big): nothing the reader
 * reports after that is the file's. */
int avs_xml_source_failed(const struct avs_xml_source *s);

/* After the reader stopped with HR (S_FALSE at the end, a failure otherwise) at stream position
 * LINE:COLUMN (IXmlReader_GetLineNumber/GetLinePosition): avs_xmlin_finish() with the reader's
 * error in words. */
int avs_xml_source_finish(struct avs_xml_input *info, struct avs_xml_source *s, HRESULT hr,
                          UINT line, UINT column);

void avs_xml_source_release(struct avs_xml_source *s);

/* A new XmlLite reader (xmllite.dll from System32 only), set up as every AvSwap read is: no DTDs
 * (no entity expansion, no external fetches) and at most 64 levels of elements. AVS_EUNAVAIL
 * without XmlLite. The benchmark's floor uses it too, so it measures the same reader. */
int avs_xml_reader_new(IXmlReader **out);

#endif
