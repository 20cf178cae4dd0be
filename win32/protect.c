/* AvSwap's protected folder for core/os.h (%ProgramData%\AvSwap and its staging folder).
 *
 * Any user may create folders in ProgramData, so the folder must not be creatable by one of
 * them first with a DACL of their choosing, and must never be readable or writable by them:
 * it holds the journal, MSI logs and the replacement that is about to run as SYSTEM. */
#include "os.h"

#include "win32.h" /* <windows.h> first */

#include <aclapi.h>
#include <sddl.h>
#include <stdlib.h>

#ifndef ERROR_INVALID_OWNER
#define ERROR_INVALID_OWNER 1307L
#endif

/* Owner Administrators; DACL protected (nothing inherited from ProgramData, whose ACL lets
 * users create and read), full control to SYSTEM and Administrators, inherited by every
 * subfolder (CI) and file (OI) created inside. */
#define PROTECTED_SDDL L"O:BAD:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)"

/* Setting an owner other than the caller needs an elevated token (Administrators with
 * SE_GROUP_OWNER) or SYSTEM: without one Windows says ERROR_INVALID_OWNER. */
static int translate(DWORD e)
{
    if (e == ERROR_INVALID_OWNER)
        return AVS_EACCES;
    int err = avs_win32_error(e);
    return err ? err : AVS_EIO;
}

/* Resets the owner and the DACL of the folder open as H to the ones in SD. */
static int reset_security(HANDLE h, PSECURITY_DESCRIPTOR sd)
{
    PACL dacl = NULL;
    PSID owner = NULL;
    BOOL present = FALSE, defaulted = FALSE;
    if (!GetSecurityDescriptorDacl(sd, &present, &dacl, &defaulted) || !present || !dacl ||
        !GetSecurityDescriptorOwner(sd, &owner, &defaulted) || !owner)
        return AVS_EIO;
    /* The owner too: whoever created the folder before us keeps the owner's implicit right to
     * rewrite its DACL until ownership is taken away. Through the handle we checked, not the
     * name: the object we vetted is the object we change. SetSecurityInfo, like
     * SetNamedSecurityInfoW, also recomputes what existing children inherit. */
    DWORD e = SetSecurityInfo(h, SE_FILE_OBJECT,
                              OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION |
                                  PROTECTED_DACL_SECURITY_INFORMATION,
                              owner, NULL, dacl, NULL);
    return e == ERROR_SUCCESS ? 0 : translate(e);
}

/* Opens the folder W itself (not what its name may point to) without FILE_SHARE_DELETE: it
 * cannot be renamed away and replaced by a link while we check it and set its DACL. */
static HANDLE open_dir(const wchar_t *w, DWORD access)
{
    return CreateFileW(w, access, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING,
                       FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT, NULL);
}

int avs_os_mkdir_protected(const char *path)
{
    wchar_t *w = NULL;
    PSECURITY_DESCRIPTOR sd = NULL;
    HANDLE h = INVALID_HANDLE_VALUE;
    HANDLE tok_backup = NULL, tok_restore = NULL;
    TOKEN_PRIVILEGES prev_backup, prev_restore;
    int created = 0;
    int err = avs_win32_path_safe(&w, path, 0);
    if (err)
        return err;
    if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(PROTECTED_SDDL, SDDL_REVISION_1, &sd,
                                                              NULL)) {
        err = avs_win32_last_error();
        goto done;
    }
    /* The DACL is part of the creation: there is no moment when the folder exists with the
     * permissions it would inherit from ProgramData. */
    SECURITY_ATTRIBUTES sa = {sizeof sa, sd, FALSE};
    if (CreateDirectoryW(w, &sa)) {
        created = 1;
    } else if (GetLastError() != ERROR_ALREADY_EXISTS) {
        err = translate(GetLastError()); /* ERROR_PATH_NOT_FOUND: no parent -> AVS_ENOENT */
        goto done;
    }
    DWORD access = FILE_READ_ATTRIBUTES | (created ? 0 : READ_CONTROL | WRITE_DAC | WRITE_OWNER);
    h = open_dir(w, access);
    if (h == INVALID_HANDLE_VALUE && !created && GetLastError() == ERROR_ACCESS_DENIED) {
        /* Planted by someone else with a DACL that shuts Administrators out (any user may
         * create folders in ProgramData): take it back with the privileges elevated
         * administrators and SYSTEM hold for this. With FILE_FLAG_BACKUP_SEMANTICS they grant
         * every access whatever the DACL says. Without them the error stands (AVS_EACCES). */
        if (avs_win32_privilege_enable(&tok_backup, &prev_backup, SE_BACKUP_NAME) == 0 &&
            avs_win32_privilege_enable(&tok_restore, &prev_restore, SE_RESTORE_NAME) == 0)
            h = open_dir(w, access);
        else
            SetLastError(ERROR_ACCESS_DENIED);
    }
    if (h == INVALID_HANDLE_VALUE) {
        err = avs_win32_last_error();
        goto done;
    }
    DWORD attrs;
    if ((err = avs_win32_handle_attributes(&attrs, h)) != 0)
        goto done;
    if (!(attrs & FILE_ATTRIBUTE_DIRECTORY)) {
        err = AVS_EINVAL; /* a file stands where the folder should be */
        goto done;
    }
    if (!created)
        err = reset_security(h, sd);
done:
    if (h != INVALID_HANDLE_VALUE)
        CloseHandle(h);
    avs_win32_privilege_restore(tok_restore, &prev_restore);
    avs_win32_privilege_restore(tok_backup, &prev_backup);
    LocalFree(sd);
    free(w);
    return err;
}
