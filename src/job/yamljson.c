/*
 * JSON or YAML text → cJSON tree (see yamljson.h). libyaml's event stream is
 * folded into a tree with an explicit stack; anchors are recorded when their
 * node is complete and an alias inserts a copy, counted against a node budget.
 */
#include "job/yamljson.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "util/xalloc.h"

/* Deeper documents are refused: cJSON frees trees recursively. */
#define S_MAX_DEPTH 64

struct s_frame {
    cJSON *node;       /* object or array being filled */
    char *key;         /* mapping: the key waiting for its value, or NULL */
    char *anchor;      /* the anchor of this collection, or NULL */
    size_t nodes_before;
};

struct s_anchor {
    char *name;
    const cJSON *node; /* inside the tree being built */
    size_t nodes;      /* size of its subtree */
};

struct s_builder {
    struct s_frame stack[S_MAX_DEPTH];
    size_t depth;
    cJSON *root;
    struct s_anchor *anchors;
    size_t nanchors;
    size_t nodes;
    char problem[200];
    size_t line, column; /* of the problem, 1-based; 0 = unknown */
};

/* --- scalars ------------------------------------------------------------------------------- */

static bool
s_is_int(const char *s)
{
    if (*s == '-' || *s == '+') {
        s++;
    }
    if (!*s) {
        return false;
    }
    for (; *s; s++) {
        if (*s < '0' || *s > '9') {
            return false;
        }
    }
    return true;
}

static bool
s_is_float(const char *s)
{
    bool digits = false;
    if (*s == '-' || *s == '+') {
        s++;
    }
    while (*s >= '0' && *s <= '9') {
        s++;
        digits = true;
    }
    if (*s == '.') {
        s++;
        while (*s >= '0' && *s <= '9') {
            s++;
            digits = true;
        }
    }
    if (!digits) {
        return false;
    }
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '-' || *s == '+') {
            s++;
        }
        if (*s < '0' || *s > '9') {
            return false;
        }
        while (*s >= '0' && *s <= '9') {
            s++;
        }
    }
    return *s == '\0';
}

static bool
s_one_of(const char *s, const char *const *words)
{
    for (; *words; words++) {
        if (strcmp(s, *words) == 0) {
            return true;
        }
    }
    return false;
}

/* A plain scalar resolved by the YAML 1.2 core schema; the text is kept in valuestring. */
static cJSON *
s_plain_scalar(const char *text)
{
    static const char *const nulls[] = {"", "~", "null", "Null", "NULL", NULL};
    static const char *const trues[] = {"true", "True", "TRUE", NULL};
    static const char *const falses[] = {"false", "False", "FALSE", NULL};
    cJSON *item = NULL;
    if (s_one_of(text, nulls)) {
        return cJSON_CreateNull();
    }
    if (s_one_of(text, trues)) {
        item = cJSON_CreateTrue();
    } else if (s_one_of(text, falses)) {
        item = cJSON_CreateFalse();
    } else if (s_is_int(text) || s_is_float(text)) {
        errno = 0;
        double d = strtod(text, NULL);
        if (errno == 0 && isfinite(d)) {
            item = cJSON_CreateNumber(d);
        }
    } else if ((text[0] == '0' && (text[1] == 'x' || text[1] == 'o')) && text[2]) {
        char *end = NULL;
        errno = 0;
        unsigned long long v = strtoull(text + 2, &end, text[1] == 'x' ? 16 : 8);
        if (errno == 0 && end && *end == '\0') {
            item = cJSON_CreateNumber((double)v);
        }
    }
    if (!item) {
        return cJSON_CreateString(text);
    }
    item->valuestring = xstrdup(text);
    return item;
}

const char *
yamljson_scalar_text(const cJSON *item, char *tmp, size_t tmp_size)
{
    if (!item) {
        return NULL;
    }
    if (cJSON_IsString(item)) {
        return item->valuestring;
    }
    if (cJSON_IsNumber(item) || cJSON_IsBool(item)) {
        if (item->valuestring) {
            return item->valuestring;
        }
        if (cJSON_IsBool(item)) {
            return cJSON_IsTrue(item) ? "true" : "false";
        }
        double d = item->valuedouble;
        if (d == floor(d) && fabs(d) < 1e15) {
            snprintf(tmp, tmp_size, "%lld", (long long)d);
        } else {
            snprintf(tmp, tmp_size, "%.15g", d);
            if (strtod(tmp, NULL) != d) {
                snprintf(tmp, tmp_size, "%.17g", d);
            }
        }
        return tmp;
    }
    return NULL;
}

/* --- the tree builder ---------------------------------------------------------------------- */

