/*
 * Task attempts as ECS tasks (SPEC §4, §5): see backend_ecs.h. The requests
 * are runtask.h's; this file decides which calls to make, in what batches,
 * and turns ECS's answers into the engine's observations and log text.
 */
#include "backend_ecs.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "api/ecs.h"
#include "api/logs.h"
#include "aws/retry.h"
#include "report/logfmt.h"
#include "util/jsonx.h"
#include "util/log.h"
#include "util/xalloc.h"

#define S_HASH_TAG "ecsbatch:content-hash"
/* Rounds of calls (each already retried by call.h) a launch or prepare makes while AWS
 * keeps answering with transient errors (throttling, 5xx, resets); then it is an error. */
#define S_TRANSIENT_ROUNDS 6
#define S_TRANSIENT_BACKOFF_CAP_MS 20000
#define S_REGION_CLIENTS_MAX 4      /* extra clients for awslogs groups in other regions */

struct s_region_client {
    char *region;
    struct aws_client *client;
};

struct s_ecs {
    struct backend base;
    const struct plan *plan;
    struct aws_client *aws;
    const struct eb_clock *clock;
    size_t log_max;

    /* owned copies behind ctx's pointers */
    struct runtask_context ctx;
    char *cluster, *launch_type;
    char **subnets, **security_groups;
    size_t nsubnets, nsecurity_groups;
    char *self_td;

    char *td_arn;              /* after prepare */
    struct ecs_taskdef td;     /* its containers: essential flags, awslogs options */
    const char **td_names;     /* td's container names, for ctx.containers */
    bool prepared;

    struct s_region_client regions[S_REGION_CLIENTS_MAX];
    size_t nregions;
};

static char **
s_strv_dup(const char *const *v, size_t n)
{
    if (n == 0) {
        return NULL;
    }
    char **out = xcalloc(n, sizeof *out);
    for (size_t i = 0; i < n; i++) {
        out[i] = xstrdup(v[i]);
    }
    return out;
}

static const char *
s_cluster(const struct s_ecs *b)
{
    return b->ctx.cluster;
}

/* Was the failed call transient (throttling, 5xx, reset, timeout): worth another round? */
static bool
s_transient(int rc, const struct eb_error *err)
{
    if (rc == EB_ERR_TRANSPORT || rc == EB_ERR_TIMEOUT) {
        return true;
    }
    if (rc != EB_ERR_AWS || !err) {
        return false;
    }
    enum retry_class c = retry_classify(EB_OK, err->http_status, err->aws_code, err->msg);
    return c == RETRY_TRANSIENT || c == RETRY_TIMEOUT || c == RETRY_THROTTLE;
}

/* Backoff before round n+1 (n >= 1): the poll interval (at most 1 s) doubling, capped. */
static int64_t
s_round_backoff(const struct s_ecs *b, int n)
{
    int64_t base = b->plan->polling_interval_ms > 0 && b->plan->polling_interval_ms < 1000
                       ? b->plan->polling_interval_ms
                       : 1000;
    int64_t d = base << (n < 10 ? n - 1 : 9);
    return d < S_TRANSIENT_BACKOFF_CAP_MS ? d : S_TRANSIENT_BACKOFF_CAP_MS;
}

/* --- prepare: the task definition ---------------------------------------------------------- */

static bool
s_td_matches(const struct ecs_taskdef *d, const char *hash)
{
    const char *v = ecs_kv_get(d->tags, d->ntags, S_HASH_TAG);
    return v && strcmp(v, hash) == 0 && d->status && strcmp(d->status, "ACTIVE") == 0;
}

static void
s_adopt_td(struct s_ecs *b, struct ecs_taskdef *d)
{
    ecs_taskdef_cleanup(&b->td);
    b->td = *d;
    memset(d, 0, sizeof *d);
    free(b->td_arn);
    b->td_arn = xstrdup(b->td.arn);
    b->ctx.task_definition = b->td_arn;
    /* A template known only at run time (self) overrides every container it has. */
    free(b->td_names);
    b->td_names = xcalloc(b->td.ncontainers + 1, sizeof *b->td_names);
    for (size_t i = 0; i < b->td.ncontainers; i++) {
        b->td_names[i] = b->td.containers[i].name;
    }
    b->ctx.containers = b->td_names;
    b->ctx.ncontainers = b->td.ncontainers;
    b->prepared = true;
}

