/* The trust of AvSwap's folder: everything in %ProgramData%\AvSwap must have been made by
 * SYSTEM or Administrators. Any user may create folders in ProgramData, so the folder (and a
 * journal.jsonl inside it) may exist before AvSwap's first run, made by someone else. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "evidence.h"
#include "os.h"

#define QUARANTINE_MARK ".untrusted-"
#define MAX_DEPTH 4

int avs_evidence_is_quarantined(const char *name)
{
    return strstr(name, QUARANTINE_MARK) != NULL;
}

void avs_evidence_moved_free(struct avs_evidence_moved *m, size_t count)
{
    if (!m)
        return;
    for (size_t i = 0; i < count; i++) {
        free(m[i].from);
        free(m[i].to);
        free(m[i].why);
    }
    free(m);
}

struct walk {
    struct avs_evidence_moved *moved;
    size_t count;
    char stamp[20];
};

/* Why PATH is not trusted, or NULL when it is. A folder needs both the owner and the DACL
 * (the DACL decides who may add files later), and AvSwap's folder itself a protected one (what
 * ProgramData passes down lets users create files); a subfolder may inherit it. A file needs
 * its owner: only the one who made it, or an administrator, can own it, and a standard user
 * cannot make a file owned by SYSTEM or Administrators. */
static int distrust(char **why, const char *path, int is_dir, int top)
{
    struct avs_os_trust t;
    *why = NULL;
    int rc = avs_os_path_trust(&t, path);
    if (rc)
        return rc;
    struct avs_buf b = AVS_BUF_INIT;
    if (!t.owner_ok)
        avs_buf_printf(&b, "owner %s is not SYSTEM or Administrators", t.owner);
    else if (is_dir && (!t.dacl_ok || (top && !t.dacl_protected)))
        avs_buf_printf(&b, "its permissions let others than SYSTEM and Administrators in");
    else
        return 0;
    *why = avs_buf_detach(&b);
    return *why ? 0 : AVS_ENOMEM;
}

/* Renames PATH to PATH.untrusted-<stamp> (or -2, -3...) and records it. Takes WHY. */
static int quarantine(struct walk *w, const char *path, char *why)
{
    char *to = NULL;
    int rc = 0;
    for (unsigned i = 1; i < 100 && !to && !rc; i++) {
        struct avs_buf b = AVS_BUF_INIT;
        struct avs_os_path_facts f;
        if (i == 1)
            avs_buf_printf(&b, "%s%s%s", path, QUARANTINE_MARK, w->stamp);
        else
            avs_buf_printf(&b, "%s%s%s-%u", path, QUARANTINE_MARK, w->stamp, i);
        rc = b.err ? b.err : avs_os_path_facts(&f, b.data);
        if (!rc && !f.exists)
            to = avs_buf_detach(&b);
        avs_buf_free(&b);
    }
    if (!rc && !to)
        rc = AVS_EIO;
    if (!rc)
        rc = avs_os_path_move(path, to);
    struct avs_evidence_moved *m = rc ? NULL : realloc(w->moved, (w->count + 1) * sizeof *w->moved);
    if (!rc && !m)
        rc = AVS_ENOMEM;
    if (rc) {
        free(to);
        free(why);
        return rc;
    }
    w->moved = m;
    m[w->count].from = avs_strdup(path);
    m[w->count].to = to;
    m[w->count].why = why;
    w->count++;
    return m[w->count - 1].from ? 0 : AVS_ENOMEM;
}

static int walk_dir(struct walk *w, const char *dir, int depth)
{
    char **names = NULL;
    size_t n = 0;
    int rc = avs_os_dir_list(&names, &n, dir);
    if (rc == AVS_ENOENT)
        return 0;
    for (size_t i = 0; i < n && !rc; i++) {
        if (avs_evidence_is_quarantined(names[i]))
            continue; /* moved aside earlier: kept as evidence, never read */
        struct avs_buf b = AVS_BUF_INIT;
        struct avs_os_path_facts f;
        char *why = NULL;
        avs_buf_printf(&b, "%s\\%s", dir, names[i]);
        rc = b.err ? b.err : avs_os_path_facts(&f, b.data);
        if (!rc && f.reparse) {
            /* A link inside the folder could only have been planted: never follow it. */
            why = avs_strdup("it is a link (reparse point)");
            rc = why ? quarantine(w, b.data, why) : AVS_ENOMEM;
        } else if (!rc) {
            rc = distrust(&why, b.data, f.is_dir, 0);
            if (!rc && why)
                rc = quarantine(w, b.data, why);
            else if (!rc && f.is_dir && depth < MAX_DEPTH)
                rc = walk_dir(w, b.data, depth + 1);
        }
        avs_buf_free(&b);
    }
    avs_os_names_free(names, n);
    return rc;
}

int avs_evidence_folder_check(struct avs_evidence_moved **out, size_t *out_count,
                              const char *data_dir, int64_t now_ms)
{
    struct walk w;
    struct avs_os_path_facts f;
    char *why = NULL;
    *out = NULL;
    *out_count = 0;
    memset(&w, 0, sizeof w);
    avs_evidence_stamp(w.stamp, now_ms);
    int rc = avs_os_path_facts(&f, data_dir);
    if (rc || !f.exists)
        return rc;
    if (f.reparse || !f.is_dir) {
        why = avs_strdup(f.reparse ? "it is a link (reparse point)" : "it is not a folder");
        rc = why ? quarantine(&w, data_dir, why) : AVS_ENOMEM;
    } else {
        rc = distrust(&why, data_dir, 1, 1);
        if (!rc && why)
            rc = quarantine(&w, data_dir, why);
        else if (!rc)
            rc = walk_dir(&w, data_dir, 1);
    }
    /* What was moved is reported even when a later move failed. */
    *out = w.moved;
    *out_count = w.count;
    return rc;
}
