// ownerlock — why a rule refuses.
#include "refusal.h"

#include "audit.h"
#include "screen.h"

static const char *const refusal_texts[] = {
    "",
    "CODE DISABLED",
    "TIME LOCKED",
    "SET CLOCK FIRST",
    "ONLY IN WINDOW",
    "ONLY WHEN OPEN",
    "REMOTE DISABLED",
    "TIME DELAY",
    "NEED OTHER CODE",
    "SECOND CODE",
    "SLOT 00: OWNER'S",
    "SLOT 00 ONLY",
};

const char *ol_refusal_text(enum refusal why) {
    return refusal_texts[why];
}

ol_err ol_refusal_record(ol_lock *lock, uint8_t slot, uint8_t function, enum refusal why) {
    return ol_audit_append(lock, OL_AUDIT_REFUSED, slot, (uint16_t)(function << 8 | why));
}

ol_err ol_refused(ol_lock *lock, uint8_t slot, uint8_t function, enum refusal why,
                  const char *second) {
    ol_say(lock, TONE_ERROR, ol_refusal_text(why), second);
    return ol_refusal_record(lock, slot, function, why);
}
