/*
 * Test tool: run a job through the engine with the ECS backend and a folder
 * sink, the way `ecsbatch run` does, without the CLI's wiring. Usage:
 *   ecs_backend_drive CATALOGUE JOB RESULTS_FOLDER
 * AWS settings come from the environment (AWS_ENDPOINT_URL, AWS_REGION, keys).
 * Exits with the job's exit code (SPEC §2).
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "aws/call.h"
#include "backend/backend_ecs.h"
#include "engine/engine.h"
#include "job/load.h"
#include "sink/sink_folder.h"
#include "util/log.h"

static volatile sig_atomic_t s_cancel;

static void
s_on_signal(int sig)
{
    s_cancel = sig;
}

int
main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: ecs_backend_drive CATALOGUE JOB RESULTS_FOLDER\n");
        return 2;
    }
    log_setup(LOG_INFO, LOG_TEXT);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = s_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    struct job_load_options lo = {.job = argv[2], .config = argv[1]};
    struct plan *plan = NULL;
    struct job_problems problems = {0};
    struct eb_error err = {0};
    if (job_load(&lo, &plan, &problems, &err) != EB_OK) {
        job_problems_print(&problems, stderr);
        fprintf(stderr, "ecs_backend_drive: %s\n", err.msg);
        job_problems_cleanup(&problems);
        return 2;
    }
    struct aws_client_options ao = {0};
    struct aws_client *aws = NULL;
    if (aws_client_new(&ao, &aws, &err) != EB_OK) {
        fprintf(stderr, "ecs_backend_drive: %s\n", err.msg);
        plan_free(plan);
        return 5;
    }
    struct backend_ecs_options bo = {.plan = plan, .aws = aws};
    bo.ctx.assign_public_ip = -1;
    struct backend *b = backend_ecs_new(&bo, &err);
    struct sink *sink = sink_folder_new(argv[3], plan->job_id);
    int code = 5;
    if (b && sink) {
        struct engine_options eo = {
            .plan = plan, .backend = b, .sink = sink, .cancel = &s_cancel,
            .launcher = {.version = "test", .backend = "ecs", .region = aws_client_region(aws)},
        };
        code = engine_run(&eo);
    } else {
        fprintf(stderr, "ecs_backend_drive: %s\n", err.msg);
    }
    if (sink) {
        sink->ops->destroy(sink);
    }
    if (b) {
        b->ops->destroy(b);
    }
    aws_client_free(aws);
    plan_free(plan);
    return code;
}
