/*
 * The resolved plan of a job (SPEC §3): what the catalogue, the job document
 * and the task-definition template come to once a command and a cluster are
 * selected, contexts merged (job over command over template) and everything
 * validated. The engine and the backends read only this; nothing here is
 * re-parsed later. Built by plan_build() (job/resolve.c), freed by plan_free().
 */
#ifndef EB_JOB_PLAN_H
#define EB_JOB_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

enum log_fetch { LOG_FETCH_FAILED, LOG_FETCH_ALL, LOG_FETCH_NONE };

struct plan_env {
    char *name;
    char *value;
};

/* One container's overrides after merging command then job context (no automatic variables). */
struct plan_override {
    char *name;              /* container name */
    char **command;          /* NULL = not overridden; else ncommand strings */
    size_t ncommand;
    struct plan_env *env;    /* merged by name, later wins, order of first appearance kept */
    size_t nenv;
};

struct plan {
    /* identity */
    char *job_id;            /* [A-Za-z0-9_-]{1,64}: --job-id > document id > generated */
    char *name;              /* job document name */
    char *version;           /* job document version */
    char *command_name;      /* selected catalogue command */
    char *cluster_entry;     /* selected catalogue cluster (its catalogue name) */
    char *task_name_prefix;  /* default "ecsbatch" */

    /* command context */
    int task_count;
    int64_t polling_interval_ms;   /* default 30s */
    int64_t timeout_ms;            /* default 1h */
    int64_t status_interval_ms;    /* default 30s */
    int max_fail_count;            /* default 3 */
    int max_spot_attempts;         /* default 5 */
    int cpu, memory;               /* 0 = not set (task-level overrides) */
    int gpu;                       /* 0 = none */
    int disk_gib;                  /* 0 = not set (ephemeral storage) */
    char *machine_type;            /* NULL = not set */
    enum log_fetch log_fetch;

    /* task definition: the merged template (template + cpu/memory/roles applied), a
     * RegisterTaskDefinition request body; NULL when taskdef_self */
    cJSON *taskdef;
    bool taskdef_self;             /* task_definition_template: self */
    char *taskdef_source;          /* where the template came from, for messages */
    char *essential_container;     /* name of the first essential container (decides outcomes) */

    /* container overrides (command context, then job context merged over it) */
    struct plan_override *overrides;
    size_t noverrides;

    /* cluster context; NULL / 0 = inherit from the launcher's own task (SPEC §3) */
    char *cluster_name;
    char *launch_type;                /* FARGATE, FARGATE_SPOT, EC2, MANAGED_INSTANCES */
    cJSON *capacity_provider_strategy;/* array, or NULL */
    char **subnets;
    size_t nsubnets;
    char **security_groups;
    size_t nsecurity_groups;
    int assign_public_ip;             /* -1 unset, 0 DISABLED, 1 ENABLED */
    char *region;
    char *results;                    /* cluster context results URI, or NULL */
    char *execution_role_arn;
    char *task_role_arn;
    int max_cpu, max_memory, max_task_count; /* 0 = no limit */

    /* where things came from, for messages */
    char *catalogue_path;
    char *job_source;
};

/* The name of task i: "{prefix}-job-{job_id}-{i}" (SPEC §4). Caller frees. */
char *plan_task_name(const struct plan *p, int index);

/*
 * The full environment of a container of task `index`, attempt `attempt`, in
 * order: template environment, overrides merged by name (later wins, order of
 * first appearance kept), then TASK_NUM, ECSBATCH_JOB_ID, ECSBATCH_ATTEMPT,
 * ECSBATCH_DEADLINE (deadline_ms, RFC 3339 UTC) and TASK_NAME last.
 * Returns a malloc'd array of *out_n entries; free with plan_env_free.
 */
struct plan_env *plan_container_env(const struct plan *p, const char *container, int index,
                                    int attempt, int64_t deadline_ms, size_t *out_n);
void plan_env_free(struct plan_env *env, size_t n);

/*
 * The merged command of a container (override, else the template's command;
 * entryPoint prepended when the template has one). NULL when neither has one.
 * Returns a NULL-terminated malloc'd array of malloc'd strings; free with plan_argv_free.
 */
char **plan_container_argv(const struct plan *p, const char *container);
void plan_argv_free(char **argv);

void plan_free(struct plan *p);

#endif
