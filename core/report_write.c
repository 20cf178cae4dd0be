/* `avswap report`'s text summary and CSV (see report.h). Every string in them came from an
 * event a machine sent, so the text escapes control characters (a name must not rewrite the
 * auditor's terminal) and the CSV neutralises what a spreadsheet would run as a formula. */
#include <inttypes.h>
#include <string.h>

#include "journal.h"
#include "report.h"

/* "2026-12-02T06:34:40Z" ("" for 0): the CSV's and the text's times, to the second. */
static void utc(char out[25], int64_t ms)
{
    out[0] = '\0';
    if (ms && avs_journal_format_time(out, ms) == 0) {
        out[19] = 'Z';
        out[20] = '\0';
    }
}

/* S for a terminal: control characters as \xNN. */
static void put_safe(struct avs_buf *out, const char *s)
{
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c == 0x7f)
            avs_buf_printf(out, "\\x%02X", c);
        else
            avs_buf_putc(out, (char)c);
    }
}

/* The found, removed or remaining column: "Name version; Name version". */
enum list_kind { L_FOUND, L_REMOVED, L_REMAINING };

static void product_list(struct avs_buf *out, const struct avs_report_machine *m,
                         enum list_kind kind)
{
    int first = 1;
    for (size_t i = 0; i < m->n_products; i++) {
        const struct avs_report_product *p = &m->products[i];
        const char *v = kind == L_REMOVED ? p->version_removed : p->version_found;
        if ((kind == L_REMOVED && !p->removed_ms) || (kind == L_REMAINING && !p->remaining))
            continue;
        if (!v && kind != L_REMOVED)
            v = p->version_removed; /* only seen through its removal */
        avs_buf_printf(out, "%s%s%s%s", first ? "" : "; ", p->name, v && *v ? " " : "", v ? v : "");
        first = 0;
    }
}

static void evidence_words(struct avs_buf *out, const struct avs_report_machine *m)
{
    avs_buf_puts(out, avs_report_evidence_name(m->evidence));
    if (m->evidence == AVS_REVIDENCE_NONE)
        return;
    avs_buf_printf(out, " (last seq %" PRId64, m->evidence_last_seq);
    if (m->evidence_missing)
        avs_buf_printf(out, ", %zu missing from seq %" PRId64, m->evidence_missing,
                       m->evidence_first_gap);
    if (m->evidence_tail_open)
        avs_buf_puts(out, ", no outcome after it");
    avs_buf_putc(out, ')');
}

static void span(struct avs_buf *out, int64_t first, int64_t last)
{
    char a[25], b[25];
    utc(a, first);
    utc(b, last);
    if (first)
        avs_buf_printf(out, "%s to %s", a, b);
    else
        avs_buf_puts(out, "no events");
}

