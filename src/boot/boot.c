// ownerlock — the boot area, its record and the bootloader's decisions
// (ownerlock/boot.h; docs/ARCHITECTURE.md, "The bootloader").
//
// The boot record, one per sector of the two at the end of the area, the
// newer whole one wins (as the key store, src/core/keystore.c):
//
//   offset  bytes  field
//        0      4  magic "OLBR"
//        4      4  sequence number
//        8      4  state: what the next boot does (enum below)
//       12      4  flags: owner's key pinned, accepted digest set, previous
//                  set, the last install refused
//       16      4  the lowest version allowed
//       20      4  bytes of the staged image an install copies
//       24     32  the owner's pinned Ed25519 key
//       56     32  accepted: the digest of an image the owner chose unsigned
//       88     32  previous: what `accepted` was before the install (a roll
//                  back returns to it); equal to `accepted` when idle
//      120     32  the digest of the staged image an install copies
//      152      4  zero
//      156      4  CRC-32 of bytes 0..155
#include "ownerlock/boot.h"

#include <string.h>

#include "core/bytes.h"
#include "core/fih.h"
#include "store/ring.h"

#define RECORD_MAGIC 0x52424c4fu // "OLBR" little-endian
#define RECORD_BYTES 160u
#define CHUNK 128u // bytes copied at a time

// States. Each names the step a boot resumes; every step is idempotent.
#define ST_IDLE 0u           // verify ACTIVE and run it
#define ST_INSTALL_BACKUP 1u // verify STAGED, copy ACTIVE to BACKUP
#define ST_INSTALL_COPY 2u   // copy STAGED to ACTIVE, verify it
#define ST_TRIAL 3u          // ACTIVE is new and has not confirmed itself
#define ST_ROLLBACK 4u       // copy BACKUP to ACTIVE

#define F_OWNER_KEY 1u
#define F_ACCEPTED 2u
#define F_PREV 4u
#define F_REFUSED 8u // the install asked for was not done: news for the lock body

typedef struct boot_record {
    uint32_t seq, state, flags, min_version, staged_len;
    uint8_t key[OL_ED25519_PUBLIC_BYTES];
    uint8_t accepted[OL_SHA256_BYTES];
    uint8_t prev[OL_SHA256_BYTES];
    uint8_t staged_digest[OL_SHA256_BYTES];
    uint32_t sector; // 0 or 1: where this record was read (a save goes to the other)
} boot_record;

// ---- flash geometry ---------------------------------------------------------------

static bool area_ok(const ol_boot_area *a) {
    return a != NULL && a->flash != NULL && a->flash->sector_size % OL_FLASH_WORD == 0 &&
           a->flash->sector_size >= RECORD_BYTES && a->first_sector <= a->flash->sector_count &&
           a->flash->sector_count - a->first_sector >= OL_BOOT_SECTORS;
}

static uint32_t slot_bytes(const ol_boot_area *a) {
    return OL_BOOT_SLOT_SECTORS * a->flash->sector_size;
}

static uint32_t slot_sector(const ol_boot_area *a, uint32_t slot) {
    return a->first_sector + slot * OL_BOOT_SLOT_SECTORS;
}

uint32_t ol_boot_slot_addr(const ol_boot_area *a, uint32_t slot) {
    return slot_sector(a, slot) * a->flash->sector_size;
}

static uint32_t record_sector(const ol_boot_area *a, uint32_t which) {
    return a->first_sector + 3 * OL_BOOT_SLOT_SECTORS + which;
}

typedef struct slot_reader {
    const ol_boot_area *area;
    uint32_t slot;
} slot_reader;

static ol_err read_slot(void *ctx, uint32_t offset, void *buf, size_t n) {
    const slot_reader *r = ctx;
    if (offset > slot_bytes(r->area) || n > slot_bytes(r->area) - offset) {
        return OL_ERR_ARG;
    }
    const ol_flash *f = r->area->flash;
    return f->read(f->ctx, ol_boot_slot_addr(r->area, r->slot) + offset, buf, n);
}

