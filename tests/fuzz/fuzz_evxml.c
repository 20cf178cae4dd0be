/* libFuzzer harness for core/evxml.c (the events of an Event Log export) and the journal
 * references in them (core/evanchor.c avs_anchor_parse_ref).
 *
 * The system XML reader (XmlLite) parses the bytes on Windows; what reaches core is its node
 * callbacks, so the fuzz input is decoded as a sequence of them. Each step takes one byte OP:
 *   OP % 5 == 0  start element NAMES[next byte], no attributes
 *   OP % 5 == 1  start element NAMES[next byte] with (next byte % 4) attributes, each
 *                ATTRS[next byte] = a value of (next byte) bytes
 *   OP % 5 == 2  text of (next byte) bytes
 *   OP % 5 == 3  end of the innermost open element (none open: ignored, as a reader never
 *                reports an unbalanced end)
 *   OP % 5 == 4  text STRINGS[next byte] (values the consumer interprets)
 * Open elements are closed at the end, as a well-formed document's are. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "evanchor.h"
#include "evxml.h"

static const char *const NAMES[] = {"Event",    "System",      "Provider",  "EventID",
                                    "Computer", "TimeCreated", "EventData", "Data",
                                    "Events",   "UserData",    "event",     "x"};
static const char *const ATTRS[] = {"Name", "Qualifiers", "SystemTime", "xmlns", "name"};
static const char *const STRINGS[] = {
    "AvSwap",
    "4001",
    "65535",
    "65536",
    " 3000 ",
    "4294967296",
    "-1",
    "seq 1, SHA-256 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    ("seq 9223372036854775807, SHA-256 "
     "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
    "PC1.corp.example",
};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_OPEN 256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct avs_evxml x;
    const char *stack[MAX_OPEN];
    int depth = 0;
    size_t i = 0;
    avs_evxml_init(&x);
#define NEXT() (i < size ? data[i++] : 0)
    while (i < size) {
        unsigned op = NEXT() % 5;
        if (op == 0 || op == 1) {
            const char *name = NAMES[NEXT() % COUNT(NAMES)];
            const char *av[8];
            char *vals[4] = {NULL, NULL, NULL, NULL};
            size_t na = op == 1 ? NEXT() % 4 : 0;
            for (size_t k = 0; k < na; k++) {
                size_t len = NEXT();
                if (len > size - i)
                    len = size - i;
                vals[k] = malloc(len + 1);
                if (!vals[k])
                    abort();
                memcpy(vals[k], data + i, len);
                vals[k][len] = 0;
                i += len;
                av[2 * k] = ATTRS[NEXT() % COUNT(ATTRS)];
                av[2 * k + 1] = vals[k];
            }
            if (depth < MAX_OPEN) {
                stack[depth++] = name;
                if (avs_evxml_start(&x, name, av, na) != 0)
                    i = size;
            }
            for (size_t k = 0; k < na; k++)
                free(vals[k]);
        } else if (op == 2) {
            size_t len = NEXT();
            if (len > size - i)
                len = size - i;
            if (avs_evxml_text(&x, (const char *)data + i, len) != 0)
                i = size;
            i += len;
        } else if (op == 3) {
            if (depth > 0 && avs_evxml_end(&x, stack[--depth]) != 0)
                i = size;
        } else {
            const char *s = STRINGS[NEXT() % COUNT(STRINGS)];
            if (avs_evxml_text(&x, s, strlen(s)) != 0)
                i = size;
        }
    }
    while (depth > 0)
        avs_evxml_end(&x, stack[--depth]);
    /* Every insertion string through the journal-reference parser. */
    for (size_t e = 0; e < x.count; e++) {
        for (size_t k = 0; k < x.events[e].n_data; k++) {
            int64_t seq;
            char hex[AVS_SHA256_HEX_LEN + 1];
            (void)avs_anchor_parse_ref(&seq, hex, x.events[e].data[k]);
        }
    }
    struct avs_anchor_report r;
    (void)avs_anchor_check(&r, NULL, 0, &x, "AvSwap");
    avs_evxml_free(&x);
    return 0;
}
