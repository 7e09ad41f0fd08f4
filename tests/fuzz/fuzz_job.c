/*
 * Fuzz target: a job document (JSON or YAML) against a fixed catalogue,
 * through job_load and, when it loads, the plan document and every
 * RunTask body. Files live in a private temporary folder.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "job/load.h"
#include "job/runtask.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char s_dir[64];

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

static const char s_td[] =
    "{\"family\": \"f\", \"cpu\": \"256\", \"memory\": \"512\", \"containerDefinitions\": "
    "[{\"name\": \"main\", \"image\": \"x\", \"environment\": [{\"name\": \"A\", \"value\": \"b\"}]}]}";

static void
s_put(const char *name, const void *data, size_t len)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", s_dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) {
        abort();
    }
    fwrite(data, 1, len, f);
    fclose(f);
}

static void
s_cleanup(void)
{
    const char *names[] = {"cat.yaml", "td.json", "job", "job.json"};
    char path[128];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", s_dir, names[i]);
        unlink(path);
    }
    rmdir(s_dir);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!s_dir[0]) {
        snprintf(s_dir, sizeof s_dir, "/tmp/eb-fuzz-job-XXXXXX");
        if (!mkdtemp(s_dir)) {
            abort();
        }
        atexit(s_cleanup);
        s_put("cat.yaml", s_catalogue, strlen(s_catalogue));
        s_put("td.json", s_td, strlen(s_td));
    }
    s_put("job", data, size);
    char cat[128], job[128];
    snprintf(cat, sizeof cat, "%s/cat.yaml", s_dir);
    snprintf(job, sizeof job, "%s/job", s_dir);
    struct job_load_options o = {job, cat, NULL, NULL};
    struct plan *p = NULL;
    struct job_problems pr = {NULL, 0};
    if (job_load(&o, &p, &pr, NULL) == EB_OK) {
        cJSON *doc = runtask_plan_document(p, NULL);
        char *text = cJSON_PrintUnformatted(doc);
        free(text);
        cJSON_Delete(doc);
        char hash[65];
        runtask_taskdef_hash(p, hash);
        plan_free(p);
    }
    job_problems_cleanup(&pr);
    return 0;
}
