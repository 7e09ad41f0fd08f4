/*
 * ECS and CloudWatch Logs wire code (src/api/ecs.c, logs.c): request bodies
 * byte for byte, and answers shaped like ECS's parsed into structs, with
 * negative rows that name the field that was wrong (aws-facts §1, §8).
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "api/ecs.h"
#include "api/logs.h"
#include "unit.h"
#include "util/atomicfile.h"
#include "util/xalloc.h"

/* The fuzz target's parser table (enum answer, s_parse) serves the negative rows too, and
 * its entry point checks the fuzz seeds here in every build flavour. */
#include "../fuzz/fuzz_ecs_json.c"

/* --- request bodies ------------------------------------------------------------------------ */

/* A built body (malloc'd, freed by s_expect_bodies) and the text it must be to the byte. */
struct body_row {
    const char *name;
    char *got;
    const char *want;
};

static void
s_expect_bodies(struct body_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct body_row *r = &rows[i];
        if (!r->got || strcmp(r->got, r->want) != 0) {
            unit_fail(__FILE__, __LINE__, "%s: body %s, expected %s", r->name,
                      r->got ? r->got : "(null)", r->want);
        }
        free(rows[i].got);
    }
}

#define NROWS(a) (sizeof(a) / sizeof((a)[0]))

TEST(ecs_describe_tasks_body)
{
    const char *arns[] = {"arn:aws:ecs:us-west-2:123456789012:task/c/aaa", "bbb"};
    struct body_row rows[] = {
        {"two tasks, include TAGS", ecs_describe_tasks_build("batch", arns, 2, true),
         "{\"cluster\":\"batch\",\"tasks\":[\"arn:aws:ecs:us-west-2:123456789012:task/c/aaa\","
         "\"bbb\"],\"include\":[\"TAGS\"]}"},
        {"default cluster, no include", ecs_describe_tasks_build(NULL, arns + 1, 1, false),
         "{\"tasks\":[\"bbb\"]}"},
    };
    s_expect_bodies(rows, NROWS(rows));
}

TEST(ecs_stop_task_body_cuts_reason)
{
    struct body_row rows[] = {
        {"with reason",
         ecs_stop_task_build("c", "arn:t", "job j1 failed: task 3 exhausted its retries"),
         "{\"cluster\":\"c\",\"task\":\"arn:t\",\"reason\":\"job j1 failed: task 3 exhausted "
         "its retries\"}"},
        {"no reason", ecs_stop_task_build(NULL, "t", NULL), "{\"task\":\"t\"}"},
    };
    s_expect_bodies(rows, NROWS(rows));

    /* 254 ASCII bytes then a 2-byte character: the character does not fit, nor is it split */
    char reason[300];
    memset(reason, 'x', 254);
    memcpy(reason + 254, "\xc3\xa9tail", 7);
    char *s = ecs_stop_task_build(NULL, "t", reason);
    cJSON *j = cJSON_Parse(s);
    free(s);
    REQUIRE(j);
    const char *r = cJSON_GetObjectItem(j, "reason")->valuestring;
    EXPECT_INT(strlen(r), 254);
    cJSON_Delete(j);
}

TEST(ecs_list_tasks_body)
{
    struct ecs_list_tasks_query q = {.cluster = "batch", .started_by = "ecsbatch-job-j1-0",
                                     .desired_status = "STOPPED", .max_results = 500};
    struct ecs_list_tasks_query none = {0};
    struct body_row rows[] = {
        {"every field, maxResults capped", ecs_list_tasks_build(&q, "tok=="),
         "{\"cluster\":\"batch\",\"startedBy\":\"ecsbatch-job-j1-0\",\"desiredStatus\":"
         "\"STOPPED\",\"maxResults\":100,\"nextToken\":\"tok==\"}"},
        {"nothing set", ecs_list_tasks_build(&none, NULL), "{}"},
    };
    s_expect_bodies(rows, NROWS(rows));
}

TEST(ecs_register_task_definition_body_adds_tags)
{
    cJSON *td = cJSON_Parse("{\"family\":\"child\",\"containerDefinitions\":[{\"name\":\"main\","
                            "\"image\":\"busybox\"}],\"tags\":[{\"key\":\"team\",\"value\":\"a\"},"
                            "{\"key\":\"ecsbatch:content-hash\",\"value\":\"old\"}]}");
    REQUIRE(td);
    char k[] = "ecsbatch:content-hash", v[] = "abc";
    struct ecs_kv tag = {k, v};
    struct body_row rows[] = {
        {"ours replaces the template's tag", ecs_register_task_definition_build(td, &tag, 1),
         "{\"family\":\"child\",\"containerDefinitions\":[{\"name\":\"main\",\"image\":"
         "\"busybox\"}],\"tags\":[{\"key\":\"team\",\"value\":\"a\"},{\"key\":"
         "\"ecsbatch:content-hash\",\"value\":\"abc\"}]}"},
    };
    s_expect_bodies(rows, NROWS(rows));
    /* the template itself is untouched */
    EXPECT_INT(cJSON_GetArraySize(cJSON_GetObjectItem(td, "tags")), 2);
    cJSON_DeleteItemFromObject(td, "tags");
    char *s = ecs_register_task_definition_build(td, &tag, 1);
    EXPECT_CONTAINS(s, "\"tags\":[{\"key\":\"ecsbatch:content-hash\",\"value\":\"abc\"}]");
    free(s);
    cJSON_Delete(td);
}

