/*
 * The AWS side of a command: one client, created on first use; the
 * launcher's self-discovery, done once; what the plan inherits from it; the
 * ECS backend and the S3 results sink built on them.
 */
#include <stdlib.h>
#include <string.h>

#include "api/s3.h"
#include "api/self.h"
#include "backend/backend_ecs.h"
#include "cmd_common.h"
#include "sink/sink_s3.h"
#include "util/log.h"
#include "util/xalloc.h"

struct cmd_aws {
    struct aws_client *client;
    char *region_hint;     /* the cluster context's region: after the environment's */
    struct self_info self;
    bool discovered;
    int discover_rc;
    struct eb_error discover_err;
};

struct cmd_aws *
cmd_aws_new(void)
{
    return xcalloc(1, sizeof(struct cmd_aws));
}

void
cmd_aws_free(struct cmd_aws *a)
{
    if (!a) {
        return;
    }
    self_info_cleanup(&a->self);
    aws_client_free(a->client);
    free(a->region_hint);
    free(a);
}

int
cmd_aws_client(struct cmd_aws *a, struct aws_client **out, struct eb_error *err)
{
    if (!a->client) {
        struct aws_client_options o = {0};
        int rc = aws_client_new(&o, &a->client, err);
        if (rc != EB_OK) {
            return rc;
        }
    }
    if (a->region_hint && !aws_client_region(a->client)[0]) {
        aws_client_set_region(a->client, a->region_hint);
    }
    *out = a->client;
    return EB_OK;
}

void
cmd_aws_region_hint(struct cmd_aws *a, const char *region)
{
    free(a->region_hint);
    a->region_hint = xstrdup(region);
}

int
cmd_aws_read_uri(void *ctx, const char *uri, struct eb_buf *out, struct eb_error *err)
{
    struct aws_client *c;
    int rc = cmd_aws_client(ctx, &c, err);
    return rc != EB_OK ? rc : s3_read_uri(c, uri, out, err);
}

/* Discover the launcher once. Outside ECS this makes no call. */
static int
s_discover(struct cmd_aws *a, struct eb_error *err)
{
    if (!a->discovered) {
        a->discovered = true;
        struct aws_client *c;
        a->discover_rc = cmd_aws_client(a, &c, &a->discover_err);
        if (a->discover_rc == EB_OK) {
            a->discover_rc = self_discover(c, &a->self, &a->discover_err);
        }
    }
    if (a->discover_rc != EB_OK && err) {
        *err = a->discover_err;
    }
    return a->discover_rc;
}

void
cmd_aws_runtask_context(struct cmd_aws *a, const struct plan *p, struct runtask_context *ctx)
{
    struct eb_error err = {0};
    if (s_discover(a, &err) != EB_OK) {
        log_msg(LOG_WARN, "self-discovery failed, inherited fields are left out: %s", err.msg);
    }
    const struct self_info *s = &a->self;
    ctx->cluster = p->cluster_name ? p->cluster_name : s->cluster_name;
    ctx->launch_type = s->launch_type;
    ctx->subnets = (const char *const *)s->subnets;
    ctx->nsubnets = s->n_subnets;
    ctx->security_groups = (const char *const *)s->security_groups;
    ctx->nsecurity_groups = s->n_security_groups;
    ctx->assign_public_ip = s->in_ecs ? s->assign_public_ip : -1;
}

/* What a plan that leaves things to inheritance cannot do without a launcher task. */
static int
s_check_inheritance(const struct plan *p, const struct runtask_context *ctx, bool in_ecs,
                    struct eb_error *err)
{
    const char *where = in_ecs ? "self-discovery did not find it"
                               : "the launcher does not run in ECS to inherit it";
    if (!ctx->cluster) {
        return err_set(err, EB_ERR_INVALID, "%s: cluster context: no cluster_name, and %s",
                       p->catalogue_path, where);
    }
    if (p->taskdef_self && !in_ecs) {
        return err_set(err, EB_ERR_INVALID,
                       "%s: task_definition_template: self needs a launcher running in ECS",
                       p->catalogue_path);
    }
    const char *lt = p->launch_type ? p->launch_type : ctx->launch_type;
    bool fargate = lt && strncmp(lt, "FARGATE", 7) == 0;
    if (fargate && p->nsubnets == 0 && ctx->nsubnets == 0) {
        return err_set(err, EB_ERR_INVALID,
                       "%s: cluster context: launch type %s needs vpc_config.subnets, and %s",
                       p->catalogue_path, lt, where);
    }
    return EB_OK;
}

int
cmd_aws_backend(struct cmd_aws *a, const struct plan *p, struct backend **out,
                struct engine_launcher *launcher, struct eb_error *err)
{
    struct eb_error derr = {0};
    if (s_discover(a, &derr) != EB_OK) {
        if (!a->client) {
            *err = derr;
            return derr.code;
        }
        if (!a->self.in_ecs) {
            *err = derr;
            return derr.code;
        }
        log_msg(LOG_WARN, "self-discovery failed: %s", derr.msg);
    }
    if (!aws_client_region(a->client)[0]) {
        return err_set(err, EB_ERR_INVALID,
                       "no AWS region: set AWS_REGION or region in the cluster context of %s",
                       p->catalogue_path);
    }
    struct backend_ecs_options bo = {.plan = p, .aws = a->client, .clock = cmd_clock()};
    cmd_aws_runtask_context(a, p, &bo.ctx);
    int rc = s_check_inheritance(p, &bo.ctx, a->self.in_ecs, err);
    if (rc != EB_OK) {
        return rc;
    }
    bo.self_task_definition_arn = a->self.task_definition_arn;
    launcher->task_arn = a->self.task_arn;
    launcher->cluster = a->self.cluster_name;
    launcher->region = aws_client_region(a->client);
    *out = backend_ecs_new(&bo, err);
    return *out ? EB_OK : err->code;
}

int
cmd_aws_sink(struct cmd_aws *a, const char *uri, const char *job_id, struct sink **out,
             struct eb_error *err)
{
    struct aws_client *c;
    int rc = cmd_aws_client(a, &c, err);
    if (rc != EB_OK) {
        return rc;
    }
    *out = sink_s3_new(c, uri, job_id, err);
    return *out ? EB_OK : err->code;
}
