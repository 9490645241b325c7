// ownerlock — the key store (keystore.h).
#include "keystore.h"

#include <string.h>

#include "bytes.h"
#include "ownerlock/crypto.h"
#include "store/ring.h"

#define KEYS_MAGIC 0x534b4c4fu // "OLKS" little-endian
#define FLAG_DEVICE 1u
#define FLAG_LINK 2u
#define FLAG_OTC 4u
#define NO_SECTOR 0xFFu
#define OTC_AT (12 + 32 + OL_LINK_ID_BYTES)
#define OLD_RECORD_BYTES (OTC_AT + 4) // before the OTC key

_Static_assert(OL_KEYS_RECORD_BYTES % 16 == 0,
               "a record is whole words, read back 16 bytes at a time");
#define LOCK_AT (OTC_AT + OL_OTC_KEY_BYTES)
_Static_assert(LOCK_AT + 4 + 12 + 4 == OL_KEYS_RECORD_BYTES, "the record's layout");

static uint32_t sector_addr(const ol_flash *f, uint8_t sector) {
    return (OL_KEYS_FIRST_SECTOR + sector) * f->sector_size;
}

static ol_err save(ol_lock *lock, const uint8_t device_key[32],
                   const uint8_t link_id[OL_LINK_ID_BYTES], const uint8_t *otc, bool has_otc,
                   uint32_t number);

// The record in `sector`, if whole: its sequence number in *seq.
static bool read_record(const ol_flash *f, uint8_t sector, uint8_t rec[OL_KEYS_RECORD_BYTES],
                        uint32_t *seq) {
    if (f->read(f->ctx, sector_addr(f, sector), rec, OL_KEYS_RECORD_BYTES) != OL_OK) {
        return false;
    }
    *seq = get_le32(rec + 4);
    if (get_le32(rec) != KEYS_MAGIC) {
        return false;
    }
    if (get_le32(rec + OL_KEYS_RECORD_BYTES - 4) ==
        ol_ring_crc32(0, rec, OL_KEYS_RECORD_BYTES - 4)) {
        return true;
    }
    // A record of before the OTC key: no OTC key in it.
    bool old = get_le32(rec + OLD_RECORD_BYTES - 4) == ol_ring_crc32(0, rec, OLD_RECORD_BYTES - 4);
    put_le32(rec + 8, get_le32(rec + 8) & ~FLAG_OTC);
    return old;
}

ol_err ol_keystore_load(ol_lock *lock) {
    const ol_flash *f = lock->plat->flash;
    uint8_t rec[OL_KEYS_RECORD_BYTES];
    uint32_t seq[2] = {0, 0};
    bool ok[2];
    // Which sector holds the newer whole record, then that one again: one
    // record's room on the stack.
    for (uint8_t s = 0; s < 2; s++) {
        ok[s] = read_record(f, s, rec, &seq[s]);
    }
    lock->keys_sector = NO_SECTOR;
    lock->keys_seq = 0;
    lock->has_device_key = false;
    lock->has_link_id = false;
    uint8_t s = ok[0] && (!ok[1] || seq[0] > seq[1]) ? 0 : 1;
    if ((ok[0] || ok[1]) && read_record(f, s, rec, &seq[s])) {
        uint32_t flags = get_le32(rec + 8);
        lock->keys_sector = s;
        lock->keys_seq = seq[s];
        lock->has_device_key = (flags & FLAG_DEVICE) != 0;
        lock->has_link_id = (flags & FLAG_LINK) != 0;
        lock->has_otc = (flags & FLAG_OTC) != 0;
        memcpy(lock->device_key, rec + 12, 32);
        memcpy(lock->link_id, rec + 44, OL_LINK_ID_BYTES);
        memcpy(lock->otc_key, rec + OTC_AT, OL_OTC_KEY_BYTES);
        lock->otc_lock = get_le32(rec + LOCK_AT);
    }
    ol_wipe(rec, sizeof rec);
    return OL_OK;
}

