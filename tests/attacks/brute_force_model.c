// Brute force under the wrong-try penalty, for every configuration the lock
// accepts, computed from the engine's own rules: the penalty
// (ol_penalty_after_failure), what plain mode accepts (ol_codes_fit) and the
// new-code ration (config.h). Next to it, tests/attacks/brute-force.sim plays
// the first lockouts in the simulator. It fails if any configuration falls
// below OL_FLOOR_YEARS, and shows that it can fail: with the rules before
// issue 13 it finds the configurations that fell below.
//
// The attacker's best strategy is a try the moment each lockout ends: typing
// during a lockout is ignored, and power cuts do not shorten it (crash_lock).
// With A codes that open among N possible ones, the expected number of
// distinct guesses to hit one is (N + 1) / (A + 1). In plain mode an insider
// has a second channel: a new code in *01 is checked against the others'
// codes and their duress neighbours (3 values each), rationed; each probe,
// spaced 3 apart, tests one block of 3, so with E other people about
// N / (3 (E + 1)) probes find one. And anyone's wrong tries are taken back by
// an opening, as far as the lock has earned (OL_PENALTY_UNDO_*): an insider's
// own openings, or the owner's after a passer-by's guesses, give back
// undo(T) = OL_PENALTY_UNDO_MAX + T / OL_PENALTY_UNDO_EARN_MS tries in all
// (more than a lock starting from nothing earns). All run at once: the model
// takes the first time T at which (tries(T) + undo(T)) (A + 1) +
// probes(T) 3 (E + 1) >= N, which counts no try or probe wasted (trivial
// codes the policy forbids are tried too). Adding the undone tries to the
// schedule's is an upper bound: every try is either taken back or still in
// the count, and the count cannot climb faster than the schedule allows.
//
// Who attacks, and what opening takes:
//   passer-by      any code that opens: every accepted code (plain mode), or
//                  the named slot's code and duress variant (ID mode);
//   passer-by,     two codes of two people: one, then another of the rest;
//   dual control
//   insider,       he holds one code and needs one other person's; in plain
//   dual control   mode with the probe channel, in ID mode without (ID mode
//                  compares no codes);
//   recovery code  *99 with the 20-digit recovery code, under the same penalty;
//   one-time code  with one-time codes on (docs/FLEET.md), an insider with his
//                  own code and no dispatch: each guess of the eight digits
//                  is a counted try, and OL_OTC_LOOKAHEAD of them open.
// A dial combination (three numbers 0-99, issue 17) is 10^6 like 6 digits.
//
// For the security report (`make report`, tools/report) it also prints
// machine-readable lines, one record per line, space-separated:
//   brute_force_model --table   "rule free_tries N", "lockout I MINUTES",
//                               "floor YEARS": the floor checked;
//                               "config WHO MODE DURESS PEOPLE DIGITS
//                               ACCEPTED YEARS": WHO passer-by | dual |
//                               insider | recovery, MODE plain | id, DURESS
//                               0 | 1, for the most people each mode accepts
//                               at 6 and 8 digits, and one person;
//                               "chance PERCENT TRIES HOURS": with one
//                               6-digit code enrolled, the powered time before
//                               try TRIES (PERCENT % of the codes) can be
//                               typed, for 1 % and 50 %
//   brute_force_model --curve   "within HOURS TRIES" and "curve HOURS TRIES":
//                               the tries an attacker has typed by a powered
//                               time, on a log grid from 1 hour to 100 years
#include <math.h>

#include "check.h"
#include "core/credentials.h"
#include "core/penalty.h"
#include "ownerlock/config.h"
#include "ownerlock/otc.h"
#include "ownerlock/recovery.h"

static const double year_ms = 365.25 * 24 * 3600 * 1000;
static const double hour_ms = 3600 * 1000;

// The rules under test: the engine's, or (for the self-test) the ones
// before issue 13.
typedef struct rules {
    penalty (*after_failure)(penalty p);
    bool (*fits)(uint32_t enrolled, bool duress, bool id_mode);
    double refill_ms; // one more new-code check per slot per this much powered time
    double cap_ms;    // the longest lockout the rule reaches
    double undo_max;  // wrong tries an opening may take back, kept at most
    double earn_ms;   // one more of them per this much powered time
} rules;

static const rules *rule;

