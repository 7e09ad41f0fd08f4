/*
 * Amazon ECS over JSON 1.1 (aws-facts §1): request bodies built and answers
 * parsed into plain structs (no cJSON tree leaves this module), and one
 * function per operation that sends through aws/call.h. Retries, signing and
 * rate limiting are call.h's; paging and the ConflictException of a reused
 * RunTask clientToken are handled here.
 */
#ifndef EB_API_ECS_H
#define EB_API_ECS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "aws/call.h"
#include "util/err.h"

#define ECS_TARGET_PREFIX "AmazonEC2ContainerServiceV20141113."
#define ECS_DESCRIBE_TASKS_MAX 100   /* ARNs per DescribeTasks call */
#define ECS_STOP_REASON_MAX 255      /* bytes of a StopTask reason */
#define ECS_LIST_PAGES_MAX 1000      /* pages a paginated listing follows at most */

struct ecs_kv {
    char *key;    /* tag key, or environment variable name */
    char *value;
};

/* A container of a described task. */
struct ecs_container {
    char *name;
    char *last_status;
    bool has_exit_code;   /* absent until it exited (and never for one that never ran) */
    int exit_code;
    char *reason;         /* e.g. "OutOfMemoryError: Container killed due to memory usage" */
};

/* A task as DescribeTasks / RunTask / StopTask return it. */
struct ecs_task {
    char *arn;
    char *task_definition_arn;
    char *cluster_arn;
    char *last_status;            /* PROVISIONING ... STOPPED */
    char *desired_status;         /* RUNNING or STOPPED */
    char *stop_code;              /* NULL until stopping */
    char *stopped_reason;
    char *started_by;
    char *group;
    char *launch_type;
    char *capacity_provider_name;
    char *availability_zone;
    int64_t created_at_ms, started_at_ms, stopping_at_ms, stopped_at_ms; /* 0 = absent */
    struct ecs_container *containers;
    size_t ncontainers;
    char *subnet_id;              /* from the ElasticNetworkInterface attachment, or NULL */
    char *eni_id;
    struct ecs_kv *tags;          /* include TAGS */
    size_t ntags;
    struct ecs_kv *override_env;  /* every containerOverrides environment entry, in order */
    size_t noverride_env;
};

/* An entry of a response's failures[] ("MISSING", "RESOURCE:MEMORY", capacity text...). */
struct ecs_failure {
    char *arn;
    char *reason;
    char *detail;
};

struct ecs_task_list {
    struct ecs_task *tasks;
    size_t ntasks;
    struct ecs_failure *failures;
    size_t nfailures;
};

/* A container definition of a task definition: what outcomes and logs need. */
struct ecs_container_def {
    char *name;
    bool essential;          /* ECS's default is true */
    char *log_driver;        /* "awslogs", ... or NULL */
    char *awslogs_group;     /* options awslogs-group / -stream-prefix / -region, or NULL */
    char *awslogs_prefix;
    char *awslogs_region;
};

struct ecs_taskdef {
    char *arn;
    char *family;
    int revision;
    char *status;            /* ACTIVE, INACTIVE, DELETE_IN_PROGRESS */
    struct ecs_container_def *containers;
    size_t ncontainers;
    struct ecs_kv *tags;     /* the response's tags (include TAGS) */
    size_t ntags;
};

struct ecs_cluster {
    char *arn;
    char *name;
    char *status;
    int registered_instances, running_tasks, pending_tasks, active_services;
    char **capacity_providers;
    size_t ncapacity_providers;
};

struct ecs_cluster_list {
    struct ecs_cluster *clusters;
    size_t nclusters;
    struct ecs_failure *failures;
    size_t nfailures;
};

struct ecs_container_instance {
    char *arn;
    char *ec2_instance_id;
    char *capacity_provider_name;
    char *status;
    char *status_reason;
    bool agent_connected;
    int running_tasks, pending_tasks;
    char *instance_type;      /* attribute ecs.instance-type */
    char *availability_zone;  /* attribute ecs.availability-zone */
};

