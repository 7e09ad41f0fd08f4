/*
 * What the engine needs from whatever runs tasks: ECS (backend/backend_ecs.c)
 * or local processes (backend/backend_local.c). The engine knows nothing of
 * ECS or processes; it launches, observes, stops and fetches logs through
 * these operations, and waits between polls through backend_ops.wait so a
 * backend can do its own I/O (the local one reads its children's output).
 *
 * A task attempt is known to the backend by a handle: the task ARN in ECS,
 * "local:<pid>" locally. Strings in results are malloc'd and owned by the
 * caller (free with observation_cleanup / launch_result_cleanup).
 */
#ifndef EB_ENGINE_BACKEND_H
#define EB_ENGINE_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "job/plan.h"
#include "util/buf.h"
#include "util/err.h"

struct backend;

struct launch_request {
    int task_index;         /* i */
    int attempt;            /* 1-based */
    int launch_try;         /* 1 + capacity refusals of this attempt so far (LAUNCH_REFUSED):
                               a retried refused launch is a new call, so idempotency tokens
                               must include it */
    const char *task_name;  /* {prefix}-job-{id}-{i}: TASK_NAME and startedBy */
    int64_t deadline_ms;    /* the job's deadline (ECSBATCH_DEADLINE) */
};

enum launch_status {
    LAUNCH_STARTED,   /* handle is set */
    LAUNCH_REFUSED,   /* no capacity now (RunTask failures[]): retried with backoff, not counted */
};

struct launch_result {
    enum launch_status status;
    char *handle;         /* LAUNCH_STARTED: task ARN / local:<pid> */
    char *reason;         /* LAUNCH_REFUSED: e.g. "RESOURCE:MEMORY", with detail */
    int64_t created_at_ms;
};

enum obs_state {
    OBS_PENDING,  /* accepted, not running yet (PROVISIONING/PENDING/ACTIVATING) */
    OBS_RUNNING,  /* RUNNING */
    OBS_STOPPING, /* DEACTIVATING/STOPPING/DEPROVISIONING */
    OBS_STOPPED,  /* STOPPED: the outcome fields are final */
    OBS_MISSING,  /* the backend does not know the handle (ECS: failures[] MISSING) */
};

struct container_obs {
    char *name;
    bool essential;
    bool has_exit_code;   /* false: it never ran (or no code reported) */
    int exit_code;
    char *reason;         /* container reason, e.g. "OutOfMemoryError: ..." */
};

struct observation {
    enum obs_state state;
    char *last_status;      /* the backend's own word, e.g. "PROVISIONING" */
    char *stop_code;        /* ECS stopCode, or NULL */
    char *stopped_reason;   /* ECS stoppedReason, or NULL */
    struct container_obs *containers;
    size_t ncontainers;
    int64_t created_at_ms, started_at_ms, stopped_at_ms; /* 0 = unknown */
};

/* A live task found by name (restart adoption, SPEC §4). */
struct live_task {
    char *handle;
    int attempt;            /* from the task's ECSBATCH_ATTEMPT, 0 if unknown */
};

struct backend_ops {
    const char *name;  /* "ecs", "local" */
    /* Before the first launch: register/resolve the task definition, etc. */
    int (*prepare)(struct backend *b, struct eb_error *err);
    /* Start one attempt. A transient failure to call the API is retried inside;
     * an error return is fatal to the job (ERROR). */
    int (*launch)(struct backend *b, const struct launch_request *req, struct launch_result *out,
                  struct eb_error *err);
    /* Observe n handles; out[] has n entries in the same order. Batches internally
     * (ECS: one DescribeTasks per 100). */
    int (*describe)(struct backend *b, const char *const *handles, size_t n,
                    struct observation *out, struct eb_error *err);
    /* Ask a task to stop, with a reason naming the job and the cause. */
    int (*stop)(struct backend *b, const char *handle, const char *reason, struct eb_error *err);
    /* The attempt's log in SPEC §5 format ("=== stream ===", blank, "[ts] msg" lines),
     * appended to out; a stream that never existed is noted in the text, not an error. */
    int (*fetch_log)(struct backend *b, const char *handle, int task_index, int attempt,
                     struct eb_buf *out, struct eb_error *err);
    /* Live tasks started for task_name by an earlier launcher of the same job.
     * *out is malloc'd (free each with live_task_cleanup, then the array). May be NULL. */
    int (*find_live)(struct backend *b, const char *task_name, struct live_task **out,
                     size_t *out_n, struct eb_error *err);
    /* Idle for up to ms (the poll interval), doing the backend's own I/O. Returns
     * early when a signal arrives. */
    void (*wait)(struct backend *b, int64_t ms);
    /* A short description of the task definition used, for the result (ARN, or "local"). */
    const char *(*task_definition)(struct backend *b);
    void (*destroy)(struct backend *b);
};

struct backend {
    const struct backend_ops *ops;
};

void launch_result_cleanup(struct launch_result *r);
void observation_cleanup(struct observation *o);
void live_task_cleanup(struct live_task *t);

#endif
