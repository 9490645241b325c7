// ownerlock — the ring of flash sectors shared by ol_kv and ol_log.
// Layout and recovery rules: ring.h.
#include "store/ring.h"

#include <string.h>

#define WORD OL_FLASH_WORD
#define ERASED_WORD 0xFFFFFFFFu
#define CHECK_MASK 0x7FFFFFFFu // bit 31 clear: an erased word is never a valid check
#define RECORD_MAX_BYTES (OL_RING_RECORD_OVERHEAD + ((OL_KV_MAX_VALUE + 3u) & ~3u))
#define RECORD_MAX_WORDS (RECORD_MAX_BYTES / WORD)

// ---- checksums -----------------------------------------------------------------
// Half-byte table: 64 bytes of constants instead of 1 KiB, fast enough for a
// scan of a few sectors at boot.
static const uint32_t crc32_nibble[16] = {
    0x00000000u, 0x1DB71064u, 0x3B6E20C8u, 0x26D930ACu, 0x76DC4190u, 0x6B6B51F4u,
    0x4DB26158u, 0x5005713Cu, 0xEDB88320u, 0xF00F9344u, 0xD6D6A3E8u, 0xCB61B38Cu,
    0x9B64C2B0u, 0x86D3D2D4u, 0xA00AE278u, 0xBDBDF21Cu,
};

uint32_t ol_ring_crc32(uint32_t crc, const void *data, size_t len) {
    const uint8_t *p = data;
    crc = ~crc;
    while (len--) {
        crc ^= *p++;
        crc = (crc >> 4) ^ crc32_nibble[crc & 15u];
        crc = (crc >> 4) ^ crc32_nibble[crc & 15u];
    }
    return ~crc;
}

uint32_t ol_ring_header_check(uint32_t magic, uint32_t gen, uint32_t first_seq) {
    const uint32_t words[3] = {magic, gen, first_seq};
    return ol_ring_crc32(0, words, sizeof words) & CHECK_MASK;
}

// words[0 .. body_words) of a record in a sector of generation gen.
static uint32_t record_check(uint32_t gen, const uint32_t *words, uint32_t body_words) {
    uint32_t crc = ol_ring_crc32(0, &gen, sizeof gen);
    return ol_ring_crc32(crc, words, (size_t)body_words * WORD) & CHECK_MASK;
}

static uint32_t record_head(uint8_t tag, uint16_t key, size_t len) {
    return (uint32_t)tag << 24 | (uint32_t)len << 16 | key;
}

// ---- geometry ------------------------------------------------------------------

uint32_t ol_ring_record_bytes(size_t len) {
    return OL_RING_RECORD_OVERHEAD + (((uint32_t)len + 3u) & ~3u);
}

uint32_t ol_ring_sector_addr(const ol_ring *ring, uint32_t pos) {
    return (ring->first_sector + pos) * ring->flash->sector_size;
}

bool ol_ring_has_room(const ol_ring *ring, size_t len) {
    return ring->wpos != 0 && ring->wpos + ol_ring_record_bytes(len) <= ring->flash->sector_size;
}

static uint8_t ring_tag(const ol_ring *ring) {
    return ring->magic == OL_RING_MAGIC_KV ? OL_RING_TAG_KV : OL_RING_TAG_LOG;
}

// ---- reading -------------------------------------------------------------------

typedef struct sector_header {
    uint32_t gen;
    uint32_t first_seq;
    bool valid; // magic and check match
    bool ready;
} sector_header;

static ol_err read_header(const ol_ring *ring, uint32_t pos, sector_header *hdr) {
    uint32_t words[OL_RING_HEADER_BYTES / WORD];
    ol_err err =
        ring->flash->read(ring->flash->ctx, ol_ring_sector_addr(ring, pos), words, sizeof words);
    if (err) {
        return err;
    }
    hdr->gen = words[1];
    hdr->first_seq = words[2];
    // Generation 0 means "none" in RAM and all-ones is what an erase leaves:
    // neither is ever written, so neither may count.
    hdr->valid = words[0] == ring->magic && words[1] != 0 && words[1] != ERASED_WORD &&
                 words[3] == ol_ring_header_check(words[0], words[1], words[2]);
    hdr->ready = words[OL_RING_READY_OFFSET / WORD] == OL_RING_READY;
    return OL_OK;
}

