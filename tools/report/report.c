// ownerlock — the security report (`make report`, tools/report/report.sh).
//
// Reads what the runs left in a logs directory and the project's own files,
// and writes security-report.md, security-report.html (self-contained) and
// attacker-progress.svg. It holds no result of its own: every pass, time and
// figure comes from the logs, every attack's description from the comment
// at the top of its file in tests/attacks/, the invariant table from
// docs/SECURITY.md, the commercial locks' rules from commercial-locks.txt.
//
// usage: ol-report --root SOURCE_DIR --logs LOG_DIR --out OUT_DIR
// The logs (report.sh writes them): meta.txt (key=value), steps.txt ("step
// status seconds"), ctest-list.txt (ctest -N), ctest-junit.xml, ctest.log,
// bruteforce-table.txt, bruteforce-curve.txt (brute_force_model --table and
// --curve), fuzz.txt and fuzz/fuzz_*.log (fuzz/run.sh), size.txt, bench.txt.
// Exit status: 0 when everything passed, 1 when anything failed or is
// missing (the report says what), 2 when the report could not be written.
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <fnmatch.h>
#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

#define MAX_STEPS 16
#define MAX_LOCKS 16
#define MAX_FUZZ 16
#define CODES_6 1e6 // possible 6-digit codes

typedef enum { RES_PASS, RES_FAIL, RES_NOTRUN, RES_SKIPPED, RES_DISABLED } result;

typedef struct test {
    char *name, *kind, *output, *reason;
    result res;
    double secs;
} test;

typedef struct step {
    char name[32], status[32];
    double secs;
} step;

typedef struct lock_rule {
    char *lock, *shortname, *stated, *note, *source;
    double first, minutes, then; // then < 0: not stated
} lock_rule;

typedef struct fuzz_target {
    char name[64];
    char status[16]; // "ok", "FAILED", "" (started only)
    double secs;
} fuzz_target;

typedef struct attack {
    char *file, *name, *about;
    const test *t;
} attack;

typedef struct report {
    const char *root, *logs, *out;
    char *meta;
    test *tests;
    size_t ntests;
    step steps[MAX_STEPS];
    int nsteps;
    attack *attacks;
    size_t nattacks;
    char *security_md;               // docs/SECURITY.md
    const char *inv_begin, *inv_end; // its invariant table, NULL if not found
    rule engine;                     // ownerlock's rule, from the engine
    int have_engine;
    double expected_h[13][3]; // hours, by digits and enrolled (1, 10, 32); < 0 missing
    double *curve_h, *curve_tries;
    int ncurve;
    double within_24h;
    lock_rule locks[MAX_LOCKS];
    int nlocks;
    fuzz_target fuzz[MAX_FUZZ];
    int nfuzz;
    buf problems; // Markdown bullets, one per line
    int nproblems;
} report;

static const int enrolled_counts[3] = {1, 10, 32};

