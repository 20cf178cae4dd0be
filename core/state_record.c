/* The State key after an engine run (state.h): what the run ended with, in the words
 * management tools read. */
#include <stdint.h>

#include "avs_messages.h"
#include "os.h"
#include "remediate.h"
#include "state.h"

int avs_state_record_run(const struct avs_remediate_result *r)
{
    int64_t now = 0;
    (void)avs_os_now(&now);
    size_t found = r->n_removed + r->n_remaining;
    struct avs_state s = {avs_state_outcome_from_exit(r->exit_code, r->n_remaining), now, r->run_id,
                          found > UINT32_MAX ? UINT32_MAX : (uint32_t)found};
    int rc = avs_state_write(&s);
    if (rc) {
        const char *ev[3] = {"HKLM\\" AVS_STATE_KEY, avs_state_outcome_name(s.outcome),
                             rc == AVS_EUNSAFE ? "refused as unsafe (the key is a symbolic link)"
                                               : avs_strerror(rc)};
        (void)avs_os_event_write(AVS_EV_STATE_WRITE_FAILED, ev, 3);
    }
    return rc;
}
