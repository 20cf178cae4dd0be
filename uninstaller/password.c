/* Reading an uninstall password from a file or the console, for `remediate` and `secret set`.
 * Its text never reaches an error message. */
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "exitcode.h"
#include "secret.h"

int avs_cli_read_password(char **out, const char *file, int prompt, const char *cmd,
                          const char *prompt_opt, FILE *err)
{
    *out = NULL;
    if (prompt) {
        int rc = avs_os_read_password(out, "Uninstall password: ");
        if (rc == AVS_EUNAVAIL) {
            fprintf(err, "avswap %s: %s needs a console; use %s\n", cmd, prompt_opt,
                    strcmp(cmd, "remediate") == 0 ? "--password-file" : "--from-file");
            fputs("Try 'avswap --help' for the list of commands and options.\n", err);
            return AVS_EXIT_USAGE;
        }
        if (rc) {
            fprintf(err, "avswap %s: cannot read the password: %s\n", cmd, avs_strerror(rc));
            return AVS_EXIT_FAILED;
        }
        /* The console gave what was typed; hold it to the same rules as a file. */
        char *checked = NULL;
        const char *why = NULL;
        rc = avs_secret_parse(&checked, &why, *out, strlen(*out));
        avs_secret_free(*out);
        *out = checked;
        if (rc) {
            fprintf(err, "avswap %s: the password typed is not usable: %s\n", cmd,
                    why ? why : avs_strerror(rc));
            return AVS_EXIT_USAGE;
        }
        return 0;
    }
    char *data = NULL;
    size_t len = 0;
    int rc = avs_os_file_read_all(&data, &len, file, 4096);
    if (rc) {
        fprintf(err, "avswap %s: cannot read the password file: %s\n", cmd,
                rc == AVS_ETOOBIG ? "larger than 4 KiB" : avs_strerror(rc));
        return rc == AVS_ENOMEM ? AVS_EXIT_FAILED : AVS_EXIT_USAGE;
    }
    const char *why = NULL;
    rc = avs_secret_parse(out, &why, data, len);
    avs_os_secure_zero(data, len);
    free(data);
    if (rc) {
        fprintf(err, "avswap %s: the password file is not usable: %s\n", cmd,
                why ? why : avs_strerror(rc));
        return AVS_EXIT_USAGE;
    }
    return 0;
}
