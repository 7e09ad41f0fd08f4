/*
 * The coordinating half of the engine (SPEC §4, §5): rerun check, claim,
 * then poll → step → act through the backend, status.json on a throttle, and
 * at the end logs, result.json and the representative log. Decisions are
 * engine_step's (engine.c); this file only calls and waits.
 */
#include "engine.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>

#include "engine/claim.h"
#include "report/progress.h"
#include "util/jsonx.h"
#include "util/xalloc.h"

/* How much longer than its timeout an ECS launcher's claim is honoured. */
#define S_CLAIM_MARGIN_MS (10 * 60 * 1000)
/* While stops are being confirmed, poll at least this often. */
#define S_STOP_POLL_MS 2000
#define S_PUT_TRIES 3

/* Events of one round and the payloads they point to, owned here. */
struct s_batch {
    struct engine_event *ev;
    size_t n, cap;
    struct launch_result *launches; /* one per event slot, used by LAUNCHED */
    struct live_task *lives;
    char **texts;
    struct observation *obs;        /* owned array from describe */
    size_t nobs;
};

struct s_run {
    struct engine_options o;
    const struct plan *plan;
    struct engine *e;
    struct s_batch batch;
    char host[256];
    bool adopt;                     /* we took over a stale claim: ask find_live first */
    int64_t last_status_mono;
    bool status_written;
    bool status_pending;
};

static struct engine_event *
s_batch_add(struct s_batch *b, enum engine_event_kind kind, int task)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 16;
        b->ev = xrealloc(b->ev, cap * sizeof *b->ev);
        b->launches = xrealloc(b->launches, cap * sizeof *b->launches);
        b->lives = xrealloc(b->lives, cap * sizeof *b->lives);
        b->texts = xrealloc(b->texts, cap * sizeof *b->texts);
        for (size_t i = b->cap; i < cap; i++) {
            memset(&b->launches[i], 0, sizeof b->launches[i]);
            memset(&b->lives[i], 0, sizeof b->lives[i]);
            b->texts[i] = NULL;
        }
        b->cap = cap;
    }
    struct engine_event *ev = &b->ev[b->n++];
    memset(ev, 0, sizeof *ev);
    ev->kind = kind;
    ev->task = task;
    return ev;
}

static void
s_batch_text(struct s_batch *b, struct engine_event *ev, const char *text)
{
    size_t i = (size_t)(ev - b->ev);
    free(b->texts[i]);
    b->texts[i] = xstrdup(text);
    ev->text = b->texts[i];
}

static void
s_batch_reset(struct s_batch *b)
{
    for (size_t i = 0; i < b->n; i++) {
        launch_result_cleanup(&b->launches[i]);
        live_task_cleanup(&b->lives[i]);
        free(b->texts[i]);
        b->texts[i] = NULL;
    }
    b->n = 0;
    for (size_t i = 0; i < b->nobs; i++) {
        observation_cleanup(&b->obs[i]);
    }
    free(b->obs);
    b->obs = NULL;
    b->nobs = 0;
}

static void
s_batch_cleanup(struct s_batch *b)
{
    s_batch_reset(b);
    free(b->ev);
    free(b->launches);
    free(b->lives);
    free(b->texts);
    memset(b, 0, sizeof *b);
}

static int64_t
s_mono(const struct s_run *r)
{
    return clock_mono(r->o.clock);
}

static int64_t
s_now(const struct s_run *r)
{
    return clock_now(r->o.clock);
}

static bool
s_cancelled(const struct s_run *r)
{
    return r->o.cancel && *r->o.cancel;
}

static const char *
s_signal_name(const struct s_run *r)
{
    int sig = r->o.cancel ? (int)*r->o.cancel : 0;
    return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "a signal";
}

static void
s_idle(struct s_run *r, int64_t ms)
{
    if (ms <= 0) {
        return;
    }
    if (r->o.backend->ops->wait) {
        r->o.backend->ops->wait(r->o.backend, ms);
    } else {
        clock_sleep(r->o.clock, ms);
    }
}

