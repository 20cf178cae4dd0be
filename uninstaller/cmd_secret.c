/* `avswap secret set [--from-file FILE]` and `avswap secret clear`: the machine's uninstall
 * password (core/machine_secret.h), so that no password ever goes into a Group Policy value
 * (docs/DEPLOY.md). The password appears in no output, event, log or command line: it is read
 * from a file or typed at a prompt without echo, never taken as an argument. */
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "avs_messages.h"
#include "commands.h"
#include "exitcode.h"
#include "machine_secret.h"
#include "secret.h"

#define PROTECTION "DPAPI machine scope; folder readable by SYSTEM and Administrators only"

static int usage(FILE *err, const char *msg)
{
    fprintf(err, "avswap secret: %s\nTry 'avswap --help' for the list of commands and options.\n",
            msg);
    return AVS_EXIT_USAGE;
}

static int secret_set(int argc, char **argv, FILE *out, FILE *err)
{
    const char *file = NULL;
    const struct avs_opt opts[] = {{"--from-file", 1, &file, NULL}, {NULL, 0, NULL, NULL}};
    char *password = NULL, *path = NULL;
    /* Whatever else is on this command line may be a password typed where it does not belong:
     * refused without being repeated (the generic parser quotes what it does not know). */
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--from-file") == 0 && i + 1 < argc)
            i++;
        else if (strncmp(argv[i], "--from-file=", 12) != 0)
            return usage(err, "'secret set' takes only --from-file FILE; the password is never "
                              "taken on the command line (process lists and logs show it)");
    }
    if (avs_args_parse(opts, argc, argv, "secret set", err) != 0)
        return AVS_EXIT_USAGE;
    int code = avs_cli_read_password(&password, file, file == NULL, "secret set",
                                     "the password prompt", err);
    if (code)
        return code;
    int rc = avs_machine_secret_set(password);
    avs_secret_free(password);
    if (!rc)
        rc = avs_machine_secret_path(&path);
    if (rc) {
        fprintf(err, "avswap secret set: cannot store the password: %s%s\n", avs_strerror(rc),
                rc == AVS_EACCES ? " (run elevated)" : "");
        return AVS_EXIT_FAILED;
    }
    const char *ev[2] = {path, PROTECTION};
    (void)avs_os_event_write(AVS_EV_SECRET_SET, ev, 2);
    fputs("The uninstall password is set: stored in ", out);
    avs_report_put_safe(out, path);
    fputs(" (" PROTECTION ").\n", out);
    free(path);
    return AVS_EXIT_OK;
}

static int secret_clear(int argc, char **argv, FILE *out, FILE *err)
{
    const struct avs_opt opts[] = {{NULL, 0, NULL, NULL}};
    char *path = NULL;
    int was = 0;
    if (avs_args_parse(opts, argc, argv, "secret clear", err) != 0)
        return AVS_EXIT_USAGE;
    int rc = avs_machine_secret_clear(&was);
    if (!rc)
        rc = avs_machine_secret_path(&path);
    if (rc) {
        fprintf(err, "avswap secret clear: cannot delete the password: %s%s\n", avs_strerror(rc),
                rc == AVS_EACCES ? " (run elevated)" : "");
        return AVS_EXIT_FAILED;
    }
    const char *ev[2] = {path, was ? "yes" : "no"};
    (void)avs_os_event_write(AVS_EV_SECRET_CLEARED, ev, 2);
    fputs(was ? "The uninstall password is cleared.\n"
              : "No uninstall password was set; nothing to clear.\n",
          out);
    free(path);
    return AVS_EXIT_OK;
}

int avs_cmd_secret(int argc, char **argv, FILE *out, FILE *err)
{
    if (argc < 1)
        return usage(err, "missing 'set' or 'clear'");
    if (strcmp(argv[0], "set") == 0)
        return secret_set(argc - 1, argv + 1, out, err);
    if (strcmp(argv[0], "clear") == 0)
        return secret_clear(argc - 1, argv + 1, out, err);
    return usage(err, "takes 'set [--from-file FILE]' or 'clear'");
}
