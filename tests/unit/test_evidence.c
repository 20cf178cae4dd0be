/* The evidence key (DPAPI, missing, damaged, foreign), the switch from an unkeyed journal, the
 * trust check of AvSwap's folder, and events read from an export matched against the journal. */
#define _GNU_SOURCE /* memmem */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "evanchor.h"
#include "evidence.h"
#include "evxml.h"
#include "fake_evidence.h"
#include "fake_fs.h"
#include "journal.h"

#define DIR "C:\\ProgramData\\AvSwap"
#define JOURNAL DIR "\\journal.jsonl"
#define KEYFILE DIR "\\evidence.key"

static const struct avs_journal_ident ID = {"PC1", "run-1", "S-1-5-18", "NT AUTHORITY\\SYSTEM"};

static void setup(void)
{
    fake_fs_reset();
    fake_evidence_reset();
}

TestSuite(evidence, .init = setup, .fini = fake_fs_reset);

static void write_journal(int n, const unsigned char *key)
{
    avs_journal *j = NULL;
    cr_assert_eq(avs_journal_open_keyed(&j, JOURNAL, &ID, key, NULL), 0);
    for (int i = 0; i < n; i++) {
        struct avs_journal_entry e = {
            AVS_JSTEP_REMOVE, i % 2 ? AVS_JPHASE_END : AVS_JPHASE_BEGIN, "P", NULL, "{P}", 0, NULL};
        cr_assert_eq(avs_journal_append(j, &e), 0);
    }
    avs_journal_close(j);
}

Test(evidence, first_run_creates_a_protected_key)
{
    unsigned char k1[AVS_EVKEY_LEN], k2[AVS_EVKEY_LEN];
    struct avs_evidence_prep p;
    cr_assert_eq(avs_evidence_prepare(&p, k1, DIR, JOURNAL, 0), 0);
    cr_assert(p.key_created);
    cr_assert_null(p.unkeyed_moved_to);
    size_t n;
    const char *blob = fake_fs_data(KEYFILE, &n);
    cr_assert_not_null(blob);
    cr_assert(memmem(blob, n, k1, sizeof k1) == NULL, "the key is stored DPAPI-protected");
    avs_evidence_prep_free(&p);
    /* The next run loads the same key. */
    cr_assert_eq(avs_evidence_prepare(&p, k2, DIR, JOURNAL, 0), 0);
    cr_assert(!p.key_created);
    cr_assert_eq(memcmp(k1, k2, sizeof k1), 0);
    avs_evidence_prep_free(&p);
    cr_assert_eq(avs_evidence_key_create(k2, DIR), AVS_EUNSAFE, "a key is never replaced");
}

Test(evidence, unkeyed_journal_is_moved_aside_unchanged)
{
    unsigned char key[AVS_EVKEY_LEN];
    struct avs_evidence_prep p;
    write_journal(3, NULL);
    size_t n0, n1;
    char *before = malloc(4096);
    const char *orig = fake_fs_data(JOURNAL, &n0);
    cr_assert(orig && n0 < 4096);
    memcpy(before, orig, n0);
    cr_assert_eq(avs_evidence_prepare(&p, key, DIR, JOURNAL, 1700000000000), 0);
    cr_assert_str_eq(p.unkeyed_moved_to, DIR "\\journal-unkeyed-20231114T221320000Z.jsonl");
    cr_assert(p.key_created);
    cr_assert_null(fake_fs_data(JOURNAL, &n1), "no journal left to append to");
    const char *moved = fake_fs_data(p.unkeyed_moved_to, &n1);
    cr_assert(moved && n1 == n0 && memcmp(moved, before, n0) == 0);
    avs_evidence_prep_free(&p);
    free(before);
    /* The new journal is keyed. */
    write_journal(2, key);
    struct avs_journal_check c;
    cr_assert_eq(avs_journal_load_keyed(&c, NULL, NULL, JOURNAL, key), 0);
    cr_assert(c.keyed && c.macs_checked && c.status == AVS_JOURNAL_INTACT);
}

Test(evidence, keyed_journal_without_its_key_stops)
{
    unsigned char key[AVS_EVKEY_LEN];
    struct avs_evidence_prep p;
    cr_assert_eq(avs_evidence_prepare(&p, key, DIR, JOURNAL, 0), 0);
    avs_evidence_prep_free(&p);
    write_journal(2, key);
    fake_fs_remove(KEYFILE);
    cr_assert_eq(avs_evidence_prepare(&p, key, DIR, JOURNAL, 0), AVS_ENOENT);
    cr_assert(strstr(p.why, "key is missing"), "%s", p.why);
    cr_assert_null(fake_fs_data(KEYFILE, &(size_t){0}), "no new key under a keyed journal");
    avs_evidence_prep_free(&p);
}

