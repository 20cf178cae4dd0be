/* Counting AvSwap's events per machine for `avswap report` (see report.h). Nothing is kept per
 * event: each event updates its machine's latest state, products, runs and record spans. */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "evanchor.h"
#include "report_int.h"

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int ieq(const char *a, const char *b)
{
    while (*a && lower((unsigned char)*a) == lower((unsigned char)*b)) {
        a++;
        b++;
    }
    return *a == *b;
}

int avs_report_builder_new(avs_report_builder **out)
{
    *out = calloc(1, sizeof **out);
    return *out ? 0 : AVS_ENOMEM;
}

static void product_free(struct avs_report_product *p)
{
    free(p->name);
    free(p->version_found);
    free(p->version_removed);
}

void avs_report_builder_free(avs_report_builder *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->n; i++) {
        struct mach *m = &b->machines[i];
        free(m->m.name);
        free(m->m.state_reason);
        for (size_t k = 0; k < m->m.n_products; k++)
            product_free(&m->m.products[k]);
        free(m->m.products);
        free(m->m.replacement);
        for (size_t k = 0; k < m->m.n_run_ids; k++)
            free(m->m.run_ids[k]);
        free(m->m.run_ids);
        free(m->m.last_run_id);
        free(m->key);
        free(m->spans);
    }
    free(b->machines);
    free(b->table);
    for (size_t i = 0; i < b->n_inputs; i++)
        free(b->inputs[i].path);
    free(b->inputs);
    free(b);
}

char *avs_report_text(avs_report_builder *b, const char *s, int *err)
{
    if (!s)
        return NULL;
    size_t len = strlen(s);
    if (len > AVS_REPORT_MAX_TEXT) {
        len = AVS_REPORT_MAX_TEXT;
        while (len && ((unsigned char)s[len] & 0xC0) == 0x80)
            len--; /* not inside a UTF-8 character */
        b->notes.truncated_text++;
    }
    char *t = malloc(len + 1);
    if (!t) {
        *err = AVS_ENOMEM;
        return NULL;
    }
    memcpy(t, s, len);
    t[len] = '\0';
    return t;
}

/* Replaces *DST by a copy of S. */
static int set_text(avs_report_builder *b, char **dst, const char *s)
{
    int err = 0;
    char *t = avs_report_text(b, s, &err);
    if (err)
        return err;
    free(*dst);
    *dst = t;
    return 0;
}

/* "PC1.corp.example" -> "pc1": collectors show FQDNs, a machine's own log its short name. */
static void host_key(char key[AVS_REPORT_MAX_TEXT + 1], const char *name)
{
    size_t len = strcspn(name, ".");
    if (len > AVS_REPORT_MAX_TEXT)
        len = AVS_REPORT_MAX_TEXT;
    for (size_t i = 0; i < len; i++)
        key[i] = (char)lower((unsigned char)name[i]);
    key[len] = '\0';
}

static size_t hash(const char *s)
{
    size_t h = 14695981039346656037u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static int table_grow(avs_report_builder *b)
{
    size_t cap = b->table_cap ? b->table_cap * 2 : 1024;
    size_t *t = calloc(cap, sizeof *t);
    if (!t)
        return AVS_ENOMEM;
    for (size_t i = 0; i < b->n; i++) {
        size_t j = hash(b->machines[i].key) & (cap - 1);
        while (t[j])
            j = (j + 1) & (cap - 1);
        t[j] = i + 1;
    }
    free(b->table);
    b->table = t;
    b->table_cap = cap;
    return 0;
}

struct mach *avs_report_machine_get(avs_report_builder *b, const char *name)
{
    char key[AVS_REPORT_MAX_TEXT + 1]; /* no allocation for a machine already known */
    host_key(key, name);
    if (b->table_cap) {
        for (size_t j = hash(key) & (b->table_cap - 1); b->table[j];
             j = (j + 1) & (b->table_cap - 1)) {
            struct mach *m = &b->machines[b->table[j] - 1];
            if (strcmp(m->key, key) == 0)
                return m;
        }
    }
    /* New: keep the table at most half full. */
    if ((b->n + 1) * 2 > b->table_cap && table_grow(b) != 0)
        return NULL;
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        struct mach *g = realloc(b->machines, cap * sizeof *g);
        if (!g)
            return NULL;
        b->machines = g;
        b->cap = cap;
    }
    struct mach *m = &b->machines[b->n];
    memset(m, 0, sizeof *m);
    int err = 0;
    m->m.name = avs_report_text(b, name, &err);
    m->key = avs_strdup(key);
    if (err || !m->key) {
        free(m->m.name);
        free(m->key);
        return NULL;
    }
    size_t j = hash(key) & (b->table_cap - 1);
    while (b->table[j])
        j = (j + 1) & (b->table_cap - 1);
    b->table[j] = ++b->n;
    return m;
}

