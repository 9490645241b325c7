// Host port: NOR rules of the simulated flash, cut injection, file backing,
// the test RNG and the virtual RTC.
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "host.h"

#define SECTOR 256u
#define SECTORS 4u

static jmp_buf cut_jump;
static unsigned cuts_seen;

static void cut_longjmp(void *arg) {
    (void)arg;
    cuts_seen++;
    longjmp(cut_jump, 1);
}

static void cut_return(void *arg) {
    unsigned *calls = arg;
    (*calls)++;
}

static uint32_t word_at(const ol_hostflash *hf, uint32_t addr) {
    uint32_t w;
    memcpy(&w, hf->mem + addr, sizeof w);
    return w;
}

static bool all_erased(const ol_hostflash *hf, uint32_t addr, uint32_t len) {
    for (uint32_t i = 0; i < len; i++) {
        if (hf->mem[addr + i] != 0xFF) {
            return false;
        }
    }
    return true;
}

// ---- NOR rules ---------------------------------------------------------------------

static void test_nor_rules(void) {
    ol_hostflash hf;
    CHECK_EQ(ol_hostflash_open(&hf, NULL, SECTOR, SECTORS), OL_OK);
    const ol_flash *f = &hf.flash;
    CHECK(f->ctx == &hf);
    CHECK_EQ(f->sector_size, SECTOR);
    CHECK_EQ(f->sector_count, SECTORS);
    CHECK(all_erased(&hf, 0, SECTOR * SECTORS));

    uint32_t w[2] = {0x12345678u, 0xF0F0F0F0u};
    CHECK_EQ(f->program(f->ctx, 8, w, sizeof w), OL_OK);
    uint32_t back[2];
    CHECK_EQ(f->read(f->ctx, 8, back, sizeof back), OL_OK);
    CHECK_MEM(back, w, sizeof w);
    CHECK_EQ(hf.words_programmed, 2);

    // Clearing more bits is fine; the result is old & new.
    uint32_t more = 0x10305070u;
    CHECK_EQ(f->program(f->ctx, 8, &more, 4), OL_OK);
    CHECK_EQ(word_at(&hf, 8), 0x10305070u);
    // Same value again: nothing to set, allowed.
    CHECK_EQ(f->program(f->ctx, 8, &more, 4), OL_OK);

    // A 0 -> 1 anywhere in the call fails and changes nothing.
    uint32_t pair[2] = {0x00000000u, 0xFFFFFFFFu}; // word 12 holds 0xF0F0F0F0
    uint32_t zero = 0;
    CHECK_EQ(f->program(f->ctx, 16, &zero, 4), OL_OK);
    pair[1] = 0x0F0F0F0Fu;
    CHECK_EQ(f->program(f->ctx, 4, pair, sizeof pair), OL_ERR_FLASH);
    CHECK_EQ(word_at(&hf, 4), 0xFFFFFFFFu);
    CHECK_EQ(word_at(&hf, 8), 0x10305070u);
    uint32_t ones = 0xFFFFFFFFu;
    CHECK_EQ(f->program(f->ctx, 16, &ones, 4), OL_ERR_FLASH);
    CHECK_EQ(word_at(&hf, 16), 0);

    // Alignment and bounds.
    CHECK_EQ(f->program(f->ctx, 2, &zero, 4), OL_ERR_ARG);
    CHECK_EQ(f->program(f->ctx, 20, &zero, 3), OL_ERR_ARG);
    CHECK_EQ(f->program(f->ctx, SECTOR * SECTORS - 4, pair, 8), OL_ERR_ARG);
    CHECK_EQ(f->program(f->ctx, SECTOR * SECTORS, &zero, 4), OL_ERR_ARG);
    CHECK_EQ(f->program(f->ctx, UINT32_MAX - 3, &zero, 4), OL_ERR_ARG);
    CHECK_EQ(f->read(f->ctx, SECTOR * SECTORS - 2, back, 4), OL_ERR_ARG);
    CHECK_EQ(f->read(f->ctx, 3, back, 2), OL_OK); // reads need no alignment
    CHECK_EQ(f->erase(f->ctx, SECTORS), OL_ERR_ARG);

    // Erase sets its sector only, and is counted.
    CHECK_EQ(f->program(f->ctx, SECTOR, &zero, 4), OL_OK);
    CHECK_EQ(f->erase(f->ctx, 0), OL_OK);
    CHECK(all_erased(&hf, 0, SECTOR));
    CHECK_EQ(word_at(&hf, SECTOR), 0);
    CHECK_EQ(hf.erase_count[0], 1);
    CHECK_EQ(hf.erase_count[1], 0);
    CHECK_EQ(hf.erases, 1);
    CHECK_EQ(ol_hostflash_ops(&hf), hf.words_programmed + 1);
    ol_hostflash_close(&hf);

    ol_hostflash bad;
    CHECK_EQ(ol_hostflash_open(&bad, NULL, 6, 2), OL_ERR_ARG);
    CHECK_EQ(ol_hostflash_open(&bad, NULL, 0, 2), OL_ERR_ARG);
    CHECK_EQ(ol_hostflash_open(&bad, NULL, 4096, 0), OL_ERR_ARG);
    CHECK_EQ(ol_hostflash_open(&bad, NULL, 1u << 20, 1u << 13), OL_ERR_ARG); // 8 GiB
}

