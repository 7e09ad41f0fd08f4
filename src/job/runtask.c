/*
 * RunTask bodies (aws-facts §1.2), client tokens, the task-definition content
 * hash, and the plan document `validate` and `run --dry-run` print. Pure: no
 * I/O, no clock; what varies per attempt is passed in.
 */
#include "job/runtask.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/sha256.h>

#include "job/duration.h"
#include "util/jsonx.h"
#include "util/log.h"
#include "util/xalloc.h"

#define S_INHERITED "(inherited from the launcher's task)"

static void
s_hex(const unsigned char *d, size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex[d[i] >> 4];
        out[2 * i + 1] = hex[d[i] & 15];
    }
    out[2 * n] = '\0';
}

void
runtask_client_token(const struct plan *p, int index, int attempt, int launch_try, char out[65])
{
    /* Length-prefixed fields, so no two different inputs share a preimage. */
    char *in = xasprintf("ecsbatch-client-token/1|%zu:%s|%zu:%s|%d|%d|%d",
                         strlen(p->job_id ? p->job_id : ""), p->job_id ? p->job_id : "",
                         strlen(p->task_name_prefix ? p->task_name_prefix : ""),
                         p->task_name_prefix ? p->task_name_prefix : "", index, attempt, launch_try);
    unsigned char d[32];
    mbedtls_sha256((const unsigned char *)in, strlen(in), d, 0);
    free(in);
    /* 24 bytes = 48 hex characters: well within 64, 192 bits against collisions */
    char hex[65];
    s_hex(d, 24, hex);
    snprintf(out, 65, "eb-%s", hex);
}

/* A copy of item with every object's members sorted by name (arrays keep their order). */
static cJSON *
s_canonical(const cJSON *item)
{
    if (!item) {
        return cJSON_CreateNull();
    }
    if (cJSON_IsArray(item)) {
        cJSON *a = cJSON_CreateArray();
        const cJSON *e;
        cJSON_ArrayForEach(e, item)
        {
            cJSON_AddItemToArray(a, s_canonical(e));
        }
        return a;
    }
    if (!cJSON_IsObject(item)) {
        cJSON *c = cJSON_Duplicate(item, 0);
        if (!c) {
            abort();
        }
        return c;
    }
    size_t n = (size_t)cJSON_GetArraySize(item);
    const cJSON **v = xcalloc(n ? n : 1, sizeof *v); /* NOLINT(bugprone-sizeof-expression) */
    size_t k = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, item)
    {
        /* insertion sort: objects here are small */
        size_t j = k++;
        while (j > 0 && strcmp(v[j - 1]->string, e->string) > 0) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = e;
    }
    cJSON *o = cJSON_CreateObject();
    for (size_t i = 0; i < k; i++) {
        cJSON_AddItemToObject(o, v[i]->string, s_canonical(v[i]));
    }
    free(v);
    return o;
}

void
runtask_taskdef_hash(const struct plan *p, char out[65])
{
    cJSON *c = s_canonical(p->taskdef);
    char *text = cJSON_PrintUnformatted(c);
    if (!text) {
        abort();
    }
    unsigned char d[32];
    mbedtls_sha256((const unsigned char *)text, strlen(text), d, 0);
    s_hex(d, 32, out);
    free(text);
    cJSON_Delete(c);
}

static cJSON *
s_strings(const char *const *v, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++) {
        cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
    }
    return a;
}

static void
s_add_int_string(cJSON *obj, const char *key, int v)
{
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%d", v);
    cJSON_AddStringToObject(obj, key, tmp);
}

/* Container names the overrides are written for: the template's, else the plan's overrides
 * (taskdef_self), else those the context knows. */
static size_t
s_containers(const struct plan *p, const struct runtask_context *ctx, const char ***out)
{
    const cJSON *defs = p->taskdef ? cJSON_GetObjectItemCaseSensitive(p->taskdef, "containerDefinitions")
                                   : NULL;
    size_t n = 0;
    const char **v = NULL;
    if (defs) {
        const cJSON *c;
        cJSON_ArrayForEach(c, defs)
        {
            const cJSON *name = cJSON_GetObjectItemCaseSensitive(c, "name");
            if (cJSON_IsString(name)) {
                v = xrealloc(v, (n + 1) * sizeof *v);
                v[n++] = name->valuestring;
            }
        }
    } else if (ctx && ctx->ncontainers > 0) {
        for (size_t i = 0; i < ctx->ncontainers; i++) {
            v = xrealloc(v, (n + 1) * sizeof *v);
            v[n++] = ctx->containers[i];
        }
    } else {
        for (size_t i = 0; i < p->noverrides; i++) {
            v = xrealloc(v, (n + 1) * sizeof *v);
            v[n++] = p->overrides[i].name;
        }
        if (n == 0 && p->essential_container) {
            v = xrealloc(v, sizeof *v);
            v[n++] = p->essential_container;
        }
    }
    *out = v;
    return n;
}

