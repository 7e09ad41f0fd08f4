/*
 * ECS JSON 1.1 requests and answers (aws-facts §1.2-§1.6): builders print
 * cJSON bodies, parsers check the type of every field they read and name the
 * one that was wrong. Operations send through aws_call_json (call.h retries).
 */
#include "ecs.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/jsonx.h"
#include "util/xalloc.h"

/* The first element of a JSON list, or NULL when it is not a list. */
static const cJSON *
s_first(const cJSON *arr)
{
    return arr && cJSON_IsArray(arr) ? arr->child : NULL;
}

/* --- parsing helpers ----------------------------------------------------------------------- */

/* Where a field is, for error messages: "tasks[2].containers[0].exitCode". */
struct s_path {
    char text[160];
};

static void
s_path_set(struct s_path *p, const struct s_path *parent, const char *member, long index)
{
    const char *base = parent ? parent->text : "";
    const char *dot = base[0] && member ? "." : "";
    if (index >= 0) {
        snprintf(p->text, sizeof p->text, "%s%s%s[%ld]", base, dot, member ? member : "", index);
    } else {
        snprintf(p->text, sizeof p->text, "%s%s%s", base, dot, member ? member : "");
    }
}

static int
s_bad(struct eb_error *err, const char *what, const struct s_path *at, const char *member,
      const char *expect)
{
    return err_set(err, EB_ERR_PARSE, "ECS %s answer: %s%s%s is not %s", what, at ? at->text : "",
                   at && at->text[0] ? "." : "", member, expect);
}

/* An optional string member: absent or null → NULL; another type is an error. */
static int
s_opt_str(const cJSON *obj, const char *key, char **out, const char *what, const struct s_path *at,
          struct eb_error *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    *out = NULL;
    if (!v || cJSON_IsNull(v)) {
        return EB_OK;
    }
    if (!cJSON_IsString(v) || !v->valuestring) {
        return s_bad(err, what, at, key, "a string");
    }
    *out = xstrdup(v->valuestring);
    return EB_OK;
}

static int
s_req_str(const cJSON *obj, const char *key, char **out, const char *what, const struct s_path *at,
          struct eb_error *err)
{
    int rc = s_opt_str(obj, key, out, what, at, err);
    if (rc == EB_OK && !*out) {
        return err_set(err, EB_ERR_PARSE, "ECS %s answer: %s%s%s is missing", what,
                       at ? at->text : "", at && at->text[0] ? "." : "", key);
    }
    return rc;
}

/* An optional integer member that fits an int. */
static int
s_opt_int(const cJSON *obj, const char *key, bool *has, int *out, const char *what,
          const struct s_path *at, struct eb_error *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (has) {
        *has = false;
    }
    *out = 0;
    if (!v || cJSON_IsNull(v)) {
        return EB_OK;
    }
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < -2147483648.0 ||
        v->valuedouble > 2147483647.0) {
        return s_bad(err, what, at, key, "an integer");
    }
    *out = (int)v->valuedouble;
    if (has) {
        *has = true;
    }
    return EB_OK;
}

/* An optional epoch-seconds timestamp → ms (0 when absent). */
static int
s_opt_time(const cJSON *obj, const char *key, int64_t *out, const char *what,
           const struct s_path *at, struct eb_error *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    *out = 0;
    if (!v || cJSON_IsNull(v)) {
        return EB_OK;
    }
    /* beyond year 10000 or before 1970 is not a time ECS returns */
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < 0 ||
        v->valuedouble > 253402300800.0) {
        return s_bad(err, what, at, key, "a timestamp (epoch seconds)");
    }
    *out = (int64_t)llround(v->valuedouble * 1000.0);
    return EB_OK;
}

/* An optional array member: absent or null → NULL. */
static int
s_opt_array(const cJSON *obj, const char *key, const cJSON **out, const char *what,
            const struct s_path *at, struct eb_error *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    *out = NULL;
    if (!v || cJSON_IsNull(v)) {
        return EB_OK;
    }
    if (!cJSON_IsArray(v)) {
        return s_bad(err, what, at, key, "a list");
    }
    *out = v;
    return EB_OK;
}

static int
s_root(const char *body, size_t len, const char *what, cJSON **out, struct eb_error *err)
{
    *out = NULL;
    if (!body) {
        return err_set(err, EB_ERR_PARSE, "ECS %s answer is empty", what);
    }
    cJSON *j = cJSON_ParseWithLength(body, len);
    if (!j || !cJSON_IsObject(j)) {
        cJSON_Delete(j);
        return err_set(err, EB_ERR_PARSE, "ECS %s answer is not a JSON object", what);
    }
    *out = j;
    return EB_OK;
}

static size_t
s_count(const cJSON *arr)
{
    int n = arr ? cJSON_GetArraySize(arr) : 0;
    return n > 0 ? (size_t)n : 0;
}

/* A list of strings. */
static int
s_strv(const cJSON *arr, char ***out, size_t *out_n, const char *what, const struct s_path *at,
       const char *member, struct eb_error *err)
{
    size_t n = s_count(arr);
    *out = n ? xcalloc(n, sizeof(char *)) : NULL;
    *out_n = 0;
    const cJSON *it;
    for (it = s_first(arr); it; it = it->next) {
        if (!cJSON_IsString(it) || !it->valuestring) {
            return s_bad(err, what, at, member, "a list of strings");
        }
        if (*out_n >= n || !*out) {
            break; /* the list cannot grow while it is walked */
        }
        (*out)[(*out_n)++] = xstrdup(it->valuestring);
    }
    return EB_OK;
}

