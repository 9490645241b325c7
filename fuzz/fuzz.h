// Shared by the libFuzzer targets.
#ifndef OWNERLOCK_FUZZ_H
#define OWNERLOCK_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

// A broken property: abort, so libFuzzer keeps the input.
#define REQUIRE(cond)                                                                              \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
