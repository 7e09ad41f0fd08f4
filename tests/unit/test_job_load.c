/*
 * Loading jobs (src/job: load, catalogue, context, merge, validate, plan):
 * the seed's documents give the seed's environment, precedence, selection,
 * every validation problem naming file, field and value, YAML = JSON.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "job/load.h"
#include "job/plan.h"
#include "job/runtask.h"
#include "unit.h"
#include "util/buf.h"
#include "util/xalloc.h"

struct tload {
    int rc;
    struct plan *plan;
    struct job_problems pr;
    char *all; /* every problem, one per line */
    struct eb_error err;
};

static char *
s_tmpdir(void)
{
    char *dir = xstrdup("/tmp/eb-unit-job-XXXXXX");
    if (!mkdtemp(dir)) {
        abort();
    }
    return dir;
}

static char *
s_write(const char *dir, const char *name, const char *text)
{
    char *path = xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        abort();
    }
    fputs(text, f);
    fclose(f);
    return path;
}

static void
s_load(struct tload *t, const char *config, const char *job, const char *job_id)
{
    memset(t, 0, sizeof *t);
    struct job_load_options o = {job, config, job_id, NULL};
    t->rc = job_load(&o, &t->plan, &t->pr, &t->err);
    struct eb_buf b = EB_BUF_INIT;
    for (size_t i = 0; i < t->pr.n; i++) {
        (void)buf_printf(&b, "%s\n", t->pr.v[i]);
    }
    t->all = buf_steal(&b);
}

static void
s_done(struct tload *t)
{
    plan_free(t->plan);
    job_problems_cleanup(&t->pr);
    free(t->all);
}

static char *
s_seed(const char *name)
{
    return xasprintf("%s/data/seed/%s", unit_data_dir(), name);
}

/* The names and values of a container's environment, "A=1 B=2 ...". */
static char *
s_env_text(const struct plan *p, const char *container, int index)
{
    size_t n = 0;
    struct plan_env *env = plan_container_env(p, container, index, 1, 0, &n);
    struct eb_buf b = EB_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        (void)buf_printf(&b, "%s%s=%s", i ? " " : "", env[i].name, env[i].value);
    }
    plan_env_free(env, n);
    return buf_steal(&b);
}

TEST(job_seed_complete_example)
{
    char *cat = s_seed("ecsbatch.yaml"), *job = s_seed("job.json");
    struct tload t;
    s_load(&t, cat, job, "abc123");
    EXPECT_INT(t.rc, EB_OK);
    if (t.all[0]) {
        fprintf(stderr, "%s", t.all);
    }
    REQUIRE(t.plan);
    const struct plan *p = t.plan;
    EXPECT_STR(p->job_id, "abc123");
    EXPECT_STR(p->name, "run-batch-job");
    EXPECT_STR(p->version, "0.0.1");
    EXPECT_STR(p->command_name, "ecs-batch-job-0.0.1");
    EXPECT_STR(p->cluster_entry, "fargate-cluster");
    EXPECT_INT(p->task_count, 2);
    EXPECT_INT(p->polling_interval_ms, 30000);
    EXPECT_INT(p->timeout_ms, 3600000);
    EXPECT_INT(p->status_interval_ms, 30000);
    EXPECT_INT(p->max_fail_count, 3);
    EXPECT_INT(p->max_spot_attempts, 5);
    EXPECT_INT(p->cpu, 256);
    EXPECT_INT(p->memory, 512);
    EXPECT_INT(p->log_fetch, LOG_FETCH_FAILED);
    EXPECT_STR(p->task_name_prefix, "ecsbatch");
    EXPECT_STR(p->cluster_name, "my-fargate-cluster");
    EXPECT_STR(p->launch_type, "FARGATE");
    EXPECT_INT(p->nsubnets, 2);
    EXPECT_STR(p->subnets[1], "subnet-87654321");
    EXPECT_INT(p->nsecurity_groups, 1);
    EXPECT_INT(p->assign_public_ip, -1);
    EXPECT(p->region == NULL);
    EXPECT_STR(p->essential_container, "main");
    EXPECT(!p->taskdef_self);
    EXPECT_CONTAINS(p->taskdef_source, "data/seed/task-definition.json");
    EXPECT_STR(p->execution_role_arn, "arn:aws:iam::123456789012:role/ecsTaskExecutionRole");
    /* the seed: ENVIRONMENT, LOG_LEVEL (template), CUSTOM_VAR (command), DATA_SOURCE (job),
     * the automatic variables, TASK_NAME last */
    char *env = s_env_text(p, "main", 1);
    EXPECT_STR(env, "ENVIRONMENT=production LOG_LEVEL=info CUSTOM_VAR=custom_value "
                    "DATA_SOURCE=s3://my-bucket/data/ TASK_NUM=1 ECSBATCH_JOB_ID=abc123 "
                    "ECSBATCH_ATTEMPT=1 ECSBATCH_DEADLINE=1970-01-01T00:00:00Z "
                    "TASK_NAME=ecsbatch-job-abc123-1");
    free(env);
    char *name = plan_task_name(p, 0);
    EXPECT_STR(name, "ecsbatch-job-abc123-0");
    free(name);
    char **argv = plan_container_argv(p, "main");
    REQUIRE(argv);
    EXPECT_STR(argv[0], "sh");
    EXPECT_STR(argv[2], "echo \"Task name: $TASK_NAME\" && exit 0");
    EXPECT(argv[3] == NULL);
    plan_argv_free(argv);
    /* the merged template: task-level sizes as strings */
    EXPECT_STR(cJSON_GetObjectItemCaseSensitive(p->taskdef, "cpu")->valuestring, "256");
    s_done(&t);
    free(cat);
    free(job);
}

