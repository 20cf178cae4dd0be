/* `avswap scan --json`: one JSON object, the contract README.md documents. */
#include <stdlib.h>

#include "avs_version.h"
#include "commands.h"
#include "json.h"

static void finding(struct avs_json *j, const struct avs_finding *f)
{
    avs_json_object_begin(j);
    avs_json_kv_string(j, "name", f->name);
    avs_json_kv_string(j, "version", f->version);
    avs_json_kv_string(j, "publisher", f->publisher);
    avs_json_kv_string(j, "product_code", f->product_code[0] ? f->product_code : NULL);
    avs_json_kv_string(j, "arch", avs_arch_name(f->arch));
    avs_json_kv_string(j, "scope", f->user_sid ? "user" : "machine");
    avs_json_kv_string(j, "user_sid", f->user_sid);
    avs_json_kv_string(j, "uninstall", avs_uninstall_name(f->uninstall));
    avs_json_kv_string(j, "catalog_id", f->catalog_id);
    avs_json_kv_string(j, "role", avs_role_name(f->role));
    avs_json_kv_int(j, "priority", f->priority);
    avs_json_kv_string(j, "key", f->key);
    avs_json_key(j, "signals");
    avs_json_array_begin(j);
    for (size_t i = 0; i < f->n_signals; i++)
        avs_json_string(j, f->signals[i]);
    avs_json_array_end(j);
    avs_json_object_end(j);
}

int avs_report_scan_json(FILE *out, const struct avs_scan *s, int exit_code)
{
    struct avs_buf b = AVS_BUF_INIT;
    struct avs_json j;
    avs_json_init(&j, &b);

    avs_json_object_begin(&j);
    avs_json_kv_string(&j, "avswap_version", AVS_VERSION);
    avs_json_kv_string(&j, "host", s->who.host);
    avs_json_kv_string(&j, "user", s->who.user);
    avs_json_kv_bool(&j, "compliant", avs_scan_compliant(s));
    avs_json_key(&j, "findings");
    avs_json_array_begin(&j);
    for (size_t i = 0; i < s->det.n_findings; i++)
        finding(&j, &s->det.findings[i]);
    avs_json_array_end(&j);

    avs_json_key(&j, "approved");
    avs_json_array_begin(&j);
    for (size_t i = 0; i < s->det.n_approved; i++) {
        avs_json_object_begin(&j);
        avs_json_kv_string(&j, "name", s->det.approved[i].name);
        avs_json_kv_string(&j, "state", s->det.approved[i].state);
        avs_json_kv_string(&j, "source", s->det.approved[i].source);
        avs_json_object_end(&j);
    }
    avs_json_array_end(&j);

    avs_json_key(&j, "sources");
    avs_json_object_begin(&j);
    for (int i = 0; i < AVS_SRC_COUNT; i++) {
        char *st = avs_scan_source_state(s, (enum avs_source_id)i);
        if (!st)
            b.err = AVS_ENOMEM;
        avs_json_kv_string(&j, avs_source_name((enum avs_source_id)i), st ? st : "");
        free(st);
    }
    avs_json_object_end(&j);

    /* Reported only: what AppLocker would do to the vendor's code from now on. */
    avs_json_kv_string(&j, "applocker", avs_applocker_level_name(s->inv.applocker.level));
    avs_json_kv_string(&j, "applocker_detail", s->inv.applocker.detail);

    avs_json_key(&j, "notes");
    avs_json_array_begin(&j);
    for (size_t i = 0; i < s->inv.n_notes; i++) {
        avs_json_object_begin(&j);
        avs_json_kv_string(&j, "key", s->inv.notes[i].key);
        avs_json_kv_string(&j, "value", s->inv.notes[i].value);
        avs_json_kv_string(&j, "problem", s->inv.notes[i].problem);
        avs_json_object_end(&j);
    }
    avs_json_array_end(&j);
    avs_json_kv_int(&j, "exit_code", exit_code);
    avs_json_object_end(&j);
    avs_buf_putc(&b, '\n');

    int rc = b.err;
    if (!rc)
        fwrite(b.data, 1, b.len, out);
    avs_buf_free(&b);
    return rc;
}
