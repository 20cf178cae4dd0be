/* The machine's uninstall password (machine_secret.h). */
#include "machine_secret.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "dpapi_file.h"
#include "remediate.h"
#include "secret.h"

/* The tag before the password inside the DPAPI blob (dpapi_file.h). */
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
    size_t n = password ? strlen(password) : 0;
    int rc = n && n <= AVS_SECRET_MAX ? data_dir(&dir) : AVS_EINVAL;
    if (!rc)
        rc = avs_os_mkdir_protected(dir);
    if (!rc)
        rc = avs_machine_secret_path(&path);
    if (!rc)
        rc = avs_dpapi_file_write(path, TAG, password, n);
    free(path);
    free(dir);
    return rc;
}

int avs_machine_secret_get(char **out)
{
    char *path = NULL;
    unsigned char *plain = NULL;
    size_t plain_len = 0;
    const char *why = NULL;
    *out = NULL;
    int rc = avs_machine_secret_path(&path);
    if (!rc)
        rc = avs_dpapi_file_read(&plain, &plain_len, path, TAG);
    if (!rc)
        rc = avs_secret_parse(out, &why, (const char *)plain, plain_len);
    if (plain) {
        avs_os_secure_zero(plain, plain_len);
        free(plain);
    }
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
