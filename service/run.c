/* One engine run of the service (run.h). */
#include "run.h"

#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "avs_messages.h"
#include "buf.h"
#include "catalog.h"
#include "exitcode.h"
#include "remediate.h"

const char *avs_svc_trigger_name(enum avs_svc_trigger t)
{
    switch (t) {
    case AVS_SVC_TRIGGER_START: return "service start";
    case AVS_SVC_TRIGGER_CHANGE: return "installed programs changed";
    case AVS_SVC_TRIGGER_POLICY: return "policy changed";
    case AVS_SVC_TRIGGER_DAILY: return "daily run";
    case AVS_SVC_TRIGGER_RETRY: return "retry after busy";
    }
    return "?";
}

static void fault(const char *step, int err)
{
    const char *str[2] = {step, avs_strerror(err)};
    avs_os_event_write(AVS_EV_SVC_RUN_FAILED, str, 2);
}

static void audit(struct avs_svc_run *r, const struct avs_catalog *cat, const char *desc)
{
    struct avs_audit_result a;
    int rc = avs_audit_run(&a, cat, desc, "default");
    r->exit_code = rc ? AVS_EXIT_FAILED : 0;
    if (rc)
        fault("audit scan", rc);
}

static void enforce(struct avs_svc_run *r, const struct avs_catalog *cat, const char *desc)
{
    struct avs_remediate_opts o;
    struct avs_remediate_result res;
    memset(&o, 0, sizeof o);
    o.busy_timeout_ms = AVS_BUSY_TIMEOUT_DEFAULT_MS;
    o.catalog = cat;
    o.catalog_desc = desc;
    o.reboot = AVS_REBOOT_NEVER; /* the service decides on reboots itself (reboot policy) */
    if (avs_remediate(&res, &o) != 0) {
        fault("remediate", AVS_ENOMEM);
        r->exit_code = AVS_EXIT_FAILED;
        return;
    }
    r->enforced = 1;
    r->exit_code = res.exit_code;
    r->reboot_required = res.exit_code == AVS_EXIT_REBOOT;
    if (res.exit_code == AVS_EXIT_BUSY) {
        /* Our own mutex stops the run at "start", before any journal; Windows Installer's
         * busy signal comes from the preflight or a removal. */
        if (res.step && strcmp(res.step, "start") == 0)
            r->engine_busy = 1;
        else
            r->installer_busy = 1;
    }
    avs_remediate_result_free(&res);
}

DWORD WINAPI avs_svc_run_thread(void *arg)
{
    struct avs_svc_run *r = arg;
    struct avs_catalog cat;
    struct avs_buf msg = AVS_BUF_INIT;
    r->exit_code = AVS_EXIT_FAILED;
    memset(&cat, 0, sizeof cat);
    {
        const char *str[2] = {avs_svc_trigger_name(r->trigger), r->enforce ? "enforce" : "audit"};
        avs_os_event_write(AVS_EV_SVC_RUN_STARTED, str, 2);
    }
    if (avs_catalog_load_builtin(&cat, &msg) != 0) {
        fault("built-in catalog", AVS_EFORMAT);
        goto done;
    }
    if (r->enforce)
        enforce(r, &cat, "built-in");
    else
        audit(r, &cat, "built-in");
done:
    avs_catalog_free(&cat);
    avs_buf_free(&msg);
    return 0;
}
