// ownerlock-sim — the interactive terminal UI: the keypad, the lock body, the
// battery, the clock and the latest audit events; real time drives virtual time.
#define _POSIX_C_SOURCE 200809L

#include <curses.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim.h"

#define UI_AUDIT_LINES 10
#define UI_TICK_MS 50
#define UI_MESSAGE_MS 5000u
#define UI_BATTERY_STEP_MV 100u

enum { PAIR_GREEN = 1, PAIR_RED, PAIR_YELLOW };

typedef struct ui {
    sim_world w;
    char audit[UI_AUDIT_LINES][96]; // newest last
    size_t naudit;
    char message[160];
    uint64_t message_until; // virtual ms
    char beep[16];
    uint64_t beep_until;
    char pressed;
    uint64_t pressed_until;
    bool color;
} ui;

static uint64_t real_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void set_message(ui *u, uint64_t t, const char *text) {
    snprintf(u->message, sizeof u->message, "%s", text);
    u->message_until = t + UI_MESSAGE_MS;
}

// Listens to every event the world emits.
static void on_event(void *ctx, const sim_event *ev) {
    ui *u = ctx;
    char tmp[32];
    if (strcmp(ev->type, "audit") == 0) {
        const char *time = sim_event_get(ev, "time", tmp);
        char line[96];
        int n = snprintf(line, sizeof line, "%5s  %-20s %s", sim_event_get(ev, "seq", tmp),
                         time ? time : "?", sim_event_get(ev, "kind", tmp));
        const char *slot = sim_event_get(ev, "slot", tmp);
        if (slot && n > 0 && (size_t)n < sizeof line) {
            n += snprintf(line + n, sizeof line - (size_t)n, " slot %s", slot);
        }
        const char *arg = sim_event_get(ev, "arg", tmp);
        if (arg && strcmp(arg, "0") != 0 && n > 0 && (size_t)n < sizeof line) {
            snprintf(line + n, sizeof line - (size_t)n, " arg %s", arg);
        }
        if (u->naudit == UI_AUDIT_LINES) {
            memmove(u->audit[0], u->audit[1], sizeof u->audit[0] * (UI_AUDIT_LINES - 1));
            u->naudit--;
        }
        snprintf(u->audit[u->naudit++], sizeof u->audit[0], "%s", line);
    } else if (strcmp(ev->type, "beep") == 0) {
        snprintf(u->beep, sizeof u->beep, "%s", sim_event_get(ev, "pattern", tmp));
        u->beep_until = ev->t + 600;
    } else if (strcmp(ev->type, "fault") == 0) {
        char text[160];
        snprintf(text, sizeof text, "lock body fault: %s (during %s)",
                 sim_event_get(ev, "error", tmp), sim_event_get(ev, "during", tmp));
        set_message(u, ev->t, text);
    } else if (strcmp(ev->type, "warning") == 0) {
        set_message(u, ev->t, sim_event_get(ev, "message", tmp));
    }
}

// ---- drawing ----------------------------------------------------------------------------
static void style_on(const ui *u, int pair, bool bold) {
    if (u->color && pair) {
        attron(COLOR_PAIR(pair));
    }
    if (bold) {
        attron(A_BOLD);
    }
}

static void style_off(const ui *u, int pair, bool bold) {
    if (u->color && pair) {
        attroff(COLOR_PAIR(pair));
    }
    if (bold) {
        attroff(A_BOLD);
    }
}

