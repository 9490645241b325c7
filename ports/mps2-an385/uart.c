// ownerlock — mps2-an385 port: CMSDK APB UART, interrupt-driven receive.
//
// Receive goes through an interrupt into a ring buffer, because the UART has
// a one-byte holding register and the main loop may be busy for a whole
// verification (HMAC, flash writes) or a handshake (three X25519) while the
// keypad sends. Transmit polls: the lock body sends at most one frame of at
// most 105 bytes (a WELCOME) per byte or event it handles.
//
// The cable and the console drop what a full ring cannot take (the framing
// resyncs; an attacker must not stall the lock). The service port holds it
// instead: with its ring full the interrupt is masked and the byte stays in
// the UART until the main loop has read the ring (flow control, which QEMU
// passes back to the host's socket), so a whole request is never cut.
#include "board.h"

// Registers (CMSDK APB UART, Arm DDI 0479).
#define UART_DATA(b) REG32((b) + 0x000u)
#define UART_STATE(b) REG32((b) + 0x004u)
#define UART_CTRL(b) REG32((b) + 0x008u)
#define UART_INTCLEAR(b) REG32((b) + 0x00Cu)
#define UART_BAUDDIV(b) REG32((b) + 0x010u)

#define STATE_TX_FULL (1u << 0)
#define STATE_RX_FULL (1u << 1)
#define STATE_RX_OVERRUN (1u << 3)
#define CTRL_TX_EN (1u << 0)
#define CTRL_RX_EN (1u << 1)
#define CTRL_RX_INT_EN (1u << 3)
#define INT_RX (1u << 1)
#define INT_RX_OVERRUN (1u << 3)

// Receive rings, powers of two (indices wrap with a mask). The cable's holds
// what a keypad (or an attacker) can send while a HELLO is being answered:
// a FINISH and a DATA frame behind it, 106 bytes, or a HELLO and more. The
// console gets single characters.
#define CONSOLE_RING 32u
#define CABLE_RING 256u
#define SERVICE_RING 64u

typedef struct uart_rx {
    volatile uint32_t head; // written by the interrupt only
    volatile uint32_t tail; // written by the main loop only
    volatile uint32_t overruns;
} uart_rx;

static uart_rx rx_state[3];
static uint8_t console_ring[CONSOLE_RING], cable_ring[CABLE_RING], service_ring[SERVICE_RING];

// Fixed facts in flash, the rings in .bss (an initialised table would copy
// the rings' zeros from flash into RAM at every reset).
static const struct uart_hw {
    uint32_t base;
    uint32_t irq;
    uint8_t *ring;
    uint32_t mask;
    bool hold; // a full ring masks the interrupt instead of dropping
} uart_hw[3] = {
    {AN385_UART0_BASE, AN385_UART0_RX_IRQ, console_ring, CONSOLE_RING - 1u, false},
    {AN385_UART1_BASE, AN385_UART1_RX_IRQ, cable_ring, CABLE_RING - 1u, false},
    {AN385_UART2_BASE, AN385_UART2_RX_IRQ, service_ring, SERVICE_RING - 1u, true},
};

void uart_init(an385_uart u, uint32_t baud) {
    uint32_t base = uart_hw[u].base;
    UART_CTRL(base) = 0;
    // The CMSDK UART needs BAUDDIV >= 16.
    uint32_t div = AN385_SYSCLK_HZ / baud;
    UART_BAUDDIV(base) = div < 16u ? 16u : div;
    UART_INTCLEAR(base) = INT_RX | INT_RX_OVERRUN;
    rx_state[u].head = rx_state[u].tail = 0;
    UART_CTRL(base) = CTRL_TX_EN | CTRL_RX_EN | CTRL_RX_INT_EN;
    NVIC_ISER0 = 1u << uart_hw[u].irq;
}

static void rx_interrupt(an385_uart u) {
    const struct uart_hw *hw = &uart_hw[u];
    uint32_t base = hw->base;
    uart_rx *p = &rx_state[u];
    UART_INTCLEAR(base) = INT_RX | INT_RX_OVERRUN;
    if (UART_STATE(base) & STATE_RX_OVERRUN) {
        UART_STATE(base) = STATE_RX_OVERRUN; // write 1 to clear
        p->overruns++;
    }
    while (UART_STATE(base) & STATE_RX_FULL) {
        uint32_t head = p->head;
        if (head - p->tail > hw->mask && hw->hold) {
            UART_CTRL(base) &= ~CTRL_RX_INT_EN; // uart_read unmasks it
            return;
        }
        if (head - p->tail > hw->mask) {
            p->overruns++; // the reader is behind: drop, the framing resyncs
            (void)UART_DATA(base);
            continue;
        }
        hw->ring[head & hw->mask] = (uint8_t)UART_DATA(base);
        __asm__ volatile("" ::: "memory"); // the byte before the index
        p->head = head + 1;
    }
}

void UART0_RX_Handler(void);
void UART1_RX_Handler(void);
void UART2_RX_Handler(void);
void UART0_RX_Handler(void) {
    rx_interrupt(AN385_CONSOLE);
}
void UART1_RX_Handler(void) {
    rx_interrupt(AN385_CABLE);
}
void UART2_RX_Handler(void) {
    rx_interrupt(AN385_SERVICE);
}

size_t uart_read(an385_uart u, uint8_t *buf, size_t cap) {
    const struct uart_hw *hw = &uart_hw[u];
    uart_rx *p = &rx_state[u];
    size_t n = 0;
    uint32_t tail = p->tail;
    uint32_t head = p->head;
    __asm__ volatile("" ::: "memory"); // the index before the bytes
    while (n < cap && tail != head) {
        buf[n++] = hw->ring[tail & hw->mask];
        tail++;
    }
    p->tail = tail;
    if (hw->hold && n != 0) {
        UART_CTRL(hw->base) |= CTRL_RX_INT_EN; // room again: take the held byte
        // The held byte may have come in after the handler cleared the
        // interrupt status (QEMU's CMSDK UART raises it only for a byte that
        // arrives while the interrupt is enabled): unmasking alone would
        // then never take it, and the port would stall (seen in the update
        // test, one run in three). Pending the interrupt makes the handler
        // look; with nothing there it reads nothing.
        NVIC_ISPR0 = 1u << hw->irq;
    }
    return n;
}

uint32_t uart_overruns(an385_uart u) {
    return rx_state[u].overruns;
}

void uart_write(an385_uart u, const void *buf, size_t len) {
    uint32_t base = uart_hw[u].base;
    const uint8_t *b = buf;
    if (!(UART_CTRL(base) & CTRL_TX_EN)) {
        return; // not set up yet (a fault report before uart_init): never wait for it
    }
    for (size_t i = 0; i < len; i++) {
        while (UART_STATE(base) & STATE_TX_FULL) {
        }
        UART_DATA(base) = b[i];
    }
}

// ---- console helpers: no printf in the firmware (it alone would be 10+ KiB) ----

void console_puts(const char *s) {
    size_t n = 0;
    while (s[n]) {
        n++;
    }
    uart_write(AN385_CONSOLE, s, n);
}

void console_putu(uint32_t v) {
    char buf[11];
    size_t i = sizeof buf;
    buf[--i] = '\0';
    do {
        buf[--i] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v);
    console_puts(buf + i);
}

void console_puthex(uint32_t v) {
    char buf[9];
    for (int i = 7; i >= 0; i--) {
        buf[i] = "0123456789abcdef"[v & 15u];
        v >>= 4;
    }
    buf[8] = '\0';
    console_puts(buf);
}
