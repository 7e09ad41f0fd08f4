/*
 * Fuzz every ECS and CloudWatch Logs answer parser (api/ecs.c, api/logs.c):
 * whatever AWS (or a proxy, or a broken connection) sends, parsing must not
 * crash, overflow or leak, and a parsed task list must be safe to walk.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/ecs.h"
#include "api/logs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    struct eb_error err;

    struct ecs_task_list l;
    if (ecs_task_list_parse(s, size, &l, &err) == EB_OK) {
        for (size_t i = 0; i < l.ntasks; i++) {
            const struct ecs_task *t = &l.tasks[i];
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
    ecs_task_list_cleanup(&l);

    struct ecs_task t;
    (void)ecs_stop_task_parse(s, size, &t, &err);
    ecs_task_cleanup(&t);

    struct ecs_taskdef d;
    (void)ecs_taskdef_parse(s, size, &d, &err);
    ecs_taskdef_cleanup(&d);

    struct ecs_arn_page p;
    (void)ecs_arn_page_parse(s, size, "taskArns", &p, &err);
    ecs_arn_page_cleanup(&p);
    (void)ecs_arn_page_parse(s, size, "taskDefinitionArns", &p, &err);
    ecs_arn_page_cleanup(&p);

    struct ecs_cluster_list cl;
    (void)ecs_cluster_list_parse(s, size, &cl, &err);
    ecs_cluster_list_cleanup(&cl);

    struct ecs_container_instance_list il;
    (void)ecs_container_instance_list_parse(s, size, &il, &err);
    ecs_container_instance_list_cleanup(&il);

    char **ids = NULL;
    size_t n = 0;
    (void)ecs_conflict_parse(s, size, &ids, &n, &err);
    ecs_strv_free(ids, n);

    struct logs_page lp;
    (void)logs_get_events_parse(s, size, &lp, &err);
    logs_page_cleanup(&lp);
    return 0;
}
