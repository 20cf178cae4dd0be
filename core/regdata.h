/* Interpreting registry values read through os.h, which anyone with write access to the key
 * could have filled with anything. Each function either yields a clean value or says, in words
 * an auditor can read, why the value was not used. */
#ifndef AVS_REGDATA_H
#define AVS_REGDATA_H

#include <stdint.h>

#include "os.h"

/* The longest string AvSwap takes from a registry value, in UTF-16 code units. */
#define AVS_REG_STRING_MAX 2048u

/* Decodes a REG_SZ or REG_EXPAND_SZ value into UTF-8 (*out, free() it).
 * Returns 0 with *problem NULL for a clean value; 0 with *problem set (a static string) when
 * the value was usable after a documented repair (no terminator, odd size: the value is used,
 * the anomaly noted); AVS_EFORMAT with *problem set when the value must not be used (wrong
 * type, unpaired surrogates, longer than AVS_REG_STRING_MAX); AVS_ENOMEM. An empty string is
 * returned as "" (callers decide what empty means). */
int avs_regdata_string(char **out, const char **problem, const struct avs_reg_value *v);

/* Decodes a REG_DWORD (exactly 4 bytes). AVS_EFORMAT with *problem set otherwise. */
int avs_regdata_dword(uint32_t *out, const char **problem, const struct avs_reg_value *v);

#endif
