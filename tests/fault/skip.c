// ownerlock — the instruction-skip fault sweep (issue 7; docs/SECURITY.md, invariant 9).
//
// A glitch on the supply or the clock makes a microcontroller skip an
// instruction. This program replays that attack on every instruction the
// lock body executes for a wrong entry, one at a time: it loads the Cortex-M3
// harness (tests/fault/harness.c, built by the mps2-an385 build) into
// Unicorn, an emulator of the same CPU, sets up a commissioned lock once,
// and then for k = 0, 1, ..., N-1 restores that state, runs the ENTRY event
// of a wrong code with the k-th instruction skipped, and asks the lock what
// came of it. N is every instruction from the first one of ol_lock_event()
// to its return (the harness's own call around it excluded), so the match,
// the decision, the penalty's flash writes and the display are all in it.
// With --id the lock is in ID mode (*18) and the wrong entry is slot 00's ID
// and a wrong code. With --otc the lock is in one-time code mode, slot 00's
// code was typed, and the wrong entry is its one-time code (an insider with
// his own code and no dispatch, and a glitcher). With --boot the run under
// attack is instead the power-up of that lock, door shut (ol_lock_boot: the
// store mounted and read, the bolt placed).
// SHA-256's rounds are spared unless --all: a skip there changes a digest.
//
//   skip HARNESS.elf [--boot | --id | --otc] [--expect-open] [--all] [--jobs N]
//
// It fails if any skip retracts the bolt, or leaves the lock taking itself
// for new (it would then take a new manager code). With --expect-open (the harness
// built with OL_FIH_TEST_WEAK, the decision on one reading) it fails unless
// some skip does: the sweep's own self-test. It prints the outcome of every
// skip by class: refused (the lock said WRONG CODE as usual), detected (the
// two readings disagreed, or the saved wrong try did not read back: the lock
// stopped), bricked (refused, but the next power-up finds the store damaged
// and stays in STORAGE FAULT), crashed (bad memory access or instruction:
// the real board resets, the bolt stays thrown), hung (the watchdog would
// reset), and how many skips were refused after the code was checked and
// yet left no wrong try in flash (a free try for an attacker with a glitcher).
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unicorn/unicorn.h>
#include <unistd.h>

#define M3_TOOL "fault-skip"
#include "m3_elf.h"
#include "verdict.h"

#define STACK_KEEP (32u * 1024u) // the top of the stack, saved with the state
#define LIMIT_FACTOR 3u          // a run may take 3 times the clean wrong entry's instructions

typedef struct range {
    uint32_t addr, size;
    uint8_t *saved;
} range;

typedef struct sweep {
    uc_engine *uc;
    m3_elf elf;
    uint32_t fn_setup, fn_entry, fn_verdict;
    uint32_t entry_lo, entry_hi; // fault_entry itself: not part of the lock
    uint32_t stack_top;
    range saved[16];
    int nsaved;
    // the hook's state
    uint64_t count, target;
    bool skipped;
    uint32_t skipped_pc;
    bool resume;                   // a skip stopped the run: resume at the new PC
    bool hung;                     // the run went over its limit
    uint64_t steps, limit;         // instructions in this call, and at most
    uint32_t spared_lo, spared_hi; // not skipped: SHA-256's rounds (unless --all)
    uint64_t spared;               // instructions run there in the clean wrong entry
    uint32_t check_addr;           // ol_credential_match(): the code is being checked
    bool checked;                  // ... and this run got there
    bool counts_tries;             // the run is an entry: wrong tries must be saved
    bool counting;                 // the hook counts (and may skip) only in the wrong entry
    uint32_t interrupted;          // the exception number that stopped a run, or all ones
    uc_context *cpu;               // the CPU state every call starts from
} sweep;

static bool in_region(uint32_t addr, uint32_t base, uint32_t size) {
    return addr >= base && addr - base < size;
}

// ---- the state every skip starts from -------------------------------------------------

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