// The image bytes (header and body) the header in `slot` claims, if it
// parses and fits the slot; else 0. The header in *h either way.
static uint32_t image_len(const ol_boot_area *a, uint32_t slot, ol_image_header *h) {
    uint8_t hdr[OL_IMAGE_HEADER_BYTES];
    slot_reader rd = {a, slot};
    if (read_slot(&rd, 0, hdr, sizeof hdr) != OL_OK ||
        ol_image_parse(hdr, sizeof hdr, h) != OL_IMAGE_OK ||
        h->body_bytes > slot_bytes(a) - OL_IMAGE_HEADER_BYTES) {
        return 0;
    }
    return OL_IMAGE_HEADER_BYTES + h->body_bytes;
}

// ---- the record -------------------------------------------------------------------

static bool read_record(const ol_boot_area *a, uint32_t which, boot_record *r) {
    uint8_t b[RECORD_BYTES];
    const ol_flash *f = a->flash;
    if (f->read(f->ctx, record_sector(a, which) * f->sector_size, b, sizeof b) != OL_OK ||
        get_le32(b) != RECORD_MAGIC ||
        get_le32(b + RECORD_BYTES - 4) != ol_ring_crc32(0, b, RECORD_BYTES - 4)) {
        return false;
    }
    r->seq = get_le32(b + 4);
    r->state = get_le32(b + 8);
    r->flags = get_le32(b + 12);
    r->min_version = get_le32(b + 16);
    r->staged_len = get_le32(b + 20);
    memcpy(r->key, b + 24, 32);
    memcpy(r->accepted, b + 56, 32);
    memcpy(r->prev, b + 88, 32);
    memcpy(r->staged_digest, b + 120, 32);
    r->sector = which;
    return true;
}

// The newer whole record; none (a new lock): idle, nothing pinned, version 0.
static void load_record(const ol_boot_area *a, boot_record *r) {
    boot_record other;
    bool ok0 = read_record(a, 0, r);
    bool ok1 = read_record(a, 1, &other);
    if (ok1 && (!ok0 || other.seq > r->seq)) {
        *r = other;
    } else if (!ok0) {
        memset(r, 0, sizeof *r);
        r->state = ST_IDLE;
        r->sector = 1; // the first save goes to sector 0
    }
}

// Writes *r with the next sequence number into the other sector: erase,
// program, read back. A cut leaves the previous record whole.
static ol_err save_record(const ol_boot_area *a, boot_record *r) {
    uint8_t b[RECORD_BYTES], back[16];
    const ol_flash *f = a->flash;
    uint32_t which = r->sector == 0 ? 1 : 0;
    uint32_t addr = record_sector(a, which) * f->sector_size;
    memset(b, 0, sizeof b);
    put_le32(b, RECORD_MAGIC);
    put_le32(b + 4, r->seq + 1);
    put_le32(b + 8, r->state);
    put_le32(b + 12, r->flags);
    put_le32(b + 16, r->min_version);
    put_le32(b + 20, r->staged_len);
    memcpy(b + 24, r->key, 32);
    memcpy(b + 56, r->accepted, 32);
    memcpy(b + 88, r->prev, 32);
    memcpy(b + 120, r->staged_digest, 32);
    put_le32(b + RECORD_BYTES - 4, ol_ring_crc32(0, b, RECORD_BYTES - 4));
    ol_err err = f->erase(f->ctx, record_sector(a, which));
    if (!err) {
        err = f->program(f->ctx, addr, b, sizeof b);
    }
    for (uint32_t at = 0; !err && at < sizeof b; at += sizeof back) {
        err = f->read(f->ctx, addr + at, back, sizeof back);
        if (!err && memcmp(b + at, back, sizeof back) != 0) {
            err = OL_ERR_FLASH; // it did not take
        }
    }
    if (!err) {
        r->seq++;
        r->sector = which;
    }
    return err;
}

static const uint8_t *pinned_key(const boot_record *r, const uint8_t maker_key[32]) {
    return (r->flags & F_OWNER_KEY) ? r->key : maker_key;
}

