/*
 * Where documents come from (SPEC §2): a file, "-" (standard input), an
 * s3:// URI read through the installed remote reader, and how a template path
 * is resolved against the document that names it.
 */
#ifndef EB_JOB_SOURCE_H
#define EB_JOB_SOURCE_H

#include <stdbool.h>
#include <stdio.h>

#include "util/buf.h"
#include "util/err.h"

/* The largest document read (job, catalogue, template). */
#define SOURCE_MAX_BYTES (8u << 20)

bool source_is_s3(const char *where);

/*
 * Read the document at where into out: "-" reads in (NULL = stdin), s3:// goes
 * through job_set_remote_reader's reader (EB_ERR_USAGE naming the URI when none
 * is installed), anything else is a file path. EB_ERR_NOT_FOUND when absent,
 * EB_ERR_IO otherwise; messages name where.
 */
EB_MUST_CHECK int source_read(const char *where, FILE *in, struct eb_buf *out,
                              struct eb_error *err);

/* ref resolved against the folder of base (a path or an s3:// URI): absolute paths
 * and URIs are returned as they are; base NULL = the current folder. Caller frees. */
char *source_resolve(const char *base, const char *ref);

#endif
