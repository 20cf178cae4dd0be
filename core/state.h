/* The machine's AvSwap state for management tools: HKLM\SOFTWARE\AvSwap\State, written after
 * every engine run (`avswap remediate` by hand, the service's audit and enforcing runs), so an
 * SCCM configuration item, an Intune detection rule or a hardware-inventory extension reads the
 * result without parsing anything (docs/DEPLOY.md, "Reading the result").
 *
 * Public values (stable, documented in docs/DEPLOY.md):
 *   Compliant    REG_DWORD  1 when no prohibited product remains and nothing is pending, else 0
 *   LastOutcome  REG_SZ     compliant | not-compliant | reboot-pending | failed | blocked |
 *                           audit | busy
 *   LastRunUtc   REG_SZ     ISO-8601 UTC, "2026-12-02T03:04:05Z"
 *   RunId        REG_SZ     the journal's run ID ("" when the run never started, e.g. busy)
 *   Findings     REG_DWORD  prohibited products found (still present for an audit run)
 * Private values (the service's own bookkeeping, documented in docs/DEPLOY.md, not an interface
 * for management tools): see AVS_STATE_* names below.
 *
 * The key is created under HKLM\SOFTWARE\AvSwap only; the default HKLM\SOFTWARE ACL lets
 * standard users read and only administrators write. A State key that is a registry symbolic
 * link is refused (AVS_EUNSAFE): a planted link must not redirect AvSwap's writes. */
#ifndef AVS_STATE_H
#define AVS_STATE_H

#include <stddef.h>
#include <stdint.h>

#define AVS_STATE_KEY "SOFTWARE\\AvSwap\\State"

#define AVS_STATE_COMPLIANT "Compliant"
#define AVS_STATE_LAST_OUTCOME "LastOutcome"
#define AVS_STATE_LAST_RUN_UTC "LastRunUtc"
#define AVS_STATE_RUN_ID "RunId"
#define AVS_STATE_FINDINGS "Findings"
/* Private, for the service: the Mode of its last run ("audit"/"enforce", REG_SZ), so a change
 * to enforce is noticed across restarts; and whether the random delay before the first enforcing
 * run has been waited (REG_DWORD 0/1). */
#define AVS_STATE_LAST_MODE "LastMode"
#define AVS_STATE_DELAY_DONE "DelayDone"

enum avs_outcome {
    AVS_OUTCOME_COMPLIANT,      /* nothing prohibited remains */
    AVS_OUTCOME_NOT_COMPLIANT,  /* prohibited products remain after an enforcing run */
    AVS_OUTCOME_REBOOT_PENDING, /* done up to a restart (3010) */
    AVS_OUTCOME_FAILED,         /* 1603 */
    AVS_OUTCOME_BLOCKED,        /* 1602: the safety invariant or policy blocked the plan */
    AVS_OUTCOME_AUDIT,          /* an audit run: found Findings products, changed nothing */
    AVS_OUTCOME_BUSY,           /* 1618: another engine or installation held the lock */
};

/* "compliant", "not-compliant", ... as written to LastOutcome. */
const char *avs_state_outcome_name(enum avs_outcome o);

/* The outcome of an enforcing run from its exit code (AVS_EXIT_*: 0, 3010, 1602, 1603, 1618)
 * and the number of prohibited products still present: 0 with remaining > 0 is not-compliant. */
enum avs_outcome avs_state_outcome_from_exit(int exit_code, size_t remaining);

struct avs_state {
    enum avs_outcome outcome;
    int64_t run_utc_ms; /* when the run ended, ms since 1970 UTC */
    const char *run_id; /* NULL is written as "" */
    uint32_t findings;  /* prohibited products found */
};

/* Compliant is 1 exactly when outcome is AVS_OUTCOME_COMPLIANT, or AVS_OUTCOME_AUDIT with 0
 * findings. */
int avs_state_is_compliant(const struct avs_state *s);

/* Writes the five public values (creating the key when needed). 0, or AVS_EUNSAFE (the key is a
 * symbolic link), AVS_EACCES (not an administrator), AVS_EIO. */
int avs_state_write(const struct avs_state *s);

/* Records a finished enforcing run (`avswap remediate`, the service's enforcing run; not a dry
 * run): outcome from R's exit code and remaining products, Findings = products removed plus
 * products remaining, RunId, now. A failure to write is reported as event 9100 and returned;
 * the run's own result stands. */
struct avs_remediate_result;
int avs_state_record_run(const struct avs_remediate_result *r);

/* "2026-12-02T03:04:05Z" for MS since 1970 UTC into BUF (at least 21 bytes). */
void avs_state_format_utc(char buf[21], int64_t ms);

/* Private values: NAME is AVS_STATE_LAST_MODE or AVS_STATE_DELAY_DONE (AVS_EINVAL for any
 * other). Getters: AVS_ENOENT when absent, AVS_EFORMAT when of the wrong type; *out malloc'd
 * (free()). */
int avs_state_set_dword(const char *name, uint32_t value);
int avs_state_get_dword(uint32_t *out, const char *name);
int avs_state_set_string(const char *name, const char *value);
int avs_state_get_string(char **out, const char *name);

#endif
