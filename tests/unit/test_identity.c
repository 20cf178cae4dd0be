/* Identity comes from the authority (docs/SECURITY.md, attacks 1 and 6): which Uninstall entries,
 * Windows Installer products and services become findings, and which are only reported.
 *
 * One table of machines: each row stages a fake machine and says what detection must make of
 * it (findings, their removal method and product code, the note and its event). Then the
 * remediation's last check, which never removes an approved product or the replacement. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "avs_messages.h"
#include "exitcode.h"
#include "fake_fs.h"
#include "fake_os.h"
#include "fake_remediate.h"
#include "remediate.h"
#include "remediate_int.h"
#include "scan.h"
#include "self.h"
#include "sha256.h"

#define ME "S-1-5-21-1111-2222-3333-1001"
#define OTHER "S-1-5-21-1111-2222-3333-1002"
#define CONTOSO "{C0A7050A-5E1F-4C3B-9D2E-00000000A501}"
#define KAV "{1DE70001-0000-4000-8000-00000000CAFE}"
#define SELF "{1DE70002-0000-4000-8000-00000000CAFE}"
#define USER_KEY(sid, name) sid "\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\" name
#define SERVICES "SYSTEM\\CurrentControlSet\\Services\\"
#define KPM_EXE "C:\\Users\\me\\AppData\\Local\\Programs\\KPM\\kpmuninst.exe"

static struct avs_catalog cat;
static struct avs_scan scan;

static void setup(void)
{
    struct avs_buf err = AVS_BUF_INIT;
    fake_os_reset();
    fake_fs_reset();
    memset(&cat, 0, sizeof cat);
    memset(&scan, 0, sizeof scan);
    cr_assert_eq(avs_catalog_load_builtin(&cat, &err), 0);
    /* The approved product the attacks aim at: Contoso Antivirus (service ContosoAV). */
    const char *site = "[approved contoso]\nname = Contoso Antivirus\nservice = ContosoAV\n"
                       "match = Contoso Antivirus*\n";
    cr_assert_eq(avs_catalog_parse(&cat, site, strlen(site), "site.txt", &err), 0);
    avs_buf_free(&err);
}

static void teardown(void)
{
    avs_scan_free(&scan);
    avs_catalog_free(&cat);
    cr_expect_eq(fake_reg_open_handles(), 0, "registry handles leaked");
    fake_os_reset();
}

/* ---- the stagings ---- */

static void contoso_installed(void)
{
    fake_uninstall_add(AVS_VIEW_64, NULL, CONTOSO, "Contoso Antivirus", "5.1.0", "Contoso Ltd", 1);
    fake_msi_add(CONTOSO, NULL, AVS_MSI_MACHINE, "Contoso Antivirus", "5.1.0", "Contoso Ltd");
    fake_service_add("ContosoAV", "Contoso Antivirus Service", 0, AVS_SVC_RUNNING);
}

static void user_entry_names_approved_code(void)
{
    contoso_installed();
    fake_uninstall_add(AVS_VIEW_64, ME, CONTOSO, "Kaspersky Anti-Virus", "21.3", "AO Kaspersky Lab",
                       1);
}

static void machine_entry_names_approved_code(void)
{
    contoso_installed();
    fake_uninstall_add(AVS_VIEW_32, NULL, CONTOSO, "Kaspersky Anti-Virus", "21.3",
                       "AO Kaspersky Lab", 1);
}

static void user_entry_names_other_users_product(void)
{
    fake_msi_add(KAV, OTHER, AVS_MSI_USER_UNMANAGED, "Kaspersky Anti-Virus", "21.3",
                 "AO Kaspersky Lab");
    fake_uninstall_add(AVS_VIEW_64, ME, KAV, "Kaspersky Anti-Virus", "21.3", "AO Kaspersky Lab", 1);
}

static void user_entry_names_own_product(void)
{
    fake_msi_add(KAV, ME, AVS_MSI_USER_UNMANAGED, "Kaspersky Anti-Virus", "21.3",
                 "AO Kaspersky Lab");
    fake_uninstall_add(AVS_VIEW_64, ME, KAV, "Kaspersky Anti-Virus", "21.3", "AO Kaspersky Lab", 1);
}

