// ownerlock — bench: a QEMU TCG plugin that counts guest instructions
// between two marker functions.
//
//   qemu-system-arm ... -plugin insn-count.so,begin=0xADDR,end=0xADDR,out=FILE
//                                 [,inner_begin=0xADDR,inner_end=0xADDR]
//
// Every guest instruction adds one to a counter (inline, exact even when a
// translation block is left early). When the instruction at `begin` runs the
// counter is noted; when the one at `end` runs, the difference is written as
// one line to `out`, with the cycles the Cortex-M3 takes for the same
// stretch by its TRM's timings (tests/common/m3_timing.h, shared with the
// constant-time trace): each instruction's class, plus the pipeline refill
// after every taken branch (a translation block that does not begin where the
// previous one ended), fastest and slowest, as the variable-time instructions
// allow. bench/bench_verify.c calls the markers around each
// measurement and prints its labels in the same order.
//
// The optional inner pair measures a stretch of the code under test without
// touching it: inside a measurement, from the first time `inner_begin` runs
// to the next time `inner_end` runs (e.g. from the first step of a
// verification in src/core/tries.c to its last). The line is then
// "OUTER INNER", or "OUTER -" when the inner pair did not run.
//
// Debian ships QEMU with plugin support but not the plugin header, so the few
// declarations this needs are written out here from the plugin API (version
// 1, QEMU 5.2 to 8.x). The API is a stable C ABI meant for exactly this.
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "m3_timing.h"

// ---- the QEMU plugin API, as much as used ---------------------------------------------
typedef uint64_t qemu_plugin_id_t;
typedef struct qemu_info_t qemu_info_t; // never looked into
struct qemu_plugin_tb;
struct qemu_plugin_insn;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS = 0 };
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 = 0 };
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn *insn,
                                                enum qemu_plugin_op op, void *ptr, uint64_t imm);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn,
                                            qemu_plugin_vcpu_udata_cb_t cb,
                                            enum qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void *userdata);
const void *qemu_plugin_insn_data(const struct qemu_plugin_insn *insn);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn);
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb, qemu_plugin_vcpu_udata_cb_t cb,
                                          enum qemu_plugin_cb_flags flags, void *userdata);

#define EXPORT __attribute__((visibility("default")))
EXPORT extern int qemu_plugin_version;
EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv);
EXPORT int qemu_plugin_version = 1;

// ---- the counter ----------------------------------------------------------------------
// One vCPU (the M3), so plain counters suffice.
static uint64_t executed;
static uint64_t began_at;
static uint64_t cycles_min, cycles_max, cycles_min_at, cycles_max_at;
static uint64_t flow_next = UINT64_MAX; // where the last block ended
static int in_region;
static uint64_t begin_addr = UINT64_MAX, end_addr = UINT64_MAX;
static uint64_t inner_begin_addr = UINT64_MAX, inner_end_addr = UINT64_MAX;
static uint64_t inner_began_at, inner_count;
static int inner_state; // 0: not yet, 1: running, 2: done (first run only)
static FILE *out;

static void at_begin(unsigned int vcpu, void *udata) {
    (void)vcpu;
    (void)udata;
    began_at = executed;
    cycles_min_at = cycles_min;
    cycles_max_at = cycles_max;
    in_region = 1;
    inner_state = 0;
}

static void at_end(unsigned int vcpu, void *udata) {
    (void)vcpu;
    (void)udata;
    if (!in_region) {
        return;
    }
    if (inner_state == 2) {
        fprintf(out, "%" PRIu64 " %" PRIu64, executed - began_at, inner_count);
    } else {
        fprintf(out, "%" PRIu64 " -", executed - began_at);
    }
    fprintf(out, " %" PRIu64 " %" PRIu64 "\n", cycles_min - cycles_min_at,
            cycles_max - cycles_max_at);
    fflush(out);
    in_region = 0;
}

static void at_inner_begin(unsigned int vcpu, void *udata) {
    (void)vcpu;
    (void)udata;
    if (in_region && inner_state == 0) {
        inner_began_at = executed;
        inner_state = 1;
    }
}

static void at_inner_end(unsigned int vcpu, void *udata) {
    (void)vcpu;
    (void)udata;
    if (in_region && inner_state == 1) {
        inner_count = executed - inner_began_at;
        inner_state = 2;
    }
}

// A block: where it begins and where the next instruction after it would be.
typedef struct block {
    uint64_t first, next;
} block;

