/* The per-user removal decision (peruser.h). */
#include "peruser.h"

#include <stddef.h>

#include "textutil.h"

enum avs_pu_action avs_peruser_decide(const char **why, const struct avs_pu_facts *f)
{
    char canon[39];
    *why = NULL;
    if (!f->catalog_allows) {
        *why = "the catalog does not allow removing it as its user (user-removal)";
        return AVS_PU_REPORT;
    }
    /* An EXE uninstaller is named by the user's own hive: starting it would still be the
     * service's choice of a program the user controls, so it is never run, even as the user. */
    if (!f->is_msi) {
        *why = "not a Windows Installer product: AvSwap never starts an uninstaller its user's "
               "hive names";
        return AVS_PU_REPORT;
    }
    if (!f->code || avs_guid_canonical(canon, f->code) != 0) {
        *why = "its product code is not a GUID";
        return AVS_PU_REPORT;
    }
    /* The password would have to be on msiexec's command line, which the user can read. */
    if (f->password) {
        *why = "it is password-protected: the password would be on a command line its user can "
               "read";
        return AVS_PU_REPORT;
    }
    switch (f->session) {
    case AVS_PU_SESSION_UNKNOWN: return AVS_PU_NEED_SESSION;
    case AVS_PU_SESSION_NONE: *why = AVS_PU_WHY_NO_SESSION; return AVS_PU_REPORT;
    case AVS_PU_SESSION_ELEVATED:
        *why = "the user's session token is elevated: AvSwap never runs it elevated";
        return AVS_PU_REPORT;
    case AVS_PU_SESSION_ACTIVE: return AVS_PU_REMOVE_AS_USER;
    }
    *why = "unknown session state";
    return AVS_PU_REPORT;
}
