/*
 * Catalogue documents: indexing the commands and clusters of SPEC §3 and
 * picking one of each by tags. The contexts are read later (context.c), only
 * for the entries selected.
 */
#include "job/catalogue.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "job/problems.h"
#include "util/xalloc.h"

int
catalogue_strings(const cJSON *item, const char ***out_v, size_t *out_n)
{
    *out_v = NULL;
    *out_n = 0;
    if (!item || cJSON_IsNull(item)) {
        return 0;
    }
    if (!cJSON_IsArray(item)) {
        return -1;
    }
    size_t n = (size_t)cJSON_GetArraySize(item);
    const char **v = xcalloc(n + 1, sizeof *v);
    size_t i = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, item)
    {
        const char *s = cJSON_IsString(e) ? e->valuestring
                        : (cJSON_IsNumber(e) || cJSON_IsBool(e)) ? e->valuestring
                                                                 : NULL;
        if (!s) {
            free(v);
            return -1;
        }
        v[i++] = s;
    }
    *out_v = v;
    *out_n = i;
    return 0;
}

static void
s_entries(const cJSON *root, const char *list, bool is_command, const char *path,
          struct cat_entry **out_v, size_t *out_n, struct job_problems *pr)
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, list);
    *out_v = NULL;
    *out_n = 0;
    if (!arr || cJSON_IsNull(arr)) {
        problems_addf(pr, "%s: %s: missing (the catalogue needs a list of %s)", path, list, list);
        return;
    }
    if (!cJSON_IsArray(arr)) {
        char *v = problems_value(arr);
        problems_addf(pr, "%s: %s: %s must be a list of %s", path, list, v, list);
        free(v);
        return;
    }
    size_t n = (size_t)cJSON_GetArraySize(arr);
    struct cat_entry *entries = xcalloc(n ? n : 1, sizeof *entries);
    size_t i = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, arr)
    {
        struct cat_entry *c = &entries[i];
        c->index = i++;
        c->name = "";
        if (!cJSON_IsObject(e)) {
            char *v = problems_value(e);
            problems_addf(pr, "%s: %s[%zu]: %s must be a mapping (name, status, context, tags...)",
                          path, list, c->index, v);
            free(v);
            continue;
        }
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(e, "name");
        if (cJSON_IsString(name) && name->valuestring[0]) {
            c->name = name->valuestring;
        } else {
            char *v = problems_value(name);
            problems_addf(pr, "%s: %s[%zu].name: %s must be a non-empty string", path, list,
                          c->index, v);
            free(v);
        }
        const cJSON *status = cJSON_GetObjectItemCaseSensitive(e, "status");
        if (!status || cJSON_IsNull(status)) {
            c->active = true;
        } else if (cJSON_IsString(status)) {
            c->active = strcasecmp(status->valuestring, "active") == 0;
        } else {
            char *v = problems_value(status);
            problems_addf(pr, "%s: %s[%zu].status: %s must be a string (active, inactive...)",
                          path, list, c->index, v);
            free(v);
        }
        const cJSON *ctx = cJSON_GetObjectItemCaseSensitive(e, "context");
        if (cJSON_IsObject(ctx)) {
            c->context = ctx;
        } else if (ctx && !cJSON_IsNull(ctx)) {
            char *v = problems_value(ctx);
            problems_addf(pr, "%s: %s[%zu].context: %s must be a mapping", path, list, c->index, v);
            free(v);
        }
        const cJSON *tags = cJSON_GetObjectItemCaseSensitive(e, "tags");
        if (catalogue_strings(tags, &c->tags, &c->ntags) != 0) {
            char *v = problems_value(tags);
            problems_addf(pr, "%s: %s[%zu].tags: %s must be a list of strings", path, list,
                          c->index, v);
            free(v);
        }
        if (is_command) {
            const cJSON *ct = cJSON_GetObjectItemCaseSensitive(e, "cluster_tags");
            if (catalogue_strings(ct, &c->cluster_tags, &c->ncluster_tags) != 0) {
                char *v = problems_value(ct);
                problems_addf(pr, "%s: %s[%zu].cluster_tags: %s must be a list of strings", path,
                              list, c->index, v);
                free(v);
            }
        }
    }
    *out_v = entries;
    *out_n = i;
}

void
catalogue_parse(cJSON *root, const char *path, struct catalogue *out, struct job_problems *pr)
{
    memset(out, 0, sizeof *out);
    out->root = root;
    out->path = xstrdup(path);
    if (!cJSON_IsObject(root)) {
        char *v = problems_value(root);
        problems_addf(pr, "%s: %s: the catalogue must be a mapping with 'commands' and 'clusters' lists",
                      path, v);
        free(v);
        return;
    }
    s_entries(root, "commands", true, path, &out->commands, &out->ncommands, pr);
    s_entries(root, "clusters", false, path, &out->clusters, &out->nclusters, pr);
}

static void
s_entries_free(struct cat_entry *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].tags);
        free(v[i].cluster_tags);
    }
    free(v);
}

void
catalogue_cleanup(struct catalogue *c)
{
    if (!c) {
        return;
    }
    s_entries_free(c->commands, c->ncommands);
    s_entries_free(c->clusters, c->nclusters);
    cJSON_Delete(c->root);
    free(c->path);
    memset(c, 0, sizeof *c);
}

static bool
s_has_all(const struct cat_entry *e, const char *const *want, size_t nwant)
{
    for (size_t i = 0; i < nwant; i++) {
        bool found = false;
        for (size_t k = 0; k < e->ntags && !found; k++) {
            found = strcmp(e->tags[k], want[i]) == 0;
        }
        if (!found) {
            return false;
        }
    }
    return true;
}

const struct cat_entry *
catalogue_select(const struct cat_entry *v, size_t n, const char *const *want, size_t nwant,
                 const char *const *want2, size_t nwant2)
{
    for (size_t i = 0; i < n; i++) {
        if (v[i].active && v[i].name[0] && s_has_all(&v[i], want, nwant) &&
            s_has_all(&v[i], want2, nwant2)) {
            return &v[i];
        }
    }
    return NULL;
}
