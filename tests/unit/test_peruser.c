/* The per-user removal decision (core/peruser.h) as a table: each rule alone turns a removal
 * into a report with its own reason, and only an active, non-elevated session removes. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include "peruser.h"

#define CODE "{7A1B2C3D-4E5F-4061-8273-94A5B6C7D801}"

/* Criterion runs each case in its own process: the table holds arrays, not pointers. */
struct pu_case {
    int allows, msi;
    char code[48]; /* "" for none */
    int password;
    enum avs_pu_session session;
    enum avs_pu_action want;
    char why[32]; /* a fragment of the reason; "" when there is none */
};

ParameterizedTestParameters(peruser, decide)
{
    static struct pu_case cases[] = {
        {1, 1, CODE, 0, AVS_PU_SESSION_ACTIVE, AVS_PU_REMOVE_AS_USER, ""},
        {1, 1, CODE, 0, AVS_PU_SESSION_UNKNOWN, AVS_PU_NEED_SESSION, ""},
        {1, 1, "{7a1b2c3d-4e5f-4061-8273-94a5b6c7d801}", 0, AVS_PU_SESSION_ACTIVE,
         AVS_PU_REMOVE_AS_USER, ""},
        {0, 1, CODE, 0, AVS_PU_SESSION_ACTIVE, AVS_PU_REPORT, "user-removal"},
        {1, 0, CODE, 0, AVS_PU_SESSION_ACTIVE, AVS_PU_REPORT, "not a Windows Installer"},
        {1, 0, "", 0, AVS_PU_SESSION_UNKNOWN, AVS_PU_REPORT, "not a Windows Installer"},
        {1, 1, "", 0, AVS_PU_SESSION_ACTIVE, AVS_PU_REPORT, "not a GUID"},
        {1, 1, "{7A1B2C3D} /i evil.msi", 0, AVS_PU_SESSION_ACTIVE, AVS_PU_REPORT, "not a GUID"},
        {1, 1, CODE " /qb", 0, AVS_PU_SESSION_ACTIVE, AVS_PU_REPORT, "not a GUID"},
        {1, 1, CODE, 1, AVS_PU_SESSION_ACTIVE, AVS_PU_REPORT, "password"},
        {1, 1, CODE, 1, AVS_PU_SESSION_UNKNOWN, AVS_PU_REPORT, "password"},
        {1, 1, CODE, 0, AVS_PU_SESSION_NONE, AVS_PU_REPORT, "no session token"},
        {1, 1, CODE, 0, AVS_PU_SESSION_ELEVATED, AVS_PU_REPORT, "elevated"},
        {0, 0, "", 1, AVS_PU_SESSION_NONE, AVS_PU_REPORT, "user-removal"},
    };
    return cr_make_param_array(struct pu_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct pu_case *c, peruser, decide)
{
    const char *why = "unset";
    struct avs_pu_facts f = {c->allows, c->msi, c->code[0] ? c->code : NULL, c->password,
                             c->session};
    enum avs_pu_action a = avs_peruser_decide(&why, &f);
    cr_expect_eq(a, c->want, "allows=%d msi=%d code=%s pw=%d session=%d: got %d", c->allows, c->msi,
                 c->code, c->password, c->session, a);
    if (c->why[0])
        cr_expect(why && strstr(why, c->why), "reason '%s' lacks '%s'", why ? why : "(null)",
                  c->why);
    else
        cr_expect_null(why, "no reason expected, got '%s'", why);
}
