/* core/report — `avswap report`: the auditor's fleet view, aggregated per machine from AvSwap's
 * events (Event Log exports, `wevtutil qe ... /f:xml`, read streaming: nothing is kept per
 * event) and from `avswap evidence export` files (gzip journals).
 *
 * Only provider AvSwap counts. Machines are one machine up to the first dot, case folded
 * ("PC1" = "pc1.corp.example"), as core/evanchor.c compares them. The latest state of a
 * machine is the one its newest deciding event says (by TimeCreated, not by the order in the
 * file: `wevtutil /rd:true` writes newest first); AvSwap event IDs the report does not know are
 * counted in a note, never guessed at.
 *
 * Times are milliseconds since 1970-01-01 UTC (0: none), as in core/journal.h.
 *
 * Build a report with a builder (avs_report_builder_new, then avs_report_expect /
 * avs_report_read_file / avs_report_add_event / avs_report_add_journal, then
 * avs_report_finish), then write it with the avs_report_write_* functions. */
#ifndef AVS_REPORT_H
#define AVS_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "evxml.h"
#include "journal.h"
#include "sha256.h"

/* Per machine, at most this many products and run IDs are kept (more are counted in
 * struct avs_report_notes): a machine's events come from a machine a user may control, and the
 * report's memory must not grow with what one of them sends. */
#define AVS_REPORT_MAX_PRODUCTS 32
#define AVS_REPORT_MAX_RUNS 16
#define AVS_REPORT_MAX_UNKNOWN_IDS 16 /* distinct unknown event IDs listed */
#define AVS_REPORT_MAX_TEXT 512       /* bytes kept of a name, version or reason */

/* The latest state of a machine; the words are those of the CSV and JSON. */
enum avs_report_state {
    AVS_RSTATE_COMPLIANT,      /* "compliant": a compliant verdict (2090, 6000, 6020) */
    AVS_RSTATE_NOT_COMPLIANT,  /* "not-compliant": a scan found prohibited software (2091) */
    AVS_RSTATE_REBOOT_PENDING, /* "reboot-pending": 6001 */
    AVS_RSTATE_FAILED,         /* "failed": 6003, 9001, 6022 */
    AVS_RSTATE_BLOCKED,        /* "blocked": 6002 */
    AVS_RSTATE_AUDIT,   /* "audit": an audit run found prohibited software and left it (6021) */
    AVS_RSTATE_SILENT,  /* "silent": listed in --expected and never reported */
    AVS_RSTATE_UNKNOWN, /* "unknown": AvSwap events but none that gives a verdict yet */
};
#define AVS_RSTATE_COUNT 8

/* The word for STATE ("reboot-pending"); "?" for a value out of range. */
const char *avs_report_state_name(enum avs_report_state state);

/* 1 when ID is one of AvSwap's event IDs (win32/avs_messages.mc; a unit test keeps the two
 * equal), 0 for an ID of a newer AvSwap, which the report counts in a note. */
int avs_report_event_known(uint32_t id);

/* What the record hashes ("seq N, SHA-256 H", the last insertion string of every remediation
 * event that mirrors a journal record) say about a machine's evidence chain. */
enum avs_report_evidence {
    AVS_REVIDENCE_NONE,       /* "none": no event names a journal record (scans, audit runs) */
    AVS_REVIDENCE_CONSISTENT, /* "consistent": records 1..last all accounted for */
    AVS_REVIDENCE_GAPS,       /* "gaps": records missing (events stopped arriving or were cut) */
    AVS_REVIDENCE_CONFLICT,   /* "conflict": one record with two hashes, or a journal that does
                                 not verify (edited) */
};
const char *avs_report_evidence_name(enum avs_report_evidence e);

struct avs_report_product {
    char *name;            /* as the events wrote it */
    char *version_found;   /* the newest 2010's version; NULL when not found by a scan */
    char *version_removed; /* the newest removal's (4001/4002/4003) version; NULL when never */
    int64_t first_found_ms;
    int64_t last_found_ms;
    int64_t removed_ms; /* the newest removal; 0 when never removed */
    int remaining;      /* still there as far as the events tell (see avs_report_finish) */
};

struct avs_report_machine {
    char *name;    /* as first written (an event's Computer, or the --expected line) */
    int expected;  /* listed in --expected */
    size_t events; /* AvSwap events of this machine (and journal records) counted */
    enum avs_report_state state;
    uint32_t state_event; /* the event ID that set the state; 0 for silent/unknown */
    int64_t state_ms;     /* its time; 0 for silent/unknown */
    char *state_reason;   /* the reason of a 6002/6003/9001/6022 (step: reason); NULL */
    struct avs_report_product *products; /* sorted by name */
    size_t n_products;
    char *replacement; /* the approved antivirus of the newest 5003/6000; NULL */
    char **run_ids;    /* distinct run IDs, oldest first */
    size_t n_run_ids;
    char *last_run_id; /* the run ID of the newest event that carries one; NULL */
    int64_t first_event_ms;
    int64_t last_event_ms;
    /* For the progress chart: when prohibited software was first seen here (2010, 2091, 6021,
     * a journal's removal; 0 never), and when the machine became compliant after its last
     * finding (0 when it is not remediated). */
    int64_t first_prohibited_ms;
    int64_t remediated_ms;
    int with_prohibited; /* prohibited software was seen here, ever */
    int remediated;      /* with_prohibited and the latest state is compliant */
    enum avs_report_evidence evidence;
    int64_t evidence_last_seq;  /* the highest record seq seen; 0 when none */
    size_t evidence_missing;    /* records in 1..last_seq not accounted for */
    int64_t evidence_first_gap; /* the first of them; 0 when none */
    int evidence_tail_open;     /* the newest record named is not a run's outcome (6000-6004):
                                   the run's later events never arrived, or it still runs */
};

