/* core/report_svg — the two inline SVG charts of the HTML report (core/report_html.c): the
 * machines by latest state, and remediation progress over time. Internal to the report's HTML
 * writer. Every string in them comes from AvSwap (state words, dates, counts): nothing from an
 * event is written into a chart. Each drawn series carries its figure in a data- attribute
 * (data-count on a state's bar, data-final on a progress line) so the tests can check that
 * the chart adds up to the totals the page prints. */
#ifndef AVS_REPORT_SVG_H
#define AVS_REPORT_SVG_H

#include "buf.h"
#include "report.h"

/* One horizontal bar per state, in the order of enum avs_report_state, with its count; the
 * counts add up to R->n_machines (silent machines included). */
void avs_report_svg_states(struct avs_buf *out, const struct avs_report *r);

/* Two cumulative step lines over time: machines where prohibited software had been seen
 * (first_prohibited_ms) and machines remediated (remediated_ms), from the first finding to the
 * last event read. Time is cut into one step per pixel column, so the path stays small for any
 * fleet; the last step of each line is its exact total. A report without findings gets a
 * sentence instead of a chart. 0, or AVS_ENOMEM (OUT->err is set as well). */
int avs_report_svg_progress(struct avs_buf *out, const struct avs_report *r);

#endif