static void draw_keypad(ui *u, int y, int x) {
    sim_world *w = &u->w;
    mvaddstr(y, x, w->rig.dial ? "DIAL UNIT" : "KEYPAD UNIT");
    char line[2][OL_DISPLAY_COLS + 1];
    sim_world_lines(w, line);
    mvaddstr(y + 1, x, "+----------------+");
    for (int i = 0; i < 2; i++) {
        line[i][OL_DISPLAY_COLS] = '\0';
        mvprintw(y + 2 + i, x, "|%-16s|", line[i]);
    }
    mvaddstr(y + 4, x, "+----------------+");

    bool green = sim_world_led(w, false);
    bool red = sim_world_led(w, true);
    move(y + 5, x);
    style_on(u, green ? PAIR_GREEN : 0, green);
    addstr(green ? "[G] green" : "[ ] green");
    style_off(u, green ? PAIR_GREEN : 0, green);
    addstr("   ");
    style_on(u, red ? PAIR_RED : 0, red);
    addstr(red ? "[R] red" : "[ ] red");
    style_off(u, red ? PAIR_RED : 0, red);

    if (w->rig.dial) {
        int n = w->rig.powered ? ol_keypad_unit_dial_number(&w->rig.keypad) : -1;
        if (n >= 0) {
            mvprintw(y + 7, x + 4, "(  %02d  )", n);
        } else {
            mvaddstr(y + 7, x + 4, "(      )");
        }
        mvaddstr(y + 9, x, "<- -> 1  up/down 10");
        mvaddstr(y + 10, x, "[ ] a whole turn");
    }
    static const char rows[4][4] = {"123", "456", "789", "*0#"};
    for (int r = 0; r < 4 && !w->rig.dial; r++) {
        for (int c = 0; c < 3; c++) {
            char k = rows[r][c];
            bool lit = k == u->pressed && w->rig.t < u->pressed_until;
            if (lit) {
                attron(A_REVERSE);
            }
            mvprintw(y + 7 + r, x + 2 + 5 * c, "[%c]", k);
            if (lit) {
                attroff(A_REVERSE);
            }
        }
    }
    if (w->rig.t < u->beep_until) {
        style_on(u, PAIR_YELLOW, true);
        mvprintw(y + 12, x, "*beep* %s", u->beep);
        style_off(u, PAIR_YELLOW, true);
    }
}

static void draw_lock(ui *u, int y, int x) {
    sim_world *w = &u->w;
    bool extended = w->bolt == OL_BOLT_EXTENDED;
    mvaddstr(y, x, "LOCK BODY");
    mvaddstr(y + 1, x, "bolt   ");
    style_on(u, extended ? PAIR_RED : PAIR_GREEN, true);
    addstr(extended ? "EXTENDED" : "retracted");
    style_off(u, extended ? PAIR_RED : PAIR_GREEN, true);
    mvprintw(y + 2, x, "door   %s", w->rig.door_open ? "OPEN" : "closed");
    mvaddstr(y + 3, x, "alarm  ");
    style_on(u, w->seen.alarm ? PAIR_RED : 0, w->seen.alarm);
    addstr(w->seen.alarm ? "ON" : "off");
    style_off(u, w->seen.alarm ? PAIR_RED : 0, w->seen.alarm);
    mvprintw(y + 4, x, "remote disable %s", w->remote_disable ? "on" : "off");

    mvaddstr(y + 6, x, "AUDIT (latest)");
    for (size_t i = 0; i < u->naudit; i++) {
        mvaddnstr(y + 7 + (int)i, x, u->audit[i], COLS - x > 0 ? COLS - x : 0);
    }
}

static void draw(ui *u) {
    sim_world *w = &u->w;
    erase();
    char wall[SIM_ISO_BYTES], rtc[SIM_ISO_BYTES];
    sim_format_iso(sim_world_wall(w), wall);
    uint32_t r = sim_world_rtc(w);
    if (r == OL_RTC_LOST) {
        snprintf(rtc, sizeof rtc, "LOST");
    } else {
        sim_format_iso(r, rtc);
    }
    attron(A_BOLD);
    mvaddstr(0, 1, "ownerlock-sim");
    attroff(A_BOLD);
    addstr("  power ");
    style_on(u, w->rig.powered ? PAIR_GREEN : PAIR_RED, true);
    addstr(w->rig.powered ? "ON" : "OFF");
    style_off(u, w->rig.powered ? PAIR_GREEN : PAIR_RED, true);
    printw("   battery %" PRIu32 ".%02" PRIu32 " V", w->battery_mv / 1000,
           w->battery_mv % 1000 / 10);
    mvprintw(1, 1, "RTC %s   world %s   t=%" PRIu64 ".%01" PRIu64 " s", rtc, wall, w->rig.t / 1000,
             w->rig.t % 1000 / 100);

    draw_keypad(u, 3, 2);
    draw_lock(u, 3, 30);

    if (w->rig.t < u->message_until) {
        style_on(u, PAIR_YELLOW, true);
        mvaddnstr(LINES - 2, 1, u->message, COLS - 2);
        style_off(u, PAIR_YELLOW, true);
    }
    attron(A_DIM);
    mvaddnstr(LINES - 1, 1,
              w->rig.dial
                  ? "arrows and [ ] turn the dial (right counts up)  d door  f/F +1/+10 min  "
                    "q quit"
                  : "0-9*# keys  d door  p power  f/F +1/+10 min  b/B battery -/+0.1 V  "
                    "k new keypad  q quit",
              COLS - 2);
    attroff(A_DIM);
    refresh();
}

