// ownerlock — the audit trail.
#include "audit.h"

#include <string.h>

#include "bytes.h"
#include "persist.h"
#include "state.h"
#include "ownerlock/crypto.h"
#include "store/store.h"

static const char *const kind_names[OL_AUDIT_KIND_COUNT] = {
    [OL_AUDIT_POWER_UP] = "power_up",
    [OL_AUDIT_COMMISSIONED] = "commissioned",
    [OL_AUDIT_OPEN] = "open",
    [OL_AUDIT_WRONG_CODE] = "wrong_code",
    [OL_AUDIT_LOCKOUT] = "lockout",
    [OL_AUDIT_CODE_CHANGED] = "code_changed",
    [OL_AUDIT_USER_ADDED] = "user_added",
    [OL_AUDIT_USER_DELETED] = "user_deleted",
    [OL_AUDIT_CONFIG_CHANGED] = "config_changed",
    [OL_AUDIT_DELAY_STARTED] = "delay_started",
    [OL_AUDIT_DELAY_CANCELLED] = "delay_cancelled",
    [OL_AUDIT_DURESS] = "duress",
    [OL_AUDIT_KEYPAD_REJECTED] = "keypad_rejected",
    [OL_AUDIT_KEYPAD_PAIRED] = "keypad_paired",
    [OL_AUDIT_RECOVERY_USED] = "recovery_used",
    [OL_AUDIT_CLOCK_SET] = "clock_set",
    [OL_AUDIT_LOW_BATTERY] = "low_battery",
    [OL_AUDIT_BOLT_EXTENDED] = "bolt_extended",
    [OL_AUDIT_REMOTE_DISABLED] = "remote_disabled",
    [OL_AUDIT_FAULT_DETECTED] = "fault_detected",
    [OL_AUDIT_REFUSED] = "refused",
    [OL_AUDIT_REPEATED] = "repeated",
    [OL_AUDIT_SERVICE] = "service",
    [OL_AUDIT_FIRMWARE] = "firmware",
    [OL_AUDIT_SERVICE_REFUSED] = "service_refused",
    [OL_AUDIT_FIRST_CODE] = "first_code",
    [OL_AUDIT_ONE_TIME] = "one_time_code",
    [OL_AUDIT_SEAL] = "close_seal",
};

const char *ol_audit_kind_name(uint8_t kind) {
    if (kind < OL_AUDIT_KIND_COUNT && kind_names[kind]) {
        return kind_names[kind];
    }
    return "unknown";
}

static void encode(uint8_t rec[AUDIT_RECORD_BYTES], const ol_audit_event *ev) {
    put_le32(rec, ev->time);
    rec[4] = ev->kind;
    rec[5] = ev->slot;
    put_le16(rec + 6, ev->arg);
    memcpy(rec + 8, ev->chain, OL_AUDIT_CHAIN_BYTES);
}

static void decode(ol_audit_event *ev, uint32_t seq, const uint8_t rec[AUDIT_RECORD_BYTES]) {
    ev->seq = seq;
    ev->time = get_le32(rec);
    ev->kind = rec[4];
    ev->slot = rec[5];
    ev->arg = get_le16(rec + 6);
    memcpy(ev->chain, rec + 8, OL_AUDIT_CHAIN_BYTES);
}

static void chain_next(const ol_lock *lock, ol_audit_event *ev) {
    static const uint8_t label[] = "ownerlock audit chain v1";
    uint8_t key[OL_SHA256_BYTES] = {0};
    uint8_t msg[OL_AUDIT_CHAIN_BYTES + 4 + AUDIT_RECORD_BYTES];
    uint8_t mac[OL_SHA256_BYTES];
    if (ol_commissioned(lock)) {
        ol_hmac_sha256(key, lock->device_key, sizeof lock->device_key, label, sizeof label - 1);
    }
    memcpy(msg, lock->chain, OL_AUDIT_CHAIN_BYTES);
    put_le32(msg + OL_AUDIT_CHAIN_BYTES, ev->seq);
    memset(ev->chain, 0, OL_AUDIT_CHAIN_BYTES);
    encode(msg + OL_AUDIT_CHAIN_BYTES + 4, ev);
    ol_hmac_sha256(mac, key, sizeof key, msg, sizeof msg - OL_AUDIT_CHAIN_BYTES);
    memcpy(ev->chain, mac, OL_AUDIT_CHAIN_BYTES);
    ol_wipe(key, sizeof key);
}