static cJSON *
s_container_override(const struct plan *p, const char *name, int index, int attempt,
                     int64_t deadline_ms, bool mask)
{
    cJSON *co = cJSON_CreateObject();
    cJSON_AddStringToObject(co, "name", name);
    for (size_t i = 0; i < p->noverrides; i++) {
        const struct plan_override *o = &p->overrides[i];
        if (strcmp(o->name, name) == 0 && o->command) {
            cJSON_AddItemToObject(co, "command",
                                  s_strings((const char *const *)o->command, o->ncommand));
        }
    }
    size_t n = 0;
    struct plan_env *env = plan_container_env(p, name, index, attempt, deadline_ms, &n);
    cJSON *arr = cJSON_AddArrayToObject(co, "environment");
    for (size_t i = 0; i < n; i++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "name", env[i].name);
        cJSON_AddStringToObject(e, "value",
                                mask && log_is_secret_name(env[i].name) ? LOG_MASK : env[i].value);
        cJSON_AddItemToArray(arr, e);
    }
    plan_env_free(env, n);
    if (p->gpu > 0 && p->essential_container && strcmp(name, p->essential_container) == 0) {
        cJSON *rr = cJSON_AddArrayToObject(co, "resourceRequirements");
        cJSON *r = cJSON_CreateObject();
        cJSON_AddStringToObject(r, "type", "GPU");
        s_add_int_string(r, "value", p->gpu);
        cJSON_AddItemToArray(rr, r);
    }
    return co;
}

/* launchType or capacityProviderStrategy for a launch type name (aws-facts §1.2: Fargate Spot
 * only through a strategy). */
static void
s_launch(cJSON *req, const char *launch_type)
{
    if (strcmp(launch_type, "FARGATE_SPOT") == 0) {
        cJSON *s = cJSON_AddArrayToObject(req, "capacityProviderStrategy");
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "capacityProvider", "FARGATE_SPOT");
        cJSON_AddNumberToObject(e, "weight", 1);
        cJSON_AddItemToArray(s, e);
    } else {
        cJSON_AddStringToObject(req, "launchType", launch_type);
    }
}

static bool
s_is_fargate_type(const char *lt)
{
    return lt && strncmp(lt, "FARGATE", 7) == 0;
}

