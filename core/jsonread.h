/* A small, strict JSON reader (RFC 8259 subset) for the journal and other AvSwap-written data.
 *
 * Strict because what it reads is evidence: anything ambiguous is rejected rather than guessed.
 *   - numbers: integers only (-?(0|[1-9][0-9]*)) that fit int64_t; fractions and exponents fail;
 *   - strings: valid UTF-8 only, no raw control characters; every escape including \uXXXX, with
 *     surrogate pairs combined to one UTF-8 sequence and unpaired surrogates rejected;
 *   - objects: duplicate keys are rejected (two readers could otherwise disagree on the value);
 *   - nesting deeper than AVS_JSONREAD_MAX_DEPTH fails with AVS_ETOOBIG;
 *   - one value per document: anything but whitespace after it fails.
 * It never reads past LEN and never crashes on any input (tests/unit/test_jsonread.c mutates
 * inputs at random to check). Memory is O(LEN): each byte of input yields at most one value. */
#ifndef AVS_JSONREAD_H
#define AVS_JSONREAD_H

#include <stddef.h>
#include <stdint.h>

#define AVS_JSONREAD_MAX_DEPTH 32

enum avs_jv_type {
    AVS_JV_NULL,
    AVS_JV_BOOL,
    AVS_JV_INT,
    AVS_JV_STRING,
    AVS_JV_ARRAY,
    AVS_JV_OBJECT,
};

struct avs_jmember;

/* One parsed value. Only the fields of its type are meaningful. */
struct avs_jv {
    enum avs_jv_type type;
    int b;                       /* BOOL: 0 or 1 */
    int64_t i;                   /* INT */
    char *s;                     /* STRING: decoded UTF-8, NUL-terminated */
    size_t len;                  /* STRING: bytes in s (s may hold NUL when the input had \u0000) */
    struct avs_jv *items;        /* ARRAY: count values */
    struct avs_jmember *members; /* OBJECT: count members, in document order */
    size_t count;
};

struct avs_jmember {
    char *key; /* decoded, NUL-terminated */
    size_t key_len;
    struct avs_jv value;
};

/* Where and why parsing failed. WHY is a static English phrase. */
struct avs_jsonread_error {
    size_t offset; /* byte offset into the input */
    const char *why;
};

/* Parses LEN bytes of TEXT (need not be NUL-terminated) as one JSON document into *out (free
 * with avs_jv_free()). AVS_EFORMAT for malformed input, AVS_ETOOBIG for nesting deeper than
 * AVS_JSONREAD_MAX_DEPTH, AVS_ENOMEM. ERR (may be NULL) receives the position and reason of a
 * failure. */
int avs_jsonread_parse(struct avs_jv **out, const char *text, size_t len,
                       struct avs_jsonread_error *err);

void avs_jv_free(struct avs_jv *v);

/* The value of member KEY of OBJ; NULL when OBJ is NULL, not an object, or has no such key. */
const struct avs_jv *avs_jv_member(const struct avs_jv *obj, const char *key);

/* V's string when V is a string without embedded NUL; NULL otherwise (including V == NULL). */
const char *avs_jv_str(const struct avs_jv *v);

#endif
