// ownerlock — host port: the lock's RTC on the simulation's virtual clock.
#include "host.h"

uint32_t ol_vclock_rtc(void *ctx) {
    const ol_vclock *clock = ctx;
    if (!clock || clock->rtc_lost) {
        return OL_RTC_LOST;
    }
    int64_t seconds = clock->world_epoch + (int64_t)(clock->now_ms / 1000u) + clock->rtc_offset_s;
    return (uint32_t)seconds;
}

ol_err ol_vclock_rtc_set(void *ctx, uint32_t seconds) {
    ol_vclock *clock = ctx;
    if (!clock) {
        return OL_ERR_ARG;
    }
    int64_t world = clock->world_epoch + (int64_t)(clock->now_ms / 1000u);
    clock->rtc_offset_s = (int64_t)seconds - world;
    clock->rtc_lost = false;
    return OL_OK;
}
