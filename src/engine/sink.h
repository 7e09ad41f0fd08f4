/*
 * Where results go (SPEC §5): a folder (sink/sink_folder.c) or S3
 * (sink/sink_s3.c). Paths are relative to {results}/{job_id}/, e.g.
 * "status.json", "result.json", "logs/task-0-attempt-1.log", "claim.json".
 */
#ifndef EB_ENGINE_SINK_H
#define EB_ENGINE_SINK_H

#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

struct sink;

struct sink_ops {
    /* Write (replace) an object; atomic for readers. Retries transient errors inside. */
    int (*put)(struct sink *s, const char *path, const void *data, size_t len, struct eb_error *err);
    /* Read an object into out; EB_ERR_NOT_FOUND when absent. */
    int (*get)(struct sink *s, const char *path, struct eb_buf *out, struct eb_error *err);
    /* Create only if absent: EB_OK created, EB_ERR_EXISTS present, or an error. */
    int (*create)(struct sink *s, const char *path, const void *data, size_t len,
                  struct eb_error *err);
    /* "s3://bucket/prefix/job" or the folder, for messages and the result. */
    const char *(*location)(struct sink *s);
    void (*destroy)(struct sink *s);
};

struct sink {
    const struct sink_ops *ops;
};

#endif
