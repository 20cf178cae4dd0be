#include "fake_evidence.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "fake_fs.h"
#include "fake_internal.h"

#define TAG "FAKEDPAPI"
#define TAG_LEN 9
#define MAXT 32

static struct {
    char path[512];
    char owner[192];
    int dacl_ok;
} distrusted[MAXT];
static size_t n_distrusted;
static int trust_fail, dpapi_fail, move_fail;

void fake_evidence_reset(void)
{
    n_distrusted = 0;
    trust_fail = dpapi_fail = move_fail = 0;
}

void fake_evidence_distrust(const char *path, const char *owner_sid, int dacl_ok)
{
    if (n_distrusted == MAXT)
        abort();
    snprintf(distrusted[n_distrusted].path, sizeof distrusted[0].path, "%s", path);
    snprintf(distrusted[n_distrusted].owner, sizeof distrusted[0].owner, "%s", owner_sid);
    distrusted[n_distrusted].dacl_ok = dacl_ok;
    n_distrusted++;
}

void fake_evidence_trust_fail(int err)
{
    trust_fail = err;
}

void fake_evidence_dpapi_fail(int err)
{
    dpapi_fail = err;
}

void fake_evidence_move_fail(int err)
{
    move_fail = err;
}

static int take(int *v)
{
    int e = *v;
    *v = 0;
    return e;
}

static int xor_copy(unsigned char **out, const unsigned char *in, size_t len, size_t skip,
                    size_t prefix)
{
    unsigned char *p = malloc(len - skip + prefix + 1);
    if (!p)
        return AVS_ENOMEM;
    if (prefix)
        memcpy(p, TAG, TAG_LEN);
    for (size_t i = skip; i < len; i++)
        p[prefix + i - skip] = (unsigned char)(in[i] ^ 0x5a);
    *out = p;
    return 0;
}

int avs_os_dpapi_protect(unsigned char **out, size_t *out_len, const void *data, size_t len)
{
    *out = NULL;
    int e = take(&dpapi_fail);
    if (e)
        return e;
    int rc = xor_copy(out, data, len, 0, TAG_LEN);
    if (!rc)
        *out_len = len + TAG_LEN;
    return rc;
}

int avs_os_dpapi_unprotect(unsigned char **out, size_t *out_len, const void *data, size_t len)
{
    *out = NULL;
    int e = take(&dpapi_fail);
    if (e)
        return e;
    if (len < TAG_LEN || memcmp(data, TAG, TAG_LEN) != 0)
        return AVS_EMISMATCH;
    int rc = xor_copy(out, data, len, TAG_LEN, 0);
    if (!rc)
        *out_len = len - TAG_LEN;
    return rc;
}

int avs_os_path_trust(struct avs_os_trust *out, const char *path)
{
    memset(out, 0, sizeof *out);
    int e = take(&trust_fail);
    if (e)
        return e;
    snprintf(out->owner, sizeof out->owner, "S-1-5-32-544");
    out->owner_ok = out->dacl_ok = out->dacl_protected = 1;
    for (size_t i = 0; i < n_distrusted; i++) {
        if (strcmp(distrusted[i].path, path) == 0) {
            snprintf(out->owner, sizeof out->owner, "%s", distrusted[i].owner);
            out->owner_ok =
                strcmp(out->owner, "S-1-5-18") == 0 || strcmp(out->owner, "S-1-5-32-544") == 0;
            out->dacl_ok = out->dacl_protected = distrusted[i].dacl_ok;
        }
    }
    return 0;
}

int avs_os_dir_list(char ***out, size_t *out_count, const char *path)
{
    char **names = NULL;
    size_t n = 0, pl = strlen(path);
    const char *p;
    *out = NULL;
    *out_count = 0;
    for (size_t i = 0; (p = fake_fs_path_at(i)) != NULL; i++) {
        if (strncmp(p, path, pl) != 0 || p[pl] != '\\')
            continue;
        const char *name = p + pl + 1;
        size_t len = strcspn(name, "\\");
        int dup = 0;
        for (size_t k = 0; k < n && !dup; k++)
            dup = strlen(names[k]) == len && strncmp(names[k], name, len) == 0;
        if (dup)
            continue;
        names = fake_xrealloc(names, (n + 1) * sizeof *names);
        names[n] = fake_xrealloc(NULL, len + 1);
        memcpy(names[n], name, len);
        names[n][len] = 0;
        n++;
    }
    *out = names;
    *out_count = n;
    return 0;
}

void avs_os_names_free(char **names, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    free(names);
}

int avs_os_path_move(const char *from, const char *to)
{
    int e = take(&move_fail);
    if (e)
        return e;
    size_t len;
    if (fake_fs_data(to, &len))
        return AVS_EIO;
    return fake_fs_rename(from, to);
}
