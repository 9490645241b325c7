// ownerlock — the instruction-skip fault sweep of the bootloader's decisions
// (issue 15; docs/SECURITY.md, invariant 9 and "Firmware only its owner lets in").
//
// A glitch makes the MCU skip one instruction. The bootloader must then still
// never start an image it did not verify. This program loads the bootloader
// harness (tests/fault/boot_harness.c: ol_boot_run linked with LTO as the
// board's bootloader links it) into Unicorn, writes a boot area into its
// emulated NOR flash (images signed here with libsodium, the boot record
// written directly, as an attacker with the flash would), and for each case
// runs ol_boot_run once per instruction k = 0, 1, ..., N-1 with the k-th
// instruction skipped (one skip per run, from the same saved state). The
// cases hold images that must NOT run:
//   other-signer  ACTIVE signed by another key (nothing accepted by digest)
//   tampered      ACTIVE's body altered after signing (no longer its digest)
//   downgrade     a staged, signed image older than ACTIVE, requested for
//                 install (the lowest allowed version is below both)
//   below-min     the same, and older than the lowest allowed version too
//   bad-signature a staged image whose signature does not verify, requested
//                 for install
// and one that must run, `good` (ACTIVE signed by the pinned key), which
// proves the sweep sees a boot at all. An outcome is good when ol_boot_run
// refuses (the board halts), crashes or hangs (the board resets, nothing
// started), or starts the image a clean run starts; it is a failure when
// ol_boot_run returns OL_OK with any other image's header (the board's
// main.c would copy that body and jump to it if its digest matches, and in
// any case the verdict vouched for it). After every skip, the next boot from
// the flash as the run left it (RAM reset) is judged the same way: a skip
// that leaves the record asking for a bad install is caught there.
//
// Not skipped (and said so in the output): SHA-256's and SHA-512's rounds
// (the functions named `compress`), and all of ol_ed25519_verify, whose
// result is looked up in a table the clean run filled (the call's register
// arguments and the 64 bytes each points at, and the RAM sections) and run
// for real when the inputs are new. A skip inside either changes a digest or
// a signature check's own arithmetic, and each is read twice by its caller,
// which is swept. --all sweeps them too, with the real Ed25519 every time (a
// run then costs about 5 M instructions per verification: use --stride).
//
//   boot-skip HARNESS.elf [--case NAME] [--expect-boot] [--all] [--stride N] [--jobs N]
//             [--show K]   (only the K-th skip, with what ol_boot_run and the next boot did)
//
// Exit 0 when no skip boots an unverified image (with --expect-boot, the
// self-test over a harness built with OL_FIH_TEST_WEAK: when some skip does),
// 1 otherwise, 2 when the tool itself failed.
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>
#include <unicorn/unicorn.h>

#define M3_TOOL "boot-skip"
#include "m3_elf.h"

#define HEADER 128u            // OL_IMAGE_HEADER_BYTES
#define BODY 600u              // an image's body: small, so a run is short
#define RECORD 160u            // the boot record (src/boot/boot.c)
#define STACK_KEEP 0x4000u     // the top of the stack, saved with the state
#define LIMIT_FACTOR 3u        // a run may take 3 times the clean run's instructions
#define CRYPTO_LIMIT 40000000u // instructions inside Ed25519 calls, at most, per run
#define MEMO_MAX 16

// Boot record states and flags (src/boot/boot.c).
#define ST_INSTALL_BACKUP 1u

// ---- images and records, as the owner's tool and the bootloader write them --------

typedef struct signer {
    uint8_t pk[32], sk[64];
} signer;

typedef struct image {
    uint8_t bytes[HEADER + BODY];
    uint32_t len, version;
    uint8_t digest[32];
} image;

static void put32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

static uint32_t crc32(const uint8_t *p, size_t n) {
    uint32_t c = ~0u;
    while (n--) {
        c ^= *p++;
        for (int i = 0; i < 8; i++) {
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
        }
    }
    return ~c;
}

static void make_signer(signer *s, uint8_t seed_byte) {
    uint8_t seed[32];
    memset(seed, seed_byte, sizeof seed);
    if (crypto_sign_seed_keypair(s->pk, s->sk, seed) != 0) {
        m3_die("keypair");
    }
}

