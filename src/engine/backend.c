/* Ownership helpers of the backend contract (backend.h). */
#include "backend.h"

#include <stdlib.h>
#include <string.h>

void
launch_result_cleanup(struct launch_result *r)
{
    if (!r) {
        return;
    }
    free(r->handle);
    free(r->reason);
    memset(r, 0, sizeof *r);
}

void
observation_cleanup(struct observation *o)
{
    if (!o) {
        return;
    }
    free(o->last_status);
    free(o->stop_code);
    free(o->stopped_reason);
    for (size_t i = 0; i < o->ncontainers; i++) {
        free(o->containers[i].name);
        free(o->containers[i].reason);
    }
    free(o->containers);
    memset(o, 0, sizeof *o);
}

void
live_task_cleanup(struct live_task *t)
{
    if (!t) {
        return;
    }
    free(t->handle);
    memset(t, 0, sizeof *t);
}
