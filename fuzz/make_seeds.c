// ownerlock — writes the seed corpora fuzz/corpus/frame and fuzz/corpus/session.
// Not part of any build; run it after a protocol change:
//   clang -Iinclude -Iports/host fuzz/make_seeds.c <the sources fuzz/run.sh lists> -o /tmp/seeds
//   /tmp/seeds fuzz/corpus
// It reuses fuzz_session.c's world, so the recorded frames belong to the very
// session the fuzz target starts from.
#include <stdio.h>

#include "fuzz_session.c"

static void write_seed(const char *dir, const char *target, const char *name, const uint8_t *bytes,
                       size_t n) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s/%s", dir, target, name);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(bytes, 1, n, f) != n || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

typedef struct {
    uint8_t b[4096];
    size_t n;
} buf;

static void put(buf *p, const void *bytes, size_t n) {
    if (p->n + n > sizeof p->b) {
        abort();
    }
    memcpy(p->b + p->n, bytes, n);
    p->n += n;
}

static void put_op(buf *p, uint8_t op, const uint8_t *arg, size_t n) {
    put(p, &op, 1);
    put(p, arg, n);
}

int main(int argc, char **argv) {
    const char *dir = argc > 1 ? argv[1] : "fuzz/corpus";
    build_snapshot();
    uint8_t msg[OL_MSG_BYTES], wire[OL_FRAME_MAX_WIRE];
    size_t n;

    // ---- session programs ----
    buf p = {.n = 0};
    ol_msg_entry(msg, (const uint8_t[]){1, 2, 3, 4, 5, 6}, 6);
    put_op(&p, 0, msg, sizeof msg);
    ol_outputs outs;
    memset(&outs, 0, sizeof outs);
    memcpy(outs.line[0], "Enter code", 11);
    ol_msg_display(msg, &outs);
    put_op(&p, 2, msg, sizeof msg);
    ol_msg_function(msg, 2);
    put_op(&p, 0, msg, sizeof msg);
    ol_msg_cancel(msg);
    put_op(&p, 0, msg, sizeof msg);
    write_seed(dir, "session", "messages", p.b, p.n);

    p.n = 0;
    ol_msg_entry(msg, (const uint8_t[]){9, 8, 7, 6, 5, 4, 3, 2}, 8);
    for (int i = 0; i < 3; i++) {
        put_op(&p, 4, msg, sizeof msg); // heartbeats the keypad misses
    }
    put_op(&p, 0, msg, sizeof msg); // stale
    put_op(&p, 3, (const uint8_t[]){0x12, 0x35}, 2);
    put(&p, msg, sizeof msg);
    put_op(&p, 3, (const uint8_t[]){0x40, 0x02}, 2);
    put(&p, msg, sizeof msg);
    put_op(&p, 5, (const uint8_t[]){0x5a}, 1);
    put_op(&p, 0, msg, sizeof msg);
    write_seed(dir, "session", "stale-tamper-rehandshake", p.b, p.n);

    // Raw replays of genuine keypad frames of the snapshot's session, a
    // second HELLO, and noise.
    world w = snapshot;
    w.k.s.trng_ctx = &w.rng_k;
    w.b.s.trng_ctx = &w.rng_b;
    p.n = 0;
    for (int i = 0; i < 3; i++) {
        ol_msg_entry(msg, (const uint8_t[]){4, 4, (uint8_t)i, 1, 2, 3, 4}, 7);
        if (ol_session_keypad_send(&w.k, msg, wire, &n) != OL_OK) {
            abort();
        }
        uint8_t len = (uint8_t)n;
        put_op(&p, 1, &len, 1);
        put(&p, wire, n);
    }
    write_seed(dir, "session", "raw-replay", p.b, p.n);
    p.n = 0;
    if (ol_session_keypad_start(&w.k, wire, &n) != OL_OK) {
        abort();
    }
    uint8_t len = (uint8_t)n;
    put_op(&p, 1, &len, 1);
    put(&p, wire, n);
    ol_msg_entry(msg, (const uint8_t[]){5, 5, 5}, 3);
    put_op(&p, 0, msg, sizeof msg); // the old session goes on
    write_seed(dir, "session", "raw-hello", p.b, p.n);
    p.n = 0;
    uint8_t noise[200];
    for (size_t i = 0; i < sizeof noise; i++) {
        noise[i] = (uint8_t)(i * 37 + 11);
    }
    len = sizeof noise;
    put_op(&p, 1, &len, 1);
    put(&p, noise, sizeof noise);
    put_op(&p, 0, msg, sizeof msg);
    write_seed(dir, "session", "noise", p.b, p.n);

    // ---- frames: one of each type, noise around them ----
    static const struct {
        uint8_t type;
        size_t len;
        const char *name;
    } kinds[] = {
        {OL_LINK_HELLO, OL_LINK_HELLO_BODY, "hello"},
        {OL_LINK_WELCOME, OL_LINK_WELCOME_BODY, "welcome"},
        {OL_LINK_FINISH, OL_LINK_FINISH_BODY, "finish"},
        {OL_LINK_DATA, OL_LINK_DATA_BODY, "data"},
        {OL_LINK_REFUSE, OL_LINK_REFUSE_BODY, "refuse"},
        {0x7f, 0, "empty"},
    };
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        uint8_t body[OL_FRAME_MAX_BODY];
        for (size_t i = 0; i < kinds[k].len; i++) {
            body[i] = (uint8_t)(i % 5 == 0 ? 0 : i * 13 + k); // zeros for COBS to remove
        }
        if (ol_frame_encode(wire, &n, kinds[k].type, body, kinds[k].len) != OL_OK) {
            abort();
        }
        write_seed(dir, "frame", kinds[k].name, wire, n);
    }
    p.n = 0;
    put(&p, noise, 50);
    if (ol_frame_encode(wire, &n, OL_LINK_DATA, noise, OL_LINK_DATA_BODY) != OL_OK) {
        abort();
    }
    put(&p, wire, n);
    put(&p, noise + 50, 30);
    put(&p, wire, n);
    write_seed(dir, "frame", "noise-around-frames", p.b, p.n);
    return 0;
}
