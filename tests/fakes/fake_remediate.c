/* The remediation half of the fake machine: see fake_remediate.h. */
#include "fake_remediate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "fake_fs.h"
#include "fake_internal.h"
#include "fake_os.h"
#include "sha256.h"
#include "textutil.h"

#define MAXN 32

struct behaviour {
    char key[260];
    int result;
    char prop[64], value[128];
    char extra[260]; /* key name or package code */
    char service[64];
    char name[128];
    int hangs;
};

static struct {
    struct behaviour uninstall[MAXN];
    size_t n_uninstall;
    struct behaviour packages[MAXN];
    size_t n_packages;
    struct behaviour exes[MAXN];
    size_t n_exes;
    struct fake_msi_call calls[MAXN];
    size_t n_calls;
    struct fake_process_call procs[MAXN];
    size_t n_procs;
    size_t n_installs;
    int install_result;
    int busy_removals;
    char files[MAXN][260];
    uint64_t file_size[MAXN];
    size_t n_files;
    char reparse[MAXN][260];
    size_t n_reparse;
    char dirs[MAXN][260];
    size_t n_dirs;
    char unstartable[MAXN][64];
    size_t n_unstartable;
    char start_fail[MAXN][64];
    int start_fail_err[MAXN];
    size_t n_start_fail;
    char held[MAXN][64];
    size_t n_held;
    char *owned[MAXN];
    size_t n_owned;
    int installer_busy;
    uint64_t disk_free;
    char password[260];
    int has_console;
    size_t reboots;
    uint64_t slept;
    int64_t mono;
    unsigned char rnd;
    char marker[64];
    int reboot_err;
} R;

