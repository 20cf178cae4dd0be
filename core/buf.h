/* A growable byte buffer with a sticky error.
 *
 * Appends never fail loudly: on the first allocation failure the buffer records AVS_ENOMEM in
 * err and ignores later appends, so a writer can build a whole document and check once. */
#ifndef AVS_BUF_H
#define AVS_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct avs_buf {
    char *data; /* always NUL-terminated when non-NULL */
    size_t len; /* bytes, excluding the terminator */
    size_t cap;
    int err; /* 0, or the first AVS_E* that occurred */
};

#define AVS_BUF_INIT                                                                               \
    {                                                                                              \
        NULL, 0, 0, 0                                                                              \
    }

void avs_buf_append(struct avs_buf *b, const void *data, size_t len);
void avs_buf_puts(struct avs_buf *b, const char *s);
void avs_buf_putc(struct avs_buf *b, char c);
#if defined(__MINGW32__)
/* MinGW's printf (the one linked) is the GNU one; without this GCC checks Microsoft's rules. */
__attribute__((format(gnu_printf, 2, 3)))
#elif defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void avs_buf_printf(struct avs_buf *b, const char *fmt, ...);
void avs_buf_vprintf(struct avs_buf *b, const char *fmt, va_list ap);

/* Takes the contents out of B (the caller free()s them) and resets B. NULL when B failed; an
 * empty buffer yields "". */
char *avs_buf_detach(struct avs_buf *b);

void avs_buf_free(struct avs_buf *b);

/* strdup that returns NULL for NULL. */
char *avs_strdup(const char *s);

#endif
