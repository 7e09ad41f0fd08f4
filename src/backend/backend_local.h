/*
 * The local backend (--local, SPEC §1): each task attempt is a child process
 * running the essential container's merged command with exactly its merged
 * environment, so a job runs on a machine with no AWS account. Implements
 * struct backend_ops (engine/backend.h) with ECS's vocabulary of stop codes.
 */
#ifndef EB_BACKEND_LOCAL_H
#define EB_BACKEND_LOCAL_H

#include <stddef.h>
#include <stdint.h>

#include "engine/backend.h"
#include "job/plan.h"
#include "util/clock.h"

#define BACKEND_LOCAL_STOP_GRACE_MS 10000 /* SIGTERM → SIGKILL (like ECS's stopTimeout) */

struct backend_local_options {
    const struct plan *plan;       /* borrowed; must outlive the backend */
    const struct eb_clock *clock;  /* time stamps of log lines and attempts; NULL = clock_real() */
    int64_t stop_grace_ms;         /* 0 = BACKEND_LOCAL_STOP_GRACE_MS (ECSBATCH_LOCAL_STOP_GRACE) */
    size_t log_max_bytes;          /* per attempt; 0 = LOGFMT_DEFAULT_MAX */
};

/*
 * The backend. Behaviour:
 *  - launch: fork; the child gets its own process group (a terminal's ^C or a
 *    signal to the launcher does not reach it), stdin /dev/null, stdout and
 *    stderr on pipes, and execs plan_container_argv(essential container) with
 *    execvp's PATH search (over the child's PATH) and no shell. Its environment
 *    is exactly plan_container_env(...) plus the launcher's PATH and HOME when
 *    the template does not set them. Only the essential container runs.
 *    The handle is "local:<pid>".
 *  - A command that cannot be exec'd (or no command at all) ends the attempt at
 *    once: stopCode TaskFailedToStart, reason "CannotStartContainerError: ..."
 *    with the errno text, the container without an exit code (failure_kind start).
 *  - describe: STOPPED once the child was reaped; exit status → exit code, a
 *    signal N → 128+N with reason "killed by signal N"; stopCode
 *    EssentialContainerExited, or UserInitiated with the stop reason when the
 *    engine stopped it. What is left of its process group is killed then (a
 *    container's processes end with it). Unknown handles are MISSING.
 *  - stop: SIGTERM to the child's process group, SIGKILL after stop_grace_ms.
 *  - wait: poll(2) on the children's pipes, reaping with waitpid(WNOHANG),
 *    until ms passed or a signal interrupted it.
 *  - fetch_log: "=== local/<container>/<pid> ===", a blank line, then every
 *    stdout/stderr line as "[YYYY-MM-DD HH:MM:SS] line" (UTC, read time), capped
 *    (logfmt.h). find_live: none (local processes are not adopted).
 *  - destroy: SIGKILL to every process group still running, and reap.
 */
EB_MUST_CHECK int backend_local_new(const struct backend_local_options *o, struct backend **out,
                                    struct eb_error *err);

#endif