static void problem(report *r, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void problem(report *r, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    buf_puts(&r->problems, s);
    buf_puts(&r->problems, "\n");
    free(s);
    r->nproblems++;
}

static char *read_log(const report *r, const char *name) {
    char *path = path_join(r->logs, name);
    char *text = read_file(path);
    free(path);
    return text;
}

// ---- run metadata and steps ----------------------------------------------------
static const char *meta(const report *r, const char *key, char *out, size_t size) {
    snprintf(out, size, "unknown");
    const char *p = r->meta, *line;
    size_t n, k = strlen(key);
    while ((line = next_line(&p, &n)) != NULL) {
        if (n > k && strncmp(line, key, k) == 0 && line[k] == '=') {
            snprintf(out, size, "%.*s", (int)(n - k - 1), line + k + 1);
            if (!out[0]) {
                snprintf(out, size, "unknown");
            }
        }
    }
    return out;
}

static void load_steps(report *r) {
    char *text = read_log(r, "steps.txt");
    const char *p = text, *line;
    size_t n;
    while (text && (line = next_line(&p, &n)) != NULL && r->nsteps < MAX_STEPS) {
        char *copy = xstrndup(line, n);
        step *s = &r->steps[r->nsteps];
        if (sscanf(copy, "%31s %31s %lf", s->name, s->status, &s->secs) >= 2) {
            r->nsteps++;
        }
        free(copy);
    }
    free(text);
}

static const step *find_step(const report *r, const char *name) {
    for (int i = 0; i < r->nsteps; i++) {
        if (strcmp(r->steps[i].name, name) == 0) {
            return &r->steps[i];
        }
    }
    return NULL;
}

// "pass", "fail", "skipped" (by choice or missing tools), "blocked" (an
// earlier step failed), or "absent".
static const char *step_state(const report *r, const char *name) {
    const step *s = find_step(r, name);
    if (!s) {
        return "absent";
    }
    if (strcmp(s->status, "skipped") == 0 || strcmp(s->status, "blocked") == 0) {
        return s->status;
    }
    return strcmp(s->status, "0") == 0 ? "pass" : "fail";
}

static void step_problems(report *r) {
    static const struct {
        const char *name, *what, *log;
    } known[] = {
        {"ctest", "the test suite (ctest)", "ctest.log"},
        {"bruteforce", "brute_force_model --table/--curve", "bruteforce-table.txt"},
        {"fuzz", "fuzzing (fuzz/run.sh)", "fuzz.txt"},
        {"target", "the mps2-an385 build (make target)", "target-build.log"},
        {"size", "make size", "size.txt"},
        {"bench", "make bench", "bench.txt"},
        {"fault-check", "the fault sweep (make fault-check)", "fault-check.txt"},
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        const char *st = step_state(r, known[i].name);
        if (strcmp(st, "fail") == 0) {
            problem(r, "%s failed (exit status %s; see `logs/%s`)", known[i].what,
                    find_step(r, known[i].name)->status, known[i].log);
        } else if (strcmp(st, "absent") == 0 && strcmp(known[i].name, "ctest") == 0) {
            problem(r, "%s did not run", known[i].what);
        }
    }
}

// ---- tests: ctest -N, its JUnit file and its console log -------------------------
static char *xml_unescape(const char *s, size_t n) {
    static const struct {
        const char *ent;
        char c;
    } ents[] = {{"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&apos;", '\''}};
    buf b = {0};
    buf_add(&b, "", 0);
    for (size_t i = 0; i < n;) {
        int done = 0;
        if (s[i] == '&') {
            for (size_t e = 0; e < sizeof ents / sizeof ents[0] && !done; e++) {
                size_t len = strlen(ents[e].ent);
                if (i + len <= n && strncmp(s + i, ents[e].ent, len) == 0) {
                    buf_add(&b, &ents[e].c, 1);
                    i += len;
                    done = 1;
                }
            }
            if (!done && i + 2 < n && s[i + 1] == '#') {
                char *end;
                long code =
                    s[i + 2] == 'x' ? strtol(s + i + 3, &end, 16) : strtol(s + i + 2, &end, 10);
                if (*end == ';' && code > 0 && code < 128) {
                    char c = (char)code;
                    buf_add(&b, &c, 1);
                    i = (size_t)(end - s) + 1;
                    done = 1;
                }
            }
        }
        if (!done) {
            buf_add(&b, s + i, 1);
            i++;
        }
    }
    return b.s;
}

// The value of attribute `name` in the tag [tag, end), or NULL.
static char *xml_attr(const char *tag, const char *end, const char *name) {
    size_t k = strlen(name);
    for (const char *p = tag + 1; p + k + 2 < end; p++) {
        if ((p[-1] == ' ' || p[-1] == '\t' || p[-1] == '\n') && strncmp(p, name, k) == 0 &&
            p[k] == '=' && p[k + 1] == '"') {
            const char *v = p + k + 2, *q = memchr(v, '"', (size_t)(end - v));
            return q ? xml_unescape(v, (size_t)(q - v)) : NULL;
        }
    }
    return NULL;
}

static test *find_test(const report *r, const char *name) {
    for (size_t i = 0; i < r->ntests; i++) {
        if (strcmp(r->tests[i].name, name) == 0) {
            return &r->tests[i];
        }
    }
    return NULL;
}

static test *add_test(report *r, const char *name) {
    test *t = find_test(r, name);
    if (t) {
        return t;
    }
    test *grown = xmalloc((r->ntests + 1) * sizeof *grown);
    if (r->ntests) {
        memcpy(grown, r->tests, r->ntests * sizeof *grown);
    }
    free(r->tests);
    r->tests = grown;
    t = &r->tests[r->ntests++];
    memset(t, 0, sizeof *t);
    t->name = xstrdup(name);
    const char *slash = strchr(name, '/');
    t->kind = slash ? xstrndup(name, (size_t)(slash - name)) : xstrdup("other");
    t->res = RES_NOTRUN;
    t->reason = xstrdup("not in the ctest results");
    return t;
}

static void load_junit(report *r) {
    char *xml = read_log(r, "ctest-junit.xml");
    if (!xml) {
        return;
    }
    const char *p = xml;
    while ((p = strstr(p, "<testcase")) != NULL) {
        const char *tag_end = strchr(p, '>');
        if (!tag_end) {
            break;
        }
        char *name = xml_attr(p, tag_end, "name");
        char *status = xml_attr(p, tag_end, "status");
        char *secs = xml_attr(p, tag_end, "time");
        const char *body = tag_end + 1;
        const char *body_end = tag_end[-1] == '/' ? body : strstr(body, "</testcase>");
        if (!body_end) {
            body_end = body + strlen(body);
        }
        if (name) {
            test *t = add_test(r, name);
            free(t->reason);
            t->reason = NULL;
            t->secs = secs ? atof(secs) : 0;
            const char *out = strstr(body, "<system-out>");
            if (out && out < body_end) {
                out += strlen("<system-out>");
                const char *out_end = strstr(out, "</system-out>");
                if (out_end && out_end <= body_end) {
                    t->output = xml_unescape(out, (size_t)(out_end - out));
                }
            }
            const char *skipped = strstr(body, "<skipped");
            char *message = NULL;
            if (skipped && skipped < body_end && strchr(skipped, '>')) {
                message = xml_attr(skipped, strchr(skipped, '>'), "message");
            }
            if (status && strcmp(status, "run") == 0) {
                t->res = RES_PASS;
            } else if (status && strcmp(status, "fail") == 0) {
                t->res = RES_FAIL;
            } else if (status && strcmp(status, "disabled") == 0) {
                t->res = RES_DISABLED;
            } else if (message && starts_with(message, "SKIP_")) {
                t->res = RES_SKIPPED;
                t->reason = xstrdup(message);
            } else {
                t->res = RES_NOTRUN;
                t->reason = xstrdup(message && message[0] ? message : "not run");
            }
            free(message);
        }
        free(name);
        free(status);
        free(secs);
        p = body_end;
    }
    free(xml);
}

// "  Test  #1: unit/test_body" lines of ctest -N: every test ctest knows.
static void load_test_list(report *r) {
    char *text = read_log(r, "ctest-list.txt");
    const char *p = text, *line;
    size_t n;
    while (text && (line = next_line(&p, &n)) != NULL) {
        char *copy = xstrndup(line, n);
        char *hash = strstr(copy, "Test");
        char *colon = hash ? strstr(hash, ": ") : NULL;
        if (hash && colon && strchr(hash, '#') && strchr(hash, '#') < colon) {
            char *name = colon + 2;
            name[strcspn(name, " \t")] = '\0';
            if (name[0]) {
                add_test(r, name);
            }
        }
        free(copy);
    }
    free(text);
}

// "12/87 Test #12: unit/test_x ....***Failed    0.01 sec": why a test failed.
static void load_console_reasons(report *r) {
    char *text = read_log(r, "ctest.log");
    const char *p = text, *line;
    size_t n;
    while (text && (line = next_line(&p, &n)) != NULL) {
        char *copy = xstrndup(line, n);
        char *mark = strstr(copy, " Test ");
        char *colon = mark ? strstr(mark, ": ") : NULL;
        char *hash = mark ? strchr(mark, '#') : NULL;
        if (!hash || hash > colon || strspn(mark + 6, " ") != (size_t)(hash - mark - 6)) {
            colon = NULL; // not "Test   #12: name"
        }
        char *sec = copy + strlen(copy);
        if (colon && n > 4 && strcmp(sec - 4, " sec") == 0) {
            char *name = colon + 2;
            char *name_end = name + strcspn(name, " ");
            char *verdict = name_end;
            while (*verdict == ' ' || *verdict == '.') {
                verdict++;
            }
            while (*verdict == '*') {
                verdict++;
            }
            char *end = sec - 4; // back over the seconds
            while (end > verdict && (end[-1] == '.' || (end[-1] >= '0' && end[-1] <= '9'))) {
                end--;
            }
            while (end > verdict && end[-1] == ' ') {
                end--;
            }
            *name_end = '\0';
            test *t = find_test(r, name);
            // ctest says why better than JUnit does (Failed, Timeout,
            // Exception: SegFault), except for tests it could not start.
            if (t && end > verdict &&
                (t->res == RES_FAIL || (t->res == RES_NOTRUN && !t->output))) {
                free(t->reason);
                t->reason = xstrndup(verdict, (size_t)(end - verdict));
            }
        }
        free(copy);
    }
    free(text);
}

static int test_failed(const test *t) {
    return t->res == RES_FAIL || t->res == RES_NOTRUN;
}

static void test_problems(report *r) {
    if (r->ntests == 0) {
        problem(r, "no test results: ctest found no tests, or its results are missing");
        return;
    }
    int failed = 0;
    for (size_t i = 0; i < r->ntests; i++) {
        const test *t = &r->tests[i];
        if (test_failed(t) && ++failed <= 25) {
            buf b = {0};
            buf_md_code(&b, t->name);
            problem(r, "test %s %s%s%s%s", buf_str(&b),
                    t->res == RES_FAIL ? "FAILED" : "did not run", t->reason ? " (" : "",
                    t->reason ? t->reason : "", t->reason ? ")" : "");
            buf_free(&b);
        }
    }
    if (failed > 25) {
        problem(r, "%d more tests failed (see the list of every test)", failed - 25);
    }
}

// ---- tests/attacks: one file per published attack, its first comment -------------
static int by_file(const void *a, const void *b) {
    return strcmp(((const attack *)a)->file, ((const attack *)b)->file);
}

// The first comment block of a file: leading "#" lines (.sim) or "//" lines
// or a /* */ block (.c), joined into one paragraph.
static char *first_comment(const char *text, int c_file) {
    buf b = {0};
    const char *p = text, *line;
    size_t n;
    int started = 0, in_block = 0;
    while ((line = next_line(&p, &n)) != NULL) {
        size_t i = 0;
        while (i < n && (line[i] == ' ' || line[i] == '\t')) {
            i++;
        }
        const char *s = line + i;
        size_t len = n - i;
        if (len == 0 && !in_block) {
            if (started) {
                break;
            }
            continue;
        }
        const char *body = NULL;
        size_t body_len = 0;
        if (in_block) {
            const char *close = strstr(s, "*/");
            body = s;
            body_len = close && (size_t)(close - s) < len ? (size_t)(close - s) : len;
            if (body_len > 0 && body[0] == '*') {
                body++;
                body_len--;
            }
            in_block = !(close && (size_t)(close - s) < len);
        } else if (!c_file && s[0] == '#') {
            body = s + 1;
            body_len = len - 1;
        } else if (c_file && len >= 2 && s[0] == '/' && s[1] == '/') {
            body = s + 2;
            body_len = len - 2;
        } else if (c_file && len >= 2 && s[0] == '/' && s[1] == '*') {
            const char *close = strstr(s + 2, "*/");
            body = s + 2;
            body_len = close && (size_t)(close - s) < len ? (size_t)(close - body) : len - 2;
            in_block = !(close && (size_t)(close - s) < len);
        } else {
            break;
        }
        started = 1;
        while (body_len > 0 && (body[0] == ' ' || body[0] == '\t')) {
            body++;
            body_len--;
        }
        while (body_len > 0 && (body[body_len - 1] == ' ' || body[body_len - 1] == '\t')) {
            body_len--;
        }
        if (body_len > 0) {
            if (b.len) {
                buf_add(&b, " ", 1);
            }
            buf_add(&b, body, body_len);
        }
        if (c_file && !in_block && len >= 2 && s[0] == '/' && s[1] == '*') {
            break; // a one-line /* */ comment is the whole block
        }
    }
    return b.s ? b.s : xstrdup("");
}

static void load_attacks(report *r) {
    char *dir_path = path_join(r->root, "tests/attacks");
    DIR *dir = opendir(dir_path);
    if (!dir) {
        problem(r, "cannot read `tests/attacks/`");
        free(dir_path);
        return;
    }
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        size_t len = strlen(e->d_name);
        int c_file = len > 2 && strcmp(e->d_name + len - 2, ".c") == 0;
        int sim = len > 4 && strcmp(e->d_name + len - 4, ".sim") == 0;
        if (!c_file && !sim) {
            continue;
        }
        if (r->nattacks == cap) {
            cap = cap ? cap * 2 : 16;
            attack *grown = xmalloc(cap * sizeof *grown);
            if (r->nattacks) {
                memcpy(grown, r->attacks, r->nattacks * sizeof *grown);
            }
            free(r->attacks);
            r->attacks = grown;
        }
        attack *a = &r->attacks[r->nattacks++];
        a->file = xstrdup(e->d_name);
        a->name = xstrndup(e->d_name, len - (c_file ? 2 : 4));
        char *path = path_join(dir_path, e->d_name);
        char *text = read_file(path);
        a->about = text ? first_comment(text, c_file) : xstrdup("");
        free(text);
        free(path);
    }
    closedir(dir);
    free(dir_path);
    if (r->nattacks) {
        qsort(r->attacks, r->nattacks, sizeof *r->attacks, by_file);
    }
    for (size_t i = 0; i < r->nattacks; i++) {
        attack *a = &r->attacks[i];
        buf name = {0};
        buf_printf(&name, "attacks/%s", a->name);
        a->t = find_test(r, name.s);
        if (!a->t) {
            problem(r, "`tests/attacks/%s` has no ctest test `%s`", a->file, name.s);
        }
        if (!a->about[0]) {
            problem(r,
                    "`tests/attacks/%s` does not start with a comment saying what the attack "
                    "did and which invariant stops it",
                    a->file);
        }
        buf_free(&name);
    }
}

