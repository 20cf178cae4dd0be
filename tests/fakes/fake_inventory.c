/* The fake machine's MSI products, services, Security Center, Event Log and identity. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fake_internal.h"
#include "fake_os.h"
#include "textutil.h"

static struct {
    struct avs_os_msi_product *msi;
    size_t n_msi;
    int msi_fail;
    char *related[16][2]; /* {upgrade code, product code} */
    size_t n_related;
    struct avs_os_service *svc;
    size_t n_svc;
    int svc_fail;
    int wsc_enabled;
    struct avs_os_wsc_product *wsc;
    size_t n_wsc;
    struct fake_event *events;
    size_t n_events;
    int events_fail;
    char *host, *user, *sid;
    int elevated;
    int64_t now;
} S;

void fake_inventory_reset(void)
{
    avs_os_msi_products_free(S.msi, S.n_msi);
    avs_os_services_free(S.svc, S.n_svc);
    avs_os_wsc_free(S.wsc, S.n_wsc);
    for (size_t i = 0; i < S.n_related; i++) {
        free(S.related[i][0]);
        free(S.related[i][1]);
    }
    for (size_t i = 0; i < S.n_events; i++)
        for (size_t j = 0; j < S.events[i].count; j++)
            free(S.events[i].strings[j]);
    free(S.events);
    free(S.host);
    free(S.user);
    free(S.sid);
    memset(&S, 0, sizeof S);
    fake_remediate_reset();
    S.host = fake_xstrdup("TESTHOST");
    S.user = fake_xstrdup("CORP\\helpdesk");
    S.sid = fake_xstrdup("S-1-5-21-1000-2000-3000-1001");
    S.elevated = 1;
    S.now = 1795000000000LL; /* 2026-11-18T07:06:40Z */
}

/* ---------------------------------------------------------------- MSI */

void fake_msi_add(const char *code, const char *sid, enum avs_msi_context ctx, const char *name,
                  const char *version, const char *publisher)
{
    S.msi = fake_xrealloc(S.msi, (S.n_msi + 1) * sizeof *S.msi);
    struct avs_os_msi_product *p = &S.msi[S.n_msi++];
    memset(p, 0, sizeof *p);
    p->product_code = fake_xstrdup(code);
    p->user_sid = fake_xstrdup(sid);
    p->context = ctx;
    p->name = fake_xstrdup(name);
    p->version = fake_xstrdup(version);
    p->publisher = fake_xstrdup(publisher);
}

void fake_msi_fail(int err)
{
    S.msi_fail = err;
}

int avs_os_msi_products(struct avs_os_msi_product **out, size_t *out_count)
{
    *out = NULL;
    *out_count = 0;
    if (S.msi_fail)
        return S.msi_fail;
    struct avs_os_msi_product *list = fake_xrealloc(NULL, S.n_msi * sizeof *list);
    for (size_t i = 0; i < S.n_msi; i++) {
        list[i] = S.msi[i];
        list[i].product_code = fake_xstrdup(S.msi[i].product_code);
        list[i].user_sid = fake_xstrdup(S.msi[i].user_sid);
        list[i].name = fake_xstrdup(S.msi[i].name);
        list[i].version = fake_xstrdup(S.msi[i].version);
        list[i].publisher = fake_xstrdup(S.msi[i].publisher);
        list[i].install_location = fake_xstrdup(S.msi[i].install_location);
    }
    *out = list;
    *out_count = S.n_msi;
    return 0;
}

void avs_os_msi_products_free(struct avs_os_msi_product *list, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        free(list[i].product_code);
        free(list[i].user_sid);
        free(list[i].name);
        free(list[i].version);
        free(list[i].publisher);
        free(list[i].install_location);
    }
    free(list);
}

void fake_msi_related(const char *upgrade_code, const char *code)
{
    if (S.n_related == sizeof S.related / sizeof S.related[0])
        abort();
    S.related[S.n_related][0] = fake_xstrdup(upgrade_code);
    S.related[S.n_related][1] = fake_xstrdup(code);
    S.n_related++;
}

int avs_os_msi_related(char ***out, size_t *out_count, const char *upgrade_code)
{
    *out = NULL;
    *out_count = 0;
    if (S.msi_fail)
        return S.msi_fail;
    char **list = fake_xrealloc(NULL, (S.n_related + 1) * sizeof *list);
    size_t n = 0;
    for (size_t i = 0; i < S.n_related; i++)
        if (avs_str_ieq(S.related[i][0], upgrade_code))
            list[n++] = fake_xstrdup(S.related[i][1]);
    if (!n) {
        free(list);
        return 0;
    }
    *out = list;
    *out_count = n;
    return 0;
}

void avs_os_msi_related_free(char **list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(list[i]);
    free(list);
}

/* ---------------------------------------------------------------- services */

void fake_service_add(const char *name, const char *display, int is_driver,
                      enum avs_svc_state state)
{
    S.svc = fake_xrealloc(S.svc, (S.n_svc + 1) * sizeof *S.svc);
    struct avs_os_service *s = &S.svc[S.n_svc++];
    s->name = fake_xstrdup(name);
    s->display_name = fake_xstrdup(display);
    s->is_driver = is_driver;
    s->state = state;
}

void fake_services_fail(int err)
{
    S.svc_fail = err;
}

