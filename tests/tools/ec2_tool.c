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

static void
s_str(cJSON *o, const char *k, const char *v)
{
    if (v) {
        cJSON_AddStringToObject(o, k, v);
    }
}

static cJSON *
s_strv(char *const *v, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++) {
        cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
    }
    return a;
}

static int
s_run(struct aws_client *c, const char *what, const struct ec2_query *q, cJSON *items,
      struct eb_error *err)
{
    int rc = EB_ERR_USAGE;
    if (strcmp(what, "subnets") == 0) {
        struct ec2_subnet_list l = {NULL, 0};
        rc = ec2_describe_subnets(c, q, &l, err);
        for (size_t i = 0; i < l.n; i++) {
            cJSON *o = cJSON_CreateObject();
            s_str(o, "id", l.v[i].id);
            s_str(o, "vpc_id", l.v[i].vpc_id);
            s_str(o, "availability_zone", l.v[i].availability_zone);
            s_str(o, "cidr_block", l.v[i].cidr_block);
            cJSON_AddNumberToObject(o, "available_ips", (double)l.v[i].available_ips);
            cJSON_AddBoolToObject(o, "default_for_az", l.v[i].default_for_az);
            cJSON_AddItemToArray(items, o);
        }
        ec2_subnet_list_cleanup(&l);
    } else if (strcmp(what, "groups") == 0) {
        struct ec2_security_group_list l = {NULL, 0};
        rc = ec2_describe_security_groups(c, q, &l, err);
        for (size_t i = 0; i < l.n; i++) {
            cJSON *o = cJSON_CreateObject();
            s_str(o, "id", l.v[i].id);
            s_str(o, "name", l.v[i].name);
            s_str(o, "vpc_id", l.v[i].vpc_id);
            cJSON_AddItemToArray(items, o);
        }
        ec2_security_group_list_cleanup(&l);
    } else if (strcmp(what, "enis") == 0) {
        struct ec2_network_interface_list l = {NULL, 0};
        rc = ec2_describe_network_interfaces(c, q, &l, err);
        for (size_t i = 0; i < l.n; i++) {
            cJSON *o = cJSON_CreateObject();
            s_str(o, "id", l.v[i].id);
            s_str(o, "subnet_id", l.v[i].subnet_id);
            s_str(o, "public_ip", l.v[i].public_ip);
            cJSON_AddItemToObject(o, "groups", s_strv(l.v[i].group_ids, l.v[i].n_group_ids));
            cJSON_AddItemToArray(items, o);
        }
        ec2_network_interface_list_cleanup(&l);
    } else if (strcmp(what, "vpcs") == 0) {
        struct ec2_vpc_list l = {NULL, 0};
        rc = ec2_describe_vpcs(c, q, &l, err);
        for (size_t i = 0; i < l.n; i++) {
            cJSON *o = cJSON_CreateObject();
            s_str(o, "id", l.v[i].id);
            cJSON_AddBoolToObject(o, "is_default", l.v[i].is_default);
            cJSON_AddItemToArray(items, o);
        }
        ec2_vpc_list_cleanup(&l);
    } else if (strcmp(what, "instances") == 0) {
        struct ec2_instance_list l = {NULL, 0};
        rc = ec2_describe_instances(c, q, &l, err);
        for (size_t i = 0; i < l.n; i++) {
            cJSON *o = cJSON_CreateObject();
            s_str(o, "id", l.v[i].id);
            s_str(o, "type", l.v[i].type);
            s_str(o, "state", l.v[i].state);
            s_str(o, "availability_zone", l.v[i].availability_zone);
            cJSON_AddItemToArray(items, o);
        }
        ec2_instance_list_cleanup(&l);
    } else if (strcmp(what, "default-vpc") == 0) {
        char *id = NULL;
        rc = ec2_default_vpc(c, &id, err);
        if (id) {
            cJSON_AddItemToArray(items, cJSON_CreateString(id));
        }
        free(id);
    }
    return rc;
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