// ---- docs/SECURITY.md: the invariant table ---------------------------------------
static void load_invariants(report *r) {
    static const char heading[] = "## Invariants and the tests that prove them";
    char *path = path_join(r->root, "docs/SECURITY.md");
    r->security_md = read_file(path);
    free(path);
    if (!r->security_md) {
        problem(r, "cannot read `docs/SECURITY.md`");
        return;
    }
    const char *p = r->security_md, *line;
    size_t n;
    int in_section = 0;
    while ((line = next_line(&p, &n)) != NULL) {
        if (n >= 3 && strncmp(line, "## ", 3) == 0) {
            if (in_section) {
                break;
            }
            in_section = n == strlen(heading) && strncmp(line, heading, n) == 0;
            continue;
        }
        if (!in_section) {
            continue;
        }
        if (n > 0 && line[0] == '|') {
            if (!r->inv_begin) {
                r->inv_begin = line;
            }
            r->inv_end = line + n;
        } else if (r->inv_begin) {
            break;
        }
    }
    if (!r->inv_begin) {
        problem(r, "`docs/SECURITY.md` has no table under \"%s\"", heading + 3);
    }
}

// ---- brute force: the engine's numbers, the commercial locks' rules -------------
static void load_bruteforce(report *r) {
    for (int d = 0; d < 13; d++) {
        for (int e = 0; e < 3; e++) {
            r->expected_h[d][e] = -1;
        }
    }
    r->within_24h = -1;
    char *table = read_log(r, "bruteforce-table.txt");
    const char *p = table, *line;
    size_t n;
    double first = -1;
    while (table && (line = next_line(&p, &n)) != NULL) {
        char *copy = xstrndup(line, n);
        unsigned u;
        double v, tries, hours;
        int digits, enrolled;
        if (sscanf(copy, "rule free_tries %u", &u) == 1) {
            first = u;
        } else if (sscanf(copy, "lockout %u %lf", &u, &v) == 2 &&
                   r->engine.nlockouts < RULE_MAX_LOCKOUTS) {
            r->engine.lockout_min[r->engine.nlockouts++] = v;
        } else if (sscanf(copy, "expected %d %d %lf %lf", &digits, &enrolled, &tries, &hours) ==
                       4 &&
                   digits >= 0 && digits <= 12) {
            for (int e = 0; e < 3; e++) {
                if (enrolled_counts[e] == enrolled) {
                    r->expected_h[digits][e] = hours;
                }
            }
        }
        free(copy);
    }
    free(table);
    r->engine.first = first;
    r->engine.per = 1;
    r->have_engine = first >= 0 && r->engine.nlockouts > 0;

    char *curve = read_log(r, "bruteforce-curve.txt");
    int cap = 0;
    p = curve;
    while (curve && (line = next_line(&p, &n)) != NULL) {
        char *copy = xstrndup(line, n);
        double h, t;
        if (sscanf(copy, "curve %lf %lf", &h, &t) == 2) {
            if (r->ncurve == cap) {
                cap = cap ? cap * 2 : 512;
                double *gh = xmalloc((size_t)cap * sizeof *gh),
                       *gt = xmalloc((size_t)cap * sizeof *gt);
                if (r->ncurve) {
                    memcpy(gh, r->curve_h, (size_t)r->ncurve * sizeof *gh);
                    memcpy(gt, r->curve_tries, (size_t)r->ncurve * sizeof *gt);
                }
                free(r->curve_h);
                free(r->curve_tries);
                r->curve_h = gh;
                r->curve_tries = gt;
            }
            r->curve_h[r->ncurve] = h;
            r->curve_tries[r->ncurve++] = t;
        } else if (sscanf(copy, "within %lf %lf", &h, &t) == 2 && h == 24) {
            r->within_24h = t;
        }
        free(copy);
    }
    free(curve);
    if (!r->have_engine || r->ncurve < 2 || r->expected_h[6][0] < 0) {
        problem(r, "the brute-force figures from `attacks/brute_force_model` are missing "
                   "(`logs/bruteforce-table.txt`, `logs/bruteforce-curve.txt`)");
        return;
    }
    // The report's model of a penalty rule must agree with the engine at
    // every point of the curve, or its commercial comparisons mean nothing.
    int disagree = 0;
    for (int i = 0; i < r->ncurve; i++) {
        if (rule_tries_within(&r->engine, r->curve_h[i] * 60) != r->curve_tries[i]) {
            disagree++;
        }
    }
    if (disagree) {
        problem(r,
                "the report's penalty model disagrees with the engine at %d of %d points "
                "(tools/report/model.c against `brute_force_model --curve`)",
                disagree, r->ncurve);
    }
}

static char *trim_dup(const char *s, size_t n) {
    while (n > 0 && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t')) {
        n--;
    }
    return xstrndup(s, n);
}

static void set_field(lock_rule *l, const char *key, const char *value) {
    char **slot = strcmp(key, "lock") == 0     ? &l->lock
                  : strcmp(key, "short") == 0  ? &l->shortname
                  : strcmp(key, "stated") == 0 ? &l->stated
                  : strcmp(key, "note") == 0   ? &l->note
                  : strcmp(key, "source") == 0 ? &l->source
                                               : NULL;
    if (slot) {
        free(*slot);
        *slot = xstrdup(value);
    } else if (strcmp(key, "first") == 0) {
        l->first = atof(value);
    } else if (strcmp(key, "minutes") == 0) {
        l->minutes = atof(value);
    } else if (strcmp(key, "then") == 0) {
        l->then = strcmp(value, "not stated") == 0 ? -1 : atof(value);
    }
}

static void load_locks(report *r) {
    char *path = path_join(r->root, "tools/report/commercial-locks.txt");
    char *text = read_file(path);
    free(path);
    if (!text) {
        problem(r, "cannot read `tools/report/commercial-locks.txt`");
        return;
    }
    const char *p = text, *line;
    size_t n;
    lock_rule *cur = NULL;
    char key[32] = "";
    buf value = {0};
    for (;;) {
        line = next_line(&p, &n);
        int continuation = line && n > 0 && (line[0] == ' ' || line[0] == '\t');
        if (cur && key[0] && !continuation) {
            set_field(cur, key, buf_str(&value));
            key[0] = '\0';
        }
        if (!line) {
            break;
        }
        if (n > 0 && line[0] == '#') {
            continue;
        }
        if (n == 0) {
            cur = NULL;
            continue;
        }
        if (continuation && key[0]) {
            char *t = trim_dup(line, n);
            buf_puts(&value, " ");
            buf_puts(&value, t);
            free(t);
            continue;
        }
        const char *colon = memchr(line, ':', n);
        if (!colon || (size_t)(colon - line) >= sizeof key) {
            continue;
        }
        if (!cur) {
            if (r->nlocks == MAX_LOCKS) {
                break;
            }
            cur = &r->locks[r->nlocks++];
            memset(cur, 0, sizeof *cur);
        }
        snprintf(key, sizeof key, "%.*s", (int)(colon - line), line);
        buf_free(&value);
        char *t = trim_dup(colon + 1, n - (size_t)(colon + 1 - line));
        buf_puts(&value, t);
        free(t);
    }
    buf_free(&value);
    free(text);
    for (int i = 0; i < r->nlocks; i++) {
        lock_rule *l = &r->locks[i];
        if (!l->lock || !l->source || l->first < 1 || l->minutes <= 0 || l->then == 0) {
            problem(r,
                    "`tools/report/commercial-locks.txt`: block %d lacks lock, source, first, "
                    "minutes or then",
                    i + 1);
            l->first = 0;
        }
    }
}

// ---- fuzzing: fuzz/run.sh's summary and libFuzzer's logs -------------------------
static void load_fuzz(report *r) {
    char *text = read_log(r, "fuzz.txt");
    const char *p = text, *line;
    size_t n;
    fuzz_target *cur = NULL;
    while (text && (line = next_line(&p, &n)) != NULL) {
        char *copy = xstrndup(line, n);
        char name[64];
        double secs;
        if (sscanf(copy, "== fuzz_%63[A-Za-z0-9_]: %lf s", name, &secs) == 2 &&
            r->nfuzz < MAX_FUZZ) {
            cur = &r->fuzz[r->nfuzz++];
            memset(cur, 0, sizeof *cur);
            snprintf(cur->name, sizeof cur->name, "%s", name);
            cur->secs = secs;
        } else if (cur && strstr(copy, "   ok: ") == copy) {
            snprintf(cur->status, sizeof cur->status, "ok");
        } else if (cur && strstr(copy, "   FAILED") == copy) {
            snprintf(cur->status, sizeof cur->status, "FAILED");
        }
        free(copy);
    }
    free(text);
}

static const fuzz_target *find_fuzz(const report *r, const char *name) {
    for (int i = 0; i < r->nfuzz; i++) {
        if (strcmp(r->fuzz[i].name, name) == 0) {
            return &r->fuzz[i];
        }
    }
    return NULL;
}

// A number after `key` on the last line of `log` that holds it, or -1.
static double last_number_after(const char *log, const char *key) {
    double v = -1;
    const char *p = log, *line;
    size_t n;
    while (log && (line = next_line(&p, &n)) != NULL) {
        char *copy = xstrndup(line, n);
        char *at = strstr(copy, key);
        if (at) {
            char *end;
            double x = strtod(at + strlen(key), &end);
            if (end != at + strlen(key)) {
                v = x;
            }
        }
        free(copy);
    }
    return v;
}

