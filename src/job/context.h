/*
 * Reading the contexts of SPEC §3 into a plan: command fields from the job's
 * context over the command's, cluster fields from the cluster's, each checked
 * for type and range, with where every value came from kept for messages.
 * Internal to src/job (load.c, merge.c, validate.c).
 */
#ifndef EB_JOB_CONTEXT_H
#define EB_JOB_CONTEXT_H

#include <cJSON.h>

#include "job/load.h"
#include "job/plan.h"

/* The most tasks one job may have (each is polled and reported; far beyond ECS quotas). */
#define CONTEXT_TASK_COUNT_MAX 10000

/* One context mapping and where it is. */
struct ctx_layer {
    const cJSON *obj;  /* the context object, or NULL */
    const char *file;  /* the document, for messages */
    const char *base;  /* what relative template paths resolve against; NULL = the current folder */
    char *prefix;      /* field path of the context: "context", "commands[0].context" */
};

/* Where a value came from, "FILE: PATH" (malloc'd), NULL = the default. */
struct ctx_origins {
    char *task_count, *cpu, *memory, *gpu, *disk, *machine_type, *template;
    char *launch_type, *strategy, *max_cpu, *max_memory, *max_task_count;
    char *template_cpu, *template_memory; /* the template's own cpu / memory */
};

/* Everything job_load is building. */
struct job_build {
    struct plan *plan;
    struct job_problems *pr;
    struct ctx_layer cmd[2];     /* the job's context, then the command's */
    size_t ncmd;
    struct ctx_layer cluster;
    struct ctx_origins org;
    int tmpl_cpu, tmpl_memory;   /* the template's task-level cpu / memory, 0 = none or unreadable */
};

/* Read every field of the command and cluster contexts into b->plan, load the template and
 * merge the container overrides; problems go to b->pr. */
void context_read(struct job_build *b);
void context_origins_cleanup(struct ctx_origins *o);

/* Task-level cpu or memory text of a task definition ("1024", "1 vCPU", "2 GB") → units / MiB;
 * 0 when it cannot be read. */
int context_task_size(const cJSON *v, bool is_cpu);

/* --- merge.c --- */

/* Merge a container_overrides list into plan->overrides (by name; environment by variable
 * name, later wins, order of first appearance kept; command replaces). */
void merge_overrides(struct plan *p, const cJSON *list, const char *file, const char *path,
                     struct job_problems *pr);
/* Apply the context's cpu, memory, gpu, disk and roles to plan->taskdef (a no-op when NULL). */
void merge_apply_template(struct plan *p);
/* Add or replace an environment variable in a list (later wins, order kept). */
void merge_env_set(struct plan_env **env, size_t *n, const char *name, const char *value);

/* --- validate.c --- */

/* Check a task-definition template (source names it in messages); sets *out_essential to the
 * first essential container's name (malloc'd) when there is one. */
void validate_taskdef(const cJSON *td, const char *source, struct job_problems *pr,
                      char **out_essential);
/* The cross-field checks once everything is read (limits, Fargate sizes, disk, overrides). */
void validate_plan(struct job_build *b);

#endif