// 1 if digest is one the owner accepted (now, or before the install under
// way), else 0. For the image an install brings in, only now: the digest is
// of the body alone, so an owner's earlier choice of a body is no consent to
// the same body under another header (a higher version, which would raise
// the lowest allowed and shut out the maker's next updates).
static uint32_t accepted(const boot_record *r, const uint8_t digest[OL_SHA256_BYTES],
                         bool install) {
    uint32_t now = (r->flags & F_ACCEPTED) && ol_ct_compare(digest, r->accepted, 32) == 0;
    uint32_t before = !install && (r->flags & F_PREV) && ol_ct_compare(digest, r->prev, 32) == 0;
    return now | before;
}

// ---- verification -------------------------------------------------------------------

// The image in `slot`: whole, its body's digest the header's, signed by `key`
// or accepted by digest, and not below the lowest version. OL_GRANT only if
// two independent readings say so (the signature verified twice, the digest
// and version compared twice; src/core/fih.h): one skipped instruction
// cannot make a refused image pass. Anything else is a refusal.
static uint32_t verify(const ol_boot_area *a, uint32_t slot, const boot_record *r,
                       const uint8_t key[OL_ED25519_PUBLIC_BYTES], ol_image_header *h,
                       bool install) {
    uint32_t len = image_len(a, slot, h);
    if (len == 0) {
        return OL_DENY;
    }
    slot_reader rd = {a, slot};
    uint8_t digest[OL_SHA256_BYTES];
    ol_image_status st = ol_image_check_read(read_slot, &rd, len, key, h, digest);
#ifdef OL_BOOT_TEST_SKIP_SIGNATURE
    // TEST ONLY (tests/unit/test_boot.c's self-test): the planted flaw of a
    // bootloader that takes any image whose body matches its header.
    st = st == OL_IMAGE_OTHER_KEY ? OL_IMAGE_OK : st;
#endif
    uint32_t signed1 = st == OL_IMAGE_OK;
    uint32_t body1 = (st == OL_IMAGE_OK || st == OL_IMAGE_OTHER_KEY) &&
                     ol_ct_compare(digest, h->digest, sizeof digest) == 0;
    uint32_t version1 = h->version >= r->min_version;
    uint32_t t1 = fih_token((signed1 | accepted(r, h->digest, install)) & body1 & version1);
#ifdef OL_FIH_TEST_WEAK
    // TEST ONLY (tests/fault/boot-skip.c's self-test): the verdict on one reading.
    return t1;
#endif

    uint32_t signed2 = 0;
    if (fih_opaque(signed1) != 0) {
        uint8_t hdr[OL_IMAGE_HEADER_BYTES], id[OL_IMAGE_KEY_ID_BYTES];
        ol_image_header_encode(hdr, h);
        ol_image_key_id(id, key);
        // Both evaluated, no short cut: '&' of two 0/1 words.
        signed2 =
            (uint32_t)(ol_ct_compare(id, h->key_id, sizeof id) == 0) &
            (uint32_t)(ol_ed25519_verify(h->signature, hdr, OL_IMAGE_SIGNED_BYTES, key) == OL_OK);
#ifdef OL_BOOT_TEST_SKIP_SIGNATURE
        signed2 = 1;
#endif
    }
    uint32_t body2 = ol_ct_compare(fih_opaque_ptr(digest), h->digest, sizeof digest) == 0;
    uint32_t version2 = fih_opaque(h->version) >= fih_opaque(r->min_version);
    uint32_t t2 = fih_token((signed2 | accepted(r, h->digest, install)) & body2 & version2);
    // GRANT & GRANT is GRANT; GRANT & DENY is 0; DENY & DENY is DENY.
    return fih_opaque(t1) & fih_opaque(t2);
}

