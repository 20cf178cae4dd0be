/* An audit run: the service's run when Mode is audit (BOD 17-01's "identify" phase). It scans and
 * records the findings (2xxx events, as `avswap scan`) and an outcome event of its own (6020-6022)
 * that says nothing was changed and why; it takes no lock and changes nothing on the machine. */
#ifndef AVS_AUDIT_H
#define AVS_AUDIT_H

#include <stddef.h>

#include "catalog.h"

struct avs_audit_result {
    int compliant;     /* nothing prohibited found and every source read */
    int incomplete;    /* a source could not be read */
    size_t n_findings; /* prohibited products found (per-machine and per-user) */
    size_t n_per_user; /* of which installed for one user only */
};

/* Scans against CAT (described by CATALOG_DESC, as avs_scan_run) and writes event 6020
 * (compliant), 6021 (prohibited software found, left in place) or 6022 (the scan could not
 * vouch for the machine). MODE_SOURCE says where Mode=audit came from ("policy", "msi",
 * "default"), for the event. 0, or AVS_ENOMEM / an error of the scan. */
int avs_audit_run(struct avs_audit_result *out, const struct avs_catalog *cat,
                  const char *catalog_desc, const char *mode_source);

#endif
