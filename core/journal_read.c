/* Reading and verifying the journal; step names and the time format shared with the writer. */
#include "journal.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "jsonread.h"
#include "os.h"

static const char *const step_names[AVS_JSTEP_COUNT] = {
    "plan",
    "preflight",
    "remove",
    "replacement-stage",
    "replacement-install",
    "replacement-verify",
    "reboot",
    "outcome",
    "journal",
};

const char *avs_journal_step_name(enum avs_journal_step step)
{
    if ((unsigned)step >= AVS_JSTEP_COUNT)
        return "?";
    return step_names[step];
}

int avs_journal_step_parse(enum avs_journal_step *out, const char *name)
{
    for (unsigned i = 0; i < AVS_JSTEP_COUNT; i++) {
        if (strcmp(step_names[i], name) == 0) {
            *out = (enum avs_journal_step)i;
            return 0;
        }
    }
    return AVS_EFORMAT;
}

/* Days since 1970-01-01 of a proleptic Gregorian date, and back (H. Hinnant's algorithms):
 * exact for every date, with no dependence on gmtime's thread safety or the C runtime. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* 253402300800000 ms is 10000-01-01T00:00:00Z. */
#define TIME_MAX_MS INT64_C(253402300799999)

int avs_journal_format_time(char out[25], int64_t ms)
{
    if (ms < 0 || ms > TIME_MAX_MS)
        return AVS_EINVAL;
    int64_t days = ms / 86400000;
    int64_t rem = ms % 86400000;
    int64_t y;
    unsigned mo, d;
    civil_from_days(days, &y, &mo, &d);
    snprintf(out, 25, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", (int)y, mo, d, (int)(rem / 3600000),
             (int)(rem / 60000 % 60), (int)(rem / 1000 % 60), (int)(rem % 1000));
    return 0;
}

static int digits(const char *s, int n, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return AVS_EFORMAT;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    *out = v;
    return 0;
}

int avs_journal_parse_time(int64_t *out_ms, const char *t)
{
    /* YYYY-MM-DDTHH:MM:SS.mmmZ */
    static const char shape[] = "dddd-dd-ddTdd:dd:dd.dddZ";
    unsigned y, mo, d, h, mi, s, ms;
    if (strlen(t) != sizeof shape - 1)
        return AVS_EFORMAT;
    for (size_t i = 0; i < sizeof shape - 1; i++)
        if (shape[i] != 'd' && shape[i] != t[i])
            return AVS_EFORMAT;
    if (digits(t, 4, &y) || digits(t + 5, 2, &mo) || digits(t + 8, 2, &d) ||
        digits(t + 11, 2, &h) || digits(t + 14, 2, &mi) || digits(t + 17, 2, &s) ||
        digits(t + 20, 3, &ms))
        return AVS_EFORMAT;
    static const unsigned mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
        (mo == 2 && d == 29 && !leap) || h > 23 || mi > 59 || s > 59)
        return AVS_EFORMAT;
    *out_ms = days_from_civil(y, mo, d) * 86400000 + (int64_t)h * 3600000 + (int64_t)mi * 60000 +
              (int64_t)s * 1000 + ms;
    return 0;
}

/* ---------------------------------------------------------------------------------------------
 * One line to one record
 * ------------------------------------------------------------------------------------------- */

static const char *const record_keys[] = {
    "seq",     "time",    "host",         "run_id",  "actor",  "step", "phase",
    "product", "version", "product_code", "outcome", "detail", "prev",
};
#define RECORD_KEYS (sizeof record_keys / sizeof record_keys[0])

static void rec_clear(struct avs_journal_rec *r)
{
    free(r->host);
    free(r->run_id);
    free(r->user_sid);
    free(r->user_name);
    free(r->product);
    free(r->version);
    free(r->product_code);
    free(r->detail);
    memset(r, 0, sizeof *r);
}

void avs_journal_recs_free(struct avs_journal_rec *recs, size_t count)
{
    if (!recs)
        return;
    for (size_t i = 0; i < count; i++)
        rec_clear(&recs[i]);
    free(recs);
}

/* A required non-empty string, copied into *out. WHY names the problem on failure. */
static int req_string(char **out, const struct avs_jv *v, const char **why, const char *bad)
{
    const char *s = avs_jv_str(v);
    if (!s || !*s) {
        *why = bad;
        return AVS_EFORMAT;
    }
    *out = avs_strdup(s);
    return *out ? 0 : AVS_ENOMEM;
}

