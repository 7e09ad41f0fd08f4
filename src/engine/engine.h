/*
 * The run engine (SPEC §4): a state machine over tasks × attempts. Deciding
 * code (engine_new/engine_step: observations in, actions out, no I/O, time
 * passed in) is kept apart from coordinating code (engine_run: rerun check,
 * claim, then poll → step → act until the job settles, then logs and result).
 * The engine knows backends and sinks only through backend.h and sink.h.
 */
#ifndef EB_ENGINE_ENGINE_H
#define EB_ENGINE_ENGINE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "engine/backend.h"
#include "engine/sink.h"
#include "job/plan.h"
#include "report/result.h"
#include "util/clock.h"
#include "util/log.h"

struct progress;

/* Who this launcher is: copied into claim.json and the result's "launcher". */
struct engine_launcher {
    const char *task_arn;  /* ECS: the launcher's own task ARN; NULL locally */
    const char *cluster;
    const char *region;
    const char *version;   /* ecsbatch's version */
    const char *backend;   /* "ecs" or "local" */
    const char *host;      /* host name; NULL = gethostname() */
    long pid;              /* 0 = getpid() */
};

struct engine_options {
    const struct plan *plan;        /* borrowed for the run */
    struct backend *backend;        /* borrowed */
    struct sink *sink;              /* borrowed */
    const struct eb_clock *clock;   /* NULL = clock_real() */
    struct engine_launcher launcher;
    /* Cap on live attempts (launched, not yet STOPPED); 0 = none. The local backend's
     * ECSBATCH_LOCAL_CONCURRENCY; ECS paces its own calls and needs none. */
    int max_live;
    /* How long a launched attempt may be MISSING (unknown to describe) before it is
     * lost; 0 = engine_missing_grace_ms(polling_interval). */
    int64_t missing_grace_ms;
    /* How long to wait for stopped attempts to reach STOPPED once the job ended;
     * 0 = 60 s, and at most ENGINE_CANCEL_CONFIRM_MS after a signal. */
    int64_t stop_confirm_ms;
    /* Non-zero once SIGTERM/SIGINT arrived (the handler only sets it); NULL = none. */
    volatile sig_atomic_t *cancel;
    /* Randomness for backoff jitter; NULL = a generator seeded from the clock. */
    uint64_t (*random)(void *ctx);
    void *random_ctx;
    /* Whether a process id is alive on this host (claim liveness); NULL = kill(pid, 0). */
    bool (*pid_alive)(long pid, void *ctx);
    void *pid_alive_ctx;
    FILE *out;                      /* representative log on success, stored result on rerun;
                                       NULL = stdout */
    FILE *err_out;                  /* representative log otherwise, unstored result; NULL = stderr */
    struct progress *progress;      /* live output; NULL = none */
};

/* After a signal the job must be over well within ECS's 30 s stop timeout (SPEC §4). */
#define ENGINE_CANCEL_CONFIRM_MS 15000
#define ENGINE_CANCEL_FINISH_MS 22000
/* The engine idles in slices of at most this, re-checking the cancel flag in between. */
#define ENGINE_WAIT_SLICE_MS 1000
/* Consecutive failed describe calls after which the job ends in ERROR. */
#define ENGINE_DESCRIBE_FAILURES_MAX 10

/*
 * Run the job of o->plan to its end (SPEC §4, §5) and return its exit code
 * (SPEC §2: 0, 1, 3, 4 or 5). In order:
 *  - rerun: if the sink holds result.json for the job id, print it to o->out and
 *    return its exit_code, launching nothing;
 *  - claim: create-if-absent claim.json; if another launcher holds a live claim
 *    (engine_claim_is_live), wait for its result.json and return its exit_code;
 *    a stale claim is taken over;
 *  - backend prepare, then poll → step → act until every task ended and every
 *    stop was confirmed (or stop_confirm_ms passed), writing status.json
 *    at most every status_interval when something changed;
 *  - logs per log_fetch, result.json, the representative log (o->out on success,
 *    o->err_out otherwise) and a "result: <location>/result.json" line.
 * A result is never lost: when it cannot be stored it is printed to o->err_out
 * and the exit code is 5 (or 1/3/4 when the job itself ended so).
 */
int engine_run(const struct engine_options *o);

