/*
 * The catalogue (SPEC §3): `commands:` and `clusters:` lists of entries with
 * the seed's fields (name, status, plugin, version, description, context,
 * tags, cluster_tags), and selection by tags.
 */
#ifndef EB_JOB_CATALOGUE_H
#define EB_JOB_CATALOGUE_H

#include <stdbool.h>
#include <stddef.h>

#include <cJSON.h>

#include "job/load.h"

/* One command or cluster; strings and context are borrowed from the catalogue's tree. */
struct cat_entry {
    size_t index;              /* position in its list, for field paths */
    const char *name;          /* "" when missing (a problem was recorded) */
    bool active;               /* status "active" (any case), or no status */
    const cJSON *context;      /* an object, or NULL */
    const char **tags;         /* ntags strings */
    size_t ntags;
    const char **cluster_tags; /* commands only */
    size_t ncluster_tags;
};

struct catalogue {
    cJSON *root;               /* owned */
    char *path;                /* where it was read, for messages */
    struct cat_entry *commands;
    size_t ncommands;
    struct cat_entry *clusters;
    size_t nclusters;
};

/*
 * Take root (ownership passes, even on problems) and index its entries; every
 * structural problem ("clusters[1].tags: must be a list of strings") goes to pr,
 * named with path. out is always usable and must be cleaned up.
 */
void catalogue_parse(cJSON *root, const char *path, struct catalogue *out,
                     struct job_problems *pr);
void catalogue_cleanup(struct catalogue *c);

/* The first active entry whose tags contain every string of want and of want2
 * (either list may be empty); NULL when none. */
const struct cat_entry *catalogue_select(const struct cat_entry *v, size_t n,
                                         const char *const *want, size_t nwant,
                                         const char *const *want2, size_t nwant2);

/*
 * A list of scalars as borrowed strings (numbers keep their text): NULL item = empty list.
 * Returns 0, or -1 when item is not a list of scalars (nothing allocated then).
 * *out_v is malloc'd (free it, not its strings).
 */
int catalogue_strings(const cJSON *item, const char ***out_v, size_t *out_n);

#endif