/*
 * Reuse the newest ACTIVE revision of the family whose content-hash tag is ours
 * (SPEC §4 "registered once per distinct content"). The latest revision usually
 * matches, so DescribeTaskDefinition of the family comes first; then a bounded
 * walk of the newest revisions. Returns EB_ERR_NOT_FOUND when none matches.
 */
static int
s_find_td(struct s_ecs *b, const char *family, const char *hash, struct eb_error *err)
{
    struct ecs_taskdef d = {0};
    char **arns = NULL;
    size_t narns = 0;
    char *checked = NULL;
    int rc = ecs_describe_task_definition(b->aws, family, &d, err);
    if (rc == EB_ERR_NOT_FOUND) {
        goto out; /* no such family yet */
    }
    TRY(rc);
    if (s_td_matches(&d, hash)) {
        s_adopt_td(b, &d);
        goto out;
    }
    checked = xstrdup(d.arn);
    ecs_taskdef_cleanup(&d);
    TRY(ecs_list_task_definitions(b->aws, family, true, BACKEND_ECS_TASKDEF_SEARCH_MAX, &arns,
                                  &narns, err));
    for (size_t i = 0; i < narns; i++) {
        if (checked && strcmp(arns[i], checked) == 0) {
            continue;
        }
        rc = ecs_describe_task_definition(b->aws, arns[i], &d, err);
        if (rc == EB_ERR_NOT_FOUND) {
            continue; /* deregistered meanwhile */
        }
        TRY(rc);
        if (s_td_matches(&d, hash)) {
            s_adopt_td(b, &d);
            goto out;
        }
        ecs_taskdef_cleanup(&d);
    }
    rc = err_set(err, EB_ERR_NOT_FOUND, "no revision of %s carries %s=%s", family, S_HASH_TAG,
                 hash);
out:
    ecs_taskdef_cleanup(&d);
    ecs_strv_free(arns, narns);
    free(checked);
    if (rc == EB_OK && !b->prepared) {
        rc = err_set(err, EB_ERR_NOT_FOUND, "task definition family %s does not exist yet", family);
    }
    return rc;
}

static int
s_prepare_once(struct s_ecs *b, struct eb_error *err)
{
    const struct plan *p = b->plan;
    struct ecs_taskdef d = {0};
    int rc = EB_OK;
    if (b->prepared) {
        return EB_OK;
    }
    if (p->taskdef_self || !p->taskdef) {
        if (!b->self_td) {
            return err_set(err, EB_ERR_INVALID,
                           "task_definition_template: self needs the launcher's own task "
                           "definition, which is unknown (is the launcher running in ECS?)");
        }
        rc = ecs_describe_task_definition(b->aws, b->self_td, &d, err);
        if (rc != EB_OK) {
            err_prefix(err, "cannot read the launcher's task definition %s", b->self_td);
            goto out;
        }
        s_adopt_td(b, &d);
        log_event(LOG_INFO, "taskdef_self", NULL, "using the launcher's task definition %s",
                  b->td_arn);
        goto out;
    }
    const char *family = jsonx_str(p->taskdef, "family");
    if (!family || !family[0]) {
        return err_set(err, EB_ERR_INVALID, "the task definition template %s has no family",
                       p->taskdef_source ? p->taskdef_source : "");
    }
    char hash[65];
    runtask_taskdef_hash(p, hash);
    struct eb_error ferr = {0};
    rc = s_find_td(b, family, hash, &ferr);
    if (rc == EB_OK) {
        log_event(LOG_INFO, "taskdef_reused", NULL,
                  "reusing task definition %s (same content, %s=%.12s)", b->td_arn, S_HASH_TAG,
                  hash);
        goto out;
    }
    if (rc != EB_ERR_NOT_FOUND) {
        if (err) {
            *err = ferr;
        }
        err_prefix(err, "cannot look up task definition family %s", family);
        goto out;
    }
    char key[] = S_HASH_TAG;
    struct ecs_kv tag = {.key = key, .value = hash};
    rc = ecs_register_task_definition(b->aws, p->taskdef, &tag, 1, &d, err);
    if (rc != EB_OK) {
        err_prefix(err, "cannot register task definition %s", family);
        goto out;
    }
    s_adopt_td(b, &d);
    log_event(LOG_INFO, "taskdef_registered", NULL, "registered task definition %s", b->td_arn);
out:
    ecs_taskdef_cleanup(&d);
    return rc;
}

