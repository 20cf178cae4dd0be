/* Fuzzes the Windows command-line quoting and tokenizer (core/cmdline.c) and the builder that
 * turns registry uninstall strings into a program to run (core/uninstall_cmd.c).
 *
 * One input is used three ways:
 *   1. As an argument vector (NUL-separated): quoting it with core's quoting and splitting the
 *      result with core's tokenizer gives back exactly the same vector: split(quote(argv)) ==
 *      argv. A difference means an argument could grow, vanish or be split in two on the way
 *      to the uninstaller.
 *   2. As one raw command line (NULs read as spaces): splitting never fails but on memory, and
 *      quoting what it gave and splitting again is a fixed point.
 *   3. As QuietUninstallString, UninstallString and the catalog's quiet-args (NUL-separated):
 *      a program the builder accepts is an absolute .exe under one of the allowed roots, with no
 *      quote in it, and the command line it builds starts with exactly that program. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cmdline.h"
#include "error.h"
#include "fuzz.h"
#include "uninstall_cmd.h"

#define MAX_ARGS 64

/* Splits DATA at NUL bytes into at most MAX_ARGS malloc'd strings (the last takes the rest). */
static size_t to_argv(char **argv, const uint8_t *data, size_t size)
{
    size_t argc = 0, pos = 0;
    for (;;) {
        size_t end = pos;
        while (end < size && data[end] != 0)
            end++;
        if (argc == MAX_ARGS - 1)
            end = size; /* the rest, NULs and all: cut at its first NUL by C strings */
        char *s = malloc(end - pos + 1);
        FUZZ_CHECK(s != NULL);
        memcpy(s, data + pos, end - pos);
        s[end - pos] = '\0';
        argv[argc++] = s;
        if (end >= size)
            break;
        pos = end + 1;
    }
    return argc;
}

static void free_argv(char **argv, size_t argc)
{
    for (size_t i = 0; i < argc; i++)
        free(argv[i]);
}

/* Quotes ARGV (ARGC >= 1) into a command line; NULL when argv[0] cannot be a program token. */
static char *quote(char *const *argv, size_t argc)
{
    struct avs_buf b = AVS_BUF_INIT;
    int rc = avs_cmdline_append_program(&b, argv[0]);
    if (rc == AVS_EINVAL) {
        FUZZ_CHECK(strchr(argv[0], '"') != NULL);
        avs_buf_free(&b);
        return NULL;
    }
    FUZZ_CHECK(rc == 0);
    for (size_t i = 1; i < argc; i++)
        avs_cmdline_append_arg(&b, argv[i]);
    FUZZ_CHECK(b.err == 0);
    return avs_buf_detach(&b);
}

static void check_same(char *const *want, size_t want_n, char *const *got, size_t got_n)
{
    FUZZ_CHECK(got_n == want_n);
    for (size_t i = 0; i < want_n; i++)
        FUZZ_CHECK(strcmp(got[i], want[i]) == 0);
    FUZZ_CHECK(got[got_n] == NULL);
}

static void roundtrip(const uint8_t *data, size_t size)
{
    char *argv[MAX_ARGS];
    size_t argc = to_argv(argv, data, size);
    char *line = quote(argv, argc);
    if (line) {
        char **back;
        size_t n;
        FUZZ_CHECK(avs_cmdline_split(&back, &n, line) == 0);
        check_same(argv, argc, back, n);
        avs_cmdline_free(back, n);
        free(line);
    }
    free_argv(argv, argc);
}

static void raw_split(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    FUZZ_CHECK(text != NULL);
    for (size_t i = 0; i < size; i++)
        text[i] = data[i] ? (char)data[i] : ' ';
    text[size] = '\0';

    char **argv;
    size_t argc;
    FUZZ_CHECK(avs_cmdline_split(&argv, &argc, text) == 0);
    FUZZ_CHECK(argc == 0 ? size == 0 : 1);
    if (argc > 0) {
        char *line = quote(argv, argc);
        if (line) {
            char **again;
            size_t n;
            FUZZ_CHECK(avs_cmdline_split(&again, &n, line) == 0);
            check_same(argv, argc, again, n);
            avs_cmdline_free(again, n);
            free(line);
        }
    }
    avs_cmdline_free(argv, argc);
    free(text);
}

static int starts_with_i(const char *s, const char *prefix)
{
    for (; *prefix; s++, prefix++) {
        char a = *s, b = *prefix;
        if (a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (b >= 'A' && b <= 'Z')
            b = (char)(b - 'A' + 'a');
        if (a != b)
            return 0;
    }
    return 1;
}

static void uninstall_cmd(const uint8_t *data, size_t size)
{
    char *parts[MAX_ARGS];
    size_t n = to_argv(parts, data, size);
    const char *quiet = parts[0];
    const char *uninstall = n > 1 ? parts[1] : NULL;
    const char *args = n > 2 ? parts[2] : NULL;
    char pf[] = "C:\\Program Files", pf86[] = "C:\\Program Files (x86)", pd[] = "C:\\ProgramData",
         sys[] = "C:\\Windows\\System32";
    struct avs_os_folders folders = {pf, pf86, pd, sys};

    struct avs_uninstall_cmd cmd;
    const char *why;
    int rc = avs_uninstall_cmd_build(&cmd, &why, quiet, uninstall, args, &folders);
    if (rc == 0) {
        FUZZ_CHECK(why == NULL && cmd.app && cmd.args && cmd.cmdline);
        size_t an = strlen(cmd.app);
        FUZZ_CHECK(an > 4 && starts_with_i(cmd.app + an - 4, ".exe"));
        FUZZ_CHECK(strchr(cmd.app, '"') == NULL && strchr(cmd.app, '/') == NULL);
        FUZZ_CHECK(starts_with_i(cmd.app, "C:\\Program Files\\") ||
                   starts_with_i(cmd.app, "C:\\Program Files (x86)\\") ||
                   starts_with_i(cmd.app, "C:\\ProgramData\\Package Cache\\"));
        FUZZ_CHECK(strpbrk(cmd.args, "\r\n") == NULL);
        /* What CreateProcessW's child will read as its program is the file that was checked. */
        char **argv;
        size_t argc;
        FUZZ_CHECK(avs_cmdline_split(&argv, &argc, cmd.cmdline) == 0);
        FUZZ_CHECK(argc >= 1 && strcmp(argv[0], cmd.app) == 0);
        avs_cmdline_free(argv, argc);
        avs_uninstall_cmd_free(&cmd);
    } else {
        FUZZ_CHECK(rc == AVS_EUNSAFE || rc == AVS_ENOMEM);
        FUZZ_CHECK(rc != AVS_EUNSAFE || (why != NULL && *why != '\0'));
        FUZZ_CHECK(cmd.app == NULL && cmd.args == NULL && cmd.cmdline == NULL);
    }
    free_argv(parts, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    roundtrip(data, size);
    raw_split(data, size);
    uninstall_cmd(data, size);
    return 0;
}