// Reads the record at addr (a sector of generation gen ending at sector_end).
// *valid is false, with OL_OK, for anything that is not a whole, matching
// record: that is what a torn or erased area looks like.
// With check_seq, the record must also carry seq.
static ol_err parse_record(const ol_ring *ring, uint32_t addr, uint32_t sector_end, uint32_t gen,
                           bool check_seq, uint32_t seq, ol_ring_record *rec,
                           uint32_t words[RECORD_MAX_WORDS], bool *valid) {
    const ol_flash *flash = ring->flash;
    *valid = false;
    if (sector_end - addr < OL_RING_RECORD_OVERHEAD) {
        return OL_OK;
    }
    ol_err err = flash->read(flash->ctx, addr, words, 2 * WORD);
    if (err) {
        return err;
    }
    uint32_t head = words[0];
    uint32_t len = head >> 16 & 0xFFu;
    if ((head >> 24) != ring_tag(ring) || len > OL_KV_MAX_VALUE) {
        return OL_OK;
    }
    uint32_t bytes = ol_ring_record_bytes(len);
    if (sector_end - addr < bytes) {
        return OL_OK;
    }
    if (check_seq && words[1] != seq) {
        return OL_OK;
    }
    err = flash->read(flash->ctx, addr + 2 * WORD, &words[2], bytes - 2 * WORD);
    if (err) {
        return err;
    }
    uint32_t body_words = bytes / WORD - 1;
    if (words[body_words] != record_check(gen, words, body_words)) {
        return OL_OK;
    }
    rec->addr = addr;
    rec->seq = words[1];
    rec->key = (uint16_t)(head & 0xFFFFu);
    rec->len = (uint16_t)len;
    *valid = true;
    return OL_OK;
}

ol_err ol_ring_read_record(const ol_ring *ring, uint32_t addr, uint32_t gen, ol_ring_record *rec,
                           uint8_t payload[OL_KV_MAX_VALUE]) {
    uint32_t words[RECORD_MAX_WORDS];
    uint32_t sector_size = ring->flash->sector_size;
    uint32_t sector_end = (addr / sector_size + 1) * sector_size;
    bool valid;
    ol_err err = parse_record(ring, addr, sector_end, gen, false, 0, rec, words, &valid);
    if (err) {
        return err;
    }
    if (!valid) {
        return OL_ERR_CORRUPT;
    }
    memcpy(payload, &words[2], rec->len);
    return OL_OK;
}

// True if [addr, end) reads as erased.
static ol_err area_erased(const ol_ring *ring, uint32_t addr, uint32_t end, bool *erased) {
    uint32_t chunk[16];
    *erased = true;
    while (addr < end) {
        uint32_t n = end - addr < sizeof chunk ? end - addr : (uint32_t)sizeof chunk;
        ol_err err = ring->flash->read(ring->flash->ctx, addr, chunk, n);
        if (err) {
            return err;
        }
        for (uint32_t i = 0; i < n / WORD; i++) {
            if (chunk[i] != ERASED_WORD) {
                *erased = false;
                return OL_OK;
            }
        }
        addr += n;
    }
    return OL_OK;
}

ol_err ol_ring_scan(const ol_ring *ring, uint32_t pos, ol_ring_visit visit, void *arg,
                    ol_ring_scan_result *result) {
    uint32_t words[RECORD_MAX_WORDS];
    uint32_t base = ol_ring_sector_addr(ring, pos);
    uint32_t sector_end = base + ring->flash->sector_size;
    uint32_t gen = ring->sector_gen[pos];
    uint32_t seq = ring->sector_first_seq[pos];
    uint32_t addr = base + OL_RING_HEADER_BYTES;
    uint32_t records = 0;
    for (;;) {
        ol_ring_record rec;
        bool valid;
        ol_err err = parse_record(ring, addr, sector_end, gen, true, seq, &rec, words, &valid);
        if (err) {
            return err;
        }
        if (!valid) {
            break;
        }
        if (visit) {
            err = visit(arg, &rec);
            if (err) {
                return err;
            }
        }
        addr += ol_ring_record_bytes(rec.len);
        seq++;
        records++;
    }
    result->end = addr - base;
    result->records = records;
    return area_erased(ring, addr, sector_end, &result->open);
}

ol_err ol_ring_open(ol_ring *ring, const ol_flash *flash, uint32_t first_sector, uint32_t sectors,
                    uint32_t magic) {
    if (!ring || !flash || !flash->read || !flash->program || !flash->erase) {
        return OL_ERR_ARG;
    }
    if (sectors < 2 || sectors > OL_RING_MAX_SECTORS ||
        (uint64_t)first_sector + sectors > flash->sector_count) {
        return OL_ERR_ARG;
    }
    // A sector must hold its header and the largest record, and every address
    // of the ring, one past its end included, must fit in 32 bits.
    if (flash->sector_size % WORD != 0 ||
        flash->sector_size < OL_RING_HEADER_BYTES + ol_ring_record_bytes(OL_KV_MAX_VALUE) ||
        ((uint64_t)first_sector + sectors) * flash->sector_size > UINT32_MAX) {
        return OL_ERR_ARG;
    }
    memset(ring, 0, sizeof *ring);
    ring->flash = flash;
    ring->first_sector = first_sector;
    ring->sectors = sectors;
    ring->magic = magic;
    ring->cur = sectors - 1; // so that the first sector written is position 0
    ring->next_seq = 1;
    bool tie = false;
    for (uint32_t pos = 0; pos < sectors; pos++) {
        sector_header hdr;
        ol_err err = read_header(ring, pos, &hdr);
        if (err) {
            return err;
        }
        if (!hdr.valid || !hdr.ready) {
            continue;
        }
        ring->sector_gen[pos] = hdr.gen;
        ring->sector_first_seq[pos] = hdr.first_seq;
        if (hdr.gen > ring->gen) {
            ring->gen = hdr.gen;
            ring->cur = pos;
            tie = false;
        } else if (hdr.gen == ring->gen) {
            tie = true;
        }
    }
    // Two ready sectors of one generation are never written by the store: the
    // image was tampered with or rotted, and which one is current is unknown.
    if (tie) {
        return OL_ERR_CORRUPT;
    }
    if (ring->gen != 0) {
        ring->next_seq = ring->sector_first_seq[ring->cur];
    }
    return OL_OK;
}