int avs_report_expect(avs_report_builder *b, const char *machine)
{
    struct mach *m = avs_report_machine_get(b, machine);
    if (!m)
        return AVS_ENOMEM;
    m->m.expected = 1;
    return 0;
}

int avs_report_parse_systime(int64_t *out_ms, const char *s)
{
    /* To the journal's "YYYY-MM-DDTHH:MM:SS.mmmZ", whose parser checks the date. */
    char t[25];
    size_t n = strlen(s);
    if (n < 20 || s[n - 1] != 'Z' || n > 19 + 1 + 9 + 1)
        return AVS_EFORMAT;
    memcpy(t, s, 19);
    const char *f = s + 19;
    size_t digits = 0;
    if (*f == '.') {
        for (f++; f[digits] >= '0' && f[digits] <= '9'; digits++)
            ;
        if (digits == 0)
            return AVS_EFORMAT;
    }
    if (f + digits != s + n - 1)
        return AVS_EFORMAT;
    t[19] = '.';
    for (size_t i = 0; i < 3; i++)
        t[20 + i] = i < digits ? f[i] : '0';
    t[23] = 'Z';
    t[24] = '\0';
    return avs_journal_parse_time(out_ms, t);
}

/* Room for one more of N items of SIZE bytes in *ARR (capacity *CAP, doubled from 2): a machine
 * costs what its events hold, not its bounds. */
static int grow(void **arr, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 2;
    void *g = realloc(*arr, ncap * size);
    if (!g)
        return AVS_ENOMEM;
    *arr = g;
    *cap = ncap;
    return 0;
}

int avs_report_span_add(struct mach *m, int64_t lo, int64_t hi)
{
    if (lo < 1)
        lo = 1;
    if (hi < lo)
        return 0;
    /* Merge with every span it touches; the spans stay disjoint and unsorted (few per machine:
     * a consistent chain is one span). */
    for (size_t i = 0; i < m->n_spans;) {
        struct span *s = &m->spans[i];
        if (s->lo <= hi + 1 && lo <= s->hi + 1) {
            lo = s->lo < lo ? s->lo : lo;
            hi = s->hi > hi ? s->hi : hi;
            m->spans[i] = m->spans[--m->n_spans];
        } else {
            i++;
        }
    }
    if (m->n_spans == AVS_REPORT_MAX_SPANS) {
        m->spans_full = 1; /* counted as gaps, never guessed consistent */
        return 0;
    }
    if (grow((void **)&m->spans, &m->spans_cap, m->n_spans, sizeof *m->spans) != 0)
        return AVS_ENOMEM;
    m->spans[m->n_spans].lo = lo;
    m->spans[m->n_spans].hi = hi;
    m->n_spans++;
    return 0;
}

/* ---------------------------------------------------------------- what each event says */

/* Journal records the engine writes without an event, which may come right before the record
 * the event ID mirrors (the "begin" of a plan, preflight, stage, verify or refused removal; a
 * reboot's records; a preflight end with no event of its own): they are no gap. */
