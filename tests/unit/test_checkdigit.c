// Damm check digits: the published example, and the two properties the
// recovery code relies on, checked exhaustively over 5-digit groups.
#include "check.h"
#include "ownerlock/recovery.h"

int main(void) {
    const uint8_t example[3] = {5, 7, 2}; // Damm's worked example: check digit 4
    CHECK_EQ(ol_check_digit(example, 3), 4);
    const uint8_t with_check[4] = {5, 7, 2, 4};
    CHECK(ol_check_valid(with_check, 4));
    unsigned missed_single = 0, missed_swap = 0, groups = 0;
    for (unsigned v = 0; v < 10000; v++) {
        uint8_t g[5] = {(uint8_t)(v / 1000), (uint8_t)(v / 100 % 10), (uint8_t)(v / 10 % 10),
                        (uint8_t)(v % 10), 0};
        g[4] = ol_check_digit(g, 4);
        groups += ol_check_valid(g, 5);
        for (int pos = 0; pos < 5; pos++) {
            for (uint8_t d = 1; d < 10; d++) {
                uint8_t e[5];
                memcpy(e, g, 5);
                e[pos] = (uint8_t)((e[pos] + d) % 10);
                missed_single += ol_check_valid(e, 5);
            }
            if (pos < 4 && g[pos] != g[pos + 1]) {
                uint8_t e[5];
                memcpy(e, g, 5);
                e[pos] = g[pos + 1];
                e[pos + 1] = g[pos];
                missed_swap += ol_check_valid(e, 5);
            }
        }
    }
    CHECK_EQ(groups, 10000);
    CHECK_EQ(missed_single, 0);
    CHECK_EQ(missed_swap, 0);
    return check_done("test_checkdigit");
}
