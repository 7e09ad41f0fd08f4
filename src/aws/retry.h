/*
 * The SDKs' "standard" retry mode (aws-facts §7), pure and table-tested:
 * classify an outcome, compute the full-jitter backoff, and keep the retry
 * quota (token bucket of 500; a retry costs 5, a timeout retry 10).
 */
#ifndef EB_AWS_RETRY_H
#define EB_AWS_RETRY_H

#include <stdbool.h>
#include <stdint.h>

#include "util/err.h"

enum retry_class {
    RETRY_NO,        /* a real answer: give it to the caller */
    RETRY_TRANSIENT, /* 5xx, reset, RequestTimeout: retry with backoff */
    RETRY_TIMEOUT,   /* no answer in time: retry with backoff, costs more quota */
    RETRY_THROTTLE,  /* throttling family (incl. ECS "Rate exceeded"): retry with backoff */
    RETRY_SKEW,      /* the signing clock is off: correct it, retry once */
    RETRY_EXPIRED,   /* the credentials expired: refresh, retry once */
    RETRY__COUNT
};

#define RETRY_DEFAULT_ATTEMPTS 3
#define RETRY_QUOTA_MAX 500
#define RETRY_COST 5
#define RETRY_COST_TIMEOUT 10
#define RETRY_NO_RETRY_REFUND 1
#define RETRY_MAX_BACKOFF_MS 20000

/*
 * Classify one attempt. transport is EB_OK when HTTP answered, else EB_ERR_TRANSPORT /
 * EB_ERR_TIMEOUT / EB_ERR_TLS (never retried). status and code/message come from the
 * answer (code "" when none).
 */
enum retry_class retry_classify(enum eb_err transport, long status, const char *code,
                                const char *message);
/* True for the codes that mean a clock skew when the server's clock disagrees with ours. */
bool retry_is_skew_code(const char *code, const char *message);
/* True for the expired-credential codes (ExpiredTokenException, ExpiredToken, RequestExpired). */
bool retry_is_expired_code(const char *code);
/* The class's name for messages ("throttling", "server error", ...). */
const char *retry_class_name(enum retry_class c);

/*
 * Backoff before the retry that follows failed attempt n (1-based):
 * rand01 × min(2^(n-1), 20) seconds, in ms. rand01 in [0, 1).
 */
int64_t retry_backoff_ms(int n, double rand01);

struct retry_quota {
    int capacity; /* tokens left, 0..RETRY_QUOTA_MAX */
};
void retry_quota_init(struct retry_quota *q);
/* Take the cost of a retry of class c; returns the cost taken, or 0 when the quota is empty. */
int retry_quota_acquire(struct retry_quota *q, enum retry_class c);
/* After a success: refund what the request took (taken), or RETRY_NO_RETRY_REFUND when 0. */
void retry_quota_release(struct retry_quota *q, int taken);

/* AWS_MAX_ATTEMPTS: an integer > 0, else the default 3. */
int retry_max_attempts_from(const char *value);

#endif
