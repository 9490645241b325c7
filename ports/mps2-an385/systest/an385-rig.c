// ownerlock — mps2-an385 system test rig (a host program).
//
// Runs the real lock-body firmware in QEMU and plays the world around it:
// the keypad unit on the cable UART — the real src/frontend/keypad_unit.c,
// with its own flash file (its link identity and the pinned lock-body key)
// and its end of the secure link, on libsodium where the firmware runs the
// built-in crypto — the door switch and the bolt on the console UART, and the
// power (a power cut is SIGKILL to QEMU and a fresh boot of the keypad unit,
// which the cable powers; both flash files keep what was committed). It also
// taps the cable as an attacker would: it reads the frames' clear headers,
// records what the keypad sends, replays it, and injects its own frames.
//
//   an385-rig [--qemu qemu-system-arm] --firmware ownerlock-an385.elf --state DIR SCRIPT
//
// Script lines (blank lines and '#' comments are skipped):
//   power on [door=open] [rtc=lost]   start QEMU (the lock's flash is DIR/lock.flash), then
//                                     the keypad unit (DIR/keypad.flash); wait for the session
//   power off                         cut the power (SIGKILL)
//   keys K...                         press keys (0-9 * #; spaces ignored); each message
//                                     waits until the lock body acknowledges it
//   door open | door close            the door switch
//   battery low | battery fresh       the battery sense input
//   remote on | remote off            the remote-disable input
//   wait N[ms|s]                      let time pass
//   noise N                           N pseudo-random bytes on the cable
//   inject TYPE LEN [HEX]             a well-framed link frame (COBS, CRC-32) of that type
//                                     and body length: HEX, then zeros (all values hex but LEN)
//   record on | record off            record the bytes the keypad sends (also across power)
//   replay                            send the recorded bytes to the lock body again
//   expect display REGEX              the keypad shows "LINE 1 | LINE 2" (POSIX ERE)
//   expect bolt retracted|extended    the bolt motor's last command
//   expect alarm on|off               the silent alarm output
//   expect status REGEX               the lock's status line (console 's')
//   capture NAME REGEX                as expect display, and keep what the REGEX's first
//                                     group matched: ${NAME} in any later line is replaced
//                                     by it (the recovery code the lock shows, to type back)
//   service info | service end        one request on the service port (UART2, framed as
//                                     service_frame.h says); its answer is kept
//   service image FILE                FW_BEGIN, FW_DATA (256 bytes each), FW_END: a firmware
//                                     image; the answer kept is the first refusal or FW_END's
//   expect service REGEX              the last answer, as "ok|refused MESSAGE[ version=N]"
//   expect console REGEX              a console line since the last power-up (or restart)
//   expect restart                    the lock resets itself (an install): wait for the lock
//                                     body's next boot, then power the keypad up afresh
// An expectation waits up to 5 s for its condition. The rig prints the
// stack high-water mark the firmware reported and exits 0 if every
// expectation held, 1 if one failed, 2 if the script or QEMU went wrong.
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <poll.h>
#include <regex.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "host.h"
#include "service_frame.h"
#include "ownerlock/keypad_unit.h"
#include "link/link.h"
#include "link/session.h"

#define EXPECT_MS 5000
#define BOOT_MS 15000
// How long the keypad may take to get a session after power-up: a handshake
// (three X25519 on each side), or a retry after OL_KEYPAD_RETRY_MS.
#define SESSION_MS 10000
#define RECORD_MAX 16384
#define RECORD_FRAMES 256
// A message is answered within a few ms; wait this long for answers to land.
#define SETTLE_MS 80
#define VARS_MAX 16
#define VAR_CAP 32

