/* `avswap report --html`: the auditor's page, one self-contained file.
 *
 * Self-contained and inert towards anything it shows: the page loads nothing (no scripts,
 * styles, fonts or images from elsewhere), and its Content-Security-Policy allows only the one
 * inline style and the one inline script it carries, by their SHA-256, computed here from the
 * very bytes written. A name that escaped its context anyway could therefore still not run.
 * Every string that came from an event (machine, product, version, replacement, reason, run
 * ID) and every input's path goes through core/html.h for the context it lands in; none is
 * ever written into the script, the style or the charts. The table is complete without the
 * script, which only sorts it; the print style keeps rows whole and the totals on page one. */
#include <inttypes.h>
#include <stddef.h>
#include <string.h>

#include "avs_version.h"
#include "error.h"
#include "html.h"
#include "report.h"
#include "report_svg.h"
#include "sha256.h"
#include "state.h"

/* core/report_html.css and core/report_html.js, embedded by the build (cmake/embed.cmake). */
extern const char avs_report_html_css[];
extern const size_t avs_report_html_css_len;
extern const char avs_report_html_js[];
extern const size_t avs_report_html_js_len;

/* Worst first when the auditor sorts by state: what needs action, then what is fine. */
static int state_rank(enum avs_report_state s)
{
    switch (s) {
    case AVS_RSTATE_FAILED: return 0;
    case AVS_RSTATE_BLOCKED: return 1;
    case AVS_RSTATE_SILENT: return 2;
    case AVS_RSTATE_NOT_COMPLIANT: return 3;
    case AVS_RSTATE_AUDIT: return 4;
    case AVS_RSTATE_REBOOT_PENDING: return 5;
    case AVS_RSTATE_UNKNOWN: return 6;
    case AVS_RSTATE_COMPLIANT: return 7;
    }
    return 8;
}

static void csp_hash(struct avs_buf *out, const char *data, size_t len)
{
    unsigned char d[AVS_SHA256_LEN];
    avs_sha256(d, data, len);
    avs_buf_puts(out, "'sha256-");
    avs_base64(out, d, sizeof d);
    avs_buf_putc(out, '\'');
}

static void utc(struct avs_buf *out, int64_t ms)
{
    char t[21];
    if (ms <= 0) {
        avs_buf_puts(out, "never");
        return;
    }
    avs_state_format_utc(t, ms);
    t[10] = ' '; /* "2026-12-02 03:04:05Z": a narrow column wraps between date and time */
    avs_buf_puts(out, t);
}