static void machine_entry_code_unknown_to_msi(void)
{
    fake_uninstall_add(AVS_VIEW_64, NULL, KAV, "Kaspersky Anti-Virus", "21.3", "AO Kaspersky Lab",
                       1);
    fake_reg_set_sz(AVS_HKLM, AVS_VIEW_64, FAKE_UNINSTALL "\\" KAV, "UninstallString",
                    "\"C:\\Program Files\\Kaspersky Lab\\avpuninst.exe\"");
}

static void user_entry_with_nothing_behind(void)
{
    fake_uninstall_add(AVS_VIEW_64, ME, "KasperskyGhost", "Kaspersky Total Security", "21.3",
                       "AO Kaspersky Lab", 0);
    fake_reg_set_sz(AVS_HKU, AVS_VIEW_64, USER_KEY(ME, "KasperskyGhost"), "UninstallString",
                    "\"C:\\Users\\me\\nowhere\\uninst.exe\"");
}

static void user_entry_code_unknown_to_msi(void)
{
    fake_uninstall_add(AVS_VIEW_64, ME, KAV, "Kaspersky Anti-Virus", "21.3", "AO Kaspersky Lab", 1);
}

static void user_entry_pointing_into_windows(void)
{
    fake_uninstall_add(AVS_VIEW_64, ME, "KasperskyNotepad", "Kaspersky Total Security", "21.3",
                       "AO Kaspersky Lab", 0);
    fake_reg_set_sz(AVS_HKU, AVS_VIEW_64, USER_KEY(ME, "KasperskyNotepad"), "UninstallString",
                    "C:\\Windows\\System32\\notepad.exe");
    fake_path_file("C:\\Windows\\System32\\notepad.exe", 1000);
}

static void user_entry_with_program(void)
{
    fake_uninstall_add(AVS_VIEW_64, ME, "KPM", "Kaspersky Password Manager", "9.0",
                       "AO Kaspersky Lab", 0);
    fake_reg_set_sz(AVS_HKU, AVS_VIEW_64, USER_KEY(ME, "KPM"), "UninstallString",
                    "\"" KPM_EXE "\" /x");
    fake_path_file(KPM_EXE, 1000);
}

static void user_entry_and_a_driver(void)
{
    user_entry_with_nothing_behind();
    fake_service_add("klif", NULL, 1, AVS_SVC_RUNNING);
}

static void kaspersky_published_as_avswap(void)
{
    fake_uninstall_add(AVS_VIEW_64, NULL, "KasperskySafeKids", "Kaspersky Safe Kids", "1.0",
                       "AvSwap", 0);
}

static void kaspersky_msi_with_avswap_upgrade_code_machine(void)
{
    fake_msi_add(SELF, NULL, AVS_MSI_MACHINE, "Kaspersky Anti-Virus", "1.0", "AvSwap");
    fake_msi_related(AVS_SELF_UPGRADE_CODE, SELF);
}

static void kaspersky_msi_with_avswap_upgrade_code_per_user(void)
{
    fake_msi_add(SELF, ME, AVS_MSI_USER_UNMANAGED, "Kaspersky Anti-Virus", "1.0", "AvSwap");
    fake_msi_related(AVS_SELF_UPGRADE_CODE, SELF);
}

static void avswap_named_msi_without_upgrade_code(void)
{
    /* Named and published "AvSwap", but not AvSwap's UpgradeCode: a catalog match decides. */
    fake_msi_add(SELF, NULL, AVS_MSI_MACHINE, "AvSwap Kaspersky Free", "1.0", "AvSwap");
}

static void driver_registered_not_loaded(void)
{
    fake_reg_set_dword(AVS_HKLM, AVS_VIEW_64, SERVICES "klbackupflt", "Type", 1);
    fake_reg_set_dword(AVS_HKLM, AVS_VIEW_64, SERVICES "klbackupflt", "Start", 3);
}

