// ownerlock — the one error type.
//
// Every fallible function of the library returns an ol_err; ol_err_name
// gives each value a short stable name for logs. The few results that are not
// errors have their own types and say why in their header (the link's
// per-byte outcomes, src/link/link.h and src/link/session.h; the constant-time
// comparison, crypto.h).
#ifndef OWNERLOCK_ERROR_H
#define OWNERLOCK_ERROR_H

// A result the caller must not drop: the compiler warns (and -Werror fails
// the build) when a call's value is ignored. Cast to void only where ignoring
// it is the documented intent.
#if defined(__GNUC__) || defined(__clang__)
#define OL_MUST_CHECK __attribute__((warn_unused_result))
#else
#define OL_MUST_CHECK
#endif

// OL_OK is 0; every error is negative so that `if (err)` and `if (err < 0)`
// both read naturally. Values are never renumbered (logs and tests use them).
typedef enum ol_err {
    OL_OK = 0,
    OL_ERR_ARG = -1,       // caller passed an invalid argument (a bug)
    OL_ERR_FLASH = -2,     // the flash HAL reported a failure
    OL_ERR_CORRUPT = -3,   // stored data failed its checksum or is inconsistent
    OL_ERR_NOT_FOUND = -4, // no such record / key / sequence number
    OL_ERR_FULL = -5,      // the store cannot hold what was asked
    OL_ERR_TOO_BIG = -6,   // a value or buffer exceeds its documented limit
    OL_ERR_AUTH = -7,      // a MAC or tag did not verify, or a peer's key is unusable
    OL_ERR_STATE = -8,     // the request is not valid in the current state
    OL_ERR_POWER = -9,     // the (simulated) power failed during the operation
} ol_err;

// "ok", "arg", "flash", ... ("unknown" for a value not in the enum). The
// string is static; never NULL.
const char *ol_err_name(ol_err err);

#endif
