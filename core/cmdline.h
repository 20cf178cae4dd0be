/* Windows command lines: quoting arguments and splitting a command line, exactly as the MSVC
 * runtime (2008 and later) and CommandLineToArgvW read them.
 *
 * A Windows process receives one string, not an argument vector; every program splits it
 * itself, almost always with these rules:
 *   - arguments are separated by spaces and tabs outside double quotes;
 *   - 2N backslashes followed by '"' give N backslashes, and the quote opens or closes a quoted
 *     part; 2N+1 backslashes followed by '"' give N backslashes and a literal '"';
 *   - backslashes not followed by '"' are literal;
 *   - inside a quoted part, "" gives a literal '"' (and the part stays open);
 *   - the first token, the program name, has its own rule: when it starts with '"' it runs up to
 *     the next '"' (backslashes are literal), otherwise up to the first space or tab.
 * Quoting with avs_cmdline_append_arg and splitting with avs_cmdline_split round-trip exactly. */
#ifndef AVS_CMDLINE_H
#define AVS_CMDLINE_H

#include <stddef.h>

#include "buf.h"

/* Appends a space (when B is not empty) and ARG, quoted so that the rules above give back ARG
 * exactly. ARG is left as it is when it needs no quoting (not empty, no space, tab or '"');
 * otherwise it is enclosed in quotes and the backslashes before a '"' (inner or the closing one)
 * are doubled. Errors are B's sticky error. Not for the program name (argv[0]): use
 * avs_cmdline_append_program. */
void avs_cmdline_append_arg(struct avs_buf *b, const char *arg);

/* Appends PROGRAM as the first token of a command line, always in quotes (the program-name
 * rule has no escape, so a name with a space must be quoted). B must be empty. AVS_EINVAL when
 * PROGRAM contains '"', which no program-name token can carry; B's error otherwise. */
int avs_cmdline_append_program(struct avs_buf *b, const char *program);

/* Splits CMDLINE into *out_argv (malloc'd, NULL-terminated, *out_argc entries; argv[0] by the
 * program-name rule, the rest by the argument rules). An empty CMDLINE gives argc 0; one that
 * starts with white space gives an empty argv[0], as CommandLineToArgvW does. Free with
 * avs_cmdline_free. AVS_ENOMEM is the only error. */
int avs_cmdline_split(char ***out_argv, size_t *out_argc, const char *cmdline);

void avs_cmdline_free(char **argv, size_t argc);

#endif
