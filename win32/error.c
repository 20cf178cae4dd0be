/* Win32 error codes and HRESULTs to AVS_E*, at the win32/ boundary (as libuv's
 * src/win/error.c does): core/ never sees a DWORD. */
#include "win32.h"

#include <wbemcli.h>
#include <winerror.h>

#ifndef ERROR_ELEVATION_REQUIRED /* 740; missing from MinGW-w64's winerror.h */
#define ERROR_ELEVATION_REQUIRED 740L
#endif

int avs_win32_error(DWORD err)
{
    switch (err) {
    case ERROR_SUCCESS: return 0;

    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND:
    case ERROR_INVALID_DRIVE:
    case ERROR_MOD_NOT_FOUND:
    case ERROR_NO_MORE_ITEMS:
    case ERROR_NO_MORE_FILES:
    case ERROR_SERVICE_DOES_NOT_EXIST:
    case ERROR_UNKNOWN_PRODUCT:
    case ERROR_UNKNOWN_PROPERTY:
    case ERROR_BAD_NETPATH:
    case ERROR_BAD_PATHNAME:
    case ERROR_KEY_DELETED:
    case ERROR_RESOURCE_TYPE_NOT_FOUND:
    case ERROR_RESOURCE_NAME_NOT_FOUND:
    case ERROR_NONE_MAPPED: return AVS_ENOENT;

    case ERROR_ACCESS_DENIED:
    case ERROR_PRIVILEGE_NOT_HELD:
    case ERROR_ELEVATION_REQUIRED:
    case ERROR_SHARING_VIOLATION:
    case ERROR_LOCK_VIOLATION:
    case ERROR_WRITE_PROTECT: return AVS_EACCES;

    case ERROR_NOT_ENOUGH_MEMORY:
    case ERROR_OUTOFMEMORY:
    case ERROR_NO_SYSTEM_RESOURCES:
    case ERROR_COMMITMENT_LIMIT: return AVS_ENOMEM;

    case ERROR_INVALID_PARAMETER:
    case ERROR_INVALID_HANDLE:
    case ERROR_INVALID_NAME:
    case ERROR_INVALID_FLAGS:
    case ERROR_BAD_ARGUMENTS:
    case ERROR_FILENAME_EXCED_RANGE:
    case ERROR_NO_UNICODE_TRANSLATION: return AVS_EINVAL;

    case ERROR_BADDB:
    case ERROR_BADKEY:
    case ERROR_BAD_FORMAT:
    case ERROR_INVALID_DATA:
    case ERROR_BAD_CONFIGURATION:
    case ERROR_INSTALL_PACKAGE_INVALID: return AVS_EFORMAT;

    case ERROR_MORE_DATA:
    case ERROR_INSUFFICIENT_BUFFER:
    case ERROR_BUFFER_OVERFLOW: return AVS_ETOOBIG;

    case ERROR_BUSY:
    case ERROR_INSTALL_ALREADY_RUNNING:
    case ERROR_SERVICE_DATABASE_LOCKED:
    case ERROR_PIPE_BUSY: return AVS_EBUSY;

    case ERROR_TIMEOUT:
    case WAIT_TIMEOUT:
    case ERROR_SEM_TIMEOUT:
    case ERROR_SERVICE_REQUEST_TIMEOUT: return AVS_ETIMEDOUT;

    case ERROR_CALL_NOT_IMPLEMENTED:
    case ERROR_NOT_SUPPORTED:
    case ERROR_PROC_NOT_FOUND:
    case ERROR_INSTALL_SERVICE_FAILURE:
    case ERROR_SERVICE_DISABLED: return AVS_EUNAVAIL;

    default: return AVS_EIO;
    }
}

int avs_win32_last_error(void)
{
    int err = avs_win32_error(GetLastError());
    return err ? err : AVS_EIO;
}

int avs_win32_hresult(HRESULT hr)
{
    if (SUCCEEDED(hr))
        return 0;
    /* HRESULT_FROM_WIN32 wraps plain Win32 codes: translate the inner one. */
    if (HRESULT_FACILITY(hr) == FACILITY_WIN32)
        return avs_win32_error((DWORD)HRESULT_CODE(hr));

    switch ((unsigned long)hr) {
    case (unsigned long)E_OUTOFMEMORY:
    case (unsigned long)WBEM_E_OUT_OF_MEMORY: return AVS_ENOMEM;
    case (unsigned long)E_ACCESSDENIED:
    case (unsigned long)WBEM_E_ACCESS_DENIED: return AVS_EACCES;
    case (unsigned long)E_INVALIDARG:
    case (unsigned long)E_POINTER:
    case (unsigned long)WBEM_E_INVALID_PARAMETER:
    case (unsigned long)WBEM_E_INVALID_QUERY: return AVS_EINVAL;
    /* Security Center is absent on Windows Server and on Wine: a missing source. */
    case (unsigned long)WBEM_E_INVALID_NAMESPACE:
    case (unsigned long)WBEM_E_INVALID_CLASS:
    case (unsigned long)WBEM_E_NOT_SUPPORTED:
    case (unsigned long)E_NOTIMPL:
    case (unsigned long)REGDB_E_CLASSNOTREG: return AVS_EUNAVAIL;
    case (unsigned long)WBEM_E_NOT_FOUND: return AVS_ENOENT;
    case (unsigned long)RPC_E_TIMEOUT:
    case (unsigned long)WBEM_E_TIMED_OUT: return AVS_ETIMEDOUT;
    default: return AVS_EIO;
    }
}