// ---- writing -------------------------------------------------------------------

// Every write error leaves flash in a state RAM does not know (a record or a
// ready word may have landed whole): only a rescan can tell.
static ol_err write_failed(ol_ring *ring, ol_err err) {
    ring->needs_mount = true;
    ring->wpos = 0;
    return err;
}

ol_err ol_ring_start_sector(ol_ring *ring, uint32_t *pos, uint32_t *gen) {
    const ol_flash *flash = ring->flash;
    uint32_t next = (ring->cur + 1) % ring->sectors;
    uint32_t next_gen = ring->gen + 1;
    if (next_gen == ERASED_WORD) {
        return OL_ERR_FULL; // 2^32 rotations: beyond any flash endurance
    }
    // Whatever the sector held is gone from here on, even if the erase is cut.
    ring->sector_gen[next] = 0;
    ol_err err = flash->erase(flash->ctx, ring->first_sector + next);
    if (err) {
        return write_failed(ring, err);
    }
    const uint32_t header[4] = {ring->magic, next_gen, ring->next_seq,
                                ol_ring_header_check(ring->magic, next_gen, ring->next_seq)};
    err = flash->program(flash->ctx, ol_ring_sector_addr(ring, next), header, sizeof header);
    if (err) {
        return write_failed(ring, err);
    }
    *pos = next;
    *gen = next_gen;
    return OL_OK;
}

ol_err ol_ring_program_record(ol_ring *ring, uint32_t addr, uint32_t gen, uint8_t tag, uint16_t key,
                              uint32_t seq, const void *data, size_t len) {
    const ol_flash *flash = ring->flash;
    uint32_t words[RECORD_MAX_WORDS];
    uint32_t bytes = ol_ring_record_bytes(len);
    uint32_t body_words = bytes / WORD - 1;
    memset(words, 0, bytes);
    words[0] = record_head(tag, key, len);
    words[1] = seq;
    if (len) {
        memcpy(&words[2], data, len);
    }
    words[body_words] = record_check(gen, words, body_words);
    ol_err err = flash->program(flash->ctx, addr, words, (size_t)body_words * WORD);
    if (!err) {
        err = flash->program(flash->ctx, addr + body_words * WORD, &words[body_words], WORD);
    }
    return err ? write_failed(ring, err) : OL_OK;
}

ol_err ol_ring_mark_ready(ol_ring *ring, uint32_t pos) {
    const uint32_t ready = OL_RING_READY;
    ol_err err = ring->flash->program(ring->flash->ctx,
                                      ol_ring_sector_addr(ring, pos) + OL_RING_READY_OFFSET, &ready,
                                      sizeof ready);
    return err ? write_failed(ring, err) : OL_OK;
}

void ol_ring_switch(ol_ring *ring, uint32_t pos, uint32_t gen, uint32_t first_seq, uint32_t wpos,
                    uint32_t next_seq) {
    ring->cur = pos;
    ring->gen = gen;
    ring->wpos = wpos;
    ring->next_seq = next_seq;
    ring->sector_gen[pos] = gen;
    ring->sector_first_seq[pos] = first_seq;
}

ol_err ol_ring_append(ol_ring *ring, uint8_t tag, uint16_t key, const void *data, size_t len,
                      ol_ring_record *rec) {
    if (!ol_ring_has_room(ring, len)) {
        return OL_ERR_STATE;
    }
    if (ring->next_seq == ERASED_WORD) {
        // The numbers would wrap: 2^32 records are beyond any flash
        // endurance, so only a forged image gets here. Refuse, never wrap.
        return OL_ERR_FULL;
    }
    uint32_t addr = ol_ring_sector_addr(ring, ring->cur) + ring->wpos;
    ol_err err = ol_ring_program_record(ring, addr, ring->gen, tag, key, ring->next_seq, data, len);
    if (err) {
        return err;
    }
    rec->addr = addr;
    rec->seq = ring->next_seq;
    rec->key = key;
    rec->len = (uint16_t)len;
    ring->wpos += ol_ring_record_bytes(len);
    ring->next_seq++;
    return OL_OK;
}
