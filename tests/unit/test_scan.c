/* Detection end to end on the fake machine: inventory, merging, decoys, malformed data, sources
 * and the events an auditor reads. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "avs_messages.h"
#include "fake_os.h"
#include "scan.h"
#include "self.h"

#define KES_CODE "{5A9E0F2C-1B3D-4E5F-8A7B-0C1D2E3F4A5B}"
#define AGENT_CODE "{11111111-2222-3333-4444-555555555555}"
#define USER_SID "S-1-5-21-1111-2222-3333-1001"

static struct avs_catalog cat;
static struct avs_scan scan;

static void setup(void)
{
    struct avs_buf err = AVS_BUF_INIT;
    fake_os_reset();
    memset(&cat, 0, sizeof cat);
    memset(&scan, 0, sizeof scan);
    cr_assert_eq(avs_catalog_load_builtin(&cat, &err), 0);
    avs_buf_free(&err);
}

static void teardown(void)
{
    avs_scan_free(&scan);
    avs_catalog_free(&cat);
    cr_expect_eq(fake_reg_open_handles(), 0, "registry handles leaked");
    fake_os_reset();
}

TestSuite(scan, .init = setup, .fini = teardown);

/* A typical managed endpoint: KES (64-bit MSI) with its service, driver and registry root, the
 * Network Agent (32-bit MSI), Kaspersky Free (EXE uninstaller, 32-bit), a per-user Password
 * Manager, and three programs that must never be findings. */
static void typical_endpoint(void)
{
    fake_uninstall_add(AVS_VIEW_64, NULL, "{5a9e0f2c-1b3d-4e5f-8a7b-0c1d2e3f4a5b}",
                       "Kaspersky Endpoint Security for Windows", "12.3.0.493", "AO Kaspersky Lab",
                       1);
    fake_msi_add(KES_CODE, NULL, AVS_MSI_MACHINE, "Kaspersky Endpoint Security for Windows",
                 "12.3.0.493", "AO Kaspersky Lab");
    fake_service_add("AVP21.3", "Kaspersky Endpoint Security Service", 0, AVS_SVC_RUNNING);
    fake_service_add("klif", "Kaspersky Lab KLIF driver", 1, AVS_SVC_RUNNING);
    fake_reg_key(AVS_HKLM, AVS_VIEW_64, "SOFTWARE\\KasperskyLab\\protected");

    fake_uninstall_add(AVS_VIEW_32, NULL, AGENT_CODE, "Kaspersky Security Center Network Agent",
                       "14.0.0.10902", "AO Kaspersky Lab", 1);
    fake_msi_add(AGENT_CODE, NULL, AVS_MSI_MACHINE, "Kaspersky Security Center Network Agent",
                 "14.0.0.10902", "AO Kaspersky Lab");
    fake_service_add("klnagent", "Kaspersky Security Center Network Agent", 0, AVS_SVC_RUNNING);

    fake_uninstall_add(AVS_VIEW_32, NULL, "Kaspersky Free 21.3", "Kaspersky Free", "21.3.10.391",
                       "AO Kaspersky Lab", 0);
    fake_reg_set_sz(AVS_HKLM, AVS_VIEW_32, FAKE_UNINSTALL "\\Kaspersky Free 21.3",
                    "UninstallString",
                    "\"C:\\Program Files (x86)\\Kaspersky Lab\\Kaspersky Free 21.3\\avp.exe\" /x");

    fake_uninstall_add(AVS_VIEW_64, USER_SID, "KPM", "Kaspersky Password Manager", "9.0.2.1186",
                       "AO Kaspersky Lab", 0);

    fake_uninstall_add(AVS_VIEW_64, NULL, "KLiteCodecPack_is1", "K-Lite Codec Pack 17.9.5 Full",
                       "17.9.5", "KLCP", 0);
    fake_uninstall_add(AVS_VIEW_64, NULL, "KLayout", "KLayout 0.28.12", "0.28.12",
                       "Matthias K\xc3\xb6"
                       "fferlein",
                       0);
    fake_uninstall_add(AVS_VIEW_64, NULL, "{AAAAAAAA-AAAA-AAAA-AAAA-AAAAAAAAAAAA}", "AvSwap",
                       "0.1.0", "AvSwap", 1);
    fake_service_add("AvSwap", "AvSwap", 0, AVS_SVC_RUNNING);
    fake_service_add("WinDefend", "Microsoft Defender Antivirus Service", 0, AVS_SVC_STOPPED);
}

