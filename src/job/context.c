/*
 * The command and cluster contexts of SPEC §3 → struct plan. Each field is
 * looked up in the job's context first, then in the command's; values are
 * type- and range-checked here, cross-field rules live in validate.c.
 */
#include "job/context.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "job/catalogue.h"
#include "job/duration.h"
#include "job/problems.h"
#include "job/source.h"
#include "job/yamljson.h"
#include "util/xalloc.h"

static const char *const s_command_keys[] = {
    "task_definition_template", "task_count", "container_overrides", "polling_interval",
    "timeout", "max_fail_count", "cpu", "memory", "max_spot_attempts", "gpu", "disk",
    "machine_type", "log_fetch", "status_interval", "task_name_prefix", NULL};

static const char *const s_cluster_keys[] = {
    "cluster_name", "max_cpu", "max_memory", "max_task_count", "execution_role_arn",
    "task_role_arn", "launch_type", "capacity_provider_strategy", "vpc_config", "region",
    "results", NULL};

/* Members of a task definition that DescribeTaskDefinition returns but Register refuses. */
static const char *const s_read_only[] = {
    "taskDefinitionArn", "revision", "status", "requiresAttributes", "compatibilities",
    "registeredAt", "registeredBy", "deregisteredAt", NULL};

/* A field found in a layer. */
struct s_found {
    const cJSON *v;              /* NULL when no layer has it (or only null) */
    const struct ctx_layer *at;  /* its layer */
};

static struct s_found
s_find(const struct ctx_layer *layers, size_t n, const char *key)
{
    struct s_found f = {NULL, NULL};
    for (size_t i = 0; i < n; i++) {
        const cJSON *v = layers[i].obj ? cJSON_GetObjectItemCaseSensitive(layers[i].obj, key) : NULL;
        if (v && !cJSON_IsNull(v)) {
            f.v = v;
            f.at = &layers[i];
            return f;
        }
    }
    return f;
}

static void
s_bad(struct job_build *b, const struct s_found *f, const char *key, const char *what)
{
    if (!f->at) {
        return;
    }
    char *v = problems_value(f->v);
    problems_addf(b->pr, "%s: %s.%s: %s %s", f->at->file, f->at->prefix, key, v, what);
    free(v);
}

static char *
s_origin(const struct s_found *f, const char *key)
{
    if (!f->at) {
        return NULL;
    }
    return xasprintf("%s: %s.%s", f->at->file, f->at->prefix, key);
}

/* An integer (a number without fraction, or a string of digits, as YAML authors quote). */
static int
s_as_int(const cJSON *v, long long *out)
{
    if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        if (d != floor(d) || fabs(d) > 1e15) {
            return -1;
        }
        *out = (long long)d;
        return 0;
    }
    if (cJSON_IsString(v) && v->valuestring[0]) {
        char *end = NULL;
        long long x = strtoll(v->valuestring, &end, 10);
        if (*end || !isdigit((unsigned char)v->valuestring[v->valuestring[0] == '-'])) {
            return -1;
        }
        *out = x;
        return 0;
    }
    return -1;
}

/* Read an integer in [min, max]; returns true when the field was present and valid. */
static bool
s_int(struct job_build *b, const struct ctx_layer *layers, size_t n, const char *key, long long min,
      long long max, int *out, char **origin)
{
    struct s_found f = s_find(layers, n, key);
    if (!f.v) {
        return false;
    }
    long long x;
    if (s_as_int(f.v, &x) != 0) {
        s_bad(b, &f, key, "must be an integer");
        return false;
    }
    if (x < min || x > max) {
        char what[96];
        if (max == INT32_MAX) {
            snprintf(what, sizeof what, "must be %lld or more", min);
        } else {
            snprintf(what, sizeof what, "must be between %lld and %lld", min, max);
        }
        s_bad(b, &f, key, what);
        return false;
    }
    *out = (int)x;
    if (origin) {
        free(*origin);
        *origin = s_origin(&f, key);
    }
    return true;
}

