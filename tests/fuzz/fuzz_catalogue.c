/*
 * Fuzz target: a catalogue (YAML or JSON) with a fixed job document,
 * through job_load and, when it loads, the plan document and the
 * task-definition hash (fuzz_job_common.h).
 */
#include "fuzz_job_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char s_job[] =
    "{\"name\": \"j\", \"command_criteria\": [\"type:ecs\"], \"context\": {\"task_count\": 2}}";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct fuzz_job_files f = {"cat", "job.json", "cat.yaml", false, s_job};
    fuzz_job_load(&f, data, size);
    return 0;
}