static void service_registered_not_loaded(void)
{
    fake_reg_set_dword(AVS_HKLM, AVS_VIEW_64, SERVICES "AVP30.0", "Type", 0x10);
    fake_reg_set_sz(AVS_HKLM, AVS_VIEW_64, SERVICES "AVP30.0", "DisplayName", "Kaspersky Service");
    /* Configuration keys without a Type are not services. */
    fake_reg_set_dword(AVS_HKLM, AVS_VIEW_64, SERVICES "klif", "Start", 3);
}

static void kaspersky_msi_named_as_approved(void)
{
    /* "Kaspersky *" (fallback) and "Contoso Antivirus*" (approved) both match. */
    fake_msi_add(KAV, NULL, AVS_MSI_MACHINE, "Contoso Antivirus for Kaspersky", "1.0",
                 "AO Kaspersky Lab");
}

TestSuite(identity, .init = setup, .fini = teardown);

/* ---- the table ---- */

struct identity_case {
    const char *what;
    void (*stage)(void);
    size_t findings;          /* how many */
    const char *name;         /* of the first finding, or NULL */
    enum avs_uninstall how;   /* of the first finding */
    const char *code;         /* of the first finding: "" none */
    uint32_t note_event;      /* a note reported by this event, or 0: no such note */
    const char *note_problem; /* part of its text */
};

static struct identity_case cases[] = {
    {"user entry named with the approved product's code", user_entry_names_approved_code, 0, NULL,
     AVS_UNINSTALL_NONE, "", AVS_EV_ENTRY_NOT_TRUSTED, "per-user entry designates only"},
    {"machine entry named with the approved product's code", machine_entry_names_approved_code, 0,
     NULL, AVS_UNINSTALL_NONE, "", AVS_EV_ENTRY_NOT_TRUSTED, "as 'Contoso Antivirus'"},
    {"user entry named with another user's product code", user_entry_names_other_users_product, 1,
     "Kaspersky Anti-Virus", AVS_UNINSTALL_MSI, KAV, AVS_EV_ENTRY_NOT_TRUSTED, "for another user"},
    {"user entry of the user's own MSI product", user_entry_names_own_product, 1,
     "Kaspersky Anti-Virus", AVS_UNINSTALL_MSI, KAV, 0, NULL},
    {"machine entry whose code Windows Installer does not know", machine_entry_code_unknown_to_msi,
     1, "Kaspersky Anti-Virus", AVS_UNINSTALL_EXE, "", 0, NULL},
    {"user entry with nothing behind it", user_entry_with_nothing_behind, 0, NULL,
     AVS_UNINSTALL_NONE, "", AVS_EV_USER_ENTRY_EMPTY, "nothing is installed behind"},
    {"user entry named with a code Windows Installer does not know", user_entry_code_unknown_to_msi,
     0, NULL, AVS_UNINSTALL_NONE, "", AVS_EV_USER_ENTRY_EMPTY, "no Windows Installer record"},
    {"user entry pointing at a program of Windows", user_entry_pointing_into_windows, 0, NULL,
     AVS_UNINSTALL_NONE, "", AVS_EV_USER_ENTRY_EMPTY, "no program file"},
    {"user entry with its program on disk", user_entry_with_program, 1,
     "Kaspersky Password Manager", AVS_UNINSTALL_EXE, "", 0, NULL},
    {"user entry with a Kaspersky driver on the machine", user_entry_and_a_driver, 1,
     "Kaspersky Total Security", AVS_UNINSTALL_EXE, "", 0, NULL},
    {"Kaspersky product published as AvSwap", kaspersky_published_as_avswap, 1,
     "Kaspersky Safe Kids", AVS_UNINSTALL_NONE, "", 0, NULL},
    {"AvSwap's UpgradeCode, per-machine", kaspersky_msi_with_avswap_upgrade_code_machine, 0, NULL,
     AVS_UNINSTALL_NONE, "", 0, NULL},
    {"AvSwap's UpgradeCode, per-user (anyone's package)",
     kaspersky_msi_with_avswap_upgrade_code_per_user, 1, "Kaspersky Anti-Virus", AVS_UNINSTALL_MSI,
     SELF, 0, NULL},
    {"named AvSwap without AvSwap's UpgradeCode", avswap_named_msi_without_upgrade_code, 0, NULL,
     AVS_UNINSTALL_NONE, "", 0, NULL},
    {"driver registered since the last boot", driver_registered_not_loaded, 1, AVS_REMNANT_NAME,
     AVS_UNINSTALL_NONE, "", 0, NULL},
    {"service registered since the last boot", service_registered_not_loaded, 1, AVS_REMNANT_NAME,
     AVS_UNINSTALL_NONE, "", 0, NULL},
    {"MSI product matching an approved product too", kaspersky_msi_named_as_approved, 0, NULL,
     AVS_UNINSTALL_NONE, "", AVS_EV_APPROVED_NOT_FINDING, "approved product"},
};

