/* A small option reader for avswap's subcommands: "--flag", "--name VALUE" and "--name=VALUE".
 * Every problem is reported as one line naming the command and a hint, and maps to exit 2. */
#ifndef AVS_ARGS_H
#define AVS_ARGS_H

#include <stdio.h>

struct avs_opt {
    const char *name;   /* "--json" */
    int takes_value;    /* 1: needs a value */
    const char **value; /* where the value goes (takes_value) */
    int *flag;          /* set to 1 when present (!takes_value) */
};

/* Parses ARGV[0..ARGC) (the words after the subcommand) against OPTS (terminated by a NULL
 * name). Returns 0, or prints "avswap CMD: problem" and a hint to ERR and returns -1. Repeating
 * an option is an error: a command line is untrusted and ambiguity is refused, not resolved. */
int avs_args_parse(const struct avs_opt *opts, int argc, char **argv, const char *cmd, FILE *err);

#endif