typedef struct rig {
    const char *qemu, *firmware, *state;
    char con_path[256], cab_path[256], svc_path[256], flash_path[256], keypad_path[256],
        log_path[256];
    int con_listen, cab_listen, svc_listen, con, cab, svc;
    an385_sframe svc_rx;  // answers coming back on the service port
    char svc_answer[160]; // the last one, as text
    unsigned svc_answers; // answers so far
    bool restarting;      // the lock said "restart" (an install): it boots again
    unsigned booted_before_restart;
    char console_log[65536]; // console lines since the last power-up or restart
    size_t console_log_len;
    pid_t pid;
    unsigned boots; // power-ups so far: seeds both test TRNGs differently each time
    // The keypad unit and its flash.
    ol_hostflash keypad_flash;
    ol_testrng keypad_rng;
    ol_platform keypad_plat;
    ol_keypad_unit kp;
    bool keypad_on;
    // The tap on the cable: the frames' clear headers, both ways.
    ol_frame_decoder tap_out, tap_in; // keypad -> lock, lock -> keypad
    unsigned data_sent;               // DATA frames the keypad sent
    uint64_t sent_counter;            // counter of the keypad's last DATA frame
    uint64_t acked; // highest keypad counter the lock body acknowledged in this session
    bool recording;
    uint8_t recorded[RECORD_MAX];
    size_t recorded_len;
    size_t frame_end[RECORD_FRAMES]; // where each recorded frame ends
    size_t frames;
    char line[256]; // console line being received
    size_t line_len;
    char bolt[16];
    char alarm[16];
    char status[256];
    unsigned status_seen;
    unsigned booted;
    unsigned stack_max;
    unsigned expectations, failed;
    const char *script;
    unsigned lineno;
    // capture NAME REGEX: what the script captured off the display.
    char var_name[VARS_MAX][VAR_CAP], var_value[VARS_MAX][VAR_CAP];
    unsigned vars;
} rig;

static uint64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void die(rig *r, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s:%u: ", r->script, r->lineno);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    if (r->pid > 0) {
        kill(r->pid, SIGKILL);
        waitpid(r->pid, NULL, 0);
        fprintf(stderr, "(QEMU's output: %s)\n", r->log_path);
    }
    exit(2);
}

// ---- the two UARTs ----------------------------------------------------------------------

static void console_line(rig *r, const char *line) {
    unsigned used, size;
    printf("  lock: %s\n", line);
    size_t n = strlen(line);
    if (r->console_log_len + n + 2 < sizeof r->console_log) {
        memcpy(r->console_log + r->console_log_len, line, n);
        r->console_log_len += n;
        r->console_log[r->console_log_len++] = '\n';
        r->console_log[r->console_log_len] = '\0';
    }
    if (strncmp(line, "bolt ", 5) == 0) {
        snprintf(r->bolt, sizeof r->bolt, "%s", line + 5);
    } else if (strncmp(line, "alarm ", 6) == 0) {
        snprintf(r->alarm, sizeof r->alarm, "%s", line + 6);
    } else if (strncmp(line, "status ", 7) == 0) {
        snprintf(r->status, sizeof r->status, "%s", line + 7);
        r->status_seen++;
    } else if (sscanf(line, "stack %u of %u", &used, &size) == 2) {
        r->stack_max = used > r->stack_max ? used : r->stack_max;
    } else if (strncmp(line, "boot ", 5) == 0) {
        r->booted++;
    } else if (strcmp(line, "restart") == 0) {
        r->restarting = true;
        r->booted_before_restart = r->booted;
    }
}

static uint64_t load64_le(const uint8_t p[8]) {
    uint64_t x = 0;
    for (int i = 7; i >= 0; i--) {
        x = x << 8 | p[i];
    }
    return x;
}

// What the lock body sends, as anyone on the cable sees it: the ack field of
// its DATA frames says which keypad frame it accepted last.
static void tap_from_lock(rig *r, uint8_t byte) {
    ol_frame f;
    if (ol_frame_decoder_feed(&r->tap_in, byte, &f) != OL_FRAME_READY) {
        return;
    }
    if (f.type == OL_LINK_DATA && f.len == OL_LINK_DATA_BODY) {
        uint64_t ack = load64_le(f.body + 8);
        r->acked = ack > r->acked ? ack : r->acked;
    } else if (f.type == OL_LINK_WELCOME) {
        r->acked = 0; // maybe a new session: its counters start again
    }
}

static void close_fd(int *fd) {
    if (*fd >= 0) {
        close(*fd);
        *fd = -1;
    }
}

