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

static HMODULE load_system32(const wchar_t *dll)
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
    return LoadLibraryExW(path, NULL, LOAD_WITH_ALTERED_SEARCH_PATH);
}

static BOOL CALLBACK load(PINIT_ONCE once, void *param, void **ctx)
{
    (void)once;
    (void)param;
    (void)ctx;
    HMODULE m = load_system32(L"msi.dll");
    if (!m) {
        int err = avs_win32_last_error();
        g_err = err == AVS_ENOENT ? AVS_EUNAVAIL : err;
        return TRUE;
    }
    g_api.enum_products_ex = (__typeof__(g_api.enum_products_ex))LOAD(m, "MsiEnumProductsExW");
    g_api.get_product_info_ex =
        (__typeof__(g_api.get_product_info_ex))LOAD(m, "MsiGetProductInfoExW");
    if (!g_api.enum_products_ex || !g_api.get_product_info_ex)
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
