/* Inventory: what is installed, read through os.h from every source DESIGN.md names.
 *
 * Only the Uninstall entries that could concern the catalog are kept (a name the catalog
 * matches or a vendor publisher); the rest are counted and dropped, which keeps a scan of
 * thousands of programs cheap. Malformed registry data becomes a note, never a crash and never a
 * guess. */
#ifndef AVS_INVENTORY_H
#define AVS_INVENTORY_H

#include <stddef.h>
#include <stdint.h>

#include "applocker.h"
#include "catalog.h"
#include "os.h"

enum avs_source_id {
    AVS_SRC_UNINSTALL_64,    /* HKLM Uninstall, 64-bit view */
    AVS_SRC_UNINSTALL_32,    /* HKLM Uninstall, 32-bit view (WOW6432Node) */
    AVS_SRC_UNINSTALL_USERS, /* HKU\<SID> Uninstall of every loaded user hive */
    AVS_SRC_MSI,             /* Windows Installer products, every context */
    AVS_SRC_SERVICES,        /* services and drivers */
    AVS_SRC_REGISTRY,        /* the vendor's registry roots */
    AVS_SRC_WSC,             /* Security Center AntiVirusProduct */
    AVS_SRC_APPLOCKER,       /* the effective AppLocker policy and the Application Identity
                                service: reported, never part of compliance (core/applocker.h) */
    AVS_SRC_COUNT
};

/* "uninstall-64", "msi", ... as used in JSON and events. */
const char *avs_source_name(enum avs_source_id id);

struct avs_source {
    int err;      /* 0 ok; AVS_EUNAVAIL not present on this machine; other AVS_E*: failed */
    size_t count; /* items read (keys, products, services) */
};

/* One program's Uninstall key that concerns the catalog. */
struct avs_inv_entry {
    char *key;      /* full path for messages, e.g. "HKLM\\SOFTWARE\\...\\Uninstall\\{GUID}" */
    char *key_name; /* the subkey name */
    enum avs_reg_view view;
    char *user_sid;     /* NULL under HKLM */
    char *display_name; /* NULL when unreadable (the publisher made it a candidate) */
    char *display_version;
    char *publisher;
    char *uninstall_string;
    char *quiet_uninstall_string;
    int windows_installer; /* WindowsInstaller = 1 */
    int program_file;      /* per-user entries: the program its (Quiet)UninstallString names
                              exists as a file, outside the Windows folder */
};

struct avs_note {
    char *key;
    char *value;
    char *problem;
    uint32_t event; /* the event that reports it; 0: AVS_EV_REGISTRY_ANOMALY (malformed data) */
};

struct avs_inventory {
    struct avs_inv_entry *entries;
    size_t n_entries;
    struct avs_os_msi_product *msi; /* every installed product */
    size_t n_msi;
    struct avs_os_service *services; /* all: the SCM's list, then those registered under
                                        HKLM\SYSTEM\CurrentControlSet\Services that the SCM
                                        does not list (state AVS_SVC_NOT_LOADED) */
    size_t n_services;
    struct avs_os_wsc_product *wsc;
    size_t n_wsc;
    char **regroots; /* vendor roots present, e.g. "SOFTWARE\\WOW6432Node\\KasperskyLab" */
    size_t n_regroots;
    struct avs_note *notes;
    size_t n_notes;
    struct avs_source sources[AVS_SRC_COUNT];
    struct avs_applocker_state applocker; /* what AppLocker enforces against the vendor */
    char **self_codes; /* product codes Windows Installer records with AvSwap's UpgradeCode */
    size_t n_self_codes;
};

/* Reads every source. A source that fails is recorded in out->sources and the others are still
 * read; the only error returned is AVS_ENOMEM. Free with avs_inventory_free(). */
int avs_inventory_collect(struct avs_inventory *out, const struct avs_catalog *cat);

void avs_inventory_free(struct avs_inventory *inv);

/* Frees the strings of one entry (not E itself). */
void avs_inventory_entry_free(struct avs_inv_entry *e);

/* Examines subkey NAME of the Uninstall key PARENT (shown in messages as PARENT_PATH) in VIEW,
 * exactly as avs_inventory_collect() does for each subkey: appends an entry to INV->entries
 * when it concerns CAT, and notes about malformed values to INV->notes. SID names the user of
 * a per-user key (NULL under HKLM); WINDIR (may be NULL) is the Windows folder, used only for
 * per-user keys. A key that vanished meanwhile is not an error. AVS_ENOMEM is the only error.
 * core/rescan.c reads changed subkeys again with it. */
int avs_inventory_read_entry(struct avs_inventory *inv, const struct avs_catalog *cat,
                             avs_os_key *parent, const char *parent_path, const char *name,
                             enum avs_reg_view view, const char *sid, const char *windir);

/* Records a note (copies the strings). */
int avs_inventory_note(struct avs_inventory *inv, const char *key, const char *value,
                       const char *problem);

/* Records a note reported by event EVENT (a full message-table ID) instead of the default. */
int avs_inventory_note_event(struct avs_inventory *inv, uint32_t event, const char *key,
                             const char *value, const char *problem);

#endif
