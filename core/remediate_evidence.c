/* The evidence key of a remediation's journal, and the events that say what became of an
 * older journal and of the key. */
#include <stdio.h>
#include <stdlib.h>

#include "avs_messages.h"
#include "evidence.h"
#include "exitcode.h"
#include "remediate_int.h"

int avs_rem_evidence_key(struct rctx *c, unsigned char key[AVS_EVKEY_LEN])
{
    struct avs_evidence_prep prep;
    int64_t now = 0;
    avs_os_now(&now);
    int rc = avs_evidence_prepare(&prep, key, c->data_dir, c->journal_path, now);
    if (prep.unkeyed_moved_to) {
        free(c->evidence_moved);
        c->evidence_moved = prep.unkeyed_moved_to;
        prep.unkeyed_moved_to = NULL;
    }
    c->evidence_key_new = !rc && prep.key_created;
    if (rc) {
        char path[1024], why[256];
        snprintf(path, sizeof path, "%s\\%s", c->data_dir, AVS_EVKEY_NAME);
        snprintf(why, sizeof why, "%s (%s)", prep.why ? prep.why : "evidence key",
                 avs_strerror(rc));
        const char *s[2] = {path, why};
        avs_os_event_write(AVS_EV_EVIDENCE_KEY_UNUSABLE, s, 2);
        avs_rem_stop(c, AVS_EXIT_FAILED, "journal", why);
    }
    avs_evidence_prep_free(&prep);
    return rc;
}

void avs_rem_evidence_events(struct rctx *c)
{
    if (c->evidence_moved) {
        const char *s[2] = {c->evidence_moved, c->journal_path};
        avs_rem_event(c, AVS_EV_JOURNAL_UNKEYED_MOVED, s, 2);
    }
    if (c->evidence_key_new) {
        char path[1024];
        snprintf(path, sizeof path, "%s\\%s", c->data_dir, AVS_EVKEY_NAME);
        const char *s[1] = {path};
        avs_rem_event(c, AVS_EV_EVIDENCE_KEY_CREATED, s, 1);
    }
    free(c->evidence_moved);
    c->evidence_moved = NULL;
    c->evidence_key_new = 0;
}
