// ownerlock report — one document, written as Markdown and as HTML.
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

static const char style[] =
    "body{font-family:system-ui,-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;"
    "max-width:1150px;margin:2em auto;padding:0 1em;color:#1b1b1b;line-height:1.45}"
    "h1{font-size:1.8em;border-bottom:2px solid #333;padding-bottom:.2em}"
    "h2{margin-top:2em;border-bottom:1px solid #bbb;padding-bottom:.1em}"
    "h3{margin-top:1.5em}"
    "table{border-collapse:collapse;margin:1em 0;font-size:.9em}"
    "th,td{border:1px solid #ccc;padding:.3em .5em;vertical-align:top;text-align:left}"
    "th{background:#eef0f3}"
    "th.r,td.r{text-align:right;white-space:nowrap}"
    "td.pass{background:#e7f5e7;color:#135913}"
    "td.fail{background:#fbe2e2;color:#8b0000;font-weight:bold}"
    "td.skip{background:#f3f3f3;color:#555}"
    "code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.92em;"
    "background:#f3f3f3;padding:0 .2em;border-radius:2px}"
    "pre{background:#f6f6f6;border:1px solid #ddd;padding:.6em;overflow-x:auto;font-size:.82em}"
    "svg{max-width:100%;height:auto}"
    "a{color:#0b4f9c}";

void html_text(FILE *f, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        default:
            fputc(s[i], f);
        }
    }
}

static size_t run_of(const char *s, char c) {
    size_t n = 0;
    while (s[n] == c) {
        n++;
    }
    return n;
}

// A code span starting at s (a run of backticks): writes it and returns the
// text after it, or NULL when the run is not closed.
static const char *code_span(FILE *f, const char *s) {
    size_t ticks = run_of(s, '`');
    const char *q = s + ticks;
    while ((q = strchr(q, '`')) != NULL) {
        size_t t = run_of(q, '`');
        if (t == ticks) {
            break;
        }
        q += t;
    }
    if (!q) {
        return NULL;
    }
    const char *a = s + ticks, *z = q;
    if (z - a >= 2 && a[0] == ' ' && z[-1] == ' ') {
        a++;
        z--;
    }
    fputs("<code>", f);
    for (const char *p = a; p < z; p++) {
        if (p[0] == '\\' && p + 1 < z && p[1] == '|') {
            fputc('|', f);
            p++;
        } else {
            html_text(f, p, 1);
        }
    }
    fputs("</code>", f);
    return q + ticks;
}

// A link [text](target) starting at s: writes it and returns the text after
// it, or NULL when s does not start a link.
static const char *md_link(FILE *f, const char *s, const char *link_base) {
    int depth = 0;
    const char *close = NULL;
    for (const char *p = s; *p; p++) {
        if (*p == '\\' && p[1]) {
            p++;
        } else if (*p == '[') {
            depth++;
        } else if (*p == ']' && --depth == 0) {
            close = p;
            break;
        }
    }
    if (!close || close[1] != '(') {
        return NULL;
    }
    const char *url = close + 2, *end = strchr(url, ')');
    if (!end || memchr(url, ' ', (size_t)(end - url))) {
        return NULL;
    }
    fputs("<a href=\"", f);
    int relative = !memchr(url, ':', (size_t)(end - url)) && url[0] != '#' && url[0] != '/';
    if (relative && link_base) {
        html_text(f, link_base, strlen(link_base));
    }
    html_text(f, url, (size_t)(end - url));
    fputs("\">", f);
    char *inner = xstrndup(s + 1, (size_t)(close - s - 1));
    html_inline(f, inner, link_base);
    free(inner);
    fputs("</a>", f);
    return end + 1;
}

void html_inline(FILE *f, const char *s, const char *link_base) {
    int strong = 0, em = 0;
    while (*s) {
        const char *after;
        if (s[0] == '\\' && s[1] && ispunct((unsigned char)s[1])) {
            html_text(f, s + 1, 1);
            s += 2;
        } else if (s[0] == '`') {
            after = code_span(f, s);
            if (after) {
                s = after;
            } else {
                size_t n = run_of(s, '`');
                html_text(f, s, n);
                s += n;
            }
        } else if (s[0] == '*' && s[1] == '*') {
            if (strong) {
                fputs("</strong>", f);
                strong = 0;
            } else if (strstr(s + 2, "**")) {
                fputs("<strong>", f);
                strong = 1;
            } else {
                fputs("**", f);
            }
            s += 2;
        } else if (s[0] == '*') {
            const char *q = strchr(s + 1, '*');
            if (em) {
                fputs("</em>", f);
                em = 0;
            } else if (s[1] && !isspace((unsigned char)s[1]) && q &&
                       !isspace((unsigned char)q[-1])) {
                fputs("<em>", f);
                em = 1;
            } else {
                fputc('*', f);
            }
            s++;
        } else if (s[0] == '[' && (after = md_link(f, s, link_base)) != NULL) {
            s = after;
        } else {
            html_text(f, s, 1);
            s++;
        }
    }
    if (em) {
        fputs("</em>", f);
    }
    if (strong) {
        fputs("</strong>", f);
    }
}

