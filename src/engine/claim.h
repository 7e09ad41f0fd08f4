/*
 * claim.json (SPEC §4 "Re-runs and restarts"): the create-if-absent object a
 * launcher writes before launching anything, naming itself, so that a second
 * launcher of the same job id waits for the first one's result instead of
 * launching the tasks again.
 */
#ifndef EB_ENGINE_CLAIM_H
#define EB_ENGINE_CLAIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

struct claim {
    char *job_id;
    char *backend;          /* "ecs" / "local" */
    char *host;
    long pid;
    char *task_arn;         /* the launcher's ECS task, NULL locally */
    int64_t claimed_at_ms;
};

/* The claim document of a launcher (a malloc'd JSON text). */
char *claim_to_json(const char *job_id, const char *backend, const char *host, long pid,
                    const char *task_arn, int64_t now_ms);
/* Parse a claim; EB_ERR_PARSE names the bad member. Free with claim_cleanup. */
EB_MUST_CHECK int claim_parse(const char *text, size_t len, struct claim *out, struct eb_error *err);
void claim_cleanup(struct claim *c);

struct claim_check {
    const char *host;       /* this launcher's host */
    long pid;               /* this launcher's pid */
    int64_t now_ms;
    int64_t max_age_ms;     /* the job's timeout + a margin */
    bool (*pid_alive)(long pid, void *ctx);
    void *ctx;
};

/*
 * Whether the launcher that wrote c may still be running:
 *  - a claim from this host with a pid: live while that pid exists and is not ours;
 *  - otherwise (an ECS launcher, or another host): live while younger than max_age_ms
 *    (an ECS launcher cannot outlive its job's timeout by more than the margin).
 */
bool claim_is_live(const struct claim *c, const struct claim_check *chk);

#endif