// ---- writing -----------------------------------------------------------------
static const char *result_cell(result res) {
    switch (res) {
    case RES_PASS:
        return "{pass}pass";
    case RES_FAIL:
        return "{fail}**FAILED**";
    case RES_SKIPPED:
        return "{skip}skipped";
    case RES_DISABLED:
        return "{skip}disabled";
    case RES_NOTRUN:
        break;
    }
    return "{fail}**NOT RUN**";
}

static const char *result_word(result res) {
    const char *cell = result_cell(res);
    return strchr(cell, '}') + 1;
}

static const char *step_cell(const report *r, const char *name) {
    const char *st = step_state(r, name);
    if (strcmp(st, "pass") == 0) {
        return "{pass}pass";
    }
    if (strcmp(st, "fail") == 0) {
        return "{fail}**FAILED**";
    }
    if (strcmp(st, "blocked") == 0) {
        return "{fail}not run: the step it needs failed";
    }
    return "{skip}not run";
}

static void write_header(report *r, doc *d) {
    char commit[64], dirty[16], date[64], nproc[16], machine[64], os[128], cc[160], cmake[96],
        build_type[32];
    meta(r, "commit", commit, sizeof commit);
    meta(r, "dirty", dirty, sizeof dirty);
    meta(r, "date", date, sizeof date);
    meta(r, "nproc", nproc, sizeof nproc);
    meta(r, "machine", machine, sizeof machine);
    meta(r, "system", os, sizeof os);
    meta(r, "cc", cc, sizeof cc);
    meta(r, "cmake", cmake, sizeof cmake);
    meta(r, "build_type", build_type, sizeof build_type);
    doc_heading(d, 1, "top", "ownerlock security report");
    doc_para(d, "What every test of this build did, the attacks it replays, the invariants it "
                "proves and the figures the tests printed, gathered by `make report` from a run "
                "of the test suite on this machine: nothing in it is written by hand except the "
                "commercial locks' rules, which cite their sources.");
    buf b = {0};
    buf_puts(&b, "commit ");
    buf_md_code(&b, commit);
    if (strcmp(dirty, "yes") == 0) {
        buf_puts(&b, " with uncommitted changes");
    }
    doc_bullet(d, b.s);
    buf_free(&b);
    buf_puts(&b, "date: ");
    buf_md_text(&b, date);
    doc_bullet(d, b.s);
    buf_free(&b);
    buf_printf(&b, "machine: %s CPUs (`nproc`), ", nproc);
    buf_md_code(&b, machine);
    buf_puts(&b, " (`uname -m`), ");
    buf_md_text(&b, os);
    doc_bullet(d, b.s);
    buf_free(&b);
    buf_puts(&b, "host build: ");
    buf_md_text(&b, cc);
    buf_puts(&b, "; ");
    buf_md_text(&b, cmake);
    buf_puts(&b, "; build type ");
    buf_md_text(&b, build_type);
    buf_puts(&b, ", ASan and UBSan on the host tests");
    doc_bullet(d, b.s);
    buf_free(&b);
}

static void count_tests(const report *r, const char *kind, int *total, int *passed, int *failed,
                        double *secs) {
    *total = *passed = *failed = 0;
    *secs = 0;
    for (size_t i = 0; i < r->ntests; i++) {
        const test *t = &r->tests[i];
        if (kind && strcmp(t->kind, kind) != 0) {
            continue;
        }
        (*total)++;
        *passed += t->res == RES_PASS;
        *failed += test_failed(t);
        *secs += t->secs;
    }
}

static double step_secs(const report *r, const char *name) {
    const step *s = find_step(r, name);
    return s ? s->secs : 0;
}

static void write_summary(report *r, doc *d) {
    doc_heading(d, 2, "summary", "Summary");
    if (r->nproblems == 0) {
        doc_para(d, "**PASSED.** Every test passed, every step ran and passed.");
    } else {
        buf b = {0};
        buf_printf(&b, "**FAILED.** %d problem%s:", r->nproblems, r->nproblems == 1 ? "" : "s");
        doc_para(d, b.s);
        buf_free(&b);
        const char *p = buf_str(&r->problems), *line;
        size_t n;
        while ((line = next_line(&p, &n)) != NULL) {
            char *item = xstrndup(line, n);
            doc_bullet(d, item);
            free(item);
        }
        doc_bullets_end(d);
    }
    const char *head[] = {"what", "result", "figures", "run time"};
    doc_table(d, 4, head, "llll");
    int total, passed, failed;
    double secs;
    count_tests(r, NULL, &total, &passed, &failed, &secs);
    buf fig = {0}, t = {0};
    buf_printf(&fig, "%d tests: %d passed, %d failed", total, passed, failed);
    int skipped = total - passed - failed;
    if (skipped) {
        buf_printf(&fig, ", %d skipped or disabled", skipped);
    }
    buf_printf(&t, "%.0f s", step_secs(r, "ctest"));
    const char *row1[] = {"[test suite](#tests) (ctest)",
                          failed || total == 0 ? "{fail}**FAILED**" : "{pass}pass", fig.s, t.s};
    doc_row(d, row1);
    buf_free(&fig);
    buf_free(&t);

    int attack_fail = 0;
    for (size_t i = 0; i < r->nattacks; i++) {
        attack_fail += !r->attacks[i].t || test_failed(r->attacks[i].t);
    }
    buf_printf(&fig, "%zu attack files, %zu passed", r->nattacks,
               r->nattacks - (size_t)attack_fail);
    const char *row2[] = {"[attacks](#attacks)",
                          attack_fail || !r->nattacks ? "{fail}**FAILED**" : "{pass}pass", fig.s,
                          ""};
    doc_row(d, row2);
    buf_free(&fig);

    double runs = 0;
    for (int i = 0; i < r->nfuzz; i++) {
        buf logname = {0};
        buf_printf(&logname, "fuzz/fuzz_%s.log", r->fuzz[i].name);
        char *log = read_log(r, logname.s);
        double n = last_number_after(log, "stat::number_of_executed_units:");
        runs += n > 0 ? n : 0;
        free(log);
        buf_free(&logname);
    }
    buf_printf(&fig, "%d target%s, %.0f s each, ", r->nfuzz, r->nfuzz == 1 ? "" : "s",
               r->nfuzz ? r->fuzz[0].secs : 0.0);
    buf_count(&fig, runs);
    buf_puts(&fig, " executions in all");
    buf_printf(&t, "%.0f s", step_secs(r, "fuzz"));
    const char *row3[] = {"[fuzzing](#fuzzing)", step_cell(r, "fuzz"), r->nfuzz ? fig.s : "", t.s};
    doc_row(d, row3);
    buf_free(&fig);
    buf_free(&t);

    buf_printf(&t, "%.0f s (with the build)", step_secs(r, "target") + step_secs(r, "size"));
    const char *row4[] = {"[Cortex-M3 target](#target): `make size`", step_cell(r, "size"), "",
                          t.s};
    doc_row(d, row4);
    buf_free(&t);
    buf_printf(&t, "%.0f s", step_secs(r, "bench"));
    const char *row5[] = {"[Cortex-M3 target](#target): `make bench`", step_cell(r, "bench"), "",
                          t.s};
    doc_row(d, row5);
    buf_free(&t);
    buf_printf(&t, "%.0f s", step_secs(r, "fault-check"));
    const char *row7[] = {"[Cortex-M3 target](#target): `make fault-check`", step_cell(r, "fault-check"),
                          "", t.s};
    doc_row(d, row7);
    buf_free(&t);
    buf_printf(&t, "%.0f s", step_secs(r, "bruteforce"));
    const char *row6[] = {"[brute-force model](#brute-force) (from the engine's rule)",
                          step_cell(r, "bruteforce"), "", t.s};
    doc_row(d, row6);
    buf_free(&t);
    doc_table_end(d);
}

static void write_attacks(report *r, doc *d) {
    doc_heading(d, 2, "attacks", "Attacks");
    doc_para(d, "Every file in `tests/attacks/`, with the comment it starts with (what the "
                "published attack did, and what stops it here) and the result of its test "
                "`attacks/<name>` in this run.");
    const char *head[] = {"attack (file)", "what it did, and what stops it", "result", "time (s)"};
    doc_table(d, 4, head, "lllr");
    for (size_t i = 0; i < r->nattacks; i++) {
        const attack *a = &r->attacks[i];
        buf file = {0}, about = {0}, secs = {0};
        buf_md_code(&file, a->file);
        buf_md_text(&about, a->about[0] ? a->about : "(no comment)");
        if (a->t) {
            buf_printf(&secs, "%.2f", a->t->secs);
        }
        const char *row[] = {file.s, about.s, a->t ? result_cell(a->t->res) : "{fail}**NO TEST**",
                             buf_str(&secs)};
        doc_row(d, row);
        buf_free(&file);
        buf_free(&about);
        buf_free(&secs);
    }
    doc_table_end(d);
}

