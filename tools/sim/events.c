// ownerlock-sim — events as JSON lines, and the window `expect event` searches.
#define _POSIX_C_SOURCE 200809L

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

// ---- memory -------------------------------------------------------------------
_Noreturn void sim_die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("ownerlock-sim: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(SIM_EXIT_INTERNAL);
}

void *sim_xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) {
        sim_die("out of memory");
    }
    return p;
}

char *sim_xstrdup(const char *s) {
    size_t n = strlen(s) + 1;
    char *p = sim_xmalloc(n);
    memcpy(p, s, n);
    return p;
}

// ---- strings ------------------------------------------------------------------
static void buf_reserve(sim_buf *b, size_t more) {
    b->s = grow(b->s, &b->cap, b->len + more + 1, 1);
}

void sim_buf_putc(sim_buf *b, char c) {
    buf_reserve(b, 1);
    b->s[b->len++] = c;
    b->s[b->len] = '\0';
}

void sim_buf_puts(sim_buf *b, const char *s) {
    size_t n = strlen(s);
    buf_reserve(b, n);
    memcpy(b->s + b->len, s, n + 1);
    b->len += n;
}

void sim_buf_printf(sim_buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        sim_die("bad format");
    }
    buf_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void sim_buf_free(sim_buf *b) {
    free(b->s);
    *b = (sim_buf){0};
}

// Length of the well-formed UTF-8 sequence at s (1-4), or 0 if it is not one.
static size_t utf8_sequence(const unsigned char *s) {
    unsigned char c = s[0];
    size_t n;
    uint32_t cp;
    if (c < 0x80) {
        return 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        cp = c & 0x07u;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            return 0;
        }
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    // overlong forms, surrogates, beyond U+10FFFF
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
        return 0;
    }
    return n;
}

void sim_json_string(sim_buf *b, const char *s) {
    const unsigned char *p = (const unsigned char *)s;
    sim_buf_putc(b, '"');
    while (*p) {
        unsigned char c = *p;
        switch (c) {
        case '"':
            sim_buf_puts(b, "\\\"");
            p++;
            continue;
        case '\\':
            sim_buf_puts(b, "\\\\");
            p++;
            continue;
        case '\n':
            sim_buf_puts(b, "\\n");
            p++;
            continue;
        case '\r':
            sim_buf_puts(b, "\\r");
            p++;
            continue;
        case '\t':
            sim_buf_puts(b, "\\t");
            p++;
            continue;
        default:
            break;
        }
        size_t n = utf8_sequence(p);
        if (c < 0x20 || c == 0x7F || n == 0) {
            // a byte that is not text: escaped as the Latin-1 character it would be
            sim_buf_printf(b, "\\u%04x", (unsigned)c);
            p++;
            continue;
        }
        for (size_t i = 0; i < n; i++) {
            sim_buf_putc(b, (char)p[i]);
        }
        p += n;
    }
    sim_buf_putc(b, '"');
}

// ---- events -------------------------------------------------------------------
void sim_event_begin(sim_event *ev, uint64_t t, const char *unit, const char *type) {
    *ev = (sim_event){.t = t, .unit = unit, .type = type};
}

static void event_add(sim_event *ev, const char *key, const char *value, bool is_string) {
    if (ev->nfields == SIM_EVENT_MAX_FIELDS) {
        sim_die("too many fields in a %s event", ev->type);
    }
    ev->field[ev->nfields++] =
        (sim_field){.key = key, .value = sim_xstrdup(value), .is_string = is_string};
}

void sim_event_str(sim_event *ev, const char *key, const char *value) {
    event_add(ev, key, value, true);
}

void sim_event_raw(sim_event *ev, const char *key, const char *json) {
    event_add(ev, key, json, false);
}

void sim_event_uint(sim_event *ev, const char *key, uint64_t value) {
    char tmp[24];
    snprintf(tmp, sizeof tmp, "%" PRIu64, value);
    event_add(ev, key, tmp, false);
}

void sim_event_bool(sim_event *ev, const char *key, bool value) {
    event_add(ev, key, value ? "true" : "false", false);
}

void sim_event_free(sim_event *ev) {
    for (size_t i = 0; i < ev->nfields; i++) {
        free(ev->field[i].value);
    }
    ev->nfields = 0;
}

void sim_event_json(const sim_event *ev, sim_buf *out) {
    sim_buf_printf(out, "{\"t\":%" PRIu64 ",\"unit\":", ev->t);
    sim_json_string(out, ev->unit);
    sim_buf_puts(out, ",\"type\":");
    sim_json_string(out, ev->type);
    for (size_t i = 0; i < ev->nfields; i++) {
        sim_buf_putc(out, ',');
        sim_json_string(out, ev->field[i].key);
        sim_buf_putc(out, ':');
        if (ev->field[i].is_string) {
            sim_json_string(out, ev->field[i].value);
        } else {
            sim_buf_puts(out, ev->field[i].value);
        }
    }
    sim_buf_putc(out, '}');
}

