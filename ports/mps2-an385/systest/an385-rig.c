// ownerlock — mps2-an385 system test rig (a host program).
//
// Runs the real lock-body firmware in QEMU and plays the world around it:
// the keypad unit (the real src/frontend/keypad.c, on the host) on the cable
// UART, the door switch and the bolt on the console UART, and the power (a
// power cut is SIGKILL to QEMU; the flash file keeps what was committed).
//
//   an385-rig [--qemu qemu-system-arm] --firmware ownerlock-an385.elf --state DIR SCRIPT
//
// Script lines (blank lines and '#' comments are skipped):
//   power on [door=open] [rtc=lost]   start QEMU (the flash is DIR/lock.flash)
//   power off                         cut the power (SIGKILL)
//   keys K...                         press keys (0-9 * #; spaces ignored)
//   door open | door close            the door switch
//   battery low | battery fresh       the battery sense input
//   remote on | remote off            the remote-disable input
//   wait N[ms|s]                      let time pass
//   noise N                           N pseudo-random bytes on the cable
//   inject HEX                        a well-framed message: HEX bytes, zero-padded to 40
//   expect display REGEX              the keypad shows "LINE 1 | LINE 2" (POSIX ERE)
//   expect bolt retracted|extended    the bolt motor's last command
//   expect alarm on|off               the silent alarm output
//   expect status REGEX               the lock's status line (console 's')
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

#include "cable.h"
#include "ownerlock/keypad.h"
#include "ownerlock/link.h"

#define EXPECT_MS 5000
#define BOOT_MS 15000
// A message is answered within a few ms; wait this long for answers to land.
#define SETTLE_MS 80

typedef struct rig {
    const char *qemu, *firmware, *state;
    char con_path[256], cab_path[256], flash_path[256], log_path[256];
    int con_listen, cab_listen, con, cab;
    pid_t pid;
    ol_keypad kp;
    cable_rx rx;
    uint64_t display_at; // when the last display message arrived
    char line[256];      // console line being received
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
    }
}

static void close_fd(int *fd) {
    if (*fd >= 0) {
        close(*fd);
        *fd = -1;
    }
}

// Read whatever the lock body sent, for up to `ms`.
static void pump(rig *r, int ms) {
    uint64_t end = now_ms() + (uint64_t)ms;
    do {
        struct pollfd p[2] = {{r->con, POLLIN, 0}, {r->cab, POLLIN, 0}};
        int left = (int)(end > now_ms() ? end - now_ms() : 0);
        if (poll(p, 2, left) < 0 && errno != EINTR) {
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
                uint8_t msg[OL_MSG_BYTES];
                if (cable_rx_byte(&r->rx, buf[i], now_ms(), msg)) {
                    ol_keypad_receive(&r->kp, msg, sizeof msg);
                    r->display_at = now_ms();
                }
            }
        }
        ol_keypad_tick(&r->kp, now_ms());
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

static void power_on(rig *r, const char *args) {
    if (r->pid > 0) {
        die(r, "power is already on");
    }
    char append[512];
    snprintf(append, sizeof append, "flash=%s seed=an385-rig %s", r->flash_path, args);
    char con[300], cab[300];
    snprintf(con, sizeof con, "socket,id=con,path=%s", r->con_path);
    snprintf(cab, sizeof cab, "socket,id=cab,path=%s", r->cab_path);
    r->con_listen = listen_unix(r, r->con_path);
    r->cab_listen = listen_unix(r, r->cab_path);
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
               "-serial", "chardev:con", "-serial", "chardev:cab", "-kernel", r->firmware,
               "-append", append, (char *)NULL);
        _exit(127);
    }
    r->con = accept_within(r, r->con_listen, "console");
    r->cab = accept_within(r, r->cab_listen, "cable");
    close_fd(&r->con_listen);
    close_fd(&r->cab_listen);
    // The keypad is powered through the cable: it starts afresh too.
    ol_keypad_init(&r->kp);
    cable_rx_init(&r->rx);
    r->line_len = 0;
    unsigned booted = r->booted;
    uint64_t end = now_ms() + BOOT_MS;
    while (r->booted == booted && now_ms() < end) {
        pump(r, 50);
    }
    if (r->booted == booted) {
        die(r, "the lock did not boot");
    }
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
    printf("  (power cut)\n");
}

