/* tests/fakes: an in-memory Windows machine implementing core/os.h for the host unit tests.
 *
 * Tests build the machine they need (registry keys and raw values in either view, MSI products,
 * services, Security Center, the caller's identity), run core code against it, and read back
 * what was reported to the Event Log. fake_os_reset() empties everything; call it from .init. */
#ifndef FAKE_OS_H
#define FAKE_OS_H

#include <stddef.h>
#include <stdint.h>

#include "os.h"

void fake_os_reset(void);

/* ---- registry ---- */
void fake_reg_key(enum avs_reg_root root, enum avs_reg_view view, const char *path);
void fake_reg_set_raw(enum avs_reg_root root, enum avs_reg_view view, const char *path,
                      const char *name, uint32_t type, const void *data, size_t size);
/* A well-formed REG_SZ: UTF-16LE with its terminator. */
void fake_reg_set_sz(enum avs_reg_root root, enum avs_reg_view view, const char *path,
                     const char *name, const char *utf8);
void fake_reg_set_dword(enum avs_reg_root root, enum avs_reg_view view, const char *path,
                        const char *name, uint32_t value);
/* Opening PATH (exactly) fails with ERR from now on. */
void fake_reg_fail_open(enum avs_reg_root root, enum avs_reg_view view, const char *path, int err);
void fake_reg_delete(enum avs_reg_root root, enum avs_reg_view view, const char *path);
/* Number of keys currently open: a test that ends with a non-zero count found a handle leak. */
int fake_reg_open_handles(void);
/* Last-write times (avs_os_reg_subkey_time) come from a clock that ticks once per change:
 * creating a key, setting a value, deleting a key (which also moves its parent's time).
 * fake_reg_touch moves PATH's time without changing anything (a rewrite of the same value). */
void fake_reg_touch(enum avs_reg_root root, enum avs_reg_view view, const char *path);
/* How many times a value of PATH was read (avs_os_reg_value): 0 proves a key was not read. */
size_t fake_reg_value_reads(enum avs_reg_root root, enum avs_reg_view view, const char *path);

/* Registry writes (avs_os_reg_create & co.): HKLM\PATH (64-bit view) is a registry symbolic
 * link from now on, so avs_os_reg_create through it fails with AVS_EUNSAFE. */
void fake_reg_link(const char *path);
/* Every later avs_os_reg_create fails with ERR (0 restores): e.g. AVS_EACCES, not elevated. */
void fake_reg_fail_write(int err);
/* How many values avs_os_reg_set_* wrote since the last reset. */
size_t fake_reg_writes(void);

/* Convenience: an Uninstall entry under HKLM (VIEW) or, with SID, under HKU\SID.
 * VERSION and PUBLISHER may be NULL. WINDOWS_INSTALLER sets WindowsInstaller=1. */
void fake_uninstall_add(enum avs_reg_view view, const char *sid, const char *key_name,
                        const char *display_name, const char *version, const char *publisher,
                        int windows_installer);
#define FAKE_UNINSTALL "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall"

/* ---- Windows Installer ---- */
void fake_msi_add(const char *code, const char *sid, enum avs_msi_context ctx, const char *name,
                  const char *version, const char *publisher);
void fake_msi_fail(int err);
/* Windows Installer records product CODE as installed with UPGRADE_CODE (MsiEnumRelatedProducts). */
void fake_msi_related(const char *upgrade_code, const char *code);

/* ---- services ---- */
void fake_service_add(const char *name, const char *display, int is_driver,
                      enum avs_svc_state state);
void fake_services_fail(int err);

/* ---- Security Center ---- (unavailable, as on Windows Server, until fake_wsc_enable) */
void fake_wsc_enable(void);
void fake_wsc_add(const char *name, uint32_t state);

/* ---- Event Log ---- */
struct fake_event {
    uint32_t id;
    size_t count;
    char *strings[16];
};
size_t fake_events_count(void);
const struct fake_event *fake_event(size_t i);
/* How many events with ID were written. */
size_t fake_events_with_id(uint32_t id);
/* The first event with ID, or NULL. */
const struct fake_event *fake_event_find(uint32_t id);
/* Every later avs_os_event_write fails with ERR (0 restores). */
void fake_events_fail(int err);

/* ---- identity and clock ---- */
void fake_identity_set(const char *host, const char *user, const char *sid, int elevated);
void fake_now_set(int64_t ms);

#endif
