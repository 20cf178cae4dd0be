#include "inventory.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cmdline.h"
#include "regdata.h"
#include "self.h"
#include "textutil.h"

#define UNINSTALL_PATH "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall"
#define USER_UNINSTALL_PATH "Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall"
#define SERVICES_PATH "SYSTEM\\CurrentControlSet\\Services"

const char *avs_source_name(enum avs_source_id id)
{
    static const char *const names[AVS_SRC_COUNT] = {
        "uninstall-64", "uninstall-32", "uninstall-users", "msi", "services", "registry", "wsc",
        "applocker",
    };
    return (unsigned)id < AVS_SRC_COUNT ? names[id] : "?";
}

int avs_inventory_note(struct avs_inventory *inv, const char *key, const char *value,
                       const char *problem)
{
    return avs_inventory_note_event(inv, 0, key, value, problem);
}

int avs_inventory_note_event(struct avs_inventory *inv, uint32_t event, const char *key,
                             const char *value, const char *problem)
{
    struct avs_note *g = realloc(inv->notes, (inv->n_notes + 1) * sizeof *g);
    if (!g)
        return AVS_ENOMEM;
    inv->notes = g;
    struct avs_note *n = &g[inv->n_notes];
    n->key = avs_strdup(key);
    n->value = avs_strdup(value);
    n->problem = avs_strdup(problem);
    if (!n->key || !n->value || !n->problem) {
        free(n->key);
        free(n->value);
        free(n->problem);
        return AVS_ENOMEM;
    }
    n->event = event;
    inv->n_notes++;
    return 0;
}

/* Reads value NAME of KEY as stored. *have is 0 when it is absent or could not be read; a read
 * failure other than AVS_ENOMEM becomes a note. */
static int read_raw(struct avs_reg_value *v, int *have, struct avs_inventory *inv, avs_os_key *key,
                    const char *path, const char *name)
{
    *have = 0;
    int err = avs_os_reg_value(v, key, name);
    if (err == AVS_ENOENT)
        return 0;
    if (err == AVS_ENOMEM)
        return err;
    if (err)
        return avs_inventory_note(inv, path, name,
                                  err == AVS_ETOOBIG ? "value larger than AvSwap reads (64 KiB)"
                                                     : avs_strerror(err));
    *have = 1;
    return 0;
}

/* Reads string value NAME of KEY into *out (NULL when absent or unusable, noting why). */
static int read_string(char **out, struct avs_inventory *inv, avs_os_key *key, const char *path,
                       const char *name)
{
    struct avs_reg_value v = {0, NULL, 0};
    const char *problem = NULL;
    int have, err;
    *out = NULL;
    if ((err = read_raw(&v, &have, inv, key, path, name)) != 0 || !have)
        return err;
    err = avs_regdata_string(out, &problem, &v);
    free(v.data);
    if (err == AVS_ENOMEM)
        return err;
    if (problem) {
        int rc = avs_inventory_note(inv, path, name, problem);
        if (rc) {
            free(*out);
            *out = NULL;
            return rc;
        }
    }
    return 0;
}

static int read_dword(uint32_t *out, struct avs_inventory *inv, avs_os_key *key, const char *path,
                      const char *name)
{
    struct avs_reg_value v = {0, NULL, 0};
    const char *problem = NULL;
    int have, err;
    *out = 0;
    if ((err = read_raw(&v, &have, inv, key, path, name)) != 0 || !have)
        return err;
    err = avs_regdata_dword(out, &problem, &v);
    free(v.data);
    return err ? avs_inventory_note(inv, path, name, problem) : 0;
}

void avs_inventory_entry_free(struct avs_inv_entry *e)
{
    free(e->key);
    free(e->key_name);
    free(e->user_sid);
    free(e->display_name);
    free(e->display_version);
    free(e->publisher);
    free(e->uninstall_string);
    free(e->quiet_uninstall_string);
}

/* 1 in *out when command line CMD names, as its program, an existing file outside WINDIR (the
 * Windows folder, where every machine has msiexec, cmd, ...): something a product installed. */
