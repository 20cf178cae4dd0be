/* The machine's uninstall password (machine_secret.h). */
#include "machine_secret.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "remediate.h"
#include "secret.h"

/* The plaintext inside the blob: a tag, then the password. The tag tells a blob of another
 * kind (the evidence key's, one from a later version) that DPAPI happened to open. */
static const char TAG[8] = {'A', 'V', 'S', 'P', 'W', 'D', '1', 0};

static int data_dir(char **out)
{
    struct avs_os_folders f;
    *out = NULL;
    int rc = avs_os_folders(&f);
    if (rc)
        return rc;
    *out = avs_remediate_data_dir(&f);
    avs_os_folders_free(&f);
    return *out ? 0 : AVS_ENOMEM;
}

int avs_machine_secret_path(char **out)
{
    char *dir = NULL;
    *out = NULL;
    int rc = data_dir(&dir);
    if (rc)
        return rc;
    struct avs_buf b = AVS_BUF_INIT;
    avs_buf_printf(&b, "%s\\%s", dir, AVS_MACHINE_SECRET_NAME);
    free(dir);
    *out = avs_buf_detach(&b);
    return *out ? 0 : AVS_ENOMEM;
}

int avs_machine_secret_set(const char *password)
{
    char *dir = NULL, *path = NULL;
    unsigned char *plain = NULL, *blob = NULL;
    size_t n = password ? strlen(password) : 0, blob_len = 0;
    int rc = n && n <= AVS_SECRET_MAX ? data_dir(&dir) : AVS_EINVAL;
    if (!rc)
        rc = avs_os_mkdir_protected(dir);
    if (!rc)
        rc = avs_machine_secret_path(&path);
    if (!rc && !(plain = malloc(sizeof TAG + n)))
        rc = AVS_ENOMEM;
    if (!rc) {
        memcpy(plain, TAG, sizeof TAG);
        memcpy(plain + sizeof TAG, password, n);
        rc = avs_os_dpapi_protect(&blob, &blob_len, plain, sizeof TAG + n);
    }
    if (!rc)
        rc = avs_os_file_write_atomic(path, blob, blob_len);
    if (plain) {
        avs_os_secure_zero(plain, sizeof TAG + n);
        free(plain);
    }
    free(blob);
    free(path);
    free(dir);
    return rc;
}

int avs_machine_secret_get(char **out)
{
    char *path = NULL, *blob = NULL;
    unsigned char *plain = NULL;
    size_t blob_len = 0, plain_len = 0;
    *out = NULL;
    int rc = avs_machine_secret_path(&path);
    if (!rc)
        rc = avs_os_file_read_all(&blob, &blob_len, path, 64 * 1024);
    if (!rc && blob_len == 0)
        rc = AVS_EFORMAT;
    if (!rc)
        rc = avs_os_dpapi_unprotect(&plain, &plain_len, blob, blob_len);
    if (!rc && (plain_len <= sizeof TAG || memcmp(plain, TAG, sizeof TAG) != 0))
        rc = AVS_EFORMAT;
    if (!rc) {
        const char *why = NULL;
        rc = avs_secret_parse(out, &why, (const char *)plain + sizeof TAG, plain_len - sizeof TAG);
    }
    if (plain) {
        avs_os_secure_zero(plain, plain_len);
        free(plain);
    }
    free(blob);
    free(path);
    return rc;
}

int avs_machine_secret_clear(int *out_was_set)
{
    char *path = NULL;
    struct avs_os_path_facts f;
    *out_was_set = 0;
    int rc = avs_machine_secret_path(&path);
    if (!rc)
        rc = avs_os_path_facts(&f, path);
    if (!rc && f.exists) {
        *out_was_set = 1;
        rc = avs_os_file_delete(path);
    }
    free(path);
    return rc;
}