// Tries the attacker has typed by powered time `ms`, starting clean: a try as
// soon as each lockout ends.
static double tries_within(double ms) {
    penalty p = ol_penalty_cleared();
    double next = 0; // when the next try can be typed
    double done = 0;
    while (next <= ms) {
        p = rule->after_failure(p);
        done += 1;
        if (p.remaining != 0) {
            next += p.remaining;
            p.remaining = 0;
            if (p.last_lockout >= rule->cap_ms && done > 64) {
                // Settled: one more try per longest lockout.
                if (next <= ms) {
                    done += floor((ms - next) / rule->cap_ms) + 1;
                }
                break;
            }
        } else if (done > 1e7) {
            return INFINITY; // a configuration without lockouts
        }
    }
    return done;
}

// Powered time (ms) for `tries` tries, starting clean.
static double time_for_tries(double tries) {
    penalty p = ol_penalty_cleared();
    double ms = 0;
    double done = 0;
    while (done < tries) {
        p = rule->after_failure(p);
        done += 1;
        if (p.remaining != 0) {
            ms += p.remaining;
            p.remaining = 0; // served
            if (p.last_lockout >= rule->cap_ms && done > 64) {
                ms += (tries - done) * rule->cap_ms;
                break;
            }
        }
    }
    return ms;
}

// The expected powered time (ms) to hit one of `accepted` codes among
// `possible`, with (others > 0: the other people whose codes a probe is
// compared with) the insider's policy probes alongside.
static double time_to_find(double possible, double accepted, double others) {
    double lo = 0, hi = 1e18 * year_ms;
    for (int i = 0; i < 300 && hi - lo > 1000 + hi * 1e-9; i++) {
        double t = (lo + hi) / 2;
        double taken_back = rule->undo_max + floor(t / rule->earn_ms);
        double tested = (tries_within(t) + taken_back) * (accepted + 1);
        if (others > 0) {
            tested += (OL_CODE_CHECK_BURST + floor(t / rule->refill_ms)) * 3 * (others + 1);
        }
        if (tested >= possible) {
            hi = t;
        } else {
            lo = t;
        }
    }
    return hi;
}

enum who { PASSER_BY, DUAL, INSIDER, RECOVERY };
static const char *const who_name[] = {"passer-by", "dual", "insider", "recovery"};

// Years for an insider to guess a one-time code of `digits` digits.
static double otc_years(int digits) {
    return time_to_find(pow(10, digits), OL_OTC_LOOKAHEAD, 0) / year_ms;
}

// Years for one attacker against one configuration.
static double years(enum who who, bool id, bool duress, int people, int digits) {
    double n = pow(10, digits);
    double per = duress ? 2 : 1; // codes that open per person
    double all = id ? per : per * people;
    switch (who) {
    case PASSER_BY:
        return time_to_find(n, all, 0) / year_ms;
    case DUAL: // one code, then a second person's among the rest
        return (time_to_find(n, all, 0) + time_to_find(n, id ? per : all - per, 0)) / year_ms;
    case INSIDER:
        return time_to_find(n, id ? per : all - per, id ? 0 : people - 1) / year_ms;
    default:
        return time_to_find(pow(10, OL_RECOVERY_DIGITS), 1, 0) / year_ms;
    }
}

static uint32_t first_slots(int people) {
    return people >= 32 ? UINT32_MAX : (1u << people) - 1u;
}

// The most people a mode holds: plain mode's limit, from the engine.
static int most_people(bool id, bool duress) {
    int people = 0;
    while (people < OL_SLOTS && rule->fits(first_slots(people + 1), duress, id)) {
        people++;
    }
    return people;
}

// Every configuration the lock accepts, every attacker: the rows below the
// floor (printed when `say`).
static int below_floor(bool say) {
    int below = 0;
    for (int id = 0; id <= 1; id++) {
        for (int duress = 0; duress <= 1; duress++) {
            int most = most_people(id, duress);
            for (int people = 1; people <= most; people++) {
                for (int digits = OL_CODE_MIN_DIGITS; digits <= OL_CODE_MAX_DIGITS; digits++) {
                    for (int who = PASSER_BY; who <= INSIDER; who++) {
                        if (who != PASSER_BY && people < 2) {
                            continue; // dual control needs two people
                        }
                        double y = years(who, id, duress, people, digits);
                        if (y < OL_FLOOR_YEARS) {
                            below++;
                            if (say) {
                                printf("  below the floor: %s, %s mode, duress %d, %d people, "
                                       "%d digits: %.3g years\n",
                                       who_name[who], id ? "ID" : "plain", duress, people, digits,
                                       y);
                            }
                        }
                    }
                }
            }
        }
    }
    if (years(RECOVERY, false, false, 1, 0) < OL_FLOOR_YEARS) {
        below++;
    }
    return below;
}

