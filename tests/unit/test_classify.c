/*
 * The failure classifier (engine/classify.c): one row per stop code and per
 * reason string of aws-facts §1.8, plus the success rule (every essential
 * container exited 0; one that never ran is never a success).
 */
#include <stdlib.h>
#include <string.h>

#include "engine/classify.h"
#include "unit.h"

struct row {
    const char *name;
    const char *stop_code;
    const char *stopped_reason;
    const char *container_reason;
    int exit_code;            /* -1 = no exit code */
    enum failure_kind kind;   /* FAILURE_NONE = success */
    bool fatal;
};

static const struct row s_rows[] = {
    /* stop codes (aws-facts §1.4 enum, plus the newest and an unknown one) */
    {"EssentialContainerExited 0", "EssentialContainerExited", "Essential container in task exited",
     NULL, 0, FAILURE_NONE, false},
    {"EssentialContainerExited 1", "EssentialContainerExited", "Essential container in task exited",
     NULL, 1, FAILURE_EXIT, false},
    {"TaskFailedToStart", "TaskFailedToStart", "Task failed to start", NULL, -1, FAILURE_START, false},
    {"UserInitiated by someone else", "UserInitiated", "Task stopped by an operator", NULL, 143,
     FAILURE_STOPPED, false},
    {"ServiceSchedulerInitiated", "ServiceSchedulerInitiated", "Scaling activity initiated by (deployment x)",
     NULL, 143, FAILURE_STOPPED, false},
    {"SpotInterruption", "SpotInterruption", "Your Spot Task was interrupted.", NULL, 143, FAILURE_SPOT,
     false},
    {"TerminationNotice", "TerminationNotice", "Your Spot Task was interrupted.", NULL, -1, FAILURE_SPOT,
     false},
    {"InfrastructureHealth", "InfrastructureHealth", "Task stopped due to an infrastructure issue", NULL,
     143, FAILURE_HOST, false},
    {"unknown stop code, exit 2", "SomethingNew", "A new reason", NULL, 2, FAILURE_EXIT, false},
    {"unknown stop code, never ran", "SomethingNew", "A new reason", NULL, -1, FAILURE_START, false},
    {"unknown stop code, exit 0 is a success", "SomethingNew", "A new reason", NULL, 0, FAILURE_NONE,
     false},
    {"no stop code, exited 0", NULL, NULL, NULL, 0, FAILURE_NONE, false},
    /* reason strings (aws-facts §1.8) */
    {"Essential container in task exited, no code", NULL, "Essential container in task exited", NULL, 3,
     FAILURE_EXIT, false},
    {"Your Spot Task was interrupted.", NULL, "Your Spot Task was interrupted.", NULL, 143, FAILURE_SPOT,
     false},
    {"maintenance", "EssentialContainerExited",
     "ECS is performing maintenance on the underlying infrastructure hosting the task", NULL, 143,
     FAILURE_HOST, false},
    {"instance draining", NULL, "Task stopped during instance draining", NULL, 143, FAILURE_HOST, false},
    {"Host EC2 stopped", "EssentialContainerExited", "Host EC2 (instance i-0123456789abcdef0) stopped/terminated.",
     NULL, 137, FAILURE_HOST, false},
    {"Host EC2 terminated", NULL, "Host EC2 (instance i-0123) terminated.", NULL, -1, FAILURE_HOST, false},
    {"deregistration forced", "UserInitiated", "Container instance deregistration forced by user", NULL,
     -1, FAILURE_HOST, false},
    {"pull, transient", "TaskFailedToStart",
     "CannotPullContainerError: failed to copy: read tcp: i/o timeout", NULL, -1, FAILURE_PULL, false},
    {"pull, no space", "TaskFailedToStart",
     "CannotPullContainerError: write /var/lib/docker: no space left on device", NULL, -1, FAILURE_PULL,
     false},
    {"pull, not found", "TaskFailedToStart",
     "CannotPullContainerError: API error (404): repository 123.dkr.ecr/x not found", NULL, -1,
     FAILURE_PULL, true},
    {"pull, does not exist", "TaskFailedToStart",
     "CannotPullContainerError: repository does not exist or may require 'docker login'", NULL, -1,
     FAILURE_PULL, true},
    {"pull, access denied", "TaskFailedToStart",
     "CannotPullContainerError: pull access denied for foo, repository does not exist", NULL, -1,
     FAILURE_PULL, true},
    {"pull, AccessDenied", "TaskFailedToStart",
     "CannotPullContainerError: AccessDeniedException: User is not authorized; access denied", NULL,
     -1, FAILURE_PULL, true},
    {"pull, manifest unknown", "TaskFailedToStart",
     "CannotPullContainerError: manifest unknown: Requested image not found", NULL, -1, FAILURE_PULL,
     true},
    {"pull, detail only in the container reason", "TaskFailedToStart",
     "CannotPullContainerError: pull image manifest has been retried 5 time(s)",
     "CannotPullContainerError: failed to resolve reference \"a/b:c\": not found", -1, FAILURE_PULL,
     true},
    {"ResourceInitializationError secrets", "TaskFailedToStart",
     "ResourceInitializationError: unable to pull secrets or registry auth: execution resource "
     "retrieval failed",
     NULL, -1, FAILURE_START, false},
    {"ResourceInitializationError logger", "TaskFailedToStart",
     "ResourceInitializationError: failed to validate logger args: signal: killed", NULL, -1,
     FAILURE_START, false},
    {"OutOfMemoryError", "EssentialContainerExited", "Essential container in task exited",
     "OutOfMemoryError: Container killed due to memory usage", 137, FAILURE_OOM, false},
    {"CannotStartContainerError", "TaskFailedToStart",
     "CannotStartContainerError: Error response from daemon: failed to create shim", NULL, -1,
     FAILURE_START, false},
    {"CannotCreateContainerError", "TaskFailedToStart",
     "CannotCreateContainerError: Error response from daemon: devmapper", NULL, -1, FAILURE_START,
     false},
    {"Task stopped by user", NULL, "Task stopped by user", NULL, 143, FAILURE_STOPPED, false},
    {"ELB health checks", "ServiceSchedulerInitiated",
     "Task failed ELB health checks in (target-group arn)", NULL, 143, FAILURE_STOPPED, false},
    /* the local backend's words */
    {"local exec failure", "TaskFailedToStart",
     "CannotStartContainerError: exec \"nope\": No such file or directory",
     "CannotStartContainerError: exec \"nope\": No such file or directory", -1, FAILURE_START, false},
    {"local signal", "EssentialContainerExited", "Essential container in task exited",
     "killed by signal 9", 137, FAILURE_EXIT, false},
};

