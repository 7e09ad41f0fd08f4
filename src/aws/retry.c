/*
 * Standard-mode retry rules (aws-facts §7, §1.7, §6.1): which outcomes are
 * retried, how long to wait (full jitter, base 1 s doubling, cap 20 s), and
 * the client-wide retry quota. No I/O, no clock, no randomness of its own.
 */
#include "aws/retry.h"

#include <stdlib.h>
#include <string.h>

static const char *const s_throttle_codes[] = {
    "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
    "TooManyRequestsException", "ProvisionedThroughputExceededException",
    "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
    "LimitExceededException", "RequestThrottled", "SlowDown", "EC2ThrottledException",
    NULL,
};

static const char *const s_transient_codes[] = {
    "RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete", "InternalError",
    "ServiceUnavailable", "ServerException", NULL,
};

static const char *const s_skew_codes[] = {
    "RequestTimeTooSkewed", "RequestExpired", "RequestInTheFuture", "InvalidSignatureException",
    "SignatureDoesNotMatch", "AuthFailure", NULL,
};

static const char *const s_expired_codes[] = {
    "ExpiredTokenException", "ExpiredToken", "RequestExpired", NULL,
};

static bool
s_in(const char *const *list, const char *code)
{
    for (size_t i = 0; code && list[i]; i++) {
        if (strcmp(list[i], code) == 0) {
            return true;
        }
    }
    return false;
}

bool
retry_is_skew_code(const char *code, const char *message)
{
    if (!s_in(s_skew_codes, code)) {
        return false;
    }
    /* A signature mismatch is a skew only when the message speaks of time. */
    if (strcmp(code, "InvalidSignatureException") == 0 || strcmp(code, "SignatureDoesNotMatch") == 0 ||
        strcmp(code, "AuthFailure") == 0) {
        return message && (strstr(message, "expired") || strstr(message, "Signature not yet current") ||
                           strstr(message, "skew"));
    }
    return true;
}

bool
retry_is_expired_code(const char *code)
{
    return s_in(s_expired_codes, code);
}

enum retry_class
retry_classify(enum eb_err transport, long status, const char *code, const char *message)
{
    if (transport == EB_ERR_TLS) {
        return RETRY_NO;
    }
    if (transport == EB_ERR_TIMEOUT) {
        return RETRY_TIMEOUT;
    }
    if (transport != EB_OK) {
        return RETRY_TRANSIENT;
    }
    if (status >= 200 && status < 300) {
        return RETRY_NO;
    }
    if (code && code[0]) {
        if (strcmp(code, "ExpiredTokenException") == 0 || strcmp(code, "ExpiredToken") == 0) {
            return RETRY_EXPIRED;
        }
        if (retry_is_skew_code(code, message)) {
            return RETRY_SKEW;
        }
        if (s_in(s_throttle_codes, code)) {
            return RETRY_THROTTLE;
        }
        /* ECS reports some throttling as InvalidParameterException "Rate exceeded" (SPEC §4). */
        if ((strcmp(code, "InvalidParameterException") == 0 || strcmp(code, "ClientException") == 0) &&
            message && strstr(message, "Rate exceeded")) {
            return RETRY_THROTTLE;
        }
        if (s_in(s_transient_codes, code)) {
            return RETRY_TRANSIENT;
        }
    }
    if (status == 429) {
        return RETRY_THROTTLE;
    }
    if (status == 500 || status == 502 || status == 503 || status == 504) {
        return RETRY_TRANSIENT;
    }
    return RETRY_NO;
}

const char *
retry_class_name(enum retry_class c)
{
    static const char *const names[RETRY__COUNT] = {
        [RETRY_NO] = "not retryable", [RETRY_TRANSIENT] = "transient error",
        [RETRY_TIMEOUT] = "timeout",  [RETRY_THROTTLE] = "throttling",
        [RETRY_SKEW] = "clock skew",  [RETRY_EXPIRED] = "expired credentials",
    };
    return (c >= 0 && c < RETRY__COUNT) ? names[c] : "?";
}

int64_t
retry_backoff_ms(int n, double rand01)
{
    if (n < 1) {
        n = 1;
    }
    int64_t cap = 1000;
    for (int i = 1; i < n && cap < RETRY_MAX_BACKOFF_MS; i++) {
        cap *= 2;
    }
    if (cap > RETRY_MAX_BACKOFF_MS) {
        cap = RETRY_MAX_BACKOFF_MS;
    }
    if (!(rand01 >= 0.0)) {
        rand01 = 0.0;
    }
    if (rand01 >= 1.0) {
        rand01 = 0.999999;
    }
    return (int64_t)(rand01 * (double)cap);
}

void
retry_quota_init(struct retry_quota *q)
{
    q->capacity = RETRY_QUOTA_MAX;
}

int
retry_quota_acquire(struct retry_quota *q, enum retry_class c)
{
    int cost = c == RETRY_TIMEOUT ? RETRY_COST_TIMEOUT : RETRY_COST;
    if (q->capacity < cost) {
        return 0;
    }
    q->capacity -= cost;
    return cost;
}

void
retry_quota_release(struct retry_quota *q, int taken)
{
    q->capacity += taken > 0 ? taken : RETRY_NO_RETRY_REFUND;
    if (q->capacity > RETRY_QUOTA_MAX) {
        q->capacity = RETRY_QUOTA_MAX;
    }
}

int
retry_max_attempts_from(const char *value)
{
    if (!value || !value[0]) {
        return RETRY_DEFAULT_ATTEMPTS;
    }
    char *end = NULL;
    long v = strtol(value, &end, 10);
    if (*end != '\0' || v < 1 || v > 100) {
        return RETRY_DEFAULT_ATTEMPTS;
    }
    return (int)v;
}
