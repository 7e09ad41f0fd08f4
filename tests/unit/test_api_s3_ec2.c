/*
 * Unit tests of the S3, EC2 and task-metadata wire code (src/api/s3.c, ec2.c,
 * metadata.c) and the S3 sink's naming: s3:// URIs, EC2 form encoding, XML and
 * JSON answers, each as table rows with the specific error of the bad ones.
 */
#include <stdlib.h>
#include <string.h>

#include "api/ec2.h"
#include "api/metadata.h"
#include "api/s3.h"
#include "engine/sink.h"
#include "sink/sink_s3.h"
#include "unit.h"
#include "util/atomicfile.h"
#include "util/xalloc.h"

/* A corpus file of tests/fuzz/corpus/ (the fuzz seeds double as test answers). */
static char *
s_corpus(const char *rel, size_t *len)
{
    char *path = xasprintf("%s/fuzz/corpus/%s", unit_data_dir(), rel);
    char *data = NULL;
    struct eb_error err;
    if (atomicfile_read(path, &data, len, &err) != EB_OK) {
        unit_fail(__FILE__, __LINE__, "cannot read %s: %s", path, err.msg);
    }
    free(path);
    return data;
}

/*
 * A row's input: text when given, else the corpus file {dir}/{name}{ext}, read into
 * *file (owned by the caller, NULL for text).
 */
static const char *
s_row_input(const char *text, const char *dir, const char *name, const char *ext, size_t *len,
            char **file)
{
    *file = NULL;
    if (text) {
        *len = strlen(text);
        return text;
    }
    char *rel = xasprintf("%s/%s%s", dir, name, ext);
    *file = s_corpus(rel, len);
    free(rel);
    return *file;
}

/* A row's result code, reported with the row's name and message when it is not the expected one. */
#define S_EXPECT_ROW_RC(row, rc, want, err)                                                        \
    do {                                                                                           \
        if ((rc) != (want)) {                                                                      \
            unit_fail(__FILE__, __LINE__, "row %s: rc %d, expected %d (%s)", (row), (rc), (want),  \
                      (err).msg);                                                                  \
        }                                                                                          \
    } while (0)

/* Parse the corpus file rel with an ec2_*_parse, appending to *list: EB_OK expected. */
#define S_PARSE_CORPUS(parse, rel, list, next)                                                     \
    do {                                                                                           \
        size_t len_ = 0;                                                                           \
        struct eb_error err_;                                                                      \
        char *xml_ = s_corpus(rel, &len_);                                                         \
        REQUIRE(xml_);                                                                             \
        EXPECT_INT(parse(xml_, len_, list, next, &err_), EB_OK);                                   \
        free(xml_);                                                                                \
    } while (0)

/* --- s3:// URIs ------------------------------------------------------------------------------ */

