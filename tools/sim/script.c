// ownerlock-sim — the script language (shared/SIMULATOR.md): parser and runner.
//
// Every line is parsed by one function, run_line, in two passes: a check pass
// over the whole script before the world exists (so a misspelt command at the
// end is reported before the safe is touched), then the real run. A line that
// uses a captured ${NAME} can only be fully checked once the value exists, so
// the check pass verifies its command and that NAME is captured earlier.
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <regex.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "hexdigit.h"
#include "sim.h"

#define MAX_WORD 512 // longest argument token
#define MAX_CONDITIONS 16

typedef struct variable {
    char *name;
    char *value; // NULL until captured (check pass: only declared)
} variable;

struct sim_script {
    char *path;
    char **lines;
    size_t nlines, caplines;
};

typedef struct runner {
    const sim_script *script;
    sim_events *events;
    sim_world *w; // NULL in the check pass
    unsigned line;
    const char *text;     // the line being run, comment cut and ${NAME} expanded
    unsigned window_line; // line of the previous `expect event`/`no-event`, 0: start
    variable *vars;
    size_t nvars, capvars;
} runner;

static bool check_pass(const runner *r) {
    return r->w == NULL;
}

// ---- reporting --------------------------------------------------------------------
static int script_error(runner *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int script_error(runner *r, const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s:%u: error: %s\n", r->script->path, r->line, msg);
    sim_event ev;
    sim_event_begin(&ev, r->w ? r->w->rig.t : 0, "sim", "script_error");
    sim_event_uint(&ev, "line", r->line);
    sim_event_str(&ev, "message", msg);
    sim_emit(r->events, &ev);
    return SIM_EXIT_SCRIPT;
}

static int expect_failed(runner *r, const char *observed) {
    const char *expectation = r->text;
    fprintf(stderr, "%s:%u: expectation failed: %s\n  observed: %s\n", r->script->path, r->line,
            expectation, observed);
    sim_event ev;
    sim_event_begin(&ev, r->w->rig.t, "sim", "expect_failed");
    sim_event_uint(&ev, "line", r->line);
    sim_event_str(&ev, "expect", expectation);
    sim_event_str(&ev, "observed", observed);
    sim_emit(r->events, &ev);
    return SIM_EXIT_EXPECT;
}

static int internal_error(runner *r) {
    fprintf(stderr, "%s:%u: simulator stopped: %s\n", r->script->path, r->line,
            r->w->rig.internal_error);
    return SIM_EXIT_INTERNAL;
}

// ---- lexing -----------------------------------------------------------------------
static void trim_end(char *s) {
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1])) {
        s[--n] = '\0';
    }
}

// Cut a comment. A '#' starts one at the start of a line (after any
// indentation), or after whitespace when whitespace follows it. So
// `keys 1234 # note` has a comment, while `keys 123456#` and a lone `keys #`
// press '#' (a '#' at the end of a line is never a comment but there). Also
// drops trailing whitespace, and so the CR of a CRLF line.
static void strip_comment(char *s) {
    trim_end(s);
    size_t start = 0;
    while (isspace((unsigned char)s[start])) {
        start++;
    }
    if (s[start] == '#') {
        s[0] = '\0';
        return;
    }
    for (size_t i = start; s[i]; i++) {
        if (s[i] == '#' && i > 0 && isspace((unsigned char)s[i - 1]) &&
            isspace((unsigned char)s[i + 1])) {
            s[i] = '\0';
            break;
        }
    }
    trim_end(s);
}

static const char *skip_space(const char *p) {
    while (isspace((unsigned char)*p)) {
        p++;
    }
    return p;
}

// The next whitespace-separated token into out; inside double quotes spaces
// belong to the token and \" and \\ stand for " and \. Returns 0 at the end
// of the line, 1 with a token, -1 after reporting a malformed one.
static int next_token(runner *r, const char **p, char out[MAX_WORD]) {
    const char *s = skip_space(*p);
    if (!*s) {
        *p = s;
        return 0;
    }
    size_t n = 0;
    bool quoted = false;
    while (*s && (quoted || !isspace((unsigned char)*s))) {
        char c = *s++;
        if (c == '"') {
            quoted = !quoted;
            continue;
        }
        if (quoted && c == '\\' && (*s == '"' || *s == '\\')) {
            c = *s++;
        }
        if (n + 1 >= MAX_WORD) {
            script_error(r, "argument longer than %d characters", MAX_WORD - 1);
            return -1;
        }
        out[n++] = c;
    }
    out[n] = '\0';
    if (quoted) {
        script_error(r, "unterminated \" in an argument");
        return -1;
    }
    *p = s;
    return 1;
}

