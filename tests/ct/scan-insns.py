#!/usr/bin/env python3
"""ownerlock — the variable-time instruction scan (issue 14; docs/SECURITY.md, invariant 3).

On the Cortex-M3, UMULL, SMULL, UMLAL and SMLAL finish early on small
operands (3-5 and 4-7 cycles) and UDIV, SDIV take 2 to 12 cycles by operand
(ARM Cortex-M3 TRM, table 18-1): in code that handles secrets their time
tells the secret. This scan disassembles an image (arm-none-eabi-objdump -d
-l --inlines), splits it by function symbol, and fails if any of them, or a
call to the compiler's division helpers (__aeabi_*div*, __udivmoddi4, ...),
is in the code LIST names (tests/ct/secret.list): whole source files, found
through the debug line table so that code LTO inlined elsewhere is still
theirs, and functions by name, renamed by LTO (fe_mul.constprop.0) or
inlined (named by the instruction's inline chain). Each entry of the list
must find code in the image, or the scan fails: a stale name must not pass.

  scan-insns.py [--list LIST] [--objdump TOOL] [--root DIR] [--expect-flaw] [--verbose] IMAGE...

Prints, per image, a table of every function with code in scope: its
instructions in scope and how many of each variable-time one. Exit 0 when
none is found (with --expect-flaw: when some is found in every image, the
scan's self-test: and in every function the list names), 1 otherwise, and
1 too when an entry of the list finds no code.
"""
import argparse
import fnmatch
import os
import re
import subprocess
import sys

VARIABLE = ("umull", "smull", "umlal", "smlal", "udiv", "sdiv")
COND = "eq|ne|cs|hs|cc|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le|al"
# A mnemonic, with any condition (in an IT block) and width suffix: umull.w, udivne.
INSN_RE = re.compile(r"^(%s)(?:%s)?(?:\.w|\.n)?$" % ("|".join(VARIABLE), COND))
# Calls to the run-time library's division (a loop of data-dependent length).
HELPER_RE = re.compile(r"<(__aeabi_u?l?div\w*|__aeabi_u?idiv\w*|__u?divmod[ds]i4|__u?div[ds]i3|"
                       r"__u?mod[ds]i3)>")
CALL_RE = re.compile(r"^b(l|lx|\.w)?(?:%s)?(?:\.w|\.n)?$" % COND)
# Suffixes GCC and LTO give clones and parts of a function.
CLONE_RE = re.compile(r"(\.(constprop|isra|part|cold|lto_priv)\.?\d*)+$")

SYM_RE = re.compile(r"^([0-9a-f]+) <(.+)>:$")
INSN_LINE_RE = re.compile(r"^\s+([0-9a-f]+):\t(\S+)\s*(.*)$")
FUNC_LINE_RE = re.compile(r"^(\S+)\(\):$")
FILE_LINE_RE = re.compile(r"^(/\S+|\S+\.[chS]):(\d+)(?: \(discriminator \d+\))?$")
INLINED_RE = re.compile(r"^inlined by (\S+):(\d+)(?: \(discriminator \d+\))? \((\S+)\)$")


def base_name(sym):
    return CLONE_RE.sub("", sym)


def read_list(path):
    files, funcs = [], []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            kind, _, what = line.partition(" ")
            what = what.strip()
            if kind == "file" and what:
                files.append(what)
            elif kind == "func" and what:
                funcs.append(what)
            else:
                sys.exit("scan-insns: %s:%d: expected 'file PATH' or 'func PATTERN'" % (path, n))
    return files, funcs


class Insn:
    __slots__ = ("addr", "mnem", "ops", "sym", "chain", "bad")

    def __init__(self, addr, mnem, ops, sym, chain):
        self.addr, self.mnem, self.ops, self.sym, self.chain = addr, mnem, ops, sym, chain
        self.bad = None


