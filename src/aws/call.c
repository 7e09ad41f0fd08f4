/*
 * aws_call_*: sign (sigv4.c) with credentials from the chain (creds.c), send
 * over the service's kept-alive connection (http.c), parse AWS's error
 * document (awserr.c), and retry as the SDKs' standard mode does (retry.c),
 * pacing ECS operations with client-side buckets (ratelimit.c). SPEC §4, §6.
 */
#include "aws/call.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include <mbedtls/base64.h>

#include "aws/awserr.h"
#include "aws/awsio.h"
#include "aws/creds.h"
#include "aws/endpoint.h"
#include "aws/http.h"
#include "aws/profile.h"
#include "aws/ratelimit.h"
#include "aws/retry.h"
#include "aws/sigv4.h"
#include "util/log.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

/* A server clock this far from ours (after correction) means skew, not a bad key. */
#define SKEW_THRESHOLD_MS 60000

struct aws_client {
    const struct eb_clock *clock;
    char region[64];
    struct profile prof;                        /* region, endpoint_url, max_attempts */
    struct http_conn *conns[AWS_SERVICE__COUNT]; /* one kept-alive handle per service */
    struct creds_chain *creds;
    struct retry_quota quota;
    struct ratelimit *rl;
    int max_attempts;
    int64_t skew_ms;      /* server time − our time, learnt from a skew answer */
    uint64_t rng;         /* xorshift state for the backoff jitter */
    double backoff_scale; /* 1; ECSBATCH_TEST_BACKOFF_SCALE in tests */
};

static const char *const s_service_names[AWS_SERVICE__COUNT] = {
    [AWS_ECS] = "ECS", [AWS_LOGS] = "CloudWatch Logs", [AWS_S3] = "S3", [AWS_EC2] = "EC2",
    [AWS_STS] = "STS",
};

static double
s_rand01(struct aws_client *c)
{
    uint64_t x = c->rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    c->rng = x;
    return (double)((x * 2685821657736338717ull) >> 11) / 9007199254740992.0;
}

static char *
s_sts_url(struct aws_client *c)
{
    return endpoint_url(AWS_STS, c->region, endpoint_env_override(AWS_STS),
                        endpoint_env_global_override(), c->prof.endpoint_url, NULL);
}

int
aws_client_new(const struct aws_client_options *o, struct aws_client **out, struct eb_error *err)
{
    struct aws_client *c = xcalloc(1, sizeof *c);
    char *sts = NULL;
    int rc = EB_OK;
    *out = NULL;
    c->clock = (o && o->clock) ? o->clock : clock_real();
    retry_quota_init(&c->quota);
    c->rl = ratelimit_new();
    if (getrandom(&c->rng, sizeof c->rng, 0) != (ssize_t)sizeof c->rng || c->rng == 0) {
        c->rng = (uint64_t)clock_now(c->clock) | 1u;
    }

    rc = profile_load(&c->prof, err);
    if (rc != EB_OK) {
        if (err) {
            err->code = EB_ERR_INVALID;
        }
        rc = EB_ERR_INVALID;
        goto out;
    }
    const char *region = (o && o->region && o->region[0]) ? o->region : awsio_env("AWS_REGION");
    if (!region) {
        region = awsio_env("AWS_DEFAULT_REGION");
    }
    if (!region) {
        region = c->prof.region;
    }
    if (region) {
        if (!endpoint_region_is_valid(region)) {
            rc = err_set(err, EB_ERR_INVALID, "'%.64s' is not a valid AWS region", region);
            goto out;
        }
        snprintf(c->region, sizeof c->region, "%s", region);
    }

    const char *ma = awsio_env("AWS_MAX_ATTEMPTS");
    const char *ma_src = "AWS_MAX_ATTEMPTS";
    if (!ma) {
        ma = c->prof.max_attempts;
        ma_src = "max_attempts (config file)";
    }
    c->max_attempts = retry_max_attempts_from(ma);
    if (ma && c->max_attempts == RETRY_DEFAULT_ATTEMPTS && strcmp(ma, "3") != 0) {
        rc = err_set(err, EB_ERR_INVALID, "%s='%.32s': must be a whole number from 1 to 100",
                     ma_src, ma);
        goto out;
    }
    c->backoff_scale = 1.0;
    const char *scale = awsio_env("ECSBATCH_TEST_BACKOFF_SCALE");
    if (scale) {
        char *end;
        double v = strtod(scale, &end);
        if (*end == '\0' && v >= 0.0 && v <= 1.0) {
            c->backoff_scale = v;
        }
    }

    sts = s_sts_url(c);
    struct creds_chain_options co = {.clock = c->clock, .sts_url = sts};
    TRY(creds_chain_new(&co, &c->creds, err));
out:
    free(sts);
    if (rc != EB_OK) {
        aws_client_free(c);
        return rc;
    }
    *out = c;
    return EB_OK;
}

