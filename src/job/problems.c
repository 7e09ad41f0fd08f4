/*
 * Validation problems: the list job_load hands back and how values are
 * quoted in them.
 */
#include "job/problems.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/xalloc.h"

#define S_VALUE_MAX 80

void
problems_addf(struct job_problems *p, const char *fmt, ...)
{
    struct eb_buf b = EB_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    (void)buf_vprintf(&b, fmt, ap);
    va_end(ap);
    p->v = xrealloc(p->v, (p->n + 1) * sizeof *p->v);
    p->v[p->n++] = buf_steal(&b);
}

void
job_problems_cleanup(struct job_problems *p)
{
    if (!p) {
        return;
    }
    for (size_t i = 0; i < p->n; i++) {
        free(p->v[i]);
    }
    free(p->v);
    p->v = NULL;
    p->n = 0;
}

void
job_problems_print(const struct job_problems *p, FILE *out)
{
    for (size_t i = 0; p && i < p->n; i++) {
        fprintf(out, "ecsbatch: %s\n", p->v[i]);
    }
}

char *
problems_value(const cJSON *v)
{
    if (!v) {
        return xstrdup("(missing)");
    }
    char *text = NULL;
    if ((cJSON_IsNumber(v) || cJSON_IsBool(v)) && v->valuestring) {
        text = xstrdup(v->valuestring); /* as written in YAML */
    } else {
        text = cJSON_PrintUnformatted(v);
        if (!text) {
            abort();
        }
    }
    size_t len = strlen(text);
    if (len > S_VALUE_MAX) {
        char *cut = xasprintf("%.*s...", S_VALUE_MAX, text);
        free(text);
        return cut;
    }
    char *copy = xstrdup(text);
    free(text);
    return copy;
}

const char *
problems_type(const cJSON *v)
{
    if (!v || cJSON_IsNull(v)) {
        return "null";
    }
    if (cJSON_IsString(v)) {
        return "a string";
    }
    if (cJSON_IsNumber(v)) {
        return "a number";
    }
    if (cJSON_IsBool(v)) {
        return "a boolean";
    }
    if (cJSON_IsArray(v)) {
        return "a list";
    }
    return "a mapping";
}
