// Timing side channel on the compare (2016; Plore, DEF CON 24, "Side-channel
// attacks on high-security electronic safe locks"; Sargent & Greenleaf Titan
// PivotBolt): the lock compared the entered code with the stored one digit by
// digit and stopped at the first wrong digit, so each right leading digit made
// its answer about 28 us later. Trying 0-9 in one position and keeping the
// slowest read the code a digit at a time, in tens of tries instead of a
// million. Stopped by invariant 3 (verification time and path do not depend
// on the code): every entry is MACed as a fixed-size input, and both its tags
// are compared with all 32 slots, every byte, with no early exit.

// The test mounts the attack with the most precise stopwatch there is: it
// counts the instructions the lock executes, under valgrind's callgrind, so a
// difference of one instruction shows. For a lock with three codes it measures
// the whole ENTRY event (what the attacker times, from '#' to the answer) for
// Plore's 60 probes (each position, each digit, the leading digits right), for
// wrong codes of other lengths, and for wrong codes whose tag shares its first
// one or two bytes with the enrolled code's tag (the worst case for an
// early-exit compare of tags); and the verification inside it (duress reading,
// both tags, the match against every slot: callgrind's --toggle-collect on the
// credential_* functions) for all of these plus the right codes and the duress
// reading. Every wrong entry must cost the same, and so must every
// verification: the attack learns nothing. The same attack on a copy of
// Titan's compare, measured the same way, must read that lock's code, which
// shows the measurement sees a leak of one loop iteration.
//
// usage: timing-side-channel VALGRIND (it runs itself under callgrind twice)
#define _POSIX_C_SOURCE 200809L // mkdtemp, fork/exec
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <valgrind/callgrind.h>

#include "check.h"
#include "core/credentials.h"
#include "ownerlock/lock.h"
#include "recovery_ack.h"

#define CODE_DIGITS 6
#define SECTOR_SIZE 4096u
#define SECTORS (OL_KEYS_FIRST_SECTOR + OL_KEYS_SECTORS)
#define PROBES_MAX 128

static const uint8_t CODE[CODE_DIGITS] = {4, 8, 2, 9, 1, 5};  // the one attacked, slot 00
static const uint8_t USER1[CODE_DIGITS] = {1, 9, 0, 2, 8, 3}; // slot 07
static const uint8_t USER2[8] = {6, 6, 1, 0, 6, 6, 1, 0};     // slot 12

// ---- a lock on a RAM flash (the host port is built with the sanitizers) -------------------
typedef struct ram_flash {
    ol_flash flash;
    uint8_t mem[SECTORS * SECTOR_SIZE];
} ram_flash;

static ol_err flash_read(void *ctx, uint32_t addr, void *buf, size_t len) {
    ram_flash *f = ctx;
    memcpy(buf, f->mem + addr, len);
    return OL_OK;
}

static ol_err flash_program(void *ctx, uint32_t addr, const void *buf, size_t len) {
    ram_flash *f = ctx;
    const uint8_t *in = buf;
    for (size_t i = 0; i < len; i++) {
        f->mem[addr + i] &= in[i];
    }
    return OL_OK;
}

static ol_err flash_erase(void *ctx, uint32_t sector) {
    ram_flash *f = ctx;
    memset(f->mem + (size_t)sector * SECTOR_SIZE, 0xFF, SECTOR_SIZE);
    return OL_OK;
}

static ol_err test_trng(void *ctx, uint8_t *buf, size_t len) {
    uint64_t *x = ctx; // xorshift64: NOT random, a test lock only
    for (size_t i = 0; i < len; i++) {
        *x ^= *x << 13;
        *x ^= *x >> 7;
        *x ^= *x << 17;
        buf[i] = (uint8_t)(*x >> 32);
    }
    return OL_OK;
}

static uint32_t rtc_fixed(void *ctx) {
    (void)ctx;
    return 1767225600u; // 2026-01-01: every run the same
}

typedef struct rig {
    ram_flash flash;
    uint64_t rng;
    ol_platform plat;
    ol_lock lock;
    uint64_t now;
} rig;

static rig r;
static ram_flash flash_copy; // the snapshot every probe starts from
static ol_lock lock_copy;

static void event(const ol_event *ev) {
    r.now += 1000;
    CHECK_EQ(ol_lock_event(&r.lock, r.now, ev), OL_OK);
}

static void entry(const uint8_t *digits, uint8_t n) {
    ol_event ev = {.type = OL_EV_ENTRY, .ndigits = n};
    if (n) {
        memcpy(ev.digits, digits, n);
    }
    event(&ev);
}

