/*
 * Test tool: one or more AWS calls through src/aws/call.h from argv, printing
 * status, request id, body and the error (code, AWS code, message), so the
 * integration tests can drive the client core against tests/fakeaws.
 *
 *   aws_call [--repeat N] [--log-debug] json SERVICE TARGET [BODY]
 *   aws_call [--repeat N] query SERVICE FORM
 *   aws_call [--repeat N] rest METHOD BUCKET KEY [--query Q] [--header 'N: v']... [--body TEXT]
 *   aws_call creds
 * --control URL JSON: between the first and second call, POST JSON to URL (the fake's
 * control API, e.g. expire credentials mid-sequence).
 * Exit: 0 when every call succeeded, 1 when one failed (after printing it), 2 on bad usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/call.h"
#include "aws/http.h"
#include "util/log.h"

static int
s_usage(void)
{
    fputs("usage: aws_call [--repeat N] [--log-debug] json SERVICE TARGET [BODY] | query SERVICE "
          "FORM | rest METHOD BUCKET KEY [--query Q] [--header H]... [--body TEXT] | creds\n",
          stderr);
    return 2;
}

static int
s_service(const char *name, enum aws_service *out)
{
    static const char *const names[AWS_SERVICE__COUNT] = {
        [AWS_ECS] = "ecs", [AWS_LOGS] = "logs", [AWS_S3] = "s3", [AWS_EC2] = "ec2",
        [AWS_STS] = "sts",
    };
    for (int i = 0; i < AWS_SERVICE__COUNT; i++) {
        if (strcmp(name, names[i]) == 0) {
            *out = (enum aws_service)i;
            return 0;
        }
    }
    return -1;
}

int
main(int argc, char **argv)
{
    int i = 1, repeat = 1;
    const char *control_url = NULL, *control_body = NULL;
    enum log_level level = LOG_WARN;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
            repeat = (int)strtol(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--control") == 0 && i + 2 < argc) {
            control_url = argv[++i];
            control_body = argv[++i];
        } else if (strcmp(argv[i], "--log-debug") == 0) {
            level = LOG_DEBUG;
        } else {
            return s_usage();
        }
    }
    log_setup(level, LOG_TEXT);
    if (i >= argc) {
        return s_usage();
    }
    const char *mode = argv[i++];
    struct aws_client *c = NULL;
    struct eb_error err = {0};
    if (aws_client_new(NULL, &c, &err) != EB_OK) {
        printf("error: %s: %s\n", err_name(err.code), err.msg);
        return 1;
    }
    int rc = 0;
    for (int n = 0; n < repeat && rc == 0; n++) {
        struct aws_response resp = {0};
        int r;
        if (n == 1 && control_url) {
            struct http_conn *hc = NULL;
            struct http_response hr;
            const char *hdrs[] = {"Content-Type: application/json", NULL};
            struct http_request req = {.method = "POST", .url = control_url, .headers = hdrs,
                                       .body = control_body, .body_len = strlen(control_body)};
            if (http_conn_new(&hc, &err) != EB_OK || http_perform(hc, &req, &hr, &err) != EB_OK) {
                printf("control: %s\n", err.msg);
            } else {
                printf("control: HTTP %ld\n", hr.status);
                http_response_cleanup(&hr);
            }
            http_conn_free(hc);
        }
        enum aws_service svc = AWS_ECS;
        if (strcmp(mode, "json") == 0 && i + 1 < argc && s_service(argv[i], &svc) == 0) {
            r = aws_call_json(c, svc, argv[i + 1], i + 2 < argc ? argv[i + 2] : "{}", &resp, &err);
        } else if (strcmp(mode, "query") == 0 && i + 1 < argc && s_service(argv[i], &svc) == 0) {
            r = aws_call_query(c, svc, argv[i + 1], &resp, &err);
        } else if (strcmp(mode, "rest") == 0 && i + 2 < argc) {
            const char *headers[32] = {NULL};
            int nh = 0;
            struct aws_rest_request rr = {.method = argv[i], .bucket = argv[i + 1],
                                          .key = argv[i + 2][0] ? argv[i + 2] : NULL,
                                          .headers = headers};
            for (int k = i + 3; k < argc; k++) {
                if (strcmp(argv[k], "--query") == 0 && k + 1 < argc) {
                    rr.query = argv[++k];
                } else if (strcmp(argv[k], "--header") == 0 && k + 1 < argc && nh < 31) {
                    headers[nh++] = argv[++k];
                } else if (strcmp(argv[k], "--body") == 0 && k + 1 < argc) {
                    rr.body = argv[++k];
                    rr.body_len = strlen(argv[k]);
                } else {
                    aws_client_free(c);
                    return s_usage();
                }
            }
            r = aws_call_rest(c, &rr, &resp, &err);
        } else if (strcmp(mode, "creds") == 0) {
            /* A cheap signed call resolves credentials; the answer is not the point. */
            r = aws_call_query(c, AWS_STS, "Action=GetCallerIdentity&Version=2011-06-15", &resp,
                               &err);
        } else {
            aws_client_free(c);
            return s_usage();
        }
        printf("status: %ld\n", resp.status);
        printf("request-id: %s\n", resp.request_id);
        if (resp.etag[0]) {
            printf("etag: %s\n", resp.etag);
        }
        if (r != EB_OK) {
            printf("error: %s: %s\n", err_name(err.code), err.msg);
            printf("aws-code: %s\n", err.aws_code);
            rc = 1;
        }
        printf("body: %s\n", resp.body.ptr ? resp.body.ptr : "");
        aws_response_cleanup(&resp);
    }
    const char *src = aws_client_credentials_source(c);
    printf("credentials-source: %s\n", src ? src : "");
    aws_client_free(c);
    return rc;
}
