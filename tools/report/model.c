// ownerlock report — penalty rules as an attacker meets them, the chance of
// having found a code, and the plot of both.
#include <math.h>
#include <string.h>

#include "report.h"

double rule_tries_within(const rule *r, double minutes) {
    if (minutes < 0) {
        return 0;
    }
    if (r->nlockouts <= 0) {
        return INFINITY;
    }
    double tries = r->first, t = 0;
    for (int i = 0; i < r->nlockouts - 1; i++) {
        t += r->lockout_min[i];
        if (t > minutes) {
            return tries;
        }
        tries += r->per;
    }
    return tries + r->per * floor((minutes - t) / r->lockout_min[r->nlockouts - 1]);
}

double rule_minutes_to_try(const rule *r, double k) {
    if (k <= r->first) {
        return 0;
    }
    if (r->nlockouts <= 0) {
        return 0;
    }
    double lockouts = ceil((k - r->first) / r->per);
    double t = 0;
    for (int i = 0; i < r->nlockouts - 1 && lockouts > 0; i++, lockouts--) {
        t += r->lockout_min[i];
    }
    return t + lockouts * r->lockout_min[r->nlockouts - 1];
}

double chance_found(double tries, double possible, int enrolled) {
    if (tries <= 0) {
        return 0;
    }
    if (tries > possible - enrolled) {
        return 1;
    }
    // Misses: the tries all fall among the codes that are not enrolled.
    double miss = 1;
    for (int j = 0; j < enrolled; j++) {
        miss *= (possible - tries - j) / (possible - j);
    }
    return 1 - miss;
}

double tries_for_chance(double p, double possible, int enrolled) {
    double lo = 0, hi = possible;
    while (hi - lo > 1) {
        double mid = floor((lo + hi) / 2);
        if (chance_found(mid, possible, enrolled) >= p) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    return hi;
}

// ---- the plot ------------------------------------------------------------------
enum { PLOT_W = 860, PLOT_H = 540, PAD_L = 74, PAD_R = 26, PAD_T = 50, PAD_B = 72 };
static const double hours_max = 100 * 365.25 * 24;

static double px(double hours) {
    double h = hours < 1 ? 1 : hours > hours_max ? hours_max : hours;
    return PAD_L + log10(h) / log10(hours_max) * (PLOT_W - PAD_L - PAD_R);
}

static double py(double chance) {
    double c = chance < 0 ? 0 : chance > 1 ? 1 : chance;
    return PAD_T + (1 - c) * (PLOT_H - PAD_T - PAD_B);
}

static void svg_text(FILE *f, const char *s) {
    html_text(f, s, strlen(s));
}

void svg_plot(FILE *f, const series *s, int ns, int standalone) {
    static const struct {
        double hours;
        const char *label;
    } xticks[] = {{1, "1 hour"},    {24, "1 day"},       {24 * 7, "1 week"},   {730.5, "1 month"},
                  {8766, "1 year"}, {87660, "10 years"}, {876600, "100 years"}};
    const char *title = "Brute force on a 6-digit code: the attacker's chance over powered time";
    if (standalone) {
        fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
    }
    fprintf(f,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "viewBox=\"0 0 %d %d\" role=\"img\" aria-labelledby=\"attacker-progress-title\" "
            "font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n",
            PLOT_W, PLOT_H, PLOT_W, PLOT_H);
    fputs("<title id=\"attacker-progress-title\">", f);
    svg_text(f, title);
    fputs("</title>\n", f);
    fprintf(f, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", PLOT_W,
            PLOT_H);
    fprintf(f,
            "<text x=\"%d\" y=\"28\" text-anchor=\"middle\" font-size=\"15\" "
            "font-weight=\"bold\">",
            PLOT_W / 2);
    svg_text(f, title);
    fputs("</text>\n", f);

    // Grid and ticks.
    fputs("<g stroke=\"#d9d9d9\" stroke-width=\"1\">\n", f);
    for (size_t i = 0; i < sizeof xticks / sizeof xticks[0]; i++) {
        fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>\n", px(xticks[i].hours),
                PAD_T, px(xticks[i].hours), PLOT_H - PAD_B);
    }
    for (int pct = 0; pct <= 100; pct += 25) {
        fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>\n", PAD_L, py(pct / 100.0),
                PLOT_W - PAD_R, py(pct / 100.0));
    }
    fputs("</g>\n<g fill=\"#333333\">\n", f);
    for (size_t i = 0; i < sizeof xticks / sizeof xticks[0]; i++) {
        fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
                px(xticks[i].hours), PLOT_H - PAD_B + 18, xticks[i].label);
    }
    for (int pct = 0; pct <= 100; pct += 25) {
        fprintf(f, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%d %%</text>\n", PAD_L - 8,
                py(pct / 100.0) + 4, pct);
    }
    fprintf(f,
            "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"13\">powered time spent "
            "trying codes (log scale; a lockout runs only while the lock has power)</text>\n",
            (PAD_L + PLOT_W - PAD_R) / 2, PLOT_H - 22);
    fprintf(f,
            "<text x=\"18\" y=\"%d\" text-anchor=\"middle\" font-size=\"13\" "
            "transform=\"rotate(-90 18 %d)\">chance of having found a code</text>\n",
            (PAD_T + PLOT_H - PAD_B) / 2, (PAD_T + PLOT_H - PAD_B) / 2);
    fputs("</g>\n", f);
    fprintf(
        f,
        "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#555555\"/>\n",
        PAD_L, PAD_T, PLOT_W - PAD_L - PAD_R, PLOT_H - PAD_T - PAD_B);

    // The curves.
    for (int k = 0; k < ns; k++) {
        fprintf(f,
                "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"%s\" "
                "stroke-linejoin=\"round\"%s points=\"",
                s[k].color, s[k].dashed ? "2" : "2.5",
                s[k].dashed ? " stroke-dasharray=\"7 4\"" : "");
        // Points inside a flat stretch add nothing: leave them out.
        for (int i = 0; i < s[k].n; i++) {
            double y = round(py(s[k].chance[i]) * 10) / 10;
            int flat = i > 0 && i + 1 < s[k].n && round(py(s[k].chance[i - 1]) * 10) / 10 == y &&
                       round(py(s[k].chance[i + 1]) * 10) / 10 == y;
            if (!flat) {
                fprintf(f, "%s%.1f,%.1f", i ? " " : "", px(s[k].hours[i]), y);
            }
        }
        fputs("\"/>\n", f);
    }

    // The legend, top left, where no curve goes (high chances come late).
    int lx = PAD_L + 12, ly = PAD_T + 12, row = 19, width = 0;
    for (int k = 0; k < ns; k++) {
        int w = 48 + (int)strlen(s[k].label) * 6;
        width = w > width ? w : width;
    }
    fprintf(f,
            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#ffffff\" "
            "fill-opacity=\"0.92\" stroke=\"#999999\"/>\n",
            lx, ly, width, ns * row + 10);
    for (int k = 0; k < ns; k++) {
        int y = ly + 14 + k * row;
        fprintf(f,
                "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
                "stroke-width=\"%s\"%s/>\n",
                lx + 8, y - 4, lx + 38, y - 4, s[k].color, s[k].dashed ? "2" : "2.5",
                s[k].dashed ? " stroke-dasharray=\"7 4\"" : "");
        fprintf(f, "<text x=\"%d\" y=\"%d\">", lx + 46, y);
        svg_text(f, s[k].label);
        fputs("</text>\n", f);
    }
    fputs("</svg>\n", f);
}
