#include "args.h"

#include <string.h>

static int usage(FILE *err, const char *cmd, const char *what, const char *arg)
{
    fprintf(err, "avswap %s: %s '%s'\n", cmd, what, arg);
    fprintf(err, "Try 'avswap --help' for the list of commands and options.\n");
    return -1;
}

int avs_args_parse(const struct avs_opt *opts, int argc, char **argv, const char *cmd, FILE *err)
{
    unsigned char seen[32] = {0};
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *eq = strchr(a, '=');
        size_t n = eq ? (size_t)(eq - a) : strlen(a);
        size_t k = 0;
        if (strncmp(a, "--", 2) != 0)
            return usage(err, cmd, "unexpected argument", a);
        while (opts[k].name && !(strlen(opts[k].name) == n && strncmp(opts[k].name, a, n) == 0))
            k++;
        if (!opts[k].name)
            return usage(err, cmd, "unknown option", a);
        if (k < sizeof seen && seen[k]++)
            return usage(err, cmd, "option given twice:", opts[k].name);
        if (!opts[k].takes_value) {
            if (eq)
                return usage(err, cmd, "option takes no value:", opts[k].name);
            *opts[k].flag = 1;
            continue;
        }
        const char *v = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
        if (!v || !*v || (!eq && strncmp(v, "--", 2) == 0))
            return usage(err, cmd, "missing value for", opts[k].name);
        *opts[k].value = v;
    }
    return 0;
}