// Version v, a body from tag, signed by s (the header's key id is s's).
static void make_image(image *im, uint32_t v, uint8_t tag, const signer *s) {
    memset(im, 0, sizeof *im);
    uint8_t *h = im->bytes, *b = im->bytes + HEADER;
    for (uint32_t i = 0; i < BODY; i++) {
        b[i] = (uint8_t)(tag * 7u + i * 13u + (i >> 8));
    }
    memcpy(h, "OLFW", 4);
    h[4] = 1; // format 1
    h[6] = HEADER;
    put32(h + 8, v);
    put32(h + 12, BODY);
    crypto_hash_sha256(h + 16, b, BODY);
    uint8_t id[32];
    crypto_hash_sha256(id, s->pk, 32);
    memcpy(h + 48, id, 16);
    crypto_sign_detached(h + 64, NULL, h, 64, s->sk);
    im->len = HEADER + BODY;
    im->version = v;
    memcpy(im->digest, h + 16, 32);
}

// A boot record asking for the install of `staged` (as ol_boot_request_install
// writes it, but with nothing checked): state INSTALL_BACKUP.
static void make_install_record(uint8_t r[RECORD], const image *staged, uint32_t min_version) {
    memset(r, 0, RECORD);
    put32(r, 0x52424c4fu); // "OLBR"
    put32(r + 4, 1);       // sequence
    put32(r + 8, ST_INSTALL_BACKUP);
    put32(r + 16, min_version);
    put32(r + 20, staged->len);
    memcpy(r + 120, staged->digest, 32);
    put32(r + RECORD - 4, crc32(r, RECORD - 4));
}

// ---- the emulated board -----------------------------------------------------------

typedef struct range {
    uint32_t addr, size;
    uint8_t *saved;
} range;

typedef struct memo {
    uint8_t key[32];
    uint32_t result;
} memo;

typedef struct sweep {
    uc_engine *uc;
    m3_elf elf;
    uc_context *cpu;
    uint32_t fn_setup, fn_run, run_lo, run_hi, stack_top;
    uint32_t nor, first_sector, slot_sectors, sector_size; // the boot area
    uint32_t ran_addr, key_addr;                           // fault_ran, fault_maker_key
    range saved[16];
    int nsaved, nor_range; // nor_range: the index of the NOR cells' range
    uint32_t spared_lo[4], spared_hi[4];
    int nspared;
    uint32_t ed_entry; // ol_ed25519_verify (or its LTO clone)
    bool all;          // sweep the crypto too, no table
    // the hook's state
    bool counting;
    uint64_t count, target, steps, limit, crypto_steps, spared, in_crypto;
    bool skipped, resume, hung;
    uint32_t skipped_pc, interrupted;
    bool in_ed;
    uint32_t ed_ret, ed_sp;
    uint8_t ed_key[32];
    memo memos[MEMO_MAX];
    int nmemos;
    bool recording; // the clean run fills the table
    bool show;      // --show K: skip only instruction K, and say what came of it
    uint64_t show_at;
} sweep;

static bool in_region(uint32_t addr, uint32_t base, uint32_t size) {
    return addr >= base && addr - base < size;
}

static void add_range(sweep *s, uint32_t addr, uint32_t size) {
    if (s->nsaved == (int)(sizeof s->saved / sizeof s->saved[0])) {
        m3_die("too many ranges");
    }
    range *r = &s->saved[s->nsaved++];
    r->addr = addr;
    r->size = size;
    r->saved = malloc(size);
    if (!r->saved) {
        m3_die("out of memory");
    }
}

// Every allocated section in RAM or NOR, and the top of the stack.
static void plan_ranges(sweep *s) {
    const Elf32_Ehdr *eh = m3_header(&s->elf);
    s->nor_range = -1;
    for (unsigned i = 0; i < eh->e_shnum; i++) {
        const Elf32_Shdr *sh = m3_section(&s->elf, i);
        if (!(sh->sh_flags & SHF_ALLOC) || sh->sh_size == 0) {
            continue;
        }
        const char *name =
            m3_at(&s->elf, m3_section(&s->elf, eh->e_shstrndx)->sh_offset + sh->sh_name, 1);
        if (strcmp(name, ".stack") == 0 || strcmp(name, ".heap") == 0) {
            continue;
        }
        if (in_region(sh->sh_addr, M3_NOR_BASE, M3_NOR_SIZE)) {
            s->nor_range = s->nsaved;
            add_range(s, sh->sh_addr, sh->sh_size);
        } else if (in_region(sh->sh_addr, M3_RAM_BASE, M3_RAM_SIZE)) {
            add_range(s, sh->sh_addr, sh->sh_size);
        }
    }
    if (s->nor_range < 0) {
        m3_die("no NOR section in the harness");
    }
    add_range(s, s->stack_top - STACK_KEEP, STACK_KEEP);
}

static void save_state(sweep *s) {
    for (int i = 0; i < s->nsaved; i++) {
        m3_check(uc_mem_read(s->uc, s->saved[i].addr, s->saved[i].saved, s->saved[i].size), "save");
    }
}

