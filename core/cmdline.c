#include "cmdline.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

void avs_cmdline_append_arg(struct avs_buf *b, const char *arg)
{
    if (b->len > 0)
        avs_buf_putc(b, ' ');
    if (*arg != '\0' && strpbrk(arg, " \t\"") == NULL) {
        /* Backslashes are literal when no quote follows them: nothing to escape. */
        avs_buf_puts(b, arg);
        return;
    }
    avs_buf_putc(b, '"');
    for (const char *p = arg;; p++) {
        size_t n = 0;
        while (*p == '\\') {
            n++;
            p++;
        }
        if (*p == '\0') {
            /* The closing quote follows: every backslash before it must be doubled. */
            for (size_t i = 0; i < 2 * n; i++)
                avs_buf_putc(b, '\\');
            break;
        }
        if (*p == '"') {
            for (size_t i = 0; i < 2 * n + 1; i++)
                avs_buf_putc(b, '\\');
        } else {
            for (size_t i = 0; i < n; i++)
                avs_buf_putc(b, '\\');
        }
        avs_buf_putc(b, *p);
    }
    avs_buf_putc(b, '"');
}

int avs_cmdline_append_program(struct avs_buf *b, const char *program)
{
    if (strchr(program, '"') != NULL)
        return AVS_EINVAL;
    if (b->len > 0)
        return AVS_EINVAL;
    avs_buf_putc(b, '"');
    avs_buf_puts(b, program);
    avs_buf_putc(b, '"');
    return b->err;
}

/* The next argument (not the program name) starting at *pp, which is not white space. */
static void read_arg(struct avs_buf *out, const char **pp)
{
    const char *p = *pp;
    int quoted = 0;
    for (;;) {
        size_t n = 0;
        while (*p == '\\') {
            n++;
            p++;
        }
        int copy = 1;
        if (*p == '"') {
            if (n % 2 == 0) {
                if (quoted && p[1] == '"') {
                    p++; /* "" inside quotes: one literal quote, still quoted */
                } else {
                    copy = 0;
                    quoted = !quoted;
                }
            }
            n /= 2;
        }
        for (size_t i = 0; i < n; i++)
            avs_buf_putc(out, '\\');
        if (*p == '\0' || (!quoted && is_blank(*p)))
            break;
        if (copy)
            avs_buf_putc(out, *p);
        p++;
    }
    *pp = p;
}

static int push(char ***argv, size_t *argc, size_t *cap, struct avs_buf *arg)
{
    if (arg->err)
        return arg->err;
    if (*argc + 2 > *cap) {
        size_t ncap = *cap ? *cap * 2 : 8;
        char **n = realloc(*argv, ncap * sizeof *n);
        if (!n)
            return AVS_ENOMEM;
        *argv = n;
        *cap = ncap;
    }
    char *s = avs_buf_detach(arg);
    if (!s)
        return AVS_ENOMEM;
    (*argv)[(*argc)++] = s;
    (*argv)[*argc] = NULL;
    return 0;
}

int avs_cmdline_split(char ***out_argv, size_t *out_argc, const char *cmdline)
{
    char **argv = NULL;
    size_t argc = 0, cap = 0;
    struct avs_buf arg = AVS_BUF_INIT;
    int rc = 0;
    const char *p = cmdline;

    *out_argv = NULL;
    *out_argc = 0;
    argv = malloc(sizeof *argv);
    if (!argv)
        return AVS_ENOMEM;
    argv[0] = NULL;
    cap = 1;
    if (*p == '\0')
        goto done;

    /* The program name: no escapes; a quoted name ends at the next quote, whatever follows. */
    if (*p == '"') {
        const char *end = strchr(++p, '"');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        avs_buf_append(&arg, p, n);
        p += end ? n + 1 : n;
    } else {
        const char *start = p;
        while (*p && !is_blank(*p))
            p++;
        avs_buf_append(&arg, start, (size_t)(p - start));
    }
    if ((rc = push(&argv, &argc, &cap, &arg)) != 0)
        goto done;

    for (;;) {
        while (is_blank(*p))
            p++;
        if (*p == '\0')
            break;
        read_arg(&arg, &p);
        if ((rc = push(&argv, &argc, &cap, &arg)) != 0)
            goto done;
    }

done:
    avs_buf_free(&arg);
    if (rc) {
        avs_cmdline_free(argv, argc);
        return rc;
    }
    *out_argv = argv;
    *out_argc = argc;
    return 0;
}

void avs_cmdline_free(char **argv, size_t argc)
{
    if (!argv)
        return;
    for (size_t i = 0; i < argc; i++)
        free(argv[i]);
    free(argv);
}
