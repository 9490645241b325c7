// Unit tests of the engine's pure rules: the penalty schedule, the code
// policy and constant-time matching.
#define _POSIX_C_SOURCE 200809L // gmtime_r
#include "check.h"
#include <time.h>

#include "core/credentials.h"
#include "core/schedule.h"
#include "core/penalty.h"
#include "ownerlock/crypto.h"

static void test_penalty_schedule(void) {
    penalty p = ol_penalty_cleared();
    // Four free wrong tries, the fifth locks out for 5 minutes.
    for (int i = 1; i <= 4; i++) {
        p = ol_penalty_after_failure(p);
        CHECK_EQ(p.failures, i);
        CHECK_EQ(p.remaining, 0);
    }
    p = ol_penalty_after_failure(p);
    CHECK_EQ(p.remaining, 5 * 60000);
    // Then every wrong try at once doubles it: 10, 20, 40 ... 640 minutes,
    // then 12 hours each.
    const unsigned want[] = {10, 20, 40, 80, 160, 320, 640, 720, 720};
    for (unsigned i = 0; i < sizeof want / sizeof want[0]; i++) {
        p.remaining = 0; // the previous lockout was served
        p = ol_penalty_after_failure(p);
        CHECK_EQ(p.remaining, want[i] * 60000u);
        CHECK_EQ(p.last_lockout, want[i] * 60000u);
    }
    // A valid credential forgives everything.
    p = ol_penalty_cleared();
    CHECK_EQ(p.failures, 0);
    CHECK_EQ(p.last_lockout, 0);
    penalty q = {7, 1200000, 345678, 1234};
    // Taken back, the count keeps when its quiet day began; no lockout runs.
    penalty b = ol_penalty_back_to(q, 5);
    CHECK_EQ(b.failures, 5);
    CHECK_EQ(b.last_lockout, 5u * 60000u);
    CHECK_EQ(b.remaining, 0);
    CHECK_EQ(b.since, 1234);
    // The counter saturates rather than wrapping to zero.
    q.failures = UINT32_MAX;
    q = ol_penalty_after_failure(q);
    CHECK_EQ(q.failures, UINT32_MAX);
}

static uint8_t digits_of(const char *s, uint8_t *d) {
    uint8_t n = 0;
    while (s[n]) {
        d[n] = (uint8_t)(s[n] - '0');
        n++;
    }
    return n;
}

static policy_verdict policy(const uint8_t key[32], uint8_t tags[OL_SLOTS][OL_TAG_BYTES],
                             uint32_t enrolled, uint8_t target, const char *code) {
    uint8_t d[OL_ENTRY_MAX_DIGITS] = {0};
    uint8_t n = digits_of(code, d);
    return ol_credential_policy(key, (const uint8_t(*)[OL_TAG_BYTES])tags, enrolled, target, d, n);
}

static void enroll(const uint8_t key[32], uint8_t tags[OL_SLOTS][OL_TAG_BYTES], uint8_t slot,
                   const char *code) {
    uint8_t d[OL_ENTRY_MAX_DIGITS] = {0};
    uint8_t n = digits_of(code, d);
    ol_credential_tag(tags[slot], key, d, n);
}

static void test_policy(void) {
    uint8_t key[32];
    uint8_t tags[OL_SLOTS][OL_TAG_BYTES] = {{0}};
    for (int i = 0; i < 32; i++) {
        key[i] = (uint8_t)(i * 7 + 1);
    }
    CHECK_EQ(policy(key, tags, 0, 0, "12345"), POLICY_LENGTH);
    CHECK_EQ(policy(key, tags, 0, 0, "1234567890123"), POLICY_LENGTH);
    CHECK_EQ(policy(key, tags, 0, 0, ""), POLICY_LENGTH);
    const char *trivial[] = {"123456",       "987654", "555555", "999999",
                             "000000000000", "789012", "210987", "123456789012"};
    for (unsigned i = 0; i < sizeof trivial / sizeof *trivial; i++) {
        CHECK_EQ(policy(key, tags, 0, 0, trivial[i]), POLICY_TRIVIAL);
    }
    CHECK_EQ(policy(key, tags, 0, 0, "502550"), POLICY_OK);
    CHECK_EQ(policy(key, tags, 0, 0, "123457"), POLICY_OK);
    CHECK_EQ(policy(key, tags, 0, 0, "482915736041"), POLICY_OK);

    enroll(key, tags, 0, "482915");
    enroll(key, tags, 5, "7305196");
    uint32_t enrolled = 1u << 0 | 1u << 5;
    // The same code, and the code with its last digit one up or down (either
    // code's duress reading), is refused for other slots.
    CHECK_EQ(policy(key, tags, enrolled, 2, "482915"), POLICY_CLOSE);
    CHECK_EQ(policy(key, tags, enrolled, 2, "482916"), POLICY_CLOSE); // its duress code
    CHECK_EQ(policy(key, tags, enrolled, 2, "482914"), POLICY_CLOSE); // duress code is 482915
    CHECK_EQ(policy(key, tags, enrolled, 2, "7305195"), POLICY_CLOSE);
    CHECK_EQ(policy(key, tags, enrolled, 2, "7305197"), POLICY_CLOSE);
    CHECK_EQ(policy(key, tags, enrolled, 5, "4829159"), POLICY_OK); // a longer code
    enroll(key, tags, 6, "1111190");
    // 9 -> 0 and 0 -> 9 wrap.
    CHECK_EQ(policy(key, tags, enrolled | 1u << 6, 2, "1111199"), POLICY_CLOSE);
    CHECK_EQ(policy(key, tags, enrolled | 1u << 6, 2, "1111191"), POLICY_CLOSE);
    // Any other digit, two steps on the last one, or a different length, is
    // fine: the answer tells about three codes at most.
    CHECK_EQ(policy(key, tags, enrolled, 2, "082915"), POLICY_OK);
    CHECK_EQ(policy(key, tags, enrolled, 2, "482917"), POLICY_OK);
    CHECK_EQ(policy(key, tags, enrolled, 2, "7305199"), POLICY_OK);
    CHECK_EQ(policy(key, tags, enrolled, 2, "482926"), POLICY_OK);
    CHECK_EQ(policy(key, tags, enrolled, 2, "4829150"), POLICY_OK);
    // A slot may take a code close to its own current code.
    CHECK_EQ(policy(key, tags, enrolled, 0, "482916"), POLICY_OK);
    CHECK_EQ(policy(key, tags, enrolled, 5, "7305196"), POLICY_OK);
    // An unenrolled slot's stale tag is never matched.
    CHECK_EQ(policy(key, tags, 1u << 0, 2, "7305196"), POLICY_OK);
}

