// ownerlock — the service port inside the door, and firmware updates through it.
//
// The port is reachable only with the safe open, and even then it answers
// only inside a session a manager opened on the keypad (*19: door open,
// dual control where set), for OL_SERVICE_SESSION_MS or until the door shuts
// or the power goes. Outside one, every request gets the same refusal.
//
// A firmware image comes in pieces into the bootloader's staging slot
// (ownerlock/boot.h). The lock checks it (whole, unaltered, signed by the
// pinned key, not older than the running one) and shows its version and
// digest on the keypad, page by page, for a manager to compare with the
// release's; only a '#' at the last page asks the bootloader to install it.
// An image of another signer installs only if the owner types 1#, and then
// the lock first forgets every code, tag and key (the door is open: nobody
// is locked out). The new image records itself at its first boot.
#include <string.h>

#include "service.h"

#include "audit.h"
#include "onetime.h"
#include "bytes.h"
#include "fault.h"
#include "functions.h"
#include "keystore.h"
#include "recovery.h"
#include "ownerlock/boot.h"
#include "ownerlock/image.h"
#include "screen.h"
#include "sensors.h"
#include "state.h"
#include "store/store.h"

#define PAGES (1u + SERVICE_DIGEST_PAGES + 1u) // what, the 32 bytes, the question
// offer_status when the offer is a key to pin, not an image (ol_image_status
// numbers are below it).
#define OFFER_KEY 0x40u

static bool in_session(const ol_lock *lock) {
    return lock->service_until != 0 && lock->door_open && lock->now < lock->service_until;
}

// The bootloader's services, or NULL on a port without updates.
static const ol_boot_services *updates(const ol_lock *lock) {
    return lock->plat->boot;
}

static ol_err record(ol_lock *lock, uint8_t request, uint8_t outcome) {
    return ol_audit_append(lock, OL_AUDIT_SERVICE, lock->service_slot,
                           (uint16_t)(request << 8 | outcome));
}

// On record before it is done, as an install is: a cut between leaves the
// record and the key held, and the fleet's next key waits for the lock's
// receipt (docs/FLEET.md); the other way round, codes off and nothing said.
ol_err ol_service_released(ol_lock *lock) {
    ol_err err = record(lock, OL_SERVICE_OTC_OFF, SERVICE_DONE);
    return err ? err : ol_onetime_off(lock);
}

ol_err ol_service_open(ol_lock *lock) {
    lock->service_until = lock->now + OL_SERVICE_SESSION_MS;
    lock->service_slot = lock->actor;
    lock->service_quiet = 0;
    lock->service_offers = 0;
    lock->staged = lock->stage_total = 0;
    ol_err err = record(lock, 0, SERVICE_DONE);
    if (!err) {
        ol_say(lock, TONE_OK, "SERVICE PORT ON", "WHILE DOOR OPEN");
    }
    return err;
}

static void end_offer(ol_lock *lock) {
    if (lock->mode == MODE_OFFER) {
        lock->mode = MODE_IDLE;
    }
    lock->menu_deadline = 0;
    lock->offer_page = 0;
    lock->group = 0;
    ol_wipe(lock->recovery_digits, sizeof lock->recovery_digits);
}

ol_err ol_service_offer_decline(ol_lock *lock) {
    if (lock->mode != MODE_OFFER) {
        return OL_OK;
    }
    bool key = lock->offer_status == OFFER_KEY;
    end_offer(lock);
    ol_say(lock, TONE_INFO, key ? "NOT PINNED" : "NOT INSTALLED", NOTHING_CHANGED);
    return record(lock, key ? OL_SERVICE_PIN_KEY : OL_SERVICE_FW_END, SERVICE_NOT_TAKEN);
}

static ol_err end_session(ol_lock *lock) {
    lock->service_until = 0;
    lock->staged = lock->stage_total = 0;
    ol_wipe(lock->export_key, sizeof lock->export_key);
    lock->export_first = lock->export_next = 0;
    return ol_service_offer_decline(lock);
}

ol_err ol_service_timer(ol_lock *lock) {
    if (lock->service_until == 0 || in_session(lock)) {
        return OL_OK;
    }
    return end_session(lock);
}

// ---- requests ---------------------------------------------------------------------

typedef struct answer {
    uint8_t *b;
    size_t len;
} answer;

static void say(answer *a, uint8_t result, const char *message) {
    size_t n = strlen(message);
    a->b[0] = result;
    a->b[1] = (uint8_t)n;
    memcpy(a->b + 2, message, n);
    a->len = 2 + n;
}

static void put32(answer *a, uint32_t v) {
    for (int i = 0; i < 4; i++) {
        a->b[a->len++] = (uint8_t)(v >> (8 * i));
    }
}

static uint32_t get32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

