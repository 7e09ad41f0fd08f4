/*
 * result.json / status.json (SPEC §5): struct job_report → document text and
 * back. The parser is the one used for reruns and `ecsbatch status`, so it
 * reads untrusted bytes: every member is type-checked (tests/fuzz/fuzz_result.c).
 */
#include "result.h"

#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "util/buf.h"
#include "util/jsonx.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

static const char *const s_job_names[JOB__COUNT] = {
    [JOB_RUNNING] = "RUNNING",     [JOB_SUCCEEDED] = "SUCCEEDED", [JOB_FAILED] = "FAILED",
    [JOB_TIMED_OUT] = "TIMED_OUT", [JOB_CANCELLED] = "CANCELLED", [JOB_ERROR] = "ERROR",
};
static const char *const s_task_names[TASK__COUNT] = {
    [TASK_PENDING] = "PENDING",     [TASK_RUNNING] = "RUNNING",     [TASK_RETRYING] = "RETRYING",
    [TASK_SUCCEEDED] = "SUCCEEDED", [TASK_FAILED] = "FAILED",       [TASK_TIMED_OUT] = "TIMED_OUT",
    [TASK_CANCELLED] = "CANCELLED",
};
static const char *const s_attempt_names[ATTEMPT__COUNT] = {
    [ATTEMPT_PENDING] = "PENDING",     [ATTEMPT_RUNNING] = "RUNNING",
    [ATTEMPT_STOPPING] = "STOPPING",   [ATTEMPT_SUCCEEDED] = "SUCCEEDED",
    [ATTEMPT_FAILED] = "FAILED",
};
static const char *const s_kind_names[FAILURE__COUNT] = {
    [FAILURE_NONE] = NULL,           [FAILURE_EXIT] = "exit",     [FAILURE_OOM] = "oom",
    [FAILURE_PULL] = "pull",         [FAILURE_START] = "start",   [FAILURE_SPOT] = "spot",
    [FAILURE_HOST] = "host",         [FAILURE_CAPACITY] = "capacity",
    [FAILURE_STOPPED] = "stopped",   [FAILURE_LOST] = "lost",     [FAILURE_TIMEOUT] = "timeout",
    [FAILURE_CANCELLED] = "cancelled",
};

const char *
job_status_name(enum job_status s)
{
    return (unsigned)s < JOB__COUNT ? s_job_names[s] : "ERROR";
}

const char *
task_status_name(enum task_status s)
{
    return (unsigned)s < TASK__COUNT ? s_task_names[s] : "PENDING";
}

const char *
attempt_status_name(enum attempt_status s)
{
    return (unsigned)s < ATTEMPT__COUNT ? s_attempt_names[s] : "PENDING";
}

const char *
failure_kind_name(enum failure_kind k)
{
    return (unsigned)k < FAILURE__COUNT ? s_kind_names[k] : NULL;
}

static int
s_lookup(const char *const *names, int n, const char *name)
{
    for (int i = 0; name && i < n; i++) {
        if (names[i] && strcmp(names[i], name) == 0) {
            return i;
        }
    }
    return -1;
}

int
job_status_parse(const char *name, enum job_status *out)
{
    int i = s_lookup(s_job_names, JOB__COUNT, name);
    if (i < 0) {
        return -1;
    }
    *out = (enum job_status)i;
    return 0;
}

int
failure_kind_parse(const char *name, enum failure_kind *out)
{
    int i = s_lookup(s_kind_names, FAILURE__COUNT, name);
    if (i < 0) {
        return -1;
    }
    *out = (enum failure_kind)i;
    return 0;
}

int
job_status_exit_code(enum job_status s)
{
    switch (s) {
    case JOB_RUNNING:
    case JOB_SUCCEEDED:
        return 0;
    case JOB_FAILED:
        return 1;
    case JOB_TIMED_OUT:
        return 3;
    case JOB_CANCELLED:
        return 4;
    case JOB_ERROR:
    case JOB__COUNT:
        break;
    }
    return 5;
}

