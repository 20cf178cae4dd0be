/* Policy: what the administrator asked AvSwap to do on this machine.
 *
 * Three layers, the first one set wins, value by value:
 *   1. HKLM\SOFTWARE\Policies\AvSwap   Group Policy (the ADMX in msi/AvSwap.admx writes it);
 *   2. HKLM\SOFTWARE\AvSwap            the MSI's public properties (Mode, ReplacementPath,
 *                                      ReplacementSha256 only: the defaults of a scripted install);
 *   3. built-in defaults               audit, no replacement, reboot never, delay 0, KLAdmin.
 * HKCU\Software\Policies is never read: a standard user writes it (docs/SECURITY.md).
 *
 * Every value is hostile input. A value that cannot be used (wrong type, unknown word, bad hash,
 * window out of range, too long, embedded NUL, not UTF-16) is not guessed at: the next layer's
 * value is used instead (for a Group Policy value, the MSI's, then the default) and a problem is
 * recorded naming the value, what was wrong and what was used instead; avs_policy_report_problems
 * writes one event (1100–1149) per problem. Whatever the policy says, the engine's safety
 * invariant holds: `enforce` without a valid replacement pin still blocks as the engine does. */
#ifndef AVS_POLICY_H
#define AVS_POLICY_H

#include <stddef.h>
#include <stdint.h>

/* The keys, under HKLM (64-bit view). */
#define AVS_POLICY_KEY "SOFTWARE\\Policies\\AvSwap"
#define AVS_POLICY_MSI_KEY "SOFTWARE\\AvSwap"

/* Where a value came from, weakest first. */
enum avs_policy_source {
    AVS_PSRC_DEFAULT, /* built in */
    AVS_PSRC_MSI,     /* HKLM\SOFTWARE\AvSwap (MSI public property) */
    AVS_PSRC_POLICY,  /* HKLM\SOFTWARE\Policies\AvSwap (Group Policy) */
    AVS_PSRC_FLAG,    /* the command line of `avswap remediate` (set by the CLI, never here) */
};

enum avs_policy_mode {
    AVS_MODE_AUDIT,   /* find and report, change nothing (the service); the default */
    AVS_MODE_ENFORCE, /* remove and replace */
};

enum avs_policy_reboot {
    AVS_PREBOOT_NEVER,              /* wait for the next natural restart; the default */
    AVS_PREBOOT_MAINTENANCE_WINDOW, /* restart inside MaintenanceWindow, users warned first */
};

/* RandomDelayMinutes: default and bound (a day: the daily timer runs anyway). */
#define AVS_POLICY_DELAY_DEFAULT 0u
#define AVS_POLICY_DELAY_MAX 1440u

/* A daily window in local time, minutes after midnight, [start, end). start > end crosses
 * midnight (22:00-04:00); start == end is the whole day. */
struct avs_window {
    uint16_t start; /* 0..1439 */
    uint16_t end;   /* 0..1439 */
};

/* The default MaintenanceWindow when RebootPolicy is maintenance-window and none (valid) is set:
 * 02:00-04:00 local. */
#define AVS_WINDOW_DEFAULT_START (2u * 60u)
#define AVS_WINDOW_DEFAULT_END (4u * 60u)

/* The policy value names, as written in the registry and the ADMX. */
#define AVS_PV_MODE "Mode"
#define AVS_PV_REPLACEMENT_PATH "ReplacementPath"
#define AVS_PV_REPLACEMENT_SHA256 "ReplacementSha256"
#define AVS_PV_REPLACEMENT_ARGS "ReplacementArgs"
#define AVS_PV_RANDOM_DELAY "RandomDelayMinutes"
#define AVS_PV_REBOOT_POLICY "RebootPolicy"
#define AVS_PV_MAINTENANCE_WINDOW "MaintenanceWindow"
#define AVS_PV_CATALOG_PATH "CatalogPath"
#define AVS_PV_CATALOG_SHA256 "CatalogSha256"
#define AVS_PV_PASSWORD_FILE "PasswordFile"
#define AVS_PV_UNINSTALL_LOGIN "UninstallLogin"

/* One value that was not used as written. All strings are malloc'd, UTF-8, and never hold the
 * raw data of a value that could be a secret (PasswordFile's contents are never read here). */