TEST(ecs_task_definition_bodies)
{
    struct body_row rows[] = {
        {"describe", ecs_describe_task_definition_build("child"),
         "{\"taskDefinition\":\"child\",\"include\":[\"TAGS\"]}"},
        {"list newest first", ecs_list_task_definitions_build("child", true, 10, NULL),
         "{\"familyPrefix\":\"child\",\"status\":\"ACTIVE\",\"sort\":\"DESC\",\"maxResults\":10}"},
        {"list next page", ecs_list_task_definitions_build("child", false, 0, "n1"),
         "{\"familyPrefix\":\"child\",\"status\":\"ACTIVE\",\"sort\":\"ASC\","
         "\"nextToken\":\"n1\"}"},
    };
    s_expect_bodies(rows, NROWS(rows));
}

TEST(ecs_other_bodies)
{
    const char *cl[] = {"batch"};
    const char *ci[] = {"ci-1"};
    char k[] = "ecsbatch:job-id", v[] = "j1";
    struct ecs_kv tag = {k, v};
    struct body_row rows[] = {
        {"DescribeClusters", ecs_describe_clusters_build(cl, 1), "{\"clusters\":[\"batch\"]}"},
        {"DescribeContainerInstances", ecs_describe_container_instances_build("batch", ci, 1),
         "{\"cluster\":\"batch\",\"containerInstances\":[\"ci-1\"]}"},
        {"TagResource", ecs_tag_resource_build("arn:aws:ecs:us-west-2:1:task/c/x", &tag, 1),
         "{\"resourceArn\":\"arn:aws:ecs:us-west-2:1:task/c/x\",\"tags\":[{\"key\":"
         "\"ecsbatch:job-id\",\"value\":\"j1\"}]}"},
        {"GetLogEvents first page", logs_get_events_build("/ecs/child", "ecs/main/abc", NULL, 0),
         "{\"logGroupName\":\"/ecs/child\",\"logStreamName\":\"ecs/main/abc\","
         "\"startFromHead\":true}"},
        {"GetLogEvents next page, limit capped",
         logs_get_events_build("/ecs/child", "ecs/main/abc", "f/0001/s", 50000),
         "{\"logGroupName\":\"/ecs/child\",\"logStreamName\":\"ecs/main/abc\","
         "\"startFromHead\":true,\"nextToken\":\"f/0001/s\",\"limit\":10000}"},
    };
    s_expect_bodies(rows, NROWS(rows));
}

/* --- answers ------------------------------------------------------------------------------- */

/* An answer a parser must refuse: the specific code, and a fragment of the message. */
struct bad_row {
    const char *name;
    enum answer answer;
    const char *body;
    enum eb_err code;
    const char *msg;
};

static void
s_expect_bad(const struct bad_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct bad_row *r = &rows[i];
        struct eb_error err = {0};
        int rc = s_parse(r->answer, r->body, strlen(r->body), &err);
        if (rc != (int)r->code || !strstr(err.msg, r->msg)) {
            unit_fail(__FILE__, __LINE__, "%s: %s \"%s\", expected %s \"...%s...\"", r->name,
                      err_name((enum eb_err)rc), err.msg, err_name(r->code), r->msg);
        }
    }
}

/* --- answers ------------------------------------------------------------------------------- */

/* A DescribeTasks answer as ECS gives it: one stopped task (OOM in the sidecar), one running,
 * one MISSING. */