// ---- input --------------------------------------------------------------------------------
// false: quit.
static bool handle_key(ui *u, int ch, bool *ok) {
    sim_world *w = &u->w;
    *ok = true;
    switch (ch) {
    case 'q':
    case 3: // Ctrl-C
        return false;
    case 'd':
        if (!sim_world_door(w, !w->rig.door_open)) {
            set_message(u, w->rig.t, "the door cannot open against an extended bolt");
        }
        break;
    case 'p':
        if (w->rig.dial) {
            break; // the dial is the power
        }
        sim_world_power(w, !w->rig.powered);
        set_message(u, w->rig.t, w->rig.powered ? "battery connected" : "battery removed");
        break;
    case 'f':
    case 'F':
        *ok = sim_world_advance(w, ch == 'f' ? 60000u : 600000u);
        set_message(u, w->rig.t,
                    ch == 'f' ? "fast-forwarded 1 minute" : "fast-forwarded 10 minutes");
        break;
    case 'k':
        sim_world_keypad_replace(w);
        set_message(u, w->rig.t, "a new keypad (never paired) replaces the old one");
        *ok = !w->rig.internal_error[0];
        break;
    case 'b':
        sim_world_battery(
            w, w->battery_mv >= UI_BATTERY_STEP_MV ? w->battery_mv - UI_BATTERY_STEP_MV : 0);
        break;
    case 'B':
        sim_world_battery(w, w->battery_mv + UI_BATTERY_STEP_MV <= 100000u
                                 ? w->battery_mv + UI_BATTERY_STEP_MV
                                 : 100000u);
        break;
    case KEY_RIGHT:
    case KEY_LEFT:
    case KEY_UP:
    case KEY_DOWN:
    case ']':
    case '[':
        if (w->rig.dial) {
            int dir = ch == KEY_RIGHT || ch == KEY_UP || ch == ']' ? 1 : -1;
            *ok = sim_world_turn(w, dir,
                                 ch == KEY_UP || ch == KEY_DOWN ? 10u
                                 : ch == ']' || ch == '['       ? OL_DIAL_NUMBERS
                                                                : 1u);
        }
        break;
    default:
        if (w->rig.dial) {
            break; // a dial has no keys
        }
        if ((ch >= '0' && ch <= '9') || ch == '*' || ch == '#') {
            if (!w->rig.powered) {
                set_message(u, w->rig.t, "no power: the keypad is dark");
            }
            u->pressed = (char)ch;
            u->pressed_until = w->rig.t + SIM_KEY_MS;
            *ok = sim_world_key(w, (char)ch);
        }
        break;
    }
    return true;
}

int sim_run_ui(sim_events *events, const sim_options *opt) {
    ui *u = sim_xmalloc(sizeof *u);
    *u = (ui){0};
    events->out = NULL;
    events->keep_window = false;
    events->hook = on_event;
    events->hook_ctx = u;
    char err[512];
    if (!sim_world_open(&u->w, events, opt->state_dir, opt->have_seed, opt->seed, opt->dial, err,
                        sizeof err)) {
        fprintf(stderr, "ownerlock-sim: %s\n", err);
        sim_world_close(&u->w);
        free(u);
        return SIM_EXIT_SCRIPT;
    }
    initscr();
    raw(); // Ctrl-C arrives as a key and quits cleanly (the state is saved)
    noecho();
    keypad(stdscr, TRUE);
    curs_set(0);
    timeout(UI_TICK_MS);
    if (has_colors()) {
        start_color();
        use_default_colors();
        init_pair(PAIR_GREEN, COLOR_GREEN, -1);
        init_pair(PAIR_RED, COLOR_RED, -1);
        init_pair(PAIR_YELLOW, COLOR_YELLOW, -1);
        u->color = true;
    }
    bool ok = true, running = true;
    uint64_t last = real_ms();
    while (ok && running) {
        draw(u);
        int ch = getch();
        uint64_t now = real_ms();
        ok = sim_world_advance(&u->w, now - last);
        last = now;
        if (ok && ch != ERR) {
            running = handle_key(u, ch, &ok);
        }
    }
    endwin();
    int st = SIM_EXIT_OK;
    if (!ok) {
        fprintf(stderr, "ownerlock-sim: simulator stopped: %s\n", u->w.rig.internal_error);
        st = SIM_EXIT_INTERNAL;
    }
    if (opt->state_dir) {
        printf("state kept in %s\n", opt->state_dir);
    }
    sim_world_close(&u->w);
    events->hook = NULL;
    free(u);
    return st;
}
