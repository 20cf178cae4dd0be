/* Writing the journal: one JSON line per record, chained, appended durably. */
#include "journal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "json.h"
#include "os.h"
#include "testhook.h"

struct avs_journal {
    char *path;
    char *host;
    char *run_id;
    char *user_sid;
    char *user_name;
    int64_t seq;                       /* of the last record in the file */
    char hash[AVS_SHA256_HEX_LEN + 1]; /* of the last line in the file */
    int err;                           /* sticky: a failed append may have torn the file */
    int keyed;                         /* every record carries an HMAC under key */
    unsigned char key[AVS_EVKEY_LEN];
};

int64_t avs_journal_seq(const avs_journal *j)
{
    return j->seq;
}

const char *avs_journal_hash(const avs_journal *j)
{
    return j->hash;
}

void avs_journal_close(avs_journal *j)
{
    if (!j)
        return;
    free(j->path);
    free(j->host);
    free(j->run_id);
    free(j->user_sid);
    free(j->user_name);
    avs_os_secure_zero(j->key, sizeof j->key);
    free(j);
}

/* The record's line, without its newline, into B. */
static void format_line(struct avs_buf *b, const avs_journal *j, const struct avs_journal_entry *e,
                        const char *time)
{
    struct avs_json w;
    avs_json_init(&w, b);
    avs_json_object_begin(&w);
    avs_json_kv_int(&w, "seq", j->seq + 1);
    avs_json_kv_string(&w, "time", time);
    avs_json_kv_string(&w, "host", j->host);
    avs_json_kv_string(&w, "run_id", j->run_id);
    avs_json_key(&w, "actor");
    avs_json_object_begin(&w);
    avs_json_kv_string(&w, "sid", j->user_sid);
    avs_json_kv_string(&w, "name", j->user_name);
    avs_json_object_end(&w);
    avs_json_kv_string(&w, "step", avs_journal_step_name(e->step));
    avs_json_kv_string(&w, "phase", e->phase == AVS_JPHASE_BEGIN ? "begin" : "end");
    avs_json_kv_string(&w, "product", e->product);
    avs_json_kv_string(&w, "version", e->version);
    avs_json_kv_string(&w, "product_code", e->product_code);
    avs_json_key(&w, "outcome");
    if (e->phase == AVS_JPHASE_BEGIN)
        avs_json_null(&w);
    else
        avs_json_int(&w, e->outcome);
    avs_json_kv_string(&w, "detail", e->detail);
    avs_json_kv_string(&w, "prev", j->hash);
    avs_json_object_end(&w);
}

int avs_journal_append(avs_journal *j, const struct avs_journal_entry *e)
{
    struct avs_buf b = AVS_BUF_INIT;
    char time[25];
    char hash[AVS_SHA256_HEX_LEN + 1];
    int64_t now;
    int rc;

    if (j->err)
        return j->err;
    if ((unsigned)e->step >= AVS_JSTEP_COUNT ||
        (e->phase != AVS_JPHASE_BEGIN && e->phase != AVS_JPHASE_END))
        return AVS_EINVAL;
    if ((rc = avs_os_now(&now)) || (rc = avs_journal_format_time(time, now)))
        return rc;
    format_line(&b, j, e, time);
    if (b.err) {
        rc = b.err;
        goto done;
    }
    if (b.len > AVS_JOURNAL_LINE_MAX) {
        rc = AVS_ETOOBIG;
        goto done;
    }
    if (j->keyed) {
        /* The MAC covers the record as an unkeyed line, then goes in as its last key:
         * {...,"prev":"..."} -> {...,"prev":"...","hmac":"..."} (see journal.h). */
        unsigned char mac[AVS_SHA256_LEN];
        char mac_hex[AVS_SHA256_HEX_LEN + 1];
        avs_hmac_sha256(mac, j->key, sizeof j->key, b.data, b.len);
        avs_sha256_hex(mac_hex, mac);
        b.len--; /* the closing brace */
        avs_buf_printf(&b, ",\"hmac\":\"%s\"}", mac_hex);
        if (b.err) {
            rc = b.err;
            goto done;
        }
        if (b.len > AVS_JOURNAL_LINE_MAX) {
            rc = AVS_ETOOBIG;
            goto done;
        }
    }
    avs_sha256_hex_of(hash, b.data, b.len);
    avs_buf_putc(&b, '\n');
    if (b.err) {
        rc = b.err;
        goto done;
    }
    /* One call for the line and its newline: a record is either whole (newline included) or
     * a torn tail the reader refuses, never a complete-looking line missing its end. */
    rc = avs_os_file_append_durable(j->path, b.data, b.len);
    if (rc) {
        j->err = rc;
        goto done;
    }
    j->seq++;
    memcpy(j->hash, hash, sizeof hash);
    AVS_TESTHOOK_JOURNAL(j->seq, e); /* test builds only: may stop here for a kill test */
done:
    avs_buf_free(&b);
    return rc;
}

