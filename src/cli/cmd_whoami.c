/* ecsbatch whoami: placeholder until the command lands; says so and fails. */
#include <stdio.h>

#include "cli.h"

int
cmd_whoami(const struct cli_opts *opts)
{
    (void)opts;
    fputs("ecsbatch: 'whoami' is not available in this build yet\n", stderr);
    return EXIT_ERROR;
}
