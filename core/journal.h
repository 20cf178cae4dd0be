/* core/journal — the append-only, hash-chained remediation journal (JSON lines).
 *
 * Every step of a remediation is recorded twice, "begin" before it acts and "end" after, as one
 * line of JSON each:
 *
 *   {"seq":1,"time":"2024-05-01T12:00:00.000Z","host":"PC1","run_id":"...",
 *    "actor":{"sid":"S-1-5-18","name":"NT AUTHORITY\\SYSTEM"},"step":"remove","phase":"begin",
 *    "product":"Kaspersky Endpoint Security","version":"11.1","product_code":"{...}",
 *    "outcome":null,"detail":null,"prev":"<64 hex>"}
 *
 * Every key is always present, in this order; product, version, product_code and detail may be
 * null; outcome is null on "begin" and an integer (a Windows Installer / process result code, or
 * for the "outcome" step the run's exit code) on "end". "seq" counts lines from 1 with no gaps.
 * "prev" is the lowercase hex SHA-256 of the previous line's bytes without its newline, 64 zeros
 * for the first line, so changing, removing or reordering any line breaks the chain at the line
 * after it. (The chain cannot notice a change to the very last line on its own: each record's
 * hash, avs_journal_hash(), also goes to the Event Log, which anchors the tail.)
 *
 * Durability: avs_journal_append() returns 0 only after the line and its newline are flushed to
 * the disk, so a step's effect may be trusted (and the next step started) only after its record
 * was appended. A crash during an append leaves a torn last line; readers report it as torn and
 * never trust it, and the next writer repairs it (see avs_journal_open()).
 *
 * Keyed records: a journal written with the machine's evidence key (core/evidence.h) carries in
 * every record a 14th key, last, "hmac": the lowercase hex HMAC-SHA-256 under that key of the
 * record's line as it would be without it (the same bytes with the closing brace right after
 * "prev"). Exactly `,"hmac":"<64 hex>"}` ends a keyed line. The SHA-256 chain covers the whole
 * line, MAC included, so anyone can still verify the chain of an export anywhere, while only a
 * holder of the key (SYSTEM and Administrators of that machine) can write records that verify
 * there: recomputing the chain after an edit no longer passes. A file is keyed or unkeyed
 * throughout; a journal from before the key ("unkeyed, older format") is never extended with
 * keyed records.
 *
 * SECRETS: there is deliberately no field that could carry a password, and none may be added.
 * Uninstall passwords (KLPASSWD and the like) never reach this API: callers must not put them, or
 * anything derived from them, in "detail" or any other string. */
#ifndef AVS_JOURNAL_H
#define AVS_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "sha256.h"

/* The largest journal read, in bytes (AVS_ETOOBIG beyond), and the longest line written or
 * accepted, in bytes without the newline. */
#define AVS_JOURNAL_MAX_BYTES (32u * 1024u * 1024u)
#define AVS_JOURNAL_LINE_MAX (16u * 1024u)

/* The evidence key's length in bytes (HMAC-SHA-256 key). */
#define AVS_EVKEY_LEN 32

enum avs_journal_step {
    AVS_JSTEP_PLAN,                /* "plan": the ordered removals and the strategy */
    AVS_JSTEP_PREFLIGHT,           /* "preflight": the checks before the first removal */
    AVS_JSTEP_REMOVE,              /* "remove": one product (product, version, product_code) */
    AVS_JSTEP_REPLACEMENT_STAGE,   /* "replacement-stage": copied and hash-verified */
    AVS_JSTEP_REPLACEMENT_INSTALL, /* "replacement-install" */
    AVS_JSTEP_REPLACEMENT_VERIFY,  /* "replacement-verify": installed and its service running */
    AVS_JSTEP_REBOOT,              /* "reboot": begin = a reboot is needed; end = it happened */
    AVS_JSTEP_OUTCOME,             /* "outcome": the run's result (exit code); "end" only */
    AVS_JSTEP_JOURNAL,             /* "journal": the journal's own notes (torn tail repaired) */
};
#define AVS_JSTEP_COUNT 9

enum avs_journal_phase {
    AVS_JPHASE_BEGIN,
    AVS_JPHASE_END,
};

/* The step's name as written ("replacement-stage"); "?" for an unknown value. */
const char *avs_journal_step_name(enum avs_journal_step step);

/* The step named NAME into *out; AVS_EFORMAT when NAME is not a step. */
int avs_journal_step_parse(enum avs_journal_step *out, const char *name);