/* Criterion passes parameters to another process, where pointers into this one mean nothing:
 * the table is walked here, on a fresh machine per row. */
static void check_case(const struct identity_case *c);

Test(identity, detection_table)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (i) {
            teardown();
            setup();
        }
        check_case(&cases[i]);
    }
}

static void check_case(const struct identity_case *c)
{
    avs_scan_free(&scan);
    c->stage();
    cr_assert_eq(avs_scan_run(&scan, &cat, "built-in"), 0);
    cr_assert_eq(scan.det.n_findings, c->findings, "%s: %zu finding(s), first %s", c->what,
                 scan.det.n_findings, scan.det.n_findings ? scan.det.findings[0].name : "-");
    cr_expect_eq(avs_scan_compliant(&scan), c->findings == 0, "%s: compliance", c->what);
    if (c->findings) {
        const struct avs_finding *f = &scan.det.findings[0];
        cr_expect_str_eq(f->name, c->name, "%s", c->what);
        cr_expect_eq(f->uninstall, c->how, "%s: removal method %s", c->what,
                     avs_uninstall_name(f->uninstall));
        cr_expect_str_eq(f->product_code, c->code, "%s: product code", c->what);
    }
    int noted = 0;
    for (size_t i = 0; i < scan.inv.n_notes; i++) {
        const struct avs_note *n = &scan.inv.notes[i];
        if (c->note_event && n->event == c->note_event && strstr(n->problem, c->note_problem))
            noted = 1;
        cr_expect(c->note_event || !n->event, "%s: unexpected note: %s", c->what, n->problem);
    }
    if (c->note_event) {
        cr_expect(noted, "%s: no note by event %u saying '%s'", c->what,
                  (unsigned)(c->note_event & 0xffffu), c->note_problem);
        cr_expect_eq(fake_events_with_id(c->note_event), 1, "%s: its event", c->what);
    }
}

Test(identity, refused_entry_event_names_the_entry_the_key_and_why)
{
    user_entry_names_approved_code();
    cr_assert_eq(avs_scan_run(&scan, &cat, "built-in"), 0);
    const struct fake_event *e = fake_event_find(AVS_EV_ENTRY_NOT_TRUSTED);
    cr_assert_not_null(e);
    cr_assert_eq(e->count, 3);
    cr_expect_str_eq(e->strings[0], "HKU\\" USER_KEY(ME, CONTOSO));
    cr_expect_str_eq(e->strings[1], "Kaspersky Anti-Virus");
    cr_expect(strstr(e->strings[2], CONTOSO) && strstr(e->strings[2], "not acted on"), "%s",
              e->strings[2]);
    cr_expect_eq(fake_events_with_id(AVS_EV_SCAN_COMPLIANT), 1);
}

Test(identity, unloaded_driver_is_merged_by_name_with_its_state)
{
    driver_registered_not_loaded();
    fake_service_add("WinDefend", NULL, 0, AVS_SVC_STOPPED);
    /* Listed by the SCM and present in the registry: one service, the SCM's state. */
    fake_reg_set_dword(AVS_HKLM, AVS_VIEW_64, SERVICES "windefend", "Type", 0x10);
    cr_assert_eq(avs_scan_run(&scan, &cat, "built-in"), 0);
    cr_assert_eq(scan.inv.n_services, 2);
    cr_expect_str_eq(scan.inv.services[0].name, "WinDefend");
    cr_expect_eq(scan.inv.services[0].state, AVS_SVC_STOPPED);
    cr_expect_str_eq(scan.inv.services[1].name, "klbackupflt");
    cr_expect_eq(scan.inv.services[1].state, AVS_SVC_NOT_LOADED);
    cr_expect(scan.inv.services[1].is_driver);
    cr_expect_str_eq(avs_svc_state_name(AVS_SVC_NOT_LOADED), "not loaded");
    const struct avs_finding *f = &scan.det.findings[0];
    cr_assert_eq(f->n_signals, 1);
    cr_expect_str_eq(f->signals[0], "driver:klbackupflt");
}

