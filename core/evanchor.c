/* The journal against its events (see evanchor.h). */
#include "evanchor.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int ieq(const char *a, const char *b)
{
    while (*a && lower(*a) == lower(*b)) {
        a++;
        b++;
    }
    return lower(*a) == lower(*b);
}

/* "PC1" and "pc1.corp.example" are the same computer. */
static int same_host(const char *a, const char *b)
{
    while (*a && *a != '.' && *b && *b != '.' && lower(*a) == lower(*b)) {
        a++;
        b++;
    }
    return (*a == '\0' || *a == '.') && (*b == '\0' || *b == '.');
}

int avs_anchor_parse_ref(int64_t *seq, char hex[AVS_SHA256_HEX_LEN + 1], const char *s)
{
    int64_t v = 0;
    if (strncmp(s, "seq ", 4) != 0)
        return AVS_EFORMAT;
    s += 4;
    if (*s < '1' || *s > '9')
        return AVS_EFORMAT;
    for (; *s >= '0' && *s <= '9'; s++) {
        if (v > (INT64_MAX - 9) / 10)
            return AVS_EFORMAT;
        v = v * 10 + (*s - '0');
    }
    if (strncmp(s, ", SHA-256 ", 10) != 0)
        return AVS_EFORMAT;
    s += 10;
    for (int i = 0; i < AVS_SHA256_HEX_LEN; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return AVS_EFORMAT;
    if (s[AVS_SHA256_HEX_LEN] != '\0')
        return AVS_EFORMAT;
    memcpy(hex, s, AVS_SHA256_HEX_LEN + 1);
    *seq = v;
    return 0;
}

static void note(int64_t *list, size_t *count, int64_t seq)
{
    for (size_t i = 0; i < *count && i < AVS_ANCHOR_LIST; i++)
        if (list[i] == seq)
            return;
    if (*count < AVS_ANCHOR_LIST)
        list[*count] = seq;
    (*count)++;
}

int avs_anchor_check(struct avs_anchor_report *out, const struct avs_journal_rec *recs, size_t n,
                     const struct avs_evxml *ev, const char *provider)
{
    memset(out, 0, sizeof *out);
    out->records = n;
    const char *host = n ? recs[0].host : NULL;
    size_t last = 0; /* the highest matched seq */
    unsigned char *hit = NULL;
    if (n) {
        hit = calloc(n, 1);
        if (!hit)
            return 0;
    }
    for (size_t i = 0; i < ev->count; i++) {
        const struct avs_evxml_event *e = &ev->events[i];
        if (!e->provider || !ieq(e->provider, provider))
            continue;
        if (host && e->computer && !same_host(e->computer, host)) {
            out->other_hosts++;
            continue;
        }
        for (size_t k = 0; k < e->n_data; k++) {
            int64_t seq;
            char hex[AVS_SHA256_HEX_LEN + 1];
            if (avs_anchor_parse_ref(&seq, hex, e->data[k]) != 0)
                continue;
            out->events++;
            /* Records are seq 1..n in order (the journal verified). */
            const struct avs_journal_rec *r =
                seq >= 1 && (uint64_t)seq <= n ? &recs[seq - 1] : NULL;
            /* The run ID leads every remediation event: an event of another run (another
             * journal, moved aside) names a record this journal never had. */
            int same_run = r && (e->n_data == 0 || strcmp(e->data[0], r->run_id) == 0);
            if (r && strcmp(r->hash, hex) == 0) {
                if (!hit[seq - 1])
                    out->matched++;
                hit[seq - 1] = 1;
                if ((size_t)seq > last)
                    last = (size_t)seq;
            } else if (r && same_run) {
                note(out->edited_seq, &out->edited, seq);
            } else {
                note(out->unmatched_seq, &out->unmatched, seq);
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (i < last && !hit[i])
            out->chained++;
        else if (i >= last) {
            if (!out->missing)
                out->first_missing = recs[i].seq;
            out->missing++;
        }
    }
    free(hit);
    return n > 0 && out->matched > 0 && out->missing == 0 && out->edited == 0 &&
           out->unmatched == 0;
}
