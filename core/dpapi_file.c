/* DPAPI blobs in files (dpapi_file.h). */
#include "dpapi_file.h"

#include <stdlib.h>
#include <string.h>

#include "os.h"

#define TAG_LEN 8u

int avs_dpapi_file_write(const char *path, const char tag[8], const void *data, size_t len)
{
    unsigned char *plain = malloc(TAG_LEN + len), *blob = NULL;
    size_t blob_len = 0;
    if (!plain)
        return AVS_ENOMEM;
    memcpy(plain, tag, TAG_LEN);
    if (len)
        memcpy(plain + TAG_LEN, data, len);
    int rc = avs_os_dpapi_protect(&blob, &blob_len, plain, TAG_LEN + len);
    avs_os_secure_zero(plain, TAG_LEN + len);
    free(plain);
    if (!rc)
        rc = avs_os_file_write_atomic(path, blob, blob_len);
    free(blob);
    return rc;
}

int avs_dpapi_file_read(unsigned char **out, size_t *out_len, const char *path, const char tag[8])
{
    char *blob = NULL;
    unsigned char *plain = NULL, *data = NULL;
    size_t blob_len = 0, plain_len = 0;
    *out = NULL;
    *out_len = 0;
    int rc = avs_os_file_read_all(&blob, &blob_len, path, 64 * 1024);
    if (!rc && blob_len == 0)
        rc = AVS_EFORMAT;
    if (!rc)
        rc = avs_os_dpapi_unprotect(&plain, &plain_len, blob, blob_len);
    if (!rc && (plain_len < TAG_LEN || memcmp(plain, tag, TAG_LEN) != 0))
        rc = AVS_EFORMAT;
    if (!rc && !(data = malloc(plain_len - TAG_LEN + 1)))
        rc = AVS_ENOMEM;
    if (!rc) {
        memcpy(data, plain + TAG_LEN, plain_len - TAG_LEN);
        *out = data;
        *out_len = plain_len - TAG_LEN;
    }
    if (plain) {
        avs_os_secure_zero(plain, plain_len);
        free(plain);
    }
    free(blob);
    return rc;
}
