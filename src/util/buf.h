/*
 * eb_buf: an owned, growable, always NUL-terminated byte buffer with an
 * optional size cap (curl's dynbuf idea), and eb_str, a borrowed slice.
 */
#ifndef EB_BUF_H
#define EB_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct eb_buf {
    char *ptr;  /* NUL-terminated once anything was added; NULL when empty */
    size_t len; /* bytes used, excluding the terminator */
    size_t cap; /* bytes allocated */
    size_t max; /* 0 = unlimited; appends past it fail */
};

struct eb_str {
    const char *ptr; /* borrowed; not NUL-terminated */
    size_t len;
};

#define EB_BUF_INIT {NULL, 0, 0, 0}

/* Zero the buffer and set its cap (0 = none). */
void buf_init(struct eb_buf *b, size_t max);
/* Free the storage; safe to call twice. */
void buf_cleanup(struct eb_buf *b);
/* Forget the contents, keep the storage. */
void buf_reset(struct eb_buf *b);
/* Append; returns 0, or -1 when the cap would be exceeded (nothing appended). */
int buf_append(struct eb_buf *b, const void *data, size_t len);
int buf_puts(struct eb_buf *b, const char *s);
int buf_putc(struct eb_buf *b, char c);
int buf_printf(struct eb_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vprintf(struct eb_buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* The contents as a C string ("" when empty); owned by the buffer. */
const char *buf_cstr(const struct eb_buf *b);
/* Hand the storage to the caller (NUL-terminated, never NULL); the buffer is left empty. */
char *buf_steal(struct eb_buf *b);

#endif
