/* core/report: per-machine aggregation of AvSwap's events, fed event by event as core/evxml's
 * streaming mode hands them over, and its text, JSON and CSV. */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "fake_fs.h"
#include "jsonread.h"
#include "report.h"
#include "reportfix.h"
#include "report_int.h"

#define RUN "0f8e4c2a-1b3d-4e5f-8a7b-0c1d2e3f4a5b"
#define REF(n)                                                                                     \
    "seq " #n ", SHA-256 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static avs_report_builder *b;
static struct avs_report *r;

static void setup(void)
{
    fake_fs_reset();
    cr_assert_eq(avs_report_builder_new(&b), 0);
    r = NULL;
}

static void teardown(void)
{
    avs_report_builder_free(b);
    avs_report_free(r);
}

TestSuite(report, .init = setup, .fini = teardown);

/* One AvSwap event of COMPUTER at second SEC (of 2026-12-01T10:00:00Z), strings NULL-ended. */
static void ev_p(const char *provider, const char *computer, unsigned id, int sec, ...)
{
    char time[64];
    va_list ap;
    snprintf(time, sizeof time, "2026-12-01T10:%02d:%02d.1234567Z", sec / 60, sec % 60);
    va_start(ap, sec);
    reportfix_vfeed(b, provider, computer, id, time, ap);
    va_end(ap);
}
#define ev(...) ev_p("AvSwap", __VA_ARGS__)

static void finish(void)
{
    cr_assert_eq(avs_report_finish(&r, b), 0);
}

static const struct avs_report_machine *machine(const char *name)
{
    for (size_t i = 0; i < r->n_machines; i++)
        if (strcmp(r->machines[i].name, name) == 0)
            return &r->machines[i];
    cr_assert_fail("no machine %s", name);
    return NULL;
}

/* A real removal's events (the order `avswap remediate` writes them), from second T0. */
static void removal(const char *pc, int t0, int skip_seq)
{
    ev(pc, 3000, t0, RUN, "enforce", "0.1.0", pc, "CORP\\admin", NULL);
    ev(pc, 2000, t0 + 1, "0.1.0", pc, "CORP\\admin", "built-in", NULL);
    ev(pc, 2010, t0 + 2, "Kaspersky Endpoint Security", "11.1.0", "AO Kaspersky Lab", "{K}",
       "machine", "x64", "msi", "msi", NULL);
    ev(pc, 2091, t0 + 3, "1", "Kaspersky Endpoint Security", "ok", NULL);
    ev(pc, 3001, t0 + 4, RUN, "remove-first", "Defender", "KES", REF(2), NULL);
    ev(pc, 3002, t0 + 5, RUN, "elevated: yes", REF(4), NULL);
    if (skip_seq != 5)
        ev(pc, 4000, t0 + 6, RUN, "Kaspersky Endpoint Security", "11.1.0", "{K}", "msi", REF(5),
           NULL);
    if (skip_seq != 6)
        ev(pc, 4001, t0 + 7, RUN, "Kaspersky Endpoint Security", "11.1.0", "{K}", "0", REF(6),
           NULL);
    if (skip_seq == 7)
        return; /* the events stop here */
    ev(pc, 5003, t0 + 8, RUN, "Microsoft Defender Antivirus", "WinDefend", REF(8), NULL);
    ev(pc, 2090, t0 + 9, "ok", NULL);
    ev(pc, 6000, t0 + 9, RUN, "1", "Microsoft Defender Antivirus", "3", REF(9), NULL);
}