/* Put with a few tries: the sink retries transient errors itself, this covers the rest. */
static int
s_put(struct s_run *r, const char *path, const char *data, size_t len, struct eb_error *err)
{
    int rc = EB_OK;
    for (int i = 0; i < S_PUT_TRIES; i++) {
        rc = r->o.sink->ops->put(r->o.sink, path, data, len, err);
        if (rc == EB_OK) {
            return rc;
        }
        if (i + 1 < S_PUT_TRIES) {
            clock_sleep(r->o.clock, 200 * (i + 1));
        }
    }
    return rc;
}

/* --- rerun and claim ----------------------------------------------------------------------- */

enum s_pre { PRE_RUN, PRE_DONE, PRE_ERROR };

/* An existing result.json: print it, and its exit code is ours. */
static enum s_pre
s_check_result(struct s_run *r, int *exit_code, struct eb_error *err)
{
    struct eb_buf b = EB_BUF_INIT;
    struct job_report rep;
    int rc = r->o.sink->ops->get(r->o.sink, "result.json", &b, err);
    if (rc == EB_ERR_NOT_FOUND) {
        buf_cleanup(&b);
        return PRE_RUN;
    }
    if (rc != EB_OK) {
        buf_cleanup(&b);
        return PRE_ERROR;
    }
    rc = result_parse(buf_cstr(&b), b.len, &rep, err);
    if (rc != EB_OK) {
        err_prefix(err, "%s/result.json exists but cannot be read", r->o.sink->ops->location(r->o.sink));
        job_report_cleanup(&rep);
        buf_cleanup(&b);
        return PRE_ERROR;
    }
    fwrite(buf_cstr(&b), 1, b.len, r->o.out);
    fflush(r->o.out);
    *exit_code = rep.exit_code;
    log_event(LOG_INFO, "result_exists", NULL,
              "job %s already ended %s (exit %d): printed %s/result.json, launched nothing",
              r->plan->job_id, job_status_name(rep.status), rep.exit_code,
              r->o.sink->ops->location(r->o.sink));
    job_report_cleanup(&rep);
    buf_cleanup(&b);
    return PRE_DONE;
}

