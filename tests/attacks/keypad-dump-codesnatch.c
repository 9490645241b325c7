// Debug-port dump of the keypad, "CodeSnatch" (2025; J. Rowley and M. Omo,
// DEF CON 33; Securam ProLogic): a small tool plugged into a debug port behind
// the keypad's battery door read the keypad's memory (on newer units its
// password was bypassed by voltage glitching) and took the lock's "super code"
// out of it: the keypad held codes. Stopped by invariants 2 and 6 (codes are
// never stored in clear; the keypad is untrusted): the keypad holds no code,
// no tag and no key that opens anything, only its own link key pair and the
// lock body's public key; the lock body keeps codes only as MACs
// (tests/shell/dump-no-code.sh dumps its flash).

// The test dumps the whole keypad unit, RAM and flash, during and after a
// session in which codes of 6, 8 and 12 digits are enrolled, typed, mistyped
// and left half-typed, and the recovery code is shown. Its RAM is the
// ol_keypad_unit and every byte of its stack: the keypad runs on a thread
// whose stack the test owns. One dump is taken at the worst instant of each
// opening: the sealed entry has just left and the lock body has not answered.
// No code, no recovery code, no tag, no device key and no lock-body key may
// appear in any dump, in any encoding (those of tests/shell/codes.inc). While
// a field is being typed the keypad holds its digits (it must, to send them);
// it wipes them when the field is sent or dropped, and no dump is taken then.
// Then the dumped flash is put into an attacker's keypad, which the lock body
// takes for its paired keypad: the attacker can seal any message, and still
// every function, malformed or crafted message opens nothing and changes no
// code, every entry is a counted wrong try (five bring a lockout), and only
// the owner's code opens.
// Not covered, by design: the RAM of a powered keypad also holds the keys of
// its current session, which decrypt that session's frames if the attacker
// also recorded them on the cable (much as a tap inside the keypad would see
// the keys pressed). Earlier sessions stay sealed: their keys were never
// stored, and the handshake's ephemeral secrets are wiped (docs/PROTOCOL.md).
#define _POSIX_C_SOURCE 200809L // pthread_attr_setstack
#include <pthread.h>

#include "cable.h"

// ---- the keypad unit on a thread of its own ------------------------------------------------
// Every keypad call runs on a thread whose stack is ours, so that what the
// keypad leaves in its stack (the dead frames below the live ones) can be read
// afterwards, as a debug-port dump of its RAM would. The lock body runs on the
// main thread: its stack is not the keypad's.
#define KEYPAD_STACK (1u << 20)

typedef enum job_kind { JOB_NONE, JOB_CALL, JOB_DISPLAY, JOB_QUIT } job_kind;

typedef struct keypad_thread {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    job_kind job;
    bench *b;
    void (*call)(void *arg); // JOB_CALL: a call of the rig into the keypad unit
    void *arg;
    char shown[2][OL_DISPLAY_COLS + 1];
    uint8_t *stack;
} keypad_thread;

static keypad_thread kt;

// The display is drawn from the keypad's own stack, as its firmware draws it.
static void draw(keypad_thread *k) {
    char line[2][OL_DISPLAY_COLS + 1];
    ol_keypad_unit_display(&k->b->keypad, line);
    memcpy(k->shown, line, sizeof line);
}

static void *keypad_main(void *arg) {
    keypad_thread *k = arg;
    pthread_mutex_lock(&k->mu);
    for (;;) {
        while (k->job == JOB_NONE) {
            pthread_cond_wait(&k->cv, &k->mu);
        }
        if (k->job == JOB_CALL) {
            k->call(k->arg);
        } else if (k->job == JOB_DISPLAY) {
            draw(k);
        }
        bool quit = k->job == JOB_QUIT;
        k->job = JOB_NONE;
        pthread_cond_broadcast(&k->cv);
        if (quit) {
            break;
        }
    }
    pthread_mutex_unlock(&k->mu);
    return NULL;
}

