// Engine tests through the public API: commissioning, opening and relocking,
// the wrong-try penalty across power cycles, functions *01-*03 with every
// refusal, and what the flash holds.
#define _POSIX_C_SOURCE 200809L // regex.h
#include <ctype.h>
#include <regex.h>
#include <stdlib.h>

#include "check.h"
#include "rig.h"

#define M0 "482915"
#define M1 "730519"
#define U5 "264803"

static int shows(rig *r, const char *pattern) {
    regex_t re;
    if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0) {
        return 0;
    }
    int ok = regexec(&re, rig_display(r), 0, NULL, 0) == 0;
    regfree(&re);
    if (!ok) {
        fprintf(stderr, "  display is \"%s\", wanted /%s/\n", rig_display(r), pattern);
    }
    return ok;
}

static uint32_t last_audit_kind(rig *r) {
    ol_status st = rig_status(r);
    ol_audit_event ev;
    if (ol_lock_audit_read(&r->lock, st.audit_next_seq - 1, &ev) != OL_OK) {
        return 0;
    }
    return ev.kind;
}

// Does any audit event since `from` have this kind (and slot, unless 0xFF)?
static int audited_since(rig *r, uint32_t from, uint8_t kind, uint8_t slot) {
    ol_status st = rig_status(r);
    for (uint32_t s = from; s < st.audit_next_seq; s++) {
        ol_audit_event ev;
        if (ol_lock_audit_read(&r->lock, s, &ev) == OL_OK && ev.kind == kind &&
            (slot == 0xFF || ev.slot == slot)) {
            return 1;
        }
    }
    return 0;
}

static void commission(rig *r) {
    rig_keys(r, M0 "#" M0 "#");
    rig_wait(r, 3000);                // LOCK IS SET UP, then the recovery code
    CHECK(rig_recovery_ack(r, NULL)); // paged and typed back
    rig_door(r, false);
    rig_wait(r, 2000);
}

static void test_factory(void) {
    rig r;
    CHECK_EQ(rig_init(&r, 1), OL_OK);
    ol_status st = rig_status(&r);
    CHECK(!st.commissioned);
    CHECK_EQ(st.enrolled, 0);
    CHECK_EQ(rig_bolt(&r), OL_BOLT_RETRACTED);
    CHECK(shows(&r, "^SET MANAGER CODE"));
    CHECK_EQ(last_audit_kind(&r), OL_AUDIT_POWER_UP);
    // No code of any kind opens a new lock or is accepted as a credential:
    // factory defaults are just the first entry of commissioning, and must be
    // confirmed and pass the policy.
    rig_keys(&r, "123456#");
    CHECK(shows(&r, "TOO SIMPLE"));
    rig_keys(&r, "999999#");
    CHECK(shows(&r, "TOO SIMPLE"));
    rig_keys(&r, "12345#");
    CHECK(shows(&r, "6-12 DIGITS"));
    // Functions need a commissioned lock.
    rig_keys(&r, "*02");
    CHECK(shows(&r, "SET UP FIRST"));
    // The door must be open to commission; the bolt cannot be thrown before.
    rig_door(&r, false);
    rig_wait(&r, 5000);
    CHECK_EQ(rig_bolt(&r), OL_BOLT_RETRACTED);
    CHECK(shows(&r, "OPEN"));
    rig_keys(&r, M0 "#");
    CHECK(shows(&r, "OPEN DOOR FIRST"));
    rig_door(&r, true);
    // A mismatched repeat starts again.
    rig_keys(&r, M0 "#" M1 "#");
    CHECK(shows(&r, "CODES DIFFER"));
    CHECK(!rig_status(&r).commissioned);
    // An empty entry is ignored.
    rig_keys(&r, "#");
    CHECK(!rig_status(&r).commissioned);
    rig_keys(&r, M0 "#" M0 "#");
    st = rig_status(&r);
    CHECK(st.commissioned);
    CHECK_EQ(st.enrolled, 1);
    CHECK(shows(&r, "SET UP"));
    CHECK_EQ(last_audit_kind(&r), OL_AUDIT_COMMISSIONED);
    CHECK(!st.recovery_enabled); // until its code has been seen
    rig_wait(&r, 3000);
    CHECK(shows(&r, "RECOVERY 1/5"));
    CHECK(rig_recovery_ack(&r, NULL));
    CHECK(rig_status(&r).recovery_enabled);
    CHECK_EQ(last_audit_kind(&r), OL_AUDIT_CONFIG_CHANGED);
    // Door open: the bolt stays in; door shut: it is thrown within 2 s.
    rig_wait(&r, 10000);
    CHECK_EQ(rig_bolt(&r), OL_BOLT_RETRACTED);
    rig_door(&r, false);
    rig_wait(&r, 2000);
    CHECK_EQ(rig_bolt(&r), OL_BOLT_EXTENDED);
    CHECK_EQ(last_audit_kind(&r), OL_AUDIT_BOLT_EXTENDED);
    CHECK_EQ(r.bad_retracts, 0);
    ol_hostflash_close(&r.hf);
}