static const char s_describe_answer[] =
    "{\"tasks\":[{\"attachments\":[{\"id\":\"a1\",\"type\":\"ElasticNetworkInterface\","
    "\"status\":\"DELETED\",\"details\":[{\"name\":\"subnetId\",\"value\":\"subnet-1\"},"
    "{\"name\":\"networkInterfaceId\",\"value\":\"eni-1\"},{\"name\":\"privateIPv4Address\","
    "\"value\":\"10.0.1.9\"}]}],\"availabilityZone\":\"us-west-2a\","
    "\"capacityProviderName\":\"FARGATE_SPOT\",\"clusterArn\":\"arn:aws:ecs:us-west-2:1:cluster/c\","
    "\"containers\":[{\"containerArn\":\"arn:c1\",\"name\":\"main\",\"lastStatus\":\"STOPPED\","
    "\"exitCode\":0,\"networkBindings\":[]},{\"name\":\"sidecar\",\"lastStatus\":\"STOPPED\","
    "\"exitCode\":137,\"reason\":\"OutOfMemoryError: Container killed due to memory usage\"}],"
    "\"createdAt\":1795341600.25,\"desiredStatus\":\"STOPPED\",\"group\":\"family:child\","
    "\"lastStatus\":\"STOPPED\",\"launchType\":\"FARGATE\",\"overrides\":{\"containerOverrides\":"
    "[{\"name\":\"main\",\"environment\":[{\"name\":\"TASK_NAME\",\"value\":\"ecsbatch-job-j1-0\"},"
    "{\"name\":\"ECSBATCH_ATTEMPT\",\"value\":\"2\"}]}],\"inferenceAcceleratorOverrides\":[]},"
    "\"startedAt\":1795341610.5,\"startedBy\":\"ecsbatch-job-j1-0\",\"stopCode\":"
    "\"EssentialContainerExited\",\"stoppedAt\":1795341700,\"stoppedReason\":\"Essential container "
    "in task exited\",\"stoppingAt\":1795341690.001,\"tags\":[{\"key\":\"ecsbatch:attempt\","
    "\"value\":\"2\"}],\"taskArn\":\"arn:aws:ecs:us-west-2:1:task/c/0123456789abcdef0123456789abcdef\","
    "\"taskDefinitionArn\":\"arn:aws:ecs:us-west-2:1:task-definition/child:3\",\"version\":5},"
    "{\"taskArn\":\"arn:aws:ecs:us-west-2:1:task/c/ffff\",\"lastStatus\":\"RUNNING\","
    "\"containers\":[{\"name\":\"main\",\"lastStatus\":\"RUNNING\"}],\"stopCode\":null}],"
    "\"failures\":[{\"arn\":\"arn:aws:ecs:us-west-2:1:task/c/gone\",\"reason\":\"MISSING\"}]}";

TEST(ecs_describe_tasks_answer)
{
    struct ecs_task_list l;
    struct eb_error err = {0};
    REQUIRE(ecs_task_list_parse(s_describe_answer, strlen(s_describe_answer), &l, &err) == EB_OK);
    REQUIRE(l.ntasks == 2);
    const struct ecs_task *t = &l.tasks[0];
    EXPECT_STR(t->arn, "arn:aws:ecs:us-west-2:1:task/c/0123456789abcdef0123456789abcdef");
    EXPECT_STR(ecs_task_id(t->arn), "0123456789abcdef0123456789abcdef");
    EXPECT_STR(t->last_status, "STOPPED");
    EXPECT_STR(t->desired_status, "STOPPED");
    EXPECT_STR(t->stop_code, "EssentialContainerExited");
    EXPECT_STR(t->stopped_reason, "Essential container in task exited");
    EXPECT_STR(t->started_by, "ecsbatch-job-j1-0");
    EXPECT_STR(t->capacity_provider_name, "FARGATE_SPOT");
    EXPECT_STR(t->launch_type, "FARGATE");
    EXPECT_STR(t->subnet_id, "subnet-1");
    EXPECT_STR(t->eni_id, "eni-1");
    EXPECT_INT(t->created_at_ms, 1795341600250LL);
    EXPECT_INT(t->started_at_ms, 1795341610500LL);
    EXPECT_INT(t->stopping_at_ms, 1795341690001LL);
    EXPECT_INT(t->stopped_at_ms, 1795341700000LL);
    REQUIRE(t->ncontainers == 2);
    EXPECT_STR(t->containers[0].name, "main");
    EXPECT(t->containers[0].has_exit_code);
    EXPECT_INT(t->containers[0].exit_code, 0);
    EXPECT(t->containers[0].reason == NULL);
    EXPECT_INT(t->containers[1].exit_code, 137);
    EXPECT_CONTAINS(t->containers[1].reason, "OutOfMemoryError");
    EXPECT_STR(ecs_kv_get(t->tags, t->ntags, "ecsbatch:attempt"), "2");
    EXPECT_STR(ecs_kv_get(t->override_env, t->noverride_env, "ECSBATCH_ATTEMPT"), "2");
    EXPECT_STR(ecs_kv_get(t->override_env, t->noverride_env, "TASK_NAME"), "ecsbatch-job-j1-0");
    EXPECT(ecs_kv_get(t->tags, t->ntags, "nope") == NULL);

    const struct ecs_task *r = &l.tasks[1];
    EXPECT_STR(r->last_status, "RUNNING");
    EXPECT(r->stop_code == NULL);
    EXPECT(!r->containers[0].has_exit_code);
    EXPECT_INT(r->stopped_at_ms, 0);

    REQUIRE(l.nfailures == 1);
    EXPECT_STR(l.failures[0].reason, "MISSING");
    EXPECT_STR(l.failures[0].arn, "arn:aws:ecs:us-west-2:1:task/c/gone");
    ecs_task_list_cleanup(&l);
    ecs_task_list_cleanup(&l); /* twice is safe */
}