// Everything as saved, but the NOR cells from nor (NULL: as saved too): a
// reset of the board keeps its flash.
static void restore_state(sweep *s, const uint8_t *nor) {
    for (int i = 0; i < s->nsaved; i++) {
        const uint8_t *from = i == s->nor_range && nor ? nor : s->saved[i].saved;
        m3_check(uc_mem_write(s->uc, s->saved[i].addr, from, s->saved[i].size), "restore");
    }
}

static void read_nor(sweep *s, uint8_t *out) {
    const range *r = &s->saved[s->nor_range];
    m3_check(uc_mem_read(s->uc, r->addr, out, r->size), "read NOR");
}

static uint32_t reg(uc_engine *uc, int id) {
    uint32_t v = 0;
    uc_reg_read(uc, id, &v);
    return v;
}

// The Ed25519 call's inputs, as far as a pure function can see them: its
// four register arguments, the 64 bytes each one points at (when it points
// into RAM), and every RAM section (globals; not the stack below).
static void ed_inputs(sweep *s, uint8_t key[32]) {
    crypto_hash_sha256_state h;
    crypto_hash_sha256_init(&h);
    static const int args[4] = {UC_ARM_REG_R0, UC_ARM_REG_R1, UC_ARM_REG_R2, UC_ARM_REG_R3};
    for (int i = 0; i < 4; i++) {
        uint32_t v = reg(s->uc, args[i]);
        uint8_t at[64] = {0};
        crypto_hash_sha256_update(&h, (const uint8_t *)&v, sizeof v);
        if (in_region(v, M3_RAM_BASE, M3_RAM_SIZE - sizeof at)) {
            m3_check(uc_mem_read(s->uc, v, at, sizeof at), "read argument");
        }
        crypto_hash_sha256_update(&h, at, sizeof at);
    }
    for (int i = 0; i < s->nsaved; i++) {
        const range *r = &s->saved[i];
        if (i != s->nor_range && r->addr != s->stack_top - STACK_KEEP) {
            uint8_t *buf = malloc(r->size);
            if (!buf) {
                m3_die("out of memory");
            }
            m3_check(uc_mem_read(s->uc, r->addr, buf, r->size), "read RAM");
            crypto_hash_sha256_update(&h, buf, r->size);
            free(buf);
        }
    }
    crypto_hash_sha256_final(&h, key);
}

static void on_interrupt(uc_engine *uc, uint32_t intno, void *user) {
    sweep *s = user;
    s->interrupted = intno;
    uc_emu_stop(uc);
}

static void jump(sweep *s, uint32_t to) {
    to |= 1u;
    uc_reg_write(s->uc, UC_ARM_REG_PC, &to);
    s->resume = true; // writing the PC in a hook ends the run: call() goes on from there
}

static void on_insn(uc_engine *uc, uint64_t address, uint32_t size, void *user) {
    sweep *s = user;
    uint32_t a = (uint32_t)address;
    if (!s->counting || (a >= s->run_lo && a < s->run_hi)) {
        return; // not in the run, or the harness's own call around it
    }
    if (s->in_ed) {
        if (a != s->ed_ret || reg(uc, UC_ARM_REG_SP) != s->ed_sp) {
            if (++s->crypto_steps > CRYPTO_LIMIT) {
                s->hung = true;
                uc_emu_stop(uc);
            }
            return;
        }
        s->in_ed = false; // returned: what the table keeps for these inputs
        if (s->recording && s->nmemos < MEMO_MAX) {
            memcpy(s->memos[s->nmemos].key, s->ed_key, 32);
            s->memos[s->nmemos++].result = reg(uc, UC_ARM_REG_R0);
        }
    }
    if (++s->steps > s->limit) {
        s->hung = true; // the watchdog would reset the board
        uc_emu_stop(uc);
        return;
    }
    if (a == s->ed_entry && !s->all) {
        ed_inputs(s, s->ed_key);
        for (int i = 0; i < s->nmemos; i++) {
            if (memcmp(s->memos[i].key, s->ed_key, 32) == 0) {
                uint32_t r0 = s->memos[i].result;
                uc_reg_write(uc, UC_ARM_REG_R0, &r0);
                jump(s, reg(uc, UC_ARM_REG_LR));
                return;
            }
        }
        s->in_ed = true; // new inputs: run it, unswept
        s->ed_ret = reg(uc, UC_ARM_REG_LR) & ~1u;
        s->ed_sp = reg(uc, UC_ARM_REG_SP);
        s->in_crypto++;
        return;
    }
    if (s->count++ == s->target) {
        s->skipped = true;
        s->skipped_pc = a;
        jump(s, a + size);
    }
}

