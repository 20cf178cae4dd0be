/* core/os.h — the one contract between AvSwap's portable engine and the operating system.
 *
 * Two implementations: win32/ (the real Windows APIs) and tests/fakes/ (an in-memory machine
 * for the Criterion tests on the Linux host). core/ never includes <windows.h>; it sees UTF-8
 * strings, sizes in bytes, times in UTC and AVS_E* error codes only.
 *
 * Conventions for every function here:
 *   - returns 0 or a negative AVS_E* code (core/error.h);
 *   - output parameters come first; *out is set to NULL/0 on entry and only filled on success;
 *   - everything returned through *out is owned by the caller and freed with the matching
 *     avs_os_*_free() (or free() where the comment says so);
 *   - all strings are NUL-terminated UTF-8.
 *
 * Data read from the machine (registry values, MSI properties, service names) is untrusted:
 * the win32 side returns it as it is, bounded in size, and core/ validates it. */
#ifndef AVS_OS_H
#define AVS_OS_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* ---------------------------------------------------------------------------------------------
 * Registry
 * ------------------------------------------------------------------------------------------- */

/* The largest registry value AvSwap reads, in bytes. Larger values fail with AVS_ETOOBIG. */
#define AVS_REG_VALUE_MAX (64u * 1024u)

enum avs_reg_root {
    AVS_HKLM, /* HKEY_LOCAL_MACHINE */
    AVS_HKU,  /* HKEY_USERS: one subkey per loaded user hive (SID), plus "<SID>_Classes" */
};

enum avs_reg_view {
    AVS_VIEW_64, /* the native 64-bit view (KEY_WOW64_64KEY) */
    AVS_VIEW_32, /* the 32-bit view (KEY_WOW64_32KEY, i.e. WOW6432Node) */
};

/* Registry value types, numerically equal to Windows' REG_* constants. */
enum avs_reg_type {
    AVS_REG_NONE = 0,
    AVS_REG_SZ = 1,
    AVS_REG_EXPAND_SZ = 2,
    AVS_REG_BINARY = 3,
    AVS_REG_DWORD = 4,
    AVS_REG_MULTI_SZ = 7,
    AVS_REG_QWORD = 11,
};

/* A value exactly as stored: type as written by whoever wrote it (any number, not only the
 * enum above) and the raw bytes. String types hold UTF-16LE code units, which may lack a
 * terminator, have an odd byte count or contain unpaired surrogates: decode them with
 * core/regdata.h, never by hand. */
struct avs_reg_value {
    uint32_t type;
    unsigned char *data; /* malloc'd; may be NULL when size is 0 */
    size_t size;         /* bytes */
};

typedef struct avs_os_key avs_os_key;

/* Opens ROOT\PATH (PATH uses backslashes, may be "" for the root itself) read-only in VIEW.
 * AVS_ENOENT when the key does not exist, AVS_EACCES when it may not be read. Close with
 * avs_os_reg_close(). */
int avs_os_reg_open(avs_os_key **out, enum avs_reg_root root, const char *path,
                    enum avs_reg_view view);

/* Opens the subkey NAME of PARENT, read-only, in PARENT's view. */
int avs_os_reg_open_child(avs_os_key **out, avs_os_key *parent, const char *name);

/* The name of subkey number INDEX (0-based) of KEY; AVS_ENOENT past the last one.
 * *out is malloc'd: free() it. */
int avs_os_reg_subkey(char **out, avs_os_key *key, size_t index);

/* The name of subkey number INDEX of KEY, as avs_os_reg_subkey(), and in *out_time the time
 * the subkey was last written (RegEnumKeyExW's lpftLastWriteTime: 100-ns intervals since
 * 1601-01-01 UTC; 0 when the system does not say). Setting or deleting a value of a key, or
 * adding or deleting a subkey of it, moves its time; comparing the times with an earlier
 * listing tells which subkeys changed without opening them (core/rescan.h). One call per
 * subkey, no open. *out is malloc'd: free() it. */
int avs_os_reg_subkey_time(char **out, uint64_t *out_time, avs_os_key *key, size_t index);

/* Reads value NAME of KEY (NULL or "" for the default value). AVS_ENOENT when absent,
 * AVS_ETOOBIG when larger than AVS_REG_VALUE_MAX. Free out->data with free(). */
int avs_os_reg_value(struct avs_reg_value *out, avs_os_key *key, const char *name);

