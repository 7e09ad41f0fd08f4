/*
 * Typed cJSON getters that say what was wrong: a missing member, or one of
 * the wrong type, is reported with its name so a parser's error names the
 * field (STYLE §3.4). cJSON trees stay inside the module that parsed them.
 */
#ifndef EB_JSONX_H
#define EB_JSONX_H

#include <stdbool.h>
#include <stdint.h>

#include <cJSON.h>

#include "buf.h"

/* The member's string, or NULL when absent or not a string. Borrowed. */
const char *jsonx_str(const cJSON *obj, const char *key);
/* The member's string duplicated (xstrdup), or NULL. */
char *jsonx_strdup(const cJSON *obj, const char *key);
/* Number member as int64 (also accepts an integer-looking string); returns 0 or -1. */
int jsonx_i64(const cJSON *obj, const char *key, int64_t *out);
/* Number of seconds (possibly fractional, AWS epoch style) → ms; 0 or -1. */
int jsonx_epoch_ms(const cJSON *obj, const char *key, int64_t *out);
bool jsonx_bool(const cJSON *obj, const char *key, bool dflt);
/* Add a string member only when value is not NULL. */
void jsonx_add_str(cJSON *obj, const char *key, const char *value);
/* Print compactly into a malloc'd string (free with free()). */
char *jsonx_print(const cJSON *item);
/* Print indented with two spaces, "key": value, ending in a newline. */
char *jsonx_print_pretty(const cJSON *item);
/* Append tabbed[0..len) (cJSON_Print's text) to b the same way, `indent` levels deeper. */
void jsonx_pretty_append(struct eb_buf *b, const char *tabbed, size_t len, int indent);

#endif