/* A string or null, copied into *out (NULL for null). */
static int opt_string(char **out, const struct avs_jv *v, const char **why, const char *bad)
{
    if (v->type == AVS_JV_NULL)
        return 0;
    const char *s = avs_jv_str(v);
    if (!s) {
        *why = bad;
        return AVS_EFORMAT;
    }
    *out = avs_strdup(s);
    return *out ? 0 : AVS_ENOMEM;
}

static int is_hex64(const char *s)
{
    if (!s || strlen(s) != AVS_SHA256_HEX_LEN)
        return 0;
    for (const char *p = s; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return 0;
    return 1;
}

/* Fills R from the parsed object V; *keyed = 1 when it carries an "hmac" (a 14th key, last).
 * AVS_EFORMAT with *why set when V is not a record. */
static int rec_from_json(struct avs_journal_rec *r, int *keyed, const struct avs_jv *v,
                         const char **why)
{
    int rc;
    *keyed = v->type == AVS_JV_OBJECT && v->count == RECORD_KEYS + 1 &&
             strcmp(v->members[RECORD_KEYS].key, "hmac") == 0;
    if (v->type != AVS_JV_OBJECT || (v->count != RECORD_KEYS && !*keyed)) {
        *why = "not a record: wrong set of keys";
        return AVS_EFORMAT;
    }
    if (*keyed && !is_hex64(avs_jv_str(&v->members[RECORD_KEYS].value))) {
        *why = "bad \"hmac\"";
        return AVS_EFORMAT;
    }
    /* Exactly the documented keys, in the documented order: the writer never does otherwise. */
    for (size_t i = 0; i < RECORD_KEYS; i++) {
        if (strcmp(v->members[i].key, record_keys[i]) != 0) {
            *why = "not a record: wrong set of keys";
            return AVS_EFORMAT;
        }
    }
    const struct avs_jv *f = v->members[0].value.type == AVS_JV_INT ? &v->members[0].value : NULL;
    if (!f || f->i < 1) {
        *why = "bad \"seq\"";
        return AVS_EFORMAT;
    }
    r->seq = f->i;
    const char *t = avs_jv_str(avs_jv_member(v, "time"));
    if (!t || avs_journal_parse_time(&r->time_ms, t)) {
        *why = "bad \"time\"";
        return AVS_EFORMAT;
    }
    if ((rc = req_string(&r->host, avs_jv_member(v, "host"), why, "bad \"host\"")) ||
        (rc = req_string(&r->run_id, avs_jv_member(v, "run_id"), why, "bad \"run_id\"")))
        return rc;
    const struct avs_jv *actor = avs_jv_member(v, "actor");
    if (actor->type != AVS_JV_OBJECT || actor->count != 2 || !avs_jv_member(actor, "sid") ||
        !avs_jv_member(actor, "name")) {
        *why = "bad \"actor\"";
        return AVS_EFORMAT;
    }
    if ((rc = req_string(&r->user_sid, avs_jv_member(actor, "sid"), why, "bad \"actor\"")) ||
        (rc = req_string(&r->user_name, avs_jv_member(actor, "name"), why, "bad \"actor\"")))
        return rc;
    const char *step = avs_jv_str(avs_jv_member(v, "step"));
    if (!step || avs_journal_step_parse(&r->step, step)) {
        *why = "unknown \"step\"";
        return AVS_EFORMAT;
    }
    const char *phase = avs_jv_str(avs_jv_member(v, "phase"));
    if (phase && strcmp(phase, "begin") == 0) {
        r->phase = AVS_JPHASE_BEGIN;
    } else if (phase && strcmp(phase, "end") == 0) {
        r->phase = AVS_JPHASE_END;
    } else {
        *why = "bad \"phase\"";
        return AVS_EFORMAT;
    }
    if ((rc = opt_string(&r->product, avs_jv_member(v, "product"), why, "bad \"product\"")) ||
        (rc = opt_string(&r->version, avs_jv_member(v, "version"), why, "bad \"version\"")) ||
        (rc = opt_string(&r->product_code, avs_jv_member(v, "product_code"), why,
                         "bad \"product_code\"")) ||
        (rc = opt_string(&r->detail, avs_jv_member(v, "detail"), why, "bad \"detail\"")))
        return rc;
    const struct avs_jv *outcome = avs_jv_member(v, "outcome");
    if (r->phase == AVS_JPHASE_BEGIN ? outcome->type != AVS_JV_NULL : outcome->type != AVS_JV_INT) {
        *why = "bad \"outcome\" (null on begin, an integer on end)";
        return AVS_EFORMAT;
    }
    r->outcome = r->phase == AVS_JPHASE_END ? outcome->i : 0;
    const char *prev = avs_jv_str(avs_jv_member(v, "prev"));
    if (!is_hex64(prev)) {
        *why = "bad \"prev\"";
        return AVS_EFORMAT;
    }
    memcpy(r->prev, prev, sizeof r->prev);
    return 0;
}

/* ---------------------------------------------------------------------------------------------
 * Verify
 * ------------------------------------------------------------------------------------------- */

/* MinGW's C99 stdio (on under -std=c11) takes %zu, but plain "printf" in the attribute would
 * check against msvcrt's format rules there: use the archetype the headers name. */
#if defined(__MINGW_PRINTF_FORMAT)
#define CHECK_FORMAT __attribute__((format(__MINGW_PRINTF_FORMAT, 4, 5)))
#elif defined(__GNUC__)
#define CHECK_FORMAT __attribute__((format(printf, 4, 5)))
#else
#define CHECK_FORMAT
#endif

static void set_bad(struct avs_journal_check *c, enum avs_journal_status st, size_t line,
                    const char *fmt, ...) CHECK_FORMAT;

static void set_bad(struct avs_journal_check *c, enum avs_journal_status st, size_t line,
                    const char *fmt, ...)
{
    va_list ap;
    c->status = st;
    c->bad_line = line;
    va_start(ap, fmt);
    vsnprintf(c->why, sizeof c->why, fmt, ap);
    va_end(ap);
}

/* The end of every keyed line: ,"hmac":"<64 hex>"} */
#define MAC_SUFFIX_LEN (9 + AVS_SHA256_HEX_LEN + 2)

/* 1 when the keyed line L (N bytes) carries the HMAC under KEY of its unkeyed form. The parser
 * accepted the line, so only the canonical spelling of the suffix remains to be checked. */
static int mac_ok(const char *l, size_t n, const unsigned char *key)
{
    if (n < MAC_SUFFIX_LEN + 2 || memcmp(l + n - MAC_SUFFIX_LEN, ",\"hmac\":\"", 9) != 0 ||
        memcmp(l + n - 2, "\"}", 2) != 0)
        return 0;
    unsigned char mac[AVS_SHA256_LEN];
    char hex[AVS_SHA256_HEX_LEN + 1];
    struct avs_hmac_sha256 h;
    avs_hmac_sha256_init(&h, key, AVS_EVKEY_LEN);
    avs_hmac_sha256_update(&h, l, n - MAC_SUFFIX_LEN);
    avs_hmac_sha256_update(&h, "}", 1);
    avs_hmac_sha256_final(&h, mac);
    avs_sha256_hex(hex, mac);
    return avs_ct_equal(hex, l + n - MAC_SUFFIX_LEN + 9, AVS_SHA256_HEX_LEN);
}

int avs_journal_verify(struct avs_journal_check *check, struct avs_journal_rec **out_recs,
                       size_t *out_count, const char *data, size_t len)
{
    return avs_journal_verify_keyed(check, out_recs, out_count, data, len, NULL);
}

int avs_journal_verify_keyed(struct avs_journal_check *check, struct avs_journal_rec **out_recs,
                             size_t *out_count, const char *data, size_t len,
                             const unsigned char key[AVS_EVKEY_LEN])
{
    struct avs_journal_rec *recs = NULL;
    size_t count = 0, cap = 0;
    int rc = 0;

    if (out_recs) {
        *out_recs = NULL;
        *out_count = 0;
    }
    memset(check, 0, sizeof *check);
    check->status = AVS_JOURNAL_INTACT;
    memset(check->last_hash, '0', AVS_SHA256_HEX_LEN);

    size_t pos = 0;
    for (size_t line = 1; pos < len; line++) {
        const char *start = data + pos;
        const char *nl = memchr(start, '\n', len - pos);
        if (!nl) {
            /* An append writes the record and its newline at once: no newline, no record. */
            set_bad(check, AVS_JOURNAL_TORN, line, "torn last line: %zu bytes without a newline",
                    len - pos);
            break;
        }
        size_t n = (size_t)(nl - start);
        int last = (size_t)(nl - data) + 1 == len;
        if (n > AVS_JOURNAL_LINE_MAX) {
            set_bad(check, AVS_JOURNAL_BROKEN, line, "line longer than %u bytes",
                    AVS_JOURNAL_LINE_MAX);
            break;
        }
        struct avs_jv *v = NULL;
        struct avs_jsonread_error je;
        int prc = avs_jsonread_parse(&v, start, n, &je);
        if (prc == AVS_ENOMEM) {
            rc = prc;
            goto done;
        }
        if (prc) {
            /* Complete garbage at the very end is what a crash can leave (a file extended
             * but its last sectors never written); anywhere else it is damage. */
            set_bad(check, last ? AVS_JOURNAL_TORN : AVS_JOURNAL_BROKEN, line,
                    "%snot valid JSON (%s at byte %zu)", last ? "torn last line: " : "", je.why,
                    je.offset);
            break;
        }
        struct avs_journal_rec r;
        const char *why = NULL;
        int keyed = 0;
        memset(&r, 0, sizeof r);
        prc = rec_from_json(&r, &keyed, v, &why);
        avs_jv_free(v);
        if (prc) {
            rec_clear(&r);
            if (prc == AVS_ENOMEM) {
                rc = prc;
                goto done;
            }
            set_bad(check, AVS_JOURNAL_BROKEN, line, "%s", why);
            break;
        }
        if (r.seq != check->last_seq + 1 && line == 1) {
            set_bad(check, AVS_JOURNAL_BROKEN, line, "first record's seq is %" PRId64 ", not 1",
                    r.seq);
            rec_clear(&r);
            break;
        }
        if (r.seq != check->last_seq + 1) {
            set_bad(check, AVS_JOURNAL_BROKEN, line,
                    "seq %" PRId64 " follows seq %" PRId64 " (a record is missing or moved)", r.seq,
                    check->last_seq);
            rec_clear(&r);
            break;
        }
        if (strcmp(r.prev, check->last_hash) != 0) {
            if (line == 1)
                set_bad(check, AVS_JOURNAL_BROKEN, line, "first record's prev is not zero");
            else
                set_bad(check, AVS_JOURNAL_BROKEN, line,
                        "chain broken: prev is not the SHA-256 of line %zu (it was changed)",
                        line - 1);
            rec_clear(&r);
            break;
        }
        if (line == 1) {
            check->keyed = keyed;
            check->macs_checked = keyed && key;
        } else if (keyed != check->keyed) {
            set_bad(check, AVS_JOURNAL_BROKEN, line,
                    keyed ? "a keyed record in an unkeyed journal"
                          : "an unkeyed record in a keyed journal (its HMAC was removed)");
            rec_clear(&r);
            break;
        }
        if (keyed && key && !mac_ok(start, n, key)) {
            set_bad(check, AVS_JOURNAL_BROKEN, line,
                    "HMAC mismatch at record %zu: not written with this machine's evidence key "
                    "(changed, or forged)",
                    line);
            rec_clear(&r);
            break;
        }
        r.line = line;
        avs_sha256_hex_of(r.hash, start, n);
        memcpy(check->last_hash, r.hash, sizeof r.hash);
        check->last_seq = r.seq;
        check->records++;
        pos += n + 1;
        check->good_bytes = pos;
        if (!out_recs) {
            rec_clear(&r);
            continue;
        }
        if (count == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            struct avs_journal_rec *p = realloc(recs, ncap * sizeof *recs);
            if (!p) {
                rec_clear(&r);
                rc = AVS_ENOMEM;
                goto done;
            }
            recs = p;
            cap = ncap;
        }
        recs[count++] = r;
    }
    if (out_recs) {
        *out_recs = recs;
        *out_count = count;
        recs = NULL;
    }
done:
    avs_journal_recs_free(recs, count);
    return rc;
}

int avs_journal_load(struct avs_journal_check *check, struct avs_journal_rec **out_recs,
                     size_t *out_count, const char *path)
{
    return avs_journal_load_keyed(check, out_recs, out_count, path, NULL);
}

int avs_journal_load_keyed(struct avs_journal_check *check, struct avs_journal_rec **out_recs,
                           size_t *out_count, const char *path,
                           const unsigned char key[AVS_EVKEY_LEN])
{
    char *data = NULL;
    size_t len = 0;
    if (out_recs) {
        *out_recs = NULL;
        *out_count = 0;
    }
    int rc = avs_os_file_read_all(&data, &len, path, AVS_JOURNAL_MAX_BYTES);
    if (rc)
        return rc;
    rc = avs_journal_verify_keyed(check, out_recs, out_count, data, len, key);
    free(data);
    return rc;
}
