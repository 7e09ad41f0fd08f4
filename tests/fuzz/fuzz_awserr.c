/*
 * Fuzz AWS error document parsing (aws/awserr.c over cJSON and aws/xml.c over
 * expat): JSON 1.1 errors, S3/EC2/STS XML errors, garbage. Must never crash or
 * leak, and the fields must stay NUL-terminated within their sizes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/awserr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const long statuses[] = {200, 400, 403, 404, 412, 500, 503};
    long status = size ? statuses[data[0] % 7] : 400;
    struct awserr e;
    awserr_parse((const char *)data, size, status, size > 1 && data[1] == '!' ? "X#Y:z" : NULL, &e);
    if (strlen(e.code) >= sizeof e.code || strlen(e.message) >= sizeof e.message ||
        strlen(e.request_id) >= sizeof e.request_id || e.code[0] == '\0') {
        abort();
    }
    (void)awserr_is_xml_error((const char *)data, size);
    char clean[32];
    char *t = malloc(size + 1);
    memcpy(t, data, size);
    t[size] = '\0';
    awserr_clean_type(t, clean, sizeof clean);
    free(t);
    return 0;
}
