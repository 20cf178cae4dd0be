/* Windows Installer actions for core/os.h: remove a product, install a package, read a
 * package's identity, ask whether a product is installed. All through msi.dll loaded from
 * System32 (msiapi.h), in process: the properties, which may hold an uninstall password, are
 * never on a command line another process could read.
 *
 * MsiSetInternalUI and MsiEnableLogW set process-wide state; AvSwap runs one installer action
 * at a time (Windows Installer itself allows only one), and each action restores the UI level
 * and switches logging off again before it returns. */
#include "os.h"

#ifndef UNICODE
#error "win32/ is built with UNICODE: MSIDBOPEN_READONLY must be a wide string"
#endif

#include "msiapi.h"

#include <stdlib.h>
#include <string.h>

/* What `msiexec /l*v` logs: every message class, the property dump and verbose output. */
#define LOG_MODE                                                                                   \
    (INSTALLLOGMODE_FATALEXIT | INSTALLLOGMODE_ERROR | INSTALLLOGMODE_WARNING |                    \
     INSTALLLOGMODE_USER | INSTALLLOGMODE_INFO | INSTALLLOGMODE_RESOLVESOURCE |                    \
     INSTALLLOGMODE_OUTOFDISKSPACE | INSTALLLOGMODE_ACTIONSTART | INSTALLLOGMODE_ACTIONDATA |      \
     INSTALLLOGMODE_COMMONDATA | INSTALLLOGMODE_PROPERTYDUMP | INSTALLLOGMODE_VERBOSE)

/* Appended, so a retry (1618) or a resumed run adds to the product's log instead of erasing the
 * evidence of the earlier attempt; flushed per line, so a crash mid-action leaves it readable. */
#define LOG_ATTRS (INSTALLLOGATTRIBUTES_APPEND | INSTALLLOGATTRIBUTES_FLUSHEACHLINE)

/* A ProductCode is 38 characters and a ProductName short; anything longer is not a real one. */
#define PROP_MAX_CHARS 4096u

enum action {
    ACT_UNINSTALL,
    ACT_INSTALL,
};

static int msi_error(UINT r)
{
    int err = avs_win32_error(r);
    return err ? err : AVS_EIO;
}

/* Wipes and frees a UTF-16 copy of properties that may hold a password. */
static void wipe_free(wchar_t *w)
{
    if (!w)
        return;
    SecureZeroMemory(w, (wcslen(w) + 1) * sizeof *w);
    free(w);
}

/* Creates the log file W (or opens the existing one) in its folder, refusing a reparse point
 * anywhere on the way. Windows Installer writes the log with the rights of the caller and, for
 * the execute sequence, of SYSTEM: a link planted at the log's name would let it overwrite any
 * file. It would also accept a folder that does not exist and silently log nothing. */