TEST(s3_uri_parse_rows)
{
    static const struct {
        const char *uri;
        int rc;
        const char *bucket, *key, *msg;
    } rows[] = {
        {"s3://bucket/key.json", EB_OK, "bucket", "key.json", NULL},
        {"s3://my.bucket-1/a/b/c/", EB_OK, "my.bucket-1", "a/b/c/", NULL},
        {"s3://bucket", EB_OK, "bucket", "", NULL},
        {"s3://bucket/", EB_OK, "bucket", "", NULL},
        {"s3://b/key with space+plus", EB_OK, "b", "key with space+plus", NULL},
        {"s3://Legacy_Bucket/k", EB_OK, "Legacy_Bucket", "k", NULL},
        {"s3:///key", EB_ERR_INVALID, NULL, NULL, "names no bucket"},
        {"s3://", EB_ERR_INVALID, NULL, NULL, "names no bucket"},
        {"S3://bucket/key", EB_ERR_INVALID, NULL, NULL, "is not an s3:// URI"},
        {"https://bucket/key", EB_ERR_INVALID, NULL, NULL, "is not an s3:// URI"},
        {"/local/path", EB_ERR_INVALID, NULL, NULL, "is not an s3:// URI"},
        {"s3://bu cket/key", EB_ERR_INVALID, NULL, NULL, "is not a bucket name"},
        {"s3://bucket?x/key", EB_ERR_INVALID, NULL, NULL, "is not a bucket name"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct s3_uri u;
        struct eb_error err;
        memset(&err, 0, sizeof err);
        int rc = s3_uri_parse(rows[i].uri, &u, &err);
        EXPECT_INT(rc, rows[i].rc);
        if (rc == EB_OK) {
            EXPECT_STR(u.bucket, rows[i].bucket);
            EXPECT_STR(u.key, rows[i].key);
        } else {
            EXPECT_CONTAINS(err.msg, rows[i].msg);
            EXPECT(u.bucket == NULL && u.key == NULL);
        }
        s3_uri_cleanup(&u);
        s3_uri_cleanup(&u);
    }
}

TEST(s3_read_uri_rejects_bucket_only)
{
    struct eb_buf b;
    struct eb_error err;
    buf_init(&b, 0);
    EXPECT_INT(s3_read_uri(NULL, "s3://bucket", &b, &err), EB_ERR_INVALID);
    EXPECT_CONTAINS(err.msg, "names no object");
    EXPECT_INT(s3_read_uri(NULL, "s3://bucket/dir/", &b, &err), EB_ERR_INVALID);
    EXPECT_INT(s3_read_uri(NULL, "file.json", &b, &err), EB_ERR_INVALID);
    buf_cleanup(&b);
}

/* --- S3 bodies ------------------------------------------------------------------------------- */

TEST(s3_checksum_sha256_rows)
{
    static const struct {
        const char *data, *b64;
    } rows[] = {
        {"", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="},
        {"hello", "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char out[45];
        s3_checksum_sha256(rows[i].data, strlen(rows[i].data), out);
        EXPECT_STR(out, rows[i].b64);
    }
}

TEST(s3_complete_body_build_lists_parts_in_order)
{
    const char *etags[] = {"\"a1\"", "\"b&2\""};
    const char *sums[] = {"c3VtMQ==", "c3VtMg=="};
    char *body = s3_complete_body_build(etags, sums, 2);
    EXPECT_STR(body, "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                     "<Part><PartNumber>1</PartNumber><ETag>&quot;a1&quot;</ETag>"
                     "<ChecksumSHA256>c3VtMQ==</ChecksumSHA256></Part>"
                     "<Part><PartNumber>2</PartNumber><ETag>&quot;b&amp;2&quot;</ETag>"
                     "<ChecksumSHA256>c3VtMg==</ChecksumSHA256></Part>"
                     "</CompleteMultipartUpload>");
    free(body);
    body = s3_complete_body_build(etags, NULL, 1);
    EXPECT_CONTAINS(body, "<ETag>&quot;a1&quot;</ETag></Part></CompleteMultipartUpload>");
    free(body);
}

TEST(s3_xml_answers_rows)
{
    static const struct {
        const char *name;
        int complete; /* 0 = initiate parser, 1 = complete parser */
        const char *xml;
        int rc;
        const char *value, *msg;
    } rows[] = {
        {"initiate", 0, NULL, EB_OK, "VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA",
         NULL},
        {"complete", 1, NULL, EB_OK, "\"3858f62230ac3c915f300c664312c11f-9\"", NULL},
        {"complete_200_error", 1, NULL, EB_ERR_AWS, NULL, "InternalError"},
        {"initiate_error", 0, "<Error><Code>AccessDenied</Code><Message>no</Message></Error>",
         EB_ERR_AWS, NULL, "AccessDenied: no"},
        {"initiate_no_id", 0,
         "<InitiateMultipartUploadResult><Bucket>b</Bucket></InitiateMultipartUploadResult>",
         EB_ERR_PARSE, NULL, "no UploadId"},
        {"initiate_empty_id", 0,
         "<InitiateMultipartUploadResult><UploadId></UploadId></InitiateMultipartUploadResult>",
         EB_ERR_PARSE, NULL, "no UploadId"},
        {"wrong_root", 1, "<ListBucketResult/>", EB_ERR_PARSE, NULL, "root <ListBucketResult>"},
        {"malformed", 1, "<CompleteMultipartUploadResult><ETag>", EB_ERR_PARSE, NULL, "XML"},
        {"empty", 0, "", EB_ERR_PARSE, NULL, "XML"},
        {"nested_upload_id_ignored", 0,
         "<InitiateMultipartUploadResult><X><UploadId>deep</UploadId></X>"
         "</InitiateMultipartUploadResult>",
         EB_ERR_PARSE, NULL, "no UploadId"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        size_t len = 0;
        char *file = NULL;
        const char *xml =
            s_row_input(rows[i].xml, "fuzz_s3_xml", rows[i].name, ".xml", &len, &file);
        char *value = NULL;
        struct eb_error err;
        memset(&err, 0, sizeof err);
        int rc = rows[i].complete ? s3_complete_parse(xml, len, &value, &err)
                                  : s3_initiate_parse(xml, len, &value, &err);
        S_EXPECT_ROW_RC(rows[i].name, rc, rows[i].rc, err);
        if (rc == EB_OK) {
            EXPECT_STR(value, rows[i].value);
        } else {
            EXPECT(value == NULL);
            EXPECT_CONTAINS(err.msg, rows[i].msg);
        }
        if (rows[i].rc == EB_ERR_AWS) {
            EXPECT(err.aws_code[0] != '\0');
        }
        free(value);
        free(file);
    }
}

/* --- EC2 requests ------------------------------------------------------------------------------ */

TEST(ec2_request_build_rows)
{
    static const char *const eni[] = {"eni-0a1b"};
    static const char *const two[] = {"subnet-1", "subnet-2"};
    static const char *const yes[] = {"true"};
    static const char *const vpcs[] = {"vpc-1", "vpc 2/x"};
    static const char *const names[] = {"default"};
    const struct ec2_filter f_default[] = {{"is-default", yes, 1}};
    const struct ec2_filter f_two[] = {{"vpc-id", vpcs, 2}, {"group-name", names, 1}};
    const struct ec2_filter f_tag[] = {{"tag:Name", names, 1}};
    const struct ec2_query q_eni = {eni, 1, NULL, 0};
    const struct ec2_query q_two = {two, 2, NULL, 0};
    const struct ec2_query q_default = {NULL, 0, f_default, 1};
    const struct ec2_query q_filters = {NULL, 0, f_two, 2};
    const struct ec2_query q_both = {two, 1, f_tag, 1};
    const struct {
        const char *action, *id_param;
        const struct ec2_query *q;
        const char *next, *want;
    } rows[] = {
        {"DescribeNetworkInterfaces", "NetworkInterfaceId", &q_eni, NULL,
         "Action=DescribeNetworkInterfaces&Version=2016-11-15&NetworkInterfaceId.1=eni-0a1b"},
        {"DescribeSubnets", "SubnetId", &q_two, NULL,
         "Action=DescribeSubnets&Version=2016-11-15&SubnetId.1=subnet-1&SubnetId.2=subnet-2"},
        {"DescribeVpcs", "VpcId", &q_default, NULL,
         "Action=DescribeVpcs&Version=2016-11-15&Filter.1.Name=is-default&Filter.1.Value.1=true"},
        {"DescribeSecurityGroups", "GroupId", &q_filters, NULL,
         "Action=DescribeSecurityGroups&Version=2016-11-15&Filter.1.Name=vpc-id"
         "&Filter.1.Value.1=vpc-1&Filter.1.Value.2=vpc%202%2Fx&Filter.2.Name=group-name"
         "&Filter.2.Value.1=default"},
        {"DescribeInstances", "InstanceId", &q_both, "a+b/c=",
         "Action=DescribeInstances&Version=2016-11-15&InstanceId.1=subnet-1"
         "&Filter.1.Name=tag%3AName&Filter.1.Value.1=default&NextToken=a%2Bb%2Fc%3D"},
        {"DescribeVpcs", "VpcId", NULL, NULL, "Action=DescribeVpcs&Version=2016-11-15"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char *form = ec2_request_build(rows[i].action, rows[i].id_param, rows[i].q, rows[i].next);
        EXPECT_STR(form, rows[i].want);
        free(form);
    }
}

/* --- EC2 answers ------------------------------------------------------------------------------- */

TEST(ec2_network_interfaces_parse_fake_answer)
{
    struct ec2_network_interface_list l = {NULL, 0};
    char *next = NULL;
    S_PARSE_CORPUS(ec2_network_interfaces_parse, "fuzz_ec2_xml/eni_fake.xml", &l, &next);
    REQUIRE(l.n == 1);
    EXPECT_STR(l.v[0].id, "eni-0a1b2c3d4e5f60031");
    EXPECT_STR(l.v[0].subnet_id, "subnet-0a1b2c3d4e5f60011");
    EXPECT_STR(l.v[0].vpc_id, "vpc-0a1b2c3d4e5f60001");
    EXPECT_STR(l.v[0].private_ip, "10.0.1.25");
    EXPECT_STR(l.v[0].availability_zone, "us-west-2a");
    EXPECT_STR(l.v[0].status, "in-use");
    EXPECT(l.v[0].public_ip == NULL);
    REQUIRE(l.v[0].n_group_ids == 1);
    EXPECT_STR(l.v[0].group_ids[0], "sg-0a1b2c3d4e5f60021");
    EXPECT_STR(l.v[0].group_names[0], "ecsbatch-launcher");
    EXPECT(next == NULL);
    /* A second page appends. */
    S_PARSE_CORPUS(ec2_network_interfaces_parse, "fuzz_ec2_xml/eni_public_ip_next_token.xml", &l,
                   &next);
    REQUIRE(l.n == 2);
    EXPECT_STR(l.v[1].id, "eni-1");
    EXPECT_STR(l.v[1].public_ip, "203.0.113.7");
    REQUIRE(l.v[1].n_group_ids == 2);
    EXPECT_STR(l.v[1].group_ids[1], "sg-2");
    EXPECT_STR(next, "tok/en+1=");
    free(next);
    ec2_network_interface_list_cleanup(&l);
    ec2_network_interface_list_cleanup(&l);
    EXPECT(l.n == 0 && l.v == NULL);
}

TEST(ec2_other_answers_parse)
{
    struct ec2_subnet_list sn = {NULL, 0};
    S_PARSE_CORPUS(ec2_subnets_parse, "fuzz_ec2_xml/subnets_two.xml", &sn, NULL);
    REQUIRE(sn.n == 2);
    EXPECT_STR(sn.v[1].id, "subnet-0a1b2c3d4e5f60012");
    EXPECT_STR(sn.v[1].availability_zone, "us-west-2b");
    EXPECT_STR(sn.v[1].availability_zone_id, "uw2-az2");
    EXPECT_STR(sn.v[1].cidr_block, "10.0.2.0/24");
    EXPECT_INT(sn.v[1].available_ips, 250);
    EXPECT(!sn.v[1].default_for_az && !sn.v[1].map_public_ip_on_launch);
    ec2_subnet_list_cleanup(&sn);

    struct ec2_security_group_list sg = {NULL, 0};
    S_PARSE_CORPUS(ec2_security_groups_parse, "fuzz_ec2_xml/security_groups_two.xml", &sg, NULL);
    REQUIRE(sg.n == 2);
    EXPECT_STR(sg.v[0].id, "sg-0a1b2c3d4e5f60020");
    EXPECT_STR(sg.v[0].name, "default");
    EXPECT_STR(sg.v[1].description, "ecsbatch launcher and tasks");
    ec2_security_group_list_cleanup(&sg);

    struct ec2_vpc_list vpc = {NULL, 0};
    S_PARSE_CORPUS(ec2_vpcs_parse, "fuzz_ec2_xml/vpcs_default.xml", &vpc, NULL);
    REQUIRE(vpc.n == 1);
    EXPECT_STR(vpc.v[0].id, "vpc-0a1b2c3d4e5f60001");
    /* The top-level cidrBlock, not the association set's. */
    EXPECT_STR(vpc.v[0].cidr_block, "10.0.0.0/16");
    EXPECT(vpc.v[0].is_default);
    ec2_vpc_list_cleanup(&vpc);

    struct ec2_instance_list in = {NULL, 0};
    S_PARSE_CORPUS(ec2_instances_parse, "fuzz_ec2_xml/instances_fake.xml", &in, NULL);
    REQUIRE(in.n == 1);
    EXPECT_STR(in.v[0].id, "i-0a1b2c3d4e5f60041");
    EXPECT_STR(in.v[0].type, "m5.large");
    EXPECT_STR(in.v[0].state, "running");
    EXPECT_STR(in.v[0].availability_zone, "us-west-2a");
    REQUIRE(in.v[0].n_group_ids == 1);
    EXPECT_STR(in.v[0].group_ids[0], "sg-0a1b2c3d4e5f60021");
    ec2_instance_list_cleanup(&in);
}

TEST(ec2_bad_answers_rows)
{
    static const struct {
        const char *name, *xml;
        int rc;
        const char *msg;
    } rows[] = {
        /* xml NULL: the corpus file fuzz_ec2_xml/<name>.xml */
        {"error_not_found", NULL, EB_ERR_AWS, "InvalidSubnetID.NotFound"},
        {"item_without_id", NULL, EB_ERR_PARSE, "an item has no subnetId"},
        {"other action", "<DescribeVpcsResponse><vpcSet/></DescribeVpcsResponse>", EB_ERR_PARSE,
         "root <DescribeVpcsResponse>"},
        {"malformed", "<DescribeSubnetsResponse><subnetSet><item>", EB_ERR_PARSE, "XML"},
        {"prefix of the root", "<DescribeSubnetsResponseX/>", EB_ERR_PARSE, "root"},
        {"empty", "", EB_ERR_PARSE, "XML"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        size_t len = 0;
        char *file = NULL;
        const char *xml =
            s_row_input(rows[i].xml, "fuzz_ec2_xml", rows[i].name, ".xml", &len, &file);
        struct ec2_subnet_list l = {NULL, 0};
        char *next = NULL;
        struct eb_error err;
        memset(&err, 0, sizeof err);
        int rc = ec2_subnets_parse(xml, len, &l, &next, &err);
        S_EXPECT_ROW_RC(rows[i].name, rc, rows[i].rc, err);
        EXPECT_CONTAINS(err.msg, rows[i].msg);
        EXPECT(l.n == 0 && next == NULL);
        if (rc == EB_ERR_AWS) {
            EXPECT_STR(err.aws_code, "InvalidSubnetID.NotFound");
        }
        ec2_subnet_list_cleanup(&l);
        free(file);
    }
}

/* --- task metadata ----------------------------------------------------------------------------- */

TEST(metadata_task_parse_rows)
{
    static const struct {
        const char *name, *json; /* json NULL: the corpus file fuzz_metadata/<name>.json */
        int rc;
        const char *cluster, *family, *revision, *launch_type, *az, *region, *msg;
    } rows[] = {
        {"v4_fake_fargate", NULL, EB_OK, "arn:aws:ecs:us-west-2:123456789012:cluster/default",
         "ecsbatch-launcher", "1", "FARGATE", "us-west-2a", "us-west-2", NULL},
        {"v4_ec2_revision_number", NULL, EB_OK, "default", "launcher", "12", "EC2", NULL,
         "eu-west-1", NULL},
        {"missing_task_arn", NULL, EB_ERR_PARSE, NULL, NULL, NULL, NULL, NULL, NULL,
         "field TaskARN is missing"},
        {"not_ecs_arn", NULL, EB_ERR_PARSE, NULL, NULL, NULL, NULL, NULL, NULL,
         "is not an ECS task ARN"},
        {"family_not_string", "{\"Cluster\":\"c\",\"TaskARN\":\"arn:aws:ecs:r:1:task/c/1\","
                              "\"Family\":[],\"Revision\":\"1\"}",
         EB_ERR_PARSE, NULL, NULL, NULL, NULL, NULL, NULL, "field Family is not a non-empty string"},
        {"launch_type_number", "{\"Cluster\":\"c\",\"TaskARN\":\"arn:aws:ecs:r:1:task/c/1\","
                               "\"Family\":\"f\",\"Revision\":\"1\",\"LaunchType\":3}",
         EB_ERR_PARSE, NULL, NULL, NULL, NULL, NULL, NULL, "field LaunchType is not a string"},
        {"china_partition", "{\"Cluster\":\"c\",\"TaskARN\":\"arn:aws-cn:ecs:cn-north-1:1:task/c/1\","
                            "\"Family\":\"f\",\"Revision\":\"2\"}",
         EB_OK, "c", "f", "2", NULL, NULL, "cn-north-1", NULL},
        {"array", "[]", EB_ERR_PARSE, NULL, NULL, NULL, NULL, NULL, NULL, "not a JSON object"},
        {"truncated", "{\"Cluster\":", EB_ERR_PARSE, NULL, NULL, NULL, NULL, NULL, NULL,
         "not a JSON object"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        size_t len = 0;
        char *file = NULL;
        const char *json =
            s_row_input(rows[i].json, "fuzz_metadata", rows[i].name, ".json", &len, &file);
        struct metadata_task t;
        struct eb_error err;
        memset(&err, 0, sizeof err);
        int rc = metadata_task_parse(json, len, &t, &err);
        S_EXPECT_ROW_RC(rows[i].name, rc, rows[i].rc, err);
        if (rc == EB_OK) {
            EXPECT_STR(t.cluster, rows[i].cluster);
            EXPECT_STR(t.family, rows[i].family);
            EXPECT_STR(t.revision, rows[i].revision);
            EXPECT_STR(t.region, rows[i].region);
            if (rows[i].launch_type) {
                EXPECT_STR(t.launch_type, rows[i].launch_type);
            }
            if (rows[i].az) {
                EXPECT_STR(t.availability_zone, rows[i].az);
            }
        } else {
            EXPECT_CONTAINS(err.msg, rows[i].msg);
        }
        metadata_task_cleanup(&t);
        metadata_task_cleanup(&t);
        free(file);
    }
}

TEST(metadata_arn_helpers)
{
    static const struct {
        const char *in, *region, *account, *cluster;
    } rows[] = {
        {"arn:aws:ecs:us-west-2:123456789012:cluster/batch", "us-west-2", "123456789012", "batch"},
        {"batch", NULL, NULL, "batch"},
        {"arn:aws:ecs::1:cluster/x", NULL, "1", "x"},
        {"arn:aws:ecs:r", NULL, NULL, "arn:aws:ecs:r"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char *r = metadata_arn_region(rows[i].in);
        char *a = metadata_arn_account(rows[i].in);
        char *c = metadata_cluster_name(rows[i].in);
        if (rows[i].region) {
            EXPECT_STR(r, rows[i].region);
        } else {
            EXPECT(r == NULL);
        }
        if (rows[i].account) {
            EXPECT_STR(a, rows[i].account);
        } else {
            EXPECT(a == NULL);
        }
        EXPECT_STR(c, rows[i].cluster);
        free(r);
        free(a);
        free(c);
    }
}

/* --- the S3 sink's names ------------------------------------------------------------------------ */

TEST(sink_s3_location_rows)
{
    static const struct {
        const char *uri, *job, *location, *msg;
    } rows[] = {
        {"s3://results/ecsbatch", "j1", "s3://results/ecsbatch/j1", NULL},
        {"s3://results/ecsbatch/", "j1", "s3://results/ecsbatch/j1", NULL},
        {"s3://results", "j1", "s3://results/j1", NULL},
        {"s3://results/", "j1", "s3://results/j1", NULL},
        {"s3://results/a/b//", "abc123", "s3://results/a/b/abc123", NULL},
        {"./folder", "j1", NULL, "is not an s3:// URI"},
        {"s3://results/x", "../j", NULL, "cannot name a results folder"},
        {"s3://results/x", "", NULL, "cannot name a results folder"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct eb_error err;
        memset(&err, 0, sizeof err);
        struct sink *s = sink_s3_new(NULL, rows[i].uri, rows[i].job, &err);
        if (rows[i].location) {
            REQUIRE(s);
            EXPECT_STR(s->ops->location(s), rows[i].location);
            /* Paths are checked before anything is sent. */
            EXPECT_INT(s->ops->put(s, "../x", "", 0, &err), EB_ERR_INVALID);
            EXPECT_INT(s->ops->create(s, "/abs", "", 0, &err), EB_ERR_INVALID);
            s->ops->destroy(s);
        } else {
            EXPECT(s == NULL);
            EXPECT_INT(err.code, EB_ERR_INVALID);
            EXPECT_CONTAINS(err.msg, rows[i].msg);
        }
    }
}
