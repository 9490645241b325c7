#include "grow.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

void *grow(void *items, size_t *cap, size_t need, size_t size) {
    if (need <= *cap) {
        return items;
    }
    size_t n = *cap ? *cap : 16;
    while (n < need && n <= SIZE_MAX / 2) {
        n *= 2;
    }
    if (n < need || (size && n > SIZE_MAX / size)) {
        fprintf(stderr, "grow: %zu items of %zu bytes do not fit in memory\n", need, size);
        exit(3);
    }
    void *bigger = realloc(items, n * size);
    if (!bigger) {
        fprintf(stderr, "grow: out of memory (%zu items of %zu bytes)\n", n, size);
        exit(3);
    }
    *cap = n;
    return bigger;
}
