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

#include "util/jsonarena.h"
#include "util/jsonx.h"
#include "util/xalloc.h"

/* The first element of a JSON list, or NULL when it is not a list. */
static const cJSON *
s_first(const cJSON *arr)
{
    return arr && cJSON_IsArray(arr) ? arr->child : NULL;
}

/* --- parsing helpers ----------------------------------------------------------------------- */

/* Where a parser is: which answer, where its errors go, and the path of the object being
 * read ("tasks[2].containers[0]", "" at the root), which error messages name. */
struct s_at {
    const char *what; /* the answer: "tasks", "DescribeClusters", ... */
    struct eb_error *err;
    char path[160];
};

/* parent's member, with [index] when index >= 0. */
static void
s_at_child(struct s_at *at, const struct s_at *parent, const char *member, long index)
{
    const char *dot = parent->path[0] ? "." : "";
    at->what = parent->what;
    at->err = parent->err;
    if (index >= 0) {
        snprintf(at->path, sizeof at->path, "%s%s%s[%ld]", parent->path, dot, member, index);
    } else {
        snprintf(at->path, sizeof at->path, "%s%s%s", parent->path, dot, member);
    }
}

/* EB_ERR_PARSE: "ECS <what> answer: <path>.<member> <problem>". */
static int
s_bad(const struct s_at *at, const char *member, const char *problem)
{
    return err_set(at->err, EB_ERR_PARSE, "ECS %s answer: %s%s%s %s", at->what, at->path,
                   at->path[0] ? "." : "", member, problem);
}

/* A member of obj, NULL when absent or null. */
static const cJSON *
s_member(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNull(v) ? NULL : v;
}

/* An optional string member: absent or null → NULL; another type is an error. */
static int
s_opt_str(const cJSON *obj, const char *key, char **out, const struct s_at *at)
{
    const cJSON *v = s_member(obj, key);
    *out = NULL;
    if (!v) {
        return EB_OK;
    }
    if (!cJSON_IsString(v) || !v->valuestring) {
        return s_bad(at, key, "is not a string");
    }
    *out = xstrdup(v->valuestring);
    return EB_OK;
}

static int
s_req_str(const cJSON *obj, const char *key, char **out, const struct s_at *at)
{
    int rc = s_opt_str(obj, key, out, at);
    if (rc == EB_OK && !*out) {
        return s_bad(at, key, "is missing");
    }
    return rc;
}

/* An optional integer member that fits an int. */
static int
s_opt_int(const cJSON *obj, const char *key, bool *has, int *out, const struct s_at *at)
{
    const cJSON *v = s_member(obj, key);
    if (has) {
        *has = false;
    }
    *out = 0;
    if (!v) {
        return EB_OK;
    }
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < -2147483648.0 ||
        v->valuedouble > 2147483647.0) {
        return s_bad(at, key, "is not an integer");
    }
    *out = (int)v->valuedouble;
    if (has) {
        *has = true;
    }
    return EB_OK;
}

/* An optional epoch-seconds timestamp → ms (0 when absent). */
static int
s_opt_time(const cJSON *obj, const char *key, int64_t *out, const struct s_at *at)
{
    const cJSON *v = s_member(obj, key);
    *out = 0;
    if (!v) {
        return EB_OK;
    }
    /* beyond year 10000 or before 1970 is not a time ECS returns */
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < 0 ||
        v->valuedouble > 253402300800.0) {
        return s_bad(at, key, "is not a timestamp (epoch seconds)");
    }
    *out = (int64_t)llround(v->valuedouble * 1000.0);
    return EB_OK;
}

/* An optional array member: absent or null → NULL. */
static int
s_opt_array(const cJSON *obj, const char *key, const cJSON **out, const struct s_at *at)
{
    const cJSON *v = s_member(obj, key);
    *out = NULL;
    if (v && !cJSON_IsArray(v)) {
        return s_bad(at, key, "is not a list");
    }
    *out = v;
    return EB_OK;
}

