/* One scan: inventory, detection and the Event Log evidence of both. Used by `avswap scan`,
 * and by remediation before and after it acts. */
#ifndef AVS_SCAN_H
#define AVS_SCAN_H

#include "buf.h"
#include "catalog.h"
#include "detect.h"
#include "inventory.h"
#include "os.h"

/* At most this many malformed-data events per scan: a key full of garbage must not flood the
 * Application log. The JSON and text output still list every note. */
#define AVS_SCAN_MAX_NOTE_EVENTS 100

struct avs_scan {
    struct avs_inventory inv;
    struct avs_detection det;
    struct avs_os_identity who;
    int incomplete;     /* a source failed: the scan cannot vouch for a clean machine */
    int event_failures; /* events that could not be written */
    int event_error;    /* the first AVS_E* from the Event Log */
};

/* Scans the machine against CAT, writing the 2xxx events (docs/EVENTS.md). CATALOG_DESC says which
 * catalog was used ("built-in", or "built-in + C:\\path (SHA-256 HEX)"). AVS_ENOMEM, or an error from reading
 * the caller's identity, are the only failures; a source that cannot be read is recorded and
 * makes the scan incomplete. Free with avs_scan_free(). */
int avs_scan_run(struct avs_scan *out, const struct avs_catalog *cat, const char *catalog_desc);

void avs_scan_free(struct avs_scan *s);

/* 1 when nothing prohibited was found and every source could be read. */
int avs_scan_compliant(const struct avs_scan *s);

/* "ok", "unavailable: <reason>" or "error: <reason>" for source ID; malloc'd. */
char *avs_scan_source_state(const struct avs_scan *s, enum avs_source_id id);

/* Writes event ID with COUNT strings, counting a failure in S instead of stopping the scan. */
void avs_scan_event(struct avs_scan *s, uint32_t id, const char *const *strings, size_t count);

#endif
