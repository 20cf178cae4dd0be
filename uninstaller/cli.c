#include "cli.h"

#include <string.h>

#include "avs_version.h"
#include "commands.h"
#include "exitcode.h"

static void help(FILE *out)
{
    fputs(
        "AvSwap " AVS_VERSION " - finds and replaces prohibited antivirus software (BOD 17-01)\n"
        "\n"
        "Usage:\n"
        "  avswap scan [--json] [--catalog FILE [--catalog-sha256 HEX]]\n"
        "      List every prohibited product on this machine and the approved antivirus.\n"
        "      --json          one JSON object on standard output\n"
        "      --catalog FILE  add catalog entries (format: docs/CATALOG.md); nothing the\n"
        "                      built-in catalog prohibits can be approved or dropped\n"
        "      --catalog-sha256 HEX  use the file only if its SHA-256 is HEX\n"
        "  avswap remediate [--dry-run] [--replacement FILE --sha256 HEX [--replacement-args "
        "ARGS]]\n"
        "                   [--password-file FILE | --password-prompt] [--reboot never|if-needed]\n"
        "                   [--catalog FILE [--catalog-sha256 HEX]] [--busy-timeout SECONDS]\n"
        "                   [--json]   (run elevated)\n"
        "      Remove every prohibited product, protection products first and the management\n"
        "      agent last, and put an approved antivirus in place: the --replacement package\n"
        "      (staged and verified against --sha256 before anything is removed), or else\n"
        "      Microsoft Defender Antivirus. The machine is never left unprotected. Resumes an\n"
        "      interrupted run; never removes a product twice.\n"
        "      --dry-run       print the plan and preflight; change nothing\n"
        "      --replacement-args  MSI properties, or arguments of an .exe replacement\n"
        "      --password-file FILE  uninstall password (one line); never shown or logged\n"
        "      --password-prompt     ask for it on the console, without echo\n"
        "      --login NAME          the login that goes with the password (KLLOGIN; default\n"
        "                            KLAdmin); not a secret\n"
        "      --reboot if-needed    restart Windows (5 minutes' notice) when a removal needs it\n"
        "      --busy-timeout  how long to wait for another installation (default 120)\n"
        "      Acts whatever the policy's Mode says; what the flags leave open (replacement,\n"
        "      its SHA-256 and arguments, catalog, password, login) comes from the policy\n"
        "      (HKLM\\SOFTWARE\\Policies\\AvSwap, then HKLM\\SOFTWARE\\AvSwap; docs/DEPLOY.md).\n"
        "      Without password flags: the policy's PasswordFile, else the machine secret.\n"
        "  avswap status [--json] [--catalog FILE [--catalog-sha256 HEX]]\n"
        "      The last or current remediation: phase, each product, replacement, restart.\n"
        "      A run that ended compliant is checked again now (replacement running and\n"
        "      installed, Security Center, a fresh scan): compliant only if it still is.\n"
        "      Then the effective policy: each value and where it came from (flag, policy,\n"
        "      msi, default), and each value that was not used as written.\n"
        "  avswap secret set [--from-file FILE] | avswap secret clear   (run elevated)\n"
        "      Store (or delete) this machine's uninstall password, DPAPI-protected (machine\n"
        "      scope) in %ProgramData%\\AvSwap, readable by SYSTEM and Administrators only.\n"
        "      Without --from-file it is asked for on the console, without echo.\n"
        "  avswap evidence verify [--journal FILE] [--events FILE]\n"
        "      Check the journal's hash chain and, when keyed, every record's HMAC under this\n"
        "      computer's evidence key: exit 0 when intact, 1603 naming the first bad record.\n"
        "      --events FILE  also check it record by record against an Event Log export\n"
        "                     (wevtutil qe AvSwap /f:xml > FILE, here or on a WEF collector)\n"
        "      --journal FILE another journal (one moved aside) instead of this computer's\n"
        "  avswap evidence export FILE\n"
        "      Write the journal, gzip-compressed JSON lines, for an auditor.\n"
        "  avswap report EVENTS.xml... [--expected FILE] [--html FILE] [--csv FILE] [--json]\n"
        "      The auditor's fleet report from Event Log exports (docs/AUDIT.md).\n"
        "  avswap policy applocker [--audit] [--merge] [--services] [--dll] [--out FILE]\n"
        "      Write the AppLocker policy that denies the vendor's signed code (docs/DEPLOY.md).\n"
        "  avswap --help | --version\n"
        "\n"
        "Exit codes:\n"
        "  0     compliant: nothing prohibited found\n"
        "  10    scan: prohibited software present\n"
        "  2     usage error (unknown option, missing value, bad catalog file)\n"
        "  1602  blocked by the safety invariant or by policy; nothing was removed\n"
        "  1603  failed; the Event Log (source AvSwap) says which step and why\n"
        "  1618  busy: another installation or AvSwap run is in progress; retry later\n"
        "  3010  done; a reboot is required to finish\n"
        "\n"
        "Every run is recorded in the Windows Application log, source \"AvSwap\".\n",
        out);
}

int avs_cli_main(int argc, char **argv, FILE *out, FILE *err)
{
    if (argc < 2) {
        fputs("avswap: missing command\nTry 'avswap --help' for the list of commands.\n", err);
        return AVS_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "/?") == 0 ||
        strcmp(cmd, "help") == 0) {
        help(out);
        return AVS_EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0) {
        fputs("avswap " AVS_VERSION "\n", out);
        return AVS_EXIT_OK;
    }
    /* AvSwap's folder is checked before anything reads or writes it. A scan does not use it:
     * it goes on whatever the check found. */
    if (strcmp(cmd, "scan") == 0 || strcmp(cmd, "remediate") == 0 || strcmp(cmd, "status") == 0 ||
        strcmp(cmd, "evidence") == 0 || strcmp(cmd, "secret") == 0) {
        int code = avs_cli_folder_check(cmd, err);
        if (code && strcmp(cmd, "scan") != 0)
            return code;
    }
    if (strcmp(cmd, "scan") == 0)
        return avs_cmd_scan(argc - 2, argv + 2, out, err);
    if (strcmp(cmd, "remediate") == 0)
        return avs_cmd_remediate(argc - 2, argv + 2, out, err);
    if (strcmp(cmd, "status") == 0)
        return avs_cmd_status(argc - 2, argv + 2, out, err);
    if (strcmp(cmd, "evidence") == 0)
        return avs_cmd_evidence(argc - 2, argv + 2, out, err);
    if (strcmp(cmd, "secret") == 0)
        return avs_cmd_secret(argc - 2, argv + 2, out, err);
    if (strcmp(cmd, "report") == 0)
        return avs_cmd_report(argc - 2, argv + 2, out, err);
    if (strcmp(cmd, "policy") == 0)
        return avs_cmd_policy(argc - 2, argv + 2, out, err);
    fputs("avswap: unknown command '", err);
    avs_report_put_safe(err, cmd);
    fputs("'\nTry 'avswap --help' for the list of commands.\n", err);
    return AVS_EXIT_USAGE;
}
