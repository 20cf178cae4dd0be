/* What `remediate` and `status` take from the policy (core/policy.h): reading it, and the
 * uninstall password a run without password flags uses — the policy's PasswordFile, read now and
 * never copied, else the machine secret set by `avswap secret set`. */
#include <stdlib.h>
#include <string.h>

#include "avs_messages.h"
#include "commands.h"
#include "exitcode.h"
#include "machine_secret.h"
#include "secret.h"

int avs_cli_policy_read(struct avs_policy *p, int report, const char *cmd, FILE *err)
{
    if (avs_policy_read(p) != 0) {
        fprintf(err, "avswap %s: out of memory reading the policy\n", cmd);
        return AVS_EXIT_FAILED;
    }
    if (report)
        (void)avs_policy_report_problems(p);
    return 0;
}

const char *avs_cli_password_source(const struct avs_policy *p)
{
    char *path = NULL;
    struct avs_os_path_facts f;
    if (p->password_file)
        return "PasswordFile (policy)";
    int set = avs_machine_secret_path(&path) == 0 && avs_os_path_facts(&f, path) == 0 && f.exists;
    free(path);
    return set ? "machine secret (avswap secret set)" : "none";
}

/* Event 9101 and one line for the helpdesk; WHY never holds the password or the file's data. */
static void unusable(const char *where, const char *why, FILE *err)
{
    const char *s[2] = {where, why};
    (void)avs_os_event_write(AVS_EV_SECRET_UNUSABLE, s, 2);
    fputs("avswap remediate: warning: the uninstall password in ", err);
    avs_report_put_safe(err, where);
    fprintf(err, " is not usable (%s); continuing without it\n", why);
}

static int from_file(char **out, const char *path, FILE *err)
{
    char *data = NULL;
    size_t len = 0;
    const char *why = NULL;
    int rc = avs_os_file_read_all(&data, &len, path, 4096);
    if (rc == AVS_ENOMEM)
        return rc;
    if (rc) {
        unusable(path, rc == AVS_ETOOBIG ? "larger than 4 KiB" : avs_strerror(rc), err);
        return 0;
    }
    rc = avs_secret_parse(out, &why, data, len);
    avs_os_secure_zero(data, len);
    free(data);
    if (rc == AVS_ENOMEM)
        return rc;
    if (rc)
        unusable(path, why ? why : avs_strerror(rc), err);
    return 0;
}

int avs_cli_policy_password(char **out, const struct avs_policy *p, FILE *err)
{
    *out = NULL;
    if (p->password_file) {
        int rc = from_file(out, p->password_file, err);
        if (rc || *out)
            return rc;
    }
    int rc = avs_machine_secret_get(out);
    if (rc == 0 || rc == AVS_ENOENT || rc == AVS_ENOMEM)
        return rc == AVS_ENOMEM ? rc : 0;
    char *path = NULL;
    if (avs_machine_secret_path(&path) == 0)
        unusable(path,
                 rc == AVS_EMISMATCH ? "it does not open on this computer (copied or damaged)"
                                     : avs_strerror(rc),
                 err);
    free(path);
    return 0;
}
