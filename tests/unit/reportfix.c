#include "reportfix.h"

#include <criterion/criterion.h>

#include "evxml.h"

void reportfix_vfeed(avs_report_builder *b, const char *provider, const char *computer, unsigned id,
                     const char *time, va_list ap)
{
    char *data[16];
    size_t n = 0;
    for (const char *s; n < 16 && (s = va_arg(ap, const char *)) != NULL;)
        data[n++] = (char *)s;
    struct avs_evxml_event e = {.provider = (char *)provider,
                                .has_id = 1,
                                .id = id,
                                .computer = (char *)computer,
                                .time = (char *)time,
                                .data = data,
                                .n_data = n};
    cr_assert_eq(avs_report_add_event(b, &e), 0);
}