// What is recorded once a session only, so that a tool in a loop cannot
// flush the trail (the offers themselves are OL_SERVICE_OFFERS a session).
static bool once(uint8_t outcome) {
    return outcome == SERVICE_BAD_REQUEST || outcome == SERVICE_BUSY ||
           outcome == SERVICE_BATTERY || outcome == SERVICE_LIMIT;
}

static ol_err record_once(ol_lock *lock, uint8_t request, uint8_t outcome, uint8_t bit) {
    if (lock->service_quiet & bit) {
        return OL_OK;
    }
    lock->service_quiet |= bit;
    return record(lock, request, outcome);
}

// Refused: the answer, the keypad (for an image), and the record.
static ol_err refuse(ol_lock *lock, answer *a, uint8_t request, uint8_t outcome, const char *why) {
    say(a, OL_SERVICE_REFUSED, why);
    bool image = request == OL_SERVICE_FW_BEGIN || request == OL_SERVICE_FW_END;
    if (image && outcome != SERVICE_BUSY) { // a busy keypad is not interrupted
        ol_say(lock, TONE_ERROR, why, "NOT INSTALLED");
    }
    if (once(outcome)) {
        uint8_t bit = outcome == SERVICE_BAD_REQUEST ? 0x01
                      : outcome == SERVICE_BUSY      ? 0x02
                      : outcome == SERVICE_BATTERY   ? 0x04
                                                     : 0x08;
        return record_once(lock, request, outcome, bit);
    }
    return record(lock, request, outcome);
}

// Why the owner cannot be asked to choose another signer's image here, or
// NULL: he chooses with his recovery code, or with 1# where he turned
// recovery off (*15, which itself takes the code), in a session slot 00's
// holder opened, since without a recovery code slot 00's holder is the owner
// (eighteenth outside evaluation: any manager erased the lock there and set
// it up as his own). A lock that merely has no recovery code (setup
// interrupted, or a *99 recovery not yet followed by *14) refuses (the
// fifteenth found one manager pinning his key there with 1#).
static const char *owner_cannot_choose(const ol_lock *lock) {
    if (lock->recovery_enabled) {
        return NULL;
    }
    if (!lock->set.recovery_off) {
        return "NO RECOVERY CODE";
    }
    return lock->service_slot == 0 ? NULL : "SLOT 00 ONLY";
}

// An image or a key may be offered now: the keypad free (an offer takes it
// over), the battery fit for flash work, and this session's offers left.
static ol_err may_offer(ol_lock *lock, answer *a, uint8_t request, bool *ok) {
    *ok = false;
    if (lock->mode != MODE_IDLE) {
        return refuse(lock, a, request, SERVICE_BUSY, "KEYPAD BUSY");
    }
    if (ol_battery_critical(lock)) {
        return refuse(lock, a, request, SERVICE_BATTERY, "BATTERY LOW");
    }
    if (request != OL_SERVICE_FW_END && lock->service_offers >= OL_SERVICE_OFFERS) {
        return refuse(lock, a, request, SERVICE_LIMIT, "SESSION LIMIT");
    }
    *ok = true;
    return OL_OK;
}

static ol_err info(ol_lock *lock, answer *a, const ol_boot_services *boot) {
    ol_image_header h;
    ol_boot_news news;
    ol_err err = record_once(lock, OL_SERVICE_INFO, SERVICE_DONE, 0x10);
    if (err) {
        return err;
    }
    say(a, OL_SERVICE_OK,
        boot->running(&boot->area, &h, &news) == OL_OK ? "OK" : "NO IMAGE HEADER");
    put32(a, h.version);
    memcpy(a->b + a->len, h.digest, 32);
    memcpy(a->b + a->len + 32, h.key_id, OL_IMAGE_KEY_ID_BYTES);
    a->len += 32 + OL_IMAGE_KEY_ID_BYTES;
    put32(a, ol_until(lock, lock->service_until));
    return OL_OK;
}

static ol_err fw_begin(ol_lock *lock, answer *a, const ol_boot_services *boot, uint32_t total) {
    bool ok;
    ol_err err = may_offer(lock, a, OL_SERVICE_FW_BEGIN, &ok);
    if (err || !ok) {
        return err;
    }
    lock->service_offers++;
    lock->staged = lock->stage_total = 0;
    if (total < OL_IMAGE_HEADER_BYTES) {
        return refuse(lock, a, OL_SERVICE_FW_BEGIN, SERVICE_IMAGE + OL_IMAGE_NOT_IMAGE,
                      ol_image_status_text(OL_IMAGE_NOT_IMAGE));
    }
    if (total > OL_BOOT_SLOT_SECTORS * boot->area.flash->sector_size) {
        return refuse(lock, a, OL_SERVICE_FW_BEGIN, SERVICE_TOO_LARGE, "IMAGE TOO LARGE");
    }
    if (boot->stage_begin(&boot->area) != OL_OK) {
        return refuse(lock, a, OL_SERVICE_FW_BEGIN, SERVICE_STORAGE, "STAGING FAILED");
    }
    lock->stage_total = total;
    say(a, OL_SERVICE_OK, "SEND IMAGE");
    return record(lock, OL_SERVICE_FW_BEGIN, SERVICE_DONE);
}

