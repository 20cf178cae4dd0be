/* Who and where we run, for the audit trail (AU-3: identity, source), and the clock. */
#include "os.h"

#include "buf.h"
#include "win32.h" /* <windows.h> first */

#include <sddl.h>
#include <stdlib.h>
#include <string.h>

/* Reads one token information class into a malloc'd buffer sized by the first call. */
static int token_info(void **out, HANDLE token, TOKEN_INFORMATION_CLASS cls)
{
    *out = NULL;
    DWORD size = 0;
    if (GetTokenInformation(token, cls, NULL, 0, &size) ||
        GetLastError() != ERROR_INSUFFICIENT_BUFFER || size == 0)
        return avs_win32_last_error();
    void *buf = malloc(size);
    if (!buf)
        return AVS_ENOMEM;
    if (!GetTokenInformation(token, cls, buf, size, &size)) {
        int err = avs_win32_last_error();
        free(buf);
        return err;
    }
    *out = buf;
    return 0;
}

int avs_win32_token_user(TOKEN_USER **out)
{
    *out = NULL;
    HANDLE token = NULL;
    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token))
        return avs_win32_last_error();
    void *info = NULL;
    int err = token_info(&info, token, TokenUser);
    CloseHandle(token);
    if (!err)
        *out = info;
    return err;
}

/* "DOMAIN\user" for SID; "user" alone when the account has no domain part. */
static int account_name(char **out, PSID sid)
{
    *out = NULL;
    wchar_t name_stack[128], dom_stack[128];
    wchar_t *name = name_stack, *dom = dom_stack, *joined = NULL;
    DWORD name_len = 128, dom_len = 128;
    SID_NAME_USE use;
    int err = 0;
    if (!LookupAccountSidW(NULL, sid, name, &name_len, dom, &dom_len, &use)) {
        if (GetLastError() != ERROR_INSUFFICIENT_BUFFER) {
            err = avs_win32_last_error();
            goto done;
        }
        /* The lengths now include the terminators. */
        name = malloc((size_t)name_len * sizeof *name);
        dom = malloc((size_t)dom_len * sizeof *dom);
        if (!name || !dom) {
            err = AVS_ENOMEM;
            goto done;
        }
        if (!LookupAccountSidW(NULL, sid, name, &name_len, dom, &dom_len, &use)) {
            err = avs_win32_last_error();
            goto done;
        }
    }
    size_t nl = wcslen(name), dl = wcslen(dom);
    joined = malloc((dl + 1 + nl + 1) * sizeof *joined);
    if (!joined) {
        err = AVS_ENOMEM;
        goto done;
    }
    size_t pos = 0;
    if (dl) {
        memcpy(joined, dom, dl * sizeof *joined);
        pos = dl;
        joined[pos++] = L'\\';
    }
    memcpy(joined + pos, name, nl * sizeof *joined);
    joined[pos + nl] = L'\0';
    err = avs_wide_to_utf8(out, joined);
done:
    if (name != name_stack)
        free(name);
    if (dom != dom_stack)
        free(dom);
    free(joined);
    return err;
}

static int sid_string(char **out, PSID sid)
{
    *out = NULL;
    wchar_t *w = NULL;
    if (!ConvertSidToStringSidW(sid, &w))
        return avs_win32_last_error();
    int err = avs_wide_to_utf8(out, w);
    LocalFree(w);
    return err;
}

/* 1 when the token is elevated. A token that cannot say (no UAC) counts as not elevated:
 * claiming rights we may not have would only fail later, less clearly. */
static int is_elevated(PSID user)
{
    if (IsWellKnownSid(user, WinLocalSystemSid))
        return 1;
    HANDLE token = NULL;
    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token))
        return 0;
    TOKEN_ELEVATION elev = {0};
    DWORD size = 0;
    BOOL ok = GetTokenInformation(token, TokenElevation, &elev, sizeof elev, &size);
    CloseHandle(token);
    return ok && elev.TokenIsElevated ? 1 : 0;
}

int avs_os_identity(struct avs_os_identity *out)
{
    memset(out, 0, sizeof *out);
    struct avs_os_identity id = {0};
    TOKEN_USER *tu = NULL;
    wchar_t host[MAX_COMPUTERNAME_LENGTH + 1];
    DWORD host_len = MAX_COMPUTERNAME_LENGTH + 1;
    int err = 0;

    if (!GetComputerNameW(host, &host_len)) {
        err = avs_win32_last_error();
        goto done;
    }
    if ((err = avs_wide_to_utf8_n(&id.host, host, host_len)))
        goto done;
    if ((err = avs_win32_token_user(&tu)))
        goto done;
    if ((err = sid_string(&id.user_sid, tu->User.Sid)))
        goto done;
    err = account_name(&id.user, tu->User.Sid);
    if (err == AVS_ENOENT) {
        /* An account the machine cannot name (deleted, or a domain it cannot reach): the SID
         * is the identity, and saying so beats failing the audit record. */
        err = 0;
        id.user = avs_strdup(id.user_sid);
        if (!id.user)
            err = AVS_ENOMEM;
    }
    if (err)
        goto done;
    id.elevated = is_elevated(tu->User.Sid);
    *out = id;
    memset(&id, 0, sizeof id);
done:
    free(tu);
    avs_os_identity_free(&id);
    return err;
}

void avs_os_identity_free(struct avs_os_identity *id)
{
    if (!id)
        return;
    free(id->host);
    free(id->user);
    free(id->user_sid);
    memset(id, 0, sizeof *id);
}

int avs_os_now(int64_t *out_ms)
{
    FILETIME ft;
    GetSystemTimeAsFileTime(&ft);
    /* 100 ns ticks since 1601-01-01; 11,644,473,600 s separate 1601 from 1970. */
    uint64_t ticks = ((uint64_t)ft.dwHighDateTime << 32) | ft.dwLowDateTime;
    *out_ms = (int64_t)((ticks - UINT64_C(116444736000000000)) / 10000u);
    return 0;
}
