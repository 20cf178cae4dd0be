#include "scan.h"

#include <stdlib.h>
#include <string.h>

#include "avs_messages.h"
#include "avs_version.h"

void avs_scan_event(struct avs_scan *s, uint32_t id, const char *const *strings, size_t count)
{
    int err = avs_os_event_write(id, strings, count);
    if (err) {
        if (!s->event_failures)
            s->event_error = err;
        s->event_failures++;
    }
}

char *avs_scan_source_state(const struct avs_scan *s, enum avs_source_id id)
{
    struct avs_buf b = AVS_BUF_INIT;
    int err = s->inv.sources[id].err;
    if (err == 0)
        avs_buf_puts(&b, "ok");
    else if (err == AVS_EUNAVAIL && id == AVS_SRC_WSC)
        avs_buf_puts(&b, "unavailable: Security Center (root\\SecurityCenter2) is not present on "
                         "this edition of Windows");
    else if (err == AVS_EUNAVAIL && id == AVS_SRC_APPLOCKER)
        avs_buf_puts(&b, "unavailable: the Application Identity service (AppIDSvc) does not "
                         "exist, so AppLocker cannot enforce anything here");
    else if (err == AVS_EUNAVAIL)
        avs_buf_printf(&b, "unavailable: %s", avs_strerror(err));
    else
        avs_buf_printf(&b, "error: %s", avs_strerror(err));
    return avs_buf_detach(&b);
}

static char *sources_summary(const struct avs_scan *s)
{
    struct avs_buf b = AVS_BUF_INIT;
    for (int i = 0; i < AVS_SRC_COUNT; i++) {
        char *st = avs_scan_source_state(s, (enum avs_source_id)i);
        avs_buf_printf(&b, "%s%s %s", i ? "; " : "", avs_source_name((enum avs_source_id)i),
                       st ? st : "?");
        free(st);
    }
    return avs_buf_detach(&b);
}

static char *join_signals(const struct avs_finding *f)
{
    struct avs_buf b = AVS_BUF_INIT;
    for (size_t i = 0; i < f->n_signals; i++)
        avs_buf_printf(&b, "%s%s", i ? ", " : "", f->signals[i]);
    return avs_buf_detach(&b);
}

static int log_findings(struct avs_scan *s)
{
    const struct avs_detection *d = &s->det;
    for (size_t i = 0; i < d->n_findings; i++) {
        const struct avs_finding *f = &d->findings[i];
        char *sig = join_signals(f);
        if (!sig)
            return AVS_ENOMEM;
        const char *arch = avs_arch_name(f->arch);
        const char *str[8] = {
            f->name,
            f->version ? f->version : "(unknown)",
            f->publisher ? f->publisher : "(unknown)",
            f->product_code[0] ? f->product_code : "(none)",
            f->user_sid ? f->user_sid : "machine",
            arch ? arch : "(unknown)",
            avs_uninstall_name(f->uninstall),
            sig,
        };
        avs_scan_event(s, AVS_EV_PROHIBITED_FOUND, str, 8);
        free(sig);
    }
    for (size_t i = 0; i < d->n_approved; i++) {
        const char *str[3] = {d->approved[i].name, d->approved[i].state, d->approved[i].source};
        avs_scan_event(s, AVS_EV_APPROVED_FOUND, str, 3);
    }
    return 0;
}

static int log_outcome(struct avs_scan *s)
{
    char *sources = sources_summary(s);
    struct avs_buf names = AVS_BUF_INIT, count = AVS_BUF_INIT;
    int rc = 0;
    for (size_t i = 0; i < s->det.n_findings; i++)
        avs_buf_printf(&names, "%s%s", i ? "; " : "", s->det.findings[i].name);
    avs_buf_printf(&count, "%zu", s->det.n_findings);
    if (!sources || names.err || count.err) {
        rc = AVS_ENOMEM;
        goto done;
    }
    if (s->det.n_findings > 0) {
        const char *str[3] = {count.data, names.data, sources};
        avs_scan_event(s, AVS_EV_SCAN_NONCOMPLIANT, str, 3);
    } else if (!s->incomplete) {
        const char *str[1] = {sources};
        avs_scan_event(s, AVS_EV_SCAN_COMPLIANT, str, 1);
    } else {
        const char *str[2] = {"inventory", "a source could not be read; see event 2003"};
        avs_scan_event(s, AVS_EV_SCAN_FAILED, str, 2);
    }
done:
    free(sources);
    avs_buf_free(&names);
    avs_buf_free(&count);
    return rc;
}