static bool
s_string(struct job_build *b, const struct ctx_layer *layers, size_t n, const char *key, char **out)
{
    struct s_found f = s_find(layers, n, key);
    if (!f.v) {
        return false;
    }
    if (!cJSON_IsString(f.v) || !f.v->valuestring[0]) {
        s_bad(b, &f, key, "must be a non-empty string");
        return false;
    }
    free(*out);
    *out = xstrdup(f.v->valuestring);
    return true;
}

static void
s_duration(struct job_build *b, const char *key, int64_t *out)
{
    struct s_found f = s_find(b->cmd, b->ncmd, key);
    if (!f.v) {
        return;
    }
    int64_t ms;
    if (!cJSON_IsString(f.v) || duration_parse(f.v->valuestring, &ms) != 0) {
        s_bad(b, &f, key, DURATION_HINT);
        return;
    }
    if (ms <= 0) {
        s_bad(b, &f, key, "must be longer than 0s");
        return;
    }
    *out = ms;
}

static void
s_unknown_keys(struct job_build *b, const struct ctx_layer *l, const char *const *known,
               const char *what)
{
    if (!l->obj) {
        return;
    }
    const cJSON *e;
    cJSON_ArrayForEach(e, l->obj)
    {
        bool ok = false;
        for (const char *const *k = known; *k && !ok; k++) {
            ok = strcmp(e->string, *k) == 0;
        }
        if (!ok) {
            problems_addf(b->pr, "%s: %s.%s: unknown field of a %s context", l->file, l->prefix,
                          e->string, what);
        }
    }
}

int
context_task_size(const cJSON *v, bool is_cpu)
{
    if (cJSON_IsNumber(v)) {
        return v->valuedouble > 0 && v->valuedouble < 1e9 ? (int)v->valuedouble : 0;
    }
    if (!cJSON_IsString(v)) {
        return 0;
    }
    char *end = NULL;
    double d = strtod(v->valuestring, &end);
    if (end == v->valuestring || !(d > 0 && d < 1e9)) {
        return 0;
    }
    while (*end == ' ') {
        end++;
    }
    if (!*end) {
        return d == floor(d) ? (int)d : 0;
    }
    if (is_cpu && strcasecmp(end, "vcpu") == 0) {
        return (int)(d * 1024);
    }
    if (!is_cpu && strcasecmp(end, "gb") == 0) {
        return (int)(d * 1024);
    }
    return 0;
}

/* --- the task-definition template ---------------------------------------------------------- */

static cJSON *
s_template_normalise(cJSON *td)
{
    cJSON *inner = cJSON_IsObject(td) ? cJSON_GetObjectItemCaseSensitive(td, "taskDefinition") : NULL;
    if (cJSON_IsObject(inner) && !cJSON_GetObjectItemCaseSensitive(td, "containerDefinitions")) {
        /* a DescribeTaskDefinition answer: keep its taskDefinition */
        inner = cJSON_DetachItemViaPointer(td, inner);
        cJSON_Delete(td);
        td = inner;
    }
    for (const char *const *k = s_read_only; cJSON_IsObject(td) && *k; k++) {
        cJSON_DeleteItemFromObjectCaseSensitive(td, *k);
    }
    return td;
}