static void run_on_keypad(job_kind job) {
    pthread_mutex_lock(&kt.mu);
    kt.job = job;
    pthread_cond_broadcast(&kt.cv);
    while (kt.job != JOB_NONE) {
        pthread_cond_wait(&kt.cv, &kt.mu);
    }
    pthread_mutex_unlock(&kt.mu);
}

static void keypad_thread_start(bench *b) {
    kt.b = b;
    kt.stack = aligned_alloc(4096, KEYPAD_STACK);
    CHECK(kt.stack != NULL);
    memset(kt.stack, 0, KEYPAD_STACK);
    pthread_mutex_init(&kt.mu, NULL);
    pthread_cond_init(&kt.cv, NULL);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    CHECK_EQ(pthread_attr_setstack(&attr, kt.stack, KEYPAD_STACK), 0);
    CHECK_EQ(pthread_create(&kt.thread, &attr, keypad_main, &kt), 0);
    pthread_attr_destroy(&attr);
}

static void keypad_thread_stop(void) {
    run_on_keypad(JOB_QUIT);
    pthread_join(kt.thread, NULL);
    free(kt.stack);
}

// The rig (cable.h) makes every call into the keypad unit through this.
static void on_keypad_thread(void *ctx, void (*call)(void *arg), void *arg) {
    (void)ctx;
    kt.call = call;
    kt.arg = arg;
    run_on_keypad(JOB_CALL);
}

// ---- looking for secrets in bytes ------------------------------------------------------------
typedef struct needle {
    char what[48];
    uint8_t bytes[32];
    size_t len;
} needle;

#define NEEDLES_MAX 64
static needle needles[NEEDLES_MAX];
static unsigned n_needles;

static void add_needle(const char *what, const uint8_t *bytes, size_t len) {
    CHECK(n_needles < NEEDLES_MAX && len <= sizeof needles[0].bytes);
    if (n_needles < NEEDLES_MAX && len <= sizeof needles[0].bytes) {
        needle *nd = &needles[n_needles++];
        snprintf(nd->what, sizeof nd->what, "%s", what);
        memcpy(nd->bytes, bytes, len);
        nd->len = len;
    }
}

// The encodings tests/shell/codes.inc looks for: ASCII, a digit per byte,
// packed BCD high nibble first and low nibble first (an odd last digit fills
// the high, resp. low, nibble alone).
static void add_code(const char *code) {
    size_t n = strlen(code);
    uint8_t digit[32], bcd_hi[16] = {0}, bcd_lo[16] = {0};
    for (size_t i = 0; i < n; i++) {
        uint8_t d = (uint8_t)(code[i] - '0');
        digit[i] = d;
        bcd_hi[i / 2] |= (uint8_t)(i % 2 ? d : d << 4);
        bcd_lo[i / 2] |= (uint8_t)(i % 2 ? d << 4 : d);
    }
    char what[48];
    snprintf(what, sizeof what, "%s as ASCII", code);
    add_needle(what, (const uint8_t *)code, n);
    snprintf(what, sizeof what, "%s a digit per byte", code);
    add_needle(what, digit, n);
    // A BCD match must cover whole bytes: leave out an odd last digit.
    snprintf(what, sizeof what, "%s as BCD", code);
    add_needle(what, bcd_hi, n / 2);
    snprintf(what, sizeof what, "%s as BCD, low nibble first", code);
    add_needle(what, bcd_lo, n / 2);
}

// Bytes are read as a dump reads them, whatever the sanitizer thinks of a
// dead stack frame.
__attribute__((no_sanitize_address)) static size_t find(const uint8_t *hay, size_t n,
                                                        const uint8_t *pat, size_t m) {
    for (size_t i = 0; i + m <= n; i++) {
        size_t j = 0;
        while (j < m && hay[i + j] == pat[j]) {
            j++;
        }
        if (j == m) {
            return i;
        }
    }
    return SIZE_MAX;
}

