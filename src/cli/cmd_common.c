/*
 * What the commands share: plan loading with its exit codes, JSON printing
 * and the local backend's configuration from the environment.
 */
#include "cmd_common.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "backend/backend_local.h"
#include "job/duration.h"
#include "job/jobid.h"
#include "job/load.h"
#include "util/jsonx.h"

int
cmd_exit_for(enum eb_err code)
{
    switch (code) {
    case EB_OK:
        return EXIT_SUCCEEDED;
    case EB_ERR_USAGE:
    case EB_ERR_INVALID:
    case EB_ERR_IO:
    case EB_ERR_NOT_FOUND:
    case EB_ERR_PARSE:
        return EXIT_USAGE;
    default:
        return EXIT_ERROR;
    }
}

int
cmd_load_plan(const struct cli_opts *opts, struct plan **out, struct cmd_aws **aws)
{
    *out = NULL;
    *aws = cmd_aws_new();
    job_set_remote_reader(cmd_aws_read_uri, *aws);

    struct job_load_options lo = {.job = opts->job, .config = opts->config, .job_id = opts->job_id};
    /* an idempotency key without an id (a schedule's tick): the id is derived from it */
    char keyed[JOBID_MAX + 1];
    const char *key = getenv("ECSBATCH_JOB_KEY");
    if (!lo.job_id && key && *key) {
        jobid_from_key(key, keyed);
        lo.job_id = keyed;
    }
    struct job_problems problems = {0};
    struct eb_error err = {0};
    int rc = job_load(&lo, out, &problems, &err);
    if (rc == EB_OK) {
        cmd_aws_region_hint(*aws, (*out)->region);
        return EXIT_SUCCEEDED;
    }
    job_problems_print(&problems, stderr);
    if (problems.n == 0) {
        fprintf(stderr, "ecsbatch: %s\n", err.msg);
    } else if (problems.n > 1) {
        fprintf(stderr, "ecsbatch: %zu problems; nothing was launched\n", problems.n);
    }
    job_problems_cleanup(&problems);
    return cmd_exit_for(rc);
}

int
cmd_print_json(const cJSON *doc)
{
    char *text = jsonx_print_pretty(doc);
    int ok = fputs(text, stdout) >= 0 && fflush(stdout) == 0;
    free(text);
    if (!ok) {
        fprintf(stderr, "ecsbatch: writing to stdout failed\n");
        return EXIT_ERROR;
    }
    return EXIT_SUCCEEDED;
}

const struct eb_clock *
cmd_clock(void)
{
    const char *v = getenv("ECSBATCH_TEST_CLOCK_SCALE");
    char *end = NULL;
    double f = v ? strtod(v, &end) : 0;
    return v && end != v && *end == '\0' && f > 1 ? clock_scaled(f) : clock_real();
}

int
cmd_local_backend(const struct plan *p, struct backend **out, int *max_live, struct eb_error *err)
{
    struct backend_local_options lo = {.plan = p, .clock = cmd_clock()};
    const char *v = getenv("ECSBATCH_LOCAL_CONCURRENCY");
    *max_live = 0;
    if (v && *v) {
        char *end;
        errno = 0;
        long n = strtol(v, &end, 10);
        if (errno || *end || n < 1 || n > 100000) {
            return err_set(err, EB_ERR_INVALID,
                           "ECSBATCH_LOCAL_CONCURRENCY: \"%s\" is not a count from 1 to 100000", v);
        }
        *max_live = (int)n;
    }
    v = getenv("ECSBATCH_LOCAL_STOP_GRACE");
    if (v && *v) {
        if (duration_parse(v, &lo.stop_grace_ms) != 0) {
            return err_set(err, EB_ERR_INVALID, "ECSBATCH_LOCAL_STOP_GRACE: \"%s\" " DURATION_HINT,
                           v);
        }
    }
    return backend_local_new(&lo, out, err);
}
