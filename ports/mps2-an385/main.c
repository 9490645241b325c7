// ownerlock — mps2-an385 port: the lock-body firmware.
//
// One loop around ol_body (include/ownerlock/body.h), the engine behind the
// secure link: every byte from the keypad cable goes to ol_body_rx, which
// runs the link session (handshake, sealed and counted frames) and hands the
// authentic messages to the engine; the body's own inputs — door switch,
// battery sense, remote disable, the passing of time — go to ol_body_event.
// ol_body sends its frames (WELCOME, REFUSE, the sealed DISPLAY) through
// cable_send onto UART1. Nothing here decides anything: every decision is in
// src/core, every check of a frame in src/link.
//
// The QEMU board has no door switch, bolt motor or alarm line, so the console
// (UART0) stands in for those pins: it reads 'o' / 'c' as the door opening /
// closing and prints "bolt ..." and "alarm ..." lines when the outputs change
// (docs/PORTING.md, "The QEMU board's pins").
//
// UART2 is the service port inside the door: whole requests in frames
// (service_frame.h) go to ol_body_service, the answer goes back in a frame.
// When the engine asks for a restart (an install waits) the board resets
// into the bootloader once the keypad has its display. 'b' / 'B' stand for the battery
// sense reading low (4.3 V) / fresh (6.0 V), 'x' / 'X' for the remote-disable
// input asserted / released, and 's' prints the lock's status.
//
// Command line (QEMU -append): flash=PATH (default ownerlock-an385.flash; the
// RTC's backup domain is PATH.rtc), door=open (the switch at power-up),
// rtc=lost, seed=TEXT (test TRNG seed).
//
// Built with AN385_WITH_BOOT_AREA (ownerlock-an385-app.elf, the lock body the
// bootloader starts), it takes firmware updates: its flash covers the boot
// area, and the boot services are the bootloader's own, found through the
// table the bootloader keeps at AN385_BOOT_API_ADDR (boot_api.h). Without the
// table (or with one of another version) it runs without updates.
#include <string.h>

#include "board.h"
#include "ownerlock/body.h"
#include "semihost.h"
#include "service_frame.h"
#ifdef AN385_WITH_BOOT_AREA
#include "boot_api.h"
#endif

typedef struct lock_body {
    an385_flash flash;
    an385_rtc rtc;
    char rtc_path[136]; // the RTC's backup file: the flash image's name + ".rtc"
    an385_test_trng trng;
    ol_platform plat;
#ifdef AN385_WITH_BOOT_AREA
    ol_boot_services boot; // the bootloader's, through its table
#endif
    ol_body body;
    an385_sframe service; // the request coming in on the service port
    uint64_t last_tick;
    bool door_open;
    ol_bolt bolt;
    bool alarm;
    uint32_t stack_reported;
} lock_body;

// The one lock body this firmware runs (static: its size is in `make size`).
static lock_body lb;

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
    ol_lock_status(&b->body.lock, &st);
    put_line("status commissioned=", st.commissioned, "");
    put_line(" enrolled=", st.enrolled, "");
    put_line(" failures=", st.failures, "");
    put_line(" lockout_ms=", st.lockout_remaining_ms, "");
    put_line(" audit_next=", st.audit_next_seq, "");
    put_line(" session=", ol_body_session_established(&b->body), "");
    put_line(" overruns=", uart_overruns(AN385_CABLE), "\n");
}

// ol_body's way out to the cable: whole frames, in order.
static void cable_send(void *ctx, const uint8_t *bytes, size_t len) {
    (void)ctx;
    uart_write(AN385_CABLE, bytes, len);
}

// Drive the pins from the engine's outputs (the display goes out through
// ol_body itself, sealed).
static void publish(lock_body *b) {
    const ol_outputs *o = ol_lock_outputs(&b->body.lock);
    if (o->bolt != b->bolt) {
        b->bolt = o->bolt;
        console_puts(o->bolt == OL_BOLT_RETRACTED ? "bolt retracted\n" : "bolt extended\n");
    }
    if (o->alarm != b->alarm) {
        b->alarm = o->alarm;
        console_puts(o->alarm ? "alarm on\n" : "alarm off\n");
    }
}

// The display went out with the event that asked for the restart (ol_body
// sends it sealed as the event ends), so the keypad shows INSTALLING.
static void restart_if_asked(lock_body *b) {
    if (ol_lock_outputs(&b->body.lock)->restart) {
        report_stack(b); // the install's request went through the verifier
        console_puts("restart\n");
        board_reset();
    }
}

// An error means storage failed: the engine has already gone to its fault
// state (bolt thrown, everything refused). Say so here.
static void report_err(ol_err err) {
    if (err) {
        put_line("lock error ", (uint32_t)-err, "\n");
    }
}

// One of the body's own inputs: DOOR (value 1: open), BATTERY (mV),
// REMOTE_DISABLE (1: asserted), TICK.
static void input(lock_body *b, ol_event_type type, uint32_t value) {
    ol_event ev = {.type = type, .value = value, .door_open = type == OL_EV_DOOR && value != 0};
    report_err(ol_body_event(&b->body, board_ms(), &ev));
}

