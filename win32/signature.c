/* Programs AvSwap runs elevated, for core/os.h: their Authenticode signature, checked through a
 * handle that denies writers and stays open until the process has started, and whether anyone
 * but administrators can change them or their folders.
 *
 * wintrust.dll and crypt32.dll are not KnownDLLs: a copy planted next to avswap.exe would load
 * instead of Windows' own if they were static imports. They are loaded here from System32 only
 * (LOAD_LIBRARY_SEARCH_SYSTEM32), for the time of one check. */
#include "os.h"

#include "win32.h" /* <windows.h> first */

#include <aclapi.h>
#include <sddl.h>
#include <softpub.h>
#include <stdlib.h>
#include <string.h>
#include <wintrust.h>

/* The certificate subject fields a catalog signer names (core/signer.h). */
#define OID_O "2.5.4.10"
#define OID_L "2.5.4.7"
#define OID_S "2.5.4.8"
#define OID_C "2.5.4.6"

/* NT SERVICE\TrustedInstaller, the owner of Windows' own files. */
#define TRUSTED_INSTALLER_SID L"S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464"

/* Rights that let their holder change a file or what a folder holds (FILE_WRITE_DATA is
 * FILE_ADD_FILE and FILE_APPEND_DATA is FILE_ADD_SUBDIRECTORY on a folder; DELETE lets a
 * folder be renamed away and replaced). */
#define WRITE_RIGHTS                                                                               \
    (FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_DELETE_CHILD | DELETE | WRITE_DAC | WRITE_OWNER)

struct avs_os_held_file {
    HANDLE h;
};

typedef LONG(WINAPI *win_verify_trust_fn)(HWND, GUID *, LPVOID);
typedef CRYPT_PROVIDER_DATA *(WINAPI *prov_data_fn)(HANDLE);
typedef CRYPT_PROVIDER_SGNR *(WINAPI *prov_signer_fn)(CRYPT_PROVIDER_DATA *, DWORD, BOOL, DWORD);
typedef CRYPT_PROVIDER_CERT *(WINAPI *prov_cert_fn)(CRYPT_PROVIDER_SGNR *, DWORD);
typedef DWORD(WINAPI *get_name_fn)(PCCERT_CONTEXT, DWORD, DWORD, void *, LPWSTR, DWORD);

struct trust_api {
    HMODULE wintrust, crypt32;
    win_verify_trust_fn verify;
    prov_data_fn prov_data;
    prov_signer_fn prov_signer;
    prov_cert_fn prov_cert;
    get_name_fn get_name;
};

static void api_unload(struct trust_api *a)
{
    if (a->wintrust)
        FreeLibrary(a->wintrust);
    if (a->crypt32)
        FreeLibrary(a->crypt32);
    memset(a, 0, sizeof *a);
}

static int api_load(struct trust_api *a)
{
    memset(a, 0, sizeof *a);
    a->wintrust = LoadLibraryExW(L"wintrust.dll", NULL, LOAD_LIBRARY_SEARCH_SYSTEM32);
    a->crypt32 = LoadLibraryExW(L"crypt32.dll", NULL, LOAD_LIBRARY_SEARCH_SYSTEM32);
    if (!a->wintrust || !a->crypt32) {
        int err = avs_win32_last_error();
        api_unload(a);
        return err;
    }
    a->verify = (win_verify_trust_fn)(void (*)(void))GetProcAddress(a->wintrust, "WinVerifyTrust");
    a->prov_data =
        (prov_data_fn)(void (*)(void))GetProcAddress(a->wintrust, "WTHelperProvDataFromStateData");
    a->prov_signer = (prov_signer_fn)(void (*)(void))GetProcAddress(
        a->wintrust, "WTHelperGetProvSignerFromChain");
    a->prov_cert =
        (prov_cert_fn)(void (*)(void))GetProcAddress(a->wintrust, "WTHelperGetProvCertFromChain");
    a->get_name = (get_name_fn)(void (*)(void))GetProcAddress(a->crypt32, "CertGetNameStringW");
    if (!a->verify || !a->prov_data || !a->prov_signer || !a->prov_cert || !a->get_name) {
        api_unload(a);
        return AVS_EUNAVAIL;
    }
    return 0;
}

void avs_os_signature_free(struct avs_os_signature *sig)
{
    if (!sig)
        return;
    free(sig->o);
    free(sig->l);
    free(sig->s);
    free(sig->c);
    memset(sig, 0, sizeof *sig);
}

/* One subject field of CERT (NULL in *out when the certificate has none). */
static int subject_field(char **out, const struct trust_api *a, PCCERT_CONTEXT cert,
                         const char *oid)
{
    *out = NULL;
    DWORD n = a->get_name(cert, CERT_NAME_ATTR_TYPE, 0, (void *)oid, NULL, 0);
    if (n <= 1)
        return 0; /* only the terminator: no such field */
    wchar_t *w = malloc((size_t)n * sizeof *w);
    if (!w)
        return AVS_ENOMEM;
    a->get_name(cert, CERT_NAME_ATTR_TYPE, 0, (void *)oid, w, n);
    w[n - 1] = L'\0';
    int err = avs_wide_to_utf8(out, w);
    free(w);
    return err;
}