void doc_begin(doc *d, const char *title) {
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n", d->html);
    fputs("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
          d->html);
    html_text(d->html, title, strlen(title));
    fprintf(d->html, "</title>\n<style>%s</style>\n</head>\n<body>\n", style);
}

void doc_end(doc *d) {
    doc_bullets_end(d);
    fputs("</body>\n</html>\n", d->html);
}

void doc_heading(doc *d, int level, const char *id, const char *text) {
    doc_bullets_end(d);
    for (int i = 0; i < level; i++) {
        fputc('#', d->md);
    }
    fprintf(d->md, " %s\n\n", text);
    fprintf(d->html, "<h%d", level);
    if (id) {
        fputs(" id=\"", d->html);
        html_text(d->html, id, strlen(id));
        fputc('"', d->html);
    }
    fputc('>', d->html);
    html_inline(d->html, text, d->link_base);
    fprintf(d->html, "</h%d>\n", level);
}

void doc_para(doc *d, const char *text) {
    doc_bullets_end(d);
    fprintf(d->md, "%s\n\n", text);
    fputs("<p>", d->html);
    html_inline(d->html, text, d->link_base);
    fputs("</p>\n", d->html);
}

void doc_bullet(doc *d, const char *text) {
    if (!d->in_list) {
        fputs("<ul>\n", d->html);
        d->in_list = 1;
    }
    fprintf(d->md, "- %s\n", text);
    fputs("<li>", d->html);
    html_inline(d->html, text, d->link_base);
    fputs("</li>\n", d->html);
}

void doc_bullets_end(doc *d) {
    if (d->in_list) {
        fputs("</ul>\n", d->html);
        fputc('\n', d->md);
        d->in_list = 0;
    }
}

void doc_table(doc *d, int ncols, const char *const *head, const char *align) {
    doc_bullets_end(d);
    d->ncols = ncols < 32 ? ncols : 31;
    for (int i = 0; i < d->ncols; i++) {
        d->align[i] = align && align[i] == 'r' ? 'r' : 'l';
    }
    fputc('|', d->md);
    for (int i = 0; i < d->ncols; i++) {
        fprintf(d->md, " %s |", head[i]);
    }
    fputs("\n|", d->md);
    for (int i = 0; i < d->ncols; i++) {
        fputs(d->align[i] == 'r' ? "---:|" : "---|", d->md);
    }
    fputc('\n', d->md);
    fputs("<table>\n<thead><tr>", d->html);
    for (int i = 0; i < d->ncols; i++) {
        fputs(d->align[i] == 'r' ? "<th class=\"r\">" : "<th>", d->html);
        html_inline(d->html, head[i], d->link_base);
        fputs("</th>", d->html);
    }
    fputs("</tr></thead>\n<tbody>\n", d->html);
}

void doc_row(doc *d, const char *const *cells) {
    static const char *const tags[][2] = {
        {"{pass}", "pass"}, {"{fail}", "fail"}, {"{skip}", "skip"}};
    fputc('|', d->md);
    fputs("<tr>", d->html);
    for (int i = 0; i < d->ncols; i++) {
        const char *cell = cells[i] ? cells[i] : "";
        const char *cls = NULL;
        for (size_t t = 0; t < sizeof tags / sizeof tags[0]; t++) {
            if (starts_with(cell, tags[t][0])) {
                cls = tags[t][1];
                cell += strlen(tags[t][0]);
            }
        }
        fprintf(d->md, " %s |", cell);
        if (cls || d->align[i] == 'r') {
            fprintf(d->html, "<td class=\"%s%s%s\">", cls ? cls : "",
                    cls && d->align[i] == 'r' ? " " : "", d->align[i] == 'r' ? "r" : "");
        } else {
            fputs("<td>", d->html);
        }
        html_inline(d->html, cell, d->link_base);
        fputs("</td>", d->html);
    }
    fputc('\n', d->md);
    fputs("</tr>\n", d->html);
}

void doc_table_end(doc *d) {
    fputc('\n', d->md);
    fputs("</tbody>\n</table>\n", d->html);
}

void doc_pre(doc *d, const char *text) {
    doc_bullets_end(d);
    size_t n = strlen(text);
    while (n > 0 && text[n - 1] == '\n') {
        n--;
    }
    fprintf(d->md, "````\n%.*s\n````\n\n", (int)n, text);
    fputs("<pre>", d->html);
    html_text(d->html, text, n);
    fputs("</pre>\n", d->html);
}

void doc_html(doc *d, const char *raw) {
    doc_bullets_end(d);
    fputs(raw, d->html);
}

void doc_md(doc *d, const char *raw) {
    doc_bullets_end(d);
    fputs(raw, d->md);
}
