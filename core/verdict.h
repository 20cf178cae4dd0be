/* core/verdict — the protection half of "compliant", checked at the moment it is claimed.
 *
 * A verdict is never carried over from an earlier step: between the replacement's verification
 * and the outcome, a later removal (or anything else on the machine) may have taken the approved
 * product away. So when AvSwap is about to say "compliant" (remediate's outcome, `avswap
 * status`), it asks the machine again: the approved antivirus's service runs, Security Center
 * (where it exists) shows that product in the plain "enabled" state, and the replacement is
 * still installed. The other half, a fresh scan that finds nothing prohibited, is the caller's
 * (core/scan.h). */
#ifndef AVS_VERDICT_H
#define AVS_VERDICT_H

#include <stddef.h>
#include <stdint.h>

#include "catalog.h"

enum avs_verdict_check {
    AVS_VERDICT_OK = 0,
    AVS_VERDICT_SERVICE,   /* the approved antivirus's service is missing or not running */
    AVS_VERDICT_WSC,       /* Security Center exists and does not show it enabled */
    AVS_VERDICT_INSTALLED, /* Windows Installer no longer has the replacement */
};

struct avs_verdict {
    enum avs_verdict_check failed; /* AVS_VERDICT_OK when every check passed */
    char detail[400];              /* what each check saw, or why the failed one failed */
};

/* 1 when a Security Center productState is plain "enabled" (bits 12-15 equal 1). Snoozed (2),
 * expired (3), disabled (0) and any value Windows may add later do not protect. */
int avs_wsc_state_enabled(uint32_t product_state);

/* 1 when the Security Center entry named DISPLAY_NAME is APPROVED: its name, or one of its match
 * patterns. */
int avs_verdict_wsc_is(const struct avs_catalog *cat, const struct avs_cat_approved *approved,
                       const char *display_name);

/* Checks, now: APPROVED->service runs; where Security Center exists, it lists APPROVED enabled;
 * and the replacement is installed: MSI_CODE (may be NULL) per Windows Installer, or (no MSI
 * code: a built-in or setup-program replacement) its service exists. Fills *out; returns 0, or
 * AVS_EINVAL when APPROVED has no service. A source that cannot be read fails its check. */
int avs_verdict_protection(struct avs_verdict *out, const struct avs_catalog *cat,
                           const struct avs_cat_approved *approved, const char *msi_code);

/* The whole verdict now, for a run whose journal says it ended compliant (`avswap status`):
 * the replacement that run verified (its service from the last successful replacement-verify
 * record of RUN_ID, whose detail starts with the service name; its MSI product code from the
 * replacement-install record) must still pass avs_verdict_protection, and a fresh scan against
 * CAT (CATALOG_DESC names it in the scan events) must find nothing prohibited and read every
 * source. A run that replaced nothing is judged by the scan alone. Fills *out; returns 0, or
 * AVS_ENOMEM. */
struct avs_verdict_now {
    int compliant;
    const char *check; /* the failed check: "service", "security-center", "installed", "scan" */
    char detail[400];
};
struct avs_journal_rec;
int avs_verdict_now(struct avs_verdict_now *out, const struct avs_catalog *cat,
                    const char *catalog_desc, const struct avs_journal_rec *recs, size_t n,
                    const char *run_id);

/* A short name of CHECK for events and status: "service", "security-center", "installed". */
const char *avs_verdict_check_name(enum avs_verdict_check check);

#endif