// Exactly one word out of a fixed set; returns its index, or -1 after reporting.
static int one_of(runner *r, const char *cmd, const char **p, const char *const *choices) {
    char word[MAX_WORD], extra[MAX_WORD];
    int got = next_token(r, p, word);
    if (got < 0) {
        return -1;
    }
    int index = -1;
    for (int i = 0; got && choices[i]; i++) {
        if (strcmp(word, choices[i]) == 0) {
            index = i;
        }
    }
    if (index < 0) {
        sim_buf b = {0};
        for (int i = 0; choices[i]; i++) {
            sim_buf_printf(&b, "%s%s", i ? "|" : "", choices[i]);
        }
        script_error(r, "%s: expected %s%s%s", cmd, b.s, got ? ", not " : "", got ? word : "");
        sim_buf_free(&b);
        return -1;
    }
    got = next_token(r, p, extra);
    if (got != 0) {
        if (got > 0) {
            script_error(r, "%s %s: unexpected argument '%s'", cmd, word, extra);
        }
        return -1;
    }
    return index;
}

static bool no_more(runner *r, const char *cmd, const char *p) {
    p = skip_space(p);
    if (*p) {
        script_error(r, "%s: unexpected argument '%s'", cmd, p);
        return false;
    }
    return true;
}

// ---- variables -----------------------------------------------------------------------
static bool valid_name(const char *s, size_t n) {
    if (n == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_')) {
        return false;
    }
    for (size_t i = 1; i < n; i++) {
        if (!(isalnum((unsigned char)s[i]) || s[i] == '_')) {
            return false;
        }
    }
    return true;
}

static variable *find_var(runner *r, const char *name, size_t n) {
    for (size_t i = 0; i < r->nvars; i++) {
        if (strlen(r->vars[i].name) == n && memcmp(r->vars[i].name, name, n) == 0) {
            return &r->vars[i];
        }
    }
    return NULL;
}

static void set_var(runner *r, const char *name, const char *value) {
    variable *v = find_var(r, name, strlen(name));
    if (!v) {
        r->vars = grow(r->vars, &r->capvars, r->nvars + 1, sizeof *r->vars);
        v = &r->vars[r->nvars++];
        *v = (variable){.name = sim_xstrdup(name)};
    }
    free(v->value);
    v->value = value ? sim_xstrdup(value) : NULL;
}

// Replace every ${NAME} in line. In the check pass NAME only has to be
// captured by an earlier line, and *has_vars says the line used any.
static bool expand(runner *r, const char *line, sim_buf *out, bool *has_vars) {
    *has_vars = false;
    sim_buf_puts(out, "");
    for (const char *p = line; *p;) {
        if (p[0] != '$' || p[1] != '{') {
            sim_buf_putc(out, *p++);
            continue;
        }
        const char *name = p + 2;
        const char *close = strchr(name, '}');
        if (!close || !valid_name(name, (size_t)(close - name))) {
            script_error(r, "malformed ${NAME} (a name is letters, digits and _)");
            return false;
        }
        variable *v = find_var(r, name, (size_t)(close - name));
        if (!v) {
            script_error(r, "${%.*s} is not captured by an earlier line", (int)(close - name),
                         name);
            return false;
        }
        *has_vars = true;
        if (!check_pass(r)) {
            if (!v->value) {
                script_error(r, "${%s} has no value", v->name);
                return false;
            }
            sim_buf_puts(out, v->value);
        }
        p = close + 1;
    }
    return true;
}

// ---- regexes -------------------------------------------------------------------------
static bool compile(runner *r, const char *what, const char *pattern, regex_t *re) {
    if (!*pattern) {
        script_error(r, "%s: missing regex", what);
        return false;
    }
    int rc = regcomp(re, pattern, REG_EXTENDED);
    if (rc != 0) {
        char msg[128];
        regerror(rc, re, msg, sizeof msg);
        script_error(r, "%s: bad regex '%s': %s", what, pattern, msg);
        return false;
    }
    return true;
}

// ---- commands ------------------------------------------------------------------------
static int cmd_keys(runner *r, const char *p) {
    p = skip_space(p);
    if (!*p) {
        return script_error(r, "keys: no keys given");
    }
    for (const char *k = p; *k; k++) {
        if (!isspace((unsigned char)*k) && !strchr("0123456789*#", *k)) {
            return script_error(r, "keys: '%c' is not a key (0-9, * and #)", *k);
        }
    }
    if (check_pass(r)) {
        return SIM_EXIT_OK;
    }
    if (r->w->rig.dial) {
        return script_error(r, "keys: the front end is a dial: turn it (dial ...)");
    }
    for (const char *k = p; *k; k++) {
        if (isspace((unsigned char)*k)) {
            continue;
        }
        if (!sim_world_key(r->w, *k) || !sim_world_advance(r->w, SIM_KEY_MS)) {
            return internal_error(r);
        }
    }
    return SIM_EXIT_OK;
}

