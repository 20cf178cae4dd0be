/* Events out of the nodes of an Event Log export (see evxml.h). */
#include "evxml.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"

enum field {
    F_NONE,
    F_ID,
    F_COMPUTER,
    F_DATA,
};

const struct avs_xml_handler avs_evxml_handler = {avs_evxml_start, avs_evxml_text, avs_evxml_end,
                                                  avs_evxml_wants};

void avs_evxml_init(struct avs_evxml *p)
{
    memset(p, 0, sizeof *p);
}

void avs_evxml_init_stream(struct avs_evxml *p,
                           int (*on_event)(void *ctx, const struct avs_evxml_event *e), void *ctx)
{
    memset(p, 0, sizeof *p);
    p->on_event = on_event;
    p->on_event_ctx = ctx;
}

void avs_evxml_free(struct avs_evxml *p)
{
    for (size_t i = 0; p->events && i < p->count; i++) /* (streaming: count, no events) */
        free(p->events[i].block);
    free(p->events);
    avs_buf_free(&p->store);
    memset(p, 0, sizeof *p);
}

/* A new event opens: nothing of the last one is kept (store keeps its allocation). */
static void event_open(struct avs_evxml *p)
{
    memset(&p->cur, 0, sizeof p->cur);
    p->store.len = 0;
    if (p->store.data)
        p->store.data[0] = '\0';
    p->provider_at = p->computer_at = p->time_at = 0;
}

/* The text collected since field_at is dropped. */
static void drop_field(struct avs_evxml *p)
{
    p->store.len = p->field_at;
    if (p->store.data)
        p->store.data[p->field_at] = '\0';
}

static int ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
        char y = *b >= 'A' && *b <= 'Z' ? (char)(*b + 32) : *b;
        if (x != y)
            return 0;
    }
    return *a == *b;
}

static const char *attr(const char *const *attrs, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (attrs[2 * i] && ieq(attrs[2 * i], name))
            return attrs[2 * i + 1];
    return NULL;
}

/* The element at LEVEL below <Event> (1 = a child of Event) is NAME. */
static int at(const struct avs_evxml *p, int level, const char *name)
{
    int d = p->depth - p->event_at; /* levels open below Event */
    return level <= d && level <= AVS_EVXML_MAX_DEPTH && ieq(p->path[level - 1], name);
}

/* V goes into store once: *AT is set by the first V, later ones are ignored. */
static int set_once(struct avs_evxml *p, size_t *at, const char *v)
{
    if (*at || !v)
        return 0;
    size_t where = p->store.len;
    avs_buf_append(&p->store, v, strlen(v) + 1);
    *at = where + 1;
    return p->store.err;
}

