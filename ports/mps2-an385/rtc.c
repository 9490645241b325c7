// ownerlock — mps2-an385 port: the real-time clock.
//
// AN385 has no battery-backed RTC, so the board emulates one. A real RTC
// keeps counting while the lock is unpowered, from its backup cell; here the
// host's wall clock (semihosting SYS_TIME) stands in for that counting, and
// the one thing a real RTC's backup domain would hold, the offset between the
// owner's time and that counter, is kept in a small host file next to the
// flash image (written when the owner sets the clock, *08). Between power-ups
// the SysTick counts. `rtc=lost` on the QEMU command line starts it as a flat
// backup cell leaves it: OL_RTC_LOST until set.
#include "board.h"
#include "semihost.h"

static int32_t offset_of(const uint8_t b[4]) {
    return (int32_t)((uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
                     (uint32_t)b[3] << 24);
}

void an385_rtc_init(an385_rtc *rtc, bool lost, const char *backup_path) {
    rtc->lost = true;
    rtc->base_s = 0;
    rtc->base_uptime = board_seconds();
    rtc->backup_path = backup_path;
    int32_t host = semihost_time();
    if (lost || host <= 0) {
        return;
    }
    int32_t offset = 0;
    int32_t fd = backup_path ? semihost_open(backup_path, SEMIHOST_MODE_RB) : -1;
    if (fd >= 0) {
        uint8_t b[4];
        if (semihost_read(fd, b, sizeof b) == 0) {
            offset = offset_of(b);
        }
        semihost_close(fd);
    }
    rtc->base_s = (uint32_t)((int64_t)host + offset);
    rtc->lost = false;
}

ol_err an385_rtc_set(void *ctx, uint32_t seconds) {
    an385_rtc *rtc = ctx;
    if (!rtc || seconds == OL_RTC_LOST) {
        return OL_ERR_ARG;
    }
    rtc->base_s = seconds;
    rtc->base_uptime = board_seconds();
    rtc->lost = false;
    int32_t host = semihost_time();
    if (rtc->backup_path && host > 0) {
        int32_t offset = (int32_t)((int64_t)seconds - host);
        uint8_t b[4] = {(uint8_t)offset, (uint8_t)(offset >> 8), (uint8_t)(offset >> 16),
                        (uint8_t)(offset >> 24)};
        int32_t fd = semihost_open(rtc->backup_path, SEMIHOST_MODE_WPLUS_B);
        bool saved = fd >= 0 && semihost_write(fd, b, sizeof b) == 0;
        if (fd >= 0) {
            semihost_close(fd);
        }
        if (!saved) {
            return OL_ERR_FLASH; // the backup domain did not take it
        }
    }
    return OL_OK;
}

uint32_t an385_rtc_now(void *ctx) {
    const an385_rtc *rtc = ctx;
    if (!rtc || rtc->lost) {
        return OL_RTC_LOST;
    }
    uint64_t s = (uint64_t)rtc->base_s + (board_seconds() - rtc->base_uptime);
    // Never report a valid time as the "lost" marker.
    return s >= OL_RTC_LOST ? OL_RTC_LOST - 1u : (uint32_t)s;
}