static int64_t silent_before(uint32_t id)
{
    switch (id) {
    case 3001:
    case 3004:
    case 3005:
    case 3010:
    case 3020:
    case 5000:
    case 5003:
    case 5004:
    case 6001: return 1;
    case 3002:
    case 3003:
    case 6002:
    case 6003:
    case 6004: return 2;
    default: return 0;
    }
}

int avs_report_event_known(uint32_t id)
{
    static const uint16_t ids[] = {
        1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009, 1010, 1011, 1012, 1100,
        1101, 1102, 1110, 1111, 2000, 2001, 2002, 2003, 2010, 2011, 2020, 2021, 2022, 2030,
        2090, 2091, 3000, 3001, 3002, 3003, 3004, 3005, 3006, 3007, 3008, 3009, 3010, 3020,
        3030, 3031, 3032, 3040, 4000, 4001, 4002, 4003, 4004, 4030, 4031, 5000, 5001, 5002,
        5003, 5004, 6000, 6001, 6002, 6003, 6004, 6010, 6020, 6021, 6022, 9001, 9002, 9010,
        9011, 9020, 9021, 9100, 9101, 9200, 9201, 9202, 9203};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        if (ids[i] == id)
            return 1;
    return 0;
}

static void note_unknown(avs_report_builder *b, uint32_t id)
{
    struct avs_report_notes *n = &b->notes;
    n->unknown_events++;
    for (size_t i = 0; i < n->unknown_distinct && i < AVS_REPORT_MAX_UNKNOWN_IDS; i++) {
        if (n->unknown_ids[i] == id) {
            n->unknown_id_events[i]++;
            return;
        }
    }
    if (n->unknown_distinct < AVS_REPORT_MAX_UNKNOWN_IDS) {
        n->unknown_ids[n->unknown_distinct] = id;
        n->unknown_id_events[n->unknown_distinct] = 1;
    }
    n->unknown_distinct++;
}

static int is_uuid(const char *s)
{
    for (int i = 0; i < 36; i++) {
        int dash = i == 8 || i == 13 || i == 18 || i == 23;
        char c = s[i];
        if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return 0;
    }
    return s[36] == '\0';
}

int avs_report_add_run(avs_report_builder *b, struct mach *m, const char *run, int64_t t)
{
    int rc;
    if (!m->m.last_run_id || t >= m->run_ms) {
        if ((rc = set_text(b, &m->m.last_run_id, run)) != 0)
            return rc;
        m->run_ms = t;
    }
    for (size_t i = 0; i < m->m.n_run_ids; i++)
        if (strcmp(m->m.run_ids[i], run) == 0)
            return 0;
    if (m->m.n_run_ids == AVS_REPORT_MAX_RUNS) {
        b->notes.dropped_runs++;
        return 0;
    }
    if (grow((void **)&m->m.run_ids, &m->runs_cap, m->m.n_run_ids, sizeof *m->m.run_ids) != 0)
        return AVS_ENOMEM;
    int err = 0;
    m->m.run_ids[m->m.n_run_ids] = avs_report_text(b, run, &err);
    if (!err)
        m->m.n_run_ids++;
    return err;
}

static struct avs_report_product *product(avs_report_builder *b, struct mach *m, const char *name,
                                          int *err)
{
    for (size_t i = 0; i < m->m.n_products; i++)
        if (strcmp(m->m.products[i].name, name) == 0)
            return &m->m.products[i];
    if (m->m.n_products == AVS_REPORT_MAX_PRODUCTS) {
        b->notes.dropped_products++;
        return NULL;
    }
    if (grow((void **)&m->m.products, &m->products_cap, m->m.n_products, sizeof *m->m.products) !=
        0) {
        *err = AVS_ENOMEM;
        return NULL;
    }
    struct avs_report_product *p = &m->m.products[m->m.n_products];
    memset(p, 0, sizeof *p);
    if (!(p->name = avs_report_text(b, name, err)))
        return NULL;
    m->m.n_products++;
    return p;
}