void avs_os_reg_close(avs_os_key *key);

/* Registry writes: only AvSwap's own keys under HKLM\SOFTWARE\AvSwap (64-bit view), e.g. the
 * State key (core/state.h). PATH must be "SOFTWARE\\AvSwap" or below it (AVS_EINVAL otherwise).
 * Opens PATH for writing, creating missing keys (REG_OPTION_NON_VOLATILE; a new key inherits
 * HKLM\SOFTWARE's ACL: users read, administrators write). A key on the way that is a registry
 * symbolic link (REG_LINK) is refused with AVS_EUNSAFE and nothing is written: a planted link
 * must not redirect AvSwap's writes. AVS_EACCES when the caller may not write. Close with
 * avs_os_reg_close(). */
int avs_os_reg_create(avs_os_key **out, const char *path);

/* Sets value NAME of KEY (opened by avs_os_reg_create) to the UTF-8 string VALUE, stored as
 * REG_SZ UTF-16LE with its terminator. AVS_EINVAL for invalid UTF-8. */
int avs_os_reg_set_string(avs_os_key *key, const char *name, const char *value);

/* Sets value NAME of KEY (opened by avs_os_reg_create) to the REG_DWORD VALUE. */
int avs_os_reg_set_dword(avs_os_key *key, const char *name, uint32_t value);

/* Deletes value NAME of KEY (opened by avs_os_reg_create); 0 when it does not exist. */
int avs_os_reg_delete_value(avs_os_key *key, const char *name);

/* ---------------------------------------------------------------------------------------------
 * Windows Installer products (MsiEnumProductsEx / MsiGetProductInfoEx, every context)
 * ------------------------------------------------------------------------------------------- */

enum avs_msi_context {
    AVS_MSI_MACHINE,        /* per-machine */
    AVS_MSI_USER_MANAGED,   /* per-user, managed */
    AVS_MSI_USER_UNMANAGED, /* per-user, unmanaged */
};

struct avs_os_msi_product {
    char *product_code; /* as the MSI API returned it (expected "{GUID}", validated by core) */
    char *user_sid;     /* NULL for per-machine products */
    enum avs_msi_context context;
    char *name;             /* ProductName; NULL when the property is missing */
    char *version;          /* VersionString; NULL when missing */
    char *publisher;        /* Publisher; NULL when missing */
    char *install_location; /* InstallLocation; NULL when missing */
};

/* Every installed product, in every context. */
int avs_os_msi_products(struct avs_os_msi_product **out, size_t *out_count);
void avs_os_msi_products_free(struct avs_os_msi_product *list, size_t count);

/* The product codes of the installed products whose UpgradeCode is UPGRADE_CODE ("{GUID}"), as
 * Windows Installer records them (MsiEnumRelatedProductsW): how AvSwap recognises its own MSI
 * (core/self.h), never by a name. *out is an array of *out_count malloc'd strings (NULL and 0
 * when there are none); free with avs_os_msi_related_free(). */
int avs_os_msi_related(char ***out, size_t *out_count, const char *upgrade_code);
void avs_os_msi_related_free(char **list, size_t count);

/* ---------------------------------------------------------------------------------------------
 * Services and drivers (Service Control Manager)
 * ------------------------------------------------------------------------------------------- */

enum avs_svc_state {
    AVS_SVC_UNKNOWN = 0,
    AVS_SVC_STOPPED,
    AVS_SVC_START_PENDING,
    AVS_SVC_STOP_PENDING,
    AVS_SVC_RUNNING,
    AVS_SVC_PAUSED,
    AVS_SVC_NOT_LOADED, /* registered under HKLM\SYSTEM\CurrentControlSet\Services but not (yet)
                           known to the SCM, e.g. added since the last boot */
};

struct avs_os_service {
    char *name;         /* the service key name, e.g. "AVP21.3" or "klif" */
    char *display_name; /* may be NULL */
    int is_driver;      /* 1 for kernel and file-system drivers */
    enum avs_svc_state state;
};

/* Every service and driver the SCM knows, in any state. */
int avs_os_services(struct avs_os_service **out, size_t *out_count);
void avs_os_services_free(struct avs_os_service *list, size_t count);

/* ---------------------------------------------------------------------------------------------
 * Windows Security Center (WMI root\SecurityCenter2, class AntiVirusProduct)
 * ------------------------------------------------------------------------------------------- */