void
aws_client_free(struct aws_client *c)
{
    if (!c) {
        return;
    }
    for (int i = 0; i < AWS_SERVICE__COUNT; i++) {
        http_conn_free(c->conns[i]);
    }
    creds_chain_free(c->creds);
    ratelimit_free(c->rl);
    profile_cleanup(&c->prof);
    free(c);
}

const char *
aws_client_region(const struct aws_client *c)
{
    return c->region;
}

void
aws_client_set_region(struct aws_client *c, const char *region)
{
    if (!region || !endpoint_region_is_valid(region)) {
        return;
    }
    snprintf(c->region, sizeof c->region, "%s", region);
    char *sts = s_sts_url(c);
    creds_chain_set_sts_url(c->creds, sts);
    free(sts);
}

const char *
aws_client_credentials_source(struct aws_client *c)
{
    return creds_chain_source(c->creds);
}

void
aws_response_cleanup(struct aws_response *r)
{
    buf_cleanup(&r->body);
}

/* --- the call loop ---------------------------------------------------------------------- */

struct s_req {
    enum aws_service svc;
    const char *op;                   /* "RunTask", "PutObject"... for messages and pacing */
    const char *resource;             /* "bucket/key" for S3 messages, or NULL */
    const char *method;
    const char *url;                  /* full URL incl. query */
    const char *path;                 /* wire path, signed */
    const char *query;                /* canonical query or NULL */
    const char *const *headers;       /* extra "Name: value", signed */
    const void *body;
    size_t body_len;
    bool s3;
    bool if_none_match;
};

static bool
s_skip_signing(const char *name, size_t n)
{
    static const char *const skip[] = {"user-agent", "expect", "transfer-encoding", "connection",
                                       "content-length", "authorization", NULL};
    for (size_t i = 0; skip[i]; i++) {
        if (strlen(skip[i]) == n && strncasecmp(name, skip[i], n) == 0) {
            return true;
        }
    }
    return false;
}

/*
 * The payload's SHA-256 in hex. An S3 body sent with x-amz-checksum-sha256 carries the
 * same digest in base64: decoded, it saves a second pass over a large body.
 */
static void
s_payload_hash(const struct s_req *r, char out[65])
{
    static const char name[] = "x-amz-checksum-sha256:";
    for (size_t i = 0; r->s3 && r->headers && r->headers[i]; i++) {
        const char *line = r->headers[i];
        if (strncasecmp(line, name, sizeof name - 1) != 0) {
            continue;
        }
        const char *v = line + sizeof name - 1;
        v += strspn(v, " ");
        unsigned char digest[33];
        size_t n = 0;
        if (mbedtls_base64_decode(digest, sizeof digest, &n, (const unsigned char *)v,
                                  strlen(v)) == 0 && n == 32) {
            sigv4_hex(digest, 32, out);
            return;
        }
    }
    sigv4_sha256_hex(r->body, r->body_len, out);
}