Test(evidence, damaged_and_foreign_keys)
{
    unsigned char key[AVS_EVKEY_LEN];
    struct avs_evidence_prep p;
    cr_assert_eq(avs_evidence_prepare(&p, key, DIR, JOURNAL, 0), 0);
    avs_evidence_prep_free(&p);
    write_journal(2, key);
    /* Another machine's blob: DPAPI does not open it. */
    fake_fs_put(KEYFILE, "not ours", 8);
    cr_assert_eq(avs_evidence_key_load(key, DIR), AVS_EMISMATCH);
    cr_assert_eq(avs_evidence_prepare(&p, key, DIR, JOURNAL, 0), AVS_EMISMATCH);
    avs_evidence_prep_free(&p);
    /* Opens, but is not a key AvSwap wrote (a truncated blob). */
    fake_fs_put(KEYFILE, "FAKEDPAPIabc", 12);
    cr_assert_eq(avs_evidence_key_load(key, DIR), AVS_EFORMAT);
    fake_fs_put(KEYFILE, "", 0);
    cr_assert_eq(avs_evidence_key_load(key, DIR), AVS_EFORMAT);
}

/* ---- AvSwap's folder ---------------------------------------------------------------------- */

Test(evidence, trusted_folder_is_left_alone)
{
    struct avs_evidence_moved *m;
    size_t n;
    cr_assert_eq(avs_os_mkdir_protected(DIR), 0);
    fake_fs_put(JOURNAL, "x\n", 2);
    fake_fs_put(DIR "\\logs\\a.log", "l", 1);
    cr_assert_eq(avs_evidence_folder_check(&m, &n, DIR, 0), 0);
    cr_assert_eq(n, 0);
    cr_assert_not_null(fake_fs_data(JOURNAL, &(size_t){0}));
}

Test(evidence, user_owned_journal_is_moved_aside)
{
    struct avs_evidence_moved *m;
    size_t n, len;
    cr_assert_eq(avs_os_mkdir_protected(DIR), 0);
    fake_fs_put(JOURNAL, "forged\n", 7);
    fake_fs_put(KEYFILE, "k", 1);
    fake_evidence_distrust(JOURNAL, "S-1-5-21-1-2-3-1001", 1);
    cr_assert_eq(avs_evidence_folder_check(&m, &n, DIR, 1700000000000), 0);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(m[0].from, JOURNAL);
    cr_assert_str_eq(m[0].to, JOURNAL ".untrusted-20231114T221320000Z");
    cr_assert(strstr(m[0].why, "owner S-1-5-21-1-2-3-1001 is not SYSTEM or Administrators"), "%s",
              m[0].why);
    cr_assert_null(fake_fs_data(JOURNAL, &len), "never appended to again");
    const char *kept = fake_fs_data(m[0].to, &len);
    cr_assert(kept && len == 7, "kept as evidence, not deleted");
    cr_assert_not_null(fake_fs_data(KEYFILE, &len), "trusted files stay");
    avs_evidence_moved_free(m, n);
    /* The quarantined item is not reported again. */
    cr_assert_eq(avs_evidence_folder_check(&m, &n, DIR, 1700000000001), 0);
    cr_assert_eq(n, 0);
}

Test(evidence, planted_folder_is_moved_whole)
{
    struct avs_evidence_moved *m;
    size_t n, len;
    fake_fs_put(JOURNAL, "forged\n", 7);
    /* AvSwap's folder must exist for the check: the fake knows folders through mkdir. */
    cr_assert_eq(avs_os_mkdir_protected(DIR), 0);
    fake_evidence_distrust(DIR, "S-1-5-32-544", 0); /* right owner, DACL lets users in */
    cr_assert_eq(avs_evidence_folder_check(&m, &n, DIR, 0), 0);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(m[0].from, DIR);
    cr_assert(strstr(m[0].why, "permissions"), "%s", m[0].why);
    cr_assert_not_null(fake_fs_data(DIR ".untrusted-19700101T000000000Z\\journal.jsonl", &len));
    cr_assert_null(fake_fs_data(JOURNAL, &len));
    avs_evidence_moved_free(m, n);
}

