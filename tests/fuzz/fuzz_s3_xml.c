/*
 * Fuzz the S3 answer parsers of src/api/s3.c (CreateMultipartUpload and
 * CompleteMultipartUpload, including a 200 answer carrying <Error>): they must
 * never crash or leak, and an accepted answer must give a non-empty upload id.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/s3.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct eb_error err;
    char *id = NULL, *etag = NULL;
    if (s3_initiate_parse((const char *)data, size, &id, &err) == EB_OK && (!id || !id[0])) {
        abort();
    }
    free(id);
    (void)s3_complete_parse((const char *)data, size, &etag, &err);
    free(etag);
    return 0;
}