ol_err ol_keystore_forget_device_key(ol_lock *lock) {
    lock->has_device_key = false;
    ol_wipe(lock->device_key, sizeof lock->device_key);
    ol_err err = save(lock, NULL, NULL, NULL, false, 0); // the OTC key too: a new lock
    const ol_flash *f = lock->plat->flash;
    return err ? err : f->erase(f->ctx, OL_KEYS_FIRST_SECTOR + (lock->keys_sector == 0 ? 1u : 0u));
}

// The next record: each key given, or the lock's; otc NULL with has_otc
// false drops the OTC key.
static ol_err save(ol_lock *lock, const uint8_t device_key[32],
                   const uint8_t link_id[OL_LINK_ID_BYTES], const uint8_t *otc, bool has_otc,
                   uint32_t number) {
    const ol_flash *f = lock->plat->flash;
    uint8_t rec[OL_KEYS_RECORD_BYTES], back[16];
    bool has_device = device_key != NULL || lock->has_device_key;
    bool has_link = link_id != NULL || lock->has_link_id;
    const uint8_t *dev = device_key ? device_key : lock->device_key;
    const uint8_t *link = link_id ? link_id : lock->link_id;
    uint32_t seq = lock->keys_seq + 1;
    uint8_t sector = lock->keys_sector == 0 ? 1 : 0;
    memset(rec, 0, sizeof rec);
    put_le32(rec, KEYS_MAGIC);
    put_le32(rec + 4, seq);
    put_le32(rec + 8, (has_device ? FLAG_DEVICE : 0) | (has_link ? FLAG_LINK : 0) |
                          (has_otc ? FLAG_OTC : 0));
    if (has_device) {
        memcpy(rec + 12, dev, 32);
    }
    if (has_link) {
        memcpy(rec + 44, link, OL_LINK_ID_BYTES);
    }
    if (has_otc) {
        memcpy(rec + OTC_AT, otc, OL_OTC_KEY_BYTES);
        put_le32(rec + LOCK_AT, number);
    }
    put_le32(rec + OL_KEYS_RECORD_BYTES - 4, ol_ring_crc32(0, rec, OL_KEYS_RECORD_BYTES - 4));
    ol_err err = f->erase(f->ctx, OL_KEYS_FIRST_SECTOR + sector);
    if (!err) {
        err = f->program(f->ctx, sector_addr(f, sector), rec, sizeof rec);
    }
    for (uint32_t at = 0; !err && at < sizeof rec; at += sizeof back) {
        err = f->read(f->ctx, sector_addr(f, sector) + at, back, sizeof back);
        if (!err && ol_ct_compare(rec + at, back, sizeof back) != 0) {
            err = OL_ERR_FLASH; // it did not take
        }
    }
    if (!err) {
        lock->keys_sector = sector;
        lock->keys_seq = seq;
        lock->has_device_key = has_device;
        lock->has_link_id = has_link;
        lock->has_otc = has_otc;
        memcpy(lock->device_key, rec + 12, 32);
        memcpy(lock->link_id, rec + 44, OL_LINK_ID_BYTES);
        memcpy(lock->otc_key, rec + OTC_AT, OL_OTC_KEY_BYTES);
        lock->otc_lock = get_le32(rec + LOCK_AT);
    }
    ol_wipe(rec, sizeof rec);
    ol_wipe(back, sizeof back);
    return err;
}

ol_err ol_keystore_save(ol_lock *lock, const uint8_t device_key[32],
                        const uint8_t link_id[OL_LINK_ID_BYTES]) {
    return save(lock, device_key, link_id, lock->otc_key, lock->has_otc, lock->otc_lock);
}

ol_err ol_keystore_save_otc(ol_lock *lock, const uint8_t key[OL_OTC_KEY_BYTES], uint32_t number) {
    return save(lock, NULL, NULL, key, key != NULL, number);
}
