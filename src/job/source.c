/*
 * Reading documents from files, standard input and S3 (through a hook the
 * command installs: src/job never talks to AWS itself).
 */
#include "job/source.h"

#include <errno.h>
#include <string.h>

#include "job/load.h"
#include "util/xalloc.h"

static job_remote_reader s_reader;
static void *s_reader_ctx;

void
job_set_remote_reader(job_remote_reader fn, void *ctx)
{
    s_reader = fn;
    s_reader_ctx = ctx;
}

bool
source_is_s3(const char *where)
{
    return where && strncmp(where, "s3://", 5) == 0;
}

static int
s_read_stream(FILE *f, const char *name, struct eb_buf *out, struct eb_error *err)
{
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (buf_append(out, chunk, n) != 0) {
            return err_set(err, EB_ERR_IO, "%s: larger than %u bytes", name, SOURCE_MAX_BYTES);
        }
    }
    if (ferror(f)) {
        return err_set(err, EB_ERR_IO, "%s: cannot read: %s", name, strerror(errno));
    }
    return EB_OK;
}

int
source_read(const char *where, FILE *in, struct eb_buf *out, struct eb_error *err)
{
    buf_cleanup(out);
    buf_init(out, SOURCE_MAX_BYTES);
    if (strcmp(where, "-") == 0) {
        return s_read_stream(in ? in : stdin, "standard input", out, err);
    }
    if (source_is_s3(where)) {
        if (!s_reader) {
            return err_set(err, EB_ERR_USAGE,
                           "%s: this command does not read s3:// documents (it uses no AWS "
                           "access); copy the document to a file, or use 'ecsbatch run --dry-run'",
                           where);
        }
        int rc = s_reader(s_reader_ctx, where, out, err);
        if (rc != EB_OK && err && !strstr(err->msg, where)) {
            err_prefix(err, "%s", where);
        }
        return rc;
    }
    FILE *f = fopen(where, "rb");
    if (!f) {
        int e = errno;
        return err_set(err, e == ENOENT ? EB_ERR_NOT_FOUND : EB_ERR_IO, "%s: cannot open: %s",
                       where, strerror(e));
    }
    int rc = s_read_stream(f, where, out, err);
    fclose(f);
    return rc;
}

char *
source_resolve(const char *base, const char *ref)
{
    if (!base || ref[0] == '/' || source_is_s3(ref)) {
        return xstrdup(ref);
    }
    const char *slash = strrchr(base, '/');
    if (source_is_s3(base)) {
        /* s3://bucket/key: the folder is everything up to the last slash after the bucket */
        const char *bucket_end = strchr(base + 5, '/');
        if (!bucket_end) {
            return xasprintf("%s/%s", base, ref);
        }
    }
    if (!slash) {
        return xstrdup(ref);
    }
    return xasprintf("%.*s/%s", (int)(slash - base), base, ref);
}
