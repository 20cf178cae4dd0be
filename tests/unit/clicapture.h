/* tests/unit/clicapture.h — runs the helpdesk CLI in process, as the CLI tests do, with its
 * standard output and standard error captured in memory. One copy for every CLI suite. */
#ifndef AVS_TESTS_CLICAPTURE_H
#define AVS_TESTS_CLICAPTURE_H

#include <stddef.h>

/* Runs avs_cli_main(ARGC, ARGV) (ARGV[0] is the program name) with stdout captured in *OUT
 * (*OUT_LEN bytes) and stderr in *ERR (*ERR_LEN bytes), both malloc'd and NUL-terminated; what
 * they held before is freed first. Returns the CLI's exit code. */
int cli_capture(char **out, size_t *out_len, char **err, size_t *err_len, int argc, char **argv);

#endif
