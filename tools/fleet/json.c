// ownerlock-fleet — the little JSON the HTTP service speaks (serve.c): flat
// objects of strings and numbers in, objects and arrays out.
//
// The parser is strict on purpose: a request is one object whose members
// are all known, each once, each a string or a number; anything else is a
// 400 before anything is read from the database.
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "fleet.h"

// ---- out ----------------------------------------------------------------------

static void json_grow(json_out *j, size_t more) {
    if (j->failed) {
        return;
    }
    if (j->len + more + 1 <= j->cap) {
        return;
    }
    size_t cap = j->cap ? j->cap : 1024;
    while (cap < j->len + more + 1) {
        cap *= 2;
    }
    // Not realloc: the old block may hold a code, and is wiped before it goes.
    char *s = malloc(cap);
    if (s == NULL) {
        j->failed = true;
        return;
    }
    if (j->s != NULL) {
        memcpy(s, j->s, j->len + 1);
        sodium_memzero(j->s, j->cap);
        free(j->s);
    }
    j->s = s;
    j->cap = cap;
}

void json_add(json_out *j, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        j->failed = true;
        return;
    }
    json_grow(j, (size_t)n);
    if (j->failed) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(j->s + j->len, j->cap - j->len, fmt, ap);
    va_end(ap);
    j->len += (size_t)n;
}

void json_string(json_out *j, const char *s) {
    json_add(j, "\"");
    for (const unsigned char *c = (const unsigned char *)s; *c != '\0'; c++) {
        // < > & as escapes too: a name never reads as markup wherever it lands.
        if (*c == '"' || *c == '\\') {
            json_add(j, "\\%c", *c);
        } else if (*c < 0x20 || *c == '<' || *c == '>' || *c == '&' || *c == 0x7f) {
            json_add(j, "\\u%04x", *c);
        } else {
            json_add(j, "%c", *c);
        }
    }
    json_add(j, "\"");
}

void json_free(json_out *j) {
    if (j->s != NULL) {
        sodium_memzero(j->s, j->cap);
        free(j->s);
    }
    *j = (json_out){0};
}

// ---- in -----------------------------------------------------------------------

typedef struct reader {
    const char *s;
    size_t len, at;
    char *why;
    size_t why_len;
} reader;

static int fail(reader *r, const char *what) {
    snprintf(r->why, r->why_len, "not the JSON asked for: %s (byte %zu)", what, r->at + 1);
    return -1;
}

static void skip_space(reader *r) {
    while (r->at < r->len && (r->s[r->at] == ' ' || r->s[r->at] == '\t' || r->s[r->at] == '\n' ||
                              r->s[r->at] == '\r')) {
        r->at++;
    }
}

static int hex4(reader *r, unsigned *out) {
    if (r->len - r->at < 4) {
        return fail(r, "a short \\u escape");
    }
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = r->s[r->at++];
        unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
                                            : 16;
        if (d == 16) {
            return fail(r, "a \\u escape that is not hex");
        }
        v = v << 4 | d;
    }
    *out = v;
    return 0;
}

// A string into out (max bytes with its NUL); the reader at its opening quote.
static int read_string(reader *r, char *out, size_t max) {
    size_t n = 0;
    r->at++;
    for (;;) {
        if (r->at >= r->len) {
            return fail(r, "a string without its closing quote");
        }
        unsigned char c = (unsigned char)r->s[r->at++];
        unsigned cp;
        char utf8[4];
        size_t k = 0;
        if (c == '"') {
            break;
        } else if (c < 0x20) {
            return fail(r, "a control character in a string");
        } else if (c != '\\') {
            utf8[k++] = (char)c;
        } else {
            if (r->at >= r->len) {
                return fail(r, "a string without its closing quote");
            }
            char e = r->s[r->at++];
            const char *plain = strchr("\"\\/bfnrt", e);
            if (e != '\0' && plain != NULL) {
                utf8[k++] = "\"\\/\b\f\n\r\t"[plain - "\"\\/bfnrt"];
            } else if (e == 'u') {
                if (hex4(r, &cp) != 0) {
                    return -1;
                }
                if (cp >= 0xdc00 && cp <= 0xdfff) {
                    return fail(r, "a lone low surrogate");
                }
                if (cp >= 0xd800 && cp <= 0xdbff) {
                    unsigned lo;
                    if (r->len - r->at < 2 || r->s[r->at] != '\\' || r->s[r->at + 1] != 'u') {
                        return fail(r, "a lone high surrogate");
                    }
                    r->at += 2;
                    if (hex4(r, &lo) != 0) {
                        return -1;
                    }
                    if (lo < 0xdc00 || lo > 0xdfff) {
                        return fail(r, "a lone high surrogate");
                    }
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                }
                if (cp == 0) {
                    return fail(r, "\\u0000 in a string");
                }
                if (cp < 0x80) {
                    utf8[k++] = (char)cp;
                } else if (cp < 0x800) {
                    utf8[k++] = (char)(0xc0 | cp >> 6);
                    utf8[k++] = (char)(0x80 | (cp & 0x3f));
                } else if (cp < 0x10000) {
                    utf8[k++] = (char)(0xe0 | cp >> 12);
                    utf8[k++] = (char)(0x80 | (cp >> 6 & 0x3f));
                    utf8[k++] = (char)(0x80 | (cp & 0x3f));
                } else {
                    utf8[k++] = (char)(0xf0 | cp >> 18);
                    utf8[k++] = (char)(0x80 | (cp >> 12 & 0x3f));
                    utf8[k++] = (char)(0x80 | (cp >> 6 & 0x3f));
                    utf8[k++] = (char)(0x80 | (cp & 0x3f));
                }
            } else {
                return fail(r, "an unknown escape");
            }
        }
        if (n + k >= max) {
            return fail(r, "a value too long");
        }
        memcpy(out + n, utf8, k);
        n += k;
    }
    out[n] = '\0';
    return 0;
}

