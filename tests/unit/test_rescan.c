/* The service's incremental rescan (core/rescan.h) on the fake machine: after a change, only the
 * Uninstall subkeys whose last-write time moved, or that are new, are read again; deleted ones
 * are dropped; the findings are those a full scan makes from the same entries. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "fake_os.h"
#include "rescan.h"

#define KES_CODE "{5A9E0F2C-1B3D-4E5F-8A7B-0C1D2E3F4A5B}"

static struct avs_catalog cat;
static struct avs_rescan *rs;

static void setup(void)
{
    struct avs_buf err = AVS_BUF_INIT;
    fake_os_reset();
    memset(&cat, 0, sizeof cat);
    rs = NULL;
    cr_assert_eq(avs_catalog_load_builtin(&cat, &err), 0);
    avs_buf_free(&err);
}

static void teardown(void)
{
    avs_rescan_free(rs);
    avs_catalog_free(&cat);
    cr_expect_eq(fake_reg_open_handles(), 0, "registry handles leaked");
    fake_os_reset();
}

TestSuite(rescan, .init = setup, .fini = teardown);

static size_t reads(enum avs_reg_view view, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s\\%s", FAKE_UNINSTALL, name);
    return fake_reg_value_reads(AVS_HKLM, view, path);
}

/* 100 ordinary programs, one Kaspersky EXE product (32-bit) and a decoy. */
static void endpoint(void)
{
    char name[32], display[64];
    for (int i = 0; i < 100; i++) {
        snprintf(name, sizeof name, "Prog%03d", i);
        snprintf(display, sizeof display, "Program %03d", i);
        fake_uninstall_add(AVS_VIEW_64, NULL, name, display, "1.0", "Vendor", 0);
    }
    fake_uninstall_add(AVS_VIEW_32, NULL, "KasperskyFree", "Kaspersky Free", "21.3.10.391",
                       "AO Kaspersky Lab", 0);
    fake_uninstall_add(AVS_VIEW_64, NULL, "KLayout", "KLayout 0.28.12", "0.28.12",
                       "Matthias Köfferlein", 0);
}

static int has_finding(const struct avs_detection *d, const char *name)
{
    for (size_t i = 0; i < d->n_findings; i++)
        if (strcmp(d->findings[i].name, name) == 0)
            return 1;
    return 0;
}

Test(rescan, open_reads_everything_and_keeps_only_what_concerns_the_catalog)
{
    endpoint();
    cr_assert_eq(avs_rescan_open(&rs, &cat), 0);
    cr_expect_eq(avs_rescan_count(rs), 1, "only Kaspersky Free concerns the catalog");
    cr_expect_str_eq(avs_rescan_entry(rs, 0)->display_name, "Kaspersky Free");
    cr_expect_eq(avs_rescan_entry(rs, 0)->view, AVS_VIEW_32);
    cr_expect_gt(reads(AVS_VIEW_64, "Prog000"), 0, "the first listing reads every subkey");
    cr_expect_gt(reads(AVS_VIEW_32, "KasperskyFree"), 0);
}

Test(rescan, nothing_changed_reads_nothing)
{
    endpoint();
    cr_assert_eq(avs_rescan_open(&rs, &cat), 0);
    size_t before = reads(AVS_VIEW_64, "Prog042") + reads(AVS_VIEW_32, "KasperskyFree");
    struct avs_rescan_stats st;
    cr_assert_eq(avs_rescan_update(rs, &st), 0);
    cr_expect_eq(st.listed, 102);
    cr_expect_eq(st.read, 0, "an unchanged subkey is not read again");
    cr_expect_eq(st.added + st.changed + st.removed + st.relevant, 0);
    cr_expect_eq(st.msi_reread, 0);
    cr_expect_eq(reads(AVS_VIEW_64, "Prog042") + reads(AVS_VIEW_32, "KasperskyFree"), before);
    cr_expect_eq(avs_rescan_count(rs), 1, "the kept entry is carried over");
}

