/*
 * The deciding half of the engine (SPEC §4): engine_step turns observations
 * and call results into actions and keeps the job's record (report/result.h)
 * current. No I/O and no clock here: time comes in as arguments, so a test can
 * run a one-hour timeout in microseconds. engine_run.c does the calls.
 */
#include "engine.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "engine/attempt.h"
#include "engine/classify.h"
#include "util/jsonx.h"
#include "util/xalloc.h"

struct engine {
    const struct plan *plan;
    struct job_report rep;
    struct engine_task *tasks;
    int max_live;
    int64_t missing_grace_ms;
    int64_t stop_confirm_ms;
    int64_t start_mono, deadline_mono;
    int64_t end_mono;            /* when the status was decided; 0 = running */
    int64_t stop_deadline_mono;  /* give up confirming stops after this */
    int64_t cancel_mono;         /* when a signal arrived; 0 = none */
    enum stop_cause end_cause;
    bool settled;
    bool changed;
    int completions;
    int describe_failures;
    uint64_t (*random)(void *ctx);
    void *random_ctx;
    uint64_t rng;                /* xorshift state when no random function was given */
};

/* --- pure rules ---------------------------------------------------------------------------- */

/*
 * Attempt status transitions: row = current status, column = observed backend state.
 * STOPPED is handled by the outcome (classification), MISSING by the grace period, so
 * both keep the current status here.
 */
static const enum attempt_status s_transitions[ATTEMPT__COUNT][5] = {
    /*                     OBS_PENDING       OBS_RUNNING       OBS_STOPPING      OBS_STOPPED       OBS_MISSING */
    [ATTEMPT_PENDING] = {ATTEMPT_PENDING, ATTEMPT_RUNNING, ATTEMPT_STOPPING, ATTEMPT_PENDING, ATTEMPT_PENDING},
    [ATTEMPT_RUNNING] = {ATTEMPT_RUNNING, ATTEMPT_RUNNING, ATTEMPT_STOPPING, ATTEMPT_RUNNING, ATTEMPT_RUNNING},
    [ATTEMPT_STOPPING] = {ATTEMPT_STOPPING, ATTEMPT_STOPPING, ATTEMPT_STOPPING, ATTEMPT_STOPPING,
                          ATTEMPT_STOPPING},
    [ATTEMPT_SUCCEEDED] = {ATTEMPT_SUCCEEDED, ATTEMPT_SUCCEEDED, ATTEMPT_SUCCEEDED, ATTEMPT_SUCCEEDED,
                           ATTEMPT_SUCCEEDED},
    [ATTEMPT_FAILED] = {ATTEMPT_FAILED, ATTEMPT_FAILED, ATTEMPT_FAILED, ATTEMPT_FAILED, ATTEMPT_FAILED},
};

enum attempt_status
attempt_status_after(enum attempt_status current, enum obs_state observed)
{
    if ((unsigned)current >= ATTEMPT__COUNT || (unsigned)observed > OBS_MISSING) {
        return current;
    }
    return s_transitions[current][observed];
}

enum failure_kind
attempt_stop_kind(enum stop_cause c)
{
    return c == STOP_TIMEOUT ? FAILURE_TIMEOUT : FAILURE_CANCELLED;
}

enum task_status
attempt_stop_task_status(enum stop_cause c)
{
    return c == STOP_TIMEOUT ? TASK_TIMED_OUT : TASK_CANCELLED;
}

bool
attempt_budget_charge(struct report_task *t, enum failure_kind kind, bool fatal, int max_fail_count,
                      int max_spot_attempts)
{
    if (kind == FAILURE_SPOT || kind == FAILURE_HOST) {
        t->spot_count++;
        return t->spot_count >= max_spot_attempts;
    }
    t->fail_count++;
    if (kind == FAILURE_PULL && fatal) {
        return true;
    }
    return t->fail_count > max_fail_count;
}

int64_t
engine_missing_grace_ms(int64_t poll)
{
    int64_t a = 3 * poll, b = 20 * poll;
    if (b > 30000) {
        b = 30000;
    }
    return a > b ? a : b;
}

int64_t
engine_backoff_ms(int64_t poll, int refusals)
{
    int64_t base = poll < 10000 ? poll : 10000;
    if (base < 1) {
        base = 1;
    }
    int64_t cap = 32 * base < 300000 ? 32 * base : 300000;
    int64_t d = base;
    for (int i = 1; i < refusals && d < cap; i++) {
        d *= 2;
    }
    return d < cap ? d : cap;
}

