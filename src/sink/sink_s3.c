/*
 * Results in S3: see sink_s3.h. Keys are {prefix}/{job_id}/{path} (checked and
 * joined by sink_common.c); put and create go through s3_put_object (checksum,
 * multipart when large, retries in aws_call_rest), get through s3_get_object.
 */
#include "sink_s3.h"

#include <stdlib.h>
#include <string.h>

#include "api/s3.h"
#include "sink/sink_common.h"
#include "util/xalloc.h"

struct s_s3 {
    struct sink_common common; /* root "prefix/job_id" with no slash at either end */
    struct aws_client *client; /* borrowed */
    char *bucket;
};

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
s_write(struct sink_common *sc, const char *key, const void *data, size_t len, bool create,
        struct eb_error *err)
{
    struct s_s3 *s = (struct s_s3 *)sc;
    struct s3_put_options o = {s_content_type(key), create, 0, 0};
    return s3_put_object(s->client, s->bucket, key, data, len, &o, NULL, err);
}

static int
s_read(struct sink_common *sc, const char *key, struct eb_buf *out, struct eb_error *err)
{
    struct s_s3 *s = (struct s_s3 *)sc;
    return s3_get_object(s->client, s->bucket, key, out, NULL, err);
}

static void
s_cleanup(struct sink_common *sc)
{
    free(((struct s_s3 *)sc)->bucket);
}

static const struct sink_store_ops s_store = {s_write, s_read, s_cleanup};

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
    char *root = n ? xasprintf("%.*s/%s", (int)n, p, job_id) : xstrdup(job_id);
    sink_common_init(&s->common, &s_store, root, xasprintf("s3://%s/%s", u.bucket, root));
    s->client = c;
    s->bucket = u.bucket;
    u.bucket = NULL;
    s3_uri_cleanup(&u);
    return &s->common.base;
}