static void
s_template(struct job_build *b)
{
    struct plan *p = b->plan;
    struct s_found f = s_find(b->cmd, b->ncmd, "task_definition_template");
    if (!f.v) {
        const struct ctx_layer *l = &b->cmd[b->ncmd - 1];
        problems_addf(b->pr,
                      "%s: %s.task_definition_template: missing (a path, an s3:// URI, an inline "
                      "task definition or self)",
                      l->file, l->prefix);
        return;
    }
    b->org.template = s_origin(&f, "task_definition_template");
    cJSON *td = NULL;
    if (cJSON_IsString(f.v) && strcmp(f.v->valuestring, "self") == 0) {
        p->taskdef_self = true;
        p->taskdef_source = xstrdup("self");
        return;
    }
    if (cJSON_IsObject(f.v)) {
        td = cJSON_Duplicate(f.v, 1);
        p->taskdef_source = xstrdup(b->org.template);
    } else if (cJSON_IsString(f.v) && f.v->valuestring[0] && strcmp(f.v->valuestring, "-") != 0) {
        p->taskdef_source = source_resolve(f.at->base, f.v->valuestring);
        struct eb_buf text = EB_BUF_INIT;
        struct eb_error err;
        err_clear(&err);
        if (source_read(p->taskdef_source, NULL, &text, &err) != EB_OK) {
            problems_addf(b->pr, "%s: %s (the task_definition_template)", b->org.template, err.msg);
        } else {
            td = yamljson_parse(text.ptr ? text.ptr : "", text.len, p->taskdef_source, &err);
            if (!td) {
                problems_addf(b->pr, "%s", err.msg);
            }
        }
        buf_cleanup(&text);
    } else {
        s_bad(b, &f, "task_definition_template",
              "must be a path, an s3:// URI, an inline task definition or self");
        return;
    }
    if (!td) {
        return;
    }
    td = s_template_normalise(td);
    size_t before = b->pr->n;
    validate_taskdef(td, p->taskdef_source, b->pr, &p->essential_container);
    if (b->pr->n != before) {
        cJSON_Delete(td);
        return;
    }
    p->taskdef = td;
    const cJSON *cpu = cJSON_GetObjectItemCaseSensitive(td, "cpu");
    const cJSON *mem = cJSON_GetObjectItemCaseSensitive(td, "memory");
    b->tmpl_cpu = cpu ? context_task_size(cpu, true) : 0;
    b->tmpl_memory = mem ? context_task_size(mem, false) : 0;
    if (b->tmpl_cpu) {
        b->org.template_cpu = xasprintf("%s: cpu", p->taskdef_source);
    }
    if (b->tmpl_memory) {
        b->org.template_memory = xasprintf("%s: memory", p->taskdef_source);
    }
}

/* --- the cluster context ------------------------------------------------------------------- */

static char **
s_strv(const char *const *v, size_t n)
{
    char **out = xcalloc(n + 1, sizeof *out);
    for (size_t i = 0; i < n; i++) {
        out[i] = xstrdup(v[i]);
    }
    return out;
}

static void
s_vpc(struct job_build *b, const struct ctx_layer *l)
{
    struct plan *p = b->plan;
    struct s_found f = s_find(l, 1, "vpc_config");
    if (!f.v) {
        return;
    }
    if (!cJSON_IsObject(f.v)) {
        s_bad(b, &f, "vpc_config", "must be a mapping (subnets, security_groups, assign_public_ip)");
        return;
    }
    struct ctx_layer sub = {f.v, l->file, l->base, xasprintf("%s.vpc_config", l->prefix)};
    static const char *const keys[] = {"subnets", "security_groups", "assign_public_ip", NULL};
    const cJSON *e;
    cJSON_ArrayForEach(e, f.v)
    {
        bool ok = false;
        for (const char *const *k = keys; *k && !ok; k++) {
            ok = strcmp(e->string, *k) == 0;
        }
        if (!ok) {
            problems_addf(b->pr, "%s: %s.%s: unknown field of vpc_config", l->file, sub.prefix,
                          e->string);
        }
    }
    const char *lists[2] = {"subnets", "security_groups"};
    for (int i = 0; i < 2; i++) {
        struct s_found g = s_find(&sub, 1, lists[i]);
        const char **v = NULL;
        size_t n = 0;
        if (!g.v) {
            continue;
        }
        if (catalogue_strings(g.v, &v, &n) != 0) {
            s_bad(b, &g, lists[i], "must be a list of strings");
            continue;
        }
        if (i == 0) {
            p->subnets = s_strv(v, n);
            p->nsubnets = n;
        } else {
            p->security_groups = s_strv(v, n);
            p->nsecurity_groups = n;
        }
        free(v);
    }
    struct s_found g = s_find(&sub, 1, "assign_public_ip");
    if (g.v) {
        if (cJSON_IsBool(g.v)) {
            p->assign_public_ip = cJSON_IsTrue(g.v) ? 1 : 0;
        } else if (cJSON_IsString(g.v) && strcasecmp(g.v->valuestring, "ENABLED") == 0) {
            p->assign_public_ip = 1;
        } else if (cJSON_IsString(g.v) && strcasecmp(g.v->valuestring, "DISABLED") == 0) {
            p->assign_public_ip = 0;
        } else {
            s_bad(b, &g, "assign_public_ip", "must be true, false, ENABLED or DISABLED");
        }
    }
    free(sub.prefix);
}

