/* Windows Security Center antivirus products for core/os.h, through WMI (COM, in C).
 *
 * ROOT\SecurityCenter2 exists only on client Windows: Windows Server and Wine answer
 * WBEM_E_INVALID_NAMESPACE, which avs_win32_hresult() turns into AVS_EUNAVAIL (a missing
 * source, not a failure). Every COM object is released and COM uninitialised on every path. */
#define COBJMACROS
#include "os.h"

#include "win32.h" /* <windows.h> first */

#include <objbase.h>
#include <oleauto.h>
#include <stdlib.h>
#include <string.h>
#include <wbemidl.h>

/* How long one IEnumWbemClassObject::Next may wait, in ms: WMI can hang on a sick machine and
 * a scan must not hang with it. */
#define WMI_NEXT_TIMEOUT_MS 30000

/* Copies the BSTR property NAME of OBJ into *out; NULL when the property is null or empty. */
static int get_string(char **out, IWbemClassObject *obj, const wchar_t *name)
{
    *out = NULL;
    VARIANT v;
    VariantInit(&v);
    HRESULT hr = IWbemClassObject_Get(obj, name, 0, &v, NULL, NULL);
    if (FAILED(hr))
        return avs_win32_hresult(hr);
    int err = 0;
    if (V_VT(&v) == VT_BSTR && V_BSTR(&v) && SysStringLen(V_BSTR(&v)) > 0) {
        err = avs_wide_to_utf8_n(out, V_BSTR(&v), SysStringLen(V_BSTR(&v)));
        if (err == AVS_EINVAL) /* an unpaired surrogate: malformed data */
            err = AVS_EFORMAT;
    } else if (V_VT(&v) != VT_BSTR && V_VT(&v) != VT_NULL && V_VT(&v) != VT_EMPTY) {
        err = AVS_EFORMAT;
    }
    VariantClear(&v);
    return err;
}

/* productState is a CIM uint32, which WMI hands out as VT_I4. */
static int get_u32(uint32_t *out, IWbemClassObject *obj, const wchar_t *name)
{
    *out = 0;
    VARIANT v;
    VariantInit(&v);
    HRESULT hr = IWbemClassObject_Get(obj, name, 0, &v, NULL, NULL);
    if (FAILED(hr))
        return avs_win32_hresult(hr);
    int err = 0;
    if (V_VT(&v) == VT_I4)
        *out = (uint32_t)V_I4(&v);
    else if (V_VT(&v) == VT_UI4)
        *out = V_UI4(&v);
    else if (V_VT(&v) != VT_NULL && V_VT(&v) != VT_EMPTY)
        err = AVS_EFORMAT;
    VariantClear(&v);
    return err;
}

static int read_product(struct avs_os_wsc_product *p, IWbemClassObject *obj)
{
    memset(p, 0, sizeof *p);
    int err = get_string(&p->display_name, obj, L"displayName");
    if (!err && !p->display_name) {
        p->display_name = calloc(1, 1); /* the contract promises a string */
        if (!p->display_name)
            err = AVS_ENOMEM;
    }
    if (!err)
        err = get_string(&p->path, obj, L"pathToSignedProductExe");
    if (!err)
        err = get_u32(&p->product_state, obj, L"productState");
    if (err) {
        free(p->display_name);
        free(p->path);
        memset(p, 0, sizeof *p);
    }
    return err;
}