// Cells of a Markdown table row; `|` inside code spans or escaped stays.
static int split_cells(const char *line, size_t n, char **cells, int max) {
    int count = 0;
    size_t i = 0;
    while (i < n && line[i] == ' ') {
        i++;
    }
    if (i < n && line[i] == '|') {
        i++;
    }
    buf cur = {0};
    buf_add(&cur, "", 0);
    size_t in_code = 0;
    for (; i < n; i++) {
        char c = line[i];
        if (c == '\\' && i + 1 < n) {
            buf_add(&cur, line + i, 2);
            i++;
        } else if (c == '`') {
            size_t run = 1;
            while (i + run < n && line[i + run] == '`') {
                run++;
            }
            in_code = in_code == 0 ? run : in_code == run ? 0 : in_code;
            buf_add(&cur, line + i, run);
            i += run - 1;
        } else if (c == '|' && !in_code) {
            if (count < max) {
                cells[count++] = trim_dup(cur.s, cur.len);
            }
            cur.len = 0;
            cur.s[0] = '\0';
        } else {
            buf_add(&cur, &c, 1);
        }
    }
    char *last = trim_dup(cur.s, cur.len);
    if (last[0] && count < max) {
        cells[count++] = last;
    } else {
        free(last);
    }
    buf_free(&cur);
    return count;
}

// The results of the tests a code span names: `test_lock` (unit/test_lock),
// `property/grammar_search`, `link/*`, `fuzz_engine`, `make bench`.
static void annotate_token(const report *r, const char *tok, buf *out, buf *seen) {
    buf key = {0};
    buf_printf(&key, "\n%s\n", tok);
    if (seen->s && strstr(seen->s, key.s)) {
        buf_free(&key);
        return;
    }
    buf_puts(seen, key.s);
    buf_free(&key);
    const char *sep = out->len ? " · " : "";
    if (starts_with(tok, "make ")) {
        const char *st = step_cell(r, tok + 5);
        if (find_step(r, tok + 5)) {
            buf_printf(out, "%s", sep);
            buf_md_code(out, tok);
            buf_printf(out, " %s", strchr(st, '}') + 1);
        }
        return;
    }
    if (starts_with(tok, "fuzz_")) {
        const fuzz_target *f = find_fuzz(r, tok + 5);
        buf_printf(out, "%s", sep);
        buf_md_code(out, tok);
        buf_printf(out, " %s",
                   !f                             ? "not run"
                   : strcmp(f->status, "ok") == 0 ? "pass"
                                                  : "**FAILED**");
        return;
    }
    int glob = strchr(tok, '*') && strchr(tok, '/');
    int matched = 0, passed = 0;
    const test *one = NULL;
    buf failed = {0};
    for (size_t i = 0; i < r->ntests; i++) {
        const test *t = &r->tests[i];
        int hit = 0;
        for (const char *s = t->name; s && !hit; s = strchr(s, '/') ? strchr(s, '/') + 1 : NULL) {
            hit = glob ? fnmatch(tok, s, 0) == 0 : strcmp(tok, s) == 0;
        }
        if (hit) {
            matched++;
            one = t;
            if (t->res == RES_PASS) {
                passed++;
            } else {
                buf_printf(&failed, " ");
                buf_md_code(&failed, t->name);
                buf_printf(&failed, " **%s**", result_word(t->res));
            }
        }
    }
    if (matched == 1 && !glob) {
        buf_printf(out, "%s", sep);
        buf_md_code(out, one->name);
        buf_printf(out, " %s", result_word(one->res));
    } else if (matched > 0) {
        buf_printf(out, "%s", sep);
        buf_md_code(out, tok);
        buf_printf(out, " %d of %d pass%s", passed, matched, buf_str(&failed));
    }
    buf_free(&failed);
}

static char *annotate_cell(const report *r, const char *cell) {
    buf out = {0}, seen = {0};
    for (const char *p = cell; (p = strchr(p, '`')) != NULL;) {
        size_t run = 0;
        while (p[run] == '`') {
            run++;
        }
        const char *q = p + run, *close = NULL;
        while ((q = strchr(q, '`')) != NULL) {
            size_t t = 0;
            while (q[t] == '`') {
                t++;
            }
            if (t == run) {
                close = q;
                break;
            }
            q += t;
        }
        if (!close) {
            break;
        }
        char *tok = trim_dup(p + run, (size_t)(close - p - run));
        annotate_token(r, tok, &out, &seen);
        free(tok);
        p = close + run;
    }
    buf_free(&seen);
    return out.s ? out.s : xstrdup("no test named here found in this run");
}

static void write_invariants(report *r, doc *d) {
    doc_heading(d, 2, "invariants", "Invariants and the tests that prove them");
    doc_para(d, "The table of `docs/SECURITY.md`, copied as it stands in the source tree, with "
                "one more column: the result in this run of each test its last column names "
                "(matched by name against the ctest tests, the fuzz targets and the make steps).");
    if (!r->inv_begin) {
        doc_para(d, "**Not found:** `docs/SECURITY.md` has no table under \"Invariants and the "
                    "tests that prove them\".");
        return;
    }
    doc_bullets_end(d);
    fputs("<table>\n", d->html);
    const char *p = r->inv_begin, *line;
    size_t n;
    int row = 0;
    char *cells[16];
    while (p < r->inv_end && (line = next_line(&p, &n)) != NULL) {
        while (n > 0 && line[n - 1] == ' ') {
            n--;
        }
        int ends_with_bar = n > 0 && line[n - 1] == '|';
        int ncells = split_cells(line, n, cells, 16);
        char *extra;
        if (row == 0) {
            extra = xstrdup("results in this run");
        } else if (row == 1) {
            extra = xstrdup("---");
        } else {
            extra = annotate_cell(r, ncells ? cells[ncells - 1] : "");
        }
        fprintf(d->md, "%.*s%s %s |\n", (int)n, line, ends_with_bar ? "" : " |", extra);
        if (row != 1) {
            const char *tag = row == 0 ? "th" : "td";
            fputs(row == 0 ? "<thead><tr>" : "<tr>", d->html);
            for (int i = 0; i <= ncells; i++) {
                fprintf(d->html, "<%s>", tag);
                html_inline(d->html, i < ncells ? cells[i] : extra,
                            i < ncells ? "../../docs/" : NULL);
                fprintf(d->html, "</%s>", tag);
            }
            fputs(row == 0 ? "</tr></thead>\n<tbody>\n" : "</tr>\n", d->html);
        }
        for (int i = 0; i < ncells; i++) {
            free(cells[i]);
        }
        free(extra);
        row++;
    }
    fputc('\n', d->md);
    fputs("</tbody>\n</table>\n", d->html);
}

// "5, 10, 20, 40, 60 min, then 60 min each"
static void describe_lockouts(buf *b, const rule *rl) {
    int last_distinct = rl->nlockouts - 1;
    while (last_distinct > 0 &&
           rl->lockout_min[last_distinct - 1] == rl->lockout_min[rl->nlockouts - 1]) {
        last_distinct--;
    }
    for (int i = 0; i <= last_distinct; i++) {
        buf_printf(b, "%s%g", i ? ", " : "", rl->lockout_min[i]);
    }
    buf_printf(b, " min, then %g min each", rl->lockout_min[rl->nlockouts - 1]);
}

static rule lock_as_rule(const lock_rule *l, double per) {
    rule rl = {.first = l->first, .per = per, .nlockouts = 1};
    rl.lockout_min[0] = l->minutes;
    return rl;
}

// The figures of a rule for one 6-digit code: tries in 24 h, the powered time
// to a 1 % chance, the expected time (half the codes).
static void rule_figures(const rule *rl, double out[3]) {
    out[0] = rule_tries_within(rl, 24 * 60);
    out[1] = rule_minutes_to_try(rl, tries_for_chance(0.01, CODES_6, 1)) / 60;
    out[2] = rule_minutes_to_try(rl, ceil(CODES_6 / 2)) / 60;
}

