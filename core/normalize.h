/* The normal form in which names and publishers are compared (docs/CATALOG.md, "Matching").
 *
 * Registry text is written by whoever installed a program, and a name that differs from the
 * catalog's only by what a reader cannot see must not hide the program. Both sides of every
 * comparison (the catalog's patterns and the machine's text) are put into this form:
 *   - white space of every kind (NBSP, ideographic space, ...) becomes one ASCII space; runs
 *     collapse, both ends are trimmed;
 *   - invisible characters are dropped: zero-width and format characters (ZWSP, ZWJ, ZWNJ, BOM,
 *     soft hyphen, bidi marks and the rest of Unicode's Cf and default-ignorable characters),
 *     control characters, combining diacritical marks (U+0300-U+036F), bytes that are not UTF-8;
 *   - case is folded (ASCII, Latin-1, Greek, Cyrillic);
 *   - look-alikes become their Latin letter: Cyrillic and Greek letters that look like Latin ones
 *     (one letter per case pair, the table in normalize.c), accented Latin-1 letters, fullwidth
 *     forms, mathematical alphanumerics, the Kelvin and Angstrom signs; dashes become '-'.
 * The result is valid UTF-8 and never longer than the input. No allocation, no failure. */
#ifndef AVS_NORMALIZE_H
#define AVS_NORMALIZE_H

#include <stddef.h>

/* Longest pattern (in code points) avs_norm_glob_overlap compares; longer ones count as
 * overlapping. A catalog line is at most 1,024 bytes, so no catalog pattern is longer. */
#define AVS_NORM_OVERLAP_MAX 1024u

/* Writes the normal form of the NUL-terminated IN to OUT, which has room for strlen(IN) + 1
 * bytes (the form is never longer). IN need not be valid UTF-8. Returns the form's length. */
size_t avs_norm(char *out, const char *in);

/* avs_norm with FLAGS. A ZERO WIDTH SPACE (U+200B) shows nothing, but it may stand where a
 * space was ("Kaspersky<ZWSP>Free") as well as inside a word ("Kasper<ZWSP>sky"): matching tries
 * both readings, the second with AVS_NORM_ZWSP_AS_SPACE. */
#define AVS_NORM_ZWSP_AS_SPACE 1u
size_t avs_norm_ex(char *out, const char *in, unsigned flags);

/* 1 when IN holds a ZERO WIDTH SPACE, i.e. when the second reading differs from the first. */
int avs_norm_has_zwsp(const char *in);

/* The normal form of IN in a malloc'd string (free() it) in *out. Returns 0 or AVS_ENOMEM. */
int avs_norm_dup(char **out, const char *in);

/* Glob match of normalised TEXT against normalised PATTERN: '*' matches any run of characters,
 * '?' exactly one character (code point); everything else literally (both sides are already
 * case-folded). Iterative, no recursion. 1 on a match, else 0. */
int avs_norm_glob(const char *pattern, const char *text);

/* 1 when some text matches both normalised patterns A and B (e.g. "Contoso*" and "*AV" do:
 * "Contoso AV"; "Contoso*" and "Kaspersky *" do not), else 0. Bounded memory (no allocation);
 * a pattern longer than AVS_NORM_OVERLAP_MAX code points counts as overlapping. */
int avs_norm_glob_overlap(const char *a, const char *b);

#endif