static uint32_t number(const char *s, uint32_t max, int *ok)
{
    uint32_t v = 0;
    *ok = 0;
    while (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')
        s++;
    for (; *s >= '0' && *s <= '9'; s++) {
        if (v > max / 10 || v * 10 + (uint32_t)(*s - '0') > max)
            return 0;
        v = v * 10 + (uint32_t)(*s - '0');
        *ok = 1;
    }
    while (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')
        s++;
    if (*s)
        *ok = 0;
    return *ok ? v : 0;
}

int avs_evxml_start(void *ctx, const char *name, const char *const *attrs, size_t n_attrs)
{
    struct avs_evxml *p = ctx;
    p->depth++;
    if (!p->event_at) {
        if (ieq(name, "Event")) {
            p->event_at = p->depth;
            event_open(p);
        }
        return 0;
    }
    int level = p->depth - p->event_at;
    if (level <= AVS_EVXML_MAX_DEPTH) {
        /* (a name cut to 15 bytes: longer ones are none of those compared) */
        char *d = p->path[level - 1];
        size_t i = 0;
        for (; i < sizeof p->path[0] - 1 && name[i]; i++)
            d[i] = name[i];
        d[i] = '\0';
    }
    if (level != 2)
        return 0; /* deeper elements are skipped; a field's text around them is kept */
    p->field = F_NONE;
    p->field_at = p->store.len;
    if (at(p, 1, "System")) {
        if (ieq(name, "Provider"))
            return set_once(p, &p->provider_at, attr(attrs, n_attrs, "Name"));
        if (ieq(name, "TimeCreated"))
            return set_once(p, &p->time_at, attr(attrs, n_attrs, "SystemTime"));
        if (ieq(name, "EventID")) {
            int ok;
            const char *q = attr(attrs, n_attrs, "Qualifiers");
            uint32_t v = q ? number(q, 65535, &ok) : 0;
            p->cur.qualifiers = q && ok ? v : 0;
            p->field = F_ID;
        } else if (ieq(name, "Computer")) {
            p->field = F_COMPUTER;
        }
    } else if (at(p, 1, "EventData") && ieq(name, "Data")) {
        p->field = F_DATA;
    }
    return 0;
}

int avs_evxml_wants(void *ctx, const char *name)
{
    const struct avs_evxml *p = ctx;
    if (!p->event_at)
        return 0; /* outside an event nothing is taken: Event has no attribute we read */
    if (!name)    /* a text node: only a field's own text is collected */
        return p->field != F_NONE && p->depth - p->event_at == 2;
    /* The attributes read: those of System's Provider, TimeCreated and EventID (level 2 once
     * NAME starts, below System). */
    return p->depth - p->event_at == 1 && at(p, 1, "System") &&
           (ieq(name, "Provider") || ieq(name, "TimeCreated") || ieq(name, "EventID"));
}

int avs_evxml_text(void *ctx, const char *text, size_t len)
{
    struct avs_evxml *p = ctx;
    if (p->field == F_NONE || p->depth - p->event_at != 2)
        return 0;
    size_t have = p->store.len - p->field_at;
    if (have + len > AVS_EVXML_MAX_TEXT)
        len = have < AVS_EVXML_MAX_TEXT ? AVS_EVXML_MAX_TEXT - have : 0;
    avs_buf_append(&p->store, text, len);
    return p->store.err;
}

/* The field's text, collected at the end of store since field_at, is taken or dropped. */
static int end_field(struct avs_evxml *p)
{
    int ok;
    const char *text = p->store.data ? p->store.data + p->field_at : "";
    switch (p->field) {
    case F_ID: {
        uint32_t v = number(text, 65535, &ok);
        if (ok && !p->cur.has_id) {
            p->cur.id = v;
            p->cur.has_id = 1;
        }
        break;
    }
    case F_COMPUTER:
        if (p->computer_at)
            break;
        avs_buf_putc(&p->store, '\0');
        p->computer_at = p->field_at + 1;
        return p->store.err;
    case F_DATA:
        if (p->cur.n_data == AVS_EVXML_MAX_DATA) {
            p->skipped_data++;
            break;
        }
        avs_buf_putc(&p->store, '\0');
        p->data_at[p->cur.n_data++] = p->field_at;
        return p->store.err;
    default: return 0; /* (no text was collected) */
    }
    drop_field(p);
    return 0;
}

/* CUR's string pointers set into BASE, which holds store's bytes; DATA receives n_data. */
static void point(struct avs_evxml *p, char *base, char **data)
{
    struct avs_evxml_event *e = &p->cur;
    e->provider = p->provider_at ? base + p->provider_at - 1 : NULL;
    e->computer = p->computer_at ? base + p->computer_at - 1 : NULL;
    e->time = p->time_at ? base + p->time_at - 1 : NULL;
    for (size_t i = 0; i < e->n_data; i++)
        data[i] = base + p->data_at[i];
    e->data = e->n_data ? data : NULL;
}

/* The open event, as one allocation for p->events. */
static int keep(struct avs_evxml *p, struct avs_evxml_event *out)
{
    size_t ptrs = p->cur.n_data * sizeof(char *);
    char *block = malloc(ptrs + p->store.len + 1);
    if (!block)
        return AVS_ENOMEM;
    if (p->store.len)
        memcpy(block + ptrs, p->store.data, p->store.len);
    block[ptrs + p->store.len] = '\0';
    point(p, block + ptrs, (char **)(void *)block);
    *out = p->cur;
    out->block = block;
    memset(&p->cur, 0, sizeof p->cur);
    return 0;
}

int avs_evxml_end(void *ctx, const char *name)
{
    struct avs_evxml *p = ctx;
    int rc = 0;
    (void)name; /* the reader guarantees the nesting */
    if (p->depth <= 0)
        return 0;
    if (p->event_at && p->depth == p->event_at && p->on_event) {
        rc = p->store.err;
        if (!rc) {
            point(p, p->store.data, p->data_ptr);
            rc = p->on_event(p->on_event_ctx, &p->cur);
        }
        memset(&p->cur, 0, sizeof p->cur);
        p->count++;
        p->event_at = 0;
    } else if (p->event_at && p->depth == p->event_at) {
        if (p->count == AVS_EVXML_MAX_EVENTS) {
            rc = AVS_ETOOBIG;
        } else if (p->count == p->cap) {
            size_t ncap = p->cap ? p->cap * 2 : 64;
            struct avs_evxml_event *g = realloc(p->events, ncap * sizeof *g);
            if (!g)
                rc = AVS_ENOMEM;
            else {
                p->events = g;
                p->cap = ncap;
            }
        }
        if (!rc)
            rc = p->store.err ? p->store.err : keep(p, &p->events[p->count]);
        if (!rc)
            p->count++;
        p->event_at = 0;
    } else if (p->event_at && p->depth - p->event_at == 2) {
        rc = p->store.err ? p->store.err : end_field(p);
        p->field = F_NONE;
    }
    p->depth--;
    return rc;
}
