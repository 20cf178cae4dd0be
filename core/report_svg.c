#include "report_svg.h"

#include <stdlib.h>

#include "error.h"
#include "state.h"

/* The charts' drawing sizes, in SVG user units (the page scales them to its width). */
#define STATE_W 640
#define STATE_ROW 26
#define STATE_LABEL 128 /* right edge of the state words */
#define STATE_BAR 440   /* the longest bar */

#define PROG_W 640
#define PROG_H 250
#define PROG_X0 56
#define PROG_X1 620
#define PROG_Y0 30  /* top of the plot */
#define PROG_Y1 200 /* its baseline */

void avs_report_svg_states(struct avs_buf *out, const struct avs_report *r)
{
    size_t max = 1;
    for (int s = 0; s < AVS_RSTATE_COUNT; s++)
        if (r->totals.by_state[s] > max)
            max = r->totals.by_state[s];
    int h = AVS_RSTATE_COUNT * STATE_ROW + 8;
    avs_buf_printf(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"chart-states\" viewBox=\"0 0 %d "
        "%d\" width=\"%d\" height=\"%d\" role=\"img\" aria-labelledby=\"chart-states-t\">"
        "<title id=\"chart-states-t\">Machines by latest state:",
        STATE_W, h, STATE_W, h);
    for (int s = 0; s < AVS_RSTATE_COUNT; s++)
        avs_buf_printf(out, "%s %s %zu", s ? "," : "", avs_report_state_name(s),
                       r->totals.by_state[s]);
    avs_buf_puts(out, "</title>\n");
    for (int s = 0; s < AVS_RSTATE_COUNT; s++) {
        size_t n = r->totals.by_state[s];
        const char *word = avs_report_state_name(s);
        double w = (double)n * STATE_BAR / (double)max;
        if (n > 0 && w < 2)
            w = 2; /* one machine in a fleet of thousands still shows */
        int y = 4 + s * STATE_ROW;
        avs_buf_printf(out,
                       "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>"
                       "<rect class=\"s-%s\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"18\" "
                       "data-state=\"%s\" data-count=\"%zu\"/>"
                       "<text x=\"%.1f\" y=\"%d\">%zu</text>\n",
                       STATE_LABEL - 6, y + 14, word, word, STATE_LABEL, y, w, word, n,
                       STATE_LABEL + w + 6, y + 14, n);
    }
    avs_buf_puts(out, "</svg>\n");
}