/* --- actions ------------------------------------------------------------------------------- */

static struct engine_action *
s_push(struct engine_actions *a, enum engine_action_kind kind, int task)
{
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 16;
        a->v = xrealloc(a->v, a->cap * sizeof *a->v);
    }
    struct engine_action *x = &a->v[a->n++];
    memset(x, 0, sizeof *x);
    x->kind = kind;
    x->task = task;
    return x;
}

void
engine_actions_reset(struct engine_actions *a)
{
    for (size_t i = 0; i < a->n; i++) {
        free(a->v[i].handle);
        free(a->v[i].text);
        free(a->v[i].fields);
    }
    a->n = 0;
}

void
engine_actions_cleanup(struct engine_actions *a)
{
    engine_actions_reset(a);
    free(a->v);
    a->v = NULL;
    a->cap = 0;
}

/* A state-change note: fields {"job_id", "task", "attempt", extra...} and a message. */
static void
s_note(struct engine *e, struct engine_actions *out, enum log_level level, const char *event,
       int task, int attempt, cJSON *extra, const char *fmt, ...) __attribute__((format(printf, 8, 9)));

static void
s_note(struct engine *e, struct engine_actions *out, enum log_level level, const char *event,
       int task, int attempt, cJSON *extra, const char *fmt, ...)
{
    struct engine_action *x = s_push(out, ENGINE_ACT_NOTE, task);
    x->level = level;
    x->event = event;
    x->attempt = attempt;
    cJSON *f = extra ? extra : cJSON_CreateObject();
    cJSON_AddItemToObject(f, "job_id", cJSON_CreateString(e->rep.job_id ? e->rep.job_id : ""));
    if (task >= 0) {
        cJSON_AddNumberToObject(f, "task", task);
    }
    if (attempt > 0) {
        cJSON_AddNumberToObject(f, "attempt", attempt);
    }
    x->fields = jsonx_print(f);
    cJSON_Delete(f);
    struct eb_buf b = EB_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    (void)buf_vprintf(&b, fmt, ap);
    va_end(ap);
    x->text = buf_steal(&b);
}

/* --- construction -------------------------------------------------------------------------- */

static uint64_t
s_random(struct engine *e)
{
    if (e->random) {
        return e->random(e->random_ctx);
    }
    /* xorshift64*: jitter only needs to spread launchers apart, not to be secret */
    uint64_t x = e->rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    e->rng = x;
    return x * 2685821657736338717ULL;
}

struct engine *
engine_new(const struct engine_options *o, int64_t now_wall, int64_t now_mono)
{
    const struct plan *p = o->plan;
    struct engine *e = xcalloc(1, sizeof *e);
    e->plan = p;
    e->max_live = o->max_live;
    e->missing_grace_ms = o->missing_grace_ms > 0 ? o->missing_grace_ms
                                                  : engine_missing_grace_ms(p->polling_interval_ms);
    e->stop_confirm_ms = o->stop_confirm_ms > 0 ? o->stop_confirm_ms : 60000;
    e->start_mono = now_mono;
    e->deadline_mono = now_mono + p->timeout_ms;
    e->random = o->random;
    e->random_ctx = o->random_ctx;
    e->rng = (uint64_t)now_wall * 6364136223846793005ULL + (uint64_t)now_mono + 1442695040888963407ULL;
    e->changed = true;

    struct job_report *r = &e->rep;
    r->representative_task = -1;
    r->job_id = xstrdup(p->job_id);
    r->name = xstrdup(p->name);
    r->version = xstrdup(p->version);
    r->command = xstrdup(p->command_name);
    r->cluster = xstrdup(p->cluster_name ? p->cluster_name : p->cluster_entry);
    r->status = JOB_RUNNING;
    r->started_at_ms = now_wall;
    r->updated_at_ms = now_wall;
    r->timeout_ms = p->timeout_ms;
    r->deadline_ms = now_wall + p->timeout_ms;
    r->launcher.task_arn = xstrdup(o->launcher.task_arn);
    r->launcher.cluster = xstrdup(o->launcher.cluster);
    r->launcher.region = xstrdup(o->launcher.region);
    r->launcher.version = xstrdup(o->launcher.version);
    r->launcher.backend = xstrdup(o->launcher.backend);
    r->launcher.host = xstrdup(o->launcher.host);
    r->launcher.pid = o->launcher.pid;
    int n = p->task_count > 0 ? p->task_count : 0;
    r->ntasks = (size_t)n;
    r->tasks = xcalloc(r->ntasks ? r->ntasks : 1, sizeof *r->tasks);
    e->tasks = xcalloc(r->ntasks ? r->ntasks : 1, sizeof *e->tasks);
    for (int i = 0; i < n; i++) {
        r->tasks[i].index = i;
        r->tasks[i].task_name = plan_task_name(p, i);
        r->tasks[i].status = TASK_PENDING;
        e->tasks[i].phase = PHASE_QUEUED;
        e->tasks[i].not_before = now_mono;
    }
    return e;
}

