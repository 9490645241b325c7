// ownerlock — the bootloader's core (ownerlock/boot.h): installs, refusals
// (tampered, other signer, truncated, lower version), an image the owner
// chose unsigned, the owner's own key, trial and roll back, repair from
// BACKUP, and a power cut at every flash program and erase of an install, of
// a roll back and of a confirm (then a boot: a verified image runs, the old
// or the new, and the record settles). Images are signed with libsodium.
//
// Built twice: test_boot, and test_boot_planted with OL_BOOT_TEST_SKIP_SIGNATURE
// (a bootloader that takes any signer), which must fail (CMakeLists.txt).
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "check.h"
#include "host.h"
#include "ownerlock/boot.h"

#define SECTORS (OL_BOOT_FIRST_SECTOR + OL_BOOT_SECTORS)
#define BODY 300u // small images: every word of a copy is a cut point

typedef struct signer {
    uint8_t pk[32], sk[64];
} signer;

typedef struct image {
    uint8_t bytes[OL_IMAGE_HEADER_BYTES + 4096];
    uint32_t len;
    uint8_t digest[32];
} image;

static signer maker, owner, stranger;

static void make_signer(signer *s, uint8_t seed_byte) {
    uint8_t seed[32];
    memset(seed, seed_byte, sizeof seed);
    CHECK_EQ(crypto_sign_seed_keypair(s->pk, s->sk, seed), 0);
}

// An image of `body` bytes (derived from tag), version v, signed by s (NULL:
// signature and key id left zero, an unsigned image).
static void make_image(image *im, uint32_t v, uint32_t body, uint8_t tag, const signer *s) {
    memset(im, 0, sizeof *im);
    uint8_t *b = im->bytes + OL_IMAGE_HEADER_BYTES;
    for (uint32_t i = 0; i < body; i++) {
        b[i] = (uint8_t)(tag * 7u + i * 13u + (i >> 8));
    }
    ol_image_header h;
    memset(&h, 0, sizeof h);
    h.version = v;
    h.body_bytes = body;
    ol_sha256(h.digest, b, body);
    if (s) {
        ol_image_key_id(h.key_id, s->pk);
    }
    ol_image_header_encode(im->bytes, &h);
    if (s) {
        crypto_sign_detached(im->bytes + 64, NULL, im->bytes, OL_IMAGE_SIGNED_BYTES, s->sk);
    }
    im->len = OL_IMAGE_HEADER_BYTES + body;
    memcpy(im->digest, h.digest, 32);
}

typedef struct rig {
    ol_hostflash hf;
    ol_boot_area area;
} rig;

static void rig_open(rig *r) {
    CHECK_EQ(ol_hostflash_open(&r->hf, NULL, OL_HOST_SECTOR_SIZE, SECTORS), OL_OK);
    r->area.flash = &r->hf.flash;
    r->area.first_sector = OL_BOOT_FIRST_SECTOR;
}

static uint32_t flash_bytes(const rig *r) {
    return r->hf.flash.sector_size * r->hf.flash.sector_count;
}

// The lock body's side: receive the image over the service port, in
// chunks, into STAGED.
static ol_err stage(rig *r, const image *im) {
    ol_err err = ol_boot_stage_begin(&r->area);
    for (uint32_t at = 0; !err && at < im->len; at += 256) {
        uint32_t n = im->len - at < 256 ? im->len - at : 256;
        err = ol_boot_stage_write(&r->area, at, im->bytes + at, n);
    }
    return err;
}

// Clears one bit at `offset` of a slot, or of the first byte after it with
// a bit to clear (an attacker, or wear).
static void tamper(rig *r, uint32_t slot, uint32_t offset) {
    uint32_t addr = ol_boot_slot_addr(&r->area, slot) + offset;
    for (;; addr++) {
        uint8_t w[4];
        CHECK_EQ(r->hf.flash.read(r->hf.flash.ctx, addr & ~3u, w, 4), OL_OK);
        uint8_t *b = &w[addr & 3u];
        if (*b != 0) {
            *b &= (uint8_t)(*b - 1u); // the lowest set bit cleared
            CHECK_EQ(r->hf.flash.program(r->hf.flash.ctx, addr & ~3u, w, 4), OL_OK);
            return;
        }
    }
}