static void copy(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

void fake_remediate_reset(void)
{
    for (size_t i = 0; i < R.n_owned; i++)
        free(R.owned[i]);
    memset(&R, 0, sizeof R);
    R.disk_free = 100ull << 30;
    R.mono = 5000;
    fake_signature_reset();
}

static struct behaviour *find(struct behaviour *arr, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (avs_str_ieq(arr[i].key, key))
            return &arr[i];
    return NULL;
}

static struct behaviour *find_or_add(struct behaviour *arr, size_t *n, const char *key)
{
    struct behaviour *b = find(arr, *n, key);
    if (b)
        return b;
    if (*n == MAXN)
        abort();
    b = &arr[(*n)++];
    memset(b, 0, sizeof *b);
    copy(b->key, sizeof b->key, key);
    return b;
}

/* ---------------------------------------------------------------- controls */

void fake_msi_uninstall_result(const char *code, int result)
{
    find_or_add(R.uninstall, &R.n_uninstall, code)->result = result;
}

void fake_msi_require_password(const char *code, const char *prop, const char *value)
{
    struct behaviour *b = find_or_add(R.uninstall, &R.n_uninstall, code);
    copy(b->prop, sizeof b->prop, prop);
    copy(b->value, sizeof b->value, value);
}

void fake_msi_uninstall_also(const char *code, const char *other_code, const char *service)
{
    struct behaviour *b = find_or_add(R.uninstall, &R.n_uninstall, code);
    copy(b->extra, sizeof b->extra, other_code);
    copy(b->service, sizeof b->service, service);
}

void fake_msi_busy_removals(int n)
{
    R.busy_removals = n;
}

size_t fake_msi_uninstall_calls(void)
{
    return R.n_calls;
}

const struct fake_msi_call *fake_msi_uninstall_call(size_t i)
{
    return i < R.n_calls ? &R.calls[i] : NULL;
}

void fake_msi_package(const char *path, const char *code, const char *name, const char *service)
{
    struct behaviour *b = find_or_add(R.packages, &R.n_packages, path);
    copy(b->extra, sizeof b->extra, code);
    copy(b->name, sizeof b->name, name);
    copy(b->service, sizeof b->service, service);
}

void fake_msi_install_result(int result)
{
    R.install_result = result;
}

size_t fake_msi_install_calls(void)
{
    return R.n_installs;
}

void fake_exe_installer(const char *app, int exit_code, const char *service)
{
    struct behaviour *b = find_or_add(R.exes, &R.n_exes, app);
    b->result = exit_code;
    copy(b->service, sizeof b->service, service);
    b->extra[0] = '\0';
    fake_path_file(app, 1000);
}

void fake_exe_uninstaller(const char *app, int exit_code, const char *key_name, const char *service)
{
    struct behaviour *b = find_or_add(R.exes, &R.n_exes, app);
    b->result = exit_code;
    copy(b->extra, sizeof b->extra, key_name);
    copy(b->service, sizeof b->service, service);
    b->name[0] = 'u'; /* an uninstaller: removes, never creates */
    fake_path_file(app, 1000);
}

void fake_exe_hangs(const char *app)
{
    find_or_add(R.exes, &R.n_exes, app)->hangs = 1;
    fake_path_file(app, 1000);
}

size_t fake_process_calls(void)
{
    return R.n_procs;
}

const struct fake_process_call *fake_process_call(size_t i)
{
    return i < R.n_procs ? &R.procs[i] : NULL;
}

void fake_path_file(const char *path, uint64_t size)
{
    for (size_t i = 0; i < R.n_files; i++)
        if (avs_str_ieq(R.files[i], path))
            return;
    if (R.n_files == MAXN)
        abort();
    copy(R.files[R.n_files], sizeof R.files[0], path);
    R.file_size[R.n_files++] = size;
}

void fake_path_reparse(const char *path)
{
    if (R.n_reparse == MAXN)
        abort();
    copy(R.reparse[R.n_reparse++], sizeof R.reparse[0], path);
}

size_t fake_protected_dirs(void)
{
    return R.n_dirs;
}

const char *fake_protected_dir(size_t i)
{
    return i < R.n_dirs ? R.dirs[i] : NULL;
}

void fake_service_startable(const char *name, int startable)
{
    if (!startable && R.n_unstartable < MAXN)
        copy(R.unstartable[R.n_unstartable++], sizeof R.unstartable[0], name);
}

void fake_service_set_state(const char *name, enum avs_svc_state state)
{
    struct avs_os_service *s = fake_service_find(name);
    if (s)
        s->state = state;
}

void fake_service_start_fails(const char *name, int err)
{
    if (R.n_start_fail == MAXN)
        abort();
    copy(R.start_fail[R.n_start_fail], sizeof R.start_fail[0], name);
    R.start_fail_err[R.n_start_fail++] = err;
}

void fake_mutex_held(const char *name)
{
    copy(R.held[R.n_held++], sizeof R.held[0], name);
}

void fake_installer_busy(int n)
{
    R.installer_busy = n;
}

void fake_disk_free(uint64_t bytes)
{
    R.disk_free = bytes;
}

void fake_console_password(const char *password)
{
    R.has_console = password != NULL;
    copy(R.password, sizeof R.password, password);
}

size_t fake_reboot_requests(void)
{
    return R.reboots;
}

uint64_t fake_slept_ms(void)
{
    return R.slept;
}

/* ---------------------------------------------------------------- os.h */

int avs_os_folders(struct avs_os_folders *out)
{
    out->program_files = avs_strdup("C:\\Program Files");
    out->program_files_x86 = avs_strdup("C:\\Program Files (x86)");
    out->program_data = avs_strdup("C:\\ProgramData");
    out->system32 = avs_strdup("C:\\Windows\\System32");
    if (!out->program_files || !out->program_files_x86 || !out->program_data || !out->system32) {
        avs_os_folders_free(out);
        return AVS_ENOMEM;
    }
    return 0;
}

void avs_os_folders_free(struct avs_os_folders *f)
{
    free(f->program_files);
    free(f->program_files_x86);
    free(f->program_data);
    free(f->system32);
    memset(f, 0, sizeof *f);
}

/* PATH is, or lies below, a planted reparse point. */
static int is_reparse(const char *path)
{
    for (size_t i = 0; i < R.n_reparse; i++) {
        size_t n = strlen(R.reparse[i]);
        if (strncasecmp(path, R.reparse[i], n) == 0 && (path[n] == '\0' || path[n] == '\\'))
            return 1;
    }
    return 0;
}

int avs_os_mkdir_protected(const char *path)
{
    if (is_reparse(path))
        return AVS_EUNSAFE;
    for (size_t i = 0; i < R.n_dirs; i++)
        if (avs_str_ieq(R.dirs[i], path))
            return 0;
    if (R.n_dirs == MAXN)
        abort();
    copy(R.dirs[R.n_dirs++], sizeof R.dirs[0], path);
    return 0;
}

int avs_os_path_facts(struct avs_os_path_facts *out, const char *path)
{
    size_t len;
    memset(out, 0, sizeof *out);
    out->reparse = is_reparse(path);
    if (fake_fs_data(path, &len)) {
        out->exists = 1;
        out->size = len;
        return 0;
    }
    for (size_t i = 0; i < R.n_files; i++) {
        if (avs_str_ieq(R.files[i], path)) {
            out->exists = 1;
            out->size = R.file_size[i];
            return 0;
        }
    }
    for (size_t i = 0; i < R.n_dirs; i++)
        if (avs_str_ieq(R.dirs[i], path))
            out->exists = out->is_dir = 1;
    return 0;
}

int avs_os_file_copy(const char *dst, const char *src)
{
    size_t len;
    if (is_reparse(dst) || is_reparse(src))
        return AVS_EUNSAFE;
    const char *data = fake_fs_data(src, &len);
    if (!data)
        return AVS_ENOENT;
    char *tmp = malloc(len ? len : 1);
    if (!tmp)
        return AVS_ENOMEM;
    memcpy(tmp, data, len);
    int rc = fake_fs_put(dst, tmp, len);
    free(tmp);
    return rc;
}

int avs_os_file_delete(const char *path)
{
    fake_fs_remove(path);
    return 0;
}

struct avs_os_lock {
    int dummy;
};

int avs_os_file_lock_hash(avs_os_lock **out, uint8_t sha256[32], const char *path)
{
    size_t len;
    *out = NULL;
    if (is_reparse(path))
        return AVS_EUNSAFE;
    const char *data = fake_fs_data(path, &len);
    if (!data)
        return AVS_ENOENT;
    avs_sha256(sha256, data, len);
    *out = calloc(1, sizeof **out);
    return *out ? 0 : AVS_ENOMEM;
}

void avs_os_file_unlock(avs_os_lock *lock)
{
    free(lock);
}

static void log_append(const char *log_path, const char *line)
{
    if (log_path && *log_path)
        avs_os_file_append_durable(log_path, line, strlen(line));
}

int avs_os_msi_uninstall(int *out_result, const char *code, const char *properties,
                         const char *log_path)
{
    struct behaviour *b = find(R.uninstall, R.n_uninstall, code);
    int result = b ? b->result : 0;
    char line[700];

    /* Like Windows Installer's verbose log, record the command line it was given. */
    snprintf(line, sizeof line, "=== Verbose logging started\nCommand Line: %s\n",
             properties ? properties : "");
    log_append(log_path, line);

    if (R.busy_removals > 0) {
        R.busy_removals--;
        result = 1618;
    } else if (!fake_msi_has(code)) {
        result = 1605;
    } else if (b && b->prop[0]) {
        char want[256];
        snprintf(want, sizeof want, "%s=\"%s\"", b->prop, b->value);
        if (!properties || !strstr(properties, want))
            result = 1603;
    }
    if (result == 0 || result == 3010 || result == 1641) {
        struct avs_buf k = AVS_BUF_INIT;
        avs_buf_printf(&k, "%s\\%s", FAKE_UNINSTALL, code);
        fake_msi_remove(code);
        fake_reg_delete(AVS_HKLM, AVS_VIEW_64, k.data);
        fake_reg_delete(AVS_HKLM, AVS_VIEW_32, k.data);
        avs_buf_free(&k);
        if (b && b->extra[0])
            fake_msi_remove(b->extra);
        struct avs_os_service *svc = b && b->service[0] ? fake_service_find(b->service) : NULL;
        if (svc)
            svc->state = AVS_SVC_STOPPED;
    }
    if (R.n_calls < MAXN) {
        struct fake_msi_call *c = &R.calls[R.n_calls++];
        copy(c->code, sizeof c->code, code);
        copy(c->properties, sizeof c->properties, properties);
        copy(c->log_path, sizeof c->log_path, log_path);
        c->result = result;
    }
    snprintf(line, sizeof line, "=== Logging stopped: result %d\n", result);
    log_append(log_path, line);
    fake_advance(200);
    R.mono += 200;
    *out_result = result;
    return 0;
}

static void start_service(const char *name)
{
    if (!name || !*name)
        return;
    struct avs_os_service *s = fake_service_find(name);
    if (s)
        s->state = AVS_SVC_RUNNING;
    else
        fake_service_add(name, name, 0, AVS_SVC_RUNNING);
}

int avs_os_msi_install(int *out_result, const char *package, const char *properties,
                       const char *log_path)
{
    struct behaviour *b = find(R.packages, R.n_packages, package);
    R.n_installs++;
    log_append(log_path, "=== Verbose logging started (install)\n");
    (void)properties;
    if (!b) {
        *out_result = 1619; /* ERROR_INSTALL_PACKAGE_OPEN_FAILED */
        return 0;
    }
    *out_result = R.install_result;
    if (R.install_result == 0 || R.install_result == 3010) {
        fake_msi_add(b->extra, NULL, AVS_MSI_MACHINE, b->name, "1.0", "Approved Vendor");
        start_service(b->service);
    }
    fake_advance(1000);
    R.mono += 1000;
    return 0;
}

int avs_os_msi_package_info(char **out_code, char **out_name, const char *package)
{
    *out_code = *out_name = NULL;
    struct behaviour *b = find(R.packages, R.n_packages, package);
    size_t len;
    if (!fake_fs_data(package, &len))
        return AVS_ENOENT;
    if (!b)
        return AVS_EFORMAT; /* not a Windows Installer package */
    *out_code = avs_strdup(b->extra);
    *out_name = avs_strdup(b->name);
    return *out_code && *out_name ? 0 : AVS_ENOMEM;
}

int avs_os_msi_installed(int *out, const char *code)
{
    *out = fake_msi_has(code);
    return 0;
}

int avs_os_process_run(int *out_exit, const char *app, const char *cmdline, uint32_t timeout_ms)
{
    struct behaviour *b = find(R.exes, R.n_exes, app);
    *out_exit = 0;
    if (R.n_procs < MAXN) {
        struct fake_process_call *c = &R.procs[R.n_procs++];
        copy(c->app, sizeof c->app, app);
        copy(c->cmdline, sizeof c->cmdline, cmdline);
        c->timeout_ms = timeout_ms;
    }
    if (!b)
        return AVS_ENOENT;
    if (b->hangs) {
        R.mono += timeout_ms;
        fake_advance(timeout_ms);
        return AVS_ETIMEDOUT;
    }
    *out_exit = b->result;
    if (b->result == 0 && b->name[0] == 'u') {
        struct avs_buf k = AVS_BUF_INIT;
        avs_buf_printf(&k, "%s\\%s", FAKE_UNINSTALL, b->extra);
        fake_reg_delete(AVS_HKLM, AVS_VIEW_64, k.data);
        fake_reg_delete(AVS_HKLM, AVS_VIEW_32, k.data);
        avs_buf_free(&k);
        if (b->service[0])
            fake_service_remove(b->service);
    } else if (b->result == 0) {
        start_service(b->service);
    }
    fake_advance(500);
    R.mono += 500;
    return 0;
}

int avs_os_service_query(enum avs_svc_state *out_state, int *out_startable, const char *name)
{
    struct avs_os_service *s = fake_service_find(name);
    *out_state = AVS_SVC_UNKNOWN;
    *out_startable = 0;
    if (!s)
        return AVS_ENOENT;
    *out_state = s->state;
    *out_startable = 1;
    for (size_t i = 0; i < R.n_unstartable; i++)
        if (avs_str_ieq(R.unstartable[i], name))
            *out_startable = 0;
    return 0;
}

int avs_os_service_start(const char *name, uint32_t timeout_ms)
{
    (void)timeout_ms;
    struct avs_os_service *s = fake_service_find(name);
    if (!s)
        return AVS_ENOENT;
    for (size_t i = 0; i < R.n_start_fail; i++)
        if (avs_str_ieq(R.start_fail[i], name))
            return R.start_fail_err[i];
    for (size_t i = 0; i < R.n_unstartable; i++)
        if (avs_str_ieq(R.unstartable[i], name))
            return AVS_EFAILED;
    s->state = AVS_SVC_RUNNING;
    R.mono += 300;
    fake_advance(300);
    return 0;
}

struct avs_os_mutex {
    char name[64];
};

int avs_os_mutex_acquire(avs_os_mutex **out, const char *name)
{
    *out = NULL;
    for (size_t i = 0; i < R.n_held; i++)
        if (strcmp(R.held[i], name) == 0)
            return AVS_EBUSY;
    avs_os_mutex *m = calloc(1, sizeof *m);
    if (!m)
        return AVS_ENOMEM;
    copy(m->name, sizeof m->name, name);
    copy(R.held[R.n_held++], sizeof R.held[0], name);
    *out = m;
    return 0;
}

void avs_os_mutex_release(avs_os_mutex *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < R.n_held; i++) {
        if (strcmp(R.held[i], m->name) == 0) {
            memmove(R.held[i], R.held[R.n_held - 1], sizeof R.held[0]);
            R.n_held--;
            break;
        }
    }
    free(m);
}

