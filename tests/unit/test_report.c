/*
 * Reporting (src/report): result.json written in SPEC §5's shape and read back
 * (the rerun parser), its negative cases naming the bad member, the SPEC §5
 * log format with its caps, the progress summary, claim.json.
 */
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "engine/claim.h"
#include "report/logfmt.h"
#include "report/progress.h"
#include "report/result.h"
#include "unit.h"
#include "util/jsonx.h"
#include "util/xalloc.h"

#define T0 1795341600000LL /* 2026-11-22T10:00:00Z */

static void
s_sample(struct job_report *r)
{
    memset(r, 0, sizeof *r);
    r->job_id = xstrdup("abc123");
    r->name = xstrdup("run-batch-job");
    r->version = xstrdup("0.0.1");
    r->status = JOB_SUCCEEDED;
    r->exit_code = 0;
    r->started_at_ms = T0;
    r->finished_at_ms = T0 + 250000;
    r->updated_at_ms = T0 + 250000;
    r->deadline_ms = T0 + 3600000;
    r->timeout_ms = 3600000;
    r->command = xstrdup("ecs-batch-job-0.0.1");
    r->cluster = xstrdup("fargate-cluster");
    r->task_definition_arn = xstrdup("arn:aws:ecs:us-west-2:1:task-definition/batch-job-template:7");
    r->launcher.task_arn = xstrdup("arn:aws:ecs:us-west-2:1:task/c/launcher");
    r->launcher.cluster = xstrdup("c");
    r->launcher.region = xstrdup("us-west-2");
    r->launcher.version = xstrdup("1.0.0");
    r->launcher.backend = xstrdup("ecs");
    r->representative_task = 0;
    r->ntasks = 1;
    r->tasks = xcalloc(1, sizeof *r->tasks);
    struct report_task *t = &r->tasks[0];
    t->task_name = xstrdup("ecsbatch-job-abc123-0");
    t->status = TASK_SUCCEEDED;
    t->fail_count = 1;
    struct report_attempt *a = report_task_add_attempt(t);
    a->number = 1;
    a->task_arn = xstrdup("arn:aws:ecs:us-west-2:1:task/c/aaa");
    a->status = ATTEMPT_FAILED;
    a->failure_kind = FAILURE_EXIT;
    a->has_exit_code = true;
    a->exit_code = 1;
    a->stop_code = xstrdup("EssentialContainerExited");
    a->stopped_reason = xstrdup("Essential container in task exited");
    a->started_at_ms = T0 + 10000;
    a->stopped_at_ms = T0 + 60000;
    a->log = xstrdup("logs/task-0-attempt-1.log");
    a->note = xstrdup("quote \" and tab \t inside");
    a->containers = xcalloc(1, sizeof *a->containers);
    a->ncontainers = 1;
    a->containers[0].name = xstrdup("main");
    a->containers[0].essential = true;
    a->containers[0].has_exit_code = true;
    a->containers[0].exit_code = 1;
    a = report_task_add_attempt(t);
    a->number = 2;
    a->task_arn = xstrdup("arn:aws:ecs:us-west-2:1:task/c/bbb");
    a->status = ATTEMPT_SUCCEEDED;
    a->has_exit_code = true;
    a->exit_code = 0;
    struct report_launch_failure *f = report_task_add_launch_failure(t);
    f->attempt = 2;
    f->at_ms = T0 + 61000;
    f->reason = xstrdup("RESOURCE:MEMORY");
}

