/* Fake logged-on sessions (fake_session.h). */
#include "fake_session.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct avs_os_user_token {
    int exit_code;
    char sid[200];
};

static struct {
    char sid[200];
    int present, elevated, exit_code;
    size_t runs;
    char last_sid[200], last_exe[64], last_cmd[512];
} S;

static void copy(char *dst, size_t n, const char *src)
{
    strncpy(dst, src ? src : "", n - 1);
    dst[n - 1] = '\0';
}

void fake_session_reset(void)
{
    memset(&S, 0, sizeof S);
}

void fake_session_add(const char *sid, int elevated, int exit_code)
{
    copy(S.sid, sizeof S.sid, sid);
    S.present = 1;
    S.elevated = elevated;
    S.exit_code = exit_code;
}

size_t fake_session_runs(void)
{
    return S.runs;
}
const char *fake_session_last_sid(void)
{
    return S.last_sid;
}
const char *fake_session_last_exe(void)
{
    return S.last_exe;
}
const char *fake_session_last_cmdline(void)
{
    return S.last_cmd;
}

int avs_os_user_token_get(avs_os_user_token **out, const char *sid)
{
    *out = NULL;
    if (!S.present || strcasecmp(S.sid, sid) != 0)
        return AVS_ENOENT;
    if (S.elevated)
        return AVS_EUNSAFE;
    avs_os_user_token *t = calloc(1, sizeof *t);
    if (!t)
        return AVS_ENOMEM;
    t->exit_code = S.exit_code;
    copy(t->sid, sizeof t->sid, sid);
    *out = t;
    return 0;
}

void avs_os_user_token_free(avs_os_user_token *t)
{
    free(t);
}

int avs_os_user_run(int *out_exit, avs_os_user_token *t, const char *exe, const char *cmdline,
                    uint32_t timeout_ms)
{
    (void)timeout_ms;
    *out_exit = 0;
    if (!t || strpbrk(exe, "\\/:"))
        return AVS_EINVAL;
    S.runs++;
    copy(S.last_sid, sizeof S.last_sid, t->sid);
    copy(S.last_exe, sizeof S.last_exe, exe);
    copy(S.last_cmd, sizeof S.last_cmd, cmdline);
    *out_exit = t->exit_code;
    return 0;
}