def disassemble(objdump, image):
    """Every instruction of IMAGE's code, with its symbol and its inline chain:
    [(function, file, line)] from the innermost source out to the symbol's."""
    try:
        out = subprocess.run([objdump, "-d", "-l", "--inlines", "--no-show-raw-insn", image],
                             check=True, capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        sys.exit("scan-insns: %s: %s" % (image, e))
    insns = []
    sym, func, loc, inlined = None, None, None, []
    for line in out.splitlines():
        m = SYM_RE.match(line)
        if m:
            sym, func, loc, inlined = m.group(2), None, None, []
            continue
        m = FUNC_LINE_RE.match(line)
        if m:
            func = m.group(1)
            continue
        m = FILE_LINE_RE.match(line)
        if m:
            loc, inlined = (m.group(1), int(m.group(2))), []
            continue
        m = INLINED_RE.match(line)
        if m:
            inlined.append((m.group(3), m.group(1), int(m.group(2))))
            continue
        m = INSN_LINE_RE.match(line)
        if m and sym is not None:
            chain = []
            if loc:
                chain.append((func or base_name(sym), loc[0], loc[1]))
            chain.extend(inlined)
            inlined = []  # objdump repeats the chain before each instruction
            insns.append(Insn(int(m.group(1), 16), m.group(2), m.group(3), sym, chain))
    return insns


def rel(path, root):
    path = os.path.normpath(path)
    r = os.path.relpath(path, root) if os.path.isabs(path) else path
    return r


def scan(image, args, files, funcs):
    insns = disassemble(args.objdump, image)
    if not insns:
        sys.exit("scan-insns: %s: no code disassembled" % image)
    root = os.path.abspath(args.root)
    file_hits = dict.fromkeys(files, 0)
    func_hits = {p: set() for p in funcs}
    # Which of them every instruction belongs to.
    by_sym = {}
    for i in insns:
        names = {base_name(i.sym)} | {c[0] for c in i.chain}
        srcs = {rel(c[1], root) for c in i.chain[:1]}  # the innermost source: where it comes from
        why = None
        for p in funcs:
            hit = [n for n in names if fnmatch.fnmatchcase(n, p)]
            if hit:
                func_hits[p].update(hit)
                why = why or "func " + p
        for f in files:
            if f in srcs:
                file_hits[f] += 1
                why = why or "file " + f
        if why is None:
            continue
        row = by_sym.setdefault(i.sym, {"n": 0, "why": why, "found": []})
        row["n"] += 1
        if INSN_RE.match(i.mnem):
            i.bad = INSN_RE.match(i.mnem).group(1)
        elif CALL_RE.match(i.mnem) and HELPER_RE.search(i.ops):
            i.bad = "call " + HELPER_RE.search(i.ops).group(1)
        if i.bad:
            row["found"].append(i)

    print("scan-insns: %s: %d instructions, %d functions with code in scope" %
          (image, len(insns), len(by_sym)))
    head = "  %-36s %6s " % ("function", "insns") + " ".join("%5s" % v.upper() for v in VARIABLE)
    print(head + "  calls  verdict")
    total = 0
    for sym in sorted(by_sym):
        row = by_sym[sym]
        counts = [sum(1 for i in row["found"] if i.bad == v) for v in VARIABLE]
        calls = sum(1 for i in row["found"] if i.bad.startswith("call "))
        total += len(row["found"])
        print("  %-36s %6d " % (sym[:36], row["n"]) + " ".join("%5d" % c for c in counts) +
              "  %5d  %s" % (calls, "FLAW" if row["found"] else "ok"))
    # Where each finding comes from: one line per function and origin (the
    # inline chain, without line numbers), with its source lines.
    for sym in sorted(by_sym):
        groups = {}
        for i in by_sym[sym]["found"]:
            key = " <- ".join("%s (%s)" % (c[0], os.path.basename(c[1])) for c in i.chain) or "?"
            g = groups.setdefault(key, {"lines": [], "what": {}})
            if i.chain:
                g["lines"].append(i.chain[0][2])
            g["what"][i.bad] = g["what"].get(i.bad, 0) + 1
        for key, g in groups.items():
            what = ", ".join("%d %s" % (n, w.upper()) for w, n in g["what"].items())
            lines = sorted(set(g["lines"]))
            at = ""
            if lines:
                at = " line %d" % lines[0] if len(lines) == 1 else " lines %d-%d" % (lines[0],
                                                                                 lines[-1])
            print("    in %s: %s from %s%s" % (sym, what, key, at))
    if args.verbose:
        for sym in sorted(by_sym):
            for i in by_sym[sym]["found"]:
                chain = " <- ".join("%s %s:%d" % (c[0], rel(c[1], root), c[2]) for c in i.chain)
                print("    %08x %-8s %-22s %s" % (i.addr, i.mnem, i.ops[:22], chain or "?"))
    # The self-test: every function the list names by pattern must be caught.
    uncaught = []
    if args.expect_flaw:
        for sym, row in sorted(by_sym.items()):
            if not row["found"] and any(fnmatch.fnmatchcase(base_name(sym), p) for p in funcs):
                uncaught.append(sym)
    missing = [f for f, n in file_hits.items() if n == 0]
    missing += [p for p, hit in func_hits.items() if not hit]
    for m in missing:
        print("scan-insns: %s: FAIL: no code in the image is '%s' (renamed or removed? "
              "update %s)" % (image, m, args.list))
    print("scan-insns: %s: %d variable-time instruction%s or call%s in code that handles secrets" %
          (image, total, "" if total == 1 else "s", "" if total == 1 else "s"))
    return total, missing, uncaught


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--list", default=os.path.join(here, "secret.list"))
    ap.add_argument("--objdump", default=os.environ.get("OBJDUMP", "arm-none-eabi-objdump"))
    ap.add_argument("--root", default=os.path.normpath(os.path.join(here, "..", "..")),
                    help="the source tree the list's paths are relative to")
    ap.add_argument("--expect-flaw", action="store_true",
                    help="self-test: fail unless every image has a finding")
    ap.add_argument("--verbose", action="store_true", help="every finding, with its address")
    ap.add_argument("images", nargs="+")
    args = ap.parse_args()
    files, funcs = read_list(args.list)
    if not files and not funcs:
        sys.exit("scan-insns: %s lists nothing" % args.list)
    ok = True
    for image in args.images:
        total, missing, uncaught = scan(image, args, files, funcs)
        if missing:
            ok = False
        elif args.expect_flaw:
            for sym in uncaught:
                print("scan-insns: self-test: FAIL: the planted flaw in %s was NOT found" % sym)
            found = total > 0 and not uncaught
            ok = ok and found
            if found:
                print("scan-insns: self-test: every planted flaw was found, as it must be")
        else:
            ok = ok and total == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
