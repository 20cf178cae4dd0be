/* `avswap evidence verify|export` for auditors, and the check of AvSwap's folder that every
 * command touching it starts with. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "avs_messages.h"
#include "commands.h"
#include "evanchor.h"
#include "evidence.h"
#include "evxml.h"
#include "exitcode.h"
#include "journal.h"

static char *data_dir(void)
{
    struct avs_os_folders f;
    if (avs_os_folders(&f) != 0)
        return NULL;
    char *dir = avs_remediate_data_dir(&f);
    avs_os_folders_free(&f);
    return dir;
}

int avs_cli_folder_check(const char *cmd, FILE *err)
{
    struct avs_evidence_moved *moved = NULL;
    size_t n = 0;
    int64_t now = 0;
    char *dir = data_dir();
    if (!dir)
        return AVS_EXIT_FAILED;
    avs_os_now(&now);
    int rc = avs_evidence_folder_check(&moved, &n, dir, now);
    for (size_t i = 0; i < n; i++) {
        const char *s[3] = {moved[i].from, moved[i].to, moved[i].why};
        avs_os_event_write(AVS_EV_UNTRUSTED_MOVED, s, 3);
        fprintf(err,
                "avswap %s: moved aside %s (%s): not made by SYSTEM or Administrators; "
                "kept as evidence at %s\n",
                cmd, moved[i].from, moved[i].why, moved[i].to);
    }
    avs_evidence_moved_free(moved, n);
    int code = 0;
    /* Not elevated: the folder's security cannot be read, and nothing can be written there
     * either; what is read from it is then checked by its own means (chain, key). */
    if (rc && rc != AVS_EACCES) {
        const char *s[2] = {dir, avs_strerror(rc)};
        avs_os_event_write(AVS_EV_UNTRUSTED_NOT_MOVED, s, 2);
        fprintf(err,
                "avswap %s: %s holds something not made by SYSTEM or Administrators that "
                "could not be moved aside (%s); AvSwap will not use the folder\n",
                cmd, dir, avs_strerror(rc));
        code = AVS_EXIT_FAILED;
    }
    free(dir);
    return code;
}

/* The key when it opens (*have = 1), else *have = 0 and the reason in *why. */
static void load_key(unsigned char key[AVS_EVKEY_LEN], int *have, int *why)
{
    char *dir = data_dir();
    *have = 0;
    *why = dir ? avs_evidence_key_load(key, dir) : AVS_ENOMEM;
    *have = *why == 0;
    free(dir);
}

int avs_cli_journal_load(struct avs_journal_check *chk, struct avs_journal_rec **recs, size_t *n,
                         const char *path)
{
    unsigned char key[AVS_EVKEY_LEN];
    int have, why;
    load_key(key, &have, &why);
    int rc = avs_journal_load_keyed(chk, recs, n, path, have ? key : NULL);
    avs_os_secure_zero(key, sizeof key);
    return rc;
}

static void list(FILE *out, const int64_t *seqs, size_t n)
{
    for (size_t i = 0; i < n && i < AVS_ANCHOR_LIST; i++)
        fprintf(out, "%s%" PRId64, i ? ", " : " (seq ", seqs[i]);
    if (n > AVS_ANCHOR_LIST)
        fputs(", ...", out);
    if (n)
        fputc(')', out);
}

static int check_events(FILE *out, FILE *err, const struct avs_journal_rec *recs, size_t n,
                        const char *events)
{
    struct avs_evxml ev;
    struct avs_anchor_report r;
    int rc = avs_evxml_read_file(&ev, events);
    if (rc) {
        fprintf(err, "avswap evidence verify: cannot read the events %s: %s\n", events,
                avs_strerror(rc));
        avs_evxml_free(&ev);
        return AVS_EXIT_FAILED;
    }
    int ok = avs_anchor_check(&r, recs, n, &ev, "AvSwap");
    fprintf(out,
            "Events: %zu event(s) of this computer name a journal record (%zu of other "
            "computers skipped)\n",
            r.events, r.other_hosts);
    fprintf(out,
            "  records matched: %zu (their own SHA-256 is in an event), %zu more pinned "
            "through the chain\n",
            r.matched, r.chained);
    fprintf(out, "  records missing from the events: %zu", r.missing);
    if (r.missing)
        fprintf(out, " (from seq %" PRId64 " on: written after the export, or added later)",
                r.first_missing);
    fprintf(out, "\n  events whose hash matches no record: %zu", r.unmatched);
    list(out, r.unmatched_seq, r.unmatched);
    fprintf(out, "\n  edited records: %zu", r.edited);
    list(out, r.edited_seq, r.edited);
    fputc('\n', out);
    int64_t first = r.edited ? r.edited_seq[0] : 0;
    for (size_t i = 1; i < r.edited && i < AVS_ANCHOR_LIST; i++)
        if (r.edited_seq[i] < first)
            first = r.edited_seq[i];
    if (r.edited)
        fprintf(out,
                "Record %" PRId64
                " is not what its event recorded: the journal was edited after it was "
                "written\n",
                first);
    fprintf(out, ok ? "Journal matches the events: every record is anchored\n"
                    : "Journal does NOT match the events\n");
    avs_evxml_free(&ev);
    return ok ? AVS_EXIT_OK : AVS_EXIT_FAILED;
}

