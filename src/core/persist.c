// ownerlock — the lock state on flash: every change goes to flash first, and
// to the RAM mirror only once the write returned.
#include "persist.h"

#include "keystore.h"
#include "store/store.h"

#include <string.h>

#include "bytes.h"
#include "ownerlock/crypto.h"

static ol_err load(ol_lock *lock, uint16_t key, void *buf, size_t size, bool *found);

static void encode_settings(uint8_t out[SETTINGS_BYTES], const ol_settings *s) {
    out[0] = s->delay_min;
    out[1] = s->window_min;
    out[2] = (uint8_t)((s->dual ? FLAG_DUAL : 0) | (s->duress ? FLAG_DURESS : 0) |
                       (s->users_disabled ? FLAG_USERS_DISABLED : 0) |
                       (s->recovery_off ? FLAG_RECOVERY_OFF : 0) | (s->id_mode ? FLAG_ID_MODE : 0));
    out[3] = 0;
    put_le32(out + 4, s->override);
    put_le16(out + 8, s->recovery_delay_min);
    put_le16(out + 10, 0);
}

static void decode_settings(ol_settings *s, const uint8_t in[SETTINGS_BYTES]) {
    s->delay_min = in[0];
    s->window_min = in[1];
    s->dual = (in[2] & FLAG_DUAL) != 0;
    s->duress = (in[2] & FLAG_DURESS) != 0;
    s->users_disabled = (in[2] & FLAG_USERS_DISABLED) != 0;
    s->recovery_off = (in[2] & FLAG_RECOVERY_OFF) != 0;
    s->id_mode = (in[2] & FLAG_ID_MODE) != 0;
    s->override = get_le32(in + 4);
    s->recovery_delay_min = get_le16(in + 8);
}

static void encode_u16s(uint8_t *out, const uint16_t *v, size_t n) {
    for (size_t i = 0; i < n; i++) {
        put_le16(out + 2 * i, v[i]);
    }
}

static void decode_u16s(uint16_t *v, const uint8_t *in, size_t n) {
    for (size_t i = 0; i < n; i++) {
        v[i] = get_le16(in + 2 * i);
    }
}

// Writes only the records whose contents change: a function changes one
// setting at a time, so one record.
ol_err ol_save_settings(ol_lock *lock, const ol_settings *next) {
    uint8_t a[OL_KV_MAX_VALUE], b[OL_KV_MAX_VALUE];
    ol_err err = OL_OK;
    encode_settings(a, next);
    encode_settings(b, &lock->set);
    if (memcmp(a, b, SETTINGS_BYTES) != 0) {
        err = ol_kv_put(&lock->kv, KEY_SETTINGS, a, SETTINGS_BYTES);
    }
    for (uint16_t day = 0; day < 7 && !err; day++) {
        size_t n = OL_SCHEDULE_PERIODS * 2;
        encode_u16s(a, &next->schedule[day][0][0], n);
        encode_u16s(b, &lock->set.schedule[day][0][0], n);
        if (memcmp(a, b, 2 * n) != 0) {
            err = ol_kv_put(&lock->kv, (uint16_t)(KEY_SCHEDULE_BASE + day), a, 2 * n);
        }
    }
    if (!err) {
        encode_u16s(a, next->holidays, OL_HOLIDAYS);
        encode_u16s(b, lock->set.holidays, OL_HOLIDAYS);
        if (memcmp(a, b, 2 * OL_HOLIDAYS) != 0) {
            err = ol_kv_put(&lock->kv, KEY_HOLIDAYS, a, 2 * OL_HOLIDAYS);
        }
    }
    if (!err) {
        lock->set = *next;
    }
    return err;
}

ol_err ol_save_recovery(ol_lock *lock, const uint8_t tag[OL_TAG_BYTES]) {
    ol_err err = tag ? ol_kv_put(&lock->kv, KEY_RECOVERY, tag, OL_TAG_BYTES)
                     : ol_kv_del(&lock->kv, KEY_RECOVERY);
    if (err) {
        return err;
    }
    lock->recovery_enabled = tag != NULL;
    if (tag) {
        memcpy(lock->recovery_tag, tag, OL_TAG_BYTES);
    } else {
        memset(lock->recovery_tag, 0, OL_TAG_BYTES);
    }
    return OL_OK;
}