/* [{key, value}] tags, or [{name, value}] environment entries. */
static int
s_kv_list(const cJSON *arr, const char *kname, struct ecs_kv **out, size_t *out_n,
          const char *what, const struct s_path *at, struct eb_error *err)
{
    size_t n = s_count(arr);
    *out = n ? xcalloc(n, sizeof **out) : NULL;
    *out_n = 0;
    const cJSON *it;
    long i = 0;
    for (it = s_first(arr); it; it = it->next) {
        struct s_path p;
        s_path_set(&p, at, NULL, i++);
        if (!cJSON_IsObject(it)) {
            return s_bad(err, what, &p, "entry", "an object");
        }
        if (*out_n >= n || !*out) {
            break; /* the list cannot grow while it is walked */
        }
        struct ecs_kv *kv = &(*out)[(*out_n)++];
        int rc = s_req_str(it, kname, &kv->key, what, &p, err);
        if (rc == EB_OK) {
            rc = s_opt_str(it, "value", &kv->value, what, &p, err);
        }
        if (rc != EB_OK) {
            return rc;
        }
    }
    return EB_OK;
}

static void
s_kv_free(struct ecs_kv *kv, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(kv[i].key);
        free(kv[i].value);
    }
    free(kv);
}

static int
s_failures(const cJSON *root, struct ecs_failure **out, size_t *out_n, const char *what,
           struct eb_error *err)
{
    const cJSON *arr;
    int rc;
    *out = NULL;
    *out_n = 0;
    TRY(s_opt_array(root, "failures", &arr, what, NULL, err));
    size_t n = s_count(arr);
    *out = n ? xcalloc(n, sizeof **out) : NULL;
    const cJSON *it;
    long i = 0;
    for (it = s_first(arr); it; it = it->next) {
        struct s_path p;
        s_path_set(&p, NULL, "failures", i++);
        if (!cJSON_IsObject(it)) {
            rc = s_bad(err, what, &p, "entry", "an object");
            goto out;
        }
        if (*out_n >= n || !*out) {
            break; /* the list cannot grow while it is walked */
        }
        struct ecs_failure *f = &(*out)[(*out_n)++];
        TRY(s_opt_str(it, "arn", &f->arn, what, &p, err));
        TRY(s_opt_str(it, "reason", &f->reason, what, &p, err));
        TRY(s_opt_str(it, "detail", &f->detail, what, &p, err));
    }
out:
    return rc;
}

static void
s_failures_free(struct ecs_failure *f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(f[i].arn);
        free(f[i].reason);
        free(f[i].detail);
    }
    free(f);
}

/* --- cleanup ------------------------------------------------------------------------------- */

void
ecs_strv_free(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i]);
    }
    free(v);
}

void
ecs_task_cleanup(struct ecs_task *t)
{
    if (!t) {
        return;
    }
    char **strs[] = {&t->arn, &t->task_definition_arn, &t->cluster_arn, &t->last_status,
                     &t->desired_status, &t->stop_code, &t->stopped_reason, &t->started_by,
                     &t->group, &t->launch_type, &t->capacity_provider_name,
                     &t->availability_zone, &t->subnet_id, &t->eni_id};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        free(*strs[i]);
    }
    for (size_t i = 0; i < t->ncontainers; i++) {
        free(t->containers[i].name);
        free(t->containers[i].last_status);
        free(t->containers[i].reason);
    }
    free(t->containers);
    s_kv_free(t->tags, t->ntags);
    s_kv_free(t->override_env, t->noverride_env);
    memset(t, 0, sizeof *t);
}

void
ecs_task_list_cleanup(struct ecs_task_list *l)
{
    if (!l) {
        return;
    }
    for (size_t i = 0; i < l->ntasks; i++) {
        ecs_task_cleanup(&l->tasks[i]);
    }
    free(l->tasks);
    s_failures_free(l->failures, l->nfailures);
    memset(l, 0, sizeof *l);
}

void
ecs_taskdef_cleanup(struct ecs_taskdef *d)
{
    if (!d) {
        return;
    }
    free(d->arn);
    free(d->family);
    free(d->status);
    for (size_t i = 0; i < d->ncontainers; i++) {
        struct ecs_container_def *c = &d->containers[i];
        free(c->name);
        free(c->log_driver);
        free(c->awslogs_group);
        free(c->awslogs_prefix);
        free(c->awslogs_region);
    }
    free(d->containers);
    s_kv_free(d->tags, d->ntags);
    memset(d, 0, sizeof *d);
}

void
ecs_cluster_list_cleanup(struct ecs_cluster_list *l)
{
    if (!l) {
        return;
    }
    for (size_t i = 0; i < l->nclusters; i++) {
        struct ecs_cluster *c = &l->clusters[i];
        free(c->arn);
        free(c->name);
        free(c->status);
        ecs_strv_free(c->capacity_providers, c->ncapacity_providers);
    }
    free(l->clusters);
    s_failures_free(l->failures, l->nfailures);
    memset(l, 0, sizeof *l);
}

void
ecs_container_instance_list_cleanup(struct ecs_container_instance_list *l)
{
    if (!l) {
        return;
    }
    for (size_t i = 0; i < l->ninstances; i++) {
        struct ecs_container_instance *c = &l->instances[i];
        free(c->arn);
        free(c->ec2_instance_id);
        free(c->capacity_provider_name);
        free(c->status);
        free(c->status_reason);
        free(c->instance_type);
        free(c->availability_zone);
    }
    free(l->instances);
    s_failures_free(l->failures, l->nfailures);
    memset(l, 0, sizeof *l);
}

