/*
 * Results in a local folder: see sink_folder.h. Every write goes through
 * atomicfile, so a reader (ecsbatch status, a person) never sees half a
 * document, and claim.json is created only if absent.
 */
#include "sink_folder.h"

#include <stdlib.h>
#include <string.h>

#include "util/atomicfile.h"
#include "util/xalloc.h"

struct s_folder {
    struct sink base;
    char *location;  /* {root}/{job_id} */
};

static int
s_path(struct s_folder *f, const char *rel, char **out, struct eb_error *err)
{
    if (!rel[0] || rel[0] == '/' || strstr(rel, "..")) {
        return err_set(err, EB_ERR_INVALID, "results path '%s' is not a plain relative path", rel);
    }
    *out = xasprintf("%s/%s", f->location, rel);
    return EB_OK;
}

static int
s_put(struct sink *s, const char *path, const void *data, size_t len, struct eb_error *err)
{
    char *full = NULL;
    int rc = s_path((struct s_folder *)s, path, &full, err);
    if (rc == EB_OK) {
        rc = atomicfile_write(full, data, len, err);
    }
    free(full);
    return rc;
}

static int
s_get(struct sink *s, const char *path, struct eb_buf *out, struct eb_error *err)
{
    char *full = NULL, *data = NULL;
    size_t len = 0;
    int rc = s_path((struct s_folder *)s, path, &full, err);
    if (rc == EB_OK) {
        rc = atomicfile_read(full, &data, &len, err);
    }
    if (rc == EB_OK && buf_append(out, data, len) != 0) {
        rc = err_set(err, EB_ERR_IO, "%s is too large", full);
    }
    free(data);
    free(full);
    return rc;
}

static int
s_create(struct sink *s, const char *path, const void *data, size_t len, struct eb_error *err)
{
    char *full = NULL;
    int rc = s_path((struct s_folder *)s, path, &full, err);
    if (rc == EB_OK) {
        rc = atomicfile_create(full, data, len, err);
        if (rc == EB_ERR_EXISTS) {
            err_set(err, EB_ERR_EXISTS, "%s exists", full);
        }
    }
    free(full);
    return rc;
}

static const char *
s_location(struct sink *s)
{
    return ((struct s_folder *)s)->location;
}

static void
s_destroy(struct sink *s)
{
    struct s_folder *f = (struct s_folder *)s;
    if (f) {
        free(f->location);
        free(f);
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
sink_folder_new(const char *root, const char *job_id)
{
    struct s_folder *f = xcalloc(1, sizeof *f);
    f->base.ops = &s_ops;
    size_t n = strlen(root);
    while (n > 1 && root[n - 1] == '/') {
        n--;
    }
    f->location = xasprintf("%.*s/%s", (int)n, root, job_id);
    return &f->base;
}
