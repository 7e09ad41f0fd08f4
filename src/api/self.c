/*
 * Self-discovery (see self.h): metadata first (no credentials needed), then
 * ECS DescribeTasks of our own task for the task definition ARN and the ENI,
 * then EC2 DescribeNetworkInterfaces for subnet, VPC and security groups.
 */
#include "self.h"

#include <stdlib.h>
#include <string.h>

#include "api/ec2.h"
#include "api/ecs.h"
#include "api/metadata.h"
#include "util/log.h"
#include "util/xalloc.h"

void
self_info_cleanup(struct self_info *s)
{
    if (!s) {
        return;
    }
    free(s->metadata_version);
    free(s->cluster);
    free(s->cluster_name);
    free(s->task_arn);
    free(s->task_definition_arn);
    free(s->family);
    free(s->revision);
    free(s->launch_type);
    free(s->availability_zone);
    free(s->region);
    free(s->network_interface);
    free(s->vpc_id);
    for (size_t i = 0; i < s->n_subnets; i++) {
        free(s->subnets[i]);
    }
    free(s->subnets);
    for (size_t i = 0; i < s->n_security_groups; i++) {
        free(s->security_groups[i]);
    }
    free(s->security_groups);
    memset(s, 0, sizeof *s);
}

/* Move the strings of a metadata answer into out. */
static void
s_take_metadata(struct self_info *out, struct metadata_task *t)
{
    out->cluster = t->cluster;
    out->task_arn = t->task_arn;
    out->family = t->family;
    out->revision = t->revision;
    out->launch_type = t->launch_type;
    out->availability_zone = t->availability_zone;
    t->cluster = t->task_arn = t->family = t->revision = NULL;
    t->launch_type = t->availability_zone = NULL;
    out->cluster_name = metadata_cluster_name(out->cluster);
}

/* DescribeTasks of our own task: task definition ARN, ENI, subnet, AZ, launch type. */
static int
s_describe_self(struct aws_client *c, struct self_info *out, struct eb_error *err)
{
    struct ecs_task_list l;
    const char *arns[] = {out->task_arn};
    int rc;
    memset(&l, 0, sizeof l);
    TRY(ecs_describe_tasks(c, out->cluster, arns, 1, &l, err));
    if (l.ntasks == 0) {
        rc = err_set(err, EB_ERR_NOT_FOUND, "DescribeTasks does not know this task (%s) in cluster %s%s%s",
                     out->task_arn, out->cluster, l.nfailures ? ": " : "",
                     l.nfailures && l.failures[0].reason ? l.failures[0].reason : "");
        goto out;
    }
    const struct ecs_task *t = &l.tasks[0];
    out->task_definition_arn = xstrdup(t->task_definition_arn);
    out->network_interface = xstrdup(t->eni_id);
    if (t->subnet_id) {
        out->subnets = xcalloc(1, sizeof *out->subnets);
        out->subnets[0] = xstrdup(t->subnet_id);
        out->n_subnets = 1;
    }
    if (!out->launch_type && t->launch_type) {
        out->launch_type = xstrdup(t->launch_type);
    }
    if (!out->availability_zone && t->availability_zone) {
        out->availability_zone = xstrdup(t->availability_zone);
    }
out:
    ecs_task_list_cleanup(&l);
    return rc;
}

/* DescribeNetworkInterfaces of our ENI: security groups, VPC, public IP. */
static int
s_describe_eni(struct aws_client *c, struct self_info *out, struct eb_error *err)
{
    const char *ids[] = {out->network_interface};
    const struct ec2_query q = {ids, 1, NULL, 0};
    struct ec2_network_interface_list l = {NULL, 0};
    int rc;
    TRY(ec2_describe_network_interfaces(c, &q, &l, err));
    if (l.n == 0) {
        rc = err_set(err, EB_ERR_NOT_FOUND, "EC2 does not know this task's network interface %s",
                     out->network_interface);
        goto out;
    }
    const struct ec2_network_interface *e = &l.v[0];
    out->vpc_id = xstrdup(e->vpc_id);
    out->assign_public_ip = e->public_ip && e->public_ip[0];
    if (out->n_subnets == 0 && e->subnet_id) {
        out->subnets = xcalloc(1, sizeof *out->subnets);
        out->subnets[0] = xstrdup(e->subnet_id);
        out->n_subnets = 1;
    }
    out->security_groups = xcalloc(e->n_group_ids ? e->n_group_ids : 1,
                                   sizeof *out->security_groups);
    for (size_t i = 0; i < e->n_group_ids; i++) {
        out->security_groups[i] = xstrdup(e->group_ids[i]);
    }
    out->n_security_groups = e->n_group_ids;
out:
    ec2_network_interface_list_cleanup(&l);
    return rc;
}

int
self_discover(struct aws_client *c, struct self_info *out, struct eb_error *err)
{
    struct metadata_task t;
    const char *version = NULL;
    int rc;
    memset(out, 0, sizeof *out);
    memset(&t, 0, sizeof t);
    const char *base = metadata_base_uri(&version);
    const char *region = aws_client_region(c);
    out->region = region && region[0] ? xstrdup(region) : NULL;
    if (!base) {
        return EB_OK;
    }
    out->in_ecs = true;
    out->metadata_version = xstrdup(version);
    rc = metadata_fetch_task(base, &t, err);
    if (rc != EB_OK) {
        err_prefix(err, "discovering this task (metadata %s)", version);
        goto out;
    }
    s_take_metadata(out, &t);
    if (!out->region && t.region) {
        aws_client_set_region(c, t.region);
        out->region = xstrdup(t.region);
    }
    rc = s_describe_self(c, out, err);
    if (rc != EB_OK) {
        err_prefix(err, "discovering this task (ECS DescribeTasks)");
        goto out;
    }
    if (!out->network_interface) {
        log_debug("this task has no network interface attachment: no subnets or security groups");
        goto out;
    }
    rc = s_describe_eni(c, out, err);
    if (rc != EB_OK) {
        err_prefix(err, "discovering this task's network (EC2 DescribeNetworkInterfaces)");
        goto out;
    }
out:
    metadata_task_cleanup(&t);
    return rc;
}