void
engine_free(struct engine *e)
{
    if (!e) {
        return;
    }
    job_report_cleanup(&e->rep);
    free(e->tasks);
    free(e);
}

const struct job_report *
engine_report(const struct engine *e)
{
    return &e->rep;
}

struct job_report *
engine_report_mut(struct engine *e)
{
    return &e->rep;
}

bool
engine_ended(const struct engine *e)
{
    return e->rep.status != JOB_RUNNING;
}

bool
engine_settled(const struct engine *e)
{
    return e->settled;
}

int64_t
engine_cancelled_at(const struct engine *e)
{
    return e->cancel_mono;
}

bool
engine_take_changed(struct engine *e)
{
    bool c = e->changed;
    e->changed = false;
    return c;
}

size_t
engine_live_tasks(const struct engine *e, int *out)
{
    size_t n = 0;
    for (size_t i = 0; i < e->rep.ntasks; i++) {
        if (e->tasks[i].phase == PHASE_LIVE) {
            out[n++] = (int)i;
        }
    }
    return n;
}

size_t
engine_task_attempts(const struct engine *e, int task)
{
    return e->rep.tasks[task].nattempts;
}

int64_t
engine_next_timer(const struct engine *e)
{
    int64_t t = INT64_MAX;
    if (e->settled) {
        return t;
    }
    if (e->rep.status == JOB_RUNNING) {
        t = e->deadline_mono;
        int live = 0;
        for (size_t i = 0; i < e->rep.ntasks; i++) {
            live += e->tasks[i].phase == PHASE_LIVE || e->tasks[i].phase == PHASE_LAUNCHING;
        }
        if (e->max_live > 0 && live >= e->max_live) {
            return t; /* queued tasks wait for a slot, which only an observation frees */
        }
        for (size_t i = 0; i < e->rep.ntasks; i++) {
            const struct engine_task *et = &e->tasks[i];
            if (et->phase == PHASE_QUEUED && et->not_before < t) {
                t = et->not_before;
            }
        }
    } else {
        t = e->stop_deadline_mono;
        for (size_t i = 0; i < e->rep.ntasks; i++) {
            const struct engine_task *et = &e->tasks[i];
            if (et->phase == PHASE_LIVE && !et->stop_sent && et->stop_retry_at < t) {
                t = et->stop_retry_at;
            }
        }
    }
    return t;
}

/* --- the record ---------------------------------------------------------------------------- */

/* The number of a task's next attempt: one more than its last (an adopted attempt may
 * carry a number of its own). */
static int
s_next_number(const struct report_task *t)
{
    return t->nattempts ? t->attempts[t->nattempts - 1].number + 1 : 1;
}

static struct report_attempt *
s_current(struct engine *e, int i)
{
    struct report_task *t = &e->rep.tasks[i];
    return t->nattempts ? &t->attempts[t->nattempts - 1] : NULL;
}

static void
s_set_str(char **dst, const char *src, bool *changed)
{
    if ((*dst == NULL) != (src == NULL) || (src && strcmp(*dst, src) != 0)) {
        free(*dst);
        *dst = xstrdup(src);
        *changed = true;
    }
}

