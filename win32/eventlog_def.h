/* AvSwap's event log registration: the one definition of what the log and its source look like.
 *
 * Two writers use it: win32/eventlog.c, which creates or repairs the registration on every
 * elevated run, and the MSI, whose registry rows msi/evlog_wxs.c prints from these same macros
 * when scripts/build makes the package. A value changed here changes both; an MSI that wrote
 * other values would be "repaired" by the first elevated run (event 1000) and undone again by
 * the next MSI repair. Plain C, no <windows.h>: the generator is built on the Linux host.
 * Strings are narrow literals; eventlog.c widens them by concatenation with L"". */
#ifndef AVS_EVENTLOG_DEF_H
#define AVS_EVENTLOG_DEF_H

#define AVS_EVLOG_NAME "AvSwap"
#define AVS_EVLOG_SOURCE "AvSwap"
/* Under HKEY_LOCAL_MACHINE. */
#define AVS_EVLOG_EVENTLOG_KEY "SYSTEM\\CurrentControlSet\\Services\\EventLog"
#define AVS_EVLOG_LOG_KEY AVS_EVLOG_EVENTLOG_KEY "\\" AVS_EVLOG_NAME
#define AVS_EVLOG_SOURCE_KEY AVS_EVLOG_LOG_KEY "\\" AVS_EVLOG_SOURCE

/* The log's settings. 64 MiB holds years of a machine's AvSwap events; when it is full anyway,
 * Retention = -1 with AutoBackupLogFiles = 1 archives the full log to a file beside it and
 * starts an empty one ("Archive the log when full, do not overwrite events"): nothing is lost
 * silently. */
#define AVS_EVLOG_MAX_SIZE (64u * 1024u * 1024u)
#define AVS_EVLOG_RETENTION 0xFFFFFFFFu
#define AVS_EVLOG_AUTO_BACKUP 1u
/* REG_EXPAND_SZ. */
#define AVS_EVLOG_FILE "%SystemRoot%\\System32\\Winevt\\Logs\\AvSwap.evtx"
/* Access to the log (ELF_LOGFILE_READ 0x1, _WRITE 0x2, _CLEAR 0x4): SYSTEM and Administrators
 * read, write and clear; Event Log Readers (S-1-5-32-573) and NETWORK SERVICE read; no one
 * else anything. */
#define AVS_EVLOG_SDDL                                                                             \
    "O:BAG:SYD:(A;;0xf0007;;;SY)(A;;0x7;;;BA)(A;;0x1;;;S-1-5-32-573)(A;;0x1;;;NS)"
/* EVENTLOG_ERROR_TYPE | EVENTLOG_WARNING_TYPE | EVENTLOG_INFORMATION_TYPE (eventlog.c checks
 * it against <windows.h>). */
#define AVS_EVLOG_TYPES 0x7u

/* The message file, in AvSwap's folder under %ProgramFiles% (REG_EXPAND_SZ, written expanded). */
#define AVS_EVLOG_MSGDLL_DIR "AvSwap"
#define AVS_EVLOG_MSGDLL_NAME "avswapmsg.dll"

#endif