static void test_open_and_relock(void) {
    rig r;
    CHECK_EQ(rig_init(&r, 2), OL_OK);
    commission(&r);
    uint32_t from = rig_status(&r).audit_next_seq;
    rig_keys_as(&r, M0 "#", true);
    CHECK_EQ(rig_bolt(&r), OL_BOLT_RETRACTED);
    CHECK(audited_since(&r, from, OL_AUDIT_OPEN, 0));
    CHECK(shows(&r, "OPEN"));
    // Not opened within 6 s: the bolt extends again.
    rig_wait(&r, 5000);
    CHECK_EQ(rig_bolt(&r), OL_BOLT_RETRACTED);
    rig_wait(&r, 1000);
    CHECK_EQ(rig_bolt(&r), OL_BOLT_EXTENDED);
    // Opened: stays in while open, extends within 2 s of closing.
    rig_keys_as(&r, M0 "#", true);
    rig_door(&r, true);
    rig_wait(&r, 60000);
    CHECK_EQ(rig_bolt(&r), OL_BOLT_RETRACTED);
    CHECK(shows(&r, "DOOR OPEN"));
    rig_door(&r, false);
    rig_wait(&r, 2000);
    CHECK_EQ(rig_bolt(&r), OL_BOLT_EXTENDED);
    // Codes survive a power cycle; the bolt comes back extended.
    rig_power_cycle(&r, 1000);
    CHECK_EQ(rig_bolt(&r), OL_BOLT_EXTENDED);
    CHECK_EQ(last_audit_kind(&r), OL_AUDIT_POWER_UP);
    rig_keys_as(&r, M0 "#", true);
    CHECK_EQ(rig_bolt(&r), OL_BOLT_RETRACTED);
    CHECK_EQ(r.bad_retracts, 0);
    ol_hostflash_close(&r.hf);
}