void
ecs_arn_page_cleanup(struct ecs_arn_page *p)
{
    if (!p) {
        return;
    }
    ecs_strv_free(p->arns, p->narns);
    free(p->next_token);
    memset(p, 0, sizeof *p);
}

void
ecs_run_result_cleanup(struct ecs_run_result *r)
{
    if (!r) {
        return;
    }
    ecs_task_list_cleanup(&r->list);
    ecs_strv_free(r->conflict_ids, r->nconflict_ids);
    memset(r, 0, sizeof *r);
}

/* --- lookups ------------------------------------------------------------------------------- */

const char *
ecs_kv_get(const struct ecs_kv *kv, size_t n, const char *key)
{
    for (size_t i = 0; key && i < n; i++) {
        if (kv[i].key && strcmp(kv[i].key, key) == 0) {
            return kv[i].value;
        }
    }
    return NULL;
}

const char *
ecs_task_id(const char *arn)
{
    if (!arn) {
        return NULL;
    }
    const char *slash = strrchr(arn, '/');
    return slash ? slash + 1 : arn;
}

/* --- builders ------------------------------------------------------------------------------ */

static cJSON *
s_strings(const char *const *v, size_t n)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++) {
        cJSON_AddItemToArray(arr, cJSON_CreateString(v[i] ? v[i] : ""));
    }
    return arr;
}

static char *
s_print_free(cJSON *j)
{
    char *s = jsonx_print(j);
    cJSON_Delete(j);
    return s;
}

char *
ecs_describe_tasks_build(const char *cluster, const char *const *tasks, size_t n, bool include_tags)
{
    cJSON *j = cJSON_CreateObject();
    jsonx_add_str(j, "cluster", cluster);
    cJSON_AddItemToObject(j, "tasks", s_strings(tasks, n));
    if (include_tags) {
        const char *inc = "TAGS";
        cJSON_AddItemToObject(j, "include", s_strings(&inc, 1));
    }
    return s_print_free(j);
}

/* At most max bytes of s, not cutting a UTF-8 sequence. */
static char *
s_utf8_cut(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max) {
        return xstrdup(s);
    }
    n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) {
        n--;
    }
    return xstrndup(s, n);
}

char *
ecs_stop_task_build(const char *cluster, const char *task, const char *reason)
{
    cJSON *j = cJSON_CreateObject();
    jsonx_add_str(j, "cluster", cluster);
    jsonx_add_str(j, "task", task);
    if (reason) {
        char *cut = s_utf8_cut(reason, ECS_STOP_REASON_MAX);
        jsonx_add_str(j, "reason", cut);
        free(cut);
    }
    return s_print_free(j);
}

char *
ecs_list_tasks_build(const struct ecs_list_tasks_query *q, const char *next_token)
{
    cJSON *j = cJSON_CreateObject();
    jsonx_add_str(j, "cluster", q->cluster);
    jsonx_add_str(j, "startedBy", q->started_by);
    jsonx_add_str(j, "family", q->family);
    jsonx_add_str(j, "desiredStatus", q->desired_status);
    if (q->max_results > 0) {
        cJSON_AddNumberToObject(j, "maxResults", q->max_results > 100 ? 100 : q->max_results);
    }
    jsonx_add_str(j, "nextToken", next_token);
    return s_print_free(j);
}

static cJSON *
s_tags_json(const struct ecs_kv *tags, size_t n)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++) {
        cJSON *t = cJSON_CreateObject();
        jsonx_add_str(t, "key", tags[i].key);
        jsonx_add_str(t, "value", tags[i].value ? tags[i].value : "");
        cJSON_AddItemToArray(arr, t);
    }
    return arr;
}

char *
ecs_register_task_definition_build(const cJSON *body, const struct ecs_kv *tags, size_t ntags)
{
    cJSON *j = body ? cJSON_Duplicate(body, 1) : cJSON_CreateObject();
    if (!j) {
        j = cJSON_CreateObject();
    }
    if (ntags > 0) {
        cJSON *arr = cJSON_GetObjectItemCaseSensitive(j, "tags");
        if (!cJSON_IsArray(arr)) {
            cJSON_DeleteItemFromObjectCaseSensitive(j, "tags");
            arr = cJSON_AddArrayToObject(j, "tags");
        }
        for (size_t i = 0; i < ntags; i++) {
            /* ours replace a template tag of the same key */
            cJSON *it = arr->child;
            while (it) {
                cJSON *next = it->next;
                const char *k = jsonx_str(it, "key");
                if (k && tags[i].key && strcmp(k, tags[i].key) == 0) {
                    cJSON_Delete(cJSON_DetachItemViaPointer(arr, it));
                }
                it = next;
            }
            cJSON *t = cJSON_CreateObject();
            jsonx_add_str(t, "key", tags[i].key);
            jsonx_add_str(t, "value", tags[i].value ? tags[i].value : "");
            cJSON_AddItemToArray(arr, t);
        }
    }
    return s_print_free(j);
}

char *
ecs_describe_task_definition_build(const char *ref)
{
    cJSON *j = cJSON_CreateObject();
    jsonx_add_str(j, "taskDefinition", ref);
    const char *inc = "TAGS";
    cJSON_AddItemToObject(j, "include", s_strings(&inc, 1));
    return s_print_free(j);
}

char *
ecs_list_task_definitions_build(const char *family, bool desc, int max_results,
                                const char *next_token)
{
    cJSON *j = cJSON_CreateObject();
    jsonx_add_str(j, "familyPrefix", family);
    jsonx_add_str(j, "status", "ACTIVE");
    jsonx_add_str(j, "sort", desc ? "DESC" : "ASC");
    if (max_results > 0) {
        cJSON_AddNumberToObject(j, "maxResults", max_results > 100 ? 100 : max_results);
    }
    jsonx_add_str(j, "nextToken", next_token);
    return s_print_free(j);
}