// ---- cut injection ---------------------------------------------------------------

// A torn program: words before the cut hold their value, the torn word a
// subset of its new 0 bits, the words after are untouched.
static void test_cut_program(void) {
    ol_hostflash hf;
    CHECK_EQ(ol_hostflash_open(&hf, NULL, SECTOR, SECTORS), OL_OK);
    unsigned partial = 0;
    for (uint32_t seed = 0; seed < 200; seed++) {
        CHECK_EQ(hf.flash.erase(hf.flash.ctx, 0), OL_OK);
        uint32_t data[4] = {0x11111111u, 0x22222222u, 0x00000000u, 0x44444444u};
        uint32_t at = seed % 4;
        cuts_seen = 0;
        ol_hostflash_arm_cut(&hf, at, seed, cut_longjmp, NULL);
        if (setjmp(cut_jump) == 0) {
            ol_err err = hf.flash.program(hf.flash.ctx, 0, data, sizeof data);
            (void)err;
            CHECK(false); // must not get here
        }
        CHECK_EQ(cuts_seen, 1);
        for (uint32_t i = 0; i < 4; i++) {
            uint32_t w = word_at(&hf, 4 * i);
            if (i < at) {
                CHECK_EQ(w, data[i]);
            } else if (i > at) {
                CHECK_EQ(w, 0xFFFFFFFFu);
            } else {
                CHECK_EQ(w & data[i], data[i]); // no bit cleared that should stay 1
                partial += w != data[i] && w != 0xFFFFFFFFu;
            }
        }
        CHECK_EQ(hf.cut_countdown, -1);
        CHECK(!hf.dead);
    }
    printf("torn programs with a partial word: %u of 200\n", partial);
    CHECK(partial > 100);

    // Countdown: ops before the cut go through.
    CHECK_EQ(hf.flash.erase(hf.flash.ctx, 1), OL_OK);
    uint64_t before = ol_hostflash_ops(&hf);
    unsigned calls = 0;
    ol_hostflash_arm_cut(&hf, 5, 1, cut_return, &calls);
    uint32_t zero = 0;
    for (uint32_t i = 0; i < 5; i++) {
        CHECK_EQ(hf.flash.program(hf.flash.ctx, SECTOR + 4 * i, &zero, 4), OL_OK);
    }
    CHECK_EQ(calls, 0);
    // The 6th is torn; on_cut returns, so the flash is dead from then on.
    CHECK_EQ(hf.flash.program(hf.flash.ctx, SECTOR + 20, &zero, 4), OL_ERR_POWER);
    CHECK_EQ(calls, 1);
    CHECK(hf.dead);
    CHECK_EQ(ol_hostflash_ops(&hf), before + 6);
    uint8_t snapshot[SECTOR];
    memcpy(snapshot, hf.mem + SECTOR, SECTOR);
    CHECK_EQ(hf.flash.program(hf.flash.ctx, SECTOR + 24, &zero, 4), OL_ERR_POWER);
    CHECK_EQ(hf.flash.erase(hf.flash.ctx, 1), OL_ERR_POWER);
    CHECK_MEM(snapshot, hf.mem + SECTOR, SECTOR);
    CHECK_EQ(ol_hostflash_ops(&hf), before + 6); // dead calls are not operations
    uint32_t back;
    CHECK_EQ(hf.flash.read(hf.flash.ctx, SECTOR, &back, 4), OL_OK);
    ol_hostflash_disarm(&hf);
    CHECK(!hf.dead);
    CHECK_EQ(hf.flash.program(hf.flash.ctx, SECTOR + 24, &zero, 4), OL_OK);
    CHECK_EQ(calls, 1);
    ol_hostflash_close(&hf);
}

// A torn erase: every word is erased, untouched, or the old value with some
// bits set; never a bit cleared.
static void test_cut_erase(void) {
    ol_hostflash hf;
    CHECK_EQ(ol_hostflash_open(&hf, NULL, SECTOR, SECTORS), OL_OK);
    unsigned erased = 0, untouched = 0, partly = 0;
    for (uint32_t seed = 0; seed < 50; seed++) {
        uint32_t old[SECTOR / 4];
        for (uint32_t i = 0; i < SECTOR / 4; i++) {
            old[i] = (i * 0x9E3779B9u + seed) & 0x7777EEEEu;
        }
        CHECK_EQ(hf.flash.erase(hf.flash.ctx, 2), OL_OK);
        CHECK_EQ(hf.flash.program(hf.flash.ctx, 2 * SECTOR, old, SECTOR), OL_OK);
        uint32_t count_before = hf.erase_count[2];
        cuts_seen = 0;
        ol_hostflash_arm_cut(&hf, 0, seed * 7 + 3, cut_longjmp, NULL);
        if (setjmp(cut_jump) == 0) {
            ol_err err = hf.flash.erase(hf.flash.ctx, 2);
            (void)err;
            CHECK(false);
        }
        CHECK_EQ(cuts_seen, 1);
        CHECK_EQ(hf.erase_count[2], count_before + 1);
        for (uint32_t i = 0; i < SECTOR / 4; i++) {
            uint32_t w = word_at(&hf, 2 * SECTOR + 4 * i);
            CHECK_EQ(w & old[i], old[i]);
            if (w == 0xFFFFFFFFu) {
                erased++;
            } else if (w == old[i]) {
                untouched++;
            } else {
                partly++;
            }
        }
        CHECK(all_erased(&hf, SECTOR, SECTOR)); // neighbours untouched
    }
    printf("torn erase words: %u erased, %u untouched, %u partly set\n", erased, untouched, partly);
    CHECK(erased > 0 && untouched > 0 && partly > 0);
    ol_hostflash_close(&hf);
}