static ol_err append_record(ol_lock *lock, ol_audit_kind kind, uint8_t slot, uint16_t arg) {
    ol_audit_event ev = {
        .seq = ol_log_next_seq(&lock->audit),
        .time = lock->plat->rtc_now(lock->plat->rtc_ctx),
        .kind = (uint8_t)kind,
        .slot = slot,
        .arg = arg,
    };
    uint8_t rec[AUDIT_RECORD_BYTES];
    uint32_t seq;
    chain_next(lock, &ev);
    encode(rec, &ev);
    ol_err err = ol_log_append(&lock->audit, rec, sizeof rec, &seq);
    if (err) {
        return err;
    }
    if (seq != ev.seq) {
        return OL_ERR_CORRUPT;
    }
    memcpy(lock->chain, ev.chain, OL_AUDIT_CHAIN_BYTES);
    lock->audit_last_kind = (uint8_t)kind;
    return OL_OK;
}

// Events anyone outside can cause at will (docs/POLICY.md): a second one in a
// row is counted in the state store instead of written, so they can never
// push wrong tries, openings and changes out of the ring.
static const uint8_t noise_kinds[OL_AUDIT_NOISE_KINDS] = {
    OL_AUDIT_POWER_UP, OL_AUDIT_KEYPAD_REJECTED, OL_AUDIT_LOW_BATTERY, OL_AUDIT_SERVICE_REFUSED,
    OL_AUDIT_REMOTE_DISABLED};

static int noise_index(uint8_t kind) {
    for (int i = 0; i < OL_AUDIT_NOISE_KINDS; i++) {
        if (noise_kinds[i] == kind) {
            return i;
        }
    }
    return -1;
}

ol_err ol_audit_append(ol_lock *lock, ol_audit_kind kind, uint8_t slot, uint16_t arg) {
    uint16_t noise[OL_AUDIT_NOISE_KINDS];
    memcpy(noise, lock->audit_noise, sizeof noise);
    int n = noise_index((uint8_t)kind);
    if (kind == OL_AUDIT_REMOTE_DISABLED && slot != OL_AUDIT_NO_SLOT) {
        n = -1; // an opening the input refused names who tried: always written
    }
    if (n >= 0 && noise_index(lock->audit_last_kind) >= 0) {
        uint32_t more = kind == OL_AUDIT_KEYPAD_REJECTED ? arg : 1u;
        noise[n] = (uint16_t)(noise[n] + more > 0xFFFFu ? 0xFFFFu : noise[n] + more);
        return ol_save_audit_noise(lock, noise);
    }
    uint32_t any = 0;
    for (int i = 0; i < OL_AUDIT_NOISE_KINDS; i++) {
        any |= noise[i];
    }
    if (n < 0 && any != 0) {
        // Written, then cleared: a cut in between can only count them twice.
        for (int i = 0; i < OL_AUDIT_NOISE_KINDS; i++) {
            ol_err err =
                noise[i] ? append_record(lock, OL_AUDIT_REPEATED, noise_kinds[i], noise[i]) : OL_OK;
            if (err) {
                return err;
            }
        }
        memset(noise, 0, sizeof noise);
        ol_err err = ol_save_audit_noise(lock, noise);
        if (err) {
            return err;
        }
    }
    return append_record(lock, kind, slot, arg);
}

ol_err ol_audit_resume(ol_lock *lock) {
    uint32_t next = ol_log_next_seq(&lock->audit);
    memset(lock->chain, 0, OL_AUDIT_CHAIN_BYTES);
    if (next == ol_log_first_seq(&lock->audit)) {
        return OL_OK;
    }
    ol_audit_event ev;
    ol_err err = ol_lock_audit_read(lock, next - 1, &ev);
    if (err) {
        return err;
    }
    memcpy(lock->chain, ev.chain, OL_AUDIT_CHAIN_BYTES);
    lock->audit_last_kind = ev.kind;
    return OL_OK;
}

ol_err ol_lock_audit_read(const ol_lock *lock, uint32_t seq, ol_audit_event *ev) {
    uint8_t rec[AUDIT_RECORD_BYTES];
    size_t len = 0;
    ol_err err = ol_log_read(&lock->audit, seq, rec, sizeof rec, &len);
    if (err) {
        return err;
    }
    if (len != AUDIT_RECORD_BYTES) {
        return OL_ERR_CORRUPT;
    }
    decode(ev, seq, rec);
    return OL_OK;
}
