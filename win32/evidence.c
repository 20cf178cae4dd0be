/* The "Evidence" section of core/os.h: DPAPI for the evidence key, and who owns what in
 * AvSwap's folder (read, listed and moved aside without following links).
 *
 * crypt32 is not a KnownDLL: it is loaded from System32 at run time, like msi.dll. */
#include "os.h"

#include "win32.h" /* <windows.h> first */

#include <aclapi.h>
#include <sddl.h>
#include <stdlib.h>
#include <string.h>
#include <wincrypt.h>

typedef BOOL(WINAPI *protect_fn)(DATA_BLOB *in, LPCWSTR desc, DATA_BLOB *entropy, PVOID reserved,
                                 CRYPTPROTECT_PROMPTSTRUCT *prompt, DWORD flags, DATA_BLOB *out);
typedef BOOL(WINAPI *unprotect_fn)(DATA_BLOB *in, LPWSTR *desc, DATA_BLOB *entropy, PVOID reserved,
                                   CRYPTPROTECT_PROMPTSTRUCT *prompt, DWORD flags, DATA_BLOB *out);

static FARPROC crypt32_proc(const char *name)
{
    HMODULE m = avs_win32_load_system32(L"crypt32.dll");
    return m ? GetProcAddress(m, name) : NULL;
}

/* Extra entropy: a blob protected for AvSwap's key does not open through a generic
 * CryptUnprotectData call that omits it (defence in depth; the ACL is the real guard). */
static const char ENTROPY[] = "AvSwap evidence key v1";

static int dpapi(unsigned char **out, size_t *out_len, const void *data, size_t len, int protect)
{
    DATA_BLOB in = {(DWORD)len, (BYTE *)data}, res = {0, NULL};
    DATA_BLOB ent = {(DWORD)(sizeof ENTROPY - 1), (BYTE *)ENTROPY};
    BOOL ok;
    *out = NULL;
    *out_len = 0;
    if (len > 1024 * 1024)
        return AVS_ETOOBIG;
    FARPROC p = crypt32_proc(protect ? "CryptProtectData" : "CryptUnprotectData");
    if (!p)
        return AVS_EUNAVAIL;
    if (protect)
        ok = ((protect_fn)(void (*)(void))p)(&in, L"AvSwap evidence key", &ent, NULL, NULL,
                                             CRYPTPROTECT_LOCAL_MACHINE | CRYPTPROTECT_UI_FORBIDDEN,
                                             &res);
    else
        ok = ((unprotect_fn)(void (*)(void))p)(&in, NULL, &ent, NULL, NULL,
                                               CRYPTPROTECT_UI_FORBIDDEN, &res);
    if (!ok)
        return protect ? avs_win32_last_error() : AVS_EMISMATCH;
    unsigned char *copy = malloc(res.cbData ? res.cbData : 1);
    if (copy) {
        memcpy(copy, res.pbData, res.cbData);
        *out = copy;
        *out_len = res.cbData;
    }
    SecureZeroMemory(res.pbData, res.cbData);
    LocalFree(res.pbData);
    return copy ? 0 : AVS_ENOMEM;
}

int avs_os_dpapi_protect(unsigned char **out, size_t *out_len, const void *data, size_t len)
{
    return dpapi(out, out_len, data, len, 1);
}

int avs_os_dpapi_unprotect(unsigned char **out, size_t *out_len, const void *data, size_t len)
{
    return dpapi(out, out_len, data, len, 0);
}

/* ---------------------------------------------------------------------------------------------
 * Trust
 * ------------------------------------------------------------------------------------------- */

/* Wine stores no security descriptors on this kind of file system: it makes one up from the
 * Unix mode, always owned by the Unix user, never protected, and with entries that follow the
 * mode bits (a folder AvSwap made with its protected DACL was seen with group and Everyone
 * entries after a simulated restart). Nothing in it tells who made a file, so under Wine the
 * owner and DACL rules are not applied (links still are); the unit tests show them with
 * tests/fakes, and docs/SECURITY.md gives the procedure on Windows. */
static int under_wine(void)
{
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    return ntdll && GetProcAddress(ntdll, "wine_get_version") != NULL;
}

static int sid_is(PSID sid, WELL_KNOWN_SID_TYPE type)
{
    BYTE buf[SECURITY_MAX_SID_SIZE];
    DWORD n = sizeof buf;
    return CreateWellKnownSid(type, NULL, buf, &n) && EqualSid(sid, buf);
}

static int trusted_sid(PSID sid, PSID self)
{
    return sid_is(sid, WinLocalSystemSid) || sid_is(sid, WinBuiltinAdministratorsSid) ||
           (self && EqualSid(sid, self));
}

static HANDLE open_meta(const wchar_t *w, DWORD access)
{
    return CreateFileW(w, access, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                       OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT,
                       NULL);
}

