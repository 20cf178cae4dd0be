#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "commands.h"
#include "exitcode.h"

int avs_cli_load_catalog(struct avs_catalog *cat, char **desc, const char *path, const char *pin,
                         const char *cmd, FILE *err)
{
    struct avs_buf msg = AVS_BUF_INIT, d = AVS_BUF_INIT;
    char hex[65];
    int code = AVS_EXIT_FAILED;

    *desc = NULL;
    memset(cat, 0, sizeof *cat);
    if (pin && !path) {
        fprintf(err, "avswap %s: --catalog-sha256 goes with --catalog FILE\n", cmd);
        return AVS_EXIT_USAGE;
    }
    if (avs_catalog_load_builtin(cat, &msg) != 0) {
        fprintf(err, "avswap %s: internal error: built-in catalog: %s\n", cmd,
                msg.data ? msg.data : "out of memory");
        goto done;
    }
    avs_buf_puts(&d, "built-in");
    if (path) {
        /* A file given by hand may be pinned; the policy's will have to be (the service). */
        int rc = avs_catalog_load_file(cat, hex, path, pin, AVS_CATALOG_PIN_OPTIONAL, &msg);
        if (rc) {
            fprintf(err, "avswap %s: %s", cmd, rc == AVS_EFORMAT ? "invalid catalog file: " : "");
            avs_report_put_safe(err, msg.data ? msg.data : avs_strerror(rc));
            fputs(rc == AVS_EFORMAT ? "\nSee docs/CATALOG.md for the format.\n" : "\n", err);
            code = rc == AVS_ENOMEM ? AVS_EXIT_FAILED : AVS_EXIT_USAGE;
            goto done;
        }
        avs_buf_printf(&d, " + %s (SHA-256 %s%s)", path, hex, pin ? ", pinned" : "");
    }
    *desc = avs_buf_detach(&d);
    code = *desc ? 0 : AVS_EXIT_FAILED;
done:
    if (code)
        avs_catalog_free(cat);
    avs_buf_free(&msg);
    avs_buf_free(&d);
    return code;
}

int avs_cmd_scan(int argc, char **argv, FILE *out, FILE *err)
{
    int json = 0;
    const char *catalog_path = NULL, *catalog_pin = NULL;
    const struct avs_opt opts[] = {
        {"--json", 0, NULL, &json},
        {"--catalog", 1, &catalog_path, NULL},
        {"--catalog-sha256", 1, &catalog_pin, NULL},
        {NULL, 0, NULL, NULL},
    };
    struct avs_catalog cat;
    struct avs_scan scan;
    char *desc = NULL;
    int code;

    if (avs_args_parse(opts, argc, argv, "scan", err) != 0)
        return AVS_EXIT_USAGE;
    code = avs_cli_load_catalog(&cat, &desc, catalog_path, catalog_pin, "scan", err);
    if (code)
        return code;

    int rc = avs_scan_run(&scan, &cat, desc);
    if (rc) {
        fprintf(err, "avswap scan: the scan failed: %s\n", avs_strerror(rc));
        code = AVS_EXIT_FAILED;
        goto done;
    }
    if (scan.det.n_findings > 0)
        code = AVS_EXIT_FOUND;
    else if (scan.incomplete)
        code = AVS_EXIT_FAILED;
    else
        code = AVS_EXIT_OK;

    if (json) {
        if (avs_report_scan_json(out, &scan, code) != 0) {
            fputs("avswap scan: out of memory while writing the report\n", err);
            code = AVS_EXIT_FAILED;
        }
    } else {
        avs_report_scan_text(out, &scan, code);
    }
    if (scan.event_failures)
        fprintf(err,
                "avswap scan: warning: %d event(s) could not be written to the Event Log: %s\n",
                scan.event_failures, avs_strerror(scan.event_error));
    avs_scan_free(&scan);
done:
    avs_catalog_free(&cat);
    free(desc);
    return code;
}
