/*
 * Parsing large JSON answers (DescribeTasks: 100 tasks, ~100 KB) into an arena: cJSON
 * makes one allocation per node and per string, and freeing the tree walks it again. Here
 * the nodes come from a few large blocks and freeing is a handful of free() calls.
 */
#ifndef EB_UTIL_JSONARENA_H
#define EB_UTIL_JSONARENA_H

#include <stddef.h>

#include <cJSON.h>

/*
 * Parse text[0..len) like cJSON_ParseWithLength. The tree is read-only: never cJSON_Delete
 * it or any part of it, never add to it; free it with jsonarena_free. NULL on bad JSON.
 * Not thread-safe (it swaps cJSON's allocator for the duration of the parse).
 */
cJSON *jsonarena_parse(const char *text, size_t len);
/* Free a tree of jsonarena_parse; NULL is a no-op. */
void jsonarena_free(cJSON *root);

#endif
