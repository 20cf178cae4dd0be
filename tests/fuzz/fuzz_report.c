/* libFuzzer harness for core/report*.c: the per-machine aggregation of AvSwap's events (from
 * machines a user may control) and its three writers.
 *
 * The events reach core as core/evxml hands them over; the input is decoded as a sequence of
 * events, 8 bytes each: provider, event ID, computer, time, then up to 4 insertion strings, each
 * STRINGS[byte] (the values the aggregation interprets: names, versions, run IDs, record
 * references, empty and long strings). After the events the report is finished and written,
 * and its invariants are checked: a violation aborts, as a sanitizer finding does. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

static const char *const PROVIDERS[] = {"AvSwap", "avswap", "Microsoft-Windows-Security", ""};
static const uint16_t IDS[] = {2010, 2090, 2091, 9001, 4001, 4002, 4003, 4004, 5003,  6000,
                               6001, 6002, 6003, 6004, 6020, 6021, 6022, 3001, 3002,  4000,
                               3000, 1001, 7777, 0,    2000, 3004, 5000, 6010, 65535, 2011};
static const char *const COMPUTERS[] = {"PC1", "pc1.corp.example", "PC2",  "=cmd|x", ".",
                                        "",    "PC\x1b[2J",        "pc2.", "a.b.c"};
static const char *const TIMES[] = {"2026-12-01T10:00:00.0000000Z", "2026-12-01T10:00:00Z",
                                    "2026-12-01T09:59:59.9999999Z", "2026-12-01T10:00:00.5Z",
                                    "1970-01-01T00:00:00Z",         "9999-12-31T23:59:59.999Z",
                                    "2026-02-29T10:00:00Z",         "yesterday",
                                    "2026-12-01T10:00:01.0010000Z"};
static const char *const STRINGS[] = {
    "0f8e4c2a-1b3d-4e5f-8a7b-0c1d2e3f4a5b",
    "0f8e4c2a-1b3d-4e5f-8a7b-0c1d2e3f4a5c",
    "Kaspersky Endpoint Security",
    "+SUM(1)<script>",
    "11.1.0",
    "",
    "seq 1, SHA-256 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "seq 2, SHA-256 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "seq 9, SHA-256 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    ("seq 9223372036854775807, SHA-256 "
     "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
    "Microsoft Defender Antivirus",
    "remove",
    "\xff\xfe bad UTF-8 \xc3",
};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct avs_report *r)
{
    const struct avs_report_totals *t = &r->totals;
    size_t by_state = 0;
    for (int s = 0; s < AVS_RSTATE_COUNT; s++)
        by_state += t->by_state[s];
    if (by_state != r->n_machines || t->machines + t->silent != r->n_machines ||
        t->remediated + t->remaining != t->with_prohibited || t->failed > t->machines)
        abort();
    for (size_t i = 0; i < r->n_machines; i++) {
        const struct avs_report_machine *m = &r->machines[i];
        if (m->remediated && (m->state != AVS_RSTATE_COMPLIANT || !m->remediated_ms))
            abort();
        if (m->n_products > AVS_REPORT_MAX_PRODUCTS || m->n_run_ids > AVS_REPORT_MAX_RUNS)
            abort();
        if (m->evidence == AVS_REVIDENCE_CONSISTENT && m->evidence_missing)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    avs_report_builder *b = NULL;
    struct avs_report *r = NULL;
    if (avs_report_builder_new(&b) != 0)
        abort();
    for (size_t i = 0; i + 8 <= size; i += 8) {
        char *strs[4];
        const uint8_t *d = data + i;
        size_t n = d[4] % 5;
        for (size_t k = 0; k < n; k++)
            strs[k] = (char *)STRINGS[d[4 + k] % COUNT(STRINGS)];
        struct avs_evxml_event e = {.provider = (char *)PROVIDERS[d[0] % COUNT(PROVIDERS)],
                                    .has_id = d[1] != 255,
                                    .id = IDS[d[1] % COUNT(IDS)],
                                    .computer = (char *)COMPUTERS[d[2] % COUNT(COMPUTERS)],
                                    .time = (char *)TIMES[d[3] % COUNT(TIMES)],
                                    .data = strs,
                                    .n_data = n};
        if (d[2] == 255)
            e.computer = NULL;
        if (avs_report_add_event(b, &e) != 0)
            abort();
    }
    if (size % 8 == 1 && avs_report_expect(b, "PC3") != 0)
        abort();
    if (avs_report_finish(&r, b) != 0)
        abort();
    check(r);
    struct avs_buf out = AVS_BUF_INIT;
    avs_report_write_text(&out, r);
    avs_report_write_json(&out, r);
    avs_report_write_csv(&out, r);
    if (out.err)
        abort();
    avs_buf_free(&out);
    avs_report_free(r);
    avs_report_builder_free(b);
    return 0;
}
