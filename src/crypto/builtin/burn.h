// ownerlock — built-in crypto: clearing the stack below a secret computation.
//
// Registers a function saved and values it spilled (limbs of a secret, a
// keystream word) stay on the stack after it returns, where no C variable
// names them. So the work runs in a frame of its own (OL_NOINLINE), and a
// burner made by OL_STACK_BURNER then overwrites at least as deep as it went,
// with volatile stores (as in ol_wipe): none may be dropped.
#ifndef OWNERLOCK_CRYPTO_BURN_H
#define OWNERLOCK_CRYPTO_BURN_H

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define OL_NOINLINE __attribute__((noinline))
#else
#define OL_NOINLINE
#endif

// static void name(void): clears `bytes` of stack below its caller.
#define OL_STACK_BURNER(name, bytes)                                                               \
    OL_NOINLINE static void name(void) {                                                           \
        uint32_t scratch[(bytes) / 4];                                                             \
        volatile uint32_t *w = scratch;                                                            \
        for (size_t i = 0; i < (bytes) / 4; i++) {                                                 \
            w[i] = 0;                                                                              \
        }                                                                                          \
    }

#endif
