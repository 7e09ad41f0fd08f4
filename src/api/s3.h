/*
 * Amazon S3 over aws_call_rest (aws-facts §9): PutObject with a SHA-256
 * integrity checksum, conditional create (If-None-Match: *), multipart upload
 * above a threshold, GetObject, HeadObject, and s3:// URIs. Signing, retries
 * and the error document are aws/call.c's; this module builds and parses.
 */
#ifndef EB_API_S3_H
#define EB_API_S3_H

#include <stdbool.h>
#include <stddef.h>

#include "aws/call.h"
#include "util/buf.h"
#include "util/err.h"

#define S3_DEFAULT_MULTIPART_THRESHOLD (16u * 1024 * 1024)
#define S3_DEFAULT_PART_SIZE (8u * 1024 * 1024)

/* s3://bucket/key: both owned; key is "" when the URI names only the bucket. */
struct s3_uri {
    char *bucket;
    char *key;
};
/*
 * Parse "s3://bucket[/key]". EB_ERR_INVALID when the scheme is not s3://, the bucket
 * is empty or has characters no bucket name has (only [A-Za-z0-9._-], at most 255). The key is kept
 * raw (no decoding). Always call s3_uri_cleanup.
 */
EB_MUST_CHECK int s3_uri_parse(const char *uri, struct s3_uri *out, struct eb_error *err);
void s3_uri_cleanup(struct s3_uri *u);

struct s3_put_options {
    const char *content_type;   /* NULL = "application/octet-stream" */
    bool if_none_match;         /* create only if absent: EB_ERR_EXISTS when present */
    size_t multipart_threshold; /* 0 = the process default; a body of at least this goes multipart */
    size_t part_size;           /* 0 = the process default (min 5 MiB on AWS; any > 0 here) */
};

struct s3_object_info {
    char etag[128]; /* quotes kept; "" when S3 gave none */
};

/*
 * Store len bytes at bucket/key. Single PUT with x-amz-checksum-sha256 below the
 * threshold; else CreateMultipartUpload + UploadPart (each with its checksum) +
 * CompleteMultipartUpload, aborting the upload on any failure. With if_none_match:
 * 412 → EB_ERR_EXISTS; 409 ConditionalRequestConflict → the PUT (or the whole
 * multipart upload) is retried up to 3 times. Transient errors are retried inside
 * aws_call_rest. out_info may be NULL.
 */
EB_MUST_CHECK int s3_put_object(struct aws_client *c, const char *bucket, const char *key,
                                const void *data, size_t len, const struct s3_put_options *o,
                                struct s3_object_info *out_info, struct eb_error *err);
/* Read the whole object into out (appended). EB_ERR_NOT_FOUND on 404 NoSuchKey (a missing
 * bucket stays EB_ERR_AWS NoSuchBucket: a configuration error, not an absent object). */
EB_MUST_CHECK int s3_get_object(struct aws_client *c, const char *bucket, const char *key,
                                struct eb_buf *out, struct s3_object_info *out_info,
                                struct eb_error *err);
/* Whether the object exists: EB_OK (etag filled), EB_ERR_NOT_FOUND on 404. */
EB_MUST_CHECK int s3_head_object(struct aws_client *c, const char *bucket, const char *key,
                                 struct s3_object_info *out_info, struct eb_error *err);

/* The job_remote_reader of job/load.h: ctx is a struct aws_client *; uri is s3://bucket/key. */
int s3_read_uri(void *ctx, const char *uri, struct eb_buf *out, struct eb_error *err);

/* Set the process defaults used when options say 0 (tests lower them). 0 keeps a value. */
void s3_set_multipart_defaults(size_t threshold, size_t part_size);

/* base64(SHA-256(data)) into out (45 bytes with the NUL). */
void s3_checksum_sha256(const void *data, size_t len, char out[45]);
/* The CompleteMultipartUpload body for n parts (etags quoted, checksums base64). Owned. */
char *s3_complete_body_build(const char *const *etags, const char *const *checksums, size_t n);
/* Parse an InitiateMultipartUploadResult: *out_upload_id owned. EB_ERR_PARSE when absent. */
EB_MUST_CHECK int s3_initiate_parse(const char *xml, size_t len, char **out_upload_id,
                                    struct eb_error *err);
/*
 * Parse a CompleteMultipartUpload 200 answer: EB_OK (*out_etag owned, may be NULL),
 * EB_ERR_AWS with code and message when it is an <Error> document (S3 may answer 200
 * and fail later), EB_ERR_PARSE otherwise.
 */
EB_MUST_CHECK int s3_complete_parse(const char *xml, size_t len, char **out_etag,
                                    struct eb_error *err);

#endif