TEST(ecs_run_task_answer_failures_only)
{
    const char *body = "{\"tasks\":[],\"failures\":[{\"reason\":\"RESOURCE:MEMORY\",\"detail\":"
                       "\"no container instance met all of its requirements\"},{\"arn\":\"x\","
                       "\"reason\":\"Capacity is unavailable at this time. Please try again later "
                       "or in a different availability zone\"}]}";
    struct ecs_task_list l;
    REQUIRE(ecs_task_list_parse(body, strlen(body), &l, NULL) == EB_OK);
    EXPECT_INT(l.ntasks, 0);
    REQUIRE(l.nfailures == 2);
    EXPECT_STR(l.failures[0].reason, "RESOURCE:MEMORY");
    EXPECT_CONTAINS(l.failures[0].detail, "requirements");
    EXPECT(l.failures[1].detail == NULL);
    ecs_task_list_cleanup(&l);
}

TEST(ecs_task_list_negative_rows)
{
    static const struct bad_row bad[] = {
        {"not JSON", ANSWER_TASKS, "{\"tasks\":[", EB_ERR_PARSE, "not a JSON object"},
        {"a list", ANSWER_TASKS, "[]", EB_ERR_PARSE, "not a JSON object"},
        {"tasks not a list", ANSWER_TASKS, "{\"tasks\":{}}", EB_ERR_PARSE, "tasks is not a list"},
        {"task not an object", ANSWER_TASKS, "{\"tasks\":[1]}", EB_ERR_PARSE,
         "ECS tasks answer: tasks[0].entry is not an object"},
        {"no taskArn", ANSWER_TASKS, "{\"tasks\":[{\"lastStatus\":\"RUNNING\"}]}", EB_ERR_PARSE,
         "tasks[0].taskArn is missing"},
        {"taskArn a number", ANSWER_TASKS, "{\"tasks\":[{\"taskArn\":5}]}", EB_ERR_PARSE,
         "tasks[0].taskArn is not a string"},
        {"second task's taskArn a number", ANSWER_TASKS,
         "{\"tasks\":[{\"taskArn\":\"a\"},{\"taskArn\":5}]}", EB_ERR_PARSE,
         "tasks[1].taskArn is not a string"},
        {"exitCode a string", ANSWER_TASKS,
         "{\"tasks\":[{\"taskArn\":\"a\",\"containers\":[{\"name\":\"m\",\"exitCode\":\"1\"}]}]}",
         EB_ERR_PARSE,
         "tasks[0].containers[0].exitCode is not an integer"},
        {"exitCode huge", ANSWER_TASKS,
         "{\"tasks\":[{\"taskArn\":\"a\",\"containers\":[{\"exitCode\":1e300}]}]}", EB_ERR_PARSE,
         "exitCode is not an integer"},
        {"createdAt a string", ANSWER_TASKS,
         "{\"tasks\":[{\"taskArn\":\"a\",\"createdAt\":\"2026\"}]}",
         EB_ERR_PARSE, "tasks[0].createdAt is not a timestamp"},
        {"containers an object", ANSWER_TASKS,
         "{\"tasks\":[{\"taskArn\":\"a\",\"containers\":{}}]}",
         EB_ERR_PARSE, "tasks[0].containers is not a list"},
        {"container not an object", ANSWER_TASKS,
         "{\"tasks\":[{\"taskArn\":\"a\",\"containers\":[{},2]}]}", EB_ERR_PARSE,
         "tasks[0].containers[1].entry is not an object"},
        {"failures not a list", ANSWER_TASKS, "{\"tasks\":[],\"failures\":\"MISSING\"}",
         EB_ERR_PARSE, "failures is not a list"},
        {"failure not an object", ANSWER_TASKS, "{\"failures\":[\"MISSING\"]}", EB_ERR_PARSE,
         "ECS tasks answer: failures[0].entry is not an object"},
        {"failure reason a number", ANSWER_TASKS, "{\"failures\":[{\"reason\":1}]}", EB_ERR_PARSE,
         "failures[0].reason is not a string"},
        {"tag key missing", ANSWER_TASKS,
         "{\"tasks\":[{\"taskArn\":\"a\",\"tags\":[{\"value\":\"v\"}]}]}",
         EB_ERR_PARSE, "tags[0].key is missing"},
        {"tags an object", ANSWER_TASKS, "{\"tasks\":[{\"taskArn\":\"a\",\"tags\":{}}]}",
         EB_ERR_PARSE, "tasks[0].tags is not a list"},
        {"tag not an object", ANSWER_TASKS, "{\"tasks\":[{\"taskArn\":\"a\",\"tags\":[\"k\"]}]}",
         EB_ERR_PARSE, "tasks[0].tags[0].entry is not an object"},
        {"tag value a number", ANSWER_TASKS,
         "{\"tasks\":[{\"taskArn\":\"a\",\"tags\":[{\"key\":\"k\",\"value\":1}]}]}", EB_ERR_PARSE,
         "tasks[0].tags[0].value is not a string"},
    };
    s_expect_bad(bad, NROWS(bad));
}