static ol_err fw_data(ol_lock *lock, answer *a, const ol_boot_services *boot, const uint8_t *req,
                      size_t len) {
    uint32_t offset = get32(req + 1);
    size_t n = len - 5;
    if (lock->stage_total == 0 || offset != lock->staged || n > lock->stage_total - offset) {
        return refuse(lock, a, OL_SERVICE_FW_DATA, SERVICE_BAD_REQUEST, "OUT OF ORDER");
    }
    if (boot->stage_write(&boot->area, offset, req + 5, n) != OL_OK) {
        lock->stage_total = 0;
        return refuse(lock, a, OL_SERVICE_FW_DATA, SERVICE_STORAGE, "STAGING FAILED");
    }
    lock->staged += (uint32_t)n;
    say(a, OL_SERVICE_OK, "OK");
    put32(a, lock->staged);
    return OL_OK;
}

// The offer replaces whatever the keypad was doing: the door is open, and
// the manager who opened the session is the one at the keypad.
static void offer(ol_lock *lock, uint8_t status, uint32_t version, const uint8_t bytes[32]) {
    ol_function_end(lock);
    lock->mode = MODE_OFFER;
    lock->offer_page = 0;
    lock->group = 0; // of the recovery code
    lock->offer_status = status;
    lock->offer_version = version;
    memcpy(lock->offer_digest, bytes, sizeof lock->offer_digest);
    lock->menu_deadline = lock->now + OL_MENU_TIMEOUT_MS;
    lock->message_until = 0;
}

static ol_err fw_end(ol_lock *lock, answer *a, const ol_boot_services *boot) {
    if (lock->stage_total == 0) {
        return refuse(lock, a, OL_SERVICE_FW_END, SERVICE_BAD_REQUEST, "NO IMAGE SENT");
    }
    bool ok;
    ol_err busy = may_offer(lock, a, OL_SERVICE_FW_END, &ok);
    if (busy || !ok) {
        lock->staged = lock->stage_total = 0;
        return busy;
    }
    uint32_t total = lock->staged;
    lock->staged = lock->stage_total = 0;
    ol_image_header h;
    ol_image_status s = boot->stage_check(&boot->area, total, boot->maker_key, &h);
    if (s != OL_IMAGE_OK && s != OL_IMAGE_OTHER_KEY) {
        return refuse(lock, a, OL_SERVICE_FW_END, (uint8_t)(SERVICE_IMAGE + s),
                      ol_image_status_text(s));
    }
    const char *not_owner = s == OL_IMAGE_OTHER_KEY ? owner_cannot_choose(lock) : NULL;
    if (not_owner) {
        return refuse(lock, a, OL_SERVICE_FW_END, SERVICE_NO_RECOVERY, not_owner);
    }
    ol_image_header running;
    ol_boot_news news;
    if (boot->running(&boot->area, &running, &news) == OL_OK && h.version < running.version) {
        return refuse(lock, a, OL_SERVICE_FW_END, SERVICE_OLDER, "OLDER VERSION");
    }
    offer(lock, (uint8_t)s, h.version, h.digest);
    say(a, OL_SERVICE_OK, s == OL_IMAGE_OK ? "CONFIRM ON KEYPAD" : "OTHER SIGNER: SEE KEYPAD");
    // Shown: recorded now, so that an offer a power cut ends is in the trail
    // (its outcome then missing) as much as one installed or declined.
    return record(lock, OL_SERVICE_FW_END, SERVICE_DONE);
}

// A key the owner wants pinned for the images he builds: shown in full on
// the keypad, taken only with the recovery code (as another signer's image).
static ol_err pin_key(ol_lock *lock, answer *a, const uint8_t pub[32]) {
    bool ok;
    ol_err err = may_offer(lock, a, OL_SERVICE_PIN_KEY, &ok);
    if (err || !ok) {
        return err;
    }
    // A pinned key is lasting owner power (his builds then install with '#',
    // nothing erased): only the recovery code pins one, never 1#, even where
    // the owner turned recovery off (seventeenth outside evaluation: any
    // manager pinned his key there with 1#).
    if (!lock->recovery_enabled) {
        say(a, OL_SERVICE_REFUSED, "NO RECOVERY CODE");
        ol_say(lock, TONE_ERROR, "NO RECOVERY CODE", NOTHING_CHANGED);
        return record(lock, OL_SERVICE_PIN_KEY, SERVICE_NO_RECOVERY);
    }
    lock->service_offers++;
    offer(lock, OFFER_KEY, 0, pub);
    say(a, OL_SERVICE_OK, "CONFIRM ON KEYPAD");
    return record(lock, OL_SERVICE_PIN_KEY, SERVICE_DONE);
}

