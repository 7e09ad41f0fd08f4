/* Real and fake clocks: see clock.h. */
#include "clock.h"

#include <errno.h>
#include <time.h>

static int64_t
s_read(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t
s_real_now(void *ctx)
{
    (void)ctx;
    return s_read(CLOCK_REALTIME);
}

static int64_t
s_real_mono(void *ctx)
{
    (void)ctx;
    return s_read(CLOCK_MONOTONIC);
}

static void
s_real_sleep(void *ctx, int64_t ms)
{
    (void)ctx;
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000};
    /* A signal ends the sleep early on purpose: the caller re-checks its flags. */
    (void)nanosleep(&ts, NULL);
}

const struct eb_clock *
clock_real(void)
{
    static const struct eb_clock real = {s_real_now, s_real_mono, s_real_sleep, NULL};
    return &real;
}

/* --- scaled: real time running `factor` times faster from the first call on --------------- */

static struct {
    double factor;
    int64_t mono0, now0;
} s_scale;

static int64_t
s_scaled_mono(void *ctx)
{
    (void)ctx;
    return s_scale.mono0 + (int64_t)((double)(s_read(CLOCK_MONOTONIC) - s_scale.mono0) *
                                     s_scale.factor);
}

static int64_t
s_scaled_now(void *ctx)
{
    return s_scale.now0 + (s_scaled_mono(ctx) - s_scale.mono0);
}

static void
s_scaled_sleep(void *ctx, int64_t ms)
{
    int64_t real = (int64_t)((double)ms / s_scale.factor);
    s_real_sleep(ctx, real > 0 ? real : 1);
}

const struct eb_clock *
clock_scaled(double factor)
{
    static const struct eb_clock scaled = {s_scaled_now, s_scaled_mono, s_scaled_sleep, NULL};
    if (s_scale.factor == 0) {
        s_scale.mono0 = s_read(CLOCK_MONOTONIC);
        s_scale.now0 = s_read(CLOCK_REALTIME);
    }
    s_scale.factor = factor >= 1 ? factor : 1;
    return &scaled;
}

static int64_t
s_fake_now(void *ctx)
{
    return ((struct clock_fake *)ctx)->now;
}

static int64_t
s_fake_mono(void *ctx)
{
    return ((struct clock_fake *)ctx)->mono;
}

static void
s_fake_sleep(void *ctx, int64_t ms)
{
    clock_fake_advance(ctx, ms);
}

void
clock_fake_init(struct clock_fake *f, int64_t start_ms)
{
    f->clock.now_ms = s_fake_now;
    f->clock.mono_ms = s_fake_mono;
    f->clock.sleep_ms = s_fake_sleep;
    f->clock.ctx = f;
    f->now = start_ms;
    f->mono = 1000;
}

void
clock_fake_advance(struct clock_fake *f, int64_t ms)
{
    if (ms > 0) {
        f->now += ms;
        f->mono += ms;
    }
}
