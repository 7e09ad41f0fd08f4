/*
 * Where each service is reached (aws-facts §5, SPEC §6): the default HTTPS
 * host per partition (aws, aws-cn, aws-us-gov, ISO), the AWS_ENDPOINT_URL[_SVC]
 * overrides, S3 virtual-hosted vs path-style, and the signing names.
 */
#ifndef EB_AWS_ENDPOINT_H
#define EB_AWS_ENDPOINT_H

#include <stdbool.h>

#include "aws/call.h"
#include "util/buf.h"

/* SigV4 signing name: "ecs", "logs", "s3", "ec2", "sts". */
const char *endpoint_signing_name(enum aws_service svc);
/* Host label of the service: "ecs", "logs", "s3", "ec2", "sts". */
const char *endpoint_service_label(enum aws_service svc);
/* Service-specific override variable: "AWS_ENDPOINT_URL_ECS", ... */
const char *endpoint_env_name(enum aws_service svc);
/* DNS suffix of the region's partition: "amazonaws.com", "amazonaws.com.cn", ... */
const char *endpoint_dns_suffix(const char *region);
/* Partition name: "aws", "aws-cn", "aws-us-gov", "aws-iso", ... */
const char *endpoint_partition(const char *region);
/* True when region looks like one ([a-z0-9-], 1..40 chars); an empty one is not valid. */
bool endpoint_region_is_valid(const char *region);

/*
 * The base URL ("https://ecs.us-west-2.amazonaws.com", no trailing slash) of svc:
 * the first of service_override, global_override, profile_override that is set,
 * else the partition's default host. *out_custom tells an override was used.
 * Returns a malloc'd string. STS with an empty region is the global endpoint.
 */
char *endpoint_url(enum aws_service svc, const char *region, const char *service_override,
                   const char *global_override, const char *profile_override, bool *out_custom);
/* The overrides from the environment (NULL when unset or AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true). */
const char *endpoint_env_override(enum aws_service svc);
const char *endpoint_env_global_override(void);

/* True when bucket can be a DNS label for virtual-hosted addressing (no dots, lowercase, 3..63). */
bool endpoint_s3_virtual_ok(const char *bucket);
/*
 * Append to url the S3 URL of bucket/key (key already URI-encoded, S3 rules) and to
 * path the wire path that is also signed. base is endpoint_url(AWS_S3, ...). Custom
 * endpoints and dotted buckets use path-style; defaults virtual-hosted.
 */
void endpoint_s3_url(const char *base, bool custom, const char *bucket, const char *encoded_key,
                     struct eb_buf *url, struct eb_buf *path);

/*
 * Split a URL into scheme ("https"), authority (the Host header value, port kept when
 * not the scheme's default) and path ("" when none). Returns 0 or -1 when not http(s).
 */
int endpoint_split(const char *url, char *scheme, size_t scheme_size, char *authority,
                   size_t authority_size, const char **out_path);

#endif