static int cmd_wait(runner *r, const char *p) {
    char word[MAX_WORD];
    uint64_t ms;
    int got = next_token(r, &p, word);
    if (got < 0) {
        return SIM_EXIT_SCRIPT;
    }
    if (got == 0 || !sim_parse_duration(word, &ms)) {
        return script_error(r, "wait: expected a duration like 500ms, 3s, 5m, 2h or 1d%s%s",
                            got ? ", not " : "", got ? word : "");
    }
    if (!no_more(r, "wait", p)) {
        return SIM_EXIT_SCRIPT;
    }
    if (!check_pass(r) && !sim_world_advance(r->w, ms)) {
        return internal_error(r);
    }
    return SIM_EXIT_OK;
}

static int cmd_door(runner *r, const char *p) {
    static const char *const choices[] = {"open", "close", NULL};
    int i = one_of(r, "door", &p, choices);
    if (i < 0) {
        return SIM_EXIT_SCRIPT;
    }
    if (!check_pass(r) && !sim_world_door(r->w, i == 0)) {
        return expect_failed(r, "the bolt is extended: the door cannot open against an "
                                "extended bolt");
    }
    return SIM_EXIT_OK;
}

static int cmd_power(runner *r, const char *p) {
    static const char *const choices[] = {"off", "on", NULL};
    int i = one_of(r, "power", &p, choices);
    if (i < 0) {
        return SIM_EXIT_SCRIPT;
    }
    if (!check_pass(r) && i == 1 && r->w->rig.dial) {
        return script_error(r, "power on: the dial powers the units: turn it (dial ...)");
    }
    if (!check_pass(r)) {
        sim_world_power(r->w, i == 1);
    }
    return SIM_EXIT_OK;
}

// "6", "6.5", "3.05" volts -> millivolts, 0-100 V.
static bool parse_volts(const char *s, uint32_t *mv) {
    uint32_t whole = 0, frac = 0;
    unsigned nfrac = 0;
    const char *p = s;
    if (!isdigit((unsigned char)*p)) {
        return false;
    }
    for (; isdigit((unsigned char)*p); p++) {
        whole = whole * 10 + (uint32_t)(*p - '0');
        if (whole > 100) {
            return false;
        }
    }
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p)) {
            return false;
        }
        for (; isdigit((unsigned char)*p); p++) {
            if (++nfrac > 3) {
                return false;
            }
            frac = frac * 10 + (uint32_t)(*p - '0');
        }
    }
    for (unsigned i = nfrac; i < 3; i++) {
        frac *= 10;
    }
    *mv = whole * 1000 + frac;
    return *p == '\0' && *mv <= 100000;
}

static int cmd_battery(runner *r, const char *p) {
    char word[MAX_WORD];
    uint32_t mv;
    int got = next_token(r, &p, word);
    if (got < 0) {
        return SIM_EXIT_SCRIPT;
    }
    if (got == 0 || !parse_volts(word, &mv)) {
        return script_error(r, "battery: expected volts from 0 to 100 (like 6 or 5.85)%s%s",
                            got ? ", not " : "", got ? word : "");
    }
    if (!no_more(r, "battery", p)) {
        return SIM_EXIT_SCRIPT;
    }
    if (!check_pass(r)) {
        sim_world_battery(r->w, mv);
    }
    return SIM_EXIT_OK;
}

static int cmd_clock(runner *r, const char *p) {
    char word[MAX_WORD], when[MAX_WORD];
    int got = next_token(r, &p, word);
    if (got < 0) {
        return SIM_EXIT_SCRIPT;
    }
    if (got && strcmp(word, "lose") == 0) {
        if (!no_more(r, "clock lose", p)) {
            return SIM_EXIT_SCRIPT;
        }
        if (!check_pass(r)) {
            sim_world_clock_lose(r->w);
        }
        return SIM_EXIT_OK;
    }
    if (!got || strcmp(word, "set") != 0) {
        return script_error(r, "clock: expected 'lose' or 'set YYYY-MM-DDTHH:MM:SSZ'");
    }
    int64_t secs;
    got = next_token(r, &p, when);
    if (got < 0) {
        return SIM_EXIT_SCRIPT;
    }
    if (got == 0 || !sim_parse_iso(when, &secs)) {
        return script_error(r, "clock set: expected a UTC time like 2026-03-01T08:00:00Z%s%s",
                            got ? ", not " : "", got ? when : "");
    }
    if (!no_more(r, "clock set", p)) {
        return SIM_EXIT_SCRIPT;
    }
    if (!check_pass(r)) {
        sim_world_clock_set(r->w, secs);
    }
    return SIM_EXIT_OK;
}

static int cmd_remote_disable(runner *r, const char *p) {
    static const char *const choices[] = {"off", "on", NULL};
    int i = one_of(r, "remote-disable", &p, choices);
    if (i < 0) {
        return SIM_EXIT_SCRIPT;
    }
    if (!check_pass(r)) {
        sim_world_remote_disable(r->w, i == 1);
    }
    return SIM_EXIT_OK;
}

