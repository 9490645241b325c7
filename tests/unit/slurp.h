// A whole file read into memory, for tests that read the project's
// documents (docs/POLICY.md, docs/PORTING.md). NULL if it cannot be read;
// the caller frees it.
#ifndef OWNERLOCK_TEST_SLURP_H
#define OWNERLOCK_TEST_SLURP_H

#include <stdio.h>
#include <stdlib.h>

static inline char *slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = n < 0 ? NULL : malloc((size_t)n + 1);
    if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
        free(s);
        s = NULL;
    }
    if (s) {
        s[n] = '\0';
    }
    fclose(f);
    return s;
}

#endif