static void
s_strategy(struct job_build *b, const struct ctx_layer *l)
{
    struct s_found f = s_find(l, 1, "capacity_provider_strategy");
    if (!f.v) {
        return;
    }
    b->org.strategy = s_origin(&f, "capacity_provider_strategy");
    int n = cJSON_IsArray(f.v) ? cJSON_GetArraySize(f.v) : 0;
    if (n < 1 || n > 20) {
        s_bad(b, &f, "capacity_provider_strategy",
              "must be a list of 1 to 20 {capacityProvider, weight, base}");
        return;
    }
    cJSON *out = cJSON_CreateArray();
    int i = 0;
    const cJSON *e;
    bool ok = true;
    cJSON_ArrayForEach(e, f.v)
    {
        char *path = xasprintf("%s.capacity_provider_strategy[%d]", l->prefix, i++);
        struct ctx_layer sub = {e, l->file, l->base, path};
        const cJSON *name = cJSON_IsObject(e) ? cJSON_GetObjectItemCaseSensitive(e, "capacityProvider")
                                              : NULL;
        if (cJSON_IsObject(e) && !name) {
            name = cJSON_GetObjectItemCaseSensitive(e, "capacity_provider");
        }
        if (!name || !cJSON_IsString(name) || !name->valuestring[0]) {
            char *v = problems_value(e);
            problems_addf(b->pr, "%s: %s: %s must have a capacityProvider name", l->file, path, v);
            free(v);
            ok = false;
            free(path);
            continue;
        }
        cJSON *item = cJSON_CreateObject();
        cJSON_AddStringToObject(item, "capacityProvider", name->valuestring);
        int weight = 0, base = 0;
        if (s_int(b, &sub, 1, "weight", 0, 1000, &weight, NULL)) {
            cJSON_AddNumberToObject(item, "weight", weight);
        } else if (cJSON_GetObjectItemCaseSensitive(e, "weight")) {
            ok = false;
        } else {
            cJSON_AddNumberToObject(item, "weight", 1);
        }
        if (s_int(b, &sub, 1, "base", 0, 100000, &base, NULL)) {
            cJSON_AddNumberToObject(item, "base", base);
        } else if (cJSON_GetObjectItemCaseSensitive(e, "base")) {
            ok = false;
        }
        cJSON_AddItemToArray(out, item);
        free(path);
    }
    if (!ok) {
        cJSON_Delete(out);
        return;
    }
    b->plan->capacity_provider_strategy = out;
}

static void
s_cluster(struct job_build *b)
{
    struct plan *p = b->plan;
    const struct ctx_layer *l = &b->cluster;
    s_unknown_keys(b, l, s_cluster_keys, "cluster");
    s_string(b, l, 1, "cluster_name", &p->cluster_name);
    s_int(b, l, 1, "max_cpu", 0, INT32_MAX, &p->max_cpu, &b->org.max_cpu);
    s_int(b, l, 1, "max_memory", 0, INT32_MAX, &p->max_memory, &b->org.max_memory);
    s_int(b, l, 1, "max_task_count", 0, INT32_MAX, &p->max_task_count, &b->org.max_task_count);
    s_string(b, l, 1, "execution_role_arn", &p->execution_role_arn);
    s_string(b, l, 1, "task_role_arn", &p->task_role_arn);
    s_string(b, l, 1, "region", &p->region);
    s_string(b, l, 1, "results", &p->results);
    struct s_found f = s_find(l, 1, "launch_type");
    if (f.v) {
        static const char *const types[] = {"FARGATE", "FARGATE_SPOT", "EC2", "MANAGED_INSTANCES",
                                            NULL};
        const char *match = NULL;
        for (const char *const *t = types; cJSON_IsString(f.v) && *t && !match; t++) {
            if (strcasecmp(f.v->valuestring, *t) == 0) {
                match = *t;
            }
        }
        if (match) {
            p->launch_type = xstrdup(match);
            b->org.launch_type = s_origin(&f, "launch_type");
        } else {
            s_bad(b, &f, "launch_type", "must be FARGATE, FARGATE_SPOT, EC2 or MANAGED_INSTANCES");
        }
    }
    s_strategy(b, l);
    s_vpc(b, l);
}