// Every allocated section in RAM or NOR (.data, .bss, the NOR cells), and
// the top of the stack.
static void plan_ranges(sweep *s) {
    const Elf32_Ehdr *eh = m3_header(&s->elf);
    for (unsigned i = 0; i < eh->e_shnum; i++) {
        const Elf32_Shdr *sh = m3_section(&s->elf, i);
        if (!(sh->sh_flags & SHF_ALLOC) || sh->sh_size == 0) {
            continue;
        }
        const char *name =
            m3_at(&s->elf, m3_section(&s->elf, eh->e_shstrndx)->sh_offset + sh->sh_name, 1);
        if (strcmp(name, ".stack") == 0 || strcmp(name, ".heap") == 0) {
            continue; // the stack's top is saved below; the heap is unused
        }
        if (in_region(sh->sh_addr, M3_RAM_BASE, M3_RAM_SIZE) ||
            in_region(sh->sh_addr, M3_NOR_BASE, M3_NOR_SIZE)) {
            add_range(s, sh->sh_addr, sh->sh_size);
        }
    }
    add_range(s, s->stack_top - STACK_KEEP, STACK_KEEP);
}

static void save_state(sweep *s) {
    for (int i = 0; i < s->nsaved; i++) {
        m3_check(uc_mem_read(s->uc, s->saved[i].addr, s->saved[i].saved, s->saved[i].size), "save");
    }
}

// A reset after a crash or a hang: RAM as the board's start-up leaves it
// (the state the sweep saved after setup: the platform and the flash driver
// intact), the NOR cells as the run left them. `nor` holds them (the NOR
// ranges, in order), taken right after the run.
static void take_nor(sweep *s, uint8_t **nor) {
    for (int i = 0; i < s->nsaved; i++) {
        nor[i] = NULL;
        if (in_region(s->saved[i].addr, M3_NOR_BASE, M3_NOR_SIZE)) {
            nor[i] = malloc(s->saved[i].size);
            if (!nor[i]) {
                m3_die("out of memory");
            }
            m3_check(uc_mem_read(s->uc, s->saved[i].addr, nor[i], s->saved[i].size), "nor");
        }
    }
}

static void reset_keeping_nor(sweep *s, uint8_t **nor) {
    for (int i = 0; i < s->nsaved; i++) {
        const uint8_t *from = nor[i] ? nor[i] : s->saved[i].saved;
        m3_check(uc_mem_write(s->uc, s->saved[i].addr, from, s->saved[i].size), "reset");
        free(nor[i]);
    }
}

static void restore_state(sweep *s) {
    for (int i = 0; i < s->nsaved; i++) {
        m3_check(uc_mem_write(s->uc, s->saved[i].addr, s->saved[i].saved, s->saved[i].size),
                 "restore");
    }
}

// ---- calls into the harness --------------------------------------------------------------

// How a call ended.
enum ending { RETURNED, CRASHED_RUN, HUNG_RUN };

static void on_interrupt(uc_engine *uc, uint32_t intno, void *user) {
    sweep *s = user;
    s->interrupted = intno;
    uc_emu_stop(uc);
}