char *
ecs_describe_clusters_build(const char *const *clusters, size_t n)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddItemToObject(j, "clusters", s_strings(clusters, n));
    return s_print_free(j);
}

char *
ecs_describe_container_instances_build(const char *cluster, const char *const *ids, size_t n)
{
    cJSON *j = cJSON_CreateObject();
    jsonx_add_str(j, "cluster", cluster);
    cJSON_AddItemToObject(j, "containerInstances", s_strings(ids, n));
    return s_print_free(j);
}

char *
ecs_tag_resource_build(const char *arn, const struct ecs_kv *tags, size_t ntags)
{
    cJSON *j = cJSON_CreateObject();
    jsonx_add_str(j, "resourceArn", arn);
    cJSON_AddItemToObject(j, "tags", s_tags_json(tags, ntags));
    return s_print_free(j);
}

/* --- parsers ------------------------------------------------------------------------------- */

static int
s_container_parse(const cJSON *c, const struct s_path *p, struct ecs_container *out,
                  const char *what, struct eb_error *err)
{
    int rc;
    if (!cJSON_IsObject(c)) {
        return s_bad(err, what, p, "entry", "an object");
    }
    TRY(s_opt_str(c, "name", &out->name, what, p, err));
    TRY(s_opt_str(c, "lastStatus", &out->last_status, what, p, err));
    TRY(s_opt_int(c, "exitCode", &out->has_exit_code, &out->exit_code, what, p, err));
    TRY(s_opt_str(c, "reason", &out->reason, what, p, err));
out:
    return rc;
}

/* The ENI attachment's subnetId and networkInterfaceId (detail names compared
 * case-insensitively: aws-facts §1.4 leaves their exact casing open). */
static int
s_attachments_parse(const cJSON *t, const struct s_path *tp, struct ecs_task *out, const char *what,
                    struct eb_error *err)
{
    const cJSON *arr;
    int rc;
    TRY(s_opt_array(t, "attachments", &arr, what, tp, err));
    const cJSON *a;
    for (a = s_first(arr); a; a = a->next) {
        const char *type = jsonx_str(a, "type");
        if (!type || strcmp(type, "ElasticNetworkInterface") != 0) {
            continue;
        }
        const cJSON *details = cJSON_GetObjectItemCaseSensitive(a, "details");
        const cJSON *d;
        for (d = s_first(details); d; d = d->next) {
            const char *name = jsonx_str(d, "name");
            const char *value = jsonx_str(d, "value");
            if (!name || !value) {
                continue;
            }
            if (strcasecmp(name, "subnetId") == 0 && !out->subnet_id) {
                out->subnet_id = xstrdup(value);
            } else if (strcasecmp(name, "networkInterfaceId") == 0 && !out->eni_id) {
                out->eni_id = xstrdup(value);
            }
        }
    }
out:
    return rc;
}

/* Every environment entry of overrides.containerOverrides[], flattened in order. */
static int
s_override_env_parse(const cJSON *t, const struct s_path *tp, struct ecs_task *out,
                     const char *what, struct eb_error *err)
{
    const cJSON *ov = cJSON_GetObjectItemCaseSensitive(t, "overrides");
    if (!cJSON_IsObject(ov)) {
        return EB_OK;
    }
    const cJSON *cos = cJSON_GetObjectItemCaseSensitive(ov, "containerOverrides");
    size_t total = 0;
    const cJSON *co;
    for (co = s_first(cos); co; co = co->next) {
        const cJSON *env = cJSON_GetObjectItemCaseSensitive(co, "environment");
        total += cJSON_IsArray(env) ? s_count(env) : 0;
    }
    if (total == 0) {
        return EB_OK;
    }
    out->override_env = xcalloc(total, sizeof *out->override_env);
    for (co = s_first(cos); co; co = co->next) {
        const cJSON *env = cJSON_GetObjectItemCaseSensitive(co, "environment");
        const cJSON *e;
        for (e = s_first(env); e; e = e->next) {
            const char *name = jsonx_str(e, "name");
            if (!name || out->noverride_env >= total) {
                continue;
            }
            struct ecs_kv *kv = &out->override_env[out->noverride_env++];
            kv->key = xstrdup(name);
            kv->value = xstrdup(jsonx_str(e, "value"));
        }
    }
    (void)tp;
    (void)what;
    (void)err;
    return EB_OK;
}

static int
s_task_parse(const cJSON *t, const struct s_path *p, struct ecs_task *out, const char *what,
             struct eb_error *err)
{
    int rc;
    if (!cJSON_IsObject(t)) {
        return s_bad(err, what, p, "entry", "an object");
    }
    TRY(s_req_str(t, "taskArn", &out->arn, what, p, err));
    TRY(s_opt_str(t, "taskDefinitionArn", &out->task_definition_arn, what, p, err));
    TRY(s_opt_str(t, "clusterArn", &out->cluster_arn, what, p, err));
    TRY(s_opt_str(t, "lastStatus", &out->last_status, what, p, err));
    TRY(s_opt_str(t, "desiredStatus", &out->desired_status, what, p, err));
    TRY(s_opt_str(t, "stopCode", &out->stop_code, what, p, err));
    TRY(s_opt_str(t, "stoppedReason", &out->stopped_reason, what, p, err));
    TRY(s_opt_str(t, "startedBy", &out->started_by, what, p, err));
    TRY(s_opt_str(t, "group", &out->group, what, p, err));
    TRY(s_opt_str(t, "launchType", &out->launch_type, what, p, err));
    TRY(s_opt_str(t, "capacityProviderName", &out->capacity_provider_name, what, p, err));
    TRY(s_opt_str(t, "availabilityZone", &out->availability_zone, what, p, err));
    TRY(s_opt_time(t, "createdAt", &out->created_at_ms, what, p, err));
    TRY(s_opt_time(t, "startedAt", &out->started_at_ms, what, p, err));
    TRY(s_opt_time(t, "stoppingAt", &out->stopping_at_ms, what, p, err));
    TRY(s_opt_time(t, "stoppedAt", &out->stopped_at_ms, what, p, err));