static int program_file(int *out, const char *cmd, const char *windir)
{
    char **argv = NULL;
    size_t argc = 0;
    *out = 0;
    if (!cmd || !*cmd)
        return 0;
    int rc = avs_cmdline_split(&argv, &argc, cmd);
    if (rc)
        return rc;
    const char *app = argc ? argv[0] : "";
    size_t wl = windir ? strlen(windir) : 0;
    int absolute =
        ((app[0] | 0x20) >= 'a' && (app[0] | 0x20) <= 'z') && app[1] == ':' && app[2] == '\\';
    int in_windows = 0;
    if (wl && strlen(app) > wl && app[wl] == '\\') {
        char *head = avs_strdup(app);
        if (!head) {
            avs_cmdline_free(argv, argc);
            return AVS_ENOMEM;
        }
        head[wl] = '\0';
        in_windows = avs_str_ieq(head, windir);
        free(head);
    }
    struct avs_os_path_facts f;
    if (absolute && !in_windows && avs_os_path_facts(&f, app) == 0)
        *out = f.exists && !f.is_dir && !f.reparse;
    avs_cmdline_free(argv, argc);
    return 0;
}

int avs_inventory_read_entry(struct avs_inventory *inv, const struct avs_catalog *cat,
                             avs_os_key *parent, const char *parent_path, const char *name,
                             enum avs_reg_view view, const char *sid, const char *windir)
{
    struct avs_inv_entry e;
    avs_os_key *key = NULL;
    struct avs_buf path = AVS_BUF_INIT;
    uint32_t msi = 0;
    int rc = 0;

    memset(&e, 0, sizeof e);
    int err = avs_os_reg_open_child(&key, parent, name);
    if (err == AVS_ENOMEM)
        return err;
    avs_buf_printf(&path, "%s\\%s", parent_path, name);
    if (path.err) {
        rc = path.err;
        goto done;
    }
    if (err) {
        /* A key deleted while we enumerate is normal; any other failure is worth a note. */
        if (err != AVS_ENOENT)
            rc = avs_inventory_note(inv, path.data, "", avs_strerror(err));
        goto done;
    }
    if ((rc = read_string(&e.display_name, inv, key, path.data, "DisplayName")) != 0 ||
        (rc = read_string(&e.publisher, inv, key, path.data, "Publisher")) != 0)
        goto done;
    if (e.display_name && !*e.display_name) {
        free(e.display_name);
        e.display_name = NULL;
    }
    if (!avs_catalog_match_name(cat, e.display_name) && !avs_catalog_is_vendor(cat, e.publisher))
        goto done;

    if ((rc = read_string(&e.display_version, inv, key, path.data, "DisplayVersion")) != 0 ||
        (rc = read_string(&e.uninstall_string, inv, key, path.data, "UninstallString")) != 0 ||
        (rc = read_string(&e.quiet_uninstall_string, inv, key, path.data,
                          "QuietUninstallString")) != 0 ||
        (rc = read_dword(&msi, inv, key, path.data, "WindowsInstaller")) != 0)
        goto done;
    e.windows_installer = msi == 1;
    if (sid) {
        /* What a per-user entry has behind it: detection reports one with nothing as a note. */
        if ((rc = program_file(&e.program_file, e.quiet_uninstall_string, windir)) != 0 ||
            (!e.program_file &&
             (rc = program_file(&e.program_file, e.uninstall_string, windir)) != 0))
            goto done;
    }
    e.view = view;
    e.key = avs_buf_detach(&path);
    e.key_name = avs_strdup(name);
    e.user_sid = avs_strdup(sid);
    if (!e.key || !e.key_name || (sid && !e.user_sid)) {
        rc = AVS_ENOMEM;
        goto done;
    }
    struct avs_inv_entry *g = realloc(inv->entries, (inv->n_entries + 1) * sizeof *g);
    if (!g) {
        rc = AVS_ENOMEM;
        goto done;
    }
    inv->entries = g;
    g[inv->n_entries++] = e;
    memset(&e, 0, sizeof e);
done:
    avs_inventory_entry_free(&e);
    avs_buf_free(&path);
    if (key)
        avs_os_reg_close(key);
    return rc;
}