static int
s_prepare(struct backend *base, struct eb_error *err)
{
    struct s_ecs *b = (struct s_ecs *)base;
    int rc = EB_OK;
    for (int n = 1; n <= S_TRANSIENT_ROUNDS; n++) {
        rc = s_prepare_once(b, err);
        if (rc == EB_OK || !s_transient(rc, err) || n == S_TRANSIENT_ROUNDS) {
            break;
        }
        log_warn("%s; trying again", err ? err->msg : "task definition lookup failed");
        clock_sleep(b->clock, s_round_backoff(b, n));
    }
    return rc;
}

/* --- observations -------------------------------------------------------------------------- */

static const struct ecs_container_def *
s_container_def(const struct s_ecs *b, const char *name)
{
    for (size_t i = 0; name && i < b->td.ncontainers; i++) {
        if (b->td.containers[i].name && strcmp(b->td.containers[i].name, name) == 0) {
            return &b->td.containers[i];
        }
    }
    return NULL;
}

static enum obs_state
s_state(const char *last)
{
    static const struct {
        const char *word;
        enum obs_state state;
    } map[] = {
        {"PROVISIONING", OBS_PENDING},   {"PENDING", OBS_PENDING},
        {"ACTIVATING", OBS_PENDING},     {"RUNNING", OBS_RUNNING},
        {"DEACTIVATING", OBS_STOPPING},  {"STOPPING", OBS_STOPPING},
        {"DEPROVISIONING", OBS_STOPPING}, {"STOPPED", OBS_STOPPED},
        {"DELETED", OBS_STOPPED},
    };
    for (size_t i = 0; last && i < sizeof map / sizeof map[0]; i++) {
        if (strcmp(last, map[i].word) == 0) {
            return map[i].state;
        }
    }
    return OBS_PENDING;
}

static void
s_observe(const struct s_ecs *b, const struct ecs_task *t, struct observation *o)
{
    memset(o, 0, sizeof *o);
    o->state = s_state(t->last_status);
    o->last_status = xstrdup(t->last_status ? t->last_status : "UNKNOWN");
    o->stop_code = xstrdup(t->stop_code);
    o->stopped_reason = xstrdup(t->stopped_reason);
    o->created_at_ms = t->created_at_ms;
    o->started_at_ms = t->started_at_ms;
    o->stopped_at_ms = t->stopped_at_ms;
    if (t->ncontainers > 0) {
        o->containers = xcalloc(t->ncontainers, sizeof *o->containers);
    }
    for (size_t i = 0; i < t->ncontainers; i++) {
        const struct ecs_container *c = &t->containers[i];
        struct container_obs *co = &o->containers[o->ncontainers++];
        const struct ecs_container_def *def = s_container_def(b, c->name);
        co->name = xstrdup(c->name ? c->name : "");
        co->essential = def ? def->essential : true;
        co->has_exit_code = c->has_exit_code;
        co->exit_code = c->exit_code;
        co->reason = xstrdup(c->reason);
    }
}

static bool
s_same_task(const char *handle, const char *arn)
{
    if (!handle || !arn) {
        return false;
    }
    return strcmp(handle, arn) == 0 || strcmp(ecs_task_id(handle), ecs_task_id(arn)) == 0;
}

