/*
 * The struct sink_ops of both results sinks (see sink_common.h): paths are
 * checked and joined here once; the folder and S3 stores only move bytes.
 */
#include "sink_common.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

/* "{root}/{rel}" (owned) when rel is a plain relative path. */
static int
s_name(const struct sink_common *s, const char *rel, char **out, struct eb_error *err)
{
    if (!rel[0] || rel[0] == '/' || strstr(rel, "..")) {
        return err_set(err, EB_ERR_INVALID, "results path '%s' is not a plain relative path", rel);
    }
    *out = xasprintf("%s/%s", s->root, rel);
    return EB_OK;
}

static int
s_write(struct sink *sk, const char *path, const void *data, size_t len, bool create,
        struct eb_error *err)
{
    struct sink_common *s = (struct sink_common *)sk;
    char *name = NULL;
    int rc = s_name(s, path, &name, err);
    if (rc == EB_OK) {
        rc = s->store->write(s, name, data, len, create, err);
    }
    free(name);
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
    struct sink_common *s = (struct sink_common *)sk;
    char *name = NULL;
    int rc = s_name(s, path, &name, err);
    if (rc == EB_OK) {
        rc = s->store->read(s, name, out, err);
    }
    free(name);
    return rc;
}

static const char *
s_location(struct sink *sk)
{
    return ((struct sink_common *)sk)->location;
}

static void
s_destroy(struct sink *sk)
{
    struct sink_common *s = (struct sink_common *)sk;
    if (s) {
        if (s->store->cleanup) {
            s->store->cleanup(s);
        }
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

void
sink_common_init(struct sink_common *s, const struct sink_store_ops *store, char *root,
                 char *location)
{
    s->base.ops = &s_ops;
    s->store = store;
    s->root = root;
    s->location = location;
}
