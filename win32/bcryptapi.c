/* BCrypt from System32: the BCrypt functions AvSwap calls, defined here in place of the import
 * library's, each forwarding to bcrypt.dll loaded with LOAD_LIBRARY_SEARCH_SYSTEM32.
 *
 * bcrypt.dll is not a KnownDLL. Imported statically, the loader would look for it first in the
 * folder holding avswap.exe (Downloads, a share) and run a planted copy's DllMain before wmain,
 * where SetDefaultDllDirectories cannot help yet. So the build links no libbcrypt.a: callers
 * keep writing BCryptHashData(...) as <bcrypt.h> declares it (no dllimport there), and these
 * definitions resolve the real function on first use, as a delay-load import would, but with
 * the search limited to System32 and a failure returned instead of an exception raised.
 *
 * A BCrypt function missing here fails the link (undefined reference): add it below. */
#include "win32.h" /* <windows.h> first */

#include <bcrypt.h>

#ifndef STATUS_DLL_NOT_FOUND
#define STATUS_DLL_NOT_FOUND ((NTSTATUS)0xC0000135L)
#endif
#ifndef STATUS_ENTRYPOINT_NOT_FOUND
#define STATUS_ENTRYPOINT_NOT_FOUND ((NTSTATUS)0xC0000139L)
#endif

/* The functions forwarded below: each FORWARD line needs its name here. */
#define FUNCS(X)                                                                                   \
    X(BCryptOpenAlgorithmProvider)                                                                 \
    X(BCryptCloseAlgorithmProvider)                                                                \
    X(BCryptGetProperty)                                                                           \
    X(BCryptCreateHash)                                                                            \
    X(BCryptHashData)                                                                              \
    X(BCryptFinishHash)                                                                            \
    X(BCryptDestroyHash)                                                                           \
    X(BCryptGenRandom)
#define AS_ENUM(name) F_##name,
#define AS_NAME(name) #name,
enum { FUNCS(AS_ENUM) F_COUNT };
static const char *const g_names[F_COUNT] = {FUNCS(AS_NAME)};

/* Written once under g_once, read-only afterwards (bcrypt.dll is never unloaded). */
static HMODULE g_dll;
static FARPROC g_fn[F_COUNT];
static INIT_ONCE g_once = INIT_ONCE_STATIC_INIT;

static BOOL CALLBACK load(PINIT_ONCE once, void *param, void **ctx)
{
    (void)once;
    (void)param;
    (void)ctx;
    g_dll = avs_win32_load_system32(L"bcrypt.dll");
    for (int i = 0; g_dll && i < F_COUNT; i++)
        g_fn[i] = GetProcAddress(g_dll, g_names[i]);
    return TRUE;
}

/* Defines NAME(PARAMS) forwarding ARGS to the System32 function of that name; a missing DLL
 * or function is an NTSTATUS failure, which every caller already handles. */
#define FORWARD(name, params, args)                                                                \
    NTSTATUS WINAPI name params                                                                    \
    {                                                                                              \
        typedef NTSTATUS(WINAPI *fn_t) params;                                                     \
        InitOnceExecuteOnce(&g_once, load, NULL, NULL);                                            \
        fn_t fn = (fn_t)(void (*)(void))g_fn[F_##name];                                            \
        if (!fn)                                                                                   \
            return g_dll ? STATUS_ENTRYPOINT_NOT_FOUND : STATUS_DLL_NOT_FOUND;                     \
        return fn args;                                                                            \
    }

FORWARD(BCryptOpenAlgorithmProvider,
        (BCRYPT_ALG_HANDLE * phAlgorithm, LPCWSTR pszAlgId, LPCWSTR pszImplementation,
         ULONG dwFlags),
        (phAlgorithm, pszAlgId, pszImplementation, dwFlags))
FORWARD(BCryptCloseAlgorithmProvider, (BCRYPT_ALG_HANDLE hAlgorithm, ULONG dwFlags),
        (hAlgorithm, dwFlags))
FORWARD(BCryptGetProperty,
        (BCRYPT_HANDLE hObject, LPCWSTR pszProperty, PUCHAR pbOutput, ULONG cbOutput,
         ULONG *pcbResult, ULONG dwFlags),
        (hObject, pszProperty, pbOutput, cbOutput, pcbResult, dwFlags))
FORWARD(BCryptCreateHash,
        (BCRYPT_ALG_HANDLE hAlgorithm, BCRYPT_HASH_HANDLE *phHash, PUCHAR pbHashObject,
         ULONG cbHashObject, PUCHAR pbSecret, ULONG cbSecret, ULONG dwFlags),
        (hAlgorithm, phHash, pbHashObject, cbHashObject, pbSecret, cbSecret, dwFlags))
FORWARD(BCryptHashData, (BCRYPT_HASH_HANDLE hHash, PUCHAR pbInput, ULONG cbInput, ULONG dwFlags),
        (hHash, pbInput, cbInput, dwFlags))
FORWARD(BCryptFinishHash,
        (BCRYPT_HASH_HANDLE hHash, PUCHAR pbOutput, ULONG cbOutput, ULONG dwFlags),
        (hHash, pbOutput, cbOutput, dwFlags))
FORWARD(BCryptDestroyHash, (BCRYPT_HASH_HANDLE hHash), (hHash))
FORWARD(BCryptGenRandom,
        (BCRYPT_ALG_HANDLE hAlgorithm, PUCHAR pbBuffer, ULONG cbBuffer, ULONG dwFlags),
        (hAlgorithm, pbBuffer, cbBuffer, dwFlags))
