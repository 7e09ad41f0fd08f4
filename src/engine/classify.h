/*
 * How an attempt ended (SPEC §4 "Attempt outcome", §5 failure_kind), decided
 * from one observation of a STOPPED task by one table of rows
 * {stopCode, where to look, how to match, text} → kind, in aws-facts §1.8's
 * terms. Pure: no state, no I/O.
 */
#ifndef EB_ENGINE_CLASSIFY_H
#define EB_ENGINE_CLASSIFY_H

#include <stdbool.h>

#include "engine/backend.h"
#include "report/result.h"

struct classification {
    bool success;            /* STOPPED and every essential container exited 0 */
    enum failure_kind kind;  /* FAILURE_NONE on success */
    bool fatal;              /* a pull that no retry can help (image missing, access denied) */
    bool has_exit_code;      /* the deciding essential container's exit code */
    int exit_code;
    const char *detail;      /* borrowed from the observation: the reason that decided, or NULL */
};

/*
 * Classify o (which must be OBS_STOPPED). essential_name, when not NULL, is
 * the container whose exit code is reported (the plan's first essential
 * container). When the backend marked no container essential, every
 * container counts as essential. A task with no containers is never a success.
 */
void classify_outcome(const struct observation *o, const char *essential_name,
                      struct classification *out);

/* True when an image pull failure text says no retry can help (case-insensitive). */
bool classify_pull_is_fatal(const char *text);

#endif
