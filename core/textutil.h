/* Small text helpers for matching names from the machine against the catalog. */
#ifndef AVS_TEXTUTIL_H
#define AVS_TEXTUTIL_H

#include <stddef.h>

#include "error.h"

/* Case-insensitive (ASCII letters) glob match of TEXT against PATTERN: '*' matches any run of
 * bytes, '?' one byte; everything else literally. Iterative: linear in practice, no recursion. */
int avs_glob_match(const char *pattern, const char *text);

/* Number of literal (non-wildcard) bytes in PATTERN: how specific a match is. */
size_t avs_glob_literals(const char *pattern);

/* ASCII case-insensitive equality. */
int avs_str_ieq(const char *a, const char *b);

/* Trims ASCII white space at both ends, in place; returns S. */
char *avs_str_trim(char *s);

/* Validates a braced GUID "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}" (hex digits of either case,
 * surrounding white space not allowed) and writes its upper-case canonical form into OUT (39
 * bytes with the NUL). Returns 0, or AVS_EFORMAT. */
int avs_guid_canonical(char out[39], const char *s);

/* Parses a dotted product version "a[.b[.c[.d]]]" of decimal fields 0..2^31-1 (e.g.
 * "21.3.10.391"). Writes up to 4 fields to OUT and their count to *out_count. AVS_EFORMAT for
 * anything else (empty, letters, empty fields, more than 4 fields, overflow). */
int avs_version_parse(long out[4], int *out_count, const char *s);

/* Compares two versions parsed by avs_version_parse (missing fields count as 0): <0, 0, >0. */
int avs_version_cmp(const long a[4], int na, const long b[4], int nb);

#endif
