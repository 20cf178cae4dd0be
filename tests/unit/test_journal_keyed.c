/* Keyed journals: every record carries an HMAC-SHA-256 under the machine's evidence key, so a
 * rewrite that recomputes the public SHA-256 chain no longer verifies on the machine. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "fake_evidence.h"
#include "fake_fs.h"
#include "fake_remediate.h"
#include "journal.h"
#include "sha256.h"

static const unsigned char KEY[AVS_EVKEY_LEN] = "0123456789abcdef0123456789abcde";
static const unsigned char OTHER[AVS_EVKEY_LEN] = "another machine's key..........";

static const struct avs_journal_ident ID = {"PC1", "run-1", "S-1-5-18", "NT AUTHORITY\\SYSTEM"};

static void setup(void)
{
    fake_fs_reset();
    fake_evidence_reset();
}

TestSuite(journal_keyed, .init = setup, .fini = fake_fs_reset);

/* Writes N records (remove begin/end pairs, then an outcome) to "j" with KEY (or none). */
static void write_n(int n, const unsigned char *key)
{
    avs_journal *j = NULL;
    cr_assert_eq(avs_journal_open_keyed(&j, "j", &ID, key, NULL), 0);
    for (int i = 0; i < n; i++) {
        struct avs_journal_entry e = {i + 1 == n ? AVS_JSTEP_OUTCOME : AVS_JSTEP_REMOVE,
                                      i % 2 || i + 1 == n ? AVS_JPHASE_END : AVS_JPHASE_BEGIN,
                                      "Kaspersky Free",
                                      "21.3",
                                      "{P}",
                                      i + 1 == n ? 1603 : 0,
                                      NULL};
        cr_assert_eq(avs_journal_append(j, &e), 0);
    }
    avs_journal_close(j);
}

static struct avs_journal_check verify(const unsigned char *key)
{
    struct avs_journal_check c;
    size_t n;
    const char *d = fake_fs_data("j", &n);
    cr_assert_not_null(d);
    cr_assert_eq(avs_journal_verify_keyed(&c, NULL, NULL, d, n, key), 0);
    return c;
}

/* The lines of "j", as malloc'd strings without newlines. */
static size_t lines_of(char *out[16])
{
    size_t n, count = 0;
    const char *d = fake_fs_data("j", &n), *end = d + n;
    while (d < end && count < 16) {
        const char *nl = memchr(d, '\n', (size_t)(end - d));
        /* room to grow: rechain() may lengthen a line */
        out[count] = calloc(1, 20000);
        cr_assert_not_null(out[count]);
        memcpy(out[count], d, (size_t)(nl - d));
        count++;
        d = nl + 1;
    }
    return count;
}

/* What an attacker without the key does after editing: renumber seq, recompute every prev,
 * and write the file back. MACs stay as they were (they cannot be recomputed). STRIP removes
 * the "hmac" too (the downgrade). */
static void rechain(char **l, size_t n, int strip)
{
    char prev[65];
    memset(prev, '0', 64);
    prev[64] = 0;
    fake_fs_remove("j");
    for (size_t i = 0; i < n; i++) {
        char *p = strstr(l[i], "\"prev\":\"");
        cr_assert_not_null(p);
        memcpy(p + 8, prev, 64);
        char *s = strstr(l[i], "\"seq\":");
        char rest[16384];
        snprintf(rest, sizeof rest, "%s", strchr(s, ','));
        snprintf(s, 20000 - (size_t)(s - l[i]), "\"seq\":%zu%s", i + 1, rest);
        if (strip) {
            char *h = strstr(l[i], ",\"hmac\":");
            if (h)
                memcpy(h, "}", 2);
        }
        avs_sha256_hex_of(prev, l[i], strlen(l[i]));
        cr_assert_eq(avs_os_file_append_durable("j", l[i], strlen(l[i])), 0);
        cr_assert_eq(avs_os_file_append_durable("j", "\n", 1), 0);
    }
}

static void free_lines(char **l, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(l[i]);
}

Test(journal_keyed, intact_with_and_without_the_key)
{
    write_n(5, KEY);
    struct avs_journal_check c = verify(KEY);
    cr_assert_eq(c.status, AVS_JOURNAL_INTACT, "%s", c.why);
    cr_assert_eq(c.records, 5);
    cr_assert(c.keyed && c.macs_checked);
    /* Anyone, anywhere, can still check the public chain of an export. */
    c = verify(NULL);
    cr_assert_eq(c.status, AVS_JOURNAL_INTACT);
    cr_assert(c.keyed && !c.macs_checked);
    char *l[16];
    size_t n = lines_of(l);
    size_t len = strlen(l[0]);
    cr_assert(len > 75 && strncmp(l[0] + len - 75, ",\"hmac\":\"", 9) == 0,
              "the MAC is the last key: %s", l[0]);
    free_lines(l, n);
}

Test(journal_keyed, another_key_fails_at_record_1)
{
    write_n(3, KEY);
    struct avs_journal_check c = verify(OTHER);
    cr_assert_eq(c.status, AVS_JOURNAL_BROKEN);
    cr_assert_eq(c.bad_line, 1);
    cr_assert(strstr(c.why, "HMAC mismatch at record 1"), "%s", c.why);
}

