/* The event message file: avswapmsg.dll, carried inside avswap.exe as an RCDATA resource and
 * installed as %ProgramFiles%\AvSwap\avswapmsg.dll, where Event Viewer reads AvSwap's texts.
 *
 * The texts an auditor reads must not come from whichever avswap.exe the helpdesk ran (from
 * Downloads, a share): whoever can replace that file could rewrite every event's meaning after
 * the fact. Program Files is writable by administrators only, so the copy there is what the
 * source registration names. The folder is refused when it is a reparse point or when anyone
 * but SYSTEM, Administrators or TrustedInstaller owns it or may write to it. */
#include "eventlog.h" /* <windows.h> first */

#include "avs_resource.h"
#include "eventlog_def.h"

#include <aclapi.h>
#include <sddl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MSGDLL_DIR L"" AVS_EVLOG_MSGDLL_DIR
#define MSGDLL_NAME L"" AVS_EVLOG_MSGDLL_NAME

/* A folder AvSwap creates: owner Administrators; nothing inherited; full control to SYSTEM and
 * Administrators; read and execute (Event Viewer loads the file) to Users, which includes every
 * authenticated account (Event Log Readers, the services Windows Event Forwarding runs). */
#define MSGDLL_DIR_SDDL L"O:BAD:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1200a9;;;BU)"

/* TrustedInstaller (NT SERVICE\TrustedInstaller), which owns Windows' own folders. */
#define TRUSTED_INSTALLER_SID L"S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464"

/* Any right that lets its holder change the folder, what is in it, or who may. */
#define WRITE_RIGHTS                                                                               \
    (FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_WRITE_EA | FILE_DELETE_CHILD |                      \
     FILE_WRITE_ATTRIBUTES | DELETE | WRITE_DAC | WRITE_OWNER | GENERIC_WRITE | GENERIC_ALL |      \
     MAXIMUM_ALLOWED)

/* 1 when SID is SYSTEM, Administrators, TrustedInstaller or SELF, the account this elevated
 * process runs as (it could write the folder anyway; Wine owns every file by that account). */
static int is_admin_sid(PSID sid, PSID self)
{
    if (!sid || !IsValidSid(sid))
        return 0;
    if (IsWellKnownSid(sid, WinLocalSystemSid) ||
        IsWellKnownSid(sid, WinBuiltinAdministratorsSid) || (self && EqualSid(sid, self)))
        return 1;
    PSID ti = NULL;
    int yes = ConvertStringSidToSidW(TRUSTED_INSTALLER_SID, &ti) && EqualSid(sid, ti);
    LocalFree(ti);
    return yes;
}

/* 0 when the folder open as H is owned by an administrator SID and no one else may write it;
 * AVS_EUNSAFE otherwise. Inherit-only entries (CREATOR OWNER) apply only to what is created
 * inside, and what AvSwap creates there is owned by an administrator. */
static int check_admin_only(HANDLE h)
{
    TOKEN_USER *self = NULL;
    if (avs_win32_token_user(&self))
        self = NULL;
    PSID owner = NULL;
    PACL dacl = NULL;
    PSECURITY_DESCRIPTOR sd = NULL;
    DWORD st =
        GetSecurityInfo(h, SE_FILE_OBJECT, OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION,
                        &owner, NULL, &dacl, NULL, &sd);
    if (st != ERROR_SUCCESS) {
        free(self);
        return avs_win32_error(st);
    }
    PSID me = self ? self->User.Sid : NULL;
    int err = AVS_EUNSAFE;
    if (!is_admin_sid(owner, me) || !dacl) /* a NULL DACL grants everyone everything */
        goto done;
    for (DWORD i = 0; i < dacl->AceCount; i++) {
        ACE_HEADER *ace = NULL;
        if (!GetAce(dacl, i, (void **)&ace))
            goto done;
        if (ace->AceFlags & INHERIT_ONLY_ACE)
            continue;
        if (ace->AceType == ACCESS_DENIED_ACE_TYPE || ace->AceType == SYSTEM_AUDIT_ACE_TYPE ||
            ace->AceType == SYSTEM_MANDATORY_LABEL_ACE_TYPE)
            continue;
        if (ace->AceType != ACCESS_ALLOWED_ACE_TYPE)
            goto done; /* object and callback ACEs: not what Program Files holds; not vetted */
        ACCESS_ALLOWED_ACE *a = (ACCESS_ALLOWED_ACE *)ace;
        if ((a->Mask & WRITE_RIGHTS) && !is_admin_sid((PSID)&a->SidStart, me))
            goto done;
    }
    err = 0;
done:
    LocalFree(sd);
    free(self);
    return err;
}