// Writes an image straight into a slot, as a factory programmer (or an
// attacker with the flash) would.
static void place(rig *r, uint32_t slot, const image *im) {
    uint32_t first = r->area.first_sector + slot * OL_BOOT_SLOT_SECTORS;
    for (uint32_t s = 0; s < OL_BOOT_SLOT_SECTORS; s++) {
        CHECK_EQ(r->hf.flash.erase(r->hf.flash.ctx, first + s), OL_OK);
    }
    uint32_t n = (im->len + 3u) & ~3u;
    CHECK_EQ(r->hf.flash.program(r->hf.flash.ctx, ol_boot_slot_addr(&r->area, slot), im->bytes, n),
             OL_OK);
}

// A boot: OL_OK and the digest of what runs, or an error.
static ol_err boot(rig *r, uint8_t digest[32]) {
    ol_image_header run;
    ol_err err = ol_boot_run(&r->area, maker.pk, &run);
    memcpy(digest, run.digest, 32);
    return err;
}

static bool boots(rig *r, const image *im) {
    uint8_t d[32];
    return boot(r, d) == OL_OK && memcmp(d, im->digest, 32) == 0;
}

static bool trial(rig *r) {
    ol_boot_info info;
    CHECK_EQ(ol_boot_info_read(&r->area, maker.pk, &info), OL_OK);
    return info.trial;
}

// Stage, request, boot (on trial), confirm: the lock body's whole update.
static void update(rig *r, const image *im, bool owner_chosen) {
    CHECK_EQ(stage(r, im), OL_OK);
    CHECK_EQ(ol_boot_request_install(&r->area, owner_chosen, maker.pk), OL_OK);
    CHECK(boots(r, im));
    CHECK(trial(r));
    CHECK_EQ(ol_boot_confirm(&r->area), OL_OK);
    CHECK(!trial(r));
}

// A device as it leaves the factory: the first image programmed into ACTIVE
// (an install needs a running image: ol_boot_run cancels one whose ACTIVE
// cannot be read).
static void factory(rig *r, const image *im) {
    place(r, OL_BOOT_ACTIVE, im);
    CHECK(boots(r, im));
}

// ---- behaviour ---------------------------------------------------------------------

static void test_blank_and_install(void) {
    rig r;
    rig_open(&r);
    uint8_t d[32];
    ol_image_header run;
    CHECK_EQ(ol_boot_run(&r.area, maker.pk, &run), OL_ERR_AUTH); // nothing to run
    CHECK_EQ(run.body_bytes, 0);
    image v1, v2;
    make_image(&v1, 1, BODY, 1, &maker);
    make_image(&v2, 2, 3000, 2, &maker);
    factory(&r, &v1); // the first image, programmed
    CHECK(boots(&r, &v1));
    CHECK(trial(&r) == false);
    ol_image_header h;
    CHECK_EQ(stage(&r, &v2), OL_OK);
    CHECK_EQ(ol_boot_stage_check(&r.area, v2.len, maker.pk, &h), OL_IMAGE_OK);
    CHECK_EQ(h.version, 2);
    update(&r, &v2, false);
    CHECK(boots(&r, &v2)); // confirmed: stays
    CHECK(boots(&r, &v2));
    ol_boot_info info;
    CHECK_EQ(ol_boot_info_read(&r.area, maker.pk, &info), OL_OK);
    CHECK(info.active_ok && !info.trial && !info.key_pinned_by_owner);
    CHECK_EQ(info.min_version, 2);
    CHECK_EQ(info.active.version, 2);
    CHECK_MEM(info.pinned_key, maker.pk, 32);
    // Staging past the slot is refused.
    uint32_t slot = OL_BOOT_SLOT_SECTORS * OL_HOST_SECTOR_SIZE;
    CHECK_EQ(ol_boot_stage_write(&r.area, slot - 4, v1.bytes, 8), OL_ERR_TOO_BIG);
    CHECK_EQ(ol_boot_stage_write(&r.area, slot, v1.bytes, 4), OL_ERR_TOO_BIG);
    CHECK_EQ(ol_boot_stage_write(&r.area, 2, v1.bytes, 4), OL_ERR_ARG);
    (void)d;
    ol_hostflash_close(&r.hf);
}