TEST(job_seed_custom_variables_example)
{
    char *cat = s_seed("env-example.yaml"), *job = s_seed("env-example-job.json");
    struct tload t;
    s_load(&t, cat, job, NULL);
    EXPECT_INT(t.rc, EB_OK);
    REQUIRE(t.plan);
    EXPECT_STR(t.plan->job_id, "abc123");
    size_t n = 0;
    struct plan_env *env = plan_container_env(t.plan, "main", 0, 1, 0, &n);
    /* "Final Environment Variables" of the seed, in its order, TASK_NAME last */
    static const char *const want[][2] = {{"ENVIRONMENT", "production"},
                                          {"LOG_LEVEL", "info"},
                                          {"CUSTOM_VAR", "custom_value"},
                                          {"ANOTHER_VAR", "another_value"}};
    REQUIRE(n == 9);
    for (size_t i = 0; i < 4; i++) {
        EXPECT_STR(env[i].name, want[i][0]);
        EXPECT_STR(env[i].value, want[i][1]);
    }
    EXPECT_STR(env[n - 1].name, "TASK_NAME");
    EXPECT_STR(env[n - 1].value, "heimdall-job-abc123-0");
    plan_env_free(env, n);
    s_done(&t);
    free(cat);
    free(job);
}

TEST(job_seed_submission_and_yaml_equivalence)
{
    char *cat = s_seed("ecsbatch.yaml"), *json = s_seed("job.json"), *yaml = s_seed("job.yaml");
    struct tload a, b;
    s_load(&a, cat, json, "same");
    s_load(&b, cat, yaml, "same");
    REQUIRE(a.plan && b.plan);
    cJSON *da = runtask_plan_document(a.plan, NULL);
    cJSON *db = runtask_plan_document(b.plan, NULL);
    cJSON_DeleteItemFromObjectCaseSensitive(da, "job_source");
    cJSON_DeleteItemFromObjectCaseSensitive(db, "job_source");
    EXPECT(cJSON_Compare(da, db, 1));
    cJSON_Delete(da);
    cJSON_Delete(db);
    s_done(&a);
    s_done(&b);
    /* the seed's first job submission: command replaced, BATCH_SIZE added */
    char *sub = s_seed("job-submission.json");
    s_load(&a, cat, sub, "sub1");
    REQUIRE(a.plan);
    char **argv = plan_container_argv(a.plan, "main");
    REQUIRE(argv);
    EXPECT_STR(argv[0], "/usr/local/bin/process-data.sh");
    EXPECT(argv[1] == NULL);
    plan_argv_free(argv);
    char *env = s_env_text(a.plan, "main", 0);
    EXPECT_CONTAINS(env, "CUSTOM_VAR=custom_value DATA_SOURCE=s3://my-bucket/data/ BATCH_SIZE=1000 TASK_NUM=0");
    free(env);
    s_done(&a);
    free(sub);
    free(cat);
    free(json);
    free(yaml);
}

