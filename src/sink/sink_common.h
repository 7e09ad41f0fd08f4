/*
 * What the folder and S3 results sinks share (SPEC §5): checking a results
 * path, joining it to the sink's root, and the struct sink_ops table itself.
 * A sink supplies only a small store (write, read, cleanup) over full names.
 */
#ifndef EB_SINK_COMMON_H
#define EB_SINK_COMMON_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/sink.h"
#include "util/buf.h"
#include "util/err.h"

struct sink_common;

struct sink_store_ops {
    /*
     * Store len bytes at name ("{root}/{path}"), replacing what is there, or with
     * create only if absent (EB_ERR_EXISTS when present, with a message naming it).
     */
    int (*write)(struct sink_common *s, const char *name, const void *data, size_t len,
                 bool create, struct eb_error *err);
    /* Append the object at name to out; EB_ERR_NOT_FOUND when absent. */
    int (*read)(struct sink_common *s, const char *name, struct eb_buf *out,
                struct eb_error *err);
    /* Free what the sink keeps beyond struct sink_common (not the sink itself); may be NULL. */
    void (*cleanup)(struct sink_common *s);
};

/* The first member of each sink's own struct. */
struct sink_common {
    struct sink base;                   /* base.ops is the shared table */
    const struct sink_store_ops *store; /* borrowed, static */
    char *root;                         /* owned: what paths are joined to */
    char *location;                     /* owned: what location() gives */
};

/*
 * Fill the shared part of a sink the caller allocated zeroed (xcalloc of its own
 * struct, which starts with struct sink_common); root and location are taken over
 * (owned, freed by destroy). The sink's operations then check every path (not empty,
 * not absolute, no "..": EB_ERR_INVALID "results path '...' is not a plain relative
 * path", before anything is touched) and call store with "{root}/{path}"; destroy
 * calls store->cleanup, frees root and location, then the sink.
 */
void sink_common_init(struct sink_common *s, const struct sink_store_ops *store, char *root,
                      char *location);

#endif