// ---- the rules before issue 13, for the self-test ------------------------------

static penalty capped_at_an_hour(penalty p) {
    p = ol_penalty_after_failure(p);
    const uint32_t hour = 60u * 60u * 1000u;
    p.last_lockout = p.last_lockout > hour ? hour : p.last_lockout;
    p.remaining = p.remaining > hour ? hour : p.remaining;
    return p;
}

static bool any_number(uint32_t enrolled, bool duress, bool id_mode) {
    (void)enrolled, (void)duress, (void)id_mode;
    return true;
}

static const rules engine = {ol_penalty_after_failure, ol_codes_fit,
                             OL_CODE_CHECK_REFILL_MS,  OL_PENALTY_MAX_MS,
                             OL_PENALTY_UNDO_MAX,      OL_PENALTY_UNDO_EARN_MS};
static const rules before_13 = {capped_at_an_hour, any_number, 3600.0 * 1000,
                                3600.0 * 1000,     4,          60.0 * 1000};
// Each flaw alone: the engine's penalty with 32 codes in plain mode; the
// engine's limit with an hourly ration.
static const rules no_limit = {ol_penalty_after_failure, any_number,
                               OL_CODE_CHECK_REFILL_MS,  OL_PENALTY_MAX_MS,
                               OL_PENALTY_UNDO_MAX,      OL_PENALTY_UNDO_EARN_MS};
static const rules hourly_probes = {
    ol_penalty_after_failure, ol_codes_fit,        3600.0 * 1000,
    OL_PENALTY_MAX_MS,        OL_PENALTY_UNDO_MAX, OL_PENALTY_UNDO_EARN_MS};
// An opening that takes back every wrong try of the 2 minutes before it, as
// the eighth outside evaluation found: 4 guesses and an opening, again.
static const rules undo_unbounded = {
    ol_penalty_after_failure, ol_codes_fit, OL_CODE_CHECK_REFILL_MS, OL_PENALTY_MAX_MS, 4,
    2 * 60.0 * 1000};

// ---- output ------------------------------------------------------------------

static void print_config(enum who who, bool id, bool duress, int people, int digits) {
    double per = duress ? 2 : 1;
    double accepted = who == RECOVERY ? 1 : id ? per : per * people;
    printf("config %s %s %d %d %d %.0f %.6g\n", who_name[who], id ? "id" : "plain", duress, people,
           who == RECOVERY ? OL_RECOVERY_DIGITS : digits, accepted,
           years(who, id, duress, people, digits));
}

