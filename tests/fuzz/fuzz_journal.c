/* Fuzzes the journal reader (core/journal_read.c) and the fold of its records into a run's state
 * (core/journal_fold.c): what `avswap evidence verify` and a resumed run read from disk.
 *
 * The first input byte chooses how the rest is used: bit 0 clear, as the journal's bytes; set,
 * with the harness repairing the chain first (each line's "prev" set to the SHA-256 of the line
 * before), so that the fuzzer gets past the hash check to the records behind it. With bit 1 set
 * the rest is instead a list of records, 3 bytes each, folded directly (the resume decisions).
 * Properties:
 *   - verification returns 0 (or AVS_ENOMEM) whatever the bytes, and its report is coherent:
 *     the verified prefix ends at a line boundary, INTACT means every byte was verified, the
 *     records are numbered 1..N, each one's prev is the hash of the line before, its hash is
 *     the SHA-256 of its own line, and its time prints back as a time that parses to itself;
 *   - the verified prefix, verified again on its own, is INTACT with the same records;
 *   - the fold of the verified records either succeeds or says why and where;
 *   - after a successful fold, the resume decision for every product is the one the rules of
 *     core/journal_fold.h give, recomputed here from the records: never removed again once an
 *     "end" with a success code was recorded, re-checked when its last record is a "begin". */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "fuzz.h"
#include "journal.h"
#include "journal_fold.h"
#include "sha256.h"

static void repair_chain(char *d, size_t len)
{
    static const char key[] = "\"prev\":\"";
    char prev[AVS_SHA256_HEX_LEN + 1];
    memset(prev, '0', AVS_SHA256_HEX_LEN);
    prev[AVS_SHA256_HEX_LEN] = '\0';
    size_t pos = 0;
    while (pos < len) {
        char *start = d + pos;
        char *nl = memchr(start, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - start) : len - pos;
        /* The last "prev":" in the line with 64 bytes after it. */
        for (size_t i = n; i-- > 0;) {
            if (i + sizeof key - 1 + AVS_SHA256_HEX_LEN <= n &&
                memcmp(start + i, key, sizeof key - 1) == 0) {
                memcpy(start + i + sizeof key - 1, prev, AVS_SHA256_HEX_LEN);
                break;
            }
        }
        avs_sha256_hex_of(prev, start, n);
        pos += n + 1;
    }
}

static void check_report(const struct avs_journal_check *c, const struct avs_journal_rec *recs,
                         size_t count, const char *d, size_t len)
{
    FUZZ_CHECK(c->good_bytes <= len);
    FUZZ_CHECK(c->good_bytes == 0 || d[c->good_bytes - 1] == '\n');
    FUZZ_CHECK(c->records == count);
    FUZZ_CHECK((c->status == AVS_JOURNAL_INTACT) == (c->good_bytes == len));
    FUZZ_CHECK((c->status == AVS_JOURNAL_INTACT) == (c->bad_line == 0));
    FUZZ_CHECK(c->status == AVS_JOURNAL_INTACT || c->why[0] != '\0');
    FUZZ_CHECK(c->status != AVS_JOURNAL_INTACT || c->why[0] == '\0');
    FUZZ_CHECK(c->bad_line == 0 || c->bad_line == count + 1);
    FUZZ_CHECK(c->last_seq == (int64_t)count);

    char prev[AVS_SHA256_HEX_LEN + 1];
    memset(prev, '0', AVS_SHA256_HEX_LEN);
    prev[AVS_SHA256_HEX_LEN] = '\0';
    size_t pos = 0;
    for (size_t i = 0; i < count; i++) {
        const struct avs_journal_rec *r = &recs[i];
        const char *nl = memchr(d + pos, '\n', len - pos);
        FUZZ_CHECK(nl != NULL);
        size_t n = (size_t)(nl - (d + pos));
        char hash[AVS_SHA256_HEX_LEN + 1];
        avs_sha256_hex_of(hash, d + pos, n);
        FUZZ_CHECK(r->line == i + 1 && r->seq == (int64_t)(i + 1));
        FUZZ_CHECK(strcmp(r->prev, prev) == 0 && strcmp(r->hash, hash) == 0);
        FUZZ_CHECK(r->host && *r->host && r->run_id && *r->run_id && r->user_sid && r->user_name);
        FUZZ_CHECK(r->phase == AVS_JPHASE_END || r->outcome == 0);
        FUZZ_CHECK(strcmp(avs_journal_step_name(r->step), "?") != 0);
        char t[25];
        int64_t back;
        FUZZ_CHECK(avs_journal_format_time(t, r->time_ms) == 0);
        FUZZ_CHECK(avs_journal_parse_time(&back, t) == 0 && back == r->time_ms);
        memcpy(prev, hash, sizeof prev);
        pos += n + 1;
    }
    FUZZ_CHECK(pos == c->good_bytes);
    FUZZ_CHECK(strcmp(c->last_hash, prev) == 0);
}