/* One DescribeTasks per 100 handles (SPEC §4 "Poll"). */
static int
s_describe(struct backend *base, const char *const *handles, size_t n, struct observation *out,
           struct eb_error *err)
{
    struct s_ecs *b = (struct s_ecs *)base;
    int rc = EB_OK;
    for (size_t i = 0; i < n; i++) {
        memset(&out[i], 0, sizeof out[i]);
    }
    for (size_t from = 0; from < n; from += ECS_DESCRIBE_TASKS_MAX) {
        size_t k = n - from < ECS_DESCRIBE_TASKS_MAX ? n - from : ECS_DESCRIBE_TASKS_MAX;
        struct ecs_task_list l = {0};
        rc = ecs_describe_tasks(b->aws, s_cluster(b), handles + from, k, &l, err);
        if (rc != EB_OK) {
            ecs_task_list_cleanup(&l);
            err_prefix(err, "cannot describe %zu task%s", k, k == 1 ? "" : "s");
            break;
        }
        for (size_t i = from; i < from + k; i++) {
            /* ECS answers in the order asked: look there first. */
            size_t same = i - from;
            const struct ecs_task *found =
                same < l.ntasks && s_same_task(handles[i], l.tasks[same].arn) ? &l.tasks[same]
                                                                               : NULL;
            for (size_t j = 0; j < l.ntasks && !found; j++) {
                if (s_same_task(handles[i], l.tasks[j].arn)) {
                    found = &l.tasks[j];
                }
            }
            if (found) {
                s_observe(b, found, &out[i]);
            } else {
                /* in failures[] as MISSING, or absent altogether: unknown to ECS for now */
                out[i].state = OBS_MISSING;
                out[i].last_status = xstrdup("MISSING");
            }
        }
        ecs_task_list_cleanup(&l);
    }
    if (rc != EB_OK) {
        for (size_t i = 0; i < n; i++) {
            observation_cleanup(&out[i]);
        }
    }
    return rc;
}

/* --- launch -------------------------------------------------------------------------------- */

static int
s_attempt_of(const struct ecs_task *t)
{
    const char *v = ecs_kv_get(t->override_env, t->noverride_env, "ECSBATCH_ATTEMPT");
    if (!v) {
        v = ecs_kv_get(t->tags, t->ntags, "ecsbatch:attempt");
    }
    if (!v) {
        return 0;
    }
    char *end = NULL;
    long a = strtol(v, &end, 10);
    return end != v && *end == '\0' && a > 0 && a < 1000000 ? (int)a : 0;
}

/* Every task started for task_name in desired status `desired` (RUNNING, STOPPED), described. */
static int
s_tasks_by_name(struct s_ecs *b, const char *task_name, struct ecs_task_list *out,
                struct eb_error *err)
{
    static const char *const desired[] = {"RUNNING", "STOPPED"};
    char **arns = NULL;
    size_t narns = 0;
    int rc = EB_OK;
    memset(out, 0, sizeof *out);
    for (size_t d = 0; d < 2; d++) {
        struct ecs_list_tasks_query q = {
            .cluster = s_cluster(b), .started_by = task_name, .desired_status = desired[d],
            .max_results = 100};
        char **page = NULL;
        size_t np = 0;
        TRY(ecs_list_tasks(b->aws, &q, &page, &np, err));
        if (np > 0) {
            arns = xrealloc(arns, (narns + np) * sizeof *arns);
            for (size_t i = 0; i < np; i++) {
                bool dup = false;
                for (size_t j = 0; j < narns && !dup; j++) {
                    dup = strcmp(arns[j], page[i]) == 0;
                }
                if (dup) {
                    free(page[i]);
                } else {
                    arns[narns++] = page[i];
                }
            }
        }
        free(page);
    }
    for (size_t from = 0; from < narns; from += ECS_DESCRIBE_TASKS_MAX) {
        size_t k = narns - from < ECS_DESCRIBE_TASKS_MAX ? narns - from : ECS_DESCRIBE_TASKS_MAX;
        struct ecs_task_list l = {0};
        rc = ecs_describe_tasks(b->aws, s_cluster(b), (const char *const *)arns + from, k, &l, err);
        if (rc != EB_OK) {
            ecs_task_list_cleanup(&l);
            goto out;
        }
        out->tasks = xrealloc(out->tasks, (out->ntasks + l.ntasks + 1) * sizeof *out->tasks);
        for (size_t i = 0; i < l.ntasks; i++) {
            out->tasks[out->ntasks++] = l.tasks[i];
        }
        l.ntasks = 0;
        ecs_task_list_cleanup(&l);
    }
out:
    ecs_strv_free(arns, narns);
    if (rc != EB_OK) {
        ecs_task_list_cleanup(out);
    }
    return rc;
}

