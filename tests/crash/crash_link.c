// Power-cut test of the link's own writes: the lock body's identity (drawn
// at its first boot) and the pinned keypad key (at pairing), then
// commissioning and an opening through the link. Power is cut at every
// operation on the lock body's flash in turn; after the cut both units boot
// again and must find each other: a lock body that never bricks itself, an
// identity that never changes once a keypad has pinned it, a keypad that is
// paired (or, on a lock still in its factory state with the door open, pairs
// again at once), and a manager code that opens once it was committed.
#include <setjmp.h>

#include "cable.h"

typedef struct trial {
    bench b;
    jmp_buf env;
    bool commissioned; // the manager code was committed before the cut
} trial;

static void on_cut(void *arg) {
    trial *tr = arg;
    tr->commissioned = tr->b.body.lock.enrolled != 0;
    longjmp(tr->env, 1);
}

static void workload(bench *b) {
    bench_boot(b, 31, 32);
    advance(b, 500);
    keys(b, "482915#482915#");
    advance(b, 3000);
    CHECK(recovery_ack_bench(b, NULL)); // paged and typed back: kept
    door(b, false);
    advance(b, 2000);
    keys(b, "482915#");
    advance(b, 7000);
}

static unsigned failures_reported;

static void holds(uint64_t k, bool ok, const char *what) {
    CHECK(ok);
    if (!ok && failures_reported++ < 20) {
        fprintf(stderr, "cut point %llu: %s\n", (unsigned long long)k, what);
    }
}

static void fresh(trial *tr) {
    memset(tr, 0, sizeof *tr);
    bench_open(&tr->b);
}

static void close_trial(trial *tr) {
    bench_close(&tr->b);
}

int main(void) {
    static trial tr;
    fresh(&tr);
    uint64_t factory = ol_hostflash_ops(&tr.b.lock_flash); // the maker's image, before any cut
    workload(&tr.b);
    uint64_t total = ol_hostflash_ops(&tr.b.lock_flash) - factory;
    CHECK_EQ(count_audit(&tr.b, OL_AUDIT_OPEN), 1);
    CHECK_EQ(count_audit(&tr.b, OL_AUDIT_KEYPAD_PAIRED), 1);
    close_trial(&tr);

    uint64_t hit = 0;
    for (uint64_t k = 0; k < total; k++) {
        fresh(&tr);
        ol_hostflash_arm_cut(&tr.b.lock_flash, k, k * 40503u + 7u, on_cut, &tr);
        if (setjmp(tr.env) == 0) {
            workload(&tr.b);
            holds(k, false, "the workload finished without reaching the cut");
            close_trial(&tr);
            continue;
        }
        hit++;
        bench *b = &tr.b;
        ol_hostflash_disarm(&b->lock_flash);
        safe_rig_cable_clear(b); // what was on the cable is gone
        uint8_t id_before[OL_LINK_ID_BYTES];
        bool had_id = ol_lock_link_identity(&b->body.lock, id_before);
        ol_body_shutdown(&b->body);
        ol_keypad_unit_shutdown(&b->keypad);
        b->t += 1000;
        ol_err err = safe_rig_boot_lock(b);
        holds(k, err == OL_OK, "the lock body did not boot after the cut");
        if (err) {
            close_trial(&tr);
            continue;
        }
        uint8_t id_after[OL_LINK_ID_BYTES];
        bool has_id = ol_lock_link_identity(&b->body.lock, id_after);
        holds(k, has_id, "the lock body has no link identity");
        holds(k, !had_id || memcmp(id_before, id_after, sizeof id_after) == 0,
              "the lock body's identity changed");
        boot_keypad(b, 32);
        advance(b, 3000);
        const char *text = display(b);
        holds(k, strstr(text, "CONNECTING") == NULL && strstr(text, "NOT PAIRED") == NULL,
              "keypad and lock body did not find each other again");
        if (tr.commissioned) {
            if (b->door_open) {
                door(b, false);
                advance(b, 2000);
            }
            bool extended = bolt(b) == OL_BOLT_EXTENDED;
            keys(b, "482915#");
            holds(k, extended && bolt(b) == OL_BOLT_RETRACTED,
                  "the committed manager code does not open through the link");
        }
        close_trial(&tr);
    }
    printf("crash_link: %llu cut points exercised (%llu cuts hit) of %llu lock-body flash "
           "operations\n",
           (unsigned long long)total, (unsigned long long)hit, (unsigned long long)total);
    return check_done("crash_link");
}
