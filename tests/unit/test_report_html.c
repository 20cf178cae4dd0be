/* The HTML page of `avswap report` (core/report_html.c, core/report_svg.c): hostile names come
 * out as text in every context, the CSP hashes are those of the inline style and script, and
 * the charts add up to the totals the page prints. Reports are built field by field here, so
 * these tests depend on the writer only. */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "report.h"
#include "reportfix.h"
#include "sha256.h"

extern const char avs_report_html_css[];
extern const size_t avs_report_html_css_len;
extern const char avs_report_html_js[];
extern const size_t avs_report_html_js_len;

#define T0 1793491200000LL /* 2026-11-01T00:00:00Z */
#define HOUR 3600000LL

static const char *const hostile[] = {
    "<script>document.title='pwned'</script>",
    "\"><img src=x onerror=alert(1)>",
    "<script>alert(2)</script>Kaspersky",
    "<b onclick=alert(3)>12.3</b>",
    "</td></tr><tr><td>Defender",
    "remove: <iframe src=//evil.example></iframe>",
    "\" onmouseover=\"alert(4)",
    "C:\\exports\\<svg onload=alert(5)>.xml",
};

static struct avs_report_machine *add_machine(struct avs_report *r, const char *name,
                                              enum avs_report_state st)
{
    /* Capacity doubles at each power of two: ASan's realloc copies every time. */
    size_t n = r->n_machines;
    if (n == 0 || (n & (n - 1)) == 0)
        r->machines = realloc(r->machines, (n ? 2 * n : 1) * sizeof *r->machines);
    struct avs_report_machine *m = &r->machines[r->n_machines++];
    memset(m, 0, sizeof *m);
    m->name = avs_strdup(name);
    m->state = st;
    r->totals.by_state[st]++;
    if (st == AVS_RSTATE_SILENT)
        r->totals.silent++;
    else
        r->totals.machines++;
    return m;
}

static void add_product(struct avs_report_machine *m, const char *name, const char *version,
                        int removed)
{
    m->products = realloc(m->products, (m->n_products + 1) * sizeof *m->products);
    struct avs_report_product *p = &m->products[m->n_products++];
    memset(p, 0, sizeof *p);
    p->name = avs_strdup(name);
    p->version_found = avs_strdup(version);
    p->first_found_ms = T0;
    if (removed) {
        p->version_removed = avs_strdup(version);
        p->removed_ms = T0 + HOUR;
    } else {
        p->remaining = 1;
    }
}

static void add_run(struct avs_report_machine *m, const char *id)
{
    m->run_ids = realloc(m->run_ids, (m->n_run_ids + 1) * sizeof *m->run_ids);
    m->run_ids[m->n_run_ids++] = avs_strdup(id);
    free(m->last_run_id);
    m->last_run_id = avs_strdup(id);
}

static void had_prohibited(struct avs_report *r, struct avs_report_machine *m, int64_t found,
                           int64_t fixed)
{
    m->with_prohibited = 1;
    m->first_prohibited_ms = found;
    r->totals.with_prohibited++;
    if (fixed) {
        m->remediated = 1;
        m->remediated_ms = fixed;
        r->totals.remediated++;
    } else {
        r->totals.remaining++;
    }
}

static void add_input(struct avs_report *r, const char *path)
{
    r->inputs = realloc(r->inputs, (r->n_inputs + 1) * sizeof *r->inputs);
    struct avs_report_input *in = &r->inputs[r->n_inputs++];
    memset(in, 0, sizeof *in);
    in->path = avs_strdup(path);
    avs_sha256_hex_of(in->sha256, path, strlen(path));
    in->events = 3;
    in->first_ms = T0;
    in->last_ms = T0 + 5 * HOUR;
}

