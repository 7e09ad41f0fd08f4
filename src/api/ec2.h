/*
 * The EC2 query API calls the launcher needs to know its network (aws-facts
 * §10): DescribeNetworkInterfaces, DescribeSubnets, DescribeSecurityGroups,
 * DescribeVpcs and DescribeInstances. Form bodies are built here and sent with
 * aws_call_query; answers are parsed (expat, by local name) into plain structs.
 */
#ifndef EB_API_EC2_H
#define EB_API_EC2_H

#include <stdbool.h>
#include <stddef.h>

#include "aws/call.h"
#include "util/err.h"

#define EC2_API_VERSION "2016-11-15"
#define EC2_PAGES_MAX 100 /* NextToken pages followed at most */

/* Filter.N.Name=name&Filter.N.Value.M=values[M-1]; borrowed. */
struct ec2_filter {
    const char *name;
    const char *const *values;
    size_t n_values;
};

/* What to describe: explicit ids (SubnetId.1, ...) and/or filters. All borrowed. */
struct ec2_query {
    const char *const *ids;
    size_t n_ids;
    const struct ec2_filter *filters;
    size_t n_filters;
};

struct ec2_network_interface {
    char *id;
    char *subnet_id;
    char *vpc_id;
    char *availability_zone;
    char *private_ip;
    char *public_ip;        /* association/publicIp, NULL when none */
    char *status;           /* in-use, available, ... */
    char *interface_type;
    char *description;
    char **group_ids;       /* groupSet/item/groupId */
    size_t n_group_ids;
    char **group_names;     /* groupSet/item/groupName */
    size_t n_group_names;
};

struct ec2_subnet {
    char *id;
    char *vpc_id;
    char *availability_zone;
    char *availability_zone_id;
    char *cidr_block;
    char *state;
    long long available_ips;
    bool default_for_az;
    bool map_public_ip_on_launch;
};

struct ec2_security_group {
    char *id;
    char *name;
    char *vpc_id;
    char *description;
};

struct ec2_vpc {
    char *id;
    char *cidr_block;
    char *state;
    bool is_default;
};

struct ec2_instance {
    char *id;
    char *type;
    char *state;            /* instanceState/name: running, stopped, ... */
    char *private_ip;
    char *subnet_id;
    char *vpc_id;
    char *availability_zone;
    char **group_ids;
    size_t n_group_ids;
};

struct ec2_network_interface_list { struct ec2_network_interface *v; size_t n; };
struct ec2_subnet_list { struct ec2_subnet *v; size_t n; };
struct ec2_security_group_list { struct ec2_security_group *v; size_t n; };
struct ec2_vpc_list { struct ec2_vpc *v; size_t n; };
struct ec2_instance_list { struct ec2_instance *v; size_t n; };

/* Each safe twice; leaves the list empty. */
void ec2_network_interface_list_cleanup(struct ec2_network_interface_list *l);
void ec2_subnet_list_cleanup(struct ec2_subnet_list *l);
void ec2_security_group_list_cleanup(struct ec2_security_group_list *l);
void ec2_vpc_list_cleanup(struct ec2_vpc_list *l);
void ec2_instance_list_cleanup(struct ec2_instance_list *l);

/*
 * The form body "Action=A&Version=2016-11-15&ID_PARAM.1=..&Filter.1.Name=..&
 * Filter.1.Value.1=..[&NextToken=..]", every value percent-encoded (RFC 3986
 * unreserved kept). id_param like "SubnetId"; q and next_token may be NULL. Owned.
 */
char *ec2_request_build(const char *action, const char *id_param, const struct ec2_query *q,
                        const char *next_token);

/*
 * Parsers of a 200 answer (root <{Action}Response>), appending to *out (which must
 * be zeroed or hold earlier pages); *out_next = the nextToken (owned) or NULL.
 * EB_ERR_PARSE on malformed XML or an unexpected root; EB_ERR_AWS when the body is
 * an EC2 <Response><Errors> document. On error *out keeps what it had before.
 */
EB_MUST_CHECK int ec2_network_interfaces_parse(const char *xml, size_t len,
                                               struct ec2_network_interface_list *out,
                                               char **out_next, struct eb_error *err);
EB_MUST_CHECK int ec2_subnets_parse(const char *xml, size_t len, struct ec2_subnet_list *out,
                                    char **out_next, struct eb_error *err);
EB_MUST_CHECK int ec2_security_groups_parse(const char *xml, size_t len,
                                            struct ec2_security_group_list *out, char **out_next,
                                            struct eb_error *err);
EB_MUST_CHECK int ec2_vpcs_parse(const char *xml, size_t len, struct ec2_vpc_list *out,
                                 char **out_next, struct eb_error *err);
EB_MUST_CHECK int ec2_instances_parse(const char *xml, size_t len, struct ec2_instance_list *out,
                                      char **out_next, struct eb_error *err);

/*
 * The operations: every page (at most EC2_PAGES_MAX) into *out (zeroed first; call
 * the cleanup whatever the result). q may be NULL (everything visible). Errors:
 * aws_call_query's (EB_ERR_AWS with err->aws_code such as InvalidSubnetID.NotFound or
 * UnauthorizedOperation; throttling is retried there) or EB_ERR_PARSE.
 */
EB_MUST_CHECK int ec2_describe_network_interfaces(struct aws_client *c, const struct ec2_query *q,
                                                  struct ec2_network_interface_list *out,
                                                  struct eb_error *err);
EB_MUST_CHECK int ec2_describe_subnets(struct aws_client *c, const struct ec2_query *q,
                                       struct ec2_subnet_list *out, struct eb_error *err);
EB_MUST_CHECK int ec2_describe_security_groups(struct aws_client *c, const struct ec2_query *q,
                                               struct ec2_security_group_list *out,
                                               struct eb_error *err);
EB_MUST_CHECK int ec2_describe_vpcs(struct aws_client *c, const struct ec2_query *q,
                                    struct ec2_vpc_list *out, struct eb_error *err);
EB_MUST_CHECK int ec2_describe_instances(struct aws_client *c, const struct ec2_query *q,
                                         struct ec2_instance_list *out, struct eb_error *err);
/* The default VPC's id (DescribeVpcs, Filter is-default=true), owned; EB_ERR_NOT_FOUND if none. */
EB_MUST_CHECK int ec2_default_vpc(struct aws_client *c, char **out_vpc_id, struct eb_error *err);

#endif