const char *sim_event_get(const sim_event *ev, const char *key, char tmp[32]) {
    if (strcmp(key, "t") == 0) {
        snprintf(tmp, 32, "%" PRIu64, ev->t);
        return tmp;
    }
    if (strcmp(key, "unit") == 0) {
        return ev->unit;
    }
    if (strcmp(key, "type") == 0) {
        return ev->type;
    }
    for (size_t i = 0; i < ev->nfields; i++) {
        if (strcmp(ev->field[i].key, key) == 0) {
            return ev->field[i].value;
        }
    }
    return NULL;
}

// ---- the log --------------------------------------------------------------------
void sim_emit(sim_events *log, sim_event *ev) {
    if (log->out) {
        sim_buf line = {0};
        sim_event_json(ev, &line);
        sim_buf_putc(&line, '\n');
        if (fputs(line.s, log->out) == EOF || fflush(log->out) == EOF) {
            log->out_failed = true;
        }
        sim_buf_free(&line);
    }
    if (log->hook) {
        log->hook(log->hook_ctx, ev);
    }
    if (log->keep_window) {
        log->window = grow(log->window, &log->capwindow, log->nwindow + 1, sizeof *log->window);
        log->window[log->nwindow++] = *ev;
        ev->nfields = 0; // the window owns the values now
    } else {
        sim_event_free(ev);
    }
}

void sim_events_restart_window(sim_events *log) {
    for (size_t i = 0; i < log->nwindow; i++) {
        sim_event_free(&log->window[i]);
    }
    log->nwindow = 0;
}

void sim_events_free(sim_events *log) {
    sim_events_restart_window(log);
    free(log->window);
    log->window = NULL;
    log->capwindow = 0;
}

// Every event type the simulator emits and its fields, so that a misspelt
// `expect no-event` is a script error instead of a test that always passes.
static const struct {
    const char *type;
    const char *fields[20];
} known_types[] = {
    {"bolt", {"state"}},
    {"door", {"state"}},
    {"display", {"text"}},
    {"beep", {"pattern"}},
    {"dial", {"number", "power"}},
    {"led", {"color", "on"}},
    {"alarm", {"on"}},
    {"audit", {"seq", "kind", "slot", "arg", "time"}},
    {"power", {"on"}},
    {"battery", {"volts"}},
    {"remote_disable", {"on"}},
    {"clock", {"wall", "rtc"}},
    {"fault", {"error", "during"}},
    {"frame", {"dir", "hex"}},
    {"keypad_replaced", {"number"}},
    {"state",
     {"power", "bolt", "door", "alarm", "display", "leds", "battery", "rtc", "clock",
      "remote_disable", "lockout_remaining_ms", "failures", "commissioned", "enrolled",
      "audit_next_seq", "firmware", "dial"}},
    {"dump", {"hex"}},
    {"plug", {"plugged"}},
    {"session", {"open"}},
    {"firmware", {"ok", "result", "bytes"}},
    {"info", {"ok", "result", "version", "digest", "signer", "session_ms"}},
    {"end", {"ok", "result"}},
    {"pin_key", {"ok", "result"}},
    {"otc", {"ok", "result", "next", "identity", "receipt"}},
    {"export", {"ok", "result", "records"}},
    {"restart", {NULL}},
    {"boot", {"version", "digest"}},
    {"warning", {"message"}},
    {"expect_failed", {"line", "expect", "observed"}},
    {"script_error", {"line", "message"}},
};

static int known_index(const char *type) {
    for (size_t i = 0; i < sizeof known_types / sizeof known_types[0]; i++) {
        if (strcmp(known_types[i].type, type) == 0) {
            return (int)i;
        }
    }
    return -1;
}

bool sim_event_type_known(const char *type) {
    return known_index(type) >= 0;
}

bool sim_event_key_known(const char *type, const char *key) {
    int i = known_index(type);
    if (i < 0) {
        return false;
    }
    if (strcmp(key, "t") == 0 || strcmp(key, "unit") == 0 || strcmp(key, "type") == 0) {
        return true;
    }
    for (size_t k = 0; k < 16 && known_types[i].fields[k]; k++) {
        if (strcmp(known_types[i].fields[k], key) == 0) {
            return true;
        }
    }
    return false;
}

const sim_event *sim_events_find(const sim_events *log, const char *type, const sim_condition *cond,
                                 size_t ncond) {
    for (size_t i = 0; i < log->nwindow; i++) {
        const sim_event *ev = &log->window[i];
        if (strcmp(ev->type, type) != 0) {
            continue;
        }
        bool all = true;
        for (size_t c = 0; c < ncond && all; c++) {
            char tmp[32];
            const char *v = sim_event_get(ev, cond[c].key, tmp);
            all = v && strcmp(v, cond[c].value) == 0;
        }
        if (all) {
            return ev;
        }
    }
    return NULL;
}
