/* Test hooks: deterministic stopping points for the Wine kill tests. TEST BUILDS ONLY.
 *
 * Compiled in only with -DAVS_TEST_HOOKS (cmake -DAVS_TEST_HOOKS=ON, the mingw-test preset:
 * build/mingw-test/avswap.exe). The shipped dist/avswap.exe has none of it: every hook below is
 * an empty macro there, and scripts/build fails when the exe holds the hook's variable names.
 *
 * When the environment names a stopping point, the process stops there: it writes the marker
 * file and then waits forever, so that a test waits for the marker (a state) and kills the
 * process at exactly that point, however busy the machine is.
 *   AVS_TEST_STOP_AT      N            right after journal record N (seq) was appended
 *                         N:STEP:PHASE the same; the marker also says whether record N was
 *                                      that step and phase ("remove:begin")
 *                         msi-logged   right after a Windows Installer removal returned, before
 *                                      its log is scrubbed of the password
 *   AVS_TEST_STOP_MARKER  the file to write (a Windows path): "stopped at ..." and the record
 */
#ifndef AVS_TESTHOOK_H
#define AVS_TESTHOOK_H

#include <stdint.h>

#include "journal.h"

#ifdef AVS_TEST_HOOKS

/* A parsed AVS_TEST_STOP_AT. */
struct avs_testhook_spec {
    int64_t seq;    /* journal record; 0 when POINT is set */
    char step[32];  /* "" when not given */
    char phase[8];  /* "" when not given */
    char point[32]; /* a named point; "" for a journal record */
};

/* Parses SPEC into *out; AVS_EINVAL when it is none of the forms above. */
int avs_testhook_parse(struct avs_testhook_spec *out, const char *spec);

void avs_testhook_journal(int64_t seq, const struct avs_journal_entry *e);
void avs_testhook_point(const char *name);

#define AVS_TESTHOOK_JOURNAL(seq, e) avs_testhook_journal((seq), (e))
#define AVS_TESTHOOK_POINT(name) avs_testhook_point(name)

#else

#define AVS_TESTHOOK_JOURNAL(seq, e) ((void)0)
#define AVS_TESTHOOK_POINT(name) ((void)0)

#endif

#endif
