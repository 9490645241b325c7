// ownerlock — one-time opening codes and close seals (docs/FLEET.md).
//
// A lock in OTC mode holds a key of its own (OL_OTC_KEY_BYTES, set through
// the service port by the owner's fleet service, never shown) and its lock
// number. The service and the lock compute the same digits from them:
//
//   code(counter, slot)          = digits(HMAC-SHA256(key, msg('C')))
//   seal(counter, slot, records) = digits(HMAC-SHA256(key, msg('S')))
//   release(counter, slot)       = digits(HMAC-SHA256(key, msg('R')))
//   msg(kind) = "ownerlock otc 1" 0x00 | kind | lock (u32 LE) | counter (u32 LE)
//               | slot | records (0 for a code and a release)
//
// digits() takes the MAC's first 2n bytes as n big-endian 16-bit numbers and
// writes each one's remainder mod 10, one digit apiece (16 bits make a digit
// 6/65536 likelier than another: negligible). No division and no long
// multiply: both take a time that depends on the operands on a Cortex-M3.
//
// The counter is the lock's count of OTC openings; the service issues the
// next one and the lock accepts a few ahead (codes issued and never used),
// never one used or older. `records` is how many audit records came after
// the opening's, the close's included: a seal for 1 says nothing happened
// between the opening and the close.
#ifndef OWNERLOCK_OTC_H
#define OWNERLOCK_OTC_H

#include <stdint.h>

#define OL_OTC_KEY_BYTES 32
#define OL_OTC_CODE_DIGITS 8
#define OL_OTC_SEAL_DIGITS 8

// The one-time code that opens lock `lock` for the person in `slot` once,
// at `counter`: OL_OTC_CODE_DIGITS digits, 0..9 each.
void ol_otc_code(uint8_t digits[OL_OTC_CODE_DIGITS], const uint8_t key[OL_OTC_KEY_BYTES],
                 uint32_t lock, uint32_t counter, uint8_t slot);

// The seal the lock shows when its bolt is thrown again after that opening,
// `records` audit records after the opening's (the close's included).
void ol_otc_seal(uint8_t digits[OL_OTC_SEAL_DIGITS], const uint8_t key[OL_OTC_KEY_BYTES],
                 uint32_t lock, uint32_t counter, uint8_t slot, uint8_t records);

// The code that releases lock `lock` from one-time codes (turns them off),
// typed by the manager in `slot` who asked through the service port; it
// takes `counter` as a one-time code does.
void ol_otc_release(uint8_t digits[OL_OTC_CODE_DIGITS], const uint8_t key[OL_OTC_KEY_BYTES],
                    uint32_t lock, uint32_t counter, uint8_t slot);

#endif