__attribute__((no_sanitize_address)) static void raw_copy(uint8_t *dst, const uint8_t *src,
                                                          size_t n) {
    for (size_t i = 0; i < n; i++) {
        dst[i] = src[i];
    }
}

// Bytes of the keypad's stack ever written (it was zeroed before the start).
__attribute__((no_sanitize_address)) static size_t stack_touched(const uint8_t *stack, size_t n) {
    size_t untouched = 0;
    while (untouched < n && stack[untouched] == 0) {
        untouched++;
    }
    return n - untouched;
}

// How many needles are in this dump; each one found is reported.
static unsigned search(const char *dump_name, const uint8_t *dump, size_t n) {
    unsigned found = 0;
    for (unsigned i = 0; i < n_needles; i++) {
        size_t at = find(dump, n, needles[i].bytes, needles[i].len);
        if (at != SIZE_MAX) {
            fprintf(stderr, "keypad dump: %s found in the %s at offset %zu\n", needles[i].what,
                    dump_name, at);
            found++;
        }
    }
    return found;
}

// ---- the attacker's keypad -----------------------------------------------------------------
// With the stolen key pair the attacker need not press keys: any message can
// be sealed and sent. Each is checked against the bolt at once.
static unsigned forged_sent;

static void send_message(bench *b, const uint8_t msg[OL_MSG_BYTES]) {
    uint8_t wire[OL_FRAME_MAX_WIRE];
    size_t len = 0;
    CHECK_EQ(ol_session_keypad_send(&b->keypad.link, msg, wire, &len), OL_OK);
    CHECK(safe_rig_inject(b, wire, len));
    advance(b, 200);
    CHECK_EQ(bolt(b), OL_BOLT_EXTENDED);
    forged_sent++;
}

// The keypad's display, drawn on its own thread: "LINE 1 | LINE 2".
static const char *keypad_display_cb(void *ctx) {
    (void)ctx;
    static char text[2 * OL_DISPLAY_COLS + 4];
    run_on_keypad(JOB_DISPLAY);
    snprintf(text, sizeof text, "%s | %s", kt.shown[0], kt.shown[1]);
    return text;
}

static void keypad_keys_cb(void *ctx, const char *keys_typed) {
    keys(ctx, keys_typed);
}

static void capture_recovery(bench *b, char *out) {
    // "RECOVERY 1/5 | 1234 5", a group per '#', read off the keypad's display
    // and typed back (recovery_ack.h): the owner's digits pass through the
    // keypad twice, and the dumps below must hold none of them.
    char groups[OL_RECOVERY_GROUPS][RECOVERY_ACK_GROUP_CAP];
    CHECK(recovery_ack(b, keypad_display_cb, keypad_keys_cb, groups));
    for (int g = 0; g < 5; g++) {
        memcpy(out + 5 * g, groups[g], 5);
        char group[7];
        memcpy(group, groups[g], 4); // "1234 5" as shown, ASCII
        group[4] = ' ';
        group[5] = groups[g][4];
        group[6] = '\0';
        add_needle("a recovery group as shown", (const uint8_t *)group, 6);
    }
    out[25] = '\0';
}

// ---- the dump ---------------------------------------------------------------------------
// The keypad's RAM (its ol_keypad_unit and every byte of its stack) and its
// flash, searched for every needle. Returns how many were found.
static unsigned dumps, dumps_found;
static size_t ram_bytes, flash_bytes;