TEST(report_result_has_spec_shape)
{
    struct job_report r;
    s_sample(&r);
    char *text = result_to_json(&r);
    cJSON *o = cJSON_Parse(text);
    REQUIRE(o);
    static const char *const top[] = {"schema", "job_id", "name", "version", "status", "exit_code",
                                      "started_at", "finished_at", "command", "cluster",
                                      "task_definition_arn", "launcher", "tasks", "failed_arns",
                                      "representative_task", "error"};
    for (size_t i = 0; i < sizeof top / sizeof top[0]; i++) {
        if (!cJSON_GetObjectItemCaseSensitive(o, top[i])) {
            unit_fail(__FILE__, __LINE__, "no member %s", top[i]);
        }
    }
    EXPECT_CONTAINS(text, "\"schema\": \"ecsbatch.result/1\"");
    EXPECT_CONTAINS(text, "\"started_at\": \"2026-11-22T10:00:00Z\"");
    EXPECT_CONTAINS(text, "\"finished_at\": \"2026-11-22T10:04:10Z\"");
    EXPECT_CONTAINS(text, "\"error\": null");
    const cJSON *l = cJSON_GetObjectItemCaseSensitive(o, "launcher");
    static const char *const lk[] = {"task_arn", "cluster", "region", "version"};
    for (size_t i = 0; i < sizeof lk / sizeof lk[0]; i++) {
        if (!cJSON_GetObjectItemCaseSensitive(l, lk[i])) {
            unit_fail(__FILE__, __LINE__, "no launcher member %s", lk[i]);
        }
    }
    const cJSON *a = cJSON_GetArrayItem(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(o, "tasks"), 0),
                                         "attempts"),
        0);
    static const char *const att[] = {"task_arn", "status", "failure_kind", "exit_code", "stop_code",
                                      "stopped_reason", "started_at", "stopped_at", "log",
                                      "containers"};
    for (size_t i = 0; i < sizeof att / sizeof att[0]; i++) {
        if (!cJSON_GetObjectItemCaseSensitive(a, att[i])) {
            unit_fail(__FILE__, __LINE__, "no attempt member %s", att[i]);
        }
    }
    EXPECT_STR(cJSON_GetObjectItemCaseSensitive(a, "failure_kind")->valuestring, "exit");
    const cJSON *fa = cJSON_GetObjectItemCaseSensitive(o, "failed_arns");
    EXPECT_INT(cJSON_GetArraySize(fa), 1);
    EXPECT_STR(cJSON_GetArrayItem(fa, 0)->valuestring, "arn:aws:ecs:us-west-2:1:task/c/aaa");
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(o, "counters");
    EXPECT_INT(cJSON_GetObjectItemCaseSensitive(c, "retries")->valueint, 1);
    EXPECT_INT(cJSON_GetObjectItemCaseSensitive(c, "launch_failures")->valueint, 1);
    cJSON_Delete(o);
    free(text);
    job_report_cleanup(&r);
}

TEST(report_result_round_trip)
{
    struct job_report r, back;
    s_sample(&r);
    char *text = result_to_json(&r);
    struct eb_error err = {0};
    REQUIRE(result_parse(text, strlen(text), &back, &err) == EB_OK);
    char *again = result_to_json(&back);
    EXPECT_STR(again, text);
    EXPECT_INT(back.tasks[0].attempts[0].failure_kind, FAILURE_EXIT);
    EXPECT_STR(back.tasks[0].attempts[0].note, "quote \" and tab \t inside");
    free(text);
    free(again);
    job_report_cleanup(&r);
    job_report_cleanup(&back);
    job_report_cleanup(&back);
}

/* The document is written a task at a time: it must read exactly as cJSON prints it whole. */
TEST(report_result_prints_as_one_tree)
{
    struct job_report r;
    s_sample(&r);
    for (size_t n = 0; n <= 2; n++) {
        if (n == 2) {
            r.tasks = xrealloc(r.tasks, 2 * sizeof *r.tasks);
            memset(&r.tasks[1], 0, sizeof r.tasks[1]);
            r.tasks[1].task_name = xstrdup("ecsbatch-job-abc123-1");
            r.tasks[1].status = TASK_PENDING;
        }
        size_t keep = r.ntasks;
        r.ntasks = n;
        char *text = result_to_json(&r);
        cJSON *doc = cJSON_Parse(text);
        REQUIRE(doc != NULL);
        char *whole = jsonx_print_pretty(doc);
        EXPECT_STR(text, whole);
        EXPECT_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "tasks")), (int)n);
        cJSON_Delete(doc);
        free(whole);
        free(text);
        r.ntasks = n == 0 ? keep : n;
    }
    job_report_cleanup(&r);
}

