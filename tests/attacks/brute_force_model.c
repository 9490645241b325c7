// Brute force under the wrong-try penalty, computed from the engine's own
// rule (penalty_after_failure), next to tests/attacks/brute-force.sim which
// plays the first lockouts in the simulator.
//
// The attacker's best strategy is to try one code per lockout, as soon as
// each lockout ends: typing during a lockout is ignored, and power cuts do not
// shorten it (crash_lock). Tries are never wasted on codes the policy forbids
// (trivial ones) but that barely matters. With E enrolled codes among N
// possible ones, the expected number of tries to hit one is about
// N / (E + 1). The table prints the powered time that takes; the test fails
// if a single 6-digit code falls in less than 10 years.
#include <math.h>

#include "check.h"
#include "core/penalty.h"
#include "ownerlock/config.h"

// Powered time (ms) the attacker needs for `tries` tries, starting clean.
static double time_for_tries(double tries) {
    penalty p = penalty_cleared();
    double ms = 0;
    double done = 0;
    // Walk the schedule until it settles at its cap, then extrapolate.
    while (done < tries) {
        p = penalty_after_failure(p);
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

int main(void) {
    const double year_ms = 365.25 * 24 * 3600 * 1000;
    // The schedule itself: 5 free tries, then 5, 10, 20, 40, 60, 60 ... min.
    CHECK(time_for_tries(5) < 60000 * 5.5);
    CHECK(fabs(time_for_tries(6) - 15 * 60000.0) < 1);
    CHECK(fabs(time_for_tries(9) - 135 * 60000.0) < 1);
    printf("expected powered time to open by brute force (one try per lockout):\n");
    printf("  digits  codes enrolled   expected tries       time\n");
    double six_one = 0;
    for (int digits = 6; digits <= 12; digits += 2) {
        for (int enrolled = 1; enrolled <= 32; enrolled = enrolled == 1    ? 10
                                                          : enrolled == 10 ? 32
                                                                           : 33) {
            double tries = pow(10, digits) / (enrolled + 1);
            double years = time_for_tries(tries) / year_ms;
            if (digits == 6 && enrolled == 1) {
                six_one = years;
            }
            printf("  %6d  %14d  %15.0f  %9.3g years\n", digits, enrolled, tries, years);
        }
    }
    // One 6-digit code: 500,000 expected tries at one an hour.
    CHECK(six_one > 10);
    printf("brute_force_model: one 6-digit code takes %.0f years of powered time\n", six_one);
    return check_done("brute_force_model");
}
