/* Policy values are hostile input (docs/SECURITY.md, "Policy values"): each bad value is
 * reported with the value's name, what was wrong and what was used instead, never guessed at,
 * and the layers (Group Policy over the MSI's defaults over the built-in defaults) apply value by
 * value. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdlib.h>
#include <string.h>

#include "avs_messages.h"
#include "fake_os.h"
#include "policy.h"

#define POL AVS_POLICY_KEY
#define MSI AVS_POLICY_MSI_KEY
#define HASH_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HASH_1 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static struct avs_policy p;

static void setup(void)
{
    fake_os_reset();
    memset(&p, 0, sizeof p);
}

static void teardown(void)
{
    avs_policy_free(&p);
    cr_expect_eq(fake_reg_open_handles(), 0, "a registry handle leaked");
    fake_os_reset();
}

TestSuite(policy, .init = setup, .fini = teardown);

static void sz(const char *key, const char *name, const char *value)
{
    fake_reg_set_sz(AVS_HKLM, AVS_VIEW_64, key, name, value);
}

static const struct avs_policy_problem *problem(const char *value)
{
    for (size_t i = 0; i < p.n_problems; i++)
        if (strcmp(p.problems[i].value, value) == 0)
            return &p.problems[i];
    return NULL;
}

Test(policy, defaults_without_any_key)
{
    cr_assert_eq(avs_policy_read(&p), 0);
    cr_expect_eq(p.mode, AVS_MODE_AUDIT);
    cr_expect_eq(p.mode_src, AVS_PSRC_DEFAULT);
    cr_expect_eq(p.reboot, AVS_PREBOOT_NEVER);
    cr_expect_eq(p.random_delay_min, 0);
    cr_expect_str_eq(p.login, "KLAdmin");
    cr_expect_eq(p.login_src, AVS_PSRC_DEFAULT);
    cr_expect_null(p.replacement_path);
    cr_expect_null(p.catalog_path);
    cr_expect_null(p.password_file);
    cr_expect_eq(p.window.start, 120);
    cr_expect_eq(p.window.end, 240);
    cr_expect_eq(p.window_set, 0);
    cr_expect_eq(p.n_problems, 0);
}

Test(policy, group_policy_over_msi_over_default)
{
    sz(MSI, "Mode", "enforce");
    sz(MSI, "ReplacementPath", "C:\\pkg\\msi.msi");
    sz(MSI, "ReplacementSha256", HASH_1);
    sz(POL, "Mode", "audit");
    sz(POL, "UninstallLogin", "SecAdmin");
    fake_reg_set_dword(AVS_HKLM, AVS_VIEW_64, POL, "RandomDelayMinutes", 30);
    cr_assert_eq(avs_policy_read(&p), 0);
    cr_expect_eq(p.mode, AVS_MODE_AUDIT);
    cr_expect_eq(p.mode_src, AVS_PSRC_POLICY);
    cr_expect_str_eq(p.replacement_path, "C:\\pkg\\msi.msi");
    cr_expect_eq(p.replacement_path_src, AVS_PSRC_MSI);
    cr_expect_str_eq(p.replacement_sha256, HASH_1);
    cr_expect_str_eq(p.login, "SecAdmin");
    cr_expect_eq(p.login_src, AVS_PSRC_POLICY);
    cr_expect_eq(p.random_delay_min, 30);
    cr_expect_eq(p.random_delay_src, AVS_PSRC_POLICY);
    cr_expect_eq(p.n_problems, 0);
}

Test(policy, msi_key_sets_only_its_three_values)
{
    sz(MSI, "UninstallLogin", "Evil");
    sz(MSI, "CatalogPath", "C:\\x.txt");
    cr_assert_eq(avs_policy_read(&p), 0);
    cr_expect_str_eq(p.login, "KLAdmin");
    cr_expect_null(p.catalog_path);
}

Test(policy, hkcu_and_32bit_view_are_ignored)
{
    fake_reg_set_sz(AVS_HKU, AVS_VIEW_64, "S-1-5-21-1-2-3-1001\\Software\\Policies\\AvSwap", "Mode",
                    "enforce");
    fake_reg_set_sz(AVS_HKLM, AVS_VIEW_32, POL, "Mode", "enforce");
    cr_assert_eq(avs_policy_read(&p), 0);
    cr_expect_eq(p.mode, AVS_MODE_AUDIT);
    cr_expect_eq(p.mode_src, AVS_PSRC_DEFAULT);
}

/* ---- one bad value at a time: what is reported and what is used instead ---- */

