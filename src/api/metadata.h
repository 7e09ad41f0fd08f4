/*
 * The ECS task metadata endpoint (aws-facts §3): an unsigned plain-HTTP GET
 * of ${ECS_CONTAINER_METADATA_URI_V4}/task, or the v3 URI when v4 is not set,
 * parsed into the few task fields the launcher needs (SPEC §6).
 */
#ifndef EB_API_METADATA_H
#define EB_API_METADATA_H

#include <stdbool.h>

#include "util/buf.h"
#include "util/err.h"

struct metadata_task {
    char *cluster;           /* short name (EC2) or ARN (Fargate), as given */
    char *task_arn;
    char *family;
    char *revision;          /* a string in v4; a number is accepted too */
    char *launch_type;       /* NULL when absent (older agents) */
    char *availability_zone; /* NULL when absent */
    char *known_status;
    char *region;            /* from the task ARN (arn:PARTITION:ecs:REGION:...) */
    char *account;           /* from the task ARN */
};

/*
 * Parse a /task answer. Required: Cluster, TaskARN (an ECS task ARN), Family,
 * Revision; EB_ERR_PARSE naming the missing or mistyped field otherwise.
 * Always call metadata_task_cleanup.
 */
EB_MUST_CHECK int metadata_task_parse(const char *json, size_t len, struct metadata_task *out,
                                      struct eb_error *err);
void metadata_task_cleanup(struct metadata_task *t);

/* The region of an ARN ("arn:aws:ecs:us-west-2:1234:task/..." → "us-west-2"), owned; NULL if
 * the text is not an ARN with a region. */
char *metadata_arn_region(const char *arn);
/* The account of an ARN, owned, or NULL. */
char *metadata_arn_account(const char *arn);
/* The cluster's short name from a name or a cluster ARN (".../cluster/NAME"), owned. */
char *metadata_cluster_name(const char *cluster);

/*
 * The metadata base URI from the environment: ECS_CONTAINER_METADATA_URI_V4, else
 * ECS_CONTAINER_METADATA_URI; *out_version "v4"/"v3". NULL outside ECS. Borrowed.
 */
const char *metadata_base_uri(const char **out_version);

/*
 * GET base/task and parse it. Plain HTTP, no credentials, no proxy, short timeouts
 * (1 s connect, 5 s total), up to 3 attempts on a transport error or a 5xx.
 * EB_ERR_TRANSPORT (no answer), EB_ERR_AWS (a non-200 answer, with its code),
 * EB_ERR_PARSE.
 */
EB_MUST_CHECK int metadata_fetch_task(const char *base_uri, struct metadata_task *out,
                                      struct eb_error *err);

#endif