    const cJSON *arr;
    TRY(s_opt_array(t, "containers", &arr, what, p, err));
    size_t n = s_count(arr);
    out->containers = n ? xcalloc(n, sizeof *out->containers) : NULL;
    const cJSON *c;
    long i = 0;
    for (c = s_first(arr); c; c = c->next) {
        struct s_path cp;
        s_path_set(&cp, p, "containers", i++);
        if (out->ncontainers >= n || !out->containers) {
            break; /* the list cannot grow while it is walked */
        }
        TRY(s_container_parse(c, &cp, &out->containers[out->ncontainers++], what, err));
    }
    TRY(s_attachments_parse(t, p, out, what, err));
    TRY(s_opt_array(t, "tags", &arr, what, p, err));
    if (arr) {
        struct s_path tp;
        s_path_set(&tp, p, "tags", -1);
        TRY(s_kv_list(arr, "key", &out->tags, &out->ntags, what, &tp, err));
    }
    TRY(s_override_env_parse(t, p, out, what, err));
out:
    return rc;
}

int
ecs_task_list_parse(const char *body, size_t len, struct ecs_task_list *out, struct eb_error *err)
{
    const char *what = "tasks";
    cJSON *root = NULL;
    int rc;
    memset(out, 0, sizeof *out);
    TRY(s_root(body, len, what, &root, err));
    const cJSON *arr;
    TRY(s_opt_array(root, "tasks", &arr, what, NULL, err));
    size_t n = s_count(arr);
    out->tasks = n ? xcalloc(n, sizeof *out->tasks) : NULL;
    const cJSON *t;
    long i = 0;
    for (t = s_first(arr); t; t = t->next) {
        struct s_path p;
        s_path_set(&p, NULL, "tasks", i++);
        if (out->ntasks >= n || !out->tasks) {
            break; /* the list cannot grow while it is walked */
        }
        struct ecs_task *dst = &out->tasks[out->ntasks++];
        TRY(s_task_parse(t, &p, dst, what, err));
    }
    TRY(s_failures(root, &out->failures, &out->nfailures, what, err));
out:
    cJSON_Delete(root);
    return rc;
}

int
ecs_stop_task_parse(const char *body, size_t len, struct ecs_task *out, struct eb_error *err)
{
    const char *what = "StopTask";
    cJSON *root = NULL;
    int rc;
    memset(out, 0, sizeof *out);
    TRY(s_root(body, len, what, &root, err));
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(root, "task");
    if (!t) {
        rc = err_set(err, EB_ERR_PARSE, "ECS StopTask answer: task is missing");
        goto out;
    }
    struct s_path p;
    s_path_set(&p, NULL, "task", -1);
    TRY(s_task_parse(t, &p, out, what, err));
out:
    cJSON_Delete(root);
    return rc;
}

int
ecs_arn_page_parse(const char *body, size_t len, const char *member, struct ecs_arn_page *out,
                   struct eb_error *err)
{
    const char *what = "list";
    cJSON *root = NULL;
    int rc;
    memset(out, 0, sizeof *out);
    TRY(s_root(body, len, what, &root, err));
    const cJSON *arr;
    TRY(s_opt_array(root, member, &arr, what, NULL, err));
    TRY(s_strv(arr, &out->arns, &out->narns, what, NULL, member, err));
    TRY(s_opt_str(root, "nextToken", &out->next_token, what, NULL, err));
    if (out->next_token && !out->next_token[0]) {
        free(out->next_token);
        out->next_token = NULL;
    }
out:
    cJSON_Delete(root);
    return rc;
}

static int
s_container_def_parse(const cJSON *c, const struct s_path *p, struct ecs_container_def *out,
                      const char *what, struct eb_error *err)
{
    int rc;
    if (!cJSON_IsObject(c)) {
        return s_bad(err, what, p, "entry", "an object");
    }
    TRY(s_req_str(c, "name", &out->name, what, p, err));
    const cJSON *ess = cJSON_GetObjectItemCaseSensitive(c, "essential");
    if (ess && !cJSON_IsNull(ess) && !cJSON_IsBool(ess)) {
        rc = s_bad(err, what, p, "essential", "a boolean");
        goto out;
    }
    out->essential = ess && cJSON_IsBool(ess) ? cJSON_IsTrue(ess) : true;
    const cJSON *lc = cJSON_GetObjectItemCaseSensitive(c, "logConfiguration");
    if (lc && !cJSON_IsNull(lc)) {
        struct s_path lp;
        s_path_set(&lp, p, "logConfiguration", -1);
        if (!cJSON_IsObject(lc)) {
            rc = s_bad(err, what, p, "logConfiguration", "an object");
            goto out;
        }
        TRY(s_opt_str(lc, "logDriver", &out->log_driver, what, &lp, err));
        const cJSON *opts = cJSON_GetObjectItemCaseSensitive(lc, "options");
        if (opts && !cJSON_IsNull(opts) && !cJSON_IsObject(opts)) {
            rc = s_bad(err, what, &lp, "options", "an object");
            goto out;
        }
        struct s_path op;
        s_path_set(&op, &lp, "options", -1);
        TRY(s_opt_str(opts, "awslogs-group", &out->awslogs_group, what, &op, err));
        TRY(s_opt_str(opts, "awslogs-stream-prefix", &out->awslogs_prefix, what, &op, err));
        TRY(s_opt_str(opts, "awslogs-region", &out->awslogs_region, what, &op, err));
    }
out:
    return rc;
}