void
job_report_count(const struct job_report *r, struct report_counts *c)
{
    memset(c, 0, sizeof *c);
    c->tasks = (int)r->ntasks;
    for (size_t i = 0; i < r->ntasks; i++) {
        const struct report_task *t = &r->tasks[i];
        switch (t->status) {
        case TASK_PENDING:
            c->pending++;
            break;
        case TASK_RUNNING:
            c->running++;
            break;
        case TASK_RETRYING:
            c->retrying++;
            break;
        case TASK_SUCCEEDED:
            c->succeeded++;
            break;
        case TASK_FAILED:
            c->failed++;
            break;
        case TASK_TIMED_OUT:
        case TASK_CANCELLED:
        case TASK__COUNT:
            c->ended++;
            break;
        }
        c->attempts += (int)t->nattempts;
        c->retries += t->nattempts > 1 ? (int)t->nattempts - 1 : 0;
        c->launch_failures += (int)t->nlaunch_failures;
    }
}

/* --- building ------------------------------------------------------------------------------ */

static void
s_add_str(cJSON *o, const char *key, const char *v)
{
    cJSON_AddItemToObject(o, key, v ? cJSON_CreateString(v) : cJSON_CreateNull());
}

static void
s_add_time(cJSON *o, const char *key, int64_t ms)
{
    char ts[40];
    s_add_str(o, key, ms > 0 ? timefmt_rfc3339(ts, sizeof ts, ms) : NULL);
}

static void
s_add_int(cJSON *o, const char *key, bool has, long long v)
{
    cJSON_AddItemToObject(o, key, has ? cJSON_CreateNumber((double)v) : cJSON_CreateNull());
}

static cJSON *
s_attempt_json(const struct report_attempt *a)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "attempt", a->number);
    s_add_str(o, "task_arn", a->task_arn);
    s_add_str(o, "status", attempt_status_name(a->status));
    s_add_str(o, "failure_kind", failure_kind_name(a->failure_kind));
    s_add_int(o, "exit_code", a->has_exit_code, a->exit_code);
    s_add_str(o, "stop_code", a->stop_code);
    s_add_str(o, "stopped_reason", a->stopped_reason);
    s_add_time(o, "created_at", a->created_at_ms);
    s_add_time(o, "started_at", a->started_at_ms);
    s_add_time(o, "stopped_at", a->stopped_at_ms);
    s_add_str(o, "log", a->log);
    s_add_str(o, "last_status", a->last_status);
    if (a->fatal) {
        cJSON_AddTrueToObject(o, "fatal");
    }
    if (a->adopted) {
        cJSON_AddTrueToObject(o, "adopted");
    }
    if (a->note) {
        s_add_str(o, "note", a->note);
    }
    cJSON *cs = cJSON_AddArrayToObject(o, "containers");
    for (size_t i = 0; i < a->ncontainers; i++) {
        const struct report_container *c = &a->containers[i];
        cJSON *co = cJSON_CreateObject();
        s_add_str(co, "name", c->name);
        s_add_int(co, "exit_code", c->has_exit_code, c->exit_code);
        s_add_str(co, "reason", c->reason);
        cJSON_AddBoolToObject(co, "essential", c->essential);
        cJSON_AddItemToArray(cs, co);
    }
    return o;
}

static cJSON *
s_task_json(const struct report_task *t)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "index", t->index);
    s_add_str(o, "task_name", t->task_name);
    s_add_str(o, "status", task_status_name(t->status));
    cJSON_AddNumberToObject(o, "fail_count", t->fail_count);
    cJSON_AddNumberToObject(o, "spot_count", t->spot_count);
    cJSON *as = cJSON_AddArrayToObject(o, "attempts");
    for (size_t i = 0; i < t->nattempts; i++) {
        cJSON_AddItemToArray(as, s_attempt_json(&t->attempts[i]));
    }
    cJSON *lf = cJSON_AddArrayToObject(o, "launch_failures");
    for (size_t i = 0; i < t->nlaunch_failures; i++) {
        const struct report_launch_failure *f = &t->launch_failures[i];
        cJSON *fo = cJSON_CreateObject();
        cJSON_AddNumberToObject(fo, "attempt", f->attempt);
        s_add_str(fo, "failure_kind", "capacity");
        s_add_time(fo, "at", f->at_ms);
        s_add_str(fo, "reason", f->reason);
        cJSON_AddItemToArray(lf, fo);
    }
    return o;
}