static int cmp_ms(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* The pixel column of time T on the plot (0 .. PROG_X1 - PROG_X0). */
static int64_t column(int64_t t, int64_t t0, int64_t t1)
{
    if (t <= t0)
        return 0;
    if (t >= t1)
        return PROG_X1 - PROG_X0;
    /* (t - t0) < 2^53 for any real time span: the product fits in int64 */
    return (t - t0) * (PROG_X1 - PROG_X0) / (t1 - t0);
}

static double ypos(size_t count, size_t ymax)
{
    return PROG_Y1 - (double)count * (PROG_Y1 - PROG_Y0) / (double)ymax;
}

/* One cumulative step line over the N sorted times in T: one vertex pair per pixel column in
 * which the count changes. */
static void step_line(struct avs_buf *out, const char *cls, const int64_t *t, size_t n, int64_t t0,
                      int64_t t1, size_t ymax)
{
    avs_buf_printf(out, "<path class=\"%s\" data-final=\"%zu\" d=\"M%d %d", cls, n, PROG_X0,
                   PROG_Y1);
    size_t i = 0;
    while (i < n) {
        int64_t c = column(t[i], t0, t1);
        while (i < n && column(t[i], t0, t1) == c)
            i++;
        avs_buf_printf(out, "H%lld V%.1f", (long long)(PROG_X0 + c), ypos(i, ymax));
    }
    avs_buf_printf(out, "H%d\"/>\n", PROG_X1);
}

int avs_report_svg_progress(struct avs_buf *out, const struct avs_report *r)
{
    int64_t *found = NULL, *fixed = NULL;
    size_t nf = 0, nr = 0, untimed = 0;
    int rc = 0;
    if (r->n_machines) {
        found = malloc(r->n_machines * sizeof *found);
        fixed = malloc(r->n_machines * sizeof *fixed);
        if (!found || !fixed) {
            rc = AVS_ENOMEM;
            goto done;
        }
    }
    for (size_t i = 0; i < r->n_machines; i++) {
        const struct avs_report_machine *m = &r->machines[i];
        if (m->with_prohibited) {
            if (m->first_prohibited_ms > 0)
                found[nf++] = m->first_prohibited_ms;
            else
                untimed++;
        }
        if (m->remediated) {
            if (m->remediated_ms > 0)
                fixed[nr++] = m->remediated_ms;
            else
                untimed++;
        }
    }
    if (nf == 0) {
        avs_buf_puts(out, "<p id=\"chart-progress-none\">No prohibited software was seen: there "
                          "is no remediation to chart.</p>\n");
        goto done;
    }
    qsort(found, nf, sizeof *found, cmp_ms);
    if (nr)
        qsort(fixed, nr, sizeof *fixed, cmp_ms);
    int64_t t0 = found[0], t1 = found[nf - 1];
    if (nr && fixed[0] < t0)
        t0 = fixed[0];
    if (nr && fixed[nr - 1] > t1)
        t1 = fixed[nr - 1];
    if (r->last_ms > t1)
        t1 = r->last_ms;
    if (t1 <= t0)
        t1 = t0 + 1;
    size_t ymax = nf > nr ? nf : nr;
    char from[21], to[21];
    avs_state_format_utc(from, t0);
    avs_state_format_utc(to, t1);

    avs_buf_printf(out,
                   "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"chart-progress\" viewBox=\"0 0 "
                   "%d %d\" width=\"%d\" height=\"%d\" role=\"img\" "
                   "aria-labelledby=\"chart-progress-t\"><title id=\"chart-progress-t\">Machines "
                   "with prohibited software (%zu) and remediated (%zu), from %s to %s</title>\n",
                   PROG_W, PROG_H, PROG_W, PROG_H, nf, nr, from, to);
    /* Grid, axes and their labels. */
    avs_buf_printf(out, "<path class=\"grid\" d=\"M%d %.1fH%d\"/>", PROG_X0, ypos(ymax / 2, ymax),
                   PROG_X1);
    avs_buf_printf(out, "<path class=\"axis\" d=\"M%d %dV%dH%d\"/>\n", PROG_X0, PROG_Y0, PROG_Y1,
                   PROG_X1);
    avs_buf_printf(out,
                   "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%zu</text>"
                   "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%zu</text>"
                   "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>\n",
                   PROG_X0 - 6, PROG_Y0 + 4, ymax, PROG_X0 - 6, ypos(ymax / 2, ymax) + 4, ymax / 2,
                   PROG_X0 - 6, PROG_Y1 + 4);
    avs_buf_printf(out,
                   "<text x=\"%d\" y=\"%d\">%s</text>"
                   "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n",
                   PROG_X0, PROG_Y1 + 18, from, PROG_X1, PROG_Y1 + 18, to);
    step_line(out, "found", found, nf, t0, t1, ymax);
    step_line(out, "remediated", fixed, nr, t0, t1, ymax);
    /* The legend says in words what the colours say. */
    avs_buf_printf(out,
                   "<path class=\"found\" d=\"M%d 12h18\"/><text x=\"%d\" y=\"16\">with "
                   "prohibited software, cumulative: %zu</text>"
                   "<path class=\"remediated\" d=\"M%d 12h18\"/><text x=\"%d\" y=\"16\">"
                   "remediated, cumulative: %zu</text>\n",
                   PROG_X0, PROG_X0 + 24, nf, PROG_X0 + 300, PROG_X0 + 324, nr);
    if (untimed)
        avs_buf_printf(out,
                       "<text x=\"%d\" y=\"%d\">%zu machine(s) without a time are not "
                       "plotted</text>\n",
                       PROG_X0, PROG_Y1 + 40, untimed);
    avs_buf_puts(out, "</svg>\n");

done:
    free(found);
    free(fixed);
    if (rc && !out->err)
        out->err = rc;
    return rc;
}