/* The resume decision for KEY, from the rules, over the records of the run RUN. */
static enum avs_resume expected_decision(const struct avs_journal_rec *recs, size_t count,
                                         const char *run, const char *key)
{
    int seen = 0, removed = 0, last_begin = 0;
    for (size_t i = 0; i < count; i++) {
        const struct avs_journal_rec *r = &recs[i];
        const char *k = r->product_code ? r->product_code : r->product;
        if (r->step != AVS_JSTEP_REMOVE || strcmp(r->run_id, run) != 0 || !k || strcmp(k, key))
            continue;
        seen = 1;
        last_begin = r->phase == AVS_JPHASE_BEGIN;
        if (r->phase == AVS_JPHASE_END && avs_journal_code_ok(r->outcome))
            removed = 1;
    }
    if (!seen)
        return AVS_RESUME_REMOVE;
    if (removed)
        return AVS_RESUME_SKIP;
    return last_begin ? AVS_RESUME_RECHECK : AVS_RESUME_FAILED;
}

static void fold_and_check(const struct avs_journal_rec *recs, size_t count)
{
    struct avs_run_state st;
    struct avs_fold_error ferr = {0, NULL};
    memset(&st, 0, sizeof st);
    int frc = avs_journal_fold(&st, recs, count, &ferr);
    FUZZ_CHECK(frc == 0 || frc == AVS_EFORMAT || frc == AVS_ENOMEM);
    if (frc == AVS_EFORMAT)
        FUZZ_CHECK(ferr.why != NULL && ferr.line >= 1 && ferr.line <= count);
    if (frc != 0)
        return;
    FUZZ_CHECK(!st.finished || (st.has_outcome && st.outcome != 3010));
    for (size_t i = 0; i < st.product_count; i++) {
        const struct avs_run_product *p = &st.products[i];
        FUZZ_CHECK(p->removed == (p->removed_rank != 0));
        FUZZ_CHECK(p->removed_rank <= st.product_count);
        for (size_t j = 0; j < i; j++)
            FUZZ_CHECK(!p->removed || p->removed_rank != st.products[j].removed_rank);
    }
    for (size_t i = 0; i < count; i++) {
        const char *key = recs[i].product_code ? recs[i].product_code : recs[i].product;
        if (!key)
            continue;
        enum avs_resume want =
            st.run_id ? expected_decision(recs, count, st.run_id, key) : AVS_RESUME_REMOVE;
        FUZZ_CHECK(avs_run_remove_decision(&st, key) == want);
    }
    avs_run_state_free(&st);
}

/* Mode 2: records straight from the bytes, 3 each: step, phase and run; product; outcome. */
static void structured(const uint8_t *data, size_t size)
{
    static char *const runs[] = {"run-1", "run-2"};
    static char *const codes[] = {NULL, "{AAAAAAAA-0000-0000-0000-000000000001}",
                                  "{BBBBBBBB-0000-0000-0000-000000000002}", NULL};
    static char *const names[] = {NULL, "Kaspersky Endpoint Security", "Kaspersky Free",
                                  "Kaspersky Password Manager"};
    static const int64_t outcomes[] = {0, 1605, 3010, 1641, 1603, 1618, 1602, -1};
    size_t count = size / 3;
    if (count > 256)
        count = 256;
    struct avs_journal_rec *recs = calloc(count ? count : 1, sizeof *recs);
    FUZZ_CHECK(recs != NULL);
    for (size_t i = 0; i < count; i++) {
        const uint8_t *b = data + 3 * i;
        struct avs_journal_rec *r = &recs[i];
        r->line = i + 1;
        r->seq = (int64_t)i + 1;
        r->time_ms = INT64_C(1714564800000) + 1000 * (int64_t)i;
        r->step = (enum avs_journal_step)(b[0] % AVS_JSTEP_COUNT);
        r->phase = (b[0] >> 4) & 1 ? AVS_JPHASE_END : AVS_JPHASE_BEGIN;
        r->run_id = runs[(b[0] >> 5) & 1];
        r->product_code = codes[b[1] & 3];
        r->product = names[(b[1] >> 2) & 3];
        r->outcome = r->phase == AVS_JPHASE_END ? outcomes[b[2] & 7] : 0;
    }
    fold_and_check(recs, count);
    free(recs); /* the strings are static */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 64 * 1024)
        return 0;
    if (data[0] & 2) {
        structured(data + 1, size - 1);
        return 0;
    }
    size_t len = size - 1;
    char *d = malloc(len ? len : 1);
    FUZZ_CHECK(d != NULL);
    memcpy(d, data + 1, len);
    if (data[0] & 1)
        repair_chain(d, len);

    struct avs_journal_check c;
    struct avs_journal_rec *recs = NULL;
    size_t count = 0;
    int rc = avs_journal_verify(&c, &recs, &count, d, len);
    if (rc == AVS_ENOMEM) {
        free(d);
        return 0;
    }
    FUZZ_CHECK(rc == 0);
    check_report(&c, recs, count, d, len);

    /* The verified prefix alone is intact, with the same result; and without records wanted. */
    struct avs_journal_check c2;
    FUZZ_CHECK(avs_journal_verify(&c2, NULL, NULL, d, c.good_bytes) == 0);
    FUZZ_CHECK(c2.status == AVS_JOURNAL_INTACT && c2.records == c.records &&
               c2.good_bytes == c.good_bytes && strcmp(c2.last_hash, c.last_hash) == 0);

    fold_and_check(recs, count);
    avs_journal_recs_free(recs, count);
    free(d);
    return 0;
}
