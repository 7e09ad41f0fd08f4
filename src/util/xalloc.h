/*
 * Allocation that never returns NULL: out of memory aborts the process, as
 * the launcher cannot do anything useful without memory (STYLE §3.3).
 */
#ifndef EB_XALLOC_H
#define EB_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);                 /* NULL in, NULL out */
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
