/* The effective policy in `avswap status`: each value and where it came from (flag, policy,
 * msi, default), and every value that was not used as written, so a helpdesk sees at once why
 * the service removed nothing. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "json.h"

struct row {
    const char *name;
    char text[24]; /* for values that are not strings */
    const char *value;
    enum avs_policy_source src;
};

/* The rows in the order of the policy table (core/policy.c). */
static size_t rows(struct row r[11], const struct avs_policy *p)
{
    size_t n = 0;
    r[n] = (struct row){AVS_PV_MODE, "", avs_policy_mode_name(p->mode), p->mode_src}, n++;
    r[n] = (struct row){AVS_PV_REPLACEMENT_PATH, "", p->replacement_path, p->replacement_path_src},
    n++;
    r[n] = (struct row){AVS_PV_REPLACEMENT_SHA256, "", p->replacement_sha256,
                        p->replacement_sha256_src},
    n++;
    r[n] = (struct row){AVS_PV_REPLACEMENT_ARGS, "", p->replacement_args, p->replacement_args_src},
    n++;
    r[n] = (struct row){AVS_PV_RANDOM_DELAY, "", NULL, p->random_delay_src};
    snprintf(r[n].text, sizeof r[n].text, "%u", (unsigned)p->random_delay_min);
    r[n].value = r[n].text, n++;
    r[n] = (struct row){AVS_PV_REBOOT_POLICY, "", avs_policy_reboot_name(p->reboot), p->reboot_src},
    n++;
    r[n] = (struct row){AVS_PV_MAINTENANCE_WINDOW, "", NULL, p->window_src};
    avs_window_format(r[n].text, &p->window);
    r[n].value = r[n].text, n++;
    r[n] = (struct row){AVS_PV_CATALOG_PATH, "", p->catalog_path, p->catalog_path_src}, n++;
    r[n] = (struct row){AVS_PV_CATALOG_SHA256, "", p->catalog_sha256, p->catalog_sha256_src}, n++;
    r[n] = (struct row){AVS_PV_PASSWORD_FILE, "", p->password_file, p->password_file_src}, n++;
    r[n] = (struct row){AVS_PV_UNINSTALL_LOGIN, "", p->login, p->login_src}, n++;
    return n;
}

static const char *mode_meaning(const struct avs_policy *p)
{
    return p->mode == AVS_MODE_ENFORCE
               ? "the service removes prohibited products and installs the replacement"
               : "the service only reports; it removes nothing (avswap remediate by hand still "
                 "acts)";
}

void avs_report_policy_text(FILE *out, const struct avs_policy *p, const char *password)
{
    struct row r[11];
    size_t n = rows(r, p);
    fprintf(out, "Policy: mode %s - %s\n", avs_policy_mode_name(p->mode), mode_meaning(p));
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "  %-19s ", r[i].name);
        avs_report_put_safe(out, r[i].value ? r[i].value : "(not set)");
        fprintf(out, "  [%s]\n", avs_policy_source_name(r[i].src));
    }
    fprintf(out, "  %-19s %s\n", "Uninstall password", password);
    for (size_t i = 0; i < p->n_problems; i++) {
        const struct avs_policy_problem *x = &p->problems[i];
        fputs("  Not used: ", out);
        avs_report_put_safe(out, x->value);
        fputs(" in ", out);
        avs_report_put_safe(out, x->where);
        fputs(": ", out);
        avs_report_put_safe(out, x->what);
        fputs("; used ", out);
        avs_report_put_safe(out, x->used);
        fputc('\n', out);
    }
}

void avs_report_policy_json(struct avs_json *j, const struct avs_policy *p, const char *password)
{
    struct row r[11];
    size_t n = rows(r, p);
    avs_json_key(j, "policy");
    avs_json_object_begin(j);
    avs_json_kv_string(j, "effective_mode", avs_policy_mode_name(p->mode));
    avs_json_key(j, "values");
    avs_json_object_begin(j);
    for (size_t i = 0; i < n; i++) {
        avs_json_key(j, r[i].name);
        avs_json_object_begin(j);
        avs_json_kv_string(j, "value", r[i].value);
        avs_json_kv_string(j, "source", avs_policy_source_name(r[i].src));
        avs_json_object_end(j);
    }
    avs_json_object_end(j);
    avs_json_kv_string(j, "uninstall_password", password);
    avs_json_key(j, "problems");
    avs_json_array_begin(j);
    for (size_t i = 0; i < p->n_problems; i++) {
        const struct avs_policy_problem *x = &p->problems[i];
        avs_json_object_begin(j);
        avs_json_kv_int(j, "event_id", x->event_id & 0xffff);
        avs_json_kv_string(j, "value", x->value);
        avs_json_kv_string(j, "key", x->where);
        avs_json_kv_string(j, "problem", x->what);
        avs_json_kv_string(j, "used_instead", x->used);
        avs_json_object_end(j);
    }
    avs_json_array_end(j);
    avs_json_object_end(j);
}