static void test_refusals(void) {
    rig r;
    rig_open(&r);
    image v1, v2, v3, other, low;
    make_image(&v1, 5, BODY, 1, &maker);
    make_image(&v2, 6, BODY, 2, &maker);
    make_image(&other, 7, BODY, 3, &stranger);
    make_image(&low, 4, BODY, 4, &maker);
    factory(&r, &v1);
    ol_image_header h;
    // Tampered after signing: the lock body's check and the request refuse.
    CHECK_EQ(stage(&r, &v2), OL_OK);
    tamper(&r, OL_BOOT_STAGED, OL_IMAGE_HEADER_BYTES + 100);
    CHECK_EQ(ol_boot_stage_check(&r.area, v2.len, maker.pk, &h), OL_IMAGE_CORRUPT);
    CHECK_EQ(ol_boot_request_install(&r.area, false, maker.pk), OL_ERR_AUTH);
    CHECK(boots(&r, &v1));
    // Tampered after the request: the bootloader refuses and keeps v1.
    CHECK_EQ(stage(&r, &v2), OL_OK);
    CHECK_EQ(ol_boot_request_install(&r.area, false, maker.pk), OL_OK);
    tamper(&r, OL_BOOT_STAGED, OL_IMAGE_HEADER_BYTES + 5);
    CHECK(boots(&r, &v1));
    CHECK(!trial(&r));
    // Another signer.
    CHECK_EQ(stage(&r, &other), OL_OK);
    CHECK_EQ(ol_boot_stage_check(&r.area, other.len, maker.pk, &h), OL_IMAGE_OTHER_KEY);
    CHECK_EQ(ol_boot_request_install(&r.area, false, maker.pk), OL_ERR_AUTH);
    CHECK(boots(&r, &v1));
    // Truncated: fewer bytes than the header says.
    image cut = v2;
    cut.len -= 64;
    CHECK_EQ(stage(&r, &cut), OL_OK);
    CHECK_EQ(ol_boot_stage_check(&r.area, cut.len, maker.pk, &h), OL_IMAGE_TRUNCATED);
    CHECK_EQ(ol_boot_request_install(&r.area, false, maker.pk), OL_ERR_AUTH);
    CHECK(boots(&r, &v1));
    // Not an image at all.
    CHECK_EQ(ol_boot_stage_begin(&r.area), OL_OK);
    CHECK_EQ(ol_boot_request_install(&r.area, true, maker.pk), OL_ERR_AUTH);
    // A lower version, even signed, even chosen by the owner.
    CHECK_EQ(stage(&r, &low), OL_OK);
    CHECK_EQ(ol_boot_stage_check(&r.area, low.len, maker.pk, &h), OL_IMAGE_OK);
    CHECK_EQ(ol_boot_request_install(&r.area, false, maker.pk), OL_ERR_STATE);
    CHECK_EQ(ol_boot_request_install(&r.area, true, maker.pk), OL_ERR_STATE);
    CHECK(boots(&r, &v1));
    // An install under way owns the slots.
    CHECK_EQ(stage(&r, &v2), OL_OK);
    CHECK_EQ(ol_boot_request_install(&r.area, false, maker.pk), OL_OK);
    CHECK_EQ(ol_boot_stage_begin(&r.area), OL_ERR_STATE);
    CHECK_EQ(ol_boot_pin_key(&r.area, owner.pk), OL_ERR_STATE);
    CHECK(boots(&r, &v2));
    CHECK_EQ(ol_boot_stage_begin(&r.area), OL_ERR_STATE); // on trial
    CHECK_EQ(ol_boot_confirm(&r.area), OL_OK);
    // Nothing verified left: v3 unsigned in ACTIVE, BACKUP below the lowest version.
    make_image(&v3, 9, BODY, 9, NULL);
    place(&r, OL_BOOT_ACTIVE, &v3);
    uint8_t d[32];
    CHECK_EQ(boot(&r, d), OL_ERR_AUTH);
    ol_hostflash_close(&r.hf);
}