/* A small fleet in every state, with each hostile string where an event could put it. */
static struct avs_report *hostile_report(void)
{
    struct avs_report *r = calloc(1, sizeof *r);
    r->first_ms = T0;
    r->last_ms = T0 + 48 * HOUR;
    struct avs_report_machine *m = add_machine(r, hostile[0], AVS_RSTATE_COMPLIANT);
    add_product(m, "Kaspersky Free", "21.3", 1);
    had_prohibited(r, m, T0, T0 + 2 * HOUR);
    m->replacement = avs_strdup(hostile[4]);
    add_run(m, "{11111111-2222-4333-8444-555555555555}");
    m->evidence = AVS_REVIDENCE_CONSISTENT;
    m->evidence_last_seq = 12;
    m = add_machine(r, hostile[1], AVS_RSTATE_NOT_COMPLIANT);
    add_product(m, hostile[2], hostile[3], 0);
    had_prohibited(r, m, T0 + HOUR, 0);
    m = add_machine(r, "WS-0003", AVS_RSTATE_FAILED);
    m->state_reason = avs_strdup(hostile[5]);
    add_product(m, "Kaspersky Anti-Virus", "21.1", 0);
    had_prohibited(r, m, T0 + 3 * HOUR, 0);
    r->totals.failed++;
    add_run(m, hostile[6]);
    add_run(m, "{second}");
    m->evidence = AVS_REVIDENCE_GAPS;
    m->evidence_last_seq = 9;
    m->evidence_missing = 2;
    m->evidence_first_gap = 4;
    add_machine(r, "WS-0004", AVS_RSTATE_BLOCKED);
    r->totals.failed++;
    add_machine(r, "WS-0005", AVS_RSTATE_REBOOT_PENDING);
    add_machine(r, "WS-0006", AVS_RSTATE_AUDIT);
    add_machine(r, "WS-0007", AVS_RSTATE_SILENT)->expected = 1;
    add_machine(r, "WS-0008", AVS_RSTATE_UNKNOWN);
    m = add_machine(r, "WS-0009", AVS_RSTATE_COMPLIANT);
    had_prohibited(r, m, T0 + 5 * HOUR, T0 + 40 * HOUR);
    add_input(r, "C:\\exports\\fleet.xml");
    add_input(r, hostile[7]);
    r->by_product = calloc(1, sizeof *r->by_product);
    r->by_product[0].name = avs_strdup(hostile[2]);
    r->by_product[0].found = 1;
    r->by_product[0].remaining = 1;
    r->n_by_product = 1;
    r->notes.unknown_events = 2;
    r->notes.unknown_ids[0] = 7777;
    r->notes.unknown_id_events[0] = 2;
    r->notes.unknown_distinct = 1;
    return r;
}

static char *page(const struct avs_report *r)
{
    struct avs_buf b = AVS_BUF_INIT;
    cr_assert_eq(avs_report_write_html(&b, r), 0);
    cr_assert_eq(b.err, 0);
    return avs_buf_detach(&b);
}

static size_t occurrences(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* The text between the first START and the END after it, malloc'd. */
static char *between(const char *s, const char *start, const char *end)
{
    const char *a = strstr(s, start);
    cr_assert(a, "no %s", start);
    a += strlen(start);
    const char *z = strstr(a, end);
    cr_assert(z, "no %s after %s", end, start);
    struct avs_buf b = AVS_BUF_INIT;
    avs_buf_append(&b, a, (size_t)(z - a));
    return avs_buf_detach(&b);
}

Test(report_html, hostile_strings_are_text_in_every_context)
{
    struct avs_report *r = hostile_report();
    char *html = page(r);
    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        cr_expect_null(strstr(html, hostile[i]), "written raw: %s", hostile[i]);
        struct avs_buf esc = AVS_BUF_INIT;
        avs_html_text(&esc, hostile[i]);
        cr_expect_not_null(strstr(html, esc.data), "not shown as text: %s", hostile[i]);
        avs_buf_free(&esc);
    }
    /* The only elements are the writer's own: one script, no image, frame or handler. */
    cr_expect_eq(occurrences(html, "<script"), 1);
    cr_expect_eq(occurrences(html, "<img"), 0);
    cr_expect_eq(occurrences(html, "<iframe"), 0);
    cr_expect_eq(occurrences(html, "<b "), 0);
    /* A handler needs a raw quote or an unescaped tag around it; the text may show one. */
    cr_expect_eq(occurrences(html, "onerror=alert(1)>"), 0);
    cr_expect_eq(occurrences(html, "onmouseover=\""), 0);
    cr_expect_eq(occurrences(html, "<title>"), 1);
    cr_expect_not_null(strstr(html, "<title>AvSwap fleet report</title>"));
    /* Every run ID of a machine in its cell's title attribute, each escaped for it. */
    cr_expect_not_null(strstr(html, " title=\"&quot; onmouseover=&quot;alert(4)&#10;{second}\""),
                       "%s", html);
    free(html);
    avs_report_free(r);
}