static void test_penalty(void) {
    rig r;
    CHECK_EQ(rig_init(&r, 3), OL_OK);
    commission(&r);
    uint32_t from = rig_status(&r).audit_next_seq;
    for (int i = 1; i <= 4; i++) {
        rig_keys(&r, "111222#");
        CHECK_EQ(rig_status(&r).failures, i);
        CHECK(shows(&r, "WRONG CODE"));
    }
    // An empty entry is not a try.
    rig_keys(&r, "#");
    CHECK_EQ(rig_status(&r).failures, 4);
    rig_keys(&r, "111222#");
    ol_status st = rig_status(&r);
    CHECK_EQ(st.failures, 5);
    CHECK(st.lockout_remaining_ms > 299000 && st.lockout_remaining_ms <= 300000);
    CHECK(shows(&r, "LOCKED OUT \\| WAIT 0[45]:[0-9][0-9]"));
    CHECK(audited_since(&r, from, OL_AUDIT_LOCKOUT, 0xFF));
    // Keys during the lockout are ignored, even the right code, and do not extend it.
    rig_keys(&r, M0 "#");
    rig_keys(&r, "111222#");
    CHECK_EQ(rig_bolt(&r), OL_BOLT_EXTENDED);
    CHECK_EQ(rig_status(&r).failures, 5);
    // Time runs only while powered: 2 min in, power off 1 h, 2 min more.
    rig_wait(&r, 120000);
    rig_power_cycle(&r, 3600000);
    st = rig_status(&r);
    CHECK(st.lockout_remaining_ms >= 300000 - 120000 - 3000);
    CHECK(st.lockout_remaining_ms <= 300000 - 60000);
    CHECK(shows(&r, "LOCKED OUT"));
    rig_wait(&r, st.lockout_remaining_ms + 100);
    CHECK_EQ(rig_status(&r).lockout_remaining_ms, 0);
    CHECK(shows(&r, "ENTER CODE"));
    // The next wrong try at once locks out twice as long.
    rig_keys(&r, "111222#");
    st = rig_status(&r);
    CHECK(st.lockout_remaining_ms > 599000 && st.lockout_remaining_ms <= 600000);
    CHECK_EQ(st.last_lockout_ms, 600000);
    rig_wait(&r, 600100);
    // The right code opens, but takes nothing back: since the power-up the
    // lock has not earned one (one per day of powered time, at most 3).
    rig_keys_as(&r, M0 "#", true);
    CHECK_EQ(rig_bolt(&r), OL_BOLT_RETRACTED);
    st = rig_status(&r);
    CHECK_EQ(st.failures, 6);
    CHECK_EQ(st.last_lockout_ms, 600000);
    // A quiet day (24 h of powered time without a wrong try) forgets one.
    rig_wait(&r, 24u * 3600000u + 1000);
    CHECK_EQ(rig_status(&r).failures, 5);
    rig_wait(&r, 24u * 3600000u + 1000);
    CHECK_EQ(rig_status(&r).failures, 4);
    // Still strict: one wrong try is the 5th, and locks out at once.
    rig_keys(&r, "111222#");
    CHECK(rig_status(&r).lockout_remaining_ms > 299000);
    for (int day = 0; day < 3; day++) {
        rig_wait(&r, 24u * 3600000u + 1000);
    }
    CHECK_EQ(rig_status(&r).failures, 2);
    // Two mistakes, then the right code: after these powered days the lock
    // has earned the most it keeps, 3, and takes back as many (whosever).
    rig_keys(&r, "111222#");
    rig_wait(&r, 4000);
    rig_keys(&r, "111223#");
    CHECK_EQ(rig_status(&r).failures, 4);
    rig_wait(&r, 4000);
    rig_keys_as(&r, M0 "#", true);
    CHECK_EQ(rig_bolt(&r), OL_BOLT_RETRACTED);
    CHECK_EQ(rig_status(&r).failures, 1);
    // Spent: the next mistake stays until a day has earned one more.
    rig_wait(&r, 10000);
    rig_keys(&r, "111222#");
    rig_keys_as(&r, M0 "#", true);
    CHECK_EQ(rig_bolt(&r), OL_BOLT_RETRACTED);
    CHECK_EQ(rig_status(&r).failures, 2);
    rig_wait(&r, 12u * 3600000u);
    rig_keys(&r, "111222#");
    rig_keys_as(&r, M0 "#", true);
    CHECK_EQ(rig_status(&r).failures, 3);
    rig_wait(&r, 12u * 3600000u + 1000);
    rig_keys_as(&r, M0 "#", true);
    CHECK_EQ(rig_bolt(&r), OL_BOLT_RETRACTED);
    CHECK_EQ(rig_status(&r).failures, 2);
    CHECK_EQ(r.bad_retracts, 0);
    ol_hostflash_close(&r.hf);
}

