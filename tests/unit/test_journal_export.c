/* `evidence export`: the journal gzip-compressed, read back with zlib's own gzread. Built with
 * AVS_HAVE_ZLIB (zlib linked into core); without it export must say it is unavailable. */
#define _POSIX_C_SOURCE 200809L /* mkstemp, write, unlink */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "fake_fs.h"
#include "fake_os.h"
#include "gzip.h"
#include "journal.h"

#define PATH "C:\\ProgramData\\AvSwap\\journal.jsonl"
#define OUT "C:\\Users\\auditor\\evidence.jsonl.gz"

static void setup(void)
{
    fake_fs_reset();
    fake_now_set(INT64_C(1714564800000));
}

TestSuite(journal_export, .init = setup, .fini = fake_fs_reset);

static void write_journal(int records)
{
    static const struct avs_journal_ident id = {"PC-042", "run-7", "S-1-5-18",
                                                "NT AUTHORITY\\SYSTEM"};
    avs_journal *j = NULL;
    cr_assert_eq(avs_journal_open(&j, PATH, &id, NULL), 0);
    for (int i = 0; i < records; i++) {
        struct avs_journal_entry e = {AVS_JSTEP_REMOVE,
                                      i % 2 ? AVS_JPHASE_END : AVS_JPHASE_BEGIN,
                                      "Лаборатория Касперского",
                                      "21.3",
                                      "{1234}",
                                      0,
                                      NULL};
        cr_assert_eq(avs_journal_append(j, &e), 0);
    }
    avs_journal_close(j);
}

#ifdef AVS_HAVE_ZLIB
#include <zlib.h>

/* DATA decompressed with gzread from a real file, as an auditor's tool would. */
static char *gunzip(const char *data, size_t len, size_t *out_len)
{
    char tmpl[] = "/tmp/avs-export-XXXXXX";
    int fd = mkstemp(tmpl);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, data, len), (ssize_t)len);
    close(fd);
    gzFile gz = gzopen(tmpl, "rb");
    cr_assert_not_null(gz);
    cr_assert_eq(gzdirect(gz), 0, "the export must be gzip, not plain text");
    size_t cap = 1 << 20, n = 0;
    char *out = malloc(cap);
    int got;
    while ((got = gzread(gz, out + n, (unsigned)(cap - n))) > 0)
        n += (size_t)got;
    cr_assert_eq(got, 0, "gzread error");
    cr_assert_eq(gzclose(gz), Z_OK, "trailer CRC and length check");
    unlink(tmpl);
    *out_len = n;
    return out;
}

Test(journal_export, round_trips_through_gzread)
{
    write_journal(300);
    struct avs_journal_check c;
    cr_assert_eq(avs_journal_export(&c, PATH, OUT), 0);
    cr_assert_eq(c.status, AVS_JOURNAL_INTACT);
    cr_assert_eq(c.records, 300);
    size_t jl, gl, back_len;
    const char *journal = fake_fs_data(PATH, &jl);
    const char *gz = fake_fs_data(OUT, &gl);
    cr_assert_not_null(gz);
    cr_assert_lt(gl, jl / 4, "repetitive JSON lines compress well (%zu -> %zu)", jl, gl);
    char *back = gunzip(gz, gl, &back_len);
    cr_assert_eq(back_len, jl);
    cr_assert_eq(memcmp(back, journal, jl), 0);
    free(back);
}

Test(journal_export, damaged_journal_is_exported_as_is_and_reported)
{
    write_journal(4);
    size_t jl;
    fake_fs_data(PATH, &jl);
    cr_assert_eq(fake_fs_set_size(PATH, jl - 10), 0); /* torn last line */
    struct avs_journal_check c;
    cr_assert_eq(avs_journal_export(&c, PATH, OUT), 0);
    cr_assert_eq(c.status, AVS_JOURNAL_TORN);
    size_t gl, back_len;
    const char *gz = fake_fs_data(OUT, &gl);
    char *back = gunzip(gz, gl, &back_len);
    cr_assert_eq(back_len, jl - 10, "the torn bytes are exported too");
    free(back);
}

Test(journal_export, empty_input_and_determinism)
{
    unsigned char *a = NULL, *b = NULL;
    size_t al = 0, bl = 0;
    cr_assert_eq(avs_gzip(&a, &al, "", 0), 0);
    size_t n;
    char *back = gunzip((const char *)a, al, &n);
    cr_assert_eq(n, 0);
    free(back);
    free(a);
    cr_assert_eq(avs_gzip(&a, &al, "abcabcabc", 9), 0);
    cr_assert_eq(avs_gzip(&b, &bl, "abcabcabc", 9), 0);
    cr_assert_eq(al, bl);
    cr_assert_eq(memcmp(a, b, al), 0, "same input, same bytes (no timestamp)");
    cr_assert_eq(a[0], 0x1f);
    cr_assert_eq(a[1], 0x8b);
    free(a);
    free(b);
}

#else

Test(journal_export, unavailable_without_zlib)
{
    write_journal(2);
    cr_assert_eq(avs_journal_export(NULL, PATH, OUT), AVS_EUNAVAIL);
    size_t n;
    cr_assert_null(fake_fs_data(OUT, &n), "nothing written");
}

#endif

Test(journal_export, errors)
{
    cr_assert_eq(avs_journal_export(NULL, PATH, OUT), AVS_ENOENT);
    write_journal(2);
    fake_fs_fail_next(FAKE_FS_WRITE_ATOMIC, AVS_EACCES);
    struct avs_journal_check c;
    int rc = avs_journal_export(&c, PATH, OUT);
#ifdef AVS_HAVE_ZLIB
    cr_assert_eq(rc, AVS_EACCES);
#else
    cr_assert_eq(rc, AVS_EUNAVAIL);
#endif
    size_t n;
    cr_assert_null(fake_fs_data(OUT, &n));
}
