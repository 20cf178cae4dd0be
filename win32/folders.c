/* Well-known folders for core/os.h: where products may live (Program Files), where AvSwap keeps
 * its own files (ProgramData) and the native System32.
 *
 * SHGetKnownFolderPath answers from the machine's configuration, not from environment variables
 * (%ProgramFiles% is the caller's to change). shell32 is loaded from System32 at run time, as
 * msi.dll is, so the build needs no further import library. */
#include "os.h"

#include "win32.h" /* <windows.h> first */

#include <objbase.h> /* CoTaskMemFree */
#include <stdlib.h>
#include <string.h>

/* SHGetKnownFolderPath's signature (shlobj.h), without pulling in the shell headers. */
typedef HRESULT(WINAPI *known_folder_fn)(const GUID *id, DWORD flags, HANDLE token, wchar_t **out);

/* The FOLDERIDs (knownfolders.h), defined here so no uuid library is needed. */
static const GUID FOLDER_PROGRAM_FILES_X64 = {
    0x6d809377, 0x6af0, 0x444b, {0x89, 0x57, 0xa3, 0x77, 0x3f, 0x02, 0x20, 0x0e}};
static const GUID FOLDER_PROGRAM_FILES = {
    0x905e63b6, 0xc1bf, 0x494e, {0xb2, 0x9c, 0x65, 0xb7, 0x32, 0xd3, 0xd2, 0x1a}};
static const GUID FOLDER_PROGRAM_FILES_X86 = {
    0x7c5a40ef, 0xa0fb, 0x4bfc, {0x87, 0x4a, 0xc0, 0xf2, 0xe0, 0xb9, 0xfa, 0x8e}};
static const GUID FOLDER_PROGRAM_DATA = {
    0x62ab5d82, 0xfdc1, 0x4dc3, {0xa9, 0xdd, 0x07, 0x0d, 0x1d, 0x49, 0x5d, 0x97}};

/* UTF-8 copy of W without a trailing backslash (kept after a drive, "C:\"). */
static int folder_utf8(char **out, const wchar_t *w)
{
    size_t n = wcslen(w);
    if (n == 0)
        return AVS_EFORMAT;
    if (n > 3 && (w[n - 1] == L'\\' || w[n - 1] == L'/'))
        n--;
    return avs_wide_to_utf8_n(out, w, n);
}

static int known_folder(char **out, known_folder_fn fn, const GUID *id)
{
    *out = NULL;
    wchar_t *w = NULL;
    HRESULT hr = fn(id, 0, NULL, &w);
    int err = FAILED(hr) ? avs_win32_hresult(hr) : folder_utf8(out, w);
    CoTaskMemFree(w); /* documented: freed even when the call fails */
    if (FAILED(hr) && !err)
        err = AVS_EIO;
    return err;
}

static int system32(char **out)
{
    *out = NULL;
    wchar_t buf[MAX_PATH + 1];
    /* In a 64-bit process this is the native System32 (no WOW64 redirection applies). */
    UINT n = GetSystemDirectoryW(buf, MAX_PATH + 1);
    if (n == 0)
        return avs_win32_last_error();
    if (n > MAX_PATH)
        return AVS_ETOOBIG;
    return folder_utf8(out, buf);
}

int avs_os_folders(struct avs_os_folders *out)
{
    memset(out, 0, sizeof *out);
    struct avs_os_folders f = {0};
    int err = 0;
    /* shell32 is a KnownDLL and is never unloaded here: the handle stays for the process. */
    HMODULE shell = avs_win32_load_system32(L"shell32.dll");
    if (!shell)
        return avs_win32_last_error();
    known_folder_fn fn =
        (known_folder_fn)(void (*)(void))GetProcAddress(shell, "SHGetKnownFolderPath");
    if (!fn)
        return AVS_EUNAVAIL;
    /* ProgramFilesX64 exists for 64-bit processes only; a 32-bit build on 32-bit Windows
     * falls back to the one Program Files there is. */
    err = known_folder(&f.program_files, fn, &FOLDER_PROGRAM_FILES_X64);
    if (err)
        err = known_folder(&f.program_files, fn, &FOLDER_PROGRAM_FILES);
    if (!err)
        err = known_folder(&f.program_files_x86, fn, &FOLDER_PROGRAM_FILES_X86);
    if (!err)
        err = known_folder(&f.program_data, fn, &FOLDER_PROGRAM_DATA);
    if (!err)
        err = system32(&f.system32);
    if (err) {
        avs_os_folders_free(&f);
        return err;
    }
    *out = f;
    return 0;
}

void avs_os_folders_free(struct avs_os_folders *f)
{
    if (!f)
        return;
    free(f->program_files);
    free(f->program_files_x86);
    free(f->program_data);
    free(f->system32);
    memset(f, 0, sizeof *f);
}
