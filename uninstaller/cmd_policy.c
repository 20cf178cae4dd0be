/* `avswap policy applocker`: writes the AppLocker policy that denies the vendor's signed code
 * (core/applocker.h), to standard output or atomically to --out FILE. It reads the machine
 * nothing and changes it nothing: the file is for Set-AppLockerPolicy or the Group Policy
 * editor, where the administrator decides where it applies (docs/DEPLOY.md). */
#include <stdlib.h>
#include <string.h>

#include "applocker.h"
#include "args.h"
#include "commands.h"
#include "exitcode.h"

static int applocker(int argc, char **argv, FILE *out, FILE *err)
{
    struct avs_applocker_opts o = {0, 0, 0, 0};
    const char *file = NULL, *catalog_path = NULL, *catalog_pin = NULL;
    const struct avs_opt opts[] = {
        {"--audit", 0, NULL, &o.audit},
        {"--merge", 0, NULL, &o.merge},
        {"--services", 0, NULL, &o.services},
        {"--dll", 0, NULL, &o.dll},
        {"--out", 1, &file, NULL},
        {"--catalog", 1, &catalog_path, NULL},
        {"--catalog-sha256", 1, &catalog_pin, NULL},
        {NULL, 0, NULL, NULL},
    };
    struct avs_catalog cat;
    struct avs_buf xml = AVS_BUF_INIT;
    char *desc = NULL;

    if (avs_args_parse(opts, argc, argv, "policy applocker", err) != 0)
        return AVS_EXIT_USAGE;
    int code =
        avs_cli_load_catalog(&cat, &desc, catalog_path, catalog_pin, "policy applocker", err);
    if (code)
        return code;
    int rc = avs_applocker_policy_xml(&xml, &cat, &o);
    if (rc) {
        fprintf(err, "avswap policy applocker: %s\n",
                rc == AVS_EINVAL ? "the catalog names no [vendor] signer: there is nothing to deny"
                                 : avs_strerror(rc));
        code = rc == AVS_EINVAL ? AVS_EXIT_USAGE : AVS_EXIT_FAILED;
        goto done;
    }
    if (!file) {
        fwrite(xml.data, 1, xml.len, out);
        goto done;
    }
    /* All or nothing: a GPO import must never read half a policy. */
    rc = avs_os_file_write_atomic(file, xml.data, xml.len);
    if (rc) {
        fputs("avswap policy applocker: cannot write ", err);
        avs_report_put_safe(err, file);
        fprintf(err, ": %s\n", avs_strerror(rc));
        code = AVS_EXIT_FAILED;
        goto done;
    }
    fputs("AppLocker policy written to ", out);
    avs_report_put_safe(out, file);
    fprintf(out, " (%s%s%s%s; catalog %s)\n",
            o.audit   ? "audit only"
            : o.merge ? "enforcement mode left to the policy it is merged into"
                      : "enforced",
            o.merge ? ", deny rules only, for merging" : ", with allow-everything rules",
            o.services ? ", services and SYSTEM too" : "", o.dll ? ", DLLs too" : "", desc);
    fputs("Import it with Set-AppLockerPolicy -XmlPolicy FILE [-Merge] or the Group Policy "
          "editor; see docs/DEPLOY.md (AppLocker: discontinue future use).\n",
          out);
done:
    avs_buf_free(&xml);
    avs_catalog_free(&cat);
    free(desc);
    return code;
}

int avs_cmd_policy(int argc, char **argv, FILE *out, FILE *err)
{
    if (argc >= 1 && strcmp(argv[0], "applocker") == 0)
        return applocker(argc - 1, argv + 1, out, err);
    fputs("avswap policy: expected 'applocker'\nTry 'avswap --help' for the list of commands.\n",
          err);
    return AVS_EXIT_USAGE;
}
