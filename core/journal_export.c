/* `avswap evidence export`: the journal, as it is, gzip-compressed. */
#include <stdlib.h>

#include "error.h"
#include "gzip.h"
#include "journal.h"
#include "os.h"

int avs_journal_export(struct avs_journal_check *check, const char *journal_path,
                       const char *out_path)
{
    char *data = NULL;
    unsigned char *gz = NULL;
    size_t len = 0, gz_len = 0;
    struct avs_journal_check c;

    int rc = avs_os_file_read_all(&data, &len, journal_path, AVS_JOURNAL_MAX_BYTES);
    if (rc)
        goto done;
    rc = avs_journal_verify(&c, NULL, NULL, data, len);
    if (rc)
        goto done;
    rc = avs_gzip(&gz, &gz_len, data, len);
    if (rc)
        goto done;
    rc = avs_os_file_write_atomic(out_path, gz, gz_len);
    if (rc)
        goto done;
    if (check)
        *check = c;
done:
    free(gz);
    free(data);
    return rc;
}
