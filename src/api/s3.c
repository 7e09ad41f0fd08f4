/*
 * S3 requests and answers (see s3.h, aws-facts §9). Every request goes
 * through aws_call_rest, which signs, sends, retries transient errors and
 * fills struct eb_error from S3's <Error> document; this file adds the
 * checksum, the conditional headers, the multipart sequence and the parsing.
 */
#include "s3.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/base64.h>
#include <mbedtls/sha256.h>

#include "aws/awserr.h"
#include "aws/sigv4.h"
#include "aws/xml.h"
#include "util/log.h"
#include "util/xalloc.h"

#define S_CONFLICT_TRIES 3

static size_t s_threshold = S3_DEFAULT_MULTIPART_THRESHOLD;
static size_t s_part_size = S3_DEFAULT_PART_SIZE;

void
s3_set_multipart_defaults(size_t threshold, size_t part_size)
{
    if (threshold) {
        s_threshold = threshold;
    }
    if (part_size) {
        s_part_size = part_size;
    }
}

/* --- URIs --------------------------------------------------------------------- */

int
s3_uri_parse(const char *uri, struct s3_uri *out, struct eb_error *err)
{
    memset(out, 0, sizeof *out);
    if (!uri || strncmp(uri, "s3://", 5) != 0) {
        return err_set(err, EB_ERR_INVALID, "'%s' is not an s3:// URI", uri ? uri : "");
    }
    const char *b = uri + 5;
    size_t blen = strcspn(b, "/");
    if (blen == 0) {
        return err_set(err, EB_ERR_INVALID, "'%s' names no bucket (expected s3://bucket/key)", uri);
    }
    if (blen > 255) {
        return err_set(err, EB_ERR_INVALID, "'%s': the bucket name is too long", uri);
    }
    for (size_t i = 0; i < blen; i++) {
        char ch = b[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '.' || ch == '-' || ch == '_')) {
            return err_set(err, EB_ERR_INVALID, "'%s': '%.*s' is not a bucket name", uri, (int)blen,
                           b);
        }
    }
    out->bucket = xstrndup(b, blen);
    out->key = xstrdup(b[blen] == '/' ? b + blen + 1 : "");
    return EB_OK;
}

void
s3_uri_cleanup(struct s3_uri *u)
{
    if (u) {
        free(u->bucket);
        free(u->key);
        u->bucket = u->key = NULL;
    }
}

/* --- small helpers ------------------------------------------------------------ */

void
s3_checksum_sha256(const void *data, size_t len, char out[45])
{
    unsigned char digest[32];
    size_t olen = 0;
    if (mbedtls_sha256(data, len, digest, 0) != 0 ||
        mbedtls_base64_encode((unsigned char *)out, 45, &olen, digest, sizeof digest) != 0) {
        abort(); /* cannot fail with these sizes */
    }
    out[olen] = '\0';
}

/* Percent-encode everything but RFC 3986 unreserved characters. Owned. */
static char *
s_query_escape(const char *s)
{
    struct eb_buf b;
    buf_init(&b, 0);
    if (s) {
        sigv4_uri_encode(&b, s, strlen(s), false);
    }
    return buf_steal(&b);
}

static void
s_xml_escape(struct eb_buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': buf_puts(b, "&amp;"); break;
        case '<': buf_puts(b, "&lt;"); break;
        case '>': buf_puts(b, "&gt;"); break;
        case '"': buf_puts(b, "&quot;"); break;
        default: buf_putc(b, *s); break;
        }
    }
}

/* The HTTP facts of an error already set in err (which may be NULL). */
static void
s_detail(struct eb_error *err, long status, const char *code, const char *request_id)
{
    if (err) {
        err->http_status = status;
        snprintf(err->aws_code, sizeof err->aws_code, "%s", code);
        snprintf(err->request_id, sizeof err->request_id, "%s", request_id);
    }
}

