/* win32/eventlog.h — AvSwap's own event log and its message file (internal to win32/).
 * eventlog.c writes the events and registers the log; msgdll.c installs the message file. */
#ifndef AVS_WIN32_EVENTLOG_H
#define AVS_WIN32_EVENTLOG_H

#include "os.h"

#include "win32.h" /* <windows.h> first */

/* Where the message file lives: %ProgramFiles%\AvSwap\avswapmsg.dll (Program Files from the
 * machine's known folders, never from the environment), malloc'd in *out. */
int avs_win32_msgdll_path(wchar_t **out);

/* Installs the avswapmsg.dll embedded in avswap.exe at avs_win32_msgdll_path() when it is
 * absent or different (needs administrator rights): the folder is created admin-only when
 * absent and refused (AVS_EUNSAFE) when it is a reparse point or anyone else may write to it;
 * the file is written under a temporary name and renamed over the old one. *out gets the
 * path (malloc'd) and *out_changed 1 when the file was written. */
int avs_win32_msgdll_install(wchar_t **out, int *out_changed);

#endif
