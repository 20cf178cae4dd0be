/* The machine's evidence key, the switch from unkeyed journals, and the trust of AvSwap's
 * folder. */
#include "evidence.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "dpapi_file.h"
#include "error.h"
#include "evxml.h"
#include "os.h"

/* The tag before the key inside the DPAPI blob (dpapi_file.h). */
static const char KEY_TAG[8] = {'A', 'V', 'S', 'K', 'E', 'Y', '1', 0};

static char *join(const char *a, const char *b)
{
    struct avs_buf s = AVS_BUF_INIT;
    avs_buf_printf(&s, "%s\\%s", a, b);
    return avs_buf_detach(&s);
}

int avs_evidence_key_load(unsigned char key[AVS_EVKEY_LEN], const char *data_dir)
{
    char *path = join(data_dir, AVS_EVKEY_NAME);
    unsigned char *plain = NULL;
    size_t plain_len = 0;
    int rc = path ? avs_dpapi_file_read(&plain, &plain_len, path, KEY_TAG) : AVS_ENOMEM;
    if (!rc && plain_len != AVS_EVKEY_LEN)
        rc = AVS_EFORMAT;
    if (!rc)
        memcpy(key, plain, AVS_EVKEY_LEN);
    if (plain) {
        avs_os_secure_zero(plain, plain_len);
        free(plain);
    }
    free(path);
    return rc;
}

int avs_evidence_key_create(unsigned char key[AVS_EVKEY_LEN], const char *data_dir)
{
    unsigned char fresh[AVS_EVKEY_LEN];
    struct avs_os_path_facts facts;
    char *path = join(data_dir, AVS_EVKEY_NAME);
    int rc = path ? avs_os_path_facts(&facts, path) : AVS_ENOMEM;
    if (!rc && facts.exists)
        rc = AVS_EUNSAFE; /* never overwrite a key: the journal it signed would stop verifying */
    if (!rc)
        rc = avs_os_random(fresh, sizeof fresh);
    if (!rc)
        rc = avs_dpapi_file_write(path, KEY_TAG, fresh, sizeof fresh);
    if (!rc)
        memcpy(key, fresh, AVS_EVKEY_LEN);
    avs_os_secure_zero(fresh, sizeof fresh);
    free(path);
    return rc;
}

void avs_evidence_stamp(char out[20], int64_t now_ms)
{
    char t[25];
    size_t n = 0;
    if (avs_journal_format_time(t, now_ms) != 0)
        memcpy(t, "1970-01-01T00:00:00.000Z", 25);
    for (const char *p = t; *p && n < 19; p++)
        if (*p != '-' && *p != ':' && *p != '.')
            out[n++] = *p;
    out[n] = 0;
}

/* PREFIX + stamp + SUFFIX that does not exist yet (-2, -3, ... added when it does). */
static int free_name(char **out, const char *prefix, const char *suffix, int64_t now_ms)
{
    char st[20];
    avs_evidence_stamp(st, now_ms);
    *out = NULL;
    for (unsigned i = 1; i < 100; i++) {
        struct avs_buf b = AVS_BUF_INIT;
        struct avs_os_path_facts f;
        if (i == 1)
            avs_buf_printf(&b, "%s%s%s", prefix, st, suffix);
        else
            avs_buf_printf(&b, "%s%s-%u%s", prefix, st, i, suffix);
        if (b.err) {
            avs_buf_free(&b);
            return AVS_ENOMEM;
        }
        int rc = avs_os_path_facts(&f, b.data);
        if (rc || !f.exists) {
            if (rc) {
                avs_buf_free(&b);
                return rc;
            }
            *out = avs_buf_detach(&b);
            return *out ? 0 : AVS_ENOMEM;
        }
        avs_buf_free(&b);
    }
    return AVS_EIO;
}

int avs_evidence_prepare(struct avs_evidence_prep *out, unsigned char key[AVS_EVKEY_LEN],
                         const char *data_dir, const char *journal_path, int64_t now_ms)
{
    struct avs_journal_check chk;
    char *prefix = NULL;
    memset(out, 0, sizeof *out);
    int rc = avs_journal_load(&chk, NULL, NULL, journal_path);
    int exists = rc == 0;
    if (rc == AVS_ENOENT)
        rc = 0;
    if (rc) {
        out->why = "the journal could not be read";
        return rc;
    }
    if (exists && chk.records && !chk.keyed && chk.status != AVS_JOURNAL_BROKEN) {
        /* journal.jsonl -> journal-unkeyed-<time>.jsonl, same folder. */
        size_t n = strlen(journal_path);
        const char *ext = n > 6 && strcmp(journal_path + n - 6, ".jsonl") == 0 ? ".jsonl" : "";
        struct avs_buf b = AVS_BUF_INIT;
        avs_buf_printf(&b, "%.*s-unkeyed-", (int)(n - strlen(ext)), journal_path);
        prefix = avs_buf_detach(&b);
        rc = prefix ? free_name(&out->unkeyed_moved_to, prefix, ext, now_ms) : AVS_ENOMEM;
        free(prefix);
        if (!rc)
            rc = avs_os_path_move(journal_path, out->unkeyed_moved_to);
        if (rc) {
            free(out->unkeyed_moved_to);
            out->unkeyed_moved_to = NULL;
            out->why = "the older, unkeyed journal could not be moved aside";
            return rc;
        }
        exists = 0;
    }
    rc = avs_evidence_key_load(key, data_dir);
    if (rc == AVS_ENOENT && !(exists && chk.records)) {
        rc = avs_evidence_key_create(key, data_dir);
        if (rc)
            out->why = "a new evidence key could not be created";
        else
            out->key_created = 1;
        return rc;
    }
    if (rc == AVS_ENOENT)
        out->why = "the journal is keyed but this machine's evidence key is missing";
    else if (rc == AVS_EMISMATCH)
        out->why = "the evidence key does not open on this machine (DPAPI)";
    else if (rc)
        out->why = "the evidence key is damaged";
    return rc;
}

void avs_evidence_prep_free(struct avs_evidence_prep *p)
{
    if (!p)
        return;
    free(p->unkeyed_moved_to);
    memset(p, 0, sizeof *p);
}

/* Here rather than in evxml.c, which stays free of core/os.h calls so it can be fuzzed alone. */
int avs_evxml_read_file(struct avs_evxml *out, const char *path)
{
    avs_evxml_init(out);
    return avs_os_xml_parse_file(path, 256u * 1024u * 1024u, &avs_evxml_handler, out);
}