/* Walks one Uninstall key; its failure is the source's failure. */
static int walk_uninstall(struct avs_inventory *inv, const struct avs_catalog *cat,
                          struct avs_source *src, enum avs_reg_root root, const char *path,
                          const char *shown, enum avs_reg_view view, const char *sid,
                          const char *windir)
{
    avs_os_key *key = NULL;
    int err = avs_os_reg_open(&key, root, path, view);
    if (err == AVS_ENOENT)
        return 0; /* no program ever registered here */
    if (err == AVS_ENOMEM)
        return err;
    if (err) {
        src->err = err;
        return 0;
    }
    int rc = 0;
    for (size_t i = 0;; i++) {
        char *name = NULL;
        err = avs_os_reg_subkey(&name, key, i);
        if (err == AVS_ENOENT)
            break;
        if (err) {
            if (err == AVS_ENOMEM)
                rc = err;
            else
                src->err = err;
            break;
        }
        src->count++;
        rc = avs_inventory_read_entry(inv, cat, key, shown, name, view, sid, windir);
        free(name);
        if (rc)
            break;
    }
    avs_os_reg_close(key);
    return rc;
}

/* The Windows folder ("C:\\Windows"): the parent of System32. NULL in *out when unknown. */
static int windows_dir(char **out)
{
    struct avs_os_folders f;
    *out = NULL;
    int err = avs_os_folders(&f);
    if (err)
        return err == AVS_ENOMEM ? err : 0;
    char *slash = f.system32 ? strrchr(f.system32, '\\') : NULL;
    if (slash && slash != f.system32) {
        *slash = '\0';
        *out = avs_strdup(f.system32);
        err = *out ? 0 : AVS_ENOMEM;
    }
    avs_os_folders_free(&f);
    return err;
}

static int collect_users(struct avs_inventory *inv, const struct avs_catalog *cat)
{
    struct avs_source *src = &inv->sources[AVS_SRC_UNINSTALL_USERS];
    avs_os_key *users = NULL;
    char *windir = NULL;
    int rc = windows_dir(&windir);
    if (rc)
        return rc;
    int err = avs_os_reg_open(&users, AVS_HKU, "", AVS_VIEW_64);
    if (err) {
        free(windir);
        src->err = err;
        return err == AVS_ENOMEM ? err : 0;
    }
    for (size_t i = 0; rc == 0; i++) {
        char *sid = NULL;
        err = avs_os_reg_subkey(&sid, users, i);
        if (err == AVS_ENOENT)
            break;
        if (err) {
            src->err = err;
            rc = err == AVS_ENOMEM ? err : 0;
            break;
        }
        size_t n = strlen(sid);
        /* "<SID>_Classes" is the same user's class hive; .DEFAULT is S-1-5-18's profile. */
        int skip = (n > 8 && strcmp(sid + n - 8, "_Classes") == 0) || strcmp(sid, ".DEFAULT") == 0;
        if (!skip) {
            struct avs_buf path = AVS_BUF_INIT, shown = AVS_BUF_INIT;
            avs_buf_printf(&path, "%s\\%s", sid, USER_UNINSTALL_PATH);
            avs_buf_printf(&shown, "HKU\\%s\\%s", sid, USER_UNINSTALL_PATH);
            rc = path.err ? path.err : shown.err;
            if (!rc)
                rc = walk_uninstall(inv, cat, src, AVS_HKU, path.data, shown.data, AVS_VIEW_64, sid,
                                    windir);
            avs_buf_free(&path);
            avs_buf_free(&shown);
        }
        free(sid);
    }
    avs_os_reg_close(users);
    free(windir);
    return rc;
}

/* Every Windows Installer product is kept (a few hundred short strings at most): detection picks
 * the ones that concern the catalog, and an Uninstall entry's product code is checked against
 * the whole list. */