/* Prohibited software was seen on M at T. */
static void seen_prohibited(struct mach *m, int64_t t)
{
    m->m.with_prohibited = 1;
    if (!m->m.first_prohibited_ms || t < m->m.first_prohibited_ms)
        m->m.first_prohibited_ms = t;
    if (t > m->last_found_ms)
        m->last_found_ms = t;
    if (m->compliant_after_ms && m->compliant_after_ms <= m->last_found_ms)
        m->compliant_after_ms = 0; /* found again after it: that verdict is no remediation */
}

/* NAME (VERSION) seen on M at T: found by a scan, or REMOVED; the newest of each keeps its
 * version. */
static int product_seen(avs_report_builder *b, struct mach *m, const char *name,
                        const char *version, int64_t t, int removed)
{
    int err = 0;
    seen_prohibited(m, t);
    struct avs_report_product *p = product(b, m, name, &err);
    if (!p)
        return err;
    if (!p->first_found_ms || t < p->first_found_ms)
        p->first_found_ms = t;
    int64_t *when = removed ? &p->removed_ms : &p->last_found_ms;
    if (t < *when)
        return 0;
    *when = t;
    return set_text(b, removed ? &p->version_removed : &p->version_found, version);
}

int avs_report_product_found(avs_report_builder *b, struct mach *m, const char *name,
                             const char *version, int64_t t)
{
    return product_seen(b, m, name, version, t, 0);
}

int avs_report_product_removed(avs_report_builder *b, struct mach *m, const char *name,
                               const char *version, int64_t t)
{
    return product_seen(b, m, name, version, t, 1);
}

int avs_report_set_state(avs_report_builder *b, struct mach *m, enum avs_report_state st, int rank,
                         uint32_t id, int64_t t, const char *why, const char *why2)
{
    if (st == AVS_RSTATE_COMPLIANT && t > m->last_found_ms &&
        (!m->compliant_after_ms || t < m->compliant_after_ms))
        m->compliant_after_ms = t;
    if (m->m.state_event && (t < m->m.state_ms || (t == m->m.state_ms && rank < m->state_rank)))
        return 0;
    m->m.state = st;
    m->m.state_event = id;
    m->m.state_ms = t;
    m->state_rank = rank;
    free(m->m.state_reason);
    m->m.state_reason = NULL;
    if (!why)
        return 0;
    struct avs_buf r = AVS_BUF_INIT;
    avs_buf_printf(&r, "%s%s%s", why, why2 ? ": " : "", why2 ? why2 : "");
    if (r.err)
        return r.err;
    int err = 0;
    m->m.state_reason = avs_report_text(b, r.data, &err);
    avs_buf_free(&r);
    return err;
}

int avs_report_set_replacement(avs_report_builder *b, struct mach *m, const char *name, int64_t t)
{
    if (!name || !*name || (m->m.replacement && t < m->replacement_ms))
        return 0;
    m->replacement_ms = t;
    return set_text(b, &m->m.replacement, name);
}

int avs_report_name_from_event(avs_report_builder *b, struct mach *m, const char *name)
{
    return m->m.events || !m->m.expected ? 0 : set_text(b, &m->m.name, name);
}

void avs_report_touch(avs_report_builder *b, struct mach *m, int64_t t)
{
    m->m.events++;
    if (!m->m.first_event_ms || t < m->m.first_event_ms)
        m->m.first_event_ms = t;
    if (t > m->m.last_event_ms)
        m->m.last_event_ms = t;
    if (b->cur) {
        b->cur->events++;
        if (!b->cur->first_ms || t < b->cur->first_ms)
            b->cur->first_ms = t;
        if (t > b->cur->last_ms)
            b->cur->last_ms = t;
    }
}

/* The insertion string I, "" when the event has fewer. */
static const char *s_at(const struct avs_evxml_event *e, size_t i)
{
    return i < e->n_data && e->data[i] ? e->data[i] : "";
}