struct avs_policy_problem {
    uint32_t event_id; /* the 11xx event that reports it (avs_messages.h) */
    char *value;       /* the value's name, e.g. "Mode" */
    char *where;       /* the key it was read from, e.g. "HKLM\\SOFTWARE\\Policies\\AvSwap" */
    char *what;        /* what was wrong, e.g. "unknown mode (audit or enforce)" */
    char *used;        /* what was used instead, e.g. "audit (default)" */
};

/* The effective policy. Strings are malloc'd UTF-8 or NULL when not set by any layer. */
struct avs_policy {
    enum avs_policy_mode mode;
    enum avs_policy_source mode_src;

    char *replacement_path; /* absolute path or UNC (\\server\share\x.msi) */
    enum avs_policy_source replacement_path_src;
    char *replacement_sha256; /* 64 lowercase hex digits */
    enum avs_policy_source replacement_sha256_src;
    char *replacement_args;
    enum avs_policy_source replacement_args_src;

    uint32_t random_delay_min; /* 0..AVS_POLICY_DELAY_MAX */
    enum avs_policy_source random_delay_src;

    enum avs_policy_reboot reboot;
    enum avs_policy_source reboot_src;
    struct avs_window window; /* always valid (default when unset) */
    int window_set;           /* 1 when MaintenanceWindow came from the registry */
    enum avs_policy_source window_src;

    char *catalog_path; /* NULL unless CatalogPath and a valid CatalogSha256 are both set */
    enum avs_policy_source catalog_path_src;
    char *catalog_sha256;
    enum avs_policy_source catalog_sha256_src;

    char *password_file; /* a path, read at run time by the engine's caller, never copied */
    enum avs_policy_source password_file_src;

    char *login; /* never NULL after avs_policy_read: "KLAdmin" by default */
    enum avs_policy_source login_src;

    struct avs_policy_problem *problems;
    size_t n_problems;
};

/* Reads the policy from the registry (core/os.h, HKLM 64-bit view only) into *OUT, applying
 * the layers and validation above. Missing keys are not problems (defaults apply). Returns 0
 * with *OUT always usable, or AVS_ENOMEM (then *OUT is freed and zeroed). Free with
 * avs_policy_free(). */
int avs_policy_read(struct avs_policy *out);

/* Frees what avs_policy_read allocated and zeroes *P. NULL-safe. */
void avs_policy_free(struct avs_policy *p);

/* Writes one event per recorded problem (event_id, insertion strings: value, where, what,
 * used). Returns 0 or the first avs_os_event_write error (the others are still attempted). */
int avs_policy_report_problems(const struct avs_policy *p);

/* "default", "msi", "policy" or "flag". */
const char *avs_policy_source_name(enum avs_policy_source s);
/* "audit" or "enforce". */
const char *avs_policy_mode_name(enum avs_policy_mode m);
/* "never" or "maintenance-window". */
const char *avs_policy_reboot_name(enum avs_policy_reboot r);

/* The registry value names policy.c reads, in the order of its table (for the ADMX check and
 * `avswap status`): *out_count names, static strings. */
const char *const *avs_policy_value_names(size_t *out_count);

/* ---- Maintenance window math (pure; minutes after local midnight, 0..1439) ---- */

/* Parses "HH:MM-HH:MM" (24-hour, two digits each, nothing else, no spaces) into *OUT.
 * AVS_EFORMAT with *WHY set (static English) when it does not parse or is out of range. */
int avs_window_parse(struct avs_window *out, const char **why, const char *text);

/* Writes "HH:MM-HH:MM" into BUF (at least 12 bytes). */
void avs_window_format(char buf[12], const struct avs_window *w);

/* 1 when minute-of-day NOW lies in W ([start, end), crossing midnight when start > end; the
 * whole day when start == end), else 0. */
int avs_window_contains(const struct avs_window *w, unsigned now);

/* Minutes from NOW until W next opens: 0 when NOW is inside W, else 1..1439. */
unsigned avs_window_minutes_until(const struct avs_window *w, unsigned now);

/* Minutes from NOW until W closes when NOW is inside W (1..1440; 1440 for a whole-day window),
 * 0 when NOW is outside. */
unsigned avs_window_minutes_left(const struct avs_window *w, unsigned now);

#endif