static void test_functions(void) {
    rig r;
    CHECK_EQ(rig_init(&r, 4), OL_OK);
    commission(&r);
    uint32_t from = rig_status(&r).audit_next_seq;
    // *02: the manager adds user 05.
    rig_keys(&r, "*02");
    CHECK(shows(&r, "MANAGER CODE"));
    rig_keys(&r, M0 "#");
    CHECK(shows(&r, "SLOT"));
    rig_keys(&r, "05");
    CHECK(shows(&r, "\\| 05$")); // slot numbers are echoed in clear
    rig_keys(&r, "#" U5 "#");
    CHECK(shows(&r, "REPEAT"));
    rig_keys(&r, U5 "#");
    CHECK(shows(&r, "CODE ADDED \\| SLOT 05"));
    CHECK_EQ(rig_status(&r).enrolled, 1u | 1u << 5);
    CHECK(audited_since(&r, from, OL_AUDIT_USER_ADDED, 5));
    // The user opens; a user is not a manager.
    rig_keys_as(&r, U5 "#", true);
    CHECK_EQ(rig_bolt(&r), OL_BOLT_RETRACTED);
    rig_wait(&r, 7000);
    rig_keys(&r, "*02" U5 "#");
    CHECK(shows(&r, "NOT A MANAGER \\| NOTHING CHANGED"));
    // Refusals change nothing. Those that tell about another person's code
    // (TOO LIKE ANOTHER) are counted, audited wrong tries (docs/POLICY.md).
    uint32_t enrolled = rig_status(&r).enrolled;
    struct {
        const char *keys, *says;
        bool wrong_try;
    } refusals[] = {
        {"*02" M0 "#32#", "NO SUCH SLOT", false},
        {"*02" M0 "#6#12345#", "6-12 DIGITS", false},
        {"*02" M0 "#6#1234567890123#", "6-12 DIGITS", false},
        {"*02" M0 "#6#000000#", "TOO SIMPLE", false},
        {"*02" M0 "#6#654321#", "TOO SIMPLE", false},
        {"*02" M0 "#6#264804#", "TOO LIKE ANOTHER", true}, // one digit from U5
        {"*02" M0 "#6#" U5 "#", "TOO LIKE ANOTHER", true},
        {"*02" M0 "#6#592046#592047#", "CODES DIFFER", false},
        {"*03" M0 "#7#", "SLOT EMPTY", false},
        {"*03" M0 "#0#", "LAST MANAGER", false},
        {"*03" M0 "#5#1#", "NOT CONFIRMED", false},
        {"*42", "NO FUNCTION 42", false},
        {"*01" M0 "#592046#*", "CANCELLED", false},
    };
    uint32_t failures = 0;
    for (unsigned i = 0; i < sizeof refusals / sizeof *refusals; i++) {
        uint32_t seq = rig_status(&r).audit_next_seq;
        rig_keys(&r, refusals[i].keys);
        CHECK(shows(&r, refusals[i].says));
        CHECK_EQ(rig_status(&r).enrolled, enrolled);
        failures += refusals[i].wrong_try;
        CHECK_EQ(rig_status(&r).failures, failures);
        CHECK_EQ(audited_since(&r, seq, OL_AUDIT_WRONG_CODE, 0xFF), refusals[i].wrong_try);
        rig_wait(&r, 3000);
    }
    CHECK_EQ(failures, 2);
    // A wrong manager code in a function is a wrong try.
    rig_keys(&r, "*02"
                 "555123#");
    CHECK(shows(&r, "WRONG CODE"));
    CHECK_EQ(rig_status(&r).failures, failures + 1);
    // A valid code given to a function neither counts nor lowers them.
    // *01: the user changes their own code; the old one stops working.
    from = rig_status(&r).audit_next_seq;
    rig_keys(&r, "*01" U5 "#592046#592046#");
    CHECK(shows(&r, "CODE CHANGED \\| SLOT 05"));
    CHECK(audited_since(&r, from, OL_AUDIT_CODE_CHANGED, 5));
    CHECK_EQ(rig_status(&r).failures, failures + 1);
    rig_keys(&r, U5 "#");
    CHECK_EQ(rig_bolt(&r), OL_BOLT_EXTENDED);
    CHECK_EQ(rig_status(&r).failures, failures + 2);
    rig_keys_as(&r, "592046#", true);
    CHECK_EQ(rig_bolt(&r), OL_BOLT_RETRACTED);
    // The opening takes back nothing: the run of wrong tries before it held
    // answers about other people's codes (TOO LIKE ANOTHER), never taken
    // back. Four quiet days forget the four.
    CHECK_EQ(rig_status(&r).failures, failures + 2);
    rig_wait(&r, 7000);
    for (int day = 0; day < 4; day++) {
        rig_wait(&r, 24u * 3600000u + 1000);
    }
    CHECK_EQ(rig_status(&r).failures, 0);
    // A second manager, then *03 deletes slot 05.
    rig_keys(&r, "*02" M0 "#01#" M1 "#" M1 "#");
    CHECK_EQ(rig_status(&r).enrolled, 1u | 2u | 1u << 5);
    from = rig_status(&r).audit_next_seq;
    rig_keys(&r, "*03" M1 "#05#");
    CHECK(shows(&r, "# TO DELETE"));
    rig_keys(&r, "#");
    CHECK(shows(&r, "CODE DELETED \\| SLOT 05"));
    CHECK_EQ(rig_status(&r).enrolled, 1u | 2u);
    CHECK(audited_since(&r, from, OL_AUDIT_USER_DELETED, 5));
    rig_keys(&r, "592046#");
    CHECK_EQ(rig_bolt(&r), OL_BOLT_EXTENDED);
    // A manager may delete the other manager, never the last one.
    rig_keys(&r, "*03" M1 "#00##");
    CHECK_EQ(rig_status(&r).enrolled, 2u);
    rig_keys(&r, "*03" M1 "#01##");
    CHECK(shows(&r, "LAST MANAGER"));
    // An unfinished function times out.
    rig_keys(&r, "*02" M1 "#");
    rig_wait(&r, OL_MENU_TIMEOUT_MS);
    CHECK(shows(&r, "TIMED OUT"));
    // Everything survives a power cycle.
    rig_power_cycle(&r, 1000);
    CHECK_EQ(rig_status(&r).enrolled, 2u);
    rig_keys_as(&r, M1 "#", true);
    CHECK_EQ(rig_bolt(&r), OL_BOLT_RETRACTED);
    CHECK_EQ(r.bad_retracts, 0);
    ol_hostflash_close(&r.hf);
}