Test(report, removal_is_remediated)
{
    removal("PC1", 0, 0);
    finish();
    cr_assert_eq(r->n_machines, 1);
    const struct avs_report_machine *m = machine("PC1");
    cr_assert_eq(m->state, AVS_RSTATE_COMPLIANT);
    cr_assert_eq(m->state_event, 6000,
                 "the outcome wins over the rescan's verdict of the same time");
    cr_assert(m->with_prohibited && m->remediated);
    cr_assert_eq(m->n_products, 1);
    cr_assert_str_eq(m->products[0].version_found, "11.1.0");
    cr_assert_str_eq(m->products[0].version_removed, "11.1.0");
    cr_assert_not(m->products[0].remaining);
    cr_assert_str_eq(m->replacement, "Microsoft Defender Antivirus");
    cr_assert_str_eq(m->last_run_id, RUN);
    cr_assert_eq(m->n_run_ids, 1);
    cr_assert_eq(m->evidence, AVS_REVIDENCE_CONSISTENT);
    cr_assert_eq(m->evidence_last_seq, 9);
    cr_assert(m->first_prohibited_ms && m->remediated_ms > m->first_prohibited_ms);
    cr_assert_eq(r->totals.machines, 1);
    cr_assert_eq(r->totals.with_prohibited, 1);
    cr_assert_eq(r->totals.remediated, 1);
    cr_assert_eq(r->totals.remaining, 0);
    cr_assert_eq(r->n_by_product, 1);
    cr_assert_eq(r->by_product[0].found, 1);
    cr_assert_eq(r->by_product[0].removed, 1);
}

/* `wevtutil /rd:true` writes newest first: the state comes from the times, not the order. */
Test(report, newest_first_gives_the_same_state)
{
    ev("PC1", 6000, 20, RUN, "1", "Defender", "3", REF(9), NULL);
    ev("PC1", 2090, 20, "ok", NULL);
    ev("PC1", 4001, 10, RUN, "KES", "11", "{K}", "0", REF(6), NULL);
    ev("PC1", 2010, 2, "KES", "11", "AO", "{K}", "machine", "x64", "msi", "msi", NULL);
    ev("PC1", 2091, 3, "1", "KES", "ok", NULL);
    finish();
    const struct avs_report_machine *m = machine("PC1");
    cr_assert_eq(m->state, AVS_RSTATE_COMPLIANT);
    cr_assert_eq(m->state_event, 6000);
    cr_assert(m->remediated);
}

Test(report, fqdn_and_case_are_one_machine)
{
    ev("PC1", 2090, 1, "ok", NULL);
    ev("pc1.corp.example", 2091, 2, "1", "KES", "ok", NULL);
    ev("PC2", 2090, 1, "ok", NULL);
    finish();
    cr_assert_eq(r->n_machines, 2);
    cr_assert_eq(machine("PC1")->state, AVS_RSTATE_NOT_COMPLIANT);
    cr_assert_eq(machine("PC1")->events, 2);
}

Test(report, found_again_after_removal_is_remaining)
{
    removal("PC1", 0, 0);
    ev("PC1", 2010, 30, "Kaspersky Endpoint Security", "11.2.0", "AO", "{K}", "machine", "x64",
       "msi", "msi", NULL);
    ev("PC1", 2091, 31, "1", "Kaspersky Endpoint Security", "ok", NULL);
    finish();
    const struct avs_report_machine *m = machine("PC1");
    cr_assert_eq(m->state, AVS_RSTATE_NOT_COMPLIANT);
    cr_assert_not(m->remediated);
    cr_assert(m->products[0].remaining);
    cr_assert_str_eq(m->products[0].version_found, "11.2.0");
    cr_assert_eq(m->remediated_ms, 0);
    cr_assert_eq(r->totals.remaining, 1);
    cr_assert_eq(r->by_product[0].remaining, 1);
}

