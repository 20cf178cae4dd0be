/* Detection: the inventory matched against the catalog, one finding per product.
 *
 * Signals from several sources (both registry views, the MSI API, services, drivers, the vendor's
 * registry roots, Security Center) are merged: an MSI product is identified by its product code,
 * any other program by its Uninstall key. A catalog service or driver with no uninstalled product
 * of its role to belong to becomes part of one "remnant" finding whose removal method is none. */
#ifndef AVS_DETECT_H
#define AVS_DETECT_H

#include <stddef.h>

#include "catalog.h"
#include "inventory.h"

enum avs_uninstall { AVS_UNINSTALL_NONE, AVS_UNINSTALL_MSI, AVS_UNINSTALL_EXE };

const char *avs_uninstall_name(enum avs_uninstall u); /* "none", "msi", "exe" */

enum avs_arch { AVS_ARCH_UNKNOWN, AVS_ARCH_X64, AVS_ARCH_X86 };

const char *avs_arch_name(enum avs_arch a); /* NULL, "x64", "x86" */

#define AVS_REMNANT_NAME "Kaspersky components without an uninstall entry"
#define AVS_REMNANT_ID "remnant"

struct avs_finding {
    char *name;
    char *version;         /* may be NULL */
    char *publisher;       /* may be NULL */
    char product_code[39]; /* "" when none */
    enum avs_arch arch;
    char *user_sid; /* NULL: per-machine */
    enum avs_uninstall uninstall;
    const char *catalog_id; /* catalog product id, or AVS_REMNANT_ID */
    enum avs_role role;
    int priority;
    char **signals;
    size_t n_signals;
    char *key;                    /* the Uninstall key the finding came from; NULL when none */
    char *uninstall_string;       /* untrusted: never executed as a command */
    char *quiet_uninstall_string; /* untrusted: never executed as a command */
};

struct avs_approved {
    char *name;
    char *state;  /* "running", "stopped", "enabled", "disabled", ... */
    char *source; /* "service:WinDefend", "wsc" */
};

struct avs_detection {
    struct avs_finding *findings; /* in removal order: priority, then name */
    size_t n_findings;
    struct avs_approved *approved;
    size_t n_approved;
};

/* Matches INV against CAT. Notes about unusable data (e.g. a product code that is not a GUID)
 * are added to INV. AVS_ENOMEM is the only error. Free with avs_detection_free(). */
int avs_detect(struct avs_detection *out, struct avs_inventory *inv, const struct avs_catalog *cat);

void avs_detection_free(struct avs_detection *d);

/* "running", "stopped", ... */
const char *avs_svc_state_name(enum avs_svc_state s);

/* Decodes Security Center's productState: "enabled", "disabled", "snoozed", "expired", each
 * followed by ", definitions up to date" or ", definitions out of date". Static string. */
const char *avs_wsc_state_name(uint32_t product_state);

#endif