/*
 * One REST call whose success is a 2xx answer. Whether aws_call_rest reports a
 * non-2xx answer as an error or as a status, the result here is the same: an error
 * with err->http_status (and aws_code when S3 sent one).
 */
static int
s_call(struct aws_client *c, const struct aws_rest_request *r, struct aws_response *resp,
       struct eb_error *err)
{
    int rc = aws_call_rest(c, r, resp, err);
    if (rc != EB_OK) {
        return rc;
    }
    if (resp->status >= 200 && resp->status < 300) {
        return EB_OK;
    }
    struct awserr ae;
    awserr_parse(resp->body.ptr, resp->body.len, resp->status, NULL, &ae);
    const char *code = ae.code, *msg = ae.message;
    err_set(err, EB_ERR_AWS, "S3 %s s3://%s/%s: HTTP %ld%s%s%s%s", r->method, r->bucket,
            r->key ? r->key : "", resp->status, code[0] ? " " : "", code, msg[0] ? ": " : "", msg);
    s_detail(err, resp->status, code, resp->request_id);
    return EB_ERR_AWS;
}

static bool
s_is(const struct eb_error *e, long status, const char *code)
{
    if (e->http_status != status) {
        return false;
    }
    return !code || !e->aws_code[0] || strcmp(e->aws_code, code) == 0;
}

/* Copy a local error into the caller's (which may be NULL). */
static int
s_pass(struct eb_error *dst, const struct eb_error *src, int rc)
{
    if (dst) {
        *dst = *src;
        dst->code = (enum eb_err)rc;
    }
    return rc;
}

static int
s_exists(struct eb_error *err, const char *bucket, const char *key)
{
    err_set(err, EB_ERR_EXISTS, "s3://%s/%s exists", bucket, key);
    s_detail(err, 412, "PreconditionFailed", "");
    return EB_ERR_EXISTS;
}

/* --- multipart bodies --------------------------------------------------------- */