/* Cuts the torn tail DATA[GOOD..LEN) and records that it did. */
static int repair_torn(avs_journal *j, const struct avs_journal_check *c, const char *data,
                       size_t len)
{
    char hex[AVS_SHA256_HEX_LEN + 1];
    char detail[384]; /* room for every field below, c->why included */
    size_t dropped = len - c->good_bytes;

    avs_sha256_hex_of(hex, data + c->good_bytes, dropped);
    int rc = avs_os_file_truncate(j->path, c->good_bytes);
    if (rc)
        return rc;
    snprintf(detail, sizeof detail, "torn last line %zu discarded: %zu bytes with SHA-256 %s (%s)",
             c->bad_line, dropped, hex, c->why);
    struct avs_journal_entry note = {
        .step = AVS_JSTEP_JOURNAL,
        .phase = AVS_JPHASE_END,
        .outcome = 0,
        .detail = detail,
    };
    return avs_journal_append(j, &note);
}

static int present(const char *s)
{
    return s && *s;
}

int avs_journal_open(avs_journal **out, const char *path, const struct avs_journal_ident *ident,
                     struct avs_journal_check *check)
{
    return avs_journal_open_keyed(out, path, ident, NULL, check);
}

int avs_journal_open_keyed(avs_journal **out, const char *path,
                           const struct avs_journal_ident *ident,
                           const unsigned char key[AVS_EVKEY_LEN], struct avs_journal_check *check)
{
    struct avs_journal_check c;
    avs_journal *j = NULL;
    char *data = NULL;
    size_t len = 0;
    int rc;

    *out = NULL;
    if (!present(path) || !ident || !present(ident->host) || !present(ident->run_id) ||
        !present(ident->user_sid) || !present(ident->user_name))
        return AVS_EINVAL;

    rc = avs_os_file_read_all(&data, &len, path, AVS_JOURNAL_MAX_BYTES);
    if (rc == AVS_ENOENT)
        rc = 0; /* a first run: the first append creates the file */
    if (rc)
        goto done;
    rc = avs_journal_verify_keyed(&c, NULL, NULL, data, len, key);
    if (rc)
        goto done;
    if (check)
        *check = c;
    if (c.status == AVS_JOURNAL_BROKEN) {
        rc = AVS_EFORMAT;
        goto done;
    }
    /* One format per file: keyed records after unkeyed ones would lend the older, forgeable
     * part the standing of the keyed part (and unkeyed after keyed is a downgrade). The
     * engine moves an older journal aside before it starts a keyed one. */
    if (c.records && c.keyed != (key != NULL)) {
        rc = AVS_EFORMAT;
        goto done;
    }

    j = calloc(1, sizeof *j);
    if (!j) {
        rc = AVS_ENOMEM;
        goto done;
    }
    j->path = avs_strdup(path);
    j->host = avs_strdup(ident->host);
    j->run_id = avs_strdup(ident->run_id);
    j->user_sid = avs_strdup(ident->user_sid);
    j->user_name = avs_strdup(ident->user_name);
    if (!j->path || !j->host || !j->run_id || !j->user_sid || !j->user_name) {
        rc = AVS_ENOMEM;
        goto done;
    }
    j->seq = c.last_seq;
    memcpy(j->hash, c.last_hash, sizeof j->hash);
    if (key) {
        j->keyed = 1;
        memcpy(j->key, key, sizeof j->key);
    }

    if (c.status == AVS_JOURNAL_TORN) {
        rc = repair_torn(j, &c, data, len);
        if (rc)
            goto done;
    }
    *out = j;
    j = NULL;
done:
    avs_journal_close(j);
    free(data);
    return rc;
}
