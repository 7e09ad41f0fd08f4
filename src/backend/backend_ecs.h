/*
 * The ECS backend (SPEC §4, §5): task attempts as ECS tasks. Registers (or
 * reuses, by content-hash tag) the merged task definition, launches one
 * RunTask per attempt, observes with one DescribeTasks per 100 tasks, stops
 * with StopTask and reads the attempts' awslogs streams with GetLogEvents.
 */
#ifndef EB_BACKEND_ECS_H
#define EB_BACKEND_ECS_H

#include <stddef.h>
#include <stdint.h>

#include "aws/call.h"
#include "engine/backend.h"
#include "job/plan.h"
#include "job/runtask.h"
#include "util/clock.h"
#include "util/err.h"

/* How many revisions of the family prepare inspects for a matching content hash. */
#define BACKEND_ECS_TASKDEF_SEARCH_MAX 10

struct backend_ecs_options {
    const struct plan *plan;       /* borrowed; must outlive the backend */
    struct aws_client *aws;        /* borrowed; must outlive the backend */
    const struct eb_clock *clock;  /* wait() sleeps on it; NULL = clock_real() */
    /* cluster, launch type, subnets, security groups, public IP inherited from the
     * launcher's own task (self-discovery); copied. Its task_definition is ignored:
     * prepare fills it. mask_secrets is ignored (always false for real requests). */
    struct runtask_context ctx;
    const char *self_task_definition_arn; /* the launcher's own task definition, for
                                             task_definition_template: self; copied */
    size_t log_max_bytes;          /* per attempt's log; 0 = LOGFMT_DEFAULT_MAX */
};

/*
 * The backend, or NULL with err set (EB_ERR_INVALID: no plan or no client).
 * Nothing is called until the engine calls prepare. Behaviour:
 *  - prepare: taskdef_self → self_task_definition_arn (EB_ERR_INVALID when NULL), read
 *    with DescribeTaskDefinition for its containers and log settings. Otherwise the
 *    newest ACTIVE revision of the plan's family tagged ecsbatch:content-hash =
 *    runtask_taskdef_hash(plan) is reused (DescribeTaskDefinition family first, then
 *    ListTaskDefinitions DESC + DescribeTaskDefinition, at most
 *    BACKEND_ECS_TASKDEF_SEARCH_MAX revisions); else RegisterTaskDefinition with that tag.
 *  - launch: one RunTask (runtask_request, clientToken runtask_client_token). failures[]
 *    → LAUNCH_REFUSED with "reason: detail"; ConflictException on the token → the task
 *    in its resourceIds is adopted; other errors (after call.h's retries) → error.
 *  - describe: one DescribeTasks per 100 handles; failures MISSING → OBS_MISSING.
 *  - stop: StopTask with the reason cut to 255 bytes; a task ECS no longer knows is OK.
 *  - fetch_log: every container with awslogs options, stream {prefix}/{container}/{id},
 *    GetLogEvents forward to the end; a missing stream is noted in the text.
 *  - find_live: ListTasks startedBy = task name (desiredStatus RUNNING, then STOPPED),
 *    then DescribeTasks: every task found, with its attempt from ECSBATCH_ATTEMPT
 *    (container overrides) or the ecsbatch:attempt tag; a stopped one lets a restarted
 *    launcher take an attempt that ended meanwhile as it ended.
 *  - wait: clock_sleep. destroy: frees memory only (nothing is stopped).
 */
struct backend *backend_ecs_new(const struct backend_ecs_options *o, struct eb_error *err);

#endif