static void
s_copy_observation(struct report_attempt *a, const struct observation *o, bool *changed)
{
    s_set_str(&a->last_status, o->last_status, changed);
    s_set_str(&a->stop_code, o->stop_code, changed);
    s_set_str(&a->stopped_reason, o->stopped_reason, changed);
    if (o->created_at_ms) {
        a->created_at_ms = o->created_at_ms;
    }
    if (o->started_at_ms) {
        a->started_at_ms = o->started_at_ms;
    }
    if (o->stopped_at_ms) {
        a->stopped_at_ms = o->stopped_at_ms;
    }
    if (o->ncontainers == 0) {
        return;
    }
    for (size_t i = 0; i < a->ncontainers; i++) {
        free(a->containers[i].name);
        free(a->containers[i].reason);
    }
    if (a->ncontainers != o->ncontainers) {
        *changed = true;
    }
    a->containers = xrealloc(a->containers, o->ncontainers * sizeof *a->containers);
    a->ncontainers = o->ncontainers;
    for (size_t i = 0; i < o->ncontainers; i++) {
        struct report_container *c = &a->containers[i];
        const struct container_obs *oc = &o->containers[i];
        c->name = xstrdup(oc->name);
        c->essential = oc->essential;
        c->has_exit_code = oc->has_exit_code;
        c->exit_code = oc->exit_code;
        c->reason = xstrdup(oc->reason);
    }
}

/* "exit 1", "oom", "pull: CannotPullContainerError: ...": the failure in a few words. */
static char *
s_describe_failure(const struct report_attempt *a)
{
    const char *kind = failure_kind_name(a->failure_kind);
    if (!kind) {
        kind = "failed";
    }
    if (a->failure_kind == FAILURE_EXIT && a->has_exit_code) {
        return xasprintf("exit %d", a->exit_code);
    }
    const char *why = NULL;
    for (size_t i = 0; i < a->ncontainers && !why; i++) {
        if (a->containers[i].reason && a->containers[i].reason[0]) {
            why = a->containers[i].reason;
        }
    }
    if (!why || a->failure_kind == FAILURE_SPOT || a->failure_kind == FAILURE_HOST ||
        a->failure_kind == FAILURE_STOPPED) {
        why = a->stopped_reason ? a->stopped_reason : why;
    }
    if (!why || !why[0]) {
        return xstrdup(kind);
    }
    return xasprintf("%s: %.120s", kind, why);
}

/* --- the job's end ------------------------------------------------------------------------- */

/* The task to print the log of when the job did not succeed by itself: an incomplete one,
 * preferably one that ran. */
static int
s_incomplete_task(const struct engine *e)
{
    int first = -1;
    for (size_t i = 0; i < e->rep.ntasks; i++) {
        const struct report_task *t = &e->rep.tasks[i];
        if (t->status == TASK_SUCCEEDED) {
            continue;
        }
        if (t->nattempts > 0) {
            return (int)i;
        }
        if (first < 0) {
            first = (int)i;
        }
    }
    if (first >= 0) {
        return first;
    }
    int best = -1, seq = 0;
    for (size_t i = 0; i < e->rep.ntasks; i++) {
        if (e->tasks[i].completed_seq > seq) {
            seq = e->tasks[i].completed_seq;
            best = (int)i;
        }
    }
    return best;
}

static const char *const s_end_events[JOB__COUNT] = {
    [JOB_RUNNING] = "job_running",     [JOB_SUCCEEDED] = "job_succeeded",
    [JOB_FAILED] = "job_failed",       [JOB_TIMED_OUT] = "job_timed_out",
    [JOB_CANCELLED] = "job_cancelled", [JOB_ERROR] = "job_error",
};

/* Decide the job's status; stops follow in s_after_end. cause NULL on success. */
static void
s_end_job(struct engine *e, enum job_status status, enum stop_cause stop, const char *cause,
          int representative, int64_t now, struct engine_actions *out)
{
    struct job_report *r = &e->rep;
    r->status = status;
    r->exit_code = job_status_exit_code(status);
    free(r->error);
    r->error = xstrdup(cause);
    r->representative_task = representative;
    e->end_mono = now;
    e->end_cause = stop;
    e->stop_deadline_mono = now + e->stop_confirm_ms;
    if (e->cancel_mono && e->stop_deadline_mono > e->cancel_mono + ENGINE_CANCEL_CONFIRM_MS) {
        e->stop_deadline_mono = e->cancel_mono + ENGINE_CANCEL_CONFIRM_MS;
    }
    e->changed = true;
    cJSON *f = cJSON_CreateObject();
    cJSON_AddStringToObject(f, "status", job_status_name(status));
    if (cause) {
        cJSON_AddStringToObject(f, "cause", cause);
    }
    int live = 0;
    for (size_t i = 0; i < r->ntasks; i++) {
        live += e->tasks[i].phase == PHASE_LIVE;
    }
    if (status == JOB_SUCCEEDED) {
        s_note(e, out, LOG_INFO, s_end_events[status], -1, 0, f, "job %s: all %zu tasks succeeded",
               r->job_id, r->ntasks);
    } else {
        s_note(e, out, LOG_WARN, s_end_events[status], -1, 0, f, "job %s %s: %s%s", r->job_id,
               job_status_name(status), cause ? cause : "",
               live ? "; stopping the live tasks" : "");
    }
}

