/* core/journal_fold — the state of a run, as a pure fold over its journal records.
 *
 * Resume after a crash or a reboot reads the journal (avs_journal_load), folds it, and asks
 * for each product whether to remove it: a product whose removal "end" was recorded with a
 * success code is never removed again; a "begin" without an "end" means the step was
 * interrupted at an unknown point and the engine must re-check the machine (rescan) before doing
 * anything about it. No clock, no I/O: the same records always give the same state. */
#ifndef AVS_JOURNAL_FOLD_H
#define AVS_JOURNAL_FOLD_H

#include <stddef.h>
#include <stdint.h>

#include "journal.h"

enum avs_step_state {
    AVS_STEP_NOT_STARTED, /* no record */
    AVS_STEP_INTERRUPTED, /* the last record is a "begin": it may or may not have taken effect */
    AVS_STEP_ENDED,       /* the last record is an "end"; see outcome */
};

struct avs_run_step {
    enum avs_step_state state;
    int64_t outcome;  /* the last "end"'s outcome; 0 when there was none */
    unsigned begins;  /* how many times it was begun (attempts, including resumed ones) */
    int64_t begin_ms; /* time of the last "begin"; 0 when none */
    int64_t end_ms;   /* time of the last "end"; 0 when none */
};

struct avs_run_product {
    char *product_code; /* the key: product_code, or the product name when it had none */
    char *product;      /* as last recorded; may be NULL */
    char *version;      /* as last recorded; may be NULL */
    struct avs_run_step remove;
    int removed;         /* an "end" with a success code was recorded: never remove again */
    size_t removed_rank; /* 1 for the first product removed in the run, 2 for the next...;
                            0 when not removed (the order of `--json`'s removed[]) */
    int64_t removed_ms;  /* time of that "end" */
};

struct avs_run_state {
    char *run_id;   /* the run folded (the last run in the journal); NULL when there is none */
    size_t records; /* records of that run folded */
    struct avs_run_step plan;
    struct avs_run_step preflight;
    struct avs_run_step stage;   /* replacement-stage */
    struct avs_run_step install; /* replacement-install */
    struct avs_run_step verify;  /* replacement-verify */
    struct avs_run_step reboot;
    struct avs_run_product *products; /* in the order they first appear */
    size_t product_count;
    int reboot_pending; /* a step ended with 3010/1641, or a reboot began, and no reboot ended
                           since */
    int has_outcome;    /* an "outcome" record exists */
    int64_t outcome;    /* the last one's code (an exit code: 0, 3010, 1602, 1603, 1618) */
    int finished;       /* has_outcome and outcome is not 3010: the next invocation starts a new
                           run; otherwise it resumes this one */
    int64_t first_removal_ms; /* time of the first successful removal; 0 when none */
};

/* 1 when CODE means a removal or install succeeded: 0, 1605 (already gone; removals), 3010 and
 * 1641 (done, reboot required). */
int avs_journal_code_ok(int64_t code);

/* 1 when CODE means "done, reboot required": 3010 (ERROR_SUCCESS_REBOOT_REQUIRED) or 1641
 * (ERROR_SUCCESS_REBOOT_INITIATED). */
int avs_journal_code_reboot(int64_t code);

struct avs_fold_error {
    size_t line; /* 1-based journal line of the offending record */
    const char *why;
};

/* Folds the records of the last run in RECS (those whose run_id is the last record's, in
 * order; "journal" notes are skipped) into *out (free with avs_run_state_free()). An empty list
 * gives an empty state (run_id NULL). A record sequence the engine never writes fails with
 * AVS_EFORMAT and ERR (may be NULL) set: an "end" with no "begin" open for its step or product,
 * a "begin" of "outcome", a "remove" without product_code or product. Resuming from a journal
 * that does not make sense would be a guess. */
int avs_journal_fold(struct avs_run_state *out, const struct avs_journal_rec *recs, size_t count,
                     struct avs_fold_error *err);

void avs_run_state_free(struct avs_run_state *s);

/* The product with KEY (product_code, or the name for products without one) in S; NULL when the
 * run never recorded it. */
const struct avs_run_product *avs_run_product_find(const struct avs_run_state *s, const char *key);

enum avs_resume {
    AVS_RESUME_REMOVE,  /* never begun in this run: remove it when the plan says so */
    AVS_RESUME_SKIP,    /* removal recorded as successful: never remove again */
    AVS_RESUME_RECHECK, /* begun, no end: interrupted; rescan to see whether it is still there,
                           then record an "end" (1605 if gone) or remove it again */
    AVS_RESUME_FAILED,  /* ended with a failure code (see remove.outcome): the engine decides
                           (1618 busy: retry; otherwise report failed) */
};

/* What resume should do about the product with KEY. */
enum avs_resume avs_run_remove_decision(const struct avs_run_state *s, const char *key);

#endif