static void run(void)
{
    cr_assert_eq(avs_scan_run(&scan, &cat, "built-in"), 0);
}

static const struct avs_finding *finding(const char *name)
{
    for (size_t i = 0; i < scan.det.n_findings; i++)
        if (strcmp(scan.det.findings[i].name, name) == 0)
            return &scan.det.findings[i];
    return NULL;
}

static int has_signal(const struct avs_finding *f, const char *s)
{
    for (size_t i = 0; i < f->n_signals; i++)
        if (strcmp(f->signals[i], s) == 0)
            return 1;
    return 0;
}

static int has_note(const char *value, const char *problem_part)
{
    for (size_t i = 0; i < scan.inv.n_notes; i++)
        if (strcmp(scan.inv.notes[i].value, value) == 0 &&
            strstr(scan.inv.notes[i].problem, problem_part))
            return 1;
    return 0;
}

Test(scan, typical_endpoint_one_finding_per_product_in_removal_order)
{
    typical_endpoint();
    run();
    cr_assert_eq(scan.det.n_findings, 4);
    cr_expect_str_eq(scan.det.findings[0].name, "Kaspersky Endpoint Security for Windows");
    cr_expect_str_eq(scan.det.findings[1].name, "Kaspersky Free");
    cr_expect_str_eq(scan.det.findings[2].name, "Kaspersky Password Manager");
    cr_expect_str_eq(scan.det.findings[3].name, "Kaspersky Security Center Network Agent");
    cr_expect_not(avs_scan_compliant(&scan));
}

Test(scan, msi_product_merges_key_msi_service_driver_registry)
{
    typical_endpoint();
    run();
    const struct avs_finding *f = finding("Kaspersky Endpoint Security for Windows");
    cr_assert_not_null(f);
    cr_expect_str_eq(f->product_code, KES_CODE, "canonical upper-case code");
    cr_expect_eq(f->arch, AVS_ARCH_X64);
    cr_expect_null(f->user_sid);
    cr_expect_eq(f->uninstall, AVS_UNINSTALL_MSI);
    cr_expect_str_eq(f->version, "12.3.0.493");
    cr_expect_str_eq(f->catalog_id, "kes");
    cr_expect_eq(f->n_signals, 5);
    cr_expect(has_signal(f, "uninstall-key"));
    cr_expect(has_signal(f, "msi"));
    cr_expect(has_signal(f, "service:AVP21.3"));
    cr_expect(has_signal(f, "driver:klif"));
    cr_expect(has_signal(f, "registry:SOFTWARE\\KasperskyLab"));
}

Test(scan, agent_is_x86_and_owns_its_service)
{
    typical_endpoint();
    run();
    const struct avs_finding *f = finding("Kaspersky Security Center Network Agent");
    cr_assert_not_null(f);
    cr_expect_eq(f->arch, AVS_ARCH_X86);
    cr_expect_eq(f->role, AVS_ROLE_MANAGEMENT);
    cr_expect(has_signal(f, "service:klnagent"));
    cr_expect_not(has_signal(f, "service:AVP21.3"));
    cr_expect_str_eq(f->product_code, AGENT_CODE);
}

Test(scan, exe_product_and_per_user_product)
{
    typical_endpoint();
    run();
    const struct avs_finding *f = finding("Kaspersky Free");
    cr_assert_not_null(f);
    cr_expect_eq(f->uninstall, AVS_UNINSTALL_EXE);
    cr_expect_eq(f->arch, AVS_ARCH_X86);
    cr_expect_str_eq(f->product_code, "");
    cr_assert_not_null(f->uninstall_string);
    cr_expect(strstr(f->uninstall_string, "avp.exe") != NULL);

    f = finding("Kaspersky Password Manager");
    cr_assert_not_null(f);
    cr_assert_not_null(f->user_sid);
    cr_expect_str_eq(f->user_sid, USER_SID);
    cr_expect_eq(f->arch, AVS_ARCH_UNKNOWN);
    cr_expect_eq(f->uninstall, AVS_UNINSTALL_NONE, "no uninstall string was registered");
}

Test(scan, decoys_and_self_are_never_findings)
{
    typical_endpoint();
    run();
    cr_expect_null(finding("K-Lite Codec Pack 17.9.5 Full"));
    cr_expect_null(finding("KLayout 0.28.12"));
    cr_expect_null(finding("AvSwap"));
    for (size_t i = 0; i < scan.det.n_findings; i++)
        cr_expect_not(has_signal(&scan.det.findings[i], "service:AvSwap"));
}