// ---- file backing ------------------------------------------------------------------

static void test_file(void) {
    char path[] = "/tmp/ol_hostflash_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    // A short file (a smaller geometry before) is extended erased.
    CHECK_EQ(write(fd, "\0\0\0\0", 4), 4);
    close(fd);

    ol_hostflash hf;
    CHECK_EQ(ol_hostflash_open(&hf, path, SECTOR, SECTORS), OL_OK);
    CHECK(hf.mapped);
    CHECK_EQ(word_at(&hf, 0), 0);
    CHECK(all_erased(&hf, 4, SECTOR * SECTORS - 4));
    uint32_t w = 0xA5A5A5A5u;
    CHECK_EQ(hf.flash.program(hf.flash.ctx, 2 * SECTOR + 8, &w, 4), OL_OK);
    CHECK_EQ(hf.flash.erase(hf.flash.ctx, 0), OL_OK);
    ol_hostflash_close(&hf);

    CHECK_EQ(ol_hostflash_open(&hf, path, SECTOR, SECTORS), OL_OK);
    CHECK_EQ(word_at(&hf, 2 * SECTOR + 8), 0xA5A5A5A5u);
    CHECK(all_erased(&hf, 0, SECTOR));
    ol_hostflash_close(&hf);
    unlink(path);

    // Missing file: created erased.
    CHECK_EQ(ol_hostflash_open(&hf, path, SECTOR, SECTORS), OL_OK);
    CHECK(all_erased(&hf, 0, SECTOR * SECTORS));
    ol_hostflash_close(&hf);
    unlink(path);

    CHECK_EQ(ol_hostflash_open(&hf, "/nonexistent-dir/flash.img", SECTOR, SECTORS), OL_ERR_FLASH);
}

// ---- RNG and clock ---------------------------------------------------------------

static void test_rng(void) {
    ol_testrng a, b;
    ol_testrng_seed(&a, 42);
    ol_testrng_seed(&b, 42);
    for (int i = 0; i < 100; i++) {
        CHECK(ol_testrng_next(&a) == ol_testrng_next(&b));
    }
    ol_testrng_seed(&b, 43);
    CHECK(ol_testrng_next(&a) != ol_testrng_next(&b));

    // xoshiro256** reference: state {1, 2, 3, 4} gives 11520, 0, 1509978240.
    ol_testrng r = {{1, 2, 3, 4}};
    CHECK(ol_testrng_next(&r) == 11520u);
    CHECK(ol_testrng_next(&r) == 0u);
    CHECK(ol_testrng_next(&r) == 1509978240u);

    uint8_t buf[37];
    memset(buf, 0, sizeof buf);
    ol_testrng_seed(&a, 7);
    CHECK_EQ(ol_testrng_fill(&a, buf, sizeof buf), OL_OK);
    unsigned zeros = 0;
    for (size_t i = 0; i < sizeof buf; i++) {
        zeros += buf[i] == 0;
    }
    CHECK(zeros < 5);
    CHECK_EQ(ol_testrng_fill(NULL, buf, 1), OL_ERR_ARG);
    CHECK_EQ(ol_testrng_fill(&a, NULL, 1), OL_ERR_ARG);
    CHECK_EQ(ol_testrng_fill(&a, NULL, 0), OL_OK);
}

static void test_clock(void) {
    ol_vclock c = {
        .now_ms = 5999, .world_epoch = 1700000000, .rtc_lost = false, .rtc_offset_s = -100};
    CHECK_EQ(ol_vclock_rtc(&c), 1700000000u + 5u - 100u);
    c.rtc_lost = true;
    CHECK_EQ(ol_vclock_rtc(&c), OL_RTC_LOST);
    c.rtc_lost = false;
    c.rtc_offset_s = 0;
    c.now_ms = 3600u * 1000u;
    CHECK_EQ(ol_vclock_rtc(&c), 1700003600u);
}

int main(void) {
    test_nor_rules();
    test_cut_program();
    test_cut_erase();
    test_file();
    test_rng();
    test_clock();
    return check_done("test_hostflash");
}
