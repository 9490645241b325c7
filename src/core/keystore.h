// ownerlock — the key store: the device key and the link identity, apart
// from the state store (docs/STORE.md, "The key store").
//
// OL_KEYS_SECTORS (2) sectors of the flash, from OL_KEYS_FIRST_SECTOR, which a
// port keeps where a read-out of the state and audit sectors does not reach
// (an MCU's internal flash under read-out protection; docs/PORTING.md). Each
// sector holds at most one record, at its start:
//
//   offset  bytes  field
//        0      4  magic "OLKS"
//        4      4  sequence number (the newer record has the higher)
//        8      4  flags: bit 0 the device key, bit 1 the link identity,
//                  bit 2 the OTC key
//       12     32  the device key (zeros when absent)
//       44     64  the link identity: X25519 secret and public key
//      108     32  the OTC key, for one-time codes (docs/FLEET.md)
//      140      4  the lock's number in its fleet (what the codes are of)
//      144     12  zeros
//      156      4  CRC-32 of bytes 0..155
//
// A record written before the OTC key (issue 18) ends at 108 with its CRC
// there (112 bytes); it is still read.
// A save writes the whole record into the other sector (erase, program, read
// back), so a power cut at any point leaves the previous record whole: a torn
// one fails its CRC and the newer valid one is read.
#ifndef OWNERLOCK_CORE_KEYSTORE_H
#define OWNERLOCK_CORE_KEYSTORE_H

#include <stdbool.h>
#include <stdint.h>

#include "ownerlock/lock.h"

#define OL_KEYS_RECORD_BYTES 160

// Reads the newest valid record into lock->device_key, lock->link_id and
// lock->otc_key (and their has_ flags, keys_sector, keys_seq); none is no
// error (a new lock).
ol_err ol_keystore_load(ol_lock *lock) OL_MUST_CHECK;

// Saves the device key (NULL: keep the one the lock has, if any) and the link
// identity (NULL: likewise) as the next record; only once it is durable and
// read back are they the lock's.
ol_err ol_keystore_save(ol_lock *lock, const uint8_t device_key[32],
                        const uint8_t link_id[OL_LINK_ID_BYTES]) OL_MUST_CHECK;

// The OTC key and the lock's number (key NULL: none, one-time codes off) as
// the next record, the other keys kept.
ol_err ol_keystore_save_otc(ol_lock *lock, const uint8_t key[OL_OTC_KEY_BYTES],
                            uint32_t number) OL_MUST_CHECK;

// The device key (and the OTC key) is forgotten: a record with the link identity alone, then
// the other sector (the previous record, with the key) erased. The lock keeps
// its identity on the cable, so its keypad still knows it.
ol_err ol_keystore_forget_device_key(ol_lock *lock) OL_MUST_CHECK;

#endif
