/*
 * ecsbatch whoami (SPEC §6): one JSON document on stdout saying where this
 * launcher runs (api/self.c) and where its credentials come from. Outside ECS
 * it says so, adds the STS caller identity when a region is known, and exits
 * 0. Never prints a secret: only names, ARNs, ids and the credentials' source.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "api/self.h"
#include "aws/call.h"
#include "aws/xml.h"
#include "cli.h"
#include "util/jsonx.h"
#include "util/log.h"

static void
s_add_str_or_null(cJSON *o, const char *key, const char *value)
{
    if (value) {
        cJSON_AddStringToObject(o, key, value);
    } else {
        cJSON_AddNullToObject(o, key);
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

/* STS GetCallerIdentity: account and principal ARN (resolves credentials on the way). */
static void
s_caller_identity(struct aws_client *c, cJSON *doc)
{
    struct aws_response resp;
    struct eb_error err;
    memset(&resp, 0, sizeof resp);
    memset(&err, 0, sizeof err);
    if (aws_call_query(c, AWS_STS, "Action=GetCallerIdentity&Version=2011-06-15", &resp, &err) !=
        EB_OK) {
        log_warn("no caller identity: %s", err.msg);
    } else {
        char *account = xml_find(resp.body.ptr, resp.body.len, "GetCallerIdentityResult/Account");
        char *arn = xml_find(resp.body.ptr, resp.body.len, "GetCallerIdentityResult/Arn");
        s_add_str_or_null(doc, "account", account);
        s_add_str_or_null(doc, "caller_arn", arn);
        free(account);
        free(arn);
    }
    aws_response_cleanup(&resp);
}

static cJSON *
s_doc_in_ecs(const struct self_info *s)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddBoolToObject(doc, "in_ecs", 1);
    s_add_str_or_null(doc, "cluster", s->cluster_name);
    s_add_str_or_null(doc, "cluster_arn",
                      s->cluster && strncmp(s->cluster, "arn:", 4) == 0 ? s->cluster : NULL);
    s_add_str_or_null(doc, "task_arn", s->task_arn);
    s_add_str_or_null(doc, "task_definition_arn", s->task_definition_arn);
    s_add_str_or_null(doc, "family", s->family);
    s_add_str_or_null(doc, "revision", s->revision);
    s_add_str_or_null(doc, "launch_type", s->launch_type);
    s_add_str_or_null(doc, "region", s->region);
    s_add_str_or_null(doc, "availability_zone", s->availability_zone);
    cJSON_AddItemToObject(doc, "subnets", s_strv(s->subnets, s->n_subnets));
    cJSON_AddItemToObject(doc, "security_groups", s_strv(s->security_groups, s->n_security_groups));
    s_add_str_or_null(doc, "network_interface", s->network_interface);
    s_add_str_or_null(doc, "vpc_id", s->vpc_id);
    cJSON_AddBoolToObject(doc, "assign_public_ip", s->assign_public_ip);
    s_add_str_or_null(doc, "metadata", s->metadata_version);
    return doc;
}

int
cmd_whoami(const struct cli_opts *opts)
{
    (void)opts;
    struct aws_client_options o = {NULL, NULL};
    struct aws_client *c = NULL;
    struct self_info s;
    struct eb_error err;
    cJSON *doc = NULL;
    int code = EXIT_SUCCEEDED;
    memset(&s, 0, sizeof s);
    memset(&err, 0, sizeof err);

    if (aws_client_new(&o, &c, &err) != EB_OK) {
        log_error("%s", err.msg);
        return EXIT_ERROR;
    }
    int rc = self_discover(c, &s, &err);
    if (s.in_ecs) {
        doc = s_doc_in_ecs(&s);
        if (rc != EB_OK) {
            /* Print what was found; the caller still learns the failure from the exit code. */
            log_error("%s", err.msg);
            code = EXIT_ERROR;
        }
    } else {
        doc = cJSON_CreateObject();
        cJSON_AddBoolToObject(doc, "in_ecs", 0);
        s_add_str_or_null(doc, "region", s.region);
        if (s.region) {
            s_caller_identity(c, doc);
        }
        fputs("ecsbatch: not running in ECS (no ECS_CONTAINER_METADATA_URI_V4 or "
              "ECS_CONTAINER_METADATA_URI): no task, cluster or network to report\n",
              stderr);
    }
    s_add_str_or_null(doc, "credentials_source", aws_client_credentials_source(c));
    char *text = jsonx_print_pretty(doc);
    fputs(text, stdout);
    free(text);
    cJSON_Delete(doc);
    self_info_cleanup(&s);
    aws_client_free(c);
    return code;
}
