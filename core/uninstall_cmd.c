#include "uninstall_cmd.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cmdline.h"
#include "utf8.h"

/* Refusal reasons: static sentences, never quoting the untrusted input. */
static const char R_NONE[] = "no silent uninstall command is registered";
static const char R_UTF8[] = "the uninstall command is not valid UTF-8";
static const char R_QUOTE[] = "the program path has no closing quote";
static const char R_AFTER_QUOTE[] = "text follows the program's closing quote without a space";
static const char R_UNQUOTED_SPACE[] =
    "the program path contains a space but is not quoted (AvSwap does not guess where it ends)";
static const char R_SHELL[] =
    "the program is a command shell, script host or system tool, which AvSwap never runs";
static const char R_EMPTY[] = "the program path is empty";
static const char R_LONG[] = "the program path is too long";
static const char R_DEVICE[] = "the program path uses a \\\\?\\ or \\\\.\\ device prefix";
static const char R_UNC[] = "the program is on a network (UNC) path";
static const char R_SLASH[] = "the program path contains a forward slash";
static const char R_ENV[] = "the program path contains an environment variable ('%')";
static const char R_RELATIVE[] =
    "the program is not an absolute path with a drive letter (X:\\...)";
static const char R_ILLEGAL[] =
    "the program path contains a character not allowed in Windows paths";
static const char R_ADS[] = "the program path names an alternate data stream (':' after the drive)";
static const char R_EMPTY_COMPONENT[] = "the program path contains an empty component";
static const char R_DOTS[] = "the program path contains a '.' or '..' component";
static const char R_TRAILING[] = "a component of the program path ends with a dot or a space";
static const char R_DEVNAME[] =
    "the program path contains a reserved device name (CON, NUL, COM1...)";
static const char R_NOT_EXE[] = "the program is not an .exe";
static const char R_ROOT[] =
    "the program is not under Program Files, Program Files (x86) or ProgramData\\Package Cache";
static const char R_ARGS_CTRL[] = "the arguments contain a line break";
static const char R_ARGS_LONG[] = "the arguments are longer than 2048 bytes";
static const char R_NO_ARGS[] =
    "the catalog has no silent arguments (quiet-args) for this product, and AvSwap never takes "
    "arguments from the registry";

/* Base names (without extension) that are never run, wherever they are: shells, script hosts,
 * and system tools that run other code or change the machine (LOLBins). */
static const char *const DENY[] = {
    "cmd",         "command",   "powershell", "pwsh",     "powershell_ise",
    "wscript",     "cscript",   "mshta",      "rundll32", "regsvr32",
    "msiexec",     "bash",      "wsl",        "conhost",  "explorer",
    "schtasks",    "at",        "sc",         "reg",      "regedit",
    "certutil",    "bitsadmin", "forfiles",   "hh",       "wmic",
    "installutil", "msbuild",
};

static const char *const DEVICES[] = {"con", "prn", "aux", "nul"};

static int lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

