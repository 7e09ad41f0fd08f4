/*
 * ecsbatch status JOB_ID: print a job's result.json (exit with its code),
 * else its live status.json (exit 0), else say there is no such job (exit 2).
 * The results location is --results / ECSBATCH_RESULTS (a folder or s3://bucket/prefix),
 * else ./ecsbatch-results.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd_common.h"
#include "job/jobid.h"
#include "report/result.h"
#include "sink/sink_folder.h"
#include "util/buf.h"

#define S_DEFAULT_RESULTS "./ecsbatch-results"

int
cmd_status(const struct cli_opts *opts)
{
    const char *id = opts->job_id_arg;
    if (!id || !jobid_is_valid(id)) {
        fprintf(stderr, "ecsbatch: '%s' is not a job id ([A-Za-z0-9_-]{1,64})\n", id ? id : "");
        return EXIT_USAGE;
    }
    const char *results = opts->results ? opts->results : S_DEFAULT_RESULTS;
    struct eb_error err = {0};
    struct cmd_aws *aws = cmd_aws_new();
    struct sink *s = NULL;
    if (strncmp(results, "s3://", 5) == 0) {
        if (cmd_aws_sink(aws, results, id, &s, &err) != EB_OK) {
            fprintf(stderr, "ecsbatch: results %s: %s\n", results, err.msg);
            cmd_aws_free(aws);
            return cmd_exit_for(err.code);
        }
    } else {
        s = sink_folder_new(results, id);
    }
    struct eb_buf b = EB_BUF_INIT;
    int code = EXIT_ERROR;
    int rc = s->ops->get(s, "result.json", &b, &err);
    if (rc == EB_OK) {
        struct job_report rep;
        rc = result_parse(buf_cstr(&b), b.len, &rep, &err);
        if (rc == EB_OK) {
            fwrite(buf_cstr(&b), 1, b.len, stdout);
            code = rep.exit_code;
        } else {
            fprintf(stderr, "ecsbatch: %s/result.json: %s\n", s->ops->location(s), err.msg);
        }
        job_report_cleanup(&rep);
    } else if (rc == EB_ERR_NOT_FOUND) {
        buf_reset(&b);
        rc = s->ops->get(s, "status.json", &b, &err);
        if (rc == EB_OK) {
            fwrite(buf_cstr(&b), 1, b.len, stdout);
            code = EXIT_SUCCEEDED;
        } else if (rc == EB_ERR_NOT_FOUND) {
            fprintf(stderr, "ecsbatch: no job %s under %s\n", id, results);
            code = EXIT_USAGE;
        } else {
            fprintf(stderr, "ecsbatch: %s\n", err.msg);
        }
    } else {
        fprintf(stderr, "ecsbatch: %s\n", err.msg);
    }
    if (fflush(stdout) != 0) {
        code = EXIT_ERROR;
    }
    buf_cleanup(&b);
    s->ops->destroy(s);
    cmd_aws_free(aws);
    return code;
}