TEST(ecs_stop_task_answer)
{
    const char *body = "{\"task\":{\"taskArn\":\"arn:t/1\",\"lastStatus\":\"RUNNING\","
                       "\"desiredStatus\":\"STOPPED\",\"stoppedReason\":\"job j1 timed out\"}}";
    struct ecs_task t;
    REQUIRE(ecs_stop_task_parse(body, strlen(body), &t, NULL) == EB_OK);
    EXPECT_STR(t.desired_status, "STOPPED");
    EXPECT_STR(t.stopped_reason, "job j1 timed out");
    ecs_task_cleanup(&t);

    static const struct bad_row bad[] = {
        {"no task", ANSWER_STOP, "{}", EB_ERR_PARSE, "ECS StopTask answer: task is missing"},
        {"task a number", ANSWER_STOP, "{\"task\":1}", EB_ERR_PARSE,
         "ECS StopTask answer: task.entry is not an object"},
        {"no taskArn", ANSWER_STOP, "{\"task\":{}}", EB_ERR_PARSE, "task.taskArn is missing"},
        {"container exitCode a string", ANSWER_STOP,
         "{\"task\":{\"taskArn\":\"a\",\"containers\":[{\"exitCode\":\"0\"}]}}", EB_ERR_PARSE,
         "task.containers[0].exitCode is not an integer"},
    };
    s_expect_bad(bad, NROWS(bad));
}

TEST(ecs_taskdef_answer)
{
    const char *body =
        "{\"taskDefinition\":{\"taskDefinitionArn\":\"arn:aws:ecs:us-west-2:1:task-definition/"
        "child:7\",\"family\":\"child\",\"revision\":7,\"status\":\"ACTIVE\",\"containerDefinitions\":"
        "[{\"name\":\"main\",\"image\":\"busybox\",\"logConfiguration\":{\"logDriver\":\"awslogs\","
        "\"options\":{\"awslogs-group\":\"/ecs/child\",\"awslogs-region\":\"us-west-2\","
        "\"awslogs-stream-prefix\":\"ecs\"}}},{\"name\":\"helper\",\"image\":\"x\",\"essential\":"
        "false,\"logConfiguration\":{\"logDriver\":\"json-file\"}}],\"registeredAt\":1795341600.1},"
        "\"tags\":[{\"key\":\"ecsbatch:content-hash\",\"value\":\"abc\"}]}";
    struct ecs_taskdef d;
    REQUIRE(ecs_taskdef_parse(body, strlen(body), &d, NULL) == EB_OK);
    EXPECT_STR(d.arn, "arn:aws:ecs:us-west-2:1:task-definition/child:7");
    EXPECT_STR(d.family, "child");
    EXPECT_INT(d.revision, 7);
    EXPECT_STR(d.status, "ACTIVE");
    REQUIRE(d.ncontainers == 2);
    EXPECT(d.containers[0].essential);
    EXPECT_STR(d.containers[0].log_driver, "awslogs");
    EXPECT_STR(d.containers[0].awslogs_group, "/ecs/child");
    EXPECT_STR(d.containers[0].awslogs_prefix, "ecs");
    EXPECT_STR(d.containers[0].awslogs_region, "us-west-2");
    EXPECT(!d.containers[1].essential);
    EXPECT_STR(d.containers[1].log_driver, "json-file");
    EXPECT(d.containers[1].awslogs_group == NULL);
    EXPECT_STR(ecs_kv_get(d.tags, d.ntags, "ecsbatch:content-hash"), "abc");
    ecs_taskdef_cleanup(&d);


    static const struct bad_row bad[] = {
        {"no taskDefinition", ANSWER_TASKDEF, "{\"tags\":[]}", EB_ERR_PARSE,
         "taskDefinition is missing"},
        {"no arn", ANSWER_TASKDEF, "{\"taskDefinition\":{\"family\":\"x\"}}", EB_ERR_PARSE,
         "taskDefinition.taskDefinitionArn is missing"},
        {"containerDefinitions an object", ANSWER_TASKDEF,
         "{\"taskDefinition\":{\"taskDefinitionArn\":\"a\",\"containerDefinitions\":{}}}",
         EB_ERR_PARSE,
         "taskDefinition.containerDefinitions is not a list"},
        {"container definition not an object", ANSWER_TASKDEF, "{\"taskDefinition\":"
         "{\"taskDefinitionArn\":\"a\",\"containerDefinitions\":[\"m\"]}}", EB_ERR_PARSE,
         "ECS task definition answer: taskDefinition.containerDefinitions[0].entry is not an "
         "object"},
        {"container definition without a name", ANSWER_TASKDEF, "{\"taskDefinition\":"
         "{\"taskDefinitionArn\":\"a\",\"containerDefinitions\":[{\"name\":\"m\"},{}]}}",
         EB_ERR_PARSE, "taskDefinition.containerDefinitions[1].name is missing"},
        {"essential a string", ANSWER_TASKDEF, "{\"taskDefinition\":{\"taskDefinitionArn\":\"a\","
         "\"containerDefinitions\":[{\"name\":\"m\",\"essential\":\"yes\"}]}}", EB_ERR_PARSE,
         "containerDefinitions[0].essential is not a boolean"},
        {"options a list", ANSWER_TASKDEF, "{\"taskDefinition\":{\"taskDefinitionArn\":\"a\","
         "\"containerDefinitions\":[{\"name\":\"m\",\"logConfiguration\":{\"options\":[]}}]}}",
         EB_ERR_PARSE, "logConfiguration.options is not an object"},
        {"group a number", ANSWER_TASKDEF, "{\"taskDefinition\":{\"taskDefinitionArn\":\"a\","
         "\"containerDefinitions\":[{\"name\":\"m\",\"logConfiguration\":{\"options\":"
         "{\"awslogs-group\":1}}}]}}", EB_ERR_PARSE, "options.awslogs-group is not a string"},
        {"tag not an object", ANSWER_TASKDEF, "{\"taskDefinition\":{\"taskDefinitionArn\":\"a\"},"
         "\"tags\":[1]}",
         EB_ERR_PARSE, "ECS task definition answer: tags[0].entry is not an object"},
        {"tag key a number", ANSWER_TASKDEF, "{\"taskDefinition\":{\"taskDefinitionArn\":\"a\"},"
         "\"tags\":[{\"key\":1}]}",
         EB_ERR_PARSE, "ECS task definition answer: tags[0].key is not a string"},
    };
    s_expect_bad(bad, NROWS(bad));
}

