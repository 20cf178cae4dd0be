/* Uninstall passwords: reading one from a file, passing it as MSI properties, and scrubbing it
 * from what Windows Installer writes.
 *
 * A secret lives in memory only as long as needed and is wiped (avs_os_secure_zero) before it
 * is freed. It appears in no output, event, journal line, log or visible command line; no
 * message produced here ever quotes it or the data it came from. */
#ifndef AVS_SECRET_H
#define AVS_SECRET_H

#include <stddef.h>

#include "buf.h"

/* The longest password accepted, in bytes of UTF-8. */
#define AVS_SECRET_MAX 256u

/* Takes the password from the contents of a password file, DATA (LEN bytes, need not be
 * NUL-terminated): one line of UTF-8. A leading UTF-8 byte order mark (Notepad writes one) and
 * one trailing "\r\n" or "\n" are dropped; nothing else is trimmed (spaces may be part of a
 * password). Refused with AVS_EFORMAT: empty, NUL bytes (e.g. a UTF-16 file), line breaks or
 * other control characters, more than AVS_SECRET_MAX bytes, invalid UTF-8.
 * *out: malloc'd copy, free with avs_secret_free. DATA stays the caller's to wipe. */
int avs_secret_from_file_data(char **out, const char *data, size_t len);

/* The same, with *WHY set on AVS_EFORMAT to a static English sentence saying what is wrong
 * ("the password file contains a control character"). It never includes the data. */
int avs_secret_parse(char **out, const char **why, const char *data, size_t len);

/* Wipes S with avs_os_secure_zero and frees it. NULL is allowed. */
void avs_secret_free(char *s);

/* Appends ` NAME="SECRET"` to OUT for each of the N_NAMES property NAMES, with Windows
 * Installer quoting (a '"' in the value is doubled), e.g. ` KLPASSWD="pa""ss"`.
 * AVS_EINVAL when a name is not an MSI property name ([A-Za-z_][A-Za-z0-9_.]*) or SECRET is
 * NULL (OUT unchanged); AVS_ETOOBIG for a secret over 64 KiB; OUT's sticky error otherwise.
 *
 * OUT then holds the secret. OUT's storage is grown here without leaving copies of what it
 * held in freed memory; the caller must not grow it further through avs_buf_* calls (realloc
 * would leave the secret behind), and must wipe it before freeing:
 *     avs_os_secure_zero(out->data, out->cap); avs_buf_free(out); */
int avs_secret_msi_properties(struct avs_buf *out, const char *const *names, size_t n_names,
                              const char *secret);

/* Overwrites, in DATA (LEN bytes), every occurrence of SECRET with '*', as UTF-8 (which is
 * also the ANSI form of an ASCII secret), as UTF-16LE (each code unit becomes "*\0") and, for
 * a secret with non-ASCII letters, in the Windows-1252 and Windows-1251 (Cyrillic letters)
 * ANSI code pages. The length never changes. Overlapping and adjacent occurrences are all
 * covered; occurrences are found at any byte offset. Returns how many occurrences there were.
 * An empty or NULL SECRET redacts nothing. Used on MSI verbose logs, as defence in depth. */
size_t avs_secret_redact(unsigned char *data, size_t len, const char *secret);

/* The fixed mask a secret becomes in a log, whatever its length. */
#define AVS_SECRET_MASK "********"

/* Like avs_secret_redact, but into a new buffer (*out, malloc'd, *out_len bytes) where each run
 * of redacted bytes becomes one fixed mask, AVS_SECRET_MASK (in UTF-16LE where the secret was
 * UTF-16LE), so that not even the secret's length shows. Besides the secret as it is, its
 * MSI-quoted form is masked too: each '"' doubled, as Windows Installer echoes a property
 * string (`KLPASSWD="Se""cret"`). *out_count receives the number of occurrences (0: *out is an
 * exact copy). AVS_ENOMEM. The caller wipes DATA. */
int avs_secret_mask(char **out, size_t *out_len, size_t *out_count, const unsigned char *data,
                    size_t len, const char *secret);

/* The two halves of avs_secret_mask, for callers that mark more than one thing:
 * avs_secret_mark sets KIND[i] (one byte per byte of DATA, zeroed by the caller) to 1 where a
 * byte-wise form of SECRET (raw or MSI-quoted) covers DATA[i], to 2 where a UTF-16LE form does;
 * it returns the number of occurrences, (size_t)-1 when out of memory. avs_secret_emit_masked
 * copies DATA into *out with each run of marked bytes replaced by one mask. */
size_t avs_secret_mark(unsigned char *kind, const unsigned char *data, size_t len,
                       const char *secret);
int avs_secret_emit_masked(char **out, size_t *out_len, const unsigned char *data, size_t len,
                           const unsigned char *kind);

/* Scrubs a Windows Installer verbose log (DATA, LEN bytes; ANSI/UTF-8 or UTF-16LE) into *out
 * (malloc'd, *out_len bytes), for a password that may or may not be known:
 *   - by structure, for each of the N_PROPS property names PROPS (the catalog's
 *     password-properties; matched as whole names, case folded): the value after `NAME=` on a
 *     command line (MSI-quoted with doubled quotes, or up to the next space), after `NAME = `
 *     on a property dump line (`Property(S): KLPASSWD = ...`, to the end of the line), and
 *     between the quotes of `Adding NAME property. Its value is '...'` and of
 *     `Modifying NAME property. Its current value is '...'. Its new value: '...'`;
 *   - every other verbatim occurrence, anywhere, of each value found that way (raw and
 *     MSI-quoted), so a password known only from the log is masked wherever it appears;
 *   - SECRET (may be NULL: a resumed run without the password), as avs_secret_mask does.
 * Each masked run becomes AVS_SECRET_MASK; a value already masked is left as it is, so a log
 * can be scrubbed again. *out_count: how many occurrences were masked (0: *out is an exact
 * copy). AVS_ENOMEM. The caller wipes DATA. */
int avs_secret_scrub_log(char **out, size_t *out_len, size_t *out_count, const unsigned char *data,
                         size_t len, const char *secret, const char *const *props, size_t n_props);

#endif
