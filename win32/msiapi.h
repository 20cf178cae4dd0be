/* win32/msiapi.h — the Windows Installer functions AvSwap calls, loaded from System32 at run
 * time (internal to win32/).
 *
 * msi.dll is not a KnownDLL: a static import would be looked up first in the folder holding
 * avswap.exe (often Downloads, writable by anyone), so a planted msi.dll would run with the
 * helpdesk engineer's, or SYSTEM's, rights. LoadLibraryExW with LOAD_LIBRARY_SEARCH_SYSTEM32
 * takes it from System32 only. Add a member here for each further MSI function win32/ needs. */
#ifndef AVS_MSIAPI_H
#define AVS_MSIAPI_H

#include "win32.h" /* <windows.h> first */

#include <msi.h>
#include <msiquery.h>

struct avs_msi_api {
    __typeof__(&MsiEnumProductsExW) enum_products_ex;
    __typeof__(&MsiGetProductInfoExW) get_product_info_ex;
    /* Remediation (msiaction.c): remove and install products, read a package. */
    __typeof__(&MsiSetInternalUI) set_internal_ui;
    __typeof__(&MsiEnableLogW) enable_log;
    __typeof__(&MsiConfigureProductExW) configure_product_ex;
    __typeof__(&MsiInstallProductW) install_product;
    __typeof__(&MsiQueryProductStateW) query_product_state;
    __typeof__(&MsiOpenDatabaseW) open_database;
    __typeof__(&MsiDatabaseOpenViewW) database_open_view;
    __typeof__(&MsiViewExecute) view_execute;
    __typeof__(&MsiViewFetch) view_fetch;
    __typeof__(&MsiViewClose) view_close;
    __typeof__(&MsiRecordGetStringW) record_get_string;
    __typeof__(&MsiCloseHandle) close_handle;
    /* Detection (msi.c): AvSwap's own products, by UpgradeCode. */
    __typeof__(&MsiEnumRelatedProductsW) enum_related_products;
};

/* The loaded functions in *out (static, valid for the life of the process: msi.dll is loaded
 * once and never unloaded). AVS_EUNAVAIL when msi.dll or one of the functions is missing. */
int avs_win32_msi_api(const struct avs_msi_api **out);

#endif
