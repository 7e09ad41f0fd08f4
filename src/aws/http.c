/*
 * libcurl transport. The CA bundle is handed to curl as a blob (mbedTLS is
 * built without file I/O, and FROM scratch has no CA files anyway): the one
 * compiled into the binary, or the file AWS_CA_BUNDLE / SSL_CERT_FILE names,
 * read here. Verification of peer and host name is never switched off.
 */
#include "aws/http.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "aws/awsio.h"
#include "util/xalloc.h"

#ifndef ECSBATCH_VERSION
#define ECSBATCH_VERSION "unknown"
#endif

/* Generated at build time from the build machine's CA store (src/gen-cabundle.sh). */
extern const unsigned char cabundle_pem[];
extern const size_t cabundle_pem_len;

struct http_conn {
    CURL *curl;
};

static struct {
    int state; /* 0 = not loaded, 1 = loaded, -1 = failed */
    struct curl_blob blob;
    char *owned;
    char source[512];
    struct eb_error err;
} s_ca;

int
http_ca_init(struct eb_error *err)
{
    if (s_ca.state == 0) {
        const char *path = awsio_env("AWS_CA_BUNDLE");
        if (!path) {
            path = awsio_env("SSL_CERT_FILE");
        }
        if (path) {
            size_t len = 0;
            if (awsio_file_read(path, "CA bundle", 16u * 1024u * 1024u, false, &s_ca.owned, &len,
                                &s_ca.err) != EB_OK) {
                s_ca.err.code = EB_ERR_INVALID; /* a bad setting, however it failed */
                s_ca.state = -1;
            } else if (!strstr(s_ca.owned, "-----BEGIN CERTIFICATE-----")) {
                err_set(&s_ca.err, EB_ERR_INVALID, "CA bundle %s: no PEM certificate in it", path);
                s_ca.state = -1;
            } else {
                s_ca.blob.data = s_ca.owned;
                s_ca.blob.len = len;
                snprintf(s_ca.source, sizeof s_ca.source, "%s", path);
                s_ca.state = 1;
            }
        } else {
            s_ca.blob.data = (void *)(uintptr_t)cabundle_pem;
            s_ca.blob.len = cabundle_pem_len;
            snprintf(s_ca.source, sizeof s_ca.source, "built-in");
            s_ca.state = 1;
        }
        s_ca.blob.flags = CURL_BLOB_NOCOPY;
    }
    if (s_ca.state < 0) {
        if (err) {
            *err = s_ca.err;
        }
        return s_ca.err.code;
    }
    return EB_OK;
}

const char *
http_ca_source(void)
{
    return s_ca.state == 1 ? s_ca.source : "";
}

int
http_conn_new(struct http_conn **out, struct eb_error *err)
{
    static int s_global;
    *out = NULL;
    int rc = http_ca_init(err);
    if (rc != EB_OK) {
        return rc;
    }
    if (!s_global) {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
            return err_set(err, EB_ERR_TRANSPORT, "libcurl failed to initialise");
        }
        s_global = 1;
    }
    struct http_conn *c = xcalloc(1, sizeof *c);
    c->curl = curl_easy_init();
    if (!c->curl) {
        abort(); /* only out of memory */
    }
    *out = c;
    return EB_OK;
}

void
http_conn_free(struct http_conn *c)
{
    if (!c) {
        return;
    }
    curl_easy_cleanup(c->curl);
    free(c);
}

void
http_response_cleanup(struct http_response *r)
{
    buf_cleanup(&r->body);
}

static size_t
s_write(char *data, size_t size, size_t n, void *ud)
{
    struct http_response *r = ud;
    size_t len = size * n;
    if (buf_append(&r->body, data, len) != 0) {
        return 0; /* over the cap: curl stops with CURLE_WRITE_ERROR */
    }
    return len;
}

/* Copy a header's value (trimmed) when line is "name: value". */
static void
s_header_value(const char *line, size_t len, const char *name, char *out, size_t size)
{
    size_t nl = strlen(name);
    if (len <= nl || line[nl] != ':' || strncasecmp(line, name, nl) != 0) {
        return;
    }
    const char *v = line + nl + 1;
    const char *end = line + len;
    while (v < end && (*v == ' ' || *v == '\t')) {
        v++;
    }
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ')) {
        end--;
    }
    size_t vl = (size_t)(end - v);
    if (vl >= size) {
        vl = size - 1;
    }
    memcpy(out, v, vl);
    out[vl] = '\0';
}

static size_t
s_header(char *data, size_t size, size_t n, void *ud)
{
    struct http_response *r = ud;
    size_t len = size * n;
    /* A new status line (after 100 Continue or a redirect) starts a new header set. */
    if (len >= 5 && strncmp(data, "HTTP/", 5) == 0) {
        r->date[0] = r->request_id[0] = r->etag[0] = r->error_type[0] = '\0';
    }
    s_header_value(data, len, "Date", r->date, sizeof r->date);
    s_header_value(data, len, "x-amzn-RequestId", r->request_id, sizeof r->request_id);
    s_header_value(data, len, "x-amz-request-id", r->request_id, sizeof r->request_id);
    s_header_value(data, len, "ETag", r->etag, sizeof r->etag);
    s_header_value(data, len, "x-amzn-ErrorType", r->error_type, sizeof r->error_type);
    return len;
}

