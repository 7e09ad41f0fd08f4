/*
 * Loading a job (SPEC §2, §3): find the job document and the catalogue in
 * every place the command line and the environment allow, parse them (JSON or
 * YAML), select a command and a cluster, merge contexts and validate, giving
 * one struct plan or every problem found.
 */
#ifndef EB_JOB_LOAD_H
#define EB_JOB_LOAD_H

#include <stdio.h>

#include "job/plan.h"
#include "util/buf.h"
#include "util/err.h"

struct job_load_options {
    const char *job;    /* JOB argument: a path, "-" or s3://; NULL = ECSBATCH_JOB, then
                           ECSBATCH_JOB_URI (read from the process environment) */
    const char *config; /* --config / ECSBATCH_CONFIG (already resolved by the CLI); NULL =
                           ./ecsbatch.yaml, then /etc/ecsbatch/ecsbatch.yaml */
    const char *job_id; /* --job-id / ECSBATCH_JOB_ID; NULL = the document's id, else generated */
    FILE *in;           /* what "-" reads; NULL = stdin */
};

/* Reads an s3:// URI into out (EB_ERR_NOT_FOUND when absent). Installed by the
 * command that has an AWS client; without one, s3:// sources fail with a clear message. */
typedef int (*job_remote_reader)(void *ctx, const char *uri, struct eb_buf *out,
                                 struct eb_error *err);
void job_set_remote_reader(job_remote_reader fn, void *ctx);

/* A list of validation problems, each one line naming the file, field and value:
 * "examples/job.json: context.timeout: \"90x\" is not a duration (units h, m, s, ms)". */
struct job_problems {
    char **v;
    size_t n;
};
void job_problems_cleanup(struct job_problems *p);
/* Print every problem to out, one line each, prefixed "ecsbatch: " (validate, run). */
void job_problems_print(const struct job_problems *p, FILE *out);

/*
 * Load, select, merge and validate. EB_OK and *out = the plan; EB_ERR_INVALID with
 * every problem in *problems (err holds a one-line summary); EB_ERR_IO /
 * EB_ERR_NOT_FOUND when a source cannot be read; other codes from the remote reader.
 */
EB_MUST_CHECK int job_load(const struct job_load_options *o, struct plan **out,
                           struct job_problems *problems, struct eb_error *err);

#endif