/* Once ended: stop what is live, close what never launched, settle when all is confirmed. */
static void
s_after_end(struct engine *e, int64_t now, int64_t now_wall, struct engine_actions *out)
{
    bool waiting = false;
    for (size_t i = 0; i < e->rep.ntasks; i++) {
        struct engine_task *et = &e->tasks[i];
        struct report_task *t = &e->rep.tasks[i];
        if (et->phase == PHASE_QUEUED || et->phase == PHASE_LAUNCHING) {
            et->phase = PHASE_DONE;
            t->status = attempt_stop_task_status(e->end_cause);
            e->changed = true;
            continue;
        }
        if (et->phase != PHASE_LIVE) {
            continue;
        }
        if (et->stop == STOP_NONE) {
            et->stop = e->end_cause;
            et->stop_sent = false;
            et->stop_retry_at = now;
        }
        if (!et->stop_sent && now >= et->stop_retry_at) {
            struct report_attempt *a = s_current(e, (int)i);
            struct engine_action *x = s_push(out, ENGINE_ACT_STOP, (int)i);
            x->attempt = a->number;
            x->handle = xstrdup(a->task_arn);
            struct eb_buf b = EB_BUF_INIT;
            (void)buf_printf(&b, "ecsbatch job %s: %s", e->rep.job_id,
                             e->rep.error ? e->rep.error : job_status_name(e->rep.status));
            char *reason = buf_steal(&b);
            if (strlen(reason) > 255) {
                reason[255] = '\0'; /* StopTask's reason limit (aws-facts §1.5) */
            }
            x->text = reason;
            /* a failed call is re-sent after a while, not in a tight loop */
            et->stop_retry_at = now + 2000;
        }
        waiting = true;
    }
    if (waiting && now >= e->stop_deadline_mono) {
        for (size_t i = 0; i < e->rep.ntasks; i++) {
            struct engine_task *et = &e->tasks[i];
            if (et->phase != PHASE_LIVE) {
                continue;
            }
            struct report_attempt *a = s_current(e, (int)i);
            struct report_task *t = &e->rep.tasks[i];
            a->failure_kind = attempt_stop_kind(et->stop);
            free(a->note);
            a->note = xasprintf("asked to stop (%s) but not seen STOPPED within %" PRId64
                                " s; it may still be running",
                                et->stop_sent ? "stop accepted" : "stop call failed",
                                e->stop_confirm_ms / 1000);
            t->status = attempt_stop_task_status(et->stop);
            et->phase = PHASE_DONE;
            s_note(e, out, LOG_WARN, "stop_unconfirmed", (int)i, a->number, NULL,
                   "task %d attempt %d (%s) was not seen STOPPED in time; it may still be running",
                   (int)i, a->number, a->task_arn ? a->task_arn : "?");
        }
        waiting = false;
    }
    if (!waiting && !e->settled) {
        e->settled = true;
        e->rep.finished_at_ms = now_wall;
        e->changed = true;
    }
}

/* --- attempts ------------------------------------------------------------------------------ */

static void
s_all_succeeded_check(struct engine *e, int64_t now, struct engine_actions *out)
{
    if (e->rep.status != JOB_RUNNING) {
        return;
    }
    int last = -1, seq = 0;
    for (size_t i = 0; i < e->rep.ntasks; i++) {
        if (e->rep.tasks[i].status != TASK_SUCCEEDED) {
            return;
        }
        if (e->tasks[i].completed_seq > seq) {
            seq = e->tasks[i].completed_seq;
            last = (int)i;
        }
    }
    s_end_job(e, JOB_SUCCEEDED, STOP_NONE, NULL, last, now, out);
}

