#!/bin/sh
# ownerlock — mps2-an385: flash and RAM of the lock-body firmware, in total
# and per module, from linker maps (what --gc-sections kept, not what was
# compiled).
#
# usage: size-report.sh FIRMWARE_MAP [MODULES_MAP [STACK_HIGH_WATER_BYTES]]
#
# FIRMWARE_MAP is the image's map: its totals are the figures that count.
# With LTO (the default build) that map cannot tell modules apart — LTO
# inlines across them and emits objects of its own — so the table per module
# comes from MODULES_MAP, the same objects linked without LTO
# (ownerlock-an385-modules.elf); its total is larger than the image by what
# LTO saves. Without MODULES_MAP (or with an empty one) the firmware's own map
# gives the table.
#
# text = code + read-only data (flash), data = initialised RAM (its initial
# values also take flash), bss = zeroed RAM. The stack is reserved by the
# linker script; the high-water mark is measured by running the firmware
# (size.sh runs systest/workload.rig). The emulated NOR flash (.nor) is left
# out: on a real MCU it is the internal flash's data area, not RAM.
set -eu
fw_map=${1:?usage: size-report.sh FIRMWARE_MAP [MODULES_MAP [STACK_HIGH_WATER]]}
mod_map=${2:-$fw_map}
hwm=${3:-}

# The map parser, shared by both passes.
parse='
function hex(s,    i, c, v) {
    s = tolower(s); sub(/^0x/, "", s); v = 0
    for (i = 1; i <= length(s); i++) {
        c = index("0123456789abcdef", substr(s, i, 1)) - 1
        v = v * 16 + c
    }
    return v
}
function module(file) {
    if (file ~ /\/src\/core\//) return "core"
    if (file ~ /\/src\/store\//) return "store"
    if (file ~ /\/src\/crypto\//) return "crypto"
    if (file ~ /\/src\/link\//) return "link"
    if (file ~ /\/src\/frontend\//) return "frontend"
    if (file ~ /x25519_cm3\.S/) return "crypto" # X25519 in the port: assembly
    if (file ~ /an385/) return "port"
    if (file ~ /libc(_nano)?\.a/) return "libc"
    if (file ~ /libgcc\.a/) return "libgcc"
    if (file ~ /ltrans/) return "lto"
    return "other"
}
function object(file) {
    if (file ~ /\.a\(/) { sub(/^.*\//, "", file); return file }
    sub(/^.*\.dir\//, "", file); sub(/^.*\/src\//, "src/", file); sub(/\.obj$/, "", file)
    return file
}
function column(sec) {
    if (sec == ".vectors" || sec == ".text" || sec == ".ARM.exidx") return "text"
    if (sec == ".data") return "data"
    if (sec == ".bss") return "bss"
    return ""
}
function add(file, size,    col, m, o) {
    col = column(outsec)
    if (col == "" || size == 0) return
    m = (file == "" ? "align" : module(file))
    o = (file == "" ? "(alignment)" : object(file))
    bytes[m, col] += size; total[col] += size; mods[m] = 1
    obytes[o, col] += size; objs[o] = m
}
# Input sections are counted by the address range they occupy up to the next
# one: merged string sections overlap, and their listed sizes would count the
# shared strings twice.
function entry(file, addr, size) {
    n_ent++; e_file[n_ent] = file; e_addr[n_ent] = addr; e_size[n_ent] = size
    e_sec[n_ent] = outsec
}
function flush(    i, end_i, sz) {
    for (i = 1; i <= n_ent; i++) {
        end_i = (i < n_ent && e_sec[i + 1] == e_sec[i]) ? e_addr[i + 1] : sec_end[e_sec[i]]
        sz = e_size[i]
        if (end_i >= e_addr[i] && end_i - e_addr[i] < sz) sz = end_i - e_addr[i]
        outsec = e_sec[i]
        add(e_file[i], sz)
    }
}
/^Linker script and memory map/ { go = 1; next }
!go { next }
/^\.[A-Za-z_]/ {
    outsec = $1; pending = 0
    if (NF >= 3 && $2 ~ /^0x/) sec_end[outsec] = hex($2) + hex($3)
    if (outsec == ".stack" && NF >= 3) stack = hex($3)
    next
}
/^ \*fill\*/ { entry("", hex($2), hex($3)); next }
/^ [.A-Za-z_]/ {
    if (NF >= 4 && $2 ~ /^0x/) entry($4, hex($2), hex($3))
    else if (NF == 1) pending = 1
    next
}
pending && /^ +0x/ && NF == 3 { entry($3, hex($1), hex($2)); pending = 0; next }
{ pending = 0 }
'

# Totals of the image: text data bss stack.
totals=$(awk "$parse"'
END {
    flush()
    printf "%d %d %d %d\n", total["text"], total["data"], total["bss"], stack
}' "$fw_map")

awk -v hwm="$hwm" -v totals="$totals" -v same="$([ "$mod_map" = "$fw_map" ] && echo 1)" "$parse"'
END {
    flush()
    split(totals, t, " ")
    lto = (same != "1")
    printf "lock-body firmware, mps2-an385 (Cortex-M3, -Os%s)\n\n", lto ? ", LTO" : ""
    if (lto) {
        printf "per module: the same objects linked without LTO (LTO inlines across modules,\n"
        printf "so only this link can tell them apart; the image itself is the LTO one below)\n\n"
    }
    printf "%-10s %8s %8s %8s\n", "module", "text", "data", "bss"
    split("core store crypto link frontend port libc libgcc lto align other", order, " ")
    for (i = 1; i <= 11; i++) {
        m = order[i]
        if (!(m in mods)) continue
        printf "%-10s %8d %8d %8d\n", m, bytes[m, "text"], bytes[m, "data"], bytes[m, "bss"]
    }
    printf "%-10s %8d %8d %8d%s\n", "total", total["text"], total["data"], total["bss"], \
        lto ? "   (without LTO)" : ""
    if (lto) {
        printf "%-10s %8d %8d %8d   <- the firmware image\n", "with LTO", t[1], t[2], t[3]
        printf "%-10s %8d %8d %8d\n", "LTO saves", total["text"] - t[1], total["data"] - t[2], \
            total["bss"] - t[3]
    }
    flash = t[1] + t[2]
    ram = t[2] + t[3] + t[4]
    printf "\nflash  text + data          %6d bytes of 49152 (%d%%), %d to spare\n", \
        flash, flash * 100 / 49152, 49152 - flash
    printf "RAM    data + bss + stack   %6d bytes of  8192 (%d%%), stack reserved %d\n", \
        ram, ram * 100 / 8192, t[4]
    if (hwm != "")
        printf "stack  high-water mark      %6d bytes of %d usable (systest/workload.rig)\n", \
            hwm, t[4] - 32
    printf "\nper object (text/data/bss)%s:\n", lto ? ", without LTO" : ""
    for (i = 1; i <= 11; i++) {
        m = order[i]
        for (o in objs) if (objs[o] == m) list[++k] = o
        # sort this module'"'"'s objects by name (few: insertion sort)
        for (a = 2; a <= k; a++) for (b = a; b > 1 && list[b] < list[b-1]; b--) {
            x = list[b]; list[b] = list[b-1]; list[b-1] = x
        }
        for (a = 1; a <= k; a++) {
            o = list[a]
            printf "  %-9s %-38s %6d %5d %5d\n", m, o, obytes[o, "text"], obytes[o, "data"], obytes[o, "bss"]
        }
        k = 0
    }
}' "$mod_map"
