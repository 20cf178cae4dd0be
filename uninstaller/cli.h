/* The avswap.exe command line, independent of the platform.
 *
 * uninstaller/wmain.c converts the UTF-16 arguments to UTF-8, prepares the console, and calls
 * avs_cli_main(); the Linux unit tests call it too, against tests/fakes. */
#ifndef AVS_CLI_H
#define AVS_CLI_H

#include <stdio.h>

/* Runs one avswap command. ARGV[0] is the program name; all strings are UTF-8. Normal output
 * goes to OUT, diagnostics to ERR. Returns the process exit code (DESIGN.md: 0, 2, 10, 1602,
 * 1603, 1618, 3010). */
int avs_cli_main(int argc, char **argv, FILE *out, FILE *err);

#endif
