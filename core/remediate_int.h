/* Shared by core/remediate*.c only: the state of one remediation while it runs. */
#ifndef AVS_REMEDIATE_INT_H
#define AVS_REMEDIATE_INT_H

#include "journal.h"
#include "journal_fold.h"
#include "os.h"
#include "remediate.h"
#include "scan.h"

enum repl_kind {
    REPL_NONE,    /* no protection product is removed: nothing to replace */
    REPL_MSI,     /* --replacement X.msi */
    REPL_EXE,     /* --replacement X.exe */
    REPL_SERVICE, /* a built-in approved product: start its service (Defender) */
};

struct rctx {
    const struct avs_remediate_opts *o;
    struct avs_remediate_result *r;
    struct avs_os_folders folders;
    struct avs_os_identity who;
    char *data_dir;
    char *journal_path;
    char *logs_dir;
    char *staged; /* staged replacement (or, in a dry run, the source itself) */
    avs_journal *journal;
    struct avs_run_state state; /* the journal folded when the run started */
    struct avs_scan scan;
    int have_scan;
    avs_os_mutex *mutex;
    avs_os_lock *lock; /* on the staged replacement, from verification until the end */

    enum repl_kind repl;
    char *repl_code;                         /* MSI ProductCode of the replacement */
    const struct avs_cat_approved *approved; /* what runs when protected; NULL: any approved */
    int install_first;
    int replaced;    /* the approved product was verified running in this invocation */
    size_t n_unsafe; /* findings that cannot be removed safely */
    int reboot;      /* a removal needed a restart */
    int acted;       /* something was removed or installed in this invocation */
    char *evidence_moved;  /* an older, unkeyed journal moved here (event after 3000) */
    int evidence_key_new;  /* the evidence key was created by this run (event after 3000) */
    /* The last EXE uninstaller refusal, when its reason names data (remediate_remove.c). */
    char exe_why[600];
};

/* Appends a journal record and writes event ID (0: none) whose insertion strings are the run ID,
 * STRS, then "seq N, SHA-256 H" of the record just written, anchoring the journal in the log.
 * A journal that cannot be written stops the run: its effect could not be trusted. */
int avs_rem_record(struct rctx *c, const struct avs_journal_entry *e, uint32_t event,
                   const char *const *strs, size_t n);

/* Writes event ID with the run ID followed by STRS (no journal record). */
void avs_rem_event(struct rctx *c, uint32_t event, const char *const *strs, size_t n);

/* Sets out->step/reason (copies) and returns CODE. */
int avs_rem_stop(struct rctx *c, int code, const char *step, const char *reason);

/* Appends a copy of LINE to a string list. */
int avs_rem_push(char ***list, size_t *n, const char *line);

/* The journal key of a finding: product code, Uninstall key name, or "remnant". */
const char *avs_rem_key(const struct avs_finding *f);

/* Preflight (remediate_preflight.c): every check before the first removal. Returns 0 to go on,
 * or the exit code that ends the run (1602 blocked, 1618 busy, 3010 still waiting for restart). */
int avs_rem_preflight(struct rctx *c);

/* Replacement (remediate_replace.c). */
int avs_rem_replacement_choose(struct rctx *c);  /* decide what replaces; 0 or exit code */
int avs_rem_replacement_stage(struct rctx *c);   /* copy + verify hash; 0 or exit code */
int avs_rem_replacement_install(struct rctx *c); /* install + verify running; 0 or 1603 */

/* Removal of one finding (remediate_remove.c): 0 to continue, or the exit code that ends the
 * run (1603 failed, 1618 busy). */
int avs_rem_remove(struct rctx *c, const struct avs_finding *f);

/* 1 when F can be removed by AvSwap; otherwise *why says why not (static string). */
int avs_rem_removable(struct rctx *c, const struct avs_finding *f, const char **why);

/* MSI logs and the password (remediate_remove.c). avs_rem_log_path appends the path of the
 * Windows Installer log of product KEY in run RUN_ID. avs_rem_scrub_log masks the password in
 * LOG (core/secret.h avs_secret_scrub_log) and returns how many occurrences it masked; a log
 * that cannot be scrubbed is deleted (*deleted = 1). avs_rem_scrub_interrupted scrubs, when a
 * run is resumed and before anything else is done, the log of every product the interrupted
 * part began to remove: a process killed during a removal never scrubbed what it had logged. */
void avs_rem_log_path(struct avs_buf *b, const char *logs_dir, const char *run_id, const char *key);
size_t avs_rem_scrub_log(const char *log, const char *secret, const char *const *props,
                         size_t n_props, int *deleted);
int avs_rem_scrub_interrupted(struct rctx *c);

/* 1 when F is an approved product or the replacement, which is never removed (remediate_guard.c);
 * WHY (WHY_LEN bytes) then says which and how it was recognised. */
int avs_rem_guarded(struct rctx *c, const struct avs_finding *f, char *why, size_t why_len);

/* The evidence key for this run's journal (remediate_evidence.c): an older, unkeyed journal
 * moved aside, the key loaded or created, each with its event. 0, or an error after the run
 * was stopped (avs_rem_stop) with the reason. */
int avs_rem_evidence_key(struct rctx *c, unsigned char key[AVS_EVKEY_LEN]);

/* The events of what avs_rem_evidence_key() did (3031, 3032), once the run has started (3000
 * comes first); frees what it kept. */
void avs_rem_evidence_events(struct rctx *c);

#endif