static int verify(int argc, char **argv, FILE *out, FILE *err)
{
    const char *journal = NULL, *events = NULL;
    const struct avs_opt opts[] = {
        {"--journal", 1, &journal, NULL}, {"--events", 1, &events, NULL}, {NULL, 0, NULL, NULL}};
    struct avs_journal_check chk;
    struct avs_journal_rec *recs = NULL;
    unsigned char key[AVS_EVKEY_LEN];
    size_t n = 0;
    int have_key = 0, key_why = 0, code = AVS_EXIT_FAILED;
    char *path = NULL;

    if (avs_args_parse(opts, argc, argv, "evidence verify", err) != 0)
        return AVS_EXIT_USAGE;
    path = journal ? avs_strdup(journal) : avs_cli_journal_path();
    if (!path)
        return AVS_EXIT_FAILED;
    load_key(key, &have_key, &key_why);
    int rc = avs_journal_load_keyed(&chk, &recs, &n, path, have_key ? key : NULL);
    avs_os_secure_zero(key, sizeof key);
    if (rc) {
        if (rc == AVS_ENOENT)
            fprintf(err, "avswap evidence verify: no journal at %s\n", path);
        else
            fprintf(err, "avswap evidence verify: cannot read the journal %s: %s\n", path,
                    avs_strerror(rc));
        goto done;
    }
    if (chk.status != AVS_JOURNAL_INTACT) {
        fprintf(out, "Journal NOT intact: line %zu %s: %s (%zu record(s) before it verified)\n",
                chk.bad_line,
                chk.status == AVS_JOURNAL_TORN ? "is torn" : "is the first bad record", chk.why,
                chk.records);
    } else if (chk.keyed && chk.macs_checked) {
        fprintf(out,
                "Journal intact: %zu record(s), chain and HMACs verified (keyed); last record "
                "seq %" PRId64 ", SHA-256 %s\n",
                chk.records, chk.last_seq, chk.last_hash);
        code = AVS_EXIT_OK;
    } else if (chk.keyed) {
        fprintf(out,
                "Journal chain intact (%zu record(s)), but its HMACs could not be checked: "
                "this computer's evidence key %s (%s)\n",
                chk.records, key_why == AVS_ENOENT ? "is missing" : "does not open",
                avs_strerror(key_why));
    } else if (chk.records && have_key && !journal) {
        /* Every journal started since the key exists is keyed: an unkeyed one in its place
         * is a keyed journal replaced by a rewrite (the MACs stripped). */
        fprintf(out,
                "Journal NOT trusted: it is unkeyed (older format) but this computer has an "
                "evidence key, so the keyed journal was replaced (%zu record(s))\n",
                chk.records);
    } else if (chk.records) {
        fprintf(out,
                "Journal intact, unkeyed (older format): %zu record(s), SHA-256 chain verified "
                "but no HMACs, so the chain alone does not show who wrote them; last record seq "
                "%" PRId64 ", SHA-256 %s\n",
                chk.records, chk.last_seq, chk.last_hash);
        code = AVS_EXIT_OK;
    } else {
        fprintf(out, "Journal intact: 0 record(s)\n");
        code = AVS_EXIT_OK;
    }
    if (events) {
        int ecode = check_events(out, err, recs, n, events);
        if (ecode != AVS_EXIT_OK)
            code = ecode;
    }
done:
    avs_journal_recs_free(recs, n);
    free(path);
    return code;
}

int avs_cmd_evidence(int argc, char **argv, FILE *out, FILE *err)
{
    struct avs_journal_check chk;
    char *path = NULL;
    int code = AVS_EXIT_FAILED;

    if (argc >= 1 && strcmp(argv[0], "verify") == 0)
        return verify(argc - 1, argv + 1, out, err);
    if (argc != 2 || strcmp(argv[0], "export") != 0) {
        fputs("avswap evidence: expected 'verify' or 'export FILE'\n"
              "Try 'avswap --help' for the list of commands and options.\n",
              err);
        return AVS_EXIT_USAGE;
    }
    if (!(path = avs_cli_journal_path()))
        return AVS_EXIT_FAILED;
    memset(&chk, 0, sizeof chk);
    int rc = avs_journal_export(&chk, path, argv[1]);
    if (rc) {
        if (rc == AVS_ENOENT)
            fprintf(err, "avswap evidence export: no journal at %s\n", path);
        else
            fprintf(err, "avswap evidence export: cannot read the journal %s: %s\n", path,
                    avs_strerror(rc));
        goto done;
    }
    fprintf(out, "Exported %zu verified record(s) to %s (gzip-compressed JSON lines)\n",
            chk.records, argv[1]);
    if (chk.status == AVS_JOURNAL_INTACT)
        fprintf(out,
                "Journal intact: %zu record(s), chain verified; last record seq %" PRId64
                ", SHA-256 %s\n",
                chk.records, chk.last_seq, chk.last_hash);
    else
        fprintf(out, "Journal NOT intact: line %zu %s: %s (%zu record(s) before it verified)\n",
                chk.bad_line,
                chk.status == AVS_JOURNAL_TORN ? "is torn" : "is the first bad record", chk.why,
                chk.records);
    /* An export succeeded even so: the auditor gets what is there, damage included. */
    code = AVS_EXIT_OK;
done:
    free(path);
    return code;
}