struct avs_os_wsc_product {
    char *display_name;
    char *path;             /* pathToSignedProductExe; may be NULL */
    uint32_t product_state; /* the raw productState bit field */
};

/* The antivirus products registered with Security Center. AVS_EUNAVAIL when the namespace
 * does not exist (Windows Server, Wine): a missing source, not a failure. */
int avs_os_wsc_antivirus(struct avs_os_wsc_product **out, size_t *out_count);
void avs_os_wsc_free(struct avs_os_wsc_product *list, size_t count);

/* ---------------------------------------------------------------------------------------------
 * Event Log
 * ------------------------------------------------------------------------------------------- */

/* Writes event ID (a full message-table ID from the generated avs_messages.h, whose top two
 * bits carry the severity) to AvSwap's own log "AvSwap" under source "AvSwap", with COUNT
 * insertion strings (%1..%COUNT in the message text). The process user's SID is attached. An
 * elevated process creates or repairs the log, its source and the installed message file on
 * first use (event 1000), and removes AvSwap 0.1's registration in the Application log, where
 * any process may write under any source name (win32/eventlog.c). */
int avs_os_event_write(uint32_t id, const char *const *strings, size_t count);

/* ---------------------------------------------------------------------------------------------
 * The machine and the caller
 * ------------------------------------------------------------------------------------------- */

struct avs_os_identity {
    char *host;     /* NetBIOS computer name */
    char *user;     /* DOMAIN\user of the process token ("NT AUTHORITY\SYSTEM" for the service) */
    char *user_sid; /* "S-1-5-..." */
    int elevated;   /* 1 when the token is elevated (or is SYSTEM) */
};

int avs_os_identity(struct avs_os_identity *out);
void avs_os_identity_free(struct avs_os_identity *id);

/* Seconds since 1970-01-01 UTC, with milliseconds. */
int avs_os_now(int64_t *out_ms);

/* ---------------------------------------------------------------------------------------------
 * Files (journal, evidence)
 *
 * AvSwap's own files: the journal under %ProgramData%\AvSwap (whose folder is created with a
 * protected DACL by the staging code) and evidence exports. PATH is an absolute UTF-8 path;
 * win32/ converts it and adds the \\?\ prefix when it is longer than MAX_PATH. A PATH that is a
 * reparse point (symbolic link, junction, mount point) is refused with AVS_EUNSAFE: a planted
 * link must not redirect AvSwap's writes.
 * ------------------------------------------------------------------------------------------- */

/* Reads the whole file at PATH into *out, malloc'd (free() it), and its size in bytes into
 * *out_len. One NUL byte is stored after the data (not counted in *out_len) so text can be
 * scanned safely; the data itself may contain NUL bytes. The file is opened with
 * FILE_SHARE_READ | FILE_SHARE_WRITE so a concurrent appender is not disturbed; the bytes read
 * are a prefix of the file as it grows. AVS_ENOENT when PATH does not exist, AVS_ETOOBIG when
 * the file is larger than MAX bytes (nothing is read), AVS_EACCES when it may not be read. */
int avs_os_file_read_all(char **out, size_t *out_len, const char *path, size_t max);

/* Reads the first LEN bytes (fewer when the file is shorter: *got says how many) of the file
 * at PATH into BUF, opened as avs_os_file_read_all() opens it: what a file is, told by its
 * first bytes (a gzip evidence export) before it is handed to a reader. AVS_ENOENT, AVS_EACCES. */
int avs_os_file_read_head(void *buf, size_t len, size_t *got, const char *path);

/* Appends LEN bytes of DATA at the end of the file at PATH, creating the file when it does not
 * exist (it then inherits its folder's ACL; the folder must exist: AVS_ENOENT otherwise), and
 * flushes them to the disk (FlushFileBuffers) before returning 0: when this returns 0 the bytes
 * survive a crash or power loss. The file is opened with FILE_APPEND_DATA only and
 * FILE_SHARE_READ, so no other writer can interleave. On failure any prefix of DATA, or none,
 * may have reached the file (a torn write); core/journal.c detects and repairs that on the next
 * open. LEN 0 only creates the file. */
int avs_os_file_append_durable(const char *path, const void *data, size_t len);