static ol_boot_news news(rig *r) {
    ol_image_header h;
    ol_boot_news n = OL_BOOT_NEWS_NONE;
    CHECK_EQ(ol_boot_running(&r->area, &h, &n), OL_OK);
    return n;
}

// An image that names the maker's key but whose signature is not his: the
// lock body's checks (which do not verify signatures: its stack has no room
// for the verifier) take it as the maker's; the bootloader verifies it at the
// install, refuses it, keeps what runs, and says so to the lock body once.
static void test_forged_signature(void) {
    rig r;
    rig_open(&r);
    image v1, forged, v3;
    make_image(&v1, 1, BODY, 1, &maker);
    make_image(&forged, 2, BODY, 2, &stranger); // signed by a stranger ...
    uint8_t maker_id[OL_IMAGE_KEY_ID_BYTES];
    ol_image_key_id(maker_id, maker.pk);
    memcpy(forged.bytes + 48, maker_id, sizeof maker_id); // ... naming the maker's key
    factory(&r, &v1);
    CHECK_EQ(news(&r), OL_BOOT_NEWS_NONE);
    ol_image_header h;
    CHECK_EQ(stage(&r, &forged), OL_OK);
    CHECK_EQ(ol_boot_stage_check(&r.area, forged.len, maker.pk, &h), OL_IMAGE_OK);
    uint8_t d[32];
    CHECK_EQ(ol_image_check(forged.bytes, forged.len, maker.pk, &h), OL_IMAGE_OTHER_KEY);
    CHECK_EQ(ol_boot_request_install(&r.area, false, maker.pk), OL_OK);
    CHECK(boots(&r, &v1)); // refused at the install: v1 runs
    CHECK(!trial(&r));
    CHECK_EQ(news(&r), OL_BOOT_NEWS_REFUSED);
    CHECK(boots(&r, &v1));
    CHECK_EQ(news(&r), OL_BOOT_NEWS_REFUSED); // said until taken
    CHECK_EQ(ol_boot_confirm(&r.area), OL_OK);
    CHECK_EQ(news(&r), OL_BOOT_NEWS_NONE);
    CHECK(boots(&r, &v1));
    // A good install afterwards: trial, then nothing to say.
    make_image(&v3, 3, BODY, 3, &maker);
    CHECK_EQ(stage(&r, &v3), OL_OK);
    CHECK_EQ(ol_boot_request_install(&r.area, false, maker.pk), OL_OK);
    CHECK(boots(&r, &v3));
    CHECK_EQ(news(&r), OL_BOOT_NEWS_TRIAL);
    CHECK_EQ(ol_boot_confirm(&r.area), OL_OK);
    CHECK_EQ(news(&r), OL_BOOT_NEWS_NONE);
    // A refusal not yet taken is cleared by the next install asked for.
    image forged4, v5;
    make_image(&forged4, 4, BODY, 4, &stranger);
    memcpy(forged4.bytes + 48, maker_id, sizeof maker_id);
    make_image(&v5, 5, BODY, 5, &maker);
    CHECK_EQ(stage(&r, &forged4), OL_OK);
    CHECK_EQ(ol_boot_request_install(&r.area, false, maker.pk), OL_OK);
    CHECK(boots(&r, &v3));
    CHECK_EQ(news(&r), OL_BOOT_NEWS_REFUSED);
    CHECK_EQ(stage(&r, &v5), OL_OK);
    CHECK_EQ(ol_boot_request_install(&r.area, false, maker.pk), OL_OK);
    CHECK(boots(&r, &v5));
    CHECK_EQ(news(&r), OL_BOOT_NEWS_TRIAL);
    (void)d;
    ol_hostflash_close(&r.hf);
}

