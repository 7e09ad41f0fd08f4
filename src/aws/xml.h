/*
 * A small expat wrapper for the XML answers of S3, EC2 and STS: walk every
 * element's text with its path of local names ("/Error/Code"), namespaces
 * dropped, depth and size bounded. The tree never leaves the parse.
 */
#ifndef EB_AWS_XML_H
#define EB_AWS_XML_H

#include <stddef.h>

#include "util/err.h"

/*
 * Called once per element end with its local-name path ("/A/B/C"), its text
 * (character data directly inside it, NUL-terminated, "" when none) and depth (1 = root).
 */
typedef void (*xml_visit_fn)(void *ctx, const char *path, const char *text, int depth);

/*
 * Parse data[0..len) and call fn for every element. Returns EB_OK, or EB_ERR_PARSE
 * (malformed, deeper than 64 levels, a path over 1024 bytes) with a message.
 */
EB_MUST_CHECK int xml_walk(const char *data, size_t len, xml_visit_fn fn, void *ctx,
                           struct eb_error *err);
/*
 * The text of the first element whose path ends with suffix (matched on whole
 * names: "Error/Code" matches "/Response/Errors/Error/Code"), malloc'd, or NULL
 * when absent or the document does not parse.
 */
char *xml_find(const char *data, size_t len, const char *suffix);
/* The root element's local name into out (size bytes); "" when it does not parse. */
void xml_root_name(const char *data, size_t len, char *out, size_t size);

#endif