/* The current attempt of task i ended (STOPPED, or lost). */
static void
s_attempt_ended(struct engine *e, int i, const struct classification *cls, int64_t now,
                struct engine_actions *out)
{
    struct engine_task *et = &e->tasks[i];
    struct report_task *t = &e->rep.tasks[i];
    struct report_attempt *a = s_current(e, i);
    e->changed = true;
    et->phase = PHASE_DONE;
    a->has_exit_code = cls->has_exit_code;
    a->exit_code = cls->exit_code;
    if (cls->success) {
        a->status = ATTEMPT_SUCCEEDED;
        a->failure_kind = FAILURE_NONE;
        t->status = TASK_SUCCEEDED;
        et->completed_seq = ++e->completions;
        s_note(e, out, LOG_INFO, "attempt_succeeded", i, a->number, NULL,
               "task %d attempt %d succeeded (%s)", i, a->number, a->task_arn);
        s_all_succeeded_check(e, now, out);
        return;
    }
    a->status = ATTEMPT_FAILED;
    a->failure_kind = cls->kind;
    a->fatal = cls->fatal;
    if (et->stop != STOP_NONE && (cls->kind == FAILURE_STOPPED || cls->kind == FAILURE_LOST)) {
        a->failure_kind = attempt_stop_kind(et->stop);
    }
    char *what = s_describe_failure(a);
    if (e->rep.status != JOB_RUNNING) {
        /* the job is over: no budget, no retry */
        t->status = attempt_stop_task_status(et->stop != STOP_NONE ? et->stop : e->end_cause);
        s_note(e, out, LOG_INFO, "attempt_stopped", i, a->number, NULL,
               "task %d attempt %d stopped (%s)", i, a->number, what);
        free(what);
        return;
    }
    const struct plan *p = e->plan;
    bool exhausted = attempt_budget_charge(t, a->failure_kind, a->fatal, p->max_fail_count,
                                           p->max_spot_attempts);
    cJSON *f = cJSON_CreateObject();
    cJSON_AddStringToObject(f, "failure_kind", failure_kind_name(a->failure_kind));
    if (a->has_exit_code) {
        cJSON_AddNumberToObject(f, "exit_code", a->exit_code);
    }
    cJSON_AddNumberToObject(f, "fail_count", t->fail_count);
    cJSON_AddNumberToObject(f, "spot_count", t->spot_count);
    if (!exhausted) {
        et->phase = PHASE_QUEUED;
        et->not_before = now;
        t->status = TASK_RETRYING;
        bool spot = a->failure_kind == FAILURE_SPOT || a->failure_kind == FAILURE_HOST;
        s_note(e, out, LOG_WARN, "task_retry", i, a->number, f,
               "task %d attempt %d failed (%s); retrying (%d of %d %s used)", i, a->number, what,
               spot ? t->spot_count : t->fail_count, spot ? p->max_spot_attempts : p->max_fail_count,
               spot ? "Spot/host interruptions" : "retries");
        free(what);
        return;
    }
    t->status = TASK_FAILED;
    s_note(e, out, LOG_ERROR, "task_failed", i, a->number, f, "task %d attempt %d failed (%s)", i,
           a->number, what);
    const char *budget = a->fatal ? "failed and cannot be retried"
                         : (a->failure_kind == FAILURE_SPOT || a->failure_kind == FAILURE_HOST)
                             ? "exhausted its Spot/host attempts"
                             : "exhausted its retries";
    char *cause = xasprintf("task %d %s (%s)", i, budget, what);
    s_end_job(e, JOB_FAILED, STOP_JOB_FAILED, cause, i, now, out);
    free(cause);
    free(what);
}

static void
s_on_started(struct engine *e, int i, const char *handle, int number, bool adopted,
             int64_t created_ms, int64_t now, int64_t now_wall, struct engine_actions *out)
{
    struct engine_task *et = &e->tasks[i];
    struct report_task *t = &e->rep.tasks[i];
    struct report_attempt *a = report_task_add_attempt(t);
    a->number = number > 0 ? number : (int)t->nattempts;
    a->task_arn = xstrdup(handle);
    a->status = ATTEMPT_PENDING;
    a->adopted = adopted;
    a->created_at_ms = created_ms ? created_ms : now_wall;
    et->phase = PHASE_LIVE;
    et->launched_mono = now;
    et->missing_since = 0;
    et->seen = false;
    et->stop = STOP_NONE;
    et->stop_sent = false;
    et->refusals = 0;
    t->status = TASK_RUNNING;
    e->changed = true;
    cJSON *f = cJSON_CreateObject();
    cJSON_AddStringToObject(f, "handle", handle ? handle : "");
    s_note(e, out, LOG_INFO, adopted ? "attempt_adopted" : "attempt_started", i, a->number, f,
           "task %d attempt %d %s (%s)", i, a->number, adopted ? "adopted" : "started",
           handle ? handle : "?");
}

