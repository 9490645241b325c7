// ownerlock — the key store (src/core/keystore.h): records read back as
// saved, the newer of two wins, a power cut at every flash operation of a
// save (each tear pattern) leaves the old keys or the new, never a mix or
// none; and a lock whose keys are still in the state store (before the key
// store) moves them out at boot, a cut in the move included, and still opens
// with its code.
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "core/keystore.h"
#include "core/persist.h"
#include "rig.h"
#include "store/ring.h"
#include "store/store.h"

typedef struct keys {
    bool has_dev, has_link;
    uint8_t dev[32], link[OL_LINK_ID_BYTES];
} keys;

static void keys_of(const ol_lock *l, keys *k) {
    memset(k, 0, sizeof *k);
    k->has_dev = l->has_device_key;
    k->has_link = l->has_link_id;
    if (k->has_dev) {
        memcpy(k->dev, l->device_key, 32);
    }
    if (k->has_link) {
        memcpy(k->link, l->link_id, OL_LINK_ID_BYTES);
    }
}

static bool same(const keys *a, const keys *b) {
    return memcmp(a, b, sizeof *a) == 0;
}

// A lock struct that only reads and writes the key store of `hf`.
static void bare(ol_lock *l, ol_platform *p, ol_hostflash *hf) {
    memset(l, 0, sizeof *l);
    memset(p, 0, sizeof *p);
    p->flash = &hf->flash;
    l->plat = p;
}

static void fill(uint8_t *b, size_t n, uint8_t seed) {
    for (size_t i = 0; i < n; i++) {
        b[i] = (uint8_t)(seed + 31u * i);
    }
}

static void test_round_trip(void) {
    ol_hostflash hf;
    CHECK_EQ(ol_hostflash_open(&hf, NULL, OL_HOST_SECTOR_SIZE, OL_HOST_SECTORS), OL_OK);
    ol_lock l;
    ol_platform p;
    bare(&l, &p, &hf);
    CHECK_EQ(ol_keystore_load(&l), OL_OK); // blank: none, no error
    CHECK(!l.has_device_key && !l.has_link_id);
    uint8_t link[OL_LINK_ID_BYTES], dev[32], dev2[32];
    fill(link, sizeof link, 1);
    fill(dev, sizeof dev, 2);
    fill(dev2, sizeof dev2, 3);
    CHECK_EQ(ol_keystore_save(&l, NULL, link), OL_OK); // the link identity first, as at first boot
    CHECK_EQ(ol_keystore_save(&l, dev, NULL), OL_OK);  // then commissioning: the link kept
    CHECK_EQ(ol_keystore_save(&l, dev2, NULL), OL_OK); // a second commissioning
    ol_lock back;
    bare(&back, &p, &hf);
    CHECK_EQ(ol_keystore_load(&back), OL_OK);
    CHECK(back.has_device_key && back.has_link_id);
    CHECK_MEM(back.device_key, dev2, 32);
    CHECK_MEM(back.link_id, link, OL_LINK_ID_BYTES);
    CHECK_EQ(back.keys_seq, 3);
    ol_hostflash_close(&hf);
}