/* Build the signed headers and the wire header lines of one attempt. */
static int
s_sign(struct aws_client *c, const struct s_req *r, const struct creds *cr, int64_t now_ms,
       char ***out_lines, struct eb_error *err)
{
    char amzdate[17], scheme[8], host[300], payload[65];
    const char *path_unused;
    timefmt_amzdate(amzdate, now_ms);
    if (endpoint_split(r->url, scheme, sizeof scheme, host, sizeof host, &path_unused) != 0) {
        return err_set(err, EB_ERR_INVALID, "bad endpoint URL %.200s", r->url);
    }
    s_payload_hash(r, payload);

    size_t nextra = 0;
    while (r->headers && r->headers[nextra]) {
        nextra++;
    }
    struct sigv4_header *hs = xcalloc(nextra + 6, sizeof *hs);
    char **names = xcalloc(nextra + 1, sizeof *names);
    size_t nh = 0;
    hs[nh++] = (struct sigv4_header){"host", host};
    hs[nh++] = (struct sigv4_header){"x-amz-date", amzdate};
    if (cr->token) {
        hs[nh++] = (struct sigv4_header){"x-amz-security-token", cr->token};
    }
    if (r->s3) {
        hs[nh++] = (struct sigv4_header){"x-amz-content-sha256", payload};
    }
    for (size_t i = 0; i < nextra; i++) {
        const char *line = r->headers[i];
        const char *colon = strchr(line, ':');
        if (!colon || s_skip_signing(line, (size_t)(colon - line))) {
            continue;
        }
        names[i] = xstrndup(line, (size_t)(colon - line));
        const char *v = colon + 1;
        while (*v == ' ') {
            v++;
        }
        hs[nh++] = (struct sigv4_header){names[i], v};
    }
    struct sigv4_request sr = {
        .method = r->method, .path = r->path, .query = r->query, .headers = hs, .nheaders = nh,
        .payload_hash = payload, .normalize_path = !r->s3, .encode_path = !r->s3,
    };
    struct sigv4_key key = {cr->access_key, cr->secret_key, c->region[0] ? c->region : "us-east-1",
                            endpoint_signing_name(r->svc), amzdate};
    struct sigv4_result res;
    int rc = EB_OK;
    if (sigv4_sign(&sr, &key, &res) != 0) {
        rc = err_set(err, EB_ERR_INVALID, "%s %s: too many headers to sign",
                     s_service_names[r->svc], r->op);
    } else {
        /* Wire lines: the signed ones we added, the caller's, and Authorization. */
        char **lines = xcalloc(nextra + 8, sizeof *lines);
        size_t nl = 0;
        lines[nl++] = xasprintf("Host: %s", host);
        lines[nl++] = xasprintf("X-Amz-Date: %s", amzdate);
        if (cr->token) {
            lines[nl++] = xasprintf("X-Amz-Security-Token: %s", cr->token);
        }
        if (r->s3) {
            lines[nl++] = xasprintf("X-Amz-Content-SHA256: %s", payload);
        }
        for (size_t i = 0; i < nextra; i++) {
            lines[nl++] = xstrdup(r->headers[i]);
        }
        lines[nl++] = xasprintf("Authorization: %s", buf_cstr(&res.authorization));
        *out_lines = lines;
    }
    sigv4_result_cleanup(&res);
    for (size_t i = 0; i < nextra; i++) {
        free(names[i]);
    }
    free(names);
    free(hs);
    return rc;
}

static void
s_free_lines(char **lines)
{
    for (size_t i = 0; lines && lines[i]; i++) {
        /* Authorization and the token are secrets: wipe before freeing. */
        memset(lines[i], 0, strlen(lines[i]));
        free(lines[i]);
    }
    free(lines);
}

static void
s_what(const struct s_req *r, char *out, size_t size)
{
    if (r->resource) {
        snprintf(out, size, "%s %s %s", s_service_names[r->svc], r->op, r->resource);
    } else {
        snprintf(out, size, "%s %s", s_service_names[r->svc], r->op);
    }
}

