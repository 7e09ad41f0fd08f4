/*
 * The local backend (backend/backend_local.c) with real processes: exit codes,
 * signals, exec failures, the exact environment, log lines, stop with
 * SIGTERM then SIGKILL after the grace period, and the whole engine over it.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/backend_local.h"
#include "engine/engine.h"
#include "test_engine_support.h"
#include "unit.h"
#include "util/clock.h"
#include "util/xalloc.h"

/* Launch attempt 1 of task 0 and describe it until STOPPED (at most ~5 s). */
static void
s_run_one(struct backend *b, struct observation *o, char **handle)
{
    struct launch_request req = {.task_index = 0, .attempt = 1, .launch_try = 1,
                                 .task_name = "ecsbatch-job-L-0", .deadline_ms = 1767225600000LL};
    struct launch_result lr = {0};
    struct eb_error err = {0};
    memset(o, 0, sizeof *o);
    if (b->ops->launch(b, &req, &lr, &err) != EB_OK) {
        unit_fail(__FILE__, __LINE__, "launch: %s", err.msg);
        return;
    }
    *handle = xstrdup(lr.handle);
    launch_result_cleanup(&lr);
    const char *h = *handle;
    for (int i = 0; i < 500; i++) {
        b->ops->wait(b, 10);
        observation_cleanup(o);
        if (b->ops->describe(b, &h, 1, o, &err) != EB_OK || o->state == OBS_STOPPED) {
            return;
        }
    }
}

static struct backend *
s_backend(struct plan *p, int64_t grace)
{
    struct backend_local_options lo = {.plan = p, .stop_grace_ms = grace};
    struct backend *b = NULL;
    struct eb_error err = {0};
    if (backend_local_new(&lo, &b, &err) != EB_OK) {
        unit_fail(__FILE__, __LINE__, "backend_local_new: %s", err.msg);
    }
    return b;
}

TEST(local_exit_code_and_log_lines)
{
    const char *argv[] = {"sh", "-c", "echo out line; echo err line >&2; printf 'no newline'; exit 3",
                          NULL};
    struct plan *p = tplan_new("L", 1, argv);
    struct backend *b = s_backend(p, 0);
    REQUIRE(b);
    struct observation o;
    char *h = NULL;
    s_run_one(b, &o, &h);
    EXPECT_INT(o.state, OBS_STOPPED);
    EXPECT_STR(o.stop_code, "EssentialContainerExited");
    EXPECT_STR(o.stopped_reason, "Essential container in task exited");
    REQUIRE(o.ncontainers == 1);
    EXPECT_STR(o.containers[0].name, "main");
    EXPECT(o.containers[0].essential && o.containers[0].has_exit_code);
    EXPECT_INT(o.containers[0].exit_code, 3);
    EXPECT(strncmp(h, "local:", 6) == 0);
    struct eb_buf log = EB_BUF_INIT;
    struct eb_error err = {0};
    EXPECT_INT(b->ops->fetch_log(b, h, 0, 1, &log, &err), EB_OK);
    char head[64];
    snprintf(head, sizeof head, "=== local/main/%s ===\n\n[", h + 6);
    EXPECT(strncmp(buf_cstr(&log), head, strlen(head)) == 0);
    EXPECT_CONTAINS(buf_cstr(&log), "] out line\n");
    EXPECT_CONTAINS(buf_cstr(&log), "] err line\n");
    EXPECT_CONTAINS(buf_cstr(&log), "] no newline\n");
    buf_cleanup(&log);
    observation_cleanup(&o);
    free(h);
    b->ops->destroy(b);
    tplan_free(p);
}

