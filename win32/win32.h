/* win32/win32.h — helpers shared by the win32/ implementation of core/os.h. Internal to win32/
 * and the Windows entry points (uninstaller/wmain.c); core/ never includes it.
 *
 * Two jobs only: translating Win32 errors and HRESULTs into AVS_E* codes at the boundary, and
 * the one pair of UTF-8 <-> UTF-16 conversions. */
#ifndef AVS_WIN32_H
#define AVS_WIN32_H

#include <windows.h>

#include "error.h"

/* The AVS_E* code for a Win32 error code (GetLastError(), LSTATUS, MSI UINT). ERROR_SUCCESS
 * maps to 0; anything not listed maps to AVS_EIO. */
int avs_win32_error(DWORD err);

/* The AVS_E* code for an HRESULT (COM, WMI). Success codes map to 0; FACILITY_WIN32 codes go
 * through avs_win32_error(); WBEM_E_INVALID_NAMESPACE maps to AVS_EUNAVAIL. */
int avs_win32_hresult(HRESULT hr);

/* avs_win32_error(GetLastError()), but never 0: a failed call whose last error was not set
 * still failed (AVS_EIO). */
int avs_win32_last_error(void);

/* Converts NUL-terminated UTF-8 S to a malloc'd NUL-terminated UTF-16 string in *out (free()
 * it). Invalid UTF-8 fails with AVS_EINVAL: the input comes from core/ and must be exact. */
int avs_utf8_to_wide(wchar_t **out, const char *s);

/* As avs_utf8_to_wide(), but uses the caller's STACK buffer (STACK_LEN wide chars) when the
 * result fits, so hot paths (registry names) avoid an allocation. *out is STACK or a malloc'd
 * string; release it with avs_wide_release(*out, STACK). */
int avs_utf8_to_wide_buf(wchar_t **out, wchar_t *stack, size_t stack_len, const char *s);
void avs_wide_release(wchar_t *w, wchar_t *stack);

/* Converts NUL-terminated UTF-16 W to a malloc'd NUL-terminated UTF-8 string in *out (free()
 * it). Unpaired surrogates fail with AVS_EINVAL. */
int avs_wide_to_utf8(char **out, const wchar_t *w);

/* As avs_wide_to_utf8() for the first LEN code units of W (W need not be terminated). */
int avs_wide_to_utf8_n(char **out, const wchar_t *w, size_t len);

/* Converts a UTF-8 file PATH to the UTF-16 path handed to CreateFileW and friends, malloc'd in
 * *out (free() it): made absolute and canonical by GetFullPathNameW (a relative path, such as a
 * --catalog argument, is taken against the current directory), with the \\?\ (or \\?\UNC\)
 * prefix added when it, or a sibling SUFFIX_CHARS longer (PATH + ".tmp"), would not fit in
 * MAX_PATH. AVS_EINVAL for an empty path or invalid UTF-8. */
int avs_win32_path(wchar_t **out, const char *path, size_t suffix_chars);

/* Loads DLL (a bare file name such as L"msi.dll") from System32 only, never from the folder
 * of the executable or the search path (see msiapi.h). NULL with the last error set on
 * failure. Implemented in msiapi.c. */
HMODULE avs_win32_load_system32(const wchar_t *dll);

/* First thing in every wmain: only System32 for every DLL loaded from then on
 * (SetDefaultDllDirectories, looked up at run time because Windows 7 has it only with
 * KB2533623; without it, at least the current directory is taken off the path). The static
 * imports were resolved before wmain, which is why they are KnownDLLs only (scripts/build). */
void avs_win32_harden_dll_search(void);

/* *out = 1 when PATH (a full path as avs_win32_path() returns it), or any folder on the way to
 * it below the volume root, is a reparse point (symbolic link, junction, mount point); parts
 * that do not exist yet are not. Implemented in stage.c. */
int avs_win32_reparse_on_path(int *out, const wchar_t *path);

/* avs_win32_path() of PATH, refused with AVS_EUNSAFE when it or a folder on the way to it is a
 * reparse point: the start of every open of a file AvSwap hashes, verifies or protects, so a
 * planted link cannot redirect it. Implemented in stage.c. */
int avs_win32_path_safe(wchar_t **out, const char *path, size_t suffix_chars);

/* The attributes of the object handle H refers to (FILE_ATTRIBUTE_*), checked on the handle
 * itself, i.e. on what was opened rather than what the name meant a moment before.
 * AVS_EUNSAFE when it is a reparse point. Implemented in stage.c. */
int avs_win32_handle_attributes(DWORD *out, HANDLE h);

/* Enables privilege NAME (SE_*_NAME) on the process token. *out_token and *out_prev hold what
 * avs_win32_privilege_restore() needs to put it back (and close the token). AVS_EACCES when the
 * token does not hold the privilege at all. Implemented in system.c. */
int avs_win32_privilege_enable(HANDLE *out_token, TOKEN_PRIVILEGES *out_prev, const wchar_t *name);
void avs_win32_privilege_restore(HANDLE token, const TOKEN_PRIVILEGES *prev);

/* The process token's user (TOKEN_USER with its SID), malloc'd in *out: free() it.
 * Implemented in identity.c; eventlog.c attaches the SID to every event. */
int avs_win32_token_user(TOKEN_USER **out);

/* A job object that kills its processes when its last handle closes or one crashes
 * (process.c); close it with CloseHandle. */
int avs_win32_job_create(HANDLE *out);

/* Waits until no process of JOB is left, or TIMEOUT_MS since START (GetTickCount64) has passed:
 * then AVS_ETIMEDOUT. */
int avs_win32_job_wait(HANDLE job, DWORD timeout_ms, ULONGLONG start);

#endif