cJSON *
runtask_request(const struct plan *p, const struct runtask_context *ctx, int index, int attempt,
                int launch_try, int64_t deadline_ms)
{
    cJSON *req = cJSON_CreateObject();
    const char *cluster = p->cluster_name ? p->cluster_name : ctx ? ctx->cluster : NULL;
    if (cluster) {
        cJSON_AddStringToObject(req, "cluster", cluster);
    }
    cJSON_AddStringToObject(req, "taskDefinition", ctx && ctx->task_definition
                                                       ? ctx->task_definition
                                                       : "(registered at run time)");
    cJSON_AddNumberToObject(req, "count", 1);
    char *name = plan_task_name(p, index);
    cJSON_AddStringToObject(req, "startedBy", name);
    free(name);
    char token[65];
    runtask_client_token(p, index, attempt, launch_try, token);
    cJSON_AddStringToObject(req, "clientToken", token);

    const char *lt = NULL;
    if (p->capacity_provider_strategy) {
        cJSON_AddItemToObject(req, "capacityProviderStrategy",
                              cJSON_Duplicate(p->capacity_provider_strategy, 1));
    } else if (p->launch_type) {
        lt = p->launch_type;
        s_launch(req, lt);
    } else if (ctx && ctx->launch_type) {
        lt = ctx->launch_type;
        s_launch(req, lt);
    }

    size_t nsub = p->nsubnets, nsg = p->nsecurity_groups;
    const char *const *sub = (const char *const *)p->subnets;
    const char *const *sg = (const char *const *)p->security_groups;
    if (nsub == 0 && ctx) {
        sub = ctx->subnets;
        nsub = ctx->nsubnets;
    }
    if (nsg == 0 && ctx) {
        sg = ctx->security_groups;
        nsg = ctx->nsecurity_groups;
    }
    int public_ip = p->assign_public_ip >= 0 ? p->assign_public_ip : ctx ? ctx->assign_public_ip : -1;
    if (nsub > 0) {
        cJSON *nc = cJSON_AddObjectToObject(req, "networkConfiguration");
        cJSON *aws = cJSON_AddObjectToObject(nc, "awsvpcConfiguration");
        cJSON_AddItemToObject(aws, "subnets", s_strings(sub, nsub));
        if (nsg > 0) {
            cJSON_AddItemToObject(aws, "securityGroups", s_strings(sg, nsg));
        }
        if (public_ip >= 0) {
            cJSON_AddStringToObject(aws, "assignPublicIp", public_ip ? "ENABLED" : "DISABLED");
        }
    }
    if (p->machine_type && !s_is_fargate_type(lt)) {
        cJSON *pc = cJSON_AddArrayToObject(req, "placementConstraints");
        cJSON *c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "type", "memberOf");
        char *expr = xasprintf("attribute:ecs.instance-type == %s", p->machine_type);
        cJSON_AddStringToObject(c, "expression", expr);
        free(expr);
        cJSON_AddItemToArray(pc, c);
    }

    cJSON *ov = cJSON_AddObjectToObject(req, "overrides");
    if (p->cpu > 0) {
        s_add_int_string(ov, "cpu", p->cpu);
    }
    if (p->memory > 0) {
        s_add_int_string(ov, "memory", p->memory);
    }
    if (p->disk_gib > 0) {
        cJSON *es = cJSON_AddObjectToObject(ov, "ephemeralStorage");
        cJSON_AddNumberToObject(es, "sizeInGiB", p->disk_gib);
    }
    if (p->execution_role_arn) {
        cJSON_AddStringToObject(ov, "executionRoleArn", p->execution_role_arn);
    }
    if (p->task_role_arn) {
        cJSON_AddStringToObject(ov, "taskRoleArn", p->task_role_arn);
    }
    cJSON *cos = cJSON_AddArrayToObject(ov, "containerOverrides");
    const char **names = NULL;
    size_t n = s_containers(p, ctx, &names);
    for (size_t i = 0; i < n; i++) {
        cJSON_AddItemToArray(cos, s_container_override(p, names[i], index, attempt, deadline_ms,
                                                       ctx && ctx->mask_secrets));
    }
    free(names);

    cJSON *tags = cJSON_AddArrayToObject(req, "tags");
    char num[32];
    const char *keys[3] = {"ecsbatch:job-id", "ecsbatch:task-index", "ecsbatch:attempt"};
    for (int i = 0; i < 3; i++) {
        cJSON *t = cJSON_CreateObject();
        cJSON_AddStringToObject(t, "key", keys[i]);
        if (i == 0) {
            cJSON_AddStringToObject(t, "value", p->job_id ? p->job_id : "");
        } else {
            snprintf(num, sizeof num, "%d", i == 1 ? index : attempt);
            cJSON_AddStringToObject(t, "value", num);
        }
        cJSON_AddItemToArray(tags, t);
    }
    return req;
}

/* --- the plan document --------------------------------------------------------------------- */

static void
s_add_duration(cJSON *obj, const char *key, int64_t ms)
{
    char tmp[48];
    cJSON_AddStringToObject(obj, key, duration_format(tmp, sizeof tmp, ms));
}

static void
s_add_opt_int(cJSON *obj, const char *key, int v)
{
    if (v > 0) {
        cJSON_AddNumberToObject(obj, key, v);
    } else {
        cJSON_AddNullToObject(obj, key);
    }
}

static void
s_add_or(cJSON *obj, const char *key, const char *v, const char *dflt)
{
    if (v) {
        cJSON_AddStringToObject(obj, key, v);
    } else if (dflt) {
        cJSON_AddStringToObject(obj, key, dflt);
    } else {
        cJSON_AddNullToObject(obj, key);
    }
}