static enum avs_sig_status classify(LONG r)
{
    switch ((DWORD)r) {
    case 0: return AVS_SIG_VALID;
    case (DWORD)TRUST_E_NOSIGNATURE:
    case (DWORD)TRUST_E_SUBJECT_FORM_UNKNOWN:
    case (DWORD)TRUST_E_PROVIDER_UNKNOWN: return AVS_SIG_UNSIGNED;
    case (DWORD)TRUST_E_BAD_DIGEST: return AVS_SIG_MODIFIED;
    default: return AVS_SIG_INVALID;
    }
}

/* WinVerifyTrust on the open handle H (PATH for messages), and the signer's subject. */
static int verify(struct avs_os_signature *sig, const struct trust_api *a, HANDLE h,
                  const wchar_t *path)
{
    GUID action = WINTRUST_ACTION_GENERIC_VERIFY_V2;
    WINTRUST_FILE_INFO fi;
    WINTRUST_DATA wd;
    int err = 0;

    memset(&fi, 0, sizeof fi);
    fi.cbStruct = sizeof fi;
    fi.pcwszFilePath = path;
    fi.hFile = h; /* the file we hold, not whatever the name means a moment later */
    memset(&wd, 0, sizeof wd);
    wd.cbStruct = sizeof wd;
    wd.dwUIChoice = WTD_UI_NONE;
    /* No revocation fetches: AvSwap runs on machines without Internet, and a check that hangs
     * on a network timeout would stall remediation; the signer rule is what decides. */
    wd.fdwRevocationChecks = WTD_REVOKE_NONE;
    wd.dwUnionChoice = WTD_CHOICE_FILE;
    wd.pFile = &fi;
    wd.dwStateAction = WTD_STATEACTION_VERIFY;
    wd.dwProvFlags = WTD_CACHE_ONLY_URL_RETRIEVAL;

    LONG r = a->verify((HWND)INVALID_HANDLE_VALUE, &action, &wd);
    sig->code = (uint32_t)r;
    sig->status = classify(r);
    if (sig->status == AVS_SIG_VALID) {
        CRYPT_PROVIDER_DATA *pd = a->prov_data(wd.hWVTStateData);
        CRYPT_PROVIDER_SGNR *sg = pd ? a->prov_signer(pd, 0, FALSE, 0) : NULL;
        CRYPT_PROVIDER_CERT *pc = sg ? a->prov_cert(sg, 0) : NULL;
        if (!pc || !pc->pCert) {
            sig->status = AVS_SIG_INVALID; /* valid, yet no signer to name: trust nothing */
        } else if ((err = subject_field(&sig->o, a, pc->pCert, OID_O)) ||
                   (err = subject_field(&sig->l, a, pc->pCert, OID_L)) ||
                   (err = subject_field(&sig->s, a, pc->pCert, OID_S)) ||
                   (err = subject_field(&sig->c, a, pc->pCert, OID_C))) {
            /* err is returned below */
        }
    }
    wd.dwStateAction = WTD_STATEACTION_CLOSE;
    a->verify((HWND)INVALID_HANDLE_VALUE, &action, &wd);
    return err;
}

int avs_os_file_open_signed(avs_os_held_file **out, struct avs_os_signature *sig, const char *path)
{
    *out = NULL;
    memset(sig, 0, sizeof *sig);
    wchar_t *w = NULL;
    HANDLE h = INVALID_HANDLE_VALUE;
    struct trust_api api;
    int loaded = 0;
    int err = avs_win32_path_safe(&w, path, 0);
    if (err)
        return err;
    /* FILE_SHARE_READ only: until the handle is closed (after the process started) nobody may
     * write, truncate, rename or delete the file, so what was verified is what runs. */
    h = CreateFileW(w, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                    FILE_FLAG_OPEN_REPARSE_POINT, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        err = avs_win32_last_error();
        goto done;
    }
    DWORD attrs;
    if ((err = avs_win32_handle_attributes(&attrs, h)) != 0)
        goto done;
    if ((attrs & FILE_ATTRIBUTE_DIRECTORY) || GetFileType(h) != FILE_TYPE_DISK) {
        err = AVS_EINVAL;
        goto done;
    }
    if ((err = api_load(&api)) != 0)
        goto done;
    loaded = 1;
    if ((err = verify(sig, &api, h, w)) != 0)
        goto done;
    avs_os_held_file *f = malloc(sizeof *f);
    if (!f) {
        err = AVS_ENOMEM;
        goto done;
    }
    f->h = h;
    h = INVALID_HANDLE_VALUE;
    *out = f;
done:
    if (err)
        avs_os_signature_free(sig);
    if (loaded)
        api_unload(&api);
    if (h != INVALID_HANDLE_VALUE)
        CloseHandle(h);
    free(w);
    return err;
}

