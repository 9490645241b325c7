// ownerlock — mps2-an385 port: the lock-body firmware.
//
// One loop: keypad messages from the cable, the door switch, and the passing
// of time go into the engine as events; its outputs come back out as the
// display message on the cable and the bolt motor / alarm lines. Nothing here
// decides anything: every decision is in src/core.
//
// The QEMU board has no door switch, bolt motor or alarm line, so the console
// (UART0) stands in for those pins: it reads 'o' / 'c' as the door opening /
// closing and prints "bolt ..." and "alarm ..." lines when the outputs change
// (docs/PORTING.md, "The QEMU board's pins"). 'b' / 'B' stand for the battery
// sense reading low (4.3 V) / fresh (6.0 V), 'x' / 'X' for the remote-disable
// input asserted / released, and 's' prints the lock's status.
//
// Command line (QEMU -append): flash=PATH (default ownerlock-an385.flash; the
// RTC's backup domain is PATH.rtc), door=open (the switch at power-up),
// rtc=lost, seed=TEXT (test TRNG seed).
#include <string.h>

#include "board.h"
#include "cable.h"
#include "ownerlock/link.h"
#include "ownerlock/lock.h"
#include "semihost.h"

#define HEARTBEAT_MS 1000u // resend the display for a keypad that powered up late

typedef struct lock_body {
    an385_flash flash;
    an385_rtc rtc;
    char rtc_path[136]; // the RTC's backup file: the flash image's name + ".rtc"
    an385_test_trng trng;
    ol_platform plat;
    ol_lock lock;
    cable_rx rx;
    uint8_t shown[OL_MSG_BYTES]; // the last display message sent
    uint64_t shown_at;
    uint64_t last_tick;
    bool door_open;
    ol_bolt bolt;
    bool alarm;
    uint32_t stack_reported;
    uint32_t refused; // malformed keypad messages
} lock_body;

// The one lock body this firmware runs (static: its size is in `make size`).
static lock_body body;

static void put_line(const char *a, uint32_t v, const char *b) {
    console_puts(a);
    console_putu(v);
    console_puts(b);
}

static void report_stack(lock_body *b) {
    uint32_t used = board_stack_used();
    if (used > b->stack_reported) {
        b->stack_reported = used;
        put_line("stack ", used, " of ");
        put_line("", board_stack_size(), " bytes\n");
    }
}

static void report_status(lock_body *b) {
    ol_status st;
    ol_lock_status(&b->lock, &st);
    put_line("status commissioned=", st.commissioned, "");
    put_line(" enrolled=", st.enrolled, "");
    put_line(" failures=", st.failures, "");
    put_line(" lockout_ms=", st.lockout_remaining_ms, "");
    put_line(" audit_next=", st.audit_next_seq, "");
    put_line(" refused=", b->refused, "");
    put_line(" bad_frames=", b->rx.bad_frames, "");
    put_line(" overruns=", uart_overruns(AN385_CABLE), "\n");
}

static void send_display(lock_body *b, const uint8_t msg[OL_MSG_BYTES]) {
    uint8_t frame[CABLE_FRAME_BYTES];
    cable_frame(frame, msg);
    uart_write(AN385_CABLE, frame, sizeof frame);
    memcpy(b->shown, msg, OL_MSG_BYTES);
    b->shown_at = board_ms();
}

// Drive the pins from the engine's outputs; answer the keypad when asked to
// (every keypad message gets the display back) or when the display changed.
static void publish(lock_body *b, bool answer) {
    const ol_outputs *o = ol_lock_outputs(&b->lock);
    if (o->bolt != b->bolt) {
        b->bolt = o->bolt;
        console_puts(o->bolt == OL_BOLT_RETRACTED ? "bolt retracted\n" : "bolt extended\n");
    }
    if (o->alarm != b->alarm) {
        b->alarm = o->alarm;
        console_puts(o->alarm ? "alarm on\n" : "alarm off\n");
    }
    uint8_t msg[OL_MSG_BYTES];
    ol_msg_display(msg, o);
    if (answer || memcmp(msg, b->shown, sizeof msg) != 0 ||
        board_ms() - b->shown_at >= HEARTBEAT_MS) {
        send_display(b, msg);
    }
}

static void feed(lock_body *b, const ol_event *ev) {
    ol_err err = ol_lock_event(&b->lock, board_ms(), ev);
    if (err) {
        // The engine has already gone to its fault state; say so once here.
        put_line("lock error ", (uint32_t)-err, "\n");
    }
}

static void door_switch(lock_body *b, bool open) {
    if (open == b->door_open) {
        return;
    }
    b->door_open = open;
    ol_event ev = {.type = OL_EV_DOOR, .door_open = open};
    feed(b, &ev);
}

static void input(lock_body *b, ol_event_type type, uint32_t value) {
    ol_event ev = {.type = type, .value = value};
    feed(b, &ev);
}

