/*
 * HTTP(S) with libcurl: one easy handle per connection slot, kept alive
 * between requests (one TLS handshake), connect/total/stall timeouts,
 * TLS verification always on with the built-in CA bundle or AWS_CA_BUNDLE /
 * SSL_CERT_FILE, proxies as curl reads them from the environment.
 */
#ifndef EB_AWS_HTTP_H
#define EB_AWS_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

#define HTTP_DEFAULT_CONNECT_TIMEOUT_MS 10000
#define HTTP_DEFAULT_TIMEOUT_MS 120000
#define HTTP_MAX_BODY (64u * 1024u * 1024u)

struct http_conn;

struct http_request {
    const char *method;          /* GET HEAD PUT POST DELETE */
    const char *url;
    const char *const *headers;  /* NULL-terminated "Name: value" list, or NULL */
    const void *body;            /* sent for PUT/POST (may be NULL with body_len 0) */
    size_t body_len;
    long connect_timeout_ms;     /* 0 = default */
    long timeout_ms;             /* 0 = default; whole request */
    bool no_proxy;               /* link-local metadata endpoints: never through a proxy */
};

struct http_response {
    long status;           /* 0 when no answer */
    struct eb_buf body;    /* capped at HTTP_MAX_BODY */
    char date[64];         /* Date header */
    char request_id[80];   /* x-amzn-RequestId or x-amz-request-id */
    char etag[128];        /* ETag, quotes kept */
    char error_type[128];  /* x-amzn-ErrorType */
    bool timed_out;        /* the failure was a timeout */
};

/*
 * Load the CA bundle once for the process: AWS_CA_BUNDLE, else SSL_CERT_FILE, else
 * the bundle compiled in. EB_ERR_INVALID when the named file cannot be read or
 * holds no certificate. Called by http_conn_new; later calls return the first result.
 */
EB_MUST_CHECK int http_ca_init(struct eb_error *err);
/* Where the CA bundle came from: "built-in" or the file name. */
const char *http_ca_source(void);

/* A connection slot (curl easy handle). Aborts on out-of-memory. */
EB_MUST_CHECK int http_conn_new(struct http_conn **out, struct eb_error *err);
void http_conn_free(struct http_conn *c);

/*
 * Perform one request. EB_OK whenever an HTTP answer arrived (any status);
 * EB_ERR_TLS when the peer's certificate does not verify (message names the
 * host), EB_ERR_TRANSPORT for DNS/connect/reset/timeout (out->timed_out set
 * for timeouts), EB_ERR_PARSE when the body exceeds the cap. out is
 * initialised here; free with http_response_cleanup.
 */
EB_MUST_CHECK int http_perform(struct http_conn *c, const struct http_request *r,
                               struct http_response *out, struct eb_error *err);
void http_response_cleanup(struct http_response *r);

#endif
