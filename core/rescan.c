#include "rescan.h"

#include <stdlib.h>
#include <string.h>

#include "self.h"

#define UNINSTALL_PATH "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall"

struct item {
    char *name;
    uint64_t time;               /* last-write time when listed; 0: unknown, always read again */
    struct avs_inv_entry *entry; /* NULL: the subkey does not concern the catalog */
    int matched;                 /* scratch: found again by the current listing */
};

struct view {
    struct item *items;
    size_t n;
};

struct avs_rescan {
    const struct avs_catalog *cat;
    struct view views[2]; /* AVS_VIEW_64, AVS_VIEW_32 */
    struct avs_os_msi_product *msi;
    size_t n_msi;
    char **self_codes;
    size_t n_self_codes;
};

static const char *const shown_path[2] = {
    "HKLM\\" UNINSTALL_PATH,
    "HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall",
};

static void item_free(struct item *it)
{
    free(it->name);
    if (it->entry) {
        avs_inventory_entry_free(it->entry);
        free(it->entry);
    }
    memset(it, 0, sizeof *it);
}

static void view_free(struct view *v)
{
    for (size_t i = 0; i < v->n; i++)
        item_free(&v->items[i]);
    free(v->items);
    memset(v, 0, sizeof *v);
}

/* Registry names are unique ignoring case; ASCII folding orders them consistently (names
 * that differ only in non-ASCII case are listed under their own spelling either way). */
static int icmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int ca = (unsigned char)*a, cb = (unsigned char)*b;
        ca += (ca >= 'A' && ca <= 'Z') ? 32 : 0;
        cb += (cb >= 'A' && cb <= 'Z') ? 32 : 0;
        if (ca != cb || !ca)
            return ca - cb;
    }
}

/* Sorted pointers to the items of a listing, for lookups by name. */
static int cmp_item(const void *a, const void *b)
{
    return icmp((*(struct item *const *)a)->name, (*(struct item *const *)b)->name);
}

static struct item *find(struct item **sorted, size_t n, const char *name)
{
    struct item key = {(char *)name, 0, NULL, 0};
    struct item *kp = &key;
    struct item **hit = n ? bsearch(&kp, sorted, n, sizeof *sorted, cmp_item) : NULL;
    return hit ? *hit : NULL;
}

/* Reads subkey NAME of KEY (view V) into IT->entry when it concerns the catalog. */
static int read_item(struct item *it, struct avs_rescan *rs, avs_os_key *key, int v)
{
    struct avs_inventory scratch;
    memset(&scratch, 0, sizeof scratch);
    int rc = avs_inventory_read_entry(&scratch, rs->cat, key, shown_path[v], it->name,
                                      v ? AVS_VIEW_32 : AVS_VIEW_64, NULL, NULL);
    if (rc == 0 && scratch.n_entries == 1) {
        it->entry = malloc(sizeof *it->entry);
        if (!it->entry)
            rc = AVS_ENOMEM;
        else
            *it->entry = scratch.entries[--scratch.n_entries]; /* moved: not freed below */
    }
    /* Notes about malformed values go with the full scan the service runs on a finding. */
    avs_inventory_free(&scratch);
    return rc;
}

/* One view: list it, carry over unchanged subkeys, read new and changed ones, drop the rest.
 * On a listing error the previous listing stays and st->err says why. */
static int update_view(struct avs_rescan *rs, int v, struct avs_rescan_stats *st, int *want_msi)
{
    struct view *old = &rs->views[v];
    struct view fresh = {NULL, 0};
    struct item **sorted = NULL;
    avs_os_key *key = NULL;
    size_t cap = 0;
    int rc = 0;
    int err = avs_os_reg_open(&key, AVS_HKLM, UNINSTALL_PATH, v ? AVS_VIEW_32 : AVS_VIEW_64);
    if (err && err != AVS_ENOENT) { /* ENOENT: nothing registered, an empty listing */
        if (err == AVS_ENOMEM)
            return err;
        st->err = st->err ? st->err : err;
        return 0;
    }
    if (old->n) {
        sorted = malloc(old->n * sizeof *sorted);
        if (!sorted) {
            rc = AVS_ENOMEM;
            goto done;
        }
        for (size_t i = 0; i < old->n; i++) {
            old->items[i].matched = 0;
            sorted[i] = &old->items[i];
        }
        qsort(sorted, old->n, sizeof *sorted, cmp_item);
    }
    for (size_t i = 0; key; i++) {
        struct item it = {NULL, 0, NULL, 0};
        err = avs_os_reg_subkey_time(&it.name, &it.time, key, i);
        if (err == AVS_ENOENT)
            break;
        if (err) {
            /* A listing with a hole would make its subkeys look deleted: keep the old one. */
            if (err == AVS_ENOMEM)
                rc = err;
            else
                st->err = st->err ? st->err : err;
            goto done;
        }
        if (fresh.n == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            struct item *g = realloc(fresh.items, ncap * sizeof *g);
            if (!g) {
                free(it.name);
                rc = AVS_ENOMEM;
                goto done;
            }
            fresh.items = g;
            cap = ncap;
        }
        struct item *was = find(sorted, old->n, it.name);
        if (was && !was->matched && was->time == it.time && it.time != 0) {
            it.entry = was->entry; /* unchanged: carried over, not read */
            was->entry = NULL;
            was->matched = 1;
        } else {
            if (was && !was->matched) {
                was->matched = 1;
                st->changed++;
                st->relevant += was->entry != NULL;
            } else {
                st->added++;
            }
            st->read++;
            rc = read_item(&it, rs, key, v);
            if (rc) {
                item_free(&it);
                goto done;
            }
            if (it.entry) {
                st->relevant += !(was && was->entry); /* counted once per subkey */
                *want_msi |= it.entry->windows_installer;
            }
        }
        fresh.items[fresh.n++] = it;
    }
    st->listed += fresh.n;
    for (size_t i = 0; i < old->n; i++) {
        if (!old->items[i].matched) {
            st->removed++;
            st->relevant += old->items[i].entry != NULL;
        }
    }
    view_free(old);
    *old = fresh;
    fresh.items = NULL;
    fresh.n = 0;
done:
    view_free(&fresh);
    free(sorted);
    if (key)
        avs_os_reg_close(key);
    return rc;
}