// The spared rounds' instructions, in the clean run (for the figures).
static void on_spared(uc_engine *uc, uint64_t address, uint32_t size, void *user) {
    sweep *s = user;
    (void)uc, (void)address, (void)size;
    s->spared += s->counting && !s->in_ed;
}

enum ending { RETURNED, CRASHED_RUN, HUNG_RUN };

// fault_boot_run() from the CPU state saved before anything ran; *ret its r0.
static enum ending call(sweep *s, uint32_t fn, uint64_t limit, uint32_t *ret) {
    m3_check(uc_context_restore(s->uc, s->cpu), "restore CPU");
    uint32_t sp = s->stack_top, lr = M3_RETURN_ADDR | 1u;
    uc_reg_write(s->uc, UC_ARM_REG_SP, &sp);
    uc_reg_write(s->uc, UC_ARM_REG_LR, &lr);
    s->interrupted = UINT32_MAX;
    s->resume = s->hung = s->in_ed = false;
    s->steps = s->crypto_steps = 0;
    s->limit = limit ? limit : UINT64_MAX;
    uint32_t pc = fn;
    uc_err e;
    do {
        s->resume = false;
        e = uc_emu_start(s->uc, pc | 1u, M3_RETURN_ADDR, 0, 0);
        pc = reg(s->uc, UC_ARM_REG_PC);
    } while (e == UC_ERR_OK && s->resume && !s->hung && s->interrupted == UINT32_MAX);
    *ret = reg(s->uc, UC_ARM_REG_R0);
    if (e != UC_ERR_OK || s->interrupted != UINT32_MAX) {
        return CRASHED_RUN;
    }
    return !s->hung && (pc & ~1u) == M3_RETURN_ADDR ? RETURNED : HUNG_RUN;
}

// ---- the cases ---------------------------------------------------------------------

enum { SLOT_ACTIVE, SLOT_STAGED, SLOT_BACKUP };

typedef struct bootcase {
    const char *name, *what;
    image active, staged;
    bool has_staged;
    uint8_t record[RECORD];
    bool has_record;
    const image *good; // the image a clean run starts, or NULL: nothing may start
} bootcase;

static signer maker, other;

static void make_cases(bootcase *c, int *n) {
    *n = 0;
    bootcase *k = &c[(*n)++];
    k->name = "good";
    k->what = "ACTIVE signed by the pinned key (control: it must start)";
    make_image(&k->active, 5, 1, &maker);
    k->good = &k->active;

    k = &c[(*n)++];
    k->name = "other-signer";
    k->what = "ACTIVE signed by another key";
    make_image(&k->active, 5, 2, &other);

    k = &c[(*n)++];
    k->name = "tampered";
    k->what = "ACTIVE's body altered after signing";
    make_image(&k->active, 5, 3, &maker);
    k->active.bytes[HEADER + 100] ^= 0x10;

    k = &c[(*n)++];
    k->name = "downgrade";
    k->what = "install of a signed v4 over ACTIVE v5 (lowest allowed 1)";
    make_image(&k->active, 5, 4, &maker);
    make_image(&k->staged, 4, 5, &maker);
    k->has_staged = k->has_record = true;
    make_install_record(k->record, &k->staged, 1);
    k->good = &k->active;

    k = &c[(*n)++];
    k->name = "below-min";
    k->what = "install of a signed v4 over ACTIVE v5 (lowest allowed 5)";
    make_image(&k->active, 5, 6, &maker);
    make_image(&k->staged, 4, 7, &maker);
    k->has_staged = k->has_record = true;
    make_install_record(k->record, &k->staged, 5);
    k->good = &k->active;

    k = &c[(*n)++];
    k->name = "bad-signature";
    k->what = "install of a v6 whose signature does not verify";
    make_image(&k->active, 5, 8, &maker);
    make_image(&k->staged, 6, 9, &maker);
    k->staged.bytes[64 + 5] ^= 0x01; // in R: the signature no longer verifies
    k->has_staged = k->has_record = true;
    make_install_record(k->record, &k->staged, 1);
    k->good = &k->active;
}

static uint32_t sector_addr(const sweep *s, uint32_t sector) {
    return s->nor + sector * s->sector_size;
}

static uint32_t slot_addr(const sweep *s, int slot) {
    return sector_addr(s, s->first_sector + (uint32_t)slot * s->slot_sectors);
}