// ---- script ------------------------------------------------------------------------------

static void keys(rig *r, const char *k) {
    for (; *k; k++) {
        if (*k == ' ') {
            continue;
        }
        uint8_t msg[OL_MSG_BYTES], frame[CABLE_FRAME_BYTES];
        if (ol_keypad_key(&r->kp, now_ms(), *k, msg)) {
            cable_frame(frame, msg);
            uint64_t sent = now_ms();
            send_all(r, r->cab, frame, sizeof frame);
            // Every keypad message is answered with the display.
            while (r->display_at < sent && now_ms() < sent + EXPECT_MS) {
                pump(r, 10);
            }
            if (r->display_at < sent) {
                die(r, "no answer from the lock body");
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

// A frame with a good CRC around whatever message the script gives.
static void inject(rig *r, const char *hex) {
    uint8_t msg[OL_MSG_BYTES] = {0}, frame[CABLE_FRAME_BYTES];
    size_t n = 0;
    for (const char *p = hex; p[0] && p[1] && n < sizeof msg;) {
        if (*p == ' ') {
            p++;
            continue;
        }
        unsigned v;
        if (sscanf(p, "%2x", &v) != 1) {
            die(r, "bad hex: %s", hex);
        }
        msg[n++] = (uint8_t)v;
        p += 2;
    }
    cable_frame(frame, msg);
    send_all(r, r->cab, frame, sizeof frame);
    pump(r, SETTLE_MS);
}

static void display_text(rig *r, char *out, size_t cap) {
    char line[2][OL_DISPLAY_COLS + 1];
    ol_keypad_display(&r->kp, line);
    snprintf(out, cap, "%s | %s", line[0], line[1]);
}

static void expect(rig *r, const char *what, const char *arg) {
    regex_t re;
    if (regcomp(&re, arg, REG_EXTENDED | REG_NOSUB) != 0) {
        die(r, "bad regular expression: %s", arg);
    }
    bool display = strcmp(what, "display") == 0, bolt = strcmp(what, "bolt") == 0;
    bool status = strcmp(what, "status") == 0, alarm = strcmp(what, "alarm") == 0;
    if (!display && !bolt && !status && !alarm) {
        die(r, "expect display|bolt|alarm|status, not %s", what);
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
        } else {
            snprintf(text, sizeof text, "%s", bolt ? r->bolt : r->alarm);
        }
        ok = regexec(&re, text, 0, NULL, 0) == 0;
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

static void run_line(rig *r, char *line) {
    char *cmd = strtok(line, " \t");
    char *rest = strtok(NULL, "");
    while (rest && (*rest == ' ' || *rest == '\t')) {
        rest++;
    }
    if (!cmd || cmd[0] == '#') {
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
    static rig r = {.con = -1, .cab = -1, .con_listen = -1, .cab_listen = -1};
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
    snprintf(r.flash_path, sizeof r.flash_path, "%s/lock.flash", r.state);
    snprintf(r.log_path, sizeof r.log_path, "%s/qemu.log", r.state);
    signal(SIGPIPE, SIG_IGN);
    FILE *f = fopen(r.script, "r");
    if (!f) {
        fprintf(stderr, "an385-rig: cannot open %s\n", r.script);
        return 2;
    }
    char line[512];
    while (fgets(line, sizeof line, f)) {
        r.lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        run_line(&r, line);
    }
    fclose(f);
    if (r.pid > 0) {
        power_off(&r);
    }
    printf("stack high-water %u\n", r.stack_max);
    printf("%s: %u expectations, %u failed\n", r.script, r.expectations, r.failed);
    return r.failed ? 1 : 0;
}
