/*
 * Plans built by hand for the engine tests; see test_engine_support.h. The
 * plan_* helpers below are weak: the real ones from src/job win when linked.
 */
#include "test_engine_support.h"

#include <stdlib.h>
#include <string.h>

#include "util/timefmt.h"
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

/* --- weak stand-ins for src/job ------------------------------------------------------------ */

__attribute__((weak)) char *
plan_task_name(const struct plan *p, int index)
{
    return xasprintf("%s-job-%s-%d", p->task_name_prefix ? p->task_name_prefix : "ecsbatch",
                     p->job_id, index);
}

__attribute__((weak)) struct plan_env *
plan_container_env(const struct plan *p, const char *container, int index, int attempt,
                   int64_t deadline_ms, size_t *out_n)
{
    size_t n = 0;
    const struct plan_override *ov = NULL;
    for (size_t i = 0; i < p->noverrides; i++) {
        if (strcmp(p->overrides[i].name, container) == 0) {
            ov = &p->overrides[i];
        }
    }
    size_t cap = (ov ? ov->nenv : 0) + 5;
    struct plan_env *env = xcalloc(cap, sizeof *env);
    for (size_t i = 0; ov && i < ov->nenv; i++) {
        env[n].name = xstrdup(ov->env[i].name);
        env[n].value = xstrdup(ov->env[i].value);
        n++;
    }
    char ts[40];
    env[n].name = xstrdup("TASK_NUM");
    env[n++].value = xasprintf("%d", index);
    env[n].name = xstrdup("ECSBATCH_JOB_ID");
    env[n++].value = xstrdup(p->job_id);
    env[n].name = xstrdup("ECSBATCH_ATTEMPT");
    env[n++].value = xasprintf("%d", attempt);
    env[n].name = xstrdup("ECSBATCH_DEADLINE");
    env[n++].value = xstrdup(timefmt_rfc3339(ts, sizeof ts, deadline_ms));
    env[n].name = xstrdup("TASK_NAME");
    env[n++].value = plan_task_name(p, index);
    *out_n = n;
    return env;
}

__attribute__((weak)) void
plan_env_free(struct plan_env *env, size_t n)
{
    for (size_t i = 0; env && i < n; i++) {
        free(env[i].name);
        free(env[i].value);
    }
    free(env);
}

__attribute__((weak)) char **
plan_container_argv(const struct plan *p, const char *container)
{
    for (size_t i = 0; i < p->noverrides; i++) {
        const struct plan_override *o = &p->overrides[i];
        if (strcmp(o->name, container) == 0 && o->command) {
            char **v = xcalloc(o->ncommand + 1, sizeof *v);
            for (size_t k = 0; k < o->ncommand; k++) {
                v[k] = xstrdup(o->command[k]);
            }
            return v;
        }
    }
    return NULL;
}

__attribute__((weak)) void
plan_argv_free(char **argv)
{
    for (size_t i = 0; argv && argv[i]; i++) {
        free(argv[i]);
    }
    free(argv);
}
