/* core/xmlinput — an XML file as the system's XML reader gets it (XmlLite in win32/xmlsource.c,
 * libxml2 in tests/fakes/fake_xml.c): the file is read in chunks of AVS_XMLIN_CHUNK bytes
 * (memory does not grow with its size) and handed on as UTF-8 inside a root element of ours,
 * AVS_XMLIN_WRAP, so that `wevtutil qe /f:xml` exports (events back to back, no root element)
 * are documents; a file with a root element of its own is one element inside ours. On the way:
 *   - a BOM is taken off; UTF-16LE (with a BOM, or without, as a PowerShell redirect may write
 *     it) becomes UTF-8 chunk by chunk, a surrogate pair cut by a chunk's end waiting for its
 *     other half; bad UTF-16 is AVS_EFORMAT;
 *   - an XML declaration becomes spaces (line breaks kept): it may only come first in a
 *     document, and blanking rather than removing it keeps the reader's line and column those
 *     of the file;
 *   - the bytes are hashed (SHA-256) and counted as they are read.
 * Positions: lines as the file's ('\n'), columns in UTF-16 units (what XmlLite counts). */
#ifndef AVS_XMLINPUT_H
#define AVS_XMLINPUT_H

#include <stddef.h>
#include <stdint.h>

#include "os.h"
#include "sha256.h"

#define AVS_XMLIN_CHUNK (64u * 1024u)
#define AVS_XMLIN_WRAP "avswap-export" /* the added root element's name */

/* Reads up to LEN bytes of the file into BUF (*GOT 0 at its end); 0 or an AVS_E* code. */
typedef int (*avs_xmlin_read_fn)(void *file, void *buf, size_t len, size_t *got);

struct avs_xmlin {
    avs_xmlin_read_fn read;
    void *file;
    uint64_t max, bytes;
    struct avs_sha256 sha;
    int stage, enc;
    int err; /* the input's own failure: the reader's error is a consequence of it */
    char what[160];
    /* Where the next character handed on goes: LINE 1-based, COL the UTF-16 units already on
     * that line (our root element's included). */
    unsigned long line, col;
    unsigned char raw[AVS_XMLIN_CHUNK + 4]; /* UTF-16 read and not converted yet */
    size_t raw_len;
    char out[AVS_XMLIN_CHUNK / 2 * 3 + 128]; /* what the next reads hand on: whole characters */
    size_t out_len, out_pos;
    char carry[64]; /* the non-ASCII end of the last chunk, handed on with the next */
    size_t carry_len;
};

/* MAX bytes at most (0: no limit; past it reading fails with AVS_ETOOBIG). ~160 KB: allocate
 * it, do not put it on a stack. */
void avs_xmlin_init(struct avs_xmlin *x, uint64_t max, avs_xmlin_read_fn read, void *file);

/* The next bytes for the reader, up to LEN, into BUF; *GOT 0 at the end. A read ends after an
 * ASCII byte when it can (see xmlinput.c). 0, or the input's failure (then again and again). */
int avs_xmlin_read(struct avs_xmlin *x, char *buf, size_t len, size_t *got);

/* Non-zero once reading failed: nothing a reader reports after that is the file's. */
int avs_xmlin_failed(const struct avs_xmlin *x);

/* After the reader stopped, at its end (READER_FAILED 0) or on an error WHY at its position
 * LINE:COLUMN: fills INFO (may be NULL) and returns 0, the input's own failure, or AVS_EFORMAT
 * with the position in the file as written (our root element not counted; past the file's end
 * it is "unexpected end of file" at its end; LINE 0 when the reader cannot say: WHY at the end
 * of what was read). */
int avs_xmlin_finish(struct avs_xml_input *info, struct avs_xmlin *x, int reader_failed,
                     unsigned long line, unsigned long column, const char *why);

#endif