static void head(struct avs_buf *out, const struct avs_report *r)
{
    avs_buf_puts(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                      "script-src ");
    csp_hash(out, avs_report_html_js, avs_report_html_js_len);
    avs_buf_puts(out, "; style-src ");
    csp_hash(out, avs_report_html_css, avs_report_html_css_len);
    avs_buf_puts(out, "; base-uri 'none'; form-action 'none'\">\n"
                      "<meta name=\"referrer\" content=\"no-referrer\">\n"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    avs_buf_printf(out, "<meta name=\"generator\" content=\"AvSwap %s\">\n", AVS_VERSION);
    avs_buf_puts(out, "<title>AvSwap fleet report</title>\n<style>");
    avs_buf_append(out, avs_report_html_css, avs_report_html_css_len);
    avs_buf_puts(out, "</style>\n</head>\n<body>\n<header>\n<h1>AvSwap fleet report</h1>\n"
                      "<p class=\"sub\" id=\"span\">Events from ");
    utc(out, r->first_ms);
    avs_buf_puts(out, " to ");
    utc(out, r->last_ms);
    avs_buf_printf(out, " (UTC), read from %zu input(s); written by AvSwap %s.</p>\n</header>\n",
                   r->n_inputs, AVS_VERSION);
}

static void total(struct avs_buf *out, const char *id, const char *label, size_t n)
{
    avs_buf_printf(out, "<div><dt>%s</dt><dd id=\"total-%s\">%zu</dd></div>\n", label, id, n);
}

static void summary(struct avs_buf *out, const struct avs_report *r)
{
    const struct avs_report_totals *t = &r->totals;
    avs_buf_puts(out, "<section id=\"summary\">\n<h2>Summary (BOD 17-01)</h2>\n"
                      "<dl class=\"totals\">\n");
    total(out, "machines", "Machines seen", t->machines);
    total(out, "with_prohibited", "With prohibited software (ever)", t->with_prohibited);
    total(out, "remediated", "Remediated", t->remediated);
    total(out, "remaining", "Remaining (not remediated)", t->remaining);
    total(out, "failed", "Failed or blocked", t->failed);
    total(out, "silent", "Silent (expected, never reported)", t->silent);
    avs_buf_puts(out, "</dl>\n<div class=\"charts\">\n<figure>\n"
                      "<figcaption>Machines by latest state</figcaption>\n");
    avs_report_svg_states(out, r);
    avs_buf_puts(out, "</figure>\n<figure>\n<figcaption>Remediation progress over time"
                      "</figcaption>\n");
    avs_report_svg_progress(out, r);
    avs_buf_puts(out, "</figure>\n</div>\n</section>\n");
}

static void by_product(struct avs_buf *out, const struct avs_report *r)
{
    avs_buf_puts(out, "<section id=\"products\">\n<h2>By product</h2>\n");
    if (r->n_by_product == 0) {
        avs_buf_puts(out, "<p>No prohibited product was seen.</p>\n</section>\n");
        return;
    }
    avs_buf_puts(out, "<table id=\"by-product\">\n<thead><tr><th>Product</th>"
                      "<th class=\"num\">Machines found</th><th class=\"num\">Removed</th>"
                      "<th class=\"num\">Remaining</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < r->n_by_product; i++) {
        const struct avs_report_by_product *p = &r->by_product[i];
        avs_buf_puts(out, "<tr><td>");
        avs_html_text(out, p->name);
        avs_buf_printf(out,
                       "</td><td class=\"num\">%zu</td><td class=\"num\">%zu</td>"
                       "<td class=\"num\">%zu</td></tr>\n",
                       p->found, p->removed, p->remaining);
    }
    avs_buf_puts(out, "</tbody>\n</table>\n</section>\n");
}

/* NAME VERSION, the version in its own span so the eye finds it. */
static void product_item(struct avs_buf *out, const char *name, const char *version)
{
    avs_buf_puts(out, "<li>");
    avs_html_text(out, name);
    if (version && *version) {
        avs_buf_puts(out, " <span class=\"ver\">");
        avs_html_text(out, version);
        avs_buf_puts(out, "</span>");
    }
    avs_buf_puts(out, "</li>");
}

enum column { COL_FOUND, COL_REMOVED, COL_REMAINING };

static void products_cell(struct avs_buf *out, const struct avs_report_machine *m, enum column c)
{
    avs_buf_puts(out, "<td><ul>");
    for (size_t i = 0; i < m->n_products; i++) {
        const struct avs_report_product *p = &m->products[i];
        if (c == COL_FOUND && (p->version_found || p->first_found_ms))
            product_item(out, p->name, p->version_found);
        else if (c == COL_REMOVED && p->removed_ms)
            product_item(out, p->name, p->version_removed);
        else if (c == COL_REMAINING && p->remaining)
            product_item(out, p->name, p->version_found);
    }
    avs_buf_puts(out, "</ul></td>");
}

static void evidence_cell(struct avs_buf *out, const struct avs_report_machine *m)
{
    const char *word = avs_report_evidence_name(m->evidence);
    avs_buf_printf(out, "<td class=\"evidence-%s\">%s", word, word);
    if (m->evidence == AVS_REVIDENCE_CONSISTENT)
        avs_buf_printf(out, " (records 1&#8211;%" PRId64 ")", m->evidence_last_seq);
    else if (m->evidence == AVS_REVIDENCE_GAPS)
        avs_buf_printf(out, ": %zu of %" PRId64 " record(s) missing, first seq %" PRId64,
                       m->evidence_missing, m->evidence_last_seq, m->evidence_first_gap);
    avs_buf_puts(out, "</td>");
}

static void machine_row(struct avs_buf *out, const struct avs_report_machine *m)
{
    const char *word = avs_report_state_name(m->state);
    avs_buf_puts(out, "<tr><td>");
    avs_html_text(out, m->name);
    avs_buf_printf(out, "</td><td data-sort=\"%d\"><span class=\"state %s\">%s</span>",
                   state_rank(m->state), word, word);
    if (m->state_reason) {
        avs_buf_puts(out, "<br><small>");
        avs_html_text(out, m->state_reason);
        avs_buf_puts(out, "</small>");
    }
    avs_buf_puts(out, "</td>");
    products_cell(out, m, COL_FOUND);
    products_cell(out, m, COL_REMOVED);
    products_cell(out, m, COL_REMAINING);
    avs_buf_puts(out, "<td>");
    avs_html_text(out, m->replacement);
    avs_buf_printf(out, "</td><td data-sort=\"%" PRId64 "\">", m->last_event_ms);
    utc(out, m->last_event_ms);
    avs_buf_puts(out, "</td><td");
    if (m->n_run_ids > 1) {
        /* Every run ID, one a line, where the pointer rests on the last one. */
        avs_buf_puts(out, " title=\"");
        for (size_t i = 0; i < m->n_run_ids; i++) {
            if (i)
                avs_buf_puts(out, "&#10;");
            avs_html_attr(out, m->run_ids[i]);
        }
        avs_buf_putc(out, '"');
    }
    avs_buf_puts(out, "><code>");
    avs_html_text(out, m->last_run_id);
    avs_buf_puts(out, "</code>");
    if (m->n_run_ids > 1)
        avs_buf_printf(out, " <small>(%zu runs)</small>", m->n_run_ids);
    avs_buf_puts(out, "</td>");
    evidence_cell(out, m);
    avs_buf_puts(out, "</tr>\n");
}

static void machines(struct avs_buf *out, const struct avs_report *r)
{
    avs_buf_printf(out,
                   "<section id=\"machines-section\">\n<h2>Machines (%zu)</h2>\n"
                   "<table id=\"machines\">\n<thead><tr><th aria-sort=\"ascending\">Machine</th>"
                   "<th data-numeric=\"\">State</th><th>Found</th><th>Removed</th>"
                   "<th>Remaining</th><th>Replacement</th><th data-numeric=\"\">Last event "
                   "(UTC)</th><th>Run ID</th><th>Evidence</th></tr></thead>\n<tbody>\n",
                   r->n_machines);
    for (size_t i = 0; i < r->n_machines; i++)
        machine_row(out, &r->machines[i]);
    avs_buf_puts(out, "</tbody>\n</table>\n</section>\n");
}

static void inputs(struct avs_buf *out, const struct avs_report *r)
{
    avs_buf_puts(out, "<section id=\"inputs\">\n<h2>Inputs</h2>\n<table>\n<thead><tr>"
                      "<th>File</th><th>Kind</th><th>SHA-256</th><th class=\"num\">Bytes</th>"
                      "<th class=\"num\">Events</th><th>From (UTC)</th><th>To (UTC)</th></tr>"
                      "</thead>\n<tbody>\n");
    for (size_t i = 0; i < r->n_inputs; i++) {
        const struct avs_report_input *in = &r->inputs[i];
        avs_buf_puts(out, "<tr><td>");
        avs_html_text(out, in->path);
        avs_buf_printf(out, "</td><td>%s</td><td class=\"hash\">",
                       in->journal ? "evidence export (journal)" : "event export");
        avs_html_text(out, in->sha256);
        avs_buf_printf(out, "</td><td class=\"num\">%" PRIu64 "</td><td class=\"num\">%zu</td><td>",
                       in->bytes, in->events);
        utc(out, in->first_ms);
        avs_buf_puts(out, "</td><td>");
        utc(out, in->last_ms);
        avs_buf_puts(out, "</td></tr>\n");
    }
    avs_buf_puts(out, "</tbody>\n</table>\n</section>\n");
}

static void notes(struct avs_buf *out, const struct avs_report *r)
{
    const struct avs_report_notes *n = &r->notes;
    avs_buf_puts(out, "<section id=\"notes\">\n<h2>Notes</h2>\n<ul class=\"notes\">\n");
    int any = 0;
    if (n->unknown_events) {
        avs_buf_printf(out,
                       "<li id=\"note-unknown\">%zu AvSwap event(s) with an ID this report does "
                       "not know were not counted (ID: events):",
                       n->unknown_events);
        for (size_t i = 0; i < n->unknown_distinct && i < AVS_REPORT_MAX_UNKNOWN_IDS; i++)
            avs_buf_printf(out, "%s %" PRIu32 ": %zu", i ? "," : "", n->unknown_ids[i],
                           n->unknown_id_events[i]);
        if (n->unknown_distinct > AVS_REPORT_MAX_UNKNOWN_IDS)
            avs_buf_printf(out, ", and %zu more ID(s)",
                           n->unknown_distinct - AVS_REPORT_MAX_UNKNOWN_IDS);
        avs_buf_puts(out, ".</li>\n");
        any = 1;
    }
    static const struct {
        size_t off;
        const char *text;
    } counts[] = {
        {offsetof(struct avs_report_notes, malformed),
         "AvSwap event(s) without an EventID, Computer or valid TimeCreated were not counted."},
        {offsetof(struct avs_report_notes, other_providers),
         "event(s) of other providers were skipped."},
        {offsetof(struct avs_report_notes, dropped_products),
         "product(s) beyond the limit of one machine were not kept."},
        {offsetof(struct avs_report_notes, dropped_runs),
         "run ID(s) beyond the limit of one machine were not kept."},
        {offsetof(struct avs_report_notes, truncated_text), "over-long string(s) were cut."},
    };
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        size_t v;
        memcpy(&v, (const char *)n + counts[i].off, sizeof v);
        if (v) {
            avs_buf_printf(out, "<li>%zu %s</li>\n", v, counts[i].text);
            any = 1;
        }
    }
    if (!any)
        avs_buf_puts(out, "<li>None: every event was counted.</li>\n");
    avs_buf_puts(out, "</ul>\n</section>\n");
}

int avs_report_write_html(struct avs_buf *out, const struct avs_report *r)
{
    head(out, r);
    summary(out, r);
    by_product(out, r);
    machines(out, r);
    inputs(out, r);
    notes(out, r);
    avs_buf_puts(out, "<script>");
    avs_buf_append(out, avs_report_html_js, avs_report_html_js_len);
    avs_buf_puts(out, "</script>\n</body>\n</html>\n");
    return out->err ? out->err : 0;
}
