/*
 * RunTask bodies, client tokens, the task-definition hash and the plan
 * document (src/job/runtask.c), on the seed's plan and on plans built here.
 */
#include <stdlib.h>
#include <string.h>

#include "job/load.h"
#include "job/runtask.h"
#include "job/yamljson.h"
#include "unit.h"
#include "util/xalloc.h"

static struct plan *
s_seed_plan(const char *job_id)
{
    char *cat = xasprintf("%s/data/seed/ecsbatch.yaml", unit_data_dir());
    char *job = xasprintf("%s/data/seed/job.json", unit_data_dir());
    struct job_load_options o = {job, cat, job_id, NULL};
    struct plan *p = NULL;
    struct job_problems pr = {NULL, 0};
    if (job_load(&o, &p, &pr, NULL) != EB_OK) {
        job_problems_print(&pr, stderr);
    }
    job_problems_cleanup(&pr);
    free(cat);
    free(job);
    return p;
}

TEST(job_client_token_determinism_and_charset)
{
    struct plan *p = s_seed_plan("tok");
    REQUIRE(p);
    char a[65], b[65], c[65];
    runtask_client_token(p, 0, 1, 1, a);
    runtask_client_token(p, 0, 1, 1, b);
    EXPECT_STR(a, b);
    EXPECT(strlen(a) <= 64);
    EXPECT_INT(strspn(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-"), strlen(a));
    /* every input changes it */
    static const int rows[][3] = {{1, 1, 1}, {0, 2, 1}, {0, 1, 2}, {10, 1, 1}, {1, 0, 1}};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        runtask_client_token(p, rows[i][0], rows[i][1], rows[i][2], c);
        EXPECT(strcmp(a, c) != 0);
    }
    /* task 1 attempt 11 must not collide with task 11 attempt 1 */
    runtask_client_token(p, 1, 11, 1, b);
    runtask_client_token(p, 11, 1, 1, c);
    EXPECT(strcmp(b, c) != 0);
    struct plan *q = s_seed_plan("tok2");
    REQUIRE(q);
    runtask_client_token(q, 0, 1, 1, c);
    EXPECT(strcmp(a, c) != 0);
    plan_free(q);
    plan_free(p);
}

TEST(job_runtask_request_shape)
{
    struct plan *p = s_seed_plan("shape");
    REQUIRE(p);
    struct runtask_context ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.task_definition = "batch-job-template:7";
    ctx.assign_public_ip = 0;
    cJSON *req = runtask_request(p, &ctx, 1, 2, 3, 0);
    REQUIRE(req);
    EXPECT_STR(cJSON_GetObjectItem(req, "cluster")->valuestring, "my-fargate-cluster");
    EXPECT_STR(cJSON_GetObjectItem(req, "taskDefinition")->valuestring, "batch-job-template:7");
    EXPECT_INT(cJSON_GetObjectItem(req, "count")->valueint, 1);
    EXPECT_STR(cJSON_GetObjectItem(req, "startedBy")->valuestring, "ecsbatch-job-shape-1");
    char tok[65];
    runtask_client_token(p, 1, 2, 3, tok);
    EXPECT_STR(cJSON_GetObjectItem(req, "clientToken")->valuestring, tok);
    EXPECT_STR(cJSON_GetObjectItem(req, "launchType")->valuestring, "FARGATE");
    const cJSON *aws = cJSON_GetObjectItem(cJSON_GetObjectItem(req, "networkConfiguration"),
                                           "awsvpcConfiguration");
    EXPECT_INT(cJSON_GetArraySize(cJSON_GetObjectItem(aws, "subnets")), 2);
    EXPECT_STR(cJSON_GetObjectItem(aws, "assignPublicIp")->valuestring, "DISABLED");
    const cJSON *ov = cJSON_GetObjectItem(req, "overrides");
    EXPECT_STR(cJSON_GetObjectItem(ov, "cpu")->valuestring, "256");
    EXPECT_STR(cJSON_GetObjectItem(ov, "memory")->valuestring, "512");
    const cJSON *co = cJSON_GetArrayItem(cJSON_GetObjectItem(ov, "containerOverrides"), 0);
    EXPECT_STR(cJSON_GetObjectItem(co, "name")->valuestring, "main");
    const cJSON *env = cJSON_GetObjectItem(co, "environment");
    int n = cJSON_GetArraySize(env);
    const cJSON *last = cJSON_GetArrayItem(env, n - 1);
    EXPECT_STR(cJSON_GetObjectItem(last, "name")->valuestring, "TASK_NAME");
    EXPECT_STR(cJSON_GetObjectItem(last, "value")->valuestring, "ecsbatch-job-shape-1");
    const cJSON *att = cJSON_GetArrayItem(env, n - 3);
    EXPECT_STR(cJSON_GetObjectItem(att, "name")->valuestring, "ECSBATCH_ATTEMPT");
    EXPECT_STR(cJSON_GetObjectItem(att, "value")->valuestring, "2");
    const cJSON *tags = cJSON_GetObjectItem(req, "tags");
    EXPECT_INT(cJSON_GetArraySize(tags), 3);
    EXPECT_STR(cJSON_GetObjectItem(cJSON_GetArrayItem(tags, 0), "key")->valuestring, "ecsbatch:job-id");
    EXPECT_STR(cJSON_GetObjectItem(cJSON_GetArrayItem(tags, 2), "value")->valuestring, "2");
    EXPECT(cJSON_GetObjectItem(req, "propagateTags") == NULL);
    char *text = cJSON_PrintUnformatted(ov);
    EXPECT(strlen(text) <= 8192);
    free(text);
    cJSON_Delete(req);

    /* inherited: nothing of the cluster in the plan, the context supplies it */
    free(p->cluster_name);
    p->cluster_name = NULL;
    free(p->launch_type);
    p->launch_type = NULL;
    ctx.cluster = "inherited-cluster";
    ctx.launch_type = "FARGATE_SPOT";
    req = runtask_request(p, &ctx, 0, 1, 1, 0);
    EXPECT_STR(cJSON_GetObjectItem(req, "cluster")->valuestring, "inherited-cluster");
    EXPECT(cJSON_GetObjectItem(req, "launchType") == NULL);
    const cJSON *cps = cJSON_GetArrayItem(cJSON_GetObjectItem(req, "capacityProviderStrategy"), 0);
    EXPECT_STR(cJSON_GetObjectItem(cps, "capacityProvider")->valuestring, "FARGATE_SPOT");
    cJSON_Delete(req);
    plan_free(p);
}

TEST(job_taskdef_hash_stable)
{
    struct plan *p = s_seed_plan("h1");
    struct plan *q = s_seed_plan("h2");
    REQUIRE(p && q);
    char a[65], b[65];
    runtask_taskdef_hash(p, a);
    runtask_taskdef_hash(q, b);
    EXPECT_STR(a, b); /* the job id is not part of the task definition */
    EXPECT_INT(strlen(a), 64);
    /* key order does not matter, content does */
    cJSON *family = cJSON_DetachItemFromObject(q->taskdef, "family");
    cJSON_AddItemToObject(q->taskdef, "family", family);
    runtask_taskdef_hash(q, b);
    EXPECT_STR(a, b);
    cJSON_ReplaceItemInObject(q->taskdef, "family", cJSON_CreateString("other"));
    runtask_taskdef_hash(q, b);
    EXPECT(strcmp(a, b) != 0);
    plan_free(p);
    plan_free(q);
}

TEST(job_plan_document_masks_secrets)
{
    struct plan *p = s_seed_plan("mask");
    REQUIRE(p);
    /* a secret-looking variable in an override and in the template */
    struct plan_override *o = &p->overrides[0];
    o->env = xrealloc(o->env, (o->nenv + 1) * sizeof *o->env);
    o->env[o->nenv].name = xstrdup("DB_PASSWORD");
    o->env[o->nenv].value = xstrdup("hunter2");
    o->nenv++;
    cJSON *c0 = cJSON_GetArrayItem(cJSON_GetObjectItem(p->taskdef, "containerDefinitions"), 0);
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "name", "api_token");
    cJSON_AddStringToObject(e, "value", "s3cr3t-value");
    cJSON_AddItemToArray(cJSON_GetObjectItem(c0, "environment"), e);

    cJSON *doc = runtask_plan_document(p, NULL);
    char *text = cJSON_PrintUnformatted(doc);
    EXPECT(strstr(text, "hunter2") == NULL);
    EXPECT(strstr(text, "s3cr3t-value") == NULL);
    EXPECT_CONTAINS(text, "\"name\":\"DB_PASSWORD\",\"value\":\"****\"");
    EXPECT_CONTAINS(text, "\"name\":\"api_token\",\"value\":\"****\"");
    EXPECT_CONTAINS(text, "\"name\":\"DATA_SOURCE\",\"value\":\"s3://my-bucket/data/\"");
    EXPECT_CONTAINS(text, "\"schema\":\"ecsbatch.plan/1\"");
    EXPECT_CONTAINS(text, "\"region\":\"(inherited from the launcher's task)\"");
    EXPECT_INT(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "tasks")), 2);
    free(text);
    cJSON_Delete(doc);
    /* the real request is not masked */
    cJSON *req = runtask_request(p, NULL, 0, 1, 1, 0);
    text = cJSON_PrintUnformatted(req);
    EXPECT_CONTAINS(text, "hunter2");
    free(text);
    cJSON_Delete(req);
    plan_free(p);
}