/* --- made-up catalogues --------------------------------------------------------------------- */

static const char *s_td =
    "{\"family\": \"fam\", \"cpu\": \"256\", \"memory\": \"512\", \"containerDefinitions\": ["
    "{\"name\": \"side\", \"image\": \"busybox\", \"essential\": false,"
    " \"environment\": [{\"name\": \"SIDE\", \"value\": \"1\"}]},"
    "{\"name\": \"main\", \"image\": \"alpine\", \"entryPoint\": [\"/bin/sh\", \"-c\"],"
    " \"command\": [\"echo hi\"],"
    " \"environment\": [{\"name\": \"A\", \"value\": \"t\"}, {\"name\": \"B\", \"value\": \"t\"}]}]}";

/* A catalogue with command "cmd" (tags type:ecs, cluster_tags type:fargate) and cluster "cl",
 * with extra YAML lines (indented 6) in each context. */
static char *
s_catalogue(const char *cmd_extra, const char *cl_extra)
{
    return xasprintf("commands:\n"
                     "  - name: off\n"
                     "    status: inactive\n"
                     "    context: {task_definition_template: nowhere.json}\n"
                     "    tags: [type:ecs]\n"
                     "  - name: cmd\n"
                     "    status: active\n"
                     "    context:\n"
                     "      task_definition_template: td.json\n"
                     "%s"
                     "    tags: [type:ecs, team:x]\n"
                     "    cluster_tags: [type:fargate]\n"
                     "clusters:\n"
                     "  - name: other\n"
                     "    status: active\n"
                     "    tags: [type:ec2]\n"
                     "  - name: cl\n"
                     "    status: active\n"
                     "    context:\n"
                     "%s"
                     "    tags: [type:fargate, data:prod]\n",
                     cmd_extra ? cmd_extra : "",
                     cl_extra ? cl_extra : "      launch_type: FARGATE\n");
}

struct tcase {
    char *dir, *cat, *job;
};

static void
s_case(struct tcase *c, const char *cmd_extra, const char *cl_extra, const char *job, const char *td)
{
    c->dir = s_tmpdir();
    char *text = s_catalogue(cmd_extra, cl_extra);
    c->cat = s_write(c->dir, "cat.yaml", text);
    free(text);
    free(s_write(c->dir, "td.json", td ? td : s_td));
    c->job = s_write(c->dir, "job.json",
                     job ? job : "{\"name\": \"j\", \"command_criteria\": [\"type:ecs\"]}");
}

static void
s_case_done(struct tcase *c)
{
    char *cmd = xasprintf("rm -rf '%s'", c->dir);
    if (system(cmd) != 0) {
        fprintf(stderr, "cannot remove %s\n", c->dir);
    }
    free(cmd);
    free(c->dir);
    free(c->cat);
    free(c->job);
}