static int
s_call(struct aws_client *c, const struct s_req *r, struct aws_response *out, struct eb_error *err)
{
    char what[200];
    int attempt = 0, taken = 0, rc = EB_OK;
    bool force_refresh = false, refreshed = false, skew_fixed = false;
    s_what(r, what, sizeof what);
    memset(out, 0, sizeof *out);
    if (!c->region[0]) {
        return err_set(err, EB_ERR_INVALID,
                       "%s: no AWS region (set AWS_REGION or AWS_DEFAULT_REGION)", what);
    }
    if (!c->conns[r->svc]) {
        TRY(http_conn_new(&c->conns[r->svc], err));
    }
    for (;;) {
        attempt++;
        if (r->svc == AWS_ECS) {
            clock_sleep(c->clock, ratelimit_take(c->rl, r->op, clock_mono(c->clock)));
        }
        const struct creds *cr = NULL;
        rc = creds_chain_get(c->creds, force_refresh, &cr, err);
        if (rc != EB_OK) {
            err_prefix(err, "%s", what);
            goto out;
        }
        force_refresh = false;
        char **lines = NULL;
        int64_t now = clock_now(c->clock) + c->skew_ms;
        TRY(s_sign(c, r, cr, now, &lines, err));
        struct http_request hr = {.method = r->method, .url = r->url,
                                  .headers = (const char *const *)lines, .body = r->body,
                                  .body_len = r->body_len};
        struct http_response resp;
        struct eb_error herr = {0};
        int hrc = http_perform(c->conns[r->svc], &hr, &resp, &herr);
        s_free_lines(lines);

        enum retry_class cls;
        struct awserr ae = {{0}, {0}, {0}};
        if (hrc == EB_ERR_TLS) {
            http_response_cleanup(&resp);
            if (err) {
                *err = herr;
            }
            err_prefix(err, "%s", what);
            rc = EB_ERR_TLS;
            goto out;
        }
        bool is_error = hrc != EB_OK || resp.status < 200 || resp.status >= 300 ||
                        (r->s3 && strcmp(r->method, "POST") == 0 &&
                         awserr_is_xml_error(resp.body.ptr, resp.body.len));
        if (!is_error) {
            retry_quota_release(&c->quota, taken);
            out->status = resp.status;
            out->body = resp.body;
            snprintf(out->request_id, sizeof out->request_id, "%s", resp.request_id);
            snprintf(out->etag, sizeof out->etag, "%s", resp.etag);
            err_clear(err);
            return EB_OK;
        }
        if (hrc != EB_OK) {
            cls = retry_classify(resp.timed_out ? EB_ERR_TIMEOUT : EB_ERR_TRANSPORT, 0, "", "");
        } else {
            awserr_parse(resp.body.ptr, resp.body.len, resp.status, resp.error_type, &ae);
            if (!resp.request_id[0]) {
                snprintf(resp.request_id, sizeof resp.request_id, "%s", ae.request_id);
            }
            cls = retry_classify(EB_OK, resp.status, ae.code, ae.message);
        }
        if (cls == RETRY_SKEW) {
            int64_t server = 0;
            int64_t diff = 0;
            if (resp.date[0] && timefmt_parse_http_date(resp.date, &server) == 0) {
                diff = server - now;
            }
            if (!skew_fixed && (diff > SKEW_THRESHOLD_MS || diff < -SKEW_THRESHOLD_MS)) {
                c->skew_ms += diff;
                skew_fixed = true;
                log_info("%s: %s: the signing clock is %+lld s off AWS's; corrected", what, ae.code,
                         (long long)(diff / 1000));
                attempt--;
                http_response_cleanup(&resp);
                continue;
            }
            cls = retry_is_expired_code(ae.code) ? RETRY_EXPIRED : RETRY_NO;
        }
        if (cls == RETRY_EXPIRED) {
            if (!refreshed) {
                refreshed = true;
                force_refresh = true;
                log_info("%s: %s: refreshing credentials", what, ae.code);
                attempt--;
                http_response_cleanup(&resp);
                continue;
            }
            cls = RETRY_NO;
        }
        int cost = 0;
        bool retry = cls != RETRY_NO && attempt < c->max_attempts &&
                     (cost = retry_quota_acquire(&c->quota, cls)) > 0;
        if (!retry) {
            char tail[64] = "";
            if (attempt > 1) {
                snprintf(tail, sizeof tail, "; after %d attempts", attempt);
            } else if (cls != RETRY_NO && attempt < c->max_attempts) {
                snprintf(tail, sizeof tail, "; retry quota exhausted");
            }
            if (hrc != EB_OK) {
                rc = hrc;
                if (err) {
                    *err = herr;
                }
                err_prefix(err, "%s", what);
                if (err && tail[0]) {
                    size_t l = strlen(err->msg);
                    snprintf(err->msg + l, sizeof err->msg - l, " (%s)", tail + 2);
                }
            } else {
                enum eb_err code = EB_ERR_AWS;
                if (r->s3 && resp.status == 404) {
                    code = EB_ERR_NOT_FOUND;
                } else if (r->s3 && resp.status == 412 && r->if_none_match) {
                    code = EB_ERR_EXISTS;
                }
                /* One line: AWS sometimes appends pages of detail after a line break. */
                rc = err_set(err, code, "%s: %s%s%.*s (HTTP %ld, request id %s%s)", what, ae.code,
                             ae.message[0] ? ": " : "", (int)strcspn(ae.message, "\r\n"),
                             ae.message, resp.status,
                             resp.request_id[0] ? resp.request_id : "none", tail);
                if (err) {
                    err->http_status = resp.status;
                    snprintf(err->aws_code, sizeof err->aws_code, "%s", ae.code);
                    snprintf(err->request_id, sizeof err->request_id, "%s", resp.request_id);
                }
            }
            out->status = resp.status;
            out->body = resp.body;
            snprintf(out->request_id, sizeof out->request_id, "%s", resp.request_id);
            snprintf(out->etag, sizeof out->etag, "%s", resp.etag);
            goto out;
        }
        taken += cost;
        int64_t delay = retry_backoff_ms(attempt, s_rand01(c));
        delay = (int64_t)((double)delay * c->backoff_scale);
        log_debug("%s: %s (%s), attempt %d of %d, retrying in %lld ms", what,
                  retry_class_name(cls), hrc != EB_OK ? herr.msg : ae.code, attempt,
                  c->max_attempts, (long long)delay);
        http_response_cleanup(&resp);
        clock_sleep(c->clock, delay);
    }
out:
    return rc;
}

