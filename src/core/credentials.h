// ownerlock — codes as tags, constant-time matching, and the code policy.
//
// A code is never kept: only tag = HMAC-SHA256(device key, 0x01 || n ||
// digits padded to OL_ENTRY_MAX_DIGITS), truncated to OL_TAG_BYTES. The MAC
// input has a fixed size whatever was typed, and matching compares the tag
// with every slot, enrolled or not, so time, instruction path and memory
// accesses do not depend on the entry or on the stored codes.
#ifndef OWNERLOCK_CORE_CREDENTIALS_H
#define OWNERLOCK_CORE_CREDENTIALS_H

#include <stdbool.h>
#include <stdint.h>

#include "ownerlock/config.h"

#define DEVICE_KEY_BYTES 32

// Tag of an entry of n digits (each 0..9) held in a buffer of
// OL_ENTRY_MAX_DIGITS; positions from n on are ignored, and n above the
// maximum counts as the maximum. Time and path do not depend on n or digits.
void ol_credential_tag(uint8_t tag[OL_TAG_BYTES], const uint8_t key[DEVICE_KEY_BYTES],
                       const uint8_t digits[OL_ENTRY_MAX_DIGITS], uint8_t n);
// The entry with its last digit one lower: the code whose duress code was
// typed. Constant time in digits and n.
void ol_credential_duress_variant(uint8_t out[OL_ENTRY_MAX_DIGITS],
                                  const uint8_t digits[OL_ENTRY_MAX_DIGITS], uint8_t n);

// Tag of a recovery code (OL_RECOVERY_DIGITS data digits, no check digits),
// in its own MAC domain so it can never equal a code's tag.
void ol_credential_recovery_tag(uint8_t tag[OL_TAG_BYTES], const uint8_t key[DEVICE_KEY_BYTES],
                                const uint8_t *digits);

// An entry's code, and the slots it may match. In ID mode an entry is a
// slot's two digits, then its code: the code is copied to `code` (*n digits)
// and the result has the bit of the slot the ID names (none for an ID no slot
// has, or an entry shorter than two digits). Otherwise the entry is the code
// and every slot may match. The same instructions run whatever the digits,
// the ID and the length, and in either mode.
uint32_t ol_credential_scope(uint8_t code[OL_ENTRY_MAX_DIGITS], uint8_t *n,
                             const uint8_t digits[OL_ENTRY_MAX_DIGITS], uint8_t ndigits,
                             bool id_mode);

// Bit s set for each slot s whose stored tag equals tag, masked by enrolled.
uint32_t ol_credential_match(const uint8_t tags[OL_SLOTS][OL_TAG_BYTES], uint32_t enrolled,
                             const uint8_t tag[OL_TAG_BYTES]);

// The slot of a single-bit mask, without branching on which bit it is.
uint8_t ol_credential_slot_of(uint32_t mask);

typedef enum policy_verdict {
    POLICY_OK = 0,
    POLICY_LENGTH,  // not OL_CODE_MIN_DIGITS..OL_CODE_MAX_DIGITS digits
    POLICY_TRIVIAL, // one repeated digit, or a straight run up or down
    POLICY_CLOSE,   // another enrolled code, or it with the last digit one up or down
} policy_verdict;

// May these slots hold codes under these settings? Always in ID mode, where
// a guess tests one slot. In plain mode a guess tests every code, so at most
// OL_PLAIN_MAX_CODES codes count there: each enrolled slot, and slot 00
// whether enrolled or not (a recovery may put a code there), twice with
// duress on (the code and its duress variant both open).
bool ol_codes_fit(uint32_t enrolled, bool duress, bool id_mode);

// The display text of a refusal ("CODE TOO SIMPLE", ...).
const char *ol_credential_policy_text(policy_verdict v);

// Length and triviality alone: what the digits themselves tell, nothing
// about any other code.
policy_verdict ol_credential_shape(const uint8_t digits[OL_ENTRY_MAX_DIGITS], uint8_t n);

// May this code become the code of slot `target`? Checks length and
// triviality, then MACs the code and its two variants with the last digit one
// up and one down (the duress readings) and compares them with every enrolled
// slot except target. Wipes its temporaries.
policy_verdict ol_credential_policy(const uint8_t key[DEVICE_KEY_BYTES],
                                    const uint8_t tags[OL_SLOTS][OL_TAG_BYTES], uint32_t enrolled,
                                    uint8_t target, const uint8_t digits[OL_ENTRY_MAX_DIGITS],
                                    uint8_t n);

#endif