/* Stands for the tasks in the printed document: a tab never appears inside a string. */
#define S_TASKS_MARK "\"tasks\":\t@tasks@"

/* The "tasks" array appended two levels deep, a task at a time: the document of 10,000
 * tasks never exists as one tree, nor twice as text. */
static void
s_tasks_append(struct eb_buf *b, const struct job_report *r)
{
    (void)buf_putc(b, '[');
    for (size_t i = 0; i < r->ntasks; i++) {
        cJSON *t = s_task_json(&r->tasks[i]);
        char *tabbed = cJSON_Print(t);
        const char *text = tabbed ? tabbed : "null";
        cJSON_Delete(t);
        (void)buf_puts(b, i ? ", " : "");
        jsonx_pretty_append(b, text, strlen(text), 2);
        cJSON_free(tabbed);
    }
    (void)buf_putc(b, ']');
}

char *
result_to_json(const struct job_report *r)
{
    cJSON *o = cJSON_CreateObject();
    s_add_str(o, "schema", RESULT_SCHEMA);
    s_add_str(o, "job_id", r->job_id);
    s_add_str(o, "name", r->name);
    s_add_str(o, "version", r->version);
    s_add_str(o, "status", job_status_name(r->status));
    cJSON_AddNumberToObject(o, "exit_code", r->exit_code);
    s_add_time(o, "started_at", r->started_at_ms);
    s_add_time(o, "finished_at", r->finished_at_ms);
    s_add_str(o, "command", r->command);
    s_add_str(o, "cluster", r->cluster);
    s_add_str(o, "task_definition_arn", r->task_definition_arn);

    cJSON *l = cJSON_AddObjectToObject(o, "launcher");
    s_add_str(l, "task_arn", r->launcher.task_arn);
    s_add_str(l, "cluster", r->launcher.cluster);
    s_add_str(l, "region", r->launcher.region);
    s_add_str(l, "version", r->launcher.version);
    s_add_str(l, "backend", r->launcher.backend);
    s_add_str(l, "host", r->launcher.host);
    s_add_int(l, "pid", r->launcher.pid > 0, r->launcher.pid);

    cJSON_AddRawToObject(o, "tasks", "@tasks@");
    cJSON *fa = cJSON_AddArrayToObject(o, "failed_arns");
    for (size_t i = 0; i < r->ntasks; i++) {
        for (size_t k = 0; k < r->tasks[i].nattempts; k++) {
            const struct report_attempt *a = &r->tasks[i].attempts[k];
            if (a->task_arn && a->failure_kind != FAILURE_NONE) {
                cJSON_AddItemToArray(fa, cJSON_CreateString(a->task_arn));
            }
        }
    }
    s_add_int(o, "representative_task", r->representative_task >= 0, r->representative_task);
    s_add_str(o, "error", r->error);

    /* additions */
    s_add_time(o, "deadline", r->deadline_ms);
    s_add_int(o, "timeout_seconds", r->timeout_ms > 0, r->timeout_ms / 1000);
    s_add_time(o, "updated_at", r->updated_at_ms);
    s_add_int(o, "elapsed_ms", r->started_at_ms > 0 && r->updated_at_ms >= r->started_at_ms,
              r->updated_at_ms - r->started_at_ms);
    s_add_str(o, "results", r->results);
    struct report_counts c;
    job_report_count(r, &c);
    cJSON *co = cJSON_AddObjectToObject(o, "counters");
    cJSON_AddNumberToObject(co, "tasks", c.tasks);
    cJSON_AddNumberToObject(co, "pending", c.pending);
    cJSON_AddNumberToObject(co, "running", c.running);
    cJSON_AddNumberToObject(co, "retrying", c.retrying);
    cJSON_AddNumberToObject(co, "succeeded", c.succeeded);
    cJSON_AddNumberToObject(co, "failed", c.failed);
    cJSON_AddNumberToObject(co, "ended", c.ended);
    cJSON_AddNumberToObject(co, "attempts", c.attempts);
    cJSON_AddNumberToObject(co, "retries", c.retries);
    cJSON_AddNumberToObject(co, "launch_failures", c.launch_failures);

    char *tabbed = cJSON_Print(o);
    cJSON_Delete(o);
    const char *mark = tabbed ? strstr(tabbed, S_TASKS_MARK) : NULL;
    if (!mark) {
        abort(); /* cannot happen: the document has its "tasks" member */
    }
    struct eb_buf b = EB_BUF_INIT;
    size_t head = (size_t)(mark - tabbed) + strlen("\"tasks\":\t");
    jsonx_pretty_append(&b, tabbed, head, 0);
    s_tasks_append(&b, r);
    const char *tail = mark + strlen(S_TASKS_MARK);
    jsonx_pretty_append(&b, tail, strlen(tail), 0);
    (void)buf_putc(&b, '\n');
    cJSON_free(tabbed);
    return buf_steal(&b);
}

