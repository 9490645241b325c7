// Brute force under the wrong-try penalty, computed from the engine's own
// rule (ol_penalty_after_failure), next to tests/attacks/brute-force.sim which
// plays the first lockouts in the simulator.
//
// The attacker's best strategy is to try one code per lockout, as soon as
// each lockout ends: typing during a lockout is ignored, and power cuts do not
// shorten it (crash_lock). Tries are never wasted on codes the policy forbids
// (trivial ones) but that barely matters. With E enrolled codes among N
// possible ones, the expected number of tries to hit one is about
// N / (E + 1). The table prints the powered time that takes; the test fails
// if a single 6-digit code falls in less than 10 years.

// For the security report (`make report`, tools/report) it also prints
// machine-readable lines, one record per line, space-separated:
//   brute_force_model --table   "rule free_tries N", "lockout I MINUTES",
//                               "expected DIGITS ENROLLED TRIES HOURS" for
//                               codes of 6-12 digits and 1, 10, 32 enrolled,
//                               and "chance PERCENT TRIES HOURS": with one
//                               6-digit code enrolled, the powered time
//                               before try TRIES (PERCENT % of the codes)
//                               can be typed, for 1 % and 50 %;
//                               "expected_id DIGITS ACCEPTED TRIES HOURS":
//                               in ID mode (*18), one slot's code alone
//                               (ACCEPTED 1) or with its duress variant (2),
//                               whatever the number enrolled
//   brute_force_model --curve   "within HOURS TRIES" and "curve HOURS TRIES":
//                               the tries an attacker has typed by a powered
//                               time, on a log grid from 1 hour to 100 years
#include <math.h>

#include "check.h"
#include "core/penalty.h"
#include "ownerlock/config.h"

// Powered time (ms) the attacker needs for `tries` tries, starting clean.
static double time_for_tries(double tries) {
    penalty p = ol_penalty_cleared();
    double ms = 0;
    double done = 0;
    // Walk the schedule until it settles at its cap, then extrapolate.
    while (done < tries) {
        p = ol_penalty_after_failure(p);
        done += 1;
        if (p.remaining != 0) {
            ms += p.remaining;
            p.remaining = 0; // served
            if (p.last_lockout == OL_PENALTY_MAX_MS && done > 64) {
                ms += (tries - done) * (double)OL_PENALTY_MAX_MS;
                break;
            }
        }
    }
    return ms;
}

// Tries the attacker has made by powered time `ms`, starting clean: a try as
// soon as each lockout ends.
static double tries_within(double ms) {
    penalty p = ol_penalty_cleared();
    double next = 0; // when the next try can be typed
    double done = 0;
    while (next <= ms) {
        p = ol_penalty_after_failure(p);
        done += 1;
        if (p.remaining != 0) {
            next += p.remaining;
            p.remaining = 0;
            if (p.last_lockout == OL_PENALTY_MAX_MS && done > 64) {
                // Settled: one more try per longest lockout.
                if (next <= ms) {
                    done += floor((ms - next) / (double)OL_PENALTY_MAX_MS) + 1;
                }
                break;
            }
        } else if (done > 1e7) {
            return INFINITY; // a configuration without lockouts
        }
    }
    return done;
}

static const double year_ms = 365.25 * 24 * 3600 * 1000;
static const double hour_ms = 3600 * 1000;

static int next_enrolled(int enrolled) {
    return enrolled == 1 ? 10 : enrolled == 10 ? 32 : 33;
}

