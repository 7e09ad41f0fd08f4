/*
 * Durable file writes: a temporary file in the same folder, fsync, rename,
 * then fsync of the folder, so a reader sees the old or the new document,
 * never half of one (SPEC §5 status.json/result.json).
 */
#ifndef EB_ATOMICFILE_H
#define EB_ATOMICFILE_H

#include <stddef.h>

#include "err.h"

/* Create missing parent folders of path (mode 0755). */
EB_MUST_CHECK int atomicfile_mkdirs(const char *path, struct eb_error *err);
/* Write data to path atomically (mode 0644), creating parent folders. */
EB_MUST_CHECK int atomicfile_write(const char *path, const void *data, size_t len,
                                   struct eb_error *err);
/*
 * Create path with data only if it does not exist (link(2) of a complete
 * temporary file, so the content is never seen half-written).
 * Returns EB_OK, EB_ERR_EXISTS, or an error.
 */
EB_MUST_CHECK int atomicfile_create(const char *path, const void *data, size_t len,
                                    struct eb_error *err);
/* Read a whole file into *out (malloc'd, NUL-terminated). EB_ERR_NOT_FOUND if absent. */
EB_MUST_CHECK int atomicfile_read(const char *path, char **out, size_t *out_len,
                                  struct eb_error *err);

#endif
