// ownerlock — every single-record removal, change and swap of an audit
// export, and every cut of it, checked by the owner's tool's own
// verification (tools/ownerlock/audit.c): each must be refused; the export
// as it came must verify. Built with optimisation (tests/audit/CMake
// lines in CMakeLists.txt): some 20,000 verifications of thousands of records.
//
// usage: mutate EXPORT OWNER-KEYFILE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"

static char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(1);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    if (!b || fread(b, 1, (size_t)n, f) != (size_t)n) {
        perror(path);
        exit(1);
    }
    fclose(f);
    b[n] = '\0';
    *len = (size_t)n;
    return b;
}

typedef struct lines {
    char **l;
    size_t n;
} lines;

static lines split(char *text) {
    lines s = {0};
    size_t cap = 0;
    for (char *p = text; *p;) {
        char *e = strchr(p, '\n');
        if (!e) {
            break;
        }
        *e = '\0';
        if (s.n == cap) {
            cap = cap ? 2 * cap : 1024;
            s.l = realloc(s.l, cap * sizeof *s.l);
        }
        s.l[s.n++] = p;
        p = e + 1;
    }
    return s;
}

static char *buf;
static size_t cap;

// Lines [0, n) of s, line `skip` left out, lines a and b swapped, line
// `change` replaced by `with`: the text the tool checks.
static size_t join(const lines *s, size_t n, size_t skip, size_t a, size_t b, size_t change,
                   const char *with) {
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == skip) {
            continue;
        }
        const char *line = i == change ? with : i == a ? s->l[b] : i == b ? s->l[a] : s->l[i];
        size_t k = strlen(line);
        if (len + k + 2 > cap) {
            cap = (len + k + 2) * 2;
            buf = realloc(buf, cap);
        }
        memcpy(buf + len, line, k);
        len += k;
        buf[len++] = '\n';
    }
    return len;
}

#define NONE ((size_t)-1)

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: mutate EXPORT OWNER-KEYFILE\n");
        return 2;
    }
    size_t len, klen;
    char *text = slurp(argv[1], &len);
    char *keytext = slurp(argv[2], &klen);
    uint8_t secret[32];
    for (int i = 0; i < 32; i++) {
        unsigned v;
        if (sscanf(keytext + 2 * i, "%2x", &v) != 1) {
            fprintf(stderr, "%s: not a key\n", argv[2]);
            return 2;
        }
        secret[i] = (uint8_t)v;
    }
    lines s = split(text);
    size_t first = 4, last = s.n - 1; // records are lines [4, n-1); the MAC is the last
    if (s.n < 6 || strncmp(s.l[last], "mac ", 4) != 0) {
        fprintf(stderr, "%s: not an export\n", argv[1]);
        return 2;
    }
    unsigned long tries = 0, missed = 0;
    size_t n = join(&s, s.n, NONE, NONE, NONE, NONE, NULL);
    if (audit_check_buffer(buf, n, secret) != 0) {
        fprintf(stderr, "FAIL: the export as it came does not verify\n");
        return 1;
    }
#define EXPECT_REFUSED(what, i)                                                                    \
    do {                                                                                           \
        tries++;                                                                                   \
        if (audit_check_buffer(buf, n, secret) == 0) {                                             \
            missed++;                                                                              \
            if (missed < 10) {                                                                     \
                fprintf(stderr, "FAIL: %s of line %zu accepted\n", what, (size_t)(i));             \
            }                                                                                      \
        }                                                                                          \
    } while (0)
    char line[8 * 81];
    for (size_t i = first; i < last; i++) {
        n = join(&s, s.n, i, NONE, NONE, NONE, NULL);
        EXPECT_REFUSED("removal", i);
        if (i + 1 < last) {
            n = join(&s, s.n, NONE, i, i + 1, NONE, NULL);
            EXPECT_REFUSED("swap with the next", i);
        }
        // One field changed, a different one on each line: time, kind,
        // slot, arg, chain, tag (record SEQ TIME KIND SLOT ARG CHAIN TAG).
        char f[8][80];
        if (sscanf(s.l[i], "%79s %79s %79s %79s %79s %79s %79s %79s", f[0], f[1], f[2], f[3], f[4],
                   f[5], f[6], f[7]) != 8) {
            fprintf(stderr, "line %zu: not a record\n", i);
            return 2;
        }
        int field = 2 + (int)(i % 6);
        if (field >= 6) {
            f[field][0] = f[field][0] == '0' ? '1' : '0'; // a hex digit
        } else {
            unsigned long v = strtoul(f[field], NULL, 10);
            unsigned long max = field == 2 ? 4294967295ul : field == 5 ? 65535ul : 255ul;
            snprintf(f[field], sizeof f[field], "%lu", v == max ? v - 1 : v + 1);
        }
        snprintf(line, sizeof line, "%s %s %s %s %s %s %s %s", f[0], f[1], f[2], f[3], f[4], f[5],
                 f[6], f[7]);
        n = join(&s, s.n, NONE, NONE, NONE, i, line);
        EXPECT_REFUSED("change", i);
    }
    for (size_t k = 0; k < s.n; k++) { // cut after each line but the last
        n = join(&s, k, NONE, NONE, NONE, NONE, NULL);
        EXPECT_REFUSED("cut", k);
    }
    for (size_t i = 1; i < 4; i++) { // the header: lock key, owner key, range
        snprintf(line, sizeof line, "%s", s.l[i]);
        size_t k = strlen(line) - 1;
        line[k] = line[k] == '1' ? '2' : '1';
        n = join(&s, s.n, NONE, NONE, NONE, i, line);
        EXPECT_REFUSED("header change", i);
    }
    printf("%zu records: %lu altered exports tried (every removal, swap with the next, "
           "change and cut), %lu accepted\n",
           last - first, tries, missed);
    free(text);
    free(keytext);
    free(buf);
    free(s.l);
    return missed ? 1 : 0;
}
