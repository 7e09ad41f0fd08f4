/*
 * Task metadata v4/v3 (see metadata.h): libcurl directly, as this is a
 * link-local, unsigned, plain-HTTP endpoint that the AWS call layer (signing,
 * retries, CA bundle) has no business with; cJSON for the answer.
 */
#include "metadata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <curl/curl.h>

#include "util/clock.h"
#include "util/jsonx.h"
#include "util/xalloc.h"

#define S_MAX_BODY (4u * 1024 * 1024)
#define S_ATTEMPTS 3

void
metadata_task_cleanup(struct metadata_task *t)
{
    if (!t) {
        return;
    }
    free(t->cluster);
    free(t->task_arn);
    free(t->family);
    free(t->revision);
    free(t->launch_type);
    free(t->availability_zone);
    free(t->known_status);
    free(t->region);
    free(t->account);
    memset(t, 0, sizeof *t);
}

/* Field n (0-based) of an ARN split on ':' (arn:partition:service:region:account:resource). */
static char *
s_arn_field(const char *arn, int n)
{
    if (!arn || strncmp(arn, "arn:", 4) != 0) {
        return NULL;
    }
    const char *p = arn;
    for (int i = 0; i < n; i++) {
        p = strchr(p, ':');
        if (!p) {
            return NULL;
        }
        p++;
    }
    size_t len = strcspn(p, ":");
    if (len == 0 || p[len] != ':') {
        return NULL;
    }
    return xstrndup(p, len);
}

char *
metadata_arn_region(const char *arn)
{
    return s_arn_field(arn, 3);
}

char *
metadata_arn_account(const char *arn)
{
    return s_arn_field(arn, 4);
}

char *
metadata_cluster_name(const char *cluster)
{
    if (!cluster) {
        return NULL;
    }
    const char *p = strstr(cluster, ":cluster/");
    if (strncmp(cluster, "arn:", 4) == 0 && p) {
        return xstrdup(p + strlen(":cluster/"));
    }
    return xstrdup(cluster);
}

/* A string member, or a number member printed as an integer. */
static char *
s_str_or_int(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (cJSON_IsString(v) && v->valuestring) {
        return xstrdup(v->valuestring);
    }
    if (cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble < 1e15) {
        return xasprintf("%lld", (long long)v->valuedouble);
    }
    return NULL;
}

static int
s_required(const cJSON *root, const char *key, char **out, struct eb_error *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, key);
    if (!v) {
        return err_set(err, EB_ERR_PARSE, "task metadata: field %s is missing", key);
    }
    *out = s_str_or_int(root, key);
    if (!*out || !(*out)[0]) {
        return err_set(err, EB_ERR_PARSE, "task metadata: field %s is not a non-empty string", key);
    }
    return EB_OK;
}

static int
s_optional(const cJSON *root, const char *key, char **out, struct eb_error *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, key);
    if (!v || cJSON_IsNull(v)) {
        return EB_OK;
    }
    if (!cJSON_IsString(v) || !v->valuestring) {
        return err_set(err, EB_ERR_PARSE, "task metadata: field %s is not a string", key);
    }
    *out = v->valuestring[0] ? xstrdup(v->valuestring) : NULL;
    return EB_OK;
}

