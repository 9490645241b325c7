// ownerlock — append-only audit log on the ring.
//
// The log is the run of ready sectors that ends at the newest one, going back
// in ring order while generations drop by exactly one and sequence numbers
// leave no gap. A sector that a cut left half-erased can keep its header and
// a prefix of its records; it stays in the log only if nothing is missing
// between it and the next sector, so every seq from first to next is readable.
#include <string.h>

#include "store/ring.h"

// ---- mount -------------------------------------------------------------------

static ol_err build_chain(ol_ring *ring) {
    ol_ring_scan_result scan;
    ol_err err = ol_ring_scan(ring, ring->cur, NULL, NULL, &scan);
    if (err) {
        return err;
    }
    ring->wpos = scan.open ? scan.end : 0;
    ring->next_seq = ring->sector_first_seq[ring->cur] + scan.records;

    bool in_log[OL_RING_MAX_SECTORS] = {false};
    in_log[ring->cur] = true;
    uint32_t later_first_seq = ring->sector_first_seq[ring->cur];
    uint32_t gen = ring->gen;
    for (uint32_t back = 1; back < ring->sectors; back++) {
        uint32_t pos = (ring->cur + ring->sectors - back) % ring->sectors;
        if (ring->sector_gen[pos] != gen - 1) {
            break;
        }
        err = ol_ring_scan(ring, pos, NULL, NULL, &scan);
        if (err) {
            return err;
        }
        uint32_t first_seq = ring->sector_first_seq[pos];
        // An overlap (first + records > later) is harmless: reads take the
        // newer sector. A gap means records were lost to a torn erase.
        if (first_seq > later_first_seq || first_seq + scan.records < later_first_seq) {
            break;
        }
        in_log[pos] = true;
        later_first_seq = first_seq;
        gen--;
    }
    for (uint32_t pos = 0; pos < ring->sectors; pos++) {
        if (!in_log[pos]) {
            ring->sector_gen[pos] = 0;
        }
    }
    return OL_OK;
}

ol_err ol_log_mount(ol_log *log, const ol_flash *flash, uint32_t first_sector, uint32_t sectors) {
    if (!log) {
        return OL_ERR_ARG;
    }
    memset(log, 0, sizeof *log);
    ol_err err = ol_ring_open(&log->ring, flash, first_sector, sectors, OL_RING_MAGIC_LOG);
    if (!err && log->ring.gen != 0) {
        err = build_chain(&log->ring);
    }
    if (err) {
        memset(log, 0, sizeof *log); // unmounted: every call returns OL_ERR_STATE
    }
    return err;
}

// ---- append ------------------------------------------------------------------

ol_err ol_log_append(ol_log *log, const void *rec, size_t len, uint32_t *seq) {
    if (!log || (len && !rec)) {
        return OL_ERR_ARG;
    }
    ol_ring *ring = &log->ring;
    if (!ring->flash || ring->needs_mount) {
        return OL_ERR_STATE;
    }
    if (len > OL_KV_MAX_VALUE) {
        return OL_ERR_TOO_BIG;
    }
    if (!ol_ring_has_room(ring, len)) {
        // The sector after cur is the oldest: its records leave the log here.
        // Ready at once, so a cut before the record leaves an empty sector
        // whose header still says where the sequence continues.
        uint32_t pos, gen;
        ol_err err = ol_ring_start_sector(ring, &pos, &gen);
        if (!err) {
            err = ol_ring_mark_ready(ring, pos);
        }
        if (err) {
            return err;
        }
        ol_ring_switch(ring, pos, gen, ring->next_seq, OL_RING_HEADER_BYTES, ring->next_seq);
    }
    ol_ring_record written;
    ol_err err = ol_ring_append(ring, OL_RING_TAG_LOG, 0, rec, len, &written);
    if (err) {
        return err;
    }
    if (seq) {
        *seq = written.seq;
    }
    return OL_OK;
}

// ---- read --------------------------------------------------------------------

uint32_t ol_log_first_seq(const ol_log *log) {
    if (!log || !log->ring.flash) {
        return 0;
    }
    const ol_ring *ring = &log->ring;
    uint32_t first = ring->next_seq;
    for (uint32_t pos = 0; pos < ring->sectors; pos++) {
        if (ring->sector_gen[pos] && ring->sector_first_seq[pos] < first) {
            first = ring->sector_first_seq[pos];
        }
    }
    return first;
}

uint32_t ol_log_next_seq(const ol_log *log) {
    return log && log->ring.flash ? log->ring.next_seq : 0;
}

ol_err ol_log_read(const ol_log *log, uint32_t seq, void *buf, size_t cap, size_t *len) {
    if (!log || !len || (cap && !buf)) {
        return OL_ERR_ARG;
    }
    const ol_ring *ring = &log->ring;
    if (!ring->flash) {
        return OL_ERR_STATE;
    }
    if (seq < ol_log_first_seq(log) || seq >= ring->next_seq) {
        return OL_ERR_NOT_FOUND;
    }
    // The newest sector that starts at or before seq holds it.
    uint32_t holder = ring->sectors;
    for (uint32_t pos = 0; pos < ring->sectors; pos++) {
        if (ring->sector_gen[pos] && ring->sector_first_seq[pos] <= seq &&
            (holder == ring->sectors || ring->sector_gen[pos] > ring->sector_gen[holder])) {
            holder = pos;
        }
    }
    if (holder == ring->sectors) {
        return OL_ERR_NOT_FOUND;
    }
    // Records vary in length: step over the ones before seq by their heads.
    // The mount verified them all, so a bad head here is rot, not a cut.
    uint32_t sector_end = ol_ring_sector_addr(ring, holder) + ring->flash->sector_size;
    uint32_t addr = ol_ring_sector_addr(ring, holder) + OL_RING_HEADER_BYTES;
    for (uint32_t s = ring->sector_first_seq[holder]; s != seq; s++) {
        uint32_t head;
        ol_err err = ring->flash->read(ring->flash->ctx, addr, &head, sizeof head);
        if (err) {
            return err;
        }
        uint32_t rec_len = head >> 16 & 0xFFu;
        if ((head >> 24) != OL_RING_TAG_LOG || rec_len > OL_KV_MAX_VALUE ||
            sector_end - addr < ol_ring_record_bytes(rec_len)) {
            return OL_ERR_CORRUPT;
        }
        addr += ol_ring_record_bytes(rec_len);
    }
    ol_ring_record rec;
    uint8_t payload[OL_KV_MAX_VALUE];
    ol_err err = ol_ring_read_record(ring, addr, ring->sector_gen[holder], &rec, payload);
    if (err) {
        return err;
    }
    if (rec.seq != seq) {
        return OL_ERR_CORRUPT;
    }
    *len = rec.len;
    if (rec.len > cap) {
        return OL_ERR_TOO_BIG;
    }
    memcpy(buf, payload, rec.len);
    return OL_OK;
}

// ---- capacity ----------------------------------------------------------------

// Right after a rotation the open sector holds one record, and one older
// sector may have been closed early by a cut during an append: the other
// sectors - 2 are full. Each further cut during an append within that window
// costs at most one more sector's worth.
uint32_t ol_log_capacity(const ol_log *log, size_t rec_len) {
    if (!log || !log->ring.flash || rec_len > OL_KV_MAX_VALUE) {
        return 0;
    }
    const ol_ring *ring = &log->ring;
    uint32_t per_sector =
        (ring->flash->sector_size - OL_RING_HEADER_BYTES) / ol_ring_record_bytes(rec_len);
    return (ring->sectors - 2) * per_sector;
}
