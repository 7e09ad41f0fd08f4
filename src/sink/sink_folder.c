/*
 * Results in a local folder: see sink_folder.h. Every write goes through
 * atomicfile, so a reader (ecsbatch status, a person) never sees half a
 * document, and claim.json is created only if absent.
 */
#include "sink_folder.h"

#include <stdlib.h>
#include <string.h>

#include "sink/sink_common.h"
#include "util/atomicfile.h"
#include "util/xalloc.h"

static int
s_write(struct sink_common *s, const char *full, const void *data, size_t len, bool create,
        struct eb_error *err)
{
    (void)s;
    if (!create) {
        return atomicfile_write(full, data, len, err);
    }
    int rc = atomicfile_create(full, data, len, err);
    if (rc == EB_ERR_EXISTS) {
        err_set(err, EB_ERR_EXISTS, "%s exists", full);
    }
    return rc;
}

static int
s_read(struct sink_common *s, const char *full, struct eb_buf *out, struct eb_error *err)
{
    char *data = NULL;
    size_t len = 0;
    (void)s;
    int rc = atomicfile_read(full, &data, &len, err);
    if (rc == EB_OK && buf_append(out, data, len) != 0) {
        rc = err_set(err, EB_ERR_IO, "%s is too large", full);
    }
    free(data);
    return rc;
}

static const struct sink_store_ops s_store = {s_write, s_read, NULL};

struct sink *
sink_folder_new(const char *root, const char *job_id)
{
    struct sink_common *f = xcalloc(1, sizeof *f);
    size_t n = strlen(root);
    while (n > 1 && root[n - 1] == '/') {
        n--;
    }
    char *location = xasprintf("%.*s/%s", (int)n, root, job_id);
    sink_common_init(f, &s_store, xstrdup(location), location);
    return &f->base;
}
