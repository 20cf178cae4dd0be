/* Windows Installer products for core/os.h, through the MSI API in every context.
 *
 * MsiEnumProductsExW with the "everyone" SID (S-1-1-0) and MSIINSTALLCONTEXT_ALL lists
 * per-machine products and the per-user products of every user; that needs administrator
 * rights, and without them the call fails with ERROR_ACCESS_DENIED -> AVS_EACCES (core reports
 * the source as failed rather than pretending the list is complete). Never Win32_Product: it is
 * slow and triggers a consistency check (and repair) of every product. */
#include "os.h"

#ifndef UNICODE
#error "win32/ is built with UNICODE: the INSTALLPROPERTY_* names must be wide strings"
#endif

#include "msiapi.h"

#include <stdlib.h>
#include <string.h>

/* A property longer than this (in UTF-16 code units) is not a real product name or path. The
 * bound matches the registry bound, where MSI keeps these properties. */
#define PROP_MAX_CHARS (AVS_REG_VALUE_MAX / 2)

/* Untrusted text that cannot be written as UTF-8 (an unpaired surrogate) is malformed data. */
static int to_utf8(char **out, const wchar_t *w, size_t len)
{
    int err = avs_wide_to_utf8_n(out, w, len);
    return err == AVS_EINVAL ? AVS_EFORMAT : err;
}

/* Reads PROP of one product into *out (NULL when the product has no such property, or an empty
 * one: an empty string says nothing a missing one does not). */
static int get_prop(char **out, const struct avs_msi_api *api, const wchar_t *code,
                    const wchar_t *sid, MSIINSTALLCONTEXT ctx, const wchar_t *prop)
{
    *out = NULL;
    wchar_t stack[256];
    wchar_t *heap = NULL;
    wchar_t *buf = stack;
    DWORD cch = (DWORD)(sizeof stack / sizeof stack[0]);
    int err = 0;
    UINT st = api->get_product_info_ex(code, sid, ctx, prop, buf, &cch);
    for (int tries = 0; st == ERROR_MORE_DATA; tries++) {
        /* CCH is the length without the terminator; the value may grow between the calls. */
        if (cch >= PROP_MAX_CHARS) {
            err = AVS_ETOOBIG;
            goto done;
        }
        if (tries == 4) {
            err = AVS_EIO;
            goto done;
        }
        free(heap);
        cch += 1;
        heap = malloc((size_t)cch * sizeof *heap);
        if (!heap) {
            err = AVS_ENOMEM;
            goto done;
        }
        buf = heap;
        st = api->get_product_info_ex(code, sid, ctx, prop, buf, &cch);
    }
    if (st == ERROR_UNKNOWN_PROPERTY)
        goto done;
    if (st != ERROR_SUCCESS) {
        err = avs_win32_error(st);
        if (!err)
            err = AVS_EIO;
        goto done;
    }
    if (cch > 0)
        err = to_utf8(out, buf, cch);
done:
    free(heap);
    return err;
}

static void product_clear(struct avs_os_msi_product *p)
{
    free(p->product_code);
    free(p->user_sid);
    free(p->name);
    free(p->version);
    free(p->publisher);
    free(p->install_location);
    memset(p, 0, sizeof *p);
}

/* Fills P from one enumerated product. AVS_ENOENT when it vanished since it was listed. */
static int product_fill(struct avs_os_msi_product *p, const struct avs_msi_api *api,
                        const wchar_t *code, MSIINSTALLCONTEXT ctx, const wchar_t *sid)
{
    int err;
    memset(p, 0, sizeof *p);
    switch (ctx) {
    case MSIINSTALLCONTEXT_MACHINE:
        p->context = AVS_MSI_MACHINE;
        sid = NULL; /* MsiGetProductInfoExW wants no SID for the machine context */
        break;
    case MSIINSTALLCONTEXT_USERMANAGED: p->context = AVS_MSI_USER_MANAGED; break;
    case MSIINSTALLCONTEXT_USERUNMANAGED: p->context = AVS_MSI_USER_UNMANAGED; break;
    default: return AVS_EFORMAT;
    }
    if ((err = to_utf8(&p->product_code, code, wcslen(code))))
        goto done;
    if (sid && *sid && (err = to_utf8(&p->user_sid, sid, wcslen(sid))))
        goto done;
    if ((err = get_prop(&p->name, api, code, sid, ctx, INSTALLPROPERTY_PRODUCTNAME)) ||
        (err = get_prop(&p->version, api, code, sid, ctx, INSTALLPROPERTY_VERSIONSTRING)) ||
        (err = get_prop(&p->publisher, api, code, sid, ctx, INSTALLPROPERTY_PUBLISHER)) ||
        (err =
             get_prop(&p->install_location, api, code, sid, ctx, INSTALLPROPERTY_INSTALLLOCATION)))
        goto done;
done:
    if (err)
        product_clear(p);
    return err;
}