// Returns true if anything arrived.
static bool poll_console(lock_body *b) {
    uint8_t in[8];
    size_t n = uart_read(AN385_CONSOLE, in, sizeof in);
    for (size_t i = 0; i < n; i++) {
        switch (in[i]) {
        case 'o':
        case 'c':
            door_switch(b, in[i] == 'o');
            break;
        case 'b':
        case 'B':
            input(b, OL_EV_BATTERY, in[i] == 'b' ? 4300u : 6000u);
            break;
        case 'x':
        case 'X':
            input(b, OL_EV_REMOTE_DISABLE, in[i] == 'x');
            break;
        case 's':
            report_status(b);
            break;
        default:
            break;
        }
    }
    return n != 0;
}

static bool poll_cable(lock_body *b) {
    uint8_t in[16];
    size_t n = uart_read(AN385_CABLE, in, sizeof in);
    for (size_t i = 0; i < n; i++) {
        uint8_t msg[OL_MSG_BYTES];
        if (!cable_rx_byte(&b->rx, in[i], board_ms(), msg)) {
            continue;
        }
        ol_event ev;
        if (ol_msg_to_event(msg, sizeof msg, &ev) == OL_OK) {
            feed(b, &ev);
        } else {
            b->refused++; // strictly decoded: anything malformed changes nothing
        }
        memset(msg, 0, sizeof msg);
        memset(&ev, 0, sizeof ev);
        publish(b, true);
    }
    return n != 0;
}

static bool poll_time(lock_body *b) {
    uint64_t now = board_ms();
    // One TICK per millisecond at most, so a deadline that stays due after
    // its tick cannot spin the loop.
    if (now < ol_lock_next_deadline(&b->lock) || now == b->last_tick) {
        return false;
    }
    b->last_tick = now;
    ol_event tick = {.type = OL_EV_TICK};
    feed(b, &tick);
    return true;
}

// Flash could not be read: do not run the engine on a blank image, which
// would look like a new lock waiting for its first manager code. Stay shut.
static _Noreturn void storage_fault(lock_body *b) {
    ol_outputs o;
    memset(&o, 0, sizeof o);
    o.bolt = OL_BOLT_EXTENDED;
    memcpy(o.line[0], "STORAGE FAULT", sizeof "STORAGE FAULT");
    memcpy(o.line[1], "LOCK DISABLED", sizeof "LOCK DISABLED");
    o.input = OL_INPUT_NONE;
    o.led_red = true;
    uint8_t msg[OL_MSG_BYTES];
    ol_msg_display(msg, &o);
    console_puts("flash: cannot read the image; lock disabled\nbolt extended\n");
    for (;;) {
        send_display(b, msg);
        uint64_t until = board_ms() + HEARTBEAT_MS;
        while (board_ms() < until) {
            board_idle();
        }
    }
}

// key=value on the command line, value compared whole (no strcmp in the image).
static bool arg_is(const char *cmdline, const char *key, const char *value) {
    char got[16];
    if (!semihost_arg(cmdline, key, got, sizeof got)) {
        return false;
    }
    size_t i = 0;
    while (got[i] && got[i] == value[i]) {
        i++;
    }
    return got[i] == value[i];
}

// Everything that happens once per power-up. Not inlined: its buffers (the
// command line) leave the stack before the main loop starts.
__attribute__((noinline)) static void power_up(lock_body *b) {
    char cmdline[192], path[128] = "ownerlock-an385.flash", seed[32];
    semihost_cmdline(cmdline, sizeof cmdline);
    semihost_arg(cmdline, "flash", path, sizeof path);
    // The emulated RTC's backup domain lives next to the flash image.
    size_t n = 0;
    while (path[n] && n + sizeof ".rtc" < sizeof b->rtc_path) {
        b->rtc_path[n] = path[n];
        n++;
    }
    memcpy(b->rtc_path + n, ".rtc", sizeof ".rtc");
    b->door_open = arg_is(cmdline, "door", "open");
    bool rtc_lost = arg_is(cmdline, "rtc", "lost");
    bool seeded = semihost_arg(cmdline, "seed", seed, sizeof seed);

    cable_rx_init(&b->rx);
    if (an385_flash_init(&b->flash, path) != OL_OK) {
        storage_fault(b);
    }
    an385_rtc_init(&b->rtc, rtc_lost, b->rtc_path);
    an385_test_trng_init(&b->trng, seeded ? seed : NULL);
    b->plat.flash = &b->flash.flash;
    b->plat.trng = an385_test_trng_fill;
    b->plat.trng_ctx = &b->trng;
    b->plat.rtc_now = an385_rtc_now;
    b->plat.rtc_set = an385_rtc_set;
    b->plat.rtc_ctx = &b->rtc;

    ol_err err = ol_lock_boot(&b->lock, &b->plat, board_ms(), b->door_open);
    put_line("boot ", (uint32_t)-err, b->door_open ? " door open\n" : " door closed\n");
    b->bolt = (ol_bolt)0; // neither position: publish prints where the bolt is
    publish(b, true);
}

int main(void) {
    lock_body *b = &body;
    board_init();
    console_puts("ownerlock lock body, mps2-an385 (QEMU reference board)\n"
                 "WARNING: TEST-ONLY TRNG, not a lock for real use\n");
    power_up(b);
    report_stack(b);

    for (;;) {
        bool busy = poll_console(b);
        busy |= poll_cable(b);
        busy |= poll_time(b);
        publish(b, false);
        if (busy) {
            report_stack(b);
        } else {
            board_idle();
        }
    }
}
