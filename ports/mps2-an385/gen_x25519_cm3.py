#!/usr/bin/env python3
# ownerlock — writes x25519_cm3.S: X25519's field multiplication and squaring
# (GF(2^255 - 19), twenty signed 13-bit limbs in 32-bit words, as in
# src/crypto/builtin/x25519.c) in Thumb-2 for the Cortex-M3.
#
#   python3 ports/mps2-an385/gen_x25519_cm3.py > ports/mps2-an385/x25519_cm3.S
#
# The output is checked in; the build does not run this. Why a generator: the
# products are straight-line (no loop counter, no branch), and which register
# holds which column at which step is bookkeeping a program gets right. The
# swap runs a loop of a fixed count (public), for flash.
#
# Only MUL and MLA multiply, whose time on the Cortex-M3 does not depend on the
# operands (never UMULL, SMULL, UMLAL, SMLAL, UDIV, SDIV: make ct-check).
#
# The product, 39 columns t[0..38] in the stack frame, is computed in bands of
# five limbs of f held in registers (f[a..a+4]) against tiles of two limbs of g
# (one LDRD): a tile's ten products go to six columns whose accumulators stay
# in registers (column c in A[c % 6]); after a tile its two lowest columns are
# complete for the band and go to the frame (one STRD), and the two the next
# tile begins come in (one LDRD, or nothing for a column no band has begun:
# its first product is then a MUL). Registers: g's base, five of f, two of g,
# six accumulators: all fourteen. The squaring does the same over the upper
# triangle with the band's limbs doubled (2 f[i] f[j] for i < j; the square
# f[j]^2 from the tile's own register).
#
# Bounds (the C file's, unchanged): an input limb is at most 8200 in
# magnitude (a carried limb, at most 4099, or a sum or difference of two), so
# a product is below 2^26.01 and a column of at most twenty below 2^30.33:
# every MLA stays inside an int32_t.
#
# The reduction: the top columns t[20..38] carried into 13-bit limbs (floor,
# the carry added into the next column with one shifted ADD), each folded
# onto column i = c - 20 times 608 (2^260 = 608 mod p; below 2^22.3); the
# bottom columns carried, balanced: v + 4096 >> 13 goes up, SBFX keeps
# v's low 13 bits as a signed value in [-4096, 4095] (the same limb as the C
# code's (v + HALF) & M13 - HALF). The carry out of limb 19 (below 2^17.1)
# folds into limb 0 times 608 and limbs 0 -> 1 -> 2 are carried once more:
# limb 2 ends within 2 of [-4096, 4095]. The limbs come out identical to
# the C code's.
import sys

NL = 20
BAND = 5
T_OFF = 0  # t[0..39] at sp + 0 (t[39] unused)
H_OFF = 160  # the output pointer
F_OFF = 164  # f's pointer (fe_mul)
FRAME = 168

ACC = ["r8", "r9", "r10", "r11", "r12", "lr"]
G = ["r6", "r7"]
BANDREG = ["r1", "r2", "r3", "r4", "r5"]
BASE = "r0"  # g's base (fe_mul), f's (fe_sq)

out = []


def op(s):
    out.append("\t" + s)


def band(a, tiles, written):
    """Emit one band. tiles: list of (first g limb j0, width w, products);
    products: (column, x register, y register). written: columns in t."""
    last = {}
    first = {}
    for k, (_, _, prods) in enumerate(tiles):
        for col, _, _ in prods:
            first.setdefault(col, k)
            last[col] = k
    init = {}
    holder = {}  # register -> column it holds
    for k, (j0, w, prods) in enumerate(tiles):
        # Columns this tile begins: from t where an earlier band wrote them.
        new = sorted(c for c in first if first[c] == k)
        for c in new:
            r = ACC[c % 6]
            assert r not in holder, (a, k, c, holder)
            holder[r] = c
            init[c] = c in written
        loads = [c for c in new if c in written]
        i = 0
        while i < len(loads):
            c = loads[i]
            if i + 1 < len(loads) and loads[i + 1] == c + 1:
                op(f"ldrd\t{ACC[c % 6]}, {ACC[(c + 1) % 6]}, [sp, #{T_OFF + 4 * c}]")
                i += 2
            else:
                op(f"ldr\t{ACC[c % 6]}, [sp, #{T_OFF + 4 * c}]")
                i += 1
        if w == 2:
            op(f"ldrd\t{G[0]}, {G[1]}, [{BASE}, #{4 * j0}]")
        else:
            op(f"ldr\t{G[0]}, [{BASE}, #{4 * j0}]")
        for col, x, y in prods:
            r = ACC[col % 6]
            assert holder[r] == col
            if init[col]:
                op(f"mla\t{r}, {x}, {y}, {r}")
            else:
                op(f"mul\t{r}, {x}, {y}")
                init[col] = True
        done = sorted(c for c in last if last[c] == k)
        i = 0
        while i < len(done):
            c = done[i]
            if i + 1 < len(done) and done[i + 1] == c + 1:
                op(f"strd\t{ACC[c % 6]}, {ACC[(c + 1) % 6]}, [sp, #{T_OFF + 4 * c}]")
                i += 2
            else:
                op(f"str\t{ACC[c % 6]}, [sp, #{T_OFF + 4 * c}]")
                i += 1
        for c in done:
            del holder[ACC[c % 6]]
            written.add(c)


