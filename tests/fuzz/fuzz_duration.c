/*
 * Fuzz target: duration text (src/job/duration.c). Whatever parses must
 * format and parse back to the same value.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "job/duration.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text) {
        return 0;
    }
    memcpy(text, data, size);
    text[size] = '\0';
    int64_t ms = 0;
    if (duration_parse(text, &ms) == 0) {
        char out[64];
        int64_t back = -1;
        if (ms < 0 || ms > DURATION_MAX_MS || duration_parse(duration_format(out, sizeof out, ms), &back) != 0 ||
            back != ms) {
            abort();
        }
    }
    free(text);
    return 0;
}