int avs_os_msi_products(struct avs_os_msi_product **out, size_t *out_count)
{
    *out = NULL;
    *out_count = 0;
    struct avs_os_msi_product *list = NULL;
    size_t count = 0, cap = 0;
    const struct avs_msi_api *api;
    int err = avs_win32_msi_api(&api);
    if (err)
        return err;

    for (DWORD index = 0;; index++) {
        wchar_t code[39];
        /* A string SID has at most 184 characters (15 sub-authorities), so this never runs
         * short: no ERROR_MORE_DATA retry, which Wine's msi would reject anyway (it insists
         * that each call's index be the previous one plus one). */
        wchar_t sid[256];
        DWORD sid_cch = (DWORD)(sizeof sid / sizeof sid[0]);
        MSIINSTALLCONTEXT ctx = MSIINSTALLCONTEXT_NONE;
        /* "S-1-1-0" (Everyone): every user's products. The documentation spells it in lower
         * case, but Windows accepts upper case (Wine's msi conformance tests pass it on
         * Windows) and Wine's msi matches only the upper-case spelling. */
        UINT st = api->enum_products_ex(NULL, L"S-1-1-0", MSIINSTALLCONTEXT_ALL, index, code, &ctx,
                                        sid, &sid_cch);
        if (st == ERROR_MORE_DATA) {
            err = AVS_ETOOBIG;
            goto done;
        }
        if (st == ERROR_NO_MORE_ITEMS)
            break;
        if (st != ERROR_SUCCESS) {
            err = avs_win32_error(st);
            if (!err)
                err = AVS_EIO;
            goto done;
        }
        code[38] = L'\0';
        if (count == cap) {
            size_t ncap = cap ? cap * 2 : 32;
            struct avs_os_msi_product *n = realloc(list, ncap * sizeof *n);
            if (!n) {
                err = AVS_ENOMEM;
                goto done;
            }
            list = n;
            cap = ncap;
        }
        err = product_fill(&list[count], api, code, ctx, sid);
        if (err == AVS_ENOENT) { /* uninstalled while we were listing: no longer there */
            err = 0;
            continue;
        }
        if (err)
            goto done;
        count++;
    }
    *out = list;
    *out_count = count;
    list = NULL;
    count = 0;
done:
    avs_os_msi_products_free(list, count);
    return err;
}

void avs_os_msi_products_free(struct avs_os_msi_product *list, size_t count)
{
    if (!list)
        return;
    for (size_t i = 0; i < count; i++)
        product_clear(&list[i]);
    free(list);
}

int avs_os_msi_related(char ***out, size_t *out_count, const char *upgrade_code)
{
    *out = NULL;
    *out_count = 0;
    char **list = NULL;
    size_t count = 0;
    wchar_t *upgrade = NULL;
    const struct avs_msi_api *api;
    int err = avs_win32_msi_api(&api);
    if (err)
        return err;
    if ((err = avs_utf8_to_wide(&upgrade, upgrade_code)))
        goto done;
    for (DWORD index = 0;; index++) {
        wchar_t code[39];
        UINT st = api->enum_related_products(upgrade, 0, index, code);
        if (st == ERROR_NO_MORE_ITEMS)
            break;
        if (st != ERROR_SUCCESS) {
            err = avs_win32_error(st);
            if (!err)
                err = AVS_EIO;
            goto done;
        }
        code[38] = L'\0';
        char **n = realloc(list, (count + 1) * sizeof *n);
        if (!n) {
            err = AVS_ENOMEM;
            goto done;
        }
        list = n;
        if ((err = to_utf8(&list[count], code, wcslen(code))))
            goto done;
        count++;
    }
    *out = list;
    *out_count = count;
    list = NULL;
    count = 0;
done:
    free(upgrade);
    avs_os_msi_related_free(list, count);
    return err;
}

void avs_os_msi_related_free(char **list, size_t count)
{
    if (!list)
        return;
    for (size_t i = 0; i < count; i++)
        free(list[i]);
    free(list);
}
