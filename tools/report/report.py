#!/usr/bin/env python3
# ownerlock — the security report (`make report`, tools/report/report.sh).
#
# Reads what the runs left in a logs directory and the project's own files and
# writes security-report.md, security-report.html (self-contained) and
# attacker-progress.svg. It holds no result of its own: every pass, time and
# figure comes from the logs, the brute-force figures from the output of
# tests/attacks/brute_force_model (the one model of the engine's penalty),
# every attack's description from the comment at the top of its file, the
# invariant table from docs/SECURITY.md, the commercial locks' rules from
# commercial-locks.txt.
#
# usage: report.py --root SOURCE_DIR --logs LOG_DIR --out OUT_DIR
# The logs (report.sh writes them): meta.txt (key=value), steps.txt ("step
# status seconds"), ctest-list.txt (ctest -N), ctest-junit.xml, ctest.log,
# bruteforce-table.txt, bruteforce-curve.txt (brute_force_model --table and
# --curve), fuzz.txt and fuzz/fuzz_*.log (fuzz/run.sh), size.txt, bench.txt,
# fault-check.txt.
# Exit status: 0 when everything passed, 1 when anything failed or is missing
# (the report says what), 2 when the report could not be written.
# Python 3 standard library only.
import fnmatch
import math
import os
import re
import sys
import xml.etree.ElementTree as ET

CODES_6 = 1e6  # possible 6-digit codes
PERCENTS = (1, 50)  # the chances the commercial comparison gives times for


