/* Preflight: everything that must hold before the first removal. A failed check blocks the plan
 * with nothing removed (1602), or defers it (1618 busy, 3010 restart first). */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "avs_messages.h"
#include "backoff.h"
#include "exitcode.h"
#include "reboot_pending.h"
#include "remediate_int.h"

/* Space AvSwap wants free on the ProgramData volume beyond the staged replacement: MSI caches,
 * logs and the journal. */
#define AVS_DISK_RESERVE (200ull * 1024 * 1024)

struct pf {
    struct rctx *c;
    int code;          /* the first failure's exit code, 0 while all passed */
    const char *check; /* its name */
    char reason[512];  /* its reason */
    uint32_t event;    /* its event (3003, or 3004 for a hash mismatch) */
    int pending_code;  /* the code of the failure being recorded */
};

#if defined(__MINGW32__)
#define PF_FORMAT __attribute__((format(gnu_printf, 3, 4)))
#else
#define PF_FORMAT __attribute__((format(printf, 3, 4)))
#endif

static PF_FORMAT int note(struct pf *p, const char *check, const char *fmt, ...)
{
    char line[600], text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    snprintf(line, sizeof line, "%s: %s", check, text);
    return avs_rem_push(&p->c->r->checks, &p->c->r->n_checks, line);
}

/* Records a failed check (the first one decides the outcome): CODE, then the text. */
static PF_FORMAT int fail_(struct pf *p, const char *check, const char *fmt, ...)
{
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (!p->code) {
        p->code = p->pending_code;
        p->check = check;
        p->event = AVS_EV_PREFLIGHT_BLOCKED;
        snprintf(p->reason, sizeof p->reason, "%s", text);
    }
    return note(p, check, "%s", text);
}

#define fail(p, code, ...) ((p)->pending_code = (code), fail_((p), __VA_ARGS__))

static int check_reboot(struct pf *p)
{
    struct rctx *c = p->c;
    int pending = 0, marker = 0;
    char *why = NULL;

    if (c->r->resumed && c->state.reboot_pending) {
        int rc = avs_os_reboot_marker_present(&marker, c->r->run_id);
        if (rc)
            return rc;
        if (marker)
            return fail(p, AVS_EXIT_REBOOT, "restart",
                        "this run is waiting for the restart it asked for");
        if (c->state.reboot.state == AVS_STEP_INTERRUPTED && !c->o->dry_run) {
            struct avs_journal_entry e = {AVS_JSTEP_REBOOT,   AVS_JPHASE_END, NULL, NULL, NULL, 0,
                                          "Windows restarted"};
            if ((rc = avs_rem_record(c, &e, 0, NULL, 0)) != 0)
                return rc;
        }
        if ((rc = note(p, "restart", "the restart this run needed has happened")) != 0)
            return rc;
    }
    int rc = avs_reboot_pending(&pending, &why);
    if (rc) {
        free(why);
        return rc == AVS_ENOMEM
                   ? rc
                   : fail(p, AVS_EXIT_FAILED, "restart", "cannot tell: %s", avs_strerror(rc));
    }
    if (pending && c->r->resumed)
        rc = fail(p, AVS_EXIT_REBOOT, "restart", "Windows still has a restart pending (%s)", why);
    else if (pending)
        rc = fail(p, AVS_EXIT_BLOCKED, "restart",
                  "Windows has a restart pending (%s); restart first, then run AvSwap again", why);
    else
        rc = note(p, "restart", "none pending");
    free(why);
    return rc;
}

/* Waits, with bounded and jittered backoff, while another installation runs. */
static int check_installer(struct pf *p)
{
    struct rctx *c = p->c;
    struct avs_backoff b;
    int busy = 0, rc;
    uint64_t waited = 0;
    uint32_t budget = c->o->busy_timeout_ms;

    avs_backoff_init(&b, 1000, 15000, budget);
    for (;;) {
        if ((rc = avs_os_installer_busy(&busy)) != 0)
            return fail(p, AVS_EXIT_FAILED, "installer", "cannot tell whether it is busy: %s",
                        avs_strerror(rc));
        if (!busy)
            break;
        uint32_t delay, rnd = 0;
        if (c->o->dry_run || avs_os_random(&rnd, sizeof rnd) != 0 ||
            avs_backoff_next(&delay, &b, rnd) != 0) {
            char s[32];
            snprintf(s, sizeof s, "%" PRIu64, waited / 1000);
            const char *str[1] = {s};
            if (!c->o->dry_run)
                avs_rem_event(c, AVS_EV_INSTALLER_BUSY, str, 1);
            return fail(p, AVS_EXIT_BUSY, "installer",
                        "another installation is in progress (Windows Installer is busy)%s; "
                        "run AvSwap again later",
                        c->o->dry_run ? "" : " and stayed busy while AvSwap waited");
        }
        avs_os_sleep_ms(delay);
        waited += delay;
    }
    return note(p, "installer", "not busy");
}

static int check_disk(struct pf *p)
{
    struct rctx *c = p->c;
    uint64_t free_bytes = 0, need = AVS_DISK_RESERVE;
    struct avs_os_path_facts facts;
    char text[160];

    if (c->o->replacement && avs_os_path_facts(&facts, c->o->replacement) == 0 && facts.exists)
        need += 2 * facts.size;
    int rc = avs_os_disk_free(&free_bytes, c->folders.program_data);
    if (rc)
        return fail(p, AVS_EXIT_FAILED, "disk", "cannot read free space: %s", avs_strerror(rc));
    snprintf(text, sizeof text,
             "%" PRIu64 " MiB free on the ProgramData volume, %" PRIu64 " MiB needed",
             free_bytes >> 20, (need + (1 << 20) - 1) >> 20);
    if (free_bytes < need)
        return fail(p, AVS_EXIT_BLOCKED, "disk", "%s", text);
    return note(p, "disk", "%s", text);
}