// The owner chose an unsigned body; a manager puts the same body under a
// header of a higher version naming the maker's key (the digest, of the body
// alone, is the one accepted). The lock body offers it as the maker's; the
// bootloader must not take the owner's old choice as consent to it: refused,
// the lowest version unchanged (else the maker's next updates would be
// "older" and shut out).
static void test_accepted_body_new_header(void) {
    rig r;
    rig_open(&r);
    image v1, mine, reheaded, v3;
    make_image(&v1, 1, BODY, 1, &maker);
    make_image(&mine, 2, BODY, 2, NULL);
    factory(&r, &v1);
    update(&r, &mine, true);
    make_image(&reheaded, 900, BODY, 2, &stranger); // the same body, version 900
    CHECK_MEM(reheaded.digest, mine.digest, 32);
    uint8_t maker_id[OL_IMAGE_KEY_ID_BYTES];
    ol_image_key_id(maker_id, maker.pk);
    memcpy(reheaded.bytes + 48, maker_id, sizeof maker_id);
    CHECK_EQ(stage(&r, &reheaded), OL_OK);
    CHECK_EQ(ol_boot_request_install(&r.area, false, maker.pk), OL_OK);
    CHECK(boots(&r, &mine));
    CHECK_EQ(news(&r), OL_BOOT_NEWS_REFUSED);
    CHECK_EQ(ol_boot_confirm(&r.area), OL_OK);
    ol_boot_info info;
    CHECK_EQ(ol_boot_info_read(&r.area, maker.pk, &info), OL_OK);
    CHECK_EQ(info.active.version, 2);
    CHECK_EQ(info.min_version, 2);
    make_image(&v3, 3, BODY, 3, &maker); // the maker's next update still installs
    update(&r, &v3, false);
    ol_hostflash_close(&r.hf);
}

static void test_owner_chosen(void) {
    rig r;
    rig_open(&r);
    image v1, mine, another;
    make_image(&v1, 1, BODY, 1, &maker);
    make_image(&mine, 2, BODY, 2, NULL);         // unsigned, built by the owner
    make_image(&another, 3, BODY, 3, &stranger); // someone else's
    factory(&r, &v1);
    CHECK_EQ(stage(&r, &mine), OL_OK);
    CHECK_EQ(ol_boot_request_install(&r.area, false, maker.pk), OL_ERR_AUTH);
    update(&r, &mine, true);
    CHECK(boots(&r, &mine)); // later boots verify it by its digest
    CHECK(boots(&r, &mine));
    // Another unsigned image in its place does not run.
    place(&r, OL_BOOT_ACTIVE, &another);
    uint8_t d[32];
    CHECK_EQ(boot(&r, d), OL_ERR_AUTH);
    place(&r, OL_BOOT_ACTIVE, &mine);
    CHECK(boots(&r, &mine));
    // The maker's next release replaces it, and the digest is no longer accepted.
    image v4;
    make_image(&v4, 4, BODY, 4, &maker);
    update(&r, &v4, false);
    CHECK(boots(&r, &v4));
    place(&r, OL_BOOT_ACTIVE, &mine);
    CHECK_EQ(boot(&r, d), OL_ERR_AUTH);
    ol_hostflash_close(&r.hf);
}