// A byte of an answer on the service port: a whole answer is kept as text,
// "ok|refused MESSAGE" and, for INFO's payload, " version=N".
static void service_answer(rig *r, uint8_t byte) {
    int len = an385_sframe_feed(&r->svc_rx, byte);
    if (len < 0) {
        return;
    }
    const uint8_t *a = r->svc_rx.buf;
    if (len < 2 || a[1] > len - 2) {
        snprintf(r->svc_answer, sizeof r->svc_answer, "malformed answer (%d bytes)", len);
        return;
    }
    int n = snprintf(r->svc_answer, sizeof r->svc_answer, "%s %.*s",
                     a[0] == OL_SERVICE_OK ? "ok" : "refused", (int)a[1], (const char *)a + 2);
    const uint8_t *payload = a + 2 + a[1];
    if (a[0] == OL_SERVICE_OK && len - 2 - a[1] >= 4 &&
        strncmp((const char *)a + 2, "OK", 2) == 0 && a[1] == 2 &&
        len - 2 - a[1] >= 4 + 32 + 16 + 4) {
        unsigned v = (unsigned)payload[0] | (unsigned)payload[1] << 8 | (unsigned)payload[2] << 16 |
                     (unsigned)payload[3] << 24;
        snprintf(r->svc_answer + n, sizeof r->svc_answer - (size_t)n, " version=%u", v);
    }
    r->svc_answers++;
}

// Read whatever the lock body sent, for up to `ms`.
static void pump(rig *r, int ms) {
    uint64_t end = now_ms() + (uint64_t)ms;
    do {
        struct pollfd p[3] = {{r->con, POLLIN, 0}, {r->cab, POLLIN, 0}, {r->svc, POLLIN, 0}};
        int left = (int)(end > now_ms() ? end - now_ms() : 0);
        if (poll(p, 3, left) < 0 && errno != EINTR) {
            die(r, "poll: %s", strerror(errno));
        }
        uint8_t buf[256];
        if (p[0].revents) {
            ssize_t n = read(r->con, buf, sizeof buf);
            if (n <= 0) {
                die(r, "the lock's console closed (QEMU stopped?)");
            }
            for (ssize_t i = 0; i < n; i++) {
                if (buf[i] == '\n') {
                    r->line[r->line_len] = '\0';
                    console_line(r, r->line);
                    r->line_len = 0;
                } else if (r->line_len + 1 < sizeof r->line) {
                    r->line[r->line_len++] = (char)buf[i];
                }
            }
        }
        if (p[1].revents) {
            ssize_t n = read(r->cab, buf, sizeof buf);
            if (n <= 0) {
                die(r, "the cable closed (QEMU stopped?)");
            }
            for (ssize_t i = 0; i < n; i++) {
                tap_from_lock(r, buf[i]);
                if (r->keypad_on) {
                    ol_keypad_unit_rx(&r->kp, now_ms(), buf[i]);
                }
            }
        }
        if (p[2].revents) {
            ssize_t n = read(r->svc, buf, sizeof buf);
            if (n <= 0) {
                die(r, "the service port closed (QEMU stopped?)");
            }
            for (ssize_t i = 0; i < n; i++) {
                service_answer(r, buf[i]);
            }
        }
        if (r->keypad_on && now_ms() >= ol_keypad_unit_next_deadline(&r->kp)) {
            ol_keypad_unit_tick(&r->kp, now_ms());
        }
    } while (now_ms() < end);
}

static void send_all(rig *r, int fd, const void *buf, size_t len) {
    const uint8_t *p = buf;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n <= 0) {
            die(r, "write to QEMU: %s", strerror(errno));
        }
        p += n;
        len -= (size_t)n;
    }
}

// The keypad unit's way out to the cable. The tap notes the counter of each
// DATA frame (it travels in clear: docs/PROTOCOL.md, section 5).
static void keypad_send(void *ctx, const uint8_t *bytes, size_t len) {
    rig *r = ctx;
    for (size_t i = 0; i < len; i++) {
        ol_frame f;
        if (ol_frame_decoder_feed(&r->tap_out, bytes[i], &f) != OL_FRAME_READY) {
            continue;
        }
        if (f.type == OL_LINK_DATA && f.len == OL_LINK_DATA_BODY) {
            r->sent_counter = load64_le(f.body);
            r->data_sent++;
        } else if (f.type == OL_LINK_HELLO) {
            r->acked = 0; // a new session: its counters start again
        }
    }
    if (r->recording && r->recorded_len + len <= sizeof r->recorded && r->frames < RECORD_FRAMES) {
        memcpy(r->recorded + r->recorded_len, bytes, len);
        r->recorded_len += len;
        r->frame_end[r->frames++] = r->recorded_len;
    }
    send_all(r, r->cab, bytes, len);
}