Test(identity, unreadable_services_key_makes_the_scan_incomplete)
{
    fake_reg_key(AVS_HKLM, AVS_VIEW_64, "SYSTEM\\CurrentControlSet\\Services");
    fake_reg_fail_open(AVS_HKLM, AVS_VIEW_64, "SYSTEM\\CurrentControlSet\\Services", AVS_EACCES);
    cr_assert_eq(avs_scan_run(&scan, &cat, "built-in"), 0);
    cr_expect_eq(scan.inv.sources[AVS_SRC_SERVICES].err, AVS_EACCES);
    cr_expect(scan.incomplete);
}

Test(identity, approved_service_matched_by_a_component_pattern_is_approved_only)
{
    const char *broad = "[component Contoso*]\nkind = service\nrole = protection\n";
    struct avs_buf err = AVS_BUF_INIT;
    cr_assert_eq(avs_catalog_parse(&cat, broad, strlen(broad), "broad.txt", &err), 0);
    avs_buf_free(&err);
    fake_service_add("ContosoAV", NULL, 0, AVS_SVC_RUNNING);
    cr_assert_eq(avs_scan_run(&scan, &cat, "built-in"), 0);
    cr_expect_eq(scan.det.n_findings, 0);
    cr_assert_eq(scan.det.n_approved, 1);
    cr_expect_str_eq(scan.det.approved[0].name, "Contoso Antivirus");
    cr_expect_eq(fake_events_with_id(AVS_EV_APPROVED_NOT_FINDING), 1);
}

/* ---- the last check at removal time ---- */

static struct avs_remediate_result res;
static struct avs_remediate_opts opts;

static void rem_setup(void)
{
    setup();
    memset(&res, 0, sizeof res);
    memset(&opts, 0, sizeof opts);
    opts.catalog = &cat;
    opts.catalog_desc = "built-in";
    opts.busy_timeout_ms = 5000;
}

static void rem_teardown(void)
{
    avs_remediate_result_free(&res);
    teardown();
}

TestSuite(identity_guard, .init = rem_setup, .fini = rem_teardown);

static size_t uninstall_calls_for(const char *code)
{
    size_t n = 0;
    for (size_t i = 0; i < fake_msi_uninstall_calls(); i++)
        n += strcmp(fake_msi_uninstall_call(i)->code, code) == 0;
    return n;
}

/* A catalog entry broad enough to prohibit the replacement's own product code: whatever put it
 * in the plan, the replacement is not removed. */
Test(identity_guard, the_replacement_is_never_removed)
{
    char hex[65];
    uint8_t d[32];
    const char *bytes = "contoso package";
    const char *coexist = "[approved contoso]\nname = Contoso Antivirus\nservice = ContosoAV\n"
                          "match = Contoso Antivirus*\ncoexist = yes\n"
                          "[product everything]\nname = Everything\nmatch = *Suite*\n"
                          "role = protection\npriority = 5\n";
    struct avs_buf err = AVS_BUF_INIT;
    cr_assert_eq(avs_catalog_parse(&cat, coexist, strlen(coexist), "site.txt", &err), 0, "%s",
                 err.data ? err.data : "");
    avs_buf_free(&err);
    fake_fs_put("C:\\pkg\\contoso.msi", bytes, strlen(bytes));
    avs_sha256(d, bytes, strlen(bytes));
    avs_sha256_hex(hex, d);
    fake_msi_package("C:\\ProgramData\\AvSwap\\staging\\replacement.msi", CONTOSO,
                     "Contoso Antivirus", "ContosoAV");
    /* Installed under a name the broad pattern matches and no approved entry names. */
    fake_msi_add(CONTOSO, NULL, AVS_MSI_MACHINE, "Contoso Security Suite", "5.1.0", "Contoso Ltd");
    fake_service_add("ContosoAV", NULL, 0, AVS_SVC_RUNNING);
    opts.replacement = "C:\\pkg\\contoso.msi";
    opts.sha256_hex = hex;
    cr_assert_eq(avs_remediate(&res, &opts), 0);
    cr_expect_eq(uninstall_calls_for(CONTOSO), 0, "the replacement was removed");
    cr_expect_eq(res.n_removed, 0);
    const struct fake_event *e = fake_event_find(AVS_EV_APPROVED_KEPT);
    cr_assert_not_null(e, "no event 3010");
    cr_expect(strstr(e->strings[3], "replacement") != NULL, "%s", e->strings[3]);
    cr_expect_eq(res.exit_code, AVS_EXIT_FAILED, "an administrator must look at the catalog");
}

