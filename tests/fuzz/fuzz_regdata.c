/* Fuzzes the decoding of registry values (core/regdata.c, core/utf8.c) and the code that reads
 * them from the machine (core/inventory.c, core/reboot_pending.c, through tests/fakes).
 *
 * Anyone able to write an Uninstall key chooses these bytes. The input's first byte picks the
 * registry type (low 4 bits) and which value of a Kaspersky Uninstall entry receives the rest
 * (high 4 bits); the rest is the value's data.
 * Properties:
 *   - avs_regdata_string accepts only string types; what it returns is valid UTF-8, and for a
 *     value it accepts, encoding that UTF-8 back to UTF-16LE gives exactly the value's code units
 *     up to its first NUL (nothing added, dropped or changed);
 *   - avs_regdata_dword accepts exactly 4 bytes of REG_DWORD;
 *   - as PendingFileRenameOperations, the value makes a restart pending unless it is a clean,
 *     empty REG_MULTI_SZ (fail safe);
 *   - in an Uninstall entry, the inventory keeps the decoded string when it is clean, and
 *     notes, never uses, a value it refused. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "error.h"
#include "fake_os.h"
#include "fuzz.h"
#include "inventory.h"
#include "reboot_pending.h"
#include "regdata.h"
#include "utf8.h"

/* Encodes UTF-8 S (valid) as UTF-16LE into a malloc'd buffer; *out_size bytes, no terminator. */
static unsigned char *utf16_of(const char *s, size_t *out_size)
{
    size_t n = strlen(s);
    unsigned char *o = malloc(2 * n + 2), *w = o;
    FUZZ_CHECK(o != NULL);
    for (size_t i = 0; i < n;) {
        const unsigned char *p = (const unsigned char *)s + i;
        size_t len = avs_utf8_valid_prefix(p, n - i);
        FUZZ_CHECK(len > 0);
        uint32_t cp = len == 1   ? p[0]
                      : len == 2 ? (uint32_t)(p[0] & 0x1f) << 6 | (p[1] & 0x3f)
                      : len == 3 ? (uint32_t)(p[0] & 0x0f) << 12 | (uint32_t)(p[1] & 0x3f) << 6 |
                                       (p[2] & 0x3f)
                                 : (uint32_t)(p[0] & 0x07) << 18 | (uint32_t)(p[1] & 0x3f) << 12 |
                                       (uint32_t)(p[2] & 0x3f) << 6 | (p[3] & 0x3f);
        if (cp >= 0x10000) {
            uint32_t hi = 0xd800 + ((cp - 0x10000) >> 10), lo = 0xdc00 + ((cp - 0x10000) & 0x3ff);
            *w++ = (unsigned char)hi;
            *w++ = (unsigned char)(hi >> 8);
            cp = lo;
        }
        *w++ = (unsigned char)cp;
        *w++ = (unsigned char)(cp >> 8);
        i += len;
    }
    *out_size = (size_t)(w - o);
    return o;
}

/* Bytes of DATA (SIZE) before its first NUL code unit (an odd last byte is not a unit). */
static size_t units_before_nul(const unsigned char *data, size_t size)
{
    size_t i = 0;
    while (i + 1 < size && !(data[i] == 0 && data[i + 1] == 0))
        i += 2;
    return i;
}

static void decode(const struct avs_reg_value *v)
{
    char *s = NULL;
    const char *problem = NULL;
    int rc = avs_regdata_string(&s, &problem, v);
    if (v->type != AVS_REG_SZ && v->type != AVS_REG_EXPAND_SZ)
        FUZZ_CHECK(rc == AVS_EFORMAT && problem && !s);
    if (rc == 0) {
        FUZZ_CHECK(s != NULL && avs_utf8_valid(s));
        size_t n;
        unsigned char *back = utf16_of(s, &n);
        size_t want = units_before_nul(v->data, v->size);
        FUZZ_CHECK(n == want && memcmp(back, v->data, n) == 0);
        FUZZ_CHECK(n / 2 <= AVS_REG_STRING_MAX);
        free(back);
    } else {
        FUZZ_CHECK(s == NULL && (rc == AVS_ENOMEM || (rc == AVS_EFORMAT && problem)));
    }
    free(s);

    uint32_t d;
    rc = avs_regdata_dword(&d, &problem, v);
    FUZZ_CHECK((rc == 0) == (v->type == AVS_REG_DWORD && v->size == 4));
    FUZZ_CHECK(rc == 0 || problem != NULL);
}