static void expect_hash(const char *html, const char *directive, const char *body)
{
    char *csp = between(html, "http-equiv=\"Content-Security-Policy\" content=\"", "\"");
    cr_expect_not_null(strstr(csp, "default-src 'none'"), "%s", csp);
    unsigned char d[AVS_SHA256_LEN];
    avs_sha256(d, body, strlen(body));
    struct avs_buf want = AVS_BUF_INIT;
    avs_buf_printf(&want, "%s 'sha256-", directive);
    avs_base64(&want, d, sizeof d);
    avs_buf_puts(&want, "'");
    cr_expect_not_null(strstr(csp, want.data), "%s not in %s", want.data, csp);
    avs_buf_free(&want);
    free(csp);
}

Test(report_html, csp_allows_exactly_the_inline_style_and_script)
{
    struct avs_report *r = hostile_report();
    char *html = page(r);
    char *style = between(html, "<style>", "</style>");
    char *script = between(html, "<script>", "</script>");
    cr_expect_eq(strlen(style), avs_report_html_css_len);
    cr_expect_eq(strlen(script), avs_report_html_js_len);
    expect_hash(html, "style-src", style);
    expect_hash(html, "script-src", script);
    /* Nothing from elsewhere: no URL scheme anywhere but the SVG namespace. */
    cr_expect_eq(occurrences(html, "http://") + occurrences(html, "https://"),
                 occurrences(html, "xmlns=\"http://www.w3.org/2000/svg\""));
    cr_expect_eq(occurrences(html, " style=\""), 0,
                 "an inline style attribute would need "
                 "'unsafe-inline'");
    free(style);
    free(script);
    free(html);
    avs_report_free(r);
}

/* Neither asset may hold "</", which would end its element early in an HTML parser. */
Test(report_html, assets_cannot_end_their_element)
{
    cr_expect_null(strstr(avs_report_html_css, "</"));
    cr_expect_null(strstr(avs_report_html_js, "</"));
    cr_expect_eq(strlen(avs_report_html_css), avs_report_html_css_len);
    cr_expect_eq(strlen(avs_report_html_js), avs_report_html_js_len);
}

/* The numbers a data-NAME="..." attribute carries after each occurrence, summed. */
static size_t sum_attr(const char *s, const char *attr, size_t *count)
{
    size_t sum = 0;
    *count = 0;
    for (const char *p = strstr(s, attr); p; p = strstr(p + 1, attr)) {
        sum += strtoul(p + strlen(attr), NULL, 10);
        (*count)++;
    }
    return sum;
}

static size_t attr_of(const char *s, const char *prefix)
{
    const char *p = strstr(s, prefix);
    cr_assert(p, "no %s", prefix);
    return strtoul(p + strlen(prefix), NULL, 10);
}

