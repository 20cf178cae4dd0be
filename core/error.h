/* AvSwap error codes.
 *
 * Every function that can fail returns int: 0 on success, a negative AVS_E* value on failure.
 * Operating-system errors are translated to these codes at the win32/ boundary (as libuv's
 * uv_translate_sys_error does), so nothing in core/ ever sees a Win32 DWORD or HRESULT. */
#ifndef AVS_ERROR_H
#define AVS_ERROR_H

enum {
    AVS_OK = 0,
    AVS_ENOMEM = -1,     /* out of memory */
    AVS_ENOENT = -2,     /* no such key, value, file, product or service; end of an enumeration */
    AVS_EACCES = -3,     /* access denied (not elevated, ACL) */
    AVS_EINVAL = -4,     /* invalid argument or malformed input */
    AVS_EUNAVAIL = -5,   /* the facility does not exist on this machine (e.g. Security Center) */
    AVS_EIO = -6,        /* any other operating-system failure */
    AVS_EBUSY = -7,      /* another installation or AvSwap run holds the lock */
    AVS_ETIMEDOUT = -8,  /* a bounded wait ran out */
    AVS_EFORMAT = -9,    /* data has the wrong type or shape (registry value, catalog, journal) */
    AVS_ETOOBIG = -10,   /* data exceeds AvSwap's size bound */
    AVS_EUNSAFE = -11,   /* refused: acting on this input would be unsafe (reparse point, shell) */
    AVS_EMISMATCH = -12, /* a hash or signature did not match */
    AVS_EFAILED = -13,   /* an external operation ran and reported failure */
};

/* A short, stable English description of an AVS_E* code ("access denied"). Never NULL. */
const char *avs_strerror(int err);

/* The symbolic name of an AVS_E* code ("AVS_EACCES"). Never NULL. */
const char *avs_errname(int err);

#endif
