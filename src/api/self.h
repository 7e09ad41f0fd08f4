/*
 * Self-discovery (SPEC §1 step 1, §6): who and where this launcher task is.
 * Task metadata (api/metadata.c) gives cluster, task ARN, family, revision,
 * launch type, AZ and region; DescribeTasks of our own task gives the task
 * definition ARN and the ENI; EC2 DescribeNetworkInterfaces gives the subnet,
 * security groups and whether a public IP is attached (aws-facts §3, §10).
 */
#ifndef EB_API_SELF_H
#define EB_API_SELF_H

#include <stdbool.h>
#include <stddef.h>

#include "aws/call.h"
#include "util/err.h"

struct self_info {
    bool in_ecs;               /* false: no metadata variables; only region is set */
    char *metadata_version;    /* "v4" or "v3" (NULL outside ECS) */
    char *cluster;             /* as metadata gives it: short name or ARN */
    char *cluster_name;        /* always the short name */
    char *task_arn;
    char *task_definition_arn; /* from DescribeTasks; NULL if that call failed */
    char *family;
    char *revision;
    char *launch_type;         /* FARGATE, EC2, ... or NULL */
    char *availability_zone;
    char *region;              /* the client's region, else the task ARN's */
    char *network_interface;   /* eni-..., NULL when the task has no ENI */
    char *vpc_id;
    char **subnets;            /* n_subnets entries */
    size_t n_subnets;
    char **security_groups;    /* n_security_groups entries */
    size_t n_security_groups;
    bool assign_public_ip;     /* the ENI has a public IP association */
};

/*
 * Discover this task. Outside ECS (neither ECS_CONTAINER_METADATA_URI_V4 nor
 * ECS_CONTAINER_METADATA_URI set) returns EB_OK with in_ecs false and region =
 * the client's region (NULL when unknown). In ECS: reads metadata /task (v4, else
 * v3), sets the client's region from the task ARN when the client has none, then
 * calls ECS DescribeTasks on the task and EC2 DescribeNetworkInterfaces on its ENI.
 * Metadata is tried 3 times (1 s connect, 5 s total each). Errors, err naming the step:
 * EB_ERR_TRANSPORT, EB_ERR_AWS (a non-200 answer) or EB_ERR_PARSE from metadata; the AWS
 * call's error from DescribeTasks or DescribeNetworkInterfaces; EB_ERR_NOT_FOUND when
 * ECS or EC2 does not know the task or its ENI. A task without an ENI (bridge or host
 * networking) is not an error: subnets and security groups stay empty. On error *out
 * holds what was found so far. Always call self_info_cleanup(out).
 */
EB_MUST_CHECK int self_discover(struct aws_client *c, struct self_info *out,
                                struct eb_error *err);
void self_info_cleanup(struct self_info *s);

#endif