/* --- parsing ------------------------------------------------------------------------------- */

/* Member `key` of o: absent or null → *out NULL and 0; a string → copy; else -1. */
static int
s_opt_str(const cJSON *o, const char *key, char **out, struct eb_error *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    free(*out);
    *out = NULL;
    if (!v || cJSON_IsNull(v)) {
        return 0;
    }
    if (!cJSON_IsString(v)) {
        return err_set(err, EB_ERR_PARSE, "result document: \"%s\" is not a string", key);
    }
    *out = xstrdup(v->valuestring);
    return 0;
}

/* An integer member in [lo, hi]: absent/null → *has false. */
static int
s_opt_int(const cJSON *o, const char *key, long long lo, long long hi, bool *has, long long *out,
          struct eb_error *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    *has = false;
    if (!v || cJSON_IsNull(v)) {
        return 0;
    }
    double d = v->valuedouble;
    if (!cJSON_IsNumber(v) || d != d || d < (double)lo || d > (double)hi || d != (double)(long long)d) {
        return err_set(err, EB_ERR_PARSE, "result document: \"%s\" is not an integer in range", key);
    }
    *has = true;
    *out = (long long)d;
    return 0;
}

static int
s_opt_time(const cJSON *o, const char *key, int64_t *out, struct eb_error *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    *out = 0;
    if (!v || cJSON_IsNull(v)) {
        return 0;
    }
    if (!cJSON_IsString(v) || timefmt_parse_rfc3339(v->valuestring, out) != 0) {
        return err_set(err, EB_ERR_PARSE, "result document: \"%s\" is not an RFC 3339 time", key);
    }
    return 0;
}

static int
s_opt_bool(const cJSON *o, const char *key, bool *out, struct eb_error *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    *out = false;
    if (!v || cJSON_IsNull(v)) {
        return 0;
    }
    if (!cJSON_IsBool(v)) {
        return err_set(err, EB_ERR_PARSE, "result document: \"%s\" is not a boolean", key);
    }
    *out = cJSON_IsTrue(v);
    return 0;
}

/* An array member: absent/null → NULL with *n 0; not an array → error. */
static int
s_opt_array(const cJSON *o, const char *key, const cJSON **out, size_t *n, struct eb_error *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    *out = NULL;
    *n = 0;
    if (!v || cJSON_IsNull(v)) {
        return 0;
    }
    if (!cJSON_IsArray(v)) {
        return err_set(err, EB_ERR_PARSE, "result document: \"%s\" is not an array", key);
    }
    *out = v;
    *n = (size_t)cJSON_GetArraySize(v);
    return 0;
}

