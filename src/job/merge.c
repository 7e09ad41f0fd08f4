/*
 * Precedence of SPEC §3: container_overrides merge by container name,
 * environment by variable name (later wins, first position kept), command
 * replaces; and the context's sizes and roles written into the template.
 */
#include "job/context.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "job/problems.h"
#include "job/yamljson.h"
#include "util/xalloc.h"

void
merge_env_set(struct plan_env **env, size_t *n, const char *name, const char *value)
{
    for (size_t i = 0; i < *n; i++) {
        if (strcmp((*env)[i].name, name) == 0) {
            free((*env)[i].value);
            (*env)[i].value = xstrdup(value);
            return;
        }
    }
    *env = xrealloc(*env, (*n + 1) * sizeof **env);
    (*env)[*n].name = xstrdup(name);
    (*env)[*n].value = xstrdup(value);
    (*n)++;
}

static struct plan_override *
s_override(struct plan *p, const char *name)
{
    for (size_t i = 0; i < p->noverrides; i++) {
        if (strcmp(p->overrides[i].name, name) == 0) {
            return &p->overrides[i];
        }
    }
    p->overrides = xrealloc(p->overrides, (p->noverrides + 1) * sizeof *p->overrides);
    struct plan_override *o = &p->overrides[p->noverrides++];
    memset(o, 0, sizeof *o);
    o->name = xstrdup(name);
    return o;
}

static bool
s_env_name_ok(const char *s)
{
    return s && s[0] && !strchr(s, '=');
}

/* environment: a list of {name, value}, or a mapping NAME: value. */
static void
s_environment(struct plan_override *o, const cJSON *env, const char *file, const char *path,
              struct job_problems *pr)
{
    char tmp[64];
    const cJSON *e;
    size_t i = 0;
    if (cJSON_IsObject(env)) {
        cJSON_ArrayForEach(e, env)
        {
            const char *value = yamljson_scalar_text(e, tmp, sizeof tmp);
            if (cJSON_IsNull(e)) {
                value = "";
            }
            if (!s_env_name_ok(e->string) || !value) {
                char *v = problems_value(e);
                problems_addf(pr, "%s: %s.environment.%s: %s must be a plain value", file, path,
                              e->string, v);
                free(v);
                continue;
            }
            merge_env_set(&o->env, &o->nenv, e->string, value);
        }
        return;
    }
    if (!cJSON_IsArray(env)) {
        char *v = problems_value(env);
        problems_addf(pr, "%s: %s.environment: %s must be a list of {name, value}", file, path, v);
        free(v);
        return;
    }
    cJSON_ArrayForEach(e, env)
    {
        size_t k = i++;
        const cJSON *name = cJSON_IsObject(e) ? cJSON_GetObjectItemCaseSensitive(e, "name") : NULL;
        const cJSON *val = cJSON_IsObject(e) ? cJSON_GetObjectItemCaseSensitive(e, "value") : NULL;
        const char *n = name && cJSON_IsString(name) ? name->valuestring : NULL;
        const char *value = yamljson_scalar_text(val, tmp, sizeof tmp);
        if (!val || cJSON_IsNull(val)) {
            value = "";
        }
        if (!s_env_name_ok(n)) {
            char *v = problems_value(cJSON_IsObject(e) ? name : e);
            problems_addf(pr, "%s: %s.environment[%zu].name: %s must be a variable name", file,
                          path, k, v);
            free(v);
            continue;
        }
        if (!value) {
            char *v = problems_value(val);
            problems_addf(pr, "%s: %s.environment[%zu].value: %s must be a plain value (%s)", file,
                          path, k, v, n);
            free(v);
            continue;
        }
        merge_env_set(&o->env, &o->nenv, n, value);
    }
}

