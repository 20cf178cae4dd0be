/* The audit run (audit.h): a scan plus the audit outcome event. */
#include "audit.h"

#include <stdlib.h>
#include <string.h>

#include "avs_messages.h"
#include "buf.h"
#include "scan.h"

int avs_audit_run(struct avs_audit_result *out, const struct avs_catalog *cat,
                  const char *catalog_desc, const char *mode_source)
{
    struct avs_scan scan;
    struct avs_buf names = AVS_BUF_INIT, count = AVS_BUF_INIT;
    memset(out, 0, sizeof *out);
    int rc = avs_scan_run(&scan, cat, catalog_desc);
    if (rc) {
        const char *str[2] = {"scan", avs_strerror(rc)};
        avs_os_event_write(AVS_EV_AUDIT_INCOMPLETE, str, 2);
        return rc;
    }
    out->n_findings = scan.det.n_findings;
    out->incomplete = scan.incomplete;
    out->compliant = avs_scan_compliant(&scan);
    for (size_t i = 0; i < scan.det.n_findings; i++) {
        const struct avs_finding *f = &scan.det.findings[i];
        if (f->user_sid)
            out->n_per_user++;
        avs_buf_printf(&names, "%s%s%s%s", i ? "; " : "", f->name,
                       f->user_sid ? " (installed for " : "", f->user_sid ? f->user_sid : "");
        if (f->user_sid)
            avs_buf_puts(&names, ")");
    }
    avs_buf_printf(&count, "%zu", out->n_findings);
    if (names.err || count.err) {
        rc = AVS_ENOMEM;
        goto done;
    }
    if (out->n_findings > 0) {
        const char *str[3] = {count.data, names.data, mode_source};
        avs_os_event_write(AVS_EV_AUDIT_FOUND, str, 3);
    } else if (!out->incomplete) {
        const char *str[1] = {mode_source};
        avs_os_event_write(AVS_EV_AUDIT_COMPLIANT, str, 1);
    } else {
        const char *str[2] = {"inventory", "a source could not be read; see event 2003"};
        avs_os_event_write(AVS_EV_AUDIT_INCOMPLETE, str, 2);
    }
done:
    avs_buf_free(&names);
    avs_buf_free(&count);
    avs_scan_free(&scan);
    return rc;
}
