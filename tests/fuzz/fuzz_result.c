/*
 * Fuzz the result.json / status.json parser (report/result.c), which reads
 * what a results location holds for reruns and `ecsbatch status`: it must
 * never crash or leak, and whatever it accepts must write back and re-read to
 * the same document. claim.json's parser rides along.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/claim.h"
#include "report/result.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct job_report r;
    struct eb_error err;
    if (result_parse((const char *)data, size, &r, &err) == EB_OK) {
        char *a = result_to_json(&r);
        struct job_report back;
        if (result_parse(a, strlen(a), &back, &err) != EB_OK) {
            abort(); /* what we write, we must read */
        }
        char *b = result_to_json(&back);
        if (strcmp(a, b) != 0) {
            abort();
        }
        free(a);
        free(b);
        job_report_cleanup(&back);
    }
    job_report_cleanup(&r);

    struct claim c;
    (void)claim_parse((const char *)data, size, &c, &err);
    claim_cleanup(&c);
    return 0;
}
