/* The protection half of "compliant", re-checked when the verdict is given (core/verdict.h). */
#include "verdict.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "journal.h"
#include "os.h"
#include "scan.h"
#include "textutil.h"

int avs_wsc_state_enabled(uint32_t product_state)
{
    /* The whole nibble, not bits 12-13 alone: a state Windows adds later is not "enabled". */
    return ((product_state >> 12) & 0xFu) == 1;
}

int avs_verdict_wsc_is(const struct avs_catalog *cat, const struct avs_cat_approved *approved,
                       const char *display_name)
{
    if (!approved || !display_name)
        return 0;
    if (approved->name && avs_str_ieq(approved->name, display_name))
        return 1;
    return avs_catalog_approved_by_name(cat, display_name) == approved;
}

const char *avs_verdict_check_name(enum avs_verdict_check check)
{
    switch (check) {
    case AVS_VERDICT_OK: return "none";
    case AVS_VERDICT_SERVICE: return "service";
    case AVS_VERDICT_WSC: return "security-center";
    case AVS_VERDICT_INSTALLED: return "installed";
    }
    return "?";
}

#if defined(__MINGW32__)
#define VERDICT_FORMAT __attribute__((format(gnu_printf, 3, 4)))
#else
#define VERDICT_FORMAT __attribute__((format(printf, 3, 4)))
#endif

static VERDICT_FORMAT int fail(struct avs_verdict *out, enum avs_verdict_check check,
                               const char *fmt, ...)
{
    va_list ap;
    out->failed = check;
    va_start(ap, fmt);
    vsnprintf(out->detail, sizeof out->detail, fmt, ap);
    va_end(ap);
    return 0;
}

int avs_verdict_protection(struct avs_verdict *out, const struct avs_catalog *cat,
                           const struct avs_cat_approved *approved, const char *msi_code)
{
    enum avs_svc_state st = AVS_SVC_UNKNOWN;
    int startable = 0, installed = 0;
    memset(out, 0, sizeof *out);
    if (!approved || !approved->service)
        return AVS_EINVAL;
    const char *name = approved->name ? approved->name : approved->service;

    int rc = avs_os_service_query(&st, &startable, approved->service);
    if (rc)
        return fail(out, AVS_VERDICT_SERVICE, "the service %s of %s cannot be found",
                    approved->service, name);
    if (st != AVS_SVC_RUNNING)
        return fail(out, AVS_VERDICT_SERVICE, "the service %s of %s is not running",
                    approved->service, name);

    /* Installed: Windows Installer's own record for an MSI replacement. For a built-in or setup
     * program replacement the service found above is what "installed" can mean. */
    if (msi_code && *msi_code) {
        rc = avs_os_msi_installed(&installed, msi_code);
        if (rc)
            return fail(out, AVS_VERDICT_INSTALLED,
                        "Windows Installer cannot say whether %s (%s) is installed", name,
                        msi_code);
        if (!installed)
            return fail(out, AVS_VERDICT_INSTALLED,
                        "Windows Installer no longer has %s (%s) installed", name, msi_code);
    }

    struct avs_os_wsc_product *list = NULL;
    size_t n = 0;
    rc = avs_os_wsc_antivirus(&list, &n);
    if (rc == AVS_EUNAVAIL) {
        snprintf(out->detail, sizeof out->detail,
                 "service %s running; %s; Security Center not present", approved->service,
                 msi_code && *msi_code ? "installed (Windows Installer)" : "service present");
        return 0;
    }
    if (rc)
        return fail(out, AVS_VERDICT_WSC, "Security Center cannot be read: %s", avs_strerror(rc));
    int enabled = 0;
    for (size_t i = 0; i < n && !enabled; i++)
        enabled = avs_verdict_wsc_is(cat, approved, list[i].display_name) &&
                  avs_wsc_state_enabled(list[i].product_state);
    avs_os_wsc_free(list, n);
    if (!enabled)
        return fail(out, AVS_VERDICT_WSC,
                    "Security Center does not show %s enabled (off, snoozed, expired or "
                    "missing)",
                    name);
    snprintf(out->detail, sizeof out->detail, "service %s running; %s; Security Center: enabled",
             approved->service,
             msi_code && *msi_code ? "installed (Windows Installer)" : "service present");
    return 0;
}

int avs_verdict_now(struct avs_verdict_now *out, const struct avs_catalog *cat,
                    const char *catalog_desc, const struct avs_journal_rec *recs, size_t n,
                    const char *run_id)
{
    const char *service_rec = NULL, *name = NULL, *code = NULL;
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < n; i++) {
        const struct avs_journal_rec *r = &recs[i];
        if (!run_id || !r->run_id || strcmp(r->run_id, run_id) != 0 || r->phase != AVS_JPHASE_END)
            continue;
        if (r->step == AVS_JSTEP_REPLACEMENT_VERIFY && r->outcome == 0 && r->detail)
            service_rec = r->detail;
        else if (r->step == AVS_JSTEP_REPLACEMENT_INSTALL) {
            name = r->product;
            code = r->product_code;
        }
    }
    if (service_rec) {
        char service[128];
        struct avs_verdict v;
        size_t len = strcspn(service_rec, ";");
        snprintf(service, sizeof service, "%.*s", (int)len, service_rec);
        /* The catalog's own entry when it names that service (its match patterns find it in
         * Security Center); otherwise what the journal recorded (a site catalog's product). */
        struct avs_cat_approved recorded = {NULL, (char *)(name ? name : service), service, NULL, 0,
                                            0};
        const struct avs_cat_approved *a = avs_catalog_approved_by_service(cat, service);
        int rc = avs_verdict_protection(&v, cat, a ? a : &recorded, code);
        if (rc || v.failed != AVS_VERDICT_OK) {
            out->check = rc ? "service" : avs_verdict_check_name(v.failed);
            snprintf(out->detail, sizeof out->detail, "%s", rc ? avs_strerror(rc) : v.detail);
            return 0;
        }
    }
    struct avs_scan scan;
    memset(&scan, 0, sizeof scan);
    int rc = avs_scan_run(&scan, cat, catalog_desc);
    if (rc == AVS_ENOMEM)
        return rc;
    out->check = "scan";
    if (rc) {
        snprintf(out->detail, sizeof out->detail, "the scan failed: %s", avs_strerror(rc));
    } else if (scan.incomplete) {
        snprintf(out->detail, sizeof out->detail,
                 "an inventory source could not be read (event 2003)");
    } else if (scan.det.n_findings) {
        struct avs_buf b = AVS_BUF_INIT;
        for (size_t i = 0; i < scan.det.n_findings; i++)
            avs_buf_printf(&b, "%s%s", i ? "; " : "", scan.det.findings[i].name);
        snprintf(out->detail, sizeof out->detail, "prohibited software present: %s",
                 b.data ? b.data : "?");
        avs_buf_free(&b);
    } else {
        out->check = NULL;
        out->compliant = 1;
    }
    if (!rc)
        avs_scan_free(&scan);
    return 0;
}
