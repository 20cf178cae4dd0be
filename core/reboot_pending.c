#include "reboot_pending.h"

#include <stdlib.h>

#include "buf.h"
#include "error.h"
#include "os.h"

static void add(struct avs_buf *why, const char *text, const char *detail)
{
    if (why->len > 0)
        avs_buf_puts(why, "; ");
    avs_buf_puts(why, text);
    if (detail)
        avs_buf_printf(why, " (%s)", detail);
}

/* A key's existence. Only "absent" is "no": access denied means it exists; any other failure
 * means AvSwap cannot tell, and a restart is assumed. */
static int key_says_pending(struct avs_buf *why, const char *path, const char *text)
{
    avs_os_key *k = NULL;
    int rc = avs_os_reg_open(&k, AVS_HKLM, path, AVS_VIEW_64);
    if (rc == 0) {
        avs_os_reg_close(k);
        add(why, text, NULL);
        return 0;
    }
    if (rc == AVS_ENOENT)
        return 0;
    if (rc == AVS_ENOMEM)
        return rc;
    add(why, text,
        rc == AVS_EACCES ? "the key exists but may not be read"
                         : "could not be checked; counted as pending");
    return 0;
}

static const char PFRO[] = "file rename operations are pending (PendingFileRenameOperations)";

/* PendingFileRenameOperations holds pairs of file names (a source and a destination, which is
 * empty for a delete). Only whether any name is there matters: no decoding. */
static int renames_say_pending(struct avs_buf *why)
{
    avs_os_key *k = NULL;
    struct avs_reg_value v = {0, NULL, 0};
    int rc = avs_os_reg_open(&k, AVS_HKLM, AVS_REBOOT_SM_KEY, AVS_VIEW_64);
    if (rc == AVS_ENOENT)
        return 0;
    if (rc == AVS_ENOMEM)
        return rc;
    if (rc != 0) {
        add(why, PFRO, "Session Manager could not be read; counted as pending");
        return 0;
    }
    rc = avs_os_reg_value(&v, k, AVS_REBOOT_PFRO_VALUE);
    avs_os_reg_close(k);
    if (rc == AVS_ENOENT)
        return 0;
    if (rc == AVS_ENOMEM)
        return rc;
    if (rc == AVS_ETOOBIG) {
        add(why, PFRO, "the value is too large to read; counted as pending");
        return 0;
    }
    if (rc != 0) {
        add(why, PFRO, "the value could not be read; counted as pending");
        return 0;
    }

    int content = 0;
    for (size_t i = 0; i < v.size; i++)
        content |= v.data[i] != 0;
    const char *malformed = NULL;
    if (v.type != AVS_REG_MULTI_SZ)
        malformed = "the value is not a REG_MULTI_SZ; counted as pending";
    else if (v.size % 2 != 0)
        malformed = "the value has an odd byte count; counted as pending";
    else if (content && (v.data[v.size - 1] != 0 || v.data[v.size - 2] != 0))
        malformed = "the value has no terminating NUL; counted as pending";
    free(v.data);

    if (malformed)
        add(why, PFRO, malformed);
    else if (content)
        add(why, PFRO, NULL);
    return 0;
}

int avs_reboot_pending(int *out, char **out_why)
{
    struct avs_buf why = AVS_BUF_INIT;
    int rc;

    *out = 0;
    *out_why = NULL;
    if ((rc = key_says_pending(&why, AVS_REBOOT_CBS_KEY,
                               "Component Based Servicing has a restart pending "
                               "(CBS RebootPending)")) != 0)
        goto done;
    if ((rc = key_says_pending(&why, AVS_REBOOT_WU_KEY,
                               "Windows Update requires a restart (WindowsUpdate "
                               "RebootRequired)")) != 0)
        goto done;
    if ((rc = renames_say_pending(&why)) != 0)
        goto done;
    if ((rc = why.err) != 0)
        goto done;
    if (why.len > 0) {
        *out = 1;
        *out_why = avs_buf_detach(&why);
    }
done:
    avs_buf_free(&why);
    return rc;
}