/* Cuts the file at PATH to its first SIZE bytes (SetFileInformationByHandle/SetEndOfFile) and
 * flushes it. It never grows a file: AVS_EINVAL when the file is shorter than SIZE. AVS_ENOENT
 * when PATH does not exist. Used only to drop a torn last journal record. */
int avs_os_file_truncate(const char *path, uint64_t size);

/* Replaces the file at PATH (or creates it) with exactly LEN bytes of DATA so that a reader
 * sees the old content or the new, never a mix: writes PATH + ".tmp" in the same folder,
 * flushes it, then renames it over PATH with MoveFileExW(MOVEFILE_REPLACE_EXISTING |
 * MOVEFILE_WRITE_THROUGH). The temporary file is deleted on failure. */
int avs_os_file_write_atomic(const char *path, const void *data, size_t len);

/* ---------------------------------------------------------------------------------------------
 * Remediation: AvSwap's folder, staging, MSI actions, processes, services, locks
 *
 * Everything `avswap remediate` does to the machine goes through these functions. Paths are
 * absolute UTF-8. Windows Installer result codes (0, 1605, 1618, 1641, 3010, 1603, ...) are
 * returned as plain ints in *out_result: they are documented data the engine interprets
 * (core/msiresult.h), not errors of the call itself.
 * ------------------------------------------------------------------------------------------- */

/* Well-known folders of this machine, without trailing backslash ("C:\\Program Files"). */
struct avs_os_folders {
    char *program_files;     /* FOLDERID_ProgramFilesX64 (ProgramFiles on 32-bit Windows) */
    char *program_files_x86; /* FOLDERID_ProgramFilesX86 */
    char *program_data;      /* FOLDERID_ProgramData */
    char *system32;          /* the native System32 */
};

int avs_os_folders(struct avs_os_folders *out);
void avs_os_folders_free(struct avs_os_folders *f);

/* Creates PATH as a folder whose DACL is protected (no inheritance) and grants full control to
 * SYSTEM and Administrators only, set atomically at creation (CreateDirectoryW with a security
 * descriptor), then checks it is not a reparse point. When PATH already exists it must be a real
 * folder (not a reparse point: AVS_EUNSAFE) and its DACL is reset to the same protected one.
 * The parent must exist (AVS_ENOENT otherwise). */
int avs_os_mkdir_protected(const char *path);

/* Facts about PATH, without following a final reparse point. */
struct avs_os_path_facts {
    int exists;
    int is_dir;
    int reparse;   /* PATH, or any folder on the way to it, is a reparse point (link, junction,
                      mount point): a planted link could redirect what AvSwap runs or writes */
    uint64_t size; /* bytes, for files */
};

int avs_os_path_facts(struct avs_os_path_facts *out, const char *path);

/* Copies the file SRC to DST (which must not exist: AVS_EUNSAFE when it does and is a reparse
 * point; it is replaced when it is a plain file). DST's folder must be AvSwap's protected one. */
int avs_os_file_copy(const char *dst, const char *src);

/* Deletes the file at PATH; 0 when it does not exist. */
int avs_os_file_delete(const char *path);

/* An open handle on a file that denies writers (FILE_SHARE_READ only) for as long as it is held:
 * what was hashed through it is what an installer started meanwhile reads. */
typedef struct avs_os_lock avs_os_lock;

/* Opens PATH denying writers and computes its SHA-256 with BCrypt through that handle. Refuses
 * a reparse point (AVS_EUNSAFE). *out stays open until avs_os_file_unlock(). */
int avs_os_file_lock_hash(avs_os_lock **out, uint8_t sha256[32], const char *path);
void avs_os_file_unlock(avs_os_lock *lock);

/* Removes product CODE ("{GUID}") through the MSI API: MsiSetInternalUI(INSTALLUILEVEL_NONE),
 * MsiEnableLogW(verbose, LOG_PATH, flush each line), MsiConfigureProductExW(CODE,
 * INSTALLLEVEL_DEFAULT, INSTALLSTATE_ABSENT, PROPERTIES). PROPERTIES ("REBOOT=ReallySuppress
 * KLPASSWD=...") may hold secrets: it is passed in process only, never on a command line, and
 * never logged by AvSwap. *out_result receives the Windows Installer result. */
int avs_os_msi_uninstall(int *out_result, const char *code, const char *properties,
                         const char *log_path);

/* Installs the package at PACKAGE (MsiInstallProductW) silently with a verbose log at LOG_PATH;
 * *out_result receives the Windows Installer result. */