static void write_case(sweep *s, const bootcase *k) {
    m3_check(uc_mem_write(s->uc, slot_addr(s, SLOT_ACTIVE), k->active.bytes, k->active.len),
             "write ACTIVE");
    if (k->has_staged) {
        m3_check(uc_mem_write(s->uc, slot_addr(s, SLOT_STAGED), k->staged.bytes, k->staged.len),
                 "write STAGED");
    }
    if (k->has_record) {
        uint32_t rec = sector_addr(s, s->first_sector + 3 * s->slot_sectors);
        m3_check(uc_mem_write(s->uc, rec, k->record, RECORD), "write the record");
    }
}

// ---- outcomes ----------------------------------------------------------------------

enum outcome { STARTED_GOOD, REFUSED, DAMAGED, CRASHED, HUNG, BOOTED_BAD, OUTCOMES };
static const char *const outcome_name[OUTCOMES] = {"started the verified image",
                                                   "refused (halt)",
                                                   "OL_OK, damaged header (main.c halts)",
                                                   "crashed (reset)",
                                                   "hung (watchdog reset)",
                                                   "BOOTED AN UNVERIFIED IMAGE"};

// ports/mps2-an385/boot/main.c's AN385_APP_MAX: a larger body is not run.
#define APP_MAX (44u * 1024u)

static bool is_bad_digest(const bootcase *k, const uint8_t d[32]) {
    const image *bad[2] = {&k->active, k->has_staged ? &k->staged : NULL};
    for (int i = 0; i < 2; i++) {
        if (bad[i] && bad[i] != k->good) {
            uint8_t body[32];
            crypto_hash_sha256(body, bad[i]->bytes + HEADER, bad[i]->len - HEADER);
            if (memcmp(d, bad[i]->digest, 32) == 0 || memcmp(d, body, 32) == 0) {
                return true;
            }
        }
    }
    return false;
}

// What came of a run that ended as e with r0 = err. When ol_boot_run
// returned OL_OK, what the board's main.c does next: it halts unless the body
// size fits and ACTIVE's body, copied, hashes to the digest it was given;
// then it jumps. STARTED_GOOD: it starts the verified image. BOOTED_BAD:
// ol_boot_run vouched for an unverified image (its header's digest, or its
// body's), or main.c would jump to any body but the verified one. DAMAGED:
// OL_OK with a header that is neither (a copy cut short): main.c halts.
static enum outcome judge(sweep *s, const bootcase *k, enum ending e, uint32_t err) {
    if (e != RETURNED) {
        return e == HUNG_RUN ? HUNG : CRASHED;
    }
    if (err != 0) {
        return REFUSED;
    }
    uint32_t ran[10];
    m3_check(uc_mem_read(s->uc, s->ran_addr, ran, sizeof ran), "read fault_ran");
    const uint8_t *digest = (const uint8_t *)&ran[2];
    if (is_bad_digest(k, digest)) {
        return BOOTED_BAD;
    }
    uint32_t body = ran[1];
    if (body == 0 || body > APP_MAX || body > s->slot_sectors * s->sector_size - HEADER) {
        return DAMAGED;
    }
    uint8_t *copy = malloc(body), d[32];
    if (!copy) {
        m3_die("out of memory");
    }
    m3_check(uc_mem_read(s->uc, slot_addr(s, SLOT_ACTIVE) + HEADER, copy, body), "read ACTIVE");
    crypto_hash_sha256(d, copy, body);
    free(copy);
    if (memcmp(d, digest, 32) != 0) {
        return DAMAGED;
    }
    return k->good && memcmp(digest, k->good->digest, 32) == 0 ? STARTED_GOOD : BOOTED_BAD;
}

typedef struct tally {
    uint64_t outcome[OUTCOMES];
    uint64_t next_bad;     // of BOOTED_BAD: the run was fine, the next boot booted it
    uint64_t next_refused; // the next boot refused where a clean one starts the image
} tally;

typedef struct clean {
    uint64_t n, limit;
    uint8_t *nor;      // the flash after the clean run
    enum outcome next; // the next boot after it
} clean;