Test(journal_keyed, deleted_record_with_chain_recomputed)
{
    write_n(6, KEY);
    char *l[16];
    size_t n = lines_of(l);
    free(l[2]);
    memmove(&l[2], &l[3], (n - 3) * sizeof *l);
    n--;
    rechain(l, n, 0);
    /* The public chain is intact again: that is what the attack achieved before. */
    struct avs_journal_check c = verify(NULL);
    cr_assert_eq(c.status, AVS_JOURNAL_INTACT, "%s", c.why);
    c = verify(KEY);
    cr_assert_eq(c.status, AVS_JOURNAL_BROKEN);
    cr_assert_eq(c.bad_line, 3);
    cr_assert(strstr(c.why, "HMAC mismatch at record 3"), "%s", c.why);
    free_lines(l, n);
}

Test(journal_keyed, edited_outcome_with_chain_recomputed)
{
    write_n(4, KEY);
    char *l[16];
    size_t n = lines_of(l);
    char *o = strstr(l[3], "\"outcome\":1603");
    cr_assert_not_null(o);
    memcpy(o, "\"outcome\":   0", 14); /* same length, still valid JSON */
    rechain(l, n, 0);
    cr_assert_eq(verify(NULL).status, AVS_JOURNAL_INTACT);
    struct avs_journal_check c = verify(KEY);
    cr_assert_eq(c.status, AVS_JOURNAL_BROKEN);
    cr_assert_eq(c.bad_line, 4);
    cr_assert(strstr(c.why, "HMAC mismatch at record 4"), "%s", c.why);
    free_lines(l, n);
}

Test(journal_keyed, reordered_records)
{
    write_n(4, KEY);
    char *l[16];
    size_t n = lines_of(l);
    char *t = l[1];
    l[1] = l[2];
    l[2] = t;
    rechain(l, n, 0);
    struct avs_journal_check c = verify(KEY);
    cr_assert_eq(c.status, AVS_JOURNAL_BROKEN);
    cr_assert_eq(c.bad_line, 2);
    free_lines(l, n);
}

Test(journal_keyed, stripping_every_mac_reads_as_unkeyed)
{
    write_n(3, KEY);
    char *l[16];
    size_t n = lines_of(l);
    rechain(l, n, 1);
    /* Verifies as the older format, never as keyed: the caller knows a key exists and says
     * the keyed journal was replaced (uninstaller/cmd_evidence.c). */
    struct avs_journal_check c = verify(KEY);
    cr_assert_eq(c.status, AVS_JOURNAL_INTACT);
    cr_assert(!c.keyed && !c.macs_checked);
    free_lines(l, n);
}

Test(journal_keyed, stripping_the_last_mac_breaks)
{
    write_n(3, KEY);
    char *l[16];
    size_t n = lines_of(l);
    char *h = strstr(l[2], ",\"hmac\":");
    memcpy(h, "}", 2);
    rechain(l, n, 0);
    struct avs_journal_check c = verify(NULL);
    cr_assert_eq(c.status, AVS_JOURNAL_BROKEN);
    cr_assert_eq(c.bad_line, 3);
    cr_assert(strstr(c.why, "unkeyed record in a keyed journal"), "%s", c.why);
    free_lines(l, n);
}

Test(journal_keyed, mac_in_a_non_canonical_spelling_fails)
{
    write_n(1, KEY);
    char *l[16];
    size_t n = lines_of(l);
    char *h = strstr(l[0], ",\"hmac\":\"");
    char buf[20000];
    /* The same JSON with a space: the parser accepts it, the MAC check does not. */
    snprintf(buf, sizeof buf, "%.*s, \"hmac\":%s", (int)(h - l[0]), l[0], h + 8);
    fake_fs_remove("j");
    fake_fs_put("j", buf, strlen(buf));
    cr_assert_eq(avs_os_file_append_durable("j", "\n", 1), 0);
    struct avs_journal_check c = verify(KEY);
    cr_assert_eq(c.status, AVS_JOURNAL_BROKEN);
    free_lines(l, n);
}

Test(journal_keyed, unkeyed_journal_is_never_extended_keyed)
{
    write_n(2, NULL);
    struct avs_journal_check c = verify(KEY);
    cr_assert_eq(c.status, AVS_JOURNAL_INTACT);
    cr_assert(!c.keyed);
    avs_journal *j = NULL;
    cr_assert_eq(avs_journal_open_keyed(&j, "j", &ID, KEY, &c), AVS_EFORMAT);
    cr_assert_null(j);
    /* nor a keyed one unkeyed */
    fake_fs_remove("j");
    write_n(2, KEY);
    cr_assert_eq(avs_journal_open(&j, "j", &ID, NULL), AVS_EFORMAT);
    cr_assert_eq(avs_journal_open_keyed(&j, "j", &ID, OTHER, NULL), AVS_EFORMAT,
                 "a keyed journal under another key is not extended");
}

Test(journal_keyed, resumed_keyed_journal_continues)
{
    write_n(2, KEY);
    write_n(2, KEY);
    struct avs_journal_check c = verify(KEY);
    cr_assert_eq(c.status, AVS_JOURNAL_INTACT, "%s", c.why);
    cr_assert_eq(c.records, 4);
}