// The flash holds no enrolled code in any encoding: ASCII, one digit per
// byte, packed BCD in either nibble order.
static int image_contains(const uint8_t *img, size_t len, const uint8_t *pat, size_t n) {
    for (size_t i = 0; i + n <= len; i++) {
        if (memcmp(img + i, pat, n) == 0) {
            return 1;
        }
    }
    return 0;
}

static int holds_code(const uint8_t *img, size_t len, const char *code) {
    size_t n = strlen(code);
    uint8_t raw[16], bcd[8], bcd_swapped[8];
    for (size_t i = 0; i < n; i++) {
        raw[i] = (uint8_t)(code[i] - '0');
    }
    for (size_t i = 0; i + 1 < n; i += 2) {
        bcd[i / 2] = (uint8_t)(raw[i] << 4 | raw[i + 1]);
        bcd_swapped[i / 2] = (uint8_t)(raw[i + 1] << 4 | raw[i]);
    }
    return image_contains(img, len, (const uint8_t *)code, n) || image_contains(img, len, raw, n) ||
           image_contains(img, len, bcd, n / 2) || image_contains(img, len, bcd_swapped, n / 2);
}

static void test_flash_holds_no_code(void) {
    rig r;
    CHECK_EQ(rig_init(&r, 5), OL_OK);
    commission(&r);
    rig_keys(&r, "*02" M0 "#05#" U5 "#" U5 "#");
    rig_keys_as(&r, U5 "#", true);
    size_t len = (size_t)OL_HOST_SECTOR_SIZE * OL_HOST_SECTORS;
    CHECK(!holds_code(r.hf.mem, len, M0));
    CHECK(!holds_code(r.hf.mem, len, U5));
    // The detector itself works: plant a code and find it.
    uint8_t *copy = malloc(len);
    memcpy(copy, r.hf.mem, len);
    memcpy(copy + 100, "\x26\x48\x03", 3);
    CHECK(holds_code(copy, len, U5));
    free(copy);
    ol_hostflash_close(&r.hf);
}

