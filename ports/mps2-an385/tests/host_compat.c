// ownerlock — mps2-an385 test support: the few POSIX calls the host port and
// the host's unit tests use, for running those tests on the target.
//
// Test programs only. Files do not exist on the target side of semihosting
// for these tests (they use the host port's in-memory flash), so opening and
// mapping fail; clock() reads the host's clock through semihosting.
#include <errno.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/times.h>
#include <sys/types.h>
#include <unistd.h>

#include "../semihost.h"

int _open(const char *path, int flags, int mode);
int _stat(const char *path, struct stat *st);
int _unlink(const char *path);
clock_t _times(struct tms *t);
// <unistd.h> declares it only for XSI; the host port defines _POSIX_C_SOURCE.
ssize_t pwrite(int fd, const void *buf, size_t len, off_t off);

int _open(const char *path, int flags, int mode) {
    (void)path;
    (void)flags;
    (void)mode;
    errno = ENOSYS;
    return -1;
}

int _stat(const char *path, struct stat *st) {
    (void)path;
    (void)st;
    errno = ENOENT;
    return -1;
}

int _unlink(const char *path) {
    (void)path;
    errno = ENOENT;
    return -1;
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t off) {
    (void)fd;
    (void)buf;
    (void)len;
    (void)off;
    errno = ENOSYS;
    return -1;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off) {
    (void)addr;
    (void)len;
    (void)prot;
    (void)flags;
    (void)fd;
    (void)off;
    errno = ENOSYS;
    return MAP_FAILED;
}

int munmap(void *addr, size_t len) {
    (void)addr;
    (void)len;
    errno = EINVAL;
    return -1;
}

// newlib's clock() is _times()'s tms_utime in CLOCKS_PER_SEC (100 here, the
// unit of semihosting's SYS_CLOCK).
clock_t _times(struct tms *t) {
    clock_t now = (clock_t)semihost_clock();
    if (t) {
        t->tms_utime = now;
        t->tms_stime = 0;
        t->tms_cutime = 0;
        t->tms_cstime = 0;
    }
    return now;
}
