/* tests/report/mkpage — the host tool the Chromium checks (tests/report/run) make pages with:
 *   report_page FIXTURE.json OUT.html
 * reads a report as JSON (the fields of struct avs_report, core/report.h, by the same names;
 * tests/report/fixture.py writes them) and writes the page with avs_report_write_html(), the
 * code `avswap report --html` runs. A report given field by field lets the checks build any
 * page (hostile names, 10,000 machines, every state) and know what it must show. Never shipped. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "jsonread.h"
#include "report.h"

static const struct avs_jv *member(const struct avs_jv *o, const char *k)
{
    return avs_jv_member(o, k);
}

static int64_t num(const struct avs_jv *o, const char *k)
{
    const struct avs_jv *v = member(o, k);
    return v && v->type == AVS_JV_INT ? v->i : v && v->type == AVS_JV_BOOL ? v->b : 0;
}

static char *str(const struct avs_jv *o, const char *k)
{
    return avs_strdup(avs_jv_str(member(o, k)));
}

static size_t count(const struct avs_jv *o, const char *k)
{
    const struct avs_jv *v = member(o, k);
    return v && v->type == AVS_JV_ARRAY ? v->count : 0;
}

static const struct avs_jv *item(const struct avs_jv *o, const char *k, size_t i)
{
    return &member(o, k)->items[i];
}

static int state_of(const char *word)
{
    for (int s = 0; s < AVS_RSTATE_COUNT; s++)
        if (word && strcmp(word, avs_report_state_name(s)) == 0)
            return s;
    fprintf(stderr, "report_page: unknown state %s\n", word ? word : "(none)");
    exit(2);
}

static int evidence_of(const char *word)
{
    for (int e = AVS_REVIDENCE_NONE; e <= AVS_REVIDENCE_CONFLICT; e++)
        if (word && strcmp(word, avs_report_evidence_name(e)) == 0)
            return e;
    return AVS_REVIDENCE_NONE;
}

static void machine(struct avs_report_machine *m, const struct avs_jv *j)
{
    m->name = str(j, "name");
    m->expected = (int)num(j, "expected");
    m->events = (size_t)num(j, "events");
    m->state = state_of(avs_jv_str(member(j, "state")));
    m->state_ms = num(j, "state_ms");
    m->state_reason = str(j, "state_reason");
    m->n_products = count(j, "products");
    m->products = calloc(m->n_products + 1, sizeof *m->products);
    for (size_t i = 0; i < m->n_products; i++) {
        const struct avs_jv *p = item(j, "products", i);
        m->products[i].name = str(p, "name");
        m->products[i].version_found = str(p, "version_found");
        m->products[i].version_removed = str(p, "version_removed");
        m->products[i].first_found_ms = num(p, "first_found_ms");
        m->products[i].last_found_ms = num(p, "last_found_ms");
        m->products[i].removed_ms = num(p, "removed_ms");
        m->products[i].remaining = (int)num(p, "remaining");
    }
    m->replacement = str(j, "replacement");
    m->n_run_ids = count(j, "run_ids");
    m->run_ids = calloc(m->n_run_ids + 1, sizeof *m->run_ids);
    for (size_t i = 0; i < m->n_run_ids; i++)
        m->run_ids[i] = avs_strdup(avs_jv_str(item(j, "run_ids", i)));
    m->last_run_id = str(j, "last_run_id");
    m->first_event_ms = num(j, "first_event_ms");
    m->last_event_ms = num(j, "last_event_ms");
    m->first_prohibited_ms = num(j, "first_prohibited_ms");
    m->remediated_ms = num(j, "remediated_ms");
    m->with_prohibited = (int)num(j, "with_prohibited");
    m->remediated = (int)num(j, "remediated");
    m->evidence = evidence_of(avs_jv_str(member(j, "evidence")));
    m->evidence_last_seq = num(j, "evidence_last_seq");
    m->evidence_missing = (size_t)num(j, "evidence_missing");
    m->evidence_first_gap = num(j, "evidence_first_gap");
}

static void report(struct avs_report *r, const struct avs_jv *j)
{
    r->first_ms = num(j, "first_ms");
    r->last_ms = num(j, "last_ms");
    r->n_inputs = count(j, "inputs");
    r->inputs = calloc(r->n_inputs + 1, sizeof *r->inputs);
    for (size_t i = 0; i < r->n_inputs; i++) {
        const struct avs_jv *in = item(j, "inputs", i);
        r->inputs[i].path = str(in, "path");
        snprintf(r->inputs[i].sha256, sizeof r->inputs[i].sha256, "%s",
                 avs_jv_str(member(in, "sha256")) ? avs_jv_str(member(in, "sha256")) : "");
        r->inputs[i].bytes = (uint64_t)num(in, "bytes");
        r->inputs[i].journal = (int)num(in, "journal");
        r->inputs[i].events = (size_t)num(in, "events");
        r->inputs[i].first_ms = num(in, "first_ms");
        r->inputs[i].last_ms = num(in, "last_ms");
    }
    r->n_machines = count(j, "machines");
    r->machines = calloc(r->n_machines + 1, sizeof *r->machines);
    for (size_t i = 0; i < r->n_machines; i++)
        machine(&r->machines[i], item(j, "machines", i));
    r->n_by_product = count(j, "by_product");
    r->by_product = calloc(r->n_by_product + 1, sizeof *r->by_product);
    for (size_t i = 0; i < r->n_by_product; i++) {
        const struct avs_jv *p = item(j, "by_product", i);
        r->by_product[i].name = str(p, "name");
        r->by_product[i].found = (size_t)num(p, "found");
        r->by_product[i].removed = (size_t)num(p, "removed");
        r->by_product[i].remaining = (size_t)num(p, "remaining");
    }
    const struct avs_jv *t = member(j, "totals");
    r->totals.machines = (size_t)num(t, "machines");
    r->totals.with_prohibited = (size_t)num(t, "with_prohibited");
    r->totals.remediated = (size_t)num(t, "remediated");
    r->totals.remaining = (size_t)num(t, "remaining");
    r->totals.failed = (size_t)num(t, "failed");
    r->totals.silent = (size_t)num(t, "silent");
    const struct avs_jv *bs = member(t, "by_state");
    for (int s = 0; s < AVS_RSTATE_COUNT; s++)
        r->totals.by_state[s] = (size_t)num(bs, avs_report_state_name(s));
    const struct avs_jv *n = member(j, "notes");
    r->notes.unknown_events = (size_t)num(n, "unknown_events");
    r->notes.unknown_distinct = count(n, "unknown_ids");
    for (size_t i = 0; i < r->notes.unknown_distinct && i < AVS_REPORT_MAX_UNKNOWN_IDS; i++) {
        const struct avs_jv *u = item(n, "unknown_ids", i);
        r->notes.unknown_ids[i] = (uint32_t)num(u, "id");
        r->notes.unknown_id_events[i] = (size_t)num(u, "events");
    }
    r->notes.malformed = (size_t)num(n, "malformed");
    r->notes.other_providers = (size_t)num(n, "other_providers");
    r->notes.dropped_products = (size_t)num(n, "dropped_products");
    r->notes.dropped_runs = (size_t)num(n, "dropped_runs");
    r->notes.truncated_text = (size_t)num(n, "truncated_text");
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct avs_buf b = AVS_BUF_INIT;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        avs_buf_append(&b, chunk, n);
    fclose(f);
    *len = b.len;
    return avs_buf_detach(&b);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: report_page FIXTURE.json OUT.html\n");
        return 2;
    }
    size_t len = 0;
    char *text = slurp(argv[1], &len);
    struct avs_jv *j = NULL;
    struct avs_jsonread_error e = {0, NULL};
    if (!text || avs_jsonread_parse(&j, text, len, &e) != 0) {
        fprintf(stderr, "report_page: %s: %s at byte %zu\n", argv[1], text ? e.why : "cannot read",
                e.offset);
        return 2;
    }
    free(text);
    /* Owned by the report, freed with it: the same layout avs_report_finish() makes. */
    struct avs_report *r = calloc(1, sizeof *r);
    report(r, j);
    avs_jv_free(j);
    struct avs_buf out = AVS_BUF_INIT;
    int rc = avs_report_write_html(&out, r);
    avs_report_free(r);
    FILE *f = rc ? NULL : fopen(argv[2], "wb");
    if (!f || fwrite(out.data, 1, out.len, f) != out.len || fclose(f) != 0) {
        fprintf(stderr, "report_page: cannot write %s (%d)\n", argv[2], rc);
        avs_buf_free(&out);
        return 1;
    }
    avs_buf_free(&out);
    return 0;
}
