/*
 * The one way every AWS request is made: sign (SigV4) with fresh
 * credentials, send over a kept-alive connection, parse AWS's error document,
 * and retry as the SDKs' standard mode does (SPEC §4 "Transient AWS errors",
 * aws-facts §7), with a client-side rate limiter per operation.
 *
 * One struct aws_client per process holds credentials (cached, refreshed),
 * region, endpoints, connections, the retry quota and the rate limiters.
 *
 * Environment: AWS_REGION, AWS_DEFAULT_REGION, AWS_PROFILE, AWS_CONFIG_FILE,
 * AWS_SHARED_CREDENTIALS_FILE, AWS_ENDPOINT_URL[_ECS|_S3|_CLOUDWATCH_LOGS|_EC2|_STS],
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS, AWS_MAX_ATTEMPTS, AWS_CA_BUNDLE, SSL_CERT_FILE,
 * the credential variables of creds.h, and two for tests only:
 * ECSBATCH_TEST_BACKOFF_SCALE (0..1, multiplies retry backoff sleeps; 0 = none) and
 * ECSBATCH_TEST_CONTAINER_CREDENTIALS_ENDPOINT (replaces http://169.254.170.2 for
 * AWS_CONTAINER_CREDENTIALS_RELATIVE_URI).
 *
 * Errors of every call: EB_ERR_AWS (AWS answered an error; err->aws_code, http_status and
 * request_id set; out->status/body hold the answer), EB_ERR_NOT_FOUND (S3 404),
 * EB_ERR_EXISTS (S3 412 to a request with If-None-Match), EB_ERR_TRANSPORT (no answer
 * after the retries), EB_ERR_TLS (certificate does not verify; never retried),
 * EB_ERR_CREDENTIALS, EB_ERR_INVALID (no region, bad endpoint). Retries (standard mode,
 * aws-facts §7) happen inside; an S3 200 whose body is <Error> is an error too.
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
