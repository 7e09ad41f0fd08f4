/*
 * Signature Version 4 (aws-facts §6.1), pure: a request description and the
 * time in, canonical request, string to sign and Authorization value out. No
 * I/O, no clock: the caller passes the amz-date, so golden vectors need no hook.
 * Hashing and HMAC are mbedTLS's (SHA-256, HMAC-SHA256).
 */
#ifndef EB_AWS_SIGV4_H
#define EB_AWS_SIGV4_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

/* The payload hash of an empty body. */
#define SIGV4_EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define SIGV4_UNSIGNED_PAYLOAD "UNSIGNED-PAYLOAD"

struct sigv4_header {
    const char *name;  /* any case; lower-cased for signing */
    const char *value; /* trimmed and space-collapsed for signing */
};

struct sigv4_request {
    const char *method;                 /* "GET", "POST", ... */
    const char *path;                   /* the path as sent on the wire ("/" when empty) */
    const char *query;                  /* the query without '?', or NULL */
    const struct sigv4_header *headers; /* every header to sign, incl. host and x-amz-date */
    size_t nheaders;
    const char *payload_hash;           /* lowercase hex, UNSIGNED-PAYLOAD, or NULL = hash body */
    const void *body;
    size_t body_len;
    bool normalize_path; /* non-S3: drop "." and empty segments, resolve ".." */
    bool encode_path;    /* non-S3: URI-encode the wire path once more; S3: sign it as is */
};

struct sigv4_key {
    const char *access_key;
    const char *secret_key;
    const char *region;
    const char *service; /* signing name: ecs, logs, s3, ec2, sts */
    const char *amzdate; /* "20150830T123600Z" */
};

struct sigv4_result {
    struct eb_buf canonical_request;
    struct eb_buf string_to_sign;
    char signature[65];          /* lowercase hex */
    char signed_headers[512];    /* "content-type;host;x-amz-date" */
    struct eb_buf authorization; /* the Authorization header value */
};

/*
 * Sign r with k into out (initialised here; free with sigv4_result_cleanup).
 * Returns 0, or -1 when a header name list is too long for signed_headers.
 */
int sigv4_sign(const struct sigv4_request *r, const struct sigv4_key *k, struct sigv4_result *out);
void sigv4_result_cleanup(struct sigv4_result *r);

/* Lowercase hex of in[0..n) into out[2n + 1]. */
void sigv4_hex(const unsigned char *in, size_t n, char *out);
/* Lowercase hex SHA-256 of data into out[65]. */
void sigv4_sha256_hex(const void *data, size_t len, char out[65]);
/*
 * Append s[0..n) URI-encoded (aws-facts §6.1 UriEncode: unreserved A-Z a-z 0-9 - _ . ~
 * kept, everything else %XX uppercase); keep_slash leaves '/' alone (paths, S3 keys).
 */
void sigv4_uri_encode(struct eb_buf *b, const char *s, size_t n, bool keep_slash);
/* The canonical query of a raw query string (decoded, re-encoded, sorted); "" for NULL. */
void sigv4_canonical_query(struct eb_buf *b, const char *query);

#endif