static void test_owner_key(void) {
    rig r;
    rig_open(&r);
    image v1, by_maker, by_owner;
    make_image(&v1, 1, BODY, 1, &maker);
    make_image(&by_maker, 2, BODY, 2, &maker);
    make_image(&by_owner, 2, BODY, 3, &owner);
    factory(&r, &v1);
    CHECK_EQ(ol_boot_pin_key(&r.area, owner.pk), OL_OK);
    CHECK(boots(&r, &v1)); // the running image stays, by digest
    ol_boot_info info;
    CHECK_EQ(ol_boot_info_read(&r.area, maker.pk, &info), OL_OK);
    CHECK(info.key_pinned_by_owner && info.active_ok);
    CHECK_MEM(info.pinned_key, owner.pk, 32);
    ol_image_header h;
    CHECK_EQ(stage(&r, &by_maker), OL_OK);
    CHECK_EQ(ol_boot_stage_check(&r.area, by_maker.len, maker.pk, &h), OL_IMAGE_OTHER_KEY);
    CHECK_EQ(ol_boot_request_install(&r.area, false, maker.pk), OL_ERR_AUTH);
    update(&r, &by_owner, false);
    CHECK(boots(&r, &by_owner));
    ol_hostflash_close(&r.hf);
}

static void test_trial_and_repair(void) {
    rig r;
    rig_open(&r);
    image v1, v2, v1b;
    make_image(&v1, 1, BODY, 1, &maker);
    make_image(&v2, 2, BODY, 2, &maker);
    make_image(&v1b, 1, BODY + 40, 5, &maker); // same version, another build
    factory(&r, &v1);
    CHECK_EQ(stage(&r, &v2), OL_OK);
    CHECK_EQ(ol_boot_request_install(&r.area, false, maker.pk), OL_OK);
    CHECK(boots(&r, &v2));
    CHECK(trial(&r));
    CHECK(boots(&r, &v1)); // v2 did not confirm: back to v1
    CHECK(!trial(&r));
    CHECK(boots(&r, &v1));
    CHECK_EQ(ol_boot_confirm(&r.area), OL_OK); // no trial: nothing to do
    // ACTIVE worn or tampered, BACKUP good (and not below the lowest version).
    update(&r, &v1b, false);
    tamper(&r, OL_BOOT_ACTIVE, OL_IMAGE_HEADER_BYTES + 17);
    CHECK(boots(&r, &v1));
    CHECK(boots(&r, &v1));
    ol_hostflash_close(&r.hf);
}

// ---- power cuts ----------------------------------------------------------------------

static jmp_buf cut_jump;
static void on_cut(void *arg) {
    (void)arg;
    longjmp(cut_jump, 1);
}

typedef ol_err (*step_fn)(rig *r);

static ol_err step_boot(rig *r) {
    ol_image_header run;
    return ol_boot_run(&r->area, maker.pk, &run);
}
static ol_err step_request(rig *r) {
    return ol_boot_request_install(&r->area, false, maker.pk);
}
static ol_err step_confirm(rig *r) {
    return ol_boot_confirm(&r->area);
}