int avs_os_msi_install(int *out_result, const char *package, const char *properties,
                       const char *log_path);

/* The ProductCode and ProductName properties of the package at PACKAGE, read from its Property
 * table (MsiOpenDatabaseW, read-only). *out_name may be NULL when the package has none. */
int avs_os_msi_package_info(char **out_code, char **out_name, const char *package);

/* 1 in *out when Windows Installer knows product CODE as installed (MsiQueryProductStateW
 * INSTALLSTATE_DEFAULT), else 0. */
int avs_os_msi_installed(int *out, const char *code);

/* Runs APP (an absolute path, used as lpApplicationName: never resolved through the search
 * path) with the complete command line CMDLINE (argv[0] included, quoted by core/cmdline.h),
 * no console window, no shell, in a job object that kills the process tree when it ends or
 * TIMEOUT_MS passes (then AVS_ETIMEDOUT). *out_exit receives the exit code. */
int avs_os_process_run(int *out_exit, const char *app, const char *cmdline, uint32_t timeout_ms);

/* Per-user removal (core/peruser.h) as the user logged on with SID, never with the caller's
 * rights. avs_os_user_token_get() finds that user's logged-on session (WTSEnumerateSessionsW) and
 * takes its token (WTSQueryUserToken, which needs SYSTEM): AVS_ENOENT when the user has no
 * session or no token can be had (Wine: always), AVS_EUNSAFE when the token is elevated
 * (TokenElevationTypeFull): AvSwap never runs a program elevated for a user, nor takes a linked
 * token. Free with avs_os_user_token_free(). */
typedef struct avs_os_user_token avs_os_user_token;
int avs_os_user_token_get(avs_os_user_token **out, const char *sid);
void avs_os_user_token_free(avs_os_user_token *t);

/* Runs %SystemRoot%\System32\EXE (a file name, e.g. "msiexec.exe", never a path) with the
 * complete command line CMDLINE (argv[0] included, quoted by core/cmdline.h) as T's user
 * (CreateProcessAsUserW) on the desktop winsta0\default with the user's environment block
 * (CreateEnvironmentBlock), in a job object killed after TIMEOUT_MS (then AVS_ETIMEDOUT).
 * *out_exit receives the exit code. */
int avs_os_user_run(int *out_exit, avs_os_user_token *t, const char *exe, const char *cmdline,
                    uint32_t timeout_ms);

/* The state of service NAME (AVS_ENOENT when it does not exist) and whether it may be started
 * at all (its start type is not SERVICE_DISABLED). */
int avs_os_service_query(enum avs_svc_state *out_state, int *out_startable, const char *name);

/* Starts service NAME and waits up to TIMEOUT_MS for it to run. 0 when it runs (also when it
 * was already running), AVS_ETIMEDOUT, AVS_ENOENT, AVS_EACCES, AVS_EFAILED. */
int avs_os_service_start(const char *name, uint32_t timeout_ms);

/* AvSwap's single-instance lock: the named mutex NAME ("Global\\AvSwap.Remediate"). An
 * abandoned mutex (its holder crashed) is taken over: that is the resume case. AVS_EBUSY when
 * another process holds it. */
typedef struct avs_os_mutex avs_os_mutex;
int avs_os_mutex_acquire(avs_os_mutex **out, const char *name);
void avs_os_mutex_release(avs_os_mutex *m);

/* 1 in *out while another installation runs: the mutex Global\\_MSIExecute exists. */
int avs_os_installer_busy(int *out);

/* Free bytes available to the caller on the volume holding PATH. */
int avs_os_disk_free(uint64_t *out, const char *path);

/* Asks Windows to restart in GRACE_S seconds (InitiateShutdownW, planned, application
 * maintenance), with REASON shown to a logged-on user. */
int avs_os_reboot_request(const char *reason, uint32_t grace_s);

/* Reads a password from the console without echo (a new line ends it). AVS_EUNAVAIL when there
 * is no console to prompt on. The caller wipes it (avs_os_secure_zero) and frees it. */
int avs_os_read_password(char **out, const char *prompt);

/* Overwrites LEN bytes at P in a way the compiler may not elide (SecureZeroMemory). */
void avs_os_secure_zero(void *p, size_t len);

/* Milliseconds from a monotonic clock (for durations; unrelated to the calendar). */
int64_t avs_os_monotonic_ms(void);

