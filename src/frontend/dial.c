// ownerlock — the dial: turns become keys (see dial.h for the grammar).
#include "frontend/dial.h"

#include "ownerlock/config.h"

void ol_dial_init(ol_dial *d, uint32_t start) {
    d->number = (uint8_t)(start % OL_DIAL_NUMBERS);
    // As after a '#': a first turn right, the one that wakes the lock and
    // shows where the dial is, enters nothing where it turns back. Every
    // field starts turning left (it ends on a number dialled turning left
    // and holds an odd count), so nothing a user dials is lost (twentieth
    // outside evaluation: the wake-up turn cost the owner a wrong try).
    d->dir = 1;
    d->spent = true;
    d->run = 0;
}

size_t ol_dial_step(ol_dial *d, int dir, char keys[2]) {
    size_t n = 0;
    if (dir == 0) {
        return 0;
    }
    int8_t way = dir > 0 ? 1 : -1;
    if (way != d->dir) {
        // The dial turned back: the number it stood at is entered, unless
        // the turn that ends here completed the entry (or there was none).
        if (d->dir != 0 && !d->spent) {
            keys[n++] = (char)('0' + d->number / 10u);
            keys[n++] = (char)('0' + d->number % 10u);
        }
        d->dir = way;
        d->run = 0;
        d->spent = false;
    }
    d->number = (uint8_t)((d->number + OL_DIAL_NUMBERS + (unsigned)way) % OL_DIAL_NUMBERS);
    if (++d->run == OL_DIAL_GESTURE_STEPS) {
        d->run = 0; // every further OL_DIAL_GESTURE_STEPS is the gesture again
        d->spent = way > 0;
        keys[n++] = way > 0 ? '#' : '<';
    }
    return n;
}