int
ecs_taskdef_parse(const char *body, size_t len, struct ecs_taskdef *out, struct eb_error *err)
{
    const char *what = "task definition";
    cJSON *root = NULL;
    int rc;
    memset(out, 0, sizeof *out);
    TRY(s_root(body, len, what, &root, err));
    const cJSON *td = cJSON_GetObjectItemCaseSensitive(root, "taskDefinition");
    if (!cJSON_IsObject(td)) {
        rc = err_set(err, EB_ERR_PARSE, "ECS task definition answer: taskDefinition is missing");
        goto out;
    }
    struct s_path p;
    s_path_set(&p, NULL, "taskDefinition", -1);
    TRY(s_req_str(td, "taskDefinitionArn", &out->arn, what, &p, err));
    TRY(s_opt_str(td, "family", &out->family, what, &p, err));
    TRY(s_opt_str(td, "status", &out->status, what, &p, err));
    TRY(s_opt_int(td, "revision", NULL, &out->revision, what, &p, err));
    const cJSON *arr;
    TRY(s_opt_array(td, "containerDefinitions", &arr, what, &p, err));
    size_t n = s_count(arr);
    out->containers = n ? xcalloc(n, sizeof *out->containers) : NULL;
    const cJSON *c;
    long i = 0;
    for (c = s_first(arr); c; c = c->next) {
        struct s_path cp;
        s_path_set(&cp, &p, "containerDefinitions", i++);
        if (out->ncontainers >= n || !out->containers) {
            break; /* the list cannot grow while it is walked */
        }
        TRY(s_container_def_parse(c, &cp, &out->containers[out->ncontainers++], what, err));
    }
    TRY(s_opt_array(root, "tags", &arr, what, NULL, err));
    if (arr) {
        struct s_path tp;
        s_path_set(&tp, NULL, "tags", -1);
        TRY(s_kv_list(arr, "key", &out->tags, &out->ntags, what, &tp, err));
    }
out:
    cJSON_Delete(root);
    return rc;
}

int
ecs_cluster_list_parse(const char *body, size_t len, struct ecs_cluster_list *out,
                       struct eb_error *err)
{
    const char *what = "DescribeClusters";
    cJSON *root = NULL;
    int rc;
    memset(out, 0, sizeof *out);
    TRY(s_root(body, len, what, &root, err));
    const cJSON *arr;
    TRY(s_opt_array(root, "clusters", &arr, what, NULL, err));
    size_t n = s_count(arr);
    out->clusters = n ? xcalloc(n, sizeof *out->clusters) : NULL;
    const cJSON *c;
    long i = 0;
    for (c = s_first(arr); c; c = c->next) {
        struct s_path p;
        s_path_set(&p, NULL, "clusters", i++);
        if (!cJSON_IsObject(c)) {
            rc = s_bad(err, what, &p, "entry", "an object");
            goto out;
        }
        if (out->nclusters >= n || !out->clusters) {
            break; /* the list cannot grow while it is walked */
        }
        struct ecs_cluster *dst = &out->clusters[out->nclusters++];
        TRY(s_req_str(c, "clusterArn", &dst->arn, what, &p, err));
        TRY(s_opt_str(c, "clusterName", &dst->name, what, &p, err));
        TRY(s_opt_str(c, "status", &dst->status, what, &p, err));
        TRY(s_opt_int(c, "registeredContainerInstancesCount", NULL, &dst->registered_instances,
                      what, &p, err));
        TRY(s_opt_int(c, "runningTasksCount", NULL, &dst->running_tasks, what, &p, err));
        TRY(s_opt_int(c, "pendingTasksCount", NULL, &dst->pending_tasks, what, &p, err));
        TRY(s_opt_int(c, "activeServicesCount", NULL, &dst->active_services, what, &p, err));
        const cJSON *cps;
        TRY(s_opt_array(c, "capacityProviders", &cps, what, &p, err));
        TRY(s_strv(cps, &dst->capacity_providers, &dst->ncapacity_providers, what, &p,
                   "capacityProviders", err));
    }
    TRY(s_failures(root, &out->failures, &out->nfailures, what, err));
out:
    cJSON_Delete(root);
    return rc;
}

