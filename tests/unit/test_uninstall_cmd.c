/* What AvSwap will run to remove a non-MSI product, and what it refuses: every refusal is
 * checked for its reason, so a check that silently stops firing fails here. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include "error.h"
#include "uninstall_cmd.h"

static struct avs_os_folders folders = {"C:\\Program Files", "C:\\Program Files (x86)",
                                        "C:\\ProgramData", "C:\\Windows\\System32"};

#define PF "C:\\Program Files\\"
#define PF86 "C:\\Program Files (x86)\\"
#define CACHE "C:\\ProgramData\\Package Cache\\"
#define GUID "{6AD9F5D2-3B5C-4A4B-9F1E-0123456789AB}"

struct uc_case {
    char quiet[160];   /* QuietUninstallString; "" = absent */
    char uninst[160];  /* UninstallString; "" = absent */
    char cat[32];      /* catalog quiet args */
    int cat_null;      /* 1: the catalog has no quiet args */
    char why[40];      /* "": accepted; else a distinctive part of the reason */
    char app[120];     /* when accepted */
    char cmdline[200]; /* when accepted */
};

ParameterizedTestParameters(uninstall_cmd, table)
{
    static struct uc_case cases[] = {
        /* ---- accepted: the registry names the program, the catalog gives the arguments ---- */
        {"\"" PF86 "Kaspersky Lab\\Kaspersky Free 21.3\\avp.exe\" /x /s", "", "/s", 0, "",
         PF86 "Kaspersky Lab\\Kaspersky Free 21.3\\avp.exe",
         "\"" PF86 "Kaspersky Lab\\Kaspersky Free 21.3\\avp.exe\" /s"},
        {"\"" CACHE GUID "\\setup.exe\" /uninstall /quiet", "", "/uninstall /quiet", 0, "",
         CACHE GUID "\\setup.exe", "\"" CACHE GUID "\\setup.exe\" /uninstall /quiet"},
        /* no QuietUninstallString: UninstallString's program, catalog's arguments only */
        {"", "\"" PF "Kaspersky Lab\\KSDE\\uninst.exe\" /interactive", "/S /norestart", 0, "",
         PF "Kaspersky Lab\\KSDE\\uninst.exe",
         "\"" PF "Kaspersky Lab\\KSDE\\uninst.exe\" /S /norestart"},
        {"", "\"" PF "KL\\un.exe\"", "", 0, "", PF "KL\\un.exe", "\"" PF "KL\\un.exe\""},
        {"  \t", "\"" PF "KL\\un.exe\" /i", "/q", 0, "", PF "KL\\un.exe",
         "\"" PF "KL\\un.exe\" /q"},
        /* roots compare case-insensitively */
        {"\"c:\\PROGRAM FILES\\KL\\Un.EXE\"", "", "/s", 0, "", "c:\\PROGRAM FILES\\KL\\Un.EXE",
         "\"c:\\PROGRAM FILES\\KL\\Un.EXE\" /s"},
        /* whatever the registry's arguments say, they are dropped (attack 2: a stock signed
         * program given arguments that start another program) */
        {"  \"" PF "KL\\un.exe\"   /log \"C:\\a b.log\" KEY=%X%  ", "", "/s", 0, "",
         PF "KL\\un.exe", "\"" PF "KL\\un.exe\" /s"},
        {"\"" PF "Mozilla Firefox\\firefox.exe\" -osint -url \"file:///C:/x.exe\"", "", "-silent",
         0, "", PF "Mozilla Firefox\\firefox.exe",
         "\"" PF "Mozilla Firefox\\firefox.exe\" -silent"},
        {"\"" PF "KL\\avp.exe\" /x\n/y", "", "/s", 0, "", PF "KL\\avp.exe",
         "\"" PF "KL\\avp.exe\" /s"},
        {"", "\"" PF "KL\\un.exe\" \"C:\\Windows\\System32\\cmd.exe\" /c calc", "/S", 0, "",
         PF "KL\\un.exe", "\"" PF "KL\\un.exe\" /S"},
        {"\"" PF "\xd0\x9b\xd0\xb0\xd0\xb1\\avp.exe\" /s", "", "/s", 0, "",
         PF "\xd0\x9b\xd0\xb0\xd0\xb1\\avp.exe", "\"" PF "\xd0\x9b\xd0\xb0\xd0\xb1\\avp.exe\" /s"},
        {"\"" PF "un.exe\"", "", "/s", 0, "", PF "un.exe", "\"" PF "un.exe\" /s"},

        /* ---- no arguments in the catalog: nothing runs, whatever the registry offers ---- */
        {"\"" PF "KL\\un.exe\" /s", "", "", 1, "no silent arguments (quiet-args)", "", ""},
        {"", "\"" PF "KL\\un.exe\" /i", "", 1, "no silent arguments (quiet-args)", "", ""},
        {"\"" CACHE GUID "\\setup.exe\" /uninstall /quiet", "", "", 1, "quiet-args", "", ""},

        /* ---- nothing to run ---- */
        {"", "MsiExec.exe /I" GUID, "", 1, "shell", "", ""},
        {"", "", "/S", 0, "no silent uninstall", "", ""},
        {" ", "  ", "/S", 0, "no silent uninstall", "", ""},

        /* ---- shells and system tools, anywhere ---- */
        {"", "cmd.exe /c del /q C:\\*", "/S", 0, "shell", "", ""},
        {"cmd.exe /c del /q C:\\*", "", "", 1, "shell", "", ""},
        {"C:\\Windows\\System32\\cmd.exe /c rd /s /q C:\\", "", "", 1, "shell", "", ""},
        {"powershell -enc SQBFAFgAIAAoAE4AZQB3AC0A", "", "", 1, "shell", "", ""},
        {"\"" PF "PowerShell\\7\\pwsh.exe\" -c x", "", "", 1, "shell", "", ""},
        {"rundll32.exe C:\\x.dll,Entry", "", "", 1, "shell", "", ""},
        {"MsiExec.exe /X" GUID, "", "", 1, "shell", "", ""},
        {"C:\\Windows\\System32\\msiexec.exe /x " GUID " /qn", "", "", 1, "shell", "", ""},
        {"\"" PF "KL\\CMD.EXE\" /c x", "", "", 1, "shell", "", ""},
        {"\"" PF "KL\\cmd.exe.\"", "", "", 1, "shell", "", ""},
        {"\"" PF "KL\\wscript.exe\" a.vbs", "", "", 1, "shell", "", ""},
        {"\"C:\\Windows\\System32\\mshta.exe\" http://x", "", "", 1, "shell", "", ""},
        {"regsvr32 /u /s C:\\x.dll", "", "", 1, "shell", "", ""},
        {"\"" PF "KL\\schtasks.exe\"", "", "", 1, "shell", "", ""},
        {"\"C:\\Windows\\explorer.exe", "", "", 1, "shell", "", ""},
        /* a refused QuietUninstallString is not replaced by UninstallString */
        {"cmd.exe /c x", "\"" PF "KL\\un.exe\"", "/S", 0, "shell", "", ""},

        /* ---- where the program is ---- */
        {"avp.exe /x", "", "", 1, "not an absolute path", "", ""},
        {"\"C:Program Files\\KL\\avp.exe\"", "", "", 1, "not an absolute path", "", ""},
        {"\"\\Program Files\\KL\\avp.exe\"", "", "", 1, "not an absolute path", "", ""},
        {"\"%ProgramFiles%\\KL\\avp.exe\" /x", "", "", 1, "environment variable", "", ""},
        {"\"" PF "..\\Windows\\notepad.exe\"", "", "", 1, "'..' component", "", ""},
        {"\"" PF ".\\KL\\avp.exe\"", "", "", 1, "'..' component", "", ""},
        {"\"C:\\Program Files Evil\\x.exe\"", "", "", 1, "not under Program Files", "", ""},
        {"\"C:\\ProgramData\\KL\\avp.exe\"", "", "", 1, "not under Program Files", "", ""},
        {"\"C:\\ProgramData\\Package Cache Evil\\x.exe\"", "", "", 1, "not under Program Files", "",
         ""},
        {"\"C:\\Windows\\Temp\\avp.exe\"", "", "", 1, "not under Program Files", "", ""},
        {"\"D:\\Program Files\\KL\\avp.exe\"", "", "", 1, "not under Program Files", "", ""},
        {"\"" PF "\"", "", "", 1, "empty component", "", ""},
        {"\"\\\\server\\share\\avp.exe\"", "", "", 1, "UNC", "", ""},
        {"\\\\server\\share\\avp.exe /x", "", "", 1, "UNC", "", ""},
        {"\"\\\\?\\C:\\Program Files\\KL\\avp.exe\"", "", "", 1, "device prefix", "", ""},
        {"\"\\\\.\\C:\\Program Files\\KL\\avp.exe\"", "", "", 1, "device prefix", "", ""},
        {"\"C:/Program Files/KL/avp.exe\"", "", "", 1, "forward slash", "", ""},
        {"\"" PF "KL\\\\avp.exe\"", "", "", 1, "empty component", "", ""},
        {"\"" PF "KL\\a<b.exe\"", "", "", 1, "not allowed in Windows paths", "", ""},
        {"\"" PF "KL\\a|b.exe\"", "", "", 1, "not allowed in Windows paths", "", ""},
        {"\"" PF "KL\\a*.exe\"", "", "", 1, "not allowed in Windows paths", "", ""},
        {"\"" PF "KL\\a?.exe\"", "", "", 1, "not allowed in Windows paths", "", ""},
        {"\"" PF "KL\\a\x01.exe\"", "", "", 1, "not allowed in Windows paths", "", ""},
        {"\"" PF "KL\\avp.exe:evil.exe\"", "", "", 1, "alternate data stream", "", ""},
        {"\"" PF "KL\\avp.exe \" /s", "", "", 1, "ends with a dot or a space", "", ""},
        {"\"" PF "KL.\\avp.exe\"", "", "", 1, "ends with a dot or a space", "", ""},
        {"\"" PF "NUL\\avp.exe\"", "", "", 1, "reserved device name", "", ""},
        {"\"" PF "KL\\com1.exe\"", "", "", 1, "reserved device name", "", ""},
        {"\"" PF "KL\\COM0.exe\"", "", "", 1, "reserved device name", "", ""},
        {"\"" PF "KL\\lpt0\\avp.exe\"", "", "", 1, "reserved device name", "", ""},
        {"\"" PF "KL\\COM\xc2\xb9.exe\"", "", "", 1, "reserved device name", "", ""},
        {"\"" PF "LPT\xc2\xb3\\avp.exe\"", "", "", 1, "reserved device name", "", ""},
        {"\"\" /x", "", "", 1, "path is empty", "", ""},

        /* ---- how the program is written ---- */
        {"\"" PF "KL\\avp.exe /x", "", "", 1, "no closing quote", "", ""},
        {"\"" PF "KL\\avp.exe\"/x", "", "", 1, "without a space", "", ""},
        {PF "KL\\avp.exe /x", "", "", 1, "not quoted", "", ""},
        {CACHE GUID "\\setup.exe /uninstall /quiet", "", "", 1, "not quoted", "", ""},
        {"", PF "KL\\un.exe /i", "/S", 0, "not quoted", "", ""},
        {"\"" PF "KL\\\xff.exe\"", "", "", 1, "not valid UTF-8", "", ""},

        /* ---- not an .exe ---- */
        {"\"" PF "KL\\uninstall.bat\"", "", "", 1, "not an .exe", "", ""},
        {"\"" PF "KL\\uninstall.cmd\" /s", "", "", 1, "not an .exe", "", ""},
        {"\"" PF "KL\\remove.vbs\"", "", "", 1, "not an .exe", "", ""},
        {"\"" PF "KL\\remove.ps1\"", "", "", 1, "not an .exe", "", ""},
        {"\"" PF "KL\\remove.com\"", "", "", 1, "not an .exe", "", ""},
        {"\"" PF "KL\\product.msi\"", "", "", 1, "not an .exe", "", ""},
        {"\"" PF "KL\\.exe\"", "", "", 1, "not an .exe", "", ""},
        {"\"" PF "KL\\avp\"", "", "", 1, "not an .exe", "", ""},

        /* ---- the catalog's arguments ---- */
        {"\"" PF "KL\\avp.exe\"", "", "/s\r", 0, "line break", "", ""},
        {"", "\"" PF "KL\\avp.exe\"", "/S\n", 0, "line break", "", ""},
    };
    return cr_make_param_array(struct uc_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct uc_case *c, uninstall_cmd, table)
{
    struct avs_uninstall_cmd cmd;
    const char *why = "stale";
    int rc = avs_uninstall_cmd_build(&cmd, &why, c->quiet[0] ? c->quiet : NULL,
                                     c->uninst[0] ? c->uninst : NULL, c->cat_null ? NULL : c->cat,
                                     &folders);
    if (c->why[0] == '\0') {
        cr_assert_eq(rc, 0, "[%s|%s] refused: %s", c->quiet, c->uninst, why ? why : "?");
        cr_expect_null(why);
        cr_expect_str_eq(cmd.app, c->app);
        cr_expect_str_eq(cmd.cmdline, c->cmdline);
        avs_uninstall_cmd_free(&cmd);
        cr_expect_null(cmd.app, "free clears the struct");
    } else {
        cr_assert_eq(rc, AVS_EUNSAFE, "[%s|%s] accepted (rc %d)", c->quiet, c->uninst, rc);
        cr_assert_not_null(why);
        cr_expect(strstr(why, c->why) != NULL, "[%s|%s]: reason '%s', expected '%s'", c->quiet,
                  c->uninst, why, c->why);
        cr_expect_null(cmd.app);
        cr_expect_null(cmd.cmdline);
        cr_expect_null(cmd.args);
    }
}

Test(uninstall_cmd, args_are_kept_and_bounded)
{
    static char src[3000];
    struct avs_uninstall_cmd cmd;
    const char *why;
    size_t head = strlen("\"" PF "KL\\un.exe\" ");

    memcpy(src, "\"" PF "KL\\un.exe\" ", head);
    memset(src + head, 'a', 2048);
    src[head + 2048] = '\0';
    cr_assert_eq(
        avs_uninstall_cmd_build(&cmd, &why, "\"" PF "KL\\un.exe\"", NULL, src + head, &folders), 0,
        "2048 bytes of arguments are allowed");
    cr_expect_eq(strlen(cmd.args), 2048);
    avs_uninstall_cmd_free(&cmd);

    src[head + 2048] = 'a';
    src[head + 2049] = '\0';
    cr_assert_eq(
        avs_uninstall_cmd_build(&cmd, &why, "\"" PF "KL\\un.exe\"", NULL, src + head, &folders),
        AVS_EUNSAFE);
    cr_expect(strstr(why, "longer than 2048") != NULL, "%s", why);
}

Test(uninstall_cmd, args_field_holds_the_arguments)
{
    struct avs_uninstall_cmd cmd;
    const char *why;
    cr_assert_eq(avs_uninstall_cmd_build(&cmd, &why, NULL, "\"" PF "KL\\un.exe\" /i",
                                         "  /S  /v\"/qn\"  ", &folders),
                 0);
    cr_expect_str_eq(cmd.args, "/S  /v\"/qn\"");
    avs_uninstall_cmd_free(&cmd);
}

Test(uninstall_cmd, only_the_roots_this_machine_has)
{
    struct avs_os_folders f = {"C:\\Program Files\\", NULL, "C:\\ProgramData", NULL};
    struct avs_uninstall_cmd cmd;
    const char *why;
    cr_expect_eq(avs_uninstall_cmd_build(&cmd, &why, "\"" PF "KL\\un.exe\"", NULL, "/s", &f), 0,
                 "a trailing backslash on a root is tolerated");
    avs_uninstall_cmd_free(&cmd);
    cr_expect_eq(avs_uninstall_cmd_build(&cmd, &why, "\"" PF86 "KL\\un.exe\"", NULL, NULL, &f),
                 AVS_EUNSAFE, "no Program Files (x86) on this machine: nothing is under it");

    /* A malformed root allows nothing (not the whole drive). */
    struct avs_os_folders bad = {"C:", "", "C:\\..", NULL};
    cr_expect_eq(avs_uninstall_cmd_build(&cmd, &why, "\"C:\\x\\un.exe\"", NULL, NULL, &bad),
                 AVS_EUNSAFE);
    cr_expect_eq(
        avs_uninstall_cmd_build(&cmd, &why, "\"C:\\Package Cache\\un.exe\"", NULL, NULL, &bad),
        AVS_EUNSAFE);
    cr_expect_eq(avs_uninstall_cmd_build(&cmd, &why, "\"" PF "KL\\un.exe\"", NULL, NULL, NULL),
                 AVS_EUNSAFE);
}

/* The Package Cache is any user's to create: the engine must know to check its folders. */
Test(uninstall_cmd, package_cache_is_flagged)
{
    struct avs_uninstall_cmd cmd;
    const char *why;
    cr_assert_eq(
        avs_uninstall_cmd_build(&cmd, &why, "\"" CACHE GUID "\\setup.exe\"", NULL, "/s", &folders),
        0);
    cr_expect_eq(cmd.package_cache, 1);
    avs_uninstall_cmd_free(&cmd);
    cr_assert_eq(avs_uninstall_cmd_build(&cmd, &why, "\"" PF "KL\\un.exe\"", NULL, "/s", &folders),
                 0);
    cr_expect_eq(cmd.package_cache, 0);
    avs_uninstall_cmd_free(&cmd);
}