struct ecs_container_instance_list {
    struct ecs_container_instance *instances;
    size_t ninstances;
    struct ecs_failure *failures;
    size_t nfailures;
};

/* A page of ARNs (ListTasks, ListTaskDefinitions). */
struct ecs_arn_page {
    char **arns;
    size_t narns;
    char *next_token;        /* NULL on the last page */
};

/* What RunTask came to: tasks and failures, or the ARNs bound to a reused clientToken. */
struct ecs_run_result {
    struct ecs_task_list list;
    bool conflict;           /* ConflictException: the token was used with other parameters */
    char **conflict_ids;     /* its resourceIds (task ARNs), possibly none */
    size_t nconflict_ids;
};

struct ecs_list_tasks_query {
    const char *cluster;          /* NULL = default cluster */
    const char *started_by;       /* NULL = any */
    const char *family;           /* NULL = any */
    const char *desired_status;   /* "RUNNING", "STOPPED" or NULL (ECS: RUNNING) */
    int max_results;              /* 1..100; 0 = omitted */
};

/* --- cleanup (each safe twice) ------------------------------------------------------------ */
void ecs_task_cleanup(struct ecs_task *t);
void ecs_task_list_cleanup(struct ecs_task_list *l);
void ecs_taskdef_cleanup(struct ecs_taskdef *d);
void ecs_cluster_list_cleanup(struct ecs_cluster_list *l);
void ecs_container_instance_list_cleanup(struct ecs_container_instance_list *l);
void ecs_arn_page_cleanup(struct ecs_arn_page *p);
void ecs_run_result_cleanup(struct ecs_run_result *r);
void ecs_strv_free(char **v, size_t n);

/* --- request bodies (malloc'd JSON text; caller frees) ------------------------------------ */
/* DescribeTasks of n (1..100) tasks, with include TAGS when include_tags. */
char *ecs_describe_tasks_build(const char *cluster, const char *const *tasks, size_t n,
                               bool include_tags);
/* StopTask; reason cut to ECS_STOP_REASON_MAX bytes at a UTF-8 boundary; NULL = none. */
char *ecs_stop_task_build(const char *cluster, const char *task, const char *reason);
char *ecs_list_tasks_build(const struct ecs_list_tasks_query *q, const char *next_token);
/* RegisterTaskDefinition: body (a request, not modified) with tags appended to its own. */
char *ecs_register_task_definition_build(const cJSON *body, const struct ecs_kv *tags, size_t ntags);
/* DescribeTaskDefinition with include TAGS. */
char *ecs_describe_task_definition_build(const char *ref);
/* ListTaskDefinitions of one family (familyPrefix), ACTIVE, sort DESC when desc. */
char *ecs_list_task_definitions_build(const char *family, bool desc, int max_results,
                                      const char *next_token);
char *ecs_describe_clusters_build(const char *const *clusters, size_t n);
char *ecs_describe_container_instances_build(const char *cluster, const char *const *ids, size_t n);
char *ecs_tag_resource_build(const char *arn, const struct ecs_kv *tags, size_t ntags);

/* --- response parsers (body of a 200 answer; EB_ERR_PARSE naming the field) ---------------
 * Every parser fills *out (zeroed first) and leaves it clean-up-able on error. */
/* {tasks, failures}: RunTask and DescribeTasks answers. */
EB_MUST_CHECK int ecs_task_list_parse(const char *body, size_t len, struct ecs_task_list *out,
                                      struct eb_error *err);
/* {task}: the StopTask answer. */
EB_MUST_CHECK int ecs_stop_task_parse(const char *body, size_t len, struct ecs_task *out,
                                      struct eb_error *err);
/* {taskArns|taskDefinitionArns, nextToken}. */
EB_MUST_CHECK int ecs_arn_page_parse(const char *body, size_t len, const char *member,
                                     struct ecs_arn_page *out, struct eb_error *err);
