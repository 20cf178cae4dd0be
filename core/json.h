/* A streaming JSON writer on an avs_buf.
 *
 * Strings are escaped for any input: quotes, backslashes and control characters are escaped,
 * valid UTF-8 passes through, and bytes that are not valid UTF-8 become U+FFFD, so the output
 * is always valid JSON whatever a registry value contained. Commas are placed automatically. */
#ifndef AVS_JSON_H
#define AVS_JSON_H

#include <stdint.h>

#include "buf.h"

#define AVS_JSON_MAX_DEPTH 32

struct avs_json {
    struct avs_buf *out;
    int depth;
    unsigned char need_comma[AVS_JSON_MAX_DEPTH];
    int after_key;
};

void avs_json_init(struct avs_json *j, struct avs_buf *out);
void avs_json_object_begin(struct avs_json *j);
void avs_json_object_end(struct avs_json *j);
void avs_json_array_begin(struct avs_json *j);
void avs_json_array_end(struct avs_json *j);
void avs_json_key(struct avs_json *j, const char *key);
void avs_json_string(struct avs_json *j, const char *s); /* NULL writes null */
void avs_json_int(struct avs_json *j, int64_t v);
void avs_json_bool(struct avs_json *j, int v);
void avs_json_null(struct avs_json *j);
/* A decimal number with three places from an integer count of thousandths (1234 -> 1.234). */
void avs_json_milli(struct avs_json *j, int64_t thousandths);

/* Convenience: key followed by a value. */
void avs_json_kv_string(struct avs_json *j, const char *key, const char *s);
void avs_json_kv_int(struct avs_json *j, const char *key, int64_t v);
void avs_json_kv_bool(struct avs_json *j, const char *key, int v);

/* Appends S to OUT as a quoted, escaped JSON string. */
void avs_json_escape(struct avs_buf *out, const char *s);

#endif