/* The vendor signs its uninstallers: with a deny rule for its signers enforced in the context
 * AvSwap runs in (an administrator's session; SYSTEM only with the services extension), Windows
 * refuses to start them and the run would stop half-way, after the first removals. */
static int check_applocker(struct pf *p)
{
    struct rctx *c = p->c;
    const struct avs_applocker_state *al = &c->scan.inv.applocker;
    int system = c->who.user_sid && strcmp(c->who.user_sid, "S-1-5-18") == 0;
    const char *where = system ? "SYSTEM (the AvSwap service)" : "an administrator's session";
    const char *level = avs_applocker_level_name(al->level);
    const struct avs_finding *hit = NULL;

    for (size_t i = 0; i < c->scan.det.n_findings && !hit; i++) {
        const char *why = NULL;
        const struct avs_finding *f = &c->scan.det.findings[i];
        if (f->uninstall == AVS_UNINSTALL_EXE && avs_rem_removable(c, f, &why))
            hit = f;
    }
    /* Short lines: the checks are joined into one event string (3002, 3009). */
    if (!hit)
        return note(p, "applocker", "%s", level);
    if (!(system ? al->deny_system : al->deny_admin))
        return note(p, "applocker", "%s%s", level,
                    al->level == AVS_APPLOCKER_ABSENT ? "" : ", does not deny it here");
    int first = !p->code;
    int rc = fail(p, AVS_EXIT_BLOCKED, "applocker",
                  "%s is removed by the vendor's signed uninstaller, which AppLocker denies for "
                  "%s (%s: %s); remove the products before deploying the AppLocker policy",
                  hit->name, where, level, al->detail ? al->detail : "");
    if (first && p->code)
        p->event = AVS_EV_APPLOCKER_BLOCKED;
    return rc;
}

int avs_rem_preflight(struct rctx *c)
{
    struct pf p;
    int rc;
    memset(&p, 0, sizeof p);
    p.c = c;

    if (!c->o->dry_run) {
        struct avs_journal_entry b = {
            AVS_JSTEP_PREFLIGHT, AVS_JPHASE_BEGIN, NULL, NULL, NULL, 0, NULL};
        if (avs_rem_record(c, &b, 0, NULL, 0))
            return c->r->exit_code;
    }
    if (c->who.elevated)
        rc = note(&p, "elevated", "yes");
    else
        rc = fail(&p, AVS_EXIT_BLOCKED, "elevated",
                  "AvSwap is not running elevated; run it from an administrator prompt");
    if (!rc && (c->o->dry_run || !p.code))
        rc = check_reboot(&p);
    if (!rc && (c->o->dry_run || !p.code))
        rc = check_disk(&p);
    /* The replacement was chosen, and a file staged and verified, before the plan was made. */
    if (!rc && c->repl == REPL_SERVICE)
        rc = note(&p, "replacement", "%s is present and may run (service %s)",
                  c->r->replacement_name, c->approved->service);
    else if (!rc && c->repl != REPL_NONE)
        rc = note(&p, "replacement", "%s staged in %s, SHA-256 verified", c->r->replacement_name,
                  c->staged);
    size_t unremovable = 0;
    for (size_t i = 0; !rc && i < c->scan.det.n_findings; i++) {
        const char *why = NULL;
        const struct avs_finding *f = &c->scan.det.findings[i];
        if (!avs_rem_removable(c, f, &why)) {
            unremovable++;
            char line[600];
            snprintf(line, sizeof line, "%s: cannot be removed safely (%s); left in place", f->name,
                     why);
            rc = note(&p, "uninstall", "%s", line);
        }
    }
    if (!rc && (c->o->dry_run || !p.code))
        rc = check_applocker(&p);
    /* Last: waiting for a busy installer is pointless when something else already blocks. */
    if (!rc && (c->o->dry_run || !p.code))
        rc = check_installer(&p);
    if (rc)
        return rc == AVS_ENOMEM ? rc
                                : avs_rem_stop(c, AVS_EXIT_FAILED, "preflight", avs_strerror(rc));

    if (c->o->dry_run) {
        /* A dry run reports; its exit code says what a real run would do: blocked first, else
         * failed at the end when a product cannot be removed safely (event 3005). */
        if (p.code)
            avs_rem_stop(c, p.code, p.check, p.reason);
        else if (unremovable)
            avs_rem_stop(c, AVS_EXIT_FAILED, "remove",
                         "a prohibited product cannot be removed safely and would be left in place");
        return 0;
    }
    struct avs_buf checks = AVS_BUF_INIT;
    for (size_t i = 0; i < c->r->n_checks; i++)
        avs_buf_printf(&checks, "%s%s", i ? "; " : "", c->r->checks[i]);
    if (checks.err)
        return checks.err;
    struct avs_journal_entry e = {AVS_JSTEP_PREFLIGHT,     AVS_JPHASE_END, NULL, NULL, NULL, p.code,
                                  p.code ? p.reason : NULL};
    if (p.code) {
        const char *s[2] = {p.check, p.reason};
        rc = avs_rem_record(c, &e, p.event ? p.event : 0, s, p.event ? 2 : 0);
        avs_buf_free(&checks);
        return rc ? c->r->exit_code : avs_rem_stop(c, p.code, p.check, p.reason);
    }
    const char *s[1] = {checks.data};
    rc = avs_rem_record(c, &e, AVS_EV_PREFLIGHT_PASSED, s, 1);
    avs_buf_free(&checks);
    return rc ? c->r->exit_code : 0;
}
