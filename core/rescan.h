/* core/rescan.h — the service's incremental rescan of the HKLM Uninstall keys.
 *
 * The service sleeps on RegNotifyChangeKeyValue for both Uninstall views; installers touch them
 * in bursts, so a full scan per notification (msi.dll, every source, every value of every
 * program) would make the rescan the service's main cost. A rescan keeps the previous listing
 * of both views — each subkey's name and last-write time (core/os.h avs_os_reg_subkey_time) —
 * and, after a notification, lists the subkeys again (one registry call each, no value read)
 * and reads again only the subkeys that are new or whose time moved; deleted ones are dropped.
 * The entries that concern the catalog are kept exactly as avs_inventory_collect() keeps them.
 *
 * Use (service/, one thread; the object is not shared between threads):
 *
 *     struct avs_rescan *rs;
 *     avs_rescan_open(&rs, &catalog);            // at start: full read of both views + MSI list
 *     ... RegNotifyChangeKeyValue fires (coalesce the burst first: core/schedule.h) ...
 *     struct avs_rescan_stats st;
 *     avs_rescan_update(rs, &st);                // only what changed
 *     if (st.relevant) {                         // a catalog-relevant entry appeared/changed/left
 *         struct avs_detection d;
 *         avs_rescan_detect(&d, rs);             // findings from the Uninstall views
 *         if (d.n_findings) ... run the engine (avs_remediate: audit or enforce), which does a
 *                               full scan of every source and writes the 2xxx events ...
 *         avs_detection_free(&d);
 *     }
 *     avs_rescan_free(rs);
 *
 * Re-arm the notifications BEFORE calling avs_rescan_update, so a change made while it reads
 * is signalled again rather than lost. The MSI product list (msi.dll, already loaded in the
 * service) is read again only when a catalog-relevant entry that names Windows Installer
 * (WindowsInstaller = 1) appeared or changed: that is how a reinstalled MSI product shows. */
#ifndef AVS_RESCAN_H
#define AVS_RESCAN_H

#include <stddef.h>

#include "catalog.h"
#include "detect.h"
#include "inventory.h"

struct avs_rescan;

struct avs_rescan_stats {
    size_t listed;   /* subkeys listed in both views */
    size_t read;     /* subkeys read again (new or changed): the work done */
    size_t added;    /* subkeys that were not there before */
    size_t changed;  /* subkeys whose last-write time moved */
    size_t removed;  /* subkeys gone since the last listing */
    size_t relevant; /* of those, entries that concern the catalog (before or after): 0 means
                        detection would find what it found before */
    int msi_reread;  /* 1 when the MSI product list was read again */
    int err;         /* 0, or the AVS_E* of a view or the MSI list that could not be read (the
                        previous listing of that view is kept; the next update tries again) */
};

/* Reads both HKLM Uninstall views in full (as avs_inventory_collect does) and the MSI product
 * list, and keeps them. CAT must outlive the object. AVS_ENOMEM is the only error; a view that
 * cannot be read is reported in the stats of the next update and read then. Free with
 * avs_rescan_free(). */
int avs_rescan_open(struct avs_rescan **out, const struct avs_catalog *cat);

/* Lists both views again and reads only new and changed subkeys (see above). OUT (may be NULL)
 * says what was done. AVS_ENOMEM is the only error (the object stays usable). */
int avs_rescan_update(struct avs_rescan *rs, struct avs_rescan_stats *out);

/* The catalog-relevant Uninstall entries now known (both views), in listing order. Valid until
 * the next update or free; do not free them. */
const struct avs_inv_entry *avs_rescan_entry(const struct avs_rescan *rs, size_t i);
size_t avs_rescan_count(const struct avs_rescan *rs);

/* Detection (core/detect.h) over the kept Uninstall entries and MSI list only: the findings a
 * full scan would make from those sources, without reading services, user hives, the vendor
 * roots or Security Center again. Free with avs_detection_free(). AVS_ENOMEM is the only
 * error. */
int avs_rescan_detect(struct avs_detection *out, struct avs_rescan *rs);

void avs_rescan_free(struct avs_rescan *rs);

#endif
