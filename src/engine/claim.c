/* claim.json: see claim.h. */
#include "claim.h"

#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "util/jsonx.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

char *
claim_to_json(const char *job_id, const char *backend, const char *host, long pid,
              const char *task_arn, int64_t now_ms)
{
    cJSON *o = cJSON_CreateObject();
    char ts[40];
    cJSON_AddStringToObject(o, "schema", "ecsbatch.claim/1");
    jsonx_add_str(o, "job_id", job_id);
    jsonx_add_str(o, "backend", backend);
    jsonx_add_str(o, "host", host);
    if (pid > 0) {
        cJSON_AddNumberToObject(o, "pid", (double)pid);
    }
    jsonx_add_str(o, "task_arn", task_arn);
    cJSON_AddStringToObject(o, "claimed_at", timefmt_rfc3339_ms(ts, sizeof ts, now_ms));
    char *text = jsonx_print(o);
    cJSON_Delete(o);
    char *line = xasprintf("%s\n", text);
    free(text);
    return line;
}

int
claim_parse(const char *text, size_t len, struct claim *c, struct eb_error *err)
{
    memset(c, 0, sizeof *c);
    cJSON *o = cJSON_ParseWithLength(text, len);
    int rc = EB_OK;
    if (!cJSON_IsObject(o)) {
        rc = err_set(err, EB_ERR_PARSE, "claim.json is not a JSON object");
        goto out;
    }
    c->job_id = jsonx_strdup(o, "job_id");
    c->backend = jsonx_strdup(o, "backend");
    c->host = jsonx_strdup(o, "host");
    c->task_arn = jsonx_strdup(o, "task_arn");
    int64_t pid = 0;
    if (cJSON_GetObjectItemCaseSensitive(o, "pid") && (jsonx_i64(o, "pid", &pid) != 0 || pid < 0 ||
                                                      pid > 0x7fffffff)) {
        rc = err_set(err, EB_ERR_PARSE, "claim.json: \"pid\" is not a process id");
        goto out;
    }
    c->pid = (long)pid;
    const char *at = jsonx_str(o, "claimed_at");
    if (!at || timefmt_parse_rfc3339(at, &c->claimed_at_ms) != 0) {
        rc = err_set(err, EB_ERR_PARSE, "claim.json: \"claimed_at\" is missing or not a time");
        goto out;
    }
out:
    cJSON_Delete(o);
    return rc;
}

void
claim_cleanup(struct claim *c)
{
    free(c->job_id);
    free(c->backend);
    free(c->host);
    free(c->task_arn);
    memset(c, 0, sizeof *c);
}

bool
claim_is_live(const struct claim *c, const struct claim_check *chk)
{
    if (!c->task_arn && c->pid > 0 && c->host && chk->host && strcmp(c->host, chk->host) == 0) {
        if (c->pid == chk->pid) {
            return false; /* a pid reused by us: its launcher is gone */
        }
        return chk->pid_alive ? chk->pid_alive(c->pid, chk->ctx) : false;
    }
    return chk->now_ms - c->claimed_at_ms < chk->max_age_ms;
}