TEST(classify_table_rows)
{
    for (size_t i = 0; i < sizeof s_rows / sizeof s_rows[0]; i++) {
        const struct row *r = &s_rows[i];
        char name[] = "main";
        char *reason = r->container_reason ? strdup(r->container_reason) : NULL;
        struct container_obs c = {.name = name, .essential = true, .has_exit_code = r->exit_code >= 0,
                                  .exit_code = r->exit_code, .reason = reason};
        char *sc = r->stop_code ? strdup(r->stop_code) : NULL;
        char *sr = r->stopped_reason ? strdup(r->stopped_reason) : NULL;
        struct observation o = {.state = OBS_STOPPED, .stop_code = sc, .stopped_reason = sr,
                                .containers = &c, .ncontainers = 1};
        struct classification cls;
        classify_outcome(&o, "main", &cls);
        if (cls.kind != r->kind || cls.fatal != r->fatal || cls.success != (r->kind == FAILURE_NONE)) {
            unit_fail(__FILE__, __LINE__, "row \"%s\": kind %s fatal %d success %d, expected %s fatal %d",
                      r->name, failure_kind_name(cls.kind) ? failure_kind_name(cls.kind) : "none",
                      cls.fatal, cls.success,
                      failure_kind_name(r->kind) ? failure_kind_name(r->kind) : "none", r->fatal);
        }
        EXPECT_INT(cls.has_exit_code, r->exit_code >= 0);
        if (r->exit_code >= 0) {
            EXPECT_INT(cls.exit_code, r->exit_code);
        }
        free(reason);
        free(sc);
        free(sr);
    }
}

TEST(classify_every_essential_container_decides)
{
    char a[] = "main", b[] = "sidecar", l[] = "log-router";
    struct container_obs cs[3] = {
        {.name = a, .essential = true, .has_exit_code = true, .exit_code = 0},
        {.name = b, .essential = true, .has_exit_code = false},
        {.name = l, .essential = false, .has_exit_code = true, .exit_code = 1},
    };
    char code[] = "EssentialContainerExited";
    struct observation o = {.state = OBS_STOPPED, .stop_code = code, .containers = cs, .ncontainers = 3};
    struct classification cls;
    /* an essential sidecar that never ran: never a success */
    classify_outcome(&o, "main", &cls);
    EXPECT(!cls.success);
    EXPECT_INT(cls.kind, FAILURE_START);
    EXPECT_INT(cls.exit_code, 0); /* the named container's code is reported */
    /* it exited 2: exit, with the failing essential container's code when no name is given */
    cs[1].has_exit_code = true;
    cs[1].exit_code = 2;
    classify_outcome(&o, NULL, &cls);
    EXPECT(!cls.success);
    EXPECT_INT(cls.kind, FAILURE_EXIT);
    EXPECT_INT(cls.exit_code, 2);
    /* a non-essential container's failure does not matter */
    cs[1].exit_code = 0;
    classify_outcome(&o, "main", &cls);
    EXPECT(cls.success);
    /* none marked essential: all count */
    for (int i = 0; i < 3; i++) {
        cs[i].essential = false;
    }
    classify_outcome(&o, "main", &cls);
    EXPECT(!cls.success);
    EXPECT_INT(cls.kind, FAILURE_EXIT);
    /* no containers at all: never a success */
    o.ncontainers = 0;
    classify_outcome(&o, "main", &cls);
    EXPECT(!cls.success);
}

TEST(classify_pull_fatal_words)
{
    EXPECT(classify_pull_is_fatal("manifest for x:y NOT FOUND"));
    EXPECT(classify_pull_is_fatal("pull access denied"));
    EXPECT(!classify_pull_is_fatal("net/http: TLS handshake timeout"));
    EXPECT(!classify_pull_is_fatal(NULL));
}
