/*
 * Test tool: drive src/api/s3.c and the S3 sink from the command line so the
 * integration tests can run them against the fake. Prints one JSON line
 * {"result": "<err_name>", "etag": ..., "message": ...}; exits 0 when the
 * operation returned EB_OK, else 1. Files are read and written raw.
 *
 *   s3_tool put URI FILE [--type CT] [--create] [--threshold N] [--part-size N]
 *   s3_tool get URI OUTFILE
 *   s3_tool head URI
 *   s3_tool read URI OUTFILE               (s3_read_uri, the job source reader)
 *   s3_tool sink URI JOB_ID put|create PATH FILE
 *   s3_tool sink URI JOB_ID get PATH OUTFILE
 *   s3_tool sink URI JOB_ID location
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "api/s3.h"
#include "aws/call.h"
#include "sink/sink_s3.h"
#include "util/atomicfile.h"
#include "util/buf.h"
#include "util/jsonx.h"

static int
s_report(int rc, const char *etag, const struct eb_error *err)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "result", err_name((enum eb_err)rc));
    if (etag && etag[0]) {
        cJSON_AddStringToObject(o, "etag", etag);
    }
    if (rc != EB_OK) {
        cJSON_AddStringToObject(o, "message", err->msg);
        cJSON_AddNumberToObject(o, "http_status", (double)err->http_status);
        cJSON_AddStringToObject(o, "aws_code", err->aws_code);
    }
    char *text = jsonx_print(o);
    puts(text);
    free(text);
    cJSON_Delete(o);
    return rc == EB_OK ? 0 : 1;
}

static int
s_usage(void)
{
    fputs("usage: s3_tool put|get|head|read|sink ... (see the source)\n", stderr);
    return 2;
}

static int
s_write_out(const char *path, const struct eb_buf *b, struct eb_error *err)
{
    return atomicfile_write(path, b->ptr ? b->ptr : "", b->len, err);
}

static int
s_sink(struct aws_client *c, int argc, char **argv, struct eb_error *err)
{
    if (argc < 5) {
        return s_usage();
    }
    struct sink *s = sink_s3_new(c, argv[2], argv[3], err);
    const char *op = argv[4];
    char *data = NULL;
    size_t len = 0;
    struct eb_buf b;
    int rc;
    buf_init(&b, 0);
    if (!s) {
        return s_report(err->code, NULL, err);
    }
    if (strcmp(op, "location") == 0) {
        printf("%s\n", s->ops->location(s));
        rc = EB_OK;
    } else if ((strcmp(op, "put") == 0 || strcmp(op, "create") == 0) && argc == 7) {
        rc = atomicfile_read(argv[6], &data, &len, err);
        if (rc == EB_OK) {
            rc = op[0] == 'p' ? s->ops->put(s, argv[5], data, len, err)
                              : s->ops->create(s, argv[5], data, len, err);
        }
    } else if (strcmp(op, "get") == 0 && argc == 7) {
        rc = s->ops->get(s, argv[5], &b, err);
        if (rc == EB_OK) {
            rc = s_write_out(argv[6], &b, err);
        }
    } else {
        s->ops->destroy(s);
        return s_usage();
    }
    free(data);
    buf_cleanup(&b);
    s->ops->destroy(s);
    return s_report(rc, NULL, err);
}

int
main(int argc, char **argv)
{
    struct aws_client_options o = {NULL, NULL};
    struct aws_client *c = NULL;
    struct eb_error err;
    struct s3_uri u = {NULL, NULL};
    struct s3_object_info info;
    struct eb_buf b;
    char *data = NULL;
    size_t len = 0;
    int rc, code;
    memset(&err, 0, sizeof err);
    memset(&info, 0, sizeof info);
    buf_init(&b, 0);
    if (argc < 3) {
        return s_usage();
    }
    if (aws_client_new(&o, &c, &err) != EB_OK) {
        return s_report(err.code, NULL, &err);
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "sink") == 0) {
        code = s_sink(c, argc, argv, &err);
        aws_client_free(c);
        return code;
    }
    if (strcmp(cmd, "read") == 0 && argc == 4) {
        rc = s3_read_uri(c, argv[2], &b, &err);
        if (rc == EB_OK) {
            rc = s_write_out(argv[3], &b, &err);
        }
        goto done;
    }
    rc = s3_uri_parse(argv[2], &u, &err);
    if (rc != EB_OK) {
        goto done;
    }
    if (strcmp(cmd, "put") == 0 && argc >= 4) {
        struct s3_put_options po = {NULL, false, 0, 0};
        for (int i = 4; i < argc; i++) {
            if (strcmp(argv[i], "--create") == 0) {
                po.if_none_match = true;
            } else if (strcmp(argv[i], "--type") == 0 && i + 1 < argc) {
                po.content_type = argv[++i];
            } else if (strcmp(argv[i], "--threshold") == 0 && i + 1 < argc) {
                po.multipart_threshold = strtoull(argv[++i], NULL, 10);
            } else if (strcmp(argv[i], "--part-size") == 0 && i + 1 < argc) {
                po.part_size = strtoull(argv[++i], NULL, 10);
            } else {
                code = s_usage();
                goto out;
            }
        }
        rc = atomicfile_read(argv[3], &data, &len, &err);
        if (rc == EB_OK) {
            rc = s3_put_object(c, u.bucket, u.key, data, len, &po, &info, &err);
        }
    } else if (strcmp(cmd, "get") == 0 && argc == 4) {
        rc = s3_get_object(c, u.bucket, u.key, &b, &info, &err);
        if (rc == EB_OK) {
            rc = s_write_out(argv[3], &b, &err);
        }
    } else if (strcmp(cmd, "head") == 0 && argc == 3) {
        rc = s3_head_object(c, u.bucket, u.key, &info, &err);
    } else {
        code = s_usage();
        goto out;
    }
done:
    code = s_report(rc, info.etag, &err);
out:
    s3_uri_cleanup(&u);
    buf_cleanup(&b);
    free(data);
    aws_client_free(c);
    return code;
}