struct bad_case {
    char name[24];
    uint32_t type;
    char data[80];  /* UTF-16LE bytes built from ASCII unless raw */
    size_t raw_len; /* non-zero: DATA holds exactly these raw bytes */
    char what[64];  /* expected in the problem's "what" */
    char used[32];  /* expected in "used instead" */
};

ParameterizedTestParameters(policy, bad_values)
{
    static struct bad_case cases[] = {
        {"Mode", AVS_REG_SZ, "enforced", 0, "unknown mode", "audit (default)"},
        {"Mode", AVS_REG_DWORD, "\1\0\0\0", 4, "wrong registry type", "audit (default)"},
        {"Mode", AVS_REG_EXPAND_SZ, "enforce", 0, "wrong registry type", "audit (default)"},
        {"Mode", AVS_REG_MULTI_SZ, "enforce", 0, "wrong registry type", "audit (default)"},
        {"Mode", AVS_REG_SZ, "e\0\0\0n\0f\0", 8, "embedded NUL", "audit (default)"},
        {"Mode", AVS_REG_SZ, "enforce\x01", 0, "control character", "audit (default)"},
        {"Mode", AVS_REG_SZ,
         "\x00\xd8"
         "a\0\0\0",
         6, "unpaired surrogate", "audit (default)"},
        {"RebootPolicy", AVS_REG_SZ, "always", 0, "unknown reboot policy", "never (default)"},
        {"MaintenanceWindow", AVS_REG_SZ, "25:00-04:00", 0, "out of range",
         "02:00-04:00 (default)"},
        {"MaintenanceWindow", AVS_REG_SZ, "22:00-04:60", 0, "out of range", "02:00-04:00"},
        {"MaintenanceWindow", AVS_REG_SZ, "2:00-4:00", 0, "not HH:MM-HH:MM", "02:00-04:00"},
        {"MaintenanceWindow", AVS_REG_SZ, "22:00 - 04:00", 0, "not HH:MM-HH:MM", "02:00-04:00"},
        {"MaintenanceWindow", AVS_REG_SZ, "22:00-04:00x", 0, "not HH:MM-HH:MM", "02:00-04:00"},
        {"RandomDelayMinutes", AVS_REG_DWORD, "\xa1\x05\0\0", 4, "out of range", "0 (default)"},
        {"RandomDelayMinutes", AVS_REG_SZ, "30", 0, "wrong registry type", "0 (default)"},
        {"RandomDelayMinutes", AVS_REG_DWORD, "\1\0", 2, "exactly 4 bytes", "0 (default)"},
        {"RandomDelayMinutes", AVS_REG_QWORD, "\1\0\0\0\0\0\0\0", 8, "wrong registry type",
         "0 (default)"},
        {"ReplacementPath", AVS_REG_SZ, "pkg\\x.msi", 0, "not an absolute path", "(not set)"},
        {"ReplacementPath", AVS_REG_SZ, "\\\\?\\C:\\x.msi", 0, "device path", "(not set)"},
        {"ReplacementPath", AVS_REG_SZ, "\\\\server", 0, "not a UNC path", "(not set)"},
        {"ReplacementPath", AVS_REG_SZ, "C:\\x\".msi", 0, "does not allow", "(not set)"},
        {"ReplacementPath", AVS_REG_SZ, "%TEMP%\\x.msi", 0, "not an absolute path", "(not set)"},
        {"ReplacementSha256", AVS_REG_SZ, "abc", 0, "not a SHA-256", "(not set)"},
        {"ReplacementSha256", AVS_REG_SZ, HASH_A, 0, "not a SHA-256", "(not set)"},
        {"CatalogSha256", AVS_REG_SZ,
         "g123456789abcdef0123456789abcdef0123456789abcdef01234567"
         "89abcdef",
         0, "not a SHA-256", "(not set)"},
        {"PasswordFile", AVS_REG_SZ, "secret.txt", 0, "not an absolute path", "(not set)"},
        {"UninstallLogin", AVS_REG_SZ, "a\tb", 0, "control character", "KLAdmin (default)"},
        {"UninstallLogin", AVS_REG_BINARY, "KLAdmin", 0, "wrong registry type", "KLAdmin"},
        {"ReplacementArgs", AVS_REG_SZ, "A=1\r\nB=2", 0, "control character", "(not set)"},
    };
    return cr_make_param_array(struct bad_case, cases, sizeof cases / sizeof cases[0]);
}