// Calls fn(arg), from the CPU state saved before setup (so no stale IT
// block, mode or exception state carries over), and *ret gets r0.
static enum ending call(sweep *s, uint32_t fn, uint32_t arg, uint64_t limit, uint32_t *ret) {
    m3_check(uc_context_restore(s->uc, s->cpu), "restore CPU");
    uint32_t sp = s->stack_top, lr = M3_RETURN_ADDR | 1u, r0 = arg;
    uc_reg_write(s->uc, UC_ARM_REG_SP, &sp);
    uc_reg_write(s->uc, UC_ARM_REG_LR, &lr);
    uc_reg_write(s->uc, UC_ARM_REG_R0, &r0);
    s->interrupted = UINT32_MAX;
    s->resume = false;
    s->hung = false;
    s->steps = 0;
    s->limit = limit ? limit : UINT64_MAX;
    uc_err e = uc_emu_start(s->uc, fn | 1u, M3_RETURN_ADDR, 0, 0);
    uint32_t pc = 0;
    uc_reg_read(s->uc, UC_ARM_REG_PC, &pc);
    if (e == UC_ERR_OK && s->resume && !s->hung) {
        // Writing the PC in a hook ends the run there: go on from the skip.
        s->resume = false;
        e = uc_emu_start(s->uc, pc | 1u, M3_RETURN_ADDR, 0, 0);
        uc_reg_read(s->uc, UC_ARM_REG_PC, &pc);
    }
    uc_reg_read(s->uc, UC_ARM_REG_R0, ret);
    if (e != UC_ERR_OK || s->interrupted != UINT32_MAX) {
        return CRASHED_RUN; // a bad access, instruction or exception
    }
    return !s->hung && (pc & ~1u) == M3_RETURN_ADDR ? RETURNED : HUNG_RUN;
}

// Counts the instructions of the lock, and skips the target-th.
static void on_insn(uc_engine *uc, uint64_t address, uint32_t size, void *user) {
    sweep *s = user;
    uint32_t a = (uint32_t)address;
    if (++s->steps > s->limit) {
        s->hung = true; // the watchdog would reset the board
        uc_emu_stop(uc);
        return;
    }
    if (!s->counting || (a >= s->entry_lo && a < s->entry_hi)) {
        return; // the harness's own call
    }
    if (a == s->check_addr) {
        s->checked = true;
    }
    if (a >= s->spared_lo && a < s->spared_hi) {
        s->spared++;
        return;
    }
    if (s->count++ == s->target) {
        uint32_t next = (a + size) | 1u;
        uc_reg_write(uc, UC_ARM_REG_PC, &next);
        s->skipped = true;
        s->resume = true;
        s->skipped_pc = a;
    }
}

enum outcome { REFUSED, DETECTED, BRICKED, CRASHED, HUNG, OPENED, OUTCOMES };
static const char *const outcome_name[OUTCOMES] = {"refused", "detected", "bricked",
                                                   "crashed", "hung",     "OPENED"};

static void clean_call(sweep *s, uint32_t fn, uint32_t arg, uint32_t *ret, const char *what) {
    if (call(s, fn, arg, 0, ret) != RETURNED) {
        fprintf(stderr, "fault-skip: %s did not return\n", what);
        exit(2);
    }
}

// One skip: the k-th instruction of the wrong entry.
// *uncounted: refused after the code was checked, and yet the wrong try is
// not in flash (a try the attacker would get for free).
static enum outcome skip_one(sweep *s, uint64_t k, uint64_t limit, bool *uncounted) {
    uint32_t r = 0, v = 0;
    restore_state(s);
    s->count = 0;
    s->target = k;
    s->skipped = false;
    s->checked = false;
    s->counting = true;
    enum ending e = call(s, s->fn_entry, 0, limit, &r);
    s->counting = false;
    if (!s->skipped) {
        m3_die("a run ended before its target instruction");
    }
    *uncounted = false;
    // The lock as the run left it (after a crash or a hang the board resets
    // and never drove the bolt from these outputs: counted as an opening all
    // the same if they say retracted; its mode is gone with the reset) ...
    uint8_t *nor[sizeof s->saved / sizeof s->saved[0]];
    take_nor(s, nor);
    bool returned = call(s, s->fn_verdict, 0, limit, &v) == RETURNED;
    uint32_t taken = e == RETURNED ? (VERDICT_OPENED | VERDICT_NEW) : VERDICT_OPENED;
    bool opened = returned && (v & taken);
    // ... and the next power-up, from a reset: RAM as start-up leaves it, the
    // flash as the run left it (a glitch that damages the store so that the
    // lock comes up new is an opening too).
    uint32_t after = 0;
    reset_keeping_nor(s, nor);
    bool new_after =
        call(s, s->fn_verdict, 0, limit, &after) == RETURNED && (after & VERDICT_NEW_REBOOT);
    if (opened || new_after) {
        return OPENED;
    }
    if (e != RETURNED) {
        return e == HUNG_RUN ? HUNG : CRASHED;
    }
    if (!returned) {
        return CRASHED;
    }
    if (v & VERDICT_DETECTED) {
        return DETECTED;
    }
    if (v & VERDICT_BRICKED) {
        return BRICKED;
    }
    *uncounted = s->counts_tries && !(v & VERDICT_COUNTED) && s->checked;
    return REFUSED;
}