Test(evidence, failed_move_is_an_error)
{
    struct avs_evidence_moved *m;
    size_t n;
    cr_assert_eq(avs_os_mkdir_protected(DIR), 0);
    fake_fs_put(JOURNAL, "forged\n", 7);
    fake_evidence_distrust(JOURNAL, "S-1-5-21-9", 1);
    fake_evidence_move_fail(AVS_EACCES);
    cr_assert_eq(avs_evidence_folder_check(&m, &n, DIR, 0), AVS_EACCES);
    cr_assert_eq(n, 0);
}

Test(evidence, not_elevated_cannot_check)
{
    struct avs_evidence_moved *m;
    size_t n;
    cr_assert_eq(avs_os_mkdir_protected(DIR), 0);
    fake_evidence_trust_fail(AVS_EACCES);
    cr_assert_eq(avs_evidence_folder_check(&m, &n, DIR, 0), AVS_EACCES);
    cr_assert_eq(n, 0);
}

/* ---- events from an export ---------------------------------------------------------------- */

/* Feeds one classic event as XmlLite reports it. */
static void feed_event(struct avs_evxml *x, const char *computer, unsigned id,
                       const char *const *data, size_t n)
{
    const char *prov[] = {"Name", "AvSwap"};
    const char *qual[] = {"Qualifiers", "16384"};
    char idtext[16];
    snprintf(idtext, sizeof idtext, "%u", id);
    cr_assert_eq(avs_evxml_start(x, "Event", NULL, 0), 0);
    avs_evxml_start(x, "System", NULL, 0);
    avs_evxml_start(x, "Provider", prov, 1);
    avs_evxml_end(x, "Provider");
    avs_evxml_start(x, "EventID", qual, 1);
    avs_evxml_text(x, idtext, strlen(idtext));
    avs_evxml_end(x, "EventID");
    avs_evxml_start(x, "Computer", NULL, 0);
    avs_evxml_text(x, computer, strlen(computer));
    avs_evxml_end(x, "Computer");
    avs_evxml_end(x, "System");
    avs_evxml_start(x, "EventData", NULL, 0);
    for (size_t i = 0; i < n; i++) {
        avs_evxml_start(x, "Data", NULL, 0);
        /* in two text nodes, as a reader may split them */
        size_t half = strlen(data[i]) / 2;
        avs_evxml_text(x, data[i], half);
        avs_evxml_text(x, data[i] + half, strlen(data[i]) - half);
        avs_evxml_end(x, "Data");
    }
    avs_evxml_end(x, "EventData");
    cr_assert_eq(avs_evxml_end(x, "Event"), 0);
}

Test(evidence, evxml_reads_classic_events)
{
    struct avs_evxml x;
    avs_evxml_init(&x);
    const char *d[] = {"run-1", "a & b", ""};
    avs_evxml_start(&x, "avswap-export", NULL, 0);
    feed_event(&x, "PC1.corp.example", 4001, d, 3);
    avs_evxml_start(&x, "Other", NULL, 0);
    avs_evxml_end(&x, "Other");
    avs_evxml_end(&x, "avswap-export");
    cr_assert_eq(x.count, 1);
    cr_assert_str_eq(x.events[0].provider, "AvSwap");
    cr_assert(x.events[0].has_id && x.events[0].id == 4001 && x.events[0].qualifiers == 16384);
    cr_assert_str_eq(x.events[0].computer, "PC1.corp.example");
    cr_assert_eq(x.events[0].n_data, 3);
    cr_assert_str_eq(x.events[0].data[1], "a & b");
    cr_assert_str_eq(x.events[0].data[2], "");
    avs_evxml_free(&x);
}

/* The journal's records and an export of events for each (an "end" record per event). */
static void anchored(struct avs_journal_rec **recs, size_t *n, struct avs_evxml *x, int skip_last)
{
    struct avs_journal_check c;
    write_journal(6, NULL);
    cr_assert_eq(avs_journal_load(&c, recs, n, JOURNAL), 0);
    avs_evxml_init(x);
    for (size_t i = 1; i < *n - (skip_last ? 1 : 0); i += 2) {
        char ref[100];
        snprintf(ref, sizeof ref, "seq %lld, SHA-256 %s", (long long)(*recs)[i].seq,
                 (*recs)[i].hash);
        const char *d[] = {"run-1", "P", ref};
        feed_event(x, "pc1", 4001, d, 3);
    }
    const char *other[] = {"run-9",
                           "seq 1, SHA-256 "
                           "0000000000000000000000000000000000000000000000000000000000000000"};
    feed_event(x, "PC2", 4001, other, 2); /* another computer's: skipped */
}

