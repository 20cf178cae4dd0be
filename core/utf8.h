/* UTF-8 validation and the decoding of UTF-16LE data read from the machine.
 *
 * Registry strings arrive as raw UTF-16LE bytes that anyone could have written: they may lack a
 * terminator, have an odd length or hold unpaired surrogates. These functions never read past
 * the given size and never fail on content; they report what they had to repair. */
#ifndef AVS_UTF8_H
#define AVS_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Length in bytes (1-4) of the valid UTF-8 sequence at the start of P (N bytes available), or
 * 0 when it is not valid UTF-8 (overlong, surrogate, beyond U+10FFFF, truncated). */
size_t avs_utf8_valid_prefix(const unsigned char *p, size_t n);

/* 1 when S is entirely valid UTF-8. */
int avs_utf8_valid(const char *s);

/* Writes code point CP (at most U+10FFFF, not a surrogate: the caller checks) as UTF-8 at O,
 * which has room for 4 bytes; returns the number of bytes written (1-4). */
size_t avs_utf8_encode(char *o, uint32_t cp);

/* What avs_utf16le_decode had to repair; a bit set. */
enum {
    AVS_UTF16_NO_TERMINATOR = 1, /* no NUL within the data */
    AVS_UTF16_ODD_SIZE = 2,      /* a trailing odd byte was dropped */
    AVS_UTF16_BAD_SURROGATE = 4, /* unpaired surrogates became U+FFFD */
    AVS_UTF16_TRUNCATED = 8,     /* longer than max_chars: cut */
};

/* Decodes DATA (SIZE bytes of UTF-16LE) up to its first NUL code unit, or its end, into a
 * malloc'd UTF-8 string in *out (free() it). At most MAX_UNITS code units are decoded.
 * *out_flags (may be NULL) receives the AVS_UTF16_* repairs. AVS_ENOMEM is the only error. */
int avs_utf16le_decode(char **out, unsigned *out_flags, const unsigned char *data, size_t size,
                       size_t max_units);

#endif