static size_t utf16(unsigned char *w, const char *s)
{
    size_t o = 0;
    for (; *s; s++)
        w[o++] = (unsigned char)*s, w[o++] = 0;
    w[o++] = 0, w[o++] = 0;
    return o;
}

ParameterizedTest(struct bad_case *c, policy, bad_values)
{
    unsigned char w[200];
    size_t n;
    if (c->raw_len) {
        memcpy(w, c->data, c->raw_len);
        n = c->raw_len;
    } else {
        n = utf16(w, c->data);
    }
    fake_reg_set_raw(AVS_HKLM, AVS_VIEW_64, POL, c->name, c->type, w, n);
    cr_assert_eq(avs_policy_read(&p), 0);
    const struct avs_policy_problem *x = problem(c->name);
    cr_assert_not_null(x, "no problem recorded for %s", c->name);
    cr_expect_eq(x->event_id, AVS_EV_POLICY_VALUE_BAD);
    cr_expect_str_eq(x->where, "HKLM\\SOFTWARE\\Policies\\AvSwap");
    cr_expect(strstr(x->what, c->what) != NULL, "%s: what '%s' lacks '%s'", c->name, x->what,
              c->what);
    cr_expect(strstr(x->used, c->used) != NULL, "%s: used '%s' lacks '%s'", c->name, x->used,
              c->used);
    /* Nothing of the refused value was taken. */
    cr_expect_eq(p.mode, AVS_MODE_AUDIT);
    cr_expect_eq(p.reboot, AVS_PREBOOT_NEVER);
    cr_expect_eq(p.random_delay_min, 0);
    cr_expect_null(p.replacement_args);
    cr_expect_null(p.password_file);
    cr_expect_str_eq(p.login, "KLAdmin");
}

Test(policy, bad_group_policy_value_falls_back_to_the_msi_value)
{
    sz(MSI, "Mode", "enforce");
    sz(POL, "Mode", "ENFORCE!");
    cr_assert_eq(avs_policy_read(&p), 0);
    cr_expect_eq(p.mode, AVS_MODE_ENFORCE);
    cr_expect_eq(p.mode_src, AVS_PSRC_MSI);
    cr_assert_eq(p.n_problems, 1);
    cr_expect_str_eq(p.problems[0].used, "enforce (msi)");
}

Test(policy, huge_value_is_refused_not_truncated)
{
    size_t n = 70 * 1024;
    unsigned char *big = malloc(n);
    for (size_t i = 0; i < n; i += 2)
        big[i] = 'A', big[i + 1] = 0;
    fake_reg_set_raw(AVS_HKLM, AVS_VIEW_64, POL, "ReplacementArgs", AVS_REG_SZ, big, n);
    free(big);
    big = malloc(6000);
    for (size_t i = 0; i < 6000; i += 2)
        big[i] = 'B', big[i + 1] = 0;
    fake_reg_set_raw(AVS_HKLM, AVS_VIEW_64, POL, "UninstallLogin", AVS_REG_SZ, big, 6000);
    free(big);
    cr_assert_eq(avs_policy_read(&p), 0);
    cr_expect_null(p.replacement_args);
    cr_expect_str_eq(p.login, "KLAdmin");
    cr_assert_not_null(problem("ReplacementArgs"));
    cr_expect(strstr(problem("ReplacementArgs")->what, "64 KiB") != NULL);
    cr_assert_not_null(problem("UninstallLogin"));
    cr_expect(strstr(problem("UninstallLogin")->what, "longer") != NULL);
}

