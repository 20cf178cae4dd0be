/* Shared by the harnesses: a property check that aborts (libFuzzer then saves the input). */
#ifndef AVS_FUZZ_H
#define AVS_FUZZ_H

#include <stdio.h>
#include <stdlib.h>

#define FUZZ_CHECK(c)                                                                              \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #c);               \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#endif
