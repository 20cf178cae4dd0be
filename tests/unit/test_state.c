/* HKLM\SOFTWARE\AvSwap\State, what management tools read (docs/DEPLOY.md), and the fake's
 * registry writes it is built on: only under HKLM\SOFTWARE\AvSwap, never through a link. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdlib.h>
#include <string.h>

#include "exitcode.h"
#include "fake_os.h"
#include "regdata.h"
#include "state.h"

static void setup(void)
{
    fake_os_reset();
}

static void teardown(void)
{
    cr_expect_eq(fake_reg_open_handles(), 0, "a registry handle leaked");
    fake_os_reset();
}

TestSuite(state, .init = setup, .fini = teardown);

static char *read_sz(const char *name)
{
    avs_os_key *k = NULL;
    struct avs_reg_value v;
    char *s = NULL;
    const char *why;
    cr_assert_eq(avs_os_reg_open(&k, AVS_HKLM, AVS_STATE_KEY, AVS_VIEW_64), 0);
    cr_assert_eq(avs_os_reg_value(&v, k, name), 0, "%s missing", name);
    cr_assert_eq(v.type, AVS_REG_SZ);
    cr_assert_eq(avs_regdata_string(&s, &why, &v), 0);
    cr_expect_null(why, "%s is not a clean REG_SZ: %s", name, why);
    free(v.data);
    avs_os_reg_close(k);
    return s;
}

static uint32_t read_dword(const char *name)
{
    avs_os_key *k = NULL;
    struct avs_reg_value v;
    uint32_t u = 0;
    const char *why;
    cr_assert_eq(avs_os_reg_open(&k, AVS_HKLM, AVS_STATE_KEY, AVS_VIEW_64), 0);
    cr_assert_eq(avs_os_reg_value(&v, k, name), 0, "%s missing", name);
    cr_assert_eq(avs_regdata_dword(&u, &why, &v), 0);
    free(v.data);
    avs_os_reg_close(k);
    return u;
}

Test(state, write_sets_the_five_public_values)
{
    struct avs_state s = {AVS_OUTCOME_COMPLIANT, 1764644645123, "20261202T030405Z-ab12", 2};
    cr_assert_eq(avs_state_write(&s), 0);
    cr_expect_eq(read_dword("Compliant"), 1);
    char *o = read_sz("LastOutcome"), *t = read_sz("LastRunUtc"), *r = read_sz("RunId");
    cr_expect_str_eq(o, "compliant");
    cr_expect_str_eq(t, "2025-12-02T03:04:05Z");
    cr_expect_str_eq(r, "20261202T030405Z-ab12");
    cr_expect_eq(read_dword("Findings"), 2);
    free(o), free(t), free(r);
}

Test(state, audit_with_findings_is_not_compliant)
{
    struct avs_state s = {AVS_OUTCOME_AUDIT, 0, NULL, 3};
    cr_assert_eq(avs_state_write(&s), 0);
    cr_expect_eq(read_dword("Compliant"), 0);
    char *o = read_sz("LastOutcome"), *r = read_sz("RunId"), *t = read_sz("LastRunUtc");
    cr_expect_str_eq(o, "audit");
    cr_expect_str_eq(r, "");
    cr_expect_str_eq(t, "1970-01-01T00:00:00Z");
    free(o), free(r), free(t);
    s.findings = 0;
    cr_expect_eq(avs_state_is_compliant(&s), 1);
}

Test(state, refuses_a_symbolic_link_key)
{
    fake_reg_link("SOFTWARE\\AvSwap\\State");
    struct avs_state s = {AVS_OUTCOME_COMPLIANT, 0, "r", 0};
    cr_expect_eq(avs_state_write(&s), AVS_EUNSAFE);
    cr_expect_eq(fake_reg_writes(), 0);
    fake_os_reset();
    fake_reg_link("SOFTWARE\\AvSwap");
    cr_expect_eq(avs_state_write(&s), AVS_EUNSAFE);
    cr_expect_eq(fake_reg_writes(), 0);
}

Test(state, not_elevated_is_an_error_not_a_crash)
{
    fake_reg_fail_write(AVS_EACCES);
    struct avs_state s = {AVS_OUTCOME_FAILED, 0, "r", 1};
    cr_expect_eq(avs_state_write(&s), AVS_EACCES);
}

Test(state, private_values_round_trip_and_unknown_names_are_refused)
{
    uint32_t u = 7;
    char *s = NULL;
    cr_expect_eq(avs_state_get_dword(&u, AVS_STATE_DELAY_DONE), AVS_ENOENT);
    cr_assert_eq(avs_state_set_dword(AVS_STATE_DELAY_DONE, 1), 0);
    cr_assert_eq(avs_state_get_dword(&u, AVS_STATE_DELAY_DONE), 0);
    cr_expect_eq(u, 1);
    cr_assert_eq(avs_state_set_string(AVS_STATE_LAST_MODE, "enforce"), 0);
    cr_assert_eq(avs_state_get_string(&s, AVS_STATE_LAST_MODE), 0);
    cr_expect_str_eq(s, "enforce");
    free(s);
    cr_expect_eq(avs_state_get_dword(&u, AVS_STATE_LAST_MODE), AVS_EFORMAT);
    cr_expect_eq(avs_state_set_dword("Compliant", 1), AVS_EINVAL);
    cr_expect_eq(avs_state_set_string("LastOutcome", "compliant"), AVS_EINVAL);
    cr_expect_eq(avs_state_get_string(&s, "Anything"), AVS_EINVAL);
}

struct exit_case {
    int code;
    size_t remaining;
    char word[20];
};

ParameterizedTestParameters(state, outcome_from_exit)
{
    static struct exit_case cases[] = {
        {AVS_EXIT_OK, 0, "compliant"},          {AVS_EXIT_OK, 1, "not-compliant"},
        {AVS_EXIT_REBOOT, 0, "reboot-pending"}, {AVS_EXIT_BLOCKED, 2, "blocked"},
        {AVS_EXIT_FAILED, 0, "failed"},         {AVS_EXIT_BUSY, 0, "busy"},
        {AVS_EXIT_USAGE, 0, "failed"},
    };
    return cr_make_param_array(struct exit_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct exit_case *c, state, outcome_from_exit)
{
    cr_expect_str_eq(avs_state_outcome_name(avs_state_outcome_from_exit(c->code, c->remaining)),
                     c->word, "exit %d", c->code);
}

struct utc_case {
    int64_t ms;
    char text[24];
};

ParameterizedTestParameters(state, utc_format)
{
    static struct utc_case cases[] = {
        {0, "1970-01-01T00:00:00Z"},
        {999, "1970-01-01T00:00:00Z"},
        {951782400000, "2000-02-29T00:00:00Z"},
        {4107542399000, "2100-02-28T23:59:59Z"},
        {1798761599000, "2026-12-31T23:59:59Z"},
        {-1000, "1969-12-31T23:59:59Z"},
    };
    return cr_make_param_array(struct utc_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct utc_case *c, state, utc_format)
{
    char buf[21];
    avs_state_format_utc(buf, c->ms);
    cr_expect_str_eq(buf, c->text);
}

/* ---- the fake's registry writes (tests/fakes) ---- */