Test(report, states_and_totals)
{
    ev("A", 2010, 1, "KES", "11", NULL);
    ev("A", 6001, 2, RUN, "a removal finishes at the restart", REF(7), NULL);
    ev("B", 2010, 1, "KES", "11", NULL);
    ev("B", 6003, 2, RUN, "remove", "msiexec said 1603", REF(7), NULL);
    ev("C", 6002, 2, RUN, "the replacement is not approved", REF(3), NULL);
    ev("D", 2010, 1, "KIS", "21", NULL);
    ev("D", 6021, 2, "1", "KIS", "policy", NULL);
    ev("E", 6020, 2, "policy", NULL);
    ev("F", 9001, 2, "inventory", "access denied", NULL);
    ev("G", 1001, 2, "0.1.0", "audit", "default", NULL);
    cr_assert_eq(avs_report_expect(b, "H"), 0);
    cr_assert_eq(avs_report_expect(b, "a.corp.example"), 0);
    finish();
    cr_assert_eq(machine("A")->state, AVS_RSTATE_REBOOT_PENDING);
    cr_assert_eq(machine("B")->state, AVS_RSTATE_FAILED);
    cr_assert_str_eq(machine("B")->state_reason, "remove: msiexec said 1603");
    cr_assert_eq(machine("C")->state, AVS_RSTATE_BLOCKED);
    cr_assert_eq(machine("D")->state, AVS_RSTATE_AUDIT);
    cr_assert_eq(machine("E")->state, AVS_RSTATE_COMPLIANT);
    cr_assert_eq(machine("F")->state, AVS_RSTATE_FAILED);
    cr_assert_eq(machine("G")->state, AVS_RSTATE_UNKNOWN);
    cr_assert_eq(machine("H")->state, AVS_RSTATE_SILENT);
    cr_assert(machine("A")->expected, "an expected name matches up to the first dot");
    cr_assert_eq(r->n_machines, 8, "a.corp.example is A, named as its events name it");
    cr_assert_eq(r->totals.machines, 7);
    cr_assert_eq(r->totals.silent, 1);
    cr_assert_eq(r->totals.with_prohibited, 3);
    cr_assert_eq(r->totals.remediated, 0);
    cr_assert_eq(r->totals.remaining, 3);
    cr_assert_eq(r->totals.failed, 3); /* B, C, F */
    cr_assert_eq(r->totals.by_state[AVS_RSTATE_FAILED], 2);
}

Test(report, unknown_other_and_malformed_events_are_notes)
{
    ev("PC1", 7777, 1, "x", NULL);
    ev("PC1", 7777, 2, "x", NULL);
    ev("PC1", 2090, 3, "ok", NULL);
    ev_p("Microsoft-Windows-Security-Auditing", "PC9", 6000, 1, NULL);
    struct avs_evxml_event bad = {
        .provider = "AvSwap", .has_id = 1, .id = 6000, .computer = "PC8", .time = "yesterday"};
    cr_assert_eq(avs_report_add_event(b, &bad), 0);
    finish();
    cr_assert_eq(r->n_machines, 1, "unknown, foreign and malformed events make no machine");
    cr_assert_eq(r->notes.unknown_events, 2);
    cr_assert_eq(r->notes.unknown_distinct, 1);
    cr_assert_eq(r->notes.unknown_ids[0], 7777);
    cr_assert_eq(r->notes.other_providers, 1);
    cr_assert_eq(r->notes.malformed, 1);
    cr_assert_eq(machine("PC1")->events, 1);
}

/* Every event AvSwap writes is one the report knows, and no other: an ID added to the .mc and
 * forgotten here would be an "unknown event" note in every fleet's report. */
Test(report, knows_exactly_the_events_of_the_message_file)
{
    FILE *f = fopen(AVS_SOURCE_DIR "/win32/avs_messages.mc", "r");
    cr_assert_not_null(f);
    char line[512];
    unsigned char in_mc[65536] = {0};
    size_t n = 0;
    while (fgets(line, sizeof line, f)) {
        unsigned id;
        if (sscanf(line, "MessageId=%u", &id) == 1 && id < 65536) {
            in_mc[id] = 1;
            n++;
        }
    }
    fclose(f);
    cr_assert_gt(n, 70, "MessageIds read from the .mc: %zu", n);
    for (uint32_t id = 0; id < 65536; id++)
        cr_expect_eq(avs_report_event_known(id), in_mc[id], "event %u: in the .mc %d, known %d",
                     (unsigned)id, in_mc[id], avs_report_event_known(id));
}

