/*
 * Hidden diagnostic: "ecsbatch _https-get URL" GETs a URL with exactly the TLS
 * settings of AWS calls (built-in CA bundle or AWS_CA_BUNDLE / SSL_CERT_FILE,
 * verification on, proxies from the environment) and prints the status and
 * body. Exit 0 on 2xx, 1 on another status, 5 when no answer or TLS fails.
 */
#include <stdio.h>
#include <string.h>

#include "aws/http.h"
#include "cli.h"

int
cmd_diag_https_get(int argc, char **argv)
{
    if (argc != 1 || strncmp(argv[0], "http", 4) != 0) {
        fputs("usage: ecsbatch _https-get URL\n", stderr);
        return EXIT_USAGE;
    }
    struct http_conn *c = NULL;
    struct http_response resp = {0};
    struct eb_error err = {0};
    int rc = http_conn_new(&c, &err);
    if (rc == EB_OK) {
        struct http_request req = {.method = "GET", .url = argv[0], .timeout_ms = 30000};
        rc = http_perform(c, &req, &resp, &err);
    }
    http_conn_free(c);
    if (rc != EB_OK) {
        fprintf(stderr, "ecsbatch: %s\n", err.msg);
        http_response_cleanup(&resp);
        return EXIT_ERROR;
    }
    printf("status: %ld\n", resp.status);
    fwrite(resp.body.ptr ? resp.body.ptr : "", 1, resp.body.len, stdout);
    long status = resp.status;
    http_response_cleanup(&resp);
    if (fflush(stdout) != 0) {
        return EXIT_ERROR;
    }
    return (status >= 200 && status < 300) ? EXIT_SUCCEEDED : EXIT_FAILED;
}