static int apply(avs_report_builder *b, struct mach *m, const struct avs_evxml_event *e, int64_t t)
{
    const char *s0 = s_at(e, 0), *s1 = s_at(e, 1), *s2 = s_at(e, 2);
    switch (e->id) {
    case 2010: return avs_report_product_found(b, m, s0, e->n_data > 1 ? s1 : NULL, t);
    case 2090: return avs_report_set_state(b, m, AVS_RSTATE_COMPLIANT, 1, e->id, t, NULL, NULL);
    case 2091:
        seen_prohibited(m, t);
        return avs_report_set_state(b, m, AVS_RSTATE_NOT_COMPLIANT, 1, e->id, t, NULL, NULL);
    case 9001: return avs_report_set_state(b, m, AVS_RSTATE_FAILED, 1, e->id, t, s0, s1);
    case 4001:
    case 4002:
    case 4003: return avs_report_product_removed(b, m, s1, e->n_data > 2 ? s2 : NULL, t);
    case 5003: return avs_report_set_replacement(b, m, s1, t);
    case 6000: {
        int rc = avs_report_set_replacement(b, m, s2, t);
        return rc ? rc : avs_report_set_state(b, m, AVS_RSTATE_COMPLIANT, 2, e->id, t, NULL, NULL);
    }
    case 6001: return avs_report_set_state(b, m, AVS_RSTATE_REBOOT_PENDING, 2, e->id, t, s1, NULL);
    case 6002: return avs_report_set_state(b, m, AVS_RSTATE_BLOCKED, 2, e->id, t, s1, NULL);
    case 6003: return avs_report_set_state(b, m, AVS_RSTATE_FAILED, 2, e->id, t, s1, s2);
    case 6020: return avs_report_set_state(b, m, AVS_RSTATE_COMPLIANT, 2, e->id, t, NULL, NULL);
    case 6021:
        seen_prohibited(m, t);
        return avs_report_set_state(b, m, AVS_RSTATE_AUDIT, 2, e->id, t, NULL, NULL);
    case 6022: return avs_report_set_state(b, m, AVS_RSTATE_FAILED, 2, e->id, t, s0, s1);
    default: return 0; /* 6004 (busy) leaves the scan's verdict standing; the rest tell no state */
    }
}

/* The record seq the event's last insertion string names, and the run ID it starts with. */
static int chain(avs_report_builder *b, struct mach *m, const struct avs_evxml_event *e, int64_t t)
{
    int rc = 0;
    if (e->id >= 3000 && e->id < 7000 && e->n_data && is_uuid(e->data[0]))
        rc = avs_report_add_run(b, m, e->data[0], t);
    int64_t seq;
    char hex[AVS_SHA256_HEX_LEN + 1];
    if (rc || !e->n_data || avs_anchor_parse_ref(&seq, hex, e->data[e->n_data - 1]) != 0)
        return rc;
    if (seq > m->seq_max) {
        m->seq_max = seq;
        m->seq_max_event = e->id;
    }
    return avs_report_span_add(m, seq - silent_before(e->id), seq);
}

int avs_report_add_event(avs_report_builder *b, const struct avs_evxml_event *e)
{
    if (!e->provider || !ieq(e->provider, "AvSwap")) {
        b->notes.other_providers++;
        return 0;
    }
    int64_t t;
    if (!e->has_id || !e->computer || !*e->computer || e->computer[0] == '.' || !e->time ||
        avs_report_parse_systime(&t, e->time) != 0 || t == 0) {
        /* (0 is "no time" in the report: 1970-01-01T00:00:00Z is no event's real time) */
        b->notes.malformed++;
        return 0;
    }
    if (!avs_report_event_known(e->id)) {
        note_unknown(b, e->id);
        return 0;
    }
    struct mach *m = avs_report_machine_get(b, e->computer);
    if (!m)
        return AVS_ENOMEM;
    int rc = avs_report_name_from_event(b, m, e->computer);
    if (rc)
        return rc;
    avs_report_touch(b, m, t);
    rc = apply(b, m, e, t);
    return rc ? rc : chain(b, m, e, t);
}
