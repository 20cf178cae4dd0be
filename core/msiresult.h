/* Windows Installer result codes and what the remediation engine does with each.
 *
 * avs_os_msi_uninstall / avs_os_msi_install return the installer's result as a plain int; this
 * table is the one place that decides what it means for the plan. */
#ifndef AVS_MSIRESULT_H
#define AVS_MSIRESULT_H

enum avs_msi_action {
    AVS_MSI_DONE,         /* 0: the action completed */
    AVS_MSI_ALREADY_GONE, /* 1605: the product is not installed (removed meanwhile): done */
    AVS_MSI_REBOOT,       /* 3010, 1641: completed, a restart finishes it */
    AVS_MSI_RETRY_BUSY,   /* 1618: another installation runs: wait (core/backoff.h), retry */
    AVS_MSI_FAILED,       /* anything else: stop, keep what protects the machine, report */
};

enum avs_msi_action avs_msiresult_action(int code);

/* "done", "already-gone", "reboot", "retry-busy", "failed": for the journal and --json. */
const char *avs_msi_action_name(enum avs_msi_action a);

/* A short English description of result CODE, e.g. "a fatal error occurred during the
 * installation" for 1603. Static, never NULL. For a code not in the table it is the generic
 * "Windows Installer error": callers print the number next to it. */
const char *avs_msiresult_text(int code);

#endif