/* {taskDefinition, tags}: Register- and DescribeTaskDefinition answers. */
EB_MUST_CHECK int ecs_taskdef_parse(const char *body, size_t len, struct ecs_taskdef *out,
                                    struct eb_error *err);
EB_MUST_CHECK int ecs_cluster_list_parse(const char *body, size_t len, struct ecs_cluster_list *out,
                                         struct eb_error *err);
EB_MUST_CHECK int ecs_container_instance_list_parse(const char *body, size_t len,
                                                    struct ecs_container_instance_list *out,
                                                    struct eb_error *err);
/* The resourceIds of a ConflictException error document (none is not an error). */
EB_MUST_CHECK int ecs_conflict_parse(const char *body, size_t len, char ***out_ids, size_t *out_n,
                                     struct eb_error *err);

/* --- lookups ------------------------------------------------------------------------------ */
/* The value of tag key, or NULL. */
const char *ecs_kv_get(const struct ecs_kv *kv, size_t n, const char *key);
/* The task id: the last segment of a task ARN (the string itself when it has no '/'). */
const char *ecs_task_id(const char *arn);

/* --- operations (aws_call_json; call.h retries transient errors) ---------------------------
 * Errors: what aws_call_json returned (EB_ERR_AWS with err->aws_code, EB_ERR_TRANSPORT, ...)
 * or EB_ERR_PARSE for an answer that cannot be read. */

/* RunTask with request (a complete body, e.g. runtask_request()). A ConflictException is
 * not an error: out->conflict is set with its resourceIds (from the error document). */
EB_MUST_CHECK int ecs_run_task(struct aws_client *c, const cJSON *request, struct ecs_run_result *out,
                               struct eb_error *err);
/* DescribeTasks of n tasks (1..ECS_DESCRIBE_TASKS_MAX, else EB_ERR_INVALID), include TAGS. */
EB_MUST_CHECK int ecs_describe_tasks(struct aws_client *c, const char *cluster,
                                     const char *const *tasks, size_t n, struct ecs_task_list *out,
                                     struct eb_error *err);
/* StopTask; out may be NULL. */
EB_MUST_CHECK int ecs_stop_task(struct aws_client *c, const char *cluster, const char *task,
                                const char *reason, struct ecs_task *out, struct eb_error *err);
/* Every page of ListTasks (at most ECS_LIST_PAGES_MAX pages): *out_arns malloc'd. */
EB_MUST_CHECK int ecs_list_tasks(struct aws_client *c, const struct ecs_list_tasks_query *q,
                                 char ***out_arns, size_t *out_n, struct eb_error *err);
EB_MUST_CHECK int ecs_register_task_definition(struct aws_client *c, const cJSON *body,
                                               const struct ecs_kv *tags, size_t ntags,
                                               struct ecs_taskdef *out, struct eb_error *err);
/* ref: family (latest ACTIVE), family:revision or ARN; include TAGS. A definition that does
 * not exist is EB_ERR_NOT_FOUND (ECS answers ClientException "Unable to describe..."). */
EB_MUST_CHECK int ecs_describe_task_definition(struct aws_client *c, const char *ref,
                                               struct ecs_taskdef *out, struct eb_error *err);
/* The ACTIVE revisions of family, newest first when desc, at most max (pages followed). */
EB_MUST_CHECK int ecs_list_task_definitions(struct aws_client *c, const char *family, bool desc,
                                            size_t max, char ***out_arns, size_t *out_n,
                                            struct eb_error *err);
EB_MUST_CHECK int ecs_describe_clusters(struct aws_client *c, const char *const *clusters, size_t n,
                                        struct ecs_cluster_list *out, struct eb_error *err);
EB_MUST_CHECK int ecs_describe_container_instances(struct aws_client *c, const char *cluster,
                                                   const char *const *ids, size_t n,
                                                   struct ecs_container_instance_list *out,
                                                   struct eb_error *err);
EB_MUST_CHECK int ecs_tag_resource(struct aws_client *c, const char *arn, const struct ecs_kv *tags,
                                   size_t ntags, struct eb_error *err);

#endif