TEST(ecs_arn_pages_and_conflict)
{
    const char *body = "{\"taskArns\":[\"a\",\"b\"],\"nextToken\":\"n2\"}";
    struct ecs_arn_page p;
    REQUIRE(ecs_arn_page_parse(body, strlen(body), "taskArns", &p, NULL) == EB_OK);
    EXPECT_INT(p.narns, 2);
    EXPECT_STR(p.arns[1], "b");
    EXPECT_STR(p.next_token, "n2");
    ecs_arn_page_cleanup(&p);
    body = "{\"taskDefinitionArns\":[],\"nextToken\":\"\"}";
    REQUIRE(ecs_arn_page_parse(body, strlen(body), "taskDefinitionArns", &p, NULL) == EB_OK);
    EXPECT_INT(p.narns, 0);
    EXPECT(p.next_token == NULL);
    ecs_arn_page_cleanup(&p);

    body = "{\"__type\":\"ConflictException\",\"message\":\"The specified client token has already "
           "been used in a different request.\",\"resourceIds\":[\"arn:aws:ecs:r:1:task/c/x\"]}";
    char **ids = NULL;
    size_t n = 0;
    REQUIRE(ecs_conflict_parse(body, strlen(body), &ids, &n, NULL) == EB_OK);
    REQUIRE(n == 1);
    EXPECT_STR(ids[0], "arn:aws:ecs:r:1:task/c/x");
    ecs_strv_free(ids, n);
    body = "{\"__type\":\"ConflictException\"}";
    REQUIRE(ecs_conflict_parse(body, strlen(body), &ids, &n, NULL) == EB_OK);
    EXPECT_INT(n, 0);
    ecs_strv_free(ids, n);

    static const struct bad_row bad[] = {
        {"arn a number", ANSWER_TASK_ARNS, "{\"taskArns\":[1]}", EB_ERR_PARSE,
         "taskArns is not a list of strings"},
        {"arns an object", ANSWER_TASK_ARNS, "{\"taskArns\":{}}", EB_ERR_PARSE,
         "ECS list answer: taskArns is not a list"},
        {"nextToken a number", ANSWER_TASK_ARNS, "{\"taskArns\":[],\"nextToken\":5}", EB_ERR_PARSE,
         "ECS list answer: nextToken is not a string"},
        {"conflict not JSON", ANSWER_CONFLICT, "<html>", EB_ERR_PARSE,
         "ECS ConflictException answer is not a JSON object"},
        {"resourceIds a string", ANSWER_CONFLICT, "{\"resourceIds\":\"x\"}", EB_ERR_PARSE,
         "ECS ConflictException answer: resourceIds is not a list"},
        {"resourceId a number", ANSWER_CONFLICT, "{\"resourceIds\":[\"a\",2]}", EB_ERR_PARSE,
         "resourceIds is not a list of strings"},
    };
    s_expect_bad(bad, NROWS(bad));
}

