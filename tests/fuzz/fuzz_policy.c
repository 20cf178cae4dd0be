/* Fuzzes the policy reader (core/policy.c, core/policy_check.c, core/policy_window.c, through
 * tests/fakes): whoever edits a GPO, a script or the MSI's key chooses these bytes.
 *
 * Input: byte 0 is the registry type (low 4 bits; 11 QWORD as 11, 15 as an unknown type 0x55);
 * byte 1 picks the value (low 4 bits, modulo the number of values) and the key (bit 7: the MSI's
 * HKLM\SOFTWARE\AvSwap, else HKLM\SOFTWARE\Policies\AvSwap); the rest is the value's data.
 * Properties:
 *   - avs_policy_read succeeds and the policy is always usable: mode and reboot policy are one of
 *     their words, the delay is 0..1440, the window's minutes are below 1440, the login is set;
 *   - the value is either taken (its source is the key it was written to, and no problem names
 *     it), or refused with exactly one problem naming it and that key, or empty (neither);
 *   - every string taken is valid UTF-8 without control characters, a hash is 64 lowercase hex
 *     digits, a path is absolute (X:\ or \\server\share\);
 *   - a string with anything but NULs after its first NUL is never taken ("enforce\0x" is not
 *     "enforce");
 *   - a window text that parses formats back to the same text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fake_os.h"
#include "fuzz.h"
#include "policy.h"
#include "utf8.h"

static void clean_string(const char *s)
{
    if (!s)
        return;
    FUZZ_CHECK(avs_utf8_valid(s));
    for (const char *p = s; *p; p++)
        FUZZ_CHECK((unsigned char)*p >= 0x20 && *p != 0x7f);
}

static void path_ok(const char *s)
{
    if (!s)
        return;
    clean_string(s);
    FUZZ_CHECK((s[1] == ':' && s[2] == '\\') || (s[0] == '\\' && s[1] == '\\' && s[2] != '?'));
}

static void hash_ok(const char *s)
{
    if (!s)
        return;
    FUZZ_CHECK(strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64);
}

static enum avs_policy_source source_of(const struct avs_policy *p, const char *name)
{
    if (strcmp(name, AVS_PV_MODE) == 0)
        return p->mode_src;
    if (strcmp(name, AVS_PV_REPLACEMENT_PATH) == 0)
        return p->replacement_path_src;
    if (strcmp(name, AVS_PV_REPLACEMENT_SHA256) == 0)
        return p->replacement_sha256_src;
    if (strcmp(name, AVS_PV_REPLACEMENT_ARGS) == 0)
        return p->replacement_args_src;
    if (strcmp(name, AVS_PV_RANDOM_DELAY) == 0)
        return p->random_delay_src;
    if (strcmp(name, AVS_PV_REBOOT_POLICY) == 0)
        return p->reboot_src;
    if (strcmp(name, AVS_PV_MAINTENANCE_WINDOW) == 0)
        return p->window_src;
    if (strcmp(name, AVS_PV_CATALOG_PATH) == 0)
        return p->catalog_path_src;
    if (strcmp(name, AVS_PV_CATALOG_SHA256) == 0)
        return p->catalog_sha256_src;
    if (strcmp(name, AVS_PV_PASSWORD_FILE) == 0)
        return p->password_file_src;
    return p->login_src;
}

/* 1 when the UTF-16LE DATA has a non-NUL code unit after its first NUL code unit. */
static int nul_inside(const uint8_t *data, size_t size)
{
    size_t units = size / 2, i = 0;
    while (i < units && (data[2 * i] | data[2 * i + 1]))
        i++;
    for (; i < units; i++)
        if (data[2 * i] | data[2 * i + 1])
            return 1;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    size_t n_names = 0;
    const char *const *names = avs_policy_value_names(&n_names);
    uint32_t type = data[0] & 0x0f;
    if (type == 15)
        type = 0x55;
    const char *name = names[(data[1] & 0x0f) % n_names];
    int msi = (data[1] & 0x80) != 0;
    const char *key = msi ? AVS_POLICY_MSI_KEY : AVS_POLICY_KEY;

    fake_os_reset();
    fake_reg_set_raw(AVS_HKLM, AVS_VIEW_64, key, name, type, data + 2, size - 2);
    struct avs_policy p;
    FUZZ_CHECK(avs_policy_read(&p) == 0);

    FUZZ_CHECK(p.mode == AVS_MODE_AUDIT || p.mode == AVS_MODE_ENFORCE);
    FUZZ_CHECK(p.reboot == AVS_PREBOOT_NEVER || p.reboot == AVS_PREBOOT_MAINTENANCE_WINDOW);
    FUZZ_CHECK(p.random_delay_min <= AVS_POLICY_DELAY_MAX);
    FUZZ_CHECK(p.window.start < 1440 && p.window.end < 1440);
    FUZZ_CHECK(p.login && *p.login && strlen(p.login) <= 256);
    clean_string(p.login);
    clean_string(p.replacement_args);
    path_ok(p.replacement_path);
    path_ok(p.catalog_path);
    path_ok(p.password_file);
    hash_ok(p.replacement_sha256);
    hash_ok(p.catalog_sha256);

    size_t bad = 0;
    for (size_t i = 0; i < p.n_problems; i++) {
        if (strcmp(p.problems[i].value, name) == 0 && strstr(p.problems[i].where, key) != NULL)
            bad++;
    }
    enum avs_policy_source src = source_of(&p, name);
    enum avs_policy_source want = msi ? AVS_PSRC_MSI : AVS_PSRC_POLICY;
    /* The MSI's key sets only its three values: anything else there is not read at all. A path
     * without its pin stays taken (and is reported with 1101), a catalog path is dropped. */
    int readable = !msi || strcmp(name, AVS_PV_MODE) == 0 ||
                   strcmp(name, AVS_PV_REPLACEMENT_PATH) == 0 ||
                   strcmp(name, AVS_PV_REPLACEMENT_SHA256) == 0;
    if (!readable)
        FUZZ_CHECK(src == AVS_PSRC_DEFAULT && bad == 0);
    else if (src == want)
        FUZZ_CHECK(bad == 0 || strcmp(name, AVS_PV_REPLACEMENT_PATH) == 0);
    else
        FUZZ_CHECK(bad <= 1);
    if (type == AVS_REG_SZ && nul_inside(data + 2, size - 2))
        FUZZ_CHECK(src != want);
    avs_policy_free(&p);

    /* The window grammar on its own, with the data as text. */
    char text[32];
    size_t len = size - 2 < sizeof text - 1 ? size - 2 : sizeof text - 1;
    memcpy(text, data + 2, len);
    text[len] = '\0';
    struct avs_window w;
    const char *why = NULL;
    if (avs_window_parse(&w, &why, text) == 0) {
        char back[12];
        avs_window_format(back, &w);
        FUZZ_CHECK(strcmp(back, text) == 0);
        FUZZ_CHECK(avs_window_minutes_until(&w, 0) < 1440);
    } else {
        FUZZ_CHECK(why != NULL);
    }
    return 0;
}
