/* Escaping for HTML documents that show strings AvSwap did not write (machine and product
 * names from forwarded events, which a user of any of those machines controls).
 *
 * Two contexts only, the ones core/report_html.c uses: element text, and attribute values
 * always written between double quotes. Nothing from an event is ever put inside a <script>,
 * a <style>, a URL, an event-handler attribute or an unquoted attribute, so no other escaper
 * exists. Both escapers also make the text safe to read: bytes that are not valid UTF-8, C0
 * and C1 control characters (tab and line feed excepted in text) and the bidirectional
 * controls that can make a name read differently from what it is (U+202A..U+202E,
 * U+2066..U+2069, U+200E, U+200F, U+061C) each become U+FFFD, visibly. */
#ifndef AVS_HTML_H
#define AVS_HTML_H

#include <stddef.h>

#include "buf.h"

/* Appends S (NULL appends nothing) escaped for element text: & < > as character references,
 * quotes too, so the same bytes are also safe in a quoted attribute. */
void avs_html_text(struct avs_buf *out, const char *s);

/* Appends S escaped for a double-quoted attribute value: as avs_html_text, and tab and line
 * feed become character references so the value keeps them. */
void avs_html_attr(struct avs_buf *out, const char *s);

/* Appends the LEN bytes at DATA as standard base64 with padding (RFC 4648, section 4): the
 * form a Content-Security-Policy 'sha256-...' source takes. */
void avs_base64(struct avs_buf *out, const void *data, size_t len);

#endif
