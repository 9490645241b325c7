// ownerlock — mps2-an385: the plain lock body (ownerlock-an385.elf, no
// bootloader to lend it x25519_cm3.S's square) squares with its multiply:
// fe_sq(h, f) is fe_mul(h, f, f). The link wraps the symbol (-Wl,--wrap),
// so the 1,868 bytes of the square are left out (--gc-sections) for about
// a sixth more time per X25519 (docs/PORTING.md, "Size"). fe_mul reads all
// its inputs before it writes h, so h may be f.
	.syntax	unified
	.thumb

	.section	.text.__wrap_ol_x25519_fe_sq,"ax",%progbits
	.global	__wrap_ol_x25519_fe_sq
	.type	__wrap_ol_x25519_fe_sq, %function
	.thumb_func
__wrap_ol_x25519_fe_sq:
	mov	r2, r1
	b	ol_x25519_fe_mul
	.size	__wrap_ol_x25519_fe_sq, . - __wrap_ol_x25519_fe_sq

	.section	.note.GNU-stack,"",%progbits