void avs_report_write_text(struct avs_buf *out, const struct avs_report *r)
{
    const struct avs_report_totals *t = &r->totals;
    avs_buf_puts(out, "AvSwap fleet report\n\nInputs:\n");
    for (size_t i = 0; i < r->n_inputs; i++) {
        const struct avs_report_input *in = &r->inputs[i];
        avs_buf_puts(out, "  ");
        put_safe(out, in->path);
        avs_buf_printf(out, "\n    SHA-256 %s, %" PRIu64 " bytes, %zu %s, ", in->sha256, in->bytes,
                       in->events, in->journal ? "journal record(s)" : "AvSwap event(s)");
        span(out, in->first_ms, in->last_ms);
        avs_buf_putc(out, '\n');
    }
    avs_buf_puts(out, "Events from ");
    span(out, r->first_ms, r->last_ms);
    avs_buf_printf(out,
                   "\n\nTotals (BOD 17-01):\n"
                   "  Machines seen:                    %zu\n"
                   "  With prohibited software (ever):  %zu\n"
                   "  Remediated:                       %zu\n"
                   "  Remaining:                        %zu\n"
                   "  Failed or blocked:                %zu\n"
                   "  Silent (expected, never reported): %zu\n\nBy state:",
                   t->machines, t->with_prohibited, t->remediated, t->remaining, t->failed,
                   t->silent);
    for (int s = 0; s < AVS_RSTATE_COUNT; s++)
        if (t->by_state[s])
            avs_buf_printf(out, " %s %zu", avs_report_state_name((enum avs_report_state)s),
                           t->by_state[s]);
    avs_buf_puts(out, "\n\nBy product (machines): found, removed, remaining\n");
    for (size_t i = 0; i < r->n_by_product; i++) {
        avs_buf_puts(out, "  ");
        put_safe(out, r->by_product[i].name);
        avs_buf_printf(out, ": %zu, %zu, %zu\n", r->by_product[i].found, r->by_product[i].removed,
                       r->by_product[i].remaining);
    }
    if (!r->n_by_product)
        avs_buf_puts(out, "  (no prohibited software seen)\n");
    avs_buf_puts(out, "\nMachines:\n");
    for (size_t i = 0; i < r->n_machines; i++) {
        const struct avs_report_machine *m = &r->machines[i];
        char last[25];
        struct avs_buf col = AVS_BUF_INIT;
        utc(last, m->last_event_ms);
        avs_buf_puts(out, "  ");
        put_safe(out, m->name);
        avs_buf_printf(out, ": %s", avs_report_state_name(m->state));
        if (m->state_reason) {
            avs_buf_puts(out, " (");
            put_safe(out, m->state_reason);
            avs_buf_putc(out, ')');
        }
        if (m->state != AVS_RSTATE_SILENT)
            avs_buf_printf(out, ", last event %s", last);
        avs_buf_putc(out, '\n');
        static const char *const label[] = {"found", "removed", "remaining"};
        for (int k = L_FOUND; k <= L_REMAINING; k++) {
            col.len = 0;
            product_list(&col, m, (enum list_kind)k);
            if (col.len) {
                avs_buf_printf(out, "    %s: ", label[k]);
                put_safe(out, col.data);
                avs_buf_putc(out, '\n');
            }
        }
        avs_buf_free(&col);
        if (m->replacement) {
            avs_buf_puts(out, "    replacement: ");
            put_safe(out, m->replacement);
            avs_buf_putc(out, '\n');
        }
        if (m->last_run_id) {
            avs_buf_printf(out, "    runs: %zu, last ", m->n_run_ids);
            put_safe(out, m->last_run_id);
            avs_buf_putc(out, '\n');
        }
        if (m->state != AVS_RSTATE_SILENT) {
            avs_buf_puts(out, "    evidence: ");
            evidence_words(out, m);
            avs_buf_putc(out, '\n');
        }
    }
    const struct avs_report_notes *n = &r->notes;
    avs_buf_puts(out, "\nNotes:\n");
    if (n->unknown_events) {
        avs_buf_printf(out,
                       "  %zu AvSwap event(s) with an ID this version does not know, not "
                       "counted:",
                       n->unknown_events);
        for (size_t i = 0; i < n->unknown_distinct && i < AVS_REPORT_MAX_UNKNOWN_IDS; i++)
            avs_buf_printf(out, " %" PRIu32 " (%zu)", n->unknown_ids[i], n->unknown_id_events[i]);
        if (n->unknown_distinct > AVS_REPORT_MAX_UNKNOWN_IDS)
            avs_buf_puts(out, " ...");
        avs_buf_putc(out, '\n');
    }
    if (n->malformed)
        avs_buf_printf(out,
                       "  %zu AvSwap event(s) without an event ID, a computer or a valid "
                       "time, not counted\n",
                       n->malformed);
    if (n->other_providers)
        avs_buf_printf(out, "  %zu event(s) of other providers skipped\n", n->other_providers);
    if (n->dropped_products || n->dropped_runs)
        avs_buf_printf(out,
                       "  %zu product(s) and %zu run ID(s) beyond %d and %d per machine "
                       "not listed\n",
                       n->dropped_products, n->dropped_runs, AVS_REPORT_MAX_PRODUCTS,
                       AVS_REPORT_MAX_RUNS);
    if (n->truncated_text)
        avs_buf_printf(out, "  %zu string(s) cut at %d bytes\n", n->truncated_text,
                       AVS_REPORT_MAX_TEXT);
    if (!n->unknown_events && !n->malformed && !n->other_providers && !n->dropped_products &&
        !n->dropped_runs && !n->truncated_text)
        avs_buf_puts(out, "  none\n");
}

/* One CSV cell: quoted when it holds a comma, quote or line break; a leading = + - @ TAB or CR
 * (a formula to a spreadsheet, and the names come from machines users control) gets an
 * apostrophe first, which spreadsheets show as text. */
static void cell(struct avs_buf *out, const char *s, int last)
{
    s = s ? s : "";
    int formula = *s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t' || *s == '\r';
    int quote = formula || strpbrk(s, ",\"\r\n") != NULL;
    if (quote)
        avs_buf_putc(out, '"');
    if (formula)
        avs_buf_putc(out, '\'');
    for (; *s; s++) {
        if (*s == '"')
            avs_buf_putc(out, '"');
        avs_buf_putc(out, *s);
    }
    if (quote)
        avs_buf_putc(out, '"');
    avs_buf_puts(out, last ? "\r\n" : ",");
}

void avs_report_write_csv(struct avs_buf *out, const struct avs_report *r)
{
    struct avs_buf col = AVS_BUF_INIT;
    avs_buf_puts(out, "machine,state,found,removed,remaining,replacement,last_event_utc,run_id,"
                      "evidence\r\n");
    for (size_t i = 0; i < r->n_machines; i++) {
        const struct avs_report_machine *m = &r->machines[i];
        char last[25];
        utc(last, m->last_event_ms);
        cell(out, m->name, 0);
        cell(out, avs_report_state_name(m->state), 0);
        for (int k = L_FOUND; k <= L_REMAINING; k++) {
            col.len = 0;
            if (col.data)
                col.data[0] = '\0';
            product_list(&col, m, (enum list_kind)k);
            cell(out, col.data, 0);
        }
        cell(out, m->replacement, 0);
        cell(out, last, 0);
        cell(out, m->last_run_id, 0);
        col.len = 0;
        if (m->state != AVS_RSTATE_SILENT)
            evidence_words(&col, m);
        cell(out, col.len ? col.data : "", 1);
    }
    if (col.err)
        out->err = col.err;
    avs_buf_free(&col);
}
