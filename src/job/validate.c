/*
 * The checks of SPEC §3 that involve more than one field: cluster limits,
 * Fargate cpu/memory pairs and storage (aws-facts §2.1), and whether a
 * template is a task definition at all (aws-facts §1.6). Every problem is
 * recorded; nothing stops at the first.
 */
#include "job/context.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "job/problems.h"
#include "job/runtask.h"
#include "util/xalloc.h"

/* RunTask's limit on the overrides member (aws-facts §1.2). */
#define S_OVERRIDES_MAX 8192

void
validate_taskdef(const cJSON *td, const char *source, struct job_problems *pr, char **out_essential)
{
    if (!cJSON_IsObject(td)) {
        char *v = problems_value(td);
        problems_addf(pr, "%s: %s is not a task definition (a mapping with family and "
                      "containerDefinitions)", source, v);
        free(v);
        return;
    }
    const cJSON *family = cJSON_GetObjectItemCaseSensitive(td, "family");
    const char *fs = cJSON_IsString(family) ? family->valuestring : NULL;
    if (!fs || !fs[0] || strlen(fs) > 255 ||
        fs[strspn(fs, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")]) {
        char *v = problems_value(family);
        problems_addf(pr, "%s: family: %s must be 1 to 255 letters, digits, _ or - (a task "
                      "definition needs a family)", source, v);
        free(v);
    }
    const cJSON *defs = cJSON_GetObjectItemCaseSensitive(td, "containerDefinitions");
    if (!cJSON_IsArray(defs) || cJSON_GetArraySize(defs) == 0) {
        char *v = problems_value(defs);
        problems_addf(pr, "%s: containerDefinitions: %s must be a non-empty list of containers "
                      "(this is not a task definition)", source, v);
        free(v);
        return;
    }
    const char *essential = NULL;
    size_t i = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, defs)
    {
        size_t k = i++;
        if (!cJSON_IsObject(c)) {
            char *v = problems_value(c);
            problems_addf(pr, "%s: containerDefinitions[%zu]: %s must be a mapping", source, k, v);
            free(v);
            continue;
        }
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(c, "name");
        const cJSON *image = cJSON_GetObjectItemCaseSensitive(c, "image");
        bool named = cJSON_IsString(name) && name->valuestring[0];
        if (!named) {
            char *v = problems_value(name);
            problems_addf(pr, "%s: containerDefinitions[%zu].name: %s must be a non-empty string",
                          source, k, v);
            free(v);
        } else {
            size_t j = 0;
            const cJSON *d;
            cJSON_ArrayForEach(d, defs)
            {
                const cJSON *n2 = cJSON_GetObjectItemCaseSensitive(d, "name");
                if (j++ < k && cJSON_IsString(n2) && strcmp(n2->valuestring, name->valuestring) == 0) {
                    problems_addf(pr, "%s: containerDefinitions[%zu].name: \"%s\" is used twice",
                                  source, k, name->valuestring);
                }
            }
        }
        if (!cJSON_IsString(image) || !image->valuestring[0]) {
            char *v = problems_value(image);
            problems_addf(pr, "%s: containerDefinitions[%zu].image: %s must be a non-empty string",
                          source, k, v);
            free(v);
        }
        const cJSON *ess = cJSON_GetObjectItemCaseSensitive(c, "essential");
        if (ess && !cJSON_IsBool(ess)) {
            char *v = problems_value(ess);
            problems_addf(pr, "%s: containerDefinitions[%zu].essential: %s must be true or false",
                          source, k, v);
            free(v);
        } else if (!essential && named && !cJSON_IsFalse(ess)) {
            /* ECS: a container whose essential is left out is essential */
            essential = name->valuestring;
        }
        const cJSON *env = cJSON_GetObjectItemCaseSensitive(c, "environment");
        if (env && !cJSON_IsArray(env)) {
            char *v = problems_value(env);
            problems_addf(pr, "%s: containerDefinitions[%zu].environment: %s must be a list of "
                          "{name, value}", source, k, v);
            free(v);
        }
        size_t ei = 0;
        const cJSON *e;
        const cJSON *env_list = cJSON_IsArray(env) ? env : NULL;
        cJSON_ArrayForEach(e, env_list)
        {
            size_t ek = ei++;
            const cJSON *n = cJSON_GetObjectItemCaseSensitive(e, "name");
            const cJSON *val = cJSON_GetObjectItemCaseSensitive(e, "value");
            if (!cJSON_IsString(n) || !n->valuestring[0] || (val && !cJSON_IsString(val))) {
                char *v = problems_value(e);
                problems_addf(pr, "%s: containerDefinitions[%zu].environment[%zu]: %s must be "
                              "{\"name\": string, \"value\": string}", source, k, ek, v);
                free(v);
            }
        }
        const cJSON *cmd = cJSON_GetObjectItemCaseSensitive(c, "command");
        const cJSON *ep = cJSON_GetObjectItemCaseSensitive(c, "entryPoint");
        const cJSON *lists[2] = {cmd, ep};
        const char *names[2] = {"command", "entryPoint"};
        for (int l = 0; l < 2; l++) {
            bool ok = !lists[l] || cJSON_IsArray(lists[l]);
            const cJSON *s;
            const cJSON *list = ok ? lists[l] : NULL;
            cJSON_ArrayForEach(s, list)
            {
                ok = ok && cJSON_IsString(s);
            }
            if (!ok) {
                char *v = problems_value(lists[l]);
                problems_addf(pr, "%s: containerDefinitions[%zu].%s: %s must be a list of strings",
                              source, k, names[l], v);
                free(v);
            }
        }
    }
    if (!essential) {
        problems_addf(pr, "%s: containerDefinitions: no essential container (a task definition "
                      "needs at least one)", source);
    } else if (out_essential) {
        free(*out_essential);
        *out_essential = xstrdup(essential);
    }
}

/* --- cross-field checks -------------------------------------------------------------------- */

/* aws-facts §2.1: the memory sizes each Fargate cpu size allows. */
static const struct {
    int cpu, min, max, step;
} s_fargate[] = {
    {256, 512, 2048, 0},       {512, 1024, 4096, 1024},    {1024, 2048, 8192, 1024},
    {2048, 4096, 16384, 1024}, {4096, 8192, 30720, 1024},  {8192, 16384, 61440, 4096},
    {16384, 32768, 122880, 8192},
};

static bool
s_fargate_memory_ok(size_t i, int memory)
{
    if (s_fargate[i].step == 0) {
        return memory == 512 || memory == 1024 || memory == 2048;
    }
    return memory >= s_fargate[i].min && memory <= s_fargate[i].max &&
           (memory - s_fargate[i].min) % s_fargate[i].step == 0;
}

static const char *
s_or(const char *origin, const char *dflt)
{
    return origin ? origin : dflt;
}

/* Whether the plan runs on Fargate: its launch type, or a strategy of FARGATE* providers. */
static bool
s_is_fargate(const struct plan *p)
{
    if (p->launch_type) {
        return strncmp(p->launch_type, "FARGATE", 7) == 0;
    }
    const cJSON *e;
    bool any = false, all = true;
    cJSON_ArrayForEach(e, p->capacity_provider_strategy)
    {
        const char *name = cJSON_GetObjectItemCaseSensitive(e, "capacityProvider")->valuestring;
        bool f = strcmp(name, "FARGATE") == 0 || strcmp(name, "FARGATE_SPOT") == 0;
        any = true;
        all = all && f;
    }
    return any && all;
}

static void
s_sizes(struct job_build *b, bool fargate)
{
    struct plan *p = b->plan;
    struct ctx_origins *o = &b->org;
    int cpu = p->cpu ? p->cpu : b->tmpl_cpu;
    int memory = p->memory ? p->memory : b->tmpl_memory;
    const char *cpu_at = p->cpu ? o->cpu : o->template_cpu;
    const char *mem_at = p->memory ? o->memory : o->template_memory;
    if (p->max_cpu > 0 && cpu > p->max_cpu) {
        problems_addf(b->pr, "%s: %d is more than the cluster's max_cpu %d (%s)",
                      s_or(cpu_at, "cpu"), cpu, p->max_cpu, s_or(o->max_cpu, "max_cpu"));
    }
    if (p->max_memory > 0 && memory > p->max_memory) {
        problems_addf(b->pr, "%s: %d is more than the cluster's max_memory %d (%s)",
                      s_or(mem_at, "memory"), memory, p->max_memory,
                      s_or(o->max_memory, "max_memory"));
    }
    if (!fargate) {
        return;
    }
    const char *lt = s_or(o->launch_type, s_or(o->strategy, "the launch type"));
    if (!cpu || !memory) {
        if (!p->taskdef_self) {
            problems_addf(b->pr, "%s: Fargate needs task-level cpu and memory: set cpu and memory "
                          "in the context or the template (%s)", lt, p->taskdef_source);
        }
        return;
    }
    for (size_t i = 0; i < sizeof s_fargate / sizeof s_fargate[0]; i++) {
        if (s_fargate[i].cpu != cpu) {
            continue;
        }
        if (!s_fargate_memory_ok(i, memory)) {
            char allowed[96];
            if (s_fargate[i].step == 0) {
                snprintf(allowed, sizeof allowed, "512, 1024 or 2048 MiB");
            } else {
                snprintf(allowed, sizeof allowed, "%d to %d MiB in steps of %d", s_fargate[i].min,
                         s_fargate[i].max, s_fargate[i].step);
            }
            problems_addf(b->pr, "%s: %d is not a valid Fargate memory for cpu %d (%s): cpu %d "
                          "allows %s", s_or(mem_at, "memory"), memory, cpu, s_or(cpu_at, "cpu"),
                          cpu, allowed);
        }
        return;
    }
    problems_addf(b->pr, "%s: %d is not a Fargate cpu size (256, 512, 1024, 2048, 4096, 8192, "
                  "16384) for %s", s_or(cpu_at, "cpu"), cpu, lt);
}

static void
s_overrides_size(struct job_build *b)
{
    struct plan *p = b->plan;
    if (!p->job_id || p->task_count < 1) {
        return;
    }
    struct runtask_context ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.assign_public_ip = -1;
    /* the longest numbers one task's overrides can carry */
    cJSON *req = runtask_request(p, &ctx, p->task_count - 1, 9999, 1, INT64_C(253402300799000));
    const cJSON *ov = cJSON_GetObjectItemCaseSensitive(req, "overrides");
    char *text = ov ? cJSON_PrintUnformatted(ov) : NULL;
    size_t len = text ? strlen(text) : 0;
    if (len > S_OVERRIDES_MAX) {
        problems_addf(b->pr, "%s: container_overrides: the RunTask overrides of one task come to "
                      "%zu characters; ECS accepts at most %d (shorten the environment or move "
                      "it into the template)", p->job_source, len, S_OVERRIDES_MAX);
    }
    free(text);
    cJSON_Delete(req);
}

void
validate_plan(struct job_build *b)
{
    struct plan *p = b->plan;
    struct ctx_origins *o = &b->org;
    bool fargate = s_is_fargate(p);
    if (p->max_task_count > 0 && p->task_count > p->max_task_count) {
        problems_addf(b->pr, "%s: %d is more than the cluster's max_task_count %d (%s)",
                      s_or(o->task_count, "task_count (default)"), p->task_count,
                      p->max_task_count, s_or(o->max_task_count, "max_task_count"));
    }
    if (p->launch_type && p->capacity_provider_strategy) {
        problems_addf(b->pr, "%s: \"%s\" and %s both given: use one of launch_type and "
                      "capacity_provider_strategy", o->launch_type, p->launch_type, o->strategy);
    }
    s_sizes(b, fargate);
    if (p->gpu > 0 && fargate) {
        problems_addf(b->pr, "%s: %d GPUs asked for, but Fargate has no GPUs (%s)", o->gpu, p->gpu,
                      s_or(o->launch_type, o->strategy));
    }
    if (p->machine_type && fargate) {
        problems_addf(b->pr, "%s: \"%s\": Fargate does not choose instance types (%s)",
                      o->machine_type, p->machine_type, s_or(o->launch_type, o->strategy));
    }
    if (p->disk_gib > 0) {
        bool ec2 = p->launch_type && !fargate;
        if (ec2) {
            problems_addf(b->pr, "%s: %d GiB: ephemeral storage can be sized on Fargate only, not "
                          "on %s (%s)", o->disk, p->disk_gib, p->launch_type, o->launch_type);
        } else if (p->disk_gib < 21 || p->disk_gib > 200) {
            problems_addf(b->pr, "%s: %d GiB is out of range: Fargate ephemeral storage is 21 to "
                          "200 GiB", o->disk, p->disk_gib);
        }
    }
    if (p->taskdef) {
        /* every overridden container must exist, named where the override is written */
        const cJSON *defs = cJSON_GetObjectItemCaseSensitive(p->taskdef, "containerDefinitions");
        for (size_t l = 0; l < b->ncmd; l++) {
            const cJSON *list = cJSON_GetObjectItemCaseSensitive(b->cmd[l].obj, "container_overrides");
            const cJSON *ovl = cJSON_IsArray(list) ? list : NULL;
            size_t i = 0;
            const cJSON *ov;
            cJSON_ArrayForEach(ov, ovl)
            {
                size_t k = i++;
                const cJSON *name = cJSON_GetObjectItemCaseSensitive(ov, "name");
                if (!cJSON_IsString(name)) {
                    continue;
                }
                bool found = false;
                const cJSON *c;
                cJSON_ArrayForEach(c, defs)
                {
                    const cJSON *n = cJSON_GetObjectItemCaseSensitive(c, "name");
                    found = found || (cJSON_IsString(n) && strcmp(n->valuestring, name->valuestring) == 0);
                }
                if (!found) {
                    problems_addf(b->pr, "%s: %s.container_overrides[%zu].name: \"%s\" is not a "
                                  "container of the template %s", b->cmd[l].file, b->cmd[l].prefix,
                                  k, name->valuestring, p->taskdef_source);
                }
            }
        }
    }
    s_overrides_size(b);
}
