/*
 * AWS error documents of the three protocols into code, message and request
 * id: JSON 1.1 (__type/code, message/Message), S3 XML <Error>, EC2 XML
 * <Response><Errors><Error>, STS/query <ErrorResponse><Error> (aws-facts §1.1, §9, §10).
 */
#ifndef EB_AWS_AWSERR_H
#define EB_AWS_AWSERR_H

#include <stddef.h>

struct awserr {
    char code[64];        /* "ThrottlingException"; from the HTTP status when the body has none */
    char message[512];    /* "" when none */
    char request_id[80];  /* from the body; "" when none */
};

/*
 * Parse an error answer. body may be empty (HEAD) or garbage; type_header is the
 * x-amzn-ErrorType header or NULL. Never fails: what cannot be read stays "",
 * and a missing code becomes one named for the status ("NotFound", "HTTP503").
 */
void awserr_parse(const char *body, size_t len, long status, const char *type_header,
                  struct awserr *out);
/* botocore's rule for JSON types: keep after the last '#', drop from the first ':'. */
void awserr_clean_type(const char *type, char *out, size_t size);
/* True when an XML body's root is <Error> (S3 may answer 200 with an error body). */
int awserr_is_xml_error(const char *body, size_t len);

#endif
