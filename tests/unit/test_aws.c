/*
 * The AWS client core's pure parts, table-driven: error documents, retry
 * classification, backoff bounds and quota, endpoint resolution, the shared
 * files' INI dialect and profiles, credential answers, FULL_URI hosts, rate limits,
 * bounded file reads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws/awserr.h"
#include "aws/awsio.h"
#include "aws/call.h"
#include "aws/creds.h"
#include "aws/endpoint.h"
#include "aws/profile.h"
#include "aws/ratelimit.h"
#include "aws/retry.h"
#include "aws/xml.h"
#include "unit.h"
#include "util/buf.h"
#include "util/xalloc.h"

TEST(awserr_rows)
{
    static const struct {
        const char *body;
        long status;
        const char *type_header;
        const char *code, *message, *request_id;
    } rows[] = {
        {"{\"__type\":\"ClientException\",\"message\":\"bad\"}", 400, NULL, "ClientException", "bad", ""},
        {"{\"__type\":\"com.amazonaws.ecs#ThrottlingException\",\"Message\":\"Rate exceeded\"}", 400,
         NULL, "ThrottlingException", "Rate exceeded", ""},
        {"{\"__type\":\"InvalidParameterException:http://internal.amazon.com/\",\"message\":\"m\"}",
         400, NULL, "InvalidParameterException", "m", ""},
        {"{\"code\":\"ResourceNotFoundException\",\"message\":\"gone\"}", 400, NULL,
         "ResourceNotFoundException", "gone", ""},
        {"{}", 400, "ExpiredTokenException:http://x", "ExpiredTokenException", "", ""},
        {"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code><Message>The "
         "specified key does not exist.</Message><Key>k</Key><RequestId>R1</RequestId></Error>",
         404, NULL, "NoSuchKey", "The specified key does not exist.", "R1"},
        {"<Response><Errors><Error><Code>InvalidSubnetID.NotFound</Code><Message>no "
         "subnet</Message></Error></Errors><RequestID>R2</RequestID></Response>",
         400, NULL, "InvalidSubnetID.NotFound", "no subnet", "R2"},
        {"<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>"
         "<Code>InvalidIdentityToken</Code><Message>bad token</Message></Error>"
         "<RequestId>R3</RequestId></ErrorResponse>",
         400, NULL, "InvalidIdentityToken", "bad token", "R3"},
        {"  \n<Error><Code>InternalError</Code><Message>We encountered</Message></Error>", 200, NULL,
         "InternalError", "We encountered", ""},
        {"", 404, NULL, "NotFound", "", ""},
        {"", 403, NULL, "Forbidden", "", ""},
        {"<html>oops", 502, NULL, "HTTP502", "", ""},
        {"{not json", 500, NULL, "HTTP500", "", ""},
        {"[1,2]", 503, NULL, "HTTP503", "", ""},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct awserr e;
        awserr_parse(rows[i].body, strlen(rows[i].body), rows[i].status, rows[i].type_header, &e);
        EXPECT_STR(e.code, rows[i].code);
        EXPECT_STR(e.message, rows[i].message);
        EXPECT_STR(e.request_id, rows[i].request_id);
    }
    const char *s3_200 = "\n\n<Error><Code>InternalError</Code></Error>";
    EXPECT(awserr_is_xml_error(s3_200, strlen(s3_200)));
    const char *ok = "<CompleteMultipartUploadResult><ETag>x</ETag></CompleteMultipartUploadResult>";
    EXPECT(!awserr_is_xml_error(ok, strlen(ok)));
}

TEST(retry_classify_rows)
{
    static const struct {
        enum eb_err transport;
        long status;
        const char *code, *message;
        enum retry_class want;
    } rows[] = {
        {EB_OK, 200, "", "", RETRY_NO},
        {EB_ERR_TRANSPORT, 0, "", "", RETRY_TRANSIENT},
        {EB_ERR_TIMEOUT, 0, "", "", RETRY_TIMEOUT},
        {EB_ERR_TLS, 0, "", "", RETRY_NO},
        {EB_OK, 400, "ThrottlingException", "Rate exceeded", RETRY_THROTTLE},
        {EB_OK, 400, "InvalidParameterException", "Rate exceeded", RETRY_THROTTLE},
        {EB_OK, 400, "ClientException", "Rate exceeded", RETRY_THROTTLE},
        {EB_OK, 400, "InvalidParameterException", "bad subnet", RETRY_NO},
        {EB_OK, 400, "LimitExceededException", "", RETRY_THROTTLE},
        {EB_OK, 503, "SlowDown", "", RETRY_THROTTLE},
        {EB_OK, 503, "RequestLimitExceeded", "", RETRY_THROTTLE},
        {EB_OK, 429, "", "", RETRY_THROTTLE},
        {EB_OK, 429, "TooManyRequests", "", RETRY_THROTTLE},
        {EB_OK, 500, "ServerException", "", RETRY_TRANSIENT},
        {EB_OK, 500, "InternalError", "", RETRY_TRANSIENT},
        {EB_OK, 502, "HTTP502", "", RETRY_TRANSIENT},
        {EB_OK, 504, "", "", RETRY_TRANSIENT},
        {EB_OK, 400, "RequestTimeout", "", RETRY_TRANSIENT},
        {EB_OK, 501, "NotImplemented", "", RETRY_NO},
        {EB_OK, 400, "ClientException", "no such family", RETRY_NO},
        {EB_OK, 400, "AccessDeniedException", "", RETRY_NO},
        {EB_OK, 400, "ExpiredTokenException", "", RETRY_EXPIRED},
        {EB_OK, 400, "ExpiredToken", "", RETRY_EXPIRED},
        {EB_OK, 403, "RequestTimeTooSkewed", "", RETRY_SKEW},
        {EB_OK, 400, "RequestExpired", "", RETRY_SKEW},
        {EB_OK, 400, "InvalidSignatureException", "Signature expired: 20260101T000000Z", RETRY_SKEW},
        {EB_OK, 400, "InvalidSignatureException", "The request signature we calculated does not match",
         RETRY_NO},
        {EB_OK, 403, "SignatureDoesNotMatch", "The request signature we calculated", RETRY_NO},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        enum retry_class got =
            retry_classify(rows[i].transport, rows[i].status, rows[i].code, rows[i].message);
        if (got != rows[i].want) {
            unit_fail(__FILE__, __LINE__, "row %zu (%s %ld): got %s, want %s", i, rows[i].code,
                      rows[i].status, retry_class_name(got), retry_class_name(rows[i].want));
        }
    }
    EXPECT(retry_is_expired_code("RequestExpired"));
    EXPECT(!retry_is_expired_code("ThrottlingException"));
}

TEST(retry_backoff_bounds)
{
    /* full jitter: [0, min(2^(n-1), 20) s) */
    static const int64_t caps[] = {0, 1000, 2000, 4000, 8000, 16000, 20000, 20000, 20000};
    for (int n = 1; n <= 8; n++) {
        EXPECT_INT(retry_backoff_ms(n, 0.0), 0);
        int64_t hi = retry_backoff_ms(n, 0.9999999);
        EXPECT(hi < caps[n] && hi >= caps[n] - 1);
        EXPECT_INT(retry_backoff_ms(n, 0.5), caps[n] / 2);
    }
    EXPECT_INT(retry_backoff_ms(100, 0.5), 10000);
    EXPECT_INT(retry_backoff_ms(0, 0.5), 500);
    EXPECT(retry_backoff_ms(1, 7.0) < 1000);
    EXPECT_INT(retry_backoff_ms(1, -1.0), 0);
}

