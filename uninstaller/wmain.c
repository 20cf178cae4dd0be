/* avswap.exe's Windows entry point: harden the process, prepare the console, turn the UTF-16
 * command line into UTF-8 and hand over to the portable CLI (uninstaller/cli.c).
 *
 * stdout and stderr stay in text mode: the CLI writes UTF-8 bytes, the CRT passes them through
 * unchanged (only "\n" becomes "\r\n"), so a pipe or file receives UTF-8, and a console shows
 * it correctly because its output code page is set to UTF-8 for the duration of the run. */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "win32.h"

enum { EXIT_USAGE = 2, EXIT_FAILED = 1603 };

static int is_console(DWORD which)
{
    HANDLE h = GetStdHandle(which);
    DWORD mode;
    return h && h != INVALID_HANDLE_VALUE && GetFileType(h) == FILE_TYPE_CHAR &&
           GetConsoleMode(h, &mode);
}

int wmain(int argc, wchar_t **argv)
{
    avs_win32_harden_dll_search();
    HeapSetInformation(NULL, HeapEnableTerminationOnCorruption, NULL, 0);

    /* The console's code page outlives us (cmd.exe keeps it): restore it on the way out. */
    UINT old_cp = 0;
    if (is_console(STD_OUTPUT_HANDLE) || is_console(STD_ERROR_HANDLE)) {
        old_cp = GetConsoleOutputCP();
        if (old_cp == CP_UTF8 || !SetConsoleOutputCP(CP_UTF8))
            old_cp = 0;
    }

    int rc = EXIT_FAILED;
    char **argv8 = calloc((size_t)(argc > 0 ? argc : 0) + 1, sizeof *argv8);
    if (!argv8) {
        fputs("avswap: out of memory\n", stderr);
        goto done;
    }
    for (int i = 0; i < argc; i++) {
        int err = avs_wide_to_utf8(&argv8[i], argv[i]);
        if (err == AVS_EINVAL) {
            /* An unpaired surrogate: no UTF-8 spelling, and guessing one could name the
             * wrong product or file. */
            fprintf(stderr, "avswap: argument %d is not valid Unicode text\n", i);
            rc = EXIT_USAGE;
            goto done;
        }
        if (err) {
            fprintf(stderr, "avswap: cannot read the command line: %s\n", avs_strerror(err));
            goto done;
        }
    }
    rc = avs_cli_main(argc, argv8, stdout, stderr);

done:
    fflush(stdout);
    fflush(stderr);
    if (argv8) {
        for (int i = 0; i < argc; i++)
            free(argv8[i]);
        free(argv8);
    }
    if (old_cp)
        SetConsoleOutputCP(old_cp);
    return rc;
}