void
merge_overrides(struct plan *p, const cJSON *list, const char *file, const char *path,
                struct job_problems *pr)
{
    if (!cJSON_IsArray(list)) {
        char *v = problems_value(list);
        problems_addf(pr, "%s: %s: %s must be a list of {name, command, environment}", file, path, v);
        free(v);
        return;
    }
    size_t i = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, list)
    {
        char *at = xasprintf("%s[%zu]", path, i++);
        const cJSON *name = cJSON_IsObject(e) ? cJSON_GetObjectItemCaseSensitive(e, "name") : NULL;
        if (!name || !cJSON_IsString(name) || !name->valuestring[0]) {
            char *v = problems_value(cJSON_IsObject(e) ? name : e);
            problems_addf(pr, "%s: %s.name: %s must be the name of a container", file, at, v);
            free(v);
            free(at);
            continue;
        }
        const cJSON *x;
        cJSON_ArrayForEach(x, e)
        {
            if (strcmp(x->string, "name") != 0 && strcmp(x->string, "command") != 0 &&
                strcmp(x->string, "environment") != 0) {
                problems_addf(pr, "%s: %s.%s: unknown field of a container override (name, "
                              "command, environment)", file, at, x->string);
            }
        }
        struct plan_override *o = s_override(p, name->valuestring);
        const cJSON *cmd = cJSON_GetObjectItemCaseSensitive(e, "command");
        if (cmd && !cJSON_IsNull(cmd)) {
            size_t n = cJSON_IsArray(cmd) ? (size_t)cJSON_GetArraySize(cmd) : 0;
            char **v = xcalloc(n + 1, sizeof *v);
            size_t k = 0;
            bool ok = cJSON_IsArray(cmd);
            const cJSON *c;
            char tmp[64];
            cJSON_ArrayForEach(c, cmd)
            {
                const char *s = yamljson_scalar_text(c, tmp, sizeof tmp);
                if (!s) {
                    ok = false;
                    break;
                }
                v[k++] = xstrdup(s);
            }
            if (!ok) {
                char *val = problems_value(cmd);
                problems_addf(pr, "%s: %s.command: %s must be a list of strings", file, at, val);
                free(val);
                for (size_t j = 0; j < k; j++) {
                    free(v[j]);
                }
                free(v);
            } else {
                for (size_t j = 0; j < o->ncommand; j++) {
                    free(o->command[j]);
                }
                free(o->command);
                o->command = v;
                o->ncommand = k;
            }
        }
        const cJSON *env = cJSON_GetObjectItemCaseSensitive(e, "environment");
        if (env && !cJSON_IsNull(env)) {
            s_environment(o, env, file, at, pr);
        }
        free(at);
    }
}

/* Set a member, keeping its place when it exists (the printed plan reads like the template). */
static void
s_set_string(cJSON *obj, const char *key, const char *value)
{
    if (cJSON_GetObjectItemCaseSensitive(obj, key)) {
        cJSON_ReplaceItemInObjectCaseSensitive(obj, key, cJSON_CreateString(value));
    } else {
        cJSON_AddStringToObject(obj, key, value);
    }
}

/* The task-level cpu and memory as ECS wants them: strings. */
static void
s_size(cJSON *td, const char *key, int value)
{
    char tmp[32];
    if (value > 0) {
        snprintf(tmp, sizeof tmp, "%d", value);
        s_set_string(td, key, tmp);
        return;
    }
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(td, key);
    if (cJSON_IsNumber(v)) {
        const char *s = yamljson_scalar_text(v, tmp, sizeof tmp);
        char *copy = xstrdup(s);
        s_set_string(td, key, copy);
        free(copy);
    }
}

void
merge_apply_template(struct plan *p)
{
    cJSON *td = p->taskdef;
    if (!td) {
        return;
    }
    s_size(td, "cpu", p->cpu);
    s_size(td, "memory", p->memory);
    if (p->execution_role_arn) {
        s_set_string(td, "executionRoleArn", p->execution_role_arn);
    }
    if (p->task_role_arn) {
        s_set_string(td, "taskRoleArn", p->task_role_arn);
    }
    if (p->disk_gib > 0) {
        cJSON *es = cJSON_CreateObject();
        cJSON_AddNumberToObject(es, "sizeInGiB", p->disk_gib);
        if (cJSON_GetObjectItemCaseSensitive(td, "ephemeralStorage")) {
            cJSON_ReplaceItemInObjectCaseSensitive(td, "ephemeralStorage", es);
        } else {
            cJSON_AddItemToObject(td, "ephemeralStorage", es);
        }
    }
    if (p->gpu > 0 && p->essential_container) {
        /* GPUs are a container resource: on the essential container, replacing any GPU entry */
        cJSON *c;
        cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(td, "containerDefinitions"))
        {
            const cJSON *name = cJSON_GetObjectItemCaseSensitive(c, "name");
            if (!cJSON_IsString(name) || strcmp(name->valuestring, p->essential_container) != 0) {
                continue;
            }
            cJSON *rr = cJSON_GetObjectItemCaseSensitive(c, "resourceRequirements");
            if (!cJSON_IsArray(rr)) {
                cJSON_DeleteItemFromObjectCaseSensitive(c, "resourceRequirements");
                rr = cJSON_AddArrayToObject(c, "resourceRequirements");
            }
            for (int i = cJSON_GetArraySize(rr); i-- > 0;) {
                const cJSON *type = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(rr, i), "type");
                if (cJSON_IsString(type) && strcmp(type->valuestring, "GPU") == 0) {
                    cJSON_DeleteItemFromArray(rr, i);
                }
            }
            char count[32];
            snprintf(count, sizeof count, "%d", p->gpu);
            cJSON *req = cJSON_CreateObject();
            cJSON_AddStringToObject(req, "type", "GPU");
            cJSON_AddStringToObject(req, "value", count);
            cJSON_AddItemToArray(rr, req);
            break;
        }
    }
}
