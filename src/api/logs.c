/*
 * CloudWatch Logs GetLogEvents (aws-facts §8): body, answer parser and the
 * forward read of one stream to its end (same token back = end).
 */
#include "logs.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "util/jsonarena.h"
#include "util/jsonx.h"
#include "util/xalloc.h"

/* The first element of a JSON list, or NULL when it is not a list. */
static const cJSON *
s_first(const cJSON *arr)
{
    return arr && cJSON_IsArray(arr) ? arr->child : NULL;
}

void
logs_page_cleanup(struct logs_page *p)
{
    if (!p) {
        return;
    }
    for (size_t i = 0; i < p->nevents; i++) {
        free(p->events[i].message);
    }
    free(p->events);
    free(p->next_forward_token);
    memset(p, 0, sizeof *p);
}

char *
logs_get_events_build(const char *group, const char *stream, const char *next_token, int limit)
{
    cJSON *j = cJSON_CreateObject();
    jsonx_add_str(j, "logGroupName", group);
    jsonx_add_str(j, "logStreamName", stream);
    cJSON_AddBoolToObject(j, "startFromHead", 1);
    jsonx_add_str(j, "nextToken", next_token);
    if (limit > 0) {
        cJSON_AddNumberToObject(j, "limit", limit > 10000 ? 10000 : limit);
    }
    char *s = jsonx_print(j);
    cJSON_Delete(j);
    return s;
}

int
logs_get_events_parse(const char *body, size_t len, struct logs_page *out, struct eb_error *err)
{
    int rc = EB_OK;
    memset(out, 0, sizeof *out);
    cJSON *root = body ? jsonarena_parse(body, len) : NULL;
    if (!cJSON_IsObject(root)) {
        rc = err_set(err, EB_ERR_PARSE, "GetLogEvents answer is not a JSON object");
        goto out;
    }
    const cJSON *evs = cJSON_GetObjectItemCaseSensitive(root, "events");
    if (evs && !cJSON_IsNull(evs) && !cJSON_IsArray(evs)) {
        rc = err_set(err, EB_ERR_PARSE, "GetLogEvents answer: events is not a list");
        goto out;
    }
    int n = cJSON_IsArray(evs) ? cJSON_GetArraySize(evs) : 0;
    out->events = n > 0 ? xcalloc((size_t)n, sizeof *out->events) : NULL;
    const cJSON *e;
    int i = 0;
    for (e = s_first(evs); e; e = e->next) {
        const cJSON *ts = cJSON_GetObjectItemCaseSensitive(e, "timestamp");
        const cJSON *msg = cJSON_GetObjectItemCaseSensitive(e, "message");
        if (!cJSON_IsObject(e)) {
            rc = err_set(err, EB_ERR_PARSE, "GetLogEvents answer: events[%d] is not an object", i);
            goto out;
        }
        if (ts && (!cJSON_IsNumber(ts) || !isfinite(ts->valuedouble) ||
                   fabs(ts->valuedouble) > 9.2e15)) {
            rc = err_set(err, EB_ERR_PARSE, "GetLogEvents answer: events[%d].timestamp is not a "
                         "number", i);
            goto out;
        }
        if (msg && !cJSON_IsNull(msg) && !cJSON_IsString(msg)) {
            rc = err_set(err, EB_ERR_PARSE, "GetLogEvents answer: events[%d].message is not a "
                         "string", i);
            goto out;
        }
        if (out->nevents >= (size_t)n || !out->events) {
            break; /* the list cannot grow while it is walked */
        }
        struct logs_event *dst = &out->events[out->nevents++];
        dst->timestamp_ms = ts ? (int64_t)ts->valuedouble : 0;
        const char *m = msg && cJSON_IsString(msg) && msg->valuestring ? msg->valuestring : "";
        dst->len = strlen(m);
        dst->message = xstrndup(m, dst->len);
        i++;
    }
    const cJSON *tok = cJSON_GetObjectItemCaseSensitive(root, "nextForwardToken");
    if (tok && !cJSON_IsNull(tok) && !cJSON_IsString(tok)) {
        rc = err_set(err, EB_ERR_PARSE, "GetLogEvents answer: nextForwardToken is not a string");
        goto out;
    }
    out->next_forward_token = tok && cJSON_IsString(tok) ? xstrdup(tok->valuestring) : NULL;
out:
    jsonarena_free(root);
    return rc;
}

int
logs_get_events(struct aws_client *c, const char *group, const char *stream,
                const char *next_token, struct logs_page *out, struct eb_error *err)
{
    struct aws_response resp;
    memset(&resp, 0, sizeof resp);
    memset(out, 0, sizeof *out);
    char *body = logs_get_events_build(group, stream, next_token, 0);
    int rc = aws_call_json(c, AWS_LOGS, LOGS_TARGET_PREFIX "GetLogEvents", body, &resp, err);
    if (rc == EB_ERR_AWS && err && strcmp(err->aws_code, "ResourceNotFoundException") == 0) {
        rc = err_set(err, EB_ERR_NOT_FOUND, "log stream %s of group %s does not exist", stream,
                     group);
    } else if (rc == EB_OK) {
        rc = logs_get_events_parse(buf_cstr(&resp.body), resp.body.len, out, err);
    }
    aws_response_cleanup(&resp);
    free(body);
    return rc;
}

int
logs_read_stream(struct aws_client *c, const char *group, const char *stream, logs_event_fn fn,
                 void *ctx, size_t *out_events, struct eb_error *err)
{
    char *token = NULL;
    size_t delivered = 0;
    int rc = EB_OK;
    bool go = true;
    for (int page = 0; go && page < LOGS_PAGES_MAX; page++) {
        struct logs_page pg;
        rc = logs_get_events(c, group, stream, token, &pg, err);
        if (rc != EB_OK) {
            logs_page_cleanup(&pg);
            break;
        }
        for (size_t i = 0; go && i < pg.nevents; i++) {
            go = fn(ctx, &pg.events[i]);
            delivered++;
        }
        bool end = !pg.next_forward_token ||
                   (token && strcmp(token, pg.next_forward_token) == 0);
        free(token);
        token = pg.next_forward_token;
        pg.next_forward_token = NULL;
        logs_page_cleanup(&pg);
        if (end) {
            break;
        }
    }
    free(token);
    if (out_events) {
        *out_events = delivered;
    }
    return rc;
}