static int
s_parse_status_name(const char *const *names, int n, const cJSON *o, const char *key, int *out,
                    struct eb_error *err)
{
    const char *s = jsonx_str(o, key);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!v || cJSON_IsNull(v)) {
        return 0;
    }
    int i = s_lookup(names, n, s);
    if (i < 0) {
        return err_set(err, EB_ERR_PARSE, "result document: unknown \"%s\"", key);
    }
    *out = i;
    return 0;
}

static int
s_parse_attempt(const cJSON *o, struct report_attempt *a, struct eb_error *err)
{
    int rc;
    bool has;
    long long v;
    int st = ATTEMPT_PENDING;
    if (!cJSON_IsObject(o)) {
        return err_set(err, EB_ERR_PARSE, "result document: an attempt is not an object");
    }
    TRY(s_opt_int(o, "attempt", 0, 1000000, &has, &v, err));
    a->number = has ? (int)v : 0;
    TRY(s_opt_str(o, "task_arn", &a->task_arn, err));
    TRY(s_parse_status_name(s_attempt_names, ATTEMPT__COUNT, o, "status", &st, err));
    a->status = (enum attempt_status)st;
    char *kind = NULL;
    TRY(s_opt_str(o, "failure_kind", &kind, err));
    if (kind && failure_kind_parse(kind, &a->failure_kind) != 0) {
        free(kind);
        return err_set(err, EB_ERR_PARSE, "result document: unknown \"failure_kind\"");
    }
    free(kind);
    TRY(s_opt_int(o, "exit_code", -2147483647LL - 1, 2147483647LL, &a->has_exit_code, &v, err));
    a->exit_code = a->has_exit_code ? (int)v : 0;
    TRY(s_opt_str(o, "stop_code", &a->stop_code, err));
    TRY(s_opt_str(o, "stopped_reason", &a->stopped_reason, err));
    TRY(s_opt_time(o, "created_at", &a->created_at_ms, err));
    TRY(s_opt_time(o, "started_at", &a->started_at_ms, err));
    TRY(s_opt_time(o, "stopped_at", &a->stopped_at_ms, err));
    TRY(s_opt_str(o, "log", &a->log, err));
    TRY(s_opt_str(o, "last_status", &a->last_status, err));
    TRY(s_opt_str(o, "note", &a->note, err));
    TRY(s_opt_bool(o, "fatal", &a->fatal, err));
    TRY(s_opt_bool(o, "adopted", &a->adopted, err));
    const cJSON *cs;
    size_t n;
    TRY(s_opt_array(o, "containers", &cs, &n, err));
    if (n) {
        a->containers = xcalloc(n, sizeof *a->containers);
        const cJSON *c;
        cJSON_ArrayForEach(c, cs)
        {
            struct report_container *co = &a->containers[a->ncontainers++];
            if (!cJSON_IsObject(c)) {
                return err_set(err, EB_ERR_PARSE, "result document: a container is not an object");
            }
            TRY(s_opt_str(c, "name", &co->name, err));
            TRY(s_opt_int(c, "exit_code", -2147483647LL - 1, 2147483647LL, &co->has_exit_code, &v,
                          err));
            co->exit_code = co->has_exit_code ? (int)v : 0;
            TRY(s_opt_str(c, "reason", &co->reason, err));
            TRY(s_opt_bool(c, "essential", &co->essential, err));
        }
    }
out:
    return rc;
}