ol_err ol_save_slot(ol_lock *lock, uint8_t slot, const uint8_t tag[OL_TAG_BYTES]) {
    ol_err err = ol_kv_put(&lock->kv, (uint16_t)(KEY_SLOT_BASE + slot), tag, OL_TAG_BYTES);
    if (err) {
        return err;
    }
    memcpy(lock->tags[slot], tag, OL_TAG_BYTES);
    lock->enrolled |= 1u << slot;
    return OL_OK;
}

// The slot's roles go first: a cut in between leaves a code without its
// override (safe), never an override waiting for the slot's next holder.
static ol_err drop_roles(ol_lock *lock, uint8_t slot) {
    ol_settings next = lock->set;
    next.override &= ~(1u << slot);
    return ol_save_settings(lock, &next);
}

ol_err ol_save_slot_new_holder(ol_lock *lock, uint8_t slot, const uint8_t tag[OL_TAG_BYTES]) {
    ol_err err = drop_roles(lock, slot);
    return err ? err : ol_save_slot(lock, slot, tag);
}

ol_err ol_delete_slot(ol_lock *lock, uint8_t slot) {
    ol_err err = drop_roles(lock, slot);
    if (!err) {
        err = ol_kv_del(&lock->kv, (uint16_t)(KEY_SLOT_BASE + slot));
    }
    if (err) {
        return err;
    }
    memset(lock->tags[slot], 0, OL_TAG_BYTES);
    lock->enrolled &= ~(1u << slot);
    return OL_OK;
}

static void restart_countdown(ol_lock *lock, ol_countdown *c, uint32_t ms) {
    c->ms = ms;
    c->base = lock->now;
    c->saved = lock->now;
}

static void encode_penalty(uint8_t out[PENALTY_BYTES], penalty p) {
    put_le32(out, p.failures);
    put_le32(out + 4, p.last_lockout);
    put_le32(out + 8, p.remaining);
    put_le32(out + 12, p.since);
}

ol_err ol_save_penalty(ol_lock *lock, penalty p) {
    uint8_t buf[PENALTY_BYTES];
    encode_penalty(buf, p);
    ol_err err = ol_kv_put(&lock->kv, KEY_PENALTY, buf, sizeof buf);
    if (err) {
        return err;
    }
    lock->failures = p.failures;
    lock->last_lockout = p.last_lockout;
    lock->wrong_since = p.since;
    restart_countdown(lock, &lock->lockout, p.remaining);
    return OL_OK;
}

ol_err ol_save_audit_noise(ol_lock *lock, const uint16_t noise[OL_AUDIT_NOISE_KINDS]) {
    uint8_t buf[2 * OL_AUDIT_NOISE_KINDS];
    for (int i = 0; i < OL_AUDIT_NOISE_KINDS; i++) {
        put_le16(buf + 2 * i, noise[i]);
    }
    ol_err err = ol_kv_put(&lock->kv, KEY_AUDIT_NOISE, buf, sizeof buf);
    if (!err) {
        memcpy(lock->audit_noise, noise, sizeof lock->audit_noise);
    }
    return err;
}

ol_err ol_save_code_checks(ol_lock *lock, const uint8_t left[OL_SLOTS], uint32_t refill_ms) {
    uint8_t buf[OL_SLOTS + 4];
    memcpy(buf, left, OL_SLOTS);
    put_le32(buf + OL_SLOTS, refill_ms);
    ol_err err = ol_kv_put(&lock->kv, KEY_CODE_CHECKS, buf, sizeof buf);
    if (err) {
        return err;
    }
    memcpy(lock->code_checks, left, OL_SLOTS);
    restart_countdown(lock, &lock->check_refill, refill_ms);
    return OL_OK;
}

ol_err ol_save_alarm(ol_lock *lock, bool on) {
    static const uint8_t mark = 1;
    if (on == lock->out.alarm) {
        return OL_OK;
    }
    ol_err err = on ? ol_kv_put(&lock->kv, KEY_ALARM, &mark, 1) : ol_kv_del(&lock->kv, KEY_ALARM);
    if (!err) {
        lock->out.alarm = on;
    }
    return err;
}

ol_err ol_save_recovery_running(ol_lock *lock, bool running) {
    static const uint8_t mark = 1;
    return running ? ol_kv_put(&lock->kv, KEY_RECOVERY_RUN, &mark, 1)
                   : ol_kv_del(&lock->kv, KEY_RECOVERY_RUN);
}

