/*
 * Time is injected, never read directly by deciding code: the engine, the
 * retry loop and the credential cache take a struct eb_clock, so a test can
 * run a one-hour timeout in microseconds with clock_fake.
 */
#ifndef EB_CLOCK_H
#define EB_CLOCK_H

#include <stdint.h>

struct eb_clock {
    int64_t (*now_ms)(void *ctx);             /* wall clock, ms since the epoch (UTC) */
    int64_t (*mono_ms)(void *ctx);            /* monotonic ms, for intervals */
    void (*sleep_ms)(void *ctx, int64_t ms);  /* may return early on a signal */
    void *ctx;
};

/* The process's real clock (CLOCK_REALTIME / CLOCK_MONOTONIC / nanosleep). */
const struct eb_clock *clock_real(void);

/*
 * Real time running `factor` (>= 1) times faster from the first call on: sleeps are that
 * much shorter. Tests run the seed's 30 s polling unchanged with it (ECSBATCH_TEST_CLOCK_SCALE).
 */
const struct eb_clock *clock_scaled(double factor);

/* A fake clock whose sleep only advances its own time. */
struct clock_fake {
    struct eb_clock clock; /* hand &fake.clock to the code under test */
    int64_t now;           /* current wall time in ms */
    int64_t mono;          /* current monotonic time in ms */
};
void clock_fake_init(struct clock_fake *f, int64_t start_ms);
void clock_fake_advance(struct clock_fake *f, int64_t ms);

static inline int64_t
clock_now(const struct eb_clock *c)
{
    return c->now_ms(c->ctx);
}
static inline int64_t
clock_mono(const struct eb_clock *c)
{
    return c->mono_ms(c->ctx);
}
static inline void
clock_sleep(const struct eb_clock *c, int64_t ms)
{
    if (ms > 0) {
        c->sleep_ms(c->ctx, ms);
    }
}

#endif