// From the flash in `snap`, runs `step` cut at its k-th flash operation,
// for every k until it completes; after each cut a boot must run old or
// young (a verified image, nothing else; `only_old`/`only_new` narrow it),
// and the lock then settles: confirmed, it boots the same image again and
// is not on trial. Returns the cut points tested.
static unsigned cut_everywhere(const char *what, const uint8_t *snap, step_fn step,
                               const image *old, const image *young, int expect) {
    unsigned cuts = 0, olds = 0, news = 0, bad = 0;
    for (uint64_t k = 0;; k++) {
        static rig r;
        rig_open(&r);
        memcpy(r.hf.mem, snap, flash_bytes(&r));
        uint64_t ops = ol_hostflash_ops(&r.hf);
        volatile bool cut = false;
        if (setjmp(cut_jump) == 0) {
            ol_hostflash_arm_cut(&r.hf, k, 0x5eed + k * 7919u, on_cut, NULL);
            (void)step(&r);
        } else {
            cut = true;
        }
        cut = cut || ol_hostflash_ops(&r.hf) - ops > k;
        ol_hostflash_disarm(&r.hf);
        if (!cut) {
            ol_hostflash_close(&r.hf);
            break; // k is past the step's last operation; the whole step is tested above
        }
        uint8_t d[32], again[32];
        ol_err err = boot(&r, d);
        bool is_old = err == OL_OK && memcmp(d, old->digest, 32) == 0;
        bool is_new = err == OL_OK && memcmp(d, young->digest, 32) == 0;
        bool ok =
            (expect < 0 && is_old) || (expect > 0 && is_new) || (expect == 0 && (is_old || is_new));
        // Settles: the running image keeps itself and boots again, off trial.
        CHECK_EQ(ol_boot_confirm(&r.area), OL_OK);
        ok = ok && boot(&r, again) == OL_OK && memcmp(d, again, 32) == 0 && !trial(&r);
        if (!ok) {
            bad++;
            fprintf(stderr, "%s: cut at operation %llu: %s\n", what, (unsigned long long)k,
                    err ? ol_err_name(err) : "another image");
        }
        ol_hostflash_close(&r.hf);
        cuts++;
        olds += is_old;
        news += is_new;
    }
    CHECK_EQ(bad, 0);
    printf("test_boot: %s: %u cut points, then the old image %u times, the new %u, anything "
           "else %u\n",
           what, cuts, olds, news, bad);
    return cuts;
}

static void test_power_cuts(void) {
    rig r;
    rig_open(&r);
    uint8_t *snap = malloc(flash_bytes(&r));
    CHECK(snap != NULL);
    image v1, v2;
    make_image(&v1, 1, BODY, 1, &maker);
    make_image(&v2, 2, BODY + 200, 2, &maker);
    factory(&r, &v1);
    CHECK_EQ(stage(&r, &v2), OL_OK);
    unsigned total = 0;
    // The lock body's request (old or new), then the install itself (always new).
    memcpy(snap, r.hf.mem, flash_bytes(&r));
    total += cut_everywhere("request", snap, step_request, &v1, &v2, 0);
    CHECK_EQ(ol_boot_request_install(&r.area, false, maker.pk), OL_OK);
    memcpy(snap, r.hf.mem, flash_bytes(&r));
    total += cut_everywhere("install", snap, step_boot, &v1, &v2, 1);
    // On trial: a confirm (old or new), a roll back (always old).
    CHECK(boots(&r, &v2));
    memcpy(snap, r.hf.mem, flash_bytes(&r));
    total += cut_everywhere("confirm", snap, step_confirm, &v1, &v2, 0);
    total += cut_everywhere("roll back", snap, step_boot, &v1, &v2, -1);
    // Repair of a torn ACTIVE from BACKUP (the same version).
    image v2b;
    make_image(&v2b, 2, BODY, 3, &maker);
    CHECK_EQ(ol_boot_confirm(&r.area), OL_OK);
    update(&r, &v2b, false);
    tamper(&r, OL_BOOT_ACTIVE, 3);
    memcpy(snap, r.hf.mem, flash_bytes(&r));
    total += cut_everywhere("repair", snap, step_boot, &v2, &v2b, -1);
    CHECK(total > 4 * 100);
    printf("test_boot: %u cut points in all\n", total);
    free(snap);
    ol_hostflash_close(&r.hf);
}

int main(void) {
    if (sodium_init() < 0) {
        return 1;
    }
    make_signer(&maker, 1);
    make_signer(&owner, 2);
    make_signer(&stranger, 3);
    test_blank_and_install();
    test_refusals();
    test_forged_signature();
    test_accepted_body_new_header();
    test_owner_chosen();
    test_owner_key();
    test_trial_and_repair();
    if (getenv("OL_BOOT_SKIP_CUTS") == NULL) { // the planted build's run: it fails above
        test_power_cuts();
    }
    return check_done("test_boot");
}