TEST(job_precedence_job_over_command_over_template)
{
    struct tcase c;
    s_case(&c,
           "      task_count: 3\n"
           "      timeout: 2h\n"
           "      polling_interval: 20ms\n"
           "      container_overrides:\n"
           "        - name: main\n"
           "          command: [echo, command]\n"
           "          environment:\n"
           "            - {name: B, value: command}\n"
           "            - {name: C, value: command}\n"
           "            - {name: D, value: 42}\n",
           NULL,
           "{\"command_criteria\": [\"type:ecs\"], \"context\": {\"task_count\": 2,"
           " \"container_overrides\": [{\"name\": \"main\", \"command\": [\"echo\", \"job\"],"
           " \"environment\": [{\"name\": \"C\", \"value\": \"job\"}, {\"name\": \"A\", \"value\": \"job\"},"
           " {\"name\": \"E\", \"value\": \"job\"}]}]}}",
           NULL);
    struct tload t;
    s_load(&t, c.cat, c.job, "prec");
    if (t.all[0]) {
        fprintf(stderr, "%s", t.all);
    }
    REQUIRE(t.plan);
    EXPECT_INT(t.plan->task_count, 2);          /* job */
    EXPECT_INT(t.plan->timeout_ms, 7200000);    /* command */
    EXPECT_INT(t.plan->polling_interval_ms, 20);
    char *env = s_env_text(t.plan, "main", 0);
    EXPECT_CONTAINS(env, "A=job B=command C=job D=42 E=job TASK_NUM=0");
    free(env);
    char **argv = plan_container_argv(t.plan, "main");
    REQUIRE(argv);
    /* entryPoint kept, command replaced by the job's */
    EXPECT_STR(argv[0], "/bin/sh");
    EXPECT_STR(argv[2], "echo");
    EXPECT_STR(argv[3], "job");
    EXPECT(argv[4] == NULL);
    plan_argv_free(argv);
    env = s_env_text(t.plan, "side", 0);
    EXPECT(strncmp(env, "SIDE=1 TASK_NUM=0", 17) == 0);
    free(env);
    EXPECT_STR(t.plan->essential_container, "main");
    s_done(&t);
    s_case_done(&c);
}