// OL_GRANT if h is not older than the image in ACTIVE (or ACTIVE holds none),
// ACTIVE's header read afresh from the flash: the second, independent
// reading of the downgrade check (src/core/fih.h), so that one skipped
// instruction in the first (ACTIVE's header not read, its version not
// compared) cannot let an older image in.
static uint32_t not_older_than_active(const ol_boot_area *a, const ol_image_header *h) {
    ol_image_header act;
    uint32_t len = image_len(a, OL_BOOT_ACTIVE, &act);
    return fih_token((uint32_t)(fih_opaque(len) == 0) |
                     (uint32_t)(fih_opaque(h->version) >= fih_opaque(act.version)));
}

// ---- copies -------------------------------------------------------------------------

// Erases the sectors of slot `to` that len bytes need (one at least, so an
// empty source leaves no header behind), then copies len bytes of `from`.
static ol_err copy_slot(const ol_boot_area *a, uint32_t from, uint32_t to, uint32_t len) {
    const ol_flash *f = a->flash;
    uint32_t sectors = len == 0 ? 1 : (len + f->sector_size - 1) / f->sector_size;
    ol_err err = OL_OK;
    for (uint32_t s = 0; !err && s < sectors; s++) {
        err = f->erase(f->ctx, slot_sector(a, to) + s);
    }
    uint8_t buf[CHUNK];
    uint32_t words = (len + OL_FLASH_WORD - 1) / OL_FLASH_WORD * OL_FLASH_WORD;
    for (uint32_t at = 0; !err && at < words; at += CHUNK) {
        uint32_t n = words - at < CHUNK ? words - at : CHUNK;
        err = f->read(f->ctx, ol_boot_slot_addr(a, from) + at, buf, n);
        if (!err) {
            err = f->program(f->ctx, ol_boot_slot_addr(a, to) + at, buf, n);
        }
    }
    return err;
}

// ---- the bootloader -------------------------------------------------------------------