static int
s_parse_task(const cJSON *o, struct report_task *t, struct eb_error *err)
{
    int rc;
    bool has;
    long long v;
    int st = TASK_PENDING;
    if (!cJSON_IsObject(o)) {
        return err_set(err, EB_ERR_PARSE, "result document: a task is not an object");
    }
    TRY(s_opt_int(o, "index", 0, 1000000, &has, &v, err));
    t->index = has ? (int)v : 0;
    TRY(s_opt_str(o, "task_name", &t->task_name, err));
    TRY(s_parse_status_name(s_task_names, TASK__COUNT, o, "status", &st, err));
    t->status = (enum task_status)st;
    TRY(s_opt_int(o, "fail_count", 0, 1000000, &has, &v, err));
    t->fail_count = has ? (int)v : 0;
    TRY(s_opt_int(o, "spot_count", 0, 1000000, &has, &v, err));
    t->spot_count = has ? (int)v : 0;
    const cJSON *arr, *it;
    size_t n;
    TRY(s_opt_array(o, "attempts", &arr, &n, err));
    if (n) {
        t->attempts = xcalloc(n, sizeof *t->attempts);
        cJSON_ArrayForEach(it, arr)
        {
            TRY(s_parse_attempt(it, &t->attempts[t->nattempts++], err));
        }
    }
    TRY(s_opt_array(o, "launch_failures", &arr, &n, err));
    if (n) {
        t->launch_failures = xcalloc(n, sizeof *t->launch_failures);
        cJSON_ArrayForEach(it, arr)
        {
            struct report_launch_failure *f = &t->launch_failures[t->nlaunch_failures++];
            if (!cJSON_IsObject(it)) {
                return err_set(err, EB_ERR_PARSE,
                               "result document: a launch failure is not an object");
            }
            TRY(s_opt_int(it, "attempt", 0, 1000000, &has, &v, err));
            f->attempt = has ? (int)v : 0;
            TRY(s_opt_time(it, "at", &f->at_ms, err));
            TRY(s_opt_str(it, "reason", &f->reason, err));
        }
    }
out:
    return rc;
}

int
result_parse(const char *text, size_t len, struct job_report *r, struct eb_error *err)
{
    int rc = EB_OK;
    bool has;
    long long v;
    memset(r, 0, sizeof *r);
    r->representative_task = -1;
    cJSON *o = cJSON_ParseWithLength(text, len);
    if (!cJSON_IsObject(o)) {
        rc = err_set(err, EB_ERR_PARSE, "result document: not a JSON object");
        goto out;
    }
    const char *schema = jsonx_str(o, "schema");
    if (!schema || strcmp(schema, RESULT_SCHEMA) != 0) {
        rc = err_set(err, EB_ERR_PARSE, "result document: \"schema\" is not \"%s\"", RESULT_SCHEMA);
        goto out;
    }
    TRY(s_opt_str(o, "job_id", &r->job_id, err));
    if (!r->job_id) {
        rc = err_set(err, EB_ERR_PARSE, "result document: no \"job_id\"");
        goto out;
    }
    if (job_status_parse(jsonx_str(o, "status"), &r->status) != 0) {
        rc = err_set(err, EB_ERR_PARSE, "result document: missing or unknown \"status\"");
        goto out;
    }
    TRY(s_opt_int(o, "exit_code", 0, 255, &has, &v, err));
    if (!has) {
        rc = err_set(err, EB_ERR_PARSE, "result document: no \"exit_code\"");
        goto out;
    }
    r->exit_code = (int)v;
    TRY(s_opt_str(o, "name", &r->name, err));
    TRY(s_opt_str(o, "version", &r->version, err));
    TRY(s_opt_str(o, "command", &r->command, err));
    TRY(s_opt_str(o, "cluster", &r->cluster, err));
    TRY(s_opt_str(o, "task_definition_arn", &r->task_definition_arn, err));
    TRY(s_opt_time(o, "started_at", &r->started_at_ms, err));
    TRY(s_opt_time(o, "finished_at", &r->finished_at_ms, err));
    TRY(s_opt_time(o, "deadline", &r->deadline_ms, err));
    TRY(s_opt_time(o, "updated_at", &r->updated_at_ms, err));
    TRY(s_opt_int(o, "timeout_seconds", 0, 1000000000LL, &has, &v, err));
    r->timeout_ms = has ? (int64_t)v * 1000 : 0;
    TRY(s_opt_str(o, "error", &r->error, err));
    TRY(s_opt_str(o, "results", &r->results, err));
    TRY(s_opt_int(o, "representative_task", 0, 1000000, &has, &v, err));
    r->representative_task = has ? (int)v : -1;

    const cJSON *l = cJSON_GetObjectItemCaseSensitive(o, "launcher");
    if (l && !cJSON_IsNull(l)) {
        if (!cJSON_IsObject(l)) {
            rc = err_set(err, EB_ERR_PARSE, "result document: \"launcher\" is not an object");
            goto out;
        }
        TRY(s_opt_str(l, "task_arn", &r->launcher.task_arn, err));
        TRY(s_opt_str(l, "cluster", &r->launcher.cluster, err));
        TRY(s_opt_str(l, "region", &r->launcher.region, err));
        TRY(s_opt_str(l, "version", &r->launcher.version, err));
        TRY(s_opt_str(l, "backend", &r->launcher.backend, err));
        TRY(s_opt_str(l, "host", &r->launcher.host, err));
        TRY(s_opt_int(l, "pid", 0, 2147483647LL, &has, &v, err));
        r->launcher.pid = has ? (long)v : 0;
    }

    const cJSON *arr, *it;
    size_t n;
    TRY(s_opt_array(o, "tasks", &arr, &n, err));
    if (n) {
        r->tasks = xcalloc(n, sizeof *r->tasks);
        cJSON_ArrayForEach(it, arr)
        {
            TRY(s_parse_task(it, &r->tasks[r->ntasks++], err));
        }
    }
out:
    cJSON_Delete(o);
    return rc;
}