static void write_bruteforce(report *r, doc *d) {
    doc_heading(d, 2, "brute-force", "Brute force");
    if (!r->have_engine) {
        doc_para(d, "**Not reported:** `brute_force_model --table` gave no figures.");
        return;
    }
    buf b = {0};
    buf_printf(&b,
               "The engine's penalty (`ol_penalty_after_failure` in `src/core/penalty.c`, "
               "stepped by `tests/attacks/brute_force_model`): %g wrong codes at once, then a "
               "lockout after every further one, of ",
               r->engine.first);
    describe_lockouts(&b, &r->engine);
    buf_puts(&b, ". The best an attacker can do is one try the moment each lockout ends: keys "
                 "typed during a lockout are ignored, and cutting the power stops the lockout's "
                 "clock without shortening it. With E codes enrolled among 10^n possible ones the "
                 "expected number of tries is 10^n / (E + 1). Expected powered time to find a "
                 "code:");
    doc_para(d, b.s);
    buf_free(&b);
    const char *head[] = {"code length", "1 code enrolled", "10 codes", "32 codes"};
    doc_table(d, 4, head, "rrrr");
    for (int digits = 6; digits <= 12; digits++) {
        buf c[4] = {{0}};
        buf_printf(&c[0], "%d digits", digits);
        for (int e = 0; e < 3; e++) {
            if (r->expected_h[digits][e] < 0) {
                buf_puts(&c[e + 1], "not reported");
            } else {
                buf_duration(&c[e + 1], r->expected_h[digits][e]);
            }
        }
        const char *row[] = {c[0].s, c[1].s, c[2].s, c[3].s};
        doc_row(d, row);
        for (int i = 0; i < 4; i++) {
            buf_free(&c[i]);
        }
    }
    doc_table_end(d);

    doc_heading(d, 3, "commercial", "Next to the penalty rules of commercial locks");
    doc_para(d, "One 6-digit code enrolled, an attacker at the keypad trying a new code the "
                "moment each penalty ends (typing time not counted). ownerlock's row comes from "
                "the engine; the others from the rules their makers' manuals state "
                "(`tools/report/commercial-locks.txt`). Where a manual does not say what follows "
                "the first penalty, the row gives both bounds: every further wrong code starts a "
                "penalty / the count starts over after each penalty.");
    const char *head2[] = {"lock",
                           "penalty rule",
                           "tries in the first 24 h",
                           "1 % chance after",
                           "expected time (50 %)",
                           "source"};
    doc_table(d, 6, head2, "llrrrl");
    double fig[3];
    rule_figures(&r->engine, fig);
    if (r->within_24h >= 0 && r->within_24h != fig[0]) {
        problem(r, "tries in 24 h: the engine says %.0f, the report's model %.0f", r->within_24h,
                fig[0]);
    }
    buf c[5] = {{0}};
    buf_printf(&c[0], "%g, then one per lockout of ", r->engine.first);
    describe_lockouts(&c[0], &r->engine);
    buf_count(&c[1], fig[0]);
    buf_duration(&c[2], fig[1]);
    buf_duration(&c[3], fig[2]);
    buf_puts(&c[4], "the engine, through `attacks/brute_force_model`");
    const char *own[] = {"**ownerlock**", c[0].s, c[1].s, c[2].s, c[3].s, c[4].s};
    doc_row(d, own);
    for (int i = 0; i < 5; i++) {
        buf_free(&c[i]);
    }
    for (int i = 0; i < r->nlocks; i++) {
        const lock_rule *l = &r->locks[i];
        if (l->first < 1) {
            continue;
        }
        buf name = {0};
        buf_md_text(&name, l->lock);
        buf_md_text(&c[0], l->stated ? l->stated : "");
        if (l->then > 0) {
            rule rl = lock_as_rule(l, l->then);
            rule_figures(&rl, fig);
            buf_count(&c[1], fig[0]);
            buf_duration(&c[2], fig[1]);
            buf_duration(&c[3], fig[2]);
        } else {
            double lo[3], hi[3];
            rule one = lock_as_rule(l, 1), over = lock_as_rule(l, l->first);
            rule_figures(&one, lo);
            rule_figures(&over, hi);
            buf_count(&c[1], lo[0]);
            buf_puts(&c[1], " – ");
            buf_count(&c[1], hi[0]);
            buf_duration(&c[2], hi[1]);
            buf_puts(&c[2], " – ");
            buf_duration(&c[2], lo[1]);
            buf_duration(&c[3], hi[2]);
            buf_puts(&c[3], " – ");
            buf_duration(&c[3], lo[2]);
            buf_puts(&c[0], " (what follows the first penalty: not stated in the sources found)");
        }
        const char *row[] = {name.s, c[0].s, c[1].s, c[2].s, c[3].s, l->source};
        doc_row(d, row);
        buf_free(&name);
        for (int k = 0; k < 5; k++) {
            buf_free(&c[k]);
        }
    }
    doc_table_end(d);
    for (int i = 0; i < r->nlocks; i++) {
        if (r->locks[i].note && r->locks[i].first >= 1) {
            buf_md_text(&b, r->locks[i].lock);
            buf_puts(&b, ": ");
            buf_md_text(&b, r->locks[i].note);
            buf_puts(&b, ".");
            doc_bullet(d, b.s);
            buf_free(&b);
        }
    }
    doc_bullets_end(d);
}

static void write_plot(report *r, doc *d, FILE *svg) {
    doc_heading(d, 3, "plot", "The attacker's progress");
    doc_para(d, "The chance of having found one 6-digit code, against the powered time spent "
                "trying, for ownerlock with 1, 10 and 32 codes enrolled (from the engine's rule) "
                "and for each commercial rule above that its sources state in full (one code "
                "enrolled; locks with the same rule share a curve).");
    // One grid for every curve: the engine's, or a log grid of our own.
    int n = r->ncurve >= 2 ? r->ncurve : 401;
    double *hours = xmalloc((size_t)n * sizeof *hours);
    for (int i = 0; i < n; i++) {
        hours[i] = r->ncurve >= 2 ? r->curve_h[i] : pow(10, log10(876600.0) * i / (n - 1));
    }
    series s[3 + MAX_LOCKS];
    char *labels[3 + MAX_LOCKS] = {0};
    double *chances[3 + MAX_LOCKS] = {0};
    int ns = 0;
    static const char *const own_colors[] = {"#08306b", "#2171b5", "#6baed6"};
    static const char *const other_colors[] = {"#cb181d", "#f16913", "#8c510a",
                                               "#e7298a", "#66a61e", "#7570b3"};
    if (r->ncurve >= 2) {
        for (int e = 0; e < 3; e++) {
            chances[ns] = xmalloc((size_t)n * sizeof(double));
            for (int i = 0; i < n; i++) {
                chances[ns][i] = chance_found(r->curve_tries[i], CODES_6, enrolled_counts[e]);
            }
            buf lb = {0};
            buf_printf(&lb, "ownerlock, %d code%s enrolled", enrolled_counts[e],
                       enrolled_counts[e] == 1 ? "" : "s");
            labels[ns] = lb.s;
            s[ns] = (series){labels[ns], own_colors[e], 0, n, hours, chances[ns]};
            ns++;
        }
    }
    int used[MAX_LOCKS] = {0};
    for (int i = 0; i < r->nlocks; i++) {
        const lock_rule *l = &r->locks[i];
        if (used[i] || l->then <= 0 || l->first < 1) {
            continue;
        }
        buf lb = {0};
        buf_puts(&lb, l->shortname ? l->shortname : l->lock);
        for (int j = i + 1; j < r->nlocks; j++) {
            const lock_rule *o = &r->locks[j];
            if (!used[j] && o->first == l->first && o->minutes == l->minutes &&
                o->then == l->then) {
                buf_printf(&lb, ", %s", o->shortname ? o->shortname : o->lock);
                used[j] = 1;
            }
        }
        buf_printf(&lb, ": %g tries, then %g per %g min", l->first, l->then, l->minutes);
        rule rl = lock_as_rule(l, l->then);
        chances[ns] = xmalloc((size_t)n * sizeof(double));
        for (int k = 0; k < n; k++) {
            chances[ns][k] = chance_found(rule_tries_within(&rl, hours[k] * 60), CODES_6, 1);
        }
        labels[ns] = lb.s;
        s[ns] = (series){labels[ns], other_colors[(ns - 3 + 6) % 6], 1, n, hours, chances[ns]};
        ns++;
    }
    svg_plot(svg, s, ns, 1);
    doc_md(d, "![The attacker's chance of having found a 6-digit code against powered time]"
              "(attacker-progress.svg)\n\n");
    doc_html(d, "<figure>\n");
    svg_plot(d->html, s, ns, 0);
    doc_html(d, "</figure>\n");
    for (int i = 0; i < ns; i++) {
        free(labels[i]);
        free(chances[i]);
    }
    free(hours);
}

typedef struct figure {
    const char *label;
    const char *source;  // a test name, or "log:FILE" (a log of the report's steps)
    const char *pattern; // POSIX ERE, matched line by line; the match is shown
    int all;             // every matching line, not just the first
} figure;

static const figure figures[] = {
    {"power cuts, lock engine", "crash/crash_lock", "[0-9]+ cut points exercised.*", 0},
    {"lock engine workload", "crash/crash_lock", "workload: .*", 0},
    {"power cuts, keypad link", "crash/crash_link", "[0-9]+ cut points exercised.*", 0},
    {"power cuts, store", "unit/test_store", "[0-9]+ cut points x [0-9]+ tear seeds.*", 1},
    {"store, damaged images", "unit/test_store", "corrupted images: .*", 0},
    {"store, audit capacity", "unit/test_store", "log capacity .*", 0},
    {"flash model, torn writes", "unit/test_hostflash", "torn programs .*", 0},
    {"key sequences, exhaustive", "property/grammar_search", "\\(a\\) exhaustive: .*", 0},
    {"key sequences, random", "property/grammar_search", "\\(b\\) random: .*", 0},
    {"the search's own oracle, mutated", "property/grammar_search", "-> [0-9]+ .* reported", 1},
    {"codes derived from serial and firmware", "property/firmware_knowledge",
     "[0-9]+ of [0-9]+ refused and counted[^;]*", 0},
    {"storage access during verification", "attacks/*",
     "[0-9]+ flash accesses per wrong entry.*", 0},
    {"keypad memory dumped and searched", "attacks/*", "keypad dump: .*", 0},
    {"timing of the compare", "attacks/*", "timing: .*", 0},
    {"constant-time check (valgrind)", "ct/verify", "ct_verify: [0-9]+ passed, [0-9]+ failed", 0},
    {"constant-time check, self-test", "ct/verify", "self-test caught.*", 0},
    {"brute force, one 6-digit code", "attacks/brute_force_model", "one 6-digit code takes .*", 0},
    {"flash dumps searched for codes", "shell/dump-no-code", "dump-no-code: .*", 0},
    {"cable frames searched for codes", "shell/wire-no-code", "wire-no-code: .*", 0},
    {"keypad frames", "unit/test_body", "DATA frames are .*", 0},
    {"recovery shares", "shell/recovery-shares", "recovery-shares: .*", 0},
    {"flash used (lock-body image)", "log:size.txt", "flash +text \\+ data.*", 0},
    {"RAM used", "log:size.txt", "RAM +data.*", 0},
    {"stack high-water mark", "log:size.txt", "stack +high-water mark.*", 0},
    {"instructions per verification (1, 10, 32 slots)", "log:bench.txt",
     "^  [^ ].*\\[[0-9]+\\] +[0-9]+ +[0-9]+ +[0-9]+$", 0},
    {"verification cost", "log:bench.txt", "verification costs the same for every input", 0},
    {"handshake, lock body (instructions, 3 rounds)", "log:bench.txt",
     "lock body, whole handshake.*", 0},
    {"handshake, keypad (instructions, 3 rounds)", "log:bench.txt", "keypad, whole handshake.*", 0},
    {"instruction skips (a wrong entry, a power-up)", "log:fault-check.txt", "fault-skip: [0-9]+ skips, [0-9]+ opened the lock$", 1},
    {"skips the lock caught and stopped on", "log:fault-check.txt", "^  detected +[0-9]+$", 0},
    {"fault sweep self-test (unhardened build)", "log:fault-check.txt", "skipping instruction [0-9]+ \\(pc 0x[0-9a-f]+\\) opened the lock", 1},
};