// Returns true if anything arrived.
static bool poll_console(lock_body *b) {
    uint8_t in[8];
    size_t n = uart_read(AN385_CONSOLE, in, sizeof in);
    for (size_t i = 0; i < n; i++) {
        switch (in[i]) {
        case 'o':
        case 'c':
            if ((in[i] == 'o') != b->door_open) {
                b->door_open = in[i] == 'o';
                input(b, OL_EV_DOOR, b->door_open);
            }
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
        report_err(ol_body_rx(&b->body, board_ms(), in[i]));
    }
    return n != 0;
}

// The answer, framed, on the service port. Not inlined: its wire buffer is
// off the stack before the next request's verification runs.
__attribute__((noinline)) static void service_send(const uint8_t *resp, size_t len) {
    uint8_t wire[AN385_SFRAME_WIRE(OL_SERVICE_RESPONSE_MAX)];
    uart_write(AN385_SERVICE, wire, an385_sframe_encode(wire, resp, len));
}

static bool poll_service(lock_body *b) {
    uint8_t in[16];
    size_t n = uart_read(AN385_SERVICE, in, sizeof in);
    for (size_t i = 0; i < n; i++) {
        int len = an385_sframe_feed(&b->service, in[i]);
        if (len < 0) {
            continue;
        }
        uint8_t resp[OL_SERVICE_RESPONSE_MAX];
        size_t resp_len = 0;
        report_err(
            ol_body_service(&b->body, board_ms(), b->service.buf, (size_t)len, resp, &resp_len));
        service_send(resp, resp_len);
    }
    return n != 0;
}

static bool poll_time(lock_body *b) {
    uint64_t now = board_ms();
    // One TICK per millisecond at most, so a deadline that stays due after
    // its tick cannot spin the loop.
    if (now < ol_body_next_deadline(&b->body) || now == b->last_tick) {
        return false;
    }
    b->last_tick = now;
    input(b, OL_EV_TICK, 0);
    return true;
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

#ifdef AN385_WITH_BOOT_AREA
// The bootloader's services, if its table is there and of the version this
// lock body knows. The table is part of the bootloader, the code that
// verified this lock body: it is trusted as the bootloader is.
static bool boot_table(ol_boot_services *s, const ol_flash *flash) {
    const an385_boot_api *t = (const an385_boot_api *)(uintptr_t)AN385_BOOT_API_ADDR;
    __asm__ volatile("" : "+r"(t)); // a fixed address, not an object the compiler knows
    if (t->magic != AN385_BOOT_API_MAGIC || t->version != AN385_BOOT_API_VERSION ||
        t->size != sizeof *t) {
        return false;
    }
    *s = t->services;
    s->area = (ol_boot_area){flash, OL_BOOT_FIRST_SECTOR};
    return true;
}
#endif

// The board's side of a power-up: the command line, the flash image, the
// RTC, the TRNG. Not inlined: its buffers (the command line) leave the stack
// before the engine boots, whose deepest call (an X25519 on the very first
// boot) sets the stack's high-water mark.
__attribute__((noinline)) static bool board_up(lock_body *b) {
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
    an385_rtc_init(&b->rtc, arg_is(cmdline, "rtc", "lost"), b->rtc_path);
    bool seeded = semihost_arg(cmdline, "seed", seed, sizeof seed);
    an385_test_trng_init(&b->trng, seeded ? seed : NULL);
    b->plat.flash = &b->flash.flash;
    b->plat.trng = an385_test_trng_fill;
    b->plat.trng_ctx = &b->trng;
    b->plat.rtc_now = an385_rtc_now;
    b->plat.rtc_set = an385_rtc_set;
    b->plat.rtc_ctx = &b->rtc;
#ifdef AN385_WITH_BOOT_AREA
    // Without the table this lock body has no X25519 (x25519_lent.S): it
    // stops, as on an unreadable image.
    if (!boot_table(&b->boot, &b->flash.flash)) {
        console_puts("no bootloader table of version 3\n");
        return false;
    }
    b->plat.boot = &b->boot;
    console_puts("updates: on\n");
#endif
    bool loaded = an385_flash_init(&b->flash, path) == OL_OK;
    an385_flash_fence_keys(&b->flash); // the keys through the HAL only, from here on
    return loaded;
}

static void power_up(lock_body *b) {
    b->bolt = (ol_bolt)0; // neither position: publish prints where the bolt is
    if (!board_up(b)) {
        // Do not run the engine on a blank image, which would look like a
        // new lock waiting for its first manager code. With no store there
        // is no link identity either: the keypad stays unanswered.
        console_puts("flash: cannot read the image; lock disabled\nbolt extended\n");
        for (;;) {
            board_idle();
        }
    }
    ol_err err = ol_body_boot(&b->body, &b->plat, board_ms(), b->door_open, cable_send, b);
    put_line("boot ", (uint32_t)-err, b->door_open ? " door open\n" : " door closed\n");
    publish(b);
}

int main(void) {
    lock_body *b = &lb;
    board_init();
    uart_init(AN385_SERVICE, 115200u);
    an385_sframe_init(&b->service);
    console_puts("ownerlock lock body, mps2-an385 (QEMU reference board)\n"
                 "WARNING: TEST-ONLY TRNG, not a lock for real use\n");
    power_up(b);
    report_stack(b);

    for (;;) {
        bool busy = poll_console(b);
        busy |= poll_cable(b);
        busy |= poll_service(b);
        busy |= poll_time(b);
        publish(b);
        restart_if_asked(b);
        if (busy) {
            report_stack(b);
        } else {
            board_idle();
        }
    }
}