static int cmd_keypad(runner *r, const char *p) {
    static const char *const choices[] = {"replace", NULL};
    if (one_of(r, "keypad", &p, choices) < 0) {
        return SIM_EXIT_SCRIPT;
    }
    if (!check_pass(r)) {
        sim_world_keypad_replace(r->w);
    }
    return SIM_EXIT_OK;
}

// `wire inject HEX`: hex digits, two per byte; spaces between bytes are allowed.
static int wire_inject(runner *r, const char *p) {
    p = skip_space(p);
    if (!*p) {
        return script_error(r,
                            "wire inject: expected hex bytes, like 00 08 05 01 01 2e 1a 96 97 00");
    }
    size_t len = strlen(p);
    uint8_t *bytes = sim_xmalloc(len / 2 + 1);
    size_t n = 0;
    int high = -1;
    for (const char *c = p; *c; c++) {
        if (isspace((unsigned char)*c)) {
            if (high >= 0) {
                free(bytes);
                return script_error(r, "wire inject: a byte split by a space");
            }
            continue;
        }
        int v = hex_digit_value(*c);
        if (v < 0) {
            free(bytes);
            return script_error(r, "wire inject: '%c' is not a hex digit", *c);
        }
        if (high < 0) {
            high = v;
        } else {
            bytes[n++] = (uint8_t)(high << 4 | v);
            high = -1;
        }
    }
    if (high >= 0) {
        free(bytes);
        return script_error(r, "wire inject: an odd number of hex digits");
    }
    if (!check_pass(r)) {
        sim_world_wire_inject(r->w, bytes, n);
    }
    free(bytes);
    return SIM_EXIT_OK;
}

// `wire replay all|N`: N counts the recorded frames from 1.
static int wire_replay(runner *r, const char *p) {
    char word[MAX_WORD];
    int got = next_token(r, &p, word);
    if (got < 0) {
        return SIM_EXIT_SCRIPT;
    }
    bool all = got && strcmp(word, "all") == 0;
    unsigned long long n = 0;
    if (!all) {
        char *end = NULL;
        errno = 0;
        if (got && isdigit((unsigned char)word[0])) {
            n = strtoull(word, &end, 10);
        }
        if (!got || !end || *end || errno || n == 0) {
            return script_error(r, "wire replay: expected all or a frame number from 1%s%s",
                                got ? ", not " : "", got ? word : "");
        }
    }
    if (!no_more(r, "wire replay", p)) {
        return SIM_EXIT_SCRIPT;
    }
    if (check_pass(r)) {
        return SIM_EXIT_OK;
    }
    size_t recorded = sim_world_wire_recorded(r->w);
    if (all) {
        sim_world_wire_replay(r->w, 0, recorded);
        return SIM_EXIT_OK;
    }
    if (n > recorded) {
        return script_error(r, "wire replay: frame %llu, but %zu %s recorded", n, recorded,
                            recorded == 1 ? "frame was" : "frames were");
    }
    sim_world_wire_replay(r->w, (size_t)n - 1, 1);
    return SIM_EXIT_OK;
}

static int cmd_wire(runner *r, const char *p) {
    static const char *const onoff[] = {"off", "on", NULL};
    char word[MAX_WORD];
    int got = next_token(r, &p, word);
    if (got < 0) {
        return SIM_EXIT_SCRIPT;
    }
    if (got && strcmp(word, "record") == 0) {
        int i = one_of(r, "wire record", &p, onoff);
        if (i < 0) {
            return SIM_EXIT_SCRIPT;
        }
        if (!check_pass(r)) {
            sim_world_wire_record(r->w, i == 1);
        }
        return SIM_EXIT_OK;
    }
    if (got && strcmp(word, "inject") == 0) {
        return wire_inject(r, p);
    }
    if (got && strcmp(word, "replay") == 0) {
        return wire_replay(r, p);
    }
    return script_error(r, "wire: expected record on|off, inject HEX or replay all|N%s%s",
                        got ? ", not " : "", got ? word : "");
}

// "2", "0.25", "1.5" turns -> detents (a turn is OL_DIAL_NUMBERS), at most
// 100,000 turns; false if malformed or not a whole number of detents.
static bool parse_turns(const char *s, uint64_t *steps) {
    uint64_t whole = 0, frac = 0, scale = 1;
    const char *p = s;
    if (!isdigit((unsigned char)*p)) {
        return false;
    }
    for (; isdigit((unsigned char)*p); p++) {
        whole = whole * 10 + (uint64_t)(*p - '0');
        if (whole > 100000u) {
            return false;
        }
    }
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p)) {
            return false;
        }
        for (; isdigit((unsigned char)*p) && scale < 100; p++) {
            frac = frac * 10 + (uint64_t)(*p - '0');
            scale *= 10;
        }
    }
    if (*p) {
        return false;
    }
    *steps = whole * OL_DIAL_NUMBERS + frac * OL_DIAL_NUMBERS / scale;
    return *steps > 0;
}

