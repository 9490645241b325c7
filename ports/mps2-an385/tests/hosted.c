// ownerlock — mps2-an385 test support: newlib's system calls over semihosting.
//
// Test and bench programs only. They print with printf (the tests under
// tests/unit/ are shared with the host, unchanged) and exit with a status, so
// stdout goes to the host's stdout and exit() ends QEMU with that status. The
// lock-body firmware links none of this: it has no stdio and no heap.
#include <errno.h>
#include <stdint.h>
#include <sys/stat.h>

#include "../semihost.h"

// Prototypes for the newlib hooks defined here (newlib declares some of them
// in headers that differ between versions).
int _write(int fd, const char *buf, int len);
int _read(int fd, char *buf, int len);
int _close(int fd);
int _fstat(int fd, struct stat *st);
int _isatty(int fd);
int _lseek(int fd, int off, int whence);
void *_sbrk(ptrdiff_t incr);
void _exit(int status);
int _kill(int pid, int sig);
int _getpid(void);

extern char __heap_start[], __heap_end[];

static int32_t host_fd[3] = {-1, -1, -1};

// ":tt" is the host console: mode "w" is its stdout, mode "a" its stderr.
static int32_t console_handle(int fd) {
    if (host_fd[fd] < 0) {
        host_fd[fd] = semihost_open(":tt", fd == 2 ? (enum semihost_mode)8 : SEMIHOST_MODE_W);
    }
    return host_fd[fd];
}

int _write(int fd, const char *buf, int len) {
    if (fd != 1 && fd != 2) {
        errno = EBADF;
        return -1;
    }
    int32_t h = console_handle(fd);
    if (h < 0 || semihost_write(h, buf, (size_t)len) != 0) {
        errno = EIO;
        return -1;
    }
    return len;
}

int _read(int fd, char *buf, int len) {
    (void)fd;
    (void)buf;
    (void)len;
    return 0; // no input: end of file
}

int _close(int fd) {
    (void)fd;
    return 0;
}

int _fstat(int fd, struct stat *st) {
    (void)fd;
    st->st_mode = S_IFCHR; // a terminal: line-buffered stdout
    return 0;
}

int _isatty(int fd) {
    return fd >= 0 && fd <= 2;
}

int _lseek(int fd, int off, int whence) {
    (void)fd;
    (void)off;
    (void)whence;
    return 0;
}

void *_sbrk(ptrdiff_t incr) {
    static char *brk = __heap_start;
    if (incr > __heap_end - brk || incr < __heap_start - brk) {
        errno = ENOMEM;
        return (void *)-1;
    }
    char *prev = brk;
    brk += incr;
    return prev;
}

void _exit(int status) {
    semihost_exit(status);
}

int _kill(int pid, int sig) {
    (void)pid;
    semihost_exit(128 + sig);
}

int _getpid(void) {
    return 1;
}
