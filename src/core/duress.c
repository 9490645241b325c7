// ownerlock — the duress code: the code with its last digit one up opens
// like the code itself and raises the silent alarm (kept across power cuts).
#include "duress.h"

#include "audit.h"
#include "persist.h"

ol_err ol_duress_note(ol_lock *lock, uint8_t slot, bool duress, uint8_t function) {
    if (duress) {
        ol_err err = ol_save_alarm(lock, true);
        if (!err) {
            err = ol_audit_append(lock, OL_AUDIT_DURESS, slot, function);
        }
        return err;
    }
    if (function == OL_FN_OPENING && slot < OL_MANAGER_SLOTS) {
        return ol_save_alarm(lock, false);
    }
    return OL_OK;
}
