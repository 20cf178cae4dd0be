/* One policy value's validation: registry type, encoding, then the value's own grammar. Each
 * refusal says what was wrong in words an auditor reads in event 1100; none quotes the data (a
 * PasswordFile path is not a secret, but nothing here needs to repeat what an attacker wrote). */
#include "policy_int.h"

#include <stdlib.h>
#include <string.h>

#include "avs_messages.h"
#include "buf.h"
#include "regdata.h"
#include "textutil.h"
#include "utf8.h"

/* A string value's code units after the first NUL must all be NUL: "enforce\0x" is not
 * "enforce" with garbage after it, it is a value nobody can read the same way twice. */
static int embedded_nul(const struct avs_reg_value *raw)
{
    size_t units = raw->size / 2;
    size_t i = 0;
    while (i < units && (raw->data[2 * i] | raw->data[2 * i + 1]))
        i++;
    for (; i < units; i++)
        if (raw->data[2 * i] | raw->data[2 * i + 1])
            return 1;
    return 0;
}

static int printable(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 0;
    return 1;
}

/* "C:\x" or "\\server\share\x"; no device paths ("\\?\", "\\.\"), no characters Windows
 * forbids in a path, no quotes that could end a quoted command-line argument. */
static const char *path_problem(const char *s)
{
    size_t n = strlen(s);
    if (n >= 3 && ((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')) && s[1] == ':' &&
        s[2] == '\\') {
        s += 3;
    } else if (n >= 5 && s[0] == '\\' && s[1] == '\\') {
        if (s[2] == '?' || s[2] == '.')
            return "a device path (\\\\?\\ or \\\\.\\) is not accepted; use C:\\... or "
                   "\\\\server\\share\\...";
        const char *share = strchr(s + 2, '\\');
        if (!share || share == s + 2 || share[1] == '\0' || share[1] == '\\')
            return "not a UNC path of the form \\\\server\\share\\file";
        s += 2;
    } else {
        return "not an absolute path (C:\\... or \\\\server\\share\\...)";
    }
    for (; *s; s++)
        if (strchr("\"*?<>|:", *s))
            return "contains a character Windows does not allow in a path";
    return NULL;
}

static int check_string(struct avs_policy_val *out, const char **why, enum avs_policy_kind kind,
                        char *s)
{
    if (!*s)
        return AVS_ENOENT;
    if (!printable(s)) {
        *why = "contains a control character";
        return AVS_EFORMAT;
    }
    if (strlen(s) > AVS_POLICY_STRING_MAX) {
        *why = "longer than 1024 bytes";
        return AVS_EFORMAT;
    }
    switch (kind) {
    case PK_MODE:
        if (avs_str_ieq(s, "audit"))
            out->u = AVS_MODE_AUDIT;
        else if (avs_str_ieq(s, "enforce"))
            out->u = AVS_MODE_ENFORCE;
        else {
            *why = "unknown mode (audit or enforce)";
            return AVS_EFORMAT;
        }
        return 0;
    case PK_REBOOT:
        if (avs_str_ieq(s, "never"))
            out->u = AVS_PREBOOT_NEVER;
        else if (avs_str_ieq(s, "maintenance-window"))
            out->u = AVS_PREBOOT_MAINTENANCE_WINDOW;
        else {
            *why = "unknown reboot policy (never or maintenance-window)";
            return AVS_EFORMAT;
        }
        return 0;
    case PK_WINDOW: return avs_window_parse(&out->w, why, s);
    case PK_PATH:
        if ((*why = path_problem(s)) != NULL)
            return AVS_EFORMAT;
        break;
    case PK_SHA256:
        if (strlen(s) != 64 || strspn(s, "0123456789abcdefABCDEF") != 64) {
            *why = "not a SHA-256 (64 hexadecimal digits)";
            return AVS_EFORMAT;
        }
        for (char *c = s; *c; c++)
            if (*c >= 'A' && *c <= 'F')
                *c = (char)(*c - 'A' + 'a');
        break;
    case PK_LOGIN:
        if (strlen(s) > 256) {
            *why = "longer than 256 bytes";
            return AVS_EFORMAT;
        }
        break;
    default: break;
    }
    out->s = avs_strdup(s);
    return out->s ? 0 : AVS_ENOMEM;
}

int avs_policy_check(struct avs_policy_val *out, const char **why, enum avs_policy_kind kind,
                     const struct avs_reg_value *raw)
{
    memset(out, 0, sizeof *out);
    *why = NULL;
    if (kind == PK_DELAY) {
        uint32_t v;
        int rc = avs_regdata_dword(&v, why, raw);
        if (rc)
            return rc;
        if (v > AVS_POLICY_DELAY_MAX) {
            *why = "out of range (0 to 1440 minutes)";
            return AVS_EFORMAT;
        }
        out->u = v;
        return 0;
    }
    if (raw->type != AVS_REG_SZ) {
        *why = "not a REG_SZ string (wrong registry type)";
        return AVS_EFORMAT;
    }
    if (embedded_nul(raw)) {
        *why = "contains an embedded NUL character";
        return AVS_EFORMAT;
    }
    char *s = NULL;
    int rc = avs_regdata_string(&s, why, raw);
    if (rc)
        return rc;
    *why = NULL; /* a missing terminator or odd size was repaired exactly by the decoder */
    rc = check_string(out, why, kind, s);
    free(s);
    return rc;
}

static void take(char **dst, enum avs_policy_source *dst_src, struct avs_policy_val *v,
                 enum avs_policy_source src)
{
    free(*dst);
    *dst = v->s;
    v->s = NULL;
    *dst_src = src;
}

void avs_policy_apply(struct avs_policy *p, const struct avs_policy_spec *spec,
                      struct avs_policy_val *v, enum avs_policy_source src)
{
    const char *n = spec->name;
    if (strcmp(n, AVS_PV_MODE) == 0)
        p->mode = (enum avs_policy_mode)v->u, p->mode_src = src;
    else if (strcmp(n, AVS_PV_RANDOM_DELAY) == 0)
        p->random_delay_min = v->u, p->random_delay_src = src;
    else if (strcmp(n, AVS_PV_REBOOT_POLICY) == 0)
        p->reboot = (enum avs_policy_reboot)v->u, p->reboot_src = src;
    else if (strcmp(n, AVS_PV_MAINTENANCE_WINDOW) == 0)
        p->window = v->w, p->window_set = 1, p->window_src = src;
    else if (strcmp(n, AVS_PV_REPLACEMENT_PATH) == 0)
        take(&p->replacement_path, &p->replacement_path_src, v, src);
    else if (strcmp(n, AVS_PV_REPLACEMENT_SHA256) == 0)
        take(&p->replacement_sha256, &p->replacement_sha256_src, v, src);
    else if (strcmp(n, AVS_PV_REPLACEMENT_ARGS) == 0)
        take(&p->replacement_args, &p->replacement_args_src, v, src);
    else if (strcmp(n, AVS_PV_CATALOG_PATH) == 0)
        take(&p->catalog_path, &p->catalog_path_src, v, src);
    else if (strcmp(n, AVS_PV_CATALOG_SHA256) == 0)
        take(&p->catalog_sha256, &p->catalog_sha256_src, v, src);
    else if (strcmp(n, AVS_PV_PASSWORD_FILE) == 0)
        take(&p->password_file, &p->password_file_src, v, src);
    else if (strcmp(n, AVS_PV_UNINSTALL_LOGIN) == 0)
        take(&p->login, &p->login_src, v, src);
}

static const char *key_of(enum avs_policy_source s, const char *kp, const char *km)
{
    return s == AVS_PSRC_MSI ? km : kp;
}

int avs_policy_pair_pins(struct avs_policy *p, const char *kp, const char *km)
{
    int rc = 0;
    /* A replacement keeps its path (so an enforcing run blocks on the missing pin, as the
     * safety invariant wants) but never borrows a pin set for another file by another source. */
    if (p->replacement_path && p->replacement_sha256 &&
        p->replacement_sha256_src != p->replacement_path_src) {
        rc = avs_policy_add_problem(
            p, AVS_EV_POLICY_PIN_MISSING, AVS_PV_REPLACEMENT_SHA256,
            key_of(p->replacement_sha256_src, kp, km),
            "set by another source than ReplacementPath, so it pins another file",
            "no pin: an enforcing run blocks before removing anything");
        free(p->replacement_sha256);
        p->replacement_sha256 = NULL;
        p->replacement_sha256_src = AVS_PSRC_DEFAULT;
    } else if (p->replacement_path && !p->replacement_sha256) {
        rc = avs_policy_add_problem(p, AVS_EV_POLICY_PIN_MISSING, AVS_PV_REPLACEMENT_PATH,
                                    key_of(p->replacement_path_src, kp, km),
                                    "set without a valid ReplacementSha256",
                                    "no pin: an enforcing run blocks before removing anything");
    }
    if (!rc && p->catalog_path && !p->catalog_sha256) {
        rc = avs_policy_add_problem(p, AVS_EV_POLICY_PIN_MISSING, AVS_PV_CATALOG_PATH, kp,
                                    "set without a valid CatalogSha256",
                                    "the built-in catalog only");
        free(p->catalog_path);
        p->catalog_path = NULL;
        p->catalog_path_src = AVS_PSRC_DEFAULT;
    }
    return rc;
}