static int ieq_n(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
            return 0;
    return 1;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int ends_with_exe(const char *s, size_t n)
{
    return n > 4 && ieq_n(s + n - 4, ".exe", 4);
}

/* 1 when the last component of S (N bytes; either slash separates) names a denied program.
 * Trailing dots and spaces are ignored, as Windows ignores them when it opens the file. */
static int is_denied(const char *s, size_t n)
{
    size_t start = n;
    while (start > 0 && s[start - 1] != '\\' && s[start - 1] != '/')
        start--;
    size_t end = n;
    while (end > start && (s[end - 1] == '.' || s[end - 1] == ' '))
        end--;
    size_t stem = end;
    for (size_t i = end; i > start; i--)
        if (s[i - 1] == '.') {
            stem = i - 1;
            break;
        }
    for (size_t i = 0; i < sizeof DENY / sizeof DENY[0]; i++) {
        size_t k = strlen(DENY[i]);
        if ((stem - start == k && ieq_n(s + start, DENY[i], k)) ||
            (end - start == k && ieq_n(s + start, DENY[i], k)))
            return 1;
    }
    return 0;
}

/* CON, NUL, COM1... possibly followed by an extension ("nul.exe" is still the device). Windows
 * also reserves COM0, LPT0 and COM/LPT with a superscript 1, 2 or 3 (U+00B9, U+00B2, U+00B3). */
static int is_device_name(const char *c, size_t n)
{
    size_t stem = 0;
    while (stem < n && c[stem] != '.')
        stem++;
    while (stem > 0 && c[stem - 1] == ' ')
        stem--;
    for (size_t i = 0; i < sizeof DEVICES / sizeof DEVICES[0]; i++)
        if (stem == 3 && ieq_n(c, DEVICES[i], 3))
            return 1;
    if (stem < 4 || !(ieq_n(c, "com", 3) || ieq_n(c, "lpt", 3)))
        return 0;
    const unsigned char *d = (const unsigned char *)c + 3;
    return (stem == 4 && d[0] >= '0' && d[0] <= '9') ||
           (stem == 5 && d[0] == 0xc2 && (d[1] == 0xb9 || d[1] == 0xb2 || d[1] == 0xb3));
}

/* Checks that P (N bytes) is an absolute local path "X:\a\b" made only of plain components.
 * Returns NULL or the reason. */
static const char *check_path(const char *p, size_t n)
{
    if (n == 0)
        return R_EMPTY;
    if (n > AVS_UNINSTALL_PATH_MAX)
        return R_LONG;
    if (n >= 4 && p[0] == '\\' && (p[1] == '\\' || p[1] == '?') && (p[2] == '?' || p[2] == '.') &&
        p[3] == '\\')
        return R_DEVICE;
    if (n >= 2 && p[0] == '\\' && p[1] == '\\')
        return R_UNC;
    if (memchr(p, '/', n))
        return R_SLASH;
    if (memchr(p, '%', n))
        return R_ENV;
    if (n < 4 || !is_alpha(p[0]) || p[1] != ':' || p[2] != '\\')
        return R_RELATIVE;
    for (size_t i = 2; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c < 0x20 || strchr("<>|\"*?", c))
            return R_ILLEGAL;
        if (c == ':')
            return R_ADS;
    }
    for (size_t i = 3; i <= n;) {
        size_t j = i;
        while (j < n && p[j] != '\\')
            j++;
        const char *c = p + i;
        size_t len = j - i;
        if (len == 0)
            return R_EMPTY_COMPONENT;
        if ((len == 1 && c[0] == '.') || (len == 2 && c[0] == '.' && c[1] == '.'))
            return R_DOTS;
        if (c[len - 1] == '.' || c[len - 1] == ' ')
            return R_TRAILING;
        if (is_device_name(c, len))
            return R_DEVNAME;
        i = j + 1;
    }
    return NULL;
}

/* 1 when PATH (N bytes, already checked) lies inside ROOT, compared per component. A root
 * that is not itself a clean absolute path allows nothing. */
static int is_under(const char *path, size_t n, const char *root, const char *suffix)
{
    if (!root)
        return 0;
    size_t rn = strlen(root);
    while (rn > 0 && root[rn - 1] == '\\')
        rn--;
    size_t sn = strlen(suffix);
    if (check_path(root, rn) != NULL || rn + sn >= n)
        return 0;
    return ieq_n(path, root, rn) && ieq_n(path + rn, suffix, sn) && path[rn + sn] == '\\';
}

static const char *check_args(const char *a, size_t n)
{
    /* A NUL cannot reach here: registry strings are decoded up to their first NUL. */
    if (memchr(a, '\n', n) || memchr(a, '\r', n))
        return R_ARGS_CTRL;
    if (n > AVS_UNINSTALL_ARGS_MAX)
        return R_ARGS_LONG;
    return NULL;
}

static const char *skip_blank(const char *s)
{
    while (is_blank(*s))
        s++;
    return s;
}

static int is_blank_string(const char *s)
{
    return s == NULL || *skip_blank(s) == '\0';
}

