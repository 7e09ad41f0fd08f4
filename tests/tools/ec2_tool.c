/*
 * Test tool: run one src/api/ec2.c operation against the endpoint of the
 * environment and print what it parsed as one JSON line, so the integration
 * tests can check request encoding and parsing against the fake.
 *
 *   ec2_tool default-vpc
 *   ec2_tool subnets|groups|enis|vpcs|instances [--id ID]... [--filter NAME=V1,V2]...
 * Prints {"result": "<err_name>", "items": [...], "message": ...}; exit 0 on EB_OK.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "api/ec2.h"
#include "aws/call.h"
#include "util/jsonx.h"
#include "util/xalloc.h"

#define S_MAX 16

/* One item as JSON, per kind: only what the integration tests check. */
static void
s_network_interface_json(cJSON *o, const struct ec2_network_interface *v)
{
    jsonx_add_str(o, "id", v->id);
    jsonx_add_str(o, "subnet_id", v->subnet_id);
    jsonx_add_str(o, "public_ip", v->public_ip);
    /* cJSON_CreateStringArray gives NULL, not [], for no strings. */
    const char *const *groups = (const char *const *)v->group_ids;
    cJSON_AddItemToObject(o, "groups", v->n_group_ids
                                           ? cJSON_CreateStringArray(groups, (int)v->n_group_ids)
                                           : cJSON_CreateArray());
}

static void
s_subnet_json(cJSON *o, const struct ec2_subnet *v)
{
    jsonx_add_str(o, "id", v->id);
    jsonx_add_str(o, "vpc_id", v->vpc_id);
    jsonx_add_str(o, "availability_zone", v->availability_zone);
    jsonx_add_str(o, "cidr_block", v->cidr_block);
    cJSON_AddNumberToObject(o, "available_ips", (double)v->available_ips);
    cJSON_AddBoolToObject(o, "default_for_az", v->default_for_az);
}

static void
s_security_group_json(cJSON *o, const struct ec2_security_group *v)
{
    jsonx_add_str(o, "id", v->id);
    jsonx_add_str(o, "name", v->name);
    jsonx_add_str(o, "vpc_id", v->vpc_id);
}

static void
s_vpc_json(cJSON *o, const struct ec2_vpc *v)
{
    jsonx_add_str(o, "id", v->id);
    cJSON_AddBoolToObject(o, "is_default", v->is_default);
}

static void
s_instance_json(cJSON *o, const struct ec2_instance *v)
{
    jsonx_add_str(o, "id", v->id);
    jsonx_add_str(o, "type", v->type);
    jsonx_add_str(o, "state", v->state);
    jsonx_add_str(o, "availability_zone", v->availability_zone);
}

/* s_run_{kind}: ec2_describe_{kind}s, every item through s_{kind}_json into items. */
#define S_RUN(kind)                                                                                \
    static int s_run_##kind(struct aws_client *c, const struct ec2_query *q, cJSON *items,         \
                            struct eb_error *err)                                                  \
    {                                                                                              \
        struct ec2_##kind##_list l = {NULL, 0};                                                    \
        int rc = ec2_describe_##kind##s(c, q, &l, err);                                            \
        for (size_t i = 0; i < l.n; i++) {                                                         \
            cJSON *o = cJSON_CreateObject();                                                       \
            s_##kind##_json(o, &l.v[i]);                                                           \
            cJSON_AddItemToArray(items, o);                                                        \
        }                                                                                          \
        ec2_##kind##_list_cleanup(&l);                                                             \
        return rc;                                                                                 \
    }

S_RUN(network_interface)
S_RUN(subnet)
S_RUN(security_group)
S_RUN(vpc)
S_RUN(instance)

static int
s_run_default_vpc(struct aws_client *c, const struct ec2_query *q, cJSON *items,
                  struct eb_error *err)
{
    char *id = NULL;
    (void)q;
    int rc = ec2_default_vpc(c, &id, err);
    if (id) {
        cJSON_AddItemToArray(items, cJSON_CreateString(id));
    }
    free(id);
    return rc;
}

static const struct {
    const char *what;
    int (*run)(struct aws_client *c, const struct ec2_query *q, cJSON *items,
               struct eb_error *err);
} s_ops[] = {
    {"subnets", s_run_subnet},
    {"groups", s_run_security_group},
    {"enis", s_run_network_interface},
    {"vpcs", s_run_vpc},
    {"instances", s_run_instance},
    {"default-vpc", s_run_default_vpc},
};

static int
s_run(struct aws_client *c, const char *what, const struct ec2_query *q, cJSON *items,
      struct eb_error *err)
{
    for (size_t i = 0; i < sizeof s_ops / sizeof s_ops[0]; i++) {
        if (strcmp(what, s_ops[i].what) == 0) {
            return s_ops[i].run(c, q, items, err);
        }
    }
    return EB_ERR_USAGE;
}

int
main(int argc, char **argv)
{
    struct aws_client_options o = {NULL, NULL};
    struct aws_client *c = NULL;
    struct eb_error err;
    const char *ids[S_MAX];
    struct ec2_filter filters[S_MAX];
    char *values_text[S_MAX];
    const char *values[S_MAX][S_MAX];
    size_t n_ids = 0, n_filters = 0;
    memset(&err, 0, sizeof err);
    if (argc < 2) {
        fputs("usage: ec2_tool default-vpc|subnets|groups|enis|vpcs|instances [--id ID] "
              "[--filter NAME=V1,V2]\n", stderr);
        return 2;
    }
    for (int i = 2; i + 1 < argc && n_ids < S_MAX && n_filters < S_MAX; i += 2) {
        if (strcmp(argv[i], "--id") == 0) {
            ids[n_ids++] = argv[i + 1];
        } else if (strcmp(argv[i], "--filter") == 0) {
            char *text = xstrdup(argv[i + 1]);
            char *eq = strchr(text, '=');
            struct ec2_filter *f = &filters[n_filters];
            values_text[n_filters] = text;
            f->name = text;
            f->n_values = 0;
            f->values = values[n_filters];
            for (char *v = eq ? eq + 1 : NULL; v && f->n_values < S_MAX;) {
                char *comma = strchr(v, ',');
                if (comma) {
                    *comma = '\0';
                }
                values[n_filters][f->n_values++] = v;
                v = comma ? comma + 1 : NULL;
            }
            if (eq) {
                *eq = '\0';
            }
            n_filters++;
        }
    }
    const struct ec2_query q = {ids, n_ids, filters, n_filters};
    int rc = aws_client_new(&o, &c, &err);
    cJSON *doc = cJSON_CreateObject();
    cJSON *items = cJSON_CreateArray();
    if (rc == EB_OK) {
        rc = s_run(c, argv[1], &q, items, &err);
    }
    cJSON_AddStringToObject(doc, "result", err_name((enum eb_err)rc));
    cJSON_AddItemToObject(doc, "items", items);
    if (rc != EB_OK) {
        cJSON_AddStringToObject(doc, "message", err.msg);
        cJSON_AddStringToObject(doc, "aws_code", err.aws_code);
    }
    char *text = jsonx_print(doc);
    puts(text);
    free(text);
    cJSON_Delete(doc);
    for (size_t i = 0; i < n_filters; i++) {
        free(values_text[i]);
    }
    aws_client_free(c);
    return rc == EB_OK ? 0 : 1;
}
