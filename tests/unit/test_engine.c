/*
 * The run engine (SPEC §4, §5) against a scripted fake backend and an
 * in-memory sink, on the fake clock: budgets and their boundaries, Spot and
 * capacity accounting, MISSING grace, stop-on-failure, timeout, cancel,
 * representative task, reruns, claims, status.json throttling, exit codes.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "engine/attempt.h"
#include "engine/claim.h"
#include "engine/engine.h"
#include "report/result.h"
#include "test_engine_support.h"
#include "unit.h"
#include "util/clock.h"
#include "util/xalloc.h"

#define T0 1767225600000LL /* 2026-01-01T00:00:00Z */

/* --- the fake backend ---------------------------------------------------------------------- */

/* One launch call's script. */
struct fake_script {
    bool refuse;                /* LAUNCH_REFUSED, reason "RESOURCE:MEMORY" */
    int missing;                /* first observations MISSING; -1 = always */
    int pending, running;       /* observations PENDING, then RUNNING; running -1 = forever */
    const char *stop_code;      /* at the end; NULL = EssentialContainerExited */
    const char *stopped_reason; /* NULL = "Essential container in task exited" */
    const char *reason;         /* container reason */
    int exit_code;
    bool no_exit_code;          /* the essential container never ran */
    bool ignore_stop;           /* keeps RUNNING after a stop */
};

#define MAXS 8
#define MAXA 64

struct fake_attempt {
    char handle[64];
    int task;
    struct fake_script s;
    int seen;                   /* describe count */
    bool stop;
    char stop_reason[300];
    bool done;
};

struct fake {
    struct backend base;
    struct clock_fake *clock;
    struct fake_script scripts[16][MAXS]; /* per task: by launch call; the last given repeats */
    int nscripts[16];
    int calls[16];              /* launch calls per task */
    struct fake_attempt att[MAXA];
    int natt;
    int launches, stops, describes, waits;
    int live, max_live;
    int last_launch_try[16];
    int64_t deadline_ms;
    volatile sig_atomic_t *cancel;
    int64_t cancel_at;          /* fake wall time at which cancel is set; 0 = never */
    struct live_task live_found[16];
    bool has_live_found[16];
    int find_live_calls;
};

static struct fake_attempt *
s_att(struct fake *f, const char *h)
{
    for (int i = 0; i < f->natt; i++) {
        if (strcmp(f->att[i].handle, h) == 0) {
            return &f->att[i];
        }
    }
    return NULL;
}

static int
f_launch(struct backend *b, const struct launch_request *req, struct launch_result *out,
         struct eb_error *err)
{
    (void)err;
    struct fake *f = (struct fake *)b;
    int t = req->task_index;
    int k = f->calls[t]++;
    int n = f->nscripts[t];
    const struct fake_script *s = &f->scripts[t][k < n ? k : n - 1];
    f->last_launch_try[t] = req->launch_try;
    f->deadline_ms = req->deadline_ms;
    memset(out, 0, sizeof *out);
    if (s->refuse) {
        out->status = LAUNCH_REFUSED;
        out->reason = xstrdup("RESOURCE:MEMORY");
        return EB_OK;
    }
    struct fake_attempt *a = &f->att[f->natt++];
    memset(a, 0, sizeof *a);
    snprintf(a->handle, sizeof a->handle, "arn:fake:task/%d-%d", t, req->attempt);
    a->task = t;
    a->s = *s;
    f->launches++;
    f->live++;
    if (f->live > f->max_live) {
        f->max_live = f->live;
    }
    out->status = LAUNCH_STARTED;
    out->handle = xstrdup(a->handle);
    out->created_at_ms = f->clock->now;
    return EB_OK;
}

static void
s_container(struct observation *o, const struct fake_attempt *a, bool stopped)
{
    o->containers = xcalloc(1, sizeof *o->containers);
    o->ncontainers = 1;
    o->containers[0].name = xstrdup("main");
    o->containers[0].essential = true;
    if (stopped && !a->s.no_exit_code) {
        o->containers[0].has_exit_code = true;
        o->containers[0].exit_code = a->stop && !a->s.ignore_stop ? 143 : a->s.exit_code;
    }
    o->containers[0].reason = xstrdup(a->stop ? NULL : a->s.reason);
}

static int
f_describe(struct backend *b, const char *const *h, size_t n, struct observation *out,
           struct eb_error *err)
{
    (void)err;
    struct fake *f = (struct fake *)b;
    f->describes++;
    for (size_t i = 0; i < n; i++) {
        struct observation *o = &out[i];
        memset(o, 0, sizeof *o);
        struct fake_attempt *a = s_att(f, h[i]);
        if (!a) {
            o->state = OBS_MISSING;
            continue;
        }
        int k = a->seen++;
        const struct fake_script *s = &a->s;
        if (s->missing < 0 || k < s->missing) {
            o->state = OBS_MISSING;
            continue;
        }
        k -= s->missing;
        bool stopped = (a->stop && !s->ignore_stop) ||
                       (s->running >= 0 && k >= s->pending + s->running);
        if (!stopped) {
            o->state = k < s->pending ? OBS_PENDING : OBS_RUNNING;
            o->last_status = xstrdup(k < s->pending ? "PROVISIONING" : "RUNNING");
            s_container(o, a, false);
            continue;
        }
        o->state = OBS_STOPPED;
        o->last_status = xstrdup("STOPPED");
        if (a->stop && !s->ignore_stop) {
            o->stop_code = xstrdup("UserInitiated");
            o->stopped_reason = xstrdup(a->stop_reason);
        } else {
            o->stop_code = xstrdup(s->stop_code ? s->stop_code : "EssentialContainerExited");
            o->stopped_reason =
                xstrdup(s->stopped_reason ? s->stopped_reason : "Essential container in task exited");
        }
        o->stopped_at_ms = f->clock->now;
        s_container(o, a, true);
        if (!a->done) {
            a->done = true;
            f->live--;
        }
    }
    return EB_OK;
}