Test(scan, approved_defender_from_its_service)
{
    typical_endpoint();
    run();
    cr_assert_eq(scan.det.n_approved, 1);
    cr_expect_str_eq(scan.det.approved[0].name, "Microsoft Defender Antivirus");
    cr_expect_str_eq(scan.det.approved[0].state, "stopped");
    cr_expect_str_eq(scan.det.approved[0].source, "service:WinDefend");
}

Test(scan, same_product_in_both_views_and_msi_is_one_finding)
{
    fake_uninstall_add(AVS_VIEW_64, NULL, KES_CODE, "Kaspersky Endpoint Security for Windows",
                       "12.3.0.493", "AO Kaspersky Lab", 1);
    fake_uninstall_add(AVS_VIEW_32, NULL, KES_CODE, "Kaspersky Endpoint Security for Windows",
                       "12.3.0.493", "AO Kaspersky Lab", 1);
    fake_msi_add("{5a9e0f2c-1b3d-4e5f-8a7b-0c1d2e3f4a5b}", NULL, AVS_MSI_MACHINE,
                 "Kaspersky Endpoint Security for Windows", "12.3.0.493", "AO Kaspersky Lab");
    run();
    cr_assert_eq(scan.det.n_findings, 1);
    cr_expect_eq(scan.det.findings[0].n_signals, 2, "uninstall-key once, msi once");
}

Test(scan, msi_only_product_is_found_through_the_msi_api)
{
    fake_msi_add(KES_CODE, USER_SID, AVS_MSI_USER_UNMANAGED, "Kaspersky Safe Kids", "1.0.5",
                 "AO Kaspersky Lab");
    run();
    cr_assert_eq(scan.det.n_findings, 1);
    const struct avs_finding *f = &scan.det.findings[0];
    cr_expect_eq(f->uninstall, AVS_UNINSTALL_MSI);
    cr_expect_str_eq(f->user_sid, USER_SID);
    cr_expect(has_signal(f, "msi"));
    cr_expect_not(has_signal(f, "uninstall-key"));
}

Test(scan, vendor_published_unlisted_product_uses_the_fallback)
{
    fake_uninstall_add(AVS_VIEW_64, NULL, "KRT", "Rescue Tool 24", "24.0", "AO Kaspersky Lab", 0);
    run();
    cr_assert_eq(scan.det.n_findings, 1);
    cr_expect_str_eq(scan.det.findings[0].catalog_id, "other");
}

Test(scan, driver_left_behind_is_a_remnant_finding)
{
    fake_service_add("klif", NULL, 1, AVS_SVC_STOPPED);
    fake_service_add("kneps", NULL, 1, AVS_SVC_STOPPED);
    run();
    cr_assert_eq(scan.det.n_findings, 1);
    const struct avs_finding *f = &scan.det.findings[0];
    cr_expect_str_eq(f->name, AVS_REMNANT_NAME);
    cr_expect_str_eq(f->catalog_id, AVS_REMNANT_ID);
    cr_expect_eq(f->uninstall, AVS_UNINSTALL_NONE);
    cr_expect(has_signal(f, "driver:klif"));
    cr_expect(has_signal(f, "driver:kneps"));
    cr_expect_not(avs_scan_compliant(&scan));
}

Test(scan, management_service_is_not_attached_to_a_protection_product)
{
    fake_uninstall_add(AVS_VIEW_64, NULL, KES_CODE, "Kaspersky Endpoint Security for Windows",
                       "12.3.0.493", "AO Kaspersky Lab", 1);
    fake_service_add("klnagent", NULL, 0, AVS_SVC_RUNNING);
    run();
    cr_assert_eq(scan.det.n_findings, 2);
    const struct avs_finding *r = finding(AVS_REMNANT_NAME);
    cr_assert_not_null(r);
    cr_expect(has_signal(r, "service:klnagent"));
    cr_expect_eq(r->role, AVS_ROLE_MANAGEMENT);
}

