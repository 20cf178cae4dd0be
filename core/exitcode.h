/* Process exit codes (DESIGN.md), chosen so that SCCM, Intune and msiexec-aware tooling read
 * them correctly: 3010 and 1618 are Windows Installer's "reboot required" and "busy". */
#ifndef AVS_EXITCODE_H
#define AVS_EXITCODE_H

enum {
    AVS_EXIT_OK = 0,         /* compliant / done */
    AVS_EXIT_USAGE = 2,      /* bad command line or catalog file */
    AVS_EXIT_FOUND = 10,     /* scan: prohibited software present */
    AVS_EXIT_BLOCKED = 1602, /* blocked by the safety invariant or policy; nothing removed */
    AVS_EXIT_FAILED = 1603,  /* failed; the Event Log and `avswap status` say where */
    AVS_EXIT_BUSY = 1618,    /* another installation or AvSwap run is in progress */
    AVS_EXIT_REBOOT = 3010,  /* done, a reboot is required to finish */
};

#endif