static int
f_stop(struct backend *b, const char *h, const char *reason, struct eb_error *err)
{
    (void)err;
    struct fake *f = (struct fake *)b;
    struct fake_attempt *a = s_att(f, h);
    f->stops++;
    if (a) {
        a->stop = true;
        snprintf(a->stop_reason, sizeof a->stop_reason, "%s", reason);
    }
    return EB_OK;
}

static int
f_fetch_log(struct backend *b, const char *h, int task, int attempt, struct eb_buf *out,
            struct eb_error *err)
{
    (void)b;
    (void)err;
    (void)buf_printf(out, "=== fake/main/%s ===\n\n[2026-01-01 00:00:00] task %d attempt %d\n", h,
                     task, attempt);
    return EB_OK;
}

static int
f_find_live(struct backend *b, const char *name, struct live_task **out, size_t *n,
            struct eb_error *err)
{
    (void)err;
    struct fake *f = (struct fake *)b;
    f->find_live_calls++;
    *out = NULL;
    *n = 0;
    int t = name[strlen(name) - 1] - '0';
    if (t >= 0 && t < 16 && f->has_live_found[t]) {
        *out = xcalloc(1, sizeof **out);
        (*out)[0].handle = xstrdup(f->live_found[t].handle);
        (*out)[0].attempt = f->live_found[t].attempt;
        *n = 1;
        struct fake_attempt *a = &f->att[f->natt++];
        memset(a, 0, sizeof *a);
        snprintf(a->handle, sizeof a->handle, "%s", f->live_found[t].handle);
        a->task = t;
        a->s.running = 2;
        f->live++;
    }
    return EB_OK;
}

static void
f_wait(struct backend *b, int64_t ms)
{
    struct fake *f = (struct fake *)b;
    f->waits++;
    clock_fake_advance(f->clock, ms);
    if (f->cancel && f->cancel_at && f->clock->now >= f->cancel_at) {
        *f->cancel = SIGTERM;
    }
}

static const char *
f_taskdef(struct backend *b)
{
    (void)b;
    return "arn:aws:ecs:us-west-2:123456789012:task-definition/fake:1";
}

static const struct backend_ops s_fake_ops = {
    .name = "fake",
    .launch = f_launch,
    .describe = f_describe,
    .stop = f_stop,
    .fetch_log = f_fetch_log,
    .find_live = f_find_live,
    .wait = f_wait,
    .task_definition = f_taskdef,
};

/* Every task runs `s` for every call unless set otherwise. */
static void
fake_init(struct fake *f, struct clock_fake *clk, int ntasks, struct fake_script s)
{
    memset(f, 0, sizeof *f);
    f->base.ops = &s_fake_ops;
    f->clock = clk;
    for (int t = 0; t < ntasks && t < 16; t++) {
        f->scripts[t][0] = s;
        f->nscripts[t] = 1;
    }
}

static void
fake_script(struct fake *f, int task, int n, const struct fake_script *s)
{
    for (int i = 0; i < n; i++) {
        f->scripts[task][i] = s[i];
    }
    f->nscripts[task] = n;
}

static const struct fake_script OK = {.running = 2};
static const struct fake_script EXIT1 = {.running = 1, .exit_code = 1};
static const struct fake_script FOREVER = {.running = -1};
static const struct fake_script SPOT = {.running = 1,
                                        .stop_code = "SpotInterruption",
                                        .stopped_reason = "Your Spot Task was interrupted.",
                                        .exit_code = 143};

/* --- the in-memory sink -------------------------------------------------------------------- */

#define MAXF 64

struct msink {
    struct sink base;
    char *path[MAXF];
    struct eb_buf data[MAXF];
    int puts[MAXF];
    int nf;
    bool fail_puts;
    int result_gets;            /* get("result.json") calls */
    int result_after;           /* the file "later.json" becomes result.json at this get; 0 = no */
};

static int
s_slot(struct msink *m, const char *path, bool create)
{
    for (int i = 0; i < m->nf; i++) {
        if (strcmp(m->path[i], path) == 0) {
            return i;
        }
    }
    if (!create) {
        return -1;
    }
    m->path[m->nf] = xstrdup(path);
    buf_init(&m->data[m->nf], 0);
    return m->nf++;
}

static int
m_put(struct sink *s, const char *path, const void *d, size_t len, struct eb_error *err)
{
    struct msink *m = (struct msink *)s;
    if (m->fail_puts && strcmp(path, "claim.json") != 0) {
        return err_set(err, EB_ERR_IO, "disk on fire writing %s", path);
    }
    int i = s_slot(m, path, true);
    buf_reset(&m->data[i]);
    (void)buf_append(&m->data[i], d, len);
    m->puts[i]++;
    return EB_OK;
}

