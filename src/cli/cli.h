/*
 * Command-line and environment options of SPEC §2, parsed once into
 * struct cli_opts; each command (cmd_*.c) receives them. Options win over
 * their environment variables.
 */
#ifndef EB_CLI_H
#define EB_CLI_H

#include <stdbool.h>

#include "util/log.h"

enum cli_command {
    CMD_NONE,
    CMD_RUN,
    CMD_VALIDATE,
    CMD_WHOAMI,
    CMD_STATUS,
    CMD_VERSION,
    CMD_HELP,
    CMD__COUNT
};

struct cli_opts {
    enum cli_command command;
    const char *job;         /* JOB argument: file, "-", s3:// URI; NULL = from env */
    const char *job_id_arg;  /* status JOB_ID */
    const char *help_topic;  /* help COMMAND */
    const char *config;      /* --config / ECSBATCH_CONFIG; NULL = default search */
    const char *results;     /* --results / ECSBATCH_RESULTS */
    const char *job_id;      /* --job-id / ECSBATCH_JOB_ID */
    bool local;              /* --local / ECSBATCH_BACKEND=local */
    bool dry_run;            /* --dry-run */
    enum log_format log_format;
    enum log_level log_level;
};

/* Exit codes of SPEC §2. */
enum exit_code {
    EXIT_SUCCEEDED = 0,
    EXIT_FAILED = 1,
    EXIT_USAGE = 2,
    EXIT_TIMED_OUT = 3,
    EXIT_CANCELLED = 4,
    EXIT_ERROR = 5,
};

/* Parse argv and the environment; on a usage error prints it and returns EXIT_USAGE, else 0. */
int cli_parse(int argc, char **argv, struct cli_opts *out);
/* Print the help of a command (or the overview for CMD_NONE) to stdout. */
void cli_help(enum cli_command command);
enum cli_command cli_command_from_name(const char *name);

int cmd_run(const struct cli_opts *opts);
int cmd_validate(const struct cli_opts *opts);
int cmd_whoami(const struct cli_opts *opts);
int cmd_status(const struct cli_opts *opts);
int cmd_version(const struct cli_opts *opts);
/* Hidden diagnostic "_https-get URL" (cmd_diag.c): argv holds the arguments after its name. */
int cmd_diag_https_get(int argc, char **argv);

#endif