Test(evidence, anchor_all_matched)
{
    struct avs_journal_rec *recs;
    size_t n;
    struct avs_evxml x;
    struct avs_anchor_report r;
    anchored(&recs, &n, &x, 0);
    cr_assert(avs_anchor_check(&r, recs, n, &x, "AvSwap"));
    cr_assert_eq(r.matched, 3);
    cr_assert_eq(r.chained, 3);
    cr_assert_eq(r.missing, 0);
    cr_assert_eq(r.other_hosts, 1);
    avs_journal_recs_free(recs, n);
    avs_evxml_free(&x);
}

Test(evidence, anchor_missing_tail)
{
    struct avs_journal_rec *recs;
    size_t n;
    struct avs_evxml x;
    struct avs_anchor_report r;
    anchored(&recs, &n, &x, 1);
    cr_assert(!avs_anchor_check(&r, recs, n, &x, "AvSwap"));
    cr_assert_eq(r.missing, 2);
    cr_assert_eq(r.first_missing, 5);
    avs_journal_recs_free(recs, n);
    avs_evxml_free(&x);
}

Test(evidence, anchor_edited_and_unmatched)
{
    struct avs_journal_rec *recs;
    size_t n;
    struct avs_evxml x;
    struct avs_anchor_report r;
    anchored(&recs, &n, &x, 0);
    /* Record 4 rewritten (by someone holding the key): its hash no longer is the event's. */
    recs[3].hash[0] = recs[3].hash[0] == 'a' ? 'b' : 'a';
    cr_assert(!avs_anchor_check(&r, recs, n, &x, "AvSwap"));
    cr_assert_eq(r.edited, 1);
    cr_assert_eq(r.edited_seq[0], 4);
    /* The journal cut after record 4: the event of record 6 names a record it lacks. */
    recs[3].hash[0] = recs[3].hash[0] == 'a' ? 'b' : 'a';
    cr_assert(!avs_anchor_check(&r, recs, 4, &x, "AvSwap"));
    cr_assert_eq(r.unmatched, 1);
    cr_assert_eq(r.unmatched_seq[0], 6);
    avs_journal_recs_free(recs, n);
    avs_evxml_free(&x);
}

Test(evidence, anchor_parse_ref)
{
    int64_t seq;
    char hex[65];
    const char *h = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    char s[100];
    snprintf(s, sizeof s, "seq 12, SHA-256 %s", h);
    cr_assert_eq(avs_anchor_parse_ref(&seq, hex, s), 0);
    cr_assert_eq(seq, 12);
    cr_assert_str_eq(hex, h);
    snprintf(s, sizeof s, "seq 012, SHA-256 %s", h);
    cr_assert_eq(avs_anchor_parse_ref(&seq, hex, s), AVS_EFORMAT);
    snprintf(s, sizeof s, "seq 1, SHA-256 %s ", h);
    cr_assert_eq(avs_anchor_parse_ref(&seq, hex, s), AVS_EFORMAT);
    cr_assert_eq(avs_anchor_parse_ref(&seq, hex, "seq 1, SHA-256 ABC"), AVS_EFORMAT);
}

Test(evidence, subfolder_that_lets_users_in_is_moved)
{
    struct avs_evidence_moved *m;
    size_t n;
    cr_assert_eq(avs_os_mkdir_protected(DIR), 0);
    cr_assert_eq(avs_os_mkdir_protected(DIR "\\staging"), 0);
    fake_fs_put(DIR "\\logs\\a.log", "l", 1);
    fake_fs_put(DIR "\\staging\\r.msi", "m", 1);
    cr_assert_eq(avs_evidence_folder_check(&m, &n, DIR, 0), 0);
    cr_assert_eq(n, 0);
    /* Owned by Administrators, but its DACL lets others in: what is staged there could have
     * been swapped by them. */
    fake_evidence_distrust(DIR "\\staging", "S-1-5-32-544", 0);
    cr_assert_eq(avs_evidence_folder_check(&m, &n, DIR, 0), 0);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(m[0].from, DIR "\\staging");
    cr_assert(strstr(m[0].why, "permissions"), "%s", m[0].why);
    cr_assert_not_null(fake_fs_data(DIR "\\staging.untrusted-19700101T000000000Z\\r.msi", &n));
    avs_evidence_moved_free(m, 1);
}