// The recovery hand-over (recovery_ack.h) on the bare engine: the display is
// the lock's own output, and the keys are sent as the keypad sends them (the
// digits before each '#' are one entry).
static const char *lock_display(void *ctx) {
    (void)ctx;
    static char text[2 * OL_DISPLAY_COLS + 4];
    const ol_outputs *o = ol_lock_outputs(&r.lock);
    snprintf(text, sizeof text, "%s | %s", o->line[0], o->line[1]);
    return text;
}

static void lock_keys(void *ctx, const char *keys) {
    (void)ctx;
    uint8_t d[OL_ENTRY_MAX_DIGITS];
    uint8_t n = 0;
    for (const char *k = keys; *k; k++) {
        if (*k >= '0' && *k <= '9' && n < OL_ENTRY_MAX_DIGITS) {
            d[n++] = (uint8_t)(*k - '0');
        } else if (*k == '#') {
            entry(d, n);
            n = 0;
        }
    }
}

static void enroll(uint8_t slot, const uint8_t *code, uint8_t n) {
    ol_event fn = {.type = OL_EV_FUNCTION, .function = 2};
    event(&fn);
    entry(CODE, CODE_DIGITS);
    uint8_t ss[2] = {(uint8_t)(slot / 10), (uint8_t)(slot % 10)};
    entry(ss, 2);
    entry(code, n);
    entry(code, n);
}

// A commissioned lock, door shut, bolt thrown: CODE in slot 00, two users.
static void setup(void) {
    memset(&r, 0, sizeof r);
    r.flash.flash =
        (ol_flash){&r.flash, SECTOR_SIZE, SECTORS, flash_read, flash_program, flash_erase};
    for (uint32_t s = 0; s < SECTORS; s++) {
        flash_erase(&r.flash, s);
    }
    r.rng = 0x0123456789ABCDEFu;
    r.plat = (ol_platform){&r.flash.flash, test_trng, &r.rng, rtc_fixed, NULL, NULL, NULL, false};
    CHECK_EQ(ol_lock_boot(&r.lock, &r.plat, 0, true), OL_OK);
    entry(CODE, CODE_DIGITS);
    entry(CODE, CODE_DIGITS);
    ol_event tick = {.type = OL_EV_TICK};
    r.now += OL_MESSAGE_MS;
    event(&tick);
    CHECK(recovery_ack(NULL, lock_display, lock_keys, NULL)); // paged, then typed back
    enroll(7, USER1, CODE_DIGITS);
    enroll(12, USER2, sizeof USER2);
    ol_event door = {.type = OL_EV_DOOR, .door_open = false};
    event(&door);
    r.now += 10000;
    event(&tick);
    ol_status st;
    ol_lock_status(&r.lock, &st);
    CHECK(st.commissioned);
    CHECK_EQ(st.enrolled, (1u << 0) | (1u << 7) | (1u << 12));
    CHECK_EQ(st.failures, 0);
    CHECK_EQ(ol_lock_outputs(&r.lock)->bolt, OL_BOLT_EXTENDED);
    flash_copy = r.flash;
    lock_copy = r.lock;
}

// ---- probes --------------------------------------------------------------------------------
typedef struct probe {
    char label[48];
    uint8_t digits[OL_ENTRY_MAX_DIGITS];
    uint8_t n;
    bool right; // a credential that opens
} probe;

static probe probes[PROBES_MAX];
static unsigned n_probes;

__attribute__((format(printf, 4, 5))) static probe *add_probe(bool right, const uint8_t *digits,
                                                              uint8_t n, const char *fmt, ...) {
    CHECK(n_probes < PROBES_MAX);
    probe *p = &probes[n_probes < PROBES_MAX ? n_probes++ : PROBES_MAX - 1];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->label, sizeof p->label, fmt, ap);
    va_end(ap);
    memset(p->digits, 0, sizeof p->digits);
    memcpy(p->digits, digits, n);
    p->n = n;
    p->right = right;
    return p;
}

// Plore's probe for digit d in position pos: the leading digits right, then
// d, then digits that are all wrong.
static void plore_probe(uint8_t out[CODE_DIGITS], unsigned pos, uint8_t d) {
    for (unsigned i = 0; i < CODE_DIGITS; i++) {
        out[i] = i < pos ? CODE[i] : (uint8_t)((CODE[i] + 5u) % 10u);
    }
    out[pos] = d;
}

