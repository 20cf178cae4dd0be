/* Test hooks (testhook.h): compiled to nothing unless AVS_TEST_HOOKS is defined. */
#include "testhook.h"

#ifdef AVS_TEST_HOOKS

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "os.h"

static int copy_word(char *dst, size_t cap, const char *s, size_t n)
{
    if (n == 0 || n >= cap)
        return AVS_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '-'))
            return AVS_EINVAL;
    memcpy(dst, s, n);
    dst[n] = '\0';
    return 0;
}

int avs_testhook_parse(struct avs_testhook_spec *out, const char *spec)
{
    memset(out, 0, sizeof *out);
    if (!spec || !*spec)
        return AVS_EINVAL;
    if (spec[0] < '0' || spec[0] > '9')
        return copy_word(out->point, sizeof out->point, spec, strlen(spec));
    const char *p = spec;
    int64_t n = 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (n > 100000000)
            return AVS_EINVAL;
        n = n * 10 + (*p - '0');
    }
    if (n < 1)
        return AVS_EINVAL;
    out->seq = n;
    if (*p == '\0')
        return 0;
    if (*p != ':')
        return AVS_EINVAL;
    const char *step = p + 1, *colon = strchr(step, ':');
    if (!colon || copy_word(out->step, sizeof out->step, step, (size_t)(colon - step)) ||
        copy_word(out->phase, sizeof out->phase, colon + 1, strlen(colon + 1)))
        return AVS_EINVAL;
    return 0;
}

/* Writes the marker and never returns: the test kills the process here. */
static void stop_here(const char *text)
{
    const char *marker = getenv("AVS_TEST_STOP_MARKER");
    if (marker && *marker)
        (void)avs_os_file_write_atomic(marker, text, strlen(text));
    for (;;)
        avs_os_sleep_ms(1000);
}

static int wanted(struct avs_testhook_spec *s)
{
    const char *spec = getenv("AVS_TEST_STOP_AT");
    return spec && *spec && avs_testhook_parse(s, spec) == 0;
}

void avs_testhook_journal(int64_t seq, const struct avs_journal_entry *e)
{
    struct avs_testhook_spec s;
    if (!wanted(&s) || s.point[0] || s.seq != seq)
        return;
    const char *step = avs_journal_step_name(e->step);
    const char *phase = e->phase == AVS_JPHASE_BEGIN ? "begin" : "end";
    int match = !s.step[0] || (strcmp(s.step, step) == 0 && strcmp(s.phase, phase) == 0);
    struct avs_buf b = AVS_BUF_INIT;
    avs_buf_printf(&b, "stopped at journal record %lld: %s %s %s%s\n", (long long)seq, step, phase,
                   e->product_code ? e->product_code : "-",
                   match ? "" : " (NOT the step:phase asked for)");
    stop_here(b.data ? b.data : "stopped\n");
}

void avs_testhook_point(const char *name)
{
    struct avs_testhook_spec s;
    if (!wanted(&s) || strcmp(s.point, name) != 0)
        return;
    struct avs_buf b = AVS_BUF_INIT;
    avs_buf_printf(&b, "stopped at point %s\n", name);
    stop_here(b.data ? b.data : "stopped\n");
}

#else

/* ISO C wants a translation unit to declare something. */
typedef int avs_testhook_unused;

#endif