static bool
s_pid_alive_default(long pid, void *ctx)
{
    (void)ctx;
    return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

static char *
s_claim_text(struct s_run *r)
{
    return claim_to_json(r->plan->job_id, r->o.launcher.backend, r->o.launcher.host,
                         r->o.launcher.pid, r->o.launcher.task_arn, s_now(r));
}

/* Is the claim at hand (read from the sink) held by a live launcher? -1 on a read error. */
static int
s_claim_live(struct s_run *r, struct claim *c, struct eb_error *err)
{
    struct eb_buf b = EB_BUF_INIT;
    int rc = r->o.sink->ops->get(r->o.sink, "claim.json", &b, err);
    if (rc == EB_ERR_NOT_FOUND) {
        buf_cleanup(&b);
        return 0;
    }
    if (rc != EB_OK) {
        buf_cleanup(&b);
        return -1;
    }
    rc = claim_parse(buf_cstr(&b), b.len, c, err);
    buf_cleanup(&b);
    if (rc != EB_OK) {
        /* an unreadable claim protects nothing: treat it as stale */
        log_warn("%s/claim.json cannot be read (%s); taking it over",
                 r->o.sink->ops->location(r->o.sink), err ? err->msg : "?");
        return 0;
    }
    struct claim_check chk = {
        .host = r->o.launcher.host,
        .pid = r->o.launcher.pid,
        .now_ms = s_now(r),
        .max_age_ms = r->plan->timeout_ms + S_CLAIM_MARGIN_MS,
        .pid_alive = r->o.pid_alive ? r->o.pid_alive : s_pid_alive_default,
        .ctx = r->o.pid_alive_ctx,
    };
    return claim_is_live(c, &chk) ? 1 : 0;
}

/*
 * Claim the job id, or wait for the launcher that holds it. PRE_RUN: ours (r->adopt
 * says whether it was taken over); PRE_DONE: the other launcher's result decided
 * *exit_code; PRE_ERROR: err says why.
 */
static enum s_pre
s_claim(struct s_run *r, int *exit_code, struct eb_error *err)
{
    char *text = s_claim_text(r);
    int rc = r->o.sink->ops->create(r->o.sink, "claim.json", text, strlen(text), err);
    free(text);
    if (rc == EB_OK) {
        return PRE_RUN;
    }
    if (rc != EB_ERR_EXISTS) {
        err_prefix(err, "cannot claim job %s", r->plan->job_id);
        return PRE_ERROR;
    }
    bool announced = false;
    int64_t poll = r->plan->polling_interval_ms > 0 ? r->plan->polling_interval_ms : 1000;
    for (;;) {
        struct claim c = {0};
        int live = s_claim_live(r, &c, err);
        if (live < 0) {
            claim_cleanup(&c);
            return PRE_ERROR;
        }
        if (!live) {
            /* Its launcher is gone: a result may have landed just before it went. */
            claim_cleanup(&c);
            enum s_pre pre = s_check_result(r, exit_code, err);
            if (pre != PRE_RUN) {
                return pre;
            }
            text = s_claim_text(r);
            rc = s_put(r, "claim.json", text, strlen(text), err);
            free(text);
            if (rc != EB_OK) {
                err_prefix(err, "cannot take over the claim of job %s", r->plan->job_id);
                return PRE_ERROR;
            }
            log_event(LOG_WARN, "claim_taken_over", NULL,
                      "job %s was claimed by a launcher that is gone; taking it over",
                      r->plan->job_id);
            r->adopt = true;
            return PRE_RUN;
        }
        if (!announced) {
            log_event(LOG_INFO, "claim_held", NULL,
                      "job %s is being run by another launcher (%s%s%ld%s%s); waiting for its "
                      "result",
                      r->plan->job_id, c.host ? c.host : "", c.host ? " pid " : "pid ", c.pid,
                      c.task_arn ? ", " : "", c.task_arn ? c.task_arn : "");
            announced = true;
        }
        claim_cleanup(&c);
        for (int64_t slept = 0; slept < poll && !s_cancelled(r); slept += ENGINE_WAIT_SLICE_MS) {
            int64_t d = poll - slept < ENGINE_WAIT_SLICE_MS ? poll - slept : ENGINE_WAIT_SLICE_MS;
            clock_sleep(r->o.clock, d);
        }
        if (s_cancelled(r)) {
            log_event(LOG_WARN, "cancelled", NULL,
                      "cancelled by %s while waiting for another launcher of job %s; it goes on",
                      s_signal_name(r), r->plan->job_id);
            *exit_code = 4;
            return PRE_DONE;
        }
        enum s_pre pre = s_check_result(r, exit_code, err);
        if (pre != PRE_RUN) {
            return pre;
        }
    }
}

/* --- acting -------------------------------------------------------------------------------- */

static void
s_note(struct s_run *r, const struct engine_action *a)
{
    if (r->o.progress) {
        progress_note(r->o.progress, a->level, a->event, a->fields, a->text);
    }
}

/* Adopt a live task left by a launcher that is gone, instead of launching (SPEC §4). */
static bool
s_try_adopt(struct s_run *r, const struct engine_action *a, const char *task_name)
{
    const struct backend_ops *ops = r->o.backend->ops;
    if (!r->adopt || !ops->find_live || a->attempt != 1 || a->launch_try != 1) {
        return false;
    }
    struct live_task *found = NULL;
    size_t n = 0;
    struct eb_error err = {0};
    if (ops->find_live(r->o.backend, task_name, &found, &n, &err) != EB_OK) {
        log_warn("cannot look for live tasks of %s (%s); launching", task_name, err.msg);
        return false;
    }
    size_t best = n;
    for (size_t i = 0; i < n; i++) {
        if (best == n || found[i].attempt > found[best].attempt) {
            best = i;
        }
    }
    bool adopted = false;
    if (best < n) {
        struct engine_event *ev = s_batch_add(&r->batch, ENGINE_EV_ADOPTED, a->task);
        size_t slot = (size_t)(ev - r->batch.ev);
        r->batch.lives[slot] = found[best];
        memset(&found[best], 0, sizeof found[best]);
        ev->live = &r->batch.lives[slot];
        adopted = true;
    }
    for (size_t i = 0; i < n; i++) {
        live_task_cleanup(&found[i]);
    }
    free(found);
    return adopted;
}

static void
s_act(struct s_run *r, const struct engine_actions *acts)
{
    const struct backend_ops *ops = r->o.backend->ops;
    for (size_t k = 0; k < acts->n; k++) {
        const struct engine_action *a = &acts->v[k];
        if (a->kind == ENGINE_ACT_NOTE) {
            s_note(r, a);
            continue;
        }
        struct eb_error err = {0};
        if (a->kind == ENGINE_ACT_STOP) {
            int rc = ops->stop(r->o.backend, a->handle, a->text, &err);
            struct engine_event *ev = s_batch_add(
                &r->batch, rc == EB_OK ? ENGINE_EV_STOP_SENT : ENGINE_EV_STOP_FAILED, a->task);
            if (rc != EB_OK) {
                s_batch_text(&r->batch, ev, err.msg);
            }
            continue;
        }
        const struct job_report *rep = engine_report(r->e);
        const char *name = rep->tasks[a->task].task_name;
        if (s_try_adopt(r, a, name)) {
            continue;
        }
        struct launch_request req = {
            .task_index = a->task,
            .attempt = a->attempt,
            .launch_try = a->launch_try,
            .task_name = name,
            .deadline_ms = rep->deadline_ms,
        };
        struct launch_result res = {0};
        int rc = ops->launch(r->o.backend, &req, &res, &err);
        if (rc != EB_OK) {
            launch_result_cleanup(&res);
            struct engine_event *ev = s_batch_add(&r->batch, ENGINE_EV_ERROR, a->task);
            char *msg = xasprintf("cannot launch task %d: %s", a->task, err.msg);
            s_batch_text(&r->batch, ev, msg);
            free(msg);
            continue;
        }
        struct engine_event *ev = s_batch_add(&r->batch, ENGINE_EV_LAUNCHED, a->task);
        size_t slot = (size_t)(ev - r->batch.ev);
        r->batch.launches[slot] = res;
        ev->launch = &r->batch.launches[slot];
    }
}

/* Pointers into the batch arrays move when they grow: fix them up before stepping. */
static void
s_batch_fix(struct s_batch *b)
{
    for (size_t i = 0; i < b->n; i++) {
        if (b->ev[i].launch) {
            b->ev[i].launch = &b->launches[i];
        }
        if (b->ev[i].live) {
            b->ev[i].live = &b->lives[i];
        }
        if (b->ev[i].text) {
            b->ev[i].text = b->texts[i];
        }
    }
}

static void
s_describe(struct s_run *r)
{
    const struct job_report *rep = engine_report(r->e);
    int *tasks = xcalloc(rep->ntasks ? rep->ntasks : 1, sizeof *tasks);
    size_t n = engine_live_tasks(r->e, tasks);
    if (n == 0) {
        free(tasks);
        return;
    }
    const char **handles = xcalloc(n, sizeof *handles);
    for (size_t i = 0; i < n; i++) {
        const struct report_task *t = &rep->tasks[tasks[i]];
        handles[i] = t->attempts[t->nattempts - 1].task_arn;
    }
    struct observation *obs = xcalloc(n, sizeof *obs);
    struct eb_error err = {0};
    int rc = r->o.backend->ops->describe(r->o.backend, handles, n, obs, &err);
    if (rc != EB_OK) {
        for (size_t i = 0; i < n; i++) {
            observation_cleanup(&obs[i]);
        }
        free(obs);
        struct engine_event *ev = s_batch_add(&r->batch, ENGINE_EV_DESCRIBE_FAILED, -1);
        s_batch_text(&r->batch, ev, err.msg);
    } else {
        for (size_t i = 0; i < n; i++) {
            struct engine_event *ev = s_batch_add(&r->batch, ENGINE_EV_OBSERVED, tasks[i]);
            ev->obs = &obs[i];
        }
        r->batch.obs = obs;
        r->batch.nobs = n;
    }
    free(handles);
    free(tasks);
}

/* Step the engine over the batch, act, and repeat while acting produced events. */
static void
s_round(struct s_run *r, struct engine_actions *acts)
{
    for (int guard = 0; guard < 64; guard++) {
        s_batch_fix(&r->batch);
        engine_step(r->e, s_mono(r), s_now(r), r->batch.ev, r->batch.n, acts);
        s_batch_reset(&r->batch);
        s_act(r, acts);
        bool more = r->batch.n > 0;
        engine_actions_reset(acts);
        if (!more) {
            return;
        }
    }
}

static void
s_write_status(struct s_run *r, bool force)
{
    int64_t now = s_mono(r);
    r->status_pending = engine_take_changed(r->e) || r->status_pending;
    if (engine_ended(r->e) || !r->status_pending) {
        return;
    }
    if (!force && r->status_written && now - r->last_status_mono < r->plan->status_interval_ms) {
        return;
    }
    char *text = result_to_json(engine_report(r->e));
    struct eb_error err = {0};
    if (r->o.sink->ops->put(r->o.sink, "status.json", text, strlen(text), &err) != EB_OK) {
        log_warn("cannot write status.json: %s", err.msg);
    }
    free(text);
    r->status_written = true;
    r->last_status_mono = now;
    r->status_pending = false;
}

/* --- the end: logs, result ----------------------------------------------------------------- */

static bool
s_wants_log(const struct s_run *r, const struct job_report *rep, size_t ti, size_t k)
{
    const struct report_task *t = &rep->tasks[ti];
    const struct report_attempt *a = &t->attempts[k];
    switch (r->plan->log_fetch) {
    case LOG_FETCH_NONE:
        return false;
    case LOG_FETCH_ALL:
        return true;
    case LOG_FETCH_FAILED:
        break;
    }
    if (a->failure_kind != FAILURE_NONE || a->status == ATTEMPT_FAILED) {
        return true;
    }
    return (int)ti == rep->representative_task && k + 1 == t->nattempts;
}

/* Fetch and store the logs log_fetch asks for; returns the representative log (malloc'd) or NULL. */
static char *
s_logs(struct s_run *r)
{
    struct job_report *rep = engine_report_mut(r->e);
    const struct backend_ops *ops = r->o.backend->ops;
    char *rep_log = NULL;
    int64_t cancel = engine_cancelled_at(r->e);
    for (size_t ti = 0; ti < rep->ntasks; ti++) {
        struct report_task *t = &rep->tasks[ti];
        for (size_t k = 0; k < t->nattempts; k++) {
            struct report_attempt *a = &t->attempts[k];
            if (!s_wants_log(r, rep, ti, k) || !ops->fetch_log || !a->task_arn) {
                continue;
            }
            if (cancel && s_mono(r) - cancel > ENGINE_CANCEL_FINISH_MS) {
                if (!a->note) {
                    a->note = xstrdup("log not fetched: no time left after the signal");
                }
                continue;
            }
            struct eb_buf log = EB_BUF_INIT;
            struct eb_error err = {0};
            if (ops->fetch_log(r->o.backend, a->task_arn, (int)ti, a->number, &log, &err) != EB_OK) {
                char *note = xasprintf("%s%slog not fetched: %s", a->note ? a->note : "",
                                       a->note ? "; " : "", err.msg);
                free(a->note);
                a->note = note;
                log_warn("task %zu attempt %d: cannot fetch its log: %s", ti, a->number, err.msg);
                buf_cleanup(&log);
                continue;
            }
            char *path = xasprintf("logs/task-%zu-attempt-%d.log", ti, a->number);
            if (s_put(r, path, buf_cstr(&log), log.len, &err) == EB_OK) {
                free(a->log);
                a->log = xstrdup(path);
            } else {
                char *note = xasprintf("%s%slog not stored: %s", a->note ? a->note : "",
                                       a->note ? "; " : "", err.msg);
                free(a->note);
                a->note = note;
                log_warn("cannot store %s: %s", path, err.msg);
            }
            free(path);
            if ((int)ti == rep->representative_task && k + 1 == t->nattempts) {
                free(rep_log);
                rep_log = buf_steal(&log);
            }
            buf_cleanup(&log);
        }
    }
    return rep_log;
}

static int
s_finish(struct s_run *r, bool store)
{
    struct job_report *rep = engine_report_mut(r->e);
    const char *loc = r->o.sink ? r->o.sink->ops->location(r->o.sink) : NULL;
    if (r->o.progress) {
        progress_finish(r->o.progress);
    }
    free(rep->results);
    rep->results = xstrdup(loc);
    if (!rep->finished_at_ms) {
        rep->finished_at_ms = s_now(r);
    }
    char *rep_log = store ? s_logs(r) : NULL;
    rep->updated_at_ms = s_now(r);
    char *text = result_to_json(rep);
    int exit_code = rep->exit_code;
    bool stored = false;
    struct eb_error err = {0};
    if (store) {
        stored = s_put(r, "result.json", text, strlen(text), &err) == EB_OK;
    } else {
        snprintf(err.msg, sizeof err.msg, "%s", rep->error ? rep->error : "no results location");
    }

    FILE *logf = rep->status == JOB_SUCCEEDED ? r->o.out : r->o.err_out;
    if (rep_log) {
        fputs(rep_log, logf);
        if (rep_log[0] && rep_log[strlen(rep_log) - 1] != '\n') {
            fputc('\n', logf);
        }
        fflush(logf);
    }
    free(rep_log);

    char elapsed[32];
    snprintf(elapsed, sizeof elapsed, "%.1f s",
             (double)(rep->finished_at_ms - rep->started_at_ms) / 1000.0);
    struct report_counts c;
    job_report_count(rep, &c);
    cJSON *f = cJSON_CreateObject();
    cJSON_AddStringToObject(f, "job_id", rep->job_id ? rep->job_id : "");
    cJSON_AddStringToObject(f, "status", job_status_name(rep->status));
    cJSON_AddNumberToObject(f, "exit_code", exit_code);
    cJSON_AddNumberToObject(f, "elapsed_ms", (double)(rep->finished_at_ms - rep->started_at_ms));
    cJSON_AddNumberToObject(f, "tasks", c.tasks);
    cJSON_AddNumberToObject(f, "succeeded", c.succeeded);
    cJSON_AddNumberToObject(f, "attempts", c.attempts);
    cJSON_AddNumberToObject(f, "retries", c.retries);
    char *fields = jsonx_print(f);
    log_event(rep->status == JOB_SUCCEEDED ? LOG_INFO : LOG_WARN, "job_end", fields,
              "job %s %s in %s: %d of %d task%s succeeded, %d attempt%s, %d retr%s",
              rep->job_id, job_status_name(rep->status), elapsed, c.succeeded, c.tasks,
              c.tasks == 1 ? "" : "s", c.attempts, c.attempts == 1 ? "" : "s", c.retries,
              c.retries == 1 ? "y" : "ies");
    free(fields);
    if (stored) {
        char *where = xasprintf("%s/result.json", loc);
        cJSON_AddStringToObject(f, "result", where);
        fields = jsonx_print(f);
        log_event(LOG_INFO, "result", fields, "result: %s", where);
        free(fields);
        free(where);
    } else {
        /* never lose a result silently (SPEC §5) */
        fprintf(r->o.err_out, "ecsbatch: error: the result could not be stored (%s); here it is:\n%s",
                err.msg, text);
        fflush(r->o.err_out);
        if (exit_code != 1 && exit_code != 3 && exit_code != 4) {
            exit_code = 5;
        }
    }
    cJSON_Delete(f);
    free(text);
    return exit_code;
}

/* --- the run ------------------------------------------------------------------------------- */

int
engine_run(const struct engine_options *opts)
{
    struct s_run run = {0};
    struct s_run *r = &run;
    r->o = *opts;
    r->plan = opts->plan;
    if (!r->o.clock) {
        r->o.clock = clock_real();
    }
    if (!r->o.out) {
        r->o.out = stdout;
    }
    if (!r->o.err_out) {
        r->o.err_out = stderr;
    }
    if (!r->o.launcher.host) {
        if (gethostname(r->host, sizeof r->host - 1) != 0) {
            snprintf(r->host, sizeof r->host, "localhost");
        }
        r->o.launcher.host = r->host;
    }
    if (!r->o.launcher.pid) {
        r->o.launcher.pid = (long)getpid();
    }

    int exit_code = 5;
    struct eb_error err = {0};
    r->e = engine_new(&r->o, s_now(r), s_mono(r));
    struct engine_actions acts = {0};
    bool store = true;

    enum s_pre pre = s_check_result(r, &exit_code, &err);
    if (pre == PRE_RUN) {
        pre = s_claim(r, &exit_code, &err);
    }
    if (pre == PRE_DONE) {
        engine_free(r->e);
        return exit_code;
    }
    if (pre == PRE_ERROR) {
        /* nothing launched; the results location cannot be trusted: print the result */
        log_error("%s", err.msg);
        store = false;
        struct engine_event ev = {.kind = ENGINE_EV_ERROR, .task = -1, .text = err.msg};
        engine_step(r->e, s_mono(r), s_now(r), &ev, 1, &acts);
        engine_actions_reset(&acts);
    } else if (r->o.backend->ops->prepare &&
               r->o.backend->ops->prepare(r->o.backend, &err) != EB_OK) {
        struct engine_event ev = {.kind = ENGINE_EV_ERROR, .task = -1, .text = err.msg};
        engine_step(r->e, s_mono(r), s_now(r), &ev, 1, &acts);
        s_act(r, &acts);
        engine_actions_reset(&acts);
        s_batch_reset(&r->batch);
    }
    if (store && r->o.backend->ops->task_definition) {
        struct job_report *rep = engine_report_mut(r->e);
        free(rep->task_definition_arn);
        rep->task_definition_arn = xstrdup(r->o.backend->ops->task_definition(r->o.backend));
    }

    int64_t poll = r->plan->polling_interval_ms > 0 ? r->plan->polling_interval_ms : 1000;
    int64_t next_poll = s_mono(r) + poll;
    bool cancel_seen = false;
    while (!engine_settled(r->e)) {
        if (!cancel_seen && s_cancelled(r)) {
            cancel_seen = true;
            struct engine_event *ev = s_batch_add(&r->batch, ENGINE_EV_CANCEL, -1);
            s_batch_text(&r->batch, ev, s_signal_name(r));
        }
        int64_t now = s_mono(r);
        if (now >= next_poll) {
            s_describe(r);
            int64_t every = engine_ended(r->e) && poll > S_STOP_POLL_MS ? S_STOP_POLL_MS : poll;
            next_poll = now + every;
        }
        s_round(r, &acts);
        s_write_status(r, false);
        if (r->o.progress) {
            progress_update(r->o.progress, engine_report(r->e), s_now(r));
        }
        if (engine_settled(r->e)) {
            break;
        }
        if (engine_ended(r->e) && next_poll - s_mono(r) > S_STOP_POLL_MS) {
            next_poll = s_mono(r) + S_STOP_POLL_MS;
        }
        int64_t wake = engine_next_timer(r->e);
        if (next_poll < wake) {
            wake = next_poll;
        }
        int64_t d = wake - s_mono(r);
        if (d > ENGINE_WAIT_SLICE_MS) {
            d = ENGINE_WAIT_SLICE_MS;
        }
        if (d < 1) {
            d = 1;
        }
        if (!s_cancelled(r) || cancel_seen) {
            s_idle(r, d);
        }
    }
    engine_actions_cleanup(&acts);
    s_batch_cleanup(&r->batch);
    exit_code = s_finish(r, store);
    engine_free(r->e);
    return exit_code;
}