Test(rescan, a_changed_subkey_alone_is_read_again)
{
    endpoint();
    cr_assert_eq(avs_rescan_open(&rs, &cat), 0);
    size_t p41 = reads(AVS_VIEW_64, "Prog041"), p42 = reads(AVS_VIEW_64, "Prog042");
    fake_reg_set_sz(AVS_HKLM, AVS_VIEW_64, FAKE_UNINSTALL "\\Prog042", "DisplayName",
                    "Kaspersky Anti-Virus");
    struct avs_rescan_stats st;
    cr_assert_eq(avs_rescan_update(rs, &st), 0);
    cr_expect_eq(st.read, 1);
    cr_expect_eq(st.changed, 1);
    cr_expect_eq(st.relevant, 1, "the renamed program now concerns the catalog");
    cr_expect_gt(reads(AVS_VIEW_64, "Prog042"), p42, "the changed subkey is read");
    cr_expect_eq(reads(AVS_VIEW_64, "Prog041"), p41, "its unchanged neighbour is not");
    cr_expect_eq(avs_rescan_count(rs), 2);

    struct avs_detection d;
    cr_assert_eq(avs_rescan_detect(&d, rs), 0);
    cr_expect(has_finding(&d, "Kaspersky Anti-Virus"));
    cr_expect(has_finding(&d, "Kaspersky Free"));
    avs_detection_free(&d);
}

Test(rescan, a_rewrite_with_the_same_data_is_read_but_not_relevant)
{
    endpoint();
    cr_assert_eq(avs_rescan_open(&rs, &cat), 0);
    fake_reg_touch(AVS_HKLM, AVS_VIEW_64, FAKE_UNINSTALL "\\Prog007");
    struct avs_rescan_stats st;
    cr_assert_eq(avs_rescan_update(rs, &st), 0);
    cr_expect_eq(st.read, 1);
    cr_expect_eq(st.changed, 1);
    cr_expect_eq(st.relevant, 0, "an ordinary program stays ordinary: no detection needed");
}

Test(rescan, a_new_msi_product_is_read_and_found_with_its_msi_record)
{
    endpoint();
    cr_assert_eq(avs_rescan_open(&rs, &cat), 0);
    /* KES installed again: its Uninstall entry and its Windows Installer record. */
    fake_uninstall_add(AVS_VIEW_64, NULL, KES_CODE, "Kaspersky Endpoint Security for Windows",
                       "12.3.0.493", "AO Kaspersky Lab", 1);
    fake_msi_add(KES_CODE, NULL, AVS_MSI_MACHINE, "Kaspersky Endpoint Security for Windows",
                 "12.3.0.493", "AO Kaspersky Lab");
    struct avs_rescan_stats st;
    cr_assert_eq(avs_rescan_update(rs, &st), 0);
    cr_expect_eq(st.added, 1);
    cr_expect_eq(st.read, 1, "only the new subkey is read");
    cr_expect_eq(st.relevant, 1);
    cr_expect_eq(st.msi_reread, 1, "a Windows Installer entry refreshes the MSI list");

    struct avs_detection d;
    cr_assert_eq(avs_rescan_detect(&d, rs), 0);
    int kes = 0;
    for (size_t i = 0; i < d.n_findings; i++)
        if (strcmp(d.findings[i].name, "Kaspersky Endpoint Security for Windows") == 0) {
            kes = 1;
            cr_expect_str_eq(d.findings[i].product_code, KES_CODE);
            cr_expect_eq(d.findings[i].uninstall, AVS_UNINSTALL_MSI);
        }
    cr_expect(kes, "KES is found again");
    avs_detection_free(&d);
}

Test(rescan, a_deleted_subkey_is_dropped)
{
    endpoint();
    cr_assert_eq(avs_rescan_open(&rs, &cat), 0);
    fake_reg_delete(AVS_HKLM, AVS_VIEW_32, FAKE_UNINSTALL "\\KasperskyFree");
    fake_reg_delete(AVS_HKLM, AVS_VIEW_64, FAKE_UNINSTALL "\\Prog099");
    struct avs_rescan_stats st;
    cr_assert_eq(avs_rescan_update(rs, &st), 0);
    cr_expect_eq(st.removed, 2);
    cr_expect_eq(st.read, 0, "a deletion needs no read");
    cr_expect_eq(st.relevant, 1, "Kaspersky Free went away");
    cr_expect_eq(st.listed, 100);
    cr_expect_eq(avs_rescan_count(rs), 0);
    struct avs_detection d;
    cr_assert_eq(avs_rescan_detect(&d, rs), 0);
    cr_expect_eq(d.n_findings, 0);
    avs_detection_free(&d);
}

Test(rescan, a_view_that_cannot_be_listed_keeps_the_previous_listing)
{
    endpoint();
    cr_assert_eq(avs_rescan_open(&rs, &cat), 0);
    fake_reg_fail_open(AVS_HKLM, AVS_VIEW_32, FAKE_UNINSTALL, AVS_EACCES);
    struct avs_rescan_stats st;
    cr_assert_eq(avs_rescan_update(rs, &st), 0);
    cr_expect_eq(st.err, AVS_EACCES);
    cr_expect_eq(st.removed, 0, "an unreadable view is not an empty one");
    cr_expect_eq(avs_rescan_count(rs), 1);
}