static void
s_on_launched(struct engine *e, const struct engine_event *ev, int64_t now, int64_t now_wall,
              struct engine_actions *out)
{
    int i = ev->task;
    struct engine_task *et = &e->tasks[i];
    struct report_task *t = &e->rep.tasks[i];
    if (et->phase != PHASE_LAUNCHING || !ev->launch) {
        return;
    }
    if (ev->launch->status == LAUNCH_STARTED) {
        s_on_started(e, i, ev->launch->handle, s_next_number(t), false,
                     ev->launch->created_at_ms, now, now_wall, out);
        return;
    }
    struct report_launch_failure *f = report_task_add_launch_failure(t);
    f->attempt = s_next_number(t);
    f->at_ms = now_wall;
    f->reason = xstrdup(ev->launch->reason ? ev->launch->reason : "refused");
    et->refusals++;
    int64_t d = engine_backoff_ms(e->plan->polling_interval_ms, et->refusals);
    /* equal jitter: half fixed, half random, so many refused tasks spread out */
    int64_t half = d / 2;
    d = half + (half > 0 ? (int64_t)(s_random(e) % (uint64_t)(half + 1)) : 0);
    et->not_before = now + (d > 0 ? d : 1);
    et->phase = PHASE_QUEUED;
    t->status = t->nattempts ? TASK_RETRYING : TASK_PENDING;
    e->changed = true;
    cJSON *fj = cJSON_CreateObject();
    cJSON_AddStringToObject(fj, "failure_kind", "capacity");
    cJSON_AddStringToObject(fj, "reason", f->reason);
    cJSON_AddNumberToObject(fj, "retry_in_ms", (double)d);
    s_note(e, out, LOG_WARN, "launch_refused", i, f->attempt, fj,
           "task %d attempt %d could not be placed (%s); trying again in %" PRId64 " ms", i,
           f->attempt, f->reason, d);
}

static void
s_on_observed(struct engine *e, const struct engine_event *ev, int64_t now,
              struct engine_actions *out)
{
    int i = ev->task;
    struct engine_task *et = &e->tasks[i];
    const struct observation *o = ev->obs;
    if (et->phase != PHASE_LIVE || !o) {
        return;
    }
    e->describe_failures = 0;
    struct report_attempt *a = s_current(e, i);
    if (o->state == OBS_MISSING) {
        if (!et->missing_since) {
            et->missing_since = now;
        }
        /* A task launched moments ago may not be visible yet (RunTask is eventually
         * consistent, aws-facts §1.3); one seen before and now unknown gets the same
         * grace from its first MISSING before it is called lost. */
        int64_t from = et->seen ? et->missing_since : et->launched_mono;
        if (now - from < e->missing_grace_ms) {
            return;
        }
        struct classification cls = {0};
        cls.kind = FAILURE_LOST;
        free(a->note);
        a->note = xasprintf("not found by the backend for %" PRId64 " ms after %s",
                            now - from, et->seen ? "being seen" : "launch");
        s_note(e, out, LOG_WARN, "attempt_lost", i, a->number, NULL,
               "task %d attempt %d (%s) vanished: lost", i, a->number, a->task_arn);
        s_attempt_ended(e, i, &cls, now, out);
        return;
    }
    et->missing_since = 0;
    et->seen = true;
    bool changed = false;
    s_copy_observation(a, o, &changed);
    if (o->state == OBS_STOPPED) {
        struct classification cls;
        classify_outcome(o, e->plan->essential_container, &cls);
        s_attempt_ended(e, i, &cls, now, out);
        return;
    }
    enum attempt_status next = attempt_status_after(a->status, o->state);
    if (next != a->status) {
        a->status = next;
        changed = true;
        if (next == ATTEMPT_RUNNING) {
            s_note(e, out, LOG_INFO, "attempt_running", i, a->number, NULL,
                   "task %d attempt %d running", i, a->number);
        }
    }
    e->changed = e->changed || changed;
}

/* --- the step ------------------------------------------------------------------------------ */

