#include "regdata.h"

#include <stdlib.h>

#include "utf8.h"

int avs_regdata_string(char **out, const char **problem, const struct avs_reg_value *v)
{
    *out = NULL;
    *problem = NULL;
    if (v->type != AVS_REG_SZ && v->type != AVS_REG_EXPAND_SZ) {
        *problem = "not a string value (wrong registry type)";
        return AVS_EFORMAT;
    }
    unsigned flags = 0;
    char *s = NULL;
    int err = avs_utf16le_decode(&s, &flags, v->data, v->size, AVS_REG_STRING_MAX);
    if (err)
        return err;
    if (flags & AVS_UTF16_TRUNCATED) {
        free(s);
        *problem = "string longer than AvSwap accepts";
        return AVS_EFORMAT;
    }
    if (flags & AVS_UTF16_BAD_SURROGATE) {
        free(s);
        *problem = "string is not valid UTF-16 (unpaired surrogate)";
        return AVS_EFORMAT;
    }
    if (flags & AVS_UTF16_ODD_SIZE)
        *problem = "string has an odd byte count (last byte ignored)";
    else if (flags & AVS_UTF16_NO_TERMINATOR)
        *problem = "string has no terminating NUL";
    *out = s;
    return 0;
}

int avs_regdata_dword(uint32_t *out, const char **problem, const struct avs_reg_value *v)
{
    *out = 0;
    *problem = NULL;
    if (v->type != AVS_REG_DWORD) {
        *problem = "not a DWORD value (wrong registry type)";
        return AVS_EFORMAT;
    }
    if (v->size != 4) {
        *problem = "DWORD value does not hold exactly 4 bytes";
        return AVS_EFORMAT;
    }
    *out = (uint32_t)v->data[0] | ((uint32_t)v->data[1] << 8) | ((uint32_t)v->data[2] << 16) |
           ((uint32_t)v->data[3] << 24);
    return 0;
}