static int
m_get(struct sink *s, const char *path, struct eb_buf *out, struct eb_error *err)
{
    struct msink *m = (struct msink *)s;
    if (strcmp(path, "result.json") == 0) {
        m->result_gets++;
        if (m->result_after && m->result_gets >= m->result_after) {
            int later = s_slot(m, "later.json", false);
            if (later >= 0) {
                int i = s_slot(m, "result.json", true);
                buf_reset(&m->data[i]);
                (void)buf_append(&m->data[i], m->data[later].ptr, m->data[later].len);
            }
        }
    }
    int i = s_slot(m, path, false);
    if (i < 0) {
        return err_set(err, EB_ERR_NOT_FOUND, "%s not found", path);
    }
    (void)buf_append(out, m->data[i].ptr, m->data[i].len);
    return EB_OK;
}

static int
m_create(struct sink *s, const char *path, const void *d, size_t len, struct eb_error *err)
{
    struct msink *m = (struct msink *)s;
    if (s_slot(m, path, false) >= 0) {
        return err_set(err, EB_ERR_EXISTS, "%s exists", path);
    }
    return m_put(s, path, d, len, err);
}

static const char *
m_location(struct sink *s)
{
    (void)s;
    return "mem://results/job";
}

static const struct sink_ops s_msink_ops = {
    .put = m_put, .get = m_get, .create = m_create, .location = m_location};

static void
msink_init(struct msink *m)
{
    memset(m, 0, sizeof *m);
    m->base.ops = &s_msink_ops;
}

static void
msink_cleanup(struct msink *m)
{
    for (int i = 0; i < m->nf; i++) {
        free(m->path[i]);
        buf_cleanup(&m->data[i]);
    }
}

static const char *
msink_text(struct msink *m, const char *path)
{
    int i = s_slot(m, path, false);
    return i < 0 ? NULL : buf_cstr(&m->data[i]);
}

static int
msink_puts(struct msink *m, const char *path)
{
    int i = s_slot(m, path, false);
    return i < 0 ? 0 : m->puts[i];
}

/* --- a run --------------------------------------------------------------------------------- */

struct run {
    struct clock_fake clk;
    struct fake fake;
    struct msink sink;
    struct plan *plan;
    volatile sig_atomic_t cancel;
    struct engine_options o;
    FILE *out, *err;
    char *out_text, *err_text;
    size_t out_len, err_len;
    int exit_code;
    struct job_report rep;      /* result.json as stored, parsed */
    bool pid_alive;
};

static bool
s_pid_alive(long pid, void *ctx)
{
    (void)pid;
    return ((struct run *)ctx)->pid_alive;
}

static void
run_init(struct run *r, int ntasks, struct fake_script s)
{
    memset(r, 0, sizeof *r);
    clock_fake_init(&r->clk, T0);
    fake_init(&r->fake, &r->clk, ntasks, s);
    msink_init(&r->sink);
    r->plan = tplan_new("J1", ntasks, NULL);
    r->fake.cancel = &r->cancel;
    r->o.plan = r->plan;
    r->o.backend = &r->fake.base;
    r->o.sink = &r->sink.base;
    r->o.clock = &r->clk.clock;
    r->o.cancel = &r->cancel;
    r->o.launcher.version = "9.9.9";
    r->o.launcher.backend = "fake";
    r->o.launcher.host = "testhost";
    r->o.launcher.pid = 4242;
    r->o.pid_alive = s_pid_alive;
    r->o.pid_alive_ctx = r;
}

/* Run the engine; parse result.json when it was stored. */
static void
run_go(struct run *r)
{
    r->out = open_memstream(&r->out_text, &r->out_len);
    r->err = open_memstream(&r->err_text, &r->err_len);
    r->o.out = r->out;
    r->o.err_out = r->err;
    log_setup(LOG_ERROR, LOG_TEXT);
    r->exit_code = engine_run(&r->o);
    log_setup(LOG_INFO, LOG_TEXT);
    fclose(r->out);
    fclose(r->err);
    const char *res = msink_text(&r->sink, "result.json");
    job_report_cleanup(&r->rep);
    if (res) {
        struct eb_error err = {0};
        int rc = result_parse(res, strlen(res), &r->rep, &err);
        if (rc != EB_OK) {
            unit_fail(__FILE__, __LINE__, "stored result does not parse: %s", err.msg);
        }
    }
}

static void
run_cleanup(struct run *r)
{
    job_report_cleanup(&r->rep);
    msink_cleanup(&r->sink);
    tplan_free(r->plan);
    free(r->out_text);
    free(r->err_text);
    for (int t = 0; t < 16; t++) {
        free(r->fake.live_found[t].handle);
    }
}

/* Task i and its attempt k of the stored result; a zeroed stand-in (and a failure) when absent. */
static const struct report_task *
task_of(const struct run *r, int i)
{
    static const struct report_task none;
    if ((size_t)i < r->rep.ntasks) {
        return &r->rep.tasks[i];
    }
    unit_fail(__FILE__, __LINE__, "no task %d in the result", i);
    return &none;
}

static const struct report_attempt *
att_of(const struct run *r, int i, size_t k)
{
    static const struct report_attempt none;
    const struct report_task *t = task_of(r, i);
    if (k < t->nattempts) {
        return &t->attempts[k];
    }
    unit_fail(__FILE__, __LINE__, "no attempt %zu of task %d in the result", k + 1, i);
    return &none;
}

/* --- outcomes and budgets ------------------------------------------------------------------ */