int avs_os_wsc_antivirus(struct avs_os_wsc_product **out, size_t *out_count)
{
    *out = NULL;
    *out_count = 0;
    struct avs_os_wsc_product *list = NULL;
    size_t count = 0, cap = 0;
    IWbemLocator *loc = NULL;
    IWbemServices *svc = NULL;
    IEnumWbemClassObject *en = NULL;
    IWbemClassObject *obj = NULL;
    BSTR ns = NULL, lang = NULL, query = NULL;
    int err = 0;

    /* S_OK and S_FALSE (already initialised as MTA) both take a reference we must drop.
     * RPC_E_CHANGED_MODE means the thread is already an STA: usable, but not ours to undo. */
    HRESULT hr = CoInitializeEx(NULL, COINIT_MULTITHREADED);
    int uninit = SUCCEEDED(hr);
    if (FAILED(hr) && hr != RPC_E_CHANGED_MODE) {
        err = avs_win32_hresult(hr);
        goto done;
    }
    /* Process-wide and once only: RPC_E_TOO_LATE means someone (maybe us) already chose, and
     * the proxy blanket below makes the call work either way. */
    hr = CoInitializeSecurity(NULL, -1, NULL, NULL, RPC_C_AUTHN_LEVEL_DEFAULT,
                              RPC_C_IMP_LEVEL_IMPERSONATE, NULL, EOAC_NONE, NULL);
    if (FAILED(hr) && hr != RPC_E_TOO_LATE) {
        err = avs_win32_hresult(hr);
        goto done;
    }
    hr = CoCreateInstance(&CLSID_WbemLocator, NULL, CLSCTX_INPROC_SERVER, &IID_IWbemLocator,
                          (void **)&loc);
    if (FAILED(hr)) {
        err = avs_win32_hresult(hr);
        goto done;
    }
    ns = SysAllocString(L"ROOT\\SecurityCenter2");
    lang = SysAllocString(L"WQL");
    query = SysAllocString(
        L"SELECT displayName,productState,pathToSignedProductExe FROM AntiVirusProduct");
    if (!ns || !lang || !query) {
        err = AVS_ENOMEM;
        goto done;
    }
    hr = IWbemLocator_ConnectServer(loc, ns, NULL, NULL, NULL, 0, NULL, NULL, &svc);
    if (FAILED(hr)) {
        err = avs_win32_hresult(hr);
        goto done;
    }
    hr = CoSetProxyBlanket((IUnknown *)svc, RPC_C_AUTHN_WINNT, RPC_C_AUTHZ_NONE, NULL,
                           RPC_C_AUTHN_LEVEL_CALL, RPC_C_IMP_LEVEL_IMPERSONATE, NULL, EOAC_NONE);
    if (FAILED(hr) && hr != E_NOTIMPL) { /* E_NOTIMPL: an in-process, unproxied object */
        err = avs_win32_hresult(hr);
        goto done;
    }
    hr = IWbemServices_ExecQuery(svc, lang, query,
                                 WBEM_FLAG_FORWARD_ONLY | WBEM_FLAG_RETURN_IMMEDIATELY, NULL, &en);
    if (FAILED(hr)) {
        err = avs_win32_hresult(hr);
        goto done;
    }
    for (;;) {
        ULONG got = 0;
        hr = IEnumWbemClassObject_Next(en, WMI_NEXT_TIMEOUT_MS, 1, &obj, &got);
        if (hr == WBEM_S_TIMEDOUT) {
            err = AVS_ETIMEDOUT;
            goto done;
        }
        if (FAILED(hr)) {
            err = avs_win32_hresult(hr);
            goto done;
        }
        if (got == 0) /* WBEM_S_FALSE: the end */
            break;
        if (count == cap) {
            size_t ncap = cap ? cap * 2 : 4;
            struct avs_os_wsc_product *n = realloc(list, ncap * sizeof *n);
            if (!n) {
                err = AVS_ENOMEM;
                goto done;
            }
            list = n;
            cap = ncap;
        }
        if ((err = read_product(&list[count], obj)))
            goto done;
        count++;
        IWbemClassObject_Release(obj);
        obj = NULL;
    }
    *out = list;
    *out_count = count;
    list = NULL;
    count = 0;
done:
    if (obj)
        IWbemClassObject_Release(obj);
    if (en)
        IEnumWbemClassObject_Release(en);
    if (svc)
        IWbemServices_Release(svc);
    if (loc)
        IWbemLocator_Release(loc);
    SysFreeString(ns);
    SysFreeString(lang);
    SysFreeString(query);
    avs_os_wsc_free(list, count);
    if (uninit)
        CoUninitialize();
    return err;
}

void avs_os_wsc_free(struct avs_os_wsc_product *list, size_t count)
{
    if (!list)
        return;
    for (size_t i = 0; i < count; i++) {
        free(list[i].display_name);
        free(list[i].path);
    }
    free(list);
}
