/* What the builder counted, turned into the report (see report.h): the states' last word,
 * remaining products, the evidence chain, the totals and the figures by product. */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "report_int.h"

static const char *const state_names[AVS_RSTATE_COUNT] = {
    "compliant", "not-compliant", "reboot-pending", "failed",
    "blocked",   "audit",         "silent",         "unknown"};

const char *avs_report_state_name(enum avs_report_state state)
{
    return (unsigned)state < AVS_RSTATE_COUNT ? state_names[state] : "?";
}

const char *avs_report_evidence_name(enum avs_report_evidence e)
{
    static const char *const names[] = {"none", "consistent", "gaps", "conflict"};
    return (unsigned)e < sizeof names / sizeof names[0] ? names[e] : "?";
}

static int span_cmp(const void *a, const void *b)
{
    const struct span *x = a, *y = b;
    return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static void evidence(struct mach *m)
{
    struct avs_report_machine *r = &m->m;
    r->evidence_last_seq = m->seq_max;
    if (!m->n_spans && !m->conflict) {
        r->evidence = AVS_REVIDENCE_NONE;
        return;
    }
    qsort(m->spans, m->n_spans, sizeof *m->spans, span_cmp);
    int64_t covered = 0, next = 1;
    for (size_t i = 0; i < m->n_spans; i++) {
        if (m->spans[i].lo > next && !r->evidence_first_gap)
            r->evidence_first_gap = next;
        covered += m->spans[i].hi - m->spans[i].lo + 1;
        next = m->spans[i].hi + 1;
    }
    r->evidence_missing = (size_t)(m->seq_max - covered);
    /* Every run ends with an outcome (6000-6004); a newest record that is not one is a run
     * whose later events never arrived (or one still under way when the export was made). */
    r->evidence_tail_open = m->seq_max && !(m->seq_max_event >= 6000 && m->seq_max_event <= 6004);
    if (m->conflict)
        r->evidence = AVS_REVIDENCE_CONFLICT;
    else if (r->evidence_missing || m->spans_full || r->evidence_tail_open)
        r->evidence = AVS_REVIDENCE_GAPS;
    else
        r->evidence = AVS_REVIDENCE_CONSISTENT;
}

static int product_cmp(const void *a, const void *b)
{
    const struct avs_report_product *x = a, *y = b;
    return strcmp(x->name, y->name);
}

static void machine(struct mach *m)
{
    struct avs_report_machine *r = &m->m;
    if (!r->state_event)
        r->state = r->expected && !r->events ? AVS_RSTATE_SILENT : AVS_RSTATE_UNKNOWN;
    r->remediated = r->with_prohibited && r->state == AVS_RSTATE_COMPLIANT;
    if (r->remediated)
        r->remediated_ms = m->compliant_after_ms ? m->compliant_after_ms : r->state_ms;
    for (size_t i = 0; i < r->n_products; i++) {
        struct avs_report_product *p = &r->products[i];
        /* A compliant verdict is the newest word on everything; otherwise a product is still
         * there unless its removal came after the last time it was seen. */
        p->remaining = r->state != AVS_RSTATE_COMPLIANT &&
                       (!p->removed_ms || p->last_found_ms > p->removed_ms);
    }
    if (r->n_products)
        qsort(r->products, r->n_products, sizeof *r->products, product_cmp);
    evidence(m);
}

static int machine_cmp(const void *a, const void *b)
{
    const struct mach *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : strcmp(x->m.name, y->m.name);
}

static int pp_cmp(const void *a, const void *b)
{
    const struct avs_report_product *const *x = a, *const *y = b;
    return strcmp((*x)->name, (*y)->name);
}

static int by_product(struct avs_report *r)
{
    size_t n = 0, k = 0;
    for (size_t i = 0; i < r->n_machines; i++)
        n += r->machines[i].n_products;
    if (!n)
        return 0;
    const struct avs_report_product **all = malloc(n * sizeof *all);
    r->by_product = calloc(n, sizeof *r->by_product);
    if (!all || !r->by_product) {
        free(all);
        return AVS_ENOMEM;
    }
    for (size_t i = 0; i < r->n_machines; i++)
        for (size_t j = 0; j < r->machines[i].n_products; j++)
            all[k++] = &r->machines[i].products[j];
    qsort(all, n, sizeof *all, pp_cmp);
    for (size_t i = 0; i < n; i++) {
        struct avs_report_by_product *g =
            r->n_by_product ? &r->by_product[r->n_by_product - 1] : NULL;
        if (!g || strcmp(g->name, all[i]->name) != 0) {
            g = &r->by_product[r->n_by_product];
            if (!(g->name = avs_strdup(all[i]->name))) {
                free(all);
                return AVS_ENOMEM;
            }
            r->n_by_product++;
        }
        g->found++;
        g->removed += all[i]->removed_ms != 0;
        g->remaining += all[i]->remaining != 0;
    }
    free(all);
    return 0;
}

int avs_report_finish(struct avs_report **out, avs_report_builder *b)
{
    *out = NULL;
    struct avs_report *r = calloc(1, sizeof *r);
    if (!r)
        return AVS_ENOMEM;
    if (b->n)
        qsort(b->machines, b->n, sizeof *b->machines, machine_cmp);
    if (b->n && !(r->machines = calloc(b->n, sizeof *r->machines))) {
        free(r);
        return AVS_ENOMEM;
    }
    /* The machines' data moves into the report; B keeps empty shells (and its table, stale:
     * B may only be freed now). */
    for (size_t i = 0; i < b->n; i++) {
        struct mach *m = &b->machines[i];
        machine(m);
        r->machines[i] = m->m;
        memset(&m->m, 0, sizeof m->m);
        struct avs_report_machine *x = &r->machines[i];
        struct avs_report_totals *t = &r->totals;
        t->by_state[x->state]++;
        t->machines += x->state != AVS_RSTATE_SILENT;
        t->silent += x->state == AVS_RSTATE_SILENT;
        t->with_prohibited += x->with_prohibited != 0;
        t->remediated += x->remediated != 0;
        t->remaining += x->with_prohibited && !x->remediated;
        t->failed += x->state == AVS_RSTATE_FAILED || x->state == AVS_RSTATE_BLOCKED;
        if (x->first_event_ms && (!r->first_ms || x->first_event_ms < r->first_ms))
            r->first_ms = x->first_event_ms;
        if (x->last_event_ms > r->last_ms)
            r->last_ms = x->last_event_ms;
    }
    r->n_machines = b->n;
    r->inputs = b->inputs;
    r->n_inputs = b->n_inputs;
    b->inputs = NULL;
    b->n_inputs = 0;
    b->cur = NULL;
    r->notes = b->notes;
    int rc = by_product(r);
    if (rc) {
        avs_report_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

void avs_report_free(struct avs_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_machines; i++) {
        struct avs_report_machine *m = &r->machines[i];
        free(m->name);
        free(m->state_reason);
        for (size_t k = 0; k < m->n_products; k++) {
            free(m->products[k].name);
            free(m->products[k].version_found);
            free(m->products[k].version_removed);
        }
        free(m->products);
        free(m->replacement);
        for (size_t k = 0; k < m->n_run_ids; k++)
            free(m->run_ids[k]);
        free(m->run_ids);
        free(m->last_run_id);
    }
    free(r->machines);
    for (size_t i = 0; i < r->n_inputs; i++)
        free(r->inputs[i].path);
    free(r->inputs);
    for (size_t i = 0; i < r->n_by_product; i++)
        free(r->by_product[i].name);
    free(r->by_product);
    free(r);
}
