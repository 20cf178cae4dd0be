/* Loads msi.dll from System32 once per process; see msiapi.h for why it is not imported. */
#include "msiapi.h"

#include <string.h>

#ifndef LOAD_LIBRARY_SEARCH_SYSTEM32
#define LOAD_LIBRARY_SEARCH_SYSTEM32 0x00000800
#endif

/* Written once under g_once, read-only afterwards. */
static struct avs_msi_api g_api;
static int g_err;
static INIT_ONCE g_once = INIT_ONCE_STATIC_INIT;

/* FARPROC to a typed function pointer, through void (*)(void) so the compiler accepts it. */
#define LOAD(mod, name) ((void (*)(void))GetProcAddress((mod), (name)))

HMODULE avs_win32_load_system32(const wchar_t *dll)
{
    HMODULE m = LoadLibraryExW(dll, NULL, LOAD_LIBRARY_SEARCH_SYSTEM32);
    if (m || GetLastError() != ERROR_INVALID_PARAMETER)
        return m;
    /* Windows 7 without KB2533623 does not know the flag: name the file in System32 fully. */
    wchar_t path[MAX_PATH];
    UINT n = GetSystemDirectoryW(path, MAX_PATH);
    size_t dl = wcslen(dll);
    if (n == 0 || n + 1 + dl >= MAX_PATH)
        return NULL;
    path[n] = L'\\';
    memcpy(path + n + 1, dll, (dl + 1) * sizeof *path);
    /* banned-ok: a full System32 path; the flag makes its own imports resolve from there too */
    return LoadLibraryExW(path, NULL, LOAD_WITH_ALTERED_SEARCH_PATH);
}

static BOOL CALLBACK load(PINIT_ONCE once, void *param, void **ctx)
{
    (void)once;
    (void)param;
    (void)ctx;
    HMODULE m = avs_win32_load_system32(L"msi.dll");
    if (!m) {
        int err = avs_win32_last_error();
        g_err = err == AVS_ENOENT ? AVS_EUNAVAIL : err;
        return TRUE;
    }
    g_api.enum_products_ex = (__typeof__(g_api.enum_products_ex))LOAD(m, "MsiEnumProductsExW");
    g_api.get_product_info_ex =
        (__typeof__(g_api.get_product_info_ex))LOAD(m, "MsiGetProductInfoExW");
    g_api.set_internal_ui = (__typeof__(g_api.set_internal_ui))LOAD(m, "MsiSetInternalUI");
    g_api.enable_log = (__typeof__(g_api.enable_log))LOAD(m, "MsiEnableLogW");
    g_api.configure_product_ex =
        (__typeof__(g_api.configure_product_ex))LOAD(m, "MsiConfigureProductExW");
    g_api.install_product = (__typeof__(g_api.install_product))LOAD(m, "MsiInstallProductW");
    g_api.query_product_state =
        (__typeof__(g_api.query_product_state))LOAD(m, "MsiQueryProductStateW");
    g_api.open_database = (__typeof__(g_api.open_database))LOAD(m, "MsiOpenDatabaseW");
    g_api.database_open_view =
        (__typeof__(g_api.database_open_view))LOAD(m, "MsiDatabaseOpenViewW");
    g_api.view_execute = (__typeof__(g_api.view_execute))LOAD(m, "MsiViewExecute");
    g_api.view_fetch = (__typeof__(g_api.view_fetch))LOAD(m, "MsiViewFetch");
    g_api.view_close = (__typeof__(g_api.view_close))LOAD(m, "MsiViewClose");
    g_api.record_get_string = (__typeof__(g_api.record_get_string))LOAD(m, "MsiRecordGetStringW");
    g_api.close_handle = (__typeof__(g_api.close_handle))LOAD(m, "MsiCloseHandle");
    g_api.enum_related_products =
        (__typeof__(g_api.enum_related_products))LOAD(m, "MsiEnumRelatedProductsW");
    /* Every one of these exists in each msi.dll since Windows Installer 3.0 (XP SP2): a
     * missing one means a broken or foreign msi.dll, and none of it is trusted. */
    if (!g_api.enum_products_ex || !g_api.get_product_info_ex || !g_api.set_internal_ui ||
        !g_api.enable_log || !g_api.configure_product_ex || !g_api.install_product ||
        !g_api.query_product_state || !g_api.open_database || !g_api.database_open_view ||
        !g_api.view_execute || !g_api.view_fetch || !g_api.view_close || !g_api.record_get_string ||
        !g_api.close_handle || !g_api.enum_related_products)
        g_err = AVS_EUNAVAIL;
    return TRUE;
}

int avs_win32_msi_api(const struct avs_msi_api **out)
{
    *out = NULL;
    InitOnceExecuteOnce(&g_once, load, NULL, NULL);
    if (g_err)
        return g_err;
    *out = &g_api;
    return 0;
}

void avs_win32_harden_dll_search(void)
{
    typedef BOOL(WINAPI * set_default_fn)(DWORD);
    HMODULE k32 = GetModuleHandleW(L"kernel32.dll");
    set_default_fn set_default =
        k32 ? (set_default_fn)(void (*)(void))GetProcAddress(k32, "SetDefaultDllDirectories")
            : NULL;
    if (!set_default || !set_default(LOAD_LIBRARY_SEARCH_SYSTEM32))
        SetDllDirectoryW(L"");
}