// The audit view (*09) shows every record but duress ones.
static void test_audit_view_hides_duress(void) {
    rig r;
    CHECK_EQ(rig_init(&r, 6), OL_OK);
    commission(&r);
    rig_keys(&r, "*06" M0 "#1#");
    rig_keys(&r, "*02" M0 "#05#" U5 "#" U5 "#");
    rig_keys_as(&r, "264804#", true); // U5's duress code
    CHECK_EQ(rig_bolt(&r), OL_BOLT_RETRACTED);
    CHECK(ol_lock_outputs(&r.lock)->alarm);
    rig_wait(&r, 7000);
    uint32_t records = rig_status(&r).audit_next_seq - 1, shown = 0, duress_shown = 0;
    rig_keys(&r, "*09" M0 "#");
    for (uint32_t i = 0; i < records + 2; i++) {
        const char *text = rig_display(&r);
        if (strstr(text, "END OF TRAIL")) {
            break;
        }
        shown++;
        duress_shown += strstr(text, "DURESS") != NULL;
        rig_keys(&r, "#");
    }
    CHECK(shows(&r, "END OF TRAIL"));
    CHECK_EQ(duress_shown, 0);
    CHECK_EQ(shown, records - 1); // every record but the one duress record
    ol_hostflash_close(&r.hf);
}

// Events the keypad link can never produce (it decodes strictly) are still
// refused by the engine itself: digits above 9, function numbers above 99.
// (fuzz_engine found that a last digit of 16, 26, ... read as a duress code.)
static void test_malformed_events(void) {
    rig r;
    CHECK_EQ(rig_init(&r, 8), OL_OK);
    commission(&r);
    rig_keys(&r, "*06" M0 "#1#");
    ol_event ev = {.type = OL_EV_ENTRY, .ndigits = 6, .digits = {4, 8, 2, 9, 1, 16}};
    CHECK_EQ(ol_lock_event(&r.lock, rig_now(&r), &ev), OL_ERR_ARG);
    ev.digits[5] = 36;
    CHECK_EQ(ol_lock_event(&r.lock, rig_now(&r), &ev), OL_ERR_ARG);
    CHECK_EQ(rig_bolt(&r), OL_BOLT_EXTENDED);
    CHECK(!ol_lock_outputs(&r.lock)->alarm);
    ol_event fn = {.type = OL_EV_FUNCTION, .function = 100};
    CHECK_EQ(ol_lock_event(&r.lock, rig_now(&r), &fn), OL_ERR_ARG);
    ol_event longer = {.type = OL_EV_ENTRY, .ndigits = OL_ENTRY_MAX_DIGITS + 1};
    CHECK_EQ(ol_lock_event(&r.lock, rig_now(&r), &longer), OL_ERR_ARG);
    CHECK_EQ(rig_status(&r).failures, 0); // refused before anything counted
    ol_hostflash_close(&r.hf);
}

int main(void) {
    test_malformed_events();
    test_audit_view_hides_duress();
    test_factory();
    test_open_and_relock();
    test_penalty();
    test_functions();
    test_flash_holds_no_code();
    return check_done("test_lock");
}