TEST(job_yamljson_scalars)
{
    static const struct {
        const char *yaml;
        const char *json; /* the tree printed */
    } rows[] = {
        {"a: 1\nb: 1.50\nc: \"1\"\nd: true\ne: ~\nf: 0.0.1\ng: yes\n",
         "{\"a\":1,\"b\":1.5,\"c\":\"1\",\"d\":true,\"e\":null,\"f\":\"0.0.1\",\"g\":\"yes\"}"},
        {"- &x {k: v}\n- *x\n", "[{\"k\":\"v\"},{\"k\":\"v\"}]"},
        {"{\"a\": [1, 2]}", "{\"a\":[1,2]}"},
        {"{a: 1}", "{\"a\":1}"},
        {"text: |\n  line1\n  line2\n", "{\"text\":\"line1\\nline2\\n\"}"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct eb_error err;
        cJSON *t = yamljson_parse(rows[i].yaml, strlen(rows[i].yaml), "x", &err);
        REQUIRE(t);
        char *text = cJSON_PrintUnformatted(t);
        EXPECT_STR(text, rows[i].json);
        free(text);
        if (i == 0) {
            char tmp[32];
            EXPECT_STR(yamljson_scalar_text(cJSON_GetObjectItem(t, "b"), tmp, sizeof tmp), "1.50");
        }
        cJSON_Delete(t);
    }
    static const struct {
        const char *text, *want;
    } bad[] = {
        {"a: 1\na: 2\n", "x: line 2 column 1: duplicate key \"a\""},
        {"a: [1\n", "x: line"},
        {"", "x: the document is empty"},
        {"{\"a\": [1, 2}", "x: line 1 column 12: not valid JSON"},
        {"? [a]\n: 1\n", "a mapping key must be a plain value"},
        {"a: *nope\n", "unknown (or unfinished) anchor"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct eb_error err;
        err_clear(&err);
        cJSON *t = yamljson_parse(bad[i].text, strlen(bad[i].text), "x", &err);
        EXPECT(t == NULL);
        EXPECT_INT(err.code, EB_ERR_INVALID);
        EXPECT_CONTAINS(err.msg, bad[i].want);
        cJSON_Delete(t);
    }
    /* an alias bomb stays bounded */
    const char *bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
                       "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
                       "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n";
    struct eb_error err;
    cJSON *t = yamljson_parse(bomb, strlen(bomb), "x", &err);
    EXPECT(t == NULL);
    EXPECT_CONTAINS(err.msg, "too many nodes");
}
