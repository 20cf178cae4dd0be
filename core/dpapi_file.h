/* A small secret kept in a file as a DPAPI machine-scope blob (os.h avs_os_dpapi_*): the evidence
 * key and the machine's uninstall password. Inside the blob the data follows an 8-byte TAG that
 * names what it is, so a blob of another kind (or from a later version) that DPAPI happens to
 * open is refused instead of being taken for this one. */
#ifndef AVS_DPAPI_FILE_H
#define AVS_DPAPI_FILE_H

#include <stddef.h>

/* Protects TAG + LEN bytes of DATA and writes the blob to PATH atomically
 * (avs_os_file_write_atomic). Every plaintext copy is wiped. */
int avs_dpapi_file_write(const char *path, const char tag[8], const void *data, size_t len);

/* Reads the blob at PATH (at most 64 KiB) and opens it: *out (malloc'd; wipe with
 * avs_os_secure_zero and free) receives the data after TAG, *out_len its size. AVS_ENOENT when
 * PATH does not exist, AVS_EMISMATCH when the blob does not open on this machine, AVS_EFORMAT
 * when it is empty or its tag is not TAG. */
int avs_dpapi_file_read(unsigned char **out, size_t *out_len, const char *path, const char tag[8]);

#endif
