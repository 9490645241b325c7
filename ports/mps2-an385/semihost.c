// ownerlock — mps2-an385 port: Arm semihosting calls.
#include "semihost.h"

#include <string.h>

// ADP_Stopped_ApplicationExit: "the program ended normally"; with
// SYS_EXIT_EXTENDED the second word is the process exit status.
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u

int32_t semihost_call(uint32_t op, void *arg) {
    register uint32_t r0 __asm__("r0") = op;
    register void *r1 __asm__("r1") = arg;
    // BKPT 0xAB is the M-profile semihosting trap. "memory": the host reads
    // and writes the argument block and the buffers it points to.
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return (int32_t)r0;
}

// Every argument block is this one, not a local: QEMU reads the block through
// the MPU a 1 KiB page at a time, and the stack's lowest page holds the MPU
// guard (startup.c), so a block deep in the stack was unreadable and the call
// failed (seen as OL_ERR_FLASH from the flash's write-through). The firmware
// makes these calls from one context only.
static uint32_t block[3];

static int32_t call(uint32_t op, uint32_t a, uint32_t b, uint32_t c) {
    block[0] = a;
    block[1] = b;
    block[2] = c;
    return semihost_call(op, block);
}

int32_t semihost_open(const char *path, enum semihost_mode mode) {
    return call(SEMIHOST_OPEN, (uint32_t)(uintptr_t)path, (uint32_t)mode, (uint32_t)strlen(path));
}

int32_t semihost_close(int32_t fd) {
    return call(SEMIHOST_CLOSE, (uint32_t)fd, 0, 0) == 0 ? 0 : -1;
}

// SYS_WRITE and SYS_READ return the number of bytes *not* transferred.
int32_t semihost_write(int32_t fd, const void *buf, size_t len) {
    return call(SEMIHOST_WRITE, (uint32_t)fd, (uint32_t)(uintptr_t)buf, (uint32_t)len) == 0 ? 0
                                                                                            : -1;
}

int32_t semihost_read(int32_t fd, void *buf, size_t len) {
    return call(SEMIHOST_READ, (uint32_t)fd, (uint32_t)(uintptr_t)buf, (uint32_t)len) == 0 ? 0 : -1;
}

int32_t semihost_seek(int32_t fd, uint32_t pos) {
    return call(SEMIHOST_SEEK, (uint32_t)fd, pos, 0) == 0 ? 0 : -1;
}

int32_t semihost_flen(int32_t fd) {
    return call(SEMIHOST_FLEN, (uint32_t)fd, 0, 0);
}

int32_t semihost_time(void) {
    return semihost_call(SEMIHOST_TIME, NULL);
}

int32_t semihost_clock(void) {
    return semihost_call(SEMIHOST_CLOCK, NULL);
}

int32_t semihost_cmdline(char *buf, size_t cap) {
    if (cap == 0) {
        return -1;
    }
    if (call(SEMIHOST_GET_CMDLINE, (uint32_t)(uintptr_t)buf, (uint32_t)cap, 0) != 0) {
        buf[0] = '\0';
        return -1;
    }
    buf[cap - 1] = '\0';
    return 0;
}

_Noreturn void semihost_exit(int status) {
    call(SEMIHOST_EXIT_EXTENDED, ADP_STOPPED_APPLICATION_EXIT, (uint32_t)status, 0);
    // A host without SYS_EXIT_EXTENDED: the plain call cannot carry the
    // status, only "stopped normally" (0) or "stopped otherwise" (1).
    semihost_call(SEMIHOST_EXIT,
                  (void *)(uintptr_t)(status == 0 ? ADP_STOPPED_APPLICATION_EXIT : 0x20023u));
    for (;;) {
        __asm__ volatile("wfi");
    }
}

int semihost_arg(const char *cmdline, const char *key, char *out, size_t cap) {
    size_t klen = strlen(key);
    const char *p = cmdline;
    while (*p) {
        while (*p == ' ') {
            p++;
        }
        const char *word = p;
        while (*p && *p != ' ') {
            p++;
        }
        size_t wlen = (size_t)(p - word);
        if (wlen > klen && word[klen] == '=' && memcmp(word, key, klen) == 0) {
            size_t vlen = wlen - klen - 1;
            if (cap == 0) {
                return 1;
            }
            if (vlen >= cap) {
                vlen = cap - 1;
            }
            memcpy(out, word + klen + 1, vlen);
            out[vlen] = '\0';
            return 1;
        }
    }
    return 0;
}