/* Creates DIR with MSGDLL_DIR_SDDL when absent, then checks what is there (whoever made it). */
static int prepare_dir(const wchar_t *dir)
{
    int reparse = 0;
    int err = avs_win32_reparse_on_path(&reparse, dir);
    if (err)
        return err;
    if (reparse)
        return AVS_EUNSAFE;
    PSECURITY_DESCRIPTOR sd = NULL;
    if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(MSGDLL_DIR_SDDL, SDDL_REVISION_1, &sd,
                                                              NULL))
        return avs_win32_last_error();
    SECURITY_ATTRIBUTES sa = {sizeof sa, sd, FALSE};
    int created = CreateDirectoryW(dir, &sa) != 0;
    if (!created && GetLastError() != ERROR_ALREADY_EXISTS) {
        err = avs_win32_last_error();
        goto done;
    }
    /* Checked on the handle, i.e. on what was opened rather than what the name meant before;
     * no FILE_SHARE_DELETE, so it cannot be renamed away and replaced meanwhile. */
    HANDLE h = CreateFileW(
        dir, READ_CONTROL | FILE_READ_ATTRIBUTES | (created ? WRITE_DAC | WRITE_OWNER : 0),
        FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING,
        FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        err = avs_win32_last_error();
        goto done;
    }
    DWORD attrs = 0;
    err = avs_win32_handle_attributes(&attrs, h);
    if (!err && !(attrs & FILE_ATTRIBUTE_DIRECTORY))
        err = AVS_EUNSAFE;
    if (!err && created) {
        /* Windows applied SD at creation already; Wine keeps only what is set afterwards. */
        PACL dacl = NULL;
        PSID owner = NULL;
        BOOL present = FALSE, defaulted = FALSE;
        if (GetSecurityDescriptorDacl(sd, &present, &dacl, &defaulted) &&
            GetSecurityDescriptorOwner(sd, &owner, &defaulted))
            (void)SetSecurityInfo(h, SE_FILE_OBJECT,
                                  OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION |
                                      PROTECTED_DACL_SECURITY_INFORMATION,
                                  owner, NULL, dacl, NULL);
    }
    if (!err)
        err = check_admin_only(h);
    CloseHandle(h);
done:
    LocalFree(sd);
    return err;
}

/* 1 when the file at PATH is a plain file holding exactly LEN bytes equal to DATA. */
static int same_content(const wchar_t *path, const void *data, DWORD len)
{
    HANDLE h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                           FILE_FLAG_OPEN_REPARSE_POINT, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return 0;
    int same = 0;
    unsigned char *buf = NULL;
    LARGE_INTEGER size;
    DWORD attrs = 0, got = 0;
    if (avs_win32_handle_attributes(&attrs, h) || !GetFileSizeEx(h, &size) ||
        size.QuadPart != (LONGLONG)len || !(buf = malloc(len ? len : 1)))
        goto done;
    if (ReadFile(h, buf, len, &got, NULL) && got == len && memcmp(buf, data, len) == 0)
        same = 1;
done:
    free(buf);
    CloseHandle(h);
    return same;
}

/* Writes DATA to a new file beside FINAL and renames it over FINAL, so Event Viewer never
 * reads a half-written message file. */
static int write_replace(const wchar_t *dir, const wchar_t *final, const void *data, DWORD len)
{
    size_t n = wcslen(dir) + 64;
    wchar_t *tmp = malloc(n * sizeof *tmp);
    if (!tmp)
        return AVS_ENOMEM;
    swprintf(tmp, n, L"%ls\\avswapmsg.%lu.tmp", dir, (unsigned long)GetCurrentProcessId());
    int err = 0;
    DWORD written = 0;
    HANDLE h = CreateFileW(tmp, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
                           FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OPEN_REPARSE_POINT, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        err = avs_win32_last_error();
        goto done;
    }
    if (!WriteFile(h, data, len, &written, NULL) || written != len || !FlushFileBuffers(h))
        err = avs_win32_last_error();
    CloseHandle(h);
    if (!err && !MoveFileExW(tmp, final, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
        err = avs_win32_last_error();
    if (err)
        DeleteFileW(tmp);
done:
    free(tmp);
    return err;
}

/* The embedded avswapmsg.dll: a view of avswap.exe's own resource, valid for the process. */
static int embedded(const void **out, DWORD *out_len)
{
    *out = NULL;
    *out_len = 0;
    HRSRC res = FindResourceW(NULL, MAKEINTRESOURCEW(AVS_RES_MSGDLL), MAKEINTRESOURCEW(10));
    HGLOBAL g = res ? LoadResource(NULL, res) : NULL;
    const void *p = g ? LockResource(g) : NULL;
    DWORD len = res ? SizeofResource(NULL, res) : 0;
    if (!p || len == 0)
        return AVS_EUNAVAIL;
    *out = p;
    *out_len = len;
    return 0;
}

int avs_win32_msgdll_path(wchar_t **out)
{
    *out = NULL;
    struct avs_os_folders f;
    int err = avs_os_folders(&f);
    if (err)
        return err;
    wchar_t *pf = NULL;
    err = avs_utf8_to_wide(&pf, f.program_files);
    avs_os_folders_free(&f);
    if (err)
        return err;
    size_t n = wcslen(pf) + wcslen(MSGDLL_DIR) + wcslen(MSGDLL_NAME) + 3;
    wchar_t *path = malloc(n * sizeof *path);
    if (path)
        swprintf(path, n, L"%ls\\%ls\\%ls", pf, MSGDLL_DIR, MSGDLL_NAME);
    free(pf);
    if (!path)
        return AVS_ENOMEM;
    *out = path;
    return 0;
}

int avs_win32_msgdll_install(wchar_t **out, int *out_changed)
{
    *out = NULL;
    *out_changed = 0;
    const void *data = NULL;
    DWORD len = 0;
    wchar_t *path = NULL, *dir = NULL;
    int err = embedded(&data, &len);
    if (!err)
        err = avs_win32_msgdll_path(&path);
    if (!err && !(dir = _wcsdup(path)))
        err = AVS_ENOMEM;
    if (err)
        goto done;
    *wcsrchr(dir, L'\\') = L'\0';
    err = prepare_dir(dir);
    if (!err && !same_content(path, data, len)) {
        err = write_replace(dir, path, data, len);
        *out_changed = !err;
    }
done:
    free(dir);
    if (err) {
        free(path);
        return err;
    }
    *out = path;
    return 0;
}