char *
s3_complete_body_build(const char *const *etags, const char *const *checksums, size_t n)
{
    struct eb_buf b;
    buf_init(&b, 0);
    buf_puts(&b, "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">");
    for (size_t i = 0; i < n; i++) {
        buf_printf(&b, "<Part><PartNumber>%zu</PartNumber><ETag>", i + 1);
        s_xml_escape(&b, etags[i]);
        buf_puts(&b, "</ETag>");
        if (checksums && checksums[i]) {
            buf_puts(&b, "<ChecksumSHA256>");
            s_xml_escape(&b, checksums[i]);
            buf_puts(&b, "</ChecksumSHA256>");
        }
        buf_puts(&b, "</Part>");
    }
    buf_puts(&b, "</CompleteMultipartUpload>");
    return buf_steal(&b);
}

/* An <Error> document answered with 200: EB_ERR_AWS with its code and message. */
static int
s_error_doc(const char *xml, size_t len, const char *what, struct eb_error *err)
{
    struct awserr ae;
    awserr_parse(xml, len, 200, NULL, &ae);
    err_set(err, EB_ERR_AWS, "%s failed: %s: %s", what, ae.code[0] ? ae.code : "(no code)",
            ae.message[0] ? ae.message : "(no message)");
    s_detail(err, 200, ae.code, ae.request_id);
    return EB_ERR_AWS;
}

/* Collects the text of the root's direct child named want (first one). */
struct s_pick {
    const char *root;
    const char *want;
    char *found;
};

static void
s_pick_visit(void *ctx, const char *path, const char *text, int depth)
{
    struct s_pick *p = ctx;
    if (depth != 2 || p->found) {
        return;
    }
    const char *name = strrchr(path, '/') + 1;
    if (strcmp(name, p->want) == 0) {
        p->found = xstrdup(text);
    }
}

/*
 * Parse an S3 answer whose root must be root and return the text of its child
 * want (owned, NULL when absent); an <Error> root is EB_ERR_AWS.
 */
static int
s_pick(const char *xml, size_t len, const char *what, const char *root, const char *want,
       char **out, struct eb_error *err)
{
    char name[64];
    struct s_pick p = {root, want, NULL};
    *out = NULL;
    int rc = xml_walk(xml, len, s_pick_visit, &p, err);
    if (rc != EB_OK) {
        free(p.found);
        return err_prefix(err, "%s answer", what);
    }
    xml_root_name(xml, len, name, sizeof name);
    if (strcmp(name, "Error") == 0) {
        free(p.found);
        return s_error_doc(xml, len, what, err);
    }
    if (strcmp(name, root) != 0) {
        free(p.found);
        return err_set(err, EB_ERR_PARSE, "%s answer not understood: root <%s>, expected <%s>",
                       what, name, root);
    }
    *out = p.found;
    return EB_OK;
}

int
s3_initiate_parse(const char *xml, size_t len, char **out_upload_id, struct eb_error *err)
{
    int rc = s_pick(xml, len, "CreateMultipartUpload", "InitiateMultipartUploadResult", "UploadId",
                    out_upload_id, err);
    if (rc == EB_OK && (!*out_upload_id || !(*out_upload_id)[0])) {
        free(*out_upload_id);
        *out_upload_id = NULL;
        rc = err_set(err, EB_ERR_PARSE, "CreateMultipartUpload answer not understood: no UploadId");
    }
    return rc;
}

int
s3_complete_parse(const char *xml, size_t len, char **out_etag, struct eb_error *err)
{
    return s_pick(xml, len, "CompleteMultipartUpload", "CompleteMultipartUploadResult", "ETag",
                  out_etag, err);
}

/* --- PutObject ---------------------------------------------------------------- */

static int
s_put_single(struct aws_client *c, const char *bucket, const char *key, const void *data,
             size_t len, const char *ctype, bool inm, struct s3_object_info *info,
             struct eb_error *err)
{
    char sum[45];
    char h_ctype[160], h_sum[80];
    const char *headers[4] = {h_ctype, h_sum, NULL, NULL};
    s3_checksum_sha256(data, len, sum);
    snprintf(h_ctype, sizeof h_ctype, "Content-Type: %s", ctype);
    snprintf(h_sum, sizeof h_sum, "x-amz-checksum-sha256: %s", sum);
    if (inm) {
        headers[2] = "If-None-Match: *";
    }
    struct aws_rest_request r = {"PUT", bucket, key, NULL, headers, data, len};
    struct aws_response resp;
    memset(&resp, 0, sizeof resp);
    int rc = s_call(c, &r, &resp, err);
    if (rc == EB_OK && info) {
        snprintf(info->etag, sizeof info->etag, "%s", resp.etag);
    }
    aws_response_cleanup(&resp);
    return rc;
}

static void
s_abort_upload(struct aws_client *c, const char *bucket, const char *key, const char *qid)
{
    char *q = xasprintf("uploadId=%s", qid);
    struct aws_rest_request r = {"DELETE", bucket, key, q, NULL, NULL, 0};
    struct aws_response resp;
    struct eb_error e;
    memset(&resp, 0, sizeof resp);
    memset(&e, 0, sizeof e);
    if (s_call(c, &r, &resp, &e) != EB_OK) {
        log_warn("could not abort the multipart upload of s3://%s/%s: %s", bucket, key, e.msg);
    }
    aws_response_cleanup(&resp);
    free(q);
}

static int
s_put_multipart(struct aws_client *c, const char *bucket, const char *key, const void *data,
                size_t len, const char *ctype, bool inm, size_t part_size,
                struct s3_object_info *info, struct eb_error *err)
{
    int rc;
    size_t nparts = (len + part_size - 1) / part_size, done = 0;
    char **etags = xcalloc(nparts, sizeof *etags);
    char **sums = xcalloc(nparts, sizeof *sums);
    char *upload_id = NULL, *qid = NULL, *q = NULL, *body = NULL, *etag = NULL;
    char h_ctype[160];
    const char *create_headers[] = {h_ctype, "x-amz-checksum-algorithm: SHA256", NULL};
    struct aws_response resp;
    memset(&resp, 0, sizeof resp);
    snprintf(h_ctype, sizeof h_ctype, "Content-Type: %s", ctype);

    struct aws_rest_request cr = {"POST", bucket, key, "uploads", create_headers, NULL, 0};
    TRY(s_call(c, &cr, &resp, err));
    TRY(s3_initiate_parse(resp.body.ptr, resp.body.len, &upload_id, err));
    aws_response_cleanup(&resp);
    memset(&resp, 0, sizeof resp);
    qid = s_query_escape(upload_id);

    for (done = 0; done < nparts; done++) {
        size_t off = done * part_size;
        size_t n = len - off < part_size ? len - off : part_size;
        char sum[45], h_sum[80];
        const char *part_headers[] = {h_sum, NULL};
        s3_checksum_sha256((const char *)data + off, n, sum);
        snprintf(h_sum, sizeof h_sum, "x-amz-checksum-sha256: %s", sum);
        free(q);
        q = xasprintf("partNumber=%zu&uploadId=%s", done + 1, qid);
        struct aws_rest_request pr = {"PUT", bucket, key, q, part_headers,
                                      (const char *)data + off, n};
        rc = s_call(c, &pr, &resp, err);
        if (rc != EB_OK) {
            err_prefix(err, "part %zu of %zu", done + 1, nparts);
            goto out;
        }
        if (!resp.etag[0]) {
            rc = err_set(err, EB_ERR_PARSE, "S3 UploadPart s3://%s/%s part %zu: no ETag in the answer",
                         bucket, key, done + 1);
            goto out;
        }
        etags[done] = xstrdup(resp.etag);
        sums[done] = xstrdup(sum);
        aws_response_cleanup(&resp);
        memset(&resp, 0, sizeof resp);
    }

    body = s3_complete_body_build((const char *const *)etags, (const char *const *)sums, nparts);
    free(q);
    q = xasprintf("uploadId=%s", qid);
    const char *done_headers[] = {"Content-Type: application/xml", inm ? "If-None-Match: *" : NULL,
                                  NULL};
    struct aws_rest_request dr = {"POST", bucket, key, q, done_headers, body, strlen(body)};
    TRY(s_call(c, &dr, &resp, err));
    TRY(s3_complete_parse(resp.body.ptr, resp.body.len, &etag, err));
    if (info) {
        snprintf(info->etag, sizeof info->etag, "%s", etag && etag[0] ? etag : resp.etag);
    }
out:
    if (rc != EB_OK && qid) {
        s_abort_upload(c, bucket, key, qid);
    }
    aws_response_cleanup(&resp);
    for (size_t i = 0; i < nparts; i++) {
        free(etags[i]);
        free(sums[i]);
    }
    free(etags);
    free(sums);
    free(upload_id);
    free(qid);
    free(q);
    free(body);
    free(etag);
    return rc;
}

int
s3_put_object(struct aws_client *c, const char *bucket, const char *key, const void *data,
              size_t len, const struct s3_put_options *o, struct s3_object_info *out_info,
              struct eb_error *err)
{
    const char *ctype = o && o->content_type ? o->content_type : "application/octet-stream";
    bool inm = o && o->if_none_match;
    size_t threshold = o && o->multipart_threshold ? o->multipart_threshold : s_threshold;
    size_t part = o && o->part_size ? o->part_size : s_part_size;
    struct eb_error e;
    int rc = EB_OK;
    if (out_info) {
        out_info->etag[0] = '\0';
    }
    if (!data) {
        data = "";
        len = 0;
    }
    for (int attempt = 1; attempt <= S_CONFLICT_TRIES; attempt++) {
        memset(&e, 0, sizeof e);
        if (len >= threshold && len > part) {
            rc = s_put_multipart(c, bucket, key, data, len, ctype, inm, part, out_info, &e);
        } else {
            rc = s_put_single(c, bucket, key, data, len, ctype, inm, out_info, &e);
        }
        if (rc == EB_OK) {
            return EB_OK;
        }
        if (inm && s_is(&e, 412, "PreconditionFailed")) {
            return s_exists(err, bucket, key);
        }
        /* A concurrent conditional write: for If-None-Match, try again (aws-facts §9). */
        if (!(inm && s_is(&e, 409, "ConditionalRequestConflict") && e.aws_code[0])) {
            break;
        }
        log_debug("s3://%s/%s: ConditionalRequestConflict, attempt %d of %d", bucket, key,
                  attempt, S_CONFLICT_TRIES);
    }
    return s_pass(err, &e, rc);
}

/* --- GetObject, HeadObject ---------------------------------------------------- */

static int
s_not_found(struct eb_error *err, const struct eb_error *e, const char *bucket, const char *key)
{
    err_set(err, EB_ERR_NOT_FOUND, "s3://%s/%s does not exist", bucket, key);
    s_detail(err, 404, e->aws_code[0] ? e->aws_code : "NoSuchKey", e->request_id);
    return EB_ERR_NOT_FOUND;
}

/*
 * GET or HEAD of bucket/key into resp (the caller cleans it up whatever the result).
 * A 404 is EB_ERR_NOT_FOUND, except a GET's NoSuchBucket: a missing bucket is a
 * configuration error and stays EB_ERR_AWS. HEAD answers have no body, so there a
 * 404 is the object (or bucket) missing.
 */
static int
s_read_call(struct aws_client *c, const char *method, const char *bucket, const char *key,
            struct aws_response *resp, struct eb_error *err)
{
    struct aws_rest_request r = {method, bucket, key, NULL, NULL, NULL, 0};
    struct eb_error e;
    memset(resp, 0, sizeof *resp);
    memset(&e, 0, sizeof e);
    int rc = s_call(c, &r, resp, &e);
    if (rc == EB_OK) {
        return EB_OK;
    }
    if (e.http_status != 404) {
        return s_pass(err, &e, rc);
    }
    if (strcmp(method, "HEAD") == 0 || strcmp(e.aws_code, "NoSuchBucket") != 0) {
        return s_not_found(err, &e, bucket, key);
    }
    return s_pass(err, &e, EB_ERR_AWS);
}

int
s3_get_object(struct aws_client *c, const char *bucket, const char *key, struct eb_buf *out,
              struct s3_object_info *out_info, struct eb_error *err)
{
    struct aws_response resp;
    int rc;
    TRY(s_read_call(c, "GET", bucket, key, &resp, err));
    if (resp.body.len && buf_append(out, resp.body.ptr, resp.body.len) != 0) {
        rc = err_set(err, EB_ERR_PARSE, "s3://%s/%s is too large (%zu bytes)", bucket, key,
                     resp.body.len);
        goto out;
    }
    if (out_info) {
        snprintf(out_info->etag, sizeof out_info->etag, "%s", resp.etag);
    }
out:
    aws_response_cleanup(&resp);
    return rc;
}

int
s3_head_object(struct aws_client *c, const char *bucket, const char *key,
               struct s3_object_info *out_info, struct eb_error *err)
{
    struct aws_response resp;
    int rc = s_read_call(c, "HEAD", bucket, key, &resp, err);
    if (rc == EB_OK && out_info) {
        snprintf(out_info->etag, sizeof out_info->etag, "%s", resp.etag);
    }
    aws_response_cleanup(&resp);
    return rc;
}

int
s3_read_uri(void *ctx, const char *uri, struct eb_buf *out, struct eb_error *err)
{
    struct s3_uri u;
    int rc;
    TRY(s3_uri_parse(uri, &u, err));
    if (!u.key || !u.key[0] || u.key[strlen(u.key) - 1] == '/') {
        rc = err_set(err, EB_ERR_INVALID, "'%s' names no object (expected s3://bucket/key)", uri);
        goto out;
    }
    TRY(s3_get_object(ctx, u.bucket, u.key, out, NULL, err));
out:
    s3_uri_cleanup(&u);
    return rc;
}