ol_err ol_load_recovery_running(ol_lock *lock, bool *running) {
    uint8_t mark;
    return load(lock, KEY_RECOVERY_RUN, &mark, 1, running);
}

ol_err ol_save_otc(ol_lock *lock, const ol_otc_state *next) {
    uint8_t buf[OTC_BYTES] = {0};
    put_le32(buf, next->next);
    buf[4] = next->seal_due;
    buf[5] = next->seal_slot;
    put_le32(buf + 8, next->seal_counter);
    put_le32(buf + 12, next->seal_from);
    ol_err err = ol_kv_put(&lock->kv, KEY_OTC, buf, sizeof buf);
    if (!err) {
        lock->otc = *next;
    }
    return err;
}

ol_err ol_save_opening(ol_lock *lock) {
    uint8_t buf[4];
    put_le32(buf, ++lock->openings);
    return ol_kv_put(&lock->kv, KEY_OPENINGS, buf, sizeof buf);
}

ol_err ol_save_timelock(ol_lock *lock, uint32_t remaining) {
    uint8_t buf[4];
    put_le32(buf, remaining);
    ol_err err = ol_kv_put(&lock->kv, KEY_TIMELOCK, buf, sizeof buf);
    if (err) {
        return err;
    }
    restart_countdown(lock, &lock->timelock, remaining);
    return OL_OK;
}

// Reads key into buf; OL_OK with *found false when absent. A present record
// of the wrong size is corruption.
static ol_err load(ol_lock *lock, uint16_t key, void *buf, size_t size, bool *found) {
    size_t len = 0;
    ol_err err = ol_kv_get(&lock->kv, key, buf, size, &len);
    *found = err == OL_OK;
    if (err == OL_ERR_NOT_FOUND) {
        return OL_OK;
    }
    if (err == OL_OK && len != size) {
        return OL_ERR_CORRUPT;
    }
    return err;
}

ol_err ol_penalty_is_saved(ol_lock *lock, penalty p) {
    uint8_t want[PENALTY_BYTES], got[PENALTY_BYTES];
    bool found;
    encode_penalty(want, p);
    ol_err err = load(lock, KEY_PENALTY, got, sizeof got, &found);
    if (!err && (!found || ol_ct_compare(want, got, sizeof want) != 0)) {
        err = OL_ERR_FLASH; // the write did not take, or did not happen
    }
    return err;
}

// A store written before the key store (KEY_DEVICE and KEY_LINK_ID in the
// state store): the keys move into the key store, then leave the state
// store. A cut in between leaves them in both, and the next boot finishes.
static ol_err move_keys_out(ol_lock *lock) {
    uint8_t dev[32], link[OL_LINK_ID_BYTES];
    bool have_dev, have_link;
    ol_err err = load(lock, KEY_DEVICE, dev, sizeof dev, &have_dev);
    if (!err) {
        err = load(lock, KEY_LINK_ID, link, sizeof link, &have_link);
    }
    if (!err && ((have_dev && !lock->has_device_key) || (have_link && !lock->has_link_id))) {
        err = ol_keystore_save(lock, have_dev && !lock->has_device_key ? dev : NULL,
                               have_link && !lock->has_link_id ? link : NULL);
    }
    if (!err && have_dev) {
        err = ol_kv_del(&lock->kv, KEY_DEVICE);
    }
    if (!err && have_link) {
        err = ol_kv_del(&lock->kv, KEY_LINK_ID);
    }
    ol_wipe(dev, sizeof dev);
    ol_wipe(link, sizeof link);
    return err;
}