// Wrong 6-digit codes whose tag, or whose duress reading's tag, begins with
// the same `bytes` bytes as slot 00's tag. Found by trying codes in order.
static bool tag_prefix_code(unsigned bytes, bool duress, uint8_t out[CODE_DIGITS]) {
    for (uint32_t c = 0; c < 1000000u; c++) {
        uint8_t d[OL_ENTRY_MAX_DIGITS] = {0}, v[OL_ENTRY_MAX_DIGITS], tag[OL_TAG_BYTES];
        for (unsigned i = 0, x = c; i < CODE_DIGITS; i++, x /= 10) {
            d[CODE_DIGITS - 1 - i] = (uint8_t)(x % 10);
        }
        ol_credential_duress_variant(v, d, CODE_DIGITS);
        ol_credential_tag(tag, r.lock.device_key, duress ? v : d, CODE_DIGITS);
        unsigned same = 0;
        while (same < OL_TAG_BYTES && tag[same] == r.lock.tags[0][same]) {
            same++;
        }
        if (same == bytes) {
            memcpy(out, d, CODE_DIGITS);
            return true;
        }
    }
    return false;
}

// The three tag-prefix codes: slot 00's tag's first byte, its first two
// bytes, and its first byte from a duress reading. The search takes a few
// hundred million instructions, so it runs once, outside valgrind, and the
// codes are handed to the measuring run.
typedef uint8_t prefix_codes[3][CODE_DIGITS];

static void find_prefix_codes(prefix_codes out) {
    CHECK(tag_prefix_code(1, false, out[0]));
    CHECK(tag_prefix_code(2, false, out[1]));
    CHECK(tag_prefix_code(1, true, out[2]));
}

static void make_probes(prefix_codes found) {
    uint8_t d[OL_ENTRY_MAX_DIGITS];
    for (unsigned pos = 0; pos < CODE_DIGITS; pos++) {
        for (uint8_t digit = 0; digit < 10; digit++) {
            plore_probe(d, pos, digit);
            bool right = pos == CODE_DIGITS - 1 && digit == CODE[pos];
            add_probe(right, d, CODE_DIGITS, "plore:%u:%u", pos, digit);
        }
    }
    const uint8_t lengths[] = {1, 5, 7, 8, 12, OL_ENTRY_MAX_DIGITS};
    for (size_t i = 0; i < sizeof lengths; i++) {
        for (uint8_t k = 0; k < lengths[i]; k++) {
            d[k] = k < CODE_DIGITS ? CODE[k] : (uint8_t)(k % 10);
        }
        add_probe(false, d, lengths[i], "wrong, %u digits, the code's first", lengths[i]);
    }
    add_probe(false, found[0], CODE_DIGITS, "wrong, its tag shares 1 byte");
    add_probe(false, found[1], CODE_DIGITS, "wrong, its tag shares 2 bytes");
    add_probe(false, found[2], CODE_DIGITS, "wrong, its duress tag shares 1 byte");
    memcpy(d, CODE, CODE_DIGITS);
    d[CODE_DIGITS - 1] = (uint8_t)((d[CODE_DIGITS - 1] + 1) % 10);
    add_probe(false, d, CODE_DIGITS, "duress reading, duress off");
    add_probe(true, USER1, CODE_DIGITS, "right, slot 07");
    add_probe(true, USER2, sizeof USER2, "right, slot 12");
}

// ---- Titan's compare, as Plore described it -------------------------------------------------
__attribute__((noinline)) static int titan_compare(const uint8_t *stored, const uint8_t *entered) {
    for (int i = 0; i < CODE_DIGITS; i++) {
        if (stored[i] != entered[i]) {
            return 0; // the first wrong digit ends it
        }
    }
    return 1;
}

// ---- under callgrind: one dump per probe ----------------------------------------------------
// "lock:N" the ENTRY event of probe N from the snapshot; "titan:N" the
// reference compare of Plore's probe N. A first, unlabelled run of each warms
// up whatever runs once (lazy binding, first touches).
static volatile int titan_sink;

static int measure(void) {
    char label[32];
    for (int warm = 1; warm >= 0; warm--) {
        for (unsigned i = 0; i < n_probes; i++) {
            ol_event ev = {.type = OL_EV_ENTRY, .ndigits = probes[i].n};
            memcpy(ev.digits, probes[i].digits, sizeof ev.digits);
            r.flash = flash_copy; // the lock's pointers are into r: still right
            r.lock = lock_copy;
            snprintf(label, sizeof label, "lock:%u", i);
            CALLGRIND_ZERO_STATS;
            ol_err err = ol_lock_event(&r.lock, r.now + 1000, &ev);
            if (!warm) {
                CALLGRIND_DUMP_STATS_AT(label);
            }
            CHECK_EQ(err, OL_OK);
            CHECK_EQ(ol_lock_outputs(&r.lock)->bolt,
                     probes[i].right ? OL_BOLT_RETRACTED : OL_BOLT_EXTENDED);
        }
        for (unsigned i = 0; i < CODE_DIGITS * 10; i++) {
            snprintf(label, sizeof label, "titan:%u", i);
            CALLGRIND_ZERO_STATS;
            titan_sink = titan_compare(CODE, probes[i].digits);
            if (!warm) {
                CALLGRIND_DUMP_STATS_AT(label);
            }
        }
    }
    return check_done("timing-side-channel (measured)");
}