static const char *const VALUE_NAMES[] = {
    "DisplayName",          "Publisher",        "DisplayVersion", "UninstallString",
    "QuietUninstallString", "WindowsInstaller",
};
#define N_NAMES (sizeof VALUE_NAMES / sizeof VALUE_NAMES[0])

static void reboot(const struct avs_reg_value *v)
{
    fake_os_reset();
    fake_reg_set_raw(AVS_HKLM, AVS_VIEW_64, AVS_REBOOT_SM_KEY, AVS_REBOOT_PFRO_VALUE, v->type,
                     v->data, v->size);
    int pending = -1;
    char *why = NULL;
    FUZZ_CHECK(avs_reboot_pending(&pending, &why) == 0);
    int content = 0;
    for (size_t i = 0; i < v->size; i++)
        content |= v->data[i] != 0;
    int clean_empty = v->type == AVS_REG_MULTI_SZ && v->size % 2 == 0 && !content;
    FUZZ_CHECK(pending == !clean_empty);
    FUZZ_CHECK((why != NULL) == pending);
    free(why);
}

static void inventory(const struct avs_reg_value *v, unsigned which)
{
    static struct avs_catalog cat;
    static int loaded;
    if (!loaded) {
        struct avs_buf err = AVS_BUF_INIT;
        FUZZ_CHECK(avs_catalog_load_builtin(&cat, &err) == 0);
        avs_buf_free(&err);
        loaded = 1;
    }
    const char *key = FAKE_UNINSTALL "\\{11111111-2222-3333-4444-555555555555}";
    const char *name = VALUE_NAMES[which % N_NAMES];
    fake_os_reset();
    fake_uninstall_add(AVS_VIEW_64, NULL, "{11111111-2222-3333-4444-555555555555}",
                       "Kaspersky Endpoint Security for Windows", "11.1.0", "AO Kaspersky Lab", 1);
    fake_reg_set_sz(AVS_HKLM, AVS_VIEW_64, key, "UninstallString",
                    "MsiExec.exe /X{11111111-2222-3333-4444-555555555555}");
    fake_reg_set_raw(AVS_HKLM, AVS_VIEW_64, key, name, v->type, v->data, v->size);

    struct avs_inventory inv;
    memset(&inv, 0, sizeof inv);
    FUZZ_CHECK(avs_inventory_collect(&inv, &cat) == 0);
    FUZZ_CHECK(fake_reg_open_handles() == 0);

    char *s = NULL;
    const char *problem = NULL;
    int rc = avs_regdata_string(&s, &problem, v);
    const struct avs_inv_entry *e = NULL;
    for (size_t i = 0; i < inv.n_entries; i++)
        if (inv.entries[i].view == AVS_VIEW_64 && inv.entries[i].user_sid == NULL)
            e = &inv.entries[i];
    FUZZ_CHECK(e != NULL); /* the name or the publisher makes it a candidate */
    const char *got = NULL;
    int is_string = 1;
    {
        switch (which % N_NAMES) {
        case 0: got = e->display_name; break;
        case 1: got = e->publisher; break;
        case 2: got = e->display_version; break;
        case 3: got = e->uninstall_string; break;
        case 4: got = e->quiet_uninstall_string; break;
        default: is_string = 0;
        }
    }
    if (is_string && rc != 0)
        FUZZ_CHECK(got == NULL); /* refused: never used */
    if (is_string && rc == 0 && problem == NULL) {
        if (which % N_NAMES == 0 && *s == '\0')
            FUZZ_CHECK(got == NULL); /* an empty DisplayName is no name */
        else
            FUZZ_CHECK(got != NULL && strcmp(got, s) == 0); /* clean: kept as decoded */
    }
    if (is_string && (rc != 0 || problem != NULL)) {
        int noted = 0;
        for (size_t i = 0; i < inv.n_notes; i++)
            noted |= inv.notes[i].value && strcmp(inv.notes[i].value, name) == 0;
        FUZZ_CHECK(noted || (which % N_NAMES) == 0 || (which % N_NAMES) == 1);
    }
    free(s);
    avs_inventory_free(&inv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned char *copy = malloc(size - 1 ? size - 1 : 1);
    FUZZ_CHECK(copy != NULL);
    memcpy(copy, data + 1, size - 1);
    struct avs_reg_value v = {data[0] & 0x0f, copy, size - 1};
    if (v.type == 12 || v.type == 13)
        v.type = AVS_REG_SZ; /* most inputs are strings */
    decode(&v);
    reboot(&v);
    inventory(&v, data[0] >> 4);
    free(copy);
    return 0;
}