// ---- the audit trail, out to its owner ---------------------------------------------
//
// The export is MACed under a key only the lock and the owner's tool can
// compute: HKDF over X25519(the lock body's identity, the owner's public
// key). The manager who runs the export knows neither secret, so he cannot
// make a trail with a record removed, changed or added that the tool
// accepts (docs/SECURITY.md, "The audit export").
static const uint8_t EXPORT_LABEL[] = "ownerlock audit export v1";

// One record as exported: seq, time, kind, slot, arg, chain (20 bytes);
// READ adds its tag (8): the first bytes of HMAC(export key, the 20), so
// the owner's tool names the very record that was altered.
#define EXPORT_RECORD_BYTES 20u
#define EXPORT_TAG_BYTES 8u
#define EXPORT_PER_READ 3u
static ol_err export_record(const ol_lock *lock, uint32_t seq, uint8_t out[EXPORT_RECORD_BYTES]) {
    ol_audit_event ev;
    ol_err err = ol_lock_audit_read(lock, seq, &ev);
    if (err) {
        return err;
    }
    put_le32(out, seq);
    put_le32(out + 4, ev.time);
    out[8] = ev.kind;
    out[9] = ev.slot;
    put_le16(out + 10, ev.arg);
    memcpy(out + 12, ev.chain, OL_AUDIT_CHAIN_BYTES);
    return OL_OK;
}

// The lock's export identity: an X25519 key derived from the device key, so
// a lock erased for another signer's image (a new device key) is another
// lock to the owner's tool. false before the lock is set up.
static bool export_identity(const ol_lock *lock, uint8_t secret[32], uint8_t pub[32]) {
    static const uint8_t label[] = "ownerlock audit identity v1";
    if (!lock->has_device_key || !ol_commissioned(lock)) {
        return false;
    }
    ol_hmac_sha256(secret, lock->device_key, sizeof lock->device_key, label, sizeof label - 1);
    ol_x25519_public(pub, secret);
    return true;
}

// The answer to OTC_SET is the lock's receipt (docs/FLEET.md, "The receipt"):
// its counter (the fleet issues none below it) and its export identity, then
// the first 16 bytes of HMAC(the key just set, all before). The fleet knows
// which lock's exports to take in before it takes any (twenty-fifth outside
// evaluation: another lock's export, taken in first, became this lock's).
static ol_err otc_receipt(const ol_lock *lock, answer *a, const uint8_t key[OL_OTC_KEY_BYTES]) {
    uint8_t secret[32];
    say(a, OL_SERVICE_OK, "ONE-TIME CODES ON");
    put32(a, lock->otc.next);
    bool set_up = export_identity(lock, secret, a->b + a->len);
    ol_wipe(secret, sizeof secret);
    a->len += 32;
    // The whole MAC fits (OL_SERVICE_RESPONSE_MAX); its first 16 bytes go.
    _Static_assert(2 + 17 + 4 + 32 + OL_SHA256_BYTES <= OL_SERVICE_RESPONSE_MAX, "the receipt");
    ol_hmac_sha256(a->b + a->len, key, OL_OTC_KEY_BYTES, a->b, a->len);
    a->len += 16;
    return set_up ? OL_OK : OL_ERR_STATE;
}

static ol_err audit_begin(ol_lock *lock, answer *a, const uint8_t owner[32]) {
    uint8_t secret[32], pub[32];
    if (lock->service_offers >= OL_SERVICE_OFFERS) { // each export is two records
        return refuse(lock, a, OL_SERVICE_AUDIT_BEGIN, SERVICE_LIMIT, "SESSION LIMIT");
    }
    if (!export_identity(lock, secret, pub)) {
        return refuse(lock, a, OL_SERVICE_AUDIT_BEGIN, SERVICE_BAD_REQUEST, "SET UP FIRST");
    }
    lock->service_offers++;
    // Recorded first: the export holds its own record.
    ol_err err = record(lock, OL_SERVICE_AUDIT_BEGIN, SERVICE_DONE);
    if (err) {
        ol_wipe(secret, sizeof secret);
        return err;
    }
    uint8_t shared[32], salt[64];
    err = ol_x25519(shared, secret, owner); // a low-order key gives all zeros: refused
    ol_wipe(secret, sizeof secret);
    memcpy(salt, pub, 32);
    memcpy(salt + 32, owner, 32);
    if (!err) {
        err = ol_hkdf_sha256(lock->export_key, sizeof lock->export_key, salt, sizeof salt, shared,
                             sizeof shared, EXPORT_LABEL, sizeof EXPORT_LABEL - 1);
    }
    ol_wipe(shared, sizeof shared);
    if (err) {
        ol_wipe(lock->export_key, sizeof lock->export_key);
        return refuse(lock, a, OL_SERVICE_AUDIT_BEGIN, SERVICE_BAD_REQUEST, "BAD OWNER KEY");
    }
    lock->export_first = ol_log_first_seq(&lock->audit);
    lock->export_next = ol_log_next_seq(&lock->audit);
    say(a, OL_SERVICE_OK, "OK");
    memcpy(a->b + a->len, pub, 32);
    a->len += 32;
    put32(a, lock->export_first);
    put32(a, lock->export_next);
    return OL_OK;
}