// --table: the rule as the engine applies it, and the expected powered time
// per code length and number of enrolled codes.
static void print_table(void) {
    // Tries typed at once, before the first lockout starts.
    penalty p = ol_penalty_cleared();
    unsigned at_once = 0;
    do {
        p = ol_penalty_after_failure(p);
        at_once++;
    } while (p.remaining == 0 && at_once < 1000);
    printf("rule free_tries %u\n", at_once);
    p = ol_penalty_cleared();
    for (unsigned n = 0, i = 0; n < 8 && i < 1000; i++) {
        p = ol_penalty_after_failure(p);
        if (p.remaining != 0) {
            printf("lockout %u %.6g\n", ++n, p.remaining / 60000.0);
            p.remaining = 0;
        }
    }
    for (int digits = 6; digits <= 12; digits++) {
        for (int enrolled = 1; enrolled <= 32; enrolled = next_enrolled(enrolled)) {
            double tries = pow(10, digits) / (enrolled + 1);
            printf("expected %d %d %.0f %.6g\n", digits, enrolled, tries,
                   time_for_tries(tries) / hour_ms);
        }
    }
    for (int digits = 6; digits <= 12; digits++) {
        for (int accepted = 1; accepted <= 2; accepted++) {
            double tries = pow(10, digits) / (accepted + 1);
            printf("expected_id %d %d %.0f %.6g\n", digits, accepted, tries,
                   time_for_tries(tries) / hour_ms);
        }
    }
    // Try k can be typed once the lockouts of the k - 1 before it are over.
    static const int percents[] = {1, 50};
    for (unsigned i = 0; i < sizeof percents / sizeof percents[0]; i++) {
        double tries = 1e6 * percents[i] / 100;
        printf("chance %d %.0f %.6g\n", percents[i], tries, time_for_tries(tries - 1) / hour_ms);
    }
}

// --curve: tries made by powered time t, at landmarks and on a logarithmic
// grid from 1 hour to 100 years.
static void print_curve(void) {
    static const double landmarks_h[] = {1, 24, 24 * 7, 24 * 30.4375, 24 * 365.25};
    for (unsigned i = 0; i < sizeof landmarks_h / sizeof landmarks_h[0]; i++) {
        printf("within %.12g %.0f\n", landmarks_h[i], tries_within(landmarks_h[i] * hour_ms));
    }
    const int points = 400;
    const double last = log10(100 * year_ms / hour_ms);
    for (int i = 0; i <= points; i++) {
        double hours = pow(10, last * i / points);
        printf("curve %.12g %.0f\n", hours, tries_within(hours * hour_ms));
    }
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "--table") == 0) {
        print_table();
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], "--curve") == 0) {
        print_curve();
        return 0;
    }
    if (argc != 1) {
        fprintf(stderr, "usage: brute_force_model [--table | --curve]\n");
        return 2;
    }
    // The schedule itself: 5 free tries, then 5, 10, 20, 40, 60, 60 ... min.
    CHECK(time_for_tries(5) < 60000 * 5.5);
    CHECK(fabs(time_for_tries(6) - 15 * 60000.0) < 1);
    CHECK(fabs(time_for_tries(9) - 135 * 60000.0) < 1);
    // The same schedule seen from the clock: 5 tries at once, the 6th after
    // 5 min, the 10th after 135 min, then one an hour.
    CHECK(tries_within(0) == 5);
    CHECK(tries_within(5 * 60000.0) == 6);
    CHECK(tries_within(135 * 60000.0 - 1) == 9);
    CHECK(tries_within(135 * 60000.0) == 10);
    CHECK(tries_within(24 * hour_ms) == 10 + 21);
    CHECK(fabs(tries_within(100 * year_ms) - 100 * year_ms / hour_ms) < 10);
    printf("expected powered time to open by brute force (one try per lockout):\n");
    printf("  digits  codes enrolled   expected tries       time\n");
    double six_one = 0;
    for (int digits = 6; digits <= 12; digits += 2) {
        for (int enrolled = 1; enrolled <= 32; enrolled = next_enrolled(enrolled)) {
            double tries = pow(10, digits) / (enrolled + 1);
            double years = time_for_tries(tries) / year_ms;
            if (digits == 6 && enrolled == 1) {
                six_one = years;
            }
            printf("  %6d  %14d  %15.0f  %9.3g years\n", digits, enrolled, tries, years);
        }
    }
    // ID mode (*18): a guess tests the slot its ID names, so the number of
    // people enrolled drops out; with duress on, a slot accepts its code and
    // the code's duress variant.
    printf("in ID mode (*18), any number enrolled:\n");
    printf("  digits  codes per slot   expected tries       time\n");
    for (int digits = 6; digits <= 12; digits += 2) {
        for (int accepted = 1; accepted <= 2; accepted++) {
            double tries = pow(10, digits) / (accepted + 1);
            printf("  %6d  %14s  %15.0f  %9.3g years\n", digits,
                   accepted == 1 ? "1" : "2 (duress)", tries, time_for_tries(tries) / year_ms);
        }
    }
    // One 6-digit code: 500,000 expected tries at one an hour.
    CHECK(six_one > 10);
    printf("brute_force_model: one 6-digit code takes %.0f years of powered time\n", six_one);
    return check_done("brute_force_model");
}