// One skip, and the boot after it.
static enum outcome skip_one(sweep *s, const bootcase *k, const clean *c, uint64_t target, tally *t,
                             uint8_t *nor) {
    uint32_t err = 0;
    restore_state(s, NULL);
    s->count = 0;
    s->target = target;
    s->skipped = false;
    s->counting = true;
    enum ending e = call(s, s->fn_run, c->limit, &err);
    s->counting = false;
    if (!s->skipped) {
        m3_die("a run ended before its target instruction");
    }
    enum outcome o = judge(s, k, e, err);
    if (s->show) {
        uint32_t ran[2];
        m3_check(uc_mem_read(s->uc, s->ran_addr, ran, sizeof ran), "read fault_ran");
        printf("  skip %llu (pc 0x%08x): %s, status %u, version %u\n", (unsigned long long)target,
               s->skipped_pc, outcome_name[o], err, ran[0]);
    }
    read_nor(s, nor);
    enum outcome next = c->next;
    if (memcmp(nor, c->nor, s->saved[s->nor_range].size) != 0) {
        restore_state(s, nor);
        s->counting = true;
        s->target = UINT64_MAX;
        e = call(s, s->fn_run, c->limit, &err);
        s->counting = false;
        next = judge(s, k, e, err);
        if (s->show) {
            uint32_t ran[2];
            m3_check(uc_mem_read(s->uc, s->ran_addr, ran, sizeof ran), "read fault_ran");
            printf("  the next boot: %s, status %u, version %u\n", outcome_name[next], err, ran[0]);
        }
    }
    if (next == BOOTED_BAD && o != BOOTED_BAD) {
        t->next_bad++;
        o = BOOTED_BAD;
    }
    if (next != STARTED_GOOD && c->next == STARTED_GOOD) {
        t->next_refused++;
    }
    return o;
}

static void sweep_range(sweep *s, const bootcase *k, const clean *c, uint64_t first, uint64_t step,
                        bool find_one, tally *t) {
    uint8_t *nor = malloc(s->saved[s->nor_range].size);
    if (!nor) {
        m3_die("out of memory");
    }
    for (uint64_t i = first; i < c->n; i += step) {
        enum outcome o = skip_one(s, k, c, i, t, nor);
        t->outcome[o]++;
        if (o == BOOTED_BAD) {
            printf("  %s: skipping instruction %llu (pc 0x%08x) boots an unverified image\n",
                   k->name, (unsigned long long)i, s->skipped_pc);
            if (find_one) {
                break;
            }
        }
    }
    free(nor);
}

// The sweep in `jobs` processes, each from a copy of the prepared emulator.
static void sweep_all(sweep *s, const bootcase *k, const clean *c, uint64_t stride, int jobs,
                      bool find_one, tally *total) {
    int fds[16];
    pid_t pids[16];
    for (int j = 0; j < jobs; j++) {
        int p[2];
        if (pipe(p) != 0 || (pids[j] = fork()) < 0) {
            m3_die("cannot start a worker");
        }
        if (pids[j] == 0) {
            close(p[0]);
            tally t = {0};
            sweep_range(s, k, c, (uint64_t)j * stride, (uint64_t)jobs * stride, find_one, &t);
            fflush(stdout);
            _exit(write(p[1], &t, sizeof t) == (ssize_t)sizeof t ? 0 : 1);
        }
        close(p[1]);
        fds[j] = p[0];
    }
    for (int j = 0; j < jobs; j++) {
        tally t;
        int status = 0;
        if (read(fds[j], &t, sizeof t) != (ssize_t)sizeof t || waitpid(pids[j], &status, 0) < 0 ||
            status != 0) {
            m3_die("a worker failed");
        }
        close(fds[j]);
        for (int o = 0; o < OUTCOMES; o++) {
            total->outcome[o] += t.outcome[o];
        }
        total->next_bad += t.next_bad;
        total->next_refused += t.next_refused;
    }
}

// ---- one case ------------------------------------------------------------------------

