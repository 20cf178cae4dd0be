/* core/report with `avswap evidence export` files: the journal's records counted as the events
 * that mirror them, its chain accounting for every seq; and the gunzip that opens them. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "fake_fs.h"
#include "fake_os.h"
#include "gzip.h"
#include "journal.h"
#include "report.h"

#define PATH "C:\\ProgramData\\AvSwap\\journal.jsonl"

static void setup(void)
{
    fake_fs_reset();
    fake_now_set(INT64_C(1764583200000)); /* 2025-12-01T10:00:00Z */
}

TestSuite(report_journal, .init = setup, .fini = fake_fs_reset);

static void append(avs_journal *j, enum avs_journal_step step, enum avs_journal_phase phase,
                   const char *product, int64_t outcome)
{
    struct avs_journal_entry e = {
        step, phase, product, product ? "11.1" : NULL, product ? "{K}" : NULL, outcome, NULL};
    cr_assert_eq(avs_journal_append(j, &e), 0);
}

/* A removal run as the engine journals it, ending with OUTCOME. */
static void write_run(int64_t remove_result, int64_t outcome)
{
    static const struct avs_journal_ident id = {"WS-042", "0f8e4c2a-1b3d-4e5f-8a7b-0c1d2e3f4a5b",
                                                "S-1-5-18", "NT AUTHORITY\\SYSTEM"};
    avs_journal *j = NULL;
    cr_assert_eq(avs_journal_open(&j, PATH, &id, NULL), 0);
    append(j, AVS_JSTEP_PLAN, AVS_JPHASE_BEGIN, NULL, 0);
    append(j, AVS_JSTEP_PLAN, AVS_JPHASE_END, NULL, 0);
    append(j, AVS_JSTEP_REMOVE, AVS_JPHASE_BEGIN, "Kaspersky Endpoint Security", 0);
    append(j, AVS_JSTEP_REMOVE, AVS_JPHASE_END, "Kaspersky Endpoint Security", remove_result);
    append(j, AVS_JSTEP_OUTCOME, AVS_JPHASE_END, NULL, outcome);
    avs_journal_close(j);
}

static struct avs_report *report_of_journal(const char *data, size_t len)
{
    struct avs_journal_check chk;
    struct avs_journal_rec *recs = NULL;
    size_t n = 0;
    avs_report_builder *b = NULL;
    struct avs_report *r = NULL;
    cr_assert_eq(avs_journal_verify(&chk, &recs, &n, data, len), 0);
    cr_assert_eq(avs_report_builder_new(&b), 0);
    cr_assert_eq(avs_report_add_journal(b, recs, n, &chk), 0);
    cr_assert_eq(avs_report_finish(&r, b), 0);
    avs_report_builder_free(b);
    avs_journal_recs_free(recs, n);
    return r;
}

Test(report_journal, a_removal_run_is_remediated_and_consistent)
{
    write_run(0, 0);
    size_t len;
    const char *data = fake_fs_data(PATH, &len);
    struct avs_report *r = report_of_journal(data, len);
    cr_assert_eq(r->n_machines, 1);
    const struct avs_report_machine *m = &r->machines[0];
    cr_assert_str_eq(m->name, "WS-042");
    cr_assert_eq(m->state, AVS_RSTATE_COMPLIANT);
    cr_assert(m->remediated);
    cr_assert_eq(m->n_products, 1);
    cr_assert(m->products[0].removed_ms);
    cr_assert_eq(m->evidence, AVS_REVIDENCE_CONSISTENT);
    cr_assert_eq(m->evidence_last_seq, 5);
    cr_assert_str_eq(m->last_run_id, "0f8e4c2a-1b3d-4e5f-8a7b-0c1d2e3f4a5b");
    avs_report_free(r);
}

Test(report_journal, a_failed_removal_remains)
{
    write_run(1603, 1603);
    size_t len;
    const char *data = fake_fs_data(PATH, &len);
    struct avs_report *r = report_of_journal(data, len);
    const struct avs_report_machine *m = &r->machines[0];
    cr_assert_eq(m->state, AVS_RSTATE_FAILED);
    cr_assert(m->products[0].remaining);
    cr_assert_eq(r->totals.remaining, 1);
    cr_assert_eq(r->totals.failed, 1);
    avs_report_free(r);
}

Test(report_journal, an_edited_journal_is_a_conflict)
{
    write_run(0, 0);
    size_t len;
    const char *data = fake_fs_data(PATH, &len);
    char *copy = malloc(len + 1);
    memcpy(copy, data, len + 1);
    char *p = strstr(copy, "\"step\":\"remove\",\"phase\":\"end\"");
    cr_assert_not_null(p);
    p = strstr(p, "\"outcome\":0");
    cr_assert_not_null(p);
    p[10] = '1'; /* the removal "failed": the chain breaks at the line after it */
    struct avs_report *r = report_of_journal(copy, len);
    cr_assert_eq(r->machines[0].evidence, AVS_REVIDENCE_CONFLICT);
    cr_assert_neq(r->machines[0].state, AVS_RSTATE_COMPLIANT, "the edited outcome is not trusted");
    avs_report_free(r);
    free(copy);
}

Test(report_journal, gunzip_round_trip_and_damage)
{
    static const char text[] = "{\"seq\":1}\n{\"seq\":2}\n";
    unsigned char *gz = NULL, *back = NULL;
    size_t gz_len = 0, back_len = 0;
    cr_assert_eq(avs_gzip(&gz, &gz_len, text, sizeof text - 1), 0);
    cr_assert_eq(avs_gunzip(&back, &back_len, gz, gz_len, 1024), 0);
    cr_assert_eq(back_len, sizeof text - 1);
    cr_assert_str_eq((char *)back, text);
    free(back);
    cr_assert_eq(avs_gunzip(&back, &back_len, gz, gz_len - 9, 1024), AVS_EFORMAT, "cut short");
    cr_assert_null(back);
    cr_assert_eq(avs_gunzip(&back, &back_len, gz, gz_len, 4), AVS_ETOOBIG);
    cr_assert_eq(avs_gunzip(&back, &back_len, text, sizeof text - 1, 1024), AVS_EFORMAT,
                 "not gzip");
    gz[gz_len / 2] ^= 0x55;
    cr_assert_eq(avs_gunzip(&back, &back_len, gz, gz_len, 1024), AVS_EFORMAT, "damaged");
    free(gz);
}