/* A ConflictException without resourceIds: find the task of this attempt by its name. */
static int
s_conflict_lookup(struct s_ecs *b, const struct launch_request *req, char **out_arn,
                  struct eb_error *err)
{
    struct ecs_task_list l = {0};
    int rc;
    *out_arn = NULL;
    TRY(s_tasks_by_name(b, req->task_name, &l, err));
    for (size_t i = 0; i < l.ntasks; i++) {
        if (s_attempt_of(&l.tasks[i]) == req->attempt) {
            *out_arn = xstrdup(l.tasks[i].arn);
            break;
        }
    }
    if (!*out_arn) {
        rc = err_set(err, EB_ERR_AWS, "RunTask of %s attempt %d: its client token was used "
                     "before, and no task of that attempt can be found",
                     req->task_name, req->attempt);
    }
out:
    ecs_task_list_cleanup(&l);
    return rc;
}

static int
s_launch(struct backend *base, const struct launch_request *req, struct launch_result *out,
         struct eb_error *err)
{
    struct s_ecs *b = (struct s_ecs *)base;
    struct ecs_run_result res = {0};
    cJSON *body = NULL;
    int rc = EB_OK;
    memset(out, 0, sizeof *out);
    if (!b->prepared) {
        TRY(s_prepare(base, err));
    }
    body = runtask_request(b->plan, &b->ctx, req->task_index, req->attempt, req->launch_try,
                           req->deadline_ms);
    if (!body) {
        rc = err_set(err, EB_ERR_INVALID, "cannot build the RunTask request of task %d",
                     req->task_index);
        goto out;
    }
    /* call.h retries transient errors itself; more rounds with the same clientToken are
     * safe (ECS returns the tasks the token already started, aws-facts §1.2), so a
     * throttling storm delays the launch instead of failing the job */
    for (int n = 1; n <= S_TRANSIENT_ROUNDS; n++) {
        ecs_run_result_cleanup(&res);
        rc = ecs_run_task(b->aws, body, &res, err);
        if (rc == EB_OK || !s_transient(rc, err) || n == S_TRANSIENT_ROUNDS) {
            break;
        }
        log_warn("RunTask of %s attempt %d: %s; trying again with the same client token",
                 req->task_name, req->attempt, err ? err->msg : "transient error");
        clock_sleep(b->clock, s_round_backoff(b, n));
    }
    if (rc != EB_OK) {
        err_prefix(err, "RunTask of %s attempt %d", req->task_name, req->attempt);
        goto out;
    }
    if (res.conflict) {
        out->status = LAUNCH_STARTED;
        if (res.nconflict_ids > 0) {
            out->handle = xstrdup(res.conflict_ids[0]);
        } else {
            TRY(s_conflict_lookup(b, req, &out->handle, err));
        }
        log_event(LOG_INFO, "attempt_adopted", NULL,
                  "task %d attempt %d was already started (%s): adopted", req->task_index,
                  req->attempt, out->handle);
        goto out;
    }
    if (res.list.ntasks > 0) {
        out->status = LAUNCH_STARTED;
        out->handle = xstrdup(res.list.tasks[0].arn);
        out->created_at_ms = res.list.tasks[0].created_at_ms;
        goto out;
    }
    if (res.list.nfailures > 0) {
        const struct ecs_failure *f = &res.list.failures[0];
        out->status = LAUNCH_REFUSED;
        if (f->reason && f->detail) {
            out->reason = xasprintf("%s: %s", f->reason, f->detail);
        } else {
            out->reason = xstrdup(f->reason ? f->reason : f->detail ? f->detail : "unknown");
        }
        goto out;
    }
    rc = err_set(err, EB_ERR_PARSE, "RunTask of %s attempt %d returned no task and no failure",
                 req->task_name, req->attempt);
out:
    if (rc != EB_OK) {
        launch_result_cleanup(out);
    }
    ecs_run_result_cleanup(&res);
    cJSON_Delete(body);
    return rc;
}

/* --- stop ---------------------------------------------------------------------------------- */

static int
s_stop(struct backend *base, const char *handle, const char *reason, struct eb_error *err)
{
    struct s_ecs *b = (struct s_ecs *)base;
    int rc = ecs_stop_task(b->aws, s_cluster(b), handle, reason, NULL, err);
    if (rc == EB_ERR_AWS && err && strcmp(err->aws_code, "InvalidParameterException") == 0 &&
        strstr(err->msg, "not found")) {
        /* ECS no longer knows it: nothing left to stop; describe will say MISSING */
        err_clear(err);
        return EB_OK;
    }
    if (rc != EB_OK) {
        err_prefix(err, "cannot stop %s", handle);
    }
    return rc;
}

