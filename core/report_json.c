/* `avswap report --json` (see report.h):
 * {"totals": {...}, "by_product": [...], "machines": [...], "inputs": [...], "span": {...},
 *  "notes": {...}}. */
#include <string.h>

#include "journal.h"
#include "json.h"
#include "report.h"

static void time_kv(struct avs_json *j, const char *key, int64_t ms)
{
    char t[25];
    avs_json_key(j, key);
    if (ms && avs_journal_format_time(t, ms) == 0)
        avs_json_string(j, t);
    else
        avs_json_null(j);
}

static void product(struct avs_json *j, const struct avs_report_product *p)
{
    avs_json_object_begin(j);
    avs_json_kv_string(j, "name", p->name);
    avs_json_kv_string(j, "version_found", p->version_found);
    avs_json_kv_string(j, "version_removed", p->version_removed);
    time_kv(j, "first_found_utc", p->first_found_ms);
    time_kv(j, "removed_utc", p->removed_ms);
    avs_json_kv_bool(j, "remaining", p->remaining);
    avs_json_object_end(j);
}

static void machine(struct avs_json *j, const struct avs_report_machine *m)
{
    avs_json_object_begin(j);
    avs_json_kv_string(j, "machine", m->name);
    avs_json_kv_string(j, "state", avs_report_state_name(m->state));
    avs_json_key(j, "state_event");
    if (m->state_event)
        avs_json_int(j, m->state_event);
    else
        avs_json_null(j);
    avs_json_kv_string(j, "state_reason", m->state_reason);
    avs_json_kv_bool(j, "expected", m->expected);
    avs_json_kv_bool(j, "with_prohibited", m->with_prohibited);
    avs_json_kv_bool(j, "remediated", m->remediated);
    avs_json_key(j, "products");
    avs_json_array_begin(j);
    for (size_t i = 0; i < m->n_products; i++)
        product(j, &m->products[i]);
    avs_json_array_end(j);
    avs_json_kv_string(j, "replacement", m->replacement);
    avs_json_key(j, "run_ids");
    avs_json_array_begin(j);
    for (size_t i = 0; i < m->n_run_ids; i++)
        avs_json_string(j, m->run_ids[i]);
    avs_json_array_end(j);
    avs_json_kv_string(j, "last_run_id", m->last_run_id);
    avs_json_kv_int(j, "events", (int64_t)m->events);
    time_kv(j, "first_event_utc", m->first_event_ms);
    time_kv(j, "last_event_utc", m->last_event_ms);
    time_kv(j, "first_prohibited_utc", m->first_prohibited_ms);
    time_kv(j, "remediated_utc", m->remediated_ms);
    avs_json_key(j, "evidence");
    avs_json_object_begin(j);
    avs_json_kv_string(j, "chain", avs_report_evidence_name(m->evidence));
    avs_json_kv_int(j, "last_seq", m->evidence_last_seq);
    avs_json_kv_int(j, "missing", (int64_t)m->evidence_missing);
    avs_json_key(j, "first_gap_seq");
    if (m->evidence_first_gap)
        avs_json_int(j, m->evidence_first_gap);
    else
        avs_json_null(j);
    avs_json_kv_bool(j, "tail_open", m->evidence_tail_open);
    avs_json_object_end(j);
    avs_json_object_end(j);
}

void avs_report_write_json(struct avs_buf *out, const struct avs_report *r)
{
    struct avs_json j;
    const struct avs_report_totals *t = &r->totals;
    avs_json_init(&j, out);
    avs_json_object_begin(&j);
    avs_json_key(&j, "totals");
    avs_json_object_begin(&j);
    avs_json_kv_int(&j, "machines", (int64_t)t->machines);
    avs_json_kv_int(&j, "with_prohibited", (int64_t)t->with_prohibited);
    avs_json_kv_int(&j, "remediated", (int64_t)t->remediated);
    avs_json_kv_int(&j, "remaining", (int64_t)t->remaining);
    avs_json_kv_int(&j, "failed", (int64_t)t->failed);
    avs_json_kv_int(&j, "silent", (int64_t)t->silent);
    avs_json_key(&j, "by_state");
    avs_json_object_begin(&j);
    for (int s = 0; s < AVS_RSTATE_COUNT; s++)
        avs_json_kv_int(&j, avs_report_state_name((enum avs_report_state)s),
                        (int64_t)t->by_state[s]);
    avs_json_object_end(&j);
    avs_json_object_end(&j);

    avs_json_key(&j, "by_product");
    avs_json_array_begin(&j);
    for (size_t i = 0; i < r->n_by_product; i++) {
        avs_json_object_begin(&j);
        avs_json_kv_string(&j, "product", r->by_product[i].name);
        avs_json_kv_int(&j, "found", (int64_t)r->by_product[i].found);
        avs_json_kv_int(&j, "removed", (int64_t)r->by_product[i].removed);
        avs_json_kv_int(&j, "remaining", (int64_t)r->by_product[i].remaining);
        avs_json_object_end(&j);
    }
    avs_json_array_end(&j);

    avs_json_key(&j, "machines");
    avs_json_array_begin(&j);
    for (size_t i = 0; i < r->n_machines; i++)
        machine(&j, &r->machines[i]);
    avs_json_array_end(&j);

    avs_json_key(&j, "inputs");
    avs_json_array_begin(&j);
    for (size_t i = 0; i < r->n_inputs; i++) {
        const struct avs_report_input *in = &r->inputs[i];
        avs_json_object_begin(&j);
        avs_json_kv_string(&j, "file", in->path);
        avs_json_kv_string(&j, "sha256", in->sha256);
        avs_json_kv_int(&j, "bytes", (int64_t)in->bytes);
        avs_json_kv_string(&j, "kind", in->journal ? "evidence-export" : "events");
        avs_json_kv_int(&j, "events", (int64_t)in->events);
        time_kv(&j, "first_utc", in->first_ms);
        time_kv(&j, "last_utc", in->last_ms);
        avs_json_object_end(&j);
    }
    avs_json_array_end(&j);
    avs_json_key(&j, "span");
    avs_json_object_begin(&j);
    time_kv(&j, "first_utc", r->first_ms);
    time_kv(&j, "last_utc", r->last_ms);
    avs_json_object_end(&j);

    const struct avs_report_notes *n = &r->notes;
    avs_json_key(&j, "notes");
    avs_json_object_begin(&j);
    avs_json_kv_int(&j, "unknown_events", (int64_t)n->unknown_events);
    avs_json_key(&j, "unknown_ids");
    avs_json_array_begin(&j);
    for (size_t i = 0; i < n->unknown_distinct && i < AVS_REPORT_MAX_UNKNOWN_IDS; i++) {
        avs_json_object_begin(&j);
        avs_json_kv_int(&j, "id", n->unknown_ids[i]);
        avs_json_kv_int(&j, "events", (int64_t)n->unknown_id_events[i]);
        avs_json_object_end(&j);
    }
    avs_json_array_end(&j);
    avs_json_kv_int(&j, "malformed_events", (int64_t)n->malformed);
    avs_json_kv_int(&j, "other_providers", (int64_t)n->other_providers);
    avs_json_kv_int(&j, "products_not_listed", (int64_t)n->dropped_products);
    avs_json_kv_int(&j, "run_ids_not_listed", (int64_t)n->dropped_runs);
    avs_json_kv_int(&j, "strings_cut", (int64_t)n->truncated_text);
    avs_json_object_end(&j);
    avs_json_object_end(&j);
    avs_buf_putc(out, '\n');
}