static unsigned dump_keypad(bench *b, const char *when) {
    static ol_keypad_unit ram;
    ram = b->keypad;
    ram_bytes = sizeof ram;
    flash_bytes = (size_t)OL_HOST_SECTOR_SIZE * OL_KEYPAD_SECTORS;
    unsigned found = search("keypad RAM (ol_keypad_unit)", (const uint8_t *)&ram, sizeof ram);
    found += search("keypad stack", kt.stack, KEYPAD_STACK);
    found += search("keypad flash", b->keypad_flash.mem, flash_bytes);
    if (found) {
        fprintf(stderr, "keypad dump: the dump %s held %u of them\n", when, found);
    }
    dumps++;
    dumps_found += found;
    return found;
}

// Type a field and dump the keypad at the worst instant: its message has
// just left, sealed, and the lock body has not answered yet.
static void type_then_dump(bench *b, const char *field, const char *when) {
    size_t n = strlen(field);
    char head_keys[32];
    CHECK(n >= 1 && n < sizeof head_keys && field[n - 1] == '#');
    memcpy(head_keys, field, n - 1);
    head_keys[n - 1] = '\0';
    keys(b, head_keys);
    safe_rig_press(b, '#');
    dump_keypad(b, when);
    pump(b);
    advance(b, 200);
}