// A number's text, as JSON writes it, into out.
static int read_number(reader *r, char *out, size_t max) {
    size_t start = r->at;
    const char *s = r->s;
#define DIGITS()                                                                                   \
    do {                                                                                           \
        size_t d0 = r->at;                                                                         \
        while (r->at < r->len && s[r->at] >= '0' && s[r->at] <= '9') {                             \
            r->at++;                                                                               \
        }                                                                                          \
        if (r->at == d0) {                                                                         \
            return fail(r, "a malformed number");                                                  \
        }                                                                                          \
    } while (0)
    if (r->at < r->len && s[r->at] == '-') {
        r->at++;
    }
    if (r->at < r->len && s[r->at] == '0') {
        r->at++;
    } else {
        DIGITS();
    }
    if (r->at < r->len && s[r->at] == '.') {
        r->at++;
        DIGITS();
    }
    if (r->at < r->len && (s[r->at] == 'e' || s[r->at] == 'E')) {
        r->at++;
        if (r->at < r->len && (s[r->at] == '+' || s[r->at] == '-')) {
            r->at++;
        }
        DIGITS();
    }
#undef DIGITS
    if (r->at - start >= max) {
        return fail(r, "a number too long");
    }
    memcpy(out, s + start, r->at - start);
    out[r->at - start] = '\0';
    return 0;
}

int json_parse_flat(const char *in, size_t len, int n, const char *const names[], char *values[],
                    size_t value_max, char *why, size_t why_len) {
    reader r = {in, len, 0, why, why_len};
    char name[32];
    for (int i = 0; i < n; i++) {
        values[i][0] = '\0';
    }
    bool seen[8] = {false};
    if (n > 8) {
        return fail(&r, "internal: too many members");
    }
    skip_space(&r);
    if (r.at >= r.len || in[r.at] != '{') {
        return fail(&r, "not an object");
    }
    r.at++;
    skip_space(&r);
    bool first = true;
    while (r.at < r.len && in[r.at] != '}') {
        if (!first) {
            if (in[r.at] != ',') {
                return fail(&r, "no comma between members");
            }
            r.at++;
            skip_space(&r);
        }
        first = false;
        if (r.at >= r.len || in[r.at] != '"') {
            return fail(&r, "a member without a quoted name");
        }
        if (read_string(&r, name, sizeof name) != 0) {
            return -1;
        }
        int which = -1;
        for (int i = 0; i < n; i++) {
            if (strcmp(name, names[i]) == 0) {
                which = i;
            }
        }
        if (which < 0) {
            snprintf(why, why_len, "unknown member \"%s\"", name);
            return -1;
        }
        if (seen[which]) {
            snprintf(why, why_len, "member \"%s\" twice", name);
            return -1;
        }
        seen[which] = true;
        skip_space(&r);
        if (r.at >= r.len || in[r.at] != ':') {
            return fail(&r, "no colon after a member's name");
        }
        r.at++;
        skip_space(&r);
        if (r.at < r.len && in[r.at] == '"') {
            if (read_string(&r, values[which], value_max) != 0) {
                return -1;
            }
        } else if (r.at < r.len && (in[r.at] == '-' || (in[r.at] >= '0' && in[r.at] <= '9'))) {
            if (read_number(&r, values[which], value_max) != 0) {
                return -1;
            }
        } else {
            snprintf(why, why_len, "member \"%s\": a string or a number", name);
            return -1;
        }
        skip_space(&r);
    }
    if (r.at >= r.len) {
        return fail(&r, "an object without its closing brace");
    }
    r.at++;
    skip_space(&r);
    if (r.at != r.len) {
        return fail(&r, "more after the object");
    }
    for (int i = 0; i < n; i++) {
        if (!seen[i]) {
            snprintf(why, why_len, "member \"%s\" is missing", names[i]);
            return -1;
        }
    }
    return 0;
}
