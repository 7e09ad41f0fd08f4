/*
 * Results in S3: see sink_s3.h. Keys are {prefix}/{job_id}/{path}; put and
 * create go through s3_put_object (checksum, multipart when large, retries in
 * aws_call_rest), get through s3_get_object.
 */
#include "sink_s3.h"

#include <stdlib.h>
#include <string.h>

#include "api/s3.h"
#include "util/xalloc.h"

struct s_s3 {
    struct sink base;
    struct aws_client *client; /* borrowed */
    char *bucket;
    char *root;     /* "prefix/job_id" with no slash at either end */
    char *location; /* "s3://bucket/prefix/job_id" */
};

static int
s_key(struct s_s3 *s, const char *rel, char **out, struct eb_error *err)
{
    if (!rel[0] || rel[0] == '/' || strstr(rel, "..")) {
        return err_set(err, EB_ERR_INVALID, "results path '%s' is not a plain relative path", rel);
    }
    *out = xasprintf("%s/%s", s->root, rel);
    return EB_OK;
}

static const char *
s_content_type(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (dot && strcmp(dot, ".json") == 0) {
        return "application/json";
    }
    if (dot && (strcmp(dot, ".log") == 0 || strcmp(dot, ".txt") == 0)) {
        return "text/plain; charset=utf-8";
    }
    return "application/octet-stream";
}

static int
s_write(struct sink *sk, const char *path, const void *data, size_t len, bool create,
        struct eb_error *err)
{
    struct s_s3 *s = (struct s_s3 *)sk;
    char *key = NULL;
    int rc = s_key(s, path, &key, err);
    if (rc == EB_OK) {
        struct s3_put_options o = {s_content_type(path), create, 0, 0};
        rc = s3_put_object(s->client, s->bucket, key, data, len, &o, NULL, err);
    }
    free(key);
    return rc;
}

static int
s_put(struct sink *sk, const char *path, const void *data, size_t len, struct eb_error *err)
{
    return s_write(sk, path, data, len, false, err);
}

static int
s_create(struct sink *sk, const char *path, const void *data, size_t len, struct eb_error *err)
{
    return s_write(sk, path, data, len, true, err);
}

static int
s_get(struct sink *sk, const char *path, struct eb_buf *out, struct eb_error *err)
{
    struct s_s3 *s = (struct s_s3 *)sk;
    char *key = NULL;
    int rc = s_key(s, path, &key, err);
    if (rc == EB_OK) {
        rc = s3_get_object(s->client, s->bucket, key, out, NULL, err);
    }
    free(key);
    return rc;
}

static const char *
s_location(struct sink *sk)
{
    return ((struct s_s3 *)sk)->location;
}

static void
s_destroy(struct sink *sk)
{
    struct s_s3 *s = (struct s_s3 *)sk;
    if (s) {
        free(s->bucket);
        free(s->root);
        free(s->location);
        free(s);
    }
}

static const struct sink_ops s_ops = {
    .put = s_put,
    .get = s_get,
    .create = s_create,
    .location = s_location,
    .destroy = s_destroy,
};

struct sink *
sink_s3_new(struct aws_client *c, const char *uri, const char *job_id, struct eb_error *err)
{
    struct s3_uri u;
    if (s3_uri_parse(uri, &u, err) != EB_OK) {
        return NULL;
    }
    if (!job_id || !job_id[0] || strchr(job_id, '/') || strstr(job_id, "..")) {
        err_set(err, EB_ERR_INVALID, "job id '%s' cannot name a results folder",
                job_id ? job_id : "");
        s3_uri_cleanup(&u);
        return NULL;
    }
    /* The prefix without slashes at either end ("" for the bucket's root). */
    const char *p = u.key;
    while (*p == '/') {
        p++;
    }
    size_t n = strlen(p);
    while (n && p[n - 1] == '/') {
        n--;
    }
    struct s_s3 *s = xcalloc(1, sizeof *s);
    s->base.ops = &s_ops;
    s->client = c;
    s->bucket = u.bucket;
    u.bucket = NULL;
    s->root = n ? xasprintf("%.*s/%s", (int)n, p, job_id) : xstrdup(job_id);
    s->location = xasprintf("s3://%s/%s", s->bucket, s->root);
    s3_uri_cleanup(&u);
    return &s->base;
}
