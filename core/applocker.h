/* AppLocker: the policy that denies the vendor's signed code before it runs (`avswap policy
 * applocker`, BOD 17-01's "discontinue future use"), and what AppLocker enforces on this machine
 * (`avswap scan`, the preflight of `avswap remediate`).
 *
 * The policy is the XML that Set-AppLockerPolicy and the Group Policy editor import. The
 * effective policy is read from the registry, where Group Policy leaves it:
 * HKLM\SOFTWARE\Policies\Microsoft\Windows\SrpV2\<Collection> with the DWORD values
 * EnforcementMode (absent: enforced when the collection has rules; 0 audit only; 1 enforced) and
 * ServiceEnforcementMode (non-zero: the services extension, rules apply to services and SYSTEM
 * too), and one subkey per rule whose REG_SZ value "Value" holds the rule's XML. */
#ifndef AVS_APPLOCKER_H
#define AVS_APPLOCKER_H

#include <stddef.h>

#include "buf.h"
#include "catalog.h"
#include "os.h"
#include "signer.h"

#define AVS_APPLOCKER_KEY "SOFTWARE\\Policies\\Microsoft\\Windows\\SrpV2"
#define AVS_APPLOCKER_SERVICE "AppIDSvc" /* Application Identity: without it nothing is enforced   \
                                          */

/* ---- generating the policy (applocker_xml.c) --------------------------------------------- */

struct avs_applocker_opts {
    int audit;    /* EnforcementMode="AuditOnly" (a pilot): denials are only logged */
    int merge;    /* no allow-everything rule: the deny rules go into an existing allowlist */
    int services; /* the services extension: rules apply to services and SYSTEM too */
    int dll;      /* a Dll collection as well (the vendor's DLLs in any process) */
};

/* Writes the policy XML (UTF-8 with an XML declaration, LF line ends) for CAT's [vendor]
 * signers to OUT: per collection (Exe, Msi, and Dll with O->dll) one publisher deny rule per
 * signer for Everyone, then, unless O->merge, one allow-everything path rule for Everyone, since
 * a collection with any rule in it denies whatever it does not allow. Rule IDs are
 * avs_applocker_rule_id() of the rule's content, so the same catalog and options give the same
 * bytes. EnforcementMode is Enabled, AuditOnly with O->audit, NotConfigured with O->merge
 * without O->audit (the estate's mode is kept on merge). AVS_EINVAL when CAT names no signer;
 * AVS_ENOMEM. OUT is appended to; on error its content is unspecified. */
int avs_applocker_policy_xml(struct avs_buf *out, const struct avs_catalog *cat,
                             const struct avs_applocker_opts *o);

/* A stable rule ID: an RFC 9562 version 8 UUID made of the first 16 bytes of the SHA-256 of
 * the N FIELDS, each followed by a NUL byte (so "a","bc" and "ab","c" differ), in lower case
 * "xxxxxxxx-xxxx-8xxx-[89ab]xxx-xxxxxxxxxxxx". */
void avs_applocker_rule_id(char out[37], const char *const *fields, size_t n);

/* ---- one rule as stored in the registry (applocker_rule.c) ------------------------------- */

/* What AvSwap needs of one rule's XML. Strings malloc'd UTF-8, entities decoded. */
struct avs_applocker_rule {
    int publisher_rule; /* a FilePublisherRule (other rule kinds never name a signer) */
    int deny;           /* Action="Deny" */
    char *sid;          /* UserOrGroupSid */
    char *publisher;    /* FilePublisherCondition: PublisherName, ProductName, BinaryName */
    char *product;
    char *binary;
    char *low; /* BinaryVersionRange LowSection / HighSection; NULL when absent */
    char *high;
};

/* Parses one rule element (<FilePublisherRule ...>, <FilePathRule ...>, <FileHashRule ...>) of
 * at most AVS_REG_VALUE_MAX bytes. A rule whose element or attributes cannot be read is
 * AVS_EFORMAT with *WHY a static sentence; AVS_ENOMEM. Free with avs_applocker_rule_free(). */
int avs_applocker_rule_parse(struct avs_applocker_rule *out, const char **why, const char *xml);
void avs_applocker_rule_free(struct avs_applocker_rule *r);

/* 1 when R is a publisher deny rule that denies every program signed by S: its PublisherName
 * is "*" or names S's organisation (and agrees with every other field both name), and its
 * ProductName, BinaryName and version range are all "*". Narrower rules (one product, one file,
 * some versions) are not counted: they do not stop the vendor's code as a whole. */
int avs_applocker_rule_covers(const struct avs_applocker_rule *r, const struct avs_signer *s);

/* ---- the effective policy on this machine (applocker_read.c) ----------------------------- */

enum avs_applocker_level {
    AVS_APPLOCKER_ABSENT,           /* no such deny rule is in effect */
    AVS_APPLOCKER_AUDIT,            /* a covering deny rule, AuditOnly: denials only logged */
    AVS_APPLOCKER_ENFORCED,         /* enforced in users' sessions (administrators' too) */
    AVS_APPLOCKER_ENFORCED_SERVICES /* and for services and SYSTEM (the services extension) */
};

/* "absent", "audit", "enforced", "enforced-including-services" (scan's `applocker` field). */
const char *avs_applocker_level_name(enum avs_applocker_level l);

struct avs_applocker_state {
    int err; /* as an inventory source: 0 read; AVS_EUNAVAIL no Application Identity service on
                this machine (nothing can be enforced); other AVS_E*: the policy could not be read
              */
    enum avs_applocker_level level;
    size_t n_rules;    /* rules read in the Exe collection */
    int covering;      /* covering deny rules in the Exe collection (any context, any mode) */
    int mode;          /* Exe EnforcementMode: -1 absent (enforced), 0 audit, else enforced */
    int services_ext;  /* Exe ServiceEnforcementMode is non-zero */
    int appid_running; /* the Application Identity service runs */
    int deny_admin;    /* enforced now, for an administrator's session */
    int deny_system;   /* enforced now, for SYSTEM (the AvSwap service) */
    char *detail;      /* one sentence for people: why the level is what it is (malloc'd) */
};

/* Reads the Exe collection of the effective policy and the Application Identity service's state
 * and decides OUT against CAT's signers. Registry data is untrusted: a rule that cannot be read
 * is reported through NOTE(CTX, key, value, problem) (may be NULL) and not counted. Only
 * AVS_ENOMEM is returned; what could not be read is in OUT->err. Free with
 * avs_applocker_state_free(). */
int avs_applocker_read(struct avs_applocker_state *out, const struct avs_catalog *cat,
                       int (*note)(void *ctx, const char *key, const char *value,
                                   const char *problem),
                       void *ctx);

void avs_applocker_state_free(struct avs_applocker_state *s);

#endif