void avs_os_sleep_ms(uint32_t ms);

/* LEN cryptographically random bytes (BCryptGenRandom): run IDs, backoff jitter. */
int avs_os_random(void *buf, size_t len);

/* A marker that survives until the next restart of Windows and no longer: a volatile registry
 * key (REG_OPTION_VOLATILE) HKLM\SOFTWARE\AvSwap\RebootPending\RUN_ID. Set when a removal
 * needs a restart; on the next run, its absence proves the restart happened. */
int avs_os_reboot_marker_set(const char *run_id);
int avs_os_reboot_marker_present(int *out, const char *run_id);

/* ---------------------------------------------------------------------------------------------
 * Evidence: the machine's evidence key, Event Log exports, the trust of AvSwap's folder
 * ------------------------------------------------------------------------------------------- */

/* Protects LEN bytes of DATA with DPAPI in machine scope (CryptProtectData with
 * CRYPTPROTECT_LOCAL_MACHINE | CRYPTPROTECT_UI_FORBIDDEN): the blob opens on this machine only.
 * *out (malloc'd, free() it) receives the blob, *out_len its size. */
int avs_os_dpapi_protect(unsigned char **out, size_t *out_len, const void *data, size_t len);

/* Opens a blob made by avs_os_dpapi_protect() on this machine. AVS_EMISMATCH when it does not
 * open here (another machine's, damaged). The caller wipes (avs_os_secure_zero) and frees *out. */
int avs_os_dpapi_unprotect(unsigned char **out, size_t *out_len, const void *data, size_t len);

/* What an XML reader reports, node by node, to a consumer in core (core/evxml.h). Names are
 * local names (no prefix), UTF-8. ATTRS holds N_ATTRS name/value pairs (ATTRS[2i] the name,
 * ATTRS[2i+1] the value). TEXT is the decoded text (entities resolved) of one text or CDATA
 * node, LEN bytes, not NUL-terminated. An empty element (<a/>) gives start then end. A non-zero
 * return from a callback stops the reading and is returned. */
struct avs_xml_handler {
    int (*start)(void *ctx, const char *name, const char *const *attrs, size_t n_attrs);
    int (*text)(void *ctx, const char *text, size_t len);
    int (*end)(void *ctx, const char *name);
    /* Optional (NULL: everything is reported). Asked before the attributes of the element NAME
     * that is about to start, and (NAME NULL) before a text node: 0 when the consumer has no
     * use for them, which lets a reader skip decoding them (start then gets no attributes; text
     * is not called). A reader may ignore it and report everything. A fleet's export is mostly
     * nodes that core/evxml.c drops: this spares their conversion to UTF-8. */
    int (*wants)(void *ctx, const char *name);
};

/* Reads the XML file at PATH (UTF-8 or UTF-16LE, with or without a BOM; one root element or
 * a sequence of elements with none, as `wevtutil qe /f:xml` writes) with the system's XML
 * reader (XmlLite; DTDs prohibited) and reports its nodes to H. AVS_EFORMAT when it is not
 * well-formed XML, AVS_ETOOBIG beyond MAX bytes, AVS_EUNAVAIL without XmlLite. */
int avs_os_xml_parse_file(const char *path, size_t max, const struct avs_xml_handler *h, void *ctx);

/* What avs_os_xml_stream() learnt of the file it read. */
struct avs_xml_input {
    uint64_t bytes;           /* bytes of the file read */
    unsigned char sha256[32]; /* SHA-256 of the file as read, valid when 0 is returned */
    unsigned long line;       /* on AVS_EFORMAT: where the reader stopped, 1-based, in the */
    unsigned long column;     /*   file as written (the added root element not counted) */
    char what[160];           /* on AVS_EFORMAT: why, in words ("unexpected end of file") */
};

/* Streams the XML file at PATH to H (no size limit, memory independent of the file's size),
 * the same forms as avs_os_xml_parse_file(): UTF-8 or UTF-16LE with or without a BOM, one root
 * element or none (a root element of ours is added around a file without one; it is neither
 * reported to H nor counted in line/column). INFO may be NULL. AVS_EFORMAT not well-formed (a
 * truncated file included), AVS_ENOENT, AVS_EACCES, AVS_EUNAVAIL without XmlLite, or what a
 * callback returned. */
int avs_os_xml_stream(struct avs_xml_input *info, const char *path, const struct avs_xml_handler *h,
                      void *ctx);

