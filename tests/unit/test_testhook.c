/* The kill tests' stopping points (core/testhook.h): the parser of AVS_TEST_STOP_AT. The hooks
 * exist only in test builds; the host build compiles the parser alone to test it here. */
#define AVS_TEST_HOOKS 1
#include <criterion/criterion.h>

#include "error.h"
#include "testhook.h"

Test(testhook, record_number)
{
    struct avs_testhook_spec s;
    cr_assert_eq(avs_testhook_parse(&s, "5"), 0);
    cr_expect_eq(s.seq, 5);
    cr_expect_str_eq(s.step, "");
    cr_expect_str_eq(s.point, "");
}

Test(testhook, record_with_step_and_phase)
{
    struct avs_testhook_spec s;
    cr_assert_eq(avs_testhook_parse(&s, "11:remove:begin"), 0);
    cr_expect_eq(s.seq, 11);
    cr_expect_str_eq(s.step, "remove");
    cr_expect_str_eq(s.phase, "begin");
    cr_assert_eq(avs_testhook_parse(&s, "9:replacement-verify:begin"), 0);
    cr_expect_str_eq(s.step, "replacement-verify");
}

Test(testhook, named_point)
{
    struct avs_testhook_spec s;
    cr_assert_eq(avs_testhook_parse(&s, "msi-logged"), 0);
    cr_expect_eq(s.seq, 0);
    cr_expect_str_eq(s.point, "msi-logged");
}

Test(testhook, malformed)
{
    static const char *const bad[] = {
        "",           "0",  "5x",          "5:remove", "5:remove:", "5::begin", "5:Remove:begin",
        "msi logged", "-1", "999999999999"};
    struct avs_testhook_spec s;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_expect_eq(avs_testhook_parse(&s, bad[i]), AVS_EINVAL, "'%s'", bad[i]);
    cr_expect_eq(avs_testhook_parse(&s, NULL), AVS_EINVAL);
}