/* Mask secret-looking values of every environment list under item. */
static void
s_mask(cJSON *item)
{
    cJSON *e;
    if (cJSON_IsObject(item)) {
        cJSON *env = cJSON_GetObjectItemCaseSensitive(item, "environment");
        const cJSON *env_list = cJSON_IsArray(env) ? env : NULL;
        cJSON_ArrayForEach(e, env_list)
        {
            cJSON *name = cJSON_GetObjectItemCaseSensitive(e, "name");
            if (cJSON_IsString(name) && log_is_secret_name(name->valuestring) &&
                cJSON_GetObjectItemCaseSensitive(e, "value")) {
                cJSON_ReplaceItemInObjectCaseSensitive(e, "value", cJSON_CreateString(LOG_MASK));
            }
        }
    }
    cJSON_ArrayForEach(e, item)
    {
        s_mask(e);
    }
}

/* ECSBATCH_DEADLINE is only known at launch: say so instead of a made-up time. */
static void
s_deadline_text(cJSON *req, const char *text)
{
    cJSON *co;
    cJSON_ArrayForEach(co, cJSON_GetObjectItemCaseSensitive(
                               cJSON_GetObjectItemCaseSensitive(req, "overrides"), "containerOverrides"))
    {
        cJSON *e;
        cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(co, "environment"))
        {
            cJSON *name = cJSON_GetObjectItemCaseSensitive(e, "name");
            if (cJSON_IsString(name) && strcmp(name->valuestring, "ECSBATCH_DEADLINE") == 0) {
                cJSON_ReplaceItemInObjectCaseSensitive(e, "value", cJSON_CreateString(text));
            }
        }
    }
}

