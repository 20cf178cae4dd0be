/* An `avswap evidence export` (the journal itself) counted for `avswap report`: the records are
 * what the events mirror, so they say the same things, and they account for every record seq
 * of the chain, the ones no event names included. */
#include "error.h"
#include "journal_fold.h"
#include "report_int.h"

static int outcome(avs_report_builder *b, struct mach *m, const struct avs_journal_rec *r)
{
    switch (r->outcome) {
    case 0:
        return avs_report_set_state(b, m, AVS_RSTATE_COMPLIANT, 2, 6000, r->time_ms, NULL, NULL);
    case 3010:
        return avs_report_set_state(b, m, AVS_RSTATE_REBOOT_PENDING, 2, 6001, r->time_ms, r->detail,
                                    NULL);
    case 1602:
        return avs_report_set_state(b, m, AVS_RSTATE_BLOCKED, 2, 6002, r->time_ms, r->detail, NULL);
    case 1603:
        return avs_report_set_state(b, m, AVS_RSTATE_FAILED, 2, 6003, r->time_ms, r->detail, NULL);
    default: return 0; /* 1618 busy: the verdict before it stands */
    }
}

static int record(avs_report_builder *b, struct mach *m, const struct avs_journal_rec *r)
{
    const char *name = r->product ? r->product : r->product_code;
    if (r->phase != AVS_JPHASE_END)
        return 0;
    switch (r->step) {
    case AVS_JSTEP_REMOVE:
        if (!name)
            return 0;
        return avs_journal_code_ok(r->outcome)
                   ? avs_report_product_removed(b, m, name, r->version, r->time_ms)
                   : avs_report_product_found(b, m, name, r->version, r->time_ms);
    case AVS_JSTEP_REPLACEMENT_VERIFY:
        return avs_journal_code_ok(r->outcome) && r->product
                   ? avs_report_set_replacement(b, m, r->product, r->time_ms)
                   : 0;
    case AVS_JSTEP_OUTCOME: return outcome(b, m, r);
    default: return 0;
    }
}

int avs_report_add_journal(avs_report_builder *b, const struct avs_journal_rec *recs, size_t n,
                           const struct avs_journal_check *chk)
{
    for (size_t i = 0; i < n; i++) {
        const struct avs_journal_rec *r = &recs[i];
        struct mach *m = avs_report_machine_get(b, r->host);
        if (!m || avs_report_name_from_event(b, m, r->host) != 0)
            return AVS_ENOMEM;
        avs_report_touch(b, m, r->time_ms);
        m->journal_seen = 1;
        if (chk->status != AVS_JOURNAL_INTACT)
            m->conflict = 1; /* edited or cut: the report says so, and counts what verified */
        int rc = record(b, m, r);
        if (!rc && r->run_id && *r->run_id)
            rc = avs_report_add_run(b, m, r->run_id, r->time_ms);
        if (!rc)
            rc = avs_report_span_add(m, r->seq, r->seq);
        if (rc)
            return rc;
        if (r->seq >= m->seq_max) {
            m->seq_max = r->seq;
            /* The journal's own end: closed when its last record is a run's outcome. */
            m->seq_max_event = r->step == AVS_JSTEP_OUTCOME ? 6000 : 0;
        }
    }
    return 0;
}