static int collect_msi(struct avs_inventory *inv)
{
    int err = avs_os_msi_products(&inv->msi, &inv->n_msi);
    if (err) {
        inv->sources[AVS_SRC_MSI].err = err;
        return err == AVS_ENOMEM ? err : 0;
    }
    inv->sources[AVS_SRC_MSI].count = inv->n_msi;
    /* AvSwap's own products, by the UpgradeCode Windows Installer records (core/self.h). */
    err = avs_os_msi_related(&inv->self_codes, &inv->n_self_codes, AVS_SELF_UPGRADE_CODE);
    if (err == AVS_ENOMEM)
        return err;
    if (err)
        return avs_inventory_note(inv, "Windows Installer", AVS_SELF_UPGRADE_CODE,
                                  "AvSwap's own products could not be listed by UpgradeCode");
    return 0;
}

/* 1 when LIST (N services) has one named NAME (service names are case-insensitive). */
static int listed(const struct avs_os_service *list, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (list[i].name && avs_str_ieq(list[i].name, name))
            return 1;
    return 0;
}

/* One subkey NAME of the Services key that the SCM did not list: kept when its Type says it is
 * a service or a driver. */
static int read_service_key(struct avs_inventory *inv, avs_os_key *parent, const char *name)
{
    struct avs_buf path = AVS_BUF_INIT;
    avs_os_key *key = NULL;
    char *display = NULL;
    uint32_t type = 0;
    int rc = 0;
    int err = avs_os_reg_open_child(&key, parent, name);
    if (err)
        return err == AVS_ENOMEM ? err : 0; /* deleted meanwhile, or not ours to read */
    avs_buf_printf(&path, "HKLM\\" SERVICES_PATH "\\%s", name);
    if ((rc = path.err) != 0 || (rc = read_dword(&type, inv, key, path.data, "Type")) != 0)
        goto done;
    /* SERVICE_KERNEL_DRIVER 1, SERVICE_FILE_SYSTEM_DRIVER 2, SERVICE_ADAPTER 4,
     * SERVICE_RECOGNIZER_DRIVER 8, SERVICE_WIN32_OWN_PROCESS 0x10, SERVICE_WIN32_SHARE_PROCESS
     * 0x20. A key without one of these is configuration, not a service. */
    if ((type & 0x3fu) == 0)
        goto done;
    if ((rc = read_string(&display, inv, key, path.data, "DisplayName")) != 0)
        goto done;
    struct avs_os_service *g = realloc(inv->services, (inv->n_services + 1) * sizeof *g);
    if (!g) {
        rc = AVS_ENOMEM;
        goto done;
    }
    inv->services = g;
    struct avs_os_service *sv = &g[inv->n_services];
    memset(sv, 0, sizeof *sv);
    if (!(sv->name = avs_strdup(name))) {
        rc = AVS_ENOMEM;
        goto done;
    }
    sv->display_name = display;
    display = NULL;
    sv->is_driver = (type & 0x0fu) != 0;
    sv->state = AVS_SVC_NOT_LOADED;
    inv->n_services++;
done:
    free(display);
    avs_buf_free(&path);
    avs_os_reg_close(key);
    return rc;
}

/* Services and drivers: the SCM's list, and the Services key, where one registered since the
 * last boot already is while the SCM does not know it yet. Either failing fails the source. */
static int collect_services(struct avs_inventory *inv)
{
    struct avs_source *src = &inv->sources[AVS_SRC_SERVICES];
    avs_os_key *key = NULL;
    int rc = 0;
    int err = avs_os_services(&inv->services, &inv->n_services);
    if (err == AVS_ENOMEM)
        return err;
    src->err = err;
    size_t n_scm = inv->n_services;
    err = avs_os_reg_open(&key, AVS_HKLM, SERVICES_PATH, AVS_VIEW_64);
    if (err == AVS_ENOMEM)
        return err;
    if (err && err != AVS_ENOENT && !src->err)
        src->err = err;
    for (size_t i = 0; key && rc == 0; i++) {
        char *name = NULL;
        err = avs_os_reg_subkey(&name, key, i);
        if (err == AVS_ENOENT)
            break;
        if (err) {
            if (err == AVS_ENOMEM)
                rc = err;
            else if (!src->err)
                src->err = err;
            break;
        }
        if (!listed(inv->services, n_scm, name))
            rc = read_service_key(inv, key, name);
        free(name);
    }
    if (key)
        avs_os_reg_close(key);
    src->count = inv->n_services;
    return rc;
}