/* --- the command context ------------------------------------------------------------------- */

static void
s_command(struct job_build *b)
{
    struct plan *p = b->plan;
    for (size_t i = 0; i < b->ncmd; i++) {
        s_unknown_keys(b, &b->cmd[i], s_command_keys, "command");
    }
    s_int(b, b->cmd, b->ncmd, "task_count", 1, CONTEXT_TASK_COUNT_MAX, &p->task_count,
          &b->org.task_count);
    s_duration(b, "polling_interval", &p->polling_interval_ms);
    s_duration(b, "timeout", &p->timeout_ms);
    s_duration(b, "status_interval", &p->status_interval_ms);
    s_int(b, b->cmd, b->ncmd, "max_fail_count", 0, INT32_MAX, &p->max_fail_count, NULL);
    s_int(b, b->cmd, b->ncmd, "max_spot_attempts", 0, INT32_MAX, &p->max_spot_attempts, NULL);
    s_int(b, b->cmd, b->ncmd, "cpu", 1, INT32_MAX, &p->cpu, &b->org.cpu);
    s_int(b, b->cmd, b->ncmd, "memory", 1, INT32_MAX, &p->memory, &b->org.memory);
    s_int(b, b->cmd, b->ncmd, "gpu", 0, INT32_MAX, &p->gpu, &b->org.gpu);
    s_int(b, b->cmd, b->ncmd, "disk", 0, INT32_MAX, &p->disk_gib, &b->org.disk);
    if (s_string(b, b->cmd, b->ncmd, "machine_type", &p->machine_type)) {
        struct s_found f = s_find(b->cmd, b->ncmd, "machine_type");
        b->org.machine_type = s_origin(&f, "machine_type");
    }
    struct s_found f = s_find(b->cmd, b->ncmd, "log_fetch");
    if (f.v) {
        const char *s = cJSON_IsString(f.v) ? f.v->valuestring : "";
        if (strcasecmp(s, "failed") == 0) {
            p->log_fetch = LOG_FETCH_FAILED;
        } else if (strcasecmp(s, "all") == 0) {
            p->log_fetch = LOG_FETCH_ALL;
        } else if (strcasecmp(s, "none") == 0) {
            p->log_fetch = LOG_FETCH_NONE;
        } else {
            s_bad(b, &f, "log_fetch", "must be failed, all or none");
        }
    }
    f = s_find(b->cmd, b->ncmd, "task_name_prefix");
    if (f.v) {
        const char *s = cJSON_IsString(f.v) ? f.v->valuestring : "";
        size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");
        if (!s[0] || s[n] || n > 32) {
            s_bad(b, &f, "task_name_prefix", "must be 1 to 32 characters of A-Z a-z 0-9 _ -");
        } else {
            free(p->task_name_prefix);
            p->task_name_prefix = xstrdup(s);
        }
    }
    /* overrides: the command's first, the job's merged over them */
    for (size_t i = b->ncmd; i-- > 0;) {
        const struct ctx_layer *l = &b->cmd[i];
        const cJSON *list = l->obj ? cJSON_GetObjectItemCaseSensitive(l->obj, "container_overrides")
                                   : NULL;
        if (list && !cJSON_IsNull(list)) {
            char *path = xasprintf("%s.container_overrides", l->prefix);
            merge_overrides(p, list, l->file, path, b->pr);
            free(path);
        }
    }
}

void
context_read(struct job_build *b)
{
    s_command(b);
    s_cluster(b);
    s_template(b);
    merge_apply_template(b->plan);
}

void
context_origins_cleanup(struct ctx_origins *o)
{
    char **all[] = {&o->task_count,   &o->cpu,         &o->memory,        &o->gpu,
                    &o->disk,         &o->machine_type, &o->template,     &o->launch_type,
                    &o->strategy,     &o->max_cpu,      &o->max_memory,   &o->max_task_count,
                    &o->template_cpu, &o->template_memory};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        free(*all[i]);
        *all[i] = NULL;
    }
}