Test(scan, vendor_registry_key_alone_is_a_note_not_a_finding)
{
    fake_reg_key(AVS_HKLM, AVS_VIEW_32, "SOFTWARE\\KasperskyLab");
    run();
    cr_expect_eq(scan.det.n_findings, 0);
    cr_expect(avs_scan_compliant(&scan));
    cr_assert_eq(scan.inv.n_notes, 1);
    cr_expect_str_eq(scan.inv.notes[0].key, "SOFTWARE\\WOW6432Node\\KasperskyLab");
}

Test(scan, malformed_display_names_are_noted_not_guessed)
{
    static const unsigned char binary[] = {'K', 0, 'a', 0, 's', 0};
    static const unsigned char unterminated[] = {'K', 0, 'a', 0, 's', 0, 'p', 0, 'e', 0,
                                                 'r', 0, 's', 0, 'k', 0, 'y', 0, ' ', 0,
                                                 'F', 0, 'r', 0, 'e', 0, 'e', 0};
    fake_reg_set_raw(AVS_HKLM, AVS_VIEW_64, FAKE_UNINSTALL "\\BinaryName", "DisplayName",
                     AVS_REG_BINARY, binary, sizeof binary);
    fake_reg_set_raw(AVS_HKLM, AVS_VIEW_64, FAKE_UNINSTALL "\\NoNul", "DisplayName", AVS_REG_SZ,
                     unterminated, sizeof unterminated);
    fake_reg_set_raw(AVS_HKLM, AVS_VIEW_64, FAKE_UNINSTALL "\\OddSize", "DisplayName", AVS_REG_SZ,
                     "K\0L\0x", 5);
    fake_reg_set_raw(AVS_HKLM, AVS_VIEW_64, FAKE_UNINSTALL "\\Dword", "DisplayName", AVS_REG_DWORD,
                     "\1\0\0\0", 4);
    fake_uninstall_add(AVS_VIEW_64, NULL, "Empty", "", NULL, NULL, 0);
    fake_uninstall_add(AVS_VIEW_64, NULL, "BadVersion", "Kaspersky Anti-Virus", NULL, NULL, 0);
    fake_reg_set_raw(AVS_HKLM, AVS_VIEW_64, FAKE_UNINSTALL "\\BadVersion", "DisplayVersion",
                     AVS_REG_SZ, "\x00\xdc\x00\x00", 4);
    run();
    cr_expect(has_note("DisplayName", "wrong registry type"));
    cr_expect(has_note("DisplayName", "no terminating NUL"));
    cr_expect(has_note("DisplayName", "odd byte count"));
    cr_expect(has_note("DisplayVersion", "surrogate"));
    /* The unterminated value is still a readable name: it is used (and noted). */
    const struct avs_finding *f = finding("Kaspersky Free");
    cr_assert_not_null(f);
    /* The product with a broken version is found, without a version. */
    f = finding("Kaspersky Anti-Virus");
    cr_assert_not_null(f);
    cr_expect_null(f->version);
    cr_expect_eq(scan.det.n_findings, 2, "a binary or DWORD name is never read as a name");
}

Test(scan, vendor_publisher_with_unreadable_name_is_still_found)
{
    fake_reg_set_raw(AVS_HKLM, AVS_VIEW_64, FAKE_UNINSTALL "\\KES", "DisplayName", AVS_REG_BINARY,
                     "\1\2", 2);
    fake_reg_set_sz(AVS_HKLM, AVS_VIEW_64, FAKE_UNINSTALL "\\KES", "Publisher", "AO Kaspersky Lab");
    run();
    cr_assert_eq(scan.det.n_findings, 1);
    cr_expect_str_eq(scan.det.findings[0].name, "KES", "named by its key, not by a guess");
}

Test(scan, oversize_value_is_noted)
{
    static unsigned char big[AVS_REG_VALUE_MAX + 2];
    fake_reg_set_raw(AVS_HKLM, AVS_VIEW_64, FAKE_UNINSTALL "\\Huge", "DisplayName", AVS_REG_SZ, big,
                     sizeof big);
    run();
    cr_expect(has_note("DisplayName", "larger than AvSwap reads"));
    cr_expect_eq(scan.det.n_findings, 0);
}

Test(scan, msi_product_code_that_is_not_a_guid_is_noted)
{
    fake_msi_add("KES-NOT-A-GUID", NULL, AVS_MSI_MACHINE, "Kaspersky Endpoint Security", "1",
                 "AO Kaspersky Lab");
    run();
    cr_expect_eq(scan.det.n_findings, 0);
    cr_expect(has_note("KES-NOT-A-GUID", "not a GUID"));
}

