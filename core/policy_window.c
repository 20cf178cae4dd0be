/* MaintenanceWindow: "HH:MM-HH:MM" in local time, and the arithmetic the service's reboot
 * policy needs. Minutes after midnight throughout; a day has 1440 of them. */
#include "policy.h"

#include "error.h"

#define DAY 1440u

static int two_digits(unsigned *out, const char *s)
{
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
        return -1;
    *out = (unsigned)(s[0] - '0') * 10u + (unsigned)(s[1] - '0');
    return 0;
}

static int hhmm(unsigned *out, const char **why, const char *s)
{
    unsigned h, m;
    if (two_digits(&h, s) || s[2] != ':' || two_digits(&m, s + 3)) {
        *why = "not HH:MM-HH:MM (two digits each, 24-hour clock, e.g. 22:00-04:00)";
        return AVS_EFORMAT;
    }
    if (h > 23 || m > 59) {
        *why = "a time is out of range (hours 00-23, minutes 00-59)";
        return AVS_EFORMAT;
    }
    *out = h * 60u + m;
    return 0;
}

int avs_window_parse(struct avs_window *out, const char **why, const char *text)
{
    unsigned a, b;
    *why = NULL;
    out->start = out->end = 0;
    /* Exactly 11 bytes: checking each position before reading the next keeps a short string
     * from being read past its end. */
    for (size_t i = 0; i < 11; i++) {
        if (text[i] == '\0') {
            *why = "not HH:MM-HH:MM (two digits each, 24-hour clock, e.g. 22:00-04:00)";
            return AVS_EFORMAT;
        }
    }
    if (text[11] != '\0' || text[5] != '-') {
        *why = "not HH:MM-HH:MM (two digits each, 24-hour clock, e.g. 22:00-04:00)";
        return AVS_EFORMAT;
    }
    int rc = hhmm(&a, why, text);
    if (!rc)
        rc = hhmm(&b, why, text + 6);
    if (rc)
        return rc;
    out->start = (uint16_t)a;
    out->end = (uint16_t)b;
    return 0;
}

void avs_window_format(char buf[12], const struct avs_window *w)
{
    unsigned v[2] = {w->start % DAY, w->end % DAY};
    for (int i = 0; i < 2; i++) {
        char *p = buf + 6 * i;
        p[0] = (char)('0' + v[i] / 600u);
        p[1] = (char)('0' + v[i] / 60u % 10u);
        p[2] = ':';
        p[3] = (char)('0' + v[i] % 60u / 10u);
        p[4] = (char)('0' + v[i] % 10u);
    }
    buf[5] = '-';
    buf[11] = '\0';
}

int avs_window_contains(const struct avs_window *w, unsigned now)
{
    now %= DAY;
    if (w->start == w->end)
        return 1;
    if (w->start < w->end)
        return now >= w->start && now < w->end;
    return now >= w->start || now < w->end; /* crosses midnight */
}

unsigned avs_window_minutes_until(const struct avs_window *w, unsigned now)
{
    now %= DAY;
    if (avs_window_contains(w, now))
        return 0;
    return (w->start + DAY - now) % DAY;
}

unsigned avs_window_minutes_left(const struct avs_window *w, unsigned now)
{
    now %= DAY;
    if (!avs_window_contains(w, now))
        return 0;
    if (w->start == w->end)
        return DAY;
    unsigned left = (w->end + DAY - now) % DAY;
    return left ? left : DAY;
}