static bool export_begun(const ol_lock *lock) {
    return lock->export_next != 0;
}

static ol_err audit_read(ol_lock *lock, answer *a, uint32_t seq) {
    if (!export_begun(lock) || seq < lock->export_first || seq >= lock->export_next) {
        return refuse(lock, a, OL_SERVICE_AUDIT_READ, SERVICE_BAD_REQUEST, "OUT OF RANGE");
    }
    say(a, OL_SERVICE_OK, "OK");
    for (uint32_t i = 0; i < EXPORT_PER_READ && seq + i < lock->export_next; i++) {
        uint8_t *rec = a->b + a->len;
        ol_err err = export_record(lock, seq + i, rec);
        if (err) { // rotated out since the export began
            return refuse(lock, a, OL_SERVICE_AUDIT_READ, SERVICE_BAD_REQUEST, "RECORD GONE");
        }
        uint8_t tag[OL_SHA256_BYTES];
        ol_hmac_sha256(tag, lock->export_key, sizeof lock->export_key, rec, EXPORT_RECORD_BYTES);
        memcpy(rec + EXPORT_RECORD_BYTES, tag, EXPORT_TAG_BYTES);
        a->len += EXPORT_RECORD_BYTES + EXPORT_TAG_BYTES;
    }
    return OL_OK;
}

static ol_err audit_seal(ol_lock *lock, answer *a) {
    uint8_t secret[32], pub[32];
    if (!export_begun(lock) || !export_identity(lock, secret, pub)) {
        return refuse(lock, a, OL_SERVICE_AUDIT_SEAL, SERVICE_BAD_REQUEST, "NO EXPORT BEGUN");
    }
    ol_wipe(secret, sizeof secret);
    // label, the lock's key, first, next, the records: as the tool rebuilds it.
    ol_hmac_sha256_ctx h;
    uint8_t b[EXPORT_RECORD_BYTES];
    ol_hmac_sha256_init(&h, lock->export_key, sizeof lock->export_key);
    ol_hmac_sha256_update(&h, EXPORT_LABEL, sizeof EXPORT_LABEL - 1);
    ol_hmac_sha256_update(&h, pub, 32);
    put_le32(b, lock->export_first);
    put_le32(b + 4, lock->export_next);
    ol_hmac_sha256_update(&h, b, 8);
    for (uint32_t seq = lock->export_first; seq < lock->export_next; seq++) {
        if (export_record(lock, seq, b) != OL_OK) {
            ol_wipe(&h, sizeof h);
            return refuse(lock, a, OL_SERVICE_AUDIT_SEAL, SERVICE_BAD_REQUEST, "RECORD GONE");
        }
        ol_hmac_sha256_update(&h, b, sizeof b);
    }
    say(a, OL_SERVICE_OK, "OK");
    ol_hmac_sha256_final(&h, a->b + a->len);
    a->len += OL_SHA256_BYTES;
    ol_wipe(lock->export_key, sizeof lock->export_key);
    lock->export_first = lock->export_next = 0;
    return record(lock, OL_SERVICE_AUDIT_SEAL, SERVICE_DONE);
}