// The figure's matches in `text`, as Markdown code spans, or NULL when
// nothing matched.
static char *match_figure(const figure *f, const char *text) {
    regex_t re;
    if (!text || regcomp(&re, f->pattern, REG_EXTENDED) != 0) {
        return NULL;
    }
    buf out = {0};
    const char *p = text, *line;
    size_t n;
    while ((line = next_line(&p, &n)) != NULL) {
        char *copy = xstrndup(line, n);
        regmatch_t m;
        if (regexec(&re, copy, 1, &m, 0) == 0) {
            char *hit = trim_dup(copy + m.rm_so, (size_t)(m.rm_eo - m.rm_so));
            if (out.len) {
                buf_puts(&out, " ");
            }
            buf_md_code(&out, hit);
            free(hit);
            if (!f->all) {
                free(copy);
                break;
            }
        }
        free(copy);
    }
    regfree(&re);
    return out.s;
}

static void write_figures(report *r, doc *d) {
    doc_heading(d, 2, "figures", "Figures printed by the tests");
    doc_para(d, "Each figure is the line a test (or a step of `make report`) printed in this run, "
                "found by a pattern in `tools/report/report.c`; \"not reported\" means the "
                "pattern found nothing, e.g. because the test did not run or changed its wording.");
    const char *head[] = {"figure", "as printed in this run", "printed by", "result"};
    doc_table(d, 4, head, "llll");
    for (size_t i = 0; i < sizeof figures / sizeof figures[0]; i++) {
        const figure *f = &figures[i];
        char *text = NULL;
        const test *t = NULL;
        const char *res;
        buf who = {0};
        if (starts_with(f->source, "log:")) {
            text = read_log(r, f->source + 4);
            // The step is named after its log: size.txt is `make size`.
            char stepname[32];
            snprintf(stepname, sizeof stepname, "%.*s", (int)strcspn(f->source + 4, "."),
                     f->source + 4);
            buf_printf(&who, "`make %s`", stepname);
            res = step_cell(r, stepname);
        } else {
            // The first test named by the source (a pattern) whose output
            // holds the figure; tests are renamed, figures stay.
            int named = 0;
            for (size_t k = 0; k < r->ntests && !text; k++) {
                const test *c = &r->tests[k];
                if (fnmatch(f->source, c->name, 0) != 0) {
                    continue;
                }
                named++;
                t = c;
                char *hit = match_figure(f, c->output);
                if (hit) {
                    free(hit);
                    text = xstrdup(c->output);
                }
            }
            if (text || named == 1) {
                buf_md_code(&who, t->name);
                res = result_cell(t->res);
            } else {
                buf_md_code(&who, f->source);
                res = named ? "" : "{fail}**NOT RUN**";
            }
        }
        char *value = match_figure(f, text);
        const char *row[] = {f->label, value ? value : "not reported", who.s, res};
        doc_row(d, row);
        free(value);
        free(text);
        buf_free(&who);
    }
    doc_table_end(d);

    // Every C test ends with "NAME: N passed, M failed": the checks it made.
    regex_t re;
    if (regcomp(&re, "^[^:\n]+: ([0-9]+) passed, ([0-9]+) failed$", REG_EXTENDED | REG_NEWLINE) ==
        0) {
        double checks = 0;
        int programs = 0;
        for (size_t i = 0; i < r->ntests; i++) {
            const char *out = r->tests[i].output;
            regmatch_t m[3];
            int counted = 0;
            while (out && regexec(&re, out, 3, m, 0) == 0) {
                checks += atof(out + m[1].rm_so);
                counted = 1;
                out += m[0].rm_eo;
            }
            programs += counted;
        }
        regfree(&re);
        buf b = {0};
        buf_puts(&b, "The C test programs counted ");
        buf_count(&b, checks);
        buf_printf(&b,
                   " passed checks in this run (%d programs, from their closing "
                   "`N passed, M failed` lines).",
                   programs);
        doc_para(d, b.s);
        buf_free(&b);
    }
}

static void write_fuzzing(report *r, doc *d) {
    doc_heading(d, 2, "fuzzing", "Fuzzing");
    const char *st = step_state(r, "fuzz");
    if (r->nfuzz == 0) {
        doc_para(d, strcmp(st, "skipped") == 0 ? "Not run (`OL_REPORT_FUZZ_SECONDS=0`)."
                                               : "**Not run:** `fuzz/run.sh` ran no target "
                                                 "(see `logs/fuzz.txt`).");
        return;
    }
    doc_para(d, "`fuzz/run.sh`: each libFuzzer target built from the real sources with ASan and "
                "UBSan, run from its seed corpus and what earlier runs found; figures from "
                "libFuzzer's own final statistics.");
    const char *head[] = {"target", "result",           "seconds",        "executions",
                          "exec/s", "coverage (edges)", "corpus (inputs)"};
    doc_table(d, 7, head, "llrrrrr");
    for (int i = 0; i < r->nfuzz; i++) {
        const fuzz_target *f = &r->fuzz[i];
        buf logname = {0};
        buf_printf(&logname, "fuzz/fuzz_%s.log", f->name);
        char *log = read_log(r, logname.s);
        double runs = last_number_after(log, "stat::number_of_executed_units:");
        double rate = last_number_after(log, "stat::average_exec_per_sec:");
        double cov = last_number_after(log, " cov: ");
        double corp = last_number_after(log, " corp: ");
        buf c[6] = {{0}};
        buf_printf(&c[0], "`fuzz_%s`", f->name);
        buf_printf(&c[1], "%.0f", f->secs);
        double vals[4] = {runs, rate, cov, corp};
        for (int k = 0; k < 4; k++) {
            if (vals[k] < 0) {
                buf_puts(&c[2 + k], "not reported");
            } else {
                buf_count(&c[2 + k], vals[k]);
            }
        }
        const char *res = strcmp(f->status, "ok") == 0       ? "{pass}pass"
                          : strcmp(f->status, "FAILED") == 0 ? "{fail}**FAILED**"
                                                             : "{fail}**did not finish**";
        const char *row[] = {c[0].s, res, c[1].s, c[2].s, c[3].s, c[4].s, c[5].s};
        doc_row(d, row);
        for (int k = 0; k < 6; k++) {
            buf_free(&c[k]);
        }
        buf_free(&logname);
        free(log);
    }
    doc_table_end(d);
}

static void write_target(report *r, doc *d) {
    doc_heading(d, 2, "target", "The Cortex-M3 target (mps2-an385 in QEMU)");
    static const struct {
        const char *step, *log, *what;
    } parts[] = {
        {"size", "size.txt", "`make size`: flash, RAM and stack of the lock-body firmware"},
        {"bench", "bench.txt",
         "`make bench`: instructions per code verification and per handshake"},
        {"fault-check", "fault-check.txt",
         "`make fault-check`: every instruction of a wrong entry and of a power-up skipped in turn"},
    };
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        doc_heading(d, 3, parts[i].step, parts[i].what);
        const char *st = step_state(r, parts[i].step);
        if (strcmp(st, "skipped") == 0 || strcmp(st, "absent") == 0) {
            doc_para(d, "Not run (no cross compiler or QEMU, or `OL_REPORT_TARGET=0`).");
            continue;
        }
        if (strcmp(st, "blocked") == 0) {
            doc_para(d, "**Not run:** the target build failed (see `logs/target-build.log`).");
            continue;
        }
        char *text = read_log(r, parts[i].log);
        doc_para(d, strcmp(st, "pass") == 0 ? "Passed; its output:" : "**FAILED**; its output:");
        doc_pre(d, text ? text : "(no output)");
        free(text);
    }
}

static int by_name(const void *a, const void *b) {
    return strcmp(((const test *)a)->name, ((const test *)b)->name);
}

