/* `avswap report EVENTS.xml... [--expected FILE] [--html FILE] [--csv FILE] [--json]`: the
 * auditor's fleet view from Event Log exports and `avswap evidence export` files (core/report.h).
 * Nothing on this machine is read but the files named; nothing is written but the output files,
 * each atomically, and none at all when an input is bad. */
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "commands.h"
#include "error.h"
#include "exitcode.h"
#include "report.h"

#define MAX_INPUTS 4096

static const char *const valued[] = {"--expected", "--csv", "--html", NULL};

/* Splits ARGV into option words (for avs_args_parse) and input files. */
static int split(char **opts, int *n_opts, const char **inputs, int *n_inputs, int argc,
                 char **argv, FILE *err)
{
    *n_opts = *n_inputs = 0;
    for (int i = 0; i < argc; i++) {
        if (strncmp(argv[i], "--", 2) != 0) {
            if (*n_inputs == MAX_INPUTS) {
                fprintf(err, "avswap report: more than %d input files\n", MAX_INPUTS);
                return -1;
            }
            inputs[(*n_inputs)++] = argv[i];
            continue;
        }
        opts[(*n_opts)++] = argv[i];
        for (int k = 0; valued[k]; k++)
            if (strcmp(argv[i], valued[k]) == 0 && i + 1 < argc)
                opts[(*n_opts)++] = argv[++i];
    }
    return 0;
}

static void bad_input(FILE *err, const char *path, const struct avs_report_error *e)
{
    fputs("avswap report: ", err);
    avs_report_put_safe(err, path);
    if (e->line && e->column)
        fprintf(err, ":%lu:%lu", e->line, e->column);
    else if (e->line)
        fprintf(err, ":%lu", e->line);
    fputs(": ", err);
    avs_report_put_safe(err, e->what);
    fputs("\navswap report: no report was made (an input is unreadable or malformed)\n", err);
}

/* Writes the output files; on a failure the ones already written are removed again, so a
 * failed run leaves no half of a report behind. */
static int write_outputs(const char *const *paths, struct avs_buf *bufs, int n, FILE *err)
{
    for (int i = 0; i < n; i++) {
        int rc = bufs[i].err ? bufs[i].err
                             : avs_os_file_write_atomic(paths[i], bufs[i].data ? bufs[i].data : "",
                                                        bufs[i].len);
        if (rc) {
            fputs("avswap report: cannot write ", err);
            avs_report_put_safe(err, paths[i]);
            fprintf(err, ": %s\n", avs_strerror(rc));
            while (i-- > 0)
                avs_os_file_delete(paths[i]);
            return AVS_EXIT_FAILED;
        }
    }
    return 0;
}

int avs_cmd_report(int argc, char **argv, FILE *out, FILE *err)
{
    const char *expected = NULL, *csv = NULL, *html = NULL;
    int json = 0, n_opts, n_inputs, code = AVS_EXIT_FAILED;
    const struct avs_opt opts[] = {{"--expected", 1, &expected, NULL},
                                   {"--csv", 1, &csv, NULL},
                                   {"--html", 1, &html, NULL},
                                   {"--json", 0, NULL, &json},
                                   {NULL, 0, NULL, NULL}};
    char **words = calloc((size_t)argc + 1, sizeof *words);
    const char **inputs = calloc((size_t)argc + 1, sizeof *inputs);
    avs_report_builder *b = NULL;
    struct avs_report *r = NULL;
    struct avs_report_error e;
    struct avs_buf files[2] = {AVS_BUF_INIT, AVS_BUF_INIT}, text = AVS_BUF_INIT;
    const char *paths[2];
    int n_files = 0, said = 0;

    if (!words || !inputs)
        goto done;
    if (split(words, &n_opts, inputs, &n_inputs, argc, argv, err) != 0 ||
        avs_args_parse(opts, n_opts, words, "report", err) != 0) {
        code = AVS_EXIT_USAGE;
        goto done;
    }
    if (!n_inputs) {
        fputs("avswap report: no input: name one or more Event Log exports (wevtutil qe AvSwap "
              "/f:xml > FILE) or evidence exports\nTry 'avswap --help' for the list of commands "
              "and options.\n",
              err);
        code = AVS_EXIT_USAGE;
        goto done;
    }
    if (avs_report_builder_new(&b) != 0)
        goto done;
    if (expected && avs_report_expect_file(b, &e, expected) != 0) {
        bad_input(err, expected, &e);
        said = 1;
        goto done;
    }
    for (int i = 0; i < n_inputs; i++) {
        if (avs_report_read_file(b, &e, inputs[i]) != 0) {
            bad_input(err, inputs[i], &e);
            said = 1;
            goto done;
        }
    }
    if (avs_report_finish(&r, b) != 0)
        goto done;
    if (csv) {
        avs_report_write_csv(&files[n_files], r);
        paths[n_files++] = csv;
    }
    if (html) {
        if (avs_report_write_html(&files[n_files], r) != 0 && !files[n_files].err)
            files[n_files].err = AVS_ENOMEM;
        paths[n_files++] = html;
    }
    if (json)
        avs_report_write_json(&text, r);
    else
        avs_report_write_text(&text, r);
    if (text.err)
        goto done;
    if ((code = write_outputs(paths, files, n_files, err)) != 0) {
        said = 1;
        goto done;
    }
    fwrite(text.data, 1, text.len, out);
    code = AVS_EXIT_OK;
done:
    if (code == AVS_EXIT_FAILED && !said)
        fputs("avswap report: out of memory\n", err);
    for (int i = 0; i < (int)(sizeof files / sizeof files[0]); i++)
        avs_buf_free(&files[i]);
    avs_buf_free(&text);
    avs_report_free(r);
    avs_report_builder_free(b);
    free(words);
    free(inputs);
    return code;
}
