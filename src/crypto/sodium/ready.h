// ownerlock — the libsodium backend's one precondition.
#ifndef OWNERLOCK_CRYPTO_SODIUM_READY_H
#define OWNERLOCK_CRYPTO_SODIUM_READY_H

#include <sodium.h>

// libsodium asks for sodium_init() before any other call. It is idempotent
// and thread-safe, so each entry point that starts a computation calls it.
// It cannot fail short of the host being unusable; then stop rather than
// compute on an uninitialised library.
static inline void sodium_ready(void) {
    if (sodium_init() < 0) {
        sodium_misuse(); // aborts
    }
}

#endif