ol_err ol_lock_service(ol_lock *lock, uint64_t now_ms, const uint8_t *req, size_t len,
                       uint8_t resp[OL_SERVICE_RESPONSE_MAX], size_t *resp_len) {
    if (now_ms > lock->now) {
        lock->now = now_ms;
    }
    answer a = {resp, 0};
    ol_err err = lock->mode == MODE_FAULT ? OL_OK : ol_service_timer(lock);
    uint8_t request = len > 0 ? req[0] : 0;
    const ol_boot_services *boot = updates(lock);
    if (err) {
    } else if (!in_session(lock) || lock->mode == MODE_FAULT) {
        // Outside a session: this answer and nothing else, whatever was asked.
        // Recorded as noise (audit.c): one after another, or after a
        // power-up, is counted, not written, so no loop flushes the trail.
        say(&a, OL_SERVICE_REFUSED, "NO SERVICE SESSION");
        if (lock->mode != MODE_FAULT) {
            err = ol_audit_append(lock, OL_AUDIT_SERVICE_REFUSED, OL_AUDIT_NO_SLOT, request);
        }
    } else if (len == 0 || len > OL_SERVICE_REQUEST_MAX) {
        err = refuse(lock, &a, request, SERVICE_BAD_REQUEST, "BAD REQUEST");
    } else if (request == OL_SERVICE_END && len == 1) {
        say(&a, OL_SERVICE_OK, "SESSION ENDED");
        err = end_session(lock);
        if (!err) {
            err = record(lock, request, SERVICE_DONE);
        }
    } else if (lock->mode == MODE_OFFER && request != OL_SERVICE_INFO) {
        // What the manager compares cannot change under him, and the keypad
        // keeps the offer: the refusal is the port's alone (busy: once).
        err = refuse(lock, &a, request, SERVICE_BUSY, "ANSWER THE KEYPAD");
    } else if (request == OL_SERVICE_AUDIT_BEGIN && len == 33) {
        err = audit_begin(lock, &a, req + 1);
    } else if (request == OL_SERVICE_AUDIT_READ && len == 5) {
        err = audit_read(lock, &a, get32(req + 1));
    } else if (request == OL_SERVICE_AUDIT_SEAL && len == 1) {
        err = audit_seal(lock, &a);
    } else if (request == OL_SERVICE_OTC_SET && len == 9 + OL_OTC_KEY_BYTES) {
        // The owner's fleet service sets the lock's number and key, in a
        // session a manager opened with the door open (docs/FLEET.md).
        if (ol_onetime_held(lock, get32(req + 1), req + 5)) {
            err = refuse(lock, &a, request, SERVICE_RELEASE_FIRST, "RELEASE FIRST");
        } else if (req[5 + OL_OTC_KEY_BYTES + 3] == 0xFF) {
            // No counter from 0xFF000000 on (twenty-sixth outside evaluation:
            // a file at the last one left the lock no code, nor a release).
            err = refuse(lock, &a, request, SERVICE_BAD_REQUEST, "BAD REQUEST");
        } else {
            err = record(lock, request, SERVICE_DONE); // first, as a release's
            err = err ? err : ol_onetime_set(lock, get32(req + 1), req + 5,
                                             get32(req + 5 + OL_OTC_KEY_BYTES));
            err = err ? err : otc_receipt(lock, &a, req + 5);
        }
    } else if (request == OL_SERVICE_OTC_OFF && len == 1) {
        if (!lock->has_otc) {
            say(&a, OL_SERVICE_OK, "ONE-TIME CODES OFF");
        } else if (lock->mode != MODE_IDLE) {
            err = refuse(lock, &a, request, SERVICE_BUSY, "KEYPAD BUSY");
        } else {
            ol_onetime_ask_release(lock, lock->service_slot);
            say(&a, OL_SERVICE_OK, "TYPE RELEASE CODE");
            err = record_once(lock, request, SERVICE_RELEASE, 0x20);
        }
    } else if (!boot) {
        err = refuse(lock, &a, request, SERVICE_NO_UPDATES, "NO UPDATES HERE");
    } else if (request == OL_SERVICE_INFO && len == 1) {
        err = info(lock, &a, boot);
    } else if (request == OL_SERVICE_FW_BEGIN && len == 5) {
        err = fw_begin(lock, &a, boot, get32(req + 1));
    } else if (request == OL_SERVICE_FW_DATA && len > 5) {
        err = fw_data(lock, &a, boot, req, len);
    } else if (request == OL_SERVICE_FW_END && len == 1) {
        err = fw_end(lock, &a, boot);
    } else if (request == OL_SERVICE_PIN_KEY && len == 33) {
        err = pin_key(lock, &a, req + 1);

    } else {
        err = refuse(lock, &a, request, SERVICE_BAD_REQUEST, "BAD REQUEST");
    }
    if (err) {
        say(&a, OL_SERVICE_REFUSED, "STORAGE FAULT");
        if (err != OL_ERR_ARG) {
            ol_fault_enter(lock);
        }
    }
    *resp_len = a.len;
    ol_screen_render(lock);
    return err;
}

// ---- the offer on the keypad --------------------------------------------------------

static const char hex[] = "0123456789ABCDEF"; // as `ownerlock firmware show` prints it