/* --- logs ---------------------------------------------------------------------------------- */

static struct aws_client *
s_logs_client(struct s_ecs *b, const char *region)
{
    const char *ours = aws_client_region(b->aws);
    if (!region || !region[0] || !ours || strcmp(region, ours) == 0) {
        return b->aws;
    }
    for (size_t i = 0; i < b->nregions; i++) {
        if (strcmp(b->regions[i].region, region) == 0) {
            return b->regions[i].client;
        }
    }
    if (b->nregions == S_REGION_CLIENTS_MAX) {
        return b->aws;
    }
    struct aws_client_options o = {.clock = b->clock, .region = region};
    struct aws_client *c = NULL;
    struct eb_error err = {0};
    if (aws_client_new(&o, &c, &err) != EB_OK) {
        log_warn("cannot make a client for logs in %s (%s); reading from %s", region, err.msg,
                 ours);
        return b->aws;
    }
    b->regions[b->nregions].region = xstrdup(region);
    b->regions[b->nregions].client = c;
    b->nregions++;
    return c;
}

struct s_log_read {
    struct logfmt fmt;
    bool capped;
};

static bool
s_on_event(void *ctx, const struct logs_event *ev)
{
    struct s_log_read *r = ctx;
    logfmt_line(&r->fmt, ev->timestamp_ms, ev->message, ev->len, 0);
    if (r->fmt.dropped_lines > 0) {
        r->capped = true;
        return false;
    }
    return true;
}

static int
s_fetch_log(struct backend *base, const char *handle, int task_index, int attempt,
            struct eb_buf *out, struct eb_error *err)
{
    struct s_ecs *b = (struct s_ecs *)base;
    size_t max = b->log_max ? b->log_max : LOGFMT_DEFAULT_MAX;
    size_t start = out->len;
    const char *task_id = ecs_task_id(handle);
    size_t streams = 0;
    (void)err;
    for (size_t i = 0; i < b->td.ncontainers; i++) {
        const struct ecs_container_def *c = &b->td.containers[i];
        if (!c->log_driver || strcmp(c->log_driver, "awslogs") != 0 || !c->awslogs_group) {
            continue;
        }
        streams++;
        char *stream = c->awslogs_prefix
                           ? xasprintf("%s/%s/%s", c->awslogs_prefix, c->name, task_id)
                           : xasprintf("%s/%s", c->name, task_id);
        size_t used = out->len - start;
        if (used + 512 > max) {
            (void)buf_printf(out, "(log stream %s not read: the attempt's log limit of %zu bytes "
                             "was reached)\n", stream, max);
            free(stream);
            continue;
        }
        if (streams > 1) {
            (void)buf_putc(out, '\n');
        }
        struct s_log_read r = {0};
        logfmt_begin(&r.fmt, out, stream, max - used);
        struct eb_error lerr = {0};
        size_t nev = 0;
        int rc = logs_read_stream(s_logs_client(b, c->awslogs_region), c->awslogs_group, stream,
                                  s_on_event, &r, &nev, &lerr);
        if (rc == EB_ERR_NOT_FOUND) {
            char *note = xasprintf("(no log stream %s in %s: the container never started or "
                                   "wrote nothing)", stream, c->awslogs_group);
            logfmt_note(&r.fmt, note);
            free(note);
        } else if (rc != EB_OK) {
            char *note = xasprintf("(log stream %s could not be read to its end: %s)", stream,
                                   lerr.msg);
            logfmt_note(&r.fmt, note);
            free(note);
            log_warn("task %d attempt %d: %s", task_index, attempt, lerr.msg);
        } else if (nev == 0) {
            logfmt_note(&r.fmt, "(the log stream is empty)");
        }
        if (r.capped) {
            (void)buf_printf(out, "[... log truncated at %zu bytes: the rest of the stream was "
                             "not read ...]\n", r.fmt.max_bytes);
        } else {
            logfmt_end(&r.fmt);
        }
        free(stream);
    }
    if (streams == 0) {
        const char *name = b->plan->essential_container ? b->plan->essential_container : "task";
        char *header = xasprintf("%s/%s", name, task_id);
        struct logfmt f;
        logfmt_begin(&f, out, header, max);
        logfmt_note(&f, "(no container of this task definition logs to CloudWatch Logs: "
                        "no awslogs log configuration)");
        logfmt_end(&f);
        free(header);
    }
    return EB_OK;
}

