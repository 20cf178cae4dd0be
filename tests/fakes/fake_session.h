/* Fake logged-on sessions for avs_os_user_token_get/avs_os_user_run (core/os.h): one user at a
 * time, and a record of what was run as whom. fake_os_reset() calls fake_session_reset(). */
#ifndef FAKE_SESSION_H
#define FAKE_SESSION_H

#include "os.h"

void fake_session_reset(void);

/* SID is logged on; ELEVATED: its token is a full administrator's; EXIT: what a run returns. */
void fake_session_add(const char *sid, int elevated, int exit_code);

/* How many programs were run as a user, and the last one's SID, exe and command line ("" when
 * none; static strings valid until the next reset). */
size_t fake_session_runs(void);
const char *fake_session_last_sid(void);
const char *fake_session_last_exe(void);
const char *fake_session_last_cmdline(void);

#endif
