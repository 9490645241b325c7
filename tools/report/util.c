// ownerlock report — text buffers, files, numbers in words.
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

void *xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) {
        fputs("ol-report: out of memory\n", stderr);
        exit(2);
    }
    return p;
}

char *xstrndup(const char *s, size_t n) {
    char *d = xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *xstrdup(const char *s) {
    return xstrndup(s, strlen(s));
}

char *path_join(const char *dir, const char *name) {
    buf b = {0};
    buf_printf(&b, "%s/%s", dir, name);
    return b.s;
}

int starts_with(const char *s, const char *prefix) {
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

void buf_add(buf *b, const char *s, size_t n) {
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1) {
            cap *= 2;
        }
        char *grown = xmalloc(cap);
        if (b->s) {
            memcpy(grown, b->s, b->len);
            free(b->s);
        }
        b->s = grown;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void buf_puts(buf *b, const char *s) {
    buf_add(b, s, strlen(s));
}

void buf_printf(buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        return;
    }
    char *tmp = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(tmp, (size_t)n + 1, fmt, ap);
    va_end(ap);
    buf_add(b, tmp, (size_t)n);
    free(tmp);
}

const char *buf_str(const buf *b) {
    return b->s ? b->s : "";
}

void buf_free(buf *b) {
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

void buf_md_text(buf *b, const char *s) {
    for (; *s; s++) {
        if (*s == '\n' || *s == '\t' || *s == '\r') {
            buf_add(b, " ", 1);
            continue;
        }
        if (strchr("\\`*_[]<>|#", *s)) {
            buf_add(b, "\\", 1);
        }
        buf_add(b, s, 1);
    }
}

void buf_md_code(buf *b, const char *s) {
    // Double backticks when the text holds one; "\|" keeps a GFM table whole
    // (doc.c renders it back to "|").
    int fence = strchr(s, '`') != NULL;
    buf_puts(b, fence ? "`` " : "`");
    for (; *s; s++) {
        if (*s == '\n' || *s == '\t' || *s == '\r') {
            buf_add(b, " ", 1);
        } else if (*s == '|') {
            buf_add(b, "\\|", 2);
        } else {
            buf_add(b, s, 1);
        }
    }
    buf_puts(b, fence ? " ``" : "`");
}

void buf_count(buf *b, double n) {
    if (!(fabs(n) < 9e18)) {
        buf_printf(b, "%.3g", n);
        return;
    }
    long long v = llround(n);
    if (v < 0) {
        buf_add(b, "-", 1);
        v = -v;
    }
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%lld", v);
    for (int i = 0; i < len; i++) {
        buf_add(b, digits + i, 1);
        if ((len - i - 1) % 3 == 0 && i != len - 1) {
            buf_add(b, ",", 1);
        }
    }
}

// x rounded to three significant digits.
static double round3(double x) {
    if (x <= 0) {
        return x;
    }
    double scale = pow(10, floor(log10(x)) - 2);
    return round(x / scale) * scale;
}

void buf_duration(buf *b, double hours) {
    const double day = 24, year = 365.25 * 24;
    if (!isfinite(hours)) {
        buf_puts(b, "never");
    } else if (hours < 1) {
        buf_printf(b, "%.0f min", hours * 60);
    } else if (hours < 48) {
        buf_printf(b, "%.3g hour%s", hours, hours == 1 ? "" : "s");
    } else if (hours < 730 * day) {
        buf_printf(b, "%.3g days", hours / day);
    } else if (hours / year < 1000) {
        buf_printf(b, "%.3g years", hours / year);
    } else if (hours / year < 1e6) {
        buf_count(b, round3(hours / year));
        buf_puts(b, " years");
    } else if (hours / year < 1e9) {
        buf_printf(b, "%.3g million years", hours / year / 1e6);
    } else {
        buf_printf(b, "%.3g billion years", hours / year / 1e9);
    }
}

char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        return NULL;
    }
    buf b = {0};
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        buf_add(&b, chunk, n);
    }
    fclose(f);
    if (!b.s) {
        return xstrdup("");
    }
    return b.s;
}

const char *next_line(const char **p, size_t *len) {
    const char *s = *p;
    if (!s || !*s) {
        return NULL;
    }
    const char *nl = strchr(s, '\n');
    size_t n = nl ? (size_t)(nl - s) : strlen(s);
    *p = nl ? nl + 1 : s + n;
    if (n > 0 && s[n - 1] == '\r') {
        n--;
    }
    *len = n;
    return s;
}