// dial left|right TURNS, dial left|right to NN, dial to NN.
static int cmd_dial(runner *r, const char *p) {
    static const char usage[] = "dial: expected left|right TURNS, left|right to NN or to NN";
    char word[MAX_WORD], arg[MAX_WORD], nn[MAX_WORD];
    if (next_token(r, &p, word) <= 0) {
        return script_error(r, usage);
    }
    int dir = strcmp(word, "right") == 0 ? 1 : strcmp(word, "left") == 0 ? -1 : 0;
    bool to = strcmp(word, "to") == 0;
    if (!dir && !to) {
        return script_error(r, "%s, not %s", usage, word);
    }
    if (!to && next_token(r, &p, arg) <= 0) {
        return script_error(r, usage);
    }
    uint64_t steps = 0;
    unsigned number = 0;
    if (to || strcmp(arg, "to") == 0) {
        if (next_token(r, &p, nn) <= 0 || strlen(nn) != 2 || !isdigit((unsigned char)nn[0]) ||
            !isdigit((unsigned char)nn[1])) {
            return script_error(r, "dial ... to: expected a number 00-99");
        }
        number = (unsigned)(nn[0] - '0') * 10u + (unsigned)(nn[1] - '0');
        to = true;
    } else if (!parse_turns(arg, &steps)) {
        return script_error(r, "dial %s: '%s' is not a number of turns (e.g. 2 or 0.25)", word,
                            arg);
    }
    if (!no_more(r, "dial", p)) {
        return SIM_EXIT_SCRIPT;
    }
    if (check_pass(r)) {
        return SIM_EXIT_OK;
    }
    if (!r->w->rig.dial) {
        return script_error(r, "dial: the front end is a keypad (--frontend dial for a dial)");
    }
    bool ok = to ? sim_world_dial_to(r->w, dir, number) : sim_world_turn(r->w, dir, steps);
    return ok ? SIM_EXIT_OK : internal_error(r);
}

// service plug|unplug, service firmware PATH, service pin-key PATH, service otc PATH|off,
// service info, service end.
static int cmd_service(runner *r, const char *p) {
    static const char *const usage =
        "service: expected plug, unplug, firmware PATH, pin-key PATH, owner-key PATH, "
        "export audit PATH, otc PATH|off, info or end";
    char word[MAX_WORD];
    int got = next_token(r, &p, word);
    if (got < 0) {
        return SIM_EXIT_SCRIPT;
    }
    bool plug = got && strcmp(word, "plug") == 0, unplug = got && strcmp(word, "unplug") == 0;
    bool firmware = got && strcmp(word, "firmware") == 0;
    bool pin = got && strcmp(word, "pin-key") == 0;
    bool owner = got && strcmp(word, "owner-key") == 0;
    bool export = got && strcmp(word, "export") == 0;
    bool otc = got && strcmp(word, "otc") == 0;
    bool info = got && strcmp(word, "info") == 0, end = got && strcmp(word, "end") == 0;
    if (!(plug || unplug || firmware || pin || owner || export || otc || info || end)) {
        return script_error(r, "%s%s%s", usage, got ? ", not " : "", got ? word : "");
    }
    char path[MAX_WORD];
    if (export) {
        char what[MAX_WORD];
        int have = next_token(r, &p, what);
        if (have < 0) {
            return SIM_EXIT_SCRIPT;
        }
        if (have == 0 || strcmp(what, "audit") != 0) {
            return script_error(r, "service export: expected audit PATH");
        }
    }
    if (firmware || pin || owner || export || otc) {
        int have = next_token(r, &p, path);
        if (have < 0) {
            return SIM_EXIT_SCRIPT;
        }
        if (have == 0) {
            return script_error(r, "service %s: expected a PATH", word);
        }
    }
    if (!no_more(r, "service", p)) {
        return SIM_EXIT_SCRIPT;
    }
    if (check_pass(r)) {
        return SIM_EXIT_OK;
    }
    if (plug || unplug) {
        if (!sim_world_service_plug(r->w, plug)) {
            return script_error(r, "service plug: the port is inside the door, and the door "
                                   "is shut");
        }
        return SIM_EXIT_OK;
    }
    if (!r->w->service_plugged) {
        return script_error(r, "service %s: no service tool on the port (service plug first)",
                            word);
    }
    char err[512];
    if (owner) { // the tool's setting: nothing goes over the port
        return sim_world_service_owner_key(r->w, path, err, sizeof err)
                   ? SIM_EXIT_OK
                   : script_error(r, "%s", err);
    }
    if (otc) {
        bool off = strcmp(path, "off") == 0;
        if (!sim_world_service_otc(r->w, off ? NULL : path, err, sizeof err)) {
            return r->w->rig.internal_error[0] ? internal_error(r) : script_error(r, "%s", err);
        }
        return SIM_EXIT_OK;
    }
    bool ok = firmware ? sim_world_service_firmware(r->w, path, err, sizeof err)
              : pin    ? sim_world_service_pin_key(r->w, path, err, sizeof err)
              : export ? sim_world_service_export(r->w, path, err, sizeof err)
              : info   ? sim_world_service_info(r->w)
                       : sim_world_service_end(r->w);
    if (!ok && (firmware || pin || export) && !r->w->rig.internal_error[0]) {
        return script_error(r, "%s", err);
    }
    return ok ? SIM_EXIT_OK : internal_error(r);
}

