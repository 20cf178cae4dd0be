/* Events out of the nodes of an Event Log export (see evxml.h). */
#include "evxml.h"

#include <stdio.h>
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

static void event_clear(struct avs_evxml_event *e)
{
    free(e->provider);
    free(e->computer);
    free(e->time);
    for (size_t i = 0; i < e->n_data; i++)
        free(e->data[i]);
    free(e->data);
    memset(e, 0, sizeof *e);
}

void avs_evxml_free(struct avs_evxml *p)
{
    for (size_t i = 0; p->events && i < p->count; i++) /* (streaming: count, no events) */
        event_clear(&p->events[i]);
    free(p->events);
    event_clear(&p->cur);
    avs_buf_free(&p->text);
    memset(p, 0, sizeof *p);
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

static void clear_text(struct avs_evxml *p)
{
    p->text.len = 0;
    if (p->text.data)
        p->text.data[0] = '\0';
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

static int set_once(char **dst, const char *v)
{
    if (*dst || !v)
        return 0;
    *dst = avs_strdup(v);
    return *dst ? 0 : AVS_ENOMEM;
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
            event_clear(&p->cur);
        }
        return 0;
    }
    int level = p->depth - p->event_at;
    if (level <= AVS_EVXML_MAX_DEPTH)
        snprintf(p->path[level - 1], sizeof p->path[0], "%s", name);
    if (level != 2)
        return 0; /* deeper elements are skipped; a field's text around them is kept */
    clear_text(p);
    p->field = F_NONE;
    if (at(p, 1, "System")) {
        if (ieq(name, "Provider"))
            return set_once(&p->cur.provider, attr(attrs, n_attrs, "Name"));
        if (ieq(name, "TimeCreated"))
            return set_once(&p->cur.time, attr(attrs, n_attrs, "SystemTime"));
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
    if (p->text.len + len > AVS_EVXML_MAX_TEXT)
        len = p->text.len < AVS_EVXML_MAX_TEXT ? AVS_EVXML_MAX_TEXT - p->text.len : 0;
    avs_buf_append(&p->text, text, len);
    return p->text.err;
}

/* The text just collected, NUL-terminated ("" when none). */
static const char *collected(struct avs_evxml *p)
{
    return p->text.data && p->text.len ? p->text.data : "";
}

static int end_field(struct avs_evxml *p)
{
    int ok;
    switch (p->field) {
    case F_ID: {
        uint32_t v = number(collected(p), 65535, &ok);
        if (ok && !p->cur.has_id) {
            p->cur.id = v;
            p->cur.has_id = 1;
        }
        return 0;
    }
    case F_COMPUTER: return set_once(&p->cur.computer, collected(p));
    case F_DATA: {
        if (p->cur.n_data == AVS_EVXML_MAX_DATA) {
            p->skipped_data++;
            return 0;
        }
        char **g = realloc(p->cur.data, (p->cur.n_data + 1) * sizeof *g);
        if (!g)
            return AVS_ENOMEM;
        p->cur.data = g;
        g[p->cur.n_data] = avs_strdup(collected(p));
        if (!g[p->cur.n_data])
            return AVS_ENOMEM;
        p->cur.n_data++;
        return 0;
    }
    default: return 0;
    }
}

int avs_evxml_end(void *ctx, const char *name)
{
    struct avs_evxml *p = ctx;
    int rc = 0;
    (void)name; /* the reader guarantees the nesting */
    if (p->depth <= 0)
        return 0;
    if (p->event_at && p->depth == p->event_at && p->on_event) {
        rc = p->on_event(p->on_event_ctx, &p->cur);
        event_clear(&p->cur);
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
        if (!rc) {
            p->events[p->count++] = p->cur;
            memset(&p->cur, 0, sizeof p->cur);
        }
        p->event_at = 0;
    } else if (p->event_at && p->depth - p->event_at == 2) {
        rc = p->text.err ? p->text.err : end_field(p);
        p->field = F_NONE;
        clear_text(p);
    }
    p->depth--;
    return rc;
}
