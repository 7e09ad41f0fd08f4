/*
 * Per-task bookkeeping of the engine beside the public record (report/result.h),
 * the attempt-state transition table, and the retry budgets of SPEC §4. Pure
 * functions, shared by engine.c and its unit tests.
 */
#ifndef EB_ENGINE_ATTEMPT_H
#define EB_ENGINE_ATTEMPT_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/backend.h"
#include "report/result.h"

enum task_phase {
    PHASE_QUEUED,    /* waiting to launch (first attempt, retry, or after a refusal) */
    PHASE_LAUNCHING, /* a launch action is out */
    PHASE_LIVE,      /* its current attempt is live */
    PHASE_DONE,      /* nothing more will happen to it */
    PHASE__COUNT
};

/* Why the engine asked an attempt to stop. */
enum stop_cause {
    STOP_NONE,
    STOP_JOB_FAILED, /* a sibling exhausted its budget */
    STOP_TIMEOUT,
    STOP_CANCEL,     /* SIGTERM/SIGINT */
    STOP_ERROR,      /* the job ended in ERROR */
    STOP__COUNT
};

struct engine_task {
    enum task_phase phase;
    int64_t not_before;      /* mono ms: no launch before (capacity backoff) */
    int refusals;            /* capacity refusals since the last started attempt */
    int64_t launched_mono;   /* when the current attempt was launched or adopted */
    int64_t missing_since;   /* mono ms of the first MISSING in a row; 0 = not missing */
    bool seen;               /* the current attempt was observed at least once */
    enum stop_cause stop;    /* why we asked the current attempt to stop */
    bool stop_sent;          /* the stop call was accepted */
    int64_t stop_retry_at;   /* mono ms: re-send a failed stop call */
    int completed_seq;       /* 1-based order of success; 0 = not succeeded */
};

/* The attempt status an observed backend state leads to, never going backwards
 * (eventual consistency may show an earlier state after a later one). */
enum attempt_status attempt_status_after(enum attempt_status current, enum obs_state observed);

/* The failure kind of an attempt the engine stopped itself. */
enum failure_kind attempt_stop_kind(enum stop_cause c);
/* The task status of a task the job's end caught before it ended by itself. */
enum task_status attempt_stop_task_status(enum stop_cause c);

/*
 * Count one failure of kind (fatal: a pull no retry helps) against the task's
 * budgets (SPEC §4) and say whether it is exhausted:
 *  - spot/host: spot_count++, exhausted when spot_count >= max_spot_attempts;
 *  - a fatal pull: exhausted at once;
 *  - anything else: fail_count++, exhausted when fail_count > max_fail_count
 *    (0 = no retry, 3 = up to 4 attempts).
 */
bool attempt_budget_charge(struct report_task *t, enum failure_kind kind, bool fatal,
                           int max_fail_count, int max_spot_attempts);

#endif