TEST(report_result_parse_rejects)
{
    static const struct {
        const char *doc;
        const char *msg;
    } rows[] = {
        {"", "not a JSON object"},
        {"[]", "not a JSON object"},
        {"{\"schema\":\"other/1\",\"job_id\":\"j\",\"status\":\"FAILED\",\"exit_code\":1}", "\"schema\""},
        {"{\"schema\":\"ecsbatch.result/1\",\"status\":\"FAILED\",\"exit_code\":1}", "\"job_id\""},
        {"{\"schema\":\"ecsbatch.result/1\",\"job_id\":\"j\",\"status\":\"DONE\",\"exit_code\":1}", "\"status\""},
        {"{\"schema\":\"ecsbatch.result/1\",\"job_id\":\"j\",\"status\":\"FAILED\"}", "\"exit_code\""},
        {"{\"schema\":\"ecsbatch.result/1\",\"job_id\":\"j\",\"status\":\"FAILED\",\"exit_code\":1.5}", "\"exit_code\""},
        {"{\"schema\":\"ecsbatch.result/1\",\"job_id\":\"j\",\"status\":\"FAILED\",\"exit_code\":300}", "\"exit_code\""},
        {"{\"schema\":\"ecsbatch.result/1\",\"job_id\":\"j\",\"status\":\"FAILED\",\"exit_code\":1,\"tasks\":{}}", "\"tasks\""},
        {"{\"schema\":\"ecsbatch.result/1\",\"job_id\":\"j\",\"status\":\"FAILED\",\"exit_code\":1,\"tasks\":[1]}", "a task"},
        {"{\"schema\":\"ecsbatch.result/1\",\"job_id\":\"j\",\"status\":\"FAILED\",\"exit_code\":1,"
         "\"tasks\":[{\"attempts\":[{\"failure_kind\":\"meteor\"}]}]}", "\"failure_kind\""},
        {"{\"schema\":\"ecsbatch.result/1\",\"job_id\":\"j\",\"status\":\"FAILED\",\"exit_code\":1,"
         "\"started_at\":\"yesterday\"}", "\"started_at\""},
        {"{\"schema\":\"ecsbatch.result/1\",\"job_id\":\"j\",\"status\":\"FAILED\",\"exit_code\":1,"
         "\"launcher\":[]}", "\"launcher\""},
        {"{\"schema\":\"ecsbatch.result/1\",\"job_id\":\"j\",\"status\":\"FAILED\",\"exit_code\":1,"
         "\"tasks\":[{\"attempts\":[{\"containers\":[{\"exit_code\":\"1\"}]}]}]}", "\"exit_code\""},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct job_report r;
        struct eb_error err = {0};
        int rc = result_parse(rows[i].doc, strlen(rows[i].doc), &r, &err);
        EXPECT_INT(rc, EB_ERR_PARSE);
        EXPECT_CONTAINS(err.msg, rows[i].msg);
        job_report_cleanup(&r);
    }
    struct job_report r;
    const char *ok = "{\"schema\":\"ecsbatch.result/1\",\"job_id\":\"j\",\"status\":\"TIMED_OUT\","
                     "\"exit_code\":3,\"unknown_member\":{\"x\":1}}";
    EXPECT_INT(result_parse(ok, strlen(ok), &r, NULL), EB_OK);
    EXPECT_INT(r.exit_code, 3);
    EXPECT_INT(r.status, JOB_TIMED_OUT);
    EXPECT_INT(r.representative_task, -1);
    job_report_cleanup(&r);
}

TEST(report_logfmt_seed_format)
{
    struct eb_buf b = EB_BUF_INIT;
    struct logfmt f;
    logfmt_begin(&f, &b, "ecs/main/abc123def456789", 0);
    logfmt_line(&f, 1699710323000LL, "Starting application...\n", 24, 0);
    logfmt_line(&f, 1699710324000LL, "Processing data batch\r\n", 23, 0);
    logfmt_end(&f);
    EXPECT_STR(buf_cstr(&b), "=== ecs/main/abc123def456789 ===\n\n"
                             "[2023-11-11 13:45:23] Starting application...\n"
                             "[2023-11-11 13:45:24] Processing data batch\n");
    buf_cleanup(&b);
}

TEST(report_logfmt_caps_lines_and_logs)
{
    struct eb_buf b = EB_BUF_INIT;
    struct logfmt f;
    char *big = xmalloc(LOGFMT_LINE_MAX + 100);
    memset(big, 'x', LOGFMT_LINE_MAX + 100);
    logfmt_begin(&f, &b, "s", 0);
    logfmt_line(&f, 0, big, LOGFMT_LINE_MAX + 100, 5);
    logfmt_end(&f);
    EXPECT_CONTAINS(buf_cstr(&b), "[... line cut: 105 more bytes]");
    buf_cleanup(&b);

    logfmt_begin(&f, &b, "s", 4096);
    for (int i = 0; i < 1000; i++) {
        logfmt_line(&f, 0, "a line of output", 16, 0);
    }
    logfmt_end(&f);
    EXPECT(b.len <= 4096);
    EXPECT_CONTAINS(buf_cstr(&b), "[... log truncated: ");
    EXPECT_CONTAINS(buf_cstr(&b), "more lines");
    buf_cleanup(&b);
    free(big);
}

TEST(report_progress_summary)
{
    struct job_report r;
    s_sample(&r);
    r.tasks[0].status = TASK_RUNNING;
    char line[256];
    progress_summary(&r, T0 + 12000, line, sizeof line);
    EXPECT_STR(line, "job abc123: 1 task: 0 pending, 1 running, 0 succeeded, 0 failed, 1 retry, "
                     "0:12 of 1:00:00");
    job_report_cleanup(&r);
}

TEST(report_claim_round_trip)
{
    char *text = claim_to_json("J", "local", "h", 77, NULL, T0);
    struct claim c;
    struct eb_error err = {0};
    REQUIRE(claim_parse(text, strlen(text), &c, &err) == EB_OK);
    EXPECT_STR(c.host, "h");
    EXPECT_INT(c.pid, 77);
    EXPECT_INT(c.claimed_at_ms, T0);
    claim_cleanup(&c);
    free(text);
    EXPECT_INT(claim_parse("{\"pid\":\"x\"}", 11, &c, &err), EB_ERR_PARSE);
    EXPECT_CONTAINS(err.msg, "\"pid\"");
    claim_cleanup(&c);
}
