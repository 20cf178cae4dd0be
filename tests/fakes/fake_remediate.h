/* tests/fakes: the remediation half of the fake machine (core/os.h "Remediation" section).
 *
 * Tests describe how products behave when removed (MSI result codes, passwords they demand, EXE
 * uninstallers and what they do), which packages exist and what installing them brings, and then
 * read back every call AvSwap made: MSI properties, command lines, logs, reboots requested. */
#ifndef FAKE_REMEDIATE_H
#define FAKE_REMEDIATE_H

#include <stddef.h>
#include <stdint.h>

#include "os.h"

/* Folders: "C:\\Program Files", "C:\\Program Files (x86)", "C:\\ProgramData",
 * "C:\\Windows\\System32". */

/* ---- MSI removal ---- */
/* Removing CODE returns RESULT (default 0). 0, 3010 and 1641 take the product off the machine
 * (MSI list, Uninstall keys in both views); 1605 is returned when it is not installed. */
void fake_msi_uninstall_result(const char *code, int result);
/* Removing CODE fails with 1603 unless PROPERTIES contains PROP="VALUE" (the type-19 custom
 * action of a password-protected product). */
void fake_msi_require_password(const char *code, const char *prop, const char *value);
/* Removing CODE successfully also takes OTHER_CODE (may be NULL) off the MSI list and stops
 * SERVICE (may be NULL): a product whose uninstall takes another one with it. */
void fake_msi_uninstall_also(const char *code, const char *other_code, const char *service);
/* The first N removals of any product return 1618 (another installation running). */
void fake_msi_busy_removals(int n);
/* Each removal appends to its log file the properties it received, as Windows Installer's
 * verbose log does with a command line: AvSwap must scrub secrets from it. */

struct fake_msi_call {
    char code[39];
    char properties[512];
    char log_path[260];
    int result;
};
size_t fake_msi_uninstall_calls(void);
const struct fake_msi_call *fake_msi_uninstall_call(size_t i);

/* ---- replacement packages ---- */
/* A package at PATH (its bytes must be put with fake_fs_put) whose ProductCode/ProductName are
 * CODE/NAME; installing it registers the product and starts SERVICE (may be NULL). */
void fake_msi_package(const char *path, const char *code, const char *name, const char *service);
void fake_msi_install_result(int result);
size_t fake_msi_install_calls(void);
/* An EXE replacement: running APP returns EXIT and, when 0, creates SERVICE running. */
void fake_exe_installer(const char *app, int exit_code, const char *service);

/* ---- EXE uninstallers ---- */
/* Running APP returns EXIT; with EXIT 0 the Uninstall key KEY_NAME (32- and 64-bit views) and
 * SERVICE (may be NULL) disappear. APP must also exist (fake_path_file). */
void fake_exe_uninstaller(const char *app, int exit_code, const char *key_name,
                          const char *service);
/* Running APP never ends: avs_os_process_run times out. */
void fake_exe_hangs(const char *app);
struct fake_process_call {
    char app[260];
    char cmdline[1024];
    uint32_t timeout_ms;
};
size_t fake_process_calls(void);
const struct fake_process_call *fake_process_call(size_t i);

/* ---- paths ---- */
/* PATH exists as a file of SIZE bytes (not in fake_fs: only its facts). */
void fake_path_file(const char *path, uint64_t size);
/* PATH (or a folder on the way to it) is a reparse point. */
void fake_path_reparse(const char *path);
size_t fake_protected_dirs(void);
const char *fake_protected_dir(size_t i);

/* ---- services ---- */
void fake_service_startable(const char *name, int startable);
/* The service NAME (if it exists) is now in STATE: stopped by someone, say. */
void fake_service_set_state(const char *name, enum avs_svc_state state);
/* Starting NAME fails with ERR. */
void fake_service_start_fails(const char *name, int err);

/* ---- locks, console, machine ---- */
/* Another process holds the named mutex NAME. */
void fake_mutex_held(const char *name);
/* The next N installer-busy checks see Global\\_MSIExecute (-1: forever). */
void fake_installer_busy(int n);
void fake_disk_free(uint64_t bytes);
void fake_console_password(const char *password); /* NULL: no console */
size_t fake_reboot_requests(void);
/* Asking Windows to restart fails with ERR (as Wine's stub InitiateShutdownW does). */
void fake_reboot_request_fails(int err);
/* Windows restarts: the reboot marker and every mutex are gone. */
void fake_reboot(void);
/* Total milliseconds slept (avs_os_sleep_ms); sleeping also advances both clocks. */
uint64_t fake_slept_ms(void);

/* ---- signatures and folder security (fake_signature.c) ---- */
/* PATH's Authenticode verdict: STATUS with WinVerifyTrust's CODE and, when valid, the signing
 * certificate's subject fields (NULL when absent). A path never described is unsigned
 * (0x800B0100). PATH must also exist (fake_path_file) to be opened. */
void fake_signature(const char *path, enum avs_sig_status status, uint32_t code, const char *o,
                    const char *l, const char *s, const char *c);
/* Shorthand: PATH validly signed by O=O, C=C. */
void fake_signed_by(const char *path, const char *o, const char *c);
/* A non-administrator can write PATH (a file or folder): avs_os_path_admin_only names it when
 * it lies on the checked chain. */
void fake_path_user_writable(const char *path);
/* Reading the security of any path fails with ERR. */
void fake_path_security_fails(int err);
/* How many files avs_os_file_open_signed has opened and not yet closed. */
size_t fake_held_files_open(void);
/* The program each avs_os_process_run_held call held open until its process started ("" when
 * none), by call; and how many such calls there were. */
size_t fake_held_runs(void);
const char *fake_held_run_path(size_t i);

#endif
