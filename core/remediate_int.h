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

#endif