int
metadata_task_parse(const char *json, size_t len, struct metadata_task *out, struct eb_error *err)
{
    int rc;
    memset(out, 0, sizeof *out);
    cJSON *root = cJSON_ParseWithLength(json ? json : "", len);
    if (!cJSON_IsObject(root)) {
        rc = err_set(err, EB_ERR_PARSE, "task metadata: the answer is not a JSON object");
        goto out;
    }
    TRY(s_required(root, "Cluster", &out->cluster, err));
    TRY(s_required(root, "TaskARN", &out->task_arn, err));
    TRY(s_required(root, "Family", &out->family, err));
    TRY(s_required(root, "Revision", &out->revision, err));
    TRY(s_optional(root, "LaunchType", &out->launch_type, err));
    TRY(s_optional(root, "AvailabilityZone", &out->availability_zone, err));
    TRY(s_optional(root, "KnownStatus", &out->known_status, err));
    char *service = s_arn_field(out->task_arn, 2);
    bool is_ecs = service && strcmp(service, "ecs") == 0;
    free(service);
    out->region = metadata_arn_region(out->task_arn);
    out->account = metadata_arn_account(out->task_arn);
    if (!is_ecs || !out->region || !out->account || !strstr(out->task_arn, ":task/")) {
        rc = err_set(err, EB_ERR_PARSE, "task metadata: TaskARN '%.200s' is not an ECS task ARN",
                     out->task_arn);
        goto out;
    }
out:
    cJSON_Delete(root);
    return rc;
}

const char *
metadata_base_uri(const char **out_version)
{
    const char *v4 = getenv("ECS_CONTAINER_METADATA_URI_V4");
    const char *v3 = getenv("ECS_CONTAINER_METADATA_URI");
    if (v4 && v4[0]) {
        *out_version = "v4";
        return v4;
    }
    if (v3 && v3[0]) {
        *out_version = "v3";
        return v3;
    }
    *out_version = NULL;
    return NULL;
}

static size_t
s_write(char *ptr, size_t size, size_t n, void *ud)
{
    struct eb_buf *b = ud;
    return buf_append(b, ptr, size * n) == 0 ? size * n : 0;
}

/* One GET: EB_OK with *status and body, or EB_ERR_TRANSPORT. */
static int
s_get_once(const char *url, long *status, struct eb_buf *body, struct eb_error *err)
{
    char errbuf[CURL_ERROR_SIZE] = "";
    CURL *h = curl_easy_init();
    if (!h) {
        return err_set(err, EB_ERR_TRANSPORT, "task metadata: cannot start an HTTP client");
    }
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http");
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 1000L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 5000L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, s_write);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, body);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    CURLcode cc = curl_easy_perform(h);
    int rc = EB_OK;
    if (cc != CURLE_OK) {
        rc = err_set(err, EB_ERR_TRANSPORT, "task metadata GET %s failed: %s", url,
                     errbuf[0] ? errbuf : curl_easy_strerror(cc));
    } else {
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
    }
    curl_easy_cleanup(h);
    return rc;
}

int
metadata_fetch_task(const char *base_uri, struct metadata_task *out, struct eb_error *err)
{
    struct eb_buf body;
    int rc = EB_OK;
    long status = 0;
    memset(out, 0, sizeof *out);
    size_t n = strlen(base_uri);
    while (n && base_uri[n - 1] == '/') {
        n--;
    }
    char *url = xasprintf("%.*s/task", (int)n, base_uri);
    buf_init(&body, S_MAX_BODY);
    for (int attempt = 1; attempt <= S_ATTEMPTS; attempt++) {
        if (attempt > 1) {
            clock_sleep(clock_real(), 100 * (attempt - 1));
        }
        buf_reset(&body);
        status = 0;
        rc = s_get_once(url, &status, &body, err);
        if (rc == EB_OK && status < 500) {
            break;
        }
    }
    if (rc != EB_OK) {
        goto out;
    }
    if (status != 200) {
        cJSON *e = cJSON_ParseWithLength(body.ptr ? body.ptr : "", body.len);
        const char *msg = jsonx_str(e, "message");
        const char *code = jsonx_str(e, "code");
        rc = err_set(err, EB_ERR_AWS, "task metadata GET %s answered HTTP %ld%s%s%s%s", url, status,
                     code ? " " : "", code ? code : "", msg ? ": " : "", msg ? msg : "");
        if (err) {
            err->http_status = status;
        }
        cJSON_Delete(e);
        goto out;
    }
    rc = metadata_task_parse(body.ptr, body.len, out, err);
out:
    buf_cleanup(&body);
    free(url);
    return rc;
}
