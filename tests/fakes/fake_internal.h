/* Shared between the fake machine's files only; tests use fake_os.h and fake_remediate.h. */
#ifndef FAKE_INTERNAL_H
#define FAKE_INTERNAL_H

#include "os.h"

/* realloc and strdup that abort on failure: a test double may; core code under test never
 * relies on them. fake_xstrdup(NULL) is NULL. */
void *fake_xrealloc(void *p, size_t n);
char *fake_xstrdup(const char *s);

/* Removes product CODE from the MSI list (case-insensitive); 1 when it was there. */
int fake_msi_remove(const char *code);
/* 1 when product CODE is in the MSI list. */
int fake_msi_has(const char *code);
/* The service NAME, or NULL. */
struct avs_os_service *fake_service_find(const char *name);
void fake_service_remove(const char *name);
void fake_remediate_reset(void);
void fake_signature_reset(void); /* fake_signature.c, called by fake_remediate_reset */
/* Advances the calendar clock (avs_os_now). */
void fake_advance(int64_t ms);

#endif
