/*
 * Errors are returned by value (enum eb_err); the detail a person needs
 * (what failed, on which resource, AWS's code and request id) is written by
 * the failing callee into a struct eb_error the caller may pass (or NULL).
 */
#ifndef EB_ERR_H
#define EB_ERR_H

enum eb_err {
    EB_OK = 0,
    EB_ERR_USAGE,       /* bad command line */
    EB_ERR_INVALID,     /* bad catalogue, job or other user input */
    EB_ERR_IO,          /* a local file or process operation failed */
    EB_ERR_TRANSPORT,   /* no HTTP answer: DNS, connect, reset, timeout */
    EB_ERR_TLS,         /* a certificate that does not verify: never retried */
    EB_ERR_AWS,         /* AWS answered with an error document */
    EB_ERR_PARSE,       /* an answer we could not understand */
    EB_ERR_CREDENTIALS, /* no usable credentials */
    EB_ERR_TIMEOUT,     /* a deadline of ours passed */
    EB_ERR_NOT_FOUND,   /* the object or resource does not exist */
    EB_ERR_EXISTS,      /* a create-if-absent found it present */
    EB_ERR__COUNT
};

struct eb_error {
    enum eb_err code;
    long http_status;  /* 0 when there was no HTTP answer */
    char aws_code[64]; /* "ThrottlingException", "SlowDown", ... */
    char request_id[80];
    char msg[512]; /* one sentence with context */
};

#define EB_MUST_CHECK __attribute__((warn_unused_result))

/* rc must be an int in scope and "out:" a label; see STYLE §3.3. */
#define TRY(expr)                                                                                  \
    do {                                                                                           \
        rc = (expr);                                                                               \
        if (rc != EB_OK) {                                                                         \
            goto out;                                                                              \
        }                                                                                          \
    } while (0)

/* Fill err (if not NULL) with code and a formatted message; returns code. */
int err_set(struct eb_error *err, enum eb_err code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prefix an existing message with context ("loading x: <old>"); returns err->code. */
int err_prefix(struct eb_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void err_clear(struct eb_error *err);
const char *err_name(enum eb_err code);

#endif
