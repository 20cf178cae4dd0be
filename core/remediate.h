/* Remediation: remove every prohibited product in a safe order, put an approved antivirus in
 * place, and prove it — the engine behind `avswap remediate`.
 *
 * The safety invariant (DESIGN.md): the machine is never left without an approved, running
 * antivirus because of AvSwap. A protection product is removed only when the replacement is
 * already running (install-first) or is staged in AvSwap's protected folder and its SHA-256
 * verified (remove-first), and after any protection product is gone, starting the replacement
 * comes before anything else. Every step is journaled (core/journal.h) before its effect is
 * trusted and mirrored in the Event Log; a crash or restart at any point resumes from the journal
 * and nothing is removed twice. */
#ifndef AVS_REMEDIATE_H
#define AVS_REMEDIATE_H

#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "os.h"

enum avs_reboot_policy {
    AVS_REBOOT_NEVER,     /* report 3010 and let the administrator restart */
    AVS_REBOOT_IF_NEEDED, /* ask Windows to restart (5 minutes' notice) when a removal needs it */
};

/* Timeouts and bounds, in milliseconds. */
#define AVS_BUSY_TIMEOUT_DEFAULT_MS (120u * 1000u) /* waiting for Windows Installer */
#define AVS_EXE_TIMEOUT_MS (30u * 60u * 1000u)     /* one EXE uninstaller or installer */
#define AVS_SERVICE_START_TIMEOUT_MS (60u * 1000u)
#define AVS_REBOOT_GRACE_S 300u

struct avs_remediate_opts {
    int dry_run;                  /* plan and preflight only; change nothing */
    const char *replacement;      /* .msi or .exe of the approved product; NULL: Defender */
    const char *sha256_hex;       /* required with replacement: 64 hex digits */
    const char *replacement_args; /* MSI properties or EXE arguments; may be NULL */
    const char *password;         /* uninstall password (secret) or NULL */
    enum avs_reboot_policy reboot;
    uint32_t busy_timeout_ms;
    const struct avs_catalog *catalog;
    const char *catalog_desc;
    const char *login; /* login name for the products' login-property, passed with the password
                          (not a secret); NULL: AVS_LOGIN_DEFAULT */
};

/* The login name of the vendor's password protection when --login is not given. */
#define AVS_LOGIN_DEFAULT "KLAdmin"

struct avs_removed {
    char *name;
    char *version;
    char *code; /* MSI product code, or the Uninstall key name of an EXE product */
    int result; /* Windows Installer or uninstaller result code */
};

struct avs_remediate_result {
    int exit_code;        /* AVS_EXIT_*: 0, 3010, 1602, 1603, 1618 */
    char *run_id;         /* NULL when the run never started (busy, damaged journal) */
    int resumed;          /* continued an interrupted run */
    const char *strategy; /* "install-first", "remove-first", or "none" (nothing to replace) */
    struct avs_removed *removed; /* every product this run removed, in order (resumed parts too) */
    size_t n_removed;
    char *replacement_name;
    int replacement_installed;
    int replacement_running;
    int reboot_required;
    int64_t unprotected_ms; /* first protection product gone -> approved one running; -1 unknown */
    char *step;             /* where a failure or block happened ("preflight: installer", ...) */
    char *reason;           /* why, in words for the helpdesk and the event */
    char **plan;            /* human lines: the removal order with methods */
    size_t n_plan;
    char **checks; /* human lines: each preflight check and its result */
    size_t n_checks;
    char **remaining; /* prohibited products still present at the end */
    size_t n_remaining;
};

/* Runs (or, with opts->dry_run, evaluates) a remediation. Always fills *out, whose exit_code
 * says how it ended; returns 0, or AVS_ENOMEM when it could not even describe that. Free with
 * avs_remediate_result_free(). */
int avs_remediate(struct avs_remediate_result *out, const struct avs_remediate_opts *opts);

void avs_remediate_result_free(struct avs_remediate_result *r);

/* AvSwap's folder, %ProgramData%\\AvSwap, and the journal in it: malloc'd, NULL when out of
 * memory. The one place these paths are made. */
char *avs_remediate_data_dir(const struct avs_os_folders *f);
char *avs_remediate_journal_path(const struct avs_os_folders *f);

/* The name of the single-instance mutex. */
#define AVS_REMEDIATE_MUTEX "Global\\AvSwap.Remediate"

#endif