int main(void) {
    static bench b;
    bench_open(&b);
    keypad_thread_start(&b);
    bench_boot_lock(&b, 71);
    b.hooks.keypad = on_keypad_thread;
    boot_keypad(&b, 72);
    advance(&b, 500);

    // The session: commissioning (the keypad shows the recovery code), three
    // more codes, each code opening, wrong codes of several lengths, a
    // function, and a code left half-typed until the keypad drops it. While a
    // field is being typed the keypad holds its digits (it must, to send
    // them); it wipes them when the field is sent or dropped.
    const char *codes[] = {"482915", "190283", "66106610", "735196428317"};
    for (size_t i = 0; i < sizeof codes / sizeof *codes; i++) {
        add_code(codes[i]);
    }
    keys(&b, "482915#482915#");
    advance(&b, 3000);
    char recovery[26];
    capture_recovery(&b, recovery);
    add_code(recovery);
    char recovery_digits[21]; // without the check digits
    for (int g = 0; g < 5; g++) {
        memcpy(recovery_digits + 4 * g, recovery + 5 * g, 4);
    }
    recovery_digits[20] = '\0';
    add_code(recovery_digits);
    keys(&b, "*02 482915# 07# 190283# 190283#");
    keys(&b, "*02 482915# 12# 66106610# 66106610#");
    keys(&b, "*02 482915# 13# 735196428317# 735196428317#");
    door(&b, false);
    advance(&b, 2000);
    CHECK_EQ(bolt(&b), OL_BOLT_EXTENDED);

    // What else a dump must not hold: the lock body's secrets.
    ol_lock *lock = &b.body.lock;
    add_needle("the device key", lock->device_key, sizeof lock->device_key);
    for (uint32_t s = 0; s < OL_SLOTS; s++) {
        if (lock->enrolled & (1u << s)) {
            add_needle("a code tag", lock->tags[s], OL_TAG_BYTES);
        }
    }
    add_needle("the recovery tag", lock->recovery_tag, OL_TAG_BYTES);
    add_needle("the lock body's link secret", lock->link_id, 32);
    dump_keypad(&b, "after commissioning and enrolling");

    for (size_t i = 0; i < sizeof codes / sizeof *codes; i++) {
        char field[20], when[64];
        snprintf(field, sizeof field, "%s#", codes[i]);
        snprintf(when, sizeof when, "as the entry of %s left the keypad", codes[i]);
        type_then_dump(&b, field, when);
        CHECK_EQ(bolt(&b), OL_BOLT_RETRACTED);
        dump_keypad(&b, "once the lock body had answered");
        advance(&b, 7000);
        CHECK_EQ(bolt(&b), OL_BOLT_EXTENDED);
    }
    keys(&b, "5# 52741# 4829150# 7351964283170#");
    type_then_dump(&b, "*09 482915#", "as a manager code left the keypad in a function");
    keys(&b, "*");
    keys(&b, "48291");
    advance(&b, OL_KEYPAD_IDLE_MS + 1000);
    dump_keypad(&b, "after a half-typed code was dropped");
    keys(&b, "482915#");
    CHECK_EQ(bolt(&b), OL_BOLT_RETRACTED);
    advance(&b, 7000);
    CHECK_EQ(count_audit(&b, OL_AUDIT_OPEN), 5);
    dump_keypad(&b, "at the end of the session");
    CHECK_EQ(dumps_found, 0);

    // The search finds what is there: the keypad's own key pair is in its
    // flash, and a code planted in a copy of the stack is found in each
    // encoding.
    size_t flash_size = (size_t)OL_HOST_SECTOR_SIZE * OL_KEYPAD_SECTORS;
    CHECK(find(b.keypad_flash.mem, flash_size, b.keypad.link.s.id.secret, OL_LINK_KEY_BYTES) !=
          SIZE_MAX);
    unsigned planted = 0;
    uint8_t *copy = malloc(KEYPAD_STACK);
    for (unsigned i = 0; i < 4; i++) {
        raw_copy(copy, kt.stack, KEYPAD_STACK);
        memcpy(copy + 1000 + 77 * i, needles[i].bytes, needles[i].len);
        planted += find(copy, KEYPAD_STACK, needles[i].bytes, needles[i].len) != SIZE_MAX;
    }
    free(copy);
    CHECK_EQ(planted, 4);
    size_t stack_used = stack_touched(kt.stack, KEYPAD_STACK);
    CHECK(stack_used > 1024); // the keypad's calls did run on this stack

    // The attacker's keypad, made from the dump: the real one is taken off
    // and a unit holding the dumped flash (the keypad's key pair and the
    // pinned body key) is fitted in its place. The lock body takes it for its
    // paired keypad.
    uint8_t *flash = malloc(flash_size);
    memcpy(flash, b.keypad_flash.mem, flash_size);
    uint32_t paired = count_audit(&b, OL_AUDIT_KEYPAD_PAIRED);
    uint32_t rejected = count_audit(&b, OL_AUDIT_KEYPAD_REJECTED);
    safe_rig_keypad_unplug(&b);
    ol_hostflash_close(&b.keypad_flash);
    CHECK_EQ(ol_hostflash_open(&b.keypad_flash, NULL, OL_HOST_SECTOR_SIZE, OL_KEYPAD_SECTORS),
             OL_OK);
    memcpy(b.keypad_flash.mem, flash, flash_size);
    free(flash);
    boot_keypad(&b, 666);
    advance(&b, 1500);
    CHECK(strstr(display(&b), "ENTER CODE") != NULL);
    CHECK_EQ(count_audit(&b, OL_AUDIT_KEYPAD_PAIRED), paired);
    CHECK_EQ(count_audit(&b, OL_AUDIT_KEYPAD_REJECTED), rejected);

    uint8_t tags_before[OL_SLOTS][OL_TAG_BYTES], key_before[32];
    memcpy(tags_before, lock->tags, sizeof tags_before);
    memcpy(key_before, lock->device_key, sizeof key_before);
    uint32_t enrolled = lock->enrolled, opens = count_audit(&b, OL_AUDIT_OPEN);
    // Every function number without a code, then cancelled.
    uint8_t msg[OL_MSG_BYTES];
    for (uint8_t fn = 0; fn < 100; fn++) {
        ol_msg_function(msg, fn);
        send_message(&b, msg);
        ol_msg_cancel(msg);
        send_message(&b, msg);
    }
    // Messages no keypad sends: digits above 9, too many digits, bytes past
    // the fields, function numbers past 99, a DISPLAY, unknown types.
    ol_msg_entry(msg, (const uint8_t[]){4, 8, 2, 9, 1, 15}, 6);
    send_message(&b, msg);
    memset(msg, 0, sizeof msg);
    msg[0] = OL_MSG_ENTRY;
    msg[1] = OL_ENTRY_MAX_DIGITS + 1;
    send_message(&b, msg);
    ol_msg_entry(msg, (const uint8_t[]){4, 8, 2, 9, 1, 5}, 6);
    msg[OL_MSG_BYTES - 1] = 1;
    send_message(&b, msg);
    ol_msg_function(msg, 100);
    send_message(&b, msg);
    ol_msg_function(msg, 255);
    send_message(&b, msg);
    for (unsigned type_byte = 0; type_byte < 256; type_byte += 15) {
        memset(msg, 0, sizeof msg);
        msg[0] = (uint8_t)type_byte;
        msg[1] = 6;
        send_message(&b, msg);
    }
    memset(msg, 0, sizeof msg);
    msg[0] = OL_MSG_DISPLAY;
    send_message(&b, msg);
    ol_msg_cancel(msg);
    send_message(&b, msg);
    // Entries: every one is a wrong try, counted; the session's four wrong
    // codes are still counted (nothing earned to take back since the
    // power-up), so each brings a lockout, waited out before the next.
    uint32_t wrong_before = count_audit(&b, OL_AUDIT_WRONG_CODE);
    uint32_t lockouts_before = count_audit(&b, OL_AUDIT_LOCKOUT);
    const uint8_t guess[OL_ENTRY_MAX_DIGITS] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6};
    const uint8_t lengths[] = {1, 6, 8, 12, OL_ENTRY_MAX_DIGITS};
    ol_status st;
    for (size_t i = 0; i < sizeof lengths; i++) {
        ol_lock_status(lock, &st);
        advance(&b, st.lockout_remaining_ms + (st.lockout_remaining_ms ? 1000 : 0));
        ol_msg_entry(msg, guess, lengths[i]);
        send_message(&b, msg);
    }
    uint32_t clone_wrong = count_audit(&b, OL_AUDIT_WRONG_CODE) - wrong_before;
    CHECK_EQ(clone_wrong, 5);
    CHECK_EQ(count_audit(&b, OL_AUDIT_LOCKOUT) - lockouts_before, 5);
    ol_lock_status(lock, &st);
    CHECK(st.lockout_remaining_ms > 0);

    // Nothing changed: the same codes, the same key, no opening.
    CHECK_EQ(lock->enrolled, enrolled);
    CHECK_MEM(lock->tags, tags_before, sizeof tags_before);
    CHECK_MEM(lock->device_key, key_before, sizeof key_before);
    uint32_t clone_opens = count_audit(&b, OL_AUDIT_OPEN) - opens;
    CHECK_EQ(clone_opens, 0);
    CHECK_EQ(bolt(&b), OL_BOLT_EXTENDED);

    // The lock still demands the code, and takes it from this keypad: once
    // the lockout has run, the owner's code opens.
    advance(&b, st.lockout_remaining_ms + 1000);
    keys(&b, "482915#");
    CHECK_EQ(bolt(&b), OL_BOLT_RETRACTED);
    CHECK_EQ(count_audit(&b, OL_AUDIT_OPEN), opens + 1);

    printf("keypad dump: %u dumps of %zu bytes of RAM, %zu bytes of stack (used) and %zu bytes"
           " of flash; %u needles (4 codes and the recovery code in 4 encodings, the device key,"
           " %d tags, the recovery tag, the body's link secret): %u found. A keypad made from"
           " the dump, taken for the paired one, sent %u forged messages: %u openings, %u wrong"
           " tries counted; then the owner's code opened\n",
           dumps, ram_bytes, stack_used, flash_bytes, n_needles, __builtin_popcount(enrolled),
           dumps_found, forged_sent, clone_opens, clone_wrong);
    safe_rig_keypad_unplug(&b);
    keypad_thread_stop();
    ol_body_shutdown(&b.body);
    bench_close(&b);
    return check_done("keypad-dump-codesnatch");
}
