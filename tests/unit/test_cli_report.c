/* `avswap report` as an auditor runs it: real export files read by the libxml2 reader of the
 * host fakes (tests/fakes/fake_xml.c), output files written through the fake file system. */
#define _POSIX_C_SOURCE 200809L /* mkstemp */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clicapture.h"
#include "error.h"
#include "exitcode.h"
#include "fake_fs.h"
#include "fake_os.h"
#include "jsonread.h"

#define CSV "C:\\audit\\fleet.csv"
#define HTML "C:\\audit\\fleet.html"
#define RUN "0f8e4c2a-1b3d-4e5f-8a7b-0c1d2e3f4a5b"

static char *out_text, *err_text, tmp[64];
static size_t out_len, err_len;

static void setup(void)
{
    fake_os_reset();
    fake_fs_reset();
    out_text = err_text = NULL;
    tmp[0] = '\0';
}

static void teardown(void)
{
    free(out_text);
    free(err_text);
    if (tmp[0])
        unlink(tmp);
}

TestSuite(cli_report, .init = setup, .fini = teardown);

static int avswap(int argc, const char *const *args)
{
    char *argv[12] = {(char *)"avswap"};
    for (int i = 0; i < argc; i++)
        argv[i + 1] = (char *)args[i];
    return cli_capture(&out_text, &out_len, &err_text, &err_len, argc + 1, argv);
}

static const char *event(char *buf, size_t n, const char *pc, unsigned id, int sec,
                         const char *data)
{
    snprintf(buf, n,
             "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
             "<Provider Name='AvSwap'/><EventID Qualifiers='16384'>%u</EventID>"
             "<TimeCreated SystemTime='2026-12-01T10:00:%02d.0000000Z'/><Computer>%s</Computer>"
             "</System><EventData>%s</EventData></Event>\n",
             id, sec, pc, data);
    return buf;
}

/* A real-looking export, no root element (as wevtutil writes it); CUT bytes off its end. */
static const char *export_file(size_t cut)
{
    char e[6][1024];
    char all[8192];
    snprintf(all, sizeof all, "%s%s%s%s%s%s",
             event(e[0], sizeof e[0], "PC1", 2010, 1,
                   "<Data>Kaspersky Endpoint Security</Data><Data>11.1</Data>"),
             event(e[1], sizeof e[1], "PC1", 2091, 2, "<Data>1</Data>"),
             event(e[2], sizeof e[2], "PC1", 4001, 3,
                   "<Data>" RUN "</Data><Data>Kaspersky Endpoint Security</Data>"
                   "<Data>11.1</Data><Data>{K}</Data><Data>0</Data>"),
             event(e[3], sizeof e[3], "PC1", 6000, 4,
                   "<Data>" RUN "</Data><Data>1</Data><Data>Microsoft Defender "
                   "Antivirus</Data><Data>0</Data>"),
             event(e[4], sizeof e[4], "=HYPERLINK(\"x\")", 2010, 1,
                   "<Data>&lt;script&gt;alert(1)&lt;/script&gt;</Data><Data>1</Data>"),
             event(e[5], sizeof e[5], "=HYPERLINK(\"x\")", 6003, 5,
                   "<Data>" RUN "</Data><Data>remove</Data><Data>1603</Data>"));
    strcpy(tmp, "/tmp/avs-report-XXXXXX");
    int fd = mkstemp(tmp);
    cr_assert_geq(fd, 0);
    size_t len = strlen(all) - cut;
    cr_assert_eq(write(fd, all, len), (ssize_t)len);
    close(fd);
    return tmp;
}

Test(cli_report, text_json_csv_and_html)
{
    const char *f = export_file(0);
    const char *a[] = {"report", f, "--csv", CSV, "--html", HTML, "--json"};
    cr_assert_eq(avswap(7, a), AVS_EXIT_OK, "%s", err_text);
    struct avs_jv *v = NULL;
    cr_assert_eq(avs_jsonread_parse(&v, out_text, out_len, NULL), 0, "%s", out_text);
    const struct avs_jv *t = avs_jv_member(v, "totals");
    cr_assert_eq(avs_jv_member(t, "machines")->i, 2);
    cr_assert_eq(avs_jv_member(t, "remediated")->i, 1);
    cr_assert_eq(avs_jv_member(t, "failed")->i, 1);
    avs_jv_free(v);
    size_t len;
    const char *data = fake_fs_data(CSV, &len);
    cr_assert_not_null(data, "no CSV written");
    char *csv = strndup(data, len);
    cr_assert(strstr(csv, "\r\n\"'=HYPERLINK(\"\"x\"\")\",failed,<script>alert(1)</script> 1,"),
              "%s", csv);
    data = fake_fs_data(HTML, &len);
    cr_assert_not_null(data, "no HTML written");
    char *html = strndup(data, len);
    cr_assert_null(strstr(html, "<script>alert(1)"), "markup from an event reached the page");
    cr_assert(strstr(html, "&lt;script&gt;alert(1)"), "the hostile name is not shown as text");
    free(html);
    free(csv);

    const char *b[] = {"report", f};
    cr_assert_eq(avswap(2, b), AVS_EXIT_OK, "%s", err_text);
    cr_assert(strstr(out_text, "Remediated:                       1"), "%s", out_text);
    cr_assert(strstr(out_text, "  PC1: compliant"), "%s", out_text);
}

Test(cli_report, a_truncated_export_gives_1603_and_no_file)
{
    const char *f = export_file(40);
    const char *a[] = {"report", f, "--csv", CSV, "--html", HTML};
    cr_assert_eq(avswap(6, a), AVS_EXIT_FAILED);
    cr_assert_eq(out_len, 0, "totals were printed: %s", out_text);
    char where[96];
    snprintf(where, sizeof where, "avswap report: %s:6:", f);
    cr_assert(strstr(err_text, where), "%s", err_text);
    size_t len;
    cr_assert_null(fake_fs_data(CSV, &len), "a CSV was written");
    cr_assert_null(fake_fs_data(HTML, &len), "an HTML page was written");
}

Test(cli_report, usage_errors)
{
    const char *a[] = {"report"};
    cr_assert_eq(avswap(1, a), AVS_EXIT_USAGE);
    cr_assert(strstr(err_text, "no input"), "%s", err_text);
    const char *b[] = {"report", "x.xml", "--csv"};
    cr_assert_eq(avswap(3, b), AVS_EXIT_USAGE);
    const char *c[] = {"report", "x.xml", "--pdf", "y"};
    cr_assert_eq(avswap(4, c), AVS_EXIT_USAGE);
    const char *d[] = {"report", "/nonexistent/x.xml"};
    cr_assert_eq(avswap(2, d), AVS_EXIT_FAILED);
    cr_assert(strstr(err_text, "/nonexistent/x.xml"), "%s", err_text);
}

Test(cli_report, a_file_that_cannot_be_written_fails_and_prints_no_totals)
{
    const char *f = export_file(0);
    const char *a[] = {"report", f, "--csv", CSV, "--html", HTML};
    fake_fs_fail_next(FAKE_FS_WRITE_ATOMIC, AVS_EIO);
    cr_assert_eq(avswap(6, a), AVS_EXIT_FAILED);
    cr_assert(strstr(err_text, "cannot write C:\\audit\\fleet.csv"), "%s", err_text);
    cr_assert_eq(out_len, 0, "totals were printed: %s", out_text);
    size_t len;
    cr_assert_null(fake_fs_data(HTML, &len), "half of the report was written");
}
