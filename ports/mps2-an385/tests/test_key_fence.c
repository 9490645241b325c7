// ownerlock — mps2-an385: the key store's sectors behind the MPU (flash.c).
//
// Through the flash HAL the key store reads and writes as before; then a
// direct read of its cells, as a stray pointer or a memory dump would make
// one, must stop the lock with a MemManage fault (the panic status 3, which
// run-tests.sh expects, as for test_stack_guard). Reaching the end of main
// means the fence did not hold; so does any failure before the direct read.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "board.h"
#include "ownerlock/config.h"

int main(void);

static volatile uint8_t sink;

int main(void) {
    uart_init(AN385_CONSOLE, 115200u);
    an385_flash f;
    if (an385_flash_init(&f, NULL) != OL_OK) {
        printf("test_key_fence: FAILED, flash init\n");
        return 1;
    }
    uint32_t keys = OL_KEYS_FIRST_SECTOR * AN385_FLASH_SECTOR_SIZE;
    uint32_t state = 0; // sector 0: outside the fence
    static const uint8_t word[OL_FLASH_WORD] = {0x12, 0x34, 0x56, 0x78};
    uint8_t back[OL_FLASH_WORD];
    an385_flash_fence_keys(&f);
    // The HAL still reaches every sector, the keys' included.
    if (f.flash.program(f.flash.ctx, keys, word, sizeof word) != OL_OK ||
        f.flash.read(f.flash.ctx, keys, back, sizeof back) != OL_OK ||
        memcmp(back, word, sizeof word) != 0 || f.flash.erase(f.flash.ctx, keys / 4096u) != OL_OK ||
        f.flash.program(f.flash.ctx, state, word, sizeof word) != OL_OK) {
        printf("test_key_fence: FAILED, the HAL cannot use the key store behind the fence\n");
        return 1;
    }
    sink = f.mem[state]; // outside the fence: fine
    printf("test_key_fence: the HAL works; reading the key store directly\n");
    fflush(stdout);
    sink = f.mem[keys + 5];
    printf("test_key_fence: FAILED, read the key store past the fence (%u)\n", (unsigned)sink);
    return 1;
}
