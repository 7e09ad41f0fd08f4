/*
 * Fuzz the EC2 answer parsers of src/api/ec2.c (all five Describe answers,
 * with paging tokens): no crash, no leak, and every accepted item has its id.
 */
#include <stdint.h>
#include <stdlib.h>

#include "api/ec2.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Parse the input as ec2_{kind}s_parse does (out_next: &next or NULL); check the ids. */
#define S_FUZZ_KIND(kind, out_next)                                                                \
    do {                                                                                           \
        struct ec2_##kind##_list l_ = {NULL, 0};                                                   \
        if (ec2_##kind##s_parse(xml, size, &l_, out_next, &err) == EB_OK) {                        \
            for (size_t i_ = 0; i_ < l_.n; i_++) {                                                 \
                if (!l_.v[i_].id) {                                                                \
                    abort();                                                                       \
                }                                                                                  \
            }                                                                                      \
        }                                                                                          \
        ec2_##kind##_list_cleanup(&l_);                                                            \
        free(next);                                                                                \
        next = NULL;                                                                               \
    } while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *xml = (const char *)data;
    struct eb_error err;
    char *next = NULL;
    S_FUZZ_KIND(network_interface, &next);
    S_FUZZ_KIND(subnet, &next);
    S_FUZZ_KIND(security_group, NULL);
    S_FUZZ_KIND(vpc, NULL);
    S_FUZZ_KIND(instance, &next);
    return 0;
}