/* Formats MS (milliseconds since 1970-01-01 UTC) as "YYYY-MM-DDTHH:MM:SS.mmmZ" into OUT.
 * AVS_EINVAL outside years 1970..9999. */
int avs_journal_format_time(char out[25], int64_t ms);

/* Parses exactly that format (nothing else) into *out_ms; AVS_EFORMAT when TEXT is not a
 * valid date and time in it. */
int avs_journal_parse_time(int64_t *out_ms, const char *text);

/* ---------------------------------------------------------------------------------------------
 * Writing
 * ------------------------------------------------------------------------------------------- */

/* Who writes: the same for every record of a writer. Strings are copied. */
struct avs_journal_ident {
    const char *host;      /* computer name; required */
    const char *run_id;    /* the run's ID; required */
    const char *user_sid;  /* the actor's SID ("S-1-5-18" for SYSTEM); required */
    const char *user_name; /* the actor's DOMAIN\user; required */
};

/* One record to append. No field may hold a secret (see the top of this file). */
struct avs_journal_entry {
    enum avs_journal_step step;
    enum avs_journal_phase phase;
    const char *product;      /* the product's name; NULL when the step is not about one */
    const char *version;      /* NULL when unknown or not applicable */
    const char *product_code; /* MSI product code, or the Uninstall key name for EXE products;
                                 a product's identity in the fold. NULL when not applicable */
    int64_t outcome;          /* written on "end" only */
    const char *detail;       /* short free text for people; NULL for none */
};

typedef struct avs_journal avs_journal;

struct avs_journal_check;

/* Opens the journal at PATH for appending; the file is created by the first append. It is read
 * and verified first (CHECK, may be NULL, receives the result):
 *   - intact: appends continue its chain and sequence;
 *   - torn last line: the torn bytes are cut off (the file is truncated after the last complete
 *     line), then a "journal" record is appended whose detail gives how many bytes were dropped
 *     and their SHA-256. Cutting rather than leaving them in place is safe because a torn line
 *     is by construction an append that never returned success, so nothing was trusted on it;
 *     and it keeps the invariant "every line is a verified record", which a verifier that had
 *     to skip junk lines in the middle would lose (skipping junk is how an edit would hide).
 *     The note keeps the evidence that bytes were dropped, inside the chain.
 *   - broken (a bad record before the end): AVS_EFORMAT, nothing is written. Building on a
 *     chain that cannot be trusted would launder it; the engine reports the journal instead.
 * Returns AVS_ETOOBIG beyond AVS_JOURNAL_MAX_BYTES, AVS_EINVAL when an IDENT field is missing,
 * and the errors of core/os.h's file functions. Close with avs_journal_close(). */
int avs_journal_open(avs_journal **out, const char *path, const struct avs_journal_ident *ident,
                     struct avs_journal_check *check);

/* As avs_journal_open(), with KEY (AVS_EVKEY_LEN bytes; NULL for an unkeyed journal, as
 * avs_journal_open() does): every record appended carries its HMAC, and the existing records
 * must be keyed and verify under KEY (a bad MAC is a broken journal: AVS_EFORMAT). A non-empty
 * journal in the other format is refused with AVS_EFORMAT (CHECK says which it is). The key is
 * copied and wiped on close. */
int avs_journal_open_keyed(avs_journal **out, const char *path,
                           const struct avs_journal_ident *ident,
                           const unsigned char key[AVS_EVKEY_LEN], struct avs_journal_check *check);

/* Appends one record stamped with avs_os_now() and returns 0 once it is flushed to the disk.
 * AVS_EINVAL for an out-of-range step or phase, AVS_ETOOBIG when the line would exceed
 * AVS_JOURNAL_LINE_MAX (nothing is written). When the file write fails the error is returned and
 * kept: every later append fails with it too, because the file may now end in a torn line; close
 * the journal and open it again (which repairs it) before writing more. */
int avs_journal_append(avs_journal *j, const struct avs_journal_entry *e);

/* The seq of the last record in the journal (0 when empty) and the hex SHA-256 of its line
 * (64 zeros when empty): after a successful append, the record just written. The string lives
 * as long as J. */
int64_t avs_journal_seq(const avs_journal *j);
const char *avs_journal_hash(const avs_journal *j);

void avs_journal_close(avs_journal *j);

/* ---------------------------------------------------------------------------------------------
 * Reading and verifying
 * ------------------------------------------------------------------------------------------- */