static char *
s_base(struct aws_client *c, enum aws_service svc, bool *custom)
{
    return endpoint_url(svc, c->region, endpoint_env_override(svc), endpoint_env_global_override(),
                        c->prof.endpoint_url, custom);
}

/* Non-S3 services: POST to the endpoint's root (or its own path prefix). */
static void
s_root_url(const char *base, struct eb_buf *url, struct eb_buf *path)
{
    char scheme[8], auth[300];
    const char *bpath = "";
    if (endpoint_split(base, scheme, sizeof scheme, auth, sizeof auth, &bpath) == 0 && bpath[0]) {
        buf_puts(path, bpath);
        buf_puts(url, base);
    } else {
        buf_puts(path, "/");
        buf_printf(url, "%s/", base);
    }
}

int
aws_call_json(struct aws_client *c, enum aws_service svc, const char *target, const char *body,
              struct aws_response *out, struct eb_error *err)
{
    struct eb_buf url = EB_BUF_INIT, path = EB_BUF_INIT;
    char *base = s_base(c, svc, NULL);
    char *tgt = xasprintf("X-Amz-Target: %s", target);
    const char *dot = strrchr(target, '.');
    const char *hdrs[] = {"Content-Type: application/x-amz-json-1.1", tgt, NULL};
    const char *b = (body && body[0]) ? body : "{}";
    s_root_url(base, &url, &path);
    struct s_req r = {.svc = svc, .op = dot ? dot + 1 : target, .method = "POST",
                      .url = buf_cstr(&url), .path = buf_cstr(&path), .headers = hdrs,
                      .body = b, .body_len = strlen(b)};
    int rc = s_call(c, &r, out, err);
    free(tgt);
    free(base);
    buf_cleanup(&url);
    buf_cleanup(&path);
    return rc;
}