/* The check itself, on findings detection would not produce (it refuses them with 2022): the
 * remediation holds the rule on its own, whatever a catalog or the machine's records say. */
struct guard_case {
    const char *what;
    const char *code;   /* the finding's product code ("" none) */
    const char *name;   /* the finding's name */
    const char *signal; /* one signal, or NULL */
    const char *msi;    /* Windows Installer's name for the finding's code, or NULL */
    const char *repl;   /* the replacement's product code, or NULL */
    int guarded;
    const char *why; /* part of the reason */
};

static struct guard_case guard_cases[] = {
    {"replacement by product code", CONTOSO, "Kaspersky Anti-Virus", NULL, NULL,
     "{c0a7050a-5e1f-4c3b-9d2e-00000000a501}", 1, "the replacement"},
    {"approved by its name", "", "Contoso Antivirus 5", NULL, NULL, NULL, 1, "its name"},
    {"approved by Windows Installer's name", KAV, "Kaspersky Anti-Virus", NULL, "Contoso Antivirus",
     NULL, 1, "Windows Installer's name"},
    {"approved by its service", "", "Kaspersky Anti-Virus", "service:ContosoAV", NULL, NULL, 1,
     "service ContosoAV"},
    {"a prohibited product", KAV, "Kaspersky Anti-Virus", "service:AVP21.3", "Kaspersky Anti-Virus",
     CONTOSO, 0, ""},
};

static void check_guard(const struct guard_case *g);

Test(identity_guard, approved_products_are_never_removed)
{
    for (size_t i = 0; i < sizeof guard_cases / sizeof guard_cases[0]; i++) {
        fake_os_reset();
        check_guard(&guard_cases[i]);
    }
}

static void check_guard(const struct guard_case *g)
{
    struct rctx c;
    struct avs_finding f;
    char *sig = (char *)g->signal;
    char why[300];
    memset(&c, 0, sizeof c);
    memset(&f, 0, sizeof f);
    c.o = &opts;
    c.r = &res;
    c.repl_code = (char *)g->repl;
    if (g->msi) {
        fake_msi_add(g->code, NULL, AVS_MSI_MACHINE, g->msi, "1.0", "Contoso Ltd");
        cr_assert_eq(avs_inventory_collect(&c.scan.inv, &cat), 0);
        c.have_scan = 1;
    }
    snprintf(f.product_code, sizeof f.product_code, "%s", g->code);
    f.name = (char *)g->name;
    f.catalog_id = "kav";
    f.signals = sig ? &sig : NULL;
    f.n_signals = sig ? 1 : 0;
    f.uninstall = AVS_UNINSTALL_MSI;
    cr_expect_eq(avs_rem_guarded(&c, &f, why, sizeof why), g->guarded, "%s: %s", g->what, why);
    cr_expect(strstr(why, g->why) != NULL, "%s: reason '%s'", g->what, why);
    const char *w = NULL;
    cr_expect_eq(avs_rem_removable(&c, &f, &w), !g->guarded, "%s: removable", g->what);
    if (c.have_scan)
        avs_inventory_free(&c.scan.inv);
}