int avs_os_path_trust(struct avs_os_trust *out, const char *path)
{
    wchar_t *w = NULL;
    HANDLE h = INVALID_HANDLE_VALUE, tok = NULL;
    TOKEN_PRIVILEGES prev;
    PSECURITY_DESCRIPTOR sd = NULL;
    PSID owner = NULL;
    PACL dacl = NULL;
    int wine = under_wine();
    memset(out, 0, sizeof *out);
    int err = avs_win32_path(&w, path, 0);
    if (err)
        return err;
    h = open_meta(w, READ_CONTROL);
    if (h == INVALID_HANDLE_VALUE && GetLastError() == ERROR_ACCESS_DENIED) {
        /* A DACL that shuts Administrators out: what an elevated administrator or SYSTEM
         * holds the backup privilege for. Without it: not elevated (AVS_EACCES). */
        if (avs_win32_privilege_enable(&tok, &prev, SE_BACKUP_NAME) == 0)
            h = open_meta(w, READ_CONTROL);
        else
            SetLastError(ERROR_ACCESS_DENIED);
    }
    if (h == INVALID_HANDLE_VALUE) {
        err = avs_win32_last_error();
        goto done;
    }
    DWORD e =
        GetSecurityInfo(h, SE_FILE_OBJECT, OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION,
                        &owner, NULL, &dacl, NULL, &sd);
    if (e != ERROR_SUCCESS) {
        err = avs_win32_error(e);
        if (!err)
            err = AVS_EIO;
        goto done;
    }
    PSID me = NULL; /* SYSTEM and Administrators only */
    wchar_t *s = NULL;
    if (owner && ConvertSidToStringSidW(owner, &s)) {
        WideCharToMultiByte(CP_UTF8, 0, s, -1, out->owner, (int)sizeof out->owner - 1, NULL, NULL);
        LocalFree(s);
    }
    out->owner_ok = owner && trusted_sid(owner, me);
    SECURITY_DESCRIPTOR_CONTROL ctl = 0;
    DWORD rev;
    GetSecurityDescriptorControl(sd, &ctl, &rev);
    out->dacl_protected = wine || (ctl & SE_DACL_PROTECTED);
    out->dacl_ok = dacl != NULL;
    if (wine) {
        out->owner_ok = out->dacl_ok = 1;
        goto done;
    }
    for (DWORD i = 0; out->dacl_ok && i < dacl->AceCount; i++) {
        ACE_HEADER *ace = NULL;
        if (!GetAce(dacl, i, (void **)&ace)) {
            out->dacl_ok = 0;
            break;
        }
        if (ace->AceType == ACCESS_DENIED_ACE_TYPE)
            continue;
        if (ace->AceType != ACCESS_ALLOWED_ACE_TYPE ||
            !trusted_sid((PSID) & ((ACCESS_ALLOWED_ACE *)ace)->SidStart, me))
            out->dacl_ok = 0;
    }
done:
    if (h != INVALID_HANDLE_VALUE)
        CloseHandle(h);
    avs_win32_privilege_restore(tok, &prev);
    LocalFree(sd);
    free(w);
    return err;
}

/* ---------------------------------------------------------------------------------------------
 * Listing and moving
 * ------------------------------------------------------------------------------------------- */

void avs_os_names_free(char **names, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    free(names);
}

int avs_os_dir_list(char ***out, size_t *out_count, const char *path)
{
    wchar_t *w = NULL, *pat = NULL;
    char **names = NULL;
    size_t n = 0;
    WIN32_FIND_DATAW fd;
    HANDLE f = INVALID_HANDLE_VALUE;
    *out = NULL;
    *out_count = 0;
    int err = avs_win32_path(&w, path, 2);
    if (err)
        return err;
    size_t wl = wcslen(w);
    pat = malloc((wl + 3) * sizeof *pat);
    if (!pat) {
        err = AVS_ENOMEM;
        goto done;
    }
    memcpy(pat, w, wl * sizeof *w);
    memcpy(pat + wl, L"\\*", 3 * sizeof *pat);
    f = FindFirstFileExW(pat, FindExInfoBasic, &fd, FindExSearchNameMatch, NULL, 0);
    if (f == INVALID_HANDLE_VALUE) {
        DWORD e = GetLastError();
        err = e == ERROR_FILE_NOT_FOUND ? 0 : avs_win32_error(e);
        if (e != ERROR_FILE_NOT_FOUND && !err)
            err = AVS_EIO;
        goto done;
    }
    do {
        if (wcscmp(fd.cFileName, L".") == 0 || wcscmp(fd.cFileName, L"..") == 0)
            continue;
        char **g = realloc(names, (n + 1) * sizeof *names);
        if (!g) {
            err = AVS_ENOMEM;
            goto done;
        }
        names = g;
        if ((err = avs_wide_to_utf8(&names[n], fd.cFileName)) != 0)
            goto done;
        n++;
    } while (FindNextFileW(f, &fd));
    if (GetLastError() != ERROR_NO_MORE_FILES)
        err = avs_win32_last_error();
done:
    if (f != INVALID_HANDLE_VALUE)
        FindClose(f);
    if (err) {
        avs_os_names_free(names, n);
    } else {
        *out = names;
        *out_count = n;
    }
    free(pat);
    free(w);
    return err;
}

int avs_os_path_move(const char *from, const char *to)
{
    wchar_t *wf = NULL, *wt = NULL;
    HANDLE tb = NULL, tr = NULL;
    TOKEN_PRIVILEGES pb, pr;
    int err = avs_win32_path(&wf, from, 0);
    if (!err)
        err = avs_win32_path(&wt, to, 0);
    if (err)
        goto done;
    /* No MOVEFILE_REPLACE_EXISTING: nothing is ever overwritten by a quarantine. */
    if (!MoveFileExW(wf, wt, MOVEFILE_WRITE_THROUGH)) {
        if (GetLastError() == ERROR_ACCESS_DENIED &&
            avs_win32_privilege_enable(&tb, &pb, SE_BACKUP_NAME) == 0 &&
            avs_win32_privilege_enable(&tr, &pr, SE_RESTORE_NAME) == 0 &&
            MoveFileExW(wf, wt, MOVEFILE_WRITE_THROUGH)) {
            err = 0;
        } else {
            err = avs_win32_last_error();
        }
    }
done:
    avs_win32_privilege_restore(tr, &pr);
    avs_win32_privilege_restore(tb, &pb);
    free(wf);
    free(wt);
    return err;
}