void ol_service_page(uint8_t page, const char *title, uint32_t version, const uint8_t digest[32],
                     char l1[OL_DISPLAY_COLS + 1], char l2[OL_DISPLAY_COLS + 1]) {
    if (page == 0) {
        // "VERSION 12", or "V 1234567890": every digit, never cut.
        char v[OL_DISPLAY_COLS + 1] = "VERSION ";
        char digits[11];
        size_t n = 0;
        do {
            digits[n++] = (char)('0' + version % 10u);
            version /= 10u;
        } while (version != 0);
        size_t at = n > OL_DISPLAY_COLS - 8 ? 2 : 8;
        if (at == 2) {
            v[1] = ' ';
        }
        for (size_t i = 0; i < n; i++) {
            v[at + i] = digits[n - 1 - i];
        }
        v[at + n] = '\0';
        ol_set_line(l1, title);
        ol_set_line(l2, v);
        return;
    }
    // "1/4 1a2b 3c4d" / "    5e6f 7a8b": sixteen hex digits a page, as the
    // owner's tool prints the digest.
    const uint8_t *d = digest + (page - 1u) * 8u;
    char line[2][OL_DISPLAY_COLS + 1] = {"0/4 0000 0000", "    0000 0000"};
    line[0][0] = (char)('0' + page);
    line[0][2] = (char)('0' + SERVICE_DIGEST_PAGES);
    for (unsigned i = 0; i < 8; i++) {
        char *p = line[i / 4] + 4 + (i % 4 / 2) * 5 + (i % 2) * 2;
        p[0] = hex[d[i] >> 4];
        p[1] = hex[d[i] & 15];
    }
    ol_set_line(l1, line[0]);
    ol_set_line(l2, line[1]);
}

void ol_service_running_page(const ol_lock *lock, uint8_t page, char l1[OL_DISPLAY_COLS + 1],
                             char l2[OL_DISPLAY_COLS + 1]) {
    const ol_boot_services *boot = updates(lock);
    ol_image_header h;
    ol_boot_news news;
    if (!boot || boot->running(&boot->area, &h, &news) != OL_OK) {
        ol_set_line(l1, "FIRMWARE");
        ol_set_line(l2, "NO IMAGE HEADER"); // a bench build, started without its bootloader
        return;
    }
    ol_service_page(page, "FIRMWARE", h.version, h.digest, l1, l2);
}

void ol_service_offer_screen(const ol_lock *lock, char l1[OL_DISPLAY_COLS + 1],
                             char l2[OL_DISPLAY_COLS + 1], ol_input *input) {
    // Masked: whatever is typed during an offer (a recovery group, or a code
    // typed by someone who took the offer for over) never shows.
    *input = OL_INPUT_SECRET;
    bool key = lock->offer_status == OFFER_KEY;
    if (key && lock->offer_page == 0) {
        ol_set_line(l1, "PIN OWNER KEY");
        ol_set_line(l2, "FOR YOUR BUILDS");
        return;
    }
    if (lock->offer_page + 1u < PAGES) {
        ol_service_page(lock->offer_page, "NEW FIRMWARE", lock->offer_version, lock->offer_digest,
                        l1, l2);
        return;
    }
    if (lock->offer_status == OL_IMAGE_OK) {
        ol_set_line(l1, "INSTALL IT?");
        ol_set_line(l2, "# YES  * NO");
    } else if (lock->recovery_enabled) {
        // The owner's choice: the recovery code's holder, not a manager alone.
        char l[] = "RECOVERY GROUP 1";
        l[15] = (char)('1' + lock->group);
        ol_set_line(l1, key ? "PIN IT:" : "OTHER SIGNER:");
        ol_set_line(l2, l);
    } else { // recovery turned off: an image only (a key needs the code)
        ol_set_line(l1, "OTHER SIGNER");
        ol_set_line(l2, "1# ERASE+INSTALL");
    }
}

// Every code, tag and key the lock holds for its owner, gone: the device
// key first (no tag can be tested without it), then the state (codes,
// settings, the paired keypad). Two things stay. The audit trail: it holds
// no secret, and it is the evidence of who did this (a manager erasing his
// tracks with an image of his own would otherwise be one). The lock body's
// identity on the cable: it is the lock body's, not the owner's, and the
// keypad knows the lock by it.
static ol_err forget_everything(ol_lock *lock) {
    const ol_flash *f = lock->plat->flash;
    ol_err err = ol_keystore_forget_device_key(lock);
    for (uint32_t s = 0; !err && s < OL_STATE_SECTORS; s++) {
        err = f->erase(f->ctx, OL_STATE_FIRST_SECTOR + s);
    }
    ol_wipe(lock->tags, sizeof lock->tags);
    lock->enrolled = 0;
    return err;
}