TEST(engine_all_succeed_representative_is_last_to_complete)
{
    struct run r;
    run_init(&r, 3, OK);
    struct fake_script longer = {.running = 6};
    fake_script(&r.fake, 0, 1, &longer); /* task 0 completes last */
    run_go(&r);
    EXPECT_INT(r.exit_code, 0);
    EXPECT_INT(r.rep.status, JOB_SUCCEEDED);
    EXPECT_INT(r.rep.exit_code, 0);
    EXPECT_INT(r.rep.representative_task, 0);
    EXPECT(r.rep.error == NULL);
    EXPECT_INT(r.rep.ntasks, 3);
    for (int i = 0; i < 3; i++) {
        const struct report_task *t = task_of(&r, i);
        REQUIRE(t);
        EXPECT_INT(t->status, TASK_SUCCEEDED);
        EXPECT_INT(t->nattempts, 1);
        EXPECT_INT(t->attempts[0].status, ATTEMPT_SUCCEEDED);
        EXPECT_INT(t->attempts[0].failure_kind, FAILURE_NONE);
        EXPECT(t->attempts[0].has_exit_code && t->attempts[0].exit_code == 0);
    }
    EXPECT_STR(r.rep.tasks[2].task_name, "ecsbatch-job-J1-2");
    EXPECT_STR(r.rep.task_definition_arn,
               "arn:aws:ecs:us-west-2:123456789012:task-definition/fake:1");
    /* log_fetch failed: the representative's log only, stored and on stdout */
    EXPECT_STR(r.rep.tasks[0].attempts[0].log, "logs/task-0-attempt-1.log");
    EXPECT(r.rep.tasks[1].attempts[0].log == NULL);
    EXPECT(msink_text(&r.sink, "logs/task-0-attempt-1.log") != NULL);
    EXPECT(msink_text(&r.sink, "logs/task-1-attempt-1.log") == NULL);
    EXPECT_CONTAINS(r.out_text, "=== fake/main/arn:fake:task/0-1 ===");
    EXPECT(!strstr(r.err_text, "==="));
    EXPECT(msink_text(&r.sink, "status.json") != NULL);
    EXPECT(msink_text(&r.sink, "claim.json") != NULL);
    /* ECSBATCH_DEADLINE is the start plus the timeout */
    EXPECT_INT(r.fake.deadline_ms, T0 + 3600 * 1000);
    EXPECT_INT(r.rep.deadline_ms, T0 + 3600 * 1000);
    run_cleanup(&r);
}

TEST(engine_retry_boundaries_max_fail_count_0_1_3)
{
    static const struct {
        int max_fail_count, attempts;
    } rows[] = {{0, 1}, {1, 2}, {3, 4}};
    for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
        struct run r;
        run_init(&r, 1, EXIT1);
        r.plan->max_fail_count = rows[k].max_fail_count;
        run_go(&r);
        EXPECT_INT(r.exit_code, 1);
        EXPECT_INT(r.rep.status, JOB_FAILED);
        EXPECT_INT(r.fake.launches, rows[k].attempts);
        const struct report_task *t = task_of(&r, 0);
        REQUIRE(t);
        EXPECT_INT(t->nattempts, rows[k].attempts);
        EXPECT_INT(t->fail_count, rows[k].max_fail_count + 1);
        EXPECT_INT(t->status, TASK_FAILED);
        for (size_t a = 0; a < t->nattempts; a++) {
            EXPECT_INT(t->attempts[a].number, (int)a + 1);
            EXPECT_INT(t->attempts[a].failure_kind, FAILURE_EXIT);
            EXPECT_INT(t->attempts[a].exit_code, 1);
        }
        EXPECT_CONTAINS(r.rep.error, "task 0 exhausted its retries (exit 1)");
        EXPECT_INT(r.rep.representative_task, 0);
        run_cleanup(&r);
    }
}

TEST(engine_failure_then_success_merges_outcomes)
{
    struct run r;
    run_init(&r, 2, OK);
    const struct fake_script s[] = {EXIT1, OK};
    fake_script(&r.fake, 1, 2, s);
    run_go(&r);
    EXPECT_INT(r.exit_code, 0);
    const struct report_task *t = task_of(&r, 1);
    REQUIRE(t);
    EXPECT_INT(t->status, TASK_SUCCEEDED);
    REQUIRE(t->nattempts == 2);
    EXPECT_INT(t->attempts[0].status, ATTEMPT_FAILED);
    EXPECT_INT(t->attempts[0].failure_kind, FAILURE_EXIT);
    EXPECT_STR(t->attempts[0].stop_code, "EssentialContainerExited");
    EXPECT_STR(t->attempts[0].stopped_reason, "Essential container in task exited");
    EXPECT_INT(t->attempts[1].status, ATTEMPT_SUCCEEDED);
    EXPECT_INT(t->fail_count, 1);
    /* the failed attempt's log is stored (log_fetch failed) */
    EXPECT_STR(t->attempts[0].log, "logs/task-1-attempt-1.log");
    EXPECT(strstr(msink_text(&r.sink, "result.json"), "\"failed_arns\"") != NULL);
    EXPECT_CONTAINS(msink_text(&r.sink, "result.json"), "\"arn:fake:task/1-1\"");
    run_cleanup(&r);
}

TEST(engine_spot_does_not_consume_max_fail_count)
{
    struct run r;
    run_init(&r, 1, OK);
    r.plan->max_fail_count = 0;
    const struct fake_script host = {.running = 1,
                                     .stopped_reason = "Host EC2 (instance i-0abc) terminated.",
                                     .stop_code = "EssentialContainerExited",
                                     .exit_code = 137};
    const struct fake_script s[] = {SPOT, host, OK};
    fake_script(&r.fake, 0, 3, s);
    run_go(&r);
    EXPECT_INT(r.exit_code, 0);
    const struct report_task *t = task_of(&r, 0);
    REQUIRE(t && t->nattempts == 3);
    EXPECT_INT(t->attempts[0].failure_kind, FAILURE_SPOT);
    EXPECT_INT(t->attempts[1].failure_kind, FAILURE_HOST);
    EXPECT_INT(t->fail_count, 0);
    EXPECT_INT(t->spot_count, 2);
    run_cleanup(&r);
}

