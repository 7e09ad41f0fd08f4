/*
 * Fuzz the task metadata parser of src/api/metadata.c (v4/v3 /task answers)
 * and its ARN helpers: no crash, no leak, and an accepted answer always has
 * the required fields and a region taken from the task ARN.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/metadata.h"
#include "util/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct metadata_task t;
    struct eb_error err;
    if (metadata_task_parse((const char *)data, size, &t, &err) == EB_OK) {
        if (!t.cluster || !t.task_arn || !t.family || !t.revision || !t.region || !t.account) {
            abort();
        }
    }
    metadata_task_cleanup(&t);

    char *s = xstrndup((const char *)data, size);
    free(metadata_arn_region(s));
    free(metadata_arn_account(s));
    free(metadata_cluster_name(s));
    free(s);
    return 0;
}