// A save cut at its k-th flash operation, for every k, three tear patterns.
static void test_power_cuts(void) {
    unsigned cuts = 0, old_kept = 0, new_kept = 0, bad = 0;
    for (uint64_t tear = 0; tear < 3; tear++) {
        for (uint64_t k = 0;; k++) {
            ol_hostflash hf;
            CHECK_EQ(ol_hostflash_open(&hf, NULL, OL_HOST_SECTOR_SIZE, OL_HOST_SECTORS), OL_OK);
            ol_lock l;
            ol_platform p;
            bare(&l, &p, &hf);
            uint8_t link[OL_LINK_ID_BYTES], dev[32];
            fill(link, sizeof link, 7);
            fill(dev, sizeof dev, 9);
            CHECK_EQ(ol_keystore_save(&l, NULL, link), OL_OK);
            CHECK_EQ(ol_keystore_save(&l, dev, NULL), OL_OK);
            keys before, after, want;
            keys_of(&l, &before);
            fill(dev, sizeof dev, 11);
            want = before;
            memcpy(want.dev, dev, 32);
            uint64_t ops = ol_hostflash_ops(&hf);
            ol_hostflash_arm_cut(&hf, k, tear * 7919u + k, NULL, NULL);
            ol_err err = ol_keystore_save(&l, dev, NULL);
            bool was_cut = ol_hostflash_ops(&hf) - ops > k || err != OL_OK;
            ol_hostflash_disarm(&hf);
            ol_lock back;
            bare(&back, &p, &hf);
            CHECK_EQ(ol_keystore_load(&back), OL_OK);
            keys_of(&back, &after);
            bool is_old = same(&after, &before), is_new = same(&after, &want);
            bad += !(is_old || is_new) || (err == OL_OK && !is_new);
            ol_hostflash_close(&hf);
            if (!was_cut) {
                break; // k is past the save's last operation
            }
            cuts++;
            old_kept += is_old;
            new_kept += is_new;
        }
    }
    CHECK_EQ(bad, 0);
    CHECK(cuts > 3 * 20); // an erase and 28 words each time
    printf("test_keystore: %u cuts in a save: the old keys %u times, the new %u, a mix or none "
           "%u times\n",
           cuts, old_kept, new_kept, bad);
}

// A store from before the key store: the device key and the link identity
// in the state store. Boot moves them (cut at every operation of the move,
// once), and the code still opens.
static void test_move_out(void) {
    unsigned cuts = 0;
    for (uint64_t k = 0;; k++) {
        rig r;
        CHECK_EQ(rig_init(&r, 5), OL_OK);
        rig_keys(&r, "502550#502550#");
        rig_wait(&r, 3500);
        CHECK(rig_recovery_ack(&r, NULL));
        rig_wait(&r, 3500);
        rig_door(&r, false);
        rig_wait(&r, 2500);
        CHECK(rig_status(&r).commissioned);
        uint8_t dev[32], link[OL_LINK_ID_BYTES];
        memcpy(dev, r.lock.device_key, 32);
        fill(link, sizeof link, 13);
        // Back to the old layout: the keys in the state store, the key store blank.
        ol_lock_shutdown(&r.lock);
        ol_kv kv;
        CHECK_EQ(ol_kv_mount(&kv, &r.hf.flash, OL_STATE_FIRST_SECTOR, OL_STATE_SECTORS), OL_OK);
        CHECK_EQ(ol_kv_put(&kv, KEY_DEVICE, dev, 32), OL_OK);
        CHECK_EQ(ol_kv_put(&kv, KEY_LINK_ID, link, OL_LINK_ID_BYTES), OL_OK);
        for (uint32_t s = 0; s < OL_KEYS_SECTORS; s++) {
            CHECK_EQ(r.hf.flash.erase(r.hf.flash.ctx, OL_KEYS_FIRST_SECTOR + s), OL_OK);
        }
        // A boot cut at its k-th operation, then a whole one.
        uint64_t ops = ol_hostflash_ops(&r.hf);
        ol_hostflash_arm_cut(&r.hf, k, k, NULL, NULL);
        r.t += 1000;
        (void)rig_boot(&r);
        bool was_cut = ol_hostflash_ops(&r.hf) - ops > k;
        ol_hostflash_disarm(&r.hf);
        ol_lock_shutdown(&r.lock);
        r.t += 1000;
        CHECK_EQ(rig_boot(&r), OL_OK);
        CHECK(r.lock.has_device_key && r.lock.has_link_id);
        CHECK_MEM(r.lock.device_key, dev, 32);
        CHECK_MEM(r.lock.link_id, link, OL_LINK_ID_BYTES);
        size_t len;
        uint8_t buf[OL_KV_MAX_VALUE];
        CHECK_EQ(ol_kv_mount(&kv, &r.hf.flash, OL_STATE_FIRST_SECTOR, OL_STATE_SECTORS), OL_OK);
        CHECK_EQ(ol_kv_get(&kv, KEY_DEVICE, buf, sizeof buf, &len), OL_ERR_NOT_FOUND);
        CHECK_EQ(ol_kv_get(&kv, KEY_LINK_ID, buf, sizeof buf, &len), OL_ERR_NOT_FOUND);
        rig_wait(&r, 1000);
        rig_keys(&r, "502550#");
        CHECK_EQ(rig_bolt(&r), OL_BOLT_RETRACTED);
        ol_hostflash_close(&r.hf);
        if (!was_cut || k > 400) {
            break;
        }
        cuts++;
    }
    printf("test_keystore: a lock from before the key store moved its keys out, cut at each of "
           "%u operations of its boot, and opens with its code\n",
           cuts);
}