ol_err ol_load_state(ol_lock *lock) {
    uint8_t buf[OL_KV_MAX_VALUE];
    bool found;
    ol_err err = ol_keystore_load(lock);
    if (!err) {
        err = move_keys_out(lock);
    }
    bool have_key = lock->has_device_key;
    for (uint8_t s = 0; s < OL_SLOTS && !err; s++) {
        err = load(lock, (uint16_t)(KEY_SLOT_BASE + s), lock->tags[s], OL_TAG_BYTES, &found);
        if (!err && found) {
            if (!have_key) {
                return OL_ERR_CORRUPT; // a code tag without the key that made it
            }
            lock->enrolled |= 1u << s;
        }
    }
    if (!err) {
        // Before issue 17 the record ended after the lockout: no wrong
        // try's time known.
        size_t len = 0;
        put_le32(buf + 12, OL_RTC_LOST);
        err = ol_kv_get(&lock->kv, KEY_PENALTY, buf, PENALTY_BYTES, &len);
        if (err == OL_ERR_NOT_FOUND) {
            err = OL_OK;
        } else if (!err && len != PENALTY_BYTES && len != 12) {
            err = OL_ERR_CORRUPT;
        } else if (!err) {
            lock->failures = get_le32(buf);
            lock->last_lockout = get_le32(buf + 4);
            lock->wrong_since = get_le32(buf + 12);
            restart_countdown(lock, &lock->lockout, get_le32(buf + 8));
        }
    }
    if (!err) {
        err = load(lock, KEY_OPENINGS, buf, 4, &found);
        lock->openings = found ? get_le32(buf) : 0;
    }
    if (!err) {
        err = load(lock, KEY_OTC, buf, OTC_BYTES, &found);
        if (!err && found) {
            lock->otc = (ol_otc_state){get_le32(buf), buf[4] != 0, buf[5], get_le32(buf + 8),
                                       get_le32(buf + 12)};
        }
    }
    if (!err) {
        err = load(lock, KEY_TIMELOCK, buf, 4, &found);
        if (!err && found) {
            restart_countdown(lock, &lock->timelock, get_le32(buf));
        }
    }
    if (!err) {
        uint8_t mark;
        err = load(lock, KEY_ALARM, &mark, 1, &lock->out.alarm);
    }
    memset(lock->code_checks, OL_CODE_CHECK_BURST, OL_SLOTS);
    if (!err) {
        err = load(lock, KEY_CODE_CHECKS, buf, OL_SLOTS + 4, &found);
        if (!err && found) {
            memcpy(lock->code_checks, buf, OL_SLOTS);
            // The partial hour is lost at a power cut: a slot below its burst
            // waits a whole hour of powered time again.
            restart_countdown(lock, &lock->check_refill,
                              get_le32(buf + OL_SLOTS) != 0 ? OL_CODE_CHECK_REFILL_MS : 0);
        }
    }
    if (!err) {
        // Three counts before the service port's refusals and the remote
        // disable input were counted too.
        size_t len = 0;
        err = ol_kv_get(&lock->kv, KEY_AUDIT_NOISE, buf, 2 * OL_AUDIT_NOISE_KINDS, &len);
        found = err == OL_OK;
        if (err == OL_ERR_NOT_FOUND) {
            err = OL_OK;
        } else if (!err && len != 6 && len != 8 && len != 2 * OL_AUDIT_NOISE_KINDS) {
            err = OL_ERR_CORRUPT;
        }
        for (size_t i = 0; i < len / 2 && !err && found; i++) {
            lock->audit_noise[i] = get_le16(buf + 2 * i);
        }
    }
    if (!err) {
        err = load(lock, KEY_RECOVERY, lock->recovery_tag, OL_TAG_BYTES, &found);
        lock->recovery_enabled = !err && found;
    }
    if (!err) {
        err = load(lock, KEY_LINK_PEER, lock->link_peer, 32, &lock->has_link_peer);
    }
    lock->set.window_min = OL_WINDOW_DEFAULT_MIN;
    lock->set.recovery_delay_min = OL_RECOVERY_DELAY_DEFAULT_MIN;
    if (!err) {
        err = load(lock, KEY_SETTINGS, buf, SETTINGS_BYTES, &found);
        if (!err && found) {
            decode_settings(&lock->set, buf);
        }
    }
    for (uint16_t day = 0; day < 7 && !err; day++) {
        err = load(lock, (uint16_t)(KEY_SCHEDULE_BASE + day), buf, OL_SCHEDULE_PERIODS * 4, &found);
        if (!err && found) {
            decode_u16s(&lock->set.schedule[day][0][0], buf, OL_SCHEDULE_PERIODS * 2);
        }
    }
    if (!err) {
        err = load(lock, KEY_HOLIDAYS, buf, OL_HOLIDAYS * 2, &found);
        if (!err && found) {
            decode_u16s(lock->set.holidays, buf, OL_HOLIDAYS);
        }
    }
    return err;
}