// --table: the rule as the engine applies it, and the configurations.
static void print_table(void) {
    penalty p = ol_penalty_cleared();
    unsigned at_once = 0;
    do {
        p = rule->after_failure(p);
        at_once++;
    } while (p.remaining == 0 && at_once < 1000);
    printf("rule free_tries %u\n", at_once);
    p = ol_penalty_cleared();
    uint32_t last = 0;
    for (unsigned n = 0, i = 0; i < 1000; i++) {
        p = rule->after_failure(p);
        if (p.remaining != 0) {
            if (p.remaining == last) {
                break; // settled at the cap: printed once
            }
            printf("lockout %u %.6g\n", ++n, p.remaining / 60000.0);
            last = p.remaining;
            p.remaining = 0;
        }
    }
    printf("floor %d\n", OL_FLOOR_YEARS);
    for (int id = 0; id <= 1; id++) {
        for (int duress = 0; duress <= 1; duress++) {
            int most = most_people(id, duress);
            for (int digits = 6; digits <= 8; digits += 2) {
                print_config(PASSER_BY, id, duress, 1, digits);
                print_config(PASSER_BY, id, duress, most, digits);
                print_config(DUAL, id, duress, most, digits);
                print_config(INSIDER, id, duress, most, digits);
            }
        }
    }
    print_config(RECOVERY, false, false, 1, 0);
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
    rule = &engine;
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
    // The schedule itself: 5 free tries, then 5, 10, 20, 40, 80 ... 640 min,
    // then 12 h each.
    CHECK(time_for_tries(5) < 60000 * 5.5);
    CHECK(fabs(time_for_tries(6) - 15 * 60000.0) < 1);
    CHECK(fabs(time_for_tries(9) - 155 * 60000.0) < 1);
    CHECK(fabs(time_for_tries(13) - (1275 + 720) * 60000.0) < 1);
    // The same schedule seen from the clock: 5 tries at once, the 6th after
    // 5 min, the 13th after 1275 min, then one every 12 h.
    CHECK(tries_within(0) == 5);
    CHECK(tries_within(5 * 60000.0) == 6);
    CHECK(tries_within(1275 * 60000.0 - 1) == 12);
    CHECK(tries_within(1275 * 60000.0) == 13);
    CHECK(tries_within(24 * hour_ms) == 13);
    CHECK(fabs(tries_within(100 * year_ms) - 100 * year_ms / (12 * hour_ms)) < 20);
    // The search finds the plain-mode limit the engine applies.
    CHECK_EQ(most_people(false, false), OL_PLAIN_MAX_CODES);
    CHECK_EQ(most_people(false, true), OL_PLAIN_MAX_CODES / 2);
    CHECK_EQ(most_people(true, true), OL_SLOTS);

    printf("expected powered time to open by brute force (years; the floor is %d):\n",
           OL_FLOOR_YEARS);
    printf("  mode   duress  people  digits   passer-by   dual control   insider (dual)\n");
    double least = INFINITY;
    for (int id = 0; id <= 1; id++) {
        for (int duress = 0; duress <= 1; duress++) {
            int most = most_people(id, duress);
            for (int digits = 6; digits <= 8; digits++) {
                for (int people = 1; people <= most; people = people < most ? most : most + 1) {
                    double a = years(PASSER_BY, id, duress, people, digits);
                    printf("  %-5s  %6s  %6d  %6d  %10.4g", id ? "ID" : "plain",
                           duress ? "on" : "off", people, digits, a);
                    if (people >= 2) {
                        printf("  %13.4g  %15.4g\n", years(DUAL, id, duress, people, digits),
                               years(INSIDER, id, duress, people, digits));
                    } else {
                        printf("  %13s  %15s\n", "-", "-");
                    }
                    least = a < least ? a : least;
                }
            }
        }
    }
    printf("  recovery code (%d digits): %.3g years\n", OL_RECOVERY_DIGITS,
           years(RECOVERY, false, false, 1, 0));
    double otc = otc_years(OL_OTC_CODE_DIGITS);
    printf("  one-time code (%d digits, %u taken ahead), an insider without a dispatch: %.3g "
           "years\n",
           OL_OTC_CODE_DIGITS, (unsigned)OL_OTC_LOOKAHEAD, otc);
    CHECK(otc >= OL_FLOOR_YEARS);
    // The check can fail: a one-time code of 4 digits falls below the floor.
    printf("self-test: a one-time code of 4 digits: %.3g years\n", otc_years(4));
    CHECK(otc_years(4) < OL_FLOOR_YEARS);

    // Every configuration, 6 to 12 digits, 1 to the most people.
    int below = below_floor(true);
    CHECK_EQ(below, 0);

    // The check can fail: each flaw it guards against, put back, is found.
    rule = &before_13;
    int before = below_floor(false);
    rule = &no_limit;
    int unlimited = below_floor(false);
    rule = &hourly_probes;
    int probes = below_floor(false);
    rule = &undo_unbounded;
    int undo = below_floor(false);
    rule = &engine;
    printf("self-test: rows below the floor with the rules before issue 13: %d; "
           "with 32 codes in plain mode: %d; with an hourly new-code ration: %d; "
           "with an opening taking back every wrong try of the 2 min before it: %d\n",
           before, unlimited, probes, undo);
    CHECK(before > 0);
    CHECK(unlimited > 0);
    CHECK(probes > 0);
    CHECK(undo > 0);
    printf("brute_force_model: every configuration holds %d years or more (least: %.0f)\n",
           OL_FLOOR_YEARS, least);
    return check_done("brute_force_model");
}