Test(scan, clean_machine_is_compliant_and_says_so)
{
    fake_uninstall_add(AVS_VIEW_64, NULL, "7-Zip", "7-Zip 23.01 (x64)", "23.01", "Igor Pavlov", 0);
    run();
    cr_expect_eq(scan.det.n_findings, 0);
    cr_expect(avs_scan_compliant(&scan));
    cr_expect_eq(scan.inv.sources[AVS_SRC_UNINSTALL_64].count, 1);
    cr_expect_eq(scan.inv.sources[AVS_SRC_WSC].err, AVS_EUNAVAIL);
    cr_expect_eq(fake_events_with_id(AVS_EV_SCAN_COMPLIANT), 1);
    cr_expect_eq(fake_events_with_id(AVS_EV_SCAN_NONCOMPLIANT), 0);
    const struct fake_event *e = fake_event_find(AVS_EV_SOURCE_UNAVAILABLE);
    cr_assert_not_null(e, "the missing Security Center is reported, not hidden");
    cr_expect_str_eq(e->strings[0], "wsc");
}

Test(scan, unreadable_source_makes_the_scan_incomplete)
{
    fake_reg_fail_open(AVS_HKLM, AVS_VIEW_64, FAKE_UNINSTALL, AVS_EACCES);
    run();
    cr_expect_eq(scan.inv.sources[AVS_SRC_UNINSTALL_64].err, AVS_EACCES);
    cr_expect(scan.incomplete);
    cr_expect_not(avs_scan_compliant(&scan), "cannot vouch for what it could not read");
    const struct fake_event *e = fake_event_find(AVS_EV_SOURCE_FAILED);
    cr_assert_not_null(e);
    cr_expect_str_eq(e->strings[0], "uninstall-64");
    cr_expect_eq(fake_events_with_id(AVS_EV_SCAN_COMPLIANT), 0);
    cr_expect_eq(fake_events_with_id(AVS_EV_SCAN_FAILED), 1);
}

Test(scan, failing_msi_and_services_sources_are_recorded)
{
    fake_msi_fail(AVS_EIO);
    fake_services_fail(AVS_EACCES);
    fake_uninstall_add(AVS_VIEW_64, NULL, "X", "Kaspersky Free", "1", NULL, 0);
    run();
    cr_expect_eq(scan.inv.sources[AVS_SRC_MSI].err, AVS_EIO);
    cr_expect_eq(scan.inv.sources[AVS_SRC_SERVICES].err, AVS_EACCES);
    cr_expect_eq(scan.det.n_findings, 1, "the other sources still count");
    cr_expect_eq(fake_events_with_id(AVS_EV_SOURCE_FAILED), 2);
}

Test(scan, security_center_signals_and_approved_products)
{
    fake_wsc_add("Kaspersky Endpoint Security for Windows", 0x61000);
    fake_wsc_add("Windows Defender", 0x60110);
    fake_uninstall_add(AVS_VIEW_64, NULL, KES_CODE, "Kaspersky Endpoint Security for Windows",
                       "12.3.0.493", "AO Kaspersky Lab", 1);
    run();
    cr_expect_eq(scan.inv.sources[AVS_SRC_WSC].err, 0);
    cr_assert_eq(scan.det.n_findings, 1);
    cr_expect(has_signal(&scan.det.findings[0], "wsc"));
    cr_assert_eq(scan.det.n_approved, 1);
    cr_expect_str_eq(scan.det.approved[0].name, "Windows Defender");
    cr_expect_str_eq(scan.det.approved[0].state, "disabled, definitions out of date");
    cr_expect_str_eq(scan.det.approved[0].source, "wsc");
}

Test(scan, wsc_state_decoding)
{
    cr_expect_str_eq(avs_wsc_state_name(0x61000), "enabled, definitions up to date");
    cr_expect_str_eq(avs_wsc_state_name(0x61010), "enabled, definitions out of date");
    cr_expect_str_eq(avs_wsc_state_name(0x60000), "disabled, definitions up to date");
    cr_expect_str_eq(avs_wsc_state_name(0x62000), "snoozed, definitions up to date");
    cr_expect_str_eq(avs_wsc_state_name(0x63000), "expired, definitions up to date");
}

