/*
 * CloudWatch Logs GetLogEvents over JSON 1.1 (aws-facts §8): one stream read
 * forward from its start to its end. The end is the page whose
 * nextForwardToken equals the token sent; a stream that does not exist
 * (ResourceNotFoundException) is EB_ERR_NOT_FOUND, not a failure.
 */
#ifndef EB_API_LOGS_H
#define EB_API_LOGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aws/call.h"
#include "util/err.h"

#define LOGS_TARGET_PREFIX "Logs_20140328."
#define LOGS_PAGES_MAX 10000  /* pages one read follows at most */

struct logs_event {
    int64_t timestamp_ms;
    char *message;
    size_t len;            /* bytes of message (it may hold NUL bytes) */
};

struct logs_page {
    struct logs_event *events;
    size_t nevents;
    char *next_forward_token;  /* NULL when the answer had none */
};

void logs_page_cleanup(struct logs_page *p);

/* The GetLogEvents body: startFromHead true, nextToken when not NULL, limit when > 0.
 * Caller frees. */
char *logs_get_events_build(const char *group, const char *stream, const char *next_token,
                            int limit);
/* The answer of a 200 GetLogEvents; EB_ERR_PARSE naming the field. */
EB_MUST_CHECK int logs_get_events_parse(const char *body, size_t len, struct logs_page *out,
                                        struct eb_error *err);

/* One GetLogEvents call. EB_ERR_NOT_FOUND: the group or stream does not exist. */
EB_MUST_CHECK int logs_get_events(struct aws_client *c, const char *group, const char *stream,
                                  const char *next_token, struct logs_page *out,
                                  struct eb_error *err);

/* Called for every event in order; return false to stop reading (e.g. a cap was reached). */
typedef bool (*logs_event_fn)(void *ctx, const struct logs_event *ev);

/*
 * Read a stream forward from its start until the forward token comes back
 * unchanged (or an empty page without a token, or LOGS_PAGES_MAX pages, or fn
 * returned false). EB_ERR_NOT_FOUND when the stream does not exist; other
 * errors as aws_call_json. *out_events (may be NULL) counts the events delivered.
 */
EB_MUST_CHECK int logs_read_stream(struct aws_client *c, const char *group, const char *stream,
                                   logs_event_fn fn, void *ctx, size_t *out_events,
                                   struct eb_error *err);

#endif