TEST(ecs_clusters_and_instances_answers)
{
    const char *body = "{\"clusters\":[{\"clusterArn\":\"arn:aws:ecs:r:1:cluster/batch\","
                       "\"clusterName\":\"batch\",\"status\":\"ACTIVE\",\"runningTasksCount\":3,"
                       "\"pendingTasksCount\":1,\"registeredContainerInstancesCount\":2,"
                       "\"capacityProviders\":[\"FARGATE\",\"FARGATE_SPOT\"]}],\"failures\":"
                       "[{\"arn\":\"arn:aws:ecs:r:1:cluster/nope\",\"reason\":\"MISSING\"}]}";
    struct ecs_cluster_list cl;
    REQUIRE(ecs_cluster_list_parse(body, strlen(body), &cl, NULL) == EB_OK);
    REQUIRE(cl.nclusters == 1);
    EXPECT_STR(cl.clusters[0].name, "batch");
    EXPECT_INT(cl.clusters[0].running_tasks, 3);
    EXPECT_INT(cl.clusters[0].pending_tasks, 1);
    EXPECT_INT(cl.clusters[0].registered_instances, 2);
    REQUIRE(cl.clusters[0].ncapacity_providers == 2);
    EXPECT_STR(cl.clusters[0].capacity_providers[1], "FARGATE_SPOT");
    EXPECT_STR(cl.failures[0].reason, "MISSING");
    ecs_cluster_list_cleanup(&cl);

    body = "{\"containerInstances\":[{\"containerInstanceArn\":\"arn:ci/1\",\"ec2InstanceId\":"
           "\"i-0a1b\",\"status\":\"ACTIVE\",\"agentConnected\":true,\"runningTasksCount\":4,"
           "\"attributes\":[{\"name\":\"ecs.instance-type\",\"value\":\"g5.xlarge\"},{\"name\":"
           "\"ecs.availability-zone\",\"value\":\"us-west-2b\"}]}],\"failures\":[]}";
    struct ecs_container_instance_list il;
    REQUIRE(ecs_container_instance_list_parse(body, strlen(body), &il, NULL) == EB_OK);
    REQUIRE(il.ninstances == 1);
    EXPECT_STR(il.instances[0].ec2_instance_id, "i-0a1b");
    EXPECT(il.instances[0].agent_connected);
    EXPECT_INT(il.instances[0].running_tasks, 4);
    EXPECT_STR(il.instances[0].instance_type, "g5.xlarge");
    EXPECT_STR(il.instances[0].availability_zone, "us-west-2b");
    ecs_container_instance_list_cleanup(&il);

    static const struct bad_row bad[] = {
        {"no clusterArn", ANSWER_CLUSTERS, "{\"clusters\":[{\"clusterName\":\"x\"}]}", EB_ERR_PARSE,
         "clusters[0].clusterArn is missing"},
        {"cluster not an object", ANSWER_CLUSTERS, "{\"clusters\":[\"batch\"]}", EB_ERR_PARSE,
         "ECS DescribeClusters answer: clusters[0].entry is not an object"},
        {"capacity provider a number", ANSWER_CLUSTERS,
         "{\"clusters\":[{\"clusterArn\":\"a\",\"capacityProviders\":[1]}]}", EB_ERR_PARSE,
         "clusters[0].capacityProviders is not a list of strings"},
        {"count a string", ANSWER_CLUSTERS,
         "{\"clusters\":[{\"clusterArn\":\"a\",\"pendingTasksCount\":\"1\"}]}", EB_ERR_PARSE,
         "clusters[0].pendingTasksCount is not an integer"},
        {"cluster failure not an object", ANSWER_CLUSTERS, "{\"clusters\":[],\"failures\":[1]}",
         EB_ERR_PARSE, "ECS DescribeClusters answer: failures[0].entry is not an object"},
        {"running count a string", ANSWER_INSTANCES,
         "{\"containerInstances\":[{\"containerInstanceArn\":\"a\",\"runningTasksCount\":\"4\"}]}",
         EB_ERR_PARSE, "runningTasksCount is not an integer"},
        {"instance not an object", ANSWER_INSTANCES,
         "{\"containerInstances\":[{\"containerInstanceArn\":\"a\"},[]]}", EB_ERR_PARSE,
         "ECS DescribeContainerInstances answer: containerInstances[1].entry is not an object"},
        {"attributes an object", ANSWER_INSTANCES,
         "{\"containerInstances\":[{\"containerInstanceArn\":\"a\",\"attributes\":{}}]}",
         EB_ERR_PARSE, "containerInstances[0].attributes is not a list"},
        {"instance failure arn a number", ANSWER_INSTANCES, "{\"failures\":[{\"arn\":2}]}",
         EB_ERR_PARSE, "ECS DescribeContainerInstances answer: failures[0].arn is not a string"},
    };
    s_expect_bad(bad, NROWS(bad));
}

/* Name/value pairs: an ENI attachment's details match whatever their casing and only in an
 * ElasticNetworkInterface attachment; instance attributes match exactly; the first one wins. */
