/* avswap's subcommands. Each takes the words after its name and returns an exit code. */
#ifndef AVS_COMMANDS_H
#define AVS_COMMANDS_H

#include <stdio.h>

#include "catalog.h"
#include "journal.h"
#include "remediate.h"
#include "scan.h"

int avs_cmd_scan(int argc, char **argv, FILE *out, FILE *err);
int avs_cmd_remediate(int argc, char **argv, FILE *out, FILE *err);
int avs_cmd_status(int argc, char **argv, FILE *out, FILE *err);
int avs_cmd_evidence(int argc, char **argv, FILE *out, FILE *err);

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

/* Renderers of a finished scan. */
void avs_report_scan_text(FILE *out, const struct avs_scan *s, int exit_code);
int avs_report_scan_json(FILE *out, const struct avs_scan *s, int exit_code);

void avs_report_remediate_text(FILE *out, const struct avs_remediate_result *r, int dry_run);
int avs_report_remediate_json(FILE *out, const struct avs_remediate_result *r, int dry_run);

/* Writes S for a terminal: control characters (which could rewrite the helpdesk's screen) are
 * shown as \xNN, everything else as is. */
void avs_report_put_safe(FILE *out, const char *s);

#endif
