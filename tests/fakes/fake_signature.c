/* The fake machine's Authenticode signatures and folder security (core/os.h "Programs AvSwap
 * runs elevated"): a table of verdicts keyed by path, and the paths a user may write. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fake_internal.h"
#include "fake_remediate.h"
#include "textutil.h"

#define MAXS 32

struct sig_entry {
    char path[260];
    enum avs_sig_status status;
    uint32_t code;
    char o[128], l[64], s[64], c[16];
    int has[4];
};

static struct {
    struct sig_entry sigs[MAXS];
    size_t n_sigs;
    char writable[MAXS][260];
    size_t n_writable;
    int security_err;
    size_t open_files;
    char held_runs[MAXS][260];
    size_t n_held_runs;
} S;

struct avs_os_held_file {
    char path[260];
};

static void copy(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

void fake_signature_reset(void)
{
    memset(&S, 0, sizeof S);
}

void fake_signature(const char *path, enum avs_sig_status status, uint32_t code, const char *o,
                    const char *l, const char *s, const char *c)
{
    struct sig_entry *e = NULL;
    for (size_t i = 0; i < S.n_sigs && !e; i++)
        if (avs_str_ieq(S.sigs[i].path, path))
            e = &S.sigs[i];
    if (!e) {
        if (S.n_sigs == MAXS)
            abort();
        e = &S.sigs[S.n_sigs++];
    }
    memset(e, 0, sizeof *e);
    copy(e->path, sizeof e->path, path);
    e->status = status;
    e->code = code;
    const char *v[4] = {o, l, s, c};
    char *d[4] = {e->o, e->l, e->s, e->c};
    size_t cap[4] = {sizeof e->o, sizeof e->l, sizeof e->s, sizeof e->c};
    for (int i = 0; i < 4; i++) {
        e->has[i] = v[i] != NULL;
        copy(d[i], cap[i], v[i]);
    }
}

void fake_signed_by(const char *path, const char *o, const char *c)
{
    fake_signature(path, AVS_SIG_VALID, 0, o, NULL, NULL, c);
}

void fake_path_user_writable(const char *path)
{
    if (S.n_writable == MAXS)
        abort();
    copy(S.writable[S.n_writable++], sizeof S.writable[0], path);
}

void fake_path_security_fails(int err)
{
    S.security_err = err;
}

size_t fake_held_files_open(void)
{
    return S.open_files;
}

size_t fake_held_runs(void)
{
    return S.n_held_runs;
}

const char *fake_held_run_path(size_t i)
{
    return i < S.n_held_runs ? S.held_runs[i] : NULL;
}

void avs_os_signature_free(struct avs_os_signature *sig)
{
    if (!sig)
        return;
    free(sig->o);
    free(sig->l);
    free(sig->s);
    free(sig->c);
    memset(sig, 0, sizeof *sig);
}

int avs_os_file_open_signed(avs_os_held_file **out, struct avs_os_signature *sig, const char *path)
{
    struct avs_os_path_facts facts;
    *out = NULL;
    memset(sig, 0, sizeof *sig);
    if (avs_os_path_facts(&facts, path) != 0 || !facts.exists)
        return AVS_ENOENT;
    if (facts.reparse)
        return AVS_EUNSAFE;
    if (facts.is_dir)
        return AVS_EINVAL;
    sig->status = AVS_SIG_UNSIGNED;
    sig->code = 0x800B0100u;
    for (size_t i = 0; i < S.n_sigs; i++) {
        const struct sig_entry *e = &S.sigs[i];
        if (!avs_str_ieq(e->path, path))
            continue;
        sig->status = e->status;
        sig->code = e->code;
        if (e->status == AVS_SIG_VALID) {
            const char *v[4] = {e->o, e->l, e->s, e->c};
            char **d[4] = {&sig->o, &sig->l, &sig->s, &sig->c};
            for (int k = 0; k < 4; k++)
                *d[k] = e->has[k] ? fake_xstrdup(v[k]) : NULL;
        }
    }
    avs_os_held_file *f = calloc(1, sizeof *f);
    if (!f)
        abort();
    copy(f->path, sizeof f->path, path);
    S.open_files++;
    *out = f;
    return 0;
}

void avs_os_held_file_close(avs_os_held_file *file)
{
    if (!file)
        return;
    S.open_files--;
    free(file);
}

int avs_os_process_run_held(int *out_exit, const char *app, const char *cmdline,
                            uint32_t timeout_ms, avs_os_held_file *held)
{
    if (S.n_held_runs < MAXS)
        copy(S.held_runs[S.n_held_runs++], sizeof S.held_runs[0], held ? held->path : "");
    /* The held file must be the program that starts: anything else would be a check of one
     * file and a run of another. */
    if (held && !avs_str_ieq(held->path, app)) {
        avs_os_held_file_close(held);
        *out_exit = 0;
        return AVS_EINVAL;
    }
    /* Windows closes it once the process runs; the fake closes it before "running". */
    avs_os_held_file_close(held);
    return avs_os_process_run(out_exit, app, cmdline, timeout_ms);
}

/* 1 when P is PATH or a folder above it, and below TOP. */
static int on_chain(const char *p, const char *path, const char *top)
{
    size_t n = strlen(p), t = strlen(top);
    if (n <= t || strncasecmp(p, top, t) != 0 || p[t] != '\\')
        return 0;
    return strncasecmp(path, p, n) == 0 && (path[n] == '\0' || path[n] == '\\');
}

int avs_os_path_admin_only(char **out_unsafe, const char *path, const char *top)
{
    *out_unsafe = NULL;
    if (!path || !top)
        return AVS_EINVAL;
    if (S.security_err)
        return S.security_err;
    /* The real check walks from PATH upwards: the deepest writable path is named first. */
    const char *worst = NULL;
    for (size_t i = 0; i < S.n_writable; i++)
        if (on_chain(S.writable[i], path, top) && (!worst || strlen(S.writable[i]) > strlen(worst)))
            worst = S.writable[i];
    if (worst)
        *out_unsafe = fake_xstrdup(worst);
    return 0;
}