// ---- outside: run the measurements, read the counts, mount the attack ------------------------
typedef struct counts {
    uint64_t lock[PROBES_MAX];
    uint64_t titan[CODE_DIGITS * 10];
    unsigned seen;
} counts;

// Read every dump callgrind wrote to prefix.1, prefix.2, ...
static void read_dumps(const char *prefix, counts *c) {
    memset(c, 0, sizeof *c);
    for (unsigned k = 1;; k++) {
        char path[512];
        snprintf(path, sizeof path, "%s.%u", prefix, k);
        FILE *f = fopen(path, "r");
        if (!f) {
            break;
        }
        char line[512], kind[16] = "";
        unsigned index = 0;
        uint64_t total = 0;
        bool labelled = false, counted = false;
        while (fgets(line, sizeof line, f)) {
            if (sscanf(line, "desc: Trigger: Client Request: %15[a-z]:%u", kind, &index) == 2) {
                labelled = true;
            }
            // "summary:" is what was collected between the zeroing and the
            // dump. (callgrind's closing "totals:" line can also hold cost
            // from before the zeroing, in the first dump of a run.)
            unsigned long long t;
            if (sscanf(line, "summary: %llu", &t) == 1) {
                total = t;
                counted = true;
            }
        }
        fclose(f);
        remove(path);
        CHECK(labelled && counted);
        if (labelled && strcmp(kind, "lock") == 0 && index < PROBES_MAX) {
            c->lock[index] = total;
            c->seen++;
        } else if (labelled && strcmp(kind, "titan") == 0 && index < CODE_DIGITS * 10) {
            c->titan[index] = total;
            c->seen++;
        }
    }
}

