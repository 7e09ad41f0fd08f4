/*
 * The failure classifier (SPEC §5 failure_kind) as one table: rows are tried
 * in order and the first that matches decides. Container reasons (OOM, pull,
 * start errors) come first because ECS reports them under generic stop codes;
 * then Spot and host ends; then the stop code alone. Strings: aws-facts §1.8.
 */
#include "classify.h"

#include <ctype.h>
#include <string.h>

enum s_where {
    WHERE_NONE,       /* the stop code alone decides */
    WHERE_STOPPED,    /* the task's stoppedReason */
    WHERE_CONTAINER,  /* any container's reason */
    WHERE_ANY,        /* either */
};

enum s_how { HOW_PREFIX, HOW_SUBSTRING };

struct s_row {
    const char *stop_code;  /* NULL = any stop code */
    enum s_where where;
    enum s_how how;
    const char *text;       /* NULL with WHERE_NONE */
    enum failure_kind kind;
};

static const struct s_row s_rows[] = {
    /* what the container runtime said wins over the stop code it came with */
    {NULL, WHERE_ANY, HOW_PREFIX, "OutOfMemoryError", FAILURE_OOM},
    {NULL, WHERE_ANY, HOW_SUBSTRING, "OutOfMemoryError: Container killed", FAILURE_OOM},
    {NULL, WHERE_ANY, HOW_SUBSTRING, "CannotPullContainerError", FAILURE_PULL},
    {NULL, WHERE_ANY, HOW_SUBSTRING, "ResourceInitializationError", FAILURE_START},
    {NULL, WHERE_ANY, HOW_SUBSTRING, "CannotStartContainerError", FAILURE_START},
    {NULL, WHERE_ANY, HOW_SUBSTRING, "CannotCreateContainerError", FAILURE_START},
    /* the capacity or the host went away */
    {"SpotInterruption", WHERE_NONE, HOW_PREFIX, NULL, FAILURE_SPOT},
    {"TerminationNotice", WHERE_NONE, HOW_PREFIX, NULL, FAILURE_SPOT},
    {NULL, WHERE_STOPPED, HOW_SUBSTRING, "Spot Task was interrupted", FAILURE_SPOT},
    {NULL, WHERE_STOPPED, HOW_SUBSTRING,
     "ECS is performing maintenance on the underlying infrastructure", FAILURE_HOST},
    {NULL, WHERE_STOPPED, HOW_SUBSTRING, "Task stopped during instance draining", FAILURE_HOST},
    {NULL, WHERE_STOPPED, HOW_PREFIX, "Host EC2 (instance", FAILURE_HOST},
    {NULL, WHERE_STOPPED, HOW_PREFIX, "Container instance deregistration forced by user",
     FAILURE_HOST},
    {"InfrastructureHealth", WHERE_NONE, HOW_PREFIX, NULL, FAILURE_HOST},
    /* the stop code alone */
    {"TaskFailedToStart", WHERE_NONE, HOW_PREFIX, NULL, FAILURE_START},
    {"UserInitiated", WHERE_NONE, HOW_PREFIX, NULL, FAILURE_STOPPED},
    {"ServiceSchedulerInitiated", WHERE_NONE, HOW_PREFIX, NULL, FAILURE_STOPPED},
    {"EssentialContainerExited", WHERE_NONE, HOW_PREFIX, NULL, FAILURE_EXIT},
    /* no or unknown stop code: the reason text */
    {NULL, WHERE_STOPPED, HOW_PREFIX, "Essential container in task exited", FAILURE_EXIT},
    {NULL, WHERE_STOPPED, HOW_PREFIX, "Task stopped by user", FAILURE_STOPPED},
    {NULL, WHERE_STOPPED, HOW_PREFIX, "Task failed ELB health checks", FAILURE_STOPPED},
    {NULL, WHERE_STOPPED, HOW_PREFIX, "Scaling activity initiated by", FAILURE_STOPPED},
};

/* Pull failures no retry can help: the image or repository is missing, or access is denied. */
static const char *const s_fatal_pull[] = {
    "not found",        "does not exist",         "denied",     "manifest unknown",
    "name unknown",     "invalid reference format", "unauthorized", "no basic auth credentials",
};

static bool
s_has_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i] && tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i])) {
            i++;
        }
        if (i == n) {
            return true;
        }
    }
    return false;
}

