/*
 * Fuzz every ECS and CloudWatch Logs answer parser (api/ecs.c, api/logs.c):
 * whatever AWS (or a proxy, or a broken connection) sends, parsing must not
 * crash, overflow or leak, a refusal is EB_ERR_PARSE naming the answer, and a
 * parsed task list must be safe to walk. tests/unit/test_api_ecs.c includes
 * this file for its parser table and runs the seeds through it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/ecs.h"
#include "api/logs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every answer parser, in the order they are tried on each input. */
enum answer {
    ANSWER_TASKS,
    ANSWER_STOP,
    ANSWER_TASKDEF,
    ANSWER_TASK_ARNS,
    ANSWER_TASKDEF_ARNS,
    ANSWER_CLUSTERS,
    ANSWER_INSTANCES,
    ANSWER_CONFLICT,
    ANSWER_LOGS,
    ANSWER__COUNT
};

/* What the ECS backend reads of each task. */
static void
s_walk_tasks(const struct ecs_task_list *l)
{
    for (size_t i = 0; i < l->ntasks; i++) {
        const struct ecs_task *t = &l->tasks[i];
        (void)ecs_task_id(t->arn);
        (void)ecs_kv_get(t->tags, t->ntags, "ecsbatch:attempt");
        (void)ecs_kv_get(t->override_env, t->noverride_env, "ECSBATCH_ATTEMPT");
        for (size_t k = 0; k < t->ncontainers; k++) {
            if (t->containers[k].reason && strlen(t->containers[k].reason) > (1u << 30)) {
                abort();
            }
        }
    }
}

/* Parse s as answer a into a scratch result and clean that up, whatever the parse came to. */
static int
s_parse(enum answer a, const char *s, size_t n, struct eb_error *err)
{
    union {
        struct ecs_task_list tasks;
        struct ecs_task task;
        struct ecs_taskdef def;
        struct ecs_arn_page page;
        struct ecs_cluster_list clusters;
        struct ecs_container_instance_list instances;
        struct logs_page logs;
    } o;
    char **ids = NULL;
    size_t nids = 0;
    int rc = EB_OK;
    switch (a) {
    case ANSWER_TASKS:
        rc = ecs_task_list_parse(s, n, &o.tasks, err);
        if (rc == EB_OK) {
            s_walk_tasks(&o.tasks);
        }
        ecs_task_list_cleanup(&o.tasks);
        break;
    case ANSWER_STOP:
        rc = ecs_stop_task_parse(s, n, &o.task, err);
        ecs_task_cleanup(&o.task);
        break;
    case ANSWER_TASKDEF:
        rc = ecs_taskdef_parse(s, n, &o.def, err);
        ecs_taskdef_cleanup(&o.def);
        break;
    case ANSWER_TASK_ARNS:
    case ANSWER_TASKDEF_ARNS:
        rc = ecs_arn_page_parse(s, n, a == ANSWER_TASK_ARNS ? "taskArns" : "taskDefinitionArns",
                                &o.page, err);
        ecs_arn_page_cleanup(&o.page);
        break;
    case ANSWER_CLUSTERS:
        rc = ecs_cluster_list_parse(s, n, &o.clusters, err);
        ecs_cluster_list_cleanup(&o.clusters);
        break;
    case ANSWER_INSTANCES:
        rc = ecs_container_instance_list_parse(s, n, &o.instances, err);
        ecs_container_instance_list_cleanup(&o.instances);
        break;
    case ANSWER_CONFLICT:
        rc = ecs_conflict_parse(s, n, &ids, &nids, err);
        ecs_strv_free(ids, nids);
        break;
    case ANSWER_LOGS:
        rc = logs_get_events_parse(s, n, &o.logs, err);
        logs_page_cleanup(&o.logs);
        break;
    case ANSWER__COUNT:
        break;
    }
    return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (int a = 0; a < ANSWER__COUNT; a++) {
        struct eb_error err = {0};
        int rc = s_parse((enum answer)a, (const char *)data, size, &err);
        if (rc != EB_OK && (rc != EB_ERR_PARSE || err.code != EB_ERR_PARSE ||
                            !strstr(err.msg, "answer"))) {
            abort();
        }
    }
    return 0;
}