Test(report, a_lost_event_is_a_gap)
{
    removal("PC1", 0, 6);
    finish();
    const struct avs_report_machine *m = machine("PC1");
    cr_assert_eq(m->evidence, AVS_REVIDENCE_GAPS);
    cr_assert_eq(m->evidence_missing, 1);
    cr_assert_eq(m->evidence_first_gap, 6);
    cr_assert_not(m->evidence_tail_open);
}

Test(report, events_that_stop_leave_the_tail_open)
{
    removal("PC1", 0, 7);
    finish();
    const struct avs_report_machine *m = machine("PC1");
    cr_assert_eq(m->evidence, AVS_REVIDENCE_GAPS);
    cr_assert_eq(m->evidence_missing, 0);
    cr_assert(m->evidence_tail_open);
    cr_assert_eq(m->state, AVS_RSTATE_NOT_COMPLIANT);
}

Test(report, scans_alone_have_no_chain)
{
    ev("PC1", 2090, 3, "ok", NULL);
    finish();
    cr_assert_eq(machine("PC1")->evidence, AVS_REVIDENCE_NONE);
}

Test(report, a_hostile_machine_cannot_grow_the_report)
{
    char name[32];
    for (int i = 0; i < 100; i++) {
        snprintf(name, sizeof name, "P%d", i);
        ev("PC1", 2010, 1, name, "1", NULL);
    }
    finish();
    cr_assert_eq(machine("PC1")->n_products, AVS_REPORT_MAX_PRODUCTS);
    cr_assert_eq(r->notes.dropped_products, 100 - AVS_REPORT_MAX_PRODUCTS);
}

static char *csv(void)
{
    struct avs_buf out = AVS_BUF_INIT;
    avs_report_write_csv(&out, r);
    cr_assert_eq(out.err, 0);
    return avs_buf_detach(&out);
}

Test(report, csv_neutralises_formulas)
{
    ev("=cmd|' /C calc'!A0", 2010, 1, "+SUM(1)", "1", NULL);
    ev("=cmd|' /C calc'!A0", 2091, 2, "1", "x", "ok", NULL);
    ev("@PC", 2010, 1, "-2+3", "\"q\"", NULL);
    finish();
    char *s = csv();
    static const char head[] = "machine,state,found,removed,remaining,replacement,"
                               "last_event_utc,run_id,evidence\r\n";
    cr_assert(strncmp(s, head, sizeof head - 1) == 0, "%s", s);
    cr_assert(strstr(s, "\r\n\"'=cmd|' /C calc'!A0\",not-compliant,\"'+SUM(1) 1\",,\"'+SUM(1) "
                        "1\","),
              "%s", s);
    cr_assert(strstr(s, "\r\n\"'@PC\",unknown,\"'-2+3 \"\"q\"\"\","), "%s", s);
    for (const char *p = s; (p = strstr(p, "\r\n")) != NULL; p += 2)
        cr_assert(!strchr("=+-@\t\r", p[2]) || p[2] == '\0', "a line starts with a formula: %s",
                  p + 2);
    free(s);
}