// Console input, then a status round trip: the firmware handles console
// bytes in order, so once the status line is back the input was handled.
static void console_input(rig *r, const char *bytes) {
    unsigned seen = r->status_seen;
    send_all(r, r->con, bytes, strlen(bytes));
    send_all(r, r->con, "s", 1);
    uint64_t end = now_ms() + EXPECT_MS;
    while (r->status_seen == seen && now_ms() < end) {
        pump(r, 20);
    }
    if (r->status_seen == seen) {
        die(r, "no status line from the lock");
    }
    pump(r, SETTLE_MS);
}

// ---- power --------------------------------------------------------------------------------

static int listen_unix(rig *r, const char *path) {
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    if (fd < 0 || strlen(path) >= sizeof a.sun_path) {
        die(r, "socket %s", path);
    }
    memcpy(a.sun_path, path, strlen(path) + 1);
    unlink(path);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 1) != 0) {
        die(r, "bind %s: %s", path, strerror(errno));
    }
    return fd;
}

static int accept_within(rig *r, int lfd, const char *what) {
    struct pollfd p = {lfd, POLLIN, 0};
    if (poll(&p, 1, BOOT_MS) <= 0) {
        die(r, "QEMU did not connect its %s", what);
    }
    int fd = accept(lfd, NULL, NULL);
    if (fd < 0) {
        die(r, "accept: %s", strerror(errno));
    }
    return fd;
}

static void keypad_power(rig *r, bool on) {
    if (r->keypad_on) {
        ol_keypad_unit_shutdown(&r->kp);
        ol_hostflash_close(&r->keypad_flash);
        r->keypad_on = false;
    }
    if (!on) {
        return;
    }
    if (ol_hostflash_open(&r->keypad_flash, r->keypad_path, OL_HOST_SECTOR_SIZE,
                          OL_KEYPAD_SECTORS) != OL_OK) {
        die(r, "cannot open the keypad's flash %s", r->keypad_path);
    }
    ol_testrng_seed(&r->keypad_rng, 0x6b6579706164u + r->boots); // TEST ONLY, like the lock's
    r->keypad_plat = (ol_platform){
        .flash = &r->keypad_flash.flash, .trng = ol_testrng_fill, .trng_ctx = &r->keypad_rng};
    ol_frame_decoder_init(&r->tap_out);
    ol_frame_decoder_init(&r->tap_in);
    r->sent_counter = r->acked = 0;
    r->keypad_on = true;
    if (ol_keypad_unit_boot(&r->kp, &r->keypad_plat, now_ms(), keypad_send, r) != OL_OK) {
        die(r, "the keypad unit did not boot");
    }
}

static bool session_up(rig *r) {
    char line[2][OL_DISPLAY_COLS + 1];
    ol_keypad_unit_display(&r->kp, line);
    return strcmp(line[0], "CONNECTING") != 0 && strcmp(line[0], "NOT PAIRED") != 0;
}

static void wait_boot_and_keypad(rig *r, unsigned booted);

static void power_on(rig *r, const char *args) {
    if (r->pid > 0) {
        die(r, "power is already on");
    }
    r->boots++;
    char append[512];
    snprintf(append, sizeof append, "flash=%s seed=an385-rig-%u %s", r->flash_path, r->boots, args);
    char con[300], cab[300], svc[300];
    snprintf(con, sizeof con, "socket,id=con,path=%s", r->con_path);
    snprintf(cab, sizeof cab, "socket,id=cab,path=%s", r->cab_path);
    snprintf(svc, sizeof svc, "socket,id=svc,path=%s", r->svc_path);
    r->con_listen = listen_unix(r, r->con_path);
    r->cab_listen = listen_unix(r, r->cab_path);
    r->svc_listen = listen_unix(r, r->svc_path);
    fflush(stdout);
    r->pid = fork();
    if (r->pid < 0) {
        die(r, "fork: %s", strerror(errno));
    }
    if (r->pid == 0) {
        FILE *log = freopen(r->log_path, "a", stdout);
        if (!log || dup2(STDOUT_FILENO, STDERR_FILENO) < 0) {
            _exit(127);
        }
        execlp(r->qemu, r->qemu, "-M", "mps2-an385", "-display", "none", "-monitor", "none",
               "-semihosting-config", "enable=on,target=native", "-chardev", con, "-chardev", cab,
               "-chardev", svc, "-serial", "chardev:con", "-serial", "chardev:cab", "-serial",
               "chardev:svc", "-kernel", r->firmware, "-append", append, (char *)NULL);
        _exit(127);
    }
    r->con = accept_within(r, r->con_listen, "console");
    r->cab = accept_within(r, r->cab_listen, "cable");
    r->svc = accept_within(r, r->svc_listen, "service port");
    close_fd(&r->con_listen);
    close_fd(&r->cab_listen);
    close_fd(&r->svc_listen);
    r->line_len = 0;
    r->console_log_len = 0;
    wait_boot_and_keypad(r, r->booted);
}

