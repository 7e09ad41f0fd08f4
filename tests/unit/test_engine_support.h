/*
 * Test support for the engine, report and local-backend tests: plans built by
 * hand (no catalogue, no job document, no task definition), used with the
 * plan_* helpers of job/plan.h.
 */
#ifndef EB_TEST_ENGINE_SUPPORT_H
#define EB_TEST_ENGINE_SUPPORT_H

#include "job/plan.h"

/*
 * A plan for job_id with task_count tasks: polling 1 s, timeout 1 h, status
 * interval 30 s, max_fail_count 3, max_spot_attempts 5, log_fetch failed, one
 * essential container "main" whose command is argv (NULL-terminated, may be NULL).
 */
struct plan *tplan_new(const char *job_id, int task_count, const char *const *argv);
/* Add an environment variable to the "main" container override. */
void tplan_env(struct plan *p, const char *name, const char *value);
void tplan_free(struct plan *p);

#endif