ol_err ol_boot_run(const ol_boot_area *a, const uint8_t maker_key[OL_ED25519_PUBLIC_BYTES],
                   ol_image_header *run) {
    memset(run, 0, sizeof *run);
    if (!area_ok(a) || maker_key == NULL) {
        return OL_ERR_ARG;
    }
    boot_record r;
    load_record(a, &r);
    const uint8_t *key = pinned_key(&r, maker_key);
    ol_image_header h, act;
    bool installed = false, repaired = false;
    uint32_t tok;
    ol_err err = OL_OK;
    // Each pass takes one step and records the next; a cut anywhere is
    // resumed from the record at the next boot. At most: install (2 steps),
    // trial, roll back, repair: bounded however the record reads.
    for (unsigned pass = 0; pass < 8 && !err; pass++) {
        switch (r.state) {
        case ST_INSTALL_BACKUP: {
            uint32_t active_len = image_len(a, OL_BOOT_ACTIVE, &act);
            tok = verify(a, OL_BOOT_STAGED, &r, key, &h, true);
            // An install is asked for by a running lock body: ACTIVE not
            // readable here is a fault (or a glitch that would let an
            // older image in unmeasured), and cancels it.
            if (tok != OL_GRANT || OL_IMAGE_HEADER_BYTES + h.body_bytes != r.staged_len ||
                ol_ct_compare(h.digest, r.staged_digest, sizeof h.digest) != 0 || active_len == 0 ||
                h.version < act.version ||
                (fih_opaque(tok) & not_older_than_active(a, &h)) != OL_GRANT) {
                // Not what was asked for: no install.
                r.state = ST_IDLE;
                r.flags =
                    (r.flags & ~F_ACCEPTED) | ((r.flags & F_PREV) ? F_ACCEPTED : 0) | F_REFUSED;
                memcpy(r.accepted, r.prev, sizeof r.accepted);
                err = save_record(a, &r);
                break;
            }
            err = copy_slot(a, OL_BOOT_ACTIVE, OL_BOOT_BACKUP, active_len);
            if (!err) {
                // Nothing below what runs now, from here on: the copy's own
                // verification (two readings) then refuses an older image
                // however this step was glitched (the bootloader's sweep:
                // 24 skips here installed v4 over v5).
                if (act.version > r.min_version) {
                    r.min_version = act.version;
                }
                r.state = ST_INSTALL_COPY;
                err = save_record(a, &r);
            }
            break;
        }
        case ST_INSTALL_COPY:
            // The state read again, from memory (src/core/fih.h): one skipped
            // instruction in the dispatch must not start a copy that
            // INSTALL_BACKUP did not check.
            if (((const boot_record *)fih_opaque_ptr(&r))->state != ST_INSTALL_COPY) {
                return OL_ERR_CORRUPT;
            }
            err = copy_slot(a, OL_BOOT_STAGED, OL_BOOT_ACTIVE, r.staged_len);
            if (!err) {
                tok = verify(a, OL_BOOT_ACTIVE, &r, key, &h, true);
                installed = tok == OL_GRANT &&
                            ol_ct_compare(h.digest, r.staged_digest, sizeof h.digest) == 0;
                r.state = installed ? ST_TRIAL : ST_ROLLBACK;
                r.flags |= installed ? 0u : F_REFUSED;
                err = save_record(a, &r);
            }
            break;
        case ST_TRIAL:
            if (installed) {
                r.state = ST_IDLE; // this boot runs it: verified below, as always
                installed = false;
                break;
            }
            // It ran and did not confirm itself: back to BACKUP, if that verifies;
            // else it is all there is, and keeps itself (its version not pinned).
            tok = verify(a, OL_BOOT_BACKUP, &r, key, &h, false);
            if (tok == OL_GRANT) {
                r.state = ST_ROLLBACK;
                r.flags |= F_REFUSED;
            } else {
                r.state = ST_IDLE;
                r.flags = (r.flags & ~F_PREV) | ((r.flags & F_ACCEPTED) ? F_PREV : 0);
                memcpy(r.prev, r.accepted, sizeof r.prev);
            }
            err = save_record(a, &r);
            break;
        case ST_ROLLBACK:
            tok = verify(a, OL_BOOT_BACKUP, &r, key, &h, false);
            if (tok == OL_GRANT) {
                err = copy_slot(a, OL_BOOT_BACKUP, OL_BOOT_ACTIVE,
                                OL_IMAGE_HEADER_BYTES + h.body_bytes);
            }
            if (!err) {
                r.state = ST_IDLE;
                r.flags = (r.flags & ~F_ACCEPTED) | ((r.flags & F_PREV) ? F_ACCEPTED : 0);
                memcpy(r.accepted, r.prev, sizeof r.accepted);
                err = save_record(a, &r);
            }
            break;
        default:; // ST_IDLE, and any state this code does not know
            // The second look below compares two values the compiler cannot
            // relate: inside `tok == OL_GRANT` it would otherwise compare the
            // token with the register that holds it (found by tests/fault's
            // boot sweep: one skipped branch then booted any image).
            uint32_t grant = fih_opaque(OL_GRANT);
            tok = verify(a, OL_BOOT_ACTIVE, &r, key, &h, false);
            uint32_t again = fih_opaque(tok);
            if (tok == OL_GRANT) {
                // A second look at the same token, and at ACTIVE's header read
                // afresh (what verify() checked is what ACTIVE holds), before
                // anything runs.
                if (again != grant || image_len(a, OL_BOOT_ACTIVE, &act) == 0 ||
                    ol_ct_compare(act.digest, h.digest, sizeof h.digest) != 0) {
                    return OL_ERR_AUTH;
                }
                memcpy(run, &h, sizeof h);
                return OL_OK;
            }
            // ACTIVE does not verify (worn, torn, tampered): repair it from
            // BACKUP, once, if BACKUP verifies.
            if (repaired || verify(a, OL_BOOT_BACKUP, &r, key, &h, false) != OL_GRANT) {
                return OL_ERR_AUTH;
            }
            repaired = true;
            r.state = ST_ROLLBACK;
            err = save_record(a, &r);
            break;
        }
    }
    return err ? err : OL_ERR_AUTH;
}

// ---- the lock body's side ------------------------------------------------------------