TEST(local_exact_environment)
{
    const char *argv[] = {"sh", "-c", "env | sort", NULL};
    struct plan *p = tplan_new("L", 1, argv);
    tplan_env(p, "CUSTOM_VAR", "custom value");
    struct backend *b = s_backend(p, 0);
    REQUIRE(b);
    setenv("ECSBATCH_TEST_LEAK", "leaked", 1);
    struct observation o;
    char *h = NULL;
    s_run_one(b, &o, &h);
    unsetenv("ECSBATCH_TEST_LEAK");
    REQUIRE(o.ncontainers == 1);
    EXPECT_INT(o.containers[0].exit_code, 0);
    struct eb_buf log = EB_BUF_INIT;
    struct eb_error err = {0};
    EXPECT_INT(b->ops->fetch_log(b, h, 0, 1, &log, &err), EB_OK);
    const char *t = buf_cstr(&log);
    EXPECT_CONTAINS(t, "] CUSTOM_VAR=custom value\n");
    EXPECT_CONTAINS(t, "] TASK_NAME=ecsbatch-job-L-0\n");
    EXPECT_CONTAINS(t, "] TASK_NUM=0\n");
    EXPECT_CONTAINS(t, "] ECSBATCH_ATTEMPT=1\n");
    EXPECT_CONTAINS(t, "] ECSBATCH_JOB_ID=L\n");
    EXPECT_CONTAINS(t, "] ECSBATCH_DEADLINE=2026-01-01T00:00:00Z\n");
    EXPECT_CONTAINS(t, "] PATH=");
    EXPECT(!strstr(t, "ECSBATCH_TEST_LEAK"));
    buf_cleanup(&log);
    observation_cleanup(&o);
    free(h);
    b->ops->destroy(b);
    tplan_free(p);
}

TEST(local_exec_failure_is_start)
{
    const char *argv[] = {"/nonexistent/ecsbatch-no-such-program", "x", NULL};
    struct plan *p = tplan_new("L", 1, argv);
    struct backend *b = s_backend(p, 0);
    REQUIRE(b);
    struct observation o;
    char *h = NULL;
    s_run_one(b, &o, &h);
    EXPECT_INT(o.state, OBS_STOPPED);
    EXPECT_STR(o.stop_code, "TaskFailedToStart");
    REQUIRE(o.ncontainers == 1);
    EXPECT(!o.containers[0].has_exit_code);
    EXPECT_CONTAINS(o.containers[0].reason, "CannotStartContainerError: exec");
    EXPECT_CONTAINS(o.containers[0].reason, "No such file or directory");
    observation_cleanup(&o);
    free(h);
    b->ops->destroy(b);
    tplan_free(p);

    /* no command at all */
    p = tplan_new("L", 1, NULL);
    b = s_backend(p, 0);
    REQUIRE(b);
    s_run_one(b, &o, &h);
    EXPECT_STR(o.stop_code, "TaskFailedToStart");
    REQUIRE(o.ncontainers == 1);
    EXPECT_CONTAINS(o.containers[0].reason, "has no command");
    observation_cleanup(&o);
    free(h);
    b->ops->destroy(b);
    tplan_free(p);
}

TEST(local_signal_and_stop_grace)
{
    const char *argv[] = {"sh", "-c", "kill -9 $$", NULL};
    struct plan *p = tplan_new("L", 1, argv);
    struct backend *b = s_backend(p, 0);
    struct observation o;
    char *h = NULL;
    REQUIRE(b);
    s_run_one(b, &o, &h);
    REQUIRE(o.ncontainers == 1);
    EXPECT_INT(o.containers[0].exit_code, 137);
    EXPECT_STR(o.containers[0].reason, "killed by signal 9");
    observation_cleanup(&o);
    free(h);
    b->ops->destroy(b);
    tplan_free(p);

    /* ignores SIGTERM: SIGKILL after the grace period */
    const char *stubborn[] = {"sh", "-c", "trap '' TERM; echo ready; while :; do sleep 0.05; done",
                              NULL};
    p = tplan_new("L", 1, stubborn);
    b = s_backend(p, 300);
    REQUIRE(b);
    struct launch_request req = {.task_index = 0, .attempt = 1, .launch_try = 1,
                                 .task_name = "t", .deadline_ms = 0};
    struct launch_result lr = {0};
    struct eb_error err = {0};
    REQUIRE(b->ops->launch(b, &req, &lr, &err) == EB_OK);
    const char *hh = lr.handle;
    b->ops->wait(b, 200);
    int64_t t0 = clock_mono(clock_real());
    EXPECT_INT(b->ops->stop(b, hh, "ecsbatch job L: test", &err), EB_OK);
    memset(&o, 0, sizeof o);
    for (int i = 0; i < 300; i++) {
        b->ops->wait(b, 20);
        observation_cleanup(&o);
        REQUIRE(b->ops->describe(b, &hh, 1, &o, &err) == EB_OK);
        if (o.state == OBS_STOPPED) {
            break;
        }
        EXPECT_INT(o.state, OBS_STOPPING);
    }
    int64_t took = clock_mono(clock_real()) - t0;
    EXPECT_INT(o.state, OBS_STOPPED);
    EXPECT(took >= 300 && took < 3000);
    EXPECT_STR(o.stop_code, "UserInitiated");
    EXPECT_STR(o.stopped_reason, "ecsbatch job L: test");
    EXPECT_INT(o.containers[0].exit_code, 137);
    observation_cleanup(&o);
    launch_result_cleanup(&lr);
    b->ops->destroy(b);
    tplan_free(p);
}