/* --- find_live ----------------------------------------------------------------------------- */

static int
s_find_live(struct backend *base, const char *task_name, struct live_task **out, size_t *out_n,
            struct eb_error *err)
{
    struct s_ecs *b = (struct s_ecs *)base;
    struct ecs_task_list l = {0};
    *out = NULL;
    *out_n = 0;
    int rc = s_tasks_by_name(b, task_name, &l, err);
    if (rc != EB_OK) {
        err_prefix(err, "cannot list the tasks of %s", task_name);
        return rc;
    }
    if (l.ntasks > 0) {
        *out = xcalloc(l.ntasks, sizeof **out);
    }
    for (size_t i = 0; i < l.ntasks; i++) {
        (*out)[*out_n].handle = xstrdup(l.tasks[i].arn);
        (*out)[*out_n].attempt = s_attempt_of(&l.tasks[i]);
        (*out_n)++;
    }
    ecs_task_list_cleanup(&l);
    return EB_OK;
}

/* --- the rest ------------------------------------------------------------------------------ */

static void
s_wait(struct backend *base, int64_t ms)
{
    struct s_ecs *b = (struct s_ecs *)base;
    clock_sleep(b->clock, ms);
}

static const char *
s_task_definition(struct backend *base)
{
    struct s_ecs *b = (struct s_ecs *)base;
    return b->td_arn ? b->td_arn : "(not registered)";
}

static void
s_destroy(struct backend *base)
{
    struct s_ecs *b = (struct s_ecs *)base;
    if (!b) {
        return;
    }
    free(b->cluster);
    free(b->launch_type);
    ecs_strv_free(b->subnets, b->nsubnets);
    ecs_strv_free(b->security_groups, b->nsecurity_groups);
    free(b->self_td);
    free(b->td_arn);
    free(b->td_names);
    ecs_taskdef_cleanup(&b->td);
    for (size_t i = 0; i < b->nregions; i++) {
        free(b->regions[i].region);
        aws_client_free(b->regions[i].client);
    }
    free(b);
}

static const struct backend_ops s_ops = {
    .name = "ecs",
    .prepare = s_prepare,
    .launch = s_launch,
    .describe = s_describe,
    .stop = s_stop,
    .fetch_log = s_fetch_log,
    .find_live = s_find_live,
    .wait = s_wait,
    .task_definition = s_task_definition,
    .destroy = s_destroy,
};

struct backend *
backend_ecs_new(const struct backend_ecs_options *o, struct eb_error *err)
{
    if (!o || !o->plan || !o->aws) {
        err_set(err, EB_ERR_INVALID, "the ECS backend needs a plan and an AWS client");
        return NULL;
    }
    struct s_ecs *b = xcalloc(1, sizeof *b);
    b->base.ops = &s_ops;
    b->plan = o->plan;
    b->aws = o->aws;
    b->clock = o->clock ? o->clock : clock_real();
    b->log_max = o->log_max_bytes;
    b->cluster = xstrdup(o->plan->cluster_name ? o->plan->cluster_name : o->ctx.cluster);
    b->launch_type = xstrdup(o->ctx.launch_type);
    b->subnets = s_strv_dup(o->ctx.subnets, o->ctx.nsubnets);
    b->nsubnets = o->ctx.subnets ? o->ctx.nsubnets : 0;
    b->security_groups = s_strv_dup(o->ctx.security_groups, o->ctx.nsecurity_groups);
    b->nsecurity_groups = o->ctx.security_groups ? o->ctx.nsecurity_groups : 0;
    b->self_td = xstrdup(o->self_task_definition_arn);
    b->ctx.cluster = b->cluster;
    b->ctx.launch_type = b->launch_type;
    b->ctx.subnets = (const char *const *)b->subnets;
    b->ctx.nsubnets = b->nsubnets;
    b->ctx.security_groups = (const char *const *)b->security_groups;
    b->ctx.nsecurity_groups = b->nsecurity_groups;
    b->ctx.assign_public_ip = o->ctx.assign_public_ip;
    b->ctx.mask_secrets = false;
    b->ctx.task_definition = NULL;
    return &b->base;
}
