/*
 * The record of a job (SPEC §5): struct job_report is what the engine keeps
 * up to date while the job runs and what result.json / status.json are made
 * of. result_to_json writes the document; result_parse reads one back (reruns,
 * `ecsbatch status`), type-checking every member it reads.
 */
#ifndef EB_REPORT_RESULT_H
#define EB_REPORT_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define RESULT_SCHEMA "ecsbatch.result/1"

enum job_status {
    JOB_RUNNING,
    JOB_SUCCEEDED,
    JOB_FAILED,
    JOB_TIMED_OUT,
    JOB_CANCELLED,
    JOB_ERROR,
    JOB__COUNT
};

enum task_status {
    TASK_PENDING,   /* no attempt started yet */
    TASK_RUNNING,   /* an attempt is live */
    TASK_RETRYING,  /* between attempts (after a failure or a capacity refusal) */
    TASK_SUCCEEDED,
    TASK_FAILED,    /* exhausted its budget (or a fatal failure) */
    TASK_TIMED_OUT, /* the job's timeout ended it */
    TASK_CANCELLED, /* the job ended otherwise (signal, a sibling's failure, an error) */
    TASK__COUNT
};

enum attempt_status {
    ATTEMPT_PENDING,  /* accepted, not running yet */
    ATTEMPT_RUNNING,
    ATTEMPT_STOPPING,
    ATTEMPT_SUCCEEDED,
    ATTEMPT_FAILED,   /* every unsuccessful end; failure_kind says which */
    ATTEMPT__COUNT
};

/* SPEC §5 failure_kind; FAILURE_NONE for a success or an attempt still live. */
enum failure_kind {
    FAILURE_NONE,
    FAILURE_EXIT,
    FAILURE_OOM,
    FAILURE_PULL,
    FAILURE_START,
    FAILURE_SPOT,
    FAILURE_HOST,
    FAILURE_CAPACITY,
    FAILURE_STOPPED,
    FAILURE_LOST,
    FAILURE_TIMEOUT,
    FAILURE_CANCELLED,
    FAILURE__COUNT
};

struct report_container {
    char *name;
    bool essential;
    bool has_exit_code;  /* false: it never ran, or no code was reported */
    int exit_code;
    char *reason;        /* NULL when none */
};

struct report_attempt {
    int number;                  /* 1-based: ECSBATCH_ATTEMPT */
    char *task_arn;              /* the backend's handle (task ARN, "local:<pid>") */
    enum attempt_status status;
    enum failure_kind failure_kind;
    bool fatal;                  /* a failure no retry can help (image missing, access denied) */
    bool adopted;                /* found live after a launcher restart, not launched by us */
    bool has_exit_code;          /* the essential container's exit code */
    int exit_code;
    char *last_status;           /* the backend's own word */
    char *stop_code;
    char *stopped_reason;
    int64_t created_at_ms, started_at_ms, stopped_at_ms; /* 0 = unknown */
    char *log;                   /* "logs/task-0-attempt-1.log" once stored, else NULL */
    char *note;                  /* anything else a person should know, or NULL */
    struct report_container *containers;
    size_t ncontainers;
};

/* A launch call that started nothing (RunTask failures[]): failure_kind capacity. */
struct report_launch_failure {
    int attempt;                 /* the attempt number the call was for */
    int64_t at_ms;
    char *reason;
};

struct report_task {
    int index;
    char *task_name;
    enum task_status status;
    int fail_count;              /* failures counted against max_fail_count */
    int spot_count;              /* spot/host ends counted against max_spot_attempts */
    struct report_attempt *attempts;
    size_t nattempts;
    struct report_launch_failure *launch_failures;
    size_t nlaunch_failures;
};

struct report_launcher {
    char *task_arn, *cluster, *region, *version; /* SPEC §5; NULL = unknown */
    char *backend;               /* "ecs" or "local" */
    char *host;
    long pid;
};

struct job_report {
    char *job_id, *name, *version;
    char *command, *cluster, *task_definition_arn;
    enum job_status status;
    int exit_code;
    int64_t started_at_ms, finished_at_ms, deadline_ms, updated_at_ms;
    int64_t timeout_ms;
    struct report_launcher launcher;
    struct report_task *tasks;
    size_t ntasks;
    int representative_task;     /* -1 = none */
    char *error;                 /* why the job did not succeed; NULL on success */
    char *results;               /* the results location, or NULL */
};

/* Names as they appear in the documents ("SUCCEEDED", "exit", ...). */
const char *job_status_name(enum job_status s);
const char *task_status_name(enum task_status s);
const char *attempt_status_name(enum attempt_status s);
/* NULL for FAILURE_NONE. */
const char *failure_kind_name(enum failure_kind k);
/* Reverse lookups: 0 and *out, or -1 when the name is unknown. */
int job_status_parse(const char *name, enum job_status *out);
int failure_kind_parse(const char *name, enum failure_kind *out);
/* The SPEC §2 exit code of a job status (RUNNING → 0). */
int job_status_exit_code(enum job_status s);

/*
 * result.json / status.json text (pretty-printed, trailing newline) of r: the
 * SPEC §5 members plus additions (counters, launch_failures, notes, ...).
 * Returns a malloc'd string.
 */
char *result_to_json(const struct job_report *r);

/*
 * Parse a result or status document into *out (zeroed first; free with
 * job_report_cleanup even on error). Requires schema "ecsbatch.result/1",
 * job_id, status and exit_code; other members are read when present and of
 * the right type, and a member of the wrong type is an error naming it.
 * Returns EB_OK or EB_ERR_PARSE.
 */
EB_MUST_CHECK int result_parse(const char *text, size_t len, struct job_report *out,
                               struct eb_error *err);

/* Counts over the tasks, for progress and the document's "counters". */
struct report_counts {
    int tasks, pending, running, retrying, succeeded, failed, ended; /* ended: timed out/cancelled */
    int attempts, retries, launch_failures;
};
void job_report_count(const struct job_report *r, struct report_counts *out);

/* Append a zeroed attempt / launch failure to t and return it. */
struct report_attempt *report_task_add_attempt(struct report_task *t);
struct report_launch_failure *report_task_add_launch_failure(struct report_task *t);
void report_attempt_cleanup(struct report_attempt *a);
/* Free everything r owns; safe to call twice. */
void job_report_cleanup(struct job_report *r);

#endif