static int
s_fail(struct s_builder *b, const yaml_mark_t *mark, const char *problem)
{
    snprintf(b->problem, sizeof b->problem, "%s", problem);
    b->line = mark ? mark->line + 1 : 0;
    b->column = mark ? mark->column + 1 : 0;
    return -1;
}

static void
s_anchor_add(struct s_builder *b, const char *name, const cJSON *node, size_t nodes)
{
    b->anchors = xrealloc(b->anchors, (b->nanchors + 1) * sizeof *b->anchors);
    b->anchors[b->nanchors].name = xstrdup(name);
    b->anchors[b->nanchors].node = node;
    b->anchors[b->nanchors].nodes = nodes;
    b->nanchors++;
}

/* Put a complete node where it belongs: the root, an array, or under the pending key. */
static int
s_place(struct s_builder *b, cJSON *node, const yaml_mark_t *mark)
{
    if (!node) {
        abort(); /* out of memory in cJSON */
    }
    if (b->depth == 0) {
        if (b->root) {
            cJSON_Delete(node);
            return s_fail(b, mark, "more than one root node");
        }
        b->root = node;
        return 0;
    }
    struct s_frame *f = &b->stack[b->depth - 1];
    if (cJSON_IsArray(f->node)) {
        cJSON_AddItemToArray(f->node, node);
        return 0;
    }
    if (!f->key) {
        /* a key: only scalars are keys */
        const char *text = cJSON_IsString(node) ? node->valuestring
                           : (cJSON_IsNumber(node) || cJSON_IsBool(node)) ? node->valuestring
                                                                          : NULL;
        if (cJSON_IsNull(node)) {
            text = "";
        }
        if (!text) {
            cJSON_Delete(node);
            return s_fail(b, mark, "a mapping key must be a plain value");
        }
        if (cJSON_GetObjectItemCaseSensitive(f->node, text)) {
            char msg[160];
            snprintf(msg, sizeof msg, "duplicate key \"%.100s\"", text);
            cJSON_Delete(node);
            return s_fail(b, mark, msg);
        }
        f->key = xstrdup(text);
        cJSON_Delete(node);
        return 0;
    }
    cJSON_AddItemToObject(f->node, f->key, node);
    free(f->key);
    f->key = NULL;
    return 0;
}

static int
s_count(struct s_builder *b, size_t n, const yaml_mark_t *mark)
{
    if (n > YAMLJSON_MAX_NODES - b->nodes) {
        return s_fail(b, mark, "the document expands to too many nodes (aliases?)");
    }
    b->nodes += n;
    return 0;
}

static int
s_event(struct s_builder *b, const yaml_event_t *ev)
{
    const yaml_mark_t *mark = &ev->start_mark;
    switch (ev->type) {
    case YAML_SCALAR_EVENT: {
        if (s_count(b, 1, mark) != 0) {
            return -1;
        }
        const char *text = (const char *)ev->data.scalar.value;
        const char *tag = (const char *)ev->data.scalar.tag;
        cJSON *node;
        bool is_str_tag = tag && strcmp(tag, YAML_STR_TAG) == 0;
        if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !is_str_tag) {
            node = s_plain_scalar(text);
        } else {
            node = cJSON_CreateString(text);
        }
        if (!node) {
            abort();
        }
        if (ev->data.scalar.anchor) {
            s_anchor_add(b, (const char *)ev->data.scalar.anchor, node, 1);
        }
        return s_place(b, node, mark);
    }
    case YAML_ALIAS_EVENT: {
        const char *name = (const char *)ev->data.alias.anchor;
        for (size_t i = b->nanchors; i-- > 0;) {
            if (strcmp(b->anchors[i].name, name) == 0) {
                if (s_count(b, b->anchors[i].nodes, mark) != 0) {
                    return -1;
                }
                cJSON *copy = cJSON_Duplicate(b->anchors[i].node, 1);
                if (!copy) {
                    abort();
                }
                return s_place(b, copy, mark);
            }
        }
        return s_fail(b, mark, "alias to an unknown (or unfinished) anchor");
    }
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
        if (b->depth == S_MAX_DEPTH) {
            return s_fail(b, mark, "nested too deeply");
        }
        if (b->depth > 0 && cJSON_IsObject(b->stack[b->depth - 1].node) &&
            !b->stack[b->depth - 1].key) {
            return s_fail(b, mark, "a mapping key must be a plain value");
        }
        if (s_count(b, 1, mark) != 0) {
            return -1;
        }
        bool seq = ev->type == YAML_SEQUENCE_START_EVENT;
        const yaml_char_t *anchor = seq ? ev->data.sequence_start.anchor
                                        : ev->data.mapping_start.anchor;
        struct s_frame *f = &b->stack[b->depth++];
        f->node = seq ? cJSON_CreateArray() : cJSON_CreateObject();
        if (!f->node) {
            abort();
        }
        f->key = NULL;
        f->anchor = anchor ? xstrdup((const char *)anchor) : NULL;
        f->nodes_before = b->nodes;
        return 0;
    }
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT: {
        struct s_frame f = b->stack[--b->depth];
        free(f.key);
        if (f.anchor) {
            s_anchor_add(b, f.anchor, f.node, b->nodes - f.nodes_before + 1);
            free(f.anchor);
        }
        return s_place(b, f.node, mark);
    }
    case YAML_NO_EVENT:
    case YAML_STREAM_START_EVENT:
    case YAML_STREAM_END_EVENT:
    case YAML_DOCUMENT_START_EVENT:
    case YAML_DOCUMENT_END_EVENT:
        return 0;
    }
    return 0;
}

