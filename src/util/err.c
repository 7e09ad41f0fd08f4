/* struct eb_error helpers: see err.h. */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int
err_set(struct eb_error *err, enum eb_err code, const char *fmt, ...)
{
    if (err) {
        memset(err, 0, sizeof *err);
        err->code = code;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return (int)code;
}

int
err_prefix(struct eb_error *err, const char *fmt, ...)
{
    if (!err) {
        return EB_ERR_INVALID;
    }
    char head[256];
    char old[sizeof err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(head, sizeof head, fmt, ap);
    va_end(ap);
    memcpy(old, err->msg, sizeof old);
    snprintf(err->msg, sizeof err->msg, "%s: %s", head, old);
    return (int)err->code;
}

void
err_clear(struct eb_error *err)
{
    if (err) {
        memset(err, 0, sizeof *err);
    }
}

const char *
err_name(enum eb_err code)
{
    static const char *const names[EB_ERR__COUNT] = {
        [EB_OK] = "ok",
        [EB_ERR_USAGE] = "usage",
        [EB_ERR_INVALID] = "invalid",
        [EB_ERR_IO] = "io",
        [EB_ERR_TRANSPORT] = "transport",
        [EB_ERR_TLS] = "tls",
        [EB_ERR_AWS] = "aws",
        [EB_ERR_PARSE] = "parse",
        [EB_ERR_CREDENTIALS] = "credentials",
        [EB_ERR_TIMEOUT] = "timeout",
        [EB_ERR_NOT_FOUND] = "not_found",
        [EB_ERR_EXISTS] = "exists",
    };
    return (code >= 0 && code < EB_ERR__COUNT) ? names[code] : "unknown";
}