bool
classify_pull_is_fatal(const char *text)
{
    if (!text) {
        return false;
    }
    for (size_t i = 0; i < sizeof s_fatal_pull / sizeof s_fatal_pull[0]; i++) {
        if (s_has_ci(text, s_fatal_pull[i])) {
            return true;
        }
    }
    return false;
}

static bool
s_text_matches(const char *s, enum s_how how, const char *text)
{
    if (!s) {
        return false;
    }
    return how == HOW_PREFIX ? strncmp(s, text, strlen(text)) == 0 : strstr(s, text) != NULL;
}

/* The text the row matched (borrowed), or NULL. For WHERE_NONE, the stoppedReason. */
static bool
s_row_matches(const struct s_row *r, const struct observation *o, const char **matched)
{
    if (r->stop_code && (!o->stop_code || strcmp(o->stop_code, r->stop_code) != 0)) {
        return false;
    }
    *matched = o->stopped_reason;
    switch (r->where) {
    case WHERE_NONE:
        return true;
    case WHERE_STOPPED:
    case WHERE_ANY:
        if (s_text_matches(o->stopped_reason, r->how, r->text)) {
            return true;
        }
        if (r->where == WHERE_STOPPED) {
            return false;
        }
        break;
    case WHERE_CONTAINER:
        break;
    }
    for (size_t i = 0; i < o->ncontainers; i++) {
        if (s_text_matches(o->containers[i].reason, r->how, r->text)) {
            *matched = o->containers[i].reason;
            return true;
        }
    }
    return false;
}

static bool
s_is_essential(const struct observation *o, size_t i, bool any_marked)
{
    return !any_marked || o->containers[i].essential;
}

void
classify_outcome(const struct observation *o, const char *essential_name, struct classification *out)
{
    memset(out, 0, sizeof *out);
    bool any_marked = false;
    for (size_t i = 0; i < o->ncontainers; i++) {
        any_marked = any_marked || o->containers[i].essential;
    }

    /* The container whose exit code is the attempt's: the named one, else the first essential
     * one that failed, else the first essential one. */
    const struct container_obs *deciding = NULL;
    bool all_zero = o->ncontainers > 0, any_nonzero = false, any_missing = false;
    for (size_t i = 0; i < o->ncontainers; i++) {
        const struct container_obs *c = &o->containers[i];
        if (!s_is_essential(o, i, any_marked)) {
            continue;
        }
        bool failed = !c->has_exit_code || c->exit_code != 0;
        all_zero = all_zero && !failed;
        any_nonzero = any_nonzero || (c->has_exit_code && c->exit_code != 0);
        any_missing = any_missing || !c->has_exit_code;
        if (!deciding || (failed && deciding->has_exit_code && deciding->exit_code == 0)) {
            deciding = c;
        }
    }
    for (size_t i = 0; essential_name && i < o->ncontainers; i++) {
        if (o->containers[i].name && strcmp(o->containers[i].name, essential_name) == 0) {
            deciding = &o->containers[i];
            break;
        }
    }
    if (deciding && deciding->has_exit_code) {
        out->has_exit_code = true;
        out->exit_code = deciding->exit_code;
    }

    if (o->state == OBS_STOPPED && all_zero) {
        out->success = true;
        out->kind = FAILURE_NONE;
        return;
    }

    out->kind = FAILURE_NONE;
    for (size_t i = 0; i < sizeof s_rows / sizeof s_rows[0]; i++) {
        const char *matched = NULL;
        if (s_row_matches(&s_rows[i], o, &matched)) {
            out->kind = s_rows[i].kind;
            out->detail = matched;
            break;
        }
    }
    if (out->kind == FAILURE_EXIT && !any_nonzero && any_missing) {
        /* "exited", but the essential container that decides never ran */
        out->kind = FAILURE_START;
    }
    if (out->kind == FAILURE_NONE) {
        /* no stop code or reason we know: what the containers say */
        out->kind = any_nonzero ? FAILURE_EXIT : any_missing ? FAILURE_START : FAILURE_STOPPED;
        out->detail = o->stopped_reason;
    }
    if (out->kind == FAILURE_PULL) {
        /* the short stoppedReason may leave the detail to the container's reason, or back */
        out->fatal = classify_pull_is_fatal(out->detail);
        for (size_t i = 0; !out->fatal && i <= o->ncontainers; i++) {
            const char *t = i < o->ncontainers ? o->containers[i].reason : o->stopped_reason;
            out->fatal = t && strstr(t, "CannotPullContainerError") && classify_pull_is_fatal(t);
        }
    }
}
