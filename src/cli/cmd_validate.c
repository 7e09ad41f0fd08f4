/*
 * ecsbatch validate (SPEC §2, §3): load the catalogue and the job, and print
 * every problem (exit 2) or the resolved plan document (exit 0). It launches
 * and writes nothing; s3:// sources are read, inherited fields shown as such.
 */
#include "cli.h"
#include "cmd_common.h"

int
cmd_validate(const struct cli_opts *opts)
{
    struct cmd_aws *aws = NULL;
    struct plan *plan = NULL;
    int code = cmd_load_plan(opts, &plan, &aws);
    if (code == EXIT_SUCCEEDED) {
        cJSON *doc = runtask_plan_document(plan, NULL);
        code = cmd_print_json(doc);
        cJSON_Delete(doc);
    }
    plan_free(plan);
    cmd_aws_free(aws);
    return code;
}
