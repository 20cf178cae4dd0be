#define _GNU_SOURCE
#include "clicapture.h"

#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

int cli_capture(char **out, size_t *out_len, char **err, size_t *err_len, int argc, char **argv)
{
    free(*out);
    free(*err);
    *out = *err = NULL;
    FILE *o = open_memstream(out, out_len);
    FILE *e = open_memstream(err, err_len);
    int code = avs_cli_main(argc, argv, o, e);
    fclose(o);
    fclose(e);
    return code;
}
