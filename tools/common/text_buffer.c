#include "text_buffer.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Room for `more` bytes and the NUL after them.
static bool make_room(text_buffer *t, size_t more) {
    if (t->failed) {
        return false;
    }
    if (more > SIZE_MAX / 2 - t->len) {
        t->failed = true;
        return false;
    }
    if (t->len + more + 1 <= t->cap) {
        return true;
    }
    size_t cap = t->cap ? t->cap : 1024;
    while (cap < t->len + more + 1) {
        cap *= 2;
    }
    char *s = realloc(t->s, cap);
    if (s == NULL) {
        t->failed = true;
        return false;
    }
    t->s = s;
    t->cap = cap;
    return true;
}

static bool append(text_buffer *t, const char *s, size_t n) {
    if (!make_room(t, n)) {
        return false;
    }
    memcpy(t->s + t->len, s, n);
    t->len += n;
    t->s[t->len] = '\0';
    return true;
}

bool text_printf(text_buffer *t, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        t->failed = true;
        return false;
    }
    if (!make_room(t, (size_t)n)) {
        return false;
    }
    va_start(ap, fmt);
    vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
    return true;
}

bool text_html(text_buffer *t, const char *s) {
    // Runs of plain bytes at once: a report holds thousands of names.
    for (const char *run = s;;) {
        size_t plain = strcspn(run, "&<>\"'");
        if (!append(t, run, plain)) {
            return false;
        }
        run += plain;
        if (*run == '\0') {
            return true;
        }
        const char *ref = *run == '&'   ? "&amp;"
                          : *run == '<' ? "&lt;"
                          : *run == '>' ? "&gt;"
                          : *run == '"' ? "&quot;"
                                        : "&#39;";
        if (!append(t, ref, strlen(ref))) {
            return false;
        }
        run++;
    }
}

void text_free(text_buffer *t) {
    free(t->s);
    *t = (text_buffer){0};
}
