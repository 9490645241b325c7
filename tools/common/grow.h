// A growable array, for the simulator and the tests (never the firmware, which
// has no heap):
//
//     items = grow(items, &cap, n + 1, sizeof *items);
//     items[n++] = item;
//
// makes room for `need` items of `size` bytes, doubling the capacity *cap.
#ifndef OWNERLOCK_GROW_H
#define OWNERLOCK_GROW_H

#include <stddef.h>

// Out of memory, or a size that does not fit a size_t, ends the program with
// status 3 (the simulator's "internal error"; any test fails on it).
void *grow(void *items, size_t *cap, size_t need, size_t size);

#endif