Test(report, json_has_the_issue_shape)
{
    removal("PC1", 0, 0);
    ev("PC2", 2010, 1, "KES", "11", NULL);
    ev("PC2", 2091, 2, "1", "KES", "ok", NULL);
    finish();
    struct avs_buf out = AVS_BUF_INIT;
    avs_report_write_json(&out, r);
    cr_assert_eq(out.err, 0);
    struct avs_jv *v = NULL;
    cr_assert_eq(avs_jsonread_parse(&v, out.data, out.len, NULL), 0, "%s", out.data);
    const struct avs_jv *t = avs_jv_member(v, "totals");
    cr_assert_eq(avs_jv_member(t, "machines")->i, 2);
    cr_assert_eq(avs_jv_member(t, "with_prohibited")->i, 2);
    cr_assert_eq(avs_jv_member(t, "remediated")->i, 1);
    cr_assert_eq(avs_jv_member(t, "remaining")->i, 1);
    cr_assert_eq(avs_jv_member(t, "failed")->i, 0);
    const struct avs_jv *ms = avs_jv_member(v, "machines");
    cr_assert_eq(ms->count, 2);
    cr_assert_str_eq(avs_jv_str(avs_jv_member(&ms->items[0], "state")), "compliant");
    cr_assert_str_eq(avs_jv_str(avs_jv_member(&ms->items[1], "state")), "not-compliant");
    cr_assert_eq(avs_jv_member(v, "by_product")->count, 2);
    avs_jv_free(v);
    avs_buf_free(&out);
}

Test(report, text_escapes_control_characters)
{
    ev("PC\x1b[2J", 2090, 1, "ok", NULL);
    finish();
    struct avs_buf out = AVS_BUF_INIT;
    avs_report_write_text(&out, r);
    cr_assert_eq(out.err, 0);
    cr_assert_null(strchr(out.data, '\x1b'));
    cr_assert(strstr(out.data, "PC\\x1B[2J: compliant"), "%s", out.data);
    cr_assert(strstr(out.data, "Machines seen:                    1"), "%s", out.data);
    avs_buf_free(&out);
}

Test(report, systime_forms)
{
    int64_t ms;
    cr_assert_eq(avs_report_parse_systime(&ms, "2026-12-01T10:00:00.1234567Z"), 0);
    cr_assert_eq(ms % 1000, 123);
    cr_assert_eq(avs_report_parse_systime(&ms, "2026-12-01T10:00:00Z"), 0);
    cr_assert_eq(avs_report_parse_systime(&ms, "2026-12-01T10:00:00.5Z"), 0);
    cr_assert_eq(ms % 1000, 500);
    cr_assert_eq(avs_report_parse_systime(&ms, "2026-12-01T10:00:00.Z"), AVS_EFORMAT);
    cr_assert_eq(avs_report_parse_systime(&ms, "2026-13-01T10:00:00Z"), AVS_EFORMAT);
    cr_assert_eq(avs_report_parse_systime(&ms, "2026-12-01 10:00:00Z"), AVS_EFORMAT);
    cr_assert_eq(avs_report_parse_systime(&ms, ""), AVS_EFORMAT);
}

/* core/evxml's streaming mode hands each finished event to the report and keeps none. */
static int stream_cb(void *ctx, const struct avs_evxml_event *e)
{
    return avs_report_add_event(ctx, e);
}

static void node_event(struct avs_evxml *x, const char *computer, const char *id, const char *t)
{
    const char *prov[2] = {"Name", "AvSwap"}, *tc[2] = {"SystemTime", t};
    cr_assert_eq(avs_evxml_start(x, "Event", NULL, 0), 0);
    avs_evxml_start(x, "System", NULL, 0);
    avs_evxml_start(x, "Provider", prov, 1);
    avs_evxml_end(x, "Provider");
    avs_evxml_start(x, "EventID", NULL, 0);
    avs_evxml_text(x, id, strlen(id));
    avs_evxml_end(x, "EventID");
    avs_evxml_start(x, "TimeCreated", tc, 1);
    avs_evxml_end(x, "TimeCreated");
    avs_evxml_start(x, "Computer", NULL, 0);
    avs_evxml_text(x, computer, strlen(computer));
    avs_evxml_end(x, "Computer");
    avs_evxml_end(x, "System");
    avs_evxml_start(x, "EventData", NULL, 0);
    avs_evxml_start(x, "Data", NULL, 0);
    avs_evxml_text(x, "ok", 2);
    avs_evxml_end(x, "Data");
    avs_evxml_end(x, "EventData");
    cr_assert_eq(avs_evxml_end(x, "Event"), 0);
}

