/*
 * Client-side token buckets per ECS operation (SPEC §4, aws-facts §1.9), so
 * a large job stays under ECS's rates instead of provoking throttling. Time
 * comes from the caller (monotonic ms), so a fake clock paces without sleeping.
 */
#ifndef EB_AWS_RATELIMIT_H
#define EB_AWS_RATELIMIT_H

#include <stdint.h>

struct ratelimit;

struct ratelimit_rate {
    const char *op; /* ECS operation name, "RunTask" */
    double burst;   /* bucket size */
    double rate;    /* refill, tokens per second */
};

/* A set of buckets for the published ECS rates (the table in ratelimit.c). */
struct ratelimit *ratelimit_new(void);
void ratelimit_free(struct ratelimit *rl);
/* The rate used for op (a default for unknown ECS operations). Never NULL. */
const struct ratelimit_rate *ratelimit_rate_of(const char *op);
/*
 * Take one token for op at monotonic time now_ms; returns how long to wait (ms)
 * before sending (0 = now). The token is reserved, so successive calls queue up.
 */
int64_t ratelimit_take(struct ratelimit *rl, const char *op, int64_t now_ms);

#endif
