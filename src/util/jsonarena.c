/* JSON trees in an arena: see jsonarena.h. */
#include "jsonarena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>

#define S_BLOCK_MIN (64 * 1024)
/* cJSON's tree takes up to about 8 times its text (64-byte nodes for short values). */
#define S_TREE_PER_BYTE 8

struct s_block {
    struct s_block *next;
    size_t used, size;
    alignas(max_align_t) unsigned char data[];
};

struct s_arena {
    struct s_arena *next; /* trees alive at once: usually one */
    const cJSON *root;
    struct s_block *blocks;
    size_t first_size; /* the first block's size, from the text's length */
};

static struct s_arena *s_live;
static struct s_arena *s_parsing; /* the arena cJSON allocates from during a parse */
/* One freed block of S_BLOCK_MIN kept for the next small answer: malloc would hand a block
 * this size back to the system on free, and map it again on the next request. */
static struct s_block *s_spare;

static struct s_block *
s_block_new(size_t size)
{
    struct s_block *b;
    if (size == S_BLOCK_MIN && s_spare) {
        b = s_spare;
        s_spare = NULL;
    } else {
        b = malloc(sizeof *b + size);
        if (!b) {
            return NULL;
        }
        b->size = size;
    }
    b->used = 0;
    return b;
}

static void *
s_alloc(size_t n)
{
    struct s_arena *a = s_parsing;
    size_t need = (n + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1);
    struct s_block *b = a->blocks;
    if (!b || b->size - b->used < need) {
        size_t size = b ? S_BLOCK_MIN : a->first_size;
        b = s_block_new(need > size ? need : size);
        if (!b) {
            return NULL;
        }
        b->next = a->blocks;
        a->blocks = b;
    }
    void *p = b->data + b->used;
    b->used += need;
    return p;
}

static void
s_free(void *p)
{
    (void)p; /* the arena goes at once */
}

static void
s_arena_free(struct s_arena *a)
{
    struct s_block *b = a->blocks;
    while (b) {
        struct s_block *next = b->next;
        if (b->size == S_BLOCK_MIN && !s_spare) {
            s_spare = b;
        } else {
            free(b);
        }
        b = next;
    }
    free(a);
}

cJSON *
jsonarena_parse(const char *text, size_t len)
{
    struct s_arena *a = calloc(1, sizeof *a);
    if (!a || !text) {
        free(a);
        return NULL;
    }
    a->first_size = len < S_BLOCK_MIN / S_TREE_PER_BYTE ? S_BLOCK_MIN : len * S_TREE_PER_BYTE;
    cJSON_Hooks hooks = {.malloc_fn = s_alloc, .free_fn = s_free};
    s_parsing = a;
    cJSON_InitHooks(&hooks);
    cJSON *root = cJSON_ParseWithLength(text, len);
    cJSON_InitHooks(NULL);
    s_parsing = NULL;
    if (!root) {
        s_arena_free(a);
        return NULL;
    }
    a->root = root;
    a->next = s_live;
    s_live = a;
    return root;
}

void
jsonarena_free(cJSON *root)
{
    for (struct s_arena **p = &s_live; root && *p; p = &(*p)->next) {
        if ((*p)->root == root) {
            struct s_arena *a = *p;
            *p = a->next;
            s_arena_free(a);
            return;
        }
    }
}