static int cmd_capture(runner *r, const char *p) {
    char name[MAX_WORD];
    int got = next_token(r, &p, name);
    if (got < 0) {
        return SIM_EXIT_SCRIPT;
    }
    if (got == 0 || !valid_name(name, strlen(name))) {
        return script_error(r, "capture: expected NAME REGEX (a name is letters, digits and _)");
    }
    regex_t re;
    if (!compile(r, "capture", skip_space(p), &re)) {
        return SIM_EXIT_SCRIPT;
    }
    if (re.re_nsub < 1) {
        regfree(&re);
        return script_error(r, "capture: the regex needs a group ( ) to capture");
    }
    if (check_pass(r)) {
        regfree(&re);
        set_var(r, name, NULL); // declared: later lines may use it
        return SIM_EXIT_OK;
    }
    char text[sizeof r->w->seen.display];
    sim_world_display(r->w, text, sizeof text);
    regmatch_t m[2];
    int rc = regexec(&re, text, 2, m, 0);
    regfree(&re);
    if (rc != 0 || m[1].rm_so < 0) {
        sim_buf observed = {0};
        sim_buf_puts(&observed, "display ");
        sim_json_string(&observed, text);
        int st = expect_failed(r, observed.s);
        sim_buf_free(&observed);
        return st;
    }
    char *value = sim_xmalloc((size_t)(m[1].rm_eo - m[1].rm_so) + 1);
    memcpy(value, text + m[1].rm_so, (size_t)(m[1].rm_eo - m[1].rm_so));
    value[m[1].rm_eo - m[1].rm_so] = '\0';
    set_var(r, name, value);
    free(value);
    return SIM_EXIT_OK;
}

static int cmd_dump(runner *r, const char *p) {
    static const char *const choices[] = {"keypad", "lock", NULL};
    int i = one_of(r, "dump", &p, choices);
    if (i < 0) {
        return SIM_EXIT_SCRIPT;
    }
    if (!check_pass(r)) {
        sim_world_dump(r->w, i == 1);
    }
    return SIM_EXIT_OK;
}

static int cmd_show(runner *r, const char *p) {
    if (!no_more(r, "show", p)) {
        return SIM_EXIT_SCRIPT;
    }
    if (!check_pass(r)) {
        sim_world_show(r->w);
    }
    return SIM_EXIT_OK;
}

// ---- expect ----------------------------------------------------------------------------
static int expect_state(runner *r, const char *what, const char **p, const char *const *choices,
                        int actual) {
    int i = one_of(r, what, p, choices);
    if (i < 0) {
        return SIM_EXIT_SCRIPT;
    }
    if (check_pass(r) || i == actual) {
        return SIM_EXIT_OK;
    }
    char observed[64];
    snprintf(observed, sizeof observed, "%s %s", what + strlen("expect "), choices[actual]);
    return expect_failed(r, observed);
}

static int expect_display(runner *r, const char *p) {
    regex_t re;
    if (!compile(r, "expect display", skip_space(p), &re)) {
        return SIM_EXIT_SCRIPT;
    }
    if (check_pass(r)) {
        regfree(&re);
        return SIM_EXIT_OK;
    }
    char text[sizeof r->w->seen.display];
    sim_world_display(r->w, text, sizeof text);
    int rc = regexec(&re, text, 0, NULL, 0);
    regfree(&re);
    if (rc == 0) {
        return SIM_EXIT_OK;
    }
    sim_buf observed = {0};
    sim_buf_puts(&observed, r->w->rig.powered ? "display " : "display (power off) ");
    sim_json_string(&observed, text);
    int st = expect_failed(r, observed.s);
    sim_buf_free(&observed);
    return st;
}

// An event's JSON for a message, cut short (a dump is hundreds of kilobytes).
static void event_summary(const sim_event *ev, sim_buf *out) {
    enum { MAX_SUMMARY = 300 };
    sim_buf json = {0};
    sim_event_json(ev, &json);
    if (json.len > MAX_SUMMARY) {
        json.s[MAX_SUMMARY] = '\0';
        sim_buf_printf(out, "%s...", json.s);
    } else {
        sim_buf_puts(out, json.s);
    }
    sim_buf_free(&json);
}