TEST(engine_spot_attempts_exhausted)
{
    struct run r;
    run_init(&r, 1, SPOT);
    r.plan->max_spot_attempts = 2;
    run_go(&r);
    EXPECT_INT(r.exit_code, 1);
    EXPECT_INT(r.fake.launches, 2);
    EXPECT_INT(task_of(&r, 0)->spot_count, 2);
    EXPECT_INT(task_of(&r, 0)->fail_count, 0);
    EXPECT_CONTAINS(r.rep.error, "task 0 exhausted its Spot/host attempts (spot");
    run_cleanup(&r);
}

TEST(engine_fatal_pull_fails_at_once_transient_pull_retries)
{
    struct run r;
    const struct fake_script missing = {
        .running = 0,
        .stop_code = "TaskFailedToStart",
        .stopped_reason = "CannotPullContainerError: pull image manifest has been retried 5 time(s)",
        .reason = "CannotPullContainerError: ref pull has been retried 1 time(s): failed to resolve "
                  "reference \"x/y:z\": x/y:z: not found",
        .no_exit_code = true};
    run_init(&r, 1, missing);
    run_go(&r);
    EXPECT_INT(r.exit_code, 1);
    EXPECT_INT(r.fake.launches, 1);
    const struct report_task *t = task_of(&r, 0);
    EXPECT_INT(t->attempts[0].failure_kind, FAILURE_PULL);
    EXPECT(t->attempts[0].fatal);
    EXPECT(!t->attempts[0].has_exit_code);
    EXPECT_CONTAINS(r.rep.error, "task 0 failed and cannot be retried (pull");
    run_cleanup(&r);

    const struct fake_script nospace = {
        .running = 0, .stop_code = "TaskFailedToStart",
        .stopped_reason = "CannotPullContainerError: write /var/lib: no space left on device",
        .no_exit_code = true};
    run_init(&r, 1, nospace);
    r.plan->max_fail_count = 2;
    run_go(&r);
    EXPECT_INT(r.exit_code, 1);
    EXPECT_INT(r.fake.launches, 3);
    EXPECT(!att_of(&r, 0, 0)->fatal);
    run_cleanup(&r);
}

TEST(engine_essential_container_that_never_ran_is_not_success)
{
    struct run r;
    const struct fake_script never = {.running = 1, .no_exit_code = true};
    run_init(&r, 1, never);
    r.plan->max_fail_count = 0;
    run_go(&r);
    EXPECT_INT(r.exit_code, 1);
    const struct report_task *t = task_of(&r, 0);
    EXPECT_INT(t->attempts[0].status, ATTEMPT_FAILED);
    EXPECT_INT(t->attempts[0].failure_kind, FAILURE_START);
    EXPECT(!t->attempts[0].has_exit_code);
    run_cleanup(&r);
}

TEST(engine_capacity_refusals_retried_not_counted)
{
    struct run r;
    run_init(&r, 1, OK);
    r.plan->max_fail_count = 0;
    const struct fake_script refuse = {.refuse = true};
    const struct fake_script s[] = {refuse, refuse, refuse, refuse, refuse, OK};
    fake_script(&r.fake, 0, 6, s);
    run_go(&r);
    EXPECT_INT(r.exit_code, 0);
    const struct report_task *t = task_of(&r, 0);
    EXPECT_INT(t->nattempts, 1);
    EXPECT_INT(t->attempts[0].number, 1);
    EXPECT_INT(t->nlaunch_failures, 5);
    EXPECT_INT(t->fail_count, 0);
    EXPECT_STR(t->launch_failures[0].reason, "RESOURCE:MEMORY");
    EXPECT_INT(t->launch_failures[4].attempt, 1);
    EXPECT_INT(r.fake.last_launch_try[0], 6);
    EXPECT_CONTAINS(msink_text(&r.sink, "result.json"), "\"failure_kind\": \"capacity\"");
    run_cleanup(&r);

    /* refused until the timeout: TIMED_OUT, never counted */
    const struct fake_script always = {.refuse = true};
    run_init(&r, 1, always);
    r.plan->timeout_ms = 600 * 1000;
    run_go(&r);
    EXPECT_INT(r.exit_code, 3);
    t = task_of(&r, 0);
    EXPECT_INT(t->nattempts, 0);
    EXPECT(t->nlaunch_failures > 5);
    EXPECT_INT(t->fail_count, 0);
    EXPECT_INT(t->status, TASK_TIMED_OUT);
    /* backoff grows: far fewer calls than polls */
    EXPECT(r.fake.calls[0] < 60);
    run_cleanup(&r);
}

TEST(engine_backoff_and_grace_scale_with_the_interval)
{
    EXPECT_INT(engine_backoff_ms(30000, 1), 10000);
    EXPECT_INT(engine_backoff_ms(30000, 2), 20000);
    EXPECT_INT(engine_backoff_ms(30000, 20), 300000);
    EXPECT_INT(engine_backoff_ms(50, 1), 50);
    EXPECT_INT(engine_backoff_ms(50, 30), 1600);
    EXPECT_INT(engine_missing_grace_ms(30000), 90000);
    EXPECT_INT(engine_missing_grace_ms(5000), 30000);
    EXPECT_INT(engine_missing_grace_ms(50), 1000);
}