TEST(retry_quota_rows)
{
    struct retry_quota q;
    retry_quota_init(&q);
    EXPECT_INT(q.capacity, 500);
    int n = 0;
    while (retry_quota_acquire(&q, RETRY_THROTTLE) > 0) {
        n++;
    }
    EXPECT_INT(n, 100);
    EXPECT_INT(retry_quota_acquire(&q, RETRY_TRANSIENT), 0);
    retry_quota_release(&q, 0);
    EXPECT_INT(q.capacity, 1);
    retry_quota_release(&q, 10);
    EXPECT_INT(q.capacity, 11);
    EXPECT_INT(retry_quota_acquire(&q, RETRY_TIMEOUT), 10);
    EXPECT_INT(q.capacity, 1);
    retry_quota_release(&q, 1000);
    EXPECT_INT(q.capacity, 500);
    static const struct {
        const char *in;
        int want;
    } ma[] = {{NULL, 3}, {"", 3}, {"1", 1}, {"5", 5}, {"0", 3}, {"-2", 3}, {"x", 3}, {"7x", 3},
              {"100", 100}, {"101", 3}};
    for (size_t i = 0; i < sizeof ma / sizeof ma[0]; i++) {
        EXPECT_INT(retry_max_attempts_from(ma[i].in), ma[i].want);
    }
}

TEST(endpoint_rows)
{
    static const struct {
        enum aws_service svc;
        const char *region, *svc_ov, *global_ov, *profile_ov;
        const char *want;
        bool custom;
    } rows[] = {
        {AWS_ECS, "us-west-2", NULL, NULL, NULL, "https://ecs.us-west-2.amazonaws.com", false},
        {AWS_LOGS, "eu-central-1", NULL, NULL, NULL, "https://logs.eu-central-1.amazonaws.com", false},
        {AWS_EC2, "cn-north-1", NULL, NULL, NULL, "https://ec2.cn-north-1.amazonaws.com.cn", false},
        {AWS_ECS, "cn-northwest-1", NULL, NULL, NULL, "https://ecs.cn-northwest-1.amazonaws.com.cn",
         false},
        {AWS_ECS, "us-gov-west-1", NULL, NULL, NULL, "https://ecs.us-gov-west-1.amazonaws.com", false},
        {AWS_STS, "us-gov-east-1", NULL, NULL, NULL, "https://sts.us-gov-east-1.amazonaws.com", false},
        {AWS_ECS, "us-iso-east-1", NULL, NULL, NULL, "https://ecs.us-iso-east-1.c2s.ic.gov", false},
        {AWS_ECS, "us-isob-east-1", NULL, NULL, NULL, "https://ecs.us-isob-east-1.sc2s.sgov.gov", false},
        {AWS_S3, "ap-south-1", NULL, NULL, NULL, "https://s3.ap-south-1.amazonaws.com", false},
        {AWS_STS, "", NULL, NULL, NULL, "https://sts.amazonaws.com", false},
        {AWS_STS, "eu-west-1", NULL, NULL, NULL, "https://sts.eu-west-1.amazonaws.com", false},
        {AWS_ECS, "us-west-2", "http://127.0.0.1:9000/", "http://other", NULL, "http://127.0.0.1:9000",
         true},
        {AWS_ECS, "us-west-2", NULL, "http://global:1", "http://profile:2", "http://global:1", true},
        {AWS_ECS, "us-west-2", NULL, NULL, "http://profile:2", "http://profile:2", true},
        {AWS_ECS, "us-west-2", "", "", "", "https://ecs.us-west-2.amazonaws.com", false},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        bool custom = !rows[i].custom;
        char *u = endpoint_url(rows[i].svc, rows[i].region, rows[i].svc_ov, rows[i].global_ov,
                               rows[i].profile_ov, &custom);
        EXPECT_STR(u, rows[i].want);
        EXPECT_INT(custom, rows[i].custom);
        free(u);
    }
    EXPECT_STR(endpoint_partition("cn-north-1"), "aws-cn");
    EXPECT_STR(endpoint_partition("us-gov-west-1"), "aws-us-gov");
    EXPECT_STR(endpoint_partition("eu-west-3"), "aws");
    EXPECT_STR(endpoint_env_name(AWS_LOGS), "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS");
    EXPECT_STR(endpoint_env_name(AWS_STS), "AWS_ENDPOINT_URL_STS");
    EXPECT_STR(endpoint_signing_name(AWS_LOGS), "logs");
    EXPECT(endpoint_region_is_valid("us-west-2"));
    EXPECT(!endpoint_region_is_valid(""));
    EXPECT(!endpoint_region_is_valid("us-west-2.evil.com"));
    EXPECT(!endpoint_region_is_valid("US-WEST-2"));
    EXPECT(!endpoint_region_is_valid("-x"));
}

