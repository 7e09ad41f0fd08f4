/*
 * Plans built by hand for the engine tests; see test_engine_support.h. They
 * have no task definition: the real plan_* helpers of src/job cope with that.
 */
#include "test_engine_support.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

struct plan *
tplan_new(const char *job_id, int task_count, const char *const *argv)
{
    struct plan *p = xcalloc(1, sizeof *p);
    p->job_id = xstrdup(job_id);
    p->name = xstrdup("test-job");
    p->version = xstrdup("0.0.1");
    p->command_name = xstrdup("test-command");
    p->cluster_entry = xstrdup("test-cluster");
    p->task_name_prefix = xstrdup("ecsbatch");
    p->task_count = task_count;
    p->polling_interval_ms = 1000;
    p->timeout_ms = 3600 * 1000;
    p->status_interval_ms = 30000;
    p->max_fail_count = 3;
    p->max_spot_attempts = 5;
    p->log_fetch = LOG_FETCH_FAILED;
    p->essential_container = xstrdup("main");
    p->assign_public_ip = -1;
    p->overrides = xcalloc(1, sizeof *p->overrides);
    p->noverrides = 1;
    p->overrides[0].name = xstrdup("main");
    if (argv) {
        size_t n = 0;
        while (argv[n]) {
            n++;
        }
        p->overrides[0].command = xcalloc(n + 1, sizeof(char *));
        for (size_t i = 0; i < n; i++) {
            p->overrides[0].command[i] = xstrdup(argv[i]);
        }
        p->overrides[0].ncommand = n;
    }
    return p;
}

void
tplan_env(struct plan *p, const char *name, const char *value)
{
    struct plan_override *o = &p->overrides[0];
    o->env = xrealloc(o->env, (o->nenv + 1) * sizeof *o->env);
    o->env[o->nenv].name = xstrdup(name);
    o->env[o->nenv].value = xstrdup(value);
    o->nenv++;
}

void
tplan_free(struct plan *p)
{
    if (!p) {
        return;
    }
    for (size_t i = 0; i < p->noverrides; i++) {
        struct plan_override *o = &p->overrides[i];
        free(o->name);
        for (size_t k = 0; k < o->ncommand; k++) {
            free(o->command[k]);
        }
        free(o->command);
        for (size_t k = 0; k < o->nenv; k++) {
            free(o->env[k].name);
            free(o->env[k].value);
        }
        free(o->env);
    }
    free(p->overrides);
    free(p->job_id);
    free(p->name);
    free(p->version);
    free(p->command_name);
    free(p->cluster_entry);
    free(p->task_name_prefix);
    free(p->essential_container);
    free(p);
}
