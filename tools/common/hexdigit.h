// ownerlock — one hex digit's value, for the host tools that read hex (the
// simulator's `wire inject`, the owner's tool's audit exports, the fleet
// service's keys).
#ifndef OWNERLOCK_TOOLS_HEXDIGIT_H
#define OWNERLOCK_TOOLS_HEXDIGIT_H

// 0..15, or -1 for a character that is no hex digit (either case).
static inline int hex_digit_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

#endif