static void
s_builder_cleanup(struct s_builder *b)
{
    while (b->depth > 0) {
        struct s_frame *f = &b->stack[--b->depth];
        cJSON_Delete(f->node);
        free(f->key);
        free(f->anchor);
    }
    for (size_t i = 0; i < b->nanchors; i++) {
        free(b->anchors[i].name);
    }
    free(b->anchors);
    cJSON_Delete(b->root);
}

static cJSON *
s_parse_yaml(const char *text, size_t len, const char *name, struct eb_error *err)
{
    struct s_builder b;
    memset(&b, 0, sizeof b);
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        abort();
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    bool done = false;
    int docs = 0;
    while (!done) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            char msg[200];
            snprintf(msg, sizeof msg, "%s%s%s", parser.problem ? parser.problem : "not YAML",
                     parser.context ? " " : "", parser.context ? parser.context : "");
            s_fail(&b, &parser.problem_mark, msg);
            break;
        }
        if (ev.type == YAML_DOCUMENT_START_EVENT && ++docs > 1) {
            yaml_event_delete(&ev);
            break; /* only the first document counts */
        }
        done = ev.type == YAML_STREAM_END_EVENT;
        int rc = s_event(&b, &ev);
        yaml_event_delete(&ev);
        if (rc != 0) {
            break;
        }
    }
    yaml_parser_delete(&parser);
    if (!b.problem[0] && (!b.root || cJSON_IsNull(b.root))) {
        s_fail(&b, NULL, "the document is empty");
    }
    if (b.problem[0]) {
        if (b.line) {
            err_set(err, EB_ERR_INVALID, "%s: line %zu column %zu: %s", name, b.line, b.column,
                    b.problem);
        } else {
            err_set(err, EB_ERR_INVALID, "%s: %s", name, b.problem);
        }
        s_builder_cleanup(&b);
        return NULL;
    }
    cJSON *root = b.root;
    b.root = NULL;
    s_builder_cleanup(&b);
    return root;
}

/* --- JSON ---------------------------------------------------------------------------------- */

static void
s_position(const char *text, size_t off, size_t *line, size_t *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off; i++) {
        if (text[i] == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

static cJSON *
s_parse_json(const char *text, size_t len, const char *name, struct eb_error *err)
{
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    size_t off = end && end >= text && end <= text + len ? (size_t)(end - text) : 0;
    if (root) {
        while (off < len && (text[off] == ' ' || text[off] == '\t' || text[off] == '\n' ||
                             text[off] == '\r' || text[off] == '\0')) {
            off++;
        }
        if (off == len) {
            return root;
        }
        cJSON_Delete(root);
    }
    size_t line, col;
    s_position(text, off, &line, &col);
    err_set(err, EB_ERR_INVALID, "%s: line %zu column %zu: not valid JSON", name, line, col);
    return NULL;
}

cJSON *
yamljson_parse(const char *text, size_t len, const char *name, struct eb_error *err)
{
    size_t i = 0;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        i = 3;
    }
    size_t start = i;
    while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')) {
        i++;
    }
    if (i < len && (text[i] == '{' || text[i] == '[')) {
        struct eb_error jerr;
        err_clear(&jerr);
        cJSON *root = s_parse_json(text + start, len - start, name, &jerr);
        if (root) {
            return root;
        }
        /* YAML flow style ({a: 1}) is not JSON; a real JSON error is reported as such. */
        root = s_parse_yaml(text, len, name, NULL);
        if (root) {
            return root;
        }
        if (err) {
            *err = jerr;
        }
        return NULL;
    }
    return s_parse_yaml(text, len, name, err);
}