TEST(engine_missing_tolerated_then_lost)
{
    struct run r;
    const struct fake_script late = {.missing = 3, .running = 2};
    run_init(&r, 1, late);
    run_go(&r);
    EXPECT_INT(r.exit_code, 0);
    EXPECT_INT(task_of(&r, 0)->nattempts, 1);
    run_cleanup(&r);

    const struct fake_script gone = {.missing = -1};
    run_init(&r, 1, gone);
    r.plan->max_fail_count = 0;
    run_go(&r);
    EXPECT_INT(r.exit_code, 1);
    const struct report_task *t = task_of(&r, 0);
    EXPECT_INT(t->attempts[0].failure_kind, FAILURE_LOST);
    EXPECT_CONTAINS(t->attempts[0].note, "not found by the backend");
    /* lost only after the grace: max(3 polls, min(30 s, 20 polls)) = 20 s at 1 s */
    EXPECT(r.rep.finished_at_ms - r.rep.started_at_ms >= 20000);
    EXPECT(r.rep.finished_at_ms - r.rep.started_at_ms < 25000);
    run_cleanup(&r);
}

TEST(engine_failure_stops_siblings_with_reason)
{
    struct run r;
    run_init(&r, 3, FOREVER);
    r.plan->max_fail_count = 0;
    fake_script(&r.fake, 1, 1, &EXIT1);
    run_go(&r);
    EXPECT_INT(r.exit_code, 1);
    EXPECT_INT(r.rep.status, JOB_FAILED);
    EXPECT_INT(r.rep.representative_task, 1);
    EXPECT_INT(r.fake.stops, 2);
    for (int i = 0; i < 3; i += 2) {
        const struct report_task *t = task_of(&r, i);
        EXPECT_INT(t->status, TASK_CANCELLED);
        EXPECT_INT(t->attempts[0].failure_kind, FAILURE_CANCELLED);
        EXPECT_STR(t->attempts[0].stopped_reason,
                   "ecsbatch job J1: task 1 exhausted its retries (exit 1)");
        EXPECT_STR(t->attempts[0].stop_code, "UserInitiated");
    }
    EXPECT_STR(r.fake.att[0].stop_reason, "ecsbatch job J1: task 1 exhausted its retries (exit 1)");
    /* the failed task's log goes to stderr */
    EXPECT_CONTAINS(r.err_text, "=== fake/main/arn:fake:task/1-1 ===");
    EXPECT(r.out_text == NULL || !strstr(r.out_text, "==="));
    run_cleanup(&r);
}

TEST(engine_one_hour_timeout_on_the_fake_clock)
{
    struct run r;
    run_init(&r, 2, FOREVER);
    r.plan->polling_interval_ms = 30000;
    fake_script(&r.fake, 1, 1, &OK);
    run_go(&r);
    EXPECT_INT(r.exit_code, 3);
    EXPECT_INT(r.rep.status, JOB_TIMED_OUT);
    EXPECT_INT(r.rep.exit_code, 3);
    /* the representative is the incomplete task */
    EXPECT_INT(r.rep.representative_task, 0);
    const struct report_task *t = task_of(&r, 0);
    EXPECT_INT(t->status, TASK_TIMED_OUT);
    EXPECT_INT(t->attempts[0].failure_kind, FAILURE_TIMEOUT);
    EXPECT_INT(task_of(&r, 1)->status, TASK_SUCCEEDED);
    EXPECT_CONTAINS(r.rep.error, "timeout of 3600 s elapsed");
    EXPECT(r.clk.now - T0 >= 3600 * 1000);
    EXPECT(r.clk.now - T0 < 3700 * 1000);
    EXPECT_CONTAINS(r.err_text, "=== fake/main/arn:fake:task/0-1 ===");
    run_cleanup(&r);
}

TEST(engine_sigterm_cancels_stops_and_stores)
{
    struct run r;
    run_init(&r, 3, FOREVER);
    r.fake.cancel_at = T0 + 100 * 1000;
    run_go(&r);
    EXPECT_INT(r.exit_code, 4);
    EXPECT_INT(r.rep.status, JOB_CANCELLED);
    EXPECT_INT(r.fake.stops, 3);
    for (int i = 0; i < 3; i++) {
        EXPECT_INT(task_of(&r, i)->status, TASK_CANCELLED);
        EXPECT_INT(att_of(&r, i, 0)->failure_kind, FAILURE_CANCELLED);
    }
    EXPECT_CONTAINS(r.rep.error, "cancelled by SIGTERM");
    /* quickly: well within ECS's 30 s */
    EXPECT(r.clk.now - (T0 + 100 * 1000) < 5000);
    run_cleanup(&r);
}

TEST(engine_unconfirmed_stop_is_said)
{
    struct run r;
    const struct fake_script stubborn = {.running = -1, .ignore_stop = true};
    run_init(&r, 1, stubborn);
    r.fake.cancel_at = T0 + 10 * 1000;
    run_go(&r);
    EXPECT_INT(r.exit_code, 4);
    const struct report_task *t = task_of(&r, 0);
    EXPECT_CONTAINS(t->attempts[0].note, "not seen STOPPED");
    EXPECT_INT(t->attempts[0].failure_kind, FAILURE_CANCELLED);
    EXPECT(r.clk.now - (T0 + 10 * 1000) <= ENGINE_CANCEL_CONFIRM_MS + 2000);
    run_cleanup(&r);
}