int
ecs_container_instance_list_parse(const char *body, size_t len,
                                  struct ecs_container_instance_list *out, struct eb_error *err)
{
    const char *what = "DescribeContainerInstances";
    cJSON *root = NULL;
    int rc;
    memset(out, 0, sizeof *out);
    TRY(s_root(body, len, what, &root, err));
    const cJSON *arr;
    TRY(s_opt_array(root, "containerInstances", &arr, what, NULL, err));
    size_t n = s_count(arr);
    out->instances = n ? xcalloc(n, sizeof *out->instances) : NULL;
    const cJSON *c;
    long i = 0;
    for (c = s_first(arr); c; c = c->next) {
        struct s_path p;
        s_path_set(&p, NULL, "containerInstances", i++);
        if (!cJSON_IsObject(c)) {
            rc = s_bad(err, what, &p, "entry", "an object");
            goto out;
        }
        if (out->ninstances >= n || !out->instances) {
            break; /* the list cannot grow while it is walked */
        }
        struct ecs_container_instance *dst = &out->instances[out->ninstances++];
        TRY(s_req_str(c, "containerInstanceArn", &dst->arn, what, &p, err));
        TRY(s_opt_str(c, "ec2InstanceId", &dst->ec2_instance_id, what, &p, err));
        TRY(s_opt_str(c, "capacityProviderName", &dst->capacity_provider_name, what, &p, err));
        TRY(s_opt_str(c, "status", &dst->status, what, &p, err));
        TRY(s_opt_str(c, "statusReason", &dst->status_reason, what, &p, err));
        dst->agent_connected = jsonx_bool(c, "agentConnected", false);
        TRY(s_opt_int(c, "runningTasksCount", NULL, &dst->running_tasks, what, &p, err));
        TRY(s_opt_int(c, "pendingTasksCount", NULL, &dst->pending_tasks, what, &p, err));
        const cJSON *attrs;
        TRY(s_opt_array(c, "attributes", &attrs, what, &p, err));
        const cJSON *a;
        for (a = s_first(attrs); a; a = a->next) {
            const char *name = jsonx_str(a, "name");
            const char *value = jsonx_str(a, "value");
            if (!name || !value) {
                continue;
            }
            if (strcmp(name, "ecs.instance-type") == 0 && !dst->instance_type) {
                dst->instance_type = xstrdup(value);
            } else if (strcmp(name, "ecs.availability-zone") == 0 && !dst->availability_zone) {
                dst->availability_zone = xstrdup(value);
            }
        }
    }
    TRY(s_failures(root, &out->failures, &out->nfailures, what, err));
out:
    cJSON_Delete(root);
    return rc;
}

int
ecs_conflict_parse(const char *body, size_t len, char ***out_ids, size_t *out_n,
                   struct eb_error *err)
{
    const char *what = "ConflictException";
    cJSON *root = NULL;
    int rc;
    *out_ids = NULL;
    *out_n = 0;
    TRY(s_root(body, len, what, &root, err));
    const cJSON *arr;
    TRY(s_opt_array(root, "resourceIds", &arr, what, NULL, err));
    TRY(s_strv(arr, out_ids, out_n, what, NULL, "resourceIds", err));
out:
    cJSON_Delete(root);
    return rc;
}

/* --- operations ---------------------------------------------------------------------------- */

static int
s_call(struct aws_client *c, const char *op, const char *body, struct aws_response *resp,
       struct eb_error *err)
{
    char target[96];
    snprintf(target, sizeof target, "%s%s", ECS_TARGET_PREFIX, op);
    memset(resp, 0, sizeof *resp);
    return aws_call_json(c, AWS_ECS, target, body, resp, err);
}

int
ecs_run_task(struct aws_client *c, const cJSON *request, struct ecs_run_result *out,
             struct eb_error *err)
{
    struct aws_response resp;
    int rc;
    memset(out, 0, sizeof *out);
    char *body = jsonx_print(request);
    rc = s_call(c, "RunTask", body, &resp, err);
    if (rc == EB_ERR_AWS && err && strcmp(err->aws_code, "ConflictException") == 0) {
        /* the token is bound to tasks started by an earlier call (aws-facts §1.2) */
        out->conflict = true;
        struct eb_error perr = {0};
        if (resp.body.len == 0 ||
            ecs_conflict_parse(buf_cstr(&resp.body), resp.body.len, &out->conflict_ids,
                               &out->nconflict_ids, &perr) != EB_OK) {
            ecs_strv_free(out->conflict_ids, out->nconflict_ids);
            out->conflict_ids = NULL;
            out->nconflict_ids = 0;
        }
        rc = EB_OK;
        goto out;
    }
    TRY(rc);
    rc = ecs_task_list_parse(buf_cstr(&resp.body), resp.body.len, &out->list, err);
out:
    aws_response_cleanup(&resp);
    free(body);
    return rc;
}

int
ecs_describe_tasks(struct aws_client *c, const char *cluster, const char *const *tasks, size_t n,
                   struct ecs_task_list *out, struct eb_error *err)
{
    struct aws_response resp = {0};
    char *body = NULL;
    int rc;
    memset(out, 0, sizeof *out);
    if (n == 0 || n > ECS_DESCRIBE_TASKS_MAX) {
        return err_set(err, EB_ERR_INVALID, "DescribeTasks takes 1 to %d tasks, not %zu",
                       ECS_DESCRIBE_TASKS_MAX, n);
    }
    body = ecs_describe_tasks_build(cluster, tasks, n, true);
    TRY(s_call(c, "DescribeTasks", body, &resp, err));
    TRY(ecs_task_list_parse(buf_cstr(&resp.body), resp.body.len, out, err));
out:
    aws_response_cleanup(&resp);
    free(body);
    return rc;
}

int
ecs_stop_task(struct aws_client *c, const char *cluster, const char *task, const char *reason,
              struct ecs_task *out, struct eb_error *err)
{
    struct aws_response resp = {0};
    int rc;
    char *body = ecs_stop_task_build(cluster, task, reason);
    TRY(s_call(c, "StopTask", body, &resp, err));
    if (out) {
        TRY(ecs_stop_task_parse(buf_cstr(&resp.body), resp.body.len, out, err));
    }
out:
    aws_response_cleanup(&resp);
    free(body);
    return rc;
}