int avs_os_installer_busy(int *out)
{
    *out = R.installer_busy != 0;
    if (R.installer_busy > 0)
        R.installer_busy--;
    return 0;
}

int avs_os_disk_free(uint64_t *out, const char *path)
{
    (void)path;
    *out = R.disk_free;
    return 0;
}

int avs_os_reboot_request(const char *reason, uint32_t grace_s)
{
    (void)reason;
    (void)grace_s;
    R.reboots++;
    return R.reboot_err;
}

void fake_reboot_request_fails(int err)
{
    R.reboot_err = err;
}

int avs_os_read_password(char **out, const char *prompt)
{
    (void)prompt;
    *out = NULL;
    if (!R.has_console)
        return AVS_EUNAVAIL;
    *out = avs_strdup(R.password);
    return *out ? 0 : AVS_ENOMEM;
}

void avs_os_secure_zero(void *p, size_t len)
{
    volatile unsigned char *v = p;
    while (len--)
        *v++ = 0;
}

int64_t avs_os_monotonic_ms(void)
{
    return R.mono;
}

void avs_os_sleep_ms(uint32_t ms)
{
    R.slept += ms;
    R.mono += ms;
    fake_advance(ms);
}

int avs_os_random(void *buf, size_t len)
{
    unsigned char *p = buf;
    for (size_t i = 0; i < len; i++)
        p[i] = (unsigned char)(R.rnd++ * 37u + 11u);
    return 0;
}

int avs_os_reboot_marker_set(const char *run_id)
{
    copy(R.marker, sizeof R.marker, run_id);
    return 0;
}

int avs_os_reboot_marker_present(int *out, const char *run_id)
{
    *out = R.marker[0] && strcmp(R.marker, run_id) == 0;
    return 0;
}

void fake_reboot(void)
{
    R.marker[0] = '\0';
    R.n_held = 0; /* every process, and its mutexes, ended */
}