// The lock body's "boot" line after the `booted`th, then the keypad powered
// afresh (it is powered through the cable) and its session.
static void wait_boot_and_keypad(rig *r, unsigned booted) {
    uint64_t end = now_ms() + 2 * BOOT_MS; // an install first copies and verifies
    while (r->booted == booted && now_ms() < end) {
        pump(r, 50);
    }
    if (r->booted == booted) {
        die(r, "the lock did not boot");
    }
    // The keypad is powered through the cable: it starts afresh too, and
    // opens a session (or finds that it is not paired).
    keypad_power(r, true);
    end = now_ms() + SESSION_MS;
    while (!session_up(r) && now_ms() < end) {
        pump(r, 20);
    }
    printf("  (%s)\n", session_up(r) ? "session up" : "no session");
    pump(r, SETTLE_MS);
}

static void power_off(rig *r) {
    if (r->pid <= 0) {
        die(r, "power is already off");
    }
    kill(r->pid, SIGKILL); // no warning, no flush: a cut
    waitpid(r->pid, NULL, 0);
    r->pid = 0;
    close_fd(&r->con);
    close_fd(&r->cab);
    close_fd(&r->svc);
    keypad_power(r, false);
    printf("  (power cut)\n");
}

// ---- the service port ------------------------------------------------------------------------

// One request and its answer (kept in r->svc_answer). True if the lock said OK.
static bool service_request(rig *r, const uint8_t *req, size_t len, int wait_ms) {
    uint8_t wire[AN385_SFRAME_WIRE(AN385_SFRAME_MAX)];
    unsigned before = r->svc_answers;
    send_all(r, r->svc, wire, an385_sframe_encode(wire, req, len));
    uint64_t end = now_ms() + (uint64_t)wait_ms;
    while (r->svc_answers == before && now_ms() < end) {
        pump(r, 10);
    }
    if (r->svc_answers == before) {
        snprintf(r->svc_answer, sizeof r->svc_answer, "no answer");
        return false;
    }
    return strncmp(r->svc_answer, "ok", 2) == 0;
}