Test(policy, good_values_are_taken_as_written)
{
    sz(POL, "Mode", "Enforce");
    sz(POL, "ReplacementPath", "\\\\fs01\\av$\\contoso.msi");
    sz(POL, "ReplacementSha256",
       "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef");
    sz(POL, "ReplacementArgs", "REBOOT=ReallySuppress SERVER=\"av.contoso.com\"");
    sz(POL, "RebootPolicy", "maintenance-window");
    sz(POL, "MaintenanceWindow", "22:30-04:15");
    sz(POL, "CatalogPath", "C:\\ProgramData\\Site\\catalog.txt");
    sz(POL, "CatalogSha256", HASH_1);
    sz(POL, "PasswordFile", "\\\\fs01\\avpw$\\kes.txt");
    cr_assert_eq(avs_policy_read(&p), 0);
    cr_expect_eq(p.n_problems, 0, "%zu problems, first: %s", p.n_problems,
                 p.n_problems ? p.problems[0].what : "");
    cr_expect_eq(p.mode, AVS_MODE_ENFORCE);
    cr_expect_str_eq(p.replacement_path, "\\\\fs01\\av$\\contoso.msi");
    cr_expect_str_eq(p.replacement_sha256, HASH_1); /* lower-cased */
    cr_expect_str_eq(p.replacement_args, "REBOOT=ReallySuppress SERVER=\"av.contoso.com\"");
    cr_expect_eq(p.reboot, AVS_PREBOOT_MAINTENANCE_WINDOW);
    cr_expect_eq(p.window.start, 22 * 60 + 30);
    cr_expect_eq(p.window.end, 4 * 60 + 15);
    cr_expect_eq(p.window_set, 1);
    cr_expect_str_eq(p.catalog_path, "C:\\ProgramData\\Site\\catalog.txt");
    cr_expect_str_eq(p.password_file, "\\\\fs01\\avpw$\\kes.txt");
}

Test(policy, empty_string_means_not_configured)
{
    sz(POL, "Mode", "");
    sz(POL, "ReplacementPath", "");
    cr_assert_eq(avs_policy_read(&p), 0);
    cr_expect_eq(p.mode_src, AVS_PSRC_DEFAULT);
    cr_expect_null(p.replacement_path);
    cr_expect_eq(p.n_problems, 0);
}

Test(policy, catalog_path_without_pin_is_not_used)
{
    sz(POL, "CatalogPath", "C:\\site\\catalog.txt");
    sz(POL, "CatalogSha256", "nothex");
    cr_assert_eq(avs_policy_read(&p), 0);
    cr_expect_null(p.catalog_path);
    const struct avs_policy_problem *x = problem("CatalogPath");
    cr_assert_not_null(x);
    cr_expect_eq(x->event_id, AVS_EV_POLICY_PIN_MISSING);
    cr_expect_str_eq(x->used, "the built-in catalog only");
    cr_expect_not_null(problem("CatalogSha256"));
}

Test(policy, replacement_never_borrows_a_pin_from_another_source)
{
    sz(MSI, "ReplacementPath", "C:\\old.msi");
    sz(MSI, "ReplacementSha256", HASH_1);
    sz(POL, "ReplacementPath", "\\\\fs\\av\\new.msi");
    cr_assert_eq(avs_policy_read(&p), 0);
    cr_expect_str_eq(p.replacement_path, "\\\\fs\\av\\new.msi");
    cr_expect_null(p.replacement_sha256, "the MSI's pin was paired with Group Policy's path");
    const struct avs_policy_problem *x = problem("ReplacementSha256");
    cr_assert_not_null(x);
    cr_expect_eq(x->event_id, AVS_EV_POLICY_PIN_MISSING);
    cr_expect(strstr(x->used, "blocks") != NULL);
}

Test(policy, replacement_path_without_pin_is_reported)
{
    sz(POL, "ReplacementPath", "C:\\pkg\\x.msi");
    cr_assert_eq(avs_policy_read(&p), 0);
    cr_expect_str_eq(p.replacement_path, "C:\\pkg\\x.msi");
    cr_expect_null(p.replacement_sha256);
    cr_expect_not_null(problem("ReplacementPath"));
}

Test(policy, unreadable_policy_key_is_reported_and_skipped)
{
    sz(POL, "Mode", "enforce");
    fake_reg_fail_open(AVS_HKLM, AVS_VIEW_64, POL, AVS_EACCES);
    cr_assert_eq(avs_policy_read(&p), 0);
    cr_expect_eq(p.mode, AVS_MODE_AUDIT);
    cr_assert_eq(p.n_problems, 1);
    cr_expect_eq(p.problems[0].event_id, AVS_EV_POLICY_KEY_UNREADABLE);
    cr_expect_str_eq(p.problems[0].where, "HKLM\\SOFTWARE\\Policies\\AvSwap");
}

