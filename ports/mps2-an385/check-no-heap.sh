#!/bin/sh
# Fails if the image links an allocator: the firmware must not use a heap.
# usage: check-no-heap.sh NM ELF
set -eu
nm="$1"
elf="$2"
found=$("$nm" "$elf" | awk '$3 ~ /^(malloc|_malloc_r|free|_free_r|calloc|_calloc_r|realloc|_realloc_r|_sbrk|_sbrk_r)$/ { printf " %s", $3 }')
if [ -n "$found" ]; then
    echo "check-no-heap: $elf links an allocator:$found" >&2
    exit 1
fi