// The OTC key (issue 18): kept with the others, dropped by NULL and by
// forgetting the device key; a record written before it (112 bytes, its CRC
// at 108) is still read, with no OTC key.
static void test_otc_key(void) {
    ol_hostflash hf;
    CHECK_EQ(ol_hostflash_open(&hf, NULL, OL_HOST_SECTOR_SIZE, OL_HOST_SECTORS), OL_OK);
    ol_lock l, back;
    ol_platform p;
    bare(&l, &p, &hf);
    uint8_t link[OL_LINK_ID_BYTES], dev[32], otc[OL_OTC_KEY_BYTES];
    fill(link, sizeof link, 4);
    fill(dev, sizeof dev, 5);
    fill(otc, sizeof otc, 6);
    CHECK_EQ(ol_keystore_save(&l, dev, link), OL_OK);
    CHECK_EQ(ol_keystore_save_otc(&l, otc, 7), OL_OK);
    CHECK_EQ(ol_keystore_save(&l, dev, NULL), OL_OK); // another save keeps it
    bare(&back, &p, &hf);
    CHECK_EQ(ol_keystore_load(&back), OL_OK);
    CHECK(back.has_otc && back.has_device_key && back.has_link_id);
    CHECK_MEM(back.otc_key, otc, sizeof otc);
    CHECK_EQ(back.otc_lock, 7);
    CHECK_MEM(back.device_key, dev, 32);
    CHECK_EQ(ol_keystore_save_otc(&back, NULL, 0), OL_OK);
    bare(&l, &p, &hf);
    CHECK_EQ(ol_keystore_load(&l), OL_OK);
    CHECK(!l.has_otc && l.has_device_key);
    CHECK_EQ(ol_keystore_save_otc(&l, otc, 7), OL_OK);
    CHECK_EQ(ol_keystore_forget_device_key(&l), OL_OK);
    bare(&back, &p, &hf);
    CHECK_EQ(ol_keystore_load(&back), OL_OK);
    CHECK(!back.has_otc && !back.has_device_key && back.has_link_id);

    // A record of before: 112 bytes, flags device and link.
    uint8_t rec[112];
    memset(rec, 0, sizeof rec);
    const uint8_t head[12] = {'O', 'L', 'K', 'S', 9, 0, 0, 0, 3, 0, 0, 0};
    memcpy(rec, head, sizeof head);
    memcpy(rec + 12, dev, 32);
    memcpy(rec + 44, link, OL_LINK_ID_BYTES);
    uint32_t crc = ol_ring_crc32(0, rec, 108);
    for (int i = 0; i < 4; i++) {
        rec[108 + i] = (uint8_t)(crc >> (8 * i));
    }
    const ol_flash *f = &hf.flash;
    for (uint32_t s = 0; s < 2; s++) {
        CHECK_EQ(f->erase(f->ctx, OL_KEYS_FIRST_SECTOR + s), OL_OK);
    }
    CHECK_EQ(f->program(f->ctx, OL_KEYS_FIRST_SECTOR * f->sector_size, rec, sizeof rec), OL_OK);
    bare(&back, &p, &hf);
    CHECK_EQ(ol_keystore_load(&back), OL_OK);
    CHECK(back.has_device_key && back.has_link_id && !back.has_otc);
    CHECK_EQ(back.keys_seq, 9);
    CHECK_MEM(back.device_key, dev, 32);
    ol_hostflash_close(&hf);
}

int main(void) {
    test_round_trip();
    test_otc_key();
    test_power_cuts();
    test_move_out();
    return check_done("test_keystore");
}