static int collect_regroots(struct avs_inventory *inv, const struct avs_catalog *cat)
{
    for (size_t i = 0; i < cat->n_registry_roots; i++) {
        for (int view = 0; view < 2; view++) {
            avs_os_key *key = NULL;
            int err = avs_os_reg_open(&key, AVS_HKLM, cat->registry_roots[i],
                                      view ? AVS_VIEW_32 : AVS_VIEW_64);
            if (err == AVS_ENOENT)
                continue;
            if (err == AVS_ENOMEM)
                return err;
            if (err) {
                inv->sources[AVS_SRC_REGISTRY].err = err;
                continue;
            }
            avs_os_reg_close(key);
            struct avs_buf shown = AVS_BUF_INIT;
            if (view)
                avs_buf_printf(&shown, "SOFTWARE\\WOW6432Node\\%s", cat->registry_roots[i] + 9);
            else
                avs_buf_puts(&shown, cat->registry_roots[i]);
            char *s = avs_buf_detach(&shown);
            char **g = s ? realloc(inv->regroots, (inv->n_regroots + 1) * sizeof *g) : NULL;
            if (!g) {
                free(s);
                return AVS_ENOMEM;
            }
            inv->regroots = g;
            g[inv->n_regroots++] = s;
            inv->sources[AVS_SRC_REGISTRY].count++;
        }
    }
    return 0;
}

static int applocker_note(void *ctx, const char *key, const char *value, const char *problem)
{
    return avs_inventory_note(ctx, key, value, problem);
}

int avs_inventory_collect(struct avs_inventory *out, const struct avs_catalog *cat)
{
    int rc;
    memset(out, 0, sizeof *out);

    if ((rc = walk_uninstall(out, cat, &out->sources[AVS_SRC_UNINSTALL_64], AVS_HKLM,
                             UNINSTALL_PATH, "HKLM\\" UNINSTALL_PATH, AVS_VIEW_64, NULL, NULL)) !=
            0 ||
        (rc =
             walk_uninstall(out, cat, &out->sources[AVS_SRC_UNINSTALL_32], AVS_HKLM, UNINSTALL_PATH,
                            "HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\"
                            "CurrentVersion\\Uninstall",
                            AVS_VIEW_32, NULL, NULL)) != 0 ||
        (rc = collect_users(out, cat)) != 0 || (rc = collect_msi(out)) != 0 ||
        (rc = collect_regroots(out, cat)) != 0 || (rc = collect_services(out)) != 0)
        goto done;

    int err = avs_os_wsc_antivirus(&out->wsc, &out->n_wsc);
    if (err == AVS_ENOMEM) {
        rc = err;
        goto done;
    }
    out->sources[AVS_SRC_WSC].err = err;
    out->sources[AVS_SRC_WSC].count = out->n_wsc;

    if ((rc = avs_applocker_read(&out->applocker, cat, applocker_note, out)) != 0)
        goto done;
    out->sources[AVS_SRC_APPLOCKER].err = out->applocker.err;
    out->sources[AVS_SRC_APPLOCKER].count = out->applocker.n_rules;
done:
    if (rc)
        avs_inventory_free(out);
    return rc;
}

void avs_inventory_free(struct avs_inventory *inv)
{
    for (size_t i = 0; i < inv->n_entries; i++)
        avs_inventory_entry_free(&inv->entries[i]);
    free(inv->entries);
    avs_os_msi_products_free(inv->msi, inv->n_msi);
    avs_os_services_free(inv->services, inv->n_services);
    avs_os_wsc_free(inv->wsc, inv->n_wsc);
    for (size_t i = 0; i < inv->n_regroots; i++)
        free(inv->regroots[i]);
    free(inv->regroots);
    for (size_t i = 0; i < inv->n_notes; i++) {
        free(inv->notes[i].key);
        free(inv->notes[i].value);
        free(inv->notes[i].problem);
    }
    free(inv->notes);
    avs_os_msi_related_free(inv->self_codes, inv->n_self_codes);
    avs_applocker_state_free(&inv->applocker);
    memset(inv, 0, sizeof *inv);
}
