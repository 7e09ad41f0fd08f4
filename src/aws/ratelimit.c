/*
 * Token buckets per ECS operation. Rates: RunTask 20/s burst 20 (Fargate's
 * published RunTask limit, aws-facts §1.9); the per-action table of the ECS
 * API page could not be read, so the other operations use the documented
 * cluster-read bucket (50) with a conservative refill of 20/s.
 */
#include "aws/ratelimit.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

static const struct ratelimit_rate s_rates[] = {
    {"RunTask", 20, 20},
    {"StartTask", 20, 20},
    {"StopTask", 50, 20},
    {"DescribeTasks", 50, 20},
    {"ListTasks", 50, 20},
    {"DescribeClusters", 50, 20},
    {"DescribeTaskDefinition", 50, 20},
    {"RegisterTaskDefinition", 20, 1},
    {"ListTaskDefinitions", 50, 20},
    {"DescribeContainerInstances", 50, 20},
};
static const struct ratelimit_rate s_default = {"*", 50, 20};

#define NRATES (sizeof s_rates / sizeof s_rates[0])

struct s_bucket {
    double tokens;   /* may go negative: reservations queued behind the bucket */
    int64_t last_ms; /* last refill */
    int used;
};

struct ratelimit {
    struct s_bucket buckets[NRATES + 1];
};

struct ratelimit *
ratelimit_new(void)
{
    return xcalloc(1, sizeof(struct ratelimit));
}

void
ratelimit_free(struct ratelimit *rl)
{
    free(rl);
}

static size_t
s_index(const char *op)
{
    for (size_t i = 0; op && i < NRATES; i++) {
        if (strcmp(s_rates[i].op, op) == 0) {
            return i;
        }
    }
    return NRATES;
}

const struct ratelimit_rate *
ratelimit_rate_of(const char *op)
{
    size_t i = s_index(op);
    return i < NRATES ? &s_rates[i] : &s_default;
}

int64_t
ratelimit_take(struct ratelimit *rl, const char *op, int64_t now_ms)
{
    size_t i = s_index(op);
    const struct ratelimit_rate *r = i < NRATES ? &s_rates[i] : &s_default;
    struct s_bucket *b = &rl->buckets[i];
    if (!b->used) {
        b->used = 1;
        b->tokens = r->burst;
        b->last_ms = now_ms;
    }
    if (now_ms > b->last_ms) {
        b->tokens += (double)(now_ms - b->last_ms) * r->rate / 1000.0;
        if (b->tokens > r->burst) {
            b->tokens = r->burst;
        }
        b->last_ms = now_ms;
    }
    b->tokens -= 1.0;
    if (b->tokens >= 0.0) {
        return 0;
    }
    /* Wait until the refill has paid back the deficit. */
    return (int64_t)((-b->tokens) * 1000.0 / r->rate + 0.999);
}
