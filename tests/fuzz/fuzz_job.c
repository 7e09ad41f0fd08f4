/*
 * Fuzz target: a job document (JSON or YAML) against a fixed catalogue,
 * through job_load and, when it loads, the plan document and the
 * task-definition hash (fuzz_job_common.h).
 */
#include "fuzz_job_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char s_catalogue[] =
    "commands:\n"
    "  - name: c\n"
    "    status: active\n"
    "    context:\n"
    "      task_definition_template: td.json\n"
    "      container_overrides: [{name: main, environment: [{name: X, value: y}]}]\n"
    "    tags: [type:ecs]\n"
    "    cluster_tags: [type:fargate]\n"
    "clusters:\n"
    "  - name: k\n"
    "    status: active\n"
    "    context: {launch_type: FARGATE, max_task_count: 20, vpc_config: {subnets: [s]}}\n"
    "    tags: [type:fargate]\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct fuzz_job_files f = {"job", "job", "cat.yaml", true, s_catalogue};
    fuzz_job_load(&f, data, size);
    return 0;
}