Test(report, evxml_streaming_keeps_no_event)
{
    struct avs_evxml x;
    avs_evxml_init_stream(&x, stream_cb, b);
    for (int i = 0; i < 1000; i++)
        node_event(&x, i % 2 ? "PC1" : "PC2.corp", i % 3 ? "2090" : "2091",
                   i % 2 ? "2026-12-01T10:00:00.0000000Z" : "2026-12-01T10:00:01.0000000Z");
    cr_assert_eq(x.count, 1000);
    cr_assert_null(x.events, "streaming keeps no event");
    avs_evxml_free(&x);
    finish();
    cr_assert_eq(r->n_machines, 2);
    cr_assert_eq(machine("PC1")->events, 500);
}

Test(report, the_events_name_an_expected_machine)
{
    cr_assert_eq(avs_report_expect(b, "WS-OK"), 0);
    ev("ws-ok.corp.example", 2090, 1, "ok", NULL);
    finish();
    cr_assert_eq(r->n_machines, 1);
    cr_assert_str_eq(r->machines[0].name, "ws-ok.corp.example");
    cr_assert(r->machines[0].expected);
    cr_assert_eq(r->machines[0].state, AVS_RSTATE_COMPLIANT);
}

/* --expected as the auditor makes it: UTF-8 (with or without a BOM) or UTF-16LE with its BOM
 * (Windows PowerShell's `>`); comments and blank lines skipped; anything else is refused. */
Test(report, expected_lists_in_utf8_and_utf16)
{
    static const char utf8[] = "\xEF\xBB\xBF# from AD\r\nWS-1\r\n\r\nws-2.corp.example\n";
    static const char utf16[] = "\xFF\xFEW\0S\0-\0003\0\r\0\n\0W\0S\0-\0004\0\r\0\n\0";
    static const char nobom16[] = "W\0S\0-\0005\0\r\0\n\0";
    static const char badsur[] = "\xFF\xFEW\0\x00\xD8S\0";
    struct avs_report_error err;
    cr_assert_eq(fake_fs_put("C:\\a\\utf8.txt", utf8, sizeof utf8 - 1), 0);
    cr_assert_eq(fake_fs_put("C:\\a\\utf16.txt", utf16, sizeof utf16 - 1), 0);
    cr_assert_eq(fake_fs_put("C:\\a\\nobom16.txt", nobom16, sizeof nobom16 - 1), 0);
    cr_assert_eq(fake_fs_put("C:\\a\\badsur.txt", badsur, sizeof badsur - 1), 0);
    cr_assert_eq(avs_report_expect_file(b, &err, "C:\\a\\utf8.txt"), 0, "%s", err.what);
    cr_assert_eq(avs_report_expect_file(b, &err, "C:\\a\\utf16.txt"), 0, "%s", err.what);
    cr_assert_eq(avs_report_expect_file(b, &err, "C:\\a\\nobom16.txt"), AVS_EFORMAT);
    cr_assert_not_null(strstr(err.what, "NUL"), "%s", err.what);
    cr_assert_eq(avs_report_expect_file(b, &err, "C:\\a\\badsur.txt"), AVS_EFORMAT);
    cr_assert_not_null(strstr(err.what, "UTF-16"), "%s", err.what);
    finish();
    cr_assert_eq(r->n_machines, 4, "WS-1, ws-2, WS-3, WS-4: %zu", r->n_machines);
    for (size_t i = 0; i < r->n_machines; i++)
        cr_expect_eq(r->machines[i].state, AVS_RSTATE_SILENT, "%s", r->machines[i].name);
    cr_assert_str_eq(machine("WS-3")->name, "WS-3");
    cr_assert_str_eq(machine("WS-4")->name, "WS-4");
    cr_assert_eq(r->totals.silent, 4);
}
