/*
 * The S3 results sink (SPEC §5): objects under s3://bucket/prefix/{job_id}/,
 * written with PutObject (integrity checksum, multipart when large), read with
 * GetObject, and created only if absent with If-None-Match: * (aws-facts §9).
 */
#ifndef EB_SINK_S3_H
#define EB_SINK_S3_H

#include "aws/call.h"
#include "engine/sink.h"
#include "util/err.h"

/*
 * A sink for job_id under uri ("s3://bucket" or "s3://bucket/prefix", a trailing
 * slash allowed). The client is borrowed and must outlive the sink; uri and job_id
 * are copied. location() is "s3://bucket/prefix/job_id". Returns NULL with
 * EB_ERR_INVALID in err when uri is not an s3:// URI with a bucket.
 * Operations: put replaces the object (retries transient errors inside aws_call_rest);
 * get gives EB_ERR_NOT_FOUND on 404/NoSuchKey; create gives EB_ERR_EXISTS when the
 * object is present (412). Content-Type follows the extension (.json, .log, else
 * application/octet-stream). Free with s->ops->destroy(s).
 */
struct sink *sink_s3_new(struct aws_client *c, const char *uri, const char *job_id,
                         struct eb_error *err);

#endif