TEST(local_unknown_handle_is_missing)
{
    struct plan *p = tplan_new("L", 1, NULL);
    struct backend *b = s_backend(p, 0);
    const char *h = "local:999999";
    struct observation o;
    struct eb_error err = {0};
    EXPECT_INT(b->ops->describe(b, &h, 1, &o, &err), EB_OK);
    EXPECT_INT(o.state, OBS_MISSING);
    observation_cleanup(&o);
    b->ops->destroy(b);
    tplan_free(p);
}

/* An in-memory sink, enough for a whole run. */
struct mem {
    struct sink base;
    struct eb_buf result;
    int puts;
};

static int
mem_put(struct sink *s, const char *path, const void *d, size_t len, struct eb_error *err)
{
    (void)err;
    struct mem *m = (struct mem *)s;
    m->puts++;
    if (strcmp(path, "result.json") == 0) {
        buf_reset(&m->result);
        (void)buf_append(&m->result, d, len);
    }
    return EB_OK;
}

static int
mem_get(struct sink *s, const char *path, struct eb_buf *out, struct eb_error *err)
{
    (void)s;
    (void)out;
    return err_set(err, EB_ERR_NOT_FOUND, "%s not found", path);
}

static int
mem_create(struct sink *s, const char *path, const void *d, size_t len, struct eb_error *err)
{
    return mem_put(s, path, d, len, err);
}

static const char *
mem_location(struct sink *s)
{
    (void)s;
    return "mem://x";
}

static const struct sink_ops s_mem_ops = {mem_put, mem_get, mem_create, mem_location, NULL};

TEST(local_engine_retry_on_real_processes)
{
    const char *argv[] = {"sh", "-c",
                          "echo task $TASK_NUM attempt $ECSBATCH_ATTEMPT; "
                          "[ $TASK_NUM = 1 ] && [ $ECSBATCH_ATTEMPT = 1 ] && exit 1; exit 0",
                          NULL};
    struct plan *p = tplan_new("L", 3, argv);
    p->polling_interval_ms = 20;
    struct backend *b = s_backend(p, 0);
    struct mem m = {.base = {.ops = &s_mem_ops}};
    struct engine_options o = {.plan = p, .backend = b, .sink = &m.base};
    o.launcher.version = "t";
    o.launcher.backend = "local";
    char *out = NULL, *errt = NULL;
    size_t on = 0, en = 0;
    o.out = open_memstream(&out, &on);
    o.err_out = open_memstream(&errt, &en);
    log_setup(LOG_ERROR, LOG_TEXT);
    int code = engine_run(&o);
    log_setup(LOG_INFO, LOG_TEXT);
    fclose(o.out);
    fclose(o.err_out);
    EXPECT_INT(code, 0);
    EXPECT_CONTAINS(buf_cstr(&m.result), "\"status\": \"SUCCEEDED\"");
    EXPECT_CONTAINS(buf_cstr(&m.result), "\"retries\": 1");
    EXPECT_CONTAINS(out, "=== local/main/");
    EXPECT_CONTAINS(out, "] task ");
    free(out);
    free(errt);
    buf_cleanup(&m.result);
    b->ops->destroy(b);
    tplan_free(p);
}