ol_err ol_boot_info_read(const ol_boot_area *a, const uint8_t maker_key[OL_ED25519_PUBLIC_BYTES],
                         ol_boot_info *out) {
    memset(out, 0, sizeof *out);
    if (!area_ok(a) || maker_key == NULL) {
        return OL_ERR_ARG;
    }
    boot_record r;
    load_record(a, &r);
    const uint8_t *key = pinned_key(&r, maker_key);
    out->active_ok = verify(a, OL_BOOT_ACTIVE, &r, key, &out->active, false) == OL_GRANT;
    out->trial = r.state == ST_TRIAL;
    out->min_version = r.min_version;
    memcpy(out->pinned_key, key, sizeof out->pinned_key);
    out->key_pinned_by_owner = (r.flags & F_OWNER_KEY) != 0;
    return OL_OK;
}

ol_err ol_boot_running(const ol_boot_area *a, ol_image_header *active, ol_boot_news *news) {
    memset(active, 0, sizeof *active);
    *news = OL_BOOT_NEWS_NONE;
    if (!area_ok(a)) {
        return OL_ERR_ARG;
    }
    boot_record r;
    load_record(a, &r);
    if (r.state == ST_TRIAL) {
        *news = OL_BOOT_NEWS_TRIAL;
    } else if (r.state == ST_IDLE && (r.flags & F_REFUSED)) {
        *news = OL_BOOT_NEWS_REFUSED;
    }
    return image_len(a, OL_BOOT_ACTIVE, active) != 0 ? OL_OK : OL_ERR_CORRUPT;
}

// The record, if the area is usable and no install, trial or roll back is
// under way (they own STAGED, ACTIVE and BACKUP).
static ol_err load_idle(const ol_boot_area *a, boot_record *r) {
    if (!area_ok(a)) {
        return OL_ERR_ARG;
    }
    load_record(a, r);
    return r->state == ST_IDLE ? OL_OK : OL_ERR_STATE;
}

ol_err ol_boot_stage_begin(const ol_boot_area *a) {
    boot_record r;
    ol_err err = load_idle(a, &r);
    for (uint32_t s = 0; !err && s < OL_BOOT_SLOT_SECTORS; s++) {
        err = a->flash->erase(a->flash->ctx, slot_sector(a, OL_BOOT_STAGED) + s);
    }
    return err;
}

ol_err ol_boot_stage_write(const ol_boot_area *a, uint32_t offset, const uint8_t *data,
                           size_t len) {
    boot_record r;
    ol_err err = load_idle(a, &r);
    if (err) {
        return err;
    }
    if ((len && data == NULL) || offset % OL_FLASH_WORD != 0) {
        return OL_ERR_ARG;
    }
    if (offset > slot_bytes(a) || len > slot_bytes(a) - offset) {
        return OL_ERR_TOO_BIG;
    }
    const ol_flash *f = a->flash;
    uint32_t addr = ol_boot_slot_addr(a, OL_BOOT_STAGED) + offset;
    size_t whole = len / OL_FLASH_WORD * OL_FLASH_WORD;
    if (whole) {
        err = f->program(f->ctx, addr, data, whole);
    }
    if (!err && whole < len) {
        uint8_t last[OL_FLASH_WORD];
        memset(last, 0xFF, sizeof last);
        memcpy(last, data + whole, len - whole);
        err = f->program(f->ctx, addr + (uint32_t)whole, last, sizeof last);
    }
    return err;
}

ol_image_status ol_boot_stage_check(const ol_boot_area *a, uint32_t len,
                                    const uint8_t maker_key[OL_ED25519_PUBLIC_BYTES],
                                    ol_image_header *out) {
    memset(out, 0, sizeof *out);
    if (!area_ok(a) || maker_key == NULL) {
        return OL_IMAGE_NOT_IMAGE;
    }
    boot_record r;
    load_record(a, &r);
    slot_reader rd = {a, OL_BOOT_STAGED};
    return ol_image_check_unsigned_read(read_slot, &rd, len, pinned_key(&r, maker_key), out, NULL);
}

