// ownerlock — mps2-an385: the updating lock body's fe_mul and fe_sq are the
// bootloader's (boot_api.h): each is one jump through the bootloader's table.
// The lock body's link wraps the two (-Wl,--wrap), so x25519.c's calls come
// here and x25519_cm3.S's own copies are left out (--gc-sections). main.c
// stops the lock body if the table is not of this version.
#include "boot_api.h"

	.syntax	unified
	.thumb

// __wrap_NAME: a jump to the function the table holds at offset AT.
.macro	lent name, at
	.section	.text.__wrap_\name,"ax",%progbits
	.global	__wrap_\name
	.type	__wrap_\name, %function
	.thumb_func
__wrap_\name:
	ldr	ip, =AN385_BOOT_API_ADDR
	ldr	pc, [ip, #\at]
	.size	__wrap_\name, . - __wrap_\name
	.ltorg
.endm

	lent	ol_x25519_fe_mul, AN385_BOOT_API_FE_MUL_AT
	lent	ol_x25519_fe_sq, AN385_BOOT_API_FE_SQ_AT

	.section	.note.GNU-stack,"",%progbits
