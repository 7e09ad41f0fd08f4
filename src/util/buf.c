/* eb_buf: see buf.h. */
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void
buf_init(struct eb_buf *b, size_t max)
{
    b->ptr = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void
buf_cleanup(struct eb_buf *b)
{
    free(b->ptr);
    b->ptr = NULL;
    b->len = 0;
    b->cap = 0;
}

void
buf_reset(struct eb_buf *b)
{
    b->len = 0;
    if (b->ptr) {
        b->ptr[0] = '\0';
    }
}

static int
s_reserve(struct eb_buf *b, size_t extra)
{
    if (b->max && (extra > b->max || b->len > b->max - extra)) {
        return -1;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap) {
        return 0;
    }
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) {
        cap *= 2;
    }
    b->ptr = xrealloc(b->ptr, cap);
    b->cap = cap;
    return 0;
}

int
buf_append(struct eb_buf *b, const void *data, size_t len)
{
    if (s_reserve(b, len) != 0) {
        return -1;
    }
    if (len) {
        memcpy(b->ptr + b->len, data, len);
    }
    b->len += len;
    b->ptr[b->len] = '\0';
    return 0;
}

int
buf_puts(struct eb_buf *b, const char *s)
{
    return buf_append(b, s, strlen(s));
}

int
buf_putc(struct eb_buf *b, char c)
{
    return buf_append(b, &c, 1);
}

int
buf_vprintf(struct eb_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0 || s_reserve(b, (size_t)n) != 0) {
        return -1;
    }
    vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return 0;
}

int
buf_printf(struct eb_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

const char *
buf_cstr(const struct eb_buf *b)
{
    return b->ptr ? b->ptr : "";
}

char *
buf_steal(struct eb_buf *b)
{
    char *p = b->ptr ? b->ptr : xstrdup("");
    b->ptr = NULL;
    b->len = 0;
    b->cap = 0;
    return p;
}