TEST(engine_concurrency_cap)
{
    struct run r;
    run_init(&r, 5, OK);
    r.o.max_live = 2;
    run_go(&r);
    EXPECT_INT(r.exit_code, 0);
    EXPECT_INT(r.fake.launches, 5);
    EXPECT_INT(r.fake.max_live, 2);
    /* waiting for a slot is not a busy loop */
    EXPECT(r.fake.waits < 3 * (r.clk.now - T0) / 1000 + 10);
    run_cleanup(&r);
}

/* --- reruns, claims, status ---------------------------------------------------------------- */

static const char s_stored[] =
    "{\"schema\":\"ecsbatch.result/1\",\"job_id\":\"J1\",\"status\":\"FAILED\",\"exit_code\":1,"
    "\"tasks\":[]}\n";

TEST(engine_rerun_prints_stored_result_launches_nothing)
{
    struct run r;
    run_init(&r, 2, OK);
    struct eb_error err = {0};
    REQUIRE(m_put(&r.sink.base, "result.json", s_stored, strlen(s_stored), &err) == EB_OK);
    run_go(&r);
    EXPECT_INT(r.exit_code, 1);
    EXPECT_INT(r.fake.launches, 0);
    EXPECT_STR(r.out_text, s_stored);
    EXPECT(msink_text(&r.sink, "claim.json") == NULL);
    run_cleanup(&r);
}

TEST(engine_claim_held_waits_for_the_other_result)
{
    struct run r;
    run_init(&r, 2, OK);
    r.pid_alive = true;
    char *claim = claim_to_json("J1", "local", "testhost", 999, NULL, T0 - 1000);
    struct eb_error err = {0};
    REQUIRE(m_put(&r.sink.base, "claim.json", claim, strlen(claim), &err) == EB_OK);
    free(claim);
    REQUIRE(m_put(&r.sink.base, "later.json", s_stored, strlen(s_stored), &err) == EB_OK);
    r.sink.result_after = 4;
    run_go(&r);
    EXPECT_INT(r.exit_code, 1);
    EXPECT_INT(r.fake.launches, 0);
    EXPECT_STR(r.out_text, s_stored);
    run_cleanup(&r);
}

TEST(engine_stale_claim_taken_over_and_live_tasks_adopted)
{
    struct run r;
    run_init(&r, 2, OK);
    r.pid_alive = false;
    char *claim = claim_to_json("J1", "local", "testhost", 999, NULL, T0 - 1000);
    struct eb_error err = {0};
    REQUIRE(m_put(&r.sink.base, "claim.json", claim, strlen(claim), &err) == EB_OK);
    free(claim);
    r.fake.has_live_found[0] = true;
    r.fake.live_found[0].handle = xstrdup("arn:fake:task/adopted");
    r.fake.live_found[0].attempt = 2;
    run_go(&r);
    EXPECT_INT(r.exit_code, 0);
    EXPECT_INT(r.fake.find_live_calls, 2);
    EXPECT_INT(r.fake.launches, 1); /* task 1 only */
    const struct report_task *t = task_of(&r, 0);
    REQUIRE(t && t->nattempts == 1);
    EXPECT(t->attempts[0].adopted);
    EXPECT_INT(t->attempts[0].number, 2);
    EXPECT_STR(t->attempts[0].task_arn, "arn:fake:task/adopted");
    EXPECT_CONTAINS(msink_text(&r.sink, "claim.json"), "\"pid\":4242");
    run_cleanup(&r);
}

TEST(engine_fresh_claim_does_not_look_for_live_tasks)
{
    struct run r;
    run_init(&r, 2, OK);
    run_go(&r);
    EXPECT_INT(r.fake.find_live_calls, 0);
    EXPECT_CONTAINS(msink_text(&r.sink, "claim.json"), "\"host\":\"testhost\"");
    run_cleanup(&r);
}

TEST(engine_claim_liveness_rules)
{
    char h1[] = "h1", arn[] = "arn:aws:ecs:us-west-2:1:task/c/x";
    struct claim c = {.host = h1, .pid = 10, .claimed_at_ms = 1000};
    struct run r;
    memset(&r, 0, sizeof r);
    struct claim_check chk = {.host = "h1", .pid = 20, .now_ms = 1000000, .max_age_ms = 5000,
                              .pid_alive = s_pid_alive, .ctx = &r};
    r.pid_alive = true;
    EXPECT(claim_is_live(&c, &chk));
    r.pid_alive = false;
    EXPECT(!claim_is_live(&c, &chk));
    chk.pid = 10; /* our own pid: a reused number, not a live launcher */
    r.pid_alive = true;
    EXPECT(!claim_is_live(&c, &chk));
    /* ECS: by age */
    struct claim e = {.task_arn = arn, .claimed_at_ms = 1000};
    chk.now_ms = 5999;
    EXPECT(claim_is_live(&e, &chk));
    chk.now_ms = 6000;
    EXPECT(!claim_is_live(&e, &chk));
}