/* Follow nextToken of a listing; build(ctx, token) makes each page's body. */
static int
s_list_all(struct aws_client *c, const char *op, const char *member,
           char *(*build)(const void *ctx, const char *token), const void *ctx, size_t max,
           char ***out_arns, size_t *out_n, struct eb_error *err)
{
    char **all = NULL;
    size_t n = 0, cap = 0;
    char *token = NULL;
    int rc = EB_OK;
    for (int page = 0; page < ECS_LIST_PAGES_MAX && (max == 0 || n < max); page++) {
        struct aws_response resp = {0};
        struct ecs_arn_page pg = {0};
        char *body = build(ctx, token);
        rc = s_call(c, op, body, &resp, err);
        free(body);
        if (rc == EB_OK) {
            rc = ecs_arn_page_parse(buf_cstr(&resp.body), resp.body.len, member, &pg, err);
        }
        aws_response_cleanup(&resp);
        if (rc != EB_OK) {
            ecs_arn_page_cleanup(&pg);
            goto out;
        }
        for (size_t i = 0; i < pg.narns && (max == 0 || n < max); i++) {
            if (n == cap) {
                cap = cap ? cap * 2 : 16;
                all = xrealloc(all, cap * sizeof *all);
            }
            all[n++] = pg.arns[i];
            pg.arns[i] = NULL;
        }
        free(token);
        token = pg.next_token;
        pg.next_token = NULL;
        ecs_arn_page_cleanup(&pg);
        if (!token) {
            break;
        }
    }
out:
    free(token);
    if (rc != EB_OK) {
        ecs_strv_free(all, n);
        all = NULL;
        n = 0;
    }
    *out_arns = all;
    *out_n = n;
    return rc;
}

static char *
s_list_tasks_page(const void *ctx, const char *token)
{
    return ecs_list_tasks_build(ctx, token);
}

int
ecs_list_tasks(struct aws_client *c, const struct ecs_list_tasks_query *q, char ***out_arns,
               size_t *out_n, struct eb_error *err)
{
    return s_list_all(c, "ListTasks", "taskArns", s_list_tasks_page, q, 0, out_arns, out_n, err);
}

struct s_td_query {
    const char *family;
    bool desc;
    int page;
};

static char *
s_list_td_page(const void *ctx, const char *token)
{
    const struct s_td_query *q = ctx;
    return ecs_list_task_definitions_build(q->family, q->desc, q->page, token);
}

int
ecs_list_task_definitions(struct aws_client *c, const char *family, bool desc, size_t max,
                          char ***out_arns, size_t *out_n, struct eb_error *err)
{
    struct s_td_query q = {family, desc, max > 0 && max < 100 ? (int)max : 100};
    return s_list_all(c, "ListTaskDefinitions", "taskDefinitionArns", s_list_td_page, &q, max,
                      out_arns, out_n, err);
}

int
ecs_register_task_definition(struct aws_client *c, const cJSON *body, const struct ecs_kv *tags,
                             size_t ntags, struct ecs_taskdef *out, struct eb_error *err)
{
    struct aws_response resp = {0};
    int rc;
    memset(out, 0, sizeof *out);
    char *text = ecs_register_task_definition_build(body, tags, ntags);
    TRY(s_call(c, "RegisterTaskDefinition", text, &resp, err));
    TRY(ecs_taskdef_parse(buf_cstr(&resp.body), resp.body.len, out, err));
out:
    aws_response_cleanup(&resp);
    free(text);
    return rc;
}

int
ecs_describe_task_definition(struct aws_client *c, const char *ref, struct ecs_taskdef *out,
                             struct eb_error *err)
{
    struct aws_response resp = {0};
    int rc;
    memset(out, 0, sizeof *out);
    char *text = ecs_describe_task_definition_build(ref);
    rc = s_call(c, "DescribeTaskDefinition", text, &resp, err);
    if (rc == EB_ERR_AWS && err && strcmp(err->aws_code, "ClientException") == 0 &&
        resp.status >= 400 && resp.status < 500) {
        /* ECS's word for "no such task definition" */
        rc = err_set(err, EB_ERR_NOT_FOUND, "task definition %s not found", ref);
        goto out;
    }
    TRY(rc);
    TRY(ecs_taskdef_parse(buf_cstr(&resp.body), resp.body.len, out, err));
out:
    aws_response_cleanup(&resp);
    free(text);
    return rc;
}

int
ecs_describe_clusters(struct aws_client *c, const char *const *clusters, size_t n,
                      struct ecs_cluster_list *out, struct eb_error *err)
{
    struct aws_response resp = {0};
    int rc;
    memset(out, 0, sizeof *out);
    char *text = ecs_describe_clusters_build(clusters, n);
    TRY(s_call(c, "DescribeClusters", text, &resp, err));
    TRY(ecs_cluster_list_parse(buf_cstr(&resp.body), resp.body.len, out, err));
out:
    aws_response_cleanup(&resp);
    free(text);
    return rc;
}

int
ecs_describe_container_instances(struct aws_client *c, const char *cluster, const char *const *ids,
                                 size_t n, struct ecs_container_instance_list *out,
                                 struct eb_error *err)
{
    struct aws_response resp = {0};
    int rc;
    memset(out, 0, sizeof *out);
    char *text = ecs_describe_container_instances_build(cluster, ids, n);
    TRY(s_call(c, "DescribeContainerInstances", text, &resp, err));
    TRY(ecs_container_instance_list_parse(buf_cstr(&resp.body), resp.body.len, out, err));
out:
    aws_response_cleanup(&resp);
    free(text);
    return rc;
}

int
ecs_tag_resource(struct aws_client *c, const char *arn, const struct ecs_kv *tags, size_t ntags,
                 struct eb_error *err)
{
    struct aws_response resp = {0};
    int rc;
    char *text = ecs_tag_resource_build(arn, tags, ntags);
    rc = s_call(c, "TagResource", text, &resp, err);
    aws_response_cleanup(&resp);
    free(text);
    return rc;
}