int
aws_call_query(struct aws_client *c, enum aws_service svc, const char *form,
               struct aws_response *out, struct eb_error *err)
{
    struct eb_buf url = EB_BUF_INIT, path = EB_BUF_INIT;
    char op[64] = "?";
    const char *a = strstr(form, "Action=");
    if (a && (a == form || a[-1] == '&')) {
        size_t n = strcspn(a + 7, "&");
        snprintf(op, sizeof op, "%.*s", (int)(n < 63 ? n : 63), a + 7);
    }
    char *base = s_base(c, svc, NULL);
    const char *hdrs[] = {"Content-Type: application/x-www-form-urlencoded; charset=utf-8", NULL};
    s_root_url(base, &url, &path);
    struct s_req r = {.svc = svc, .op = op, .method = "POST", .url = buf_cstr(&url),
                      .path = buf_cstr(&path), .headers = hdrs, .body = form,
                      .body_len = strlen(form)};
    int rc = s_call(c, &r, out, err);
    free(base);
    buf_cleanup(&url);
    buf_cleanup(&path);
    return rc;
}

/* An S3 operation name for messages, from method and query. */
static const char *
s_s3_op(const struct aws_rest_request *r)
{
    const char *q = r->query ? r->query : "";
    bool key = r->key && r->key[0];
    if (strcmp(r->method, "PUT") == 0) {
        return strstr(q, "partNumber=") ? "UploadPart" : key ? "PutObject" : "CreateBucket";
    }
    if (strcmp(r->method, "POST") == 0) {
        return strstr(q, "uploads") ? "CreateMultipartUpload" : "CompleteMultipartUpload";
    }
    if (strcmp(r->method, "DELETE") == 0) {
        return strstr(q, "uploadId=") ? "AbortMultipartUpload" : "DeleteObject";
    }
    if (strcmp(r->method, "HEAD") == 0) {
        return key ? "HeadObject" : "HeadBucket";
    }
    return key ? "GetObject" : (r->bucket ? "ListObjectsV2" : "ListBuckets");
}

int
aws_call_rest(struct aws_client *c, const struct aws_rest_request *r, struct aws_response *out,
              struct eb_error *err)
{
    struct eb_buf key = EB_BUF_INIT, url = EB_BUF_INIT, path = EB_BUF_INIT, query = EB_BUF_INIT;
    bool custom = false;
    char *base = s_base(c, AWS_S3, &custom);
    char *resource = xasprintf("%s%s%s", r->bucket ? r->bucket : "", r->key ? "/" : "",
                               r->key ? r->key : "");
    if (r->key) {
        sigv4_uri_encode(&key, r->key, strlen(r->key), true);
    }
    /* Dotted bucket names cannot be virtual-hosted over TLS; path-style then. */
    endpoint_s3_url(base, custom, r->bucket, buf_cstr(&key), &url, &path);
    sigv4_canonical_query(&query, r->query);
    if (query.len) {
        buf_printf(&url, "?%s", buf_cstr(&query));
    }
    bool inm = false;
    for (size_t i = 0; r->headers && r->headers[i]; i++) {
        if (strncasecmp(r->headers[i], "If-None-Match:", 14) == 0) {
            inm = true;
        }
    }
    struct s_req sr = {.svc = AWS_S3, .op = s_s3_op(r), .resource = resource, .method = r->method,
                       .url = buf_cstr(&url), .path = buf_cstr(&path),
                       .query = query.len ? buf_cstr(&query) : NULL, .headers = r->headers,
                       .body = r->body, .body_len = r->body_len, .s3 = true,
                       .if_none_match = inm};
    int rc = s_call(c, &sr, out, err);
    free(base);
    free(resource);
    buf_cleanup(&key);
    buf_cleanup(&url);
    buf_cleanup(&path);
    buf_cleanup(&query);
    return rc;
}