Test(report_html, charts_add_up_to_the_totals)
{
    struct avs_report *r = hostile_report();
    char *html = page(r);
    char *states =
        between(html, "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"chart-states\"", "</svg>");
    size_t bars = 0;
    cr_expect_eq(sum_attr(states, "data-count=\"", &bars), r->n_machines);
    cr_expect_eq(bars, AVS_RSTATE_COUNT);
    for (int s = 0; s < AVS_RSTATE_COUNT; s++) {
        char want[64];
        snprintf(want, sizeof want, "data-state=\"%s\" data-count=\"", avs_report_state_name(s));
        cr_expect_eq(attr_of(states, want), r->totals.by_state[s], "%s", want);
    }
    char *progress = between(html, "id=\"chart-progress\"", "</svg>");
    cr_expect_eq(attr_of(progress, "class=\"found\" data-final=\""), r->totals.with_prohibited);
    cr_expect_eq(attr_of(progress, "class=\"remediated\" data-final=\""), r->totals.remediated);
    char want[64];
    snprintf(want, sizeof want, "<dd id=\"total-machines\">%zu</dd>", r->totals.machines);
    cr_expect_not_null(strstr(html, want), "%s", want);
    snprintf(want, sizeof want, "<dd id=\"total-remediated\">%zu</dd>", r->totals.remediated);
    cr_expect_not_null(strstr(html, want), "%s", want);
    snprintf(want, sizeof want, "<dd id=\"total-silent\">%zu</dd>", r->totals.silent);
    cr_expect_not_null(strstr(html, want), "%s", want);
    free(states);
    free(progress);
    free(html);
    avs_report_free(r);
}

/* The progress line climbs at the right times: in a 48-hour span, the machine remediated at
 * hour 40 steps up at 40/48 of the plot's width, and not before. */
Test(report_html, progress_steps_at_the_right_time)
{
    struct avs_report *r = hostile_report();
    char *html = page(r);
    char *fixed = between(html, "class=\"remediated\" data-final=\"2\" d=\"", "\"");
    /* Plot from x=56 to x=620: hour 2 of 48 is column 23, hour 40 is column 470; 4 machines
     * had findings, so each remediated one is a quarter of the height (170 units). */
    cr_expect_str_eq(fixed, "M56 200H79 V157.5H526 V115.0H620", "%s", fixed);
    free(fixed);
    free(html);
    avs_report_free(r);
}

/* Every machine has its row, in the report's order, whatever its state. */
Test(report_html, one_row_per_machine)
{
    struct avs_report *r = hostile_report();
    char *html = page(r);
    char *body = between(html, "<table id=\"machines\">", "</table>");
    cr_expect_eq(occurrences(body, "<tr><td>"), r->n_machines);
    cr_expect_not_null(strstr(body, "<span class=\"state silent\">silent</span>"));
    cr_expect_not_null(strstr(body, "gaps: 2 of 9 record(s) missing, first seq 4"));
    cr_expect_not_null(strstr(html, "7777: 2"));
    free(body);
    free(html);
    avs_report_free(r);
}

/* A fleet of 10,000 remediated machines: the progress path has at most one step per pixel
 * column, not one per machine, and still ends on the exact totals. */
Test(report_html, progress_path_is_bounded_for_a_large_fleet)
{
    struct avs_report *r = calloc(1, sizeof *r);
    for (int i = 0; i < 10000; i++) {
        char name[32];
        snprintf(name, sizeof name, "WS-%05d", i);
        struct avs_report_machine *m = add_machine(r, name, AVS_RSTATE_COMPLIANT);
        had_prohibited(r, m, T0 + i * 60000LL, T0 + 20 * 24 * HOUR + i * 60000LL);
    }
    r->first_ms = T0;
    r->last_ms = T0 + 30 * 24 * HOUR;
    char *html = page(r);
    char *found = between(html, "class=\"found\" data-final=\"10000\" d=\"", "\"");
    cr_expect_leq(occurrences(found, "H"), 566, "%zu steps", occurrences(found, "H"));
    cr_expect_not_null(strstr(found, "V30.0"));
    free(found);
    free(html);
    avs_report_free(r);
}