struct avs_report_input {
    char *path;
    char sha256[AVS_SHA256_HEX_LEN + 1]; /* of the file as read */
    uint64_t bytes;
    int journal;      /* an `avswap evidence export` file (gzip journal), not an event export */
    size_t events;    /* AvSwap events read (journal records for a journal) */
    int64_t first_ms; /* the time span of what it holds; 0 when empty */
    int64_t last_ms;
};

struct avs_report_by_product {
    char *name;
    size_t found;     /* machines where it was seen */
    size_t removed;   /* machines where its removal was recorded */
    size_t remaining; /* machines where it is still present */
};

struct avs_report_totals {
    size_t machines;        /* machines seen (silent ones not counted) */
    size_t with_prohibited; /* with prohibited software, ever */
    size_t remediated;      /* latest state compliant after having had findings */
    size_t remaining;       /* with prohibited software and not remediated */
    size_t failed;          /* latest state failed or blocked */
    size_t silent;          /* expected and never reported */
    size_t by_state[AVS_RSTATE_COUNT];
};

struct avs_report_notes {
    size_t unknown_events; /* AvSwap events whose ID the report does not know: not counted */
    uint32_t unknown_ids[AVS_REPORT_MAX_UNKNOWN_IDS];
    size_t unknown_id_events[AVS_REPORT_MAX_UNKNOWN_IDS];
    size_t unknown_distinct;
    size_t malformed;        /* AvSwap events without EventID, Computer or a valid TimeCreated */
    size_t other_providers;  /* events of other providers (skipped) */
    size_t dropped_products; /* beyond AVS_REPORT_MAX_PRODUCTS on a machine */
    size_t dropped_runs;     /* run IDs beyond AVS_REPORT_MAX_RUNS on a machine */
    size_t truncated_text;   /* strings cut at AVS_REPORT_MAX_TEXT */
};

struct avs_report {
    struct avs_report_input *inputs; /* in the order given */
    size_t n_inputs;
    struct avs_report_machine *machines; /* sorted by name, case folded */
    size_t n_machines;
    struct avs_report_by_product *by_product; /* sorted by name */
    size_t n_by_product;
    struct avs_report_totals totals;
    struct avs_report_notes notes;
    int64_t first_ms; /* the time span of every event and record read */
    int64_t last_ms;
};

/* Where reading an input failed. */
struct avs_report_error {
    int rc;               /* AVS_E*: AVS_EFORMAT malformed, AVS_ENOENT, AVS_EACCES... */
    unsigned long line;   /* AVS_EFORMAT in an XML file: 1-based line and column */
    unsigned long column; /*   (0 when unknown: a journal, a gzip error) */
    char what[200];       /* why, in words */
};

typedef struct avs_report_builder avs_report_builder;

/* A new, empty builder (free with avs_report_builder_free). AVS_ENOMEM. */
int avs_report_builder_new(avs_report_builder **out);
void avs_report_builder_free(avs_report_builder *b);

/* Adds MACHINE (one line of --expected; white space around it ignored, empty lines and lines
 * starting with '#' skipped by the caller) as expected: it is `silent` unless it reports. */
int avs_report_expect(avs_report_builder *b, const char *machine);

/* Reads the --expected file at PATH (one machine name a line, UTF-8, a BOM and CRLF allowed,
 * '#' comments). ERR receives the failing line on AVS_EFORMAT (a line over 255 bytes). */
int avs_report_expect_file(avs_report_builder *b, struct avs_report_error *err, const char *path);

/* Counts one event (events of other providers are counted as such and skipped). The event is
 * not kept: strings are copied as needed. AVS_ENOMEM. */
int avs_report_add_event(avs_report_builder *b, const struct avs_evxml_event *e);

/* Counts the verified records of one journal (an `avswap evidence export`); CHK says whether
 * the journal verified (a torn or broken journal makes its machine's evidence "conflict"). */
int avs_report_add_journal(avs_report_builder *b, const struct avs_journal_rec *recs, size_t n,
                           const struct avs_journal_check *chk);

/* Reads the input at PATH: an `avswap evidence export` file (gzip: by its first bytes) or an
 * Event Log export (XML, streamed through avs_os_xml_stream and core/evxml's streaming mode),
 * and names it in the report with its SHA-256. On failure ERR says where and why, and the
 * builder must not be finished (the report would be partial). */
int avs_report_read_file(avs_report_builder *b, struct avs_report_error *err, const char *path);

/* Turns what B counted into *out (free with avs_report_free): states, remaining products,
 * evidence, totals, by product, sorted. What B held moves into the report: afterwards B may
 * only be freed. */
int avs_report_finish(struct avs_report **out, avs_report_builder *b);
void avs_report_free(struct avs_report *r);

/* The outputs, appended to OUT (check OUT->err). */
void avs_report_write_text(struct avs_buf *out, const struct avs_report *r);
void avs_report_write_json(struct avs_buf *out, const struct avs_report *r);
/* One row per machine: machine,state,found,removed,remaining,replacement,last_event_utc,
 * run_id,evidence (RFC 4180 quoting; a cell starting with = + - @ TAB or CR gets a leading
 * apostrophe, so a spreadsheet shows it as text and never runs it). */
void avs_report_write_csv(struct avs_buf *out, const struct avs_report *r);

/* The HTML page (core/report_html.c): one self-contained file. 0 or AVS_ENOMEM. */
int avs_report_write_html(struct avs_buf *out, const struct avs_report *r);

#endif