static ol_err install(ol_lock *lock, bool other_signer) {
    const ol_boot_services *boot = updates(lock);
    end_offer(lock);
    if (ol_battery_critical(lock)) { // it fell while the pages were read
        ol_say(lock, TONE_ERROR, "BATTERY LOW", "NOT INSTALLED");
        return record(lock, OL_SERVICE_FW_END, SERVICE_BATTERY);
    }
    ol_err err = record(lock, OL_SERVICE_FW_END, other_signer ? SERVICE_WIPE : SERVICE_INSTALL);
    if (!err && other_signer) {
        err = forget_everything(lock); // first: a power cut after leaves a new lock
    }
    if (!err) {
        err = boot->request_install(&boot->area, other_signer, boot->maker_key);
    }
    if (err && err != OL_ERR_STATE) {
        return err;
    }
    lock->service_until = 0;
    // Refused by the bootloader's own version rule (checked here before):
    // an owner who erased restarts a new lock all the same.
    lock->out.restart = err == OL_OK || other_signer;
    if (err) {
        ol_say(lock, TONE_ERROR, "OLDER VERSION", "NOT INSTALLED");
    } else {
        ol_say(lock, TONE_OK, "INSTALLING", "RESTARTING");
    }
    return OL_OK;
}

// The owner's key is pinned: images he signs install like the maker's.
static ol_err pin(ol_lock *lock) {
    const ol_boot_services *boot = updates(lock);
    uint8_t pub[32];
    memcpy(pub, lock->offer_digest, sizeof pub);
    end_offer(lock);
    if (ol_battery_critical(lock)) {
        ol_say(lock, TONE_ERROR, "BATTERY LOW", NOTHING_CHANGED);
        return record(lock, OL_SERVICE_PIN_KEY, SERVICE_BATTERY);
    }
    ol_err err = boot->pin_key(&boot->area, pub);
    if (err == OL_ERR_STATE) { // an install or a trial is under way: later
        ol_say(lock, TONE_ERROR, "UPDATE UNDER WAY", NOTHING_CHANGED);
        return OL_OK;
    }
    if (!err) {
        err = record(lock, OL_SERVICE_PIN_KEY, SERVICE_PINNED);
    }
    if (!err) {
        ol_say(lock, TONE_OK, "OWNER KEY", "PINNED");
    }
    return err;
}

// The owner's choice made: the image of another signer, or the key.
static ol_err chosen(ol_lock *lock) {
    return lock->offer_status == OFFER_KEY ? pin(lock) : install(lock, true);
}

ol_err ol_service_offer_entry(ol_lock *lock, const ol_event *ev) {
    lock->menu_deadline = lock->now + OL_MENU_TIMEOUT_MS;
    if (lock->offer_page + 1u < PAGES) {
        if (ev->ndigits == 0) {
            lock->offer_page++;
        }
        return OL_OK; // digits before the question mean nothing
    }
    bool ours = lock->offer_status == OL_IMAGE_OK;
    if (ours && ev->ndigits == 0) {
        return install(lock, false);
    }
    if (!ours && ev->ndigits == 0) {
        return OL_OK; // '#' alone is not the choice
    }
    if (!ours && lock->recovery_enabled) {
        // Another signer's image erases the lock: the owner chooses it with
        // the recovery code (a wrong one is a counted wrong try), as *14 and
        // *15 take the recovery code, so no manager alone can.
        bool done, valid;
        ol_err err = ol_recovery_take_group(lock, ev, &done, &valid);
        if (err || !done) {
            return err;
        }
        if (valid) {
            return chosen(lock);
        }
        bool key = lock->offer_status == OFFER_KEY;
        end_offer(lock); // a wrong try: said and counted
        return record(lock, key ? OL_SERVICE_PIN_KEY : OL_SERVICE_FW_END, SERVICE_NOT_TAKEN);
    }
    if (!ours && lock->offer_status != OFFER_KEY && lock->set.recovery_off && ev->ndigits == 1 &&
        ev->digits[0] == 1) {
        return chosen(lock);
    }
    return ol_service_offer_decline(lock);
}

ol_err ol_service_power_up(ol_lock *lock) {
    const ol_boot_services *boot = updates(lock);
    if (!boot) {
        return OL_OK;
    }
    ol_image_header h;
    ol_boot_news news;
    if (boot->running(&boot->area, &h, &news) != OL_OK || news == OL_BOOT_NEWS_NONE) {
        return OL_OK;
    }
    ol_err err;
    if (news == OL_BOOT_NEWS_TRIAL) {
        // A new image, on trial until it says it is fit: it came this far.
        err = ol_audit_append(lock, OL_AUDIT_FIRMWARE, OL_AUDIT_NO_SLOT,
                              (uint16_t)(h.version > 0xFFFFu ? 0xFFFFu : h.version));
    } else {
        // The install a manager confirmed was not done: the bootloader's own
        // check refused the image (its signature, which only it verifies),
        // or its copy failed, or the new image did not start. Said once, on
        // the keypad the manager just used, and recorded.
        err = ol_audit_append(lock, OL_AUDIT_SERVICE, OL_AUDIT_NO_SLOT,
                              (uint16_t)(OL_SERVICE_FW_END << 8 | SERVICE_NOT_INSTALLED));
        ol_say(lock, TONE_ERROR, "UPDATE REFUSED", "NOT INSTALLED");
    }
    return err ? err : boot->confirm(&boot->area);
}