/* Default MISSING grace: max(3 polls, min(30 s, 20 polls)), so 90 s at 30 s polling,
 * 30 s at 5 s, 1 s at 50 ms. */
int64_t engine_missing_grace_ms(int64_t polling_interval_ms);
/* Capacity-refusal backoff before launch try n+1 (n >= 1 refusals so far), before jitter:
 * min(cap, base * 2^(n-1)), base = min(polling_interval, 10 s), cap = min(5 min, 32 * base). */
int64_t engine_backoff_ms(int64_t polling_interval_ms, int refusals);

/* --- deciding code ------------------------------------------------------------------------ */

enum engine_event_kind {
    ENGINE_EV_LAUNCHED,        /* task, launch (STARTED or REFUSED) */
    ENGINE_EV_ADOPTED,         /* task, live: found by find_live, adopted instead of launched */
    ENGINE_EV_OBSERVED,        /* task, obs: its current attempt */
    ENGINE_EV_DESCRIBE_FAILED, /* text */
    ENGINE_EV_STOP_SENT,       /* task: the stop call was accepted */
    ENGINE_EV_STOP_FAILED,     /* task, text */
    ENGINE_EV_CANCEL,          /* text: which signal */
    ENGINE_EV_ERROR,           /* text: a backend call failed for good; the job ends in ERROR */
};

struct engine_event {
    enum engine_event_kind kind;
    int task;
    const struct launch_result *launch;
    const struct live_task *live;
    const struct observation *obs;
    const char *text;
};

enum engine_action_kind {
    ENGINE_ACT_LAUNCH, /* task, attempt, launch_try: start (or adopt) an attempt */
    ENGINE_ACT_STOP,   /* task, handle, text = reason */
    ENGINE_ACT_NOTE,   /* level, event, fields (JSON object), text = message: a state change */
};

struct engine_action {
    enum engine_action_kind kind;
    int task;
    int attempt;
    int launch_try;        /* 1 + capacity refusals of this attempt so far */
    char *handle;          /* STOP */
    char *text;            /* STOP reason, NOTE message */
    enum log_level level;  /* NOTE */
    const char *event;     /* NOTE: "attempt_started", "task_retry", "job_failed", ... */
    char *fields;          /* NOTE: {"job_id":…,"task":…,"attempt":…,…} */
};

struct engine_actions {
    struct engine_action *v;
    size_t n, cap;
};
void engine_actions_reset(struct engine_actions *a);   /* free the entries, keep the array */
void engine_actions_cleanup(struct engine_actions *a); /* free everything; safe twice */

struct engine;

/* A fresh engine for o (plan, launcher and tunables are read; clock, backend and sink are
 * not touched) whose job starts at now_wall / now_mono. */
struct engine *engine_new(const struct engine_options *o, int64_t now_wall, int64_t now_mono);
void engine_free(struct engine *e);

/*
 * Apply events (in order), then what time alone decides (timeout, MISSING grace,
 * backoff expiry, stop deadline), and append the resulting actions to out.
 * Launch actions are emitted while the job runs, in task order, up to max_live;
 * once the job ended, stop actions for every live attempt (re-sent after a failed
 * stop call). Pure: no I/O, no clock.
 */
void engine_step(struct engine *e, int64_t now_mono, int64_t now_wall,
                 const struct engine_event *events, size_t nevents, struct engine_actions *out);

/* The job's record, kept current by engine_step. */
const struct job_report *engine_report(const struct engine *e);
struct job_report *engine_report_mut(struct engine *e);
/* The job's status was decided (no more launches). */
bool engine_ended(const struct engine *e);
/* Ended, and every stopped attempt confirmed STOPPED (or given up on). */
bool engine_settled(const struct engine *e);
/* Tasks with a live attempt, in task order, into out (room for ntasks); returns how many. */
size_t engine_live_tasks(const struct engine *e, int *out);
/* The attempt count of task i before the coordinator launches (0 = nothing started yet). */
size_t engine_task_attempts(const struct engine *e, int task);
/* The mono time of the next thing time alone decides, or INT64_MAX. */
int64_t engine_next_timer(const struct engine *e);
/* True once and clears: something in the record changed since the last call. */
bool engine_take_changed(struct engine *e);
/* When the job ended by a signal: the mono time it did (0 otherwise). */
int64_t engine_cancelled_at(const struct engine *e);

#endif