/* Splits the program token off SRC: [*prog, *prog + *prog_len) and the rest in *rest. */
static const char *take_program(const char **prog, size_t *prog_len, const char **rest,
                                const char *src)
{
    const char *s = skip_blank(src);
    if (*s == '"') {
        const char *end = strchr(s + 1, '"');
        if (!end)
            return is_denied(s + 1, strlen(s + 1)) ? R_SHELL : R_QUOTE;
        *prog = s + 1;
        *prog_len = (size_t)(end - s - 1);
        if (is_denied(*prog, *prog_len))
            return R_SHELL;
        if (end[1] != '\0' && !is_blank(end[1]))
            return R_AFTER_QUOTE;
        *rest = end + 1;
        return NULL;
    }
    const char *e = s;
    while (*e && !is_blank(*e))
        e++;
    *prog = s;
    *prog_len = (size_t)(e - s);
    *rest = e;
    if (is_denied(*prog, *prog_len))
        return R_SHELL;
    if (!ends_with_exe(s, *prog_len)) {
        /* "C:\Program Files\X\un.exe /S" unquoted: the next word continues a path. */
        const char *w = skip_blank(e), *we = w;
        while (*we && !is_blank(*we))
            we++;
        if (memchr(w, '\\', (size_t)(we - w)) || ends_with_exe(w, (size_t)(we - w)))
            return R_UNQUOTED_SPACE;
    }
    return NULL;
}

int avs_uninstall_cmd_build(struct avs_uninstall_cmd *out, const char **why,
                            const char *quiet_uninstall_string, const char *uninstall_string,
                            const char *catalog_quiet_args, const struct avs_os_folders *folders)
{
    const char *reason = NULL, *src, *prog = NULL, *rest = "", *args;
    size_t prog_len = 0, args_len;
    struct avs_buf cmd = AVS_BUF_INIT;
    char *app = NULL, *args_copy = NULL;
    int rc = 0, in_cache = 0;

    memset(out, 0, sizeof *out);
    *why = NULL;

    int quiet = !is_blank_string(quiet_uninstall_string);
    if (quiet)
        src = quiet_uninstall_string;
    else if (!is_blank_string(uninstall_string))
        src = uninstall_string;
    else {
        reason = R_NONE;
        goto done;
    }
    if (!avs_utf8_valid(src)) {
        reason = R_UTF8;
        goto done;
    }
    /* What follows the program in SRC is never used: the arguments come from the catalog. */
    if ((reason = take_program(&prog, &prog_len, &rest, src)) != NULL)
        goto done;
    (void)rest;
    if ((reason = check_path(prog, prog_len)) != NULL)
        goto done;
    if (!ends_with_exe(prog, prog_len) || prog[prog_len - 5] == '\\') {
        reason = R_NOT_EXE;
        goto done;
    }
    in_cache = folders && is_under(prog, prog_len, folders->program_data, "\\Package Cache");
    if (!folders || !(is_under(prog, prog_len, folders->program_files, "") ||
                      is_under(prog, prog_len, folders->program_files_x86, "") || in_cache)) {
        reason = R_ROOT;
        goto done;
    }
    if (catalog_quiet_args == NULL) {
        reason = R_NO_ARGS;
        goto done;
    }
    if (!avs_utf8_valid(catalog_quiet_args)) {
        reason = R_UTF8;
        goto done;
    }

    args = skip_blank(catalog_quiet_args);
    args_len = strlen(args);
    while (args_len > 0 && is_blank(args[args_len - 1]))
        args_len--;
    if ((reason = check_args(args, args_len)) != NULL)
        goto done;

    app = malloc(prog_len + 1);
    args_copy = malloc(args_len + 1);
    if (!app || !args_copy) {
        rc = AVS_ENOMEM;
        goto done;
    }
    memcpy(app, prog, prog_len);
    app[prog_len] = '\0';
    memcpy(args_copy, args, args_len);
    args_copy[args_len] = '\0';

    if ((rc = avs_cmdline_append_program(&cmd, app)) != 0)
        goto done;
    if (args_len > 0) {
        avs_buf_putc(&cmd, ' ');
        avs_buf_append(&cmd, args, args_len);
    }
    if ((rc = cmd.err) != 0)
        goto done;

    out->app = app;
    out->args = args_copy;
    out->cmdline = avs_buf_detach(&cmd);
    out->package_cache = in_cache;
    app = args_copy = NULL;

done:
    free(app);
    free(args_copy);
    avs_buf_free(&cmd);
    if (reason) {
        *why = reason;
        return AVS_EUNSAFE;
    }
    return rc;
}

void avs_uninstall_cmd_free(struct avs_uninstall_cmd *cmd)
{
    if (!cmd)
        return;
    free(cmd->app);
    free(cmd->args);
    free(cmd->cmdline);
    memset(cmd, 0, sizeof *cmd);
}
