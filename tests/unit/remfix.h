/* tests/unit/remfix.h — the fixture every remediation test starts from: a reset fake machine,
 * the built-in catalog, default options, and the products most tests put on the machine.
 * One copy for the remediation suites (remediate, remediate_exe, remediate_secrets, strength,
 * verdict), so a change to how a run is set up is made once. */
#ifndef AVS_TESTS_REMFIX_H
#define AVS_TESTS_REMFIX_H

#include <stddef.h>

#include "catalog.h"
#include "remediate.h"

#define REMFIX_KES "{5A9E0F2C-1B3D-4E5F-8A7B-0C1D2E3F4A5B}"
#define REMFIX_AGENT "{11111111-2222-3333-4444-555555555555}"

/* The run under test: the built-in catalog, its options and its result. */
extern struct avs_catalog cat;
extern struct avs_remediate_result res;
extern struct avs_remediate_opts opts;

/* .init: resets the fake machine and file system, loads the built-in catalog, sets the default
 * options (built-in catalog, 5 s busy timeout, nothing else). */
void remfix_setup(void);

/* .fini: frees the result and the catalog; expects every registry handle closed. */
void remfix_teardown(void);

/* Runs avs_remediate() into res (freeing the previous result first), asserting the call itself
 * succeeded: the outcome is in res. */
void remfix_run(void);

/* Kaspersky Endpoint Security (x64 MSI) and the Network Agent (x86 MSI), per machine. */
void remfix_kes(void);
void remfix_agent(void);

/* Microsoft Defender's service, stopped, startable. */
void remfix_defender(void);

/* How many times Windows Installer was asked to remove product CODE. */
size_t remfix_uninstall_calls_for(const char *code);

#endif
