/* avswap's subcommands. Each takes the words after its name and returns an exit code. */
#ifndef AVS_COMMANDS_H
#define AVS_COMMANDS_H

#include <stdio.h>

#include "catalog.h"
#include "journal.h"
#include "json.h"
#include "policy.h"
#include "remediate.h"
#include "scan.h"

int avs_cmd_scan(int argc, char **argv, FILE *out, FILE *err);
int avs_cmd_remediate(int argc, char **argv, FILE *out, FILE *err);
int avs_cmd_status(int argc, char **argv, FILE *out, FILE *err);
int avs_cmd_evidence(int argc, char **argv, FILE *out, FILE *err);
int avs_cmd_report(int argc, char **argv, FILE *out, FILE *err);

/* The journal's path: %ProgramData%\AvSwap\journal.jsonl (malloc'd, or NULL). */
char *avs_cli_journal_path(void);

/* Loads and verifies the journal at PATH with this machine's evidence key when it can be read
 * (HMACs checked), else the public chain only (cmd_evidence.c). */
int avs_cli_journal_load(struct avs_journal_check *chk, struct avs_journal_rec **recs,
                         size_t *n, const char *path);

/* The check of AvSwap's folder every command that touches it starts with: untrusted items
 * moved aside, each with event 3030. 0 to go on, or an exit code (a move failed: event 9011).
 * CMD names the command in messages. */
int avs_cli_folder_check(const char *cmd, FILE *err);

/* Loads the built-in catalog and, when PATH is not NULL, merges the administrator's file,
 * checked against PIN (--catalog-sha256, may be NULL) first. *desc receives "built-in" or
 * "built-in + PATH (SHA-256 HEX[, pinned])" (free() it). Prints the problem to ERR and returns
 * the exit code to use (2 for a bad, unreadable, refused or mismatching file, 1603 otherwise). */
int avs_cli_load_catalog(struct avs_catalog *cat, char **desc, const char *path, const char *pin,
                         const char *cmd, FILE *err);

/* Reads an uninstall password from FILE, or from the console without echo when PROMPT (the
 * option that asked for it is PROMPT_OPT, for messages). Checked with avs_secret_parse; its text
 * never reaches ERR. 0 with *out set (avs_secret_free it), or the exit code to use. */
int avs_cli_read_password(char **out, const char *file, int prompt, const char *cmd,
                          const char *prompt_opt, FILE *err);

int avs_cmd_secret(int argc, char **argv, FILE *out, FILE *err);

/* `avswap policy applocker [--audit] [--merge] [--services] [--dll] [--out FILE]` (cmd_policy.c). */
int avs_cmd_policy(int argc, char **argv, FILE *out, FILE *err);

/* The effective policy and its sources in `avswap status` (report_policy.c). PASSWORD says
 * where an uninstall password would come from ("PasswordFile (policy)", "machine secret",
 * "none"), never the password. */
void avs_report_policy_text(FILE *out, const struct avs_policy *p, const char *password);
void avs_report_policy_json(struct avs_json *j, const struct avs_policy *p, const char *password);

/* Reads the policy for a command and, when it is not NULL, marks the catalog as coming from a
 * flag. Problems are written as events only when REPORT is set (remediate; status only shows
 * them). 0, or an exit code after printing why. */
int avs_cli_policy_read(struct avs_policy *p, int report, const char *cmd, FILE *err);

/* Where an uninstall password would come from for a run with no password flag, as words for
 * status: "PasswordFile (policy)", "machine secret (avswap secret set)" or "none". */
const char *avs_cli_password_source(const struct avs_policy *p);

/* The password for a run without password flags: the policy's PasswordFile (read now, never
 * copied), else the machine secret; none (*out NULL) when neither is set or usable (an unusable
 * one gets event 9101 and a warning on ERR). 0, or AVS_ENOMEM. */
int avs_cli_policy_password(char **out, const struct avs_policy *p, FILE *err);

/* Renderers of a finished scan. */
void avs_report_scan_text(FILE *out, const struct avs_scan *s, int exit_code);
int avs_report_scan_json(FILE *out, const struct avs_scan *s, int exit_code);

void avs_report_remediate_text(FILE *out, const struct avs_remediate_result *r, int dry_run);
int avs_report_remediate_json(FILE *out, const struct avs_remediate_result *r, int dry_run);

/* Writes S for a terminal: control characters (which could rewrite the helpdesk's screen) are
 * shown as \xNN, everything else as is. */
void avs_report_put_safe(FILE *out, const char *s);

#endif