void
engine_step(struct engine *e, int64_t now, int64_t now_wall, const struct engine_event *events,
            size_t nevents, struct engine_actions *out)
{
    e->rep.updated_at_ms = now_wall;
    bool cancel = false;
    const char *cancel_text = NULL, *error_text = NULL;
    for (size_t k = 0; k < nevents; k++) {
        const struct engine_event *ev = &events[k];
        bool valid = ev->task >= 0 && (size_t)ev->task < e->rep.ntasks;
        switch (ev->kind) {
        case ENGINE_EV_LAUNCHED:
            if (valid) {
                s_on_launched(e, ev, now, now_wall, out);
            }
            break;
        case ENGINE_EV_ADOPTED:
            if (valid && e->tasks[ev->task].phase == PHASE_LAUNCHING && ev->live) {
                s_on_started(e, ev->task, ev->live->handle, ev->live->attempt, true, 0, now,
                             now_wall, out);
            }
            break;
        case ENGINE_EV_OBSERVED:
            if (valid) {
                s_on_observed(e, ev, now, out);
            }
            break;
        case ENGINE_EV_DESCRIBE_FAILED:
            e->describe_failures++;
            s_note(e, out, LOG_WARN, "describe_failed", -1, 0, NULL, "cannot observe tasks: %s",
                   ev->text ? ev->text : "?");
            if (e->describe_failures >= ENGINE_DESCRIBE_FAILURES_MAX) {
                error_text = ev->text;
            }
            break;
        case ENGINE_EV_STOP_SENT:
            if (valid) {
                e->tasks[ev->task].stop_sent = true;
                struct report_attempt *a = s_current(e, ev->task);
                s_note(e, out, LOG_INFO, "stop_requested", ev->task, a ? a->number : 0, NULL,
                       "task %d attempt %d asked to stop", ev->task, a ? a->number : 0);
            }
            break;
        case ENGINE_EV_STOP_FAILED:
            if (valid) {
                s_note(e, out, LOG_WARN, "stop_failed", ev->task, 0, NULL,
                       "cannot stop task %d: %s", ev->task, ev->text ? ev->text : "?");
            }
            break;
        case ENGINE_EV_CANCEL:
            cancel = true;
            cancel_text = ev->text;
            break;
        case ENGINE_EV_ERROR:
            error_text = ev->text ? ev->text : "backend error";
            break;
        }
    }

    if (error_text && e->rep.status == JOB_RUNNING) {
        s_end_job(e, JOB_ERROR, STOP_ERROR, error_text, s_incomplete_task(e), now, out);
    }
    if (cancel && !e->cancel_mono) {
        e->cancel_mono = now;
        if (e->rep.status == JOB_RUNNING) {
            char *cause = xasprintf("cancelled by %s", cancel_text ? cancel_text : "a signal");
            s_end_job(e, JOB_CANCELLED, STOP_CANCEL, cause, s_incomplete_task(e), now, out);
            free(cause);
        } else if (e->stop_deadline_mono > now + ENGINE_CANCEL_CONFIRM_MS) {
            e->stop_deadline_mono = now + ENGINE_CANCEL_CONFIRM_MS;
        }
    }
    if (e->rep.status == JOB_RUNNING && now >= e->deadline_mono) {
        char *cause = xasprintf("the job's timeout of %" PRId64 " s elapsed", e->plan->timeout_ms / 1000);
        if (e->plan->timeout_ms < 1000) {
            free(cause);
            cause = xasprintf("the job's timeout of %" PRId64 " ms elapsed", e->plan->timeout_ms);
        }
        s_end_job(e, JOB_TIMED_OUT, STOP_TIMEOUT, cause, s_incomplete_task(e), now, out);
        free(cause);
    }
    if (e->rep.status == JOB_RUNNING && e->rep.ntasks == 0) {
        s_end_job(e, JOB_SUCCEEDED, STOP_NONE, NULL, -1, now, out);
    }

    if (e->rep.status != JOB_RUNNING) {
        s_after_end(e, now, now_wall, out);
        return;
    }

    int live = 0;
    for (size_t i = 0; i < e->rep.ntasks; i++) {
        live += e->tasks[i].phase == PHASE_LIVE || e->tasks[i].phase == PHASE_LAUNCHING;
    }
    for (size_t i = 0; i < e->rep.ntasks; i++) {
        struct engine_task *et = &e->tasks[i];
        if (et->phase != PHASE_QUEUED || et->not_before > now) {
            continue;
        }
        if (e->max_live > 0 && live >= e->max_live) {
            break;
        }
        struct engine_action *x = s_push(out, ENGINE_ACT_LAUNCH, (int)i);
        x->attempt = s_next_number(&e->rep.tasks[i]);
        x->launch_try = et->refusals + 1;
        et->phase = PHASE_LAUNCHING;
        live++;
    }
}
