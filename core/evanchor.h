/* core/evanchor — the journal checked against the events it sent to the Event Log.
 *
 * Every journal record that AvSwap reports also goes out as an event whose last insertion
 * string is "seq N, SHA-256 H" (H the SHA-256 of record N's line), and that event may sit in a
 * Windows Event Forwarding collector out of reach of anyone on the machine. Matched record by
 * record through H: a record whose hash an event carries is pinned, and so is every record
 * before it (the chain), so an edit made later, even by an administrator who holds the key,
 * shows wherever the events went. */
#ifndef AVS_EVANCHOR_H
#define AVS_EVANCHOR_H

#include <stddef.h>
#include <stdint.h>

#include "evxml.h"
#include "journal.h"

#define AVS_ANCHOR_LIST 16 /* seqs listed per kind */

struct avs_anchor_report {
    size_t records; /* records in the journal */
    size_t matched; /* records whose own hash an event carries */
    size_t chained; /* records before the last matched one, pinned through the chain */
    size_t missing; /* records after the last matched one: in no event */
    int64_t first_missing;
    size_t events;      /* this computer's AvSwap events that name a record */
    size_t other_hosts; /* AvSwap events of other computers (skipped) */
    size_t unmatched;   /* events naming a record this journal does not have */
    int64_t unmatched_seq[AVS_ANCHOR_LIST];
    size_t edited; /* records whose hash differs from the one their event carries */
    int64_t edited_seq[AVS_ANCHOR_LIST];
};

/* Checks the verified records RECS (N of them, seq 1..N in order) against the events EV of
 * PROVIDER ("AvSwap"). Events of another computer than the records' host are skipped
 * (compared up to the first dot, case folded: collectors show FQDNs). Returns 1 when every
 * record is anchored and no event contradicts the journal, else 0. */
int avs_anchor_check(struct avs_anchor_report *out, const struct avs_journal_rec *recs, size_t n,
                     const struct avs_evxml *ev, const char *provider);

/* Parses "seq N, SHA-256 <64 hex>" (the whole string) into *seq and HEX. 0 or AVS_EFORMAT. */
int avs_anchor_parse_ref(int64_t *seq, char hex[AVS_SHA256_HEX_LEN + 1], const char *s);

#endif
