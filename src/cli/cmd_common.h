/*
 * What the commands share: loading the plan (problems printed, exit codes
 * chosen), printing a JSON document, the local backend from its environment
 * variables, and the AWS side of a command (client, self-discovery, the ECS
 * backend, the S3 sink), created only when a command needs it.
 */
#ifndef EB_CLI_CMD_COMMON_H
#define EB_CLI_CMD_COMMON_H

#include <cJSON.h>

#include "cli.h"
#include "engine/backend.h"
#include "engine/engine.h"
#include "engine/sink.h"
#include "job/plan.h"
#include "job/runtask.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/err.h"

struct aws_client;
struct cmd_aws;

/*
 * Load and validate the job of opts into *out. Every problem is printed to stderr;
 * returns EXIT_SUCCEEDED, EXIT_USAGE (bad catalogue, job or source) or EXIT_ERROR
 * (an s3:// source could not be read for infrastructure reasons). *aws is set to the
 * AWS side (possibly unused); free it with cmd_aws_free even on failure.
 */
int cmd_load_plan(const struct cli_opts *opts, struct plan **out, struct cmd_aws **aws);

/* Print doc as indented JSON and a newline to stdout; EXIT_ERROR when stdout fails. */
int cmd_print_json(const cJSON *doc);

/* The exit code for a failed load or set-up step of kind code (SPEC §2: 2 or 5). */
int cmd_exit_for(enum eb_err code);

/* The clock jobs run on: real, or sped up by ECSBATCH_TEST_CLOCK_SCALE (tests only). */
const struct eb_clock *cmd_clock(void);

/* The local backend for p, configured by ECSBATCH_LOCAL_CONCURRENCY (into *max_live) and
 * ECSBATCH_LOCAL_STOP_GRACE; EB_ERR_INVALID names a bad variable. */
int cmd_local_backend(const struct plan *p, struct backend **out, int *max_live,
                      struct eb_error *err);

/* The AWS side of a command: nothing is created or called until first needed. */
struct cmd_aws *cmd_aws_new(void);
/* A job_remote_reader (job/load.h) for s3:// sources; ctx is the struct cmd_aws. */
int cmd_aws_read_uri(void *ctx, const char *uri, struct eb_buf *out, struct eb_error *err);
/* The region to use when the environment gives none (the cluster context's, SPEC §6). */
void cmd_aws_region_hint(struct cmd_aws *a, const char *region);
/* The AWS client of the command, created on first use. */
int cmd_aws_client(struct cmd_aws *a, struct aws_client **out, struct eb_error *err);
/* Fill ctx with what the plan inherits from the launcher's own task (nothing outside ECS). */
void cmd_aws_runtask_context(struct cmd_aws *a, const struct plan *p,
                             struct runtask_context *ctx);
/* The ECS backend for p; fills the launcher identity the result records. */
int cmd_aws_backend(struct cmd_aws *a, const struct plan *p, struct backend **out,
                    struct engine_launcher *launcher, struct eb_error *err);
/* The S3 results sink for uri (s3://bucket/prefix) and job_id. */
int cmd_aws_sink(struct cmd_aws *a, const char *uri, const char *job_id, struct sink **out,
                 struct eb_error *err);
void cmd_aws_free(struct cmd_aws *a);

#endif