/* One verified record. Strings are malloc'd and owned by the array (avs_journal_recs_free). */
struct avs_journal_rec {
    size_t line; /* 1-based line number in the file */
    int64_t seq;
    int64_t time_ms; /* milliseconds since 1970-01-01 UTC */
    char *host;
    char *run_id;
    char *user_sid;
    char *user_name;
    enum avs_journal_step step;
    enum avs_journal_phase phase;
    char *product;      /* NULL when null */
    char *version;      /* NULL when null */
    char *product_code; /* NULL when null */
    int64_t outcome;    /* "end" records; 0 on "begin" */
    char *detail;       /* NULL when null */
    char prev[AVS_SHA256_HEX_LEN + 1];
    char hash[AVS_SHA256_HEX_LEN + 1]; /* SHA-256 of this line: the next record's prev */
};

enum avs_journal_status {
    AVS_JOURNAL_INTACT, /* every line is a verified record (an empty journal is intact) */
    AVS_JOURNAL_TORN,   /* every line verified except the last, a torn write: not trusted */
    AVS_JOURNAL_BROKEN, /* a complete line is not a valid record, or the chain or the sequence
                           breaks at it: the journal was damaged or edited */
};

struct avs_journal_check {
    enum avs_journal_status status;
    size_t bad_line;   /* 1-based line of the torn or first bad line; 0 when intact */
    char why[160];     /* what is wrong with it ("" when intact) */
    size_t good_bytes; /* length of the verified prefix (whole lines with their newlines) */
    size_t records;    /* verified records */
    int64_t last_seq;  /* seq of the last verified record; 0 when none */
    char last_hash[AVS_SHA256_HEX_LEN + 1]; /* its line's hash; 64 zeros when none */
    int keyed;        /* the records carry HMACs (0: "unkeyed, older format", or empty) */
    int macs_checked; /* keyed, and every verified record's HMAC was checked under the key */
};

/* Verifies LEN bytes of journal DATA, line by line: each complete line must be one record as
 * described at the top of this file, with seq one more than the line before and prev the hash
 * of the line before. Stops at the first bad line. The last line counts as torn (not broken)
 * when it has no newline, or when it is not JSON at all: that is what an interrupted append
 * leaves. *out_recs (with *out_count) receives the verified records before it; pass NULL for
 * both when only the check is wanted. Returns 0 whatever the status (see CHECK), or
 * AVS_ENOMEM. */
int avs_journal_verify(struct avs_journal_check *check, struct avs_journal_rec **out_recs,
                       size_t *out_count, const char *data, size_t len);

/* As avs_journal_verify(), and with KEY (NULL: the public check only) the HMAC of every keyed
 * record is checked too: a mismatch makes the journal broken at that line ("HMAC mismatch at
 * record N"). Records of the other format than the first line's break it as well. */
int avs_journal_verify_keyed(struct avs_journal_check *check, struct avs_journal_rec **out_recs,
                             size_t *out_count, const char *data, size_t len,
                             const unsigned char key[AVS_EVKEY_LEN]);

/* Reads the journal at PATH and verifies it as avs_journal_verify_keyed() does. */
int avs_journal_load_keyed(struct avs_journal_check *check, struct avs_journal_rec **out_recs,
                           size_t *out_count, const char *path,
                           const unsigned char key[AVS_EVKEY_LEN]);

/* Reads the journal at PATH and verifies it as avs_journal_verify() does. AVS_ENOENT when
 * there is no journal; AVS_ETOOBIG beyond AVS_JOURNAL_MAX_BYTES. */
int avs_journal_load(struct avs_journal_check *check, struct avs_journal_rec **out_recs,
                     size_t *out_count, const char *path);

void avs_journal_recs_free(struct avs_journal_rec *recs, size_t count);

/* ---------------------------------------------------------------------------------------------
 * Evidence export
 * ------------------------------------------------------------------------------------------- */

/* Writes the journal at JOURNAL_PATH, byte for byte as it is on disk (damage included: the
 * auditor gets what is there), gzip-compressed, to OUT_PATH (avs_os_file_write_atomic), and
 * verifies it on the way: CHECK (may be NULL) receives the result, which does not stop the
 * export. AVS_ENOENT when there is no journal, AVS_EUNAVAIL when built without zlib (see
 * core/gzip.h), and the errors of core/os.h's file functions. */
int avs_journal_export(struct avs_journal_check *check, const char *journal_path,
                       const char *out_path);

#endif
