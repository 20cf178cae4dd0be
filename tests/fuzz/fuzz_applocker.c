/* Fuzzes the reader of AppLocker rules as Group Policy stores them (core/applocker_rule.c) and
 * the effective-policy reader around it (core/applocker_read.c, through tests/fakes).
 *
 * Whoever can write HKLM\SOFTWARE\Policies\Microsoft\Windows\SrpV2 chooses these bytes. The
 * input is the rule's XML, as the REG_SZ "Value" of a rule key.
 * Properties:
 *   - the parser returns 0 or AVS_EFORMAT (with a reason and nothing left behind), never reads
 *     past the string; what it returns is valid UTF-8, a publisher rule has its three names;
 *   - avs_applocker_rule_covers only ever counts a Deny publisher rule with "*" product, file
 *     and versions;
 *   - the effective-policy reader counts the rule exactly when the parser accepts it, notes it
 *     otherwise, and closes every registry handle. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "applocker.h"
#include "catalog.h"
#include "error.h"
#include "fake_os.h"
#include "fuzz.h"
#include "utf8.h"

static int notes;
static int count_note(void *ctx, const char *key, const char *value, const char *problem)
{
    (void)ctx;
    FUZZ_CHECK(key && value && problem);
    notes++;
    return 0;
}

static int star(const char *s)
{
    return !s || strcmp(s, "*") == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct avs_catalog cat;
    static int loaded;
    if (!loaded) {
        struct avs_buf err = AVS_BUF_INIT;
        FUZZ_CHECK(avs_catalog_load_builtin(&cat, &err) == 0);
        avs_buf_free(&err);
        loaded = 1;
    }
    /* Within what the registry reader takes (AVS_REG_STRING_MAX UTF-16 units), so both readers
     * see the same text. */
    if (size > 2000)
        return 0;
    char *xml = malloc(size + 1);
    FUZZ_CHECK(xml != NULL);
    memcpy(xml, data, size);
    xml[size] = 0;

    struct avs_applocker_rule r;
    const char *why = NULL;
    int rc = avs_applocker_rule_parse(&r, &why, xml);
    FUZZ_CHECK(rc == 0 || rc == AVS_EFORMAT || rc == AVS_ENOMEM);
    int covered = 0;
    if (rc == 0) {
        FUZZ_CHECK(r.sid && avs_utf8_valid(r.sid));
        const char *s[5] = {r.publisher, r.product, r.binary, r.low, r.high};
        for (int i = 0; i < 5; i++)
            FUZZ_CHECK(!s[i] || avs_utf8_valid(s[i]));
        if (r.publisher_rule)
            FUZZ_CHECK(r.publisher && r.product && r.binary);
        for (size_t i = 0; i < cat.n_signers; i++)
            if (avs_applocker_rule_covers(&r, &cat.signers[i])) {
                FUZZ_CHECK(r.publisher_rule && r.deny && star(r.product) && star(r.binary) &&
                           star(r.low) && star(r.high));
                covered = 1;
            }
        avs_applocker_rule_free(&r);
    } else if (rc == AVS_EFORMAT) {
        FUZZ_CHECK(why != NULL && r.sid == NULL && r.publisher == NULL);
    }

    /* The same text as a rule in the registry, with an Application Identity service running
     * (the registry holds UTF-16: only text that is UTF-8 has a form there to test). */
    if (!avs_utf8_valid(xml)) {
        free(xml);
        return 0;
    }
    fake_os_reset();
    fake_service_add(AVS_APPLOCKER_SERVICE, "Application Identity", 0, AVS_SVC_RUNNING);
    fake_reg_set_sz(AVS_HKLM, AVS_VIEW_64, AVS_APPLOCKER_KEY "\\Exe\\r1", "Value", xml);
    struct avs_applocker_state st;
    notes = 0;
    FUZZ_CHECK(avs_applocker_read(&st, &cat, count_note, NULL) == 0);
    FUZZ_CHECK(fake_reg_open_handles() == 0);
    FUZZ_CHECK(st.detail != NULL);
    if (rc == 0) {
        FUZZ_CHECK(st.n_rules == 1 && notes == 0);
        FUZZ_CHECK(st.covering == covered);
        FUZZ_CHECK((st.level != AVS_APPLOCKER_ABSENT) == covered);
    } else if (rc == AVS_EFORMAT) {
        FUZZ_CHECK(st.n_rules == 0 && notes == 1 && st.level == AVS_APPLOCKER_ABSENT);
    }
    avs_applocker_state_free(&st);
    free(xml);
    return 0;
}
