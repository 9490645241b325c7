// ownerlock — key/value state on the ring: the newest ready sector holds it all.
//
// Only the newest ready sector is ever read. Its records, in order, are a
// snapshot of every live key (copied there before the sector was marked
// ready) followed by the updates appended since; the last record of a key
// wins and a zero-length record deletes it. Older sectors, and a sector a cut
// left half-erased with its old header, hold stale data and are never looked
// at: a higher generation always wins.
#include <string.h>

#include "store/ring.h"

// ---- index -------------------------------------------------------------------

static void index_set(ol_kv *kv, uint16_t key, uint32_t addr, size_t len) {
    kv->loc[key] = len ? addr : 0;
    kv->len[key] = (uint16_t)len;
}

static ol_err index_visit(void *arg, const ol_ring_record *rec) {
    ol_kv *kv = arg;
    // The record verified, so it was written like this: a key out of range
    // is a firmware built with other limits, not a torn write.
    if (rec->key >= OL_KV_MAX_KEYS || rec->len > OL_KV_MAX_VALUE) {
        return OL_ERR_CORRUPT;
    }
    index_set(kv, rec->key, rec->addr, rec->len);
    return OL_OK;
}

// Bytes a sector holding only the live state would use, with key set to len.
static uint32_t snapshot_bytes(const ol_kv *kv, uint16_t key, size_t len) {
    uint32_t total = OL_RING_HEADER_BYTES;
    for (uint32_t k = 0; k < OL_KV_MAX_KEYS; k++) {
        size_t klen = k == key ? len : (kv->loc[k] ? kv->len[k] : 0);
        if (klen) {
            total += ol_ring_record_bytes(klen);
        }
    }
    return total;
}

// Read the live value of key (kv->loc[key] != 0), verified.
static ol_err read_value(const ol_kv *kv, uint16_t key, uint8_t value[OL_KV_MAX_VALUE],
                         size_t *len) {
    ol_ring_record rec;
    ol_err err = ol_ring_read_record(&kv->ring, kv->loc[key], kv->ring.gen, &rec, value);
    if (err) {
        return err;
    }
    if (rec.key != key || rec.len != kv->len[key]) {
        return OL_ERR_CORRUPT;
    }
    *len = rec.len;
    return OL_OK;
}

// ---- mount -------------------------------------------------------------------

ol_err ol_kv_mount(ol_kv *kv, const ol_flash *flash, uint32_t first_sector, uint32_t sectors) {
    if (!kv) {
        return OL_ERR_ARG;
    }
    memset(kv, 0, sizeof *kv);
    ol_ring *ring = &kv->ring;
    ol_err err = ol_ring_open(ring, flash, first_sector, sectors, OL_RING_MAGIC_KV);
    if (!err && ring->gen != 0) {
        ol_ring_scan_result scan;
        err = ol_ring_scan(ring, ring->cur, index_visit, kv, &scan);
        if (!err) {
            ring->wpos = scan.open ? scan.end : 0;
            ring->next_seq = ring->sector_first_seq[ring->cur] + scan.records;
        }
    }
    if (err) {
        memset(kv, 0, sizeof *kv); // unmounted: every call returns OL_ERR_STATE
    }
    return err;
}

// ---- read --------------------------------------------------------------------

ol_err ol_kv_get(const ol_kv *kv, uint16_t key, void *buf, size_t cap, size_t *len) {
    if (!kv || !len || (cap && !buf)) {
        return OL_ERR_ARG;
    }
    if (!kv->ring.flash) {
        return OL_ERR_STATE;
    }
    if (key >= OL_KV_MAX_KEYS) {
        return OL_ERR_ARG;
    }
    if (!kv->loc[key]) {
        return OL_ERR_NOT_FOUND;
    }
    uint8_t value[OL_KV_MAX_VALUE];
    size_t n;
    ol_err err = read_value(kv, key, value, &n);
    if (err) {
        return err;
    }
    *len = n;
    if (n > cap) {
        return OL_ERR_TOO_BIG;
    }
    memcpy(buf, value, n);
    return OL_OK;
}

// ---- write -------------------------------------------------------------------

// Start the next sector with the whole state, key set to (val, len), and make
// it the open one. Until its ready word is programmed the current sector stays
// the newest ready one, so a cut anywhere in here leaves the old state.
static ol_err rotate(ol_kv *kv, uint16_t key, const void *val, size_t len) {
    ol_ring *ring = &kv->ring;
    uint32_t pos, gen;
    ol_err err = ol_ring_start_sector(ring, &pos, &gen);
    if (err) {
        return err;
    }
    uint32_t base = ol_ring_sector_addr(ring, pos);
    uint32_t first_seq = ring->next_seq;
    uint32_t seq = first_seq;
    uint32_t offset = OL_RING_HEADER_BYTES;
    uint32_t new_loc[OL_KV_MAX_KEYS];
    uint16_t new_len[OL_KV_MAX_KEYS];
    for (uint32_t k = 0; k < OL_KV_MAX_KEYS; k++) {
        uint8_t value[OL_KV_MAX_VALUE];
        const void *src = value;
        size_t n = 0;
        if (k == key) {
            src = val;
            n = len;
        } else if (kv->loc[k]) {
            err = read_value(kv, (uint16_t)k, value, &n);
            if (err) {
                return err;
            }
        }
        new_loc[k] = 0;
        new_len[k] = 0;
        if (!n) {
            continue; // deleted keys are simply left out
        }
        err = ol_ring_program_record(ring, base + offset, gen, OL_RING_TAG_KV, (uint16_t)k, seq,
                                     src, n);
        if (err) {
            return err;
        }
        new_loc[k] = base + offset;
        new_len[k] = (uint16_t)n;
        offset += ol_ring_record_bytes(n);
        seq++;
    }
    err = ol_ring_mark_ready(ring, pos);
    if (err) {
        return err;
    }
    ol_ring_switch(ring, pos, gen, first_seq, offset, seq);
    memcpy(kv->loc, new_loc, sizeof new_loc);
    memcpy(kv->len, new_len, sizeof new_len);
    return OL_OK;
}

ol_err ol_kv_put(ol_kv *kv, uint16_t key, const void *val, size_t len) {
    if (!kv || (len && !val)) {
        return OL_ERR_ARG;
    }
    if (!kv->ring.flash || kv->ring.needs_mount) {
        return OL_ERR_STATE;
    }
    if (key >= OL_KV_MAX_KEYS) {
        return OL_ERR_ARG;
    }
    if (len > OL_KV_MAX_VALUE) {
        return OL_ERR_TOO_BIG;
    }
    // The whole state must always fit one sector, or the next rotation could
    // not copy it: refuse the put that would make it too big.
    if (snapshot_bytes(kv, key, len) > kv->ring.flash->sector_size) {
        return OL_ERR_FULL;
    }
    if (!ol_ring_has_room(&kv->ring, len)) {
        return rotate(kv, key, val, len);
    }
    ol_ring_record rec;
    ol_err err = ol_ring_append(&kv->ring, OL_RING_TAG_KV, key, val, len, &rec);
    if (err) {
        return err;
    }
    index_set(kv, key, rec.addr, len);
    return OL_OK;
}

ol_err ol_kv_del(ol_kv *kv, uint16_t key) {
    return ol_kv_put(kv, key, NULL, 0);
}
