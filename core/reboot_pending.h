/* Is a restart pending on this machine? Checked in preflight: removing a product while Windows
 * waits to replace files or finish servicing can fail halfway or be undone by the restart.
 *
 * The locations Windows itself uses (HKLM, 64-bit view):
 *   - SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending (key);
 *   - SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired (key);
 *   - SYSTEM\CurrentControlSet\Control\Session Manager, value PendingFileRenameOperations, a
 *     non-empty REG_MULTI_SZ.
 * The value is untrusted data: it is never decoded as strings, only checked for content.
 * Anything that cannot be read cleanly (wrong type, odd size, missing terminator, too large,
 * access denied) counts as pending, fail safe, and *out_why says so. */
#ifndef AVS_REBOOT_PENDING_H
#define AVS_REBOOT_PENDING_H

#define AVS_REBOOT_CBS_KEY                                                                         \
    "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootPending"
#define AVS_REBOOT_WU_KEY                                                                          \
    "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\RebootRequired"
#define AVS_REBOOT_SM_KEY "SYSTEM\\CurrentControlSet\\Control\\Session Manager"
#define AVS_REBOOT_PFRO_VALUE "PendingFileRenameOperations"

/* *out: 1 when a restart is pending, else 0. *out_why: when pending, a malloc'd English
 * sentence naming every location that says so, joined with "; " (free() it); NULL when not
 * pending. Returns 0 or AVS_ENOMEM; a location that cannot be read is not an error (see above),
 * except that AVS_ENOENT means absent. */
int avs_reboot_pending(int *out, char **out_why);

#endif