static int read_msi(struct avs_rescan *rs, struct avs_rescan_stats *st)
{
    struct avs_os_msi_product *msi = NULL;
    size_t n = 0;
    char **self = NULL;
    size_t n_self = 0;
    int err = avs_os_msi_products(&msi, &n);
    if (err) {
        if (err == AVS_ENOMEM)
            return err;
        st->err = st->err ? st->err : err;
        return 0;
    }
    err = avs_os_msi_related(&self, &n_self, AVS_SELF_UPGRADE_CODE);
    if (err == AVS_ENOMEM) {
        avs_os_msi_products_free(msi, n);
        return err;
    }
    avs_os_msi_products_free(rs->msi, rs->n_msi);
    avs_os_msi_related_free(rs->self_codes, rs->n_self_codes);
    rs->msi = msi;
    rs->n_msi = n;
    rs->self_codes = err ? NULL : self; /* not listed: AvSwap's own products are not excluded */
    rs->n_self_codes = err ? 0 : n_self;
    st->msi_reread = 1;
    return 0;
}

int avs_rescan_update(struct avs_rescan *rs, struct avs_rescan_stats *out)
{
    struct avs_rescan_stats st;
    int want_msi = 0, rc;
    memset(&st, 0, sizeof st);
    if ((rc = update_view(rs, 0, &st, &want_msi)) == 0 &&
        (rc = update_view(rs, 1, &st, &want_msi)) == 0 && want_msi)
        rc = read_msi(rs, &st);
    if (out)
        *out = st;
    return rc;
}

int avs_rescan_open(struct avs_rescan **out, const struct avs_catalog *cat)
{
    *out = NULL;
    struct avs_rescan *rs = calloc(1, sizeof *rs);
    if (!rs)
        return AVS_ENOMEM;
    rs->cat = cat;
    struct avs_rescan_stats st;
    int want_msi = 0;
    memset(&st, 0, sizeof st);
    int rc = update_view(rs, 0, &st, &want_msi);
    if (!rc)
        rc = update_view(rs, 1, &st, &want_msi);
    if (!rc)
        rc = read_msi(rs, &st);
    if (rc) {
        avs_rescan_free(rs);
        return rc;
    }
    *out = rs;
    return 0;
}

size_t avs_rescan_count(const struct avs_rescan *rs)
{
    size_t n = 0;
    for (int v = 0; v < 2; v++)
        for (size_t i = 0; i < rs->views[v].n; i++)
            n += rs->views[v].items[i].entry != NULL;
    return n;
}

const struct avs_inv_entry *avs_rescan_entry(const struct avs_rescan *rs, size_t i)
{
    for (int v = 0; v < 2; v++)
        for (size_t j = 0; j < rs->views[v].n; j++)
            if (rs->views[v].items[j].entry && i-- == 0)
                return rs->views[v].items[j].entry;
    return NULL;
}

int avs_rescan_detect(struct avs_detection *out, struct avs_rescan *rs)
{
    struct avs_inventory t;
    memset(&t, 0, sizeof t);
    memset(out, 0, sizeof *out);
    size_t n = avs_rescan_count(rs);
    /* A view of the kept data: the entries and lists are borrowed, only the array is ours. */
    t.entries = n ? malloc(n * sizeof *t.entries) : NULL;
    if (n && !t.entries)
        return AVS_ENOMEM;
    for (size_t i = 0; i < n; i++)
        t.entries[i] = *avs_rescan_entry(rs, i);
    t.n_entries = n;
    t.msi = rs->msi;
    t.n_msi = rs->n_msi;
    t.self_codes = rs->self_codes;
    t.n_self_codes = rs->n_self_codes;
    int rc = avs_detect(out, &t, rs->cat);
    free(t.entries);
    /* Detection may have added notes: they are the only thing the view owns. */
    t.entries = NULL;
    t.n_entries = 0;
    t.msi = NULL;
    t.n_msi = 0;
    t.self_codes = NULL;
    t.n_self_codes = 0;
    avs_inventory_free(&t);
    return rc;
}

void avs_rescan_free(struct avs_rescan *rs)
{
    if (!rs)
        return;
    view_free(&rs->views[0]);
    view_free(&rs->views[1]);
    avs_os_msi_products_free(rs->msi, rs->n_msi);
    avs_os_msi_related_free(rs->self_codes, rs->n_self_codes);
    free(rs);
}