/* --- ownership ----------------------------------------------------------------------------- */

static void *
s_grow(void *v, size_t n, size_t size)
{
    /* Grow an array of n elements to n + 1, the new one zeroed. */
    char *p = xrealloc(v, (n + 1) * size);
    memset(p + n * size, 0, size);
    return p;
}

struct report_attempt *
report_task_add_attempt(struct report_task *t)
{
    t->attempts = s_grow(t->attempts, t->nattempts, sizeof *t->attempts);
    return &t->attempts[t->nattempts++];
}

struct report_launch_failure *
report_task_add_launch_failure(struct report_task *t)
{
    t->launch_failures = s_grow(t->launch_failures, t->nlaunch_failures, sizeof *t->launch_failures);
    return &t->launch_failures[t->nlaunch_failures++];
}

void
report_attempt_cleanup(struct report_attempt *a)
{
    free(a->task_arn);
    free(a->last_status);
    free(a->stop_code);
    free(a->stopped_reason);
    free(a->log);
    free(a->note);
    for (size_t i = 0; i < a->ncontainers; i++) {
        free(a->containers[i].name);
        free(a->containers[i].reason);
    }
    free(a->containers);
    memset(a, 0, sizeof *a);
}

void
job_report_cleanup(struct job_report *r)
{
    for (size_t i = 0; i < r->ntasks; i++) {
        struct report_task *t = &r->tasks[i];
        for (size_t k = 0; k < t->nattempts; k++) {
            report_attempt_cleanup(&t->attempts[k]);
        }
        free(t->attempts);
        for (size_t k = 0; k < t->nlaunch_failures; k++) {
            free(t->launch_failures[k].reason);
        }
        free(t->launch_failures);
        free(t->task_name);
    }
    free(r->tasks);
    free(r->job_id);
    free(r->name);
    free(r->version);
    free(r->command);
    free(r->cluster);
    free(r->task_definition_arn);
    free(r->error);
    free(r->results);
    free(r->launcher.task_arn);
    free(r->launcher.cluster);
    free(r->launcher.region);
    free(r->launcher.version);
    free(r->launcher.backend);
    free(r->launcher.host);
    memset(r, 0, sizeof *r);
    r->representative_task = -1;
}