TEST(engine_status_json_throttled_by_status_interval)
{
    struct run r;
    /* 4 tasks changing state every few polls for ~100 s */
    run_init(&r, 4, OK);
    for (int t = 0; t < 4; t++) {
        struct fake_script s = {.pending = 5 * t, .running = 20 + 10 * t};
        fake_script(&r.fake, t, 1, &s);
    }
    r.plan->status_interval_ms = 10000;
    run_go(&r);
    EXPECT_INT(r.exit_code, 0);
    int64_t elapsed = r.clk.now - T0;
    int puts = msink_puts(&r.sink, "status.json");
    EXPECT(puts >= 2);
    EXPECT(puts <= elapsed / 10000 + 1);
    EXPECT_CONTAINS(msink_text(&r.sink, "status.json"), "\"status\": \"RUNNING\"");
    run_cleanup(&r);

    /* nothing changes: no rewrite even when the interval passed */
    const struct fake_script still = {.running = 60};
    run_init(&r, 1, still);
    r.plan->status_interval_ms = 1000;
    run_go(&r);
    EXPECT(msink_puts(&r.sink, "status.json") <= 3);
    run_cleanup(&r);
}

TEST(engine_result_not_stored_is_printed_exit_codes)
{
    static const struct {
        struct fake_script s;
        int exit_code;
    } rows[] = {{{.running = 1}, 5}, {{.running = 1, .exit_code = 2}, 1}};
    for (size_t k = 0; k < 2; k++) {
        struct run r;
        run_init(&r, 1, rows[k].s);
        r.plan->max_fail_count = 0;
        r.sink.fail_puts = true; /* the claim is created, nothing else can be written */
        run_go(&r);
        EXPECT_INT(r.exit_code, rows[k].exit_code);
        EXPECT_CONTAINS(r.err_text, "the result could not be stored");
        EXPECT_CONTAINS(r.err_text, "\"schema\": \"ecsbatch.result/1\"");
        run_cleanup(&r);
    }
}

TEST(engine_exit_codes)
{
    EXPECT_INT(job_status_exit_code(JOB_SUCCEEDED), 0);
    EXPECT_INT(job_status_exit_code(JOB_FAILED), 1);
    EXPECT_INT(job_status_exit_code(JOB_TIMED_OUT), 3);
    EXPECT_INT(job_status_exit_code(JOB_CANCELLED), 4);
    EXPECT_INT(job_status_exit_code(JOB_ERROR), 5);
}

TEST(engine_budget_rules)
{
    struct report_task t = {0};
    EXPECT(!attempt_budget_charge(&t, FAILURE_EXIT, false, 1, 5));
    EXPECT(attempt_budget_charge(&t, FAILURE_OOM, false, 1, 5));
    memset(&t, 0, sizeof t);
    EXPECT(attempt_budget_charge(&t, FAILURE_PULL, true, 3, 5));
    memset(&t, 0, sizeof t);
    EXPECT(!attempt_budget_charge(&t, FAILURE_PULL, false, 3, 5));
    memset(&t, 0, sizeof t);
    EXPECT(!attempt_budget_charge(&t, FAILURE_SPOT, false, 0, 2));
    EXPECT(attempt_budget_charge(&t, FAILURE_HOST, false, 0, 2));
    EXPECT_INT(t.fail_count, 0);
    EXPECT_INT(attempt_status_after(ATTEMPT_RUNNING, OBS_PENDING), ATTEMPT_RUNNING);
    EXPECT_INT(attempt_status_after(ATTEMPT_PENDING, OBS_RUNNING), ATTEMPT_RUNNING);
    EXPECT_INT(attempt_status_after(ATTEMPT_RUNNING, OBS_STOPPING), ATTEMPT_STOPPING);
}

static int
f_prepare_fails(struct backend *b, struct eb_error *err)
{
    (void)b;
    return err_set(err, EB_ERR_AWS, "RegisterTaskDefinition: AccessDeniedException: no");
}

TEST(engine_prepare_error_ends_in_error_nothing_launched)
{
    struct run r;
    run_init(&r, 2, OK);
    struct backend_ops ops = s_fake_ops;
    ops.prepare = f_prepare_fails;
    r.fake.base.ops = &ops;
    run_go(&r);
    EXPECT_INT(r.exit_code, 5);
    EXPECT_INT(r.fake.launches, 0);
    EXPECT_INT(r.rep.status, JOB_ERROR);
    EXPECT_CONTAINS(r.rep.error, "AccessDeniedException");
    EXPECT_INT(task_of(&r, 0)->status, TASK_CANCELLED);
    run_cleanup(&r);
}

static int
f_launch_fails_for_task_2(struct backend *b, const struct launch_request *req,
                          struct launch_result *out, struct eb_error *err)
{
    if (req->task_index == 2) {
        memset(out, 0, sizeof *out);
        return err_set(err, EB_ERR_AWS, "RunTask: ClusterNotFoundException: Cluster not found.");
    }
    return f_launch(b, req, out, err);
}

TEST(engine_launch_error_ends_in_error_and_stops_the_rest)
{
    struct run r;
    run_init(&r, 3, FOREVER);
    struct backend_ops ops = s_fake_ops;
    ops.launch = f_launch_fails_for_task_2;
    r.fake.base.ops = &ops;
    run_go(&r);
    EXPECT_INT(r.exit_code, 5);
    EXPECT_INT(r.rep.status, JOB_ERROR);
    EXPECT_CONTAINS(r.rep.error, "cannot launch task 2: RunTask: ClusterNotFoundException");
    EXPECT_INT(r.fake.stops, 2);
    EXPECT_INT(task_of(&r, 0)->status, TASK_CANCELLED);
    EXPECT_INT(task_of(&r, 2)->status, TASK_CANCELLED);
    EXPECT_INT(task_of(&r, 2)->nattempts, 0);
    run_cleanup(&r);
}