cJSON *
runtask_plan_document(const struct plan *p, const struct runtask_context *ctx)
{
    struct runtask_context c;
    memset(&c, 0, sizeof c);
    c.assign_public_ip = -1;
    if (ctx) {
        c = *ctx;
    }
    c.mask_secrets = true;

    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "schema", "ecsbatch.plan/1");
    s_add_or(doc, "job_id", p->job_id, NULL);
    s_add_or(doc, "name", p->name, NULL);
    s_add_or(doc, "version", p->version, NULL);
    s_add_or(doc, "job_source", p->job_source, NULL);
    s_add_or(doc, "catalogue", p->catalogue_path, NULL);
    s_add_or(doc, "command", p->command_name, NULL);
    s_add_or(doc, "cluster", p->cluster_entry, NULL);

    cJSON *cc = cJSON_AddObjectToObject(doc, "context");
    s_add_or(cc, "task_definition_template", p->taskdef_source, NULL);
    cJSON_AddNumberToObject(cc, "task_count", p->task_count);
    s_add_duration(cc, "polling_interval", p->polling_interval_ms);
    s_add_duration(cc, "timeout", p->timeout_ms);
    s_add_duration(cc, "status_interval", p->status_interval_ms);
    cJSON_AddNumberToObject(cc, "max_fail_count", p->max_fail_count);
    cJSON_AddNumberToObject(cc, "max_spot_attempts", p->max_spot_attempts);
    s_add_opt_int(cc, "cpu", p->cpu);
    s_add_opt_int(cc, "memory", p->memory);
    s_add_opt_int(cc, "gpu", p->gpu);
    s_add_opt_int(cc, "disk", p->disk_gib);
    s_add_or(cc, "machine_type", p->machine_type, NULL);
    static const char *const fetch[] = {"failed", "all", "none"};
    cJSON_AddStringToObject(cc, "log_fetch", fetch[p->log_fetch]);
    s_add_or(cc, "task_name_prefix", p->task_name_prefix, "ecsbatch");
    cJSON *ovs = cJSON_AddArrayToObject(cc, "container_overrides");
    for (size_t i = 0; i < p->noverrides; i++) {
        const struct plan_override *o = &p->overrides[i];
        cJSON *jo = cJSON_CreateObject();
        cJSON_AddStringToObject(jo, "name", o->name);
        if (o->command) {
            cJSON_AddItemToObject(jo, "command", s_strings((const char *const *)o->command, o->ncommand));
        }
        cJSON *env = cJSON_AddArrayToObject(jo, "environment");
        for (size_t k = 0; k < o->nenv; k++) {
            cJSON *e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "name", o->env[k].name);
            cJSON_AddStringToObject(e, "value", o->env[k].value);
            cJSON_AddItemToArray(env, e);
        }
        cJSON_AddItemToArray(ovs, jo);
    }

    cJSON *cl = cJSON_AddObjectToObject(doc, "cluster_context");
    s_add_or(cl, "cluster_name", p->cluster_name ? p->cluster_name : c.cluster, S_INHERITED);
    if (p->capacity_provider_strategy) {
        cJSON_AddItemToObject(cl, "capacity_provider_strategy",
                              cJSON_Duplicate(p->capacity_provider_strategy, 1));
    } else {
        s_add_or(cl, "launch_type", p->launch_type ? p->launch_type : c.launch_type, S_INHERITED);
    }
    cJSON *vpc = cJSON_AddObjectToObject(cl, "vpc_config");
    if (p->nsubnets || c.nsubnets) {
        cJSON_AddItemToObject(vpc, "subnets", p->nsubnets ? s_strings((const char *const *)p->subnets, p->nsubnets)
                                                          : s_strings(c.subnets, c.nsubnets));
    } else {
        cJSON_AddStringToObject(vpc, "subnets", S_INHERITED);
    }
    if (p->nsecurity_groups || c.nsecurity_groups) {
        cJSON_AddItemToObject(vpc, "security_groups",
                              p->nsecurity_groups
                                  ? s_strings((const char *const *)p->security_groups, p->nsecurity_groups)
                                  : s_strings(c.security_groups, c.nsecurity_groups));
    } else {
        cJSON_AddStringToObject(vpc, "security_groups", S_INHERITED);
    }
    int ip = p->assign_public_ip >= 0 ? p->assign_public_ip : c.assign_public_ip;
    s_add_or(vpc, "assign_public_ip", ip < 0 ? NULL : ip ? "ENABLED" : "DISABLED", S_INHERITED);
    s_add_or(cl, "region", p->region, S_INHERITED);
    s_add_or(cl, "results", p->results, NULL);
    s_add_or(cl, "execution_role_arn", p->execution_role_arn, NULL);
    s_add_or(cl, "task_role_arn", p->task_role_arn, NULL);
    s_add_opt_int(cl, "max_cpu", p->max_cpu);
    s_add_opt_int(cl, "max_memory", p->max_memory);
    s_add_opt_int(cl, "max_task_count", p->max_task_count);

    if (p->taskdef) {
        cJSON *td = cJSON_Duplicate(p->taskdef, 1);
        s_mask(td);
        cJSON_AddItemToObject(doc, "task_definition", td);
        char hash[65];
        runtask_taskdef_hash(p, hash);
        cJSON_AddStringToObject(doc, "task_definition_hash", hash);
    } else {
        cJSON_AddStringToObject(doc, "task_definition", "(the launcher's own task definition)");
    }
    s_add_or(doc, "essential_container", p->essential_container, NULL);

    char deadline[96];
    char tmp[48];
    snprintf(deadline, sizeof deadline, "(set at launch: the job's start + %s)",
             duration_format(tmp, sizeof tmp, p->timeout_ms));
    cJSON *tasks = cJSON_AddArrayToObject(doc, "tasks");
    for (int i = 0; i < p->task_count; i++) {
        cJSON *t = cJSON_CreateObject();
        cJSON_AddNumberToObject(t, "index", i);
        char *name = plan_task_name(p, i);
        cJSON_AddStringToObject(t, "task_name", name);
        free(name);
        cJSON *req = runtask_request(p, &c, i, 1, 1, 0);
        s_deadline_text(req, deadline);
        if (!cJSON_GetObjectItemCaseSensitive(req, "cluster")) {
            cJSON_AddStringToObject(req, "cluster", S_INHERITED);
        }
        if (!cJSON_GetObjectItemCaseSensitive(req, "launchType") &&
            !cJSON_GetObjectItemCaseSensitive(req, "capacityProviderStrategy")) {
            cJSON_AddStringToObject(req, "launchType", S_INHERITED);
        }
        if (!cJSON_GetObjectItemCaseSensitive(req, "networkConfiguration")) {
            cJSON_AddStringToObject(req, "networkConfiguration", S_INHERITED);
        }
        cJSON_AddItemToObject(t, "run_task", req);
        cJSON_AddItemToArray(tasks, t);
    }
    s_mask(doc);
    return doc;
}
