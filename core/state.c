/* HKLM\SOFTWARE\AvSwap\State: the result of the last engine run, for management tools. */
#include "state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exitcode.h"
#include "os.h"
#include "regdata.h"

const char *avs_state_outcome_name(enum avs_outcome o)
{
    switch (o) {
    case AVS_OUTCOME_COMPLIANT: return "compliant";
    case AVS_OUTCOME_NOT_COMPLIANT: return "not-compliant";
    case AVS_OUTCOME_REBOOT_PENDING: return "reboot-pending";
    case AVS_OUTCOME_BLOCKED: return "blocked";
    case AVS_OUTCOME_AUDIT: return "audit";
    case AVS_OUTCOME_BUSY: return "busy";
    default: return "failed";
    }
}

enum avs_outcome avs_state_outcome_from_exit(int exit_code, size_t remaining)
{
    switch (exit_code) {
    case AVS_EXIT_OK: return remaining ? AVS_OUTCOME_NOT_COMPLIANT : AVS_OUTCOME_COMPLIANT;
    case AVS_EXIT_REBOOT: return AVS_OUTCOME_REBOOT_PENDING;
    case AVS_EXIT_BLOCKED: return AVS_OUTCOME_BLOCKED;
    case AVS_EXIT_BUSY: return AVS_OUTCOME_BUSY;
    default: return AVS_OUTCOME_FAILED;
    }
}

int avs_state_is_compliant(const struct avs_state *s)
{
    return s->outcome == AVS_OUTCOME_COMPLIANT ||
           (s->outcome == AVS_OUTCOME_AUDIT && s->findings == 0);
}

/* Civil date from days since 1970-01-01 (Howard Hinnant's algorithm): no gmtime, whose result
 * lives in a static buffer threads share, and no dependence on the C library's time_t range. */
static void civil(int64_t days, int *y, unsigned *m, unsigned *d)
{
    days += 719468;
    int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    unsigned doe = (unsigned)(days - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

void avs_state_format_utc(char buf[21], int64_t ms)
{
    int64_t s = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    int64_t days = s >= 0 ? s / 86400 : (s - 86399) / 86400;
    int64_t sod = s - days * 86400;
    int y;
    unsigned mo, d;
    civil(days, &y, &mo, &d);
    if (y < 0 || y > 9999)
        y = y < 0 ? 0 : 9999; /* four digits always: a broken clock must not overflow BUF */
    snprintf(buf, 21, "%04d-%02u-%02uT%02u:%02u:%02uZ", y, mo, d, (unsigned)(sod / 3600),
             (unsigned)(sod / 60 % 60), (unsigned)(sod % 60));
}

int avs_state_write(const struct avs_state *s)
{
    avs_os_key *k = NULL;
    char when[21];
    avs_state_format_utc(when, s->run_utc_ms);
    int rc = avs_os_reg_create(&k, AVS_STATE_KEY);
    if (!rc)
        rc = avs_os_reg_set_dword(k, AVS_STATE_COMPLIANT, avs_state_is_compliant(s) ? 1u : 0u);
    if (!rc)
        rc = avs_os_reg_set_string(k, AVS_STATE_LAST_OUTCOME, avs_state_outcome_name(s->outcome));
    if (!rc)
        rc = avs_os_reg_set_string(k, AVS_STATE_LAST_RUN_UTC, when);
    if (!rc)
        rc = avs_os_reg_set_string(k, AVS_STATE_RUN_ID, s->run_id ? s->run_id : "");
    if (!rc)
        rc = avs_os_reg_set_dword(k, AVS_STATE_FINDINGS, s->findings);
    avs_os_reg_close(k);
    return rc;
}

static int private_name(const char *name)
{
    return name &&
           (strcmp(name, AVS_STATE_LAST_MODE) == 0 || strcmp(name, AVS_STATE_DELAY_DONE) == 0);
}

int avs_state_set_dword(const char *name, uint32_t value)
{
    avs_os_key *k = NULL;
    if (!private_name(name))
        return AVS_EINVAL;
    int rc = avs_os_reg_create(&k, AVS_STATE_KEY);
    if (!rc)
        rc = avs_os_reg_set_dword(k, name, value);
    avs_os_reg_close(k);
    return rc;
}

int avs_state_set_string(const char *name, const char *value)
{
    avs_os_key *k = NULL;
    if (!private_name(name) || !value)
        return AVS_EINVAL;
    int rc = avs_os_reg_create(&k, AVS_STATE_KEY);
    if (!rc)
        rc = avs_os_reg_set_string(k, name, value);
    avs_os_reg_close(k);
    return rc;
}

static int get_value(struct avs_reg_value *v, const char *name)
{
    avs_os_key *k = NULL;
    memset(v, 0, sizeof *v);
    if (!private_name(name))
        return AVS_EINVAL;
    int rc = avs_os_reg_open(&k, AVS_HKLM, AVS_STATE_KEY, AVS_VIEW_64);
    if (!rc)
        rc = avs_os_reg_value(v, k, name);
    avs_os_reg_close(k);
    return rc;
}

int avs_state_get_dword(uint32_t *out, const char *name)
{
    struct avs_reg_value v;
    const char *why;
    *out = 0;
    int rc = get_value(&v, name);
    if (!rc)
        rc = avs_regdata_dword(out, &why, &v);
    free(v.data);
    return rc;
}

int avs_state_get_string(char **out, const char *name)
{
    struct avs_reg_value v;
    const char *why;
    *out = NULL;
    int rc = get_value(&v, name);
    if (!rc && v.type != AVS_REG_SZ)
        rc = AVS_EFORMAT;
    if (!rc)
        rc = avs_regdata_string(out, &why, &v);
    free(v.data);
    return rc;
}
