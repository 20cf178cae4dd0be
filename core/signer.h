/* Authenticode signers as the catalog names them: the certificate subject's O, L, S and C
 * fields, written as AppLocker writes publishers ("O=AO Kaspersky Lab, L=Moscow, C=RU").
 *
 * A catalog signer matches a signing certificate when every field the signer names equals the
 * certificate's field of the same name (trimmed, ASCII case folded); fields it leaves out are
 * not compared. O is required, so a signer never matches on a country alone. */
#ifndef AVS_SIGNER_H
#define AVS_SIGNER_H

#include "buf.h"

/* Longest value of one field, in bytes (a certificate's O is at most 64 characters). */
#define AVS_SIGNER_FIELD_MAX 256u

/* Either a catalog signer (NULL: not named, so not compared) or a certificate subject (NULL:
 * the certificate has no such field). All strings malloc'd UTF-8. */
struct avs_signer {
    char *o; /* organisation (2.5.4.10) */
    char *l; /* locality (2.5.4.7) */
    char *s; /* state or province (2.5.4.8) */
    char *c; /* country (2.5.4.6) */
};

/* Parses TEXT: comma-separated FIELD=VALUE items, FIELD one of O, L, S, C (either case), each
 * at most once, O required. A value is trimmed; a value that holds a comma is written in double
 * quotes (O="Example, Inc."), which may not contain a double quote. Returns 0 with *OUT filled
 * (free with avs_signer_free); AVS_EFORMAT with *WHY a static sentence; AVS_ENOMEM. */
int avs_signer_parse(struct avs_signer *out, const char **why, const char *text);

void avs_signer_free(struct avs_signer *s);

/* 1 when the certificate SUBJECT satisfies the catalog signer WANT (see above), else 0. */
int avs_signer_matches(const struct avs_signer *want, const struct avs_signer *subject);

/* Appends S as "O=..., L=..., S=..., C=..." (only the fields present; values holding a comma
 * in quotes) to B, for messages. Nothing when S has no field: B is left as it was. */
void avs_signer_format(struct avs_buf *b, const struct avs_signer *s);

#endif
