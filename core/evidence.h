/* core/evidence — what makes the journal evidence: the machine's evidence key (the HMAC key of
 * keyed journals, core/journal.h) and the trust of AvSwap's folder that holds both.
 *
 * The key is 32 random bytes, kept DPAPI-protected in machine scope as DATA_DIR\evidence.key
 * inside AvSwap's protected folder (%ProgramData%\AvSwap: SYSTEM and Administrators only). It
 * lives and dies with the evidence: the uninstaller keeps the folder, a reimage loses both. A
 * standard user can neither read it nor write records that verify under it. */
#ifndef AVS_EVIDENCE_H
#define AVS_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>

#include "journal.h"

#define AVS_EVKEY_NAME "evidence.key"

/* Reads and opens the evidence key of DATA_DIR into KEY. AVS_ENOENT when there is none,
 * AVS_EFORMAT when the file is not a key AvSwap wrote (damaged) and AVS_EMISMATCH when DPAPI
 * will not open it on this machine (copied from another one); KEY is untouched then. */
int avs_evidence_key_load(unsigned char key[AVS_EVKEY_LEN], const char *data_dir);

/* Creates a new evidence key in DATA_DIR (which must exist and be AvSwap's protected folder),
 * replacing none: AVS_EUNSAFE when a key file is already there. */
int avs_evidence_key_create(unsigned char key[AVS_EVKEY_LEN], const char *data_dir);

/* What avs_evidence_prepare() did and found, for the events the caller writes. Strings are
 * malloc'd (avs_evidence_prep_free). */
struct avs_evidence_prep {
    char *unkeyed_moved_to; /* an older, unkeyed journal was renamed to this path */
    int key_created;        /* a new key was made (first keyed run on this machine) */
    const char *why;        /* on failure: what is wrong, for people (static text) */
};

/* Gets everything ready before a run appends to JOURNAL_PATH in DATA_DIR, and the key into KEY:
 *   - a non-empty journal in the older, unkeyed format (intact or torn) is renamed, unchanged,
 *     to journal-unkeyed-<UTC time>.jsonl beside it: keyed records are never appended to an
 *     unkeyed chain, and the old one stays as evidence (avswap evidence verify --journal);
 *   - the key is loaded, or created when there is none and no keyed journal exists.
 * A keyed journal whose key is missing or does not open fails (AVS_ENOENT, AVS_EMISMATCH,
 * AVS_EFORMAT, with OUT->why): records written under a new key would not verify with the old
 * ones, and a vanished key is itself a sign of tampering. NOW_MS names the moved file. */
int avs_evidence_prepare(struct avs_evidence_prep *out, unsigned char key[AVS_EVKEY_LEN],
                         const char *data_dir, const char *journal_path, int64_t now_ms);
void avs_evidence_prep_free(struct avs_evidence_prep *p);

/* ---------------------------------------------------------------------------------------------
 * The trust of AvSwap's folder
 * ------------------------------------------------------------------------------------------- */

/* One item moved aside. */
struct avs_evidence_moved {
    char *from;
    char *to;
    char *why; /* "owner S-1-5-21-...-1001 is not SYSTEM or Administrators", ... */
};

/* Checks DATA_DIR and everything in it (subfolders too, to a depth of 4): the folder must be
 * owned by SYSTEM or Administrators with a protected DACL that allows only them, and every file
 * and subfolder must be owned by them (subfolders with a DACL that allows only them, which
 * they may inherit). Anything else was made
 * by someone else and is moved aside, never deleted (it is evidence of an attack), never read:
 *   - the folder itself: renamed to DATA_DIR.untrusted-<UTC time> (the caller makes a new one);
 *   - an item inside: renamed to NAME.untrusted-<UTC time> in its folder (such names are left
 *     alone by later checks and never read by AvSwap).
 * *out lists what was moved (*out_count items; avs_evidence_moved_free). Returns 0 when the
 * folder does not exist, AVS_EACCES when its security may not be read (not elevated: the
 * caller goes on without the check, since it may not write there either), or the error of a
 * move that failed (then nothing in the folder may be trusted: the caller stops). */
int avs_evidence_folder_check(struct avs_evidence_moved **out, size_t *out_count,
                              const char *data_dir, int64_t now_ms);
void avs_evidence_moved_free(struct avs_evidence_moved *m, size_t count);

/* "YYYYMMDDTHHMMSSmmmZ" for NOW_MS: the file-name-safe UTC time in the names of what is moved
 * aside (an unkeyed journal, an untrusted item). */
void avs_evidence_stamp(char out[20], int64_t now_ms);

/* 1 when NAME is a quarantine name given by avs_evidence_folder_check(). */
int avs_evidence_is_quarantined(const char *name);

#endif
