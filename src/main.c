/*
 * ecsbatch: argv → command. Each command returns a SPEC §2 exit code.
 */
#include <signal.h>
#include <stdio.h>

#include "cli/cli.h"
#include "util/log.h"

int
main(int argc, char **argv)
{
    struct cli_opts opts;
    int rc = cli_parse(argc, argv, &opts);
    if (rc != 0) {
        return rc;
    }
    log_setup(opts.log_level, opts.log_format);
    /* A closed pipe on stdout is an I/O error to report, not a silent death. */
    signal(SIGPIPE, SIG_IGN);

    switch (opts.command) {
    case CMD_RUN:
        return cmd_run(&opts);
    case CMD_VALIDATE:
        return cmd_validate(&opts);
    case CMD_WHOAMI:
        return cmd_whoami(&opts);
    case CMD_STATUS:
        return cmd_status(&opts);
    case CMD_VERSION:
        return cmd_version(&opts);
    case CMD_HELP:
    case CMD_NONE:
    case CMD__COUNT:
        cli_help(opts.help_topic ? cli_command_from_name(opts.help_topic) : CMD_NONE);
        return 0;
    }
    return EXIT_USAGE;
}