def reduce():
    K, H, LO, TMP = "r0", "r1", "r10", "r11"
    T = ["r2", "r3", "r4", "r5"]  # top columns t[20 + i]: pair p in slot p % 2
    B = ["r6", "r7", "r8", "r9"]  # bottom columns t[i], then limb h[i]

    def tr(i):
        return T[(i // 2) % 2 * 2 + i % 2]

    def br(i):
        return B[(i // 2) % 2 * 2 + i % 2]

    op(f"ldr\t{H}, [sp, #{H_OFF}]")
    op(f"movw\t{K}, #608")
    op(f"ldrd\t{br(0)}, {br(1)}, [sp, #{T_OFF}]")
    op(f"ldrd\t{tr(0)}, {tr(1)}, [sp, #{T_OFF + 80}]")
    for i in range(NL):
        if i % 2 == 1 and i + 1 < NL:
            op(f"ldrd\t{br(i + 1)}, {br(i + 2)}, [sp, #{T_OFF + 4 * (i + 1)}]")
            if i + 1 <= 17:
                op(f"ldrd\t{tr(i + 1)}, {tr(i + 2)}, [sp, #{T_OFF + 80 + 4 * (i + 1)}]")
            elif i + 1 == 18:
                op(f"ldr\t{tr(18)}, [sp, #{T_OFF + 80 + 4 * 18}]")
        if i <= 17:
            op(f"ubfx\t{LO}, {tr(i)}, #0, #13")
            op(f"add\t{tr(i + 1)}, {tr(i + 1)}, {tr(i)}, asr #13")
            op(f"mla\t{br(i)}, {LO}, {K}, {br(i)}")
        elif i == 18:
            op(f"ubfx\t{LO}, {tr(18)}, #0, #13")
            op(f"asr\t{tr(19)}, {tr(18)}, #13")  # column 39 is empty
            op(f"mla\t{br(i)}, {LO}, {K}, {br(i)}")
        else:
            op(f"mla\t{br(i)}, {tr(19)}, {K}, {br(i)}")
        op(f"add\t{TMP}, {br(i)}, #4096")
        if i < NL - 1:
            op(f"add\t{br(i + 1)}, {br(i + 1)}, {TMP}, asr #13")
        else:
            op(f"asr\t{LO}, {TMP}, #13")  # the carry out of limb 19
        op(f"sbfx\t{br(i)}, {br(i)}, #0, #13")
        if i % 2 == 1:
            op(f"strd\t{br(i - 1)}, {br(i)}, [{H}, #{4 * (i - 1)}]")
    # Limb 19's carry times 608 into limb 0, then 0 -> 1 -> 2 once more.
    op(f"ldm\t{H}, {{r2, r3, r4}}")
    op(f"mla\tr2, {LO}, {K}, r2")
    op(f"add\t{TMP}, r2, #4096")
    op(f"add\tr3, r3, {TMP}, asr #13")
    op("sbfx\tr2, r2, #0, #13")
    op(f"add\t{TMP}, r3, #4096")
    op(f"add\tr4, r4, {TMP}, asr #13")
    op("sbfx\tr3, r3, #0, #13")
    op(f"stm\t{H}, {{r2, r3, r4}}")


def chunks(j_from):
    js = list(range(j_from, NL))
    return [(js[i], min(2, len(js) - i)) for i in range(0, len(js), 2)]


def fe_mul():
    written = set()
    for a in range(0, NL, BAND):
        # f[a..a+4] into the band's registers, through a G register.
        op(f"ldr\t{G[0]}, [sp, #{F_OFF}]")
        op(f"ldrd\t{BANDREG[0]}, {BANDREG[1]}, [{G[0]}, #{4 * a}]")
        op(f"ldrd\t{BANDREG[2]}, {BANDREG[3]}, [{G[0]}, #{4 * a + 8}]")
        op(f"ldr\t{BANDREG[4]}, [{G[0]}, #{4 * a + 16}]")
        tiles = []
        for j0, w in chunks(0):
            prods = []
            for j in range(j0, j0 + w):
                for i in range(BAND):
                    prods.append((a + i + j, BANDREG[i], G[j - j0]))
            tiles.append((j0, w, prods))
        band(a, tiles, written)
    assert written == set(range(2 * NL - 1))


def fe_sq():
    written = set()
    for a in range(0, NL, BAND):
        op(f"ldrd\t{BANDREG[0]}, {BANDREG[1]}, [{BASE}, #{4 * a}]")
        op(f"ldrd\t{BANDREG[2]}, {BANDREG[3]}, [{BASE}, #{4 * a + 8}]")
        op(f"ldr\t{BANDREG[4]}, [{BASE}, #{4 * a + 16}]")
        for r in BANDREG:
            op(f"add\t{r}, {r}, {r}")  # 2 f[i]
        tiles = []
        for j0, w in chunks(a):
            prods = []
            for j in range(j0, j0 + w):
                for i in range(a, a + BAND):
                    if i < j:
                        prods.append((i + j, BANDREG[i - a], G[j - j0]))
                    elif i == j:
                        prods.append((2 * j, G[j - j0], G[j - j0]))
            tiles.append((j0, w, prods))
        band(a, tiles, written)
    assert written == set(range(2 * NL - 1))


def function(name, body, comment, prologue):
    out.append("")
    for line in comment:
        out.append("@ " + line if line else "@")
    # A section per function: --gc-sections then drops what an image does not
    # call (the bootloader's Ed25519 needs no swap and no add-and-subtract).
    out.append(f'\t.section\t.text.{name},"ax",%progbits')
    out.append(f"\t.global\t{name}")
    out.append(f"\t.type\t{name}, %function")
    out.append("\t.p2align\t2")
    out.append("\t.thumb_func")
    out.append(f"{name}:")
    op("push\t{r4, r5, r6, r7, r8, r9, r10, r11, lr}")
    op(f"sub\tsp, sp, #{FRAME}")
    for line in prologue:
        op(line)
    body()
    reduce()
    op(f"add\tsp, sp, #{FRAME}")
    op("pop\t{r4, r5, r6, r7, r8, r9, r10, r11, pc}")
    out.append(f"\t.size\t{name}, .-{name}")


def fe_addsub():
    # s = f + g, d = f - g, five limbs at a time: d into g's registers, then
    # s = 2 f - d into f's (RSB with a shifted operand), no spare register.
    fr = ["r4", "r5", "r6", "r7", "r8"]
    gr = ["r9", "r10", "r11", "r12", "lr"]
    op("push\t{r4, r5, r6, r7, r8, r9, r10, r11, lr}")
    for _ in range(NL // 5):
        op(f"ldm\tr2!, {{{', '.join(fr)}}}")
        op(f"ldm\tr3!, {{{', '.join(gr)}}}")
        for x, y in zip(fr, gr):
            op(f"sub\t{y}, {x}, {y}")
            op(f"rsb\t{x}, {y}, {x}, lsl #1")
        op(f"stm\tr0!, {{{', '.join(fr)}}}")
        op(f"stm\tr1!, {{{', '.join(gr)}}}")
    op("pop\t{r4, r5, r6, r7, r8, r9, r10, r11, pc}")


def fe_cswap():
    # mask = -swap (all ones or zero); x ^= (x ^ y) & mask, y likewise. Four
    # limbs a pass, five passes counted in r12: the count is public, so the
    # loop runs the same instructions whatever swap is (and is 300 bytes
    # shorter than the same written out, which the lock body's flash needed).
    fr = ["r4", "r5", "r6", "r7"]
    gr = ["r8", "r9", "r10", "r11"]
    op("push\t{r4, r5, r6, r7, r8, r9, r10, r11, lr}")
    op("rsb\tr2, r2, #0")
    op(f"mov\tr12, #{NL // 4}")
    out.append("1:")
    op(f"ldm\tr0, {{{', '.join(fr)}}}")
    op(f"ldm\tr1, {{{', '.join(gr)}}}")
    for x, y in zip(fr, gr):
        op(f"eor\tr3, {x}, {y}")
        op("and\tr3, r3, r2")
        op(f"eor\t{x}, {x}, r3")
        op(f"eor\t{y}, {y}, r3")
    op(f"stm\tr0!, {{{', '.join(fr)}}}")
    op(f"stm\tr1!, {{{', '.join(gr)}}}")
    op("subs\tr12, r12, #1")
    op("bne\t1b")
    op("pop\t{r4, r5, r6, r7, r8, r9, r10, r11, pc}")


def fe_mul_small_add():
    # h = f k + g, carried: v = f[i] k + g[i] (MLA) plus the carry of the limb
    # before, (v + 4096) >> 13 (one shifted ADD), the limb SBFX v. Four limbs
    # a pass (f, g, one temporary: all the registers but the pointers and the
    # count, in lr), five passes: a fixed count, for flash. The carry into
    # limb 0 starts at 0 (0 >> 13 adds nothing).
    # Bounds: |f| <= 8200, k < 2^17, |g| <= 4098: v below 2^30.
    fr = ["r4", "r5", "r6", "r7"]
    gr = ["r8", "r9", "r10", "r11"]
    TMP = "r12"
    op("push\t{r4, r5, r6, r7, r8, r9, r10, r11, lr}")
    op(f"mov\t{TMP}, #0")
    op(f"mov\tlr, #{NL // 4}")
    out.append("1:")
    op(f"ldm\tr1!, {{{', '.join(fr)}}}")
    op(f"ldm\tr3!, {{{', '.join(gr)}}}")
    for x, y in zip(fr, gr):
        op(f"mla\t{y}, {x}, r2, {y}")
        op(f"add\t{y}, {y}, {TMP}, asr #13")
        op(f"add\t{TMP}, {y}, #4096")
        op(f"sbfx\t{y}, {y}, #0, #13")
    op(f"stm\tr0!, {{{', '.join(gr)}}}")
    op("subs\tlr, lr, #1")
    op("bne\t1b")
    # The carry out of limb 19 times 608 into limb 0, then 0 -> 1 -> 2.
    op(f"asr\t{TMP}, {TMP}, #13")
    op(f"sub\tr0, r0, #{4 * NL}")
    op("movw\tr1, #608")
    op("ldm\tr0, {r4, r5, r6}")
    op(f"mla\tr4, {TMP}, r1, r4")
    op(f"add\t{TMP}, r4, #4096")
    op(f"add\tr5, r5, {TMP}, asr #13")
    op("sbfx\tr4, r4, #0, #13")
    op(f"add\t{TMP}, r5, #4096")
    op(f"add\tr6, r6, {TMP}, asr #13")
    op("sbfx\tr5, r5, #0, #13")
    op("stm\tr0, {r4, r5, r6}")
    op("pop\t{r4, r5, r6, r7, r8, r9, r10, r11, pc}")


def plain_function(name, body, comment):
    out.append("")
    for line in comment:
        out.append("@ " + line)
    # A section per function: --gc-sections then drops what an image does not
    # call (the bootloader's Ed25519 needs no swap and no add-and-subtract).
    out.append(f'\t.section\t.text.{name},"ax",%progbits')
    out.append(f"\t.global\t{name}")
    out.append(f"\t.type\t{name}, %function")
    out.append("\t.p2align\t2")
    out.append("\t.thumb_func")
    out.append(f"{name}:")
    body()
    out.append(f"\t.size\t{name}, .-{name}")


def main():
    out.append("@ ownerlock — X25519's field products for the Cortex-M3 (Thumb-2).")
    out.append("@ GENERATED by gen_x25519_cm3.py (beside this file), which explains the")
    out.append("@ method and the bounds; edit that and run it again, not this.")
    out.append("\t.syntax\tunified")
    out.append("\t.cpu\tcortex-m3")
    out.append("\t.thumb")
    function(
        "ol_x25519_fe_mul",
        fe_mul,
        [
            "void ol_x25519_fe_mul(int32_t h[20], const int32_t f[20], const int32_t g[20]);",
            "h = f g; h may alias f or g (written only after both are read).",
        ],
        [f"str\tr0, [sp, #{H_OFF}]", f"str\tr1, [sp, #{F_OFF}]", f"mov\t{BASE}, r2"],
    )
    function(
        "ol_x25519_fe_sq",
        fe_sq,
        [
            "void ol_x25519_fe_sq(int32_t h[20], const int32_t f[20]);",
            "h = f^2; h may alias f.",
        ],
        [f"str\tr0, [sp, #{H_OFF}]", f"mov\t{BASE}, r1"],
    )
    plain_function(
        "ol_x25519_fe_addsub",
        fe_addsub,
        [
            "void ol_x25519_fe_addsub(int32_t s[20], int32_t d[20], const int32_t f[20],",
            "                         const int32_t g[20]);",
            "s = f + g, d = f - g, no carry. s and d may not alias f or g.",
        ],
    )
    plain_function(
        "ol_x25519_fe_cswap",
        fe_cswap,
        [
            "void ol_x25519_fe_cswap(int32_t f[20], int32_t g[20], uint32_t swap);",
            "Swaps f and g when swap is 1, not when 0: the same instructions either way.",
        ],
    )
    plain_function(
        "ol_x25519_fe_mul_small_add",
        fe_mul_small_add,
        [
            "void ol_x25519_fe_mul_small_add(int32_t h[20], const int32_t f[20], int32_t k,",
            "                                const int32_t g[20]);",
            "h = f k + g for a public k < 2^17, carried; h may alias f or g.",
        ],
    )
    out.append("")
    out.append('\t.section\t.note.GNU-stack,"",%progbits')
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
