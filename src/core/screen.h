// ownerlock — what the keypad shows and sounds (internal).
//
// Handlers say what happened (ol_say: a message for OL_MESSAGE_MS); the
// screen otherwise shows the state of the lock, composed once per event by
// ol_screen_render.
#ifndef OWNERLOCK_CORE_SCREEN_H
#define OWNERLOCK_CORE_SCREEN_H

#include <stdint.h>

#include "ownerlock/lock.h"

enum tone { TONE_INFO = 0, TONE_OK = 1, TONE_ERROR = 2, TONE_ALERT = 3 };

#define NOTHING_CHANGED "NOTHING CHANGED"

// A display line: src cut to OL_DISPLAY_COLS characters.
void ol_set_line(char dst[OL_DISPLAY_COLS + 1], const char *src);
// Two decimal digits of v at p.
void ol_put2(char *p, uint32_t v);
// "MM:SS" at p (5 characters): a time left, rounded up to the second;
// "HHhMM" from 100 minutes on. The one time format of the display.
void ol_put_time_left(char *p, uint32_t ms);
void ol_play(ol_lock *lock, ol_beep pattern);
// A message on both lines, with its tone, until OL_MESSAGE_MS pass or the
// next key.
void ol_say(ol_lock *lock, enum tone tone, const char *l1, const char *l2);
// The outputs after an event: the display, its input mode, the LEDs.
void ol_screen_render(ol_lock *lock);

#endif
