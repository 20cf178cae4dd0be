#include "journal_fold.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"

int avs_journal_code_reboot(int64_t code)
{
    return code == 3010 || code == 1641;
}

int avs_journal_code_ok(int64_t code)
{
    return code == 0 || code == 1605 || avs_journal_code_reboot(code);
}

void avs_run_state_free(struct avs_run_state *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->product_count; i++) {
        free(s->products[i].product_code);
        free(s->products[i].product);
        free(s->products[i].version);
    }
    free(s->products);
    free(s->run_id);
    memset(s, 0, sizeof *s);
}

const struct avs_run_product *avs_run_product_find(const struct avs_run_state *s, const char *key)
{
    if (!key)
        return NULL;
    for (size_t i = 0; i < s->product_count; i++)
        if (strcmp(s->products[i].product_code, key) == 0)
            return &s->products[i];
    return NULL;
}

enum avs_resume avs_run_remove_decision(const struct avs_run_state *s, const char *key)
{
    const struct avs_run_product *p = avs_run_product_find(s, key);
    if (!p || p->remove.state == AVS_STEP_NOT_STARTED)
        return AVS_RESUME_REMOVE;
    if (p->removed)
        return AVS_RESUME_SKIP;
    if (p->remove.state == AVS_STEP_INTERRUPTED)
        return AVS_RESUME_RECHECK;
    return AVS_RESUME_FAILED;
}

struct fold {
    struct avs_run_state *s;
    struct avs_fold_error *err;
    size_t removed; /* products removed so far: the next rank */
};

static int bad(struct fold *f, const struct avs_journal_rec *r, const char *why)
{
    if (f->err) {
        f->err->line = r->line;
        f->err->why = why;
    }
    return AVS_EFORMAT;
}

static int step_begin(struct avs_run_step *st, const struct avs_journal_rec *r)
{
    /* A second "begin" without an "end" is a resumed attempt after an interruption. */
    st->state = AVS_STEP_INTERRUPTED;
    st->begins++;
    st->begin_ms = r->time_ms;
    return 0;
}

static int step_end(struct fold *f, struct avs_run_step *st, const struct avs_journal_rec *r)
{
    if (st->state != AVS_STEP_INTERRUPTED)
        return bad(f, r, "\"end\" without a \"begin\"");
    st->state = AVS_STEP_ENDED;
    st->outcome = r->outcome;
    st->end_ms = r->time_ms;
    return 0;
}

static int keep(char **field, const char *value)
{
    if (!value)
        return 0;
    char *copy = avs_strdup(value);
    if (!copy)
        return AVS_ENOMEM;
    free(*field);
    *field = copy;
    return 0;
}

static int product_for(struct avs_run_product **out, struct fold *f,
                       const struct avs_journal_rec *r)
{
    struct avs_run_state *s = f->s;
    const char *key = r->product_code ? r->product_code : r->product;
    if (!key)
        return bad(f, r, "\"remove\" names no product");
    struct avs_run_product *p = (struct avs_run_product *)avs_run_product_find(s, key);
    if (!p) {
        struct avs_run_product *grown =
            realloc(s->products, (s->product_count + 1) * sizeof *s->products);
        if (!grown)
            return AVS_ENOMEM;
        s->products = grown;
        p = &s->products[s->product_count];
        memset(p, 0, sizeof *p);
        p->product_code = avs_strdup(key);
        if (!p->product_code)
            return AVS_ENOMEM;
        s->product_count++;
    }
    int rc = keep(&p->product, r->product);
    if (!rc)
        rc = keep(&p->version, r->version);
    if (rc)
        return rc;
    *out = p;
    return 0;
}

static int fold_remove(struct fold *f, const struct avs_journal_rec *r)
{
    struct avs_run_product *p = NULL;
    int rc = product_for(&p, f, r);
    if (rc)
        return rc;
    if (r->phase == AVS_JPHASE_BEGIN) {
        if (p->removed)
            return bad(f, r, "\"remove\" begun again after it succeeded");
        return step_begin(&p->remove, r);
    }
    rc = step_end(f, &p->remove, r);
    if (rc)
        return rc;
    if (avs_journal_code_ok(r->outcome)) {
        p->removed = 1;
        p->removed_rank = ++f->removed;
        p->removed_ms = r->time_ms;
        if (!f->s->first_removal_ms)
            f->s->first_removal_ms = r->time_ms;
    }
    if (avs_journal_code_reboot(r->outcome))
        f->s->reboot_pending = 1;
    return 0;
}

static int fold_one(struct fold *f, const struct avs_journal_rec *r)
{
    struct avs_run_state *s = f->s;
    struct avs_run_step *st = NULL;
    int rc;

    if (s->finished)
        return bad(f, r, "record after the run's final outcome");
    switch (r->step) {
    case AVS_JSTEP_REMOVE: return fold_remove(f, r);
    case AVS_JSTEP_OUTCOME:
        if (r->phase != AVS_JPHASE_END)
            return bad(f, r, "\"outcome\" has no \"begin\"");
        s->has_outcome = 1;
        s->outcome = r->outcome;
        s->finished = r->outcome != 3010;
        return 0;
    case AVS_JSTEP_REBOOT:
        if (r->phase == AVS_JPHASE_BEGIN) {
            s->reboot_pending = 1;
            return step_begin(&s->reboot, r);
        }
        /* The reboot a removal's 3010 asked for may end without a "begin" of its own. */
        if (s->reboot.state != AVS_STEP_INTERRUPTED && !s->reboot_pending)
            return bad(f, r, "reboot \"end\" with no reboot pending");
        s->reboot.state = AVS_STEP_INTERRUPTED;
        rc = step_end(f, &s->reboot, r);
        if (!rc)
            s->reboot_pending = 0;
        return rc;
    case AVS_JSTEP_PLAN: st = &s->plan; break;
    case AVS_JSTEP_PREFLIGHT: st = &s->preflight; break;
    case AVS_JSTEP_REPLACEMENT_STAGE: st = &s->stage; break;
    case AVS_JSTEP_REPLACEMENT_INSTALL: st = &s->install; break;
    case AVS_JSTEP_REPLACEMENT_VERIFY: st = &s->verify; break;
    default: return bad(f, r, "unknown step");
    }
    if (r->phase == AVS_JPHASE_BEGIN)
        return step_begin(st, r);
    rc = step_end(f, st, r);
    if (!rc && r->step == AVS_JSTEP_REPLACEMENT_INSTALL && avs_journal_code_reboot(r->outcome))
        s->reboot_pending = 1;
    return rc;
}

int avs_journal_fold(struct avs_run_state *out, const struct avs_journal_rec *recs, size_t count,
                     struct avs_fold_error *err)
{
    struct fold f = {out, err, 0};
    const char *run = NULL;
    int rc = 0;

    memset(out, 0, sizeof *out);
    if (err) {
        err->line = 0;
        err->why = NULL;
    }
    for (size_t i = count; i-- > 0;) {
        if (recs[i].step != AVS_JSTEP_JOURNAL) {
            run = recs[i].run_id;
            break;
        }
    }
    if (!run)
        return 0;
    out->run_id = avs_strdup(run);
    if (!out->run_id) {
        rc = AVS_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < count; i++) {
        const struct avs_journal_rec *r = &recs[i];
        if (r->step == AVS_JSTEP_JOURNAL || strcmp(r->run_id, run) != 0)
            continue;
        rc = fold_one(&f, r);
        if (rc)
            goto done;
        out->records++;
    }
done:
    if (rc)
        avs_run_state_free(out);
    return rc;
}