Test(report_html, a_report_without_findings)
{
    struct avs_report *r = calloc(1, sizeof *r);
    add_machine(r, "WS-1", AVS_RSTATE_COMPLIANT);
    char *html = page(r);
    cr_expect_not_null(strstr(html, "id=\"chart-progress-none\""));
    cr_expect_not_null(strstr(html, "No prohibited product was seen."));
    cr_expect_not_null(strstr(html, "None: every event was counted."));
    /* Nothing to load: no source, link or URL in the markup, the style or the script. */
    cr_expect_eq(occurrences(html, " src=") + occurrences(html, " href=") +
                     occurrences(html, "url(") + occurrences(html, "@import") +
                     occurrences(html, "fetch(") + occurrences(html, "XMLHttpRequest"),
                 0);
    free(html);
    avs_report_free(r);
}

/* One AvSwap event of COMPUTER at minute MIN of 2026-12-01T10:00Z, strings NULL-ended, fed to
 * the real aggregation (core/report.c). */
static void feed(avs_report_builder *b, const char *computer, unsigned id, int min, ...)
{
    char time[64];
    va_list ap;
    snprintf(time, sizeof time, "2026-12-01T%02d:%02d:00.0000000Z", 10 + min / 60, min % 60);
    va_start(ap, min);
    reportfix_vfeed(b, "AvSwap", computer, id, time, ap);
    va_end(ap);
}

/* The charts of a report the aggregation made (every state, a remediated machine, a silent
 * one) add up to the totals the same report computed. */
Test(report_html, charts_of_an_aggregated_report_match_its_totals)
{
    avs_report_builder *b = NULL;
    cr_assert_eq(avs_report_builder_new(&b), 0);
    feed(b, "A", 2010, 1, "KES", "11", NULL);
    feed(b, "A", 6001, 2, "run-a", "a removal finishes at the restart", NULL);
    feed(b, "B", 2010, 1, "KES", "11", NULL);
    feed(b, "B", 6003, 2, "run-b", "remove", "msiexec said 1603", NULL);
    feed(b, "C", 6002, 2, "run-c", "the replacement is not approved", NULL);
    feed(b, "D", 2010, 1, "KIS", "21", NULL);
    feed(b, "D", 6021, 2, "1", "KIS", "policy", NULL);
    feed(b, "E", 2010, 5, "KES", "11", NULL);
    feed(b, "E", 2091, 5, "1", "KES", "ok", NULL);
    feed(b, "E", 2090, 90, "ok", NULL);
    feed(b, "F", 2010, 3, "KES", "11", NULL);
    feed(b, "F", 2091, 3, "1", "KES", "ok", NULL);
    feed(b, "G", 2090, 4, "ok", NULL);
    cr_assert_eq(avs_report_expect(b, "H"), 0);
    struct avs_report *r = NULL;
    cr_assert_eq(avs_report_finish(&r, b), 0);
    avs_report_builder_free(b);
    cr_assert_eq(r->totals.silent, 1);
    cr_assert_geq(r->totals.remediated, 1, "E was remediated");
    char *html = page(r);
    char *states = between(html, "id=\"chart-states\"", "</svg>");
    size_t bars = 0;
    cr_expect_eq(sum_attr(states, "data-count=\"", &bars), r->n_machines);
    cr_expect_eq(r->n_machines, r->totals.machines + r->totals.silent);
    char *progress = between(html, "id=\"chart-progress\"", "</svg>");
    cr_expect_eq(attr_of(progress, "class=\"found\" data-final=\""), r->totals.with_prohibited);
    cr_expect_eq(attr_of(progress, "class=\"remediated\" data-final=\""), r->totals.remediated);
    char want[64];
    snprintf(want, sizeof want, "<dd id=\"total-with_prohibited\">%zu</dd>",
             r->totals.with_prohibited);
    cr_expect_not_null(strstr(html, want), "%s", want);
    free(states);
    free(progress);
    free(html);
    avs_report_free(r);
}