TEST(ecs_name_value_details)
{
    const char *body =
        "{\"tasks\":[{\"taskArn\":\"a\",\"attachments\":[{\"type\":\"Other\",\"details\":"
        "[{\"name\":\"subnetId\",\"value\":\"subnet-other\"}]},{\"type\":"
        "\"ElasticNetworkInterface\",\"details\":[{\"name\":\"SUBNETID\",\"value\":"
        "\"subnet-1\"},{\"name\":\"subnetId\",\"value\":\"subnet-2\"},{\"name\":"
        "\"networkInterfaceId\"},{\"name\":\"NetworkInterfaceId\",\"value\":\"eni-1\"}]}]}]}";
    struct ecs_task_list l;
    REQUIRE(ecs_task_list_parse(body, strlen(body), &l, NULL) == EB_OK);
    REQUIRE(l.ntasks == 1);
    EXPECT_STR(l.tasks[0].subnet_id, "subnet-1");
    EXPECT_STR(l.tasks[0].eni_id, "eni-1");
    ecs_task_list_cleanup(&l);

    body = "{\"containerInstances\":[{\"containerInstanceArn\":\"a\",\"attributes\":[{\"name\":"
           "\"ECS.instance-type\",\"value\":\"m5.large\"},{\"name\":\"ecs.availability-zone\"},"
           "{\"name\":\"ecs.instance-type\",\"value\":\"g5.xlarge\"},"
           "{\"name\":\"ecs.instance-type\",\"value\":\"c5.large\"},7]}]}";
    struct ecs_container_instance_list il;
    REQUIRE(ecs_container_instance_list_parse(body, strlen(body), &il, NULL) == EB_OK);
    REQUIRE(il.ninstances == 1);
    EXPECT_STR(il.instances[0].instance_type, "g5.xlarge");
    EXPECT(il.instances[0].availability_zone == NULL);
    ecs_container_instance_list_cleanup(&il);
}

TEST(logs_get_events_answer)
{
    const char *body = "{\"events\":[{\"timestamp\":1795341601000,\"message\":\"hello\","
                       "\"ingestionTime\":1795341601100},{\"timestamp\":1795341602000,\"message\":"
                       "\"line two\\n\"}],\"nextForwardToken\":\"f/00000000000000000002/s\","
                       "\"nextBackwardToken\":\"b/00000000000000000000/s\"}";
    struct logs_page p;
    REQUIRE(logs_get_events_parse(body, strlen(body), &p, NULL) == EB_OK);
    REQUIRE(p.nevents == 2);
    EXPECT_INT(p.events[0].timestamp_ms, 1795341601000LL);
    EXPECT_STR(p.events[0].message, "hello");
    EXPECT_INT(p.events[1].len, 9);
    EXPECT_STR(p.next_forward_token, "f/00000000000000000002/s");
    logs_page_cleanup(&p);
    logs_page_cleanup(&p);


    static const struct bad_row bad[] = {
        {"not JSON", ANSWER_LOGS, "nope", EB_ERR_PARSE, "not a JSON object"},
        {"events an object", ANSWER_LOGS, "{\"events\":{}}", EB_ERR_PARSE, "events is not a list"},
        {"event a string", ANSWER_LOGS, "{\"events\":[\"x\"]}", EB_ERR_PARSE,
         "events[0] is not an object"},
        {"timestamp a string", ANSWER_LOGS,
         "{\"events\":[{\"timestamp\":\"1\",\"message\":\"m\"}]}",
         EB_ERR_PARSE, "events[0].timestamp is not a number"},
        {"message a number", ANSWER_LOGS, "{\"events\":[{\"timestamp\":1,\"message\":2}]}",
         EB_ERR_PARSE, "events[0].message is not a string"},
        {"token a number", ANSWER_LOGS, "{\"events\":[],\"nextForwardToken\":3}", EB_ERR_PARSE,
         "nextForwardToken is not a string"},
    };
    s_expect_bad(bad, NROWS(bad));
}

TEST(ecs_task_id_and_lookups)
{
    EXPECT_STR(ecs_task_id("arn:aws:ecs:us-west-2:1:task/c/abc"), "abc");
    EXPECT_STR(ecs_task_id("abc"), "abc");
    EXPECT(ecs_task_id(NULL) == NULL);
    EXPECT(ecs_kv_get(NULL, 0, "x") == NULL);
}

/* Every seed of the fuzz corpus through the fuzz target: each parser accepts it or refuses it
 * with EB_ERR_PARSE (the target aborts otherwise), and nothing leaks under ASan. */
TEST(ecs_fuzz_seeds_parse_or_refuse)
{
    char *dir = xasprintf("%s/fuzz/corpus/fuzz_ecs_json", unit_data_dir());
    DIR *d = opendir(dir);
    int seeds = 0;
    for (struct dirent *e = d ? readdir(d) : NULL; e; e = readdir(d)) {
        if (e->d_name[0] == '.') {
            continue;
        }
        char *path = xasprintf("%s/%s", dir, e->d_name);
        char *body = NULL;
        size_t len = 0;
        struct eb_error err = {0};
        EXPECT_INT(atomicfile_read(path, &body, &len, &err), EB_OK);
        EXPECT_INT(LLVMFuzzerTestOneInput((const uint8_t *)body, len), 0);
        seeds++;
        free(body);
        free(path);
    }
    if (d) {
        closedir(d);
    }
    free(dir);
    EXPECT(seeds >= 8);
}