static void test_match(void) {
    uint8_t key[32] = {1, 2, 3};
    uint8_t tags[OL_SLOTS][OL_TAG_BYTES] = {{0}};
    enroll(key, tags, 0, "482915");
    enroll(key, tags, 17, "190283");
    enroll(key, tags, 31, "66106610");
    uint32_t enrolled = 1u << 0 | 1u << 17 | 1u << 31;
    const uint8_t(*ctags)[OL_TAG_BYTES] = (const uint8_t(*)[OL_TAG_BYTES])tags;
    uint8_t t[OL_TAG_BYTES], d[OL_ENTRY_MAX_DIGITS] = {0};
    uint8_t n = digits_of("190283", d);
    ol_credential_tag(t, key, d, n);
    CHECK_EQ(ol_credential_match(ctags, enrolled, t), 1u << 17);
    CHECK_EQ(ol_credential_slot_of(1u << 17), 17);
    n = digits_of("66106610", d);
    ol_credential_tag(t, key, d, n);
    CHECK_EQ(ol_credential_match(ctags, enrolled, t), 1u << 31);
    CHECK_EQ(ol_credential_slot_of(1u << 31), 31);
    CHECK_EQ(ol_credential_match(ctags, enrolled & ~(1u << 31), t), 0);
    // Prefixes and extensions do not match: the length is in the MAC input.
    n = digits_of("1902830", d);
    ol_credential_tag(t, key, d, n);
    CHECK_EQ(ol_credential_match(ctags, enrolled, t), 0);
    n = digits_of("19028", d);
    ol_credential_tag(t, key, d, n);
    CHECK_EQ(ol_credential_match(ctags, enrolled, t), 0);
    // A different device key gives different tags for the same code.
    uint8_t other[32] = {9};
    n = digits_of("482915", d);
    ol_credential_tag(t, other, d, n);
    CHECK_EQ(ol_credential_match(ctags, enrolled, t), 0);
    for (uint32_t s = 0; s < OL_SLOTS; s++) {
        CHECK_EQ(ol_credential_slot_of(1u << s), s);
    }
}

// The calendar against the C library's gmtime, every day 1970..2105.
static void test_calendar(void) {
    unsigned mismatches = 0;
    for (uint32_t days = 0; days < 49000; days++) {
        time_t t = (time_t)days * 86400;
        struct tm tm;
        gmtime_r(&t, &tm);
        uint32_t y, m, d;
        ol_civil_from_days(days, &y, &m, &d);
        mismatches += y != (uint32_t)tm.tm_year + 1900 || m != (uint32_t)tm.tm_mon + 1 ||
                      d != (uint32_t)tm.tm_mday;
        mismatches += ol_days_from_civil(y, m, d) != days;
        mismatches += !ol_valid_date(y, m, d);
    }
    CHECK_EQ(mismatches, 0);
    CHECK(!ol_valid_date(2026, 2, 29));
    CHECK(ol_valid_date(2028, 2, 29));
    CHECK(!ol_valid_date(2100, 2, 29));
    CHECK(!ol_valid_date(2026, 13, 1));
    CHECK(!ol_valid_date(2026, 4, 31));
    CHECK(!ol_valid_date(1969, 12, 31));
}

