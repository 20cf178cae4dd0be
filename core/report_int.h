/* core/report's builder, shared by report.c (counting), report_finish.c (the result) and
 * report_read.c (the files). Not for use outside core/report*.c. */
#ifndef AVS_REPORT_INT_H
#define AVS_REPORT_INT_H

#include "report.h"

#define AVS_REPORT_MAX_SPANS 64 /* record ranges kept per machine before they merge */

/* Record seqs [lo, hi] accounted for by the events (or a journal) of one machine. */
struct span {
    int64_t lo, hi;
};

struct mach {
    struct avs_report_machine m; /* the public fields, filled as events come */
    char *key;                   /* the name up to the first dot, case folded */
    int state_rank;              /* 1 a scan's verdict, 2 a run's outcome: wins at equal times */
    int64_t last_found_ms;       /* the newest sign of prohibited software */
    int64_t compliant_after_ms;  /* the oldest compliant verdict after last_found_ms; 0 none */
    int64_t replacement_ms;
    int64_t run_ms;  /* time of the event that gave last_run_id */
    int64_t seq_max; /* the highest record seq named, and the ID of the event that named it */
    uint32_t seq_max_event;
    struct span *spans;
    size_t n_spans, spans_cap;
    size_t products_cap, runs_cap; /* of m.products and m.run_ids */
    int spans_full;   /* AVS_REPORT_MAX_SPANS reached: the evidence is flagged, not guessed */
    int conflict;     /* a journal of this machine did not verify */
    int journal_seen; /* its seqs come from a journal (its tail is the journal's own end) */
};

struct avs_report_builder {
    struct mach *machines;
    size_t n, cap;
    size_t *table; /* open addressing: index + 1 into machines, 0 empty */
    size_t table_cap;
    struct avs_report_input *inputs;
    size_t n_inputs;
    struct avs_report_notes notes;
    struct avs_report_input *cur; /* the input being read: its counts and span */
};

/* The machine for NAME (created when new; DISPLAY is kept as its name). NULL on AVS_ENOMEM. */
struct mach *avs_report_machine_get(avs_report_builder *b, const char *name);

/* Copies S, cut at AVS_REPORT_MAX_TEXT bytes (on a UTF-8 character boundary); counted in the
 * notes when cut. NULL for NULL or on allocation failure (*err = AVS_ENOMEM). */
char *avs_report_text(avs_report_builder *b, const char *s, int *err);

/* Parses an event's TimeCreated/@SystemTime ("2024-05-01T12:00:00.1234567Z", 0 to 9 digits of
 * fraction) into milliseconds. AVS_EFORMAT otherwise. */
int avs_report_parse_systime(int64_t *out_ms, const char *s);

/* Accounts for record seqs [LO, HI] of M. AVS_ENOMEM. */
int avs_report_span_add(struct mach *m, int64_t lo, int64_t hi);

/* What events and journal records say, applied to machine M at time T (milliseconds). */
int avs_report_product_found(avs_report_builder *b, struct mach *m, const char *name,
                             const char *version, int64_t t);
int avs_report_product_removed(avs_report_builder *b, struct mach *m, const char *name,
                               const char *version, int64_t t);
/* RANK: 1 a scan's verdict, 2 a run's outcome (wins over a verdict of the same time). WHY and
 * WHY2 (may be NULL) make the state's reason, "WHY: WHY2". */
int avs_report_set_state(avs_report_builder *b, struct mach *m, enum avs_report_state st, int rank,
                         uint32_t id, int64_t t, const char *why, const char *why2);
int avs_report_set_replacement(avs_report_builder *b, struct mach *m, const char *name, int64_t t);
/* RUN is one of M's run IDs (at T: the newest gives last_run_id). */
int avs_report_add_run(avs_report_builder *b, struct mach *m, const char *run, int64_t t);
/* The name a machine's first event (or record) gives it replaces its --expected line: the
 * report shows what the evidence says. */
int avs_report_name_from_event(avs_report_builder *b, struct mach *m, const char *name);
/* One more event (or record) of M at T, counted for M and the current input. */
void avs_report_touch(avs_report_builder *b, struct mach *m, int64_t t);

/* Starts a new input named PATH (the counts of what follows go to it). AVS_ENOMEM. */
int avs_report_input_begin(avs_report_builder *b, const char *path, int journal);

#endif
