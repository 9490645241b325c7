// ownerlock — mps2-an385 port: Arm semihosting (calls into the debugger/QEMU).
//
// Semihosting is how the QEMU reference board reaches the host: the flash
// image file that makes a QEMU restart a real power cycle, the wall clock
// behind the emulated battery-backed RTC, the command line, and the exit
// status of a test program. A real lock has no debugger attached: on silicon
// a semihosting call with no debugger is a HardFault, so nothing in src/
// uses this and a port for a real MCU has no such file.
#ifndef OWNERLOCK_AN385_SEMIHOST_H
#define OWNERLOCK_AN385_SEMIHOST_H

#include <stddef.h>
#include <stdint.h>

// Operation numbers (Arm "Semihosting for AArch32 and AArch64", v2).
enum semihost_op {
    SEMIHOST_OPEN = 0x01,
    SEMIHOST_CLOSE = 0x02,
    SEMIHOST_WRITE0 = 0x04,
    SEMIHOST_WRITE = 0x05,
    SEMIHOST_READ = 0x06,
    SEMIHOST_SEEK = 0x0A,
    SEMIHOST_FLEN = 0x0C,
    SEMIHOST_CLOCK = 0x10,
    SEMIHOST_TIME = 0x11,
    SEMIHOST_GET_CMDLINE = 0x15,
    SEMIHOST_EXIT = 0x18,
    SEMIHOST_EXIT_EXTENDED = 0x20,
};

// SEMIHOST_OPEN modes (fopen equivalents).
enum semihost_mode {
    SEMIHOST_MODE_RB = 1,      // "rb"
    SEMIHOST_MODE_RPLUS_B = 3, // "r+b": read/write, must exist
    SEMIHOST_MODE_W = 4,       // "w" (":tt" opens the console for writing)
    SEMIHOST_MODE_WPLUS_B = 7, // "w+b": read/write, created or truncated
};

int32_t semihost_call(uint32_t op, void *arg);

// Thin wrappers; each returns -1 on failure.
int32_t semihost_open(const char *path, enum semihost_mode mode);
int32_t semihost_close(int32_t fd);
// Whole transfers only: 0 when all len bytes moved, -1 otherwise.
int32_t semihost_write(int32_t fd, const void *buf, size_t len);
int32_t semihost_read(int32_t fd, void *buf, size_t len);
int32_t semihost_seek(int32_t fd, uint32_t pos);
int32_t semihost_flen(int32_t fd);
// Seconds since 1970 on the host, or -1.
int32_t semihost_time(void);
// Centiseconds since the program started (host time: not deterministic).
int32_t semihost_clock(void);
// The command line QEMU was given (-kernel name, then -append), NUL-terminated.
int32_t semihost_cmdline(char *buf, size_t cap);
// Ends the emulation with this exit status (QEMU: SYS_EXIT_EXTENDED).
_Noreturn void semihost_exit(int status);

// Value of `key=value` in the command line, copied into out (NUL-terminated).
// Returns 1 if the key was present, 0 otherwise.
int semihost_arg(const char *cmdline, const char *key, char *out, size_t cap);

#endif