// The block runs: when it does not begin where the last one ended, the last
// one's final instruction branched and the pipeline refilled.
static void at_block(unsigned int vcpu, void *udata) {
    (void)vcpu;
    const block *b = udata;
    if (flow_next != UINT64_MAX && b->first != flow_next) {
        cycles_min += PIPELINE_REFILL;
        cycles_max += PIPELINE_REFILL;
    }
    flow_next = b->next;
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
    (void)id;
    size_t n = qemu_plugin_tb_n_insns(tb);
    if (n == 0) {
        return;
    }
    block *b = malloc(sizeof *b); // kept for the block's life: until the end of the run
    if (!b) {
        fprintf(stderr, "insn-count: out of memory\n");
        abort();
    }
    struct qemu_plugin_insn *last = qemu_plugin_tb_get_insn(tb, n - 1);
    b->first = qemu_plugin_insn_vaddr(qemu_plugin_tb_get_insn(tb, 0));
    b->next = qemu_plugin_insn_vaddr(last) + qemu_plugin_insn_size(last);
    qemu_plugin_register_vcpu_tb_exec_cb(tb, at_block, QEMU_PLUGIN_CB_NO_REGS, b);
    for (size_t i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        uint64_t pc = qemu_plugin_insn_vaddr(insn);
        uint16_t hw[2] = {0, 0};
        size_t size = qemu_plugin_insn_size(insn);
        memcpy(hw, qemu_plugin_insn_data(insn), size < sizeof hw ? size : sizeof hw);
        unsigned fastest, slowest;
        m3_cycles(decode(hw[0], hw[1], (unsigned)size), &fastest, &slowest);
        // The same order for both markers (count, then note), so the count
        // between them is exact; bench_verify subtracts the empty region.
        qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &executed, 1);
        qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &cycles_min,
                                                   fastest);
        qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &cycles_max,
                                                   slowest);
        if (pc == begin_addr) {
            qemu_plugin_register_vcpu_insn_exec_cb(insn, at_begin, QEMU_PLUGIN_CB_NO_REGS, NULL);
        } else if (pc == end_addr) {
            qemu_plugin_register_vcpu_insn_exec_cb(insn, at_end, QEMU_PLUGIN_CB_NO_REGS, NULL);
        } else if (pc == inner_begin_addr) {
            qemu_plugin_register_vcpu_insn_exec_cb(insn, at_inner_begin, QEMU_PLUGIN_CB_NO_REGS,
                                                   NULL);
        } else if (pc == inner_end_addr) {
            qemu_plugin_register_vcpu_insn_exec_cb(insn, at_inner_end, QEMU_PLUGIN_CB_NO_REGS,
                                                   NULL);
        }
    }
}

static void at_exit(qemu_plugin_id_t id, void *udata) {
    (void)id;
    (void)udata;
    fprintf(out, "total %" PRIu64 "\n", executed);
    if (out != stderr) {
        fclose(out);
    }
}

int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv) {
    (void)info;
    out = stderr;
    for (int i = 0; i < argc; i++) {
        // Thumb symbols carry bit 0 in the ELF; instruction addresses do not.
        if (strncmp(argv[i], "begin=", 6) == 0) {
            begin_addr = strtoull(argv[i] + 6, NULL, 0) & ~(uint64_t)1;
        } else if (strncmp(argv[i], "end=", 4) == 0) {
            end_addr = strtoull(argv[i] + 4, NULL, 0) & ~(uint64_t)1;
        } else if (strncmp(argv[i], "inner_begin=", 12) == 0) {
            inner_begin_addr = strtoull(argv[i] + 12, NULL, 0) & ~(uint64_t)1;
        } else if (strncmp(argv[i], "inner_end=", 10) == 0) {
            inner_end_addr = strtoull(argv[i] + 10, NULL, 0) & ~(uint64_t)1;
        } else if (strncmp(argv[i], "out=", 4) == 0) {
            out = fopen(argv[i] + 4, "w");
            if (!out) {
                return -1;
            }
        } else {
            fprintf(stderr, "insn-count: unknown argument %s\n", argv[i]);
            return -1;
        }
    }
    if (begin_addr == UINT64_MAX || end_addr == UINT64_MAX) {
        fprintf(stderr, "insn-count: need begin=ADDR,end=ADDR\n");
        return -1;
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
    qemu_plugin_register_atexit_cb(id, at_exit, NULL);
    return 0;
}
