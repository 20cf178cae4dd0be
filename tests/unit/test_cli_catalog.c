/* avswap scan --catalog FILE --catalog-sha256 HEX: what a helpdesk sees when the pin does not
 * match, is malformed, or comes without a file, and that a refused catalog scans nothing. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "avs_messages.h"
#include "cli.h"
#include "clicapture.h"
#include "exitcode.h"
#include "fake_fs.h"
#include "fake_os.h"
#include "sha256.h"

static char *out_text, *err_text;
static size_t out_len, err_len;

static const char site[] = "[approved site-edr]\nname = Site EDR\nservice = SiteEDR\n";
static char site_hex[AVS_SHA256_HEX_LEN + 1];

static void setup(void)
{
    fake_os_reset();
    fake_fs_reset();
    out_text = err_text = NULL;
    fake_fs_put("C:\\site\\pinned.txt", site, strlen(site));
    avs_sha256_hex_of(site_hex, site, strlen(site));
}

static void teardown(void)
{
    free(out_text);
    free(err_text);
}

TestSuite(cli_catalog, .init = setup, .fini = teardown);

static int avswap(const char *a0, const char *a1, const char *a2, const char *a3)
{
    char *argv[] = {(char *)"avswap", (char *)a0, (char *)a1, (char *)a2, (char *)a3, NULL};
    int argc = 1;
    while (argv[argc])
        argc++;
    return cli_capture(&out_text, &out_len, &err_text, &err_len, argc, argv);
}

static char pin_arg[128];

static const char *pin(const char *hex)
{
    snprintf(pin_arg, sizeof pin_arg, "--catalog-sha256=%s", hex);
    return pin_arg;
}

Test(cli_catalog, matching_pin_is_used_and_recorded)
{
    cr_expect_eq(avswap("scan", "--catalog=C:\\site\\pinned.txt", pin(site_hex), NULL),
                 AVS_EXIT_OK, "%s", err_text);
    const struct fake_event *start = fake_event_find(AVS_EV_SCAN_STARTED);
    cr_assert_not_null(start);
    char want[200];
    snprintf(want, sizeof want, "built-in + C:\\site\\pinned.txt (SHA-256 %s, pinned)", site_hex);
    cr_expect_str_eq(start->strings[3], want);
}

Test(cli_catalog, mismatching_pin_exits_2_naming_both_hashes)
{
    const char *other = "1111111111111111111111111111111111111111111111111111111111111111";
    cr_expect_eq(avswap("scan", "--json", "--catalog=C:\\site\\pinned.txt", pin(other)),
                 AVS_EXIT_USAGE);
    cr_expect(strstr(err_text, "avswap scan: catalog file 'C:\\site\\pinned.txt' is not the "
                               "pinned file") != NULL,
              "%s", err_text);
    cr_expect(strstr(err_text, site_hex) != NULL, "the file's SHA-256: %s", err_text);
    cr_expect(strstr(err_text, other) != NULL, "the pin: %s", err_text);
    cr_expect_eq(out_len, 0, "no report: %s", out_text);
    cr_expect_eq(fake_events_count(), 0, "nothing is scanned with a refused catalog");
}

Test(cli_catalog, malformed_pin_exits_2)
{
    cr_expect_eq(avswap("scan", "--catalog=C:\\site\\pinned.txt", pin("xyz"), NULL),
                 AVS_EXIT_USAGE);
    cr_expect(strstr(err_text, "64 hexadecimal digits") != NULL, "%s", err_text);
    cr_expect_eq(fake_events_count(), 0);
}

Test(cli_catalog, pin_without_a_file_exits_2)
{
    cr_expect_eq(avswap("scan", pin(site_hex), NULL, NULL), AVS_EXIT_USAGE);
    cr_expect(strstr(err_text, "--catalog-sha256 goes with --catalog FILE") != NULL, "%s",
              err_text);
    cr_expect_eq(avswap("remediate", "--dry-run", pin(site_hex), NULL), AVS_EXIT_USAGE);
    cr_expect(strstr(err_text, "avswap remediate: --catalog-sha256 goes with") != NULL, "%s",
              err_text);
}

Test(cli_catalog, approving_the_vendor_exits_2_naming_the_line)
{
    const char *file = "[approved mine]\nname = Mine\nservice = Mine\nmatch = Kaspersky*\n";
    fake_fs_put("C:\\site\\hide.txt", file, strlen(file));
    cr_expect_eq(avswap("scan", "--catalog=C:\\site\\hide.txt", NULL, NULL), AVS_EXIT_USAGE);
    cr_expect(strstr(err_text, "invalid catalog file: C:\\site\\hide.txt:4: approved pattern "
                               "'Kaspersky*' would also match") != NULL,
              "%s", err_text);
    cr_expect_eq(fake_events_count(), 0);
}
