/* Per-user products: whether the service removes one as its user or keeps reporting it.
 *
 * A product installed for one user lives in that user's hive, which the user can write: the
 * service (SYSTEM) never acts on it with its own rights. It may start the removal as that user
 * (their own non-elevated token from their logged-on session) when every rule below holds;
 * otherwise the product stays reported, with the reason. */
#ifndef AVS_PERUSER_H
#define AVS_PERUSER_H

#include <stddef.h>
#include <stdint.h>

enum avs_pu_session {
    AVS_PU_SESSION_UNKNOWN,  /* not looked up yet (the other rules are checked first) */
    AVS_PU_SESSION_NONE,     /* no logged-on session with a token for that user */
    AVS_PU_SESSION_ELEVATED, /* the session's token is a full (elevated) administrator's */
    AVS_PU_SESSION_ACTIVE,   /* a logged-on session with the user's filtered token */
};

struct avs_pu_facts {
    int catalog_allows; /* the catalog's `user-removal = yes` for the product */
    int is_msi;         /* removal through Windows Installer (not an EXE from the hive) */
    const char *code;   /* the product code as found; validated here */
    int password;       /* the catalog names password properties for the product */
    enum avs_pu_session session;
};

enum avs_pu_action {
    AVS_PU_REPORT,        /* keep reporting it; *why says why */
    AVS_PU_NEED_SESSION,  /* every other rule holds: look the session up, then decide again */
    AVS_PU_REMOVE_AS_USER /* run `msiexec.exe /x CODE /qn` as the user in their session */
};

/* The decision for one per-user finding, rules in this order: catalog, MSI, GUID, password,
 * session. *why is a static English reason for AVS_PU_REPORT, NULL otherwise. Pure. */
enum avs_pu_action avs_peruser_decide(const char **why, const struct avs_pu_facts *f);

/* The reason written when the session's token could not be had (AVS_PU_SESSION_NONE). */
/* The reason written for a protection product while no approved antivirus is verified running. */
#define AVS_PU_WHY_UNPROTECTED                                                                     \
    "no approved antivirus is verified running yet: a protection product is removed only after "   \
    "it runs"

#define AVS_PU_WHY_NO_SESSION "no session token: the user has no logged-on session to run it in"

/* How long msiexec may run as the user before its job is killed. */
#define AVS_PU_TIMEOUT_MS (30u * 60u * 1000u)

struct avs_finding;
struct avs_catalog;

struct avs_pu_summary {
    size_t seen;     /* per-user findings */
    size_t removed;  /* removed as their user (msiexec 0, 1641 or 3010) */
    size_t reported; /* left in place, event 1011 says why */
};

/* Handles one per-user finding F (F->user_sid set) under CAT: decides, and when the decision
 * is to remove, runs `msiexec.exe /x {CODE} /qn` as F's user (avs_os_user_run). Writes event
 * 1012 (removed) or 1011 (reported, with the reason). *out_removed is 1 when it was removed.
 * AVS_ENOMEM is the only error. */
int avs_peruser_handle(int *out_removed, const struct avs_finding *f, const struct avs_catalog *cat,
                       uint32_t timeout_ms);

/* Every per-user finding on the machine now (inventory and detection without 2xxx events: the
 * run before this already wrote them) through avs_peruser_handle. PROTECTED_NOW is 1 when the
 * run before this ended with an approved antivirus verified running (compliant, a restart
 * pending, or the replacement verified): without it a per-user protection product is only
 * reported (AVS_PU_WHY_UNPROTECTED), as the engine never removes a protection product first. */
int avs_peruser_pass(struct avs_pu_summary *out, const struct avs_catalog *cat, int protected_now,
                     uint32_t timeout_ms);

#endif
