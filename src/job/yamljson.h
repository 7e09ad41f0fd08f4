/*
 * Documents as cJSON trees (SPEC §2: "JSON or YAML"): JSON is read by cJSON,
 * anything else by libyaml, whose events become the same kind of tree, so the
 * rest of src/job never knows which syntax a person wrote.
 */
#ifndef EB_JOB_YAMLJSON_H
#define EB_JOB_YAMLJSON_H

#include <stddef.h>

#include <cJSON.h>

#include "util/err.h"

/* Nodes one document may expand to (aliases included): a bound against alias bombs. */
#define YAMLJSON_MAX_NODES 200000

/*
 * Parse text (len bytes, need not be NUL-terminated) into a tree. A text whose
 * first character (after spaces and a BOM) is '{' or '[' is read as JSON first;
 * everything else, and JSON that cJSON refuses, as YAML (first document only).
 * YAML plain scalars become null, booleans and numbers (YAML 1.2 core schema)
 * and keep their original text in valuestring, so "1.50" can be read back as
 * written (yamljson_scalar_text); quoted and block scalars stay strings.
 * Duplicate mapping keys, non-scalar keys, more than YAMLJSON_MAX_NODES nodes
 * and an empty document are errors. Returns the tree (caller frees with
 * cJSON_Delete), or NULL with err = EB_ERR_INVALID "<name>: line L column C: problem".
 */
cJSON *yamljson_parse(const char *text, size_t len, const char *name, struct eb_error *err);

/*
 * The text of a scalar: a string's value, a number's or boolean's original
 * text (or its shortest form), NULL for null, objects and arrays.
 * Borrowed from item or written into tmp (tmp_size ≥ 32).
 */
const char *yamljson_scalar_text(const cJSON *item, char *tmp, size_t tmp_size);

#endif
