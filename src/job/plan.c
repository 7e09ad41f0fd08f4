/*
 * What a plan gives each task (SPEC §4): its name, every container's
 * environment (template, overrides, then the automatic variables with
 * TASK_NAME last) and command; and freeing a plan.
 */
#include "job/plan.h"

#include <stdlib.h>
#include <string.h>

#include "job/context.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

char *
plan_task_name(const struct plan *p, int index)
{
    return xasprintf("%s-job-%s-%d", p->task_name_prefix ? p->task_name_prefix : "ecsbatch",
                     p->job_id ? p->job_id : "", index);
}

/* The template's definition of a container, or NULL. */
static const cJSON *
s_container(const struct plan *p, const char *container)
{
    const cJSON *c;
    const cJSON *defs = cJSON_GetObjectItemCaseSensitive(p->taskdef, "containerDefinitions");
    cJSON_ArrayForEach(c, defs)
    {
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(c, "name");
        if (cJSON_IsString(n) && container && strcmp(n->valuestring, container) == 0) {
            return c;
        }
    }
    return NULL;
}

static const struct plan_override *
s_override(const struct plan *p, const char *container)
{
    for (size_t i = 0; container && i < p->noverrides; i++) {
        if (p->overrides[i].name && strcmp(p->overrides[i].name, container) == 0) {
            return &p->overrides[i];
        }
    }
    return NULL;
}

static void
s_env_remove(struct plan_env *env, size_t *n, const char *name)
{
    for (size_t i = 0; i < *n; i++) {
        if (strcmp(env[i].name, name) == 0) {
            free(env[i].name);
            free(env[i].value);
            memmove(&env[i], &env[i + 1], (*n - i - 1) * sizeof *env);
            (*n)--;
            return;
        }
    }
}

static void
s_env_append(struct plan_env **env, size_t *n, const char *name, char *value)
{
    s_env_remove(*env, n, name);
    *env = xrealloc(*env, (*n + 1) * sizeof **env);
    (*env)[*n].name = xstrdup(name);
    (*env)[*n].value = value;
    (*n)++;
}

struct plan_env *
plan_container_env(const struct plan *p, const char *container, int index, int attempt,
                   int64_t deadline_ms, size_t *out_n)
{
    struct plan_env *env = NULL;
    size_t n = 0;
    const cJSON *c = s_container(p, container);
    const cJSON *e;
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(c, "environment"))
    {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(e, "name");
        const cJSON *value = cJSON_GetObjectItemCaseSensitive(e, "value");
        if (cJSON_IsString(name)) {
            merge_env_set(&env, &n, name->valuestring,
                          cJSON_IsString(value) ? value->valuestring : "");
        }
    }
    const struct plan_override *o = s_override(p, container);
    for (size_t i = 0; o && i < o->nenv; i++) {
        merge_env_set(&env, &n, o->env[i].name, o->env[i].value);
    }
    char ts[40];
    s_env_append(&env, &n, "TASK_NUM", xasprintf("%d", index));
    s_env_append(&env, &n, "ECSBATCH_JOB_ID", xstrdup(p->job_id ? p->job_id : ""));
    s_env_append(&env, &n, "ECSBATCH_ATTEMPT", xasprintf("%d", attempt));
    s_env_append(&env, &n, "ECSBATCH_DEADLINE", xstrdup(timefmt_rfc3339(ts, sizeof ts, deadline_ms)));
    s_env_append(&env, &n, "TASK_NAME", plan_task_name(p, index));
    *out_n = n;
    return env;
}

void
plan_env_free(struct plan_env *env, size_t n)
{
    for (size_t i = 0; env && i < n; i++) {
        free(env[i].name);
        free(env[i].value);
    }
    free(env);
}

static void
s_argv_add(char ***v, size_t *n, const char *s)
{
    *v = xrealloc(*v, (*n + 2) * sizeof **v);
    (*v)[(*n)++] = xstrdup(s);
    (*v)[*n] = NULL;
}

char **
plan_container_argv(const struct plan *p, const char *container)
{
    char **v = NULL;
    size_t n = 0;
    const cJSON *c = s_container(p, container);
    const cJSON *s;
    cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(c, "entryPoint"))
    {
        if (cJSON_IsString(s)) {
            s_argv_add(&v, &n, s->valuestring);
        }
    }
    const struct plan_override *o = s_override(p, container);
    if (o && o->command) {
        for (size_t i = 0; i < o->ncommand; i++) {
            s_argv_add(&v, &n, o->command[i]);
        }
    } else {
        cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(c, "command"))
        {
            if (cJSON_IsString(s)) {
                s_argv_add(&v, &n, s->valuestring);
            }
        }
    }
    return v;
}

void
plan_argv_free(char **argv)
{
    for (size_t i = 0; argv && argv[i]; i++) {
        free(argv[i]);
    }
    free(argv);
}

static void
s_strv_free(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i]);
    }
    free(v);
}

void
plan_free(struct plan *p)
{
    if (!p) {
        return;
    }
    for (size_t i = 0; i < p->noverrides; i++) {
        struct plan_override *o = &p->overrides[i];
        free(o->name);
        s_strv_free(o->command, o->ncommand);
        plan_env_free(o->env, o->nenv);
    }
    free(p->overrides);
    char *strings[] = {p->job_id,          p->name,          p->version,
                       p->command_name,    p->cluster_entry, p->task_name_prefix,
                       p->machine_type,    p->taskdef_source, p->essential_container,
                       p->cluster_name,    p->launch_type,   p->region,
                       p->results,         p->execution_role_arn, p->task_role_arn,
                       p->catalogue_path,  p->job_source};
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++) {
        free(strings[i]);
    }
    cJSON_Delete(p->taskdef);
    cJSON_Delete(p->capacity_provider_strategy);
    s_strv_free(p->subnets, p->nsubnets);
    s_strv_free(p->security_groups, p->nsecurity_groups);
    free(p);
}
