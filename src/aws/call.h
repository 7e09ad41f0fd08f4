/*
 * The one way every AWS request is made: sign (SigV4) with fresh
 * credentials, send over a kept-alive connection, parse AWS's error document,
 * and retry as the SDKs' standard mode does (SPEC §4 "Transient AWS errors",
 * aws-facts §7), with a client-side rate limiter per operation.
 *
 * One struct aws_client per process holds credentials (cached, refreshed),
 * region, endpoints, connections, the retry quota and the rate limiters.
 */
#ifndef EB_AWS_CALL_H
#define EB_AWS_CALL_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/clock.h"
#include "util/err.h"

enum aws_service { AWS_ECS, AWS_LOGS, AWS_S3, AWS_EC2, AWS_STS, AWS_SERVICE__COUNT };

struct aws_client;

struct aws_client_options {
    const struct eb_clock *clock; /* NULL = clock_real() */
    const char *region;           /* NULL = AWS_REGION, AWS_DEFAULT_REGION, config, metadata */
};

struct aws_response {
    long status;
    struct eb_buf body;
    char request_id[80];
    char etag[128];      /* S3 ETag header, quotes kept */
};

/* Create the client; fails (EB_ERR_CREDENTIALS / EB_ERR_INVALID) only on bad configuration:
 * credentials themselves are resolved lazily on the first signed call. */
EB_MUST_CHECK int aws_client_new(const struct aws_client_options *o, struct aws_client **out,
                                 struct eb_error *err);
void aws_client_free(struct aws_client *c);
/* The region in use ("" when unknown). */
const char *aws_client_region(const struct aws_client *c);
/* Set the region when it was learnt later (cluster context, metadata). */
void aws_client_set_region(struct aws_client *c, const char *region);
/* Where credentials came from ("environment", "web-identity", "profile:NAME",
 * "container", "imds", or NULL before the first resolution / none). Never secrets. */
const char *aws_client_credentials_source(struct aws_client *c);

/* JSON 1.1 (ECS, CloudWatch Logs): target like "AmazonEC2ContainerServiceV20141113.RunTask". */
EB_MUST_CHECK int aws_call_json(struct aws_client *c, enum aws_service svc, const char *target,
                                const char *body, struct aws_response *out, struct eb_error *err);
/* Query (EC2, STS): a form body "Action=...&Version=...&...", already encoded. */
EB_MUST_CHECK int aws_call_query(struct aws_client *c, enum aws_service svc, const char *form,
                                 struct aws_response *out, struct eb_error *err);

/* REST (S3). key is the raw object key (encoded here, S3's rules); query is the raw
 * canonical-ready query ("uploads", "partNumber=1&uploadId=ID") or NULL. */
struct aws_rest_request {
    const char *method;           /* GET PUT POST HEAD DELETE */
    const char *bucket;
    const char *key;
    const char *query;
    const char *const *headers;   /* NULL-terminated "Name: value" list, or NULL */
    const void *body;
    size_t body_len;
};
EB_MUST_CHECK int aws_call_rest(struct aws_client *c, const struct aws_rest_request *r,
                                struct aws_response *out, struct eb_error *err);

void aws_response_cleanup(struct aws_response *r);

#endif