/* The host part of url, for messages. */
static void
s_host_of(const char *url, char *out, size_t size)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    size_t n = strcspn(p, "/?#");
    if (n >= size) {
        n = size - 1;
    }
    memcpy(out, p, n);
    out[n] = '\0';
}

/* curl is built without its error strings (--disable-verbose): our own, for the codes that occur. */
static const char *
s_curl_text(CURLcode cc, char *buf, size_t size)
{
    switch (cc) {
    case CURLE_UNSUPPORTED_PROTOCOL:
        return "unsupported protocol (only http and https)";
    case CURLE_URL_MALFORMAT:
        return "malformed URL";
    case CURLE_COULDNT_RESOLVE_PROXY:
        return "cannot resolve the proxy's host name";
    case CURLE_COULDNT_RESOLVE_HOST:
        return "cannot resolve the host name";
    case CURLE_COULDNT_CONNECT:
        return "cannot connect (refused or unreachable)";
    case CURLE_OPERATION_TIMEDOUT:
        return "timed out";
    case CURLE_SEND_ERROR:
        return "connection lost while sending (reset)";
    case CURLE_RECV_ERROR:
        return "connection lost while receiving (reset)";
    case CURLE_GOT_NOTHING:
        return "the server closed the connection without answering";
    case CURLE_PARTIAL_FILE:
        return "the answer was cut short";
    case CURLE_SSL_CONNECT_ERROR:
        return "TLS handshake failed";
    case CURLE_PEER_FAILED_VERIFICATION:
        return "certificate verification failed";
    case CURLE_SSL_CACERT_BADFILE:
        return "the CA bundle could not be loaded";
    case CURLE_SSL_CERTPROBLEM:
        return "problem with the local certificate";
    case CURLE_SSL_ISSUER_ERROR:
        return "certificate issuer check failed";
    case CURLE_WEIRD_SERVER_REPLY:
        return "the server's answer is not HTTP";
    case CURLE_TOO_MANY_REDIRECTS:
        return "too many redirects";
    default:
        snprintf(buf, size, "curl error %d", (int)cc);
        return buf;
    }
}

static bool
s_is_tls_failure(CURLcode cc)
{
    return cc == CURLE_PEER_FAILED_VERIFICATION || cc == CURLE_SSL_CACERT_BADFILE ||
           cc == CURLE_SSL_CERTPROBLEM || cc == CURLE_SSL_ISSUER_ERROR ||
           cc == CURLE_SSL_PINNEDPUBKEYNOTMATCH;
}

int
http_perform(struct http_conn *c, const struct http_request *r, struct http_response *out,
             struct eb_error *err)
{
    memset(out, 0, sizeof *out);
    buf_init(&out->body, HTTP_MAX_BODY);
    CURL *h = c->curl;
    struct curl_slist *hdrs = NULL;
    int rc = EB_OK;
    bool has_ctype = false;

    /* Reset keeps the live connection and TLS session; every option is set again. */
    curl_easy_reset(h);
    curl_easy_setopt(h, CURLOPT_URL, r->url);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &s_ca.blob);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                     r->connect_timeout_ms > 0 ? r->connect_timeout_ms
                                               : (long)HTTP_DEFAULT_CONNECT_TIMEOUT_MS);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS,
                     r->timeout_ms > 0 ? r->timeout_ms : (long)HTTP_DEFAULT_TIMEOUT_MS);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 30L);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "ecsbatch/" ECSBATCH_VERSION);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, s_write);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, out);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, s_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, out);
    if (r->no_proxy) {
        curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
    }

    for (size_t i = 0; r->headers && r->headers[i]; i++) {
        if (strncasecmp(r->headers[i], "Content-Type:", 13) == 0) {
            has_ctype = true;
        }
        hdrs = curl_slist_append(hdrs, r->headers[i]);
    }
    /* No "Expect: 100-continue" round trip; no curl default content type on bodies. */
    hdrs = curl_slist_append(hdrs, "Expect:");
    if (!has_ctype) {
        hdrs = curl_slist_append(hdrs, "Content-Type:");
    }
    if (!hdrs) {
        abort();
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);

    const char *m = r->method ? r->method : "GET";
    if (strcmp(m, "HEAD") == 0) {
        curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else if (strcmp(m, "GET") == 0) {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    } else if (strcmp(m, "DELETE") == 0 && r->body_len == 0) {
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "DELETE");
    } else {
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body_len);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, r->body ? (const char *)r->body : "");
        if (strcmp(m, "POST") != 0) {
            curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, m);
        }
    }

    CURLcode cc = curl_easy_perform(h);
    char host[256], ctext[32];
    s_host_of(r->url, host, sizeof host);
    if (cc == CURLE_OK) {
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
    } else if (s_is_tls_failure(cc)) {
        rc = err_set(err, EB_ERR_TLS, "TLS: the certificate of %s does not verify (%s)", host,
                     s_curl_text(cc, ctext, sizeof ctext));
    } else if (cc == CURLE_WRITE_ERROR && out->body.len + CURL_MAX_WRITE_SIZE > HTTP_MAX_BODY) {
        rc = err_set(err, EB_ERR_PARSE, "%s %s: answer larger than %u bytes", m, host,
                     HTTP_MAX_BODY);
    } else {
        out->timed_out = cc == CURLE_OPERATION_TIMEDOUT;
        rc = err_set(err, EB_ERR_TRANSPORT, "%s %s: %s", m, host, s_curl_text(cc, ctext, sizeof ctext));
    }
    curl_slist_free_all(hdrs);
    return rc;
}