def read(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return None


def number(s, default=0.0):  # the number s starts with (as C's strtod)
    m = re.match(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", s)
    return float(m.group(0)) if m else default


# ---- Markdown and HTML text ------------------------------------------------------
def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def md_text(s):  # plain text that Markdown shows as typed, on one line
    return "".join(" " if c in "\n\t\r" else "\\" + c if c in "\\`*_[]<>|#" else c for c in s)


def md_code(s):  # plain text as a code span; "\|" keeps a table row whole
    body = "".join(" " if c in "\n\t\r" else "\\|" if c == "|" else c for c in s)
    return "`` %s ``" % body if "`" in s else "`%s`" % body


def count(n):  # 1234567 -> "1,234,567"
    if not abs(n) < 9e18:
        return "%.3g" % n
    v = math.floor(abs(n) + 0.5)
    return ("-" if n < 0 and v else "") + "{:,}".format(v)


def duration(hours):  # in the unit a reader thinks in
    years = hours / (365.25 * 24)
    if not math.isfinite(hours):
        return "never"
    if hours < 1:
        return "%.0f min" % (hours * 60)
    if hours < 48:
        return "%.3g hour%s" % (hours, "" if hours == 1 else "s")
    if hours < 730 * 24:
        return "%.3g days" % (hours / 24)
    if years < 1000:
        return "%.3g years" % years
    if years < 1e6:
        return count(float("%.3g" % years)) + " years"
    if years < 1e9:
        return "%.3g million years" % (years / 1e6)
    return "%.3g billion years" % (years / 1e9)


def run_of(s, i, c):
    n = 0
    while i + n < len(s) and s[i + n] == c:
        n += 1
    return n


def closing_ticks(s, i, n):  # where a run of exactly n backticks starts, or -1
    while True:
        i = s.find("`", i)
        if i < 0 or run_of(s, i, "`") == n:
            return i
        i += run_of(s, i, "`")


def code_spans(s):  # the text of each `code span`, up to the first unclosed one
    i = s.find("`")
    while i >= 0:
        n = run_of(s, i, "`")
        close = closing_ticks(s, i + n, n)
        if close < 0:
            return
        yield s[i + n : close]
        i = s.find("`", close + n)


def md_link(s, i, base):  # [text](target) at s[i]: (html, end) or None
    depth, j = 0, i
    while j < len(s):
        if s[j] == "\\":
            j += 1
        elif s[j] == "[":
            depth += 1
        elif s[j] == "]":
            depth -= 1
            if depth == 0:
                break
        j += 1
    end = s.find(")", j + 2)
    if j + 1 >= len(s) or s[j + 1] != "(" or end < 0 or " " in s[j + 2 : end]:
        return None
    url = s[j + 2 : end]
    if base and ":" not in url and not url.startswith(("#", "/")):
        url = base + url
    return '<a href="%s">%s</a>' % (esc(url), inline(s[i + 1 : j], base)), end + 1


def inline(s, base=None):
    """Markdown inline text (code spans, **strong**, *em*, links, backslash
    escapes) as HTML; relative link targets get the prefix base."""
    out, i, strong, em = [], 0, False, False
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s) and s[i + 1] in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~":
            out.append(esc(s[i + 1]))
            i += 2
        elif c == "`":
            n = run_of(s, i, "`")
            close = closing_ticks(s, i + n, n)
            if close < 0:
                out.append(s[i : i + n])
                i += n
                continue
            code = s[i + n : close]
            if len(code) >= 2 and code[0] == " " and code[-1] == " ":
                code = code[1:-1]
            out.append("<code>" + esc(code.replace("\\|", "|")) + "</code>")
            i = close + n
        elif s.startswith("**", i):  # opens only if it is closed later
            if strong or "**" in s[i + 2 :]:
                out.append("</strong>" if strong else "<strong>")
                strong = not strong
            else:
                out.append("**")
            i += 2
        elif c == "*":  # opens only before text and closed after text
            q = s.find("*", i + 1)
            if em or (s[i + 1 : i + 2].strip() and q > 0 and not s[q - 1].isspace()):
                out.append("</em>" if em else "<em>")
                em = not em
            else:
                out.append("*")
            i += 1
        elif c == "[" and (link := md_link(s, i, base)):
            out.append(link[0])
            i = link[1]
        else:
            out.append(esc(c))
            i += 1
    return "".join(out) + ("</em>" if em else "") + ("</strong>" if strong else "")


STYLE = (
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
    "a{color:#0b4f9c}"
)


class Doc:
    """One document written twice: Markdown and a self-contained HTML page.
    Text is Markdown inline text. A table cell that starts with "{pass}",
    "{fail}" or "{skip}" is coloured in HTML (the tag is dropped)."""

    def __init__(self, title):
        self.md, self.in_list = [], False
        self.html = [
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            "<title>%s</title>\n<style>%s</style>\n</head>\n<body>\n" % (esc(title), STYLE)
        ]

    def end_list(self):
        if self.in_list:
            self.html.append("</ul>\n")
            self.md.append("\n")
            self.in_list = False

    def heading(self, level, ident, text):
        self.end_list()
        self.md.append("#" * level + " " + text + "\n\n")
        self.html.append('<h%d id="%s">%s</h%d>\n' % (level, esc(ident), inline(text), level))

    def para(self, text):
        self.end_list()
        self.md.append(text + "\n\n")
        self.html.append("<p>" + inline(text) + "</p>\n")

    def bullet(self, text):
        if not self.in_list:
            self.html.append("<ul>\n")
            self.in_list = True
        self.md.append("- " + text + "\n")
        self.html.append("<li>" + inline(text) + "</li>\n")

    def table(self, head, align, rows):  # align: "l" or "r" per column
        self.end_list()
        self.md.append("|" + "".join(" %s |" % h for h in head) + "\n|")
        self.md.append("".join("---:|" if a == "r" else "---|" for a in align) + "\n")
        self.html.append("<table>\n<thead><tr>")
        for h, a in zip(head, align):
            self.html.append(('<th class="r">' if a == "r" else "<th>") + inline(h) + "</th>")
        self.html.append("</tr></thead>\n<tbody>\n")
        for row in rows:
            self.md.append("|")
            self.html.append("<tr>")
            for cell, a in zip(row, align):
                m = re.match(r"\{(pass|fail|skip)\}", cell)
                cell = cell[m.end() :] if m else cell
                cls = " ".join(c for c in (m and m.group(1), a == "r" and "r") if c)
                self.md.append(" %s |" % cell)
                td = '<td class="%s">' % cls if cls else "<td>"
                self.html.append(td + inline(cell) + "</td>")
            self.md.append("\n")
            self.html.append("</tr>\n")
        self.md.append("\n")
        self.html.append("</tbody>\n</table>\n")

    def pre(self, text):
        self.end_list()
        text = text.rstrip("\n")
        self.md.append("````\n%s\n````\n\n" % text)
        self.html.append("<pre>" + esc(text) + "</pre>\n")

    def raw(self, md, html):
        self.end_list()
        self.md.append(md)
        self.html.append(html)

    def end(self):
        self.end_list()
        self.html.append("</body>\n</html>\n")
        return "".join(self.md), "".join(self.html)


# ---- brute force: chances and the plot -------------------------------------------
def chance_found(tries, possible, enrolled):
    """The chance that `tries` distinct guesses hit one of `enrolled` codes."""
    if tries <= 0:
        return 0.0
    if tries > possible - enrolled:
        return 1.0
    miss = 1.0  # every try fell among the codes not enrolled
    for j in range(enrolled):
        miss *= (possible - tries - j) / (possible - j)
    return 1 - miss


def stated_rule(first, per, minutes):
    """A commercial lock's rule as its manual states it: `first` tries, then a
    penalty of `minutes`, then `per` tries after each penalty. Returns the
    tries typed by a powered time in minutes, and the powered minutes before
    try k can be typed."""
    tries_within = lambda t: first + per * math.floor(t / minutes) if t >= 0 else 0
    minutes_to_try = lambda k: 0 if k <= first else math.ceil((k - first) / per) * minutes
    return tries_within, minutes_to_try


def lock_figures(first, per, minutes):
    """Tries in 24 h, then hours to each of PERCENTS for one 6-digit code."""
    within, to_try = stated_rule(first, per, minutes)
    return [within(24 * 60)] + [to_try(CODES_6 * p / 100) / 60 for p in PERCENTS]


W, H, PAD_L, PAD_R, PAD_T, PAD_B = 860, 540, 74, 26, 50, 72
HOURS_MAX = 100 * 365.25 * 24


def px(hours):
    x = math.log10(min(max(hours, 1), HOURS_MAX)) / math.log10(HOURS_MAX)
    return PAD_L + x * (W - PAD_L - PAD_R)


def py(chance):
    return PAD_T + (1 - min(max(chance, 0), 1)) * (H - PAD_T - PAD_B)


def svg_plot(series, standalone):
    """The attacker's chance against powered time, 1 hour to 100 years on a
    log scale. series: (label, colour, dashed, hours, chances)."""
    xticks = [(1, "1 hour"), (24, "1 day"), (24 * 7, "1 week"), (730.5, "1 month"),
              (8766, "1 year"), (87660, "10 years"), (876600, "100 years")]
    title = esc("Brute force on a 6-digit code: the attacker's chance over powered time")
    o = ['<?xml version="1.0" encoding="UTF-8"?>\n'] if standalone else []
    o.append('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" '
             'role="img" aria-labelledby="attacker-progress-title" '
             'font-family="Helvetica, Arial, sans-serif" font-size="12">\n' % (W, H, W, H))
    o.append('<title id="attacker-progress-title">%s</title>\n' % title)
    o.append('<rect x="0" y="0" width="%d" height="%d" fill="#ffffff"/>\n' % (W, H))
    o.append('<text x="%d" y="28" text-anchor="middle" font-size="15" font-weight="bold">'
             "%s</text>\n" % (W // 2, title))
    o.append('<g stroke="#d9d9d9" stroke-width="1">\n')
    for h, _ in xticks:
        o.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d"/>\n' % (px(h), PAD_T, px(h), H - PAD_B))
    for pct in range(0, 101, 25):
        o.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f"/>\n'
                 % (PAD_L, py(pct / 100), W - PAD_R, py(pct / 100)))
    o.append('</g>\n<g fill="#333333">\n')
    for h, label in xticks:
        o.append('<text x="%.1f" y="%d" text-anchor="middle">%s</text>\n'
                 % (px(h), H - PAD_B + 18, label))
    for pct in range(0, 101, 25):
        o.append('<text x="%d" y="%.1f" text-anchor="end">%d %%</text>\n'
                 % (PAD_L - 8, py(pct / 100) + 4, pct))
    o.append('<text x="%d" y="%d" text-anchor="middle" font-size="13">powered time spent trying '
             "codes (log scale; a lockout runs only while the lock has power)</text>\n"
             % ((PAD_L + W - PAD_R) // 2, H - 22))
    mid = (PAD_T + H - PAD_B) // 2
    o.append('<text x="18" y="%d" text-anchor="middle" font-size="13" '
             'transform="rotate(-90 18 %d)">chance of having found a code</text>\n' % (mid, mid))
    o.append("</g>\n")
    o.append('<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#555555"/>\n'
             % (PAD_L, PAD_T, W - PAD_L - PAD_R, H - PAD_T - PAD_B))

    def stroke(colour, dashed):
        return 'stroke="%s" stroke-width="%s"%s' % (
            colour, "2" if dashed else "2.5", ' stroke-dasharray="7 4"' if dashed else "")

    for label, colour, dashed, hours, chances in series:
        ys = [round(py(c), 1) for c in chances]
        # Points inside a flat stretch add nothing: leave them out.
        pts = ["%.1f,%.1f" % (px(hours[i]), ys[i]) for i in range(len(ys))
               if not (0 < i < len(ys) - 1 and ys[i - 1] == ys[i] == ys[i + 1])]
        o.append('<polyline fill="none" %s stroke-linejoin="round" points="%s"/>\n'
                 % (stroke(colour, dashed), " ".join(pts)))
    # The legend, top left, where no curve goes (high chances come late).
    lx, ly, row = PAD_L + 12, PAD_T + 12, 19
    width = max([48 + len(s[0].encode()) * 6 for s in series] + [0])
    o.append('<rect x="%d" y="%d" width="%d" height="%d" fill="#ffffff" fill-opacity="0.92" '
             'stroke="#999999"/>\n' % (lx, ly, width, len(series) * row + 10))
    for k, (label, colour, dashed, _, _) in enumerate(series):
        y = ly + 14 + k * row
        o.append('<line x1="%d" y1="%d" x2="%d" y2="%d" %s/>\n'
                 % (lx + 8, y - 4, lx + 38, y - 4, stroke(colour, dashed)))
        o.append('<text x="%d" y="%d">%s</text>\n' % (lx + 46, y, esc(label)))
    o.append("</svg>\n")
    return "".join(o)


# ---- what the runs left ------------------------------------------------------------
class Test:
    def __init__(self, name):
        self.name, self.kind = name, name.split("/")[0] if "/" in name else "other"
        self.res, self.secs, self.output = "notrun", 0.0, None
        self.reason = "not in the ctest results"


CELL = {"pass": "{pass}pass", "fail": "{fail}**FAILED**", "skipped": "{skip}skipped",
        "disabled": "{skip}disabled", "notrun": "{fail}**NOT RUN**"}
WORD = {"pass": "pass", "fail": "FAILED", "skipped": "skipped", "disabled": "disabled",
        "notrun": "NOT RUN"}
STEPS = [("ctest", "the test suite (ctest)", "ctest.log"),
         ("bruteforce", "brute_force_model --table/--curve", "bruteforce-table.txt"),
         ("fuzz", "fuzzing (fuzz/run.sh)", "fuzz.txt"),
         ("target", "the mps2-an385 build (make target)", "target-build.log"),
         ("size", "make size", "size.txt"),
         ("bench", "make bench", "bench.txt"),
         ("fault-check", "the fault sweep (make fault-check)", "fault-check.txt")]
INVARIANTS = "## Invariants and the tests that prove them"


def failed(t):
    return t.res in ("fail", "notrun")


def lines(text):
    return [l.rstrip("\r") for l in text.split("\n")] if text else []


def first_comment(text, c_file):
    """The first comment block of a file: leading "#" lines (.sim), or "//"
    lines or a /* */ block (.c), joined into one paragraph."""
    words, started, in_block = [], False, False
    for line in lines(text):
        s = line.lstrip(" \t")
        if not s and not in_block:
            if started:
                break
            continue
        one_line_block = False
        if in_block:
            close = s.find("*/")
            body = s[:close] if close >= 0 else s
            body = body[1:] if body.startswith("*") else body
            in_block = close < 0
        elif not c_file and s.startswith("#"):
            body = s[1:]
        elif c_file and s.startswith("//"):
            body = s[2:]
        elif c_file and s.startswith("/*"):
            close = s.find("*/", 2)
            body, in_block = (s[2:close], False) if close >= 0 else (s[2:], True)
            one_line_block = not in_block
        else:
            break
        started = True
        if body.strip(" \t"):
            words.append(body.strip(" \t"))
        if one_line_block:
            break  # a one-line /* */ comment is the whole block
    return " ".join(words)


def split_cells(line):
    """The cells of a Markdown table row; "|" in a code span or escaped stays."""
    s = line.lstrip(" ")
    s = s[1:] if s.startswith("|") else s
    cells, cur, code, i = [], "", 0, 0
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s):
            cur += s[i : i + 2]
            i += 2
            continue
        if s[i] == "`":
            n = run_of(s, i, "`")
            code = n if code == 0 else 0 if code == n else code
            cur += s[i : i + n]
            i += n
            continue
        if s[i] == "|" and not code:
            cells.append(cur.strip(" \t"))
            cur = ""
        else:
            cur += s[i]
        i += 1
    return cells + ([cur.strip(" \t")] if cur.strip(" \t") else [])


class Report:
    def __init__(self, root, logs):
        self.root, self.logs, self.problems = root, logs, []
        self.meta = {}
        for line in lines(self.log("meta.txt")):
            k, _, v = line.partition("=")
            self.meta[k] = v or "unknown"
        self.steps = {}
        for line in lines(self.log("steps.txt")):
            f = line.split()
            if len(f) >= 2 and f[0] not in self.steps:
                self.steps[f[0]] = (f[1], number(f[2]) if len(f) > 2 else 0.0)
        for name, what, log in STEPS:
            if self.step_state(name) == "fail":
                self.problem("%s failed (exit status %s; see `logs/%s`)"
                             % (what, self.steps[name][0], log))
            elif name == "ctest" and self.step_state(name) == "absent":
                self.problem("%s did not run" % what)
        self.load_tests()
        self.load_attacks()
        self.load_invariants()
        self.load_locks()
        self.load_bruteforce()
        self.load_fuzz()

    def load_fuzz(self):
        self.fuzz = {}  # name -> [seconds, "ok" / "FAILED" / "" (started only)]
        for line in lines(self.log("fuzz.txt")):
            m = re.match(r"== fuzz_(\w+): (.*)", line)
            if m:
                cur = self.fuzz.setdefault(m.group(1), [number(m.group(2)), ""])
            elif self.fuzz and line.startswith(("   ok: ", "   FAILED")):
                cur[1] = "ok" if line.startswith("   ok: ") else "FAILED"

    def problem(self, text):
        self.problems.append(text)

    def log(self, name):
        return read(os.path.join(self.logs, name))

    def step_state(self, name):  # pass, fail, skipped, blocked, absent
        if name not in self.steps:
            return "absent"
        st = self.steps[name][0]
        return st if st in ("skipped", "blocked") else "pass" if st == "0" else "fail"

    def step_cell(self, name):
        return {"pass": "{pass}pass", "fail": "{fail}**FAILED**",
                "blocked": "{fail}not run: the step it needs failed"
                }.get(self.step_state(name), "{skip}not run")

    def step_secs(self, name):
        return self.steps.get(name, ("", 0.0))[1]

    # ---- tests: ctest -N, its JUnit file and its console log
    def load_tests(self):
        tests = {}
        for line in lines(self.log("ctest-list.txt")):
            m = re.search(r"Test\s+#\d+: (\S+)", line)
            if m:
                tests.setdefault(m.group(1), Test(m.group(1)))
        xml = self.log("ctest-junit.xml")
        try:
            cases = ET.fromstring(xml).iter("testcase") if xml is not None else []
        except ET.ParseError as e:
            self.problem("`logs/ctest-junit.xml` is not well-formed XML (%s)" % e)
            cases = []
        for case in (c for c in cases if c.get("name")):
            t = tests.setdefault(case.get("name"), Test(case.get("name")))
            t.secs, out = number(case.get("time", "0")), case.find("system-out")
            t.output = None if out is None else out.text or ""
            skipped = case.find("skipped")
            message = skipped.get("message") if skipped is not None else None
            status = {"run": "pass", "fail": "fail", "disabled": "disabled"}
            t.res, t.reason = status.get(case.get("status"), "notrun"), None
            if t.res == "notrun" and message and message.startswith("SKIP_"):
                t.res, t.reason = "skipped", message
            elif t.res == "notrun":
                t.reason = message or "not run"
        # "12/87 Test #12: unit/test_x ....***Failed    0.01 sec": why a test
        # failed, better said than in JUnit (Failed, Timeout, Exception:
        # SegFault), and why one could not start.
        for line in lines(self.log("ctest.log")):
            m = re.search(r" Test +#\d+: (\S+)[ .]*\**(.*?)[0-9.]* sec$", line)
            t = tests.get(m.group(1)) if m else None
            could_not_start = t and t.res == "notrun" and t.output is None
            if t and m.group(2).rstrip(" ") and (t.res == "fail" or could_not_start):
                t.reason = m.group(2).rstrip(" ")
        self.tests = [tests[n] for n in sorted(tests)]
        if not self.tests:
            self.problem("no test results: ctest found no tests, or its results are missing")
        bad = [t for t in self.tests if failed(t)]
        for t in bad[:25]:
            self.problem("test %s %s%s" % (
                md_code(t.name), "FAILED" if t.res == "fail" else "did not run",
                " (%s)" % t.reason if t.reason else ""))
        if len(bad) > 25:
            self.problem("%d more tests failed (see the list of every test)" % (len(bad) - 25))

    def find_test(self, name):
        return next((t for t in self.tests if t.name == name), None)

    # ---- tests/attacks: one file per published attack, its first comment
    def load_attacks(self):
        self.attacks = []  # (file, about, test)
        folder = os.path.join(self.root, "tests/attacks")
        try:
            files = sorted(f for f in os.listdir(folder) if f.endswith((".c", ".sim")))
        except OSError:
            self.problem("cannot read `tests/attacks/`")
            return
        for f in files:
            name = "attacks/" + f.rsplit(".", 1)[0]
            about = first_comment(read(os.path.join(folder, f)) or "", f.endswith(".c"))
            self.attacks.append((f, about, self.find_test(name)))
            if not self.find_test(name):
                self.problem("`tests/attacks/%s` has no ctest test `%s`" % (f, name))
            if not about:
                self.problem("`tests/attacks/%s` does not start with a comment saying what the "
                             "attack did and which invariant stops it" % f)

    # ---- docs/SECURITY.md: the invariant table
    def load_invariants(self):
        self.invariants, section = [], False
        text = read(os.path.join(self.root, "docs/SECURITY.md"))
        if text is None:
            self.problem("cannot read `docs/SECURITY.md`")
            return
        for line in lines(text):
            if line.startswith("## "):
                if section:
                    break
                section = line == INVARIANTS
            elif section and line.startswith("|"):
                self.invariants.append(line)
            elif self.invariants:
                break
        if not self.invariants:
            self.problem('`docs/SECURITY.md` has no table under "%s"' % INVARIANTS[3:])

    # ---- the commercial locks' rules: "key: value" blocks
    def load_locks(self):
        self.locks = []
        text = read(os.path.join(self.root, "tools/report/commercial-locks.txt"))
        if text is None:
            self.problem("cannot read `tools/report/commercial-locks.txt`")
            return
        cur, key = None, None
        for line in lines(text):
            if line.startswith((" ", "\t")) and key:
                cur[key] += " " + line.strip(" \t")
            elif not line:
                cur, key = None, None
            elif line.startswith("#") or ":" not in line:
                key = None
            else:
                if cur is None:
                    cur = {}
                    self.locks.append(cur)
                key, _, value = line.partition(":")
                cur[key] = value.strip(" \t")
        for i, l in enumerate(self.locks):
            l["then"] = -1 if l.get("then") == "not stated" else number(l.get("then", "0"))
            l["first"], l["minutes"] = number(l.get("first", "0")), number(l.get("minutes", "0"))
            l["ok"] = ("lock" in l and "source" in l and l["first"] >= 1 and l["minutes"] > 0
                       and l["then"] != 0)
            if not l["ok"]:
                self.problem("`tools/report/commercial-locks.txt`: block %d lacks lock, source, "
                             "first, minutes or then" % (i + 1))

    # ---- brute force: brute_force_model's figures, next to the commercial rules
    def load_bruteforce(self):
        self.free_tries, self.lockouts, self.chance = None, [], {}
        self.floor, self.configs = None, {}  # (who, mode, duress, people, digits) -> years
        self.curve, self.within_24h = [], None  # curve: (hours, tries)
        output = self.log("bruteforce-table.txt"), self.log("bruteforce-curve.txt")
        for line in lines(output[0]) + lines(output[1]):
            f = line.split()
            try:
                if f[:2] == ["rule", "free_tries"] and len(f) == 3:
                    self.free_tries = float(f[2])
                elif f[0] == "lockout" and len(f) == 3:
                    self.lockouts.append(float(f[2]))
                elif f[0] == "floor" and len(f) == 2:
                    self.floor = float(f[1])
                elif f[0] == "config" and len(f) == 8:
                    key = (f[1], f[2], int(f[3]), int(f[4]), int(f[5]))
                    self.configs[key] = (int(f[6]), float(f[7]))
                elif f[0] == "chance" and len(f) == 4 and float(f[2]) == CODES_6 * int(f[1]) / 100:
                    self.chance[int(f[1])] = float(f[3])
                elif f[0] == "curve" and len(f) == 3:
                    self.curve.append((float(f[1]), float(f[2])))
                elif f[0] == "within" and len(f) == 3 and float(f[1]) == 24:
                    self.within_24h = float(f[2])
            except (IndexError, ValueError):
                pass  # not a figure
        self.have_engine = self.free_tries is not None and len(self.lockouts) > 0
        own = [self.within_24h] + [self.chance.get(p) for p in PERCENTS]
        if (not self.have_engine or len(self.curve) < 2 or self.floor is None
                or ("passer-by", "plain", 0, 1, 6) not in self.configs or None in own):
            self.problem("the brute-force figures from `attacks/brute_force_model` are missing "
                         "(`logs/bruteforce-table.txt`, `logs/bruteforce-curve.txt`)")
            return
        for (who, mode, duress, people, digits), (_, years) in sorted(self.configs.items()):
            if years < self.floor:
                self.problem("brute force: %s, %s mode, duress %s, %d people, %d digits: %.3g "
                             "years, below the floor of %g" % (who, mode, "on" if duress else "off",
                                                               people, digits, years, self.floor))
        # The report's claim: no commercial rule it cites holds an attacker
        # back longer than ownerlock's (read the way that slows him most).
        for l in self.locks:
            if l["ok"]:
                theirs = lock_figures(l["first"], l["then"] if l["then"] > 0 else 1, l["minutes"])
                worse = (["tries in 24 h"] if own[0] > theirs[0] else []) + [
                    "%d %% chance" % p for p, a, b in zip(PERCENTS, own[1:], theirs[1:]) if a < b]
                if worse:
                    self.problem("brute force: the stated rule of %s holds an attacker back longer "
                                 "than ownerlock's penalty (%s)"
                                 % (md_text(l["lock"]), ", ".join(worse)))

    def plain_most(self):  # the most codes plain mode holds, duress off
        people = [k[3] for k in self.configs if k[:3] == ("passer-by", "plain", 0)]
        return max(people) if people else None

    def describe_lockouts(self):  # "5, 10, 20, 40 min, then 60 min each"
        lo = list(self.lockouts)
        while len(lo) > 1 and lo[-2] == lo[-1]:
            lo.pop()
        return ", ".join("%g" % m for m in lo[:-1]) + " min, then %g min each" % lo[-1]


# ---- writing -----------------------------------------------------------------------
def write_header(r, d):
    m = lambda k: r.meta.get(k, "unknown")
    d.heading(1, "top", "ownerlock security report")
    d.para("What every test of this build did, the attacks it replays, the invariants it proves "
           "and the figures the tests printed, gathered by `make report` from a run of the test "
           "suite on this machine: nothing in it is written by hand except the commercial locks' "
           "rules, which cite their sources.")
    dirty = " with uncommitted changes" if m("dirty") == "yes" else ""
    d.bullet("commit " + md_code(m("commit")) + dirty)
    d.bullet("date: " + md_text(m("date")))
    d.bullet("machine: %s CPUs (`nproc`), %s (`uname -m`), %s"
             % (m("nproc"), md_code(m("machine")), md_text(m("system"))))
    d.bullet("host build: %s; %s; build type %s, ASan and UBSan on the host tests"
             % (md_text(m("cc")), md_text(m("cmake")), md_text(m("build_type"))))


def tally(tests):  # total, passed, failed, seconds
    return (len(tests), sum(t.res == "pass" for t in tests), sum(failed(t) for t in tests),
            sum(t.secs for t in tests))


def fuzz_stat(r, name, key):  # the number after key on the last line holding it, or -1
    log = lines(r.log("fuzz/fuzz_%s.log" % name))
    values = [number(l.split(key, 1)[1], None) for l in log if key in l]
    values = [v for v in values if v is not None]
    return values[-1] if values else -1


def write_summary(r, d):
    d.heading(2, "summary", "Summary")
    if not r.problems:
        d.para("**PASSED.** Every test passed, every step ran and passed.")
    else:
        d.para("**FAILED.** %d problem%s:" % (len(r.problems), "" if len(r.problems) == 1 else "s"))
        for p in r.problems:
            d.bullet(p)
    total, passed, bad, _ = tally(r.tests)
    skipped = total - passed - bad
    tests = "%d tests: %d passed, %d failed" % (total, passed, bad) + (
        ", %d skipped or disabled" % skipped if skipped else "")
    attack_fail = sum(1 for _, _, t in r.attacks if not t or failed(t))
    runs = sum(max(fuzz_stat(r, n, "stat::number_of_executed_units:"), 0) for n in r.fuzz)
    fuzz = "" if not r.fuzz else "%d target%s, %.0f s each, %s executions in all" % (
        len(r.fuzz), "" if len(r.fuzz) == 1 else "s", next(iter(r.fuzz.values()))[0], count(runs))
    secs = lambda *names: "%.0f s" % sum(r.step_secs(n) for n in names)
    target = "[Cortex-M3 target](#target): `make %s`"
    d.table(["what", "result", "figures", "run time"], "llll", [
        ["[test suite](#tests) (ctest)", "{fail}**FAILED**" if bad or not total else "{pass}pass",
         tests, secs("ctest")],
        ["[attacks](#attacks)",
         "{fail}**FAILED**" if attack_fail or not r.attacks else "{pass}pass",
         "%d attack files, %d passed" % (len(r.attacks), len(r.attacks) - attack_fail), ""],
        ["[fuzzing](#fuzzing)", r.step_cell("fuzz"), fuzz, secs("fuzz")],
        [target % "size", r.step_cell("size"), "", secs("target", "size") + " (with the build)"],
        [target % "bench", r.step_cell("bench"), "", secs("bench")],
        [target % "fault-check", r.step_cell("fault-check"), "", secs("fault-check")],
        ["[brute-force model](#brute-force) (from the engine's rule)", r.step_cell("bruteforce"),
         "", secs("bruteforce")],
    ])


def write_attacks(r, d):
    d.heading(2, "attacks", "Attacks")
    d.para("Every file in `tests/attacks/`, with the comment it starts with (what the published "
           "attack did, and what stops it here) and the result of its test `attacks/<name>` in "
           "this run.")
    d.table(["attack (file)", "what it did, and what stops it", "result", "time (s)"], "lllr", [
        [md_code(f), md_text(about or "(no comment)"), CELL[t.res] if t else "{fail}**NO TEST**",
         "%.2f" % t.secs if t else ""] for f, about, t in r.attacks])


def annotate(r, cell):
    """The results of the tests the code spans of cell name: `test_lock`
    (unit/test_lock), `property/grammar_search`, `link/*`, `fuzz_engine`,
    `make bench`."""
    out, seen = [], set()
    for span in code_spans(cell):
        tok = span.strip(" \t")
        if tok in seen:
            continue
        seen.add(tok)
        if tok.startswith("make "):
            if tok[5:] in r.steps:
                out.append("%s %s" % (md_code(tok), r.step_cell(tok[5:]).split("}", 1)[1]))
        elif tok.startswith("fuzz_"):
            f = r.fuzz.get(tok[5:])
            state = "not run" if not f else "pass" if f[1] == "ok" else "**FAILED**"
            out.append("%s %s" % (md_code(tok), state))
        else:
            glob = "*" in tok and "/" in tok
            match = lambda s: fnmatch.fnmatchcase(s, tok) if glob else s == tok
            # A name matches by its tail too: `test_lock` is unit/test_lock.
            tails = lambda name: [name.split("/", i)[-1] for i in range(name.count("/") + 1)]
            hits = [t for t in r.tests if any(match(tail) for tail in tails(t.name))]
            if len(hits) == 1 and not glob:
                out.append("%s %s" % (md_code(hits[0].name), CELL[hits[0].res].split("}", 1)[1]))
            elif hits:
                others = "".join(" %s **%s**" % (md_code(t.name), WORD[t.res])
                                 for t in hits if t.res != "pass")
                passed = sum(t.res == "pass" for t in hits)
                out.append("%s %d of %d pass%s" % (md_code(tok), passed, len(hits), others))
    return " · ".join(out) or "no test named here found in this run"


def write_invariants(r, d):
    d.heading(2, "invariants", "Invariants and the tests that prove them")
    d.para("The table of `docs/SECURITY.md`, copied as it stands in the source tree, with one "
           "more column: the result in this run of each test its last column names (matched by "
           "name against the ctest tests, the fuzz targets and the make steps).")
    if not r.invariants:
        d.para('**Not found:** `docs/SECURITY.md` has no table under "%s".' % INVARIANTS[3:])
        return
    md, html = [], ["<table>\n"]
    for i, line in enumerate(r.invariants):
        line = line.rstrip(" ")
        cells = split_cells(line)
        extra = ("results in this run" if i == 0 else "---" if i == 1
                 else annotate(r, cells[-1] if cells else ""))
        md.append("%s%s %s |\n" % (line, "" if line.endswith("|") else " |", extra))
        if i != 1:
            tag = "th" if i == 0 else "td"
            row = "".join("<%s>%s</%s>" % (tag, inline(c, "../../docs/"), tag) for c in cells)
            row += "<%s>%s</%s>" % (tag, inline(extra), tag)
            html.append(("<thead><tr>%s</tr></thead>\n<tbody>\n" if i == 0 else "<tr>%s</tr>\n")
                        % row)
    d.raw("".join(md) + "\n", "".join(html) + "</tbody>\n</table>\n")


def write_bruteforce(r, d):
    d.heading(2, "brute-force", "Brute force")
    if not r.have_engine:
        d.para("**Not reported:** `brute_force_model --table` gave no figures.")
        return
    d.para("The engine's penalty (`src/core/penalty.c`, stepped by "
           "`tests/attacks/brute_force_model`, whose figures these are): %g wrong codes at once, "
           "then a lockout after every further one, of %s. The best an attacker can do is one try "
           "the moment each lockout ends: keys typed during a lockout are ignored, and cutting the "
           "power stops the lockout's clock without shortening it. With A codes that open among "
           "10^n possible ones the expected number of tries is about 10^n / (A + 1). In plain mode "
           "a guess is compared with every code (a duress variant is a code too), so the lock "
           "accepts only as many codes as keep the floor; in ID mode a guess is compared with one "
           "slot's. An insider under dual control holds one code and needs another; in plain mode "
           "he also probes with the new-code check (3 values a probe, rationed). Expected powered "
           "time to open, for one person and for the most people each mode accepts (the floor is "
           "%g years; `brute_force_model` checks every configuration from 1 person up, 6 to 12 "
           "digits):" % (r.free_tries, r.describe_lockouts(), r.floor or 0))
    rows = []
    shown = sorted({k[1:] for k in r.configs if k[0] == "passer-by"},
                   key=lambda k: (k[0] != "plain", k[1], k[3], k[2]))
    for mode, duress, people, digits in shown:
        cell = lambda who: (duration(r.configs[(who, mode, duress, people, digits)][1] * 8766)
                            if (who, mode, duress, people, digits) in r.configs else "—")
        rows.append(["plain" if mode == "plain" else "ID", "on" if duress else "off", str(people),
                     str(r.configs[("passer-by", mode, duress, people, digits)][0]), str(digits),
                     cell("passer-by"), cell("dual"), cell("insider")])
    d.table(["mode", "duress", "people", "codes a guess tests", "digits", "passer-by",
             "dual control (two codes)", "insider under dual control"], "llrrrrrr", rows)
    recovery = [v for k, v in r.configs.items() if k[0] == "recovery"]
    if recovery:
        d.para("The recovery code (`*99`, under the same penalty): %s." % duration(recovery[0][1] * 8766))

    d.heading(3, "commercial", "Next to the penalty rules of commercial locks")
    d.para("One 6-digit code enrolled, an attacker at the keypad trying a new code the moment "
           "each penalty ends (typing time not counted). ownerlock's row comes from the engine; "
           "the others from the rules their makers' manuals state "
           "(`tools/report/commercial-locks.txt`). Where a manual does not say what follows the "
           "first penalty, the row gives both bounds: every further wrong code starts a penalty / "
           "the count starts over after each penalty.")
    fig = lambda v, show: "not reported" if v is None else show(v)
    rule = "%g, then one per lockout of %s" % (r.free_tries, r.describe_lockouts())
    own = [fig(r.within_24h, count)] + [fig(r.chance.get(p), duration) for p in PERCENTS]
    rows = [["**ownerlock**", rule] + own + ["the engine, through `attacks/brute_force_model`"]]
    for l in (l for l in r.locks if l["ok"]):
        stated = md_text(l.get("stated", ""))
        if l["then"] > 0:
            f = lock_figures(l["first"], l["then"], l["minutes"])
            cells = [count(f[0])] + [duration(h) for h in f[1:]]
        else:  # both bounds: each further code a penalty / the count starts over
            lo = lock_figures(l["first"], 1, l["minutes"])
            hi = lock_figures(l["first"], l["first"], l["minutes"])
            cells = ["%s – %s" % (count(lo[0]), count(hi[0]))] + [
                "%s – %s" % (duration(hi[k]), duration(lo[k])) for k in (1, 2)]
            stated += " (what follows the first penalty: not stated in the sources found)"
        rows.append([md_text(l["lock"]), stated] + cells + [l["source"]])
    d.table(["lock", "penalty rule", "tries in the first 24 h", "1 % chance after",
             "expected time (50 %)", "source"], "llrrrl", rows)
    for l in r.locks:
        if l["ok"] and "note" in l:
            d.bullet("%s: %s." % (md_text(l["lock"]), md_text(l["note"])))


def write_plot(r, d):
    d.heading(3, "plot", "The attacker's progress")
    d.para("The chance of having found one 6-digit code, against the powered time spent trying, "
           "for ownerlock with one code and with plain mode full (from the engine's rule; in ID mode "
           "every slot is the one-code curve, or two with duress) and for each "
           "commercial rule above that its sources state in full (one code enrolled; locks with "
           "the same rule share a curve).")
    # One grid for every curve: brute_force_model's, or a log grid of its own.
    hours = [h for h, _ in r.curve] if len(r.curve) >= 2 else [
        10 ** (math.log10(876600.0) * i / 400) for i in range(401)]
    series = []
    if len(r.curve) >= 2:
        enrolled = (1, r.plain_most()) if r.plain_most() else (1,)
        for e, colour in zip(enrolled, ("#08306b", "#2171b5")):
            label = "ownerlock, %d code%s enrolled" % (e, "" if e == 1 else "s")
            series.append((label, colour, False, hours,
                           [chance_found(t, CODES_6, e) for _, t in r.curve]))
    colours = ("#cb181d", "#f16913", "#8c510a", "#e7298a", "#66a61e", "#7570b3")
    rules = {}  # (first, then, minutes) -> short names
    for l in r.locks:
        if l["ok"] and l["then"] > 0:
            rule = (l["first"], l["then"], l["minutes"])
            rules.setdefault(rule, []).append(l.get("short", l["lock"]))
    for (first, then, minutes), names in rules.items():
        within = stated_rule(first, then, minutes)[0]
        label = "%s: %g tries, then %g per %g min" % (", ".join(names), first, then, minutes)
        series.append((label, colours[len(series) % 6], True, hours,
                       [chance_found(within(h * 60), CODES_6, 1) for h in hours]))
    d.raw("![The attacker's chance of having found a 6-digit code against powered time]"
          "(attacker-progress.svg)\n\n", "<figure>\n" + svg_plot(series, False) + "</figure>\n")
    return svg_plot(series, True)


# (label, source: a test name pattern or "log:FILE", pattern matched line by
# line (the match is shown), every matching line or just the first)
FIGURES = [
    ("power cuts, lock engine", "crash/crash_lock", r"[0-9]+ cut points exercised.*", False),
    ("lock engine workload", "crash/crash_lock", r"workload: .*", False),
    ("power cuts, keypad link", "crash/crash_link", r"[0-9]+ cut points exercised.*", False),
    ("power cuts, store", "unit/test_store", r"[0-9]+ cut points x [0-9]+ tear seeds.*", True),
    ("store, damaged images", "unit/test_store", r"corrupted images: .*", False),
    ("store, audit capacity", "unit/test_store", r"log capacity .*", False),
    ("flash model, torn writes", "unit/test_hostflash", r"torn programs .*", False),
    ("key sequences, exhaustive", "property/grammar_search", r"\(a\) exhaustive: .*", False),
    ("key sequences, random", "property/grammar_search", r"\(b\) random: .*", False),
    ("the search's own oracle, mutated", "property/grammar_search", r"-> [0-9]+ .* reported", True),
    ("codes derived from serial and firmware", "property/firmware_knowledge",
     r"[0-9]+ of [0-9]+ refused and counted[^;]*", False),
    ("storage access during verification", "attacks/*",
     r"[0-9]+ flash accesses per wrong entry.*", False),
    ("keypad memory dumped and searched", "attacks/*", r"keypad dump: .*", False),
    ("timing of the compare", "attacks/*", r"timing: .*", False),
    ("constant-time check (valgrind)", "ct/verify",
     r"ct_verify: [0-9]+ passed, [0-9]+ failed", False),
    ("constant-time check, self-test", "ct/verify", r"self-test caught.*", False),
    ("brute force, one 6-digit code", "attacks/brute_force_model",
     r"one 6-digit code takes .*", False),
    ("flash dumps searched for codes", "shell/dump-no-code", r"dump-no-code: .*", False),
    ("cable frames searched for codes", "shell/wire-no-code", r"wire-no-code: .*", False),
    ("keypad frames", "unit/test_body", r"DATA frames are .*", False),
    ("recovery shares", "shell/recovery-shares", r"recovery-shares: .*", False),
    ("flash used (lock-body image)", "log:size.txt", r"flash +text \+ data.*", False),
    ("RAM used", "log:size.txt", r"RAM +data.*", False),
    ("stack high-water mark", "log:size.txt", r"stack +high-water mark.*", False),
    ("instructions per verification (1, 10, 32 slots)", "log:bench.txt",
     r"^  [^ ].*\[[0-9]+\] +[0-9]+ +[0-9]+ +[0-9]+$", False),
    ("verification cost", "log:bench.txt", r"verification costs the same for every input", False),
    ("handshake, lock body (instructions, 3 rounds)", "log:bench.txt",
     r"lock body, whole handshake.*", False),
    ("handshake, keypad (instructions, 3 rounds)", "log:bench.txt",
     r"keypad, whole handshake.*", False),
    ("one X25519 (instructions, 3 keys)", "log:bench.txt",
     r"one X25519 shared secret \(ol_x25519\).*", False),
    ("one X25519 (Cortex-M3 cycles, estimate)", "log:bench.txt",
     r"^  one X25519 shared secret +[0-9-]+$", False),
    ("handshake, lock body (cycles, estimate)", "log:bench.txt",
     r"^  lock body, (first|later) handshake.*", True),
    ("instruction skips (a wrong entry, a power-up)", "log:fault-check.txt",
     r"fault-skip: [0-9]+ skips, [0-9]+ opened the lock$", True),
    ("skips the lock caught and stopped on", "log:fault-check.txt", r"^  detected +[0-9]+$", False),
    ("fault sweep self-test (unhardened build)", "log:fault-check.txt",
     r"skipping instruction [0-9]+ \(pc 0x[0-9a-f]+\) opened the lock", True),
]


def match_figure(pattern, every, text):  # the matches as code spans, or None
    hits = [m.group(0).strip(" \t") for m in (re.search(pattern, l) for l in lines(text)) if m]
    return " ".join(md_code(h) for h in (hits if every else hits[:1])) or None


def write_figures(r, d):
    d.heading(2, "figures", "Figures printed by the tests")
    d.para("Each figure is the line a test (or a step of `make report`) printed in this run, found "
           "by a pattern in `tools/report/report.py`; \"not reported\" means the pattern found "
           "nothing, e.g. because the test did not run or changed its wording.")
    rows = []
    for label, source, pattern, every in FIGURES:
        if source.startswith("log:"):
            step = source[4:].split(".")[0]  # size.txt is `make size`
            text, who, res = r.log(source[4:]), "`make %s`" % step, r.step_cell(step)
        else:
            # The first test the source names whose output holds the figure;
            # tests are renamed, figures stay.
            named = [t for t in r.tests if fnmatch.fnmatchcase(t.name, source)]
            held = [t for t in named if match_figure(pattern, every, t.output)]
            t = held[0] if held else named[0] if len(named) == 1 else None
            text = t.output if held else None
            who, res = md_code(t.name if t else source), CELL[t.res] if t else ""
            res = res if named else CELL["notrun"]
        rows.append([label, match_figure(pattern, every, text) or "not reported", who, res])
    d.table(["figure", "as printed in this run", "printed by", "result"], "llll", rows)
    # Every C test ends with "NAME: N passed, M failed": the checks it made.
    closing = r"^[^:\n]+: ([0-9]+) passed, [0-9]+ failed$"
    counts = [[int(n) for n in re.findall(closing, t.output or "", re.M)] for t in r.tests]
    d.para("The C test programs counted %s passed checks in this run (%d programs, from their "
           "closing `N passed, M failed` lines)."
           % (count(sum(map(sum, counts))), sum(1 for c in counts if c)))


def write_fuzzing(r, d):
    d.heading(2, "fuzzing", "Fuzzing")
    if not r.fuzz:
        d.para("Not run (`OL_REPORT_FUZZ_SECONDS=0`)." if r.step_state("fuzz") == "skipped" else
               "**Not run:** `fuzz/run.sh` ran no target (see `logs/fuzz.txt`).")
        return
    d.para("`fuzz/run.sh`: each libFuzzer target built from the real sources with ASan and UBSan, "
           "run from its seed corpus and what earlier runs found; figures from libFuzzer's own "
           "final statistics.")
    rows = []
    for name, (secs, status) in r.fuzz.items():
        keys = ("stat::number_of_executed_units:", "stat::average_exec_per_sec:", " cov: ",
                " corp: ")
        stats = [fuzz_stat(r, name, k) for k in keys]
        res = {"ok": "{pass}pass", "FAILED": "{fail}**FAILED**"}.get(
            status, "{fail}**did not finish**")
        rows.append(["`fuzz_%s`" % name, res, "%.0f" % secs]
                    + [count(v) if v >= 0 else "not reported" for v in stats])
    d.table(["target", "result", "seconds", "executions", "exec/s", "coverage (edges)",
             "corpus (inputs)"], "llrrrrr", rows)


def write_target(r, d):
    d.heading(2, "target", "The Cortex-M3 target (mps2-an385 in QEMU)")
    for step, log, what in [
            ("size", "size.txt", "`make size`: flash, RAM and stack of the lock-body firmware"),
            ("bench", "bench.txt",
             "`make bench`: instructions per code verification and per handshake"),
            ("fault-check", "fault-check.txt", "`make fault-check`: every instruction of a wrong "
             "entry and of a power-up skipped in turn")]:
        d.heading(3, step, what)
        state = r.step_state(step)
        if state in ("skipped", "absent"):
            d.para("Not run (no cross compiler or QEMU, or `OL_REPORT_TARGET=0`).")
        elif state == "blocked":
            d.para("**Not run:** the target build failed (see `logs/target-build.log`).")
        else:
            d.para("Passed; its output:" if state == "pass" else "**FAILED**; its output:")
            text = r.log(log)
            d.pre(text if text is not None else "(no output)")


KINDS = [
    ("unit", "unit tests (`tests/unit`), published vectors and libsodium as the oracle"),
    ("crash", "a power cut at every flash operation (`tests/crash`)"),
    ("attacks", "published attacks (`tests/attacks`)"),
    ("property", "property searches over key sequences and firmware knowledge (`tests/property`)"),
    ("ct", "constant-time check under valgrind (`tests/ct`)"),
    ("fault", "fault injection on the open decision (`tests/fault`)"),
    ("scenario", "simulator scenarios (`tests/scenarios`)"),
    ("shell", "checks with a shell around the simulator (`tests/shell`)"),
    ("must-fail", "scripts that must fail, so the checker can fail (`tests/must-fail`)"),
    ("tools", "the project's tools (`tools/`)"),
]


def write_tests(r, d):
    d.heading(2, "tests", "Every test, by kind")
    what = dict(KINDS)
    kinds = [k for k, _ in KINDS]  # in this order, then any other in name order
    kinds += [k for k in dict.fromkeys(t.kind for t in r.tests) if k not in what]
    by_kind = [(k, [t for t in r.tests if t.kind == k]) for k in kinds]
    by_kind = [(k, ts) for k, ts in by_kind if ts]
    rows = []
    for k, ts in by_kind:
        total, passed, bad, secs = tally(ts)
        rows.append(["[%s/](#kind-%s)" % (k, k), what.get(k, ""), str(total), str(passed),
                     ("{fail}%d" if bad else "%d") % bad, "%.1f" % secs])
    total, passed, bad, secs = tally(r.tests)
    rows.append(["**all**", "", "**%d**" % total, "**%d**" % passed,
                 ("{fail}**%d**" if bad else "**%d**") % bad,
                 "%.1f (CPU; wall clock %.0f)" % (secs, r.step_secs("ctest"))])
    d.table(["kind", "what", "tests", "passed", "failed", "time (s)"], "llrrrr", rows)
    for k, ts in by_kind:
        d.heading(3, "kind-" + k, "`%s/`" % k)
        note = lambda t: md_text(t.reason) if t.reason and t.res != "pass" else ""
        d.table(["test", "result", "time (s)", "note"], "llrl",
                [[md_code(t.name), CELL[t.res], "%.2f" % t.secs, note(t)] for t in ts])


def write_howto(d):
    d.heading(2, "method", "How this report was made")
    d.para("`make report` builds everything, then `tools/report/report.sh` runs the whole ctest "
           "suite with its output captured (`--output-junit`), `brute_force_model --table` and "
           "`--curve`, `fuzz/run.sh`, and on the target `make size`, `make bench` and "
           "`make fault-check`, leaving every log in `logs/` next to this report; "
           "`tools/report/report.py` then reads those logs and the source tree and writes this "
           "report. It exits non-zero when any test or step failed, after writing the report.")


def main(argv):
    args = dict(zip(argv[1::2], argv[2::2]))
    if len(argv) != 7 or sorted(args) != ["--logs", "--out", "--root"]:
        print("usage: report.py --root SOURCE_DIR --logs LOG_DIR --out OUT_DIR", file=sys.stderr)
        return 2
    r = Report(args["--root"], args["--logs"])
    d = Doc("ownerlock security report")
    write_header(r, d)
    write_summary(r, d)
    write_attacks(r, d)
    write_invariants(r, d)
    write_bruteforce(r, d)
    svg = write_plot(r, d)
    write_figures(r, d)
    write_fuzzing(r, d)
    write_target(r, d)
    write_tests(r, d)
    write_howto(d)
    md, html = d.end()
    out = args["--out"]
    for name, text in (("security-report.md", md), ("security-report.html", html),
                       ("attacker-progress.svg", svg)):
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            f.write(text)
    verdict = "FAILED" if r.problems else "passed"
    print("report.py: %s: %s" % (os.path.join(out, "security-report.md"), verdict))
    for p in r.problems:
        print(p)
    return 1 if r.problems else 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except Exception as e:  # anything unforeseen: no report, not a failed one
        print("report.py: no report written: %s: %s" % (type(e).__name__, e), file=sys.stderr)
        sys.exit(2)