// What happened instead, for a failed `expect event`: the events of that type
// in the window, or that there were none.
static void describe_window(runner *r, const char *type, sim_buf *out) {
    size_t shown = 0, total = 0;
    for (size_t i = 0; i < r->events->nwindow; i++) {
        const sim_event *ev = &r->events->window[i];
        if (strcmp(ev->type, type) != 0) {
            continue;
        }
        if (total++ < 8) {
            sim_buf_puts(out, shown++ ? "; " : "");
            event_summary(ev, out);
        }
    }
    if (total == 0) {
        sim_buf_printf(out, "no %s event since ", type);
        if (r->window_line) {
            sim_buf_printf(out, "line %u", r->window_line);
        } else {
            sim_buf_puts(out, "the start");
        }
    } else if (total > shown) {
        sim_buf_printf(out, "; and %zu more %s events", total - shown, type);
    }
}

static int expect_event(runner *r, const char *p, bool negated) {
    const char *what = negated ? "expect no-event" : "expect event";
    char type[MAX_WORD];
    char words[MAX_CONDITIONS][MAX_WORD];
    sim_condition cond[MAX_CONDITIONS];
    size_t ncond = 0;
    int got = next_token(r, &p, type);
    if (got < 0) {
        return SIM_EXIT_SCRIPT;
    }
    if (got == 0) {
        return script_error(r, "%s: expected TYPE [key=value ...]", what);
    }
    if (!sim_event_type_known(type)) {
        return script_error(r, "%s: no event has type '%s'", what, type);
    }
    while ((got = next_token(r, &p, words[ncond])) > 0) {
        char *eq = strchr(words[ncond], '=');
        if (!eq || eq == words[ncond]) {
            return script_error(r, "%s: expected key=value, not '%s'", what, words[ncond]);
        }
        *eq = '\0';
        if (!sim_event_key_known(type, words[ncond])) {
            return script_error(r, "%s: a %s event has no field '%s'", what, type, words[ncond]);
        }
        cond[ncond] = (sim_condition){.key = words[ncond], .value = eq + 1};
        if (++ncond == MAX_CONDITIONS) {
            return script_error(r, "%s: at most %d conditions", what, MAX_CONDITIONS - 1);
        }
    }
    if (got < 0) {
        return SIM_EXIT_SCRIPT;
    }
    if (check_pass(r)) {
        return SIM_EXIT_OK;
    }
    const sim_event *found = sim_events_find(r->events, type, cond, ncond);
    int st = SIM_EXIT_OK;
    if (!negated && !found) {
        sim_buf observed = {0};
        describe_window(r, type, &observed);
        st = expect_failed(r, observed.s);
        sim_buf_free(&observed);
    } else if (negated && found) {
        sim_buf observed = {0};
        event_summary(found, &observed);
        st = expect_failed(r, observed.s);
        sim_buf_free(&observed);
    }
    sim_events_restart_window(r->events);
    r->window_line = r->line;
    return st;
}

static int cmd_expect(runner *r, const char *p) {
    static const char *const bolt[] = {"extended", "retracted", NULL};
    static const char *const door[] = {"open", "closed", NULL};
    static const char *const onoff[] = {"off", "on", NULL};
    char what[MAX_WORD];
    int got = next_token(r, &p, what);
    if (got < 0) {
        return SIM_EXIT_SCRIPT;
    }
    sim_world *w = r->w;
    if (got && strcmp(what, "bolt") == 0) {
        return expect_state(r, "expect bolt", &p, bolt, w && w->bolt == OL_BOLT_RETRACTED ? 1 : 0);
    }
    if (got && strcmp(what, "door") == 0) {
        return expect_state(r, "expect door", &p, door, w && !w->rig.door_open ? 1 : 0);
    }
    if (got && strcmp(what, "alarm") == 0) {
        bool on = w && w->seen.alarm;
        return expect_state(r, "expect alarm", &p, onoff, on ? 1 : 0);
    }
    if (got && strcmp(what, "display") == 0) {
        return expect_display(r, p);
    }
    if (got && strcmp(what, "event") == 0) {
        return expect_event(r, p, false);
    }
    if (got && strcmp(what, "no-event") == 0) {
        return expect_event(r, p, true);
    }
    return script_error(r, "expect: expected bolt, door, alarm, display, event or no-event%s%s",
                        got ? ", not " : "", got ? what : "");
}

// ---- lines ------------------------------------------------------------------------------
typedef int (*command_fn)(runner *r, const char *args);