static void test_schedule(void) {
    ol_settings set;
    memset(&set, 0, sizeof set);
    uint32_t monday = ol_days_from_civil(2026, 3, 2) * 86400u; // a Monday
    // No period and no holiday: always open.
    CHECK(!ol_schedule_in_force(&set));
    CHECK(ol_schedule_open(&set, monday));
    // Monday 09:00-17:00: [from, until).
    set.schedule[0][0][0] = 9 * 60;
    set.schedule[0][0][1] = 17 * 60;
    CHECK(ol_schedule_in_force(&set));
    CHECK(!ol_schedule_open(&set, monday + 9 * 3600 - 1));
    CHECK(ol_schedule_open(&set, monday + 9 * 3600));
    CHECK(ol_schedule_open(&set, monday + 17 * 3600 - 1));
    CHECK(!ol_schedule_open(&set, monday + 17 * 3600));
    CHECK(!ol_schedule_open(&set, monday + 86400 + 10 * 3600));    // Tuesday: no period
    CHECK(ol_schedule_open(&set, monday + 7 * 86400 + 10 * 3600)); // next Monday
    // Sunday is day 6.
    set.schedule[6][3][0] = 0;
    set.schedule[6][3][1] = 24 * 60;
    CHECK(ol_schedule_open(&set, monday - 1));
    CHECK(ol_schedule_open(&set, monday - 86400));
    // A holiday closes its whole day, and only that day.
    set.holidays[5] = (uint16_t)(monday / 86400u);
    CHECK(!ol_schedule_open(&set, monday + 10 * 3600));
    CHECK(ol_schedule_open(&set, monday - 1));
    set.holidays[5] = 0;
    CHECK(ol_schedule_open(&set, monday + 10 * 3600));
}

// ID mode: the first two digits name the slot, the rest is the code.
static void test_scope(void) {
    uint8_t code[OL_ENTRY_MAX_DIGITS], n;
    uint8_t entry[OL_ENTRY_MAX_DIGITS] = {0, 9, 4, 8, 2, 9, 1, 5};
    CHECK(ol_credential_scope(code, &n, entry, 8, true) == 1u << 9);
    CHECK(n == 6 && code[0] == 4 && code[5] == 5);
    for (uint32_t i = 6; i < OL_ENTRY_MAX_DIGITS; i++) {
        CHECK(code[i] == 0); // nothing of the entry past its end
    }
    // Plain mode: the whole entry is the code, every slot may match.
    CHECK(ol_credential_scope(code, &n, entry, 8, false) == 0xFFFFFFFFu);
    CHECK(n == 8 && code[0] == 0 && code[1] == 9 && code[7] == 5);
    // IDs 00 and 31 exist; 32 and 99 do not.
    uint8_t first[OL_ENTRY_MAX_DIGITS] = {0, 0, 4, 8, 2, 9, 1, 5};
    CHECK(ol_credential_scope(code, &n, first, 8, true) == 1u);
    uint8_t last[OL_ENTRY_MAX_DIGITS] = {3, 1, 4, 8, 2, 9, 1, 5};
    CHECK(ol_credential_scope(code, &n, last, 8, true) == 1u << 31);
    uint8_t none[OL_ENTRY_MAX_DIGITS] = {3, 2, 4, 8, 2, 9, 1, 5};
    CHECK(ol_credential_scope(code, &n, none, 8, true) == 0);
    uint8_t big[OL_ENTRY_MAX_DIGITS] = {9, 9, 4, 8, 2, 9, 1, 5};
    CHECK(ol_credential_scope(code, &n, big, 8, true) == 0);
    // Fewer than two digits: no slot, no code.
    CHECK(ol_credential_scope(code, &n, entry, 1, true) == 0 && n == 0);
    // The longest entry: a 12-digit code after its ID.
    uint8_t longest[OL_ENTRY_MAX_DIGITS] = {1, 7, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 3};
    CHECK(ol_credential_scope(code, &n, longest, 14, true) == 1u << 17);
    CHECK(n == 12 && code[11] == 3);
}

// Plain mode's limit: slot 00 always counts, duress doubles, ID mode has none.
static void test_codes_fit(void) {
    uint32_t seven = 0x7Fu; // slots 00-06
    CHECK(ol_codes_fit(seven, false, false));
    CHECK(!ol_codes_fit(seven | 1u << 7, false, false));
    CHECK(!ol_codes_fit(seven, true, false));
    CHECK(ol_codes_fit(0x07u, true, false));
    CHECK(!ol_codes_fit(0x0Fu, true, false));
    // Slot 00 counts when empty: slots 01-07 are eight with it.
    CHECK(!ol_codes_fit(0xFEu, false, false));
    CHECK(ol_codes_fit(0x7Eu, false, false));
    // Slots 01-03 with duress: 00 counted, four codes, eight.
    CHECK(!ol_codes_fit(0x0Eu, true, false));
    CHECK(ol_codes_fit(0x06u, true, false));
    CHECK(ol_codes_fit(0u, true, false));
    CHECK(ol_codes_fit(UINT32_MAX, true, true));
}

int main(void) {
    test_calendar();
    test_schedule();
    test_penalty_schedule();
    test_policy();
    test_match();
    test_scope();
    test_codes_fit();
    return check_done("test_core_rules");
}
