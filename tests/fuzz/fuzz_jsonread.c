/* Fuzzes the strict JSON reader (core/jsonread.c), which reads the journal and other evidence.
 * Properties, beyond never crashing, leaking or reading past the input:
 *   - a failure says where (an offset inside the input) and why;
 *   - a document it accepts, written again with core's JSON writer (core/json.c) and read back,
 *     gives the same tree (so what the reader accepted has one meaning), and every string it
 *     returned is valid UTF-8 with len its exact length;
 *   - nesting never exceeds AVS_JSONREAD_MAX_DEPTH. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "fuzz.h"
#include "json.h"
#include "jsonread.h"
#include "utf8.h"

/* 1 when V holds a string with an embedded NUL, which the writer's C-string API cannot carry. */
static int has_nul(const struct avs_jv *v)
{
    if (v->type == AVS_JV_STRING)
        return strlen(v->s) != v->len;
    if (v->type == AVS_JV_ARRAY) {
        for (size_t i = 0; i < v->count; i++)
            if (has_nul(&v->items[i]))
                return 1;
    } else if (v->type == AVS_JV_OBJECT) {
        for (size_t i = 0; i < v->count; i++)
            if (strlen(v->members[i].key) != v->members[i].key_len || has_nul(&v->members[i].value))
                return 1;
    }
    return 0;
}

static void check_value(const struct avs_jv *v, int depth)
{
    FUZZ_CHECK(depth <= AVS_JSONREAD_MAX_DEPTH);
    switch (v->type) {
    case AVS_JV_NULL: break;
    case AVS_JV_BOOL: FUZZ_CHECK(v->b == 0 || v->b == 1); break;
    case AVS_JV_INT: break;
    case AVS_JV_STRING:
        FUZZ_CHECK(v->s != NULL && v->s[v->len] == '\0');
        /* Valid UTF-8 piece by piece (an escaped \u0000 is a valid, if unusual, character). */
        for (size_t i = 0; i < v->len;) {
            size_t n =
                v->s[i] ? avs_utf8_valid_prefix((const unsigned char *)v->s + i, v->len - i) : 1;
            FUZZ_CHECK(n > 0);
            i += n;
        }
        break;
    case AVS_JV_ARRAY:
        FUZZ_CHECK(v->count == 0 || v->items != NULL);
        for (size_t i = 0; i < v->count; i++)
            check_value(&v->items[i], depth + 1);
        break;
    case AVS_JV_OBJECT:
        FUZZ_CHECK(v->count == 0 || v->members != NULL);
        for (size_t i = 0; i < v->count; i++) {
            const struct avs_jmember *m = &v->members[i];
            FUZZ_CHECK(m->key != NULL && m->key[m->key_len] == '\0');
            for (size_t j = 0; j < i; j++)
                FUZZ_CHECK(v->members[j].key_len != m->key_len ||
                           memcmp(v->members[j].key, m->key, m->key_len) != 0);
            check_value(&m->value, depth + 1);
        }
        break;
    default: FUZZ_CHECK(!"unknown type");
    }
}

static void write_value(struct avs_json *j, const struct avs_jv *v)
{
    switch (v->type) {
    case AVS_JV_NULL: avs_json_null(j); break;
    case AVS_JV_BOOL: avs_json_bool(j, v->b); break;
    case AVS_JV_INT: avs_json_int(j, v->i); break;
    case AVS_JV_STRING: avs_json_string(j, v->s); break;
    case AVS_JV_ARRAY:
        avs_json_array_begin(j);
        for (size_t i = 0; i < v->count; i++)
            write_value(j, &v->items[i]);
        avs_json_array_end(j);
        break;
    case AVS_JV_OBJECT:
        avs_json_object_begin(j);
        for (size_t i = 0; i < v->count; i++) {
            avs_json_key(j, v->members[i].key);
            write_value(j, &v->members[i].value);
        }
        avs_json_object_end(j);
        break;
    }
}

static void check_equal(const struct avs_jv *a, const struct avs_jv *b)
{
    FUZZ_CHECK(a->type == b->type);
    switch (a->type) {
    case AVS_JV_NULL: break;
    case AVS_JV_BOOL: FUZZ_CHECK(a->b == b->b); break;
    case AVS_JV_INT: FUZZ_CHECK(a->i == b->i); break;
    case AVS_JV_STRING: FUZZ_CHECK(a->len == b->len && memcmp(a->s, b->s, a->len) == 0); break;
    case AVS_JV_ARRAY:
        FUZZ_CHECK(a->count == b->count);
        for (size_t i = 0; i < a->count; i++)
            check_equal(&a->items[i], &b->items[i]);
        break;
    case AVS_JV_OBJECT:
        FUZZ_CHECK(a->count == b->count);
        for (size_t i = 0; i < a->count; i++) {
            FUZZ_CHECK(strcmp(a->members[i].key, b->members[i].key) == 0);
            check_equal(&a->members[i].value, &b->members[i].value);
        }
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* An exact-size copy, so ASan sees any read past LEN (the input need not end in NUL). */
    char *text = malloc(size ? size : 1);
    FUZZ_CHECK(text != NULL);
    memcpy(text, data, size);

    struct avs_jv *v = NULL;
    struct avs_jsonread_error err = {0, NULL};
    int rc = avs_jsonread_parse(&v, text, size, &err);
    if (rc != 0) {
        FUZZ_CHECK(v == NULL);
        FUZZ_CHECK(rc == AVS_EFORMAT || rc == AVS_ETOOBIG || rc == AVS_ENOMEM);
        FUZZ_CHECK(rc == AVS_ENOMEM || (err.why != NULL && err.offset <= size));
        free(text);
        return 0;
    }
    FUZZ_CHECK(v != NULL);
    check_value(v, 0);

    if (!has_nul(v)) {
        struct avs_buf out = AVS_BUF_INIT;
        struct avs_json j;
        avs_json_init(&j, &out);
        write_value(&j, v);
        FUZZ_CHECK(out.err == 0 && out.data != NULL);
        struct avs_jv *again = NULL;
        int rc2 = avs_jsonread_parse(&again, out.data, out.len, &err);
        if (rc2 != 0)
            fprintf(stderr, "re-read failed: %s at %zu in: %s\n", err.why, err.offset, out.data);
        FUZZ_CHECK(rc2 == 0);
        check_equal(v, again);
        avs_jv_free(again);
        avs_buf_free(&out);
    }
    (void)avs_jv_member(v, "seq");
    (void)avs_jv_str(v);
    avs_jv_free(v);
    free(text);
    return 0;
}