static void put32le(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

static void service(rig *r, const char *args) {
    uint8_t q[5 + 256];
    if (strcmp(args, "info") == 0 || strcmp(args, "end") == 0) {
        q[0] = args[0] == 'i' ? OL_SERVICE_INFO : OL_SERVICE_END;
        service_request(r, q, 1, EXPECT_MS);
    } else if (strncmp(args, "image ", 6) == 0) {
        static uint8_t image[128 * 1024];
        FILE *f = fopen(args + 6, "rb");
        if (!f) {
            die(r, "cannot open %s", args + 6);
        }
        size_t size = fread(image, 1, sizeof image, f);
        fclose(f);
        q[0] = OL_SERVICE_FW_BEGIN;
        put32le(q + 1, (uint32_t)size);
        bool ok = service_request(r, q, 5, 6 * EXPECT_MS); // the lock erases a slot
        for (size_t at = 0; ok && at < size; at += 256) {
            size_t n = size - at < 256 ? size - at : 256;
            q[0] = OL_SERVICE_FW_DATA;
            put32le(q + 1, (uint32_t)at);
            memcpy(q + 5, image + at, n);
            ok = service_request(r, q, 5 + n, EXPECT_MS);
        }
        if (ok) {
            q[0] = OL_SERVICE_FW_END;
            service_request(r, q, 1, 6 * EXPECT_MS); // the lock verifies the image
        }
    } else {
        die(r, "service info|end|image FILE: %s", args);
    }
    printf("  (service port: %s)\n", r->svc_answer);
}

// ---- script ------------------------------------------------------------------------------

static void keys(rig *r, const char *k) {
    for (; *k; k++) {
        if (*k == ' ') {
            continue;
        }
        unsigned before = r->data_sent;
        ol_keypad_unit_key(&r->kp, now_ms(), *k);
        if (r->data_sent != before) {
            // A message went out sealed. The lock body acknowledges it in its
            // next DISPLAY frame (its ack field): on a change of the display
            // at once, else with the heartbeat within OL_BODY_HEARTBEAT_MS.
            uint64_t end = now_ms() + EXPECT_MS;
            while (r->acked < r->sent_counter && now_ms() < end) {
                pump(r, 10);
            }
            if (r->acked < r->sent_counter) {
                die(r, "the lock body did not acknowledge frame %llu",
                    (unsigned long long)r->sent_counter);
            }
            pump(r, SETTLE_MS);
        } else {
            pump(r, 5);
        }
    }
}

// Line noise or an attacker on the cable: bytes that are mostly not frames.
static void noise(rig *r, long n) {
    uint32_t x = 0x12345678u;
    for (long i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        uint8_t b = (uint8_t)x;
        send_all(r, r->cab, &b, 1);
    }
    pump(r, SETTLE_MS);
}

// A well-framed link frame with whatever the script gives: only the keys of
// the session can make one the lock body accepts.
static void inject(rig *r, const char *args) {
    uint8_t body[OL_FRAME_MAX_BODY] = {0}, wire[OL_FRAME_MAX_WIRE];
    unsigned type, len;
    int used = 0;
    if (sscanf(args, "%x %u %n", &type, &len, &used) < 2 || type > 0xFF ||
        len > OL_FRAME_MAX_BODY) {
        die(r, "inject TYPE LEN [HEX]: %s", args);
    }
    size_t n = 0;
    for (const char *p = args + used; *p && n < len;) {
        if (*p == ' ') {
            p++;
            continue;
        }
        unsigned v;
        if (!p[1] || sscanf(p, "%2x", &v) != 1) {
            die(r, "bad hex: %s", p);
        }
        body[n++] = (uint8_t)v;
        p += 2;
    }
    size_t wire_len = 0;
    if (ol_frame_encode(wire, &wire_len, (uint8_t)type, body, len) != OL_OK) {
        die(r, "cannot frame %s", args);
    }
    send_all(r, r->cab, wire, wire_len);
    pump(r, SETTLE_MS);
}

// What the keypad sent while recording, once more, frame by frame, each
// given time to be answered (a handshake takes the lock body a while).
static void replay(rig *r) {
    if (r->frames == 0) {
        die(r, "replay: nothing recorded");
    }
    for (size_t i = 0, at = 0; i < r->frames; at = r->frame_end[i++]) {
        send_all(r, r->cab, r->recorded + at, r->frame_end[i] - at);
        pump(r, SETTLE_MS);
    }
    printf("  (replayed %zu frames, %zu bytes)\n", r->frames, r->recorded_len);
}

static void display_text(rig *r, char *out, size_t cap) {
    char line[2][OL_DISPLAY_COLS + 1];
    ol_keypad_unit_display(&r->kp, line);
    snprintf(out, cap, "%s | %s", line[0], line[1]);
}

static void expect(rig *r, const char *what, const char *arg) {
    regex_t re;
    if (regcomp(&re, arg, REG_EXTENDED | REG_NOSUB) != 0) {
        die(r, "bad regular expression: %s", arg);
    }
    bool display = strcmp(what, "display") == 0, bolt = strcmp(what, "bolt") == 0;
    bool status = strcmp(what, "status") == 0, alarm = strcmp(what, "alarm") == 0;
    bool svc = strcmp(what, "service") == 0, console = strcmp(what, "console") == 0;
    if (!display && !bolt && !status && !alarm && !svc && !console) {
        die(r, "expect display|bolt|alarm|status|service|console, not %s", what);
    }
    if (console) { // line by line
        regfree(&re);
        if (regcomp(&re, arg, REG_EXTENDED | REG_NOSUB | REG_NEWLINE) != 0) {
            die(r, "bad regular expression: %s", arg);
        }
    }
    char text[256] = "";
    bool ok = false;
    uint64_t end = now_ms() + EXPECT_MS;
    do {
        if (status) {
            console_input(r, "");
            snprintf(text, sizeof text, "%s", r->status);
        } else if (display) {
            display_text(r, text, sizeof text);
        } else if (svc) {
            snprintf(text, sizeof text, "%s", r->svc_answer);
        } else if (console) {
            snprintf(text, sizeof text, "(the console since power-up)");
        } else {
            snprintf(text, sizeof text, "%s", bolt ? r->bolt : r->alarm);
        }
        ok = regexec(&re, console ? r->console_log : text, 0, NULL, 0) == 0;
        if (!ok) {
            pump(r, 50);
        }
    } while (!ok && now_ms() < end);
    regfree(&re);
    r->expectations++;
    if (ok) {
        printf("ok  %s:%u: %s %s\n", r->script, r->lineno, what, arg);
    } else {
        r->failed++;
        printf("FAIL %s:%u: expected %s /%s/, have \"%s\"\n", r->script, r->lineno, what, arg,
               text);
    }
}

// capture NAME REGEX: waits like `expect display`, then keeps the first
// group's match as ${NAME}. Not matched: a failed expectation, NAME unset.
static void capture(rig *r, const char *args) {
    char name[VAR_CAP];
    int used = 0;
    if (sscanf(args, "%31[A-Za-z0-9_] %n", name, &used) != 1 || used == 0 || !args[used]) {
        die(r, "capture NAME REGEX: %s", args);
    }
    regex_t re;
    if (regcomp(&re, args + used, REG_EXTENDED) != 0 || re.re_nsub < 1) {
        die(r, "capture: a regular expression with a group ( ) to keep: %s", args + used);
    }
    char text[256] = "";
    regmatch_t m[2];
    bool ok = false;
    uint64_t end = now_ms() + EXPECT_MS;
    do {
        display_text(r, text, sizeof text);
        ok = regexec(&re, text, 2, m, 0) == 0 && m[1].rm_so >= 0;
        if (!ok) {
            pump(r, 50);
        }
    } while (!ok && now_ms() < end);
    regfree(&re);
    r->expectations++;
    if (!ok) {
        r->failed++;
        printf("FAIL %s:%u: nothing to capture in \"%s\" for /%s/\n", r->script, r->lineno, text,
               args + used);
        return;
    }
    unsigned i = 0;
    while (i < r->vars && strcmp(r->var_name[i], name) != 0) {
        i++;
    }
    if (i == VARS_MAX) {
        die(r, "capture: more than %d names", VARS_MAX);
    }
    size_t n = (size_t)(m[1].rm_eo - m[1].rm_so);
    if (n >= VAR_CAP) {
        die(r, "capture: %s would be %zu characters long", name, n);
    }
    snprintf(r->var_name[i], VAR_CAP, "%s", name);
    memcpy(r->var_value[i], text + m[1].rm_so, n);
    r->var_value[i][n] = '\0';
    r->vars += i == r->vars;
    printf("ok  %s:%u: capture %s\n", r->script, r->lineno, name); // not the value: a secret
}

// Replace every ${NAME} in `in` by what was captured; an unknown NAME is a
// script error.
static void expand(rig *r, const char *in, char *out, size_t cap) {
    size_t o = 0;
    for (const char *p = in; *p;) {
        const char *close = p[0] == '$' && p[1] == '{' ? strchr(p + 2, '}') : NULL;
        const char *add = p;
        size_t n = 1;
        if (close) {
            unsigned i = 0;
            while (i < r->vars && (strlen(r->var_name[i]) != (size_t)(close - p - 2) ||
                                   strncmp(r->var_name[i], p + 2, (size_t)(close - p - 2)) != 0)) {
                i++;
            }
            if (i == r->vars) {
                die(r, "${%.*s} was not captured", (int)(close - p - 2), p + 2);
            }
            add = r->var_value[i];
            n = strlen(add);
            p = close + 1;
        } else {
            p++;
        }
        if (o + n >= cap) {
            die(r, "line too long once ${...} is replaced");
        }
        memcpy(out + o, add, n);
        o += n;
    }
    out[o] = '\0';
}

static void run_line(rig *r, char *line) {
    char *cmd = strtok(line, " \t");
    char *rest = strtok(NULL, "");
    while (rest && (*rest == ' ' || *rest == '\t')) {
        rest++;
    }
    if (!cmd || cmd[0] == '#') {
        return;
    }
    if (strcmp(cmd, "record") == 0 && rest) {
        r->recording = strcmp(rest, "on") == 0;
        if (r->recording) {
            r->recorded_len = r->frames = 0;
        }
        return;
    }
    if (r->pid <= 0 && strcmp(cmd, "power") != 0) {
        die(r, "%s with the power off", cmd);
    }
    if (strcmp(cmd, "power") == 0 && rest && strncmp(rest, "on", 2) == 0) {
        power_on(r, rest + 2);
    } else if (strcmp(cmd, "power") == 0 && rest && strcmp(rest, "off") == 0) {
        power_off(r);
    } else if (strcmp(cmd, "keys") == 0 && rest) {
        keys(r, rest);
    } else if (strcmp(cmd, "door") == 0 && rest && strcmp(rest, "open") == 0) {
        console_input(r, "o");
    } else if (strcmp(cmd, "door") == 0 && rest && strcmp(rest, "close") == 0) {
        console_input(r, "c");
    } else if (strcmp(cmd, "battery") == 0 && rest) {
        console_input(r, strcmp(rest, "low") == 0 ? "b" : "B");
    } else if (strcmp(cmd, "remote") == 0 && rest) {
        console_input(r, strcmp(rest, "on") == 0 ? "x" : "X");
    } else if (strcmp(cmd, "wait") == 0 && rest) {
        char *unit;
        long v = strtol(rest, &unit, 10);
        pump(r, (int)(strcmp(unit, "s") == 0 ? v * 1000 : v));
    } else if (strcmp(cmd, "noise") == 0 && rest) {
        noise(r, strtol(rest, NULL, 10));
    } else if (strcmp(cmd, "inject") == 0 && rest) {
        inject(r, rest);
    } else if (strcmp(cmd, "replay") == 0) {
        replay(r);
    } else if (strcmp(cmd, "service") == 0 && rest) {
        service(r, rest);
    } else if (strcmp(cmd, "expect") == 0 && rest && strcmp(rest, "restart") == 0) {
        // The lock body's "restart" line, then its next boot.
        uint64_t end = now_ms() + EXPECT_MS;
        while (!r->restarting && now_ms() < end) {
            pump(r, 20);
        }
        if (!r->restarting) {
            die(r, "the lock did not restart");
        }
        r->restarting = false;
        wait_boot_and_keypad(r, r->booted_before_restart);
        r->expectations++;
        printf("ok  %s:%u: restart\n", r->script, r->lineno);
    } else if (strcmp(cmd, "capture") == 0 && rest) {
        capture(r, rest);
    } else if (strcmp(cmd, "expect") == 0 && rest) {
        char *what = strtok(rest, " ");
        char *arg = strtok(NULL, "");
        if (!what || !arg) {
            die(r, "expect WHAT REGEX");
        }
        expect(r, what, arg);
    } else {
        die(r, "unknown command: %s", cmd);
    }
}

int main(int argc, char **argv) {
    static rig r = {
        .con = -1, .cab = -1, .svc = -1, .con_listen = -1, .cab_listen = -1, .svc_listen = -1};
    r.qemu = "qemu-system-arm";
    snprintf(r.alarm, sizeof r.alarm, "off");
    int i = 1;
    for (; i + 1 < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
        if (strcmp(argv[i], "--qemu") == 0) {
            r.qemu = argv[i + 1];
        } else if (strcmp(argv[i], "--firmware") == 0) {
            r.firmware = argv[i + 1];
        } else if (strcmp(argv[i], "--state") == 0) {
            r.state = argv[i + 1];
        } else {
            break;
        }
    }
    if (i + 1 != argc || !r.firmware || !r.state) {
        fprintf(stderr, "usage: an385-rig [--qemu Q] --firmware ELF --state DIR SCRIPT\n");
        return 2;
    }
    r.script = argv[i];
    snprintf(r.con_path, sizeof r.con_path, "%s/console.sock", r.state);
    snprintf(r.cab_path, sizeof r.cab_path, "%s/cable.sock", r.state);
    snprintf(r.svc_path, sizeof r.svc_path, "%s/service.sock", r.state);
    snprintf(r.flash_path, sizeof r.flash_path, "%s/lock.flash", r.state);
    snprintf(r.keypad_path, sizeof r.keypad_path, "%s/keypad.flash", r.state);
    snprintf(r.log_path, sizeof r.log_path, "%s/qemu.log", r.state);
    signal(SIGPIPE, SIG_IGN);
    FILE *f = fopen(r.script, "r");
    if (!f) {
        fprintf(stderr, "an385-rig: cannot open %s\n", r.script);
        return 2;
    }
    char line[512], expanded[512];
    while (fgets(line, sizeof line, f)) {
        r.lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        expand(&r, line, expanded, sizeof expanded);
        run_line(&r, expanded);
    }
    fclose(f);
    if (r.pid > 0) {
        power_off(&r);
    }
    printf("stack high-water %u\n", r.stack_max);
    printf("%s: %u expectations, %u failed\n", r.script, r.expectations, r.failed);
    return r.failed ? 1 : 0;
}
