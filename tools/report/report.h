// ownerlock — the security report generator (tools/report, `make report`):
// what its parts share. util.c: text buffers and files; doc.c: the writer
// that turns one document into Markdown and HTML; model.c: penalty rules,
// the attacker's chances and the SVG plot; report.c: the report itself.
#ifndef OWNERLOCK_REPORT_H
#define OWNERLOCK_REPORT_H

#include <stddef.h>
#include <stdio.h>

#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))

// ---- util.c --------------------------------------------------------------------
typedef struct buf {
    char *s; // always NUL-terminated once anything was added
    size_t len, cap;
} buf;

void buf_add(buf *b, const char *s, size_t n);
void buf_puts(buf *b, const char *s);
void buf_printf(buf *b, const char *fmt, ...) PRINTF_LIKE(2, 3);
// Plain text, escaped so that Markdown shows it as typed (and on one line).
void buf_md_text(buf *b, const char *s);
// Plain text as a Markdown code span.
void buf_md_code(buf *b, const char *s);
// 1234567 -> "1,234,567" (rounded to an integer).
void buf_count(buf *b, double n);
// A powered time in hours, in the unit a reader thinks in: "45 min",
// "3.2 hours", "17 days", "57 years", "5,700 years", "3.46 million years".
void buf_duration(buf *b, double hours);
const char *buf_str(const buf *b); // "" when empty
void buf_free(buf *b);

void *xmalloc(size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *path_join(const char *dir, const char *name);
char *read_file(const char *path); // NULL when it cannot be read
// Iterate over lines: returns the next line (not NUL-terminated) and its
// length, NULL at the end. *p advances.
const char *next_line(const char **p, size_t *len);
int starts_with(const char *s, const char *prefix);

// ---- doc.c ---------------------------------------------------------------------
// One document written twice: Markdown and a self-contained HTML page. Text
// arguments are Markdown inline text (code spans, **strong**, *em*, links,
// backslash escapes); doc.c renders them to HTML.
typedef struct doc {
    FILE *md, *html;
    const char *link_base; // prefix for relative link targets in HTML, or NULL
    int in_list;           // inside a bullet list
    int ncols;             // of the table being written
    char align[32];        // 'l' or 'r' per column
} doc;

void doc_begin(doc *d, const char *title);
void doc_end(doc *d);
void doc_heading(doc *d, int level, const char *id, const char *text);
void doc_para(doc *d, const char *text);
void doc_bullet(doc *d, const char *text); // consecutive bullets form one list
void doc_bullets_end(doc *d);
// A table: align has one letter per column, 'l' or 'r'. A cell that starts
// with "{pass}", "{fail}" or "{skip}" is coloured in HTML (the tag is dropped).
void doc_table(doc *d, int ncols, const char *const *head, const char *align);
void doc_row(doc *d, const char *const *cells);
void doc_table_end(doc *d);
void doc_pre(doc *d, const char *text); // verbatim block
void doc_html(doc *d, const char *raw); // HTML only
void doc_md(doc *d, const char *raw);   // Markdown only
void html_inline(FILE *f, const char *text, const char *link_base);
void html_text(FILE *f, const char *s, size_t n);

// ---- model.c -------------------------------------------------------------------
// A wrong-try penalty as an attacker meets it: `first` tries at once, then a
// lockout, then `per` tries after each lockout. Lockouts take the listed
// minutes; the last one repeats forever.
#define RULE_MAX_LOCKOUTS 16
typedef struct rule {
    double first, per;
    double lockout_min[RULE_MAX_LOCKOUTS];
    int nlockouts;
} rule;

// Tries typed by `minutes` of powered time, trying as soon as allowed.
double rule_tries_within(const rule *r, double minutes);
// Powered minutes until try number k (1-based) can be typed.
double rule_minutes_to_try(const rule *r, double k);
// Probability that `tries` distinct guesses among `possible` codes hit at
// least one of `enrolled` codes.
double chance_found(double tries, double possible, int enrolled);
// The fewest tries for which chance_found reaches p.
double tries_for_chance(double p, double possible, int enrolled);

typedef struct series {
    const char *label;
    const char *color;
    int dashed;
    int n;
    const double *hours, *chance;
} series;

// The attacker's progress: chance against powered time, 1 hour to 100 years
// on a log scale. standalone: with the XML declaration and namespace.
void svg_plot(FILE *f, const series *s, int ns, int standalone);

#endif