Test(policy, report_writes_one_event_per_problem)
{
    sz(POL, "Mode", "enforced");
    sz(POL, "RebootPolicy", "sometimes");
    cr_assert_eq(avs_policy_read(&p), 0);
    cr_assert_eq(avs_policy_report_problems(&p), 0);
    cr_expect_eq(fake_events_with_id(AVS_EV_POLICY_VALUE_BAD), 2);
    const struct fake_event *e = fake_event_find(AVS_EV_POLICY_VALUE_BAD);
    cr_assert_not_null(e);
    cr_assert_eq(e->count, 4);
    cr_expect_str_eq(e->strings[0], "Mode");
    cr_expect_str_eq(e->strings[1], "HKLM\\SOFTWARE\\Policies\\AvSwap");
    cr_expect(strstr(e->strings[2], "unknown mode") != NULL);
    cr_expect_str_eq(e->strings[3], "audit (default)");
}

Test(policy, value_names_table_lists_every_value)
{
    size_t n = 0;
    const char *const *names = avs_policy_value_names(&n);
    cr_assert_eq(n, 11);
    cr_expect_str_eq(names[0], "Mode");
    cr_expect_str_eq(names[10], "UninstallLogin");
}

/* ---- the maintenance window ---- */

struct win_case {
    char text[16];
    unsigned now;
    int contains;
    unsigned until;
    unsigned left;
};

ParameterizedTestParameters(policy, window_math)
{
    static struct win_case cases[] = {
        /* a day window, 02:00-04:00 */
        {"02:00-04:00", 0, 0, 120, 0},
        {"02:00-04:00", 119, 0, 1, 0},
        {"02:00-04:00", 120, 1, 0, 120},
        {"02:00-04:00", 239, 1, 0, 1},
        {"02:00-04:00", 240, 0, 1320, 0},
        {"02:00-04:00", 1439, 0, 121, 0},
        /* crossing midnight, 22:00-04:00 */
        {"22:00-04:00", 1319, 0, 1, 0},
        {"22:00-04:00", 1320, 1, 0, 360},
        {"22:00-04:00", 1439, 1, 0, 241},
        {"22:00-04:00", 0, 1, 0, 240},
        {"22:00-04:00", 239, 1, 0, 1},
        {"22:00-04:00", 240, 0, 1080, 0},
        {"23:59-00:00", 1439, 1, 0, 1},
        {"23:59-00:00", 0, 0, 1439, 0},
        /* equal start and end: the whole day */
        {"03:00-03:00", 0, 1, 0, 1440},
        {"03:00-03:00", 180, 1, 0, 1440},
        {"00:00-00:00", 1439, 1, 0, 1440},
        /* the shortest */
        {"12:00-12:01", 720, 1, 0, 1},
        {"12:00-12:01", 721, 0, 1439, 0},
    };
    return cr_make_param_array(struct win_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct win_case *c, policy, window_math)
{
    struct avs_window w;
    const char *why = NULL;
    cr_assert_eq(avs_window_parse(&w, &why, c->text), 0, "%s: %s", c->text, why);
    cr_expect_eq(avs_window_contains(&w, c->now), c->contains, "%s at %u", c->text, c->now);
    cr_expect_eq(avs_window_minutes_until(&w, c->now), c->until, "%s at %u: until", c->text,
                 c->now);
    cr_expect_eq(avs_window_minutes_left(&w, c->now), c->left, "%s at %u: left", c->text, c->now);
    char back[12];
    avs_window_format(back, &w);
    cr_expect_str_eq(back, c->text);
}

struct win_bad {
    char text[24];
};

ParameterizedTestParameters(policy, window_refused)
{
    static struct win_bad cases[] = {
        {""},
        {"22:00"},
        {"22:00-"},
        {"22:00-4:00"},
        {"24:00-01:00"},
        {"00:00-23:60"},
        {"22:00–04:00"},
        {" 22:00-04:00"},
        {"22:00-04:00 "},
        {"22h00-04h00"},
        {"aa:bb-cc:dd"},
        {"22:00-04:00-05:00"},
        {"-1:00-04:00"},
    };
    return cr_make_param_array(struct win_bad, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct win_bad *c, policy, window_refused)
{
    struct avs_window w;
    const char *why = NULL;
    cr_expect_eq(avs_window_parse(&w, &why, c->text), AVS_EFORMAT, "'%s' was accepted", c->text);
    cr_expect_not_null(why);
}
