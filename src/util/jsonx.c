/* Typed cJSON getters: see jsonx.h. */
#include "jsonx.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xalloc.h"

const char *
jsonx_str(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

char *
jsonx_strdup(const cJSON *obj, const char *key)
{
    return xstrdup(jsonx_str(obj, key));
}

int
jsonx_i64(const cJSON *obj, const char *key, int64_t *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        if (d != floor(d) || d < -9.2e18 || d > 9.2e18) {
            return -1;
        }
        *out = (int64_t)d;
        return 0;
    }
    if (cJSON_IsString(v) && v->valuestring[0]) {
        char *end;
        errno = 0;
        long long n = strtoll(v->valuestring, &end, 10);
        if (errno || *end) {
            return -1;
        }
        *out = n;
        return 0;
    }
    return -1;
}

int
jsonx_epoch_ms(const cJSON *obj, const char *key, int64_t *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_IsNumber(v)) {
        return -1;
    }
    *out = (int64_t)llround(v->valuedouble * 1000.0);
    return 0;
}

bool
jsonx_bool(const cJSON *obj, const char *key, bool dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsBool(v) ? cJSON_IsTrue(v) : dflt;
}

void
jsonx_add_str(cJSON *obj, const char *key, const char *value)
{
    if (value) {
        cJSON_AddItemToObject(obj, key, cJSON_CreateString(value));
    }
}

static char *
s_own(char *p)
{
    /* cJSON allocates with its hooks (malloc by default): hand back a malloc'd copy. */
    char *q = xstrdup(p ? p : "null");
    cJSON_free(p);
    return q;
}

char *
jsonx_print(const cJSON *item)
{
    return s_own(cJSON_PrintUnformatted(item));
}

void
jsonx_pretty_append(struct eb_buf *b, const char *tabbed, size_t len, int indent)
{
    /* cJSON indents with tabs and escapes those inside strings, so every raw tab is layout:
     * after ':' it separates a key from its value, anywhere else it indents. */
    const char *p = tabbed, *end = tabbed + len;
    while (p < end) {
        const char *q = p;
        while (q < end && *q != '\t' && *q != '\n') {
            q++;
        }
        (void)buf_append(b, p, (size_t)(q - p));
        if (q == end) {
            break;
        }
        if (*q == '\n') {
            (void)buf_putc(b, '\n');
            for (int i = 0; i < indent; i++) {
                (void)buf_puts(b, "  ");
            }
        } else {
            (void)buf_puts(b, b->len && b->ptr[b->len - 1] == ':' ? " " : "  ");
        }
        p = q + 1;
    }
}

char *
jsonx_print_pretty(const cJSON *item)
{
    char *tabbed = cJSON_Print(item);
    const char *text = tabbed ? tabbed : "null";
    struct eb_buf b = EB_BUF_INIT;
    jsonx_pretty_append(&b, text, strlen(text), 0);
    (void)buf_putc(&b, '\n');
    cJSON_free(tabbed);
    return buf_steal(&b);
}