/* What AppLocker enforces against the vendor: one event per scan, whatever it found, so an
 * auditor sees "discontinue future use" machine by machine. */
static void log_applocker(struct avs_scan *s)
{
    char *st = avs_scan_source_state(s, AVS_SRC_APPLOCKER);
    const char *str[3] = {avs_applocker_level_name(s->inv.applocker.level), st ? st : "?",
                          s->inv.applocker.detail ? s->inv.applocker.detail : ""};
    avs_scan_event(s, AVS_EV_APPLOCKER_STATE, str, 3);
    free(st);
}

static int log_sources(struct avs_scan *s)
{
    for (int i = 0; i < AVS_SRC_COUNT; i++) {
        int err = s->inv.sources[i].err;
        /* AppLocker has its own event (2030): it is reported, never a gap in the inventory. */
        if (!err || i == AVS_SRC_APPLOCKER)
            continue;
        char *st = avs_scan_source_state(s, (enum avs_source_id)i);
        if (!st)
            return AVS_ENOMEM;
        /* The state reads "unavailable: why" or "error: why"; the event wants the why. */
        const char *why = strchr(st, ':') ? strchr(st, ':') + 2 : st;
        const char *str[2] = {avs_source_name((enum avs_source_id)i), why};
        avs_scan_event(s, err == AVS_EUNAVAIL ? AVS_EV_SOURCE_UNAVAILABLE : AVS_EV_SOURCE_FAILED,
                       str, 2);
        free(st);
    }
    size_t n =
        s->inv.n_notes < AVS_SCAN_MAX_NOTE_EVENTS ? s->inv.n_notes : AVS_SCAN_MAX_NOTE_EVENTS;
    for (size_t i = 0; i < n; i++) {
        const struct avs_note *note = &s->inv.notes[i];
        const char *str[3] = {note->key, note->value, note->problem};
        avs_scan_event(s, note->event ? note->event : AVS_EV_REGISTRY_ANOMALY, str, 3);
    }
    return 0;
}

int avs_scan_run(struct avs_scan *out, const struct avs_catalog *cat, const char *catalog_desc)
{
    int rc;
    memset(out, 0, sizeof *out);
    if ((rc = avs_os_identity(&out->who)) != 0)
        return rc;
    {
        const char *str[4] = {AVS_VERSION, out->who.host, out->who.user, catalog_desc};
        avs_scan_event(out, AVS_EV_SCAN_STARTED, str, 4);
    }
    if ((rc = avs_inventory_collect(&out->inv, cat)) != 0 ||
        (rc = avs_detect(&out->det, &out->inv, cat)) != 0)
        goto done;
    /* AppLocker never changes compliance or the exit code: it says what happens next time. */
    for (int i = 0; i < AVS_SRC_COUNT; i++)
        if (out->inv.sources[i].err && out->inv.sources[i].err != AVS_EUNAVAIL &&
            i != AVS_SRC_APPLOCKER)
            out->incomplete = 1;
    log_applocker(out);
    if ((rc = log_sources(out)) != 0 || (rc = log_findings(out)) != 0 ||
        (rc = log_outcome(out)) != 0)
        goto done;
done:
    if (rc) {
        const char *str[2] = {"scan", avs_strerror(rc)};
        avs_scan_event(out, AVS_EV_SCAN_FAILED, str, 2);
        avs_scan_free(out);
    }
    return rc;
}

int avs_scan_compliant(const struct avs_scan *s)
{
    return s->det.n_findings == 0 && !s->incomplete;
}

void avs_scan_free(struct avs_scan *s)
{
    avs_inventory_free(&s->inv);
    avs_detection_free(&s->det);
    avs_os_identity_free(&s->who);
    memset(s, 0, sizeof *s);
}
