/* Turning a finding's registry strings into a program AvSwap may run, or a refusal.
 *
 * Nothing from the registry is ever executed as a command. UninstallString and
 * QuietUninstallString are untrusted text that anyone able to write the Uninstall key chose;
 * all AvSwap takes from them is the path of one program, checked here to be an absolute .exe
 * under Program Files, Program Files (x86) or ProgramData\Package Cache and not a shell or
 * script host. Their arguments are ignored: the arguments are the catalog's quiet-args for the
 * product, and a product without them is not run. The engine then checks the file itself
 * through os.h (exists, no reparse point, Authenticode signer named by the catalog, for the
 * Package Cache a folder only administrators can write) and runs exactly that file through
 * CreateProcessW with it as lpApplicationName: no shell, no search path. */
#ifndef AVS_UNINSTALL_CMD_H
#define AVS_UNINSTALL_CMD_H

#include "os.h"

/* Limits: longer input is refused. */
#define AVS_UNINSTALL_ARGS_MAX 2048u /* bytes of arguments */
#define AVS_UNINSTALL_PATH_MAX 1024u /* bytes of the program path */

struct avs_uninstall_cmd {
    char *app;         /* absolute path of the .exe, as written: the lpApplicationName */
    char *args;        /* the catalog's quiet-args, trimmed: for messages */
    char *cmdline;     /* "\"APP\" ARGS": the complete command line for avs_os_process_run */
    int package_cache; /* 1: APP is under ProgramData\Package Cache (its folders must be
                          writable by administrators only: avs_os_path_admin_only) */
};

/* Builds *OUT from a finding's QUIET_UNINSTALL_STRING (NULL or blank when absent) and
 * UNINSTALL_STRING (may be NULL), and the catalog's CATALOG_QUIET_ARGS (NULL when the catalog
 * has none: then nothing is run).
 *
 * The program is taken from QuietUninstallString when present, else from UninstallString; a
 * refused QuietUninstallString is never replaced by UninstallString. The arguments written in
 * either string are ignored (a stock program given the user's arguments could start anything):
 * the command line is the program and CATALOG_QUIET_ARGS.
 *
 * The program token is quoted ("...", up to the next quote; the closing quote must be followed
 * by white space or the end) or unquoted (up to the first space or tab; it must then end in
 * .exe, else it is taken for an unquoted path with a space, which is refused, not guessed).
 *
 * Returns 0, with *OUT filled (free with avs_uninstall_cmd_free) and *WHY NULL; AVS_EUNSAFE
 * with *WHY set to a static English sentence an auditor can read (it never quotes the input);
 * AVS_ENOMEM. FOLDERS gives the allowed roots; a NULL or malformed root allows nothing. */
int avs_uninstall_cmd_build(struct avs_uninstall_cmd *out, const char **why,
                            const char *quiet_uninstall_string, const char *uninstall_string,
                            const char *catalog_quiet_args, const struct avs_os_folders *folders);

void avs_uninstall_cmd_free(struct avs_uninstall_cmd *cmd);

#endif