static void write_tests(report *r, doc *d) {
    static const struct {
        const char *kind, *what;
    } kinds[] = {
        {"unit", "unit tests (`tests/unit`), published vectors and libsodium as the oracle"},
        {"crash", "a power cut at every flash operation (`tests/crash`)"},
        {"attacks", "published attacks (`tests/attacks`)"},
        {"property",
         "property searches over key sequences and firmware knowledge (`tests/property`)"},
        {"ct", "constant-time check under valgrind (`tests/ct`)"},
        {"fault", "fault injection on the open decision (`tests/fault`)"},
        {"scenario", "simulator scenarios (`tests/scenarios`)"},
        {"shell", "checks with a shell around the simulator (`tests/shell`)"},
        {"must-fail", "scripts that must fail, so the checker can fail (`tests/must-fail`)"},
        {"tools", "the project's tools (`tools/`)"},
    };
    doc_heading(d, 2, "tests", "Every test, by kind");
    // Kinds in a fixed order, then any other kind in name order.
    const char *order[64];
    int norder = 0;
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        order[norder++] = kinds[k].kind;
    }
    for (size_t i = 0; i < r->ntests && norder < 64; i++) {
        int known = 0;
        for (int k = 0; k < norder && !known; k++) {
            known = strcmp(order[k], r->tests[i].kind) == 0;
        }
        if (!known) {
            order[norder++] = r->tests[i].kind;
        }
    }
    const char *head[] = {"kind", "what", "tests", "passed", "failed", "time (s)"};
    doc_table(d, 6, head, "llrrrr");
    for (int k = 0; k < norder; k++) {
        int total, passed, failed;
        double secs;
        count_tests(r, order[k], &total, &passed, &failed, &secs);
        if (!total) {
            continue;
        }
        const char *what = "";
        for (size_t j = 0; j < sizeof kinds / sizeof kinds[0]; j++) {
            what = strcmp(kinds[j].kind, order[k]) == 0 ? kinds[j].what : what;
        }
        buf c[6] = {{0}};
        buf_printf(&c[0], "[%s/](#kind-%s)", order[k], order[k]);
        buf_printf(&c[2], "%d", total);
        buf_printf(&c[3], "%d", passed);
        buf_printf(&c[4], "%s%d", failed ? "{fail}" : "", failed);
        buf_printf(&c[5], "%.1f", secs);
        const char *row[] = {c[0].s, what, c[2].s, c[3].s, c[4].s, c[5].s};
        doc_row(d, row);
        for (int j = 0; j < 6; j++) {
            buf_free(&c[j]);
        }
    }
    int total, passed, failed;
    double secs;
    count_tests(r, NULL, &total, &passed, &failed, &secs);
    buf c[4] = {{0}};
    buf_printf(&c[0], "**%d**", total);
    buf_printf(&c[1], "**%d**", passed);
    buf_printf(&c[2], "%s**%d**", failed ? "{fail}" : "", failed);
    buf_printf(&c[3], "%.1f (CPU; wall clock %.0f)", secs, step_secs(r, "ctest"));
    const char *sum[] = {"**all**", "", c[0].s, c[1].s, c[2].s, c[3].s};
    doc_row(d, sum);
    doc_table_end(d);
    for (int j = 0; j < 4; j++) {
        buf_free(&c[j]);
    }

    for (int k = 0; k < norder; k++) {
        count_tests(r, order[k], &total, &passed, &failed, &secs);
        if (!total) {
            continue;
        }
        buf title = {0}, id = {0};
        buf_printf(&title, "`%s/`", order[k]);
        buf_printf(&id, "kind-%s", order[k]);
        doc_heading(d, 3, id.s, title.s);
        buf_free(&title);
        buf_free(&id);
        const char *head2[] = {"test", "result", "time (s)", "note"};
        doc_table(d, 4, head2, "llrl");
        for (size_t i = 0; i < r->ntests; i++) {
            const test *t = &r->tests[i];
            if (strcmp(t->kind, order[k]) != 0) {
                continue;
            }
            buf name = {0}, tsecs = {0}, note = {0};
            buf_md_code(&name, t->name);
            buf_printf(&tsecs, "%.2f", t->secs);
            if (t->reason && t->res != RES_PASS) {
                buf_md_text(&note, t->reason);
            }
            const char *row[] = {name.s, result_cell(t->res), tsecs.s, buf_str(&note)};
            doc_row(d, row);
            buf_free(&name);
            buf_free(&tsecs);
            buf_free(&note);
        }
        doc_table_end(d);
    }
}

static void write_howto(doc *d) {
    doc_heading(d, 2, "method", "How this report was made");
    doc_para(d, "`make report` builds everything, then `tools/report/report.sh` runs the whole "
                "ctest suite with its output captured (`--output-junit`), "
                "`brute_force_model --table` and `--curve`, `fuzz/run.sh`, and on the target "
                "`make size` and `make bench`, leaving every log in `logs/` next to this "
                "report; `ol-report` (`tools/report/report.c`) then reads those logs and the "
                "source tree and writes this report. It exits non-zero when any test or step "
                "failed, after writing the report.");
}

static void free_report(report *r) {
    for (size_t i = 0; i < r->ntests; i++) {
        test *t = &r->tests[i];
        free(t->name);
        free(t->kind);
        free(t->output);
        free(t->reason);
    }
    free(r->tests);
    for (size_t i = 0; i < r->nattacks; i++) {
        free(r->attacks[i].file);
        free(r->attacks[i].name);
        free(r->attacks[i].about);
    }
    free(r->attacks);
    for (int i = 0; i < r->nlocks; i++) {
        lock_rule *l = &r->locks[i];
        free(l->lock);
        free(l->shortname);
        free(l->stated);
        free(l->note);
        free(l->source);
    }
    free(r->curve_h);
    free(r->curve_tries);
    free(r->security_md);
    free(r->meta);
    buf_free(&r->problems);
}

int main(int argc, char **argv) {
    report r = {0};
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--root") == 0) {
            r.root = argv[i + 1];
        } else if (strcmp(argv[i], "--logs") == 0) {
            r.logs = argv[i + 1];
        } else if (strcmp(argv[i], "--out") == 0) {
            r.out = argv[i + 1];
        }
    }
    if (!r.root || !r.logs || !r.out || argc != 7) {
        fputs("usage: ol-report --root SOURCE_DIR --logs LOG_DIR --out OUT_DIR\n", stderr);
        return 2;
    }
    r.meta = read_log(&r, "meta.txt");
    load_steps(&r);
    step_problems(&r);
    load_test_list(&r);
    load_junit(&r);
    load_console_reasons(&r);
    if (r.ntests > 1) {
        qsort(r.tests, r.ntests, sizeof *r.tests, by_name); // before anything points into it
    }
    test_problems(&r);
    load_attacks(&r);
    load_invariants(&r);
    load_bruteforce(&r);
    load_locks(&r);
    load_fuzz(&r);

    char *md_path = path_join(r.out, "security-report.md");
    char *html_path = path_join(r.out, "security-report.html");
    char *svg_path = path_join(r.out, "attacker-progress.svg");
    doc d = {fopen(md_path, "w"), fopen(html_path, "w"), NULL, 0, 0, ""};
    FILE *svg = fopen(svg_path, "w");
    if (!d.md || !d.html || !svg) {
        fprintf(stderr, "ol-report: cannot write the report into %s\n", r.out);
        free_report(&r);
        return 2;
    }
    // The sections write into temporary text first where they find problems
    // (the commercial table checks the model); the summary comes first in the
    // document, so the body is written to memory and copied after it.
    char *body_md = NULL, *body_html = NULL;
    size_t body_md_len = 0, body_html_len = 0;
    doc body = {open_memstream(&body_md, &body_md_len),
                open_memstream(&body_html, &body_html_len),
                NULL,
                0,
                0,
                ""};
    if (!body.md || !body.html) {
        fputs("ol-report: out of memory\n", stderr);
        return 2;
    }
    write_attacks(&r, &body);
    write_invariants(&r, &body);
    write_bruteforce(&r, &body);
    write_plot(&r, &body, svg);
    write_figures(&r, &body);
    write_fuzzing(&r, &body);
    write_target(&r, &body);
    write_tests(&r, &body);
    write_howto(&body);
    doc_bullets_end(&body);
    fclose(body.md);
    fclose(body.html);

    doc_begin(&d, "ownerlock security report");
    write_header(&r, &d);
    write_summary(&r, &d);
    fwrite(body_md, 1, body_md_len, d.md);
    fwrite(body_html, 1, body_html_len, d.html);
    doc_end(&d);
    free(body_md);
    free(body_html);
    int ok = !ferror(d.md) && !ferror(d.html) && !ferror(svg);
    ok &= fclose(d.md) == 0;
    ok &= fclose(d.html) == 0;
    ok &= fclose(svg) == 0;
    if (!ok) {
        fprintf(stderr, "ol-report: writing the report into %s failed\n", r.out);
        return 2;
    }
    printf("ol-report: %s: %s\n", md_path, r.nproblems ? "FAILED" : "passed");
    if (r.nproblems) {
        fputs(buf_str(&r.problems), stdout);
    }
    free(md_path);
    free(html_path);
    free(svg_path);
    int status = r.nproblems ? 1 : 0;
    free_report(&r);
    return status;
}
