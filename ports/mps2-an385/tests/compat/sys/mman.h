// ownerlock — mps2-an385 test support: <sys/mman.h> for the host port.
//
// newlib has no memory mapping. The host port (ports/host/flash.c) maps a
// file only when asked for a file-backed flash, which the tests built for
// the target never do; they use its in-memory flash. Mapping always fails
// here (host_compat.c), so a file-backed open reports OL_ERR_FLASH.
#ifndef OWNERLOCK_AN385_COMPAT_SYS_MMAN_H
#define OWNERLOCK_AN385_COMPAT_SYS_MMAN_H

#include <stddef.h>
#include <sys/types.h>

#define PROT_READ 0x1
#define PROT_WRITE 0x2
#define MAP_SHARED 0x01
#define MAP_FAILED ((void *)-1)

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int munmap(void *addr, size_t len);

#endif