static int prepare_log(const wchar_t *w)
{
    int reparse = 0;
    int err = avs_win32_reparse_on_path(&reparse, w);
    if (err)
        return err;
    if (reparse)
        return AVS_EUNSAFE;
    HANDLE h = CreateFileW(w, FILE_APPEND_DATA | FILE_READ_ATTRIBUTES | SYNCHRONIZE,
                           FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OPEN_REPARSE_POINT, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return avs_win32_last_error(); /* no folder: AVS_ENOENT */
    DWORD attrs;
    if ((err = avs_win32_handle_attributes(&attrs, h)) == 0 && (attrs & FILE_ATTRIBUTE_DIRECTORY))
        err = AVS_EINVAL;
    CloseHandle(h);
    return err;
}

/* Runs one installer action on TARGET (a product code or a package path) with PROPERTIES,
 * logging verbosely to LOG_PATH (none when NULL or ""). */
static int run(int *out_result, enum action act, const char *target, const char *properties,
               const char *log_path)
{
    *out_result = 0;
    const struct avs_msi_api *api;
    wchar_t *wtarget = NULL, *wprops = NULL, *wlog = NULL;
    int err = avs_win32_msi_api(&api);
    if (err)
        return err;
    if (!target || !*target)
        return AVS_EINVAL;
    if (act == ACT_UNINSTALL)
        err = avs_utf8_to_wide(&wtarget, target);
    else
        err = avs_win32_path(&wtarget, target, 0);
    if (err)
        goto done;
    if ((err = avs_utf8_to_wide(&wprops, properties ? properties : "")))
        goto done;
    if (log_path && *log_path &&
        ((err = avs_win32_path(&wlog, log_path, 0)) || (err = prepare_log(wlog))))
        goto done;

    /* No UI at all: a dialog nobody can see (a service, a remote session) would hang the run. */
    INSTALLUILEVEL prev = api->set_internal_ui(INSTALLUILEVEL_NONE, NULL);
    UINT r = wlog ? api->enable_log(LOG_MODE, wlog, LOG_ATTRS) : api->enable_log(0, NULL, 0);
    if (r != ERROR_SUCCESS) {
        err = msi_error(r);
    } else {
        r = act == ACT_UNINSTALL ? api->configure_product_ex(wtarget, INSTALLLEVEL_DEFAULT,
                                                             INSTALLSTATE_ABSENT, wprops)
                                 : api->install_product(wtarget, wprops);
        /* ERROR_INVALID_PARAMETER is the API refusing its arguments (a malformed product
         * code, property syntax): an error of the call, not an installation's result. */
        if (r == ERROR_INVALID_PARAMETER)
            err = AVS_EINVAL;
        else
            *out_result = (int)r;
    }
    api->enable_log(0, NULL, 0);
    if (prev != INSTALLUILEVEL_NOCHANGE)
        api->set_internal_ui(prev, NULL);
done:
    wipe_free(wprops);
    free(wtarget);
    free(wlog);
    return err;
}

int avs_os_msi_uninstall(int *out_result, const char *code, const char *properties,
                         const char *log_path)
{
    return run(out_result, ACT_UNINSTALL, code, properties, log_path);
}

int avs_os_msi_install(int *out_result, const char *package, const char *properties,
                       const char *log_path)
{
    return run(out_result, ACT_INSTALL, package, properties, log_path);
}

/* Field 1 of record REC as UTF-8 in *out (NULL when empty). */
static int record_string(char **out, const struct avs_msi_api *api, MSIHANDLE rec)
{
    *out = NULL;
    wchar_t stack[128];
    wchar_t *heap = NULL, *buf = stack;
    DWORD cch = (DWORD)(sizeof stack / sizeof stack[0]);
    int err = 0;
    UINT r = api->record_get_string(rec, 1, buf, &cch);
    if (r == ERROR_MORE_DATA) {
        /* CCH is now the length without the terminator. */
        if (cch >= PROP_MAX_CHARS) {
            err = AVS_ETOOBIG;
            goto done;
        }
        cch += 1;
        heap = malloc((size_t)cch * sizeof *heap);
        if (!heap) {
            err = AVS_ENOMEM;
            goto done;
        }
        buf = heap;
        r = api->record_get_string(rec, 1, buf, &cch);
    }
    if (r != ERROR_SUCCESS) {
        err = msi_error(r);
        goto done;
    }
    if (cch > 0) {
        /* Package data is untrusted: text that is not valid UTF-16 is malformed. */
        err = avs_wide_to_utf8_n(out, buf, cch);
        if (err == AVS_EINVAL)
            err = AVS_EFORMAT;
    }
done:
    free(heap);
    return err;
}

/* The first value QUERY selects from database DB, in *out; NULL when there is no such row. */
static int query_value(char **out, const struct avs_msi_api *api, MSIHANDLE db,
                       const wchar_t *query)
{
    *out = NULL;
    MSIHANDLE view = 0, rec = 0;
    int err = 0;
    UINT r = api->database_open_view(db, query, &view);
    if (r != ERROR_SUCCESS) {
        /* No Property table, or not a package at all. */
        err = r == ERROR_BAD_QUERY_SYNTAX ? AVS_EFORMAT : msi_error(r);
        goto done;
    }
    if ((r = api->view_execute(view, 0)) != ERROR_SUCCESS) {
        err = msi_error(r);
        goto done;
    }
    r = api->view_fetch(view, &rec);
    if (r == ERROR_NO_MORE_ITEMS)
        goto done;
    if (r != ERROR_SUCCESS) {
        err = msi_error(r);
        goto done;
    }
    err = record_string(out, api, rec);
done:
    if (rec)
        api->close_handle(rec);
    if (view) {
        api->view_close(view);
        api->close_handle(view);
    }
    return err;
}

int avs_os_msi_package_info(char **out_code, char **out_name, const char *package)
{
    *out_code = NULL;
    *out_name = NULL;
    const struct avs_msi_api *api;
    wchar_t *w = NULL;
    char *code = NULL, *name = NULL;
    MSIHANDLE db = 0;
    int err = avs_win32_msi_api(&api);
    if (err)
        return err;
    if ((err = avs_win32_path(&w, package, 0)))
        return err;
    /* MsiOpenDatabaseW reports a missing file and a file that is no database alike
     * (ERROR_OPEN_FAILED): tell them apart first. */
    DWORD attrs = GetFileAttributesW(w);
    if (attrs == INVALID_FILE_ATTRIBUTES) {
        err = avs_win32_last_error();
        goto done;
    }
    if (attrs & FILE_ATTRIBUTE_DIRECTORY) {
        err = AVS_EINVAL;
        goto done;
    }
    UINT r = api->open_database(w, MSIDBOPEN_READONLY, &db);
    if (r != ERROR_SUCCESS) {
        /* The file is there: failing to open it as a database means it is none (Windows says
         * ERROR_OPEN_FAILED or ERROR_INSTALL_PACKAGE_INVALID, Wine ERROR_FUNCTION_FAILED). */
        if (r == ERROR_OPEN_FAILED || r == ERROR_FUNCTION_FAILED ||
            r == ERROR_INSTALL_PACKAGE_INVALID)
            err = AVS_EFORMAT;
        else
            err = msi_error(r);
        goto done;
    }
    if ((err = query_value(&code, api, db,
                           L"SELECT `Value` FROM `Property` WHERE `Property`='ProductCode'")))
        goto done;
    if (!code) {
        err = AVS_EFORMAT; /* every installable package has a ProductCode */
        goto done;
    }
    if ((err = query_value(&name, api, db,
                           L"SELECT `Value` FROM `Property` WHERE `Property`='ProductName'")))
        goto done;
    *out_code = code;
    *out_name = name;
    code = name = NULL;
done:
    if (db)
        api->close_handle(db);
    free(code);
    free(name);
    free(w);
    return err;
}

int avs_os_msi_installed(int *out, const char *code)
{
    *out = 0;
    const struct avs_msi_api *api;
    wchar_t *w = NULL;
    int err = avs_win32_msi_api(&api);
    if (err)
        return err;
    if ((err = avs_utf8_to_wide(&w, code)))
        return err;
    INSTALLSTATE s = api->query_product_state(w);
    free(w);
    if (s == INSTALLSTATE_INVALIDARG)
        return AVS_EINVAL;
    /* ADVERTISED (not installed), ABSENT (installed for another user only) and UNKNOWN all
     * mean: not installed here. */
    *out = s == INSTALLSTATE_DEFAULT;
    return 0;
}