void avs_os_held_file_close(avs_os_held_file *file)
{
    if (!file)
        return;
    CloseHandle(file->h);
    free(file);
}

/* ---- who may write a path ---- */

static int is_admin_sid(PSID sid, PSID trusted_installer)
{
    return sid && IsValidSid(sid) &&
           (IsWellKnownSid(sid, WinLocalSystemSid) ||
            IsWellKnownSid(sid, WinBuiltinAdministratorsSid) ||
            (trusted_installer && EqualSid(sid, trusted_installer)));
}

/* *OUT_SAFE = 1 when only administrators can change the object at W (a file or folder). */
static int admin_only(int *out_safe, const wchar_t *w, PSID ti)
{
    *out_safe = 0;
    PSID owner = NULL;
    PACL dacl = NULL;
    PSECURITY_DESCRIPTOR sd = NULL;
    HANDLE h =
        CreateFileW(w, READ_CONTROL, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                    OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return avs_win32_last_error();
    DWORD rc =
        GetSecurityInfo(h, SE_FILE_OBJECT, OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION,
                        &owner, NULL, &dacl, NULL, &sd);
    CloseHandle(h);
    if (rc != ERROR_SUCCESS)
        return avs_win32_error(rc) ? avs_win32_error(rc) : AVS_EIO;
    int safe = is_admin_sid(owner, ti) && dacl != NULL; /* a NULL DACL lets everyone in */
    GENERIC_MAPPING map = {FILE_GENERIC_READ, FILE_GENERIC_WRITE, FILE_GENERIC_EXECUTE,
                           FILE_ALL_ACCESS};
    for (DWORD i = 0; safe && i < dacl->AceCount; i++) {
        ACE_HEADER *ace = NULL;
        if (!GetAce(dacl, i, (void **)&ace) || !ace) {
            safe = 0;
            break;
        }
        if (ace->AceFlags & INHERIT_ONLY_ACE)
            continue; /* applies to children only (e.g. CREATOR OWNER) */
        switch (ace->AceType) {
        case ACCESS_ALLOWED_ACE_TYPE:
        case ACCESS_ALLOWED_CALLBACK_ACE_TYPE: {
            ACCESS_ALLOWED_ACE *a = (ACCESS_ALLOWED_ACE *)ace;
            ACCESS_MASK m = a->Mask;
            MapGenericMask(&m, &map);
            if ((m & WRITE_RIGHTS) && !is_admin_sid((PSID)&a->SidStart, ti))
                safe = 0;
            break;
        }
        case ACCESS_ALLOWED_OBJECT_ACE_TYPE:
        case ACCESS_ALLOWED_CALLBACK_OBJECT_ACE_TYPE:
            safe = 0; /* not used on files: whatever it grants is not understood here */
            break;
        default: break; /* deny and audit ACEs grant nothing */
        }
    }
    LocalFree(sd);
    *out_safe = safe;
    return 0;
}

int avs_os_path_admin_only(char **out_unsafe, const char *path, const char *top)
{
    *out_unsafe = NULL;
    wchar_t *w = NULL, *wtop = NULL;
    PSID ti = NULL;
    int err = 0;
    if (!path || !top)
        return AVS_EINVAL;
    if ((err = avs_win32_path(&w, path, 0)) || (err = avs_win32_path(&wtop, top, 0)))
        goto done;
    size_t tn = wcslen(wtop);
    while (tn > 0 && wtop[tn - 1] == L'\\')
        wtop[--tn] = L'\0';
    /* PATH must lie below TOP, or nothing above PATH would be checked. */
    if (wcslen(w) <= tn + 1 || _wcsnicmp(w, wtop, tn) != 0 || w[tn] != L'\\') {
        err = AVS_EINVAL;
        goto done;
    }
    if (!ConvertStringSidToSidW(TRUSTED_INSTALLER_SID, &ti)) {
        err = avs_win32_last_error();
        goto done;
    }
    /* From the file up to TOP's child: each one's owner and DACL. */
    for (;;) {
        int safe = 0;
        if ((err = admin_only(&safe, w, ti)) != 0)
            goto done;
        if (!safe) {
            /* Name it without a \\?\ prefix the auditor never typed. */
            const wchar_t *shown = wcsncmp(w, L"\\\\?\\", 4) == 0 ? w + 4 : w;
            err = avs_wide_to_utf8(out_unsafe, shown);
            goto done;
        }
        wchar_t *slash = wcsrchr(w, L'\\');
        if (!slash || (size_t)(slash - w) <= tn)
            break;
        *slash = L'\0';
    }
done:
    if (ti)
        LocalFree(ti);
    free(w);
    free(wtop);
    return err;
}