// Sets the case up, runs it clean, sweeps it; returns the unverified boots.
static uint64_t run_case(sweep *s, const bootcase *k, uint64_t stride, int jobs, bool find_one) {
    uint32_t r = 0;
    s->counting = false;
    m3_check(uc_context_restore(s->uc, s->cpu), "restore CPU");
    // The state every run starts from: the harness's RAM as the first save
    // left it, the flash erased, then this case's boot area.
    restore_state(s, NULL);
    if (call(s, s->fn_setup, 0, &r) != RETURNED || r != s->nor) {
        m3_die("fault_boot_setup failed");
    }
    write_case(s, k);
    save_state(s);

    // Clean runs: the first fills the Ed25519 table, the second counts.
    clean c = {0};
    s->nmemos = 0;
    uc_hook spared[4];
    for (int i = 0; i < s->nspared; i++) {
        m3_check(uc_hook_add(s->uc, &spared[i], UC_HOOK_CODE, on_spared, s, s->spared_lo[i],
                             s->spared_hi[i] - 1),
                 "spared hook");
    }
    m3_check(uc_ctl_flush_tlb(s->uc), "flush the translated code"); // with the hook
    for (int pass = 0; pass < 2; pass++) {
        restore_state(s, NULL);
        s->recording = pass == 0;
        s->counting = true;
        s->count = s->spared = s->in_crypto = 0;
        s->target = UINT64_MAX;
        enum ending e = call(s, s->fn_run, 0, &r);
        s->counting = false;
        enum outcome o = judge(s, k, e, r);
        enum outcome want = k->good ? STARTED_GOOD : REFUSED;
        if (o != want) {
            fprintf(stderr, "boot-skip: %s, unfaulted: %s (status %u), expected %s\n", k->name,
                    outcome_name[o], r, outcome_name[want]);
            exit(2);
        }
    }
    s->recording = false;
    for (int i = 0; i < s->nspared; i++) {
        m3_check(uc_hook_del(s->uc, spared[i]), "spared hook");
    }
    m3_check(uc_ctl_flush_tlb(s->uc), "flush the translated code"); // without the hook
    c.n = s->count;
    c.limit = s->steps * LIMIT_FACTOR;
    c.nor = malloc(s->saved[s->nor_range].size);
    if (!c.nor) {
        m3_die("out of memory");
    }
    read_nor(s, c.nor);
    restore_state(s, c.nor);
    s->counting = true;
    enum ending e = call(s, s->fn_run, 0, &r);
    s->counting = false;
    c.next = judge(s, k, e, r);

    printf("boot-skip: %s: %s\n", k->name, k->what);
    if (s->all) {
        printf("  ol_boot_run runs %llu instructions; skipping %s, one at a time\n",
               (unsigned long long)c.n, stride > 1 ? "a sample" : "each");
    } else {
        printf("  ol_boot_run runs %llu instructions outside SHA-256/SHA-512's rounds (%llu) "
               "and Ed25519 (%llu verifications, from the table); skipping ",
               (unsigned long long)c.n, (unsigned long long)s->spared,
               (unsigned long long)s->nmemos);
        printf(stride > 1 ? "every %llu-th, one at a time\n" : "each, one at a time\n",
               (unsigned long long)stride);
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    tally t = {0};
    if (s->show) {
        sweep_range(s, k, &c, s->show_at, c.n + 1, false, &t);
    } else {
        sweep_all(s, k, &c, stride, jobs, find_one, &t);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    uint64_t tried = 0;
    for (int o = 0; o < OUTCOMES; o++) {
        tried += t.outcome[o];
        if (o == STARTED_GOOD && !k->good) {
            continue;
        }
        printf("    %-28s %8llu\n", outcome_name[o], (unsigned long long)t.outcome[o]);
    }
    if (t.next_bad) {
        printf("    (of which by the next boot: %llu)\n", (unsigned long long)t.next_bad);
    }
    if (k->good) {
        printf("    the next boot refused, where a clean one starts the image: %llu\n",
               (unsigned long long)t.next_refused);
    }
    printf("  %s: %llu skips, %llu booted an unverified image (%.1f s)%s\n", k->name,
           (unsigned long long)tried, (unsigned long long)t.outcome[BOOTED_BAD],
           (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
           find_one ? " (self-test: each worker stops at its first)" : "");
    free(c.nor);
    return t.outcome[BOOTED_BAD];
}

// ---- main --------------------------------------------------------------------------

// The function whose name is `name`, or starts with name and a '.' (an LTO
// clone: name.constprop.0, name.lto_priv.1): each one's range in lo/hi.
static int find_functions(const m3_elf *elf, const char *name, uint32_t *lo, uint32_t *hi,
                          int max) {
    size_t n = 0, len = strlen(name);
    const Elf32_Shdr *symtab = m3_symtab(elf, &n);
    int found = 0;
    for (size_t i = 0; i < n && found < max; i++) {
        const char *sname = NULL;
        const Elf32_Sym *sym = m3_sym(elf, symtab, i, &sname);
        if (ELF32_ST_TYPE(sym->st_info) == STT_FUNC && strncmp(sname, name, len) == 0 &&
            (sname[len] == 0 || sname[len] == '.')) {
            lo[found] = sym->st_value & ~1u;
            hi[found] = lo[found] + sym->st_size;
            found++;
        }
    }
    return found;
}

static void usage(void) {
    fprintf(stderr, "usage: boot-skip HARNESS.elf [--case NAME] [--expect-boot] [--all] "
                    "[--stride N] [--jobs N] [--show K]\n");
    exit(2);
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc < 2 || sodium_init() < 0) {
        usage();
    }
    bool expect_boot = false;
    const char *only = NULL;
    uint64_t stride = 1;
    int jobs = 1;
    static sweep s;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--expect-boot") == 0) {
            expect_boot = true;
        } else if (strcmp(argv[i], "--show") == 0 && i + 1 < argc) {
            s.show = true; // one skip, and what came of it
            s.show_at = strtoull(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--all") == 0) {
            s.all = true;
        } else if (strcmp(argv[i], "--case") == 0 && i + 1 < argc) {
            only = argv[++i];
        } else if (strcmp(argv[i], "--stride") == 0 && i + 1 < argc) {
            stride = strtoull(argv[++i], NULL, 10);
            if (stride < 1) {
                usage();
            }
        } else if (strcmp(argv[i], "--jobs") == 0 && i + 1 < argc) {
            jobs = atoi(argv[++i]);
            if (jobs < 1 || jobs > 16) {
                usage();
            }
        } else {
            usage();
        }
    }
    m3_load(&s.elf, argv[1]);
    uint32_t size = 0;
    s.fn_setup = m3_symbol(&s.elf, "fault_boot_setup", NULL);
    s.fn_run = m3_symbol(&s.elf, "fault_boot_run", &size);
    s.run_lo = s.fn_run & ~1u;
    s.run_hi = s.run_lo + size;
    s.stack_top = m3_symbol(&s.elf, "__stack_end", NULL);
    s.ran_addr = m3_symbol(&s.elf, "fault_ran", NULL);
    s.key_addr = m3_symbol(&s.elf, "fault_maker_key", NULL);
    uint32_t lo[4], hi[4];
    if (find_functions(&s.elf, "ol_ed25519_verify", lo, hi, 1) != 1) {
        m3_die("no ol_ed25519_verify in the harness");
    }
    s.ed_entry = lo[0];
    if (!s.all) {
        // SHA-256's and SHA-512's rounds (src/crypto/builtin/sha{256,512}.c).
        s.nspared = find_functions(&s.elf, "compress", s.spared_lo, s.spared_hi, 4);
        if (s.nspared != 2) {
            m3_die("expected two `compress` functions (SHA-256's, SHA-512's)");
        }
    }

    s.uc = m3_open(&s.elf);
    plan_ranges(&s);
    m3_check(uc_context_alloc(s.uc, &s.cpu), "context");
    m3_check(uc_context_save(s.uc, s.cpu), "save CPU");
    uc_hook intr, hook;
    m3_check(uc_hook_add(s.uc, &intr, UC_HOOK_INTR, on_interrupt, &s, 1, 0), "interrupt hook");
    // The code hook everywhere but in the spared rounds, which then run at
    // the emulator's full speed (a clean run counts them with a hook of its own).
    uint32_t from = M3_CODE_BASE;
    for (int i = 0; i <= s.nspared; i++) {
        uint32_t to = i < s.nspared ? s.spared_lo[i] : M3_CODE_BASE + M3_CODE_SIZE;
        if (to > from) {
            m3_check(uc_hook_add(s.uc, &hook, UC_HOOK_CODE, on_insn, &s, from, to - 1),
                     "code hook");
        }
        if (i < s.nspared) {
            from = s.spared_hi[i];
        }
    }

    // The flash's address, and the maker's key pinned.
    make_signer(&maker, 0x4D);
    make_signer(&other, 0x53);
    uint32_t r = 0;
    if (call(&s, s.fn_setup, 0, &r) != RETURNED || !in_region(r, M3_NOR_BASE, M3_NOR_SIZE)) {
        m3_die("fault_boot_setup failed");
    }
    s.nor = r;
    uint32_t geometry[3];
    m3_check(uc_mem_read(s.uc, m3_symbol(&s.elf, "fault_boot_geometry", NULL), geometry,
                         sizeof geometry),
             "read the geometry");
    s.first_sector = geometry[0];
    s.slot_sectors = geometry[1];
    s.sector_size = geometry[2];
    m3_check(uc_mem_write(s.uc, s.key_addr, maker.pk, 32), "write the key");
    save_state(&s);

    static bootcase cases[8];
    int ncases = 0;
    make_cases(cases, &ncases);
    uint64_t bad = 0;
    int ran = 0;
    for (int i = 0; i < ncases; i++) {
        if (only && strcmp(only, cases[i].name) != 0) {
            continue;
        }
        bad += run_case(&s, &cases[i], stride, jobs, expect_boot);
        ran++;
    }
    if (!ran) {
        m3_die("no such case");
    }
    printf("boot-skip: %llu skips booted an unverified image%s\n", (unsigned long long)bad,
           expect_boot ? " (self-test: at least one expected)" : "");
    uc_close(s.uc);
    return expect_boot ? (bad > 0 ? 0 : 1) : (bad == 0 ? 0 : 1);
}
