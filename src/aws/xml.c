/*
 * expat wrapper: element paths of local names plus their direct text, with
 * bounds on depth, path length and text size so a hostile answer costs
 * little. Used by awserr (error documents) and the credential providers (STS).
 */
#include "aws/xml.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>

#include "util/buf.h"
#include "util/xalloc.h"

#define XML_MAX_DEPTH 64
#define XML_MAX_PATH 1024
#define XML_MAX_TEXT (1024 * 1024)

struct s_walk {
    XML_Parser parser;
    xml_visit_fn fn;
    void *ctx;
    char path[XML_MAX_PATH + 1];
    size_t path_len[XML_MAX_DEPTH + 1]; /* path length before each level's name */
    struct eb_buf text[XML_MAX_DEPTH + 1];
    int depth;
    bool failed;
    const char *why;
};

static const char *
s_local(const char *name)
{
    const char *sep = strrchr(name, '\x01');
    return sep ? sep + 1 : name;
}

static void XMLCALL
s_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    (void)atts;
    struct s_walk *w = ud;
    if (w->failed) {
        return;
    }
    if (w->depth >= XML_MAX_DEPTH) {
        w->failed = true;
        w->why = "nested too deeply";
        XML_StopParser(w->parser, XML_FALSE);
        return;
    }
    const char *local = s_local(name);
    size_t add = strlen(local) + 1;
    size_t now = w->depth == 0 ? 0 : strlen(w->path);
    if (now + add > XML_MAX_PATH) {
        w->failed = true;
        w->why = "element path too long";
        XML_StopParser(w->parser, XML_FALSE);
        return;
    }
    w->depth++;
    w->path_len[w->depth] = now;
    w->path[now] = '/';
    memcpy(w->path + now + 1, local, add - 1);
    w->path[now + add] = '\0';
    buf_reset(&w->text[w->depth]);
}

static void XMLCALL
s_end(void *ud, const XML_Char *name)
{
    (void)name;
    struct s_walk *w = ud;
    if (w->failed || w->depth == 0) {
        return;
    }
    w->fn(w->ctx, w->path, buf_cstr(&w->text[w->depth]), w->depth);
    w->path[w->path_len[w->depth]] = '\0';
    w->depth--;
}

static void XMLCALL
s_chars(void *ud, const XML_Char *s, int len)
{
    struct s_walk *w = ud;
    if (w->failed || w->depth == 0 || len <= 0) {
        return;
    }
    if (buf_append(&w->text[w->depth], s, (size_t)len) != 0) {
        w->failed = true;
        w->why = "element text too large";
        XML_StopParser(w->parser, XML_FALSE);
    }
}

int
xml_walk(const char *data, size_t len, xml_visit_fn fn, void *ctx, struct eb_error *err)
{
    int rc = EB_OK;
    struct s_walk *w = xcalloc(1, sizeof *w);
    for (int i = 0; i <= XML_MAX_DEPTH; i++) {
        buf_init(&w->text[i], XML_MAX_TEXT);
    }
    w->fn = fn;
    w->ctx = ctx;
    w->parser = XML_ParserCreateNS(NULL, '\x01');
    if (!w->parser) {
        abort(); /* out of memory, as xmalloc would */
    }
    XML_SetUserData(w->parser, w);
    XML_SetElementHandler(w->parser, s_start, s_end);
    XML_SetCharacterDataHandler(w->parser, s_chars);
    if (len > (size_t)0x7fffffff) {
        rc = err_set(err, EB_ERR_PARSE, "XML document too large (%zu bytes)", len);
        goto out;
    }
    enum XML_Status st = XML_Parse(w->parser, data ? data : "", (int)len, XML_TRUE);
    if (w->failed) {
        rc = err_set(err, EB_ERR_PARSE, "XML document rejected: %s", w->why);
    } else if (st != XML_STATUS_OK) {
        rc = err_set(err, EB_ERR_PARSE, "malformed XML at line %lu: %s",
                     (unsigned long)XML_GetCurrentLineNumber(w->parser),
                     XML_ErrorString(XML_GetErrorCode(w->parser)));
    }
out:
    XML_ParserFree(w->parser);
    for (int i = 0; i <= XML_MAX_DEPTH; i++) {
        buf_cleanup(&w->text[i]);
    }
    free(w);
    return rc;
}

struct s_find {
    const char *suffix;
    char *found;
};

static bool
s_path_ends_with(const char *path, const char *suffix)
{
    size_t pl = strlen(path), sl = strlen(suffix);
    if (sl > pl || strcmp(path + pl - sl, suffix) != 0) {
        return false;
    }
    return sl == pl || path[pl - sl - 1] == '/' || suffix[0] == '/';
}

static void
s_find_visit(void *ctx, const char *path, const char *text, int depth)
{
    (void)depth;
    struct s_find *f = ctx;
    if (!f->found && s_path_ends_with(path, f->suffix)) {
        f->found = xstrdup(text);
    }
}

char *
xml_find(const char *data, size_t len, const char *suffix)
{
    struct s_find f = {suffix, NULL};
    if (xml_walk(data, len, s_find_visit, &f, NULL) != EB_OK) {
        free(f.found);
        return NULL;
    }
    return f.found;
}

struct s_root {
    char *out;
    size_t size;
};

static void
s_root_visit(void *ctx, const char *path, const char *text, int depth)
{
    (void)text;
    struct s_root *r = ctx;
    if (depth == 1 && r->size > 0) {
        size_t n = strlen(path + 1);
        if (n >= r->size) {
            n = r->size - 1;
        }
        memcpy(r->out, path + 1, n);
        r->out[n] = '\0';
    }
}

void
xml_root_name(const char *data, size_t len, char *out, size_t size)
{
    struct s_root r = {out, size};
    if (size > 0) {
        out[0] = '\0';
    }
    if (xml_walk(data, len, s_root_visit, &r, NULL) != EB_OK && size > 0) {
        out[0] = '\0';
    }
}
