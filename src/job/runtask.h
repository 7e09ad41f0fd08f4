/*
 * The requests a plan turns into (SPEC §4): the RunTask body of one attempt of
 * one task, and the plan document `validate` and `run --dry-run` print. Pure:
 * no I/O; the ECS backend sends exactly what these build.
 */
#ifndef EB_JOB_RUNTASK_H
#define EB_JOB_RUNTASK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cJSON.h>

#include "job/plan.h"

/* What is only known at run time: the registered task definition, and the cluster
 * and network the launcher inherits from its own task when the plan leaves them out. */
struct runtask_context {
    const char *task_definition; /* ARN or family:revision; NULL = "(registered at run time)" */
    const char *cluster;         /* plan->cluster_name, else the launcher's; NULL = omitted */
    const char *launch_type;     /* used when the plan has neither launch type nor strategy */
    const char *const *subnets;  /* used when the plan has none */
    size_t nsubnets;
    const char *const *security_groups; /* used when the plan has none */
    size_t nsecurity_groups;
    int assign_public_ip;        /* used when the plan's is -1: -1 omit, 0 DISABLED, 1 ENABLED */
    const char *const *containers; /* container names of the task definition when the plan has
                                      none (taskdef_self); NULL = the plan's override names */
    size_t ncontainers;
    bool mask_secrets;           /* true for printing: secret-looking env values → LOG_MASK */
};

/*
 * The RunTask request body of attempt `attempt` (1-based) of task `index`, launch try
 * `launch_try` (1 + capacity refusals so far): cluster, taskDefinition, count 1,
 * startedBy = the task name, clientToken (runtask_client_token), launchType or
 * capacityProviderStrategy, networkConfiguration.awsvpcConfiguration, overrides
 * (task cpu/memory/ephemeralStorage, every container of the template with its merged
 * command and full environment from plan_container_env), tags ecsbatch:job-id,
 * ecsbatch:task-index, ecsbatch:attempt, propagateTags TASK_DEFINITION off.
 * Caller frees with cJSON_Delete.
 */
cJSON *runtask_request(const struct plan *p, const struct runtask_context *ctx, int index,
                       int attempt, int launch_try, int64_t deadline_ms);

/* A clientToken (at most 64 chars, [A-Za-z0-9-]) derived from job id, task, attempt and
 * launch try: the same inputs give the same token, different inputs different ones. */
void runtask_client_token(const struct plan *p, int index, int attempt, int launch_try,
                          char out[65]);

/* The content hash of the merged task definition (hex SHA-256 of its canonical JSON: members
 * sorted by name at every level, arrays in order, no spaces): the value of the tag
 * ecsbatch:content-hash that lets a revision be reused. A taskdef_self plan hashes "null". */
void runtask_taskdef_hash(const struct plan *p, char out[65]);

/* The plan document validate and --dry-run print: job identity, selected command and
 * cluster, every context value, the merged task definition and the RunTask body of the
 * first attempt of every task, secret-looking values masked. Caller frees. */
cJSON *runtask_plan_document(const struct plan *p, const struct runtask_context *ctx);


#endif