static int run_callgrind(const char *valgrind, const char *self, const char *out,
                         const char *const extra[], const char *codes) {
    char out_opt[600];
    snprintf(out_opt, sizeof out_opt, "--callgrind-out-file=%s", out);
    const char *argv[16] = {valgrind, "--tool=callgrind", "--quiet", out_opt};
    int argc = 4;
    for (int i = 0; extra[i]; i++) {
        argv[argc++] = extra[i];
    }
    argv[argc++] = self;
    argv[argc++] = "--measure";
    argv[argc++] = codes;
    argv[argc] = NULL;
    pid_t pid = fork();
    if (pid == 0) {
        setenv("LD_BIND_NOW", "1", 1);
        execv(valgrind, (char *const *)argv);
        perror(valgrind);
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

// Plore's attack on one set of counts: in each position keep the digit that
// took longest (the leading digits known). Returns the digits recovered, or
// -1 at the first position where no single digit stands out.
static int plore_attack(const uint64_t counts_by_probe[CODE_DIGITS * 10]) {
    int recovered = 0;
    for (unsigned pos = 0; pos < CODE_DIGITS; pos++) {
        unsigned best = 0, ties = 0;
        for (unsigned d = 0; d < 10; d++) {
            uint64_t c = counts_by_probe[pos * 10 + d];
            if (c > counts_by_probe[pos * 10 + best]) {
                best = d;
                ties = 0;
            } else if (d != best && c == counts_by_probe[pos * 10 + best]) {
                ties++;
            }
        }
        if (ties || best != CODE[pos]) {
            return recovered ? recovered : -1;
        }
        recovered++;
    }
    return recovered;
}

int main(int argc, char **argv) {
    setup();
    prefix_codes found;
    if (argc == 3 && strcmp(argv[1], "--measure") == 0) {
        // Under callgrind: the tag-prefix codes as "dddddd dddddd dddddd".
        CHECK_EQ(strlen(argv[2]), 3 * (CODE_DIGITS + 1) - 1);
        for (unsigned k = 0; k < 3; k++) {
            for (unsigned i = 0; i < CODE_DIGITS; i++) {
                found[k][i] = (uint8_t)(argv[2][k * (CODE_DIGITS + 1) + i] - '0');
            }
        }
        make_probes(found);
        return measure();
    }
    if (argc != 2) {
        fprintf(stderr, "usage: %s VALGRIND\n", argv[0]);
        return 2;
    }
    find_prefix_codes(found);
    make_probes(found);
    char codes[3 * (CODE_DIGITS + 1)];
    for (unsigned k = 0; k < 3; k++) {
        for (unsigned i = 0; i < CODE_DIGITS; i++) {
            codes[k * (CODE_DIGITS + 1) + i] = (char)('0' + found[k][i]);
        }
        codes[k * (CODE_DIGITS + 1) + CODE_DIGITS] = k < 2 ? ' ' : '\0';
    }
    char dir[] = "/tmp/ol-timing-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char event_out[300], verify_out[300];
    snprintf(event_out, sizeof event_out, "%s/event", dir);
    snprintf(verify_out, sizeof verify_out, "%s/verify", dir);
    // The whole event, and the verification alone: only the functions that
    // see the entry or the tags.
    const char *whole[] = {NULL};
    const char *inner[] = {"--collect-atstart=no",
                           "--toggle-collect=ol_credential_duress_variant",
                           "--toggle-collect=ol_credential_tag",
                           "--toggle-collect=ol_credential_match",
                           "--toggle-collect=ol_credential_slot_of",
                           NULL};
    CHECK_EQ(run_callgrind(argv[1], argv[0], event_out, whole, codes), 0);
    CHECK_EQ(run_callgrind(argv[1], argv[0], verify_out, inner, codes), 0);
    static counts event, verify;
    read_dumps(event_out, &event);
    read_dumps(verify_out, &verify);
    remove(event_out);
    remove(verify_out);
    rmdir(dir);
    CHECK_EQ(event.seen, n_probes + CODE_DIGITS * 10);
    CHECK_EQ(verify.seen, n_probes + CODE_DIGITS * 10);

    // The reference: Titan's compare leaks, and the attack reads the code.
    int titan_digits = plore_attack(event.titan);
    CHECK_EQ(titan_digits, CODE_DIGITS);

    // ownerlock: every wrong entry costs the same, every verification too.
    uint64_t wrong = 0, right = 0, inner_cost = verify.lock[0];
    unsigned wrong_n = 0, differ = 0;
    for (unsigned i = 0; i < n_probes; i++) {
        if (!probes[i].right) {
            wrong = wrong ? wrong : event.lock[i];
            wrong_n++;
            if (event.lock[i] != wrong) {
                differ++;
                fprintf(stderr, "timing: '%s' took %llu instructions, not %llu\n", probes[i].label,
                        (unsigned long long)event.lock[i], (unsigned long long)wrong);
            }
        } else {
            right = event.lock[i];
        }
        if (verify.lock[i] != inner_cost) {
            differ++;
            fprintf(stderr, "timing: verifying '%s' took %llu instructions, not %llu\n",
                    probes[i].label, (unsigned long long)verify.lock[i],
                    (unsigned long long)inner_cost);
        }
    }
    CHECK_EQ(differ, 0);
    CHECK(wrong > inner_cost && inner_cost > 10000); // the counts are real
    // Plore's attack on ownerlock, the right code's own answer aside (it opens).
    uint64_t lock_plore[CODE_DIGITS * 10];
    for (unsigned i = 0; i < CODE_DIGITS * 10; i++) {
        lock_plore[i] = probes[i].right ? wrong : event.lock[i];
    }
    int lock_digits = plore_attack(lock_plore);
    CHECK_EQ(lock_digits, -1);

    uint64_t titan_min = UINT64_MAX, titan_max = 0;
    for (unsigned i = 0; i < CODE_DIGITS * 10; i++) {
        titan_min = event.titan[i] < titan_min ? event.titan[i] : titan_min;
        titan_max = event.titan[i] > titan_max ? event.titan[i] : titan_max;
    }
    printf("timing: Titan's compare: %llu to %llu instructions, Plore's attack read %d of %d"
           " digits. ownerlock, %u wrong entries (Plore's probes, other lengths, tag-prefix"
           " collisions, the duress reading): %llu instructions each, an opening %llu; the"
           " verification: %llu for each of %u entries, right codes included; %u differ;"
           " Plore's attack read %d digits\n",
           (unsigned long long)titan_min, (unsigned long long)titan_max, titan_digits, CODE_DIGITS,
           wrong_n, (unsigned long long)wrong, (unsigned long long)right,
           (unsigned long long)inner_cost, n_probes, differ, lock_digits < 0 ? 0 : lock_digits);
    return check_done("timing-side-channel");
}