TEST(endpoint_env_overrides)
{
    setenv("AWS_ENDPOINT_URL", "http://all:1", 1);
    setenv("AWS_ENDPOINT_URL_S3", "http://s3:2", 1);
    EXPECT_STR(endpoint_env_override(AWS_S3), "http://s3:2");
    EXPECT(endpoint_env_override(AWS_ECS) == NULL);
    EXPECT_STR(endpoint_env_global_override(), "http://all:1");
    setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", 1);
    EXPECT(endpoint_env_override(AWS_S3) == NULL);
    EXPECT(endpoint_env_global_override() == NULL);
    unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
    unsetenv("AWS_ENDPOINT_URL");
    unsetenv("AWS_ENDPOINT_URL_S3");
}

TEST(endpoint_s3_rows)
{
    static const struct {
        const char *base;
        bool custom;
        const char *bucket, *key, *url, *path;
    } rows[] = {
        {"https://s3.us-west-2.amazonaws.com", false, "my-bucket", "logs/run%201/out.txt",
         "https://my-bucket.s3.us-west-2.amazonaws.com/logs/run%201/out.txt",
         "/logs/run%201/out.txt"},
        {"https://s3.us-west-2.amazonaws.com", false, "my.dotted.bucket", "k",
         "https://s3.us-west-2.amazonaws.com/my.dotted.bucket/k", "/my.dotted.bucket/k"},
        {"https://s3.cn-north-1.amazonaws.com.cn", false, "b-1", "a//b",
         "https://b-1.s3.cn-north-1.amazonaws.com.cn/a//b", "/a//b"},
        {"http://127.0.0.1:9000", true, "bkt", "k", "http://127.0.0.1:9000/bkt/k", "/bkt/k"},
        {"http://minio:9000/prefix", true, "bkt", "k", "http://minio:9000/prefix/bkt/k",
         "/prefix/bkt/k"},
        {"http://127.0.0.1:9000", true, "bkt", "", "http://127.0.0.1:9000/bkt", "/bkt"},
        {"https://s3.us-west-2.amazonaws.com", false, "Upper_Case", "k",
         "https://s3.us-west-2.amazonaws.com/Upper_Case/k", "/Upper_Case/k"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct eb_buf url = EB_BUF_INIT, path = EB_BUF_INIT;
        endpoint_s3_url(rows[i].base, rows[i].custom, rows[i].bucket, rows[i].key, &url, &path);
        EXPECT_STR(buf_cstr(&url), rows[i].url);
        EXPECT_STR(buf_cstr(&path), rows[i].path);
        buf_cleanup(&url);
        buf_cleanup(&path);
    }
}

TEST(endpoint_split_rows)
{
    static const struct {
        const char *url;
        int rc;
        const char *scheme, *authority, *path;
    } rows[] = {
        {"https://ecs.us-west-2.amazonaws.com/", 0, "https", "ecs.us-west-2.amazonaws.com", "/"},
        {"https://host:443/x", 0, "https", "host", "/x"},
        {"http://127.0.0.1:8080", 0, "http", "127.0.0.1:8080", ""},
        {"http://h:80/", 0, "http", "h", "/"},
        {"HTTP://Host.Example:81", 0, "http", "host.example:81", ""},
        {"http://[fd00:ec2::23]/v1", 0, "http", "[fd00:ec2::23]", "/v1"},
        {"http://user:pw@h:1/", 0, "http", "h:1", "/"},
        {"ftp://x/", -1, "", "", ""},
        {"nothing", -1, "", "", ""},
        {"http:///x", -1, "", "", ""},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char scheme[8] = "", auth[128] = "";
        const char *path = "";
        int rc = endpoint_split(rows[i].url, scheme, sizeof scheme, auth, sizeof auth, &path);
        EXPECT_INT(rc, rows[i].rc);
        if (rc == 0) {
            EXPECT_STR(scheme, rows[i].scheme);
            EXPECT_STR(auth, rows[i].authority);
            EXPECT_STR(path, rows[i].path);
        }
    }
}

TEST(ini_and_profile_rows)
{
    const char *cred = "# comment\n[default]\naws_access_key_id = AKIDDEFAULT\n"
                       "aws_secret_access_key=secret-default\n\n; other comment\n"
                       "[dev]\r\n  aws_access_key_id =  AKIDDEV  \r\naws_secret_access_key = s = dev\r\n"
                       "aws_session_token = tok\n";
    const char *conf = "[default]\nregion = eu-west-1\n[profile dev]\nregion = us-west-2\n"
                       "s3 =\n  addressing_style = path\n  max_concurrency = 4\nmax_attempts = 7\n"
                       "[profile web]\nrole_arn = arn:aws:iam::1:role/r\n"
                       "web_identity_token_file = /tok\n[profile conf]\naws_access_key_id = AKIDCONF\n"
                       "aws_secret_access_key = sc\nendpoint_url = http://x:1\n";
    struct eb_error err = {0};
    struct profile p = {0};
    REQUIRE(profile_parse(cred, strlen(cred), "CRED", conf, strlen(conf), "CONF", "dev", &p, &err) ==
            EB_OK);
    EXPECT(p.found);
    EXPECT_STR(p.access_key, "AKIDDEV");
    EXPECT_STR(p.secret_key, "s = dev");
    EXPECT_STR(p.session_token, "tok");
    EXPECT_STR(p.region, "us-west-2");
    EXPECT_STR(p.max_attempts, "7");
    EXPECT_CONTAINS(p.where, "credentials file CRED");
    profile_cleanup(&p);

    REQUIRE(profile_parse(cred, strlen(cred), "CRED", conf, strlen(conf), "CONF", "default", &p,
                          &err) == EB_OK);
    EXPECT_STR(p.access_key, "AKIDDEFAULT");
    EXPECT_STR(p.region, "eu-west-1");
    EXPECT(p.session_token == NULL);
    profile_cleanup(&p);

    REQUIRE(profile_parse(NULL, 0, "CRED", conf, strlen(conf), "CONF", "web", &p, &err) == EB_OK);
    EXPECT(p.access_key == NULL);
    EXPECT_STR(p.role_arn, "arn:aws:iam::1:role/r");
    EXPECT_STR(p.web_identity_token_file, "/tok");
    profile_cleanup(&p);

    REQUIRE(profile_parse(NULL, 0, "CRED", conf, strlen(conf), "CONF", "conf", &p, &err) == EB_OK);
    EXPECT_STR(p.access_key, "AKIDCONF");
    EXPECT_STR(p.endpoint_url, "http://x:1");
    EXPECT_CONTAINS(p.where, "config file CONF");
    profile_cleanup(&p);

    REQUIRE(profile_parse(cred, strlen(cred), "CRED", conf, strlen(conf), "CONF", "nope", &p, &err) ==
            EB_OK);
    EXPECT(!p.found);
    profile_cleanup(&p);

    struct ini *ini = NULL;
    const char *dup = "[a]\nk = 1\nk = 2\n[b]\n";
    REQUIRE(ini_parse(dup, strlen(dup), "F", &ini, &err) == EB_OK);
    EXPECT_STR(ini_get(ini, "a", "k"), "2");
    EXPECT(ini_has_section(ini, "b"));
    EXPECT(ini_get(ini, "b", "k") == NULL);
    ini_free(ini);
}

TEST(creds_parse_rows)
{
    struct creds c = {0};
    struct eb_error err = {0};
    const char *ecs = "{\"RoleArn\":\"arn\",\"AccessKeyId\":\"ASIA1\",\"SecretAccessKey\":\"s\","
                      "\"Token\":\"t\",\"Expiration\":\"2026-11-22T16:04:05Z\"}";
    REQUIRE(creds_parse_json(ecs, strlen(ecs), &c, &err) == EB_OK);
    EXPECT_STR(c.access_key, "ASIA1");
    EXPECT_STR(c.token, "t");
    EXPECT_INT(c.expires_ms, 1795363445000LL);
    creds_cleanup(&c);
    const char *frac = "{\"Code\":\"Success\",\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"s\","
                       "\"Token\":\"t\",\"Expiration\":\"2026-11-22T16:04:05.123Z\"}";
    REQUIRE(creds_parse_json(frac, strlen(frac), &c, &err) == EB_OK);
    EXPECT_INT(c.expires_ms, 1795363445123LL);
    creds_cleanup(&c);

    const char *sts =
        "<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
        "<AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>ASIAW</AccessKeyId>"
        "<SecretAccessKey>sw</SecretAccessKey><SessionToken>tw</SessionToken>"
        "<Expiration>2026-11-22T16:04:05Z</Expiration></Credentials></AssumeRoleWithWebIdentityResult>"
        "</AssumeRoleWithWebIdentityResponse>";
    REQUIRE(creds_parse_sts_xml(sts, strlen(sts), &c, &err) == EB_OK);
    EXPECT_STR(c.access_key, "ASIAW");
    EXPECT_STR(c.secret_key, "sw");
    EXPECT_STR(c.token, "tw");
    EXPECT_INT(c.expires_ms, 1795363445000LL);
    creds_cleanup(&c);
}

/* The text parsers' negative rows: the specific code, part of the message, nothing out. */
enum s_parser { P_INI, P_CREDS_JSON, P_STS_XML, P_PROCESS_JSON };

TEST(aws_parsers_reject_rows)
{
    static const struct {
        enum s_parser parser;
        const char *text;
        enum eb_err code;
        const char *msg;
    } rows[] = {
        {P_INI, "key = value\n", EB_ERR_INVALID, "F line 1: setting before any [section]"},
        {P_INI, "[a]\nno equals sign\n", EB_ERR_INVALID, "F line 2: expected 'key = value'"},
        {P_INI, "[a\nk = v\n", EB_ERR_INVALID, "F line 1: section header without ']'"},
        {P_CREDS_JSON, "", EB_ERR_CREDENTIALS, "not a JSON object"},
        {P_CREDS_JSON, "[]", EB_ERR_CREDENTIALS, "not a JSON object"},
        {P_CREDS_JSON, "{\"SecretAccessKey\":\"s\"}", EB_ERR_CREDENTIALS, "no AccessKeyId"},
        {P_CREDS_JSON, "{\"AccessKeyId\":\"A\"}", EB_ERR_CREDENTIALS, "no SecretAccessKey"},
        {P_CREDS_JSON,
         "{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"s\",\"Expiration\":\"soon\"}",
         EB_ERR_CREDENTIALS, "bad Expiration"},
        {P_CREDS_JSON, "{\"Code\":\"AssumeRoleUnauthorizedAccess\",\"Message\":\"no\"}",
         EB_ERR_CREDENTIALS, "says AssumeRoleUnauthorizedAccess"},
        {P_CREDS_JSON, "{\"code\":\"InvalidIdentityToken\",\"message\":\"nope\"}",
         EB_ERR_CREDENTIALS, "no AccessKeyId: nope"},
        {P_STS_XML,
         "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult>"
         "<Credentials><AccessKeyId>A</AccessKeyId></Credentials>"
         "</AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>",
         EB_ERR_CREDENTIALS, "no Credentials"},
        {P_STS_XML, "<a><b>", EB_ERR_CREDENTIALS, "STS answer"},
        {P_PROCESS_JSON, "", EB_ERR_CREDENTIALS, "profile pp: credential_process output is not"},
        {P_PROCESS_JSON, "not json", EB_ERR_CREDENTIALS, "is not a JSON object"},
        {P_PROCESS_JSON, "{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"s\"}",
         EB_ERR_CREDENTIALS, "profile pp: credential_process output has no Version"},
        {P_PROCESS_JSON, "{\"Version\":2,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"s\"}",
         EB_ERR_CREDENTIALS, "Version must be the number 1"},
        {P_PROCESS_JSON, "{\"Version\":\"1\",\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"s\"}",
         EB_ERR_CREDENTIALS, "Version must be the number 1"},
        {P_PROCESS_JSON, "{\"Version\":1,\"SecretAccessKey\":\"s\"}", EB_ERR_CREDENTIALS,
         "has no AccessKeyId"},
        {P_PROCESS_JSON, "{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"\"}",
         EB_ERR_CREDENTIALS, "has no SecretAccessKey"},
        {P_PROCESS_JSON, "{\"Version\":1,\"AccessKeyId\":7,\"SecretAccessKey\":\"s\"}",
         EB_ERR_CREDENTIALS, "has no AccessKeyId"},
        {P_PROCESS_JSON,
         "{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"s\",\"SessionToken\":5}",
         EB_ERR_CREDENTIALS, "SessionToken is not a string"},
        {P_PROCESS_JSON,
         "{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"s\","
         "\"Expiration\":\"tomorrow\"}",
         EB_ERR_CREDENTIALS, "bad Expiration 'tomorrow'"},
        {P_PROCESS_JSON,
         "{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"s\",\"Expiration\":1}",
         EB_ERR_CREDENTIALS, "bad Expiration"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const char *text = rows[i].text;
        size_t len = strlen(text);
        struct eb_error err = {0};
        struct ini *ini = NULL;
        struct creds c = {0};
        int rc = rows[i].parser == P_INI            ? ini_parse(text, len, "F", &ini, &err)
                 : rows[i].parser == P_CREDS_JSON   ? creds_parse_json(text, len, &c, &err)
                 : rows[i].parser == P_PROCESS_JSON ? creds_parse_process_json(text, len, "pp", &c,
                                                                               &err)
                                                    : creds_parse_sts_xml(text, len, &c, &err);
        if (rc != (int)rows[i].code || !strstr(err.msg, rows[i].msg)) {
            unit_fail(__FILE__, __LINE__, "row %zu: got %s \"%s\", want %s with \"%s\"", i,
                      err_name(rc), err.msg, err_name(rows[i].code), rows[i].msg);
        }
        EXPECT(ini == NULL && c.access_key == NULL);
        creds_cleanup(&c);
    }
}

TEST(creds_parse_process_and_assume_role)
{
    struct creds c = {0};
    struct eb_error err = {0};
    const char *full = "{\"Version\": 1, \"AccessKeyId\": \"ASIAP\", \"SecretAccessKey\": \"sp\","
                       " \"SessionToken\": \"tp\", \"Expiration\": \"2026-11-22T16:04:05Z\"}";
    REQUIRE(creds_parse_process_json(full, strlen(full), "pp", &c, &err) == EB_OK);
    EXPECT_STR(c.access_key, "ASIAP");
    EXPECT_STR(c.secret_key, "sp");
    EXPECT_STR(c.token, "tp");
    EXPECT_INT(c.expires_ms, 1795363445000LL);
    creds_cleanup(&c);
    const char *keys = "{\"Version\": 1, \"AccessKeyId\": \"AKIDP\", \"SecretAccessKey\": \"sp\"}";
    REQUIRE(creds_parse_process_json(keys, strlen(keys), "pp", &c, &err) == EB_OK);
    EXPECT(c.token == NULL && c.expires_ms == 0);
    creds_cleanup(&c);
    const char *sts = "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAR"
                      "</AccessKeyId><SecretAccessKey>sr</SecretAccessKey><SessionToken>tr"
                      "</SessionToken><Expiration>2026-11-22T16:04:05Z</Expiration></Credentials>"
                      "<AssumedRoleUser><Arn>a</Arn></AssumedRoleUser></AssumeRoleResult>"
                      "</AssumeRoleResponse>";
    REQUIRE(creds_parse_sts_xml(sts, strlen(sts), &c, &err) == EB_OK);
    EXPECT_STR(c.access_key, "ASIAR");
    EXPECT_STR(c.token, "tr");
    EXPECT_INT(c.expires_ms, 1795363445000LL);
    creds_cleanup(&c);
}

/*
 * Which source a profile chain resolves to: the kinds of its steps ('K' keys, 'R' assume
 * role, 'W' web identity, 'P' credential_process, '-' none), or the error.
 */
TEST(profile_plan_rows)
{
    const char *cred = "[ck]\naws_access_key_id = AKIDCK\naws_secret_access_key = sck\n"
                       "[ckp]\naws_access_key_id = AKIDCKP\naws_secret_access_key = s\n"
                       "[half]\naws_access_key_id = AKIDHALF\n";
    const char *conf =
        "[profile ck]\nregion = us-west-2\n"
        "[profile ckp]\ncredential_process = /bin/creds\n"
        "[profile cfgkp]\naws_access_key_id = AKIDCFG\naws_secret_access_key = s\n"
        "credential_process = /bin/creds\n"
        "[profile proc]\ncredential_process = /bin/creds --json\n"
        "[profile role]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = ck\n"
        "[profile role2]\nrole_arn = arn:aws:iam::123456789012:role/b\nsource_profile = role\n"
        "[profile roleproc]\nrole_arn = arn:aws:iam::123456789012:role/c\nsource_profile = proc\n"
        "[profile rolekeys]\nrole_arn = arn:aws:iam::123456789012:role/d\nsource_profile = ck\n"
        "aws_access_key_id = AKIDRK\naws_secret_access_key = s\n"
        "[profile self]\nrole_arn = arn:aws:iam::123456789012:role/e\nsource_profile = self\n"
        "aws_access_key_id = AKIDSELF\naws_secret_access_key = s\n"
        "[profile selfnokeys]\nrole_arn = arn:aws:iam::123456789012:role/e\n"
        "source_profile = selfnokeys\n"
        "[profile loopa]\nrole_arn = arn:aws:iam::123456789012:role/f\nsource_profile = loopb\n"
        "[profile loopb]\nrole_arn = arn:aws:iam::123456789012:role/g\nsource_profile = loopa\n"
        "[profile env]\nrole_arn = arn:aws:iam::123456789012:role/h\n"
        "credential_source = Environment\n"
        "[profile ecs]\nrole_arn = arn:aws:iam::123456789012:role/h\n"
        "credential_source = EcsContainer\n"
        "[profile badsrc]\nrole_arn = arn:aws:iam::123456789012:role/h\n"
        "credential_source = Shell\n"
        "[profile both]\nrole_arn = arn:aws:iam::123456789012:role/h\n"
        "credential_source = Environment\nsource_profile = ck\n"
        "[profile neither]\nrole_arn = arn:aws:iam::123456789012:role/h\n"
        "[profile mfa]\nrole_arn = arn:aws:iam::123456789012:role/h\nsource_profile = ck\n"
        "mfa_serial = arn:aws:iam::123456789012:mfa/me\n"
        "[profile dur]\nrole_arn = arn:aws:iam::123456789012:role/h\nsource_profile = ck\n"
        "duration_seconds = 60\n"
        "[profile web]\nrole_arn = arn:aws:iam::123456789012:role/w\n"
        "web_identity_token_file = /tok\n"
        "[profile roleweb]\nrole_arn = arn:aws:iam::123456789012:role/i\nsource_profile = web\n"
        "[profile ghost]\nrole_arn = arn:aws:iam::123456789012:role/j\nsource_profile = nowhere\n"
        "[profile empty]\nregion = us-west-2\n"
        "[profile roleempty]\nrole_arn = arn:aws:iam::123456789012:role/k\n"
        "source_profile = empty\n"
        "[profile rolehalf]\nrole_arn = arn:aws:iam::123456789012:role/k\n"
        "source_profile = half\n"
        "[profile d1]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = d2\n"
        "[profile d2]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = d3\n"
        "[profile d3]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = d4\n"
        "[profile d4]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = d5\n"
        "[profile d5]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = d6\n"
        "[profile d6]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = d7\n"
        "[profile d7]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = d8\n"
        "[profile d8]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = d9\n"
        "[profile d9]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = ck\n"
        "[profile d3ok]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = d8\n";
    static const struct {
        const char *name, *kinds; /* kinds NULL: an error */
        enum eb_err code;
        const char *msg;
    } rows[] = {
        {"ck", "K", EB_OK, NULL},
        /* keys of the credentials file win over credential_process ... */
        {"ckp", "K", EB_OK, NULL},
        /* ... which wins over keys of the config file (botocore's order) */
        {"cfgkp", "P", EB_OK, NULL},
        {"proc", "P", EB_OK, NULL},
        {"role", "RK", EB_OK, NULL},
        {"role2", "RRK", EB_OK, NULL},
        {"roleproc", "RP", EB_OK, NULL},
        /* role_arn wins over the profile's own keys; the source's keys are used */
        {"rolekeys", "RK", EB_OK, NULL},
        {"self", "RK", EB_OK, NULL},
        {"env", "R", EB_OK, NULL},
        {"ecs", "R", EB_OK, NULL},
        {"web", "W", EB_OK, NULL},
        {"roleweb", "RW", EB_OK, NULL},
        {"empty", "-", EB_OK, NULL},
        {"nope", "-", EB_OK, NULL},
        {"d3ok", "RRRK", EB_OK, NULL},
        {"selfnokeys", NULL, EB_ERR_CREDENTIALS,
         "source_profile loop: selfnokeys -> selfnokeys"},
        {"loopa", NULL, EB_ERR_CREDENTIALS, "source_profile loop: loopa -> loopb -> loopa"},
        {"badsrc", NULL, EB_ERR_CREDENTIALS, "credential_source 'Shell' is not one of"},
        {"both", NULL, EB_ERR_CREDENTIALS, "profile both has both source_profile and"},
        {"neither", NULL, EB_ERR_CREDENTIALS, "neither source_profile nor credential_source"},
        {"mfa", NULL, EB_ERR_CREDENTIALS, "profile mfa needs an MFA code (mfa_serial)"},
        {"dur", NULL, EB_ERR_CREDENTIALS, "duration_seconds '60' is not"},
        {"ghost", NULL, EB_ERR_CREDENTIALS, "its source_profile nowhere is in neither"},
        {"roleempty", NULL, EB_ERR_CREDENTIALS, "its source_profile empty has no credentials"},
        {"rolehalf", NULL, EB_ERR_CREDENTIALS, "profile half: aws_access_key_id without"},
        {"d1", NULL, EB_ERR_CREDENTIALS, "more than 8 profiles in the source_profile chain"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct profile_plan pl;
        struct eb_error err = {0};
        int rc = profile_plan_parse(cred, strlen(cred), "CRED", conf, strlen(conf), "CONF",
                                    rows[i].name, true, &pl, &err);
        char kinds[PROFILE_MAX_CHAIN + 1] = "";
        for (size_t k = 0; rc == EB_OK && k < pl.n; k++) {
            kinds[k] = "-KRWP"[pl.kinds[k]];
            kinds[k + 1] = '\0';
        }
        if (rows[i].kinds && (rc != EB_OK || strcmp(kinds, rows[i].kinds) != 0)) {
            unit_fail(__FILE__, __LINE__, "row %s: got %s \"%s\" kinds %s, want %s", rows[i].name,
                      err_name(rc), err.msg, kinds, rows[i].kinds);
        }
        if (!rows[i].kinds && (rc != (int)rows[i].code || !strstr(err.msg, rows[i].msg))) {
            unit_fail(__FILE__, __LINE__, "row %s: got %s \"%s\", want %s with \"%s\"",
                      rows[i].name, err_name(rc), err.msg, err_name(rows[i].code), rows[i].msg);
        }
        if (rc == EB_OK) {
            EXPECT_STR(pl.steps[0].name, rows[i].name);
            EXPECT(pl.steps[0].chosen);
        }
        profile_plan_cleanup(&pl);
    }
    /* the values the assume-role call uses */
    struct profile_plan pl;
    struct eb_error err = {0};
    const char *c2 = "[profile r]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = s\n"
                     "external_id = ext-1\nduration_seconds = 900\nrole_session_name = batch\n"
                     "sts_regional_endpoints = legacy\n[profile s]\ncredential_process = "
                     "/bin/p\n";
    REQUIRE(profile_plan_parse(NULL, 0, "CRED", c2, strlen(c2), "CONF", "r", false, &pl, &err) ==
            EB_OK);
    REQUIRE(pl.n == 2);
    EXPECT_STR(pl.steps[0].external_id, "ext-1");
    EXPECT_STR(pl.steps[0].duration_seconds, "900");
    EXPECT_STR(pl.steps[0].role_session_name, "batch");
    EXPECT_STR(pl.steps[0].sts_regional_endpoints, "legacy");
    EXPECT_STR(pl.steps[1].credential_process, "/bin/p");
    EXPECT(!pl.steps[0].chosen);
    profile_plan_cleanup(&pl);
}

/* credential_process words: shlex.split's POSIX rules, no shell. */
TEST(awsio_split_words_rows)
{
    static const struct {
        const char *cmd;
        const char *words; /* joined with '|'; NULL: an error with msg */
        const char *msg;
    } rows[] = {
        {"/bin/creds", "/bin/creds", NULL},
        {"  creds   --profile  x ", "creds|--profile|x", NULL},
        {"creds 'a b' \"c d\"", "creds|a b|c d", NULL},
        {"creds 'it\\'", "creds|it\\", NULL},
        {"creds \"q\\\"x\\\\y\\n\"", "creds|q\"x\\y\\n", NULL},
        {"creds a\\ b", "creds|a b", NULL},
        {"creds pre'mid'\"post\"", "creds|premidpost", NULL},
        {"creds $HOME ~ *", "creds|$HOME|~|*", NULL},
        {"creds ''", "creds|", NULL},
        {"creds 'open", NULL, "no closing quotation"},
        {"creds \"open", NULL, "no closing quotation"},
        {"creds \\", NULL, "nothing after a backslash"},
        {"   ", NULL, "no command"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char **argv = NULL;
        struct eb_error err = {0};
        int rc = awsio_split_words(rows[i].cmd, &argv, &err);
        if (!rows[i].words) {
            if (rc != EB_ERR_INVALID || !strstr(err.msg, rows[i].msg) || argv) {
                unit_fail(__FILE__, __LINE__, "row %zu: got %s \"%s\", want %s", i, err_name(rc),
                          err.msg, rows[i].msg);
            }
            continue;
        }
        struct eb_buf b = EB_BUF_INIT;
        for (size_t k = 0; rc == EB_OK && argv[k]; k++) {
            buf_printf(&b, "%s%s", k ? "|" : "", argv[k]);
        }
        if (rc != EB_OK || strcmp(buf_cstr(&b), rows[i].words) != 0) {
            unit_fail(__FILE__, __LINE__, "row %zu: got %s [%s], want [%s]", i, err_name(rc),
                      buf_cstr(&b), rows[i].words);
        }
        buf_cleanup(&b);
        awsio_argv_free(argv);
    }
}

/* A credential_process child: its output, exit status, no stdin, the cap, the timeout. */
TEST(awsio_run_capture_rows)
{
    static const struct {
        const char *cmd;
        size_t max;
        long timeout_ms;
        enum eb_err code;
        const char *out_or_msg;
        int exit_code;
    } rows[] = {
        {"sh -c 'printf hello'", 100, 0, EB_OK, "hello", 0},
        {"sh -c 'cat; printf done'", 100, 5000, EB_OK, "done", 0},
        {"sh -c 'printf partial; exit 3'", 100, 0, EB_OK, "partial", 3},
        {"sh -c 'kill -TERM $$'", 100, 0, EB_OK, "", 128 + 15},
        {"/nonexistent/creds-helper", 100, 0, EB_ERR_IO,
         "cannot run /nonexistent/creds-helper: No such file or directory", -1},
        {"sh -c 'printf 0123456789abcdef'", 8, 0, EB_ERR_INVALID, "larger than 8 bytes", -1},
        {"sh -c 'exec sleep 5'", 100, 50, EB_ERR_TIMEOUT, "did not finish within 50 ms", -1},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char **argv = NULL;
        char *out = NULL;
        size_t len = 0;
        int code = -2;
        struct eb_error err = {0};
        REQUIRE(awsio_split_words(rows[i].cmd, &argv, &err) == EB_OK);
        int rc = awsio_run_capture(argv, rows[i].max, rows[i].timeout_ms, &out, &len, &code, &err);
        if (rc != (int)rows[i].code) {
            unit_fail(__FILE__, __LINE__, "row %zu: got %s \"%s\"", i, err_name(rc), err.msg);
        } else if (rc == EB_OK) {
            EXPECT_STR(out, rows[i].out_or_msg);
            EXPECT_INT(code, rows[i].exit_code);
        } else {
            EXPECT_CONTAINS(err.msg, rows[i].out_or_msg);
            EXPECT(out == NULL);
        }
        free(out);
        awsio_argv_free(argv);
    }
}

/* Bounded file reads: the caller's wording, the cap, missing files, a folder. */
TEST(awsio_file_read_rows)
{
    char dir[] = "/tmp/eb-unit-awsio-XXXXXX";
    REQUIRE(mkdtemp(dir) != NULL);
    char *small = xasprintf("%s/small", dir), *big = xasprintf("%s/big", dir);
    char *missing = xasprintf("%s/missing", dir), *below = xasprintf("%s/small/x", dir);
    FILE *f = fopen(small, "wb");
    REQUIRE(f != NULL);
    fputs("token\n", f);
    fclose(f);
    f = fopen(big, "wb");
    REQUIRE(f != NULL);
    for (int i = 0; i < 2000; i++) {
        fputc('x', f);
    }
    fclose(f);
    const struct {
        const char *path;
        bool missing_ok;
        enum eb_err code;
        const char *text, *msg; /* text on EB_OK (NULL: nothing read), part of msg otherwise */
    } rows[] = {
        {small, false, EB_OK, "token\n", NULL},
        {missing, true, EB_OK, NULL, NULL},
        {below, true, EB_OK, NULL, NULL},
        {missing, false, EB_ERR_IO, NULL, "W /tmp/eb-unit-awsio-"},
        {missing, false, EB_ERR_IO, NULL, "/missing: No such file or directory"},
        {big, false, EB_ERR_INVALID, NULL, "/big: larger than 1 KiB"},
        {dir, true, EB_ERR_IO, NULL, ": read error"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char *text = NULL;
        size_t len = 99;
        struct eb_error err = {0};
        int rc = awsio_file_read(rows[i].path, "W", 1024, rows[i].missing_ok, &text, &len, &err);
        EXPECT_INT(rc, rows[i].code);
        if (rows[i].text) {
            EXPECT_STR(text, rows[i].text);
            EXPECT_INT(len, strlen(rows[i].text));
        } else {
            EXPECT(text == NULL && len == 0);
        }
        if (rows[i].msg) {
            EXPECT_CONTAINS(err.msg, rows[i].msg);
        } else {
            EXPECT_STR(err.msg, "");
        }
        free(text);
    }
    unlink(small);
    unlink(big);
    rmdir(dir);
    free(small);
    free(big);
    free(missing);
    free(below);
}

TEST(creds_full_uri_rows)
{
    static const struct {
        const char *url;
        bool ok;
    } rows[] = {
        {"https://anything.example.com/creds", true},
        {"http://127.0.0.1:8080/creds", true},
        {"http://127.1.2.3/creds", true},
        {"http://localhost/creds", true},
        {"http://[::1]:80/creds", true},
        {"http://169.254.170.2/v2/credentials/x", true},
        {"http://169.254.170.23/v1/credentials", true},
        {"http://[fd00:ec2::23]/v1/credentials", true},
        {"http://169.254.169.254/latest", false},
        {"http://example.com/creds", false},
        {"http://127.0.0.1.evil.com/creds", false},
        {"http://128.0.0.1/", false},
        {"file:///etc/passwd", false},
        {"", false},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        if (creds_full_uri_allowed(rows[i].url) != rows[i].ok) {
            unit_fail(__FILE__, __LINE__, "%s: expected %s", rows[i].url,
                      rows[i].ok ? "allowed" : "refused");
        }
    }
}

TEST(ratelimit_paces_run_task)
{
    struct ratelimit *rl = ratelimit_new();
    EXPECT(ratelimit_rate_of("RunTask")->rate == 20);
    /* burst of 20 now, then one every 50 ms */
    for (int i = 0; i < 20; i++) {
        EXPECT_INT(ratelimit_take(rl, "RunTask", 1000), 0);
    }
    EXPECT_INT(ratelimit_take(rl, "RunTask", 1000), 50);
    EXPECT_INT(ratelimit_take(rl, "RunTask", 1000), 100);
    /* after the waits have passed, the queue is paid off */
    EXPECT_INT(ratelimit_take(rl, "RunTask", 1150), 0);
    /* other operations have their own buckets */
    EXPECT_INT(ratelimit_take(rl, "DescribeTasks", 1150), 0);
    EXPECT_INT(ratelimit_take(rl, "SomethingNew", 1150), 0);
    ratelimit_free(rl);
}

struct s_xml_count {
    int n;
};

static void
s_count(void *ctx, const char *path, const char *text, int depth)
{
    (void)path;
    (void)text;
    (void)depth;
    ((struct s_xml_count *)ctx)->n++;
}

TEST(xml_bounds)
{
    struct eb_buf deep = EB_BUF_INIT;
    for (int i = 0; i < 100; i++) {
        buf_puts(&deep, "<a>");
    }
    struct s_xml_count cnt = {0};
    struct eb_error err = {0};
    EXPECT_INT(xml_walk(deep.ptr, deep.len, s_count, &cnt, &err), EB_ERR_PARSE);
    EXPECT_CONTAINS(err.msg, "nested too deeply");
    buf_cleanup(&deep);
    const char *ns = "<r xmlns=\"urn:x\"><p:a xmlns:p=\"urn:y\"><b>t</b></p:a></r>";
    char *t = xml_find(ns, strlen(ns), "a/b");
    EXPECT_STR(t, "t");
    free(t);
    EXPECT(xml_find(ns, strlen(ns), "x/b") == NULL);
    char root[16];
    xml_root_name(ns, strlen(ns), root, sizeof root);
    EXPECT_STR(root, "r");
}

/* The client sleeps only through its injected clock: backoff and pacing on a fake clock. */
static void
s_env_for_client(const char *attempts)
{
    setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "secret", 1);
    setenv("AWS_REGION", "us-west-2", 1);
    setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1", 1); /* refused at once */
    setenv("AWS_CONFIG_FILE", "/nonexistent/config", 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials", 1);
    setenv("AWS_MAX_ATTEMPTS", attempts, 1);
    unsetenv("ECSBATCH_TEST_BACKOFF_SCALE");
}

static void
s_env_clear(void)
{
    const char *names[] = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION",
                           "AWS_ENDPOINT_URL", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE",
                           "AWS_MAX_ATTEMPTS"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        unsetenv(names[i]);
    }
}

TEST(aws_call_backoff_on_fake_clock)
{
    s_env_for_client("5");
    struct clock_fake fc;
    clock_fake_init(&fc, 1795363445000LL);
    struct aws_client_options o = {.clock = &fc.clock};
    struct aws_client *c = NULL;
    struct eb_error err = {0};
    REQUIRE(aws_client_new(&o, &c, &err) == EB_OK);
    EXPECT_STR(aws_client_region(c), "us-west-2");
    struct aws_response r;
    int64_t t0 = fc.mono;
    EXPECT_INT(aws_call_json(c, AWS_LOGS, "Logs_20140328.DescribeLogGroups", "{}", &r, &err),
               EB_ERR_TRANSPORT);
    EXPECT_CONTAINS(err.msg, "CloudWatch Logs DescribeLogGroups");
    EXPECT_CONTAINS(err.msg, "127.0.0.1:1");
    EXPECT_CONTAINS(err.msg, "after 5 attempts");
    /* four backoffs, each within [0, min(2^(n-1), 20) s): at most 1+2+4+8 s of fake time */
    EXPECT(fc.mono - t0 <= 15000);
    EXPECT_STR(aws_client_credentials_source(c), "environment");
    aws_response_cleanup(&r);
    aws_client_free(c);
    s_env_clear();
}

TEST(aws_call_paces_run_task_on_fake_clock)
{
    s_env_for_client("1");
    struct clock_fake fc;
    clock_fake_init(&fc, 1795363445000LL);
    struct aws_client_options o = {.clock = &fc.clock, .region = "eu-west-1"};
    struct aws_client *c = NULL;
    struct eb_error err = {0};
    REQUIRE(aws_client_new(&o, &c, &err) == EB_OK);
    EXPECT_STR(aws_client_region(c), "eu-west-1");
    int64_t t0 = fc.mono;
    for (int i = 0; i < 25; i++) {
        struct aws_response r;
        EXPECT_INT(aws_call_json(c, AWS_ECS, "AmazonEC2ContainerServiceV20141113.RunTask", "{}",
                                 &r, &err),
                   EB_ERR_TRANSPORT);
        aws_response_cleanup(&r);
    }
    /* 20 at once, then 5 more at 20/s: 250 ms of fake time, none of it real */
    EXPECT(fc.mono - t0 >= 250 && fc.mono - t0 < 300);
    aws_client_set_region(c, "not a region");
    EXPECT_STR(aws_client_region(c), "eu-west-1");
    aws_client_free(c);
    s_env_clear();
}

TEST(aws_client_new_rejects_bad_configuration)
{
    s_env_for_client("many");
    struct aws_client *c = NULL;
    struct eb_error err = {0};
    EXPECT_INT(aws_client_new(NULL, &c, &err), EB_ERR_INVALID);
    EXPECT_CONTAINS(err.msg, "AWS_MAX_ATTEMPTS='many'");
    EXPECT(c == NULL);
    setenv("AWS_MAX_ATTEMPTS", "2", 1);
    setenv("AWS_REGION", "us-west-2/../evil", 1);
    EXPECT_INT(aws_client_new(NULL, &c, &err), EB_ERR_INVALID);
    EXPECT_CONTAINS(err.msg, "not a valid AWS region");
    s_env_clear();
}
