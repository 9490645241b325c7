// The lock body and the keypad unit joined by a byte cable: pairing at
// commissioning, entries sealed in fixed-size frames, replayed frames
// refused, a swapped keypad limited to NOT PAIRED until *17 pairs it.
#include "cable.h"

// Damage the audit ring beyond what a power cut can do (two sectors of one
// generation): the lock body boots into its fault state, keeps the bolt
// thrown, and its paired keypad says STORAGE FAULT rather than NOT PAIRED.
static void test_fault_reaches_keypad(void) {
    static bench b;
    bench_open(&b);
    bench_boot(&b, 41, 42);
    advance(&b, 500);
    keys(&b, "482915#482915#");
    advance(&b, 3000);
    CHECK(recovery_ack_bench(&b, NULL));
    door(&b, false);
    advance(&b, 2000);
    uint8_t *audit = b.lock_flash.mem + (size_t)OL_AUDIT_FIRST_SECTOR * OL_HOST_SECTOR_SIZE;
    memcpy(audit + OL_HOST_SECTOR_SIZE, audit, OL_HOST_SECTOR_SIZE);
    ol_body_shutdown(&b.body);
    ol_keypad_unit_shutdown(&b.keypad);
    CHECK_EQ(safe_rig_boot_lock(&b), OL_ERR_CORRUPT);
    CHECK_EQ(bolt(&b), OL_BOLT_EXTENDED);
    boot_keypad(&b, 42);
    advance(&b, 3000);
    CHECK(strstr(display(&b), "STORAGE FAULT") != NULL);
    keys(&b, "482915#");
    CHECK_EQ(bolt(&b), OL_BOLT_EXTENDED);
    ol_body_shutdown(&b.body);
    ol_keypad_unit_shutdown(&b.keypad);
    bench_close(&b);
}

int main(void) {
    test_fault_reaches_keypad();
    static bench b;
    bench_open(&b);
    bench_boot(&b, 21, 22);
    advance(&b, 500);

    // A factory lock pairs with its keypad at once (door open).
    CHECK_EQ(count_audit(&b, OL_AUDIT_KEYPAD_PAIRED), 1);
    CHECK(strstr(display(&b), "SET MANAGER CODE") != NULL);
    keys(&b, "482915#482915#");
    advance(&b, 3000);
    CHECK(recovery_ack_bench(&b, NULL));
    door(&b, false);
    advance(&b, 2000);
    CHECK_EQ(bolt(&b), OL_BOLT_EXTENDED);

    // Entries travel as fixed-size frames; an opening, recorded.
    b.recording = true;
    keys(&b, "482915#");
    b.recording = false;
    CHECK_EQ(bolt(&b), OL_BOLT_RETRACTED);
    size_t data_len = 0, keypad_frames = 0;
    for (size_t i = 0; i < b.nframes; i++) {
        if (b.frames[i].to_lock) {
            keypad_frames++;
            data_len = data_len ? data_len : b.frames[i].len;
            CHECK_EQ(b.frames[i].len, data_len);
        }
    }
    CHECK(keypad_frames >= 1);
    CHECK_EQ(data_len, OL_LINK_WIRE_BYTES(OL_LINK_DATA_BODY));
    advance(&b, 7000);
    CHECK_EQ(bolt(&b), OL_BOLT_EXTENDED);

    // Replaying the recorded opening changes nothing but keypad_rejected.
    uint32_t rejected = count_audit(&b, OL_AUDIT_KEYPAD_REJECTED);
    for (size_t i = 0; i < b.nframes; i++) {
        if (b.frames[i].to_lock) {
            CHECK(safe_rig_inject(&b, b.frames[i].bytes, b.frames[i].len));
        }
    }
    CHECK_EQ(bolt(&b), OL_BOLT_EXTENDED);
    CHECK(count_audit(&b, OL_AUDIT_KEYPAD_REJECTED) > rejected);
    CHECK_EQ(count_audit(&b, OL_AUDIT_OPEN), 1);

    // A swapped keypad: NOT PAIRED, and the right code does not open.
    ol_keypad_unit_shutdown(&b.keypad);
    ol_hostflash_close(&b.keypad_flash);
    CHECK_EQ(ol_hostflash_open(&b.keypad_flash, NULL, OL_HOST_SECTOR_SIZE, OL_KEYPAD_SECTORS),
             OL_OK);
    boot_keypad(&b, 99);
    advance(&b, 1500);
    CHECK(strstr(display(&b), "NOT PAIRED") != NULL);
    // The newest record is the replay's keypad_rejected: a refusal in a row
    // with it is noise, counted in the lock's state (to be written as one
    // `repeated` record before the next other record), not written again.
    rejected = count_audit(&b, OL_AUDIT_KEYPAD_REJECTED);
    uint32_t counted = b.body.lock.audit_noise[1]; // [1]: keypad_rejected
    advance(&b, OL_REJECT_LOG_MS); // past the rate limit, so the next refusal is logged
    keys(&b, "482915#");
    CHECK_EQ(bolt(&b), OL_BOLT_EXTENDED);
    CHECK_EQ(count_audit(&b, OL_AUDIT_KEYPAD_REJECTED), rejected);
    CHECK(b.body.lock.audit_noise[1] > counted);
    // *17 is refused with the door shut ...
    keys(&b, "*17482915#");
    CHECK_EQ(count_audit(&b, OL_AUDIT_KEYPAD_PAIRED), 1);
    CHECK_EQ(bolt(&b), OL_BOLT_EXTENDED);

    printf("test_body: DATA frames are %zu bytes; %u keypad_rejected records\n", data_len,
           count_audit(&b, OL_AUDIT_KEYPAD_REJECTED));
    ol_body_shutdown(&b.body);
    ol_keypad_unit_shutdown(&b.keypad);
    bench_close(&b);
    return check_done("test_body");
}
