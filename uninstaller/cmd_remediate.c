#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "commands.h"
#include "exitcode.h"
#include "secret.h"
#include "state.h"
#include "utf8.h"

static int usage(FILE *err, const char *msg)
{
    fprintf(err,
            "avswap remediate: %s\nTry 'avswap --help' for the list of commands and options.\n",
            msg);
    return AVS_EXIT_USAGE;
}

/* A login name Windows Installer can take as a property value: printable UTF-8. */
static int login_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 256 || !avs_utf8_valid(s))
        return 0;
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 0;
    return 1;
}

static int parse_seconds(uint32_t *out, const char *s)
{
    unsigned long v = 0;
    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > 3600)
            return -1;
        v = v * 10 + (unsigned long)(*s - '0');
    }
    if (v > 3600)
        return -1;
    *out = (uint32_t)v * 1000u;
    return 0;
}

int avs_cmd_remediate(int argc, char **argv, FILE *out, FILE *err)
{
    int json = 0, dry_run = 0, prompt = 0;
    const char *replacement = NULL, *sha = NULL, *rargs = NULL, *pwfile = NULL, *reboot = NULL,
               *catalog_path = NULL, *busy = NULL, *login = NULL;
    const char *catalog_pin = NULL;
    const struct avs_opt opts[] = {
        {"--json", 0, NULL, &json},
        {"--dry-run", 0, NULL, &dry_run},
        {"--replacement", 1, &replacement, NULL},
        {"--sha256", 1, &sha, NULL},
        {"--replacement-args", 1, &rargs, NULL},
        {"--password-file", 1, &pwfile, NULL},
        {"--password-prompt", 0, NULL, &prompt},
        {"--login", 1, &login, NULL},
        {"--reboot", 1, &reboot, NULL},
        {"--catalog", 1, &catalog_path, NULL},
        {"--busy-timeout", 1, &busy, NULL},
        {"--catalog-sha256", 1, &catalog_pin, NULL},
        {NULL, 0, NULL, NULL},
    };
    struct avs_remediate_opts o;
    struct avs_remediate_result r;
    struct avs_catalog cat;
    struct avs_policy pol;
    char *desc = NULL, *password = NULL;
    int code;

    if (avs_args_parse(opts, argc, argv, "remediate", err) != 0)
        return AVS_EXIT_USAGE;
    memset(&o, 0, sizeof o);
    o.busy_timeout_ms = AVS_BUSY_TIMEOUT_DEFAULT_MS;
    if (replacement && !sha)
        return usage(err, "--replacement needs --sha256 HEX (the package's SHA-256)");
    if (sha && !replacement)
        return usage(err, "--sha256 goes with --replacement FILE");
    if (rargs && !replacement)
        return usage(err, "--replacement-args goes with --replacement FILE");
    if (pwfile && prompt)
        return usage(err, "give --password-file or --password-prompt, not both");
    if (login && !pwfile && !prompt)
        return usage(err, "--login goes with --password-file or --password-prompt");
    if (login && !login_ok(login))
        return usage(err, "--login takes a user name of 1 to 256 characters, no control "
                          "characters");
    if (reboot && strcmp(reboot, "never") == 0)
        o.reboot = AVS_REBOOT_NEVER;
    else if (reboot && strcmp(reboot, "if-needed") == 0)
        o.reboot = AVS_REBOOT_IF_NEEDED;
    else if (reboot)
        return usage(err, "--reboot takes 'never' or 'if-needed'");
    if (busy && parse_seconds(&o.busy_timeout_ms, busy) != 0)
        return usage(err, "--busy-timeout takes whole seconds from 0 to 3600");

    /* A hand run is an administrator's explicit request: it acts whatever Mode says, and takes
     * from the policy what its flags leave open (docs/DEPLOY.md). A replacement comes with its
     * own pin and arguments: a --replacement flag takes none of the policy's. */
    if ((code = avs_cli_policy_read(&pol, 1, "remediate", err)) != 0)
        return code;
    if (!replacement && pol.replacement_path) {
        replacement = pol.replacement_path;
        sha = pol.replacement_sha256; /* NULL when unpinned: the engine then blocks */
        rargs = pol.replacement_args;
    }
    if (!catalog_path && !catalog_pin && pol.catalog_path) {
        catalog_path = pol.catalog_path;
        catalog_pin = pol.catalog_sha256;
    }
    if (!login && pol.login_src != AVS_PSRC_DEFAULT)
        login = pol.login;

    code = avs_cli_load_catalog(&cat, &desc, catalog_path, catalog_pin, "remediate", err);
    if (code) {
        avs_policy_free(&pol);
        return code;
    }
    if ((pwfile || prompt) && (code = avs_cli_read_password(&password, pwfile, prompt, "remediate",
                                                            "--password-prompt", err)) != 0)
        goto done;
    if (!pwfile && !prompt && avs_cli_policy_password(&password, &pol, err) != 0) {
        code = AVS_EXIT_FAILED;
        goto done;
    }

    o.dry_run = dry_run;
    o.replacement = replacement;
    o.sha256_hex = sha;
    o.replacement_args = rargs;
    o.password = password;
    o.login = login;
    o.catalog = &cat;
    o.catalog_desc = desc;
    if (avs_remediate(&r, &o) != 0) {
        fputs("avswap remediate: out of memory\n", err);
        code = AVS_EXIT_FAILED;
        goto done;
    }
    code = r.exit_code;
    if (!dry_run)
        (void)avs_state_record_run(&r); /* a failure is event 9100; the run's result stands */
    if (json)
        avs_report_remediate_json(out, &r, dry_run);
    else
        avs_report_remediate_text(out, &r, dry_run);
    avs_remediate_result_free(&r);
done:
    avs_secret_free(password);
    avs_catalog_free(&cat);
    avs_policy_free(&pol);
    free(desc);
    return code;
}