TEST(job_selection)
{
    static const struct {
        const char *job;
        const char *want_problem; /* NULL = selects cmd / cl */
    } rows[] = {
        {"{\"command_criteria\": [\"type:ecs\"]}", NULL},
        {"{\"command_criteria\": [\"type:ecs\", \"team:x\"], \"cluster_criteria\": [\"data:prod\"]}", NULL},
        {"{\"command_criteria\": [\"type:ecs\", \"team:y\"]}",
         "command_criteria: [\"type:ecs\", \"team:y\"]: no active command"},
        {"{\"command_criteria\": [\"type:ecs\"], \"cluster_criteria\": [\"data:dev\"]}",
         "cluster_criteria: [\"data:dev\"] with the cluster_tags [\"type:fargate\"] of command cmd: "
         "no active cluster"},
        {"{\"command_criteria\": \"type:ecs\"}", "command_criteria: \"type:ecs\" must be a list of tags"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct tcase c;
        s_case(&c, NULL, NULL, rows[i].job, NULL);
        struct tload t;
        s_load(&t, c.cat, c.job, "sel");
        if (!rows[i].want_problem) {
            EXPECT_INT(t.rc, EB_OK);
            REQUIRE(t.plan);
            EXPECT_STR(t.plan->command_name, "cmd");
            EXPECT_STR(t.plan->cluster_entry, "cl");
        } else {
            EXPECT_INT(t.rc, EB_ERR_INVALID);
            EXPECT_CONTAINS(t.all, rows[i].want_problem);
            EXPECT_CONTAINS(t.all, "job.json: ");
        }
        s_done(&t);
        s_case_done(&c);
    }
}

/* Every validation problem names the file, the field and the value. */
TEST(job_validation_rows)
{
    static const struct {
        const char *cmd_extra, *cl_extra, *job, *td;
        const char *want; /* a part of the problem */
    } rows[] = {
        {"      task_count: 0\n", NULL, NULL, NULL, "cat.yaml: commands[1].context.task_count: 0 must be between 1 and 10000"},
        {NULL, NULL, "{\"command_criteria\": [\"type:ecs\"], \"context\": {\"task_count\": -2}}", NULL,
         "job.json: context.task_count: -2 must be between 1 and 10000"},
        {"      task_count: 11\n", "      launch_type: FARGATE\n      max_task_count: 10\n", NULL, NULL,
         "cat.yaml: commands[1].context.task_count: 11 is more than the cluster's max_task_count 10 "
         "(/"},
        {"      task_count: two\n", NULL, NULL, NULL, "commands[1].context.task_count: \"two\" must be an integer"},
        {"      cpu: 8192\n      memory: 16384\n", "      launch_type: FARGATE\n      max_cpu: 4096\n", NULL, NULL,
         "cat.yaml: commands[1].context.cpu: 8192 is more than the cluster's max_cpu 4096"},
        {"      memory: 2048\n", "      launch_type: EC2\n      max_memory: 1024\n", NULL, NULL,
         "cat.yaml: commands[1].context.memory: 2048 is more than the cluster's max_memory 1024"},
        {"      cpu: 256\n      memory: 4096\n", NULL, NULL, NULL,
         "cat.yaml: commands[1].context.memory: 4096 is not a valid Fargate memory for cpu 256"},
        {"      cpu: 1024\n", "      launch_type: FARGATE_SPOT\n", NULL, NULL,
         "td.json: memory: 512 is not a valid Fargate memory for cpu 1024"},
        {"      cpu: 300\n      memory: 1024\n", NULL, NULL, NULL,
         "cat.yaml: commands[1].context.cpu: 300 is not a Fargate cpu size"},
        {"      disk: 10\n", NULL, NULL, NULL, "cat.yaml: commands[1].context.disk: 10 GiB is out of range"},
        {"      disk: 201\n", NULL, NULL, NULL, "commands[1].context.disk: 201 GiB is out of range"},
        {"      disk: 50\n", "      launch_type: EC2\n", NULL, NULL,
         "commands[1].context.disk: 50 GiB: ephemeral storage can be sized on Fargate only"},
        {"      disk: -1\n", NULL, NULL, NULL, "commands[1].context.disk: -1 must be 0 or more"},
        {"      gpu: 1\n", NULL, NULL, NULL, "commands[1].context.gpu: 1 GPUs asked for, but Fargate has no GPUs"},
        {"      machine_type: g5.xlarge\n", NULL, NULL, NULL,
         "commands[1].context.machine_type: \"g5.xlarge\": Fargate does not choose instance types"},
        {"      timeout: 90x\n", NULL, NULL, NULL, "cat.yaml: commands[1].context.timeout: \"90x\" is not a duration"},
        {NULL, NULL, "{\"command_criteria\": [\"type:ecs\"], \"context\": {\"polling_interval\": 30}}", NULL,
         "job.json: context.polling_interval: 30 is not a duration"},
        {"      status_interval: 0s\n", NULL, NULL, NULL, "commands[1].context.status_interval: \"0s\" must be longer than 0s"},
        {"      max_fail_count: -1\n", NULL, NULL, NULL, "commands[1].context.max_fail_count: -1 must be 0 or more"},
        {"      max_spot_attempts: -3\n", NULL, NULL, NULL, "commands[1].context.max_spot_attempts: -3 must be 0 or more"},
        {"      log_fetch: some\n", NULL, NULL, NULL, "commands[1].context.log_fetch: \"some\" must be failed, all or none"},
        {"      task_name_prefix: a b\n", NULL, NULL, NULL, "commands[1].context.task_name_prefix: \"a b\" must be"},
        {"      tiemout: 1h\n", NULL, NULL, NULL, "cat.yaml: commands[1].context.tiemout: unknown field"},
        {NULL, "      launch_type: LAMBDA\n", NULL, NULL,
         "cat.yaml: clusters[1].context.launch_type: \"LAMBDA\" must be FARGATE, FARGATE_SPOT, EC2 or MANAGED_INSTANCES"},
        {NULL, "      launch_type: EC2\n      capacity_provider_strategy: [{capacityProvider: x}]\n", NULL, NULL,
         "use one of launch_type and capacity_provider_strategy"},
        {NULL, "      vpc_config: {subnets: subnet-1}\n", NULL, NULL,
         "clusters[1].context.vpc_config.subnets: \"subnet-1\" must be a list of strings"},
        {NULL, "      vpc_config: {assign_public_ip: maybe}\n", NULL, NULL,
         "clusters[1].context.vpc_config.assign_public_ip: \"maybe\" must be true, false, ENABLED or DISABLED"},
        {NULL, NULL, "{\"id\": \"bad id!\", \"command_criteria\": [\"type:ecs\"]}", NULL,
         "job.json: id: \"bad id!\" is not a job id"},
        {NULL, NULL, "{\"command_criteria\": [\"type:ecs\"], \"context\": {\"container_overrides\": "
         "[{\"name\": \"nope\"}]}}", NULL, "\"nope\" is not a container of the template"},
        {NULL, NULL, "{\"command_criteria\": [\"type:ecs\"], \"context\": {\"container_overrides\": "
         "[{\"name\": \"main\", \"command\": \"echo\"}]}}", NULL,
         "job.json: context.container_overrides[0].command: \"echo\" must be a list of strings"},
        {NULL, NULL, "{\"command_criteria\": [\"type:ecs\"], \"context\": {\"container_overrides\": "
         "[{\"command\": [\"x\"]}]}}", NULL, "job.json: context.container_overrides[0].name: (missing) must be"},
        {NULL, NULL, NULL, "{\"family\": \"f\"}", "td.json: containerDefinitions: (missing) must be a non-empty list"},
        {NULL, NULL, NULL, "[1, 2]", "td.json: [1,2] is not a task definition"},
        {NULL, NULL, NULL, "{\"family\": \"f\", \"containerDefinitions\": [{\"name\": \"main\"}]}",
         "td.json: containerDefinitions[0].image: (missing) must be a non-empty string"},
        {NULL, NULL, NULL, "{\"family\": \"f\", \"containerDefinitions\": [{\"image\": \"x\", \"essential\": true}]}",
         "td.json: containerDefinitions[0].name: (missing)"},
        {NULL, NULL, NULL,
         "{\"family\": \"f\", \"cpu\": \"256\", \"memory\": \"512\", \"containerDefinitions\": "
         "[{\"name\": \"main\", \"image\": \"x\", \"essential\": false}]}",
         "td.json: containerDefinitions: no essential container"},
        {NULL, NULL, NULL, "{\"containerDefinitions\": [{\"name\": \"m\", \"image\": \"x\"}]}",
         "td.json: family: (missing) must be"},
        {NULL, NULL, NULL, "{not json", "td.json: line 1 column"},
        {NULL, "      launch_type: FARGATE\n", NULL,
         "{\"family\": \"f\", \"containerDefinitions\": [{\"name\": \"main\", \"image\": \"x\"}]}",
         "Fargate needs task-level cpu and memory"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct tcase c;
        s_case(&c, rows[i].cmd_extra, rows[i].cl_extra, rows[i].job, rows[i].td);
        struct tload t;
        s_load(&t, c.cat, c.job, NULL);
        EXPECT_INT(t.rc, EB_ERR_INVALID);
        EXPECT(t.plan == NULL);
        EXPECT_CONTAINS(t.all, rows[i].want);
        if (!strstr(t.all, rows[i].want)) {
            fprintf(stderr, "row %zu: got:\n%s", i, t.all);
        }
        EXPECT_CONTAINS(t.err.msg, "problem");
        s_done(&t);
        s_case_done(&c);
    }
}

TEST(job_validation_reports_every_problem)
{
    struct tcase c;
    s_case(&c, "      task_count: 0\n      timeout: soon\n      log_fetch: x\n",
           "      launch_type: FARGATE\n      max_cpu: -5\n",
           "{\"id\": \"a/b\", \"command_criteria\": [\"type:ecs\"], \"context\": {\"disk\": 500}}", NULL);
    struct tload t;
    s_load(&t, c.cat, c.job, NULL);
    EXPECT_INT(t.rc, EB_ERR_INVALID);
    EXPECT_CONTAINS(t.all, "task_count: 0");
    EXPECT_CONTAINS(t.all, "timeout: \"soon\"");
    EXPECT_CONTAINS(t.all, "log_fetch: \"x\"");
    EXPECT_CONTAINS(t.all, "max_cpu: -5");
    EXPECT_CONTAINS(t.all, "id: \"a/b\"");
    EXPECT_CONTAINS(t.all, "job.json: context.disk: 500 GiB");
    EXPECT(t.pr.n >= 6);
    s_done(&t);
    s_case_done(&c);
}

TEST(job_id_sources)
{
    struct tcase c;
    s_case(&c, NULL, NULL, "{\"id\": \"doc-id\", \"command_criteria\": [\"type:ecs\"]}", NULL);
    struct tload t;
    s_load(&t, c.cat, c.job, "cli_id");
    REQUIRE(t.plan);
    EXPECT_STR(t.plan->job_id, "cli_id");
    s_done(&t);
    s_load(&t, c.cat, c.job, NULL);
    REQUIRE(t.plan);
    EXPECT_STR(t.plan->job_id, "doc-id");
    s_done(&t);
    s_load(&t, c.cat, c.job, "x y");
    EXPECT_INT(t.rc, EB_ERR_INVALID);
    EXPECT_CONTAINS(t.all, "--job-id (or ECSBATCH_JOB_ID): \"x y\" is not a job id");
    s_done(&t);
    char *long_id = xasprintf("%065d", 1);
    s_load(&t, c.cat, c.job, long_id);
    EXPECT_INT(t.rc, EB_ERR_INVALID);
    s_done(&t);
    long_id[64] = '\0';
    s_load(&t, c.cat, c.job, long_id);
    EXPECT_INT(t.rc, EB_OK);
    s_done(&t);
    free(long_id);
    s_case_done(&c);
    /* generated: 12 characters of [a-z2-7], different each time */
    s_case(&c, NULL, NULL, NULL, NULL);
    struct tload u;
    s_load(&t, c.cat, c.job, NULL);
    s_load(&u, c.cat, c.job, NULL);
    REQUIRE(t.plan && u.plan);
    EXPECT_INT(strlen(t.plan->job_id), 12);
    EXPECT_INT(strspn(t.plan->job_id, "abcdefghijklmnopqrstuvwxyz234567"), 12);
    EXPECT(strcmp(t.plan->job_id, u.plan->job_id) != 0);
    s_done(&t);
    s_done(&u);
    s_case_done(&c);
}

TEST(job_defaults_self_and_cluster_fields)
{
    struct tcase c;
    s_case(&c, NULL, "      cluster_name: batch\n"
                     "      region: eu-west-1\n"
                     "      results: s3://bucket/prefix\n"
                     "      capacity_provider_strategy:\n"
                     "        - {capacityProvider: FARGATE_SPOT, weight: 2}\n"
                     "      vpc_config: {subnets: [s-1], security_groups: [g-1], assign_public_ip: true}\n",
           "{\"command_criteria\": [\"type:ecs\"], \"context\": {\"task_definition_template\": \"self\","
           " \"gpu\": 0, \"log_fetch\": \"all\", \"task_name_prefix\": \"nightly\"}}", NULL);
    struct tload t;
    s_load(&t, c.cat, c.job, "self1");
    if (t.all[0]) {
        fprintf(stderr, "%s", t.all);
    }
    REQUIRE(t.plan);
    const struct plan *p = t.plan;
    EXPECT(p->taskdef_self);
    EXPECT(p->taskdef == NULL);
    EXPECT_INT(p->task_count, 1);
    EXPECT_INT(p->timeout_ms, 3600000);
    EXPECT_INT(p->log_fetch, LOG_FETCH_ALL);
    EXPECT_STR(p->region, "eu-west-1");
    EXPECT_STR(p->results, "s3://bucket/prefix");
    EXPECT_INT(p->assign_public_ip, 1);
    REQUIRE(p->capacity_provider_strategy);
    char *name = plan_task_name(p, 3);
    EXPECT_STR(name, "nightly-job-self1-3");
    free(name);
    /* a plan without a template still gives the automatic variables */
    char *env = s_env_text(p, "main", 0);
    EXPECT(strncmp(env, "TASK_NUM=0 ECSBATCH_JOB_ID=self1", 32) == 0);
    free(env);
    s_done(&t);
    s_case_done(&c);
}

TEST(job_sources_missing)
{
    struct tcase c;
    s_case(&c, NULL, NULL, NULL, NULL);
    struct tload t;
    s_load(&t, c.cat, "/nonexistent/job.json", NULL);
    EXPECT_INT(t.rc, EB_ERR_NOT_FOUND);
    EXPECT_CONTAINS(t.err.msg, "/nonexistent/job.json");
    s_done(&t);
    s_load(&t, "/nonexistent/cat.yaml", c.job, NULL);
    EXPECT_INT(t.rc, EB_ERR_NOT_FOUND);
    EXPECT_CONTAINS(t.err.msg, "/nonexistent/cat.yaml");
    s_done(&t);
    s_load(&t, c.cat, "s3://bucket/job.json", NULL);
    EXPECT_INT(t.rc, EB_ERR_USAGE);
    EXPECT_CONTAINS(t.err.msg, "s3://bucket/job.json");
    s_done(&t);
    s_case_done(&c);
}