ol_err ol_boot_request_install(const ol_boot_area *a, bool owner_chosen,
                               const uint8_t maker_key[OL_ED25519_PUBLIC_BYTES]) {
    boot_record r;
    ol_err err = load_idle(a, &r);
    if (err) {
        return err;
    }
    if (maker_key == NULL) {
        return OL_ERR_ARG;
    }
    ol_image_header h, act;
    uint32_t len = image_len(a, OL_BOOT_STAGED, &h);
    if (len == 0) {
        return OL_ERR_AUTH;
    }
    slot_reader rd = {a, OL_BOOT_STAGED};
    // Not the signature: INSTALL_BACKUP verifies it, on the bootloader's stack.
    ol_image_status st =
        ol_image_check_unsigned_read(read_slot, &rd, len, pinned_key(&r, maker_key), &h, NULL);
    if (!(st == OL_IMAGE_OK || (owner_chosen && st == OL_IMAGE_OTHER_KEY))) {
        return OL_ERR_AUTH;
    }
    if (h.version < r.min_version ||
        (image_len(a, OL_BOOT_ACTIVE, &act) != 0 && h.version < act.version)) {
        return OL_ERR_STATE; // no downgrade
    }
    // prev already equals accepted (idle); the install may change accepted.
    // Nothing below what runs now: INSTALL_BACKUP's verification of STAGED
    // (two readings) refuses an older image too.
    if (image_len(a, OL_BOOT_ACTIVE, &act) != 0 && act.version > r.min_version) {
        r.min_version = act.version;
    }
    r.state = ST_INSTALL_BACKUP;
    r.flags &= ~F_REFUSED;
    r.staged_len = len;
    memcpy(r.staged_digest, h.digest, sizeof h.digest);
    if (owner_chosen && st != OL_IMAGE_OK) {
        r.flags |= F_ACCEPTED;
        memcpy(r.accepted, h.digest, sizeof h.digest);
    } else {
        r.flags &= ~F_ACCEPTED;
        memset(r.accepted, 0, sizeof r.accepted);
    }
    return save_record(a, &r);
}

ol_err ol_boot_confirm(const ol_boot_area *a) {
    if (!area_ok(a)) {
        return OL_ERR_ARG;
    }
    boot_record r;
    load_record(a, &r);
    if (r.state == ST_IDLE && (r.flags & F_REFUSED)) {
        r.flags &= ~F_REFUSED; // the news is taken
        return save_record(a, &r);
    }
    if (r.state != ST_TRIAL) {
        return OL_OK;
    }
    ol_image_header act;
    if (image_len(a, OL_BOOT_ACTIVE, &act) != 0 && act.version > r.min_version) {
        r.min_version = act.version;
    }
    r.state = ST_IDLE;
    r.flags = (r.flags & ~F_PREV) | ((r.flags & F_ACCEPTED) ? F_PREV : 0);
    memcpy(r.prev, r.accepted, sizeof r.prev);
    return save_record(a, &r);
}

ol_err ol_boot_pin_key(const ol_boot_area *a, const uint8_t pub[OL_ED25519_PUBLIC_BYTES]) {
    boot_record r;
    ol_err err = load_idle(a, &r);
    if (err) {
        return err;
    }
    if (pub == NULL) {
        return OL_ERR_ARG;
    }
    // ACTIVE is the running image, which the bootloader verified at this
    // boot: its digest is accepted, so it stays bootable under the new key.
    ol_image_header act;
    if (image_len(a, OL_BOOT_ACTIVE, &act) != 0) {
        r.flags |= F_ACCEPTED | F_PREV;
        memcpy(r.accepted, act.digest, sizeof r.accepted);
        memcpy(r.prev, act.digest, sizeof r.prev);
    }
    r.flags |= F_OWNER_KEY;
    memcpy(r.key, pub, sizeof r.key);
    return save_record(a, &r);
}

void ol_boot_services_init(ol_boot_services *s, const ol_flash *flash, uint32_t first_sector,
                           const uint8_t maker_key[OL_ED25519_PUBLIC_BYTES]) {
    *s = (ol_boot_services)OL_BOOT_SERVICES_OF_SRC_BOOT(flash, first_sector, maker_key);
}