static const struct {
    const char *name;
    command_fn run;
} commands[] = {
    {"keys", cmd_keys},
    {"wait", cmd_wait},
    {"door", cmd_door},
    {"power", cmd_power},
    {"battery", cmd_battery},
    {"clock", cmd_clock},
    {"remote-disable", cmd_remote_disable},
    {"wire", cmd_wire},
    {"keypad", cmd_keypad},
    {"dial", cmd_dial},
    {"service", cmd_service},
    {"capture", cmd_capture},
    {"dump", cmd_dump},
    {"show", cmd_show},
};

static int run_line(runner *r, const char *raw) {
    char *line = sim_xstrdup(raw);
    strip_comment(line);
    sim_buf text = {0};
    bool has_vars;
    int st = SIM_EXIT_OK;
    if (!expand(r, line, &text, &has_vars)) {
        st = SIM_EXIT_SCRIPT;
        goto out;
    }
    const char *p = text.s;
    char cmd[MAX_WORD];
    int got = next_token(r, &p, cmd);
    if (got <= 0) {
        st = got < 0 ? SIM_EXIT_SCRIPT : SIM_EXIT_OK; // blank line
        goto out;
    }
    bool known = strcmp(cmd, "expect") == 0;
    for (size_t i = 0; !known && i < sizeof commands / sizeof commands[0]; i++) {
        known = strcmp(cmd, commands[i].name) == 0;
    }
    if (!known) {
        st = script_error(r, "unknown command '%s'", cmd);
        goto out;
    }
    if (check_pass(r) && has_vars) {
        // The arguments are checked once the captured values exist; a capture
        // still declares its name for the lines after it.
        char name[MAX_WORD];
        if (strcmp(cmd, "capture") == 0 && next_token(r, &p, name) > 0 &&
            valid_name(name, strlen(name))) {
            set_var(r, name, NULL);
        }
        goto out;
    }
    r->text = skip_space(text.s);
    if (strcmp(cmd, "expect") == 0) {
        st = cmd_expect(r, p);
        goto out;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(cmd, commands[i].name) == 0) {
            st = commands[i].run(r, p);
            break;
        }
    }
out:
    r->text = NULL;
    sim_buf_free(&text);
    free(line);
    return st;
}

static int run_all(runner *r) {
    for (size_t i = 0; i < r->script->nlines; i++) {
        r->line = (unsigned)i + 1;
        int st = run_line(r, r->script->lines[i]);
        if (st != SIM_EXIT_OK) {
            return st;
        }
        if (r->w && r->w->rig.internal_error[0]) {
            return internal_error(r);
        }
        if (r->events->out_failed) {
            fprintf(stderr, "%s:%u: simulator stopped: cannot write the events\n", r->script->path,
                    r->line);
            return SIM_EXIT_INTERNAL;
        }
    }
    return SIM_EXIT_OK;
}

static void free_vars(runner *r) {
    for (size_t i = 0; i < r->nvars; i++) {
        free(r->vars[i].name);
        free(r->vars[i].value);
    }
    free(r->vars);
    r->vars = NULL;
    r->nvars = r->capvars = 0;
}

// ---- API ---------------------------------------------------------------------------------
void sim_script_free(sim_script *s) {
    if (!s) {
        return;
    }
    for (size_t i = 0; i < s->nlines; i++) {
        free(s->lines[i]);
    }
    free(s->lines);
    free(s->path);
    free(s);
}

int sim_script_load(const char *path, sim_events *events, sim_script **out) {
    sim_script *s = sim_xmalloc(sizeof *s);
    *s = (sim_script){.path = sim_xstrdup(strcmp(path, "-") == 0 ? "<stdin>" : path)};
    runner r = {.script = s, .events = events};
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (!f) {
        int st = script_error(&r, "cannot read the script: %s", strerror(errno));
        sim_script_free(s);
        return st;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) >= 0) {
        if (memchr(line, '\0', (size_t)n)) {
            r.line = (unsigned)s->nlines + 1;
            free(line);
            if (f != stdin) {
                fclose(f);
            }
            int st = script_error(&r, "a NUL byte in the script");
            sim_script_free(s);
            return st;
        }
        if (n > 0 && line[n - 1] == '\n') {
            line[n - 1] = '\0';
        }
        s->lines = grow(s->lines, &s->caplines, s->nlines + 1, sizeof *s->lines);
        s->lines[s->nlines++] = sim_xstrdup(line);
    }
    bool read_error = ferror(f);
    free(line);
    if (f != stdin) {
        fclose(f);
    }
    if (read_error) {
        int st = script_error(&r, "cannot read the script");
        sim_script_free(s);
        return st;
    }
    int st = run_all(&r); // the check pass
    free_vars(&r);
    if (st != SIM_EXIT_OK) {
        sim_script_free(s);
        return st;
    }
    *out = s;
    return SIM_EXIT_OK;
}

int sim_script_run(sim_script *s, sim_world *w) {
    runner r = {.script = s, .events = w->events, .w = w};
    w->events->keep_window = true;
    int st = run_all(&r);
    free_vars(&r);
    return st;
}
