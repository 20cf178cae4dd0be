/* The machine's uninstall password, set by `avswap secret set`: a DPAPI machine-scope blob in
 * AvSwap's protected folder, %ProgramData%\AvSwap\uninstall-password.bin.
 *
 * Why a file there and not a registry value: the folder already has a protected DACL (SYSTEM
 * and Administrators only, set atomically at creation by avs_os_mkdir_protected) and is checked
 * before every command that uses it (items made by anyone else are moved aside, event 3030), the
 * same protection as the evidence key beside it. A registry key would need an ACL of its own and
 * a second check, and HKLM\SOFTWARE\AvSwap is readable by every user (the State key lives there).
 * DPAPI machine scope binds the blob to this machine: a copy does not open elsewhere.
 * (docs/DEPLOY.md, "The uninstall password".) */
#ifndef AVS_MACHINE_SECRET_H
#define AVS_MACHINE_SECRET_H

#include "os.h"

#define AVS_MACHINE_SECRET_NAME "uninstall-password.bin"

/* The secret file's path in *out (malloc'd, free() it). */
int avs_machine_secret_path(char **out);

/* Stores PASSWORD (already checked with avs_secret_parse) as the machine's secret, creating
 * AvSwap's protected folder when needed and replacing an earlier secret atomically. */
int avs_machine_secret_set(const char *password);

/* The machine's secret in *out (free with avs_secret_free). AVS_ENOENT when none is set;
 * AVS_EMISMATCH when the blob does not open on this machine (copied, damaged); AVS_EFORMAT when
 * what it holds is not a password this version wrote. */
int avs_machine_secret_get(char **out);

/* Deletes the secret; *out_was_set tells whether there was one. */
int avs_machine_secret_clear(int *out_was_set);

#endif
