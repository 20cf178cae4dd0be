#include "error.h"

#include <stddef.h>

static const struct {
    int code;
    const char *name;
    const char *text;
} errors[] = {
    {AVS_OK, "AVS_OK", "success"},
    {AVS_ENOMEM, "AVS_ENOMEM", "out of memory"},
    {AVS_ENOENT, "AVS_ENOENT", "not found"},
    {AVS_EACCES, "AVS_EACCES", "access denied"},
    {AVS_EINVAL, "AVS_EINVAL", "invalid argument"},
    {AVS_EUNAVAIL, "AVS_EUNAVAIL", "not available on this machine"},
    {AVS_EIO, "AVS_EIO", "operating system error"},
    {AVS_EBUSY, "AVS_EBUSY", "busy"},
    {AVS_ETIMEDOUT, "AVS_ETIMEDOUT", "timed out"},
    {AVS_EFORMAT, "AVS_EFORMAT", "malformed data"},
    {AVS_ETOOBIG, "AVS_ETOOBIG", "data too large"},
    {AVS_EUNSAFE, "AVS_EUNSAFE", "refused as unsafe"},
    {AVS_EMISMATCH, "AVS_EMISMATCH", "hash mismatch"},
    {AVS_EFAILED, "AVS_EFAILED", "operation failed"},
};

static size_t find(int err)
{
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++)
        if (errors[i].code == err)
            return i;
    return (size_t)-1;
}

const char *avs_strerror(int err)
{
    size_t i = find(err);
    return i == (size_t)-1 ? "unknown error" : errors[i].text;
}

const char *avs_errname(int err)
{
    size_t i = find(err);
    return i == (size_t)-1 ? "AVS_E?" : errors[i].name;
}
