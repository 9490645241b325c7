// ownerlock — mps2-an385: the updating lock body's fe_mul and fe_sq are the
// bootloader's (boot_api.h): each is one jump through the bootloader's table.
// The lock body's link wraps the two (-Wl,--wrap), so x25519.c's calls come
// here and x25519_cm3.S's own copies are left out (--gc-sections). main.c
// stops the lock body if the table is not of this version.
#include "boot_api.h"

	.syntax	unified
	.thumb

	.section	.text.__wrap_ol_x25519_fe_mul,"ax",%progbits
	.global	__wrap_ol_x25519_fe_mul
	.type	__wrap_ol_x25519_fe_mul, %function
	.thumb_func
__wrap_ol_x25519_fe_mul:
	ldr	ip, =AN385_BOOT_API_ADDR
	ldr	pc, [ip, #AN385_BOOT_API_FE_MUL_AT]
	.size	__wrap_ol_x25519_fe_mul, . - __wrap_ol_x25519_fe_mul
	.ltorg

	.section	.text.__wrap_ol_x25519_fe_sq,"ax",%progbits
	.global	__wrap_ol_x25519_fe_sq
	.type	__wrap_ol_x25519_fe_sq, %function
	.thumb_func
__wrap_ol_x25519_fe_sq:
	ldr	ip, =AN385_BOOT_API_ADDR
	ldr	pc, [ip, #AN385_BOOT_API_FE_SQ_AT]
	.size	__wrap_ol_x25519_fe_sq, . - __wrap_ol_x25519_fe_sq
	.ltorg

	.section	.note.GNU-stack,"",%progbits
