/* tests/unit/reportfix.h — one event of a hand-built export fed to the report's aggregation
 * (core/report.c), for the report and report_html suites: one copy of how a test event is made. */
#ifndef AVS_TESTS_REPORTFIX_H
#define AVS_TESTS_REPORTFIX_H

#include <stdarg.h>

#include "report.h"

/* Feeds B the event ID of PROVIDER on COMPUTER at TIME (@SystemTime as written), its insertion
 * strings the NULL-ended AP (at most 16); asserts it is taken. */
void reportfix_vfeed(avs_report_builder *b, const char *provider, const char *computer, unsigned id,
                     const char *time, va_list ap);

#endif