Test(scan, events_tell_the_whole_story_in_order)
{
    typical_endpoint();
    run();
    size_t n = fake_events_count();
    cr_assert_gt(n, 2);
    const struct fake_event *first = fake_event(0), *last = fake_event(n - 1);
    cr_expect_eq(first->id, AVS_EV_SCAN_STARTED);
    cr_assert_eq(first->count, 4);
    cr_expect_str_eq(first->strings[0], "0.1.0");
    cr_expect_str_eq(first->strings[1], "TESTHOST");
    cr_expect_str_eq(first->strings[2], "CORP\\helpdesk");
    cr_expect_str_eq(first->strings[3], "built-in");
    cr_expect_eq(fake_events_with_id(AVS_EV_PROHIBITED_FOUND), 4);
    cr_expect_eq(fake_events_with_id(AVS_EV_APPROVED_FOUND), 1);
    cr_expect_eq(last->id, AVS_EV_SCAN_NONCOMPLIANT);
    cr_assert_eq(last->count, 3);
    cr_expect_str_eq(last->strings[0], "4");
    cr_expect(strstr(last->strings[1], "Kaspersky Free") != NULL);

    const struct fake_event *kes = fake_event_find(AVS_EV_PROHIBITED_FOUND);
    cr_assert_eq(kes->count, 8);
    cr_expect_str_eq(kes->strings[0], "Kaspersky Endpoint Security for Windows");
    cr_expect_str_eq(kes->strings[1], "12.3.0.493");
    cr_expect_str_eq(kes->strings[2], "AO Kaspersky Lab");
    cr_expect_str_eq(kes->strings[3], KES_CODE);
    cr_expect_str_eq(kes->strings[4], "machine");
    cr_expect_str_eq(kes->strings[5], "x64");
    cr_expect_str_eq(kes->strings[6], "msi");
    cr_expect(strstr(kes->strings[7], "driver:klif") != NULL, "%s", kes->strings[7]);
}

Test(scan, event_log_failure_does_not_stop_the_scan)
{
    typical_endpoint();
    fake_events_fail(AVS_EACCES);
    run();
    cr_expect_eq(scan.det.n_findings, 4);
    cr_expect_gt(scan.event_failures, 0);
    cr_expect_eq(scan.event_error, AVS_EACCES);
}

Test(scan, note_events_are_capped)
{
    for (int i = 0; i < AVS_SCAN_MAX_NOTE_EVENTS + 20; i++) {
        char key[64];
        snprintf(key, sizeof key, FAKE_UNINSTALL "\\junk%d", i);
        fake_reg_set_raw(AVS_HKLM, AVS_VIEW_64, key, "DisplayName", AVS_REG_BINARY, "x", 1);
    }
    run();
    cr_expect_eq(scan.inv.n_notes, AVS_SCAN_MAX_NOTE_EVENTS + 20, "every note is kept");
    cr_expect_eq(fake_events_with_id(AVS_EV_REGISTRY_ANOMALY), AVS_SCAN_MAX_NOTE_EVENTS);
}

Test(scan, no_catalog_pattern_makes_avswap_a_finding)
{
    const char *broad = "[product everything]\nname = Everything\nmatch = *p*\nrole = utility\n"
                        "priority = 60\n";
    struct avs_buf err = AVS_BUF_INIT;
    cr_assert_eq(avs_catalog_parse(&cat, broad, strlen(broad), "broad.txt", &err), 0);
    avs_buf_free(&err);
    fake_uninstall_add(AVS_VIEW_64, NULL, "{AAAAAAAA-AAAA-AAAA-AAAA-AAAAAAAAAAAA}", "AvSwap",
                       "0.1.0", "AvSwap", 1);
    fake_msi_add("{AAAAAAAA-AAAA-AAAA-AAAA-AAAAAAAAAAAA}", NULL, AVS_MSI_MACHINE, "AvSwap", "0.1.0",
                 "AvSwap");
    /* AvSwap is recognised by the UpgradeCode Windows Installer records, not by its name. */
    fake_msi_related(AVS_SELF_UPGRADE_CODE, "{aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa}");
    fake_msi_add("{BBBBBBBB-AAAA-AAAA-AAAA-AAAAAAAAAAAA}", NULL, AVS_MSI_MACHINE, "7-Zip", "23.01",
                 "Igor Pavlov");
    run();
    cr_assert_eq(scan.det.n_findings, 1, "7-Zip matches the broad pattern; AvSwap never does");
    cr_expect_str_eq(scan.det.findings[0].name, "7-Zip");
}