Test(state, fake_writes_only_under_software_avswap)
{
    avs_os_key *k = NULL;
    cr_expect_eq(avs_os_reg_create(&k, "SOFTWARE\\Policies\\AvSwap"), AVS_EINVAL);
    cr_expect_eq(avs_os_reg_create(&k, "SOFTWARE\\AvSwapX"), AVS_EINVAL);
    cr_expect_null(k);
    cr_assert_eq(avs_os_reg_create(&k, "SOFTWARE\\AvSwap\\X\\Y"), 0);
    cr_assert_eq(avs_os_reg_set_string(k, "S", "v\xc3\xa9"), 0);
    cr_assert_eq(avs_os_reg_set_dword(k, "D", 0x01020304), 0);
    cr_assert_eq(avs_os_reg_delete_value(k, "S"), 0);
    cr_assert_eq(avs_os_reg_delete_value(k, "S"), 0, "deleting an absent value is not an error");
    avs_os_reg_close(k);
    cr_assert_eq(avs_os_reg_open(&k, AVS_HKLM, "SOFTWARE\\AvSwap\\X\\Y", AVS_VIEW_64), 0);
    struct avs_reg_value v;
    cr_expect_eq(avs_os_reg_value(&v, k, "S"), AVS_ENOENT);
    cr_assert_eq(avs_os_reg_value(&v, k, "D"), 0);
    cr_expect_eq(v.type, AVS_REG_DWORD);
    cr_expect_eq(v.size, 4);
    cr_expect_eq(v.data[0], 4);
    free(v.data);
    avs_os_reg_close(k);
    cr_expect_eq(fake_reg_writes(), 2);
}
