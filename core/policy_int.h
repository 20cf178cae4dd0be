/* Shared between core/policy.c (layers) and core/policy_check.c (one value's validation). */
#ifndef AVS_POLICY_INT_H
#define AVS_POLICY_INT_H

#include <stdint.h>

#include "os.h"
#include "policy.h"

/* How a value is checked. */
enum avs_policy_kind {
    PK_MODE,   /* REG_SZ "audit" | "enforce" */
    PK_PATH,   /* REG_SZ absolute path "C:\..." or UNC "\\server\share\..." */
    PK_SHA256, /* REG_SZ 64 hex digits */
    PK_ARGS,   /* REG_SZ printable text */
    PK_DELAY,  /* REG_DWORD 0..AVS_POLICY_DELAY_MAX */
    PK_REBOOT, /* REG_SZ "never" | "maintenance-window" */
    PK_WINDOW, /* REG_SZ "HH:MM-HH:MM" */
    PK_LOGIN,  /* REG_SZ printable, 1..256 bytes */
};

struct avs_policy_spec {
    const char *name;
    int msi; /* 1 when HKLM\SOFTWARE\AvSwap (the MSI's public properties) may set it too */
    enum avs_policy_kind kind;
};

/* A checked value: S (malloc'd) for strings, U for mode/reboot/delay, W for the window. */
struct avs_policy_val {
    char *s;
    uint32_t u;
    struct avs_window w;
};

/* The longest string a policy value may hold, in bytes of UTF-8 (paths, arguments). */
#define AVS_POLICY_STRING_MAX 1024u

/* Checks RAW as a value of KIND into *OUT. 0 clean; AVS_ENOENT for an empty string (not
 * configured); AVS_EFORMAT with *WHY (static English) when refused; AVS_ENOMEM. */
int avs_policy_check(struct avs_policy_val *out, const char **why, enum avs_policy_kind kind,
                     const struct avs_reg_value *raw);

/* Stores V (taking V->s) as SPEC's value in P, from SRC. */
void avs_policy_apply(struct avs_policy *p, const struct avs_policy_spec *spec,
                      struct avs_policy_val *v, enum avs_policy_source src);

/* After every value is resolved: a path is used only with the pin from the same source
 * (ReplacementPath/ReplacementSha256, CatalogPath/CatalogSha256); otherwise the path is dropped
 * with event 1101. */
int avs_policy_pair_pins(struct avs_policy *p, const char *key_policy, const char *key_msi);

int avs_policy_add_problem(struct avs_policy *p, uint32_t id, const char *value, const char *where,
                           const char *what, const char *used);

#endif
