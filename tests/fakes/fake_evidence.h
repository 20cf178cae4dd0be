/* tests/fakes/fake_evidence — the fake machine's DPAPI, XML reader, folder trust, folder
 * listing and renames (the "Evidence" section of core/os.h), over tests/fakes/fake_fs.
 *
 * DPAPI: a blob is "FAKEDPAPI" followed by the data XOR 0x5a; any other blob does not open
 * (AVS_EMISMATCH), as another machine's would not. Trust: every path is owned by
 * Administrators with a protected DACL unless fake_evidence_distrust() says otherwise. Folders
 * are implicit: a path is listed by avs_os_dir_list when a file lies under it. */
#ifndef AVS_FAKE_EVIDENCE_H
#define AVS_FAKE_EVIDENCE_H

void fake_evidence_reset(void);

/* PATH (exact) is owned by OWNER_SID (owner_ok = 0 unless it is S-1-5-18 or S-1-5-32-544)
 * and its DACL is trusted when DACL_OK. */
void fake_evidence_distrust(const char *path, const char *owner_sid, int dacl_ok);

/* The next call of avs_os_path_trust fails with ERR (AVS_EACCES: not elevated). 0 cancels. */
void fake_evidence_trust_fail(int err);

/* The next avs_os_dpapi_protect / unprotect call fails with ERR. 0 cancels. */
void fake_evidence_dpapi_fail(int err);

/* The next avs_os_path_move fails with ERR. 0 cancels. */
void fake_evidence_move_fail(int err);

#endif