/* The answer's JSON object; at is set to its root. */
static int
s_root(const char *body, size_t len, const char *what, struct eb_error *err, cJSON **out,
       struct s_at *at)
{
    *at = (struct s_at){.what = what, .err = err};
    *out = NULL;
    if (!body) {
        return err_set(err, EB_ERR_PARSE, "ECS %s answer is empty", what);
    }
    cJSON *j = jsonarena_parse(body, len);
    if (!j || !cJSON_IsObject(j)) {
        jsonarena_free(j);
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

/* The list of strings obj.member (absent or null: none). */
static int
s_strv(const cJSON *obj, const char *member, const struct s_at *at, char ***out, size_t *out_n)
{
    const cJSON *arr;
    int rc;
    *out = NULL;
    *out_n = 0;
    TRY(s_opt_array(obj, member, &arr, at));
    size_t n = s_count(arr);
    *out = n ? xcalloc(n, sizeof(char *)) : NULL;
    const cJSON *it;
    for (it = s_first(arr); it && *out_n < n; it = it->next) {
        if (!cJSON_IsString(it) || !it->valuestring) {
            return s_bad(at, member, "is not a list of strings");
        }
        (*out)[(*out_n)++] = xstrdup(it->valuestring);
    }
out:
    return rc;
}

/* Fills el, a zeroed element of a list being parsed, from obj (an object, at at). */
typedef int (*s_entry_fn)(const cJSON *obj, const struct s_at *at, void *el);

/* The list of objects obj.member (absent or null: none) into a new array of elements of size
 * bytes, each filled by parse: arrp is the address of the caller's element pointer, *out_n its
 * count. An entry that fails is counted too, so the caller's cleanup frees what it got. The
 * count is taken before the walk: the list cannot grow while it is walked. */
static int
s_objects(const cJSON *obj, const char *member, const struct s_at *at, size_t size,
          s_entry_fn parse, void *arrp, size_t *out_n)
{
    const cJSON *arr;
    int rc;
    *out_n = 0;
    TRY(s_opt_array(obj, member, &arr, at));
    size_t n = s_count(arr);
    unsigned char *base = n ? xcalloc(n, size) : NULL;
    memcpy(arrp, &base, sizeof base);
    const cJSON *it;
    long i = 0;
    for (it = s_first(arr); it && *out_n < n; it = it->next) {
        struct s_at eat;
        s_at_child(&eat, at, member, i++);
        if (!cJSON_IsObject(it)) {
            return s_bad(&eat, "entry", "is not an object");
        }
        void *el = base + *out_n * size;
        (*out_n)++;
        TRY(parse(it, &eat, el));
    }
out:
    return rc;
}

/* {key, value}: a tag. */
static int
s_kv_parse(const cJSON *obj, const struct s_at *at, void *el)
{
    struct ecs_kv *kv = el;
    int rc;
    TRY(s_req_str(obj, "key", &kv->key, at));
    TRY(s_opt_str(obj, "value", &kv->value, at));
out:
    return rc;
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
s_failure_parse(const cJSON *obj, const struct s_at *at, void *el)
{
    struct ecs_failure *f = el;
    int rc;
    TRY(s_opt_str(obj, "arn", &f->arn, at));
    TRY(s_opt_str(obj, "reason", &f->reason, at));
    TRY(s_opt_str(obj, "detail", &f->detail, at));
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

/* A name to look up in a list of {name, value} pairs, and where its value goes. */
struct s_pick {
    const char *name;
    char **out; /* the first value found for name; left alone once set */
};

/* Walk list (anything but a list: none) for the picks; an entry without a string name and value
 * is skipped, and a pick already filled keeps its value. */
static void
s_pick_values(const cJSON *list, bool nocase, const struct s_pick *picks, size_t npicks)
{
    const cJSON *it;
    for (it = s_first(list); it; it = it->next) {
        const char *name = jsonx_str(it, "name");
        const char *value = jsonx_str(it, "value");
        for (size_t i = 0; name && value && i < npicks; i++) {
            bool same = nocase ? strcasecmp(name, picks[i].name) == 0
                               : strcmp(name, picks[i].name) == 0;
            if (same && !*picks[i].out) {
                *picks[i].out = xstrdup(value);
                break;
            }
        }
    }
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

/* {key, value}: a tag as ECS takes it (a NULL value is ""). */
static cJSON *
s_tag_json(const struct ecs_kv *tag)
{
    cJSON *t = cJSON_CreateObject();
    jsonx_add_str(t, "key", tag->key);
    jsonx_add_str(t, "value", tag->value ? tag->value : "");
    return t;
}

static void
s_add_include_tags(cJSON *j)
{
    const char *inc = "TAGS";
    cJSON_AddItemToObject(j, "include", s_strings(&inc, 1));
}

/* maxResults when max > 0, at most 100 (ECS's cap for the listings). */
static void
s_add_max_results(cJSON *j, int max)
{
    if (max > 0) {
        cJSON_AddNumberToObject(j, "maxResults", max > 100 ? 100 : max);
    }
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
        s_add_include_tags(j);
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
    s_add_max_results(j, q->max_results);
    jsonx_add_str(j, "nextToken", next_token);
    return s_print_free(j);
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
            cJSON_AddItemToArray(arr, s_tag_json(&tags[i]));
        }
    }
    return s_print_free(j);
}

char *
ecs_describe_task_definition_build(const char *ref)
{
    cJSON *j = cJSON_CreateObject();
    jsonx_add_str(j, "taskDefinition", ref);
    s_add_include_tags(j);
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
    s_add_max_results(j, max_results);
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
    cJSON *arr = cJSON_AddArrayToObject(j, "tags");
    for (size_t i = 0; i < ntags; i++) {
        cJSON_AddItemToArray(arr, s_tag_json(&tags[i]));
    }
    return s_print_free(j);
}

/* --- parsers ------------------------------------------------------------------------------- */

static int
s_container_parse(const cJSON *obj, const struct s_at *at, void *el)
{
    struct ecs_container *c = el;
    int rc;
    TRY(s_opt_str(obj, "name", &c->name, at));
    TRY(s_opt_str(obj, "lastStatus", &c->last_status, at));
    TRY(s_opt_int(obj, "exitCode", &c->has_exit_code, &c->exit_code, at));
    TRY(s_opt_str(obj, "reason", &c->reason, at));
out:
    return rc;
}

/* The ENI attachment's subnetId and networkInterfaceId (detail names compared
 * case-insensitively: aws-facts §1.4 leaves their exact casing open). */
static int
s_attachments_parse(const cJSON *obj, const struct s_at *at, struct ecs_task *t)
{
    const struct s_pick picks[] = {{"subnetId", &t->subnet_id}, {"networkInterfaceId", &t->eni_id}};
    const cJSON *arr;
    int rc;
    TRY(s_opt_array(obj, "attachments", &arr, at));
    const cJSON *a;
    for (a = s_first(arr); a; a = a->next) {
        const char *type = jsonx_str(a, "type");
        if (type && strcmp(type, "ElasticNetworkInterface") == 0) {
            s_pick_values(cJSON_GetObjectItemCaseSensitive(a, "details"), true, picks, 2);
        }
    }
out:
    return rc;
}

/* Every environment entry of overrides.containerOverrides[], flattened in order. */
static void
s_override_env_parse(const cJSON *obj, struct ecs_task *t)
{
    const cJSON *ov = cJSON_GetObjectItemCaseSensitive(obj, "overrides");
    if (!cJSON_IsObject(ov)) {
        return;
    }
    const cJSON *cos = cJSON_GetObjectItemCaseSensitive(ov, "containerOverrides");
    size_t total = 0;
    const cJSON *co;
    for (co = s_first(cos); co; co = co->next) {
        const cJSON *env = cJSON_GetObjectItemCaseSensitive(co, "environment");
        total += cJSON_IsArray(env) ? s_count(env) : 0;
    }
    if (total == 0) {
        return;
    }
    t->override_env = xcalloc(total, sizeof *t->override_env);
    for (co = s_first(cos); co; co = co->next) {
        const cJSON *env = cJSON_GetObjectItemCaseSensitive(co, "environment");
        const cJSON *e;
        for (e = s_first(env); e; e = e->next) {
            const char *name = jsonx_str(e, "name");
            if (!name || t->noverride_env >= total) {
                continue;
            }
            struct ecs_kv *kv = &t->override_env[t->noverride_env++];
            kv->key = xstrdup(name);
            kv->value = xstrdup(jsonx_str(e, "value"));
        }
    }
}

static int
s_task_parse(const cJSON *obj, const struct s_at *at, void *el)
{
    struct ecs_task *t = el;
    int rc;
    TRY(s_req_str(obj, "taskArn", &t->arn, at));
    TRY(s_opt_str(obj, "taskDefinitionArn", &t->task_definition_arn, at));
    TRY(s_opt_str(obj, "clusterArn", &t->cluster_arn, at));
    TRY(s_opt_str(obj, "lastStatus", &t->last_status, at));
    TRY(s_opt_str(obj, "desiredStatus", &t->desired_status, at));
    TRY(s_opt_str(obj, "stopCode", &t->stop_code, at));
    TRY(s_opt_str(obj, "stoppedReason", &t->stopped_reason, at));
    TRY(s_opt_str(obj, "startedBy", &t->started_by, at));
    TRY(s_opt_str(obj, "group", &t->group, at));
    TRY(s_opt_str(obj, "launchType", &t->launch_type, at));
    TRY(s_opt_str(obj, "capacityProviderName", &t->capacity_provider_name, at));
    TRY(s_opt_str(obj, "availabilityZone", &t->availability_zone, at));
    TRY(s_opt_time(obj, "createdAt", &t->created_at_ms, at));
    TRY(s_opt_time(obj, "startedAt", &t->started_at_ms, at));
    TRY(s_opt_time(obj, "stoppingAt", &t->stopping_at_ms, at));
    TRY(s_opt_time(obj, "stoppedAt", &t->stopped_at_ms, at));
    TRY(s_objects(obj, "containers", at, sizeof *t->containers, s_container_parse, &t->containers,
                  &t->ncontainers));
    TRY(s_attachments_parse(obj, at, t));
    TRY(s_objects(obj, "tags", at, sizeof *t->tags, s_kv_parse, &t->tags, &t->ntags));
    s_override_env_parse(obj, t);
out:
    return rc;
}

/* {member: [objects], failures: [...]}: the RunTask and Describe* answers' shape. */
static int
s_described(const char *body, size_t len, const char *what, const char *member, size_t size,
            s_entry_fn parse, void *arrp, size_t *out_n, struct ecs_failure **out_failures,
            size_t *out_nfailures, struct eb_error *err)
{
    struct s_at at;
    cJSON *root = NULL;
    int rc;
    TRY(s_root(body, len, what, err, &root, &at));
    TRY(s_objects(root, member, &at, size, parse, arrp, out_n));
    TRY(s_objects(root, "failures", &at, sizeof **out_failures, s_failure_parse, out_failures,
                  out_nfailures));
out:
    jsonarena_free(root);
    return rc;
}

int
ecs_task_list_parse(const char *body, size_t len, struct ecs_task_list *out, struct eb_error *err)
{
    memset(out, 0, sizeof *out);
    return s_described(body, len, "tasks", "tasks", sizeof *out->tasks, s_task_parse, &out->tasks,
                       &out->ntasks, &out->failures, &out->nfailures, err);
}

int
ecs_stop_task_parse(const char *body, size_t len, struct ecs_task *out, struct eb_error *err)
{
    struct s_at at, tat;
    cJSON *root = NULL;
    int rc;
    memset(out, 0, sizeof *out);
    TRY(s_root(body, len, "StopTask", err, &root, &at));
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(root, "task");
    s_at_child(&tat, &at, "task", -1);
    if (!t) {
        rc = s_bad(&at, "task", "is missing");
    } else if (!cJSON_IsObject(t)) {
        rc = s_bad(&tat, "entry", "is not an object");
    } else {
        rc = s_task_parse(t, &tat, out);
    }
out:
    jsonarena_free(root);
    return rc;
}

int
ecs_arn_page_parse(const char *body, size_t len, const char *member, struct ecs_arn_page *out,
                   struct eb_error *err)
{
    struct s_at at;
    cJSON *root = NULL;
    int rc;
    memset(out, 0, sizeof *out);
    TRY(s_root(body, len, "list", err, &root, &at));
    TRY(s_strv(root, member, &at, &out->arns, &out->narns));
    TRY(s_opt_str(root, "nextToken", &out->next_token, &at));
    if (out->next_token && !out->next_token[0]) {
        free(out->next_token);
        out->next_token = NULL;
    }
out:
    jsonarena_free(root);
    return rc;
}

static int
s_container_def_parse(const cJSON *obj, const struct s_at *at, void *el)
{
    struct ecs_container_def *c = el;
    int rc;
    TRY(s_req_str(obj, "name", &c->name, at));
    const cJSON *ess = s_member(obj, "essential");
    if (ess && !cJSON_IsBool(ess)) {
        rc = s_bad(at, "essential", "is not a boolean");
        goto out;
    }
    c->essential = ess ? cJSON_IsTrue(ess) : true;
    const cJSON *lc = s_member(obj, "logConfiguration");
    if (lc) {
        struct s_at lat, oat;
        s_at_child(&lat, at, "logConfiguration", -1);
        if (!cJSON_IsObject(lc)) {
            rc = s_bad(at, "logConfiguration", "is not an object");
            goto out;
        }
        TRY(s_opt_str(lc, "logDriver", &c->log_driver, &lat));
        const cJSON *opts = s_member(lc, "options");
        if (opts && !cJSON_IsObject(opts)) {
            rc = s_bad(&lat, "options", "is not an object");
            goto out;
        }
        s_at_child(&oat, &lat, "options", -1);
        TRY(s_opt_str(opts, "awslogs-group", &c->awslogs_group, &oat));
        TRY(s_opt_str(opts, "awslogs-stream-prefix", &c->awslogs_prefix, &oat));
        TRY(s_opt_str(opts, "awslogs-region", &c->awslogs_region, &oat));
    }
out:
    return rc;
}

int
ecs_taskdef_parse(const char *body, size_t len, struct ecs_taskdef *out, struct eb_error *err)
{
    struct s_at at, dat;
    cJSON *root = NULL;
    int rc;
    memset(out, 0, sizeof *out);
    TRY(s_root(body, len, "task definition", err, &root, &at));
    const cJSON *td = cJSON_GetObjectItemCaseSensitive(root, "taskDefinition");
    if (!cJSON_IsObject(td)) {
        rc = s_bad(&at, "taskDefinition", "is missing");
        goto out;
    }
    s_at_child(&dat, &at, "taskDefinition", -1);
    TRY(s_req_str(td, "taskDefinitionArn", &out->arn, &dat));
    TRY(s_opt_str(td, "family", &out->family, &dat));
    TRY(s_opt_str(td, "status", &out->status, &dat));
    TRY(s_opt_int(td, "revision", NULL, &out->revision, &dat));
    TRY(s_objects(td, "containerDefinitions", &dat, sizeof *out->containers, s_container_def_parse,
                  &out->containers, &out->ncontainers));
    TRY(s_objects(root, "tags", &at, sizeof *out->tags, s_kv_parse, &out->tags, &out->ntags));
out:
    jsonarena_free(root);
    return rc;
}

static int
s_cluster_parse(const cJSON *obj, const struct s_at *at, void *el)
{
    struct ecs_cluster *c = el;
    int rc;
    TRY(s_req_str(obj, "clusterArn", &c->arn, at));
    TRY(s_opt_str(obj, "clusterName", &c->name, at));
    TRY(s_opt_str(obj, "status", &c->status, at));
    TRY(s_opt_int(obj, "registeredContainerInstancesCount", NULL, &c->registered_instances, at));
    TRY(s_opt_int(obj, "runningTasksCount", NULL, &c->running_tasks, at));
    TRY(s_opt_int(obj, "pendingTasksCount", NULL, &c->pending_tasks, at));
    TRY(s_opt_int(obj, "activeServicesCount", NULL, &c->active_services, at));
    TRY(s_strv(obj, "capacityProviders", at, &c->capacity_providers, &c->ncapacity_providers));
out:
    return rc;
}

int
ecs_cluster_list_parse(const char *body, size_t len, struct ecs_cluster_list *out,
                       struct eb_error *err)
{
    memset(out, 0, sizeof *out);
    return s_described(body, len, "DescribeClusters", "clusters", sizeof *out->clusters,
                       s_cluster_parse, &out->clusters, &out->nclusters, &out->failures,
                       &out->nfailures, err);
}

static int
s_instance_parse(const cJSON *obj, const struct s_at *at, void *el)
{
    struct ecs_container_instance *c = el;
    const struct s_pick picks[] = {{"ecs.instance-type", &c->instance_type},
                                   {"ecs.availability-zone", &c->availability_zone}};
    const cJSON *attrs;
    int rc;
    TRY(s_req_str(obj, "containerInstanceArn", &c->arn, at));
    TRY(s_opt_str(obj, "ec2InstanceId", &c->ec2_instance_id, at));
    TRY(s_opt_str(obj, "capacityProviderName", &c->capacity_provider_name, at));
    TRY(s_opt_str(obj, "status", &c->status, at));
    TRY(s_opt_str(obj, "statusReason", &c->status_reason, at));
    c->agent_connected = jsonx_bool(obj, "agentConnected", false);
    TRY(s_opt_int(obj, "runningTasksCount", NULL, &c->running_tasks, at));
    TRY(s_opt_int(obj, "pendingTasksCount", NULL, &c->pending_tasks, at));
    TRY(s_opt_array(obj, "attributes", &attrs, at));
    s_pick_values(attrs, false, picks, 2);
out:
    return rc;
}

int
ecs_container_instance_list_parse(const char *body, size_t len,
                                  struct ecs_container_instance_list *out, struct eb_error *err)
{
    memset(out, 0, sizeof *out);
    return s_described(body, len, "DescribeContainerInstances", "containerInstances",
                       sizeof *out->instances, s_instance_parse, &out->instances,
                       &out->ninstances, &out->failures, &out->nfailures, err);
}

int
ecs_conflict_parse(const char *body, size_t len, char ***out_ids, size_t *out_n,
                   struct eb_error *err)
{
    struct s_at at;
    cJSON *root = NULL;
    int rc;
    *out_ids = NULL;
    *out_n = 0;
    TRY(s_root(body, len, "ConflictException", err, &root, &at));
    TRY(s_strv(root, "resourceIds", &at, out_ids, out_n));
out:
    jsonarena_free(root);
    return rc;
}

/* --- operations ---------------------------------------------------------------------------- */

/* Send op with body (freed here); resp holds whatever answer came (the caller cleans it up). */
static int
s_call(struct aws_client *c, const char *op, char *body, struct aws_response *resp,
       struct eb_error *err)
{
    char target[96];
    snprintf(target, sizeof target, "%s%s", ECS_TARGET_PREFIX, op);
    memset(resp, 0, sizeof *resp);
    int rc = aws_call_json(c, AWS_ECS, target, body, resp, err);
    free(body);
    return rc;
}

int
ecs_run_task(struct aws_client *c, const cJSON *request, struct ecs_run_result *out,
             struct eb_error *err)
{
    struct aws_response resp;
    int rc;
    memset(out, 0, sizeof *out);
    rc = s_call(c, "RunTask", jsonx_print(request), &resp, err);
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
    return rc;
}

int
ecs_describe_tasks(struct aws_client *c, const char *cluster, const char *const *tasks, size_t n,
                   struct ecs_task_list *out, struct eb_error *err)
{
    struct aws_response resp = {0};
    int rc;
    memset(out, 0, sizeof *out);
    if (n == 0 || n > ECS_DESCRIBE_TASKS_MAX) {
        return err_set(err, EB_ERR_INVALID, "DescribeTasks takes 1 to %d tasks, not %zu",
                       ECS_DESCRIBE_TASKS_MAX, n);
    }
    TRY(s_call(c, "DescribeTasks", ecs_describe_tasks_build(cluster, tasks, n, true), &resp, err));
    TRY(ecs_task_list_parse(buf_cstr(&resp.body), resp.body.len, out, err));
out:
    aws_response_cleanup(&resp);
    return rc;
}

int
ecs_stop_task(struct aws_client *c, const char *cluster, const char *task, const char *reason,
              struct ecs_task *out, struct eb_error *err)
{
    struct aws_response resp;
    int rc;
    TRY(s_call(c, "StopTask", ecs_stop_task_build(cluster, task, reason), &resp, err));
    if (out) {
        TRY(ecs_stop_task_parse(buf_cstr(&resp.body), resp.body.len, out, err));
    }
out:
    aws_response_cleanup(&resp);
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
        struct aws_response resp;
        struct ecs_arn_page pg = {0};
        rc = s_call(c, op, build(ctx, token), &resp, err);
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
    struct aws_response resp;
    int rc;
    memset(out, 0, sizeof *out);
    TRY(s_call(c, "RegisterTaskDefinition", ecs_register_task_definition_build(body, tags, ntags),
               &resp, err));
    TRY(ecs_taskdef_parse(buf_cstr(&resp.body), resp.body.len, out, err));
out:
    aws_response_cleanup(&resp);
    return rc;
}

int
ecs_describe_task_definition(struct aws_client *c, const char *ref, struct ecs_taskdef *out,
                             struct eb_error *err)
{
    struct aws_response resp;
    int rc;
    memset(out, 0, sizeof *out);
    rc = s_call(c, "DescribeTaskDefinition", ecs_describe_task_definition_build(ref), &resp, err);
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
    return rc;
}

int
ecs_describe_clusters(struct aws_client *c, const char *const *clusters, size_t n,
                      struct ecs_cluster_list *out, struct eb_error *err)
{
    struct aws_response resp;
    int rc;
    memset(out, 0, sizeof *out);
    TRY(s_call(c, "DescribeClusters", ecs_describe_clusters_build(clusters, n), &resp, err));
    TRY(ecs_cluster_list_parse(buf_cstr(&resp.body), resp.body.len, out, err));
out:
    aws_response_cleanup(&resp);
    return rc;
}

int
ecs_describe_container_instances(struct aws_client *c, const char *cluster, const char *const *ids,
                                 size_t n, struct ecs_container_instance_list *out,
                                 struct eb_error *err)
{
    struct aws_response resp;
    int rc;
    memset(out, 0, sizeof *out);
    TRY(s_call(c, "DescribeContainerInstances",
               ecs_describe_container_instances_build(cluster, ids, n), &resp, err));
    TRY(ecs_container_instance_list_parse(buf_cstr(&resp.body), resp.body.len, out, err));
out:
    aws_response_cleanup(&resp);
    return rc;
}

int
ecs_tag_resource(struct aws_client *c, const char *arn, const struct ecs_kv *tags, size_t ntags,
                 struct eb_error *err)
{
    struct aws_response resp;
    int rc = s_call(c, "TagResource", ecs_tag_resource_build(arn, tags, ntags), &resp, err);
    aws_response_cleanup(&resp);
    return rc;
}
