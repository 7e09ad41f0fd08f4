/*
 * Error documents → struct awserr. JSON with cJSON, XML with expat (xml.c);
 * tolerant of anything (fuzzed): unknown shapes leave fields empty and the
 * code falls back to a name derived from the HTTP status.
 */
#include "aws/awserr.h"

#include <stdio.h>
#include <string.h>

#include <cJSON.h>

#include "aws/xml.h"
#include "util/jsonx.h"

static void
s_copy(char *dst, size_t size, const char *src)
{
    if (!src || size == 0) {
        return;
    }
    size_t n = strlen(src);
    if (n >= size) {
        n = size - 1;
    }
    memcpy(dst, src, n);
    dst[n] = '\0';
}

void
awserr_clean_type(const char *type, char *out, size_t size)
{
    if (size == 0) {
        return;
    }
    out[0] = '\0';
    if (!type) {
        return;
    }
    const char *hash = strrchr(type, '#');
    const char *start = hash ? hash + 1 : type;
    size_t n = strcspn(start, ":");
    if (n >= size) {
        n = size - 1;
    }
    memcpy(out, start, n);
    out[n] = '\0';
}

static void
s_parse_json(const char *body, size_t len, struct awserr *out)
{
    cJSON *doc = cJSON_ParseWithLength(body, len);
    if (!doc || !cJSON_IsObject(doc)) {
        cJSON_Delete(doc);
        return;
    }
    const char *type = jsonx_str(doc, "__type");
    if (!type) {
        type = jsonx_str(doc, "code");
    }
    if (!type) {
        type = jsonx_str(doc, "Code");
    }
    awserr_clean_type(type, out->code, sizeof out->code);
    const char *msg = jsonx_str(doc, "message");
    if (!msg) {
        msg = jsonx_str(doc, "Message");
    }
    s_copy(out->message, sizeof out->message, msg);
    cJSON_Delete(doc);
}

struct s_xml_err {
    struct awserr *out;
    int have_code, have_msg, have_rid;
};

static int
s_ends(const char *path, const char *suffix)
{
    size_t pl = strlen(path), sl = strlen(suffix);
    return pl >= sl && strcmp(path + pl - sl, suffix) == 0;
}

static void
s_xml_visit(void *ctx, const char *path, const char *text, int depth)
{
    struct s_xml_err *x = ctx;
    /* <Error><Code> anywhere (S3 at the root, EC2 under Errors, STS under ErrorResponse). */
    if (!x->have_code && s_ends(path, "/Error/Code")) {
        s_copy(x->out->code, sizeof x->out->code, text);
        x->have_code = 1;
    } else if (!x->have_msg && s_ends(path, "/Error/Message")) {
        s_copy(x->out->message, sizeof x->out->message, text);
        x->have_msg = 1;
    } else if (!x->have_rid && depth <= 2 &&
               (s_ends(path, "/RequestId") || s_ends(path, "/RequestID"))) {
        s_copy(x->out->request_id, sizeof x->out->request_id, text);
        x->have_rid = 1;
    }
}

static void
s_parse_xml(const char *body, size_t len, struct awserr *out)
{
    struct s_xml_err x = {out, 0, 0, 0};
    /* A document cut short still yields what came before the damage. */
    if (xml_walk(body, len, s_xml_visit, &x, NULL) != EB_OK) {
        return;
    }
}

static const char *
s_status_code(long status)
{
    switch (status) {
    case 304:
        return "NotModified";
    case 400:
        return "BadRequest";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "NotFound";
    case 409:
        return "Conflict";
    case 412:
        return "PreconditionFailed";
    case 429:
        return "TooManyRequests";
    default:
        return NULL;
    }
}

void
awserr_parse(const char *body, size_t len, long status, const char *type_header,
             struct awserr *out)
{
    memset(out, 0, sizeof *out);
    size_t i = 0;
    while (body && i < len && (body[i] == ' ' || body[i] == '\n' || body[i] == '\r' ||
                               body[i] == '\t')) {
        i++;
    }
    if (body && i < len && body[i] == '{') {
        s_parse_json(body + i, len - i, out);
    } else if (body && i < len && body[i] == '<') {
        s_parse_xml(body + i, len - i, out);
    }
    if (!out->code[0] && type_header && type_header[0]) {
        awserr_clean_type(type_header, out->code, sizeof out->code);
    }
    if (!out->code[0]) {
        const char *name = s_status_code(status);
        if (name) {
            s_copy(out->code, sizeof out->code, name);
        } else {
            snprintf(out->code, sizeof out->code, "HTTP%ld", status);
        }
    }
}

int
awserr_is_xml_error(const char *body, size_t len)
{
    char root[16];
    size_t i = 0;
    while (body && i < len && (body[i] == ' ' || body[i] == '\n' || body[i] == '\r' ||
                               body[i] == '\t')) {
        i++;
    }
    if (!body || i >= len || body[i] != '<') {
        return 0;
    }
    xml_root_name(body + i, len - i, root, sizeof root);
    return strcmp(root, "Error") == 0;
}
