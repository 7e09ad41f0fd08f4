/*
 * ecsbatch run [JOB]: load and validate the job, then either print the plan
 * (--dry-run) or pick a backend (local processes or ECS) and a results sink
 * (folder or S3) and hand the job to the engine, whose exit code is ours.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>

#include "cli.h"
#include "cmd_common.h"
#include "engine/engine.h"
#include "job/load.h"
#include "job/runtask.h"
#include "report/progress.h"
#include "sink/sink_folder.h"
#include "util/log.h"

#define S_DEFAULT_RESULTS "./ecsbatch-results"

static volatile sig_atomic_t s_cancel;

static void
s_on_signal(int sig)
{
    s_cancel = sig;
}

static void
s_install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = s_on_signal;
    sigemptyset(&sa.sa_mask);
    /* No SA_RESTART: a sleeping poll returns at once and the engine sees the flag. */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
}

/* Where results go: --results / ECSBATCH_RESULTS, the cluster context, else a local folder. */
static const char *
s_results_uri(const struct cli_opts *opts, const struct plan *p)
{
    if (opts->results) {
        return opts->results;
    }
    if (p->results) {
        return p->results;
    }
    return S_DEFAULT_RESULTS;
}

static int
s_dry_run(const struct cli_opts *opts, struct plan *p, struct cmd_aws *aws)
{
    struct runtask_context ctx = {.mask_secrets = true, .assign_public_ip = -1};
    if (!opts->local) {
        cmd_aws_runtask_context(aws, p, &ctx);
    }
    cJSON *doc = runtask_plan_document(p, &ctx);
    cJSON_AddStringToObject(doc, "results", s_results_uri(opts, p));
    cJSON_AddStringToObject(doc, "backend", opts->local ? "local" : "ecs");
    int code = cmd_print_json(doc);
    cJSON_Delete(doc);
    return code;
}

static int
s_run(const struct cli_opts *opts, struct plan *p, struct cmd_aws *aws)
{
    struct eb_error err = {0};
    struct backend *backend = NULL;
    struct sink *sink = NULL;
    int code = EXIT_ERROR;

    const char *results = s_results_uri(opts, p);
    if (strncmp(results, "s3://", 5) == 0) {
        if (cmd_aws_sink(aws, results, p->job_id, &sink, &err) != EB_OK) {
            fprintf(stderr, "ecsbatch: results %s: %s\n", results, err.msg);
            code = cmd_exit_for(err.code);
            goto out;
        }
    } else {
        sink = sink_folder_new(results, p->job_id);
    }

    struct engine_options eo = {
        .plan = p,
        .sink = sink,
        .cancel = &s_cancel,
        .clock = cmd_clock(),
        .launcher = {.version = ECSBATCH_VERSION, .backend = opts->local ? "local" : "ecs"},
    };
    if (opts->local) {
        if (cmd_local_backend(p, &backend, &eo.max_live, &err) != EB_OK) {
            fprintf(stderr, "ecsbatch: %s\n", err.msg);
            code = cmd_exit_for(err.code);
            goto out;
        }
    } else if (cmd_aws_backend(aws, p, &backend, &eo.launcher, &err) != EB_OK) {
        fprintf(stderr, "ecsbatch: %s\n", err.msg);
        code = cmd_exit_for(err.code);
        goto out;
    }
    eo.backend = backend;

    struct progress *progress = progress_new(stderr, progress_mode_for(STDERR_FILENO,
                                                                       opts->log_format));
    eo.progress = progress;
    s_install_signals();
    code = engine_run(&eo);
    progress_free(progress);
out:
    if (backend) {
        backend->ops->destroy(backend);
    }
    if (sink) {
        sink->ops->destroy(sink);
    }
    return code;
}

int
cmd_run(const struct cli_opts *opts)
{
    struct cmd_aws *aws = NULL;
    struct plan *p = NULL;
    int code = cmd_load_plan(opts, &p, &aws);
    if (code != EXIT_SUCCEEDED) {
        goto out;
    }
    code = opts->dry_run ? s_dry_run(opts, p, aws) : s_run(opts, p, aws);
out:
    plan_free(p);
    cmd_aws_free(aws);
    return code;
}
