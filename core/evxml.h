/* core/evxml — events out of an Event Log export (`wevtutil qe LOG /f:xml`, or a Windows Event
 * Forwarding collector's), as the system's XML reader reports its nodes (core/os.h
 * avs_os_xml_parse_file). Portable, so it is unit-tested and fuzzed on the host.
 *
 * What it takes from each <Event> (namespaces ignored, local names only), the schema of
 * classic events:
 *   System/Provider/@Name, System/EventID (text) and its @Qualifiers, System/Computer,
 *   System/TimeCreated/@SystemTime, and every EventData/Data text in order (the insertion
 *   strings). Anything else is skipped. */
#ifndef AVS_EVXML_H
#define AVS_EVXML_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "os.h"

#define AVS_EVXML_MAX_DATA 64          /* insertion strings kept per event */
#define AVS_EVXML_MAX_TEXT (64 * 1024) /* bytes kept per text */
#define AVS_EVXML_MAX_EVENTS 2000000
#define AVS_EVXML_MAX_DEPTH 32

struct avs_evxml_event {
    char *provider; /* NULL when absent */
    int has_id;
    uint32_t id;         /* EventID, 0..65535 */
    uint32_t qualifiers; /* @Qualifiers, 0 when absent */
    char *computer;      /* NULL when absent */
    char *time;          /* @SystemTime as written; NULL when absent */
    char **data;         /* n_data insertion strings */
    size_t n_data;
    void *block; /* an event kept in struct avs_evxml: the one allocation that holds data[] and
                    every string above (NULL in an event built by hand or streamed) */
};

struct avs_evxml {
    struct avs_evxml_event *events;
    size_t count;
    /* the parser's state */
    size_t cap;
    int depth;                          /* of the current element, 0 outside any */
    int event_at;                       /* depth of the open <Event>, 0 when none is open */
    char path[AVS_EVXML_MAX_DEPTH][16]; /* names of the open elements below <Event> */
    int field;                          /* the text being collected */
    /* The open event: its numbers in cur, its strings one after another in store (each
     * NUL-terminated), found by their offsets plus one (0: absent). One buffer reused from
     * event to event instead of an allocation per string: a fleet's export has millions. */
    struct avs_evxml_event cur;
    struct avs_buf store;
    size_t provider_at, computer_at, time_at;
    size_t field_at; /* where the text being collected starts in store */
    size_t data_at[AVS_EVXML_MAX_DATA];
    char *data_ptr[AVS_EVXML_MAX_DATA]; /* streaming: the event's data[], into store */
    size_t skipped_data; /* insertion strings beyond AVS_EVXML_MAX_DATA, all events */
    /* Streaming mode (avs_evxml_init_stream): each finished event goes to on_event and is
     * freed, events stays empty and count counts them, so memory does not grow with the file. */
    int (*on_event)(void *ctx, const struct avs_evxml_event *e);
    void *on_event_ctx;
};

void avs_evxml_init(struct avs_evxml *p);

/* Streaming mode: ON_EVENT(CTX, e) is called at each </Event> with the event, which is freed
 * when it returns (copy what is kept). A non-zero return stops the reading and is returned by
 * the callbacks. No AVS_EVXML_MAX_EVENTS limit then. Free with avs_evxml_free() as usual. */
void avs_evxml_init_stream(struct avs_evxml *p,
                           int (*on_event)(void *ctx, const struct avs_evxml_event *e), void *ctx);
void avs_evxml_free(struct avs_evxml *p);

/* The callbacks, for avs_os_xml_parse_file() or a test that feeds nodes itself. CTX is the
 * struct avs_evxml. They return 0, AVS_ENOMEM, or AVS_ETOOBIG past AVS_EVXML_MAX_EVENTS. */
int avs_evxml_start(void *ctx, const char *name, const char *const *attrs, size_t n_attrs);
int avs_evxml_text(void *ctx, const char *text, size_t len);
int avs_evxml_end(void *ctx, const char *name);
/* What the callbacks above take (struct avs_xml_handler's wants): the attributes of System's
 * Provider, TimeCreated and EventID, and the texts of EventID, Computer and EventData's Data. */
int avs_evxml_wants(void *ctx, const char *name);
extern const struct avs_xml_handler avs_evxml_handler;

/* Reads the export at PATH (at most 256 MiB; in core/evidence.c) into OUT (initialised here; free
 * it with avs_evxml_free() whatever this returns). */
int avs_evxml_read_file(struct avs_evxml *out, const char *path);

#endif