/* Who may have written PATH: owner_ok when its owner is SYSTEM or Administrators; dacl_ok when
 * its DACL allows nothing to anyone but SYSTEM and Administrators; dacl_protected when the DACL
 * inherits nothing from the parent (SE_DACL_PROTECTED). OWNER receives the owner's SID as text
 * ("S-1-5-32-544"). AVS_EACCES when the security descriptor may not be read (not elevated). */
struct avs_os_trust {
    int owner_ok;
    int dacl_ok;
    int dacl_protected;
    char owner[192];
};
int avs_os_path_trust(struct avs_os_trust *out, const char *path);

/* The names (not paths) of the entries of folder PATH, without "." and "..": *out is a
 * malloc'd array of malloc'd strings (avs_os_names_free). AVS_ENOENT when PATH does not exist. */
int avs_os_dir_list(char ***out, size_t *out_count, const char *path);
void avs_os_names_free(char **names, size_t count);

/* Renames the file or folder FROM to TO on the same volume (MoveFileExW, no copy, no
 * replacing: AVS_EEXIST-like failure as AVS_EIO when TO exists), taking the backup and restore
 * privileges when its DACL shuts Administrators out. Neither may be a reparse point. */
int avs_os_path_move(const char *from, const char *to);

/* ---------------------------------------------------------------------------------------------
 * Programs AvSwap runs elevated: Authenticode signature and who may write them
 * ------------------------------------------------------------------------------------------- */

/* What WinVerifyTrust (WINTRUST_ACTION_GENERIC_VERIFY_V2) says about a file. */
enum avs_sig_status {
    AVS_SIG_VALID,    /* 0: signed, the signature verifies and chains to a trusted root */
    AVS_SIG_UNSIGNED, /* TRUST_E_NOSIGNATURE (0x800B0100) and other "no signature" results */
    AVS_SIG_MODIFIED, /* TRUST_E_BAD_DIGEST (0x80096010): changed after it was signed */
    AVS_SIG_INVALID,  /* any other failure: untrusted root, expired, revoked, distrusted... */
};

struct avs_os_signature {
    enum avs_sig_status status;
    uint32_t code; /* WinVerifyTrust's result (an HRESULT), for messages */
    /* The signing certificate's subject fields (O, L, S, C), UTF-8, NULL when absent; read only
     * when status is AVS_SIG_VALID. */
    char *o, *l, *s, *c;
};

void avs_os_signature_free(struct avs_os_signature *sig);

/* An open handle on a program, denying writers and deleters (FILE_SHARE_READ only), held from
 * the signature check until the process started from it runs. */
typedef struct avs_os_held_file avs_os_held_file;

/* Opens PATH (absolute) denying writers, refusing a reparse point on the way (AVS_EUNSAFE), a
 * folder or a device (AVS_EINVAL), and checks its Authenticode signature through that handle
 * (WINTRUST_FILE_INFO.hFile), without network retrieval. Returns 0 with *OUT open (close with
 * avs_os_held_file_close, or hand it to avs_os_process_run_held) and *SIG filled whatever the
 * verdict: the caller decides. AVS_ENOENT when PATH does not exist. */
int avs_os_file_open_signed(avs_os_held_file **out, struct avs_os_signature *sig, const char *path);
void avs_os_held_file_close(avs_os_held_file *file);

/* As avs_os_process_run, with HELD (the program APP opened by avs_os_file_open_signed, or
 * NULL) kept open until the process has been created and resumed, then closed; HELD is closed
 * in every case. Between the check and the start nobody can change the file. */
int avs_os_process_run_held(int *out_exit, const char *app, const char *cmdline,
                            uint32_t timeout_ms, avs_os_held_file *held);

/* Whether only administrators can change PATH and the folders above it, up to but not
 * including TOP (a folder above PATH, e.g. ProgramData, which any user may add folders to):
 * each one's owner must be SYSTEM, Administrators or TrustedInstaller, and no ACE that applies
 * to it may grant anyone else write, append, delete, delete-child, write-DAC or write-owner (a
 * NULL DACL grants everyone everything). Returns 0 with *OUT_UNSAFE NULL when that holds, or
 * malloc'd (free() it) naming the first path where it does not. */
int avs_os_path_admin_only(char **out_unsafe, const char *path, const char *top);

#endif