int avs_os_services(struct avs_os_service **out, size_t *out_count)
{
    *out = NULL;
    *out_count = 0;
    if (S.svc_fail)
        return S.svc_fail;
    struct avs_os_service *list = fake_xrealloc(NULL, S.n_svc * sizeof *list);
    for (size_t i = 0; i < S.n_svc; i++) {
        list[i] = S.svc[i];
        list[i].name = fake_xstrdup(S.svc[i].name);
        list[i].display_name = fake_xstrdup(S.svc[i].display_name);
    }
    *out = list;
    *out_count = S.n_svc;
    return 0;
}

void avs_os_services_free(struct avs_os_service *list, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        free(list[i].name);
        free(list[i].display_name);
    }
    free(list);
}

/* ---------------------------------------------------------------- Security Center */

void fake_wsc_enable(void)
{
    S.wsc_enabled = 1;
}

void fake_wsc_add(const char *name, uint32_t state)
{
    S.wsc_enabled = 1;
    S.wsc = fake_xrealloc(S.wsc, (S.n_wsc + 1) * sizeof *S.wsc);
    S.wsc[S.n_wsc].display_name = fake_xstrdup(name);
    S.wsc[S.n_wsc].path = NULL;
    S.wsc[S.n_wsc++].product_state = state;
}

int avs_os_wsc_antivirus(struct avs_os_wsc_product **out, size_t *out_count)
{
    *out = NULL;
    *out_count = 0;
    if (!S.wsc_enabled)
        return AVS_EUNAVAIL;
    struct avs_os_wsc_product *list = fake_xrealloc(NULL, S.n_wsc * sizeof *list);
    for (size_t i = 0; i < S.n_wsc; i++) {
        list[i] = S.wsc[i];
        list[i].display_name = fake_xstrdup(S.wsc[i].display_name);
        list[i].path = fake_xstrdup(S.wsc[i].path);
    }
    *out = list;
    *out_count = S.n_wsc;
    return 0;
}

void avs_os_wsc_free(struct avs_os_wsc_product *list, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        free(list[i].display_name);
        free(list[i].path);
    }
    free(list);
}

/* ---------------------------------------------------------------- Event Log */

int avs_os_event_write(uint32_t id, const char *const *strings, size_t count)
{
    if (S.events_fail)
        return S.events_fail;
    if (count > 16)
        return AVS_EINVAL; /* the real one has no such limit; no AvSwap event comes close */
    S.events = fake_xrealloc(S.events, (S.n_events + 1) * sizeof *S.events);
    struct fake_event *e = &S.events[S.n_events++];
    memset(e, 0, sizeof *e);
    e->id = id;
    e->count = count;
    for (size_t i = 0; i < count; i++)
        e->strings[i] = fake_xstrdup(strings[i] ? strings[i] : "(null)");
    return 0;
}

size_t fake_events_count(void)
{
    return S.n_events;
}

const struct fake_event *fake_event(size_t i)
{
    return i < S.n_events ? &S.events[i] : NULL;
}

size_t fake_events_with_id(uint32_t id)
{
    size_t n = 0;
    for (size_t i = 0; i < S.n_events; i++)
        n += S.events[i].id == id;
    return n;
}

const struct fake_event *fake_event_find(uint32_t id)
{
    for (size_t i = 0; i < S.n_events; i++)
        if (S.events[i].id == id)
            return &S.events[i];
    return NULL;
}

void fake_events_fail(int err)
{
    S.events_fail = err;
}

/* ---------------------------------------------------------------- identity, clock */

void fake_identity_set(const char *host, const char *user, const char *sid, int elevated)
{
    free(S.host);
    free(S.user);
    free(S.sid);
    S.host = fake_xstrdup(host);
    S.user = fake_xstrdup(user);
    S.sid = fake_xstrdup(sid);
    S.elevated = elevated;
}

int avs_os_identity(struct avs_os_identity *out)
{
    memset(out, 0, sizeof *out);
    out->host = fake_xstrdup(S.host);
    out->user = fake_xstrdup(S.user);
    out->user_sid = fake_xstrdup(S.sid);
    out->elevated = S.elevated;
    return 0;
}

void avs_os_identity_free(struct avs_os_identity *id)
{
    free(id->host);
    free(id->user);
    free(id->user_sid);
    memset(id, 0, sizeof *id);
}

void fake_now_set(int64_t ms)
{
    S.now = ms;
}

int avs_os_now(int64_t *out_ms)
{
    *out_ms = S.now;
    return 0;
}

/* ---------------------------------------------------------------- for fake_remediate.c */

int fake_msi_has(const char *code)
{
    for (size_t i = 0; i < S.n_msi; i++)
        if (avs_str_ieq(S.msi[i].product_code, code))
            return 1;
    return 0;
}

int fake_msi_remove(const char *code)
{
    for (size_t i = 0; i < S.n_msi; i++) {
        if (!avs_str_ieq(S.msi[i].product_code, code))
            continue;
        free(S.msi[i].product_code);
        free(S.msi[i].user_sid);
        free(S.msi[i].name);
        free(S.msi[i].version);
        free(S.msi[i].publisher);
        free(S.msi[i].install_location);
        S.msi[i] = S.msi[--S.n_msi];
        return 1;
    }
    return 0;
}

struct avs_os_service *fake_service_find(const char *name)
{
    for (size_t i = 0; i < S.n_svc; i++)
        if (avs_str_ieq(S.svc[i].name, name))
            return &S.svc[i];
    return NULL;
}

void fake_service_remove(const char *name)
{
    struct avs_os_service *s = fake_service_find(name);
    if (!s)
        return;
    free(s->name);
    free(s->display_name);
    *s = S.svc[--S.n_svc];
}

void fake_advance(int64_t ms)
{
    S.now += ms;
}