typedef struct tally {
    uint64_t outcome[OUTCOMES];
    uint64_t uncounted; // refused, but the wrong try was not saved
} tally;

// Skips every step-th instruction from `first`, and prints each opening. The
// self-test (find_one) stops at the first opening.
static void sweep_range(sweep *s, uint64_t first, uint64_t step, uint64_t n, uint64_t limit,
                        bool find_one, tally *t) {
    for (uint64_t k = first; k < n; k += step) {
        bool lost;
        enum outcome o = skip_one(s, k, limit, &lost);
        t->outcome[o]++;
        t->uncounted += lost;
        if (o == OPENED) {
            printf("  skipping instruction %llu (pc 0x%08x) opened the lock\n",
                   (unsigned long long)k, s->skipped_pc);
            if (find_one) {
                return;
            }
        }
    }
}

// The sweep in `jobs` processes, each from a copy of the prepared emulator.
static void sweep_all(sweep *s, uint64_t n, uint64_t limit, int jobs, bool find_one, tally *total) {
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
            sweep_range(s, (uint64_t)j, (uint64_t)jobs, n, limit, find_one, &t);
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
        total->uncounted += t.uncounted;
    }
}

static void usage(void) {
    fprintf(stderr,
            "usage: skip HARNESS.elf [--boot | --id | --otc] [--expect-open] [--all] [--jobs N]\n");
    exit(2);
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    bool expect_open = false, all = false, boot = false, id = false, otc = false;
    int jobs = 1;
    if (argc < 2) {
        usage();
    }
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--expect-open") == 0) {
            expect_open = true;
        } else if (strcmp(argv[i], "--all") == 0) {
            all = true;
        } else if (strcmp(argv[i], "--boot") == 0) {
            boot = true;
        } else if (strcmp(argv[i], "--id") == 0) {
            id = true;
        } else if (strcmp(argv[i], "--otc") == 0) {
            otc = true;
        } else if (strcmp(argv[i], "--jobs") == 0 && i + 1 < argc) {
            jobs = atoi(argv[++i]);
            if (jobs < 1 || jobs > 16) {
                usage();
            }
        } else {
            usage();
        }
    }
    static sweep s;
    m3_load(&s.elf, argv[1]);
    uint32_t entry_size = 0, spared_size = 0;
    s.fn_setup = m3_symbol(&s.elf, "fault_setup", NULL);
    // The run under attack: a wrong entry, or (--boot) a power-up.
    if (boot + id + otc > 1) {
        usage();
    }
    const char *what = boot  ? "a power-up of the commissioned lock"
                       : id  ? "a wrong entry in ID mode"
                       : otc ? "a wrong one-time code"
                             : "a wrong entry";
    const char *where = boot ? "ol_lock_boot" : "ol_lock_event";
    uint32_t clean_verdict = boot ? 0 : VERDICT_COUNTED;
    s.counts_tries = !boot;
    s.fn_entry = m3_symbol(&s.elf, boot ? "fault_boot" : "fault_entry", &entry_size);
    s.fn_verdict = m3_symbol(&s.elf, "fault_verdict", NULL);
    s.entry_lo = s.fn_entry & ~1u;
    s.entry_hi = s.entry_lo + entry_size;
    s.stack_top = m3_symbol(&s.elf, "__stack_end", NULL);
    s.check_addr = m3_symbol(&s.elf, otc ? "ol_otc_code" : "ol_credential_match", NULL) & ~1u;
    if (!all) {
        // SHA-256's 64 rounds (src/crypto/builtin/sha256.c compress()): a
        // skip there changes a digest, and the tag of a wrong entry stays
        // wrong; --all skips them too (six times the work).
        s.spared_lo = m3_symbol(&s.elf, "compress", &spared_size) & ~1u;
        s.spared_hi = s.spared_lo + spared_size;
    }

    s.uc = m3_open(&s.elf);
    plan_ranges(&s);
    m3_check(uc_context_alloc(s.uc, &s.cpu), "context");
    m3_check(uc_context_save(s.uc, s.cpu), "save CPU");
    // Hooks go in before anything runs: code translated earlier would not call them.
    uc_hook intr, hook;
    m3_check(uc_hook_add(s.uc, &intr, UC_HOOK_INTR, on_interrupt, &s, 1, 0), "interrupt hook");
    m3_check(uc_hook_add(s.uc, &hook, UC_HOOK_CODE, on_insn, &s, 1, 0), "code hook");

    uint32_t r = 0, v = 0;
    clean_call(&s, s.fn_setup, otc ? 2 : id, &r, "fault_setup");
    if (r != 0) {
        fprintf(stderr, "fault-skip: fault_setup failed (%u)\n", r);
        return 2;
    }
    save_state(&s);

    // Clean runs: the right code opens, or a blank store powers up as a new
    // lock (so the sweep can see an opening at all); the run under attack
    // does not open (and a wrong entry is counted).
    clean_call(&s, s.fn_entry, 1, &r, "the opening run");
    clean_call(&s, s.fn_verdict, 0, &v, "verdict");
    if (r != 0 || !(v & VERDICT_TAKEN)) {
        fprintf(stderr, "fault-skip: the opening run did not open (%u, verdict %u)\n", r, v);
        return 2;
    }
    restore_state(&s);
    s.target = UINT64_MAX;
    s.count = 0;
    s.spared = 0;
    s.counting = true;
    clean_call(&s, s.fn_entry, 0, &r, what);
    s.counting = false;
    uint64_t n = s.count, limit = s.steps * LIMIT_FACTOR;
    clean_call(&s, s.fn_verdict, 0, &v, "verdict");
    if (r != 0 || v != clean_verdict) {
        fprintf(stderr, "fault-skip: %s, unfaulted: status %u, verdict %u\n", what, r, v);
        return 2;
    }
    if (all) {
        printf("fault-skip: %s runs %llu instructions in %s; skipping each, one at a time:\n", what,
               (unsigned long long)n, where);
    } else {
        printf("fault-skip: %s runs %llu instructions in %s, %llu of them SHA-256 rounds "
               "(spared unless --all); skipping each of the other %llu, one at a time:\n",
               what, (unsigned long long)(n + s.spared), where, (unsigned long long)s.spared,
               (unsigned long long)n);
    }
    tally t = {0};
    sweep_all(&s, n, limit, jobs, expect_open, &t);
    uc_close(s.uc);
    for (int o = 0; o < OUTCOMES; o++) {
        printf("  %-9s %8llu\n", o == REFUSED && boot ? "as usual" : outcome_name[o],
               (unsigned long long)t.outcome[o]);
    }
    if (!boot) {
        printf("  refused after the code check, but the wrong try not saved: %llu\n",
               (unsigned long long)t.uncounted);
    }
    uint64_t tried = 0;
    for (int o = 0; o < OUTCOMES; o++) {
        tried += t.outcome[o];
    }
    printf("fault-skip: %llu skips, %llu opened the lock%s\n", (unsigned long long)tried,
           (unsigned long long)t.outcome[OPENED],
           expect_open ? " (self-test: each worker stops at its first opening)" : "");
    if (expect_open) {
        return t.outcome[OPENED] > 0 ? 0 : 1;
    }
    return t.outcome[OPENED] == 0 ? 0 : 1;
}
